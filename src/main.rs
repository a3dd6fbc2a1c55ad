// The compiler allocates many small objects (names, values, syntax nodes); mimalloc serves
// them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    k8sc::cli::run()
}
