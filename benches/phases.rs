//! Per-phase benchmarks on the workload W(N): parse, resolve and type-check, graph and
//! rules, each emitter, and writing the tree. `cargo bench --bench phases`.

#[allow(dead_code)]
#[path = "gen_workload.rs"]
mod gen_workload;

use std::sync::OnceLock;

use k8sc::emit::{self, Output, Templates};
use k8sc::platform::Secrets;
use k8sc::semantic::SecretSource;
use k8sc::source::FileId;

/// The allocator the k8sc binary uses, so the numbers are the shipped ones.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const SIZES: &[u64] = &[1_000, 10_000];

fn workload(n: u64) -> &'static str {
    static SMALL: OnceLock<String> = OnceLock::new();
    static LARGE: OnceLock<String> = OnceLock::new();
    let cell = if n == SIZES[0] { &SMALL } else { &LARGE };
    cell.get_or_init(|| gen_workload::workload(n))
}

fn secrets() -> Secrets {
    let mut secrets = Secrets::default();
    for (name, value) in gen_workload::secrets() {
        secrets.insert(SecretSource::Env(name.into()), value.into());
    }
    secrets
}

#[divan::bench(args = SIZES)]
fn parse(bencher: divan::Bencher, n: u64) {
    let text = workload(n);
    bencher.bench(|| k8sc::syntax::parse(FileId(6), divan::black_box(text)));
}

#[divan::bench(args = SIZES)]
fn resolve_and_type_check(bencher: divan::Bencher, n: u64) {
    let (module, _) = k8sc::syntax::parse(FileId(6), workload(n));
    bencher.bench(|| k8sc::semantic::analyze(divan::black_box(&module)));
}

#[divan::bench(args = SIZES)]
fn graph_and_rules(bencher: divan::Bencher, n: u64) {
    let (module, _) = k8sc::syntax::parse(FileId(6), workload(n));
    let (model, _) = k8sc::semantic::analyze(&module);
    let secrets = secrets();
    bencher.bench(|| {
        let graph = k8sc::graph::Graph::build(&model);
        k8sc::check::check(&model, &graph, &secrets)
    });
}

#[divan::bench(args = SIZES)]
fn whole_check(bencher: divan::Bencher, n: u64) {
    let text = workload(n);
    let secrets = secrets();
    bencher.bench(|| k8sc::compile_with("w.k8s", divan::black_box(text), &secrets));
}

/// Each emitter alone, on one compiled workload of each size.
#[divan::bench(consts = [1_000, 10_000], args = ["kubernetes", "kubeadm", "haproxy", "keepalived", "nfs", "harbor"])]
fn emitter<const N: u64>(bencher: divan::Bencher, target: &str) {
    let secrets = secrets();
    let compilation = k8sc::compile_with("w.k8s", workload(N), &secrets);
    let templates = Templates::default();
    let input = emit::Input::of("w.k8s", &compilation, &secrets, &templates).expect("a platform with its cluster");
    let emitter = (emit::EMITTERS.iter())
        .find(|emitter| emitter.name == target)
        .expect("an emitter of that name");
    bencher.bench(|| {
        let mut output = Output::default();
        let mut files = emit::Files::new(&mut output);
        (emitter.emit)(&input, &mut files);
        drop(files.errors());
        output
    });
}

#[divan::bench(args = SIZES)]
fn write_tree(bencher: divan::Bencher, n: u64) {
    let secrets = secrets();
    let compilation = k8sc::compile_with("w.k8s", workload(n), &secrets);
    let templates = Templates::default();
    let input = emit::Input::of("w.k8s", &compilation, &secrets, &templates).expect("a platform with its cluster");
    let output = emit::emit(&input).unwrap_or_default();
    let target = std::env::temp_dir().join(format!("k8sc-bench-write-{}", std::process::id()));
    // Each iteration hands over copies of the files, as the emitters hand over theirs.
    bencher.bench(|| {
        k8sc::cli::build::write_atomically_with(&target, |sink| {
            for (path, file) in &output.files {
                sink.file(path.clone(), file.contents.clone(), file.mode);
            }
            Ok(())
        })
    });
    let _ = std::fs::remove_dir_all(&target);
}
