//! The benchmark workload W(N) is a valid, canonical platform for any N.

use crate::gen_workload;

use k8sc::source::FileId;

#[test]
fn the_workload_checks_clean_and_is_canonical() {
    for n in [1, 7, 250] {
        let text = gen_workload::workload(n);
        let compilation = k8sc::compile("w.k8s", &text);
        assert!(
            compilation.diagnostics.is_empty(),
            "W({n}): {:?}",
            compilation.diagnostics
        );
        let apps = compilation.model.all("app").count();
        assert_eq!(apps as u64, n);
        assert_eq!(
            k8sc::format::format(FileId(0), &text).ok().as_deref(),
            Some(text.as_str()),
            "W({n}) is not canonical"
        );
    }
}
