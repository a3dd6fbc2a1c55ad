//! The one diagnostic shape every phase lowers into.
//!
//! A [`Diagnostic`] has a stable [`Code`], a [`Severity`], a message, a primary label,
//! secondary labels, notes and help. The terminal renderer (miette), the JSON and SARIF
//! writers and the language server all read this same value.

use crate::source::Span;

/// How serious a finding is. Errors fail `check` and `build`; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $code:ident => $summary:literal,)*) => {
        /// A stable diagnostic code. Each has a page in `lang/diagnostics/`, embedded here.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// The one-line summary shown by `explain --list` and in SARIF rule entries.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $summary,)* }
            }

            /// The code's page: the invariant, a minimal failing example and the fix.
            pub fn page(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("../lang/diagnostics/", stringify!($code), ".md")),)*
                }
            }

            pub fn parse(text: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|code| code.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

codes! {
    // Syntax: the shape of the text.
    E0001 => "a character that cannot start any token",
    E0002 => "the parser expected one thing and found another",
    E0003 => "a string literal is not closed before the end of its line",
    E0004 => "a `{`, `[` or `(` is never closed",
    E0005 => "a keyword is used where a name is expected",
    E0006 => "lists, records and calls nested deeper than the limit (128)",
    E0007 => "a raw control character in a string literal",
    E0008 => "a string literal longer than the limit (16 KiB)",
    // Names and types: the meaning of the text.
    E0101 => "a declaration of a kind the schemas do not define",
    E0102 => "a field the entity's schema does not define",
    E0103 => "a required field is missing",
    E0104 => "two declarations of one kind share a name",
    E0105 => "a field is set twice in one block",
    E0106 => "a value of the wrong type",
    E0107 => "a value outside its type's range or malformed",
    E0108 => "a reference to a name that is not declared",
    E0109 => "a reference to a declaration of the wrong kind",
    E0110 => "a value that is not one of the enum's variants",
    E0111 => "a `use` of a module or component the standard library does not have",
    E0112 => "a `from` naming a component that is not in scope",
    E0113 => "a component used for a declaration of another kind",
    E0114 => "an entity, record or enum declaration outside the standard library",
    E0115 => "a platform with no `cluster` declaration",
    E0116 => "a secret written as a literal instead of `env(...)` or `file(...)`",
    E0117 => "a call to a function the language does not have",
    E0118 => "an attribute k8sc does not know, or an `@allow` that names no HA rule",
    E0119 => "an `@allow` without a reason",
    E0120 => "an `@allow` that suppresses nothing",
    E0121 => "a number outside the bounds its field declares",
    E0122 => "a declaration or choice listed twice in a list that names each once",
    E0123 => "a field that has no effect: another field of the declaration decides instead",
    E0124 => "a `use` cycle among the platform's files",
    E0125 => "a `use` of a file or folder that does not exist, or is not a `.k8s` file or a folder",
    E0126 => "a `use` of a file or folder outside the platform's folder",
    E0127 => "components that derive from each other in a circle",
    E0128 => "a user component with the name of a standard-library component in scope",
    E0129 => "a constant used where its value does not fit the field's type",
    E0130 => "a constant named like a declaration or an enum variant it would shadow",
    E0131 => "a constant defined twice, or in terms of itself",
    E0132 => "an interpolation `\\(NAME)` of something that is not a constant's text",
    E0133 => "a pool range that is reversed, too large to count, or over 1,000 instances",
    E0134 => "a pool's `step` that counts past its type or the node subnet, or a `cycle` of no items",
    E0135 => "`step`, `cycle` or `\\(index)` outside a pool",
    E0136 => "an `at NS` block for a namespace the declaration is not instantiated in, or a `namespace` its list sets",
    E0137 => "an app's environment from a config of another namespace, or a variable set both in `env` and `secret_env`",
    E0138 => "a declaration that belongs to no cluster in a platform of several, or a cluster named like the platform's own build folder",
    E0139 => "a reference from a declaration of one cluster to one of another",
    // Platform objects and builds.
    E0201 => "a name that is not valid as a Kubernetes object name once converted",
    E0202 => "two names that become one Kubernetes name",
    E0203 => "a secret that cannot be read at build time",
    E0204 => "a template that does not render",
    E0205 => "a host path that is not absolute and clean",
    E0206 => "a Kubernetes version k8sc cannot configure kubeadm for",
    E0207 => "a bootstrap token that is missing where nodes join, or not in kubeadm's format",
    E0208 => "a certificate key that is missing where control-plane nodes join, or not in kubeadm's format",
    E0209 => "a cluster CA that is missing in production, or not a PEM CA certificate and key",
    E0210 => "a haproxy frontend name that is empty, holds a character haproxy does not take, or is another frontend's of its balancer",
    E0211 => "a network interface name that Linux, keepalived.conf or a shell script cannot carry as one word",
    E0212 => "a VRRP interval keepalived cannot carry: a check interval of part seconds, or an advert interval below a whole second off VRRPv3's 10 ms steps, above 40.95 s or with authentication",
    E0213 => "a DRBD resource name or device drbdadm does not parse",
    E0214 => "a registry URL that is not a plain `http(s)://host[:port][/path]`",
    E0215 => "a DNS name (cluster domain, route host, public name) that is not one",
    E0216 => "a Kubernetes name or label the apiserver refuses: port, volume, Secret and environment variable names, label keys and values",
    E0217 => "an image reference or image repository the container runtime does not parse",
    E0218 => "a path or name its consumer cannot carry: an HTTP path, a mount path in a container, a Ceph pool or user",
    E0219 => "a Kubernetes release past its end of life (a warning that names the date)",
    E0220 => "two of an app's volumes or scratch paths under one name or at one mount path",
    E0221 => "a relaxation of an app's confinement that gives no reason",
    E0222 => "a Pod Security label written on a namespace (k8sc sets them from what it runs)",
    // HA rules: etcd.
    HA001 => "etcd has an even number of members",
    HA002 => "etcd has too few members (none, or fewer than 3 in production)",
    HA003 => "an etcd member does not match the etcd topology (stacked or external)",
    // Failure domains.
    HA010 => "a production platform runs on fewer than 3 physical hosts",
    HA011 => "losing one failure domain leaves etcd without quorum",
    HA012 => "losing one failure domain leaves no reachable apiserver",
    HA013 => "losing one failure domain leaves an ingress controller without a replica or its VIP without a member",
    HA014 => "losing one failure domain can leave an app without a replica",
    HA015 => "losing one failure domain makes a highly available NFS export unavailable",
    HA016 => "losing one failure domain takes the NFS export that apps' volumes live on",
    HA017 => "an app spread over racks or zones that some of its nodes' hosts do not declare",
    // Control plane.
    HA020 => "too few control-plane nodes (none, or fewer than 2 in production)",
    HA021 => "control-plane nodes share a physical host",
    HA022 => "several apiservers are not fronted by a load balancer with a VIP",
    HA023 => "a front port equal to the apiserver port on a node that runs both",
    HA024 => "an apiserver frontend's backends are not exactly the control-plane nodes",
    HA025 => "an HTTP frontend where HTTP cannot work: on LVS, or in front of the apiservers",
    HA026 => "a load-balancer frontend that lists a backend twice",
    HA027 => "a frontend balancing to a port its control-plane backends do not listen on",
    HA028 => "a load balancer's VIP with members that are not the balancer's nodes",
    HA029 => "an LVS frontend that direct routing cannot carry: no VIP, a changed port, or a director as its own backend",
    // VIP groups (keepalived).
    HA030 => "a VIP group has fewer than 2 members",
    HA031 => "a VIP outside its members' subnet",
    HA032 => "a VIP that is already a node's or another VIP's address",
    HA033 => "two VIP groups on one subnet share a virtual_router_id",
    HA034 => "VRRP priorities without one preferred MASTER and distinct, spaced values",
    HA035 => "a VRRP auth_pass longer than the 8 characters keepalived uses",
    HA036 => "a virtual_router_id outside 1..255",
    HA037 => "a VRRP auth_pass that is empty or holds characters keepalived.conf cannot carry",
    HA038 => "health-check settings that keep a VIP on a dead service for longer than 10 seconds",
    HA039 => "a VIP member with no declared network interface",
    // Ingress.
    HA040 => "a production ingress controller on fewer than 2 nodes",
    HA041 => "a production ingress controller with fewer than 2 replicas",
    HA042 => "more ingress replicas than nodes under required anti-affinity",
    HA043 => "ingress nodes sharing a physical host",
    HA044 => "two listeners claiming one host port on a node",
    HA045 => "an ingress VIP that can move to a node without the ingress controller",
    // Routes.
    HA046 => "two routes claiming one host and path on one ingress controller",
    HA047 => "a route path that does not begin with `/`",
    HA048 => "a route to a port the app does not listen on",
    HA049 => "a route served over HTTPS with no certificate",
    // Namespace plan.
    HA050 => "platform apps in a namespace of Kubernetes' own",
    HA051 => "an app whose class differs from its namespace's",
    HA052 => "a namespace that holds no app",
    // Workloads.
    HA060 => "a production app with fewer than 2 replicas",
    HA061 => "a stateful app without volume claims",
    HA062 => "a stateless app or daemon with volume claims",
    HA063 => "an autoscaled app without a cpu request",
    HA064 => "autoscaling bounds that are not max >= min >= 1",
    HA065 => "a limit below its request",
    HA066 => "apps that depend on each other in a cycle",
    HA067 => "an app that no node can run",
    HA068 => "a probe that is not exactly one check (HTTP path and port, TCP port, or command), or with impossible timings",
    HA069 => "a production app with ports and no readiness probe",
    // Network.
    HA070 => "overlapping node subnet, pod CIDR and service CIDR",
    HA071 => "a node address outside the node subnet",
    HA072 => "two nodes with one address",
    HA073 => "a network policy under a CNI that does not enforce it",
    HA074 => "an ingress controller exposed through externalIPs, which Kubernetes 1.36 deprecated (a warning)",
    HA075 => "Calico on a Kubernetes minor no Calico release k8sc pins is tested with",
    HA076 => "a kube-proxy mode the release does not turn on (nftables before 1.31), or has deprecated (ipvs from 1.35, a warning)",
    // Storage.
    HA080 => "an NFS export whose clients miss a node that mounts it",
    HA081 => "an NFS export with no_root_squash",
    HA082 => "volume claims beyond the storage's capacity",
    HA083 => "a DRBD pair that is not two nodes behind their own VIP",
    HA084 => "an NFS export with contradictory options",
    HA085 => "two NFS exports of one server with one fsid or one path",
    HA086 => "an NFS export with async",
    HA087 => "an NFS export writable by every address",
    HA088 => "two DRBD pairs on one node with one resource name, device, backing disk or mount point",
    // Registries.
    HA090 => "registries replicating in a cycle",
    HA091 => "a sub-registry that receives no replication from the primary",
    HA092 => "not exactly one primary registry",
    HA093 => "a data centre with nodes but no registry",
    HA094 => "a replication schedule Harbor would refuse",
    HA095 => "an image with no tag or the `latest` tag, and no digest",
    // Capacity.
    HA100 => "requests that do not fit the workers left after losing the largest host, with 20% headroom",
    HA101 => "more pods than eligible nodes under required anti-affinity (counting the autoscaler's min)",
    HA102 => "a pod whose requests fit on no node it may run on",
    HA103 => "a node whose reservations take all its cpu or memory",
    HA110 => "a VIP that carries services its group does not all track",
    HA111 => "an app with ports that no route, dependent app or `allow_from` may reach under the default-deny policies",
    HA112 => "an app that runs as root (`run_as_user = 0`) without `relax.run_as_root`",
    HA113 => "a VIP group that tracks a service its VIP does not carry (`nfs` without a DRBD pair behind it, `ingress` without a controller, `haproxy` without a haproxy balancer)",
    HA114 => "namespaces' budgets that add up to more than the workers offer (after losing a host, in production)",
    HA115 => "an app at a release or production stage that admits traffic from, or waits for, a dev or test stage",
    HA116 => "two clusters whose node or VIP addresses, pod networks, or VRRP router ids on a shared segment collide",
    HA117 => "a namespace whose pods request more than its budget (a ResourceQuota), at their most or during a rolling update",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span with what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// The HA rules an `@allow` cannot suppress, each an error in every profile: the build
/// would write what kube-apiserver refuses (an Ingress path that is not absolute, a pod
/// mounting a volume it does not have, an autoscaler whose max is below its min, a limit
/// below its request, a probe with no handler or two).
pub const UNALLOWABLE: &[Code] = &[
    Code::HA047,
    Code::HA062,
    Code::HA064,
    Code::HA065,
    Code::HA068,
    Code::HA112,
    Code::HA117,
];

/// One finding, in the shape every output (terminal, JSON, SARIF, LSP) shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The span that must change, with a short label.
    pub primary: Label,
    /// The other parties: the first declaration of a duplicate, the members on a host...
    pub secondary: Vec<Label>,
    /// Facts that help understand the finding (what a name is, a field's type).
    pub notes: Vec<String>,
    /// What to change.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label::new(span, label),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span, label)
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, message));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds help only when there is some.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by position then code, the order every output uses.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.primary.span.file, a.primary.span.start, a.primary.span.end, a.code).cmp(&(
            b.primary.span.file,
            b.primary.span.start,
            b.primary.span.end,
            b.code,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_text() {
        for &code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(
                code.page().starts_with(&format!("# {}", code.as_str())),
                "{code}'s page must open with its code"
            );
        }
        assert_eq!(Code::parse("e0102"), Some(Code::E0102));
        assert_eq!(Code::parse("X9999"), None);
    }
}
