//! The Kubernetes releases k8sc knows: when each minor came out, when its patch support
//! ends, and what its kubeadm pins (the pause image). A release past its end of life is a
//! warning that names the date (E0219); one k8sc does not know is an error (E0206).
//!
//! The dates are the Kubernetes project's release history and its end-of-life dates for
//! each minor (about fourteen months of patches). The table is as of [`KNOWN_AT`]: check
//! reads no clock, so the same source gives the same findings on every day, and a minor
//! that reaches its end of life later is reported once k8sc's table says so.

/// One minor release.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    pub minor: u32,
    /// The day `1.<minor>.0` was released.
    pub released: &'static str,
    /// The day its patch releases end.
    pub end_of_life: &'static str,
    /// The pause image tag its kubeadm pins (`PauseVersion`), which the container runtime's
    /// sandbox image must match.
    pub pause: &'static str,
    /// The etcd its kubeadm deploys (`DefaultEtcdVersion`, read in that release's
    /// `cmd/kubeadm/app/constants`), which external etcd members run at least; unknown
    /// before 1.31.
    pub etcd: Option<&'static str>,
}

/// The day the table was last brought up to date.
pub const KNOWN_AT: &str = "2026-12-06";

/// Every minor k8sc configures kubeadm for, oldest first.
pub const RELEASES: &[Release] = &[
    release(22, "2021-08-04", "2022-10-28", "3.5", None),
    release(23, "2021-12-07", "2023-02-28", "3.6", None),
    release(24, "2022-05-03", "2023-07-28", "3.7", None),
    release(25, "2022-08-23", "2023-10-27", "3.8", None),
    release(26, "2022-12-08", "2024-02-28", "3.9", None),
    release(27, "2023-04-11", "2024-06-28", "3.9", None),
    release(28, "2023-08-15", "2024-10-22", "3.9", None),
    release(29, "2023-12-13", "2025-02-28", "3.9", None),
    release(30, "2024-04-17", "2025-07-15", "3.9", None),
    release(31, "2024-08-13", "2025-10-28", "3.10", Some("3.5.24")),
    release(32, "2024-12-11", "2026-02-28", "3.10", Some("3.5.24")),
    release(33, "2025-04-23", "2026-06-28", "3.10", Some("3.5.24")),
    release(34, "2025-08-27", "2026-10-27", "3.10.1", Some("3.6.5")),
    release(35, "2025-12-17", "2027-02-28", "3.10.1", Some("3.6.6")),
    release(36, "2026-04-22", "2027-06-28", "3.10.2", Some("3.6.8")),
    release(37, "2026-08-26", "2027-10-28", "3.10.2", Some("3.7.0")),
];

const fn release(
    minor: u32,
    released: &'static str,
    end_of_life: &'static str,
    pause: &'static str,
    etcd: Option<&'static str>,
) -> Release {
    Release {
        minor,
        released,
        end_of_life,
        pause,
        etcd,
    }
}

/// The Kubernetes minors some Calico release k8sc pins is tested with (the emitter's
/// table, `emit/k8s/cni/calico.rs`, covers exactly these; a test holds them together).
pub const CALICO_MINORS: std::ops::RangeInclusive<u32> = 22..=36;

/// The release of a minor, when k8sc knows it.
pub fn of(minor: u32) -> Option<&'static Release> {
    RELEASES.iter().find(|release| release.minor == minor)
}

/// Whether a minor is past its end of life as of [`KNOWN_AT`] (the dates compare as text:
/// they are all `YYYY-MM-DD`).
pub fn ended(release: &Release) -> bool {
    release.end_of_life < KNOWN_AT
}

/// The minors still supported as of [`KNOWN_AT`], oldest first.
pub fn supported() -> impl Iterator<Item = &'static Release> {
    RELEASES.iter().filter(|release| !ended(release))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_ordered_and_whole() {
        for pair in RELEASES.windows(2) {
            assert_eq!(pair[0].minor + 1, pair[1].minor);
            assert!(pair[0].released < pair[1].released && pair[0].end_of_life < pair[1].end_of_life);
        }
        let minors: Vec<u32> = supported().map(|release| release.minor).collect();
        assert_eq!(minors, [35, 36, 37]);
        assert!(ended(of(30).expect("1.30")));
    }
}
