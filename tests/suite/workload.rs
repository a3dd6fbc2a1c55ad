//! The benchmark workload W(N) is a valid, canonical platform for any N.

use crate::gen_workload;

use k8sc::source::FileId;

#[test]
fn the_workload_checks_clean_and_is_canonical() {
    for n in [1, 7, 250] {
        let text = gen_workload::workload(n);
        let compilation = k8sc::compile("w.k8s", &text);
        assert!(
            compilation.diagnostics.is_empty(),
            "W({n}): {:?}",
            compilation.diagnostics
        );
        let apps = crate::by_name::all(&compilation.model, "app").count();
        assert_eq!(apps as u64, n);
        assert_eq!(
            k8sc::format::format(FileId(0), &text).ok().as_deref(),
            Some(text.as_str()),
            "W({n}) is not canonical"
        );
    }
}

/// W(1000) has 2,000 declarations and 367 KB: it is parsed, type-checked and ruled on two
/// threads. What comes out must be what one thread gives: findings and references in
/// source order, every declaration in the model in order.
#[test]
fn a_large_platform_checked_on_two_threads_reports_in_source_order() {
    let clean = gen_workload::workload(1000);
    let compilation = k8sc::compile("w.k8s", &clean);
    assert!(compilation.diagnostics.is_empty(), "{:?}", compilation.diagnostics);
    assert_eq!(crate::by_name::all(&compilation.model, "app").count(), 1000);
    let starts: Vec<u32> = compilation.model.references.iter().map(|r| r.span.start).collect();
    assert!(
        starts.windows(2).all(|pair| pair[0] < pair[1]),
        "references out of order"
    );
    let names: Vec<&str> = compilation
        .model
        .entities
        .iter()
        .map(|entity| entity.name.as_str())
        .collect();
    assert_eq!(names.iter().position(|name| *name == "app-0"), Some(names.len() - 2000));
    assert_eq!(names.last(), Some(&"app-999"));

    // A type error near the start and one near the end, one in each half.
    let broken = clean.replacen("replicas = 3", "replicas = three", 1);
    // The last route's port.
    let last = broken.rfind("port = 8080\n}").expect("a route at the end");
    let broken = format!("{}port = 80x{}", &broken[..last], &broken[last + "port = 8080".len()..]);
    let compilation = k8sc::compile("w.k8s", &broken);
    let codes: Vec<(&str, u32)> = compilation
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.primary.span.start))
        .collect();
    assert_eq!(codes.len(), 2, "{codes:?}");
    assert!(
        codes.iter().all(|(code, _)| *code == "E0106" || *code == "E0107"),
        "{codes:?}"
    );
    assert!(codes[0].1 < codes[1].1);
}

/// A diagnostic deep in a large file is drawn from its own lines, with the file's line
/// numbers (the renderer reads a window around the labels, not the file from the start).
#[test]
fn a_late_diagnostic_in_a_large_file_shows_its_own_lines() {
    let text = gen_workload::workload(1000).replace("  readiness = { port = 8080 }\n", "");
    let compilation = k8sc::compile("w.k8s", &text);
    let last = (compilation.diagnostics.iter())
        .filter(|d| d.code.as_str() == "HA069")
        .max_by_key(|d| d.primary.span.start)
        .expect("a warning per app without readiness");
    let rendered = k8sc::report::render_human(
        std::slice::from_ref(last),
        &compilation.sources,
        k8sc::report::HumanStyle::default(),
    );
    let line = text[..last.primary.span.start as usize].matches('\n').count() + 1;
    let expected = format!("{line} │   ports = [{{ name = \"http\", port = 8080 }}]");
    assert!(rendered.contains(&expected), "{rendered}");
    assert!(rendered.contains(&format!("[w.k8s:{line}:11]")), "{rendered}");
}

/// W(N) written compactly (pools of hosts, workers, namespaces, apps and routes, and a
/// component) declares what W(N) declares, in order: both build byte-identical trees.
/// Across the pools' seams: more namespaces than one pool of 1,000 takes, and a last
/// namespace of fewer than ten apps. (The workers' seam, 250 to a pool, needs W(42k) or
/// more: benches/README.md records W(45k) built both ways, byte-identical.)
#[test]
fn the_compact_workload_builds_the_expanded_ones_tree() {
    let secrets = crate::build::secrets_of("");
    let mut resolved = k8sc::platform::Secrets::default();
    for (name, value) in gen_workload::secrets() {
        resolved.insert(k8sc::semantic::SecretSource::Env(name.into()), value.into());
    }
    drop(secrets);
    let templates = k8sc::emit::Templates::default();
    for n in [7, 13_000] {
        let expanded = gen_workload::workload(n);
        let compact = gen_workload::workload_compact(n);
        assert!(
            compact.len() * 10 < expanded.len() || n < 100,
            "W({n}) compact is compact"
        );
        assert_eq!(
            k8sc::format::format(FileId(0), &compact).ok().as_deref(),
            Some(compact.as_str()),
            "compact W({n}) is not canonical"
        );
        let built = |text: &str| {
            let compilation = k8sc::compile_with("w.k8s", text, &resolved);
            assert!(
                compilation.diagnostics.is_empty(),
                "W({n}): {:?}",
                compilation.diagnostics
            );
            k8sc::build("w.k8s", &compilation, &resolved, &templates).expect("W(N) builds")
        };
        let (from_expanded, from_compact) = (built(&expanded), built(&compact));
        let paths: Vec<&String> = from_expanded.files.keys().collect();
        assert_eq!(
            paths,
            from_compact.files.keys().collect::<Vec<_>>(),
            "W({n}): the same files"
        );
        for (path, file) in &from_expanded.files {
            assert!(
                file.contents == from_compact.files[path].contents,
                "W({n}): {path} differs between the expanded and the compact form"
            );
        }
    }
}
