//! No input makes the compiler or the formatter panic: the examples, mangled by deleting
//! bytes, inserting tokens and truncating, go through `compile` and `format`.

use k8sc::source::FileId;

/// A small deterministic generator (xorshift), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound.max(1)).expect("a bound")).expect("below the bound")
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    ",",
    "\"",
    "#",
    "##",
    "\n",
    "node",
    "from",
    "use",
    "1.2.3.4",
    "10.0.0.0/99",
    "99999999999999999999",
    "-",
    "-1",
    "8Gi",
    "0.0005",
    "é",
    "\u{feff}",
    "entity x in y {",
    "env(",
    "?",
    ":",
    "|",
];

fn boundary(text: &str, mut idx: usize) -> usize {
    while !text.is_char_boundary(idx) {
        idx -= 1;
    }
    idx
}

fn mangle(text: &str, rng: &mut Rng) -> String {
    let mut out = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let at = boundary(&out, rng.below(out.len() + 1));
        match rng.below(3) {
            0 => {
                let end = boundary(&out, (at + 1 + rng.below(12)).min(out.len()));
                out.replace_range(at..end.max(at), "");
            }
            1 => out.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            _ => out.truncate(at),
        }
    }
    out
}

#[test]
fn mangled_examples_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut inputs: Vec<String> = Vec::new();
    for path in crate::k8s_files("examples")
        .iter()
        .chain(crate::k8s_files("stdlib").iter())
    {
        inputs.push(std::fs::read_to_string(path).expect("readable"));
    }
    let mut runs = 0;
    for text in &inputs {
        for _ in 0..300 {
            let mangled = mangle(text, &mut rng);
            let compilation = k8sc::compile("mangled.k8s", &mangled);
            let _ = k8sc::report::render_human(
                &compilation.diagnostics,
                &compilation.sources,
                k8sc::report::HumanStyle::default(),
            );
            let _ = k8sc::report::render_json(&compilation.diagnostics, &compilation.sources);
            if let Ok(formatted) = k8sc::format::format(FileId(0), &mangled) {
                let again = k8sc::format::format(FileId(0), &formatted);
                assert_eq!(
                    again.as_ref().ok(),
                    Some(&formatted),
                    "formatting is not idempotent on:\n{mangled}"
                );
            }
            runs += 1;
        }
    }
    assert!(runs >= 1500);
}

/// Truncation at every byte of one example: each prefix compiles without a panic.
#[test]
fn every_prefix_of_the_quickstart_compiles() {
    let text = std::fs::read_to_string(crate::root().join("examples/quickstart.k8s")).expect("readable");
    for end in (0..=text.len()).filter(|end| text.is_char_boundary(*end)) {
        let _ = k8sc::compile("prefix.k8s", &text[..end]);
    }
}

/// A large platform (W(1000), parsed in two halves and type-checked on two threads)
/// mangled: no panic, and compiling without the syntax tree finds exactly what the full
/// compile finds.
#[test]
fn a_mangled_large_platform_never_panics_on_two_threads() {
    let text = crate::gen_workload::workload(1000);
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..12 {
        let mangled = mangle(&text, &mut rng);
        let full = k8sc::compile("mangled.k8s", &mangled);
        let lean = k8sc::compile_model_only(
            vec![("mangled.k8s".to_string(), mangled.clone())],
            "",
            &k8sc::load::Memory::default(),
            |_| None,
        );
        assert_eq!(format!("{:?}", full.diagnostics), format!("{:?}", lean.diagnostics));
        assert_eq!(format!("{:?}", full.model), format!("{:?}", lean.model));
    }
}

/// Nesting past the limit is E0006 with a span, never a stack overflow: lists, records and
/// calls nested tens of thousands deep, in a small file and in the second half of a file
/// large enough to be parsed on two threads, through `compile` and `format`.
#[test]
fn deep_nesting_is_an_error_not_an_abort() {
    let shapes = [
        ("[".repeat(25_000), "]".repeat(25_000)),
        ("{ a = ".repeat(15_000), " }".repeat(15_000)),
        ("f(".repeat(100_000), ")".repeat(100_000)),
    ];
    // Over 256 KiB of ordinary declarations first, so the deep value lands in the half
    // that the second thread parses.
    let padding: String = (0..12_000)
        .map(|index| format!("namespace n{index} {{\n  class = business\n}}\n\n"))
        .collect();
    assert!(padding.len() > 256 * 1024);
    for (open, close) in &shapes {
        for prefix in ["", padding.as_str()] {
            let text = format!(
                "{prefix}cluster c {{\n  version = \"1.36.3\"\n  node_subnet = 10.0.0.0/24\n  pod_cidr = {open}1{close}\n}}\n"
            );
            let compilation = k8sc::compile("deep.k8s", &text);
            let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert!(codes.contains(&"E0006"), "{}: {codes:?}", &open[..2]);
            assert!(
                k8sc::format::format(FileId(0), &text).is_err(),
                "a file that does not parse is not formatted"
            );
        }
    }
}

/// A chain of apps linked by `depends_on` is checked without deep recursion.
#[test]
fn a_long_dependency_chain_is_checked() {
    let mut text = String::from(
        "cluster c {\n  version = \"1.36.3\"\n  profile = dev\n  node_subnet = 10.0.0.0/16\n}\n\nnamespace ns {\n  class = business\n}\n\n",
    );
    for index in 0..20_000 {
        let depends = if index > 0 {
            format!("  depends_on = [a{}]\n", index - 1)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "app a{index} {{\n  namespace = ns\n  image = \"x/y:1.0\"\n{depends}}}\n\n"
        ));
    }
    let compilation = k8sc::compile("chain.k8s", &text);
    assert!(compilation.front_end_ok);
}
