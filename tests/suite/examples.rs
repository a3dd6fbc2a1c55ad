//! Every example checks clean and is in canonical form.

use k8sc::source::FileId;

#[test]
fn every_example_checks_clean() {
    let examples = crate::k8s_files("examples");
    assert!(examples.len() >= 5, "expected the five reference examples");
    for path in &examples {
        let text = std::fs::read_to_string(path).expect("readable example");
        let compilation = k8sc::compile(&path.display().to_string(), &text);
        let rendered = k8sc::report::render_human(
            &compilation.diagnostics,
            &compilation.sources,
            k8sc::report::HumanStyle::default(),
        );
        assert!(compilation.diagnostics.is_empty(), "{}:\n{rendered}", path.display());
    }
}

#[test]
fn every_example_and_stdlib_file_is_in_canonical_form() {
    for path in crate::k8s_files("examples")
        .into_iter()
        .chain(crate::k8s_files("stdlib"))
    {
        let text = std::fs::read_to_string(&path).expect("readable example");
        let formatted = k8sc::format::format(FileId(0), &text).expect("examples parse");
        assert_eq!(formatted, text, "{} is not formatted", path.display());
    }
}

/// Formatting is idempotent and keeps meaning: a file formatted from a squashed layout
/// gives the same model as the original.
#[test]
fn formatting_a_squashed_example_restores_a_file_with_the_same_meaning() {
    for path in crate::k8s_files("examples") {
        let text = std::fs::read_to_string(&path).expect("readable example");
        // Squash: every line's indentation removed, blank lines dropped.
        let squashed: String = text
            .lines()
            .map(str::trim_start)
            .filter(|line| !line.is_empty())
            .map(|line| format!("{line}\n"))
            .collect();
        let formatted = k8sc::format::format(FileId(0), &squashed).expect("squashed example parses");
        let again = k8sc::format::format(FileId(0), &formatted).expect("formatted example parses");
        assert_eq!(formatted, again, "{}: formatting is not idempotent", path.display());
        let original = k8sc::compile("a", &text);
        let reformatted = k8sc::compile("a", &formatted);
        assert_eq!(original.model.entities.len(), reformatted.model.entities.len());
        for (idx, (a, b)) in original
            .model
            .entities
            .iter()
            .zip(&reformatted.model.entities)
            .enumerate()
        {
            assert_eq!((&a.name, a.kind), (&b.name, b.kind));
            let values = |model: &k8sc::semantic::Model| -> Vec<String> {
                model
                    .fields(k8sc::semantic::EntityId(u32::try_from(idx).expect("an id")))
                    .map(|(name, value, origin)| format!("{name} {origin:?} {}", strip_spans(&value.value)))
                    .collect()
            };
            assert_eq!(
                values(&original.model),
                values(&reformatted.model),
                "{}: {} changed meaning",
                path.display(),
                a.name
            );
        }
    }
}

/// A value's debug form without spans, to compare meaning across layouts.
fn strip_spans(value: &k8sc::semantic::Value) -> String {
    use k8sc::semantic::Value;
    match value {
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|item| strip_spans(&item.value))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Record(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|field| field.as_ref().map_or("-".into(), |f| strip_spans(&f.value.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(key, item)| format!("{key}={}", strip_spans(&item.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => format!("{other:?}"),
    }
}

/// `check` and `build` compile without keeping the syntax tree (each declaration's tree is
/// dropped once checked): the model and every finding must be those of the full compile,
/// on the examples, on every case (errors, duplicates, suppressions) and on a workload
/// large enough to be checked on two threads.
#[test]
fn compiling_without_the_syntax_tree_gives_the_same_model_and_findings() {
    let mut files: Vec<(String, String)> = crate::k8s_files("examples")
        .into_iter()
        .chain(crate::k8s_files("tests/cases"))
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).expect("readable"),
            )
        })
        .collect();
    files.push(("w.k8s".into(), crate::gen_workload::workload(1000)));
    for (name, text) in &files {
        let full = k8sc::compile_resolving(name, text, |_| None);
        let (folder, file) = name.rsplit_once('/').unwrap_or(("", name));
        let lean = k8sc::compile_model_only(
            vec![(file.to_string(), text.clone())],
            folder,
            &k8sc::load::Memory::default(),
            |_| None,
        );
        assert_eq!(
            format!("{:?}", full.diagnostics),
            format!("{:?}", lean.diagnostics),
            "{name}"
        );
        assert_eq!(format!("{:?}", full.model), format!("{:?}", lean.model), "{name}");
        assert!(lean.module.items.is_empty());
    }
}
