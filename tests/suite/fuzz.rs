//! The fuzz corpus replayed (the suite does not fuzz): every regression in
//! `fuzz/regressions/`, every example, standard library file and test case, through each
//! fuzz target's own entry point (`k8sc::fuzz`), so a crash the fuzzer once found, or an
//! input issue 13 named, fails the normal test run. A `.k8s` regression also names, on a
//! `# expect: CODE` line, the diagnostic it must draw.

use std::path::PathBuf;

fn regressions() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(crate::root().join("fuzz/regressions"))
        .expect("fuzz/regressions")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}

#[test]
fn the_regressions_replay_through_every_target() {
    let files = regressions();
    assert!(files.len() >= 10, "the regressions are there");
    for path in &files {
        let data = std::fs::read(path).expect("readable");
        k8sc::fuzz::compile(&data);
        k8sc::fuzz::fmt(&data);
        k8sc::fuzz::lsp(&data);
        if path.extension().is_some_and(|ext| ext == "k8s") {
            let text = String::from_utf8_lossy(&data);
            let expected = (text.lines())
                .find_map(|line| line.strip_prefix("# expect: "))
                .unwrap_or_else(|| panic!("{}: no `# expect:` line", path.display()));
            // As the fuzz target reads it: `#--- PATH` lines start other files.
            let files = k8sc::load::Memory::split("fuzz.k8s", &text);
            let first = files.files["fuzz.k8s"].clone();
            let compilation = k8sc::compile_platform(vec![("fuzz.k8s".into(), first)], "", &files, |_| None);
            assert!(
                (compilation.diagnostics.iter()).any(|d| d.code.as_str() == expected.trim()),
                "{}: expected {expected}, got {:?}",
                path.display(),
                compilation
                    .diagnostics
                    .iter()
                    .map(|d| d.code.as_str())
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn the_seed_corpus_replays_through_every_target() {
    let mut files = crate::k8s_files("examples");
    files.extend(crate::k8s_files("stdlib"));
    files.extend(crate::k8s_files("tests/cases"));
    assert!(files.len() > 100, "the seeds are there");
    for path in &files {
        let data = std::fs::read(path).expect("readable");
        k8sc::fuzz::compile(&data);
        k8sc::fuzz::fmt(&data);
    }
    // A session per file costs more: the examples, the standard library and a spread of
    // the cases.
    for path in files.iter().step_by(4) {
        k8sc::fuzz::lsp(&std::fs::read(path).expect("readable"));
    }
}

/// Edge inputs: an empty stream, a truncated frame, bytes that are not UTF-8 (skipped by
/// the formatter, read lossily by the others).
#[test]
fn the_targets_take_edge_inputs() {
    for data in [
        &b""[..],
        b"Content-Length: 10\r\n\r\n{\"a\":",
        b"node a {\n  x = \xff\n}\n",
    ] {
        k8sc::fuzz::compile(data);
        k8sc::fuzz::fmt(data);
        k8sc::fuzz::lsp(data);
    }
}
