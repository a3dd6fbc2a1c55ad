//! `k8sc::fuzz::fmt` on every input (see that function for the invariants held).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| k8sc::fuzz::fmt(data));
