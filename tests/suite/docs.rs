//! The language reference stays true: the generated schema page matches the prelude, every
//! kind is described in its layer, every code has a page.

use k8sc::semantic::stdlib::stdlib;

#[test]
fn the_schema_reference_matches_the_prelude() {
    let path = crate::root().join("lang/schema.md");
    let generated = k8sc::semantic::display::schema_reference(&stdlib().schemas);
    if std::env::var_os("K8SC_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).expect("write lang/schema.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "lang/schema.md is stale: run `K8SC_UPDATE_DOCS=1 cargo test --test suite docs` and review the diff"
    );
}

#[test]
fn every_kind_is_described_in_the_layers_page() {
    let layers = std::fs::read_to_string(crate::root().join("lang/layers.md")).expect("lang/layers.md");
    for entity in &stdlib().schemas.entities {
        assert!(
            layers.contains(&format!("| `{}` |", entity.name)),
            "lang/layers.md does not describe `{}`",
            entity.name
        );
    }
}

#[test]
fn every_diagnostic_page_has_an_example_and_a_fix() {
    for code in k8sc::diagnostic::Code::ALL {
        let page = code.page();
        assert!(
            page.contains("## Example") && page.contains("```k8s"),
            "{code}'s page has no example"
        );
        assert!(page.contains("## Fix"), "{code}'s page has no fix");
    }
}

#[test]
fn the_textmate_grammar_is_valid_and_knows_every_keyword() {
    let text = std::fs::read_to_string(crate::root().join("lang/editors/k8s.tmLanguage.json")).expect("grammar");
    let grammar: serde_json::Value = serde_json::from_str(&text).expect("the grammar is valid JSON");
    assert_eq!(grammar["scopeName"], "source.k8s");
    for keyword in k8sc::syntax::KEYWORDS {
        assert!(text.contains(keyword), "the grammar does not highlight `{keyword}`");
    }
}
