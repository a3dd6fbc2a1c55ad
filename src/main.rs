fn main() -> std::process::ExitCode {
    k8sc::cli::run()
}
