//! The README's code map names every folder of `src/`, so it cannot drift.

#[test]
fn the_readme_code_map_names_every_source_folder() {
    let readme = std::fs::read_to_string(crate::root().join("README.md")).expect("README.md");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(crate::root().join("src")).expect("src/").flatten() {
        if entry.path().is_dir() {
            let folder = format!("src/{}/", entry.file_name().to_string_lossy());
            if !readme.contains(&folder) {
                missing.push(folder);
            }
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "the README's code map does not name {missing:?}");
}
