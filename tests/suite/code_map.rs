//! The README's code map names every folder of `src/` and says what each phase may import;
//! this test reads that table and holds the source to it, so neither can drift. A phase
//! that imports a later one (a rule reading an emitter's internals, an emitter reading a
//! rule's) fails here, with the file and the import.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The code map's rows: a path of `src/` (`src/check/`, `src/lib.rs`) and the phases it
/// may import, by their module names (`None`: every phase).
fn code_map(readme: &str) -> BTreeMap<String, Option<Vec<String>>> {
    let start = readme.find("### Code map").expect("the README has a code map");
    let mut rows = BTreeMap::new();
    for line in readme[start..].lines().skip(1) {
        if line.starts_with("###") {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| path | what | may import |`: a leading and a trailing empty cell.
        if cells.len() != 5 || !cells[1].starts_with("`src/") {
            continue;
        }
        let path = cells[1].trim_matches('`').to_string();
        let allowed = match cells[3] {
            "every phase" => None,
            "nothing" => Some(Vec::new()),
            list => Some(list.split(", ").map(str::to_string).collect()),
        };
        rows.insert(path, allowed);
    }
    rows
}

/// The phase a source file belongs to: its folder under `src/`, or its own name.
fn phase_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("a file under src/");
    let mut parts = relative.components();
    let first = parts.next().expect("a path").as_os_str().to_string_lossy().into_owned();
    if parts.next().is_some() {
        format!("src/{first}/")
    } else {
        format!("src/{first}")
    }
}

/// The module name of a code-map path: `src/check/` -> `check`, `src/source.rs` -> `source`.
fn module_of(path: &str) -> String {
    path.trim_start_matches("src/")
        .trim_end_matches('/')
        .trim_end_matches(".rs")
        .to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::<module>` a file names, with its line number.
fn imports<'a>(text: &'a str, modules: &'a [String]) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    text.lines().enumerate().flat_map(move |(index, line)| {
        let code = line.split("//").next().unwrap_or_default();
        modules.iter().filter_map(move |module| {
            let needle = format!("crate::{module}");
            let named = code.match_indices(&needle).any(|(at, _)| {
                let after = code[at + needle.len()..].chars().next();
                let before = code[..at].chars().next_back();
                !after.is_some_and(|ch| ch.is_alphanumeric() || ch == '_')
                    && !before.is_some_and(|ch| ch.is_alphanumeric() || ch == '_')
            });
            named.then_some((index + 1, module.as_str()))
        })
    })
}

#[test]
fn the_readme_code_map_names_every_source_folder_and_each_imports_only_what_it_may() {
    let root = crate::root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let map = code_map(&readme);
    let src = root.join("src");
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src/").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if entry.path().is_dir() {
            format!("src/{name}/")
        } else {
            format!("src/{name}")
        };
        if !map.contains_key(&path) {
            problems.push(format!("the README's code map has no row for {path}"));
        }
    }
    let modules: Vec<String> = map.keys().map(|path| module_of(path)).collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    for file in &files {
        let phase = phase_of(&src, file);
        let Some(Some(allowed)) = map.get(&phase) else {
            continue;
        };
        let own = module_of(&phase);
        let text = std::fs::read_to_string(file).expect("a readable source file");
        for (line, module) in imports(&text, &modules) {
            if module != own && !allowed.iter().any(|allowed| allowed == module) {
                problems.push(format!(
                    "{}:{line}: {phase} imports crate::{module}, which its row does not list",
                    file.strip_prefix(&root).unwrap_or(file).display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layering_test_hears_an_upward_import() {
    let readme = "### Code map\n\n| path | what | may import |\n| --- | --- | --- |\n\
                  | `src/emit/` | emitters | platform, semantic |\n";
    let map = code_map(readme);
    let allowed = map.get("src/emit/").cloned().flatten().expect("a row");
    let modules = vec!["check".to_string(), "platform".to_string(), "emit".to_string()];
    let text = "use crate::platform::Platform;\nuse crate::check::Context; // a rule's internals\n// crate::check in a comment\nlet checker = crate::checks;\n";
    let upward: Vec<(usize, &str)> = imports(text, &modules)
        .filter(|(_, module)| !allowed.iter().any(|allowed| allowed == module))
        .collect();
    assert_eq!(upward, vec![(2, "check")]);
}

/// The longest a function in `src/` may be, in lines from its signature to its closing
/// brace: past this it holds more than one idea, which want names of their own.
const LONGEST_FUNCTION: usize = 80;

/// Every function of a source file longer than [`LONGEST_FUNCTION`]: its name, first line
/// and length. A function is its signature's line through the line that closes it at the
/// signature's indentation (rustfmt's layout).
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = [
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .find_map(|prefix| trimmed.strip_prefix(prefix));
        let Some(rest) = signature else { continue };
        let name: String = rest
            .chars()
            .take_while(|ch| ch.is_alphanumeric() || *ch == '_')
            .collect();
        if name.is_empty() || line.trim_end().ends_with(';') {
            continue;
        }
        let closing = format!("{indent}}}");
        let Some(end) = (index..lines.len()).find(|at| lines[*at] == closing) else {
            continue;
        };
        let length = end - index + 1;
        if length > LONGEST_FUNCTION {
            long.push((name, index + 1, length));
        }
    }
    long
}

#[test]
fn no_function_in_src_is_longer_than_a_screen() {
    let src = crate::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in &files {
        // Generated from the prelude: one accessor per field, never read as a whole.
        if file.ends_with("semantic/views.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("a readable source file");
        for (name, line, length) in long_functions(&text) {
            found.push(format!("{}:{line}: `{name}` is {length} lines", file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "functions over {LONGEST_FUNCTION} lines (split them into named parts):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_length_test_hears_a_long_function() {
    let body = "    let x = 1;\n".repeat(LONGEST_FUNCTION);
    let text = format!("fn short() {{\n}}\n\npub fn long() {{\n{body}}}\n\nfn declared();\n");
    assert_eq!(
        long_functions(&text),
        vec![("long".to_string(), 4, LONGEST_FUNCTION + 2)]
    );
}
