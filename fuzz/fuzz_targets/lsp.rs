//! `k8sc::fuzz::lsp` on every input (see that function for the invariants held).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k8sc::fuzz::lsp(data));
