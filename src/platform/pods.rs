//! What the pods of each app and ingress controller run with, worked out once for the rules
//! and the emitters: their effective requests and limits (what the scheduler reserves and
//! the capacity rules count), their confinement, and the Pod Security level each namespace
//! needs, with the reasons.

use std::collections::BTreeMap;

use crate::platform::names::k8s_name;
use crate::semantic::Model;
use crate::semantic::views::{App, IngressClass, IngressController, IngressExpose, Resources};

/// The cpu (millicores) a container requests when its source gives neither a request nor a
/// limit.
pub const DEFAULT_CPU: u64 = 100;
/// The memory (bytes) a container requests when its source gives neither.
pub const DEFAULT_MEMORY: u64 = 128 * 1024 * 1024;
/// The user an app runs as when it names none: `nobody`, the user an NFS export squashes
/// root to, so its static volumes are owned by it.
pub const NOBODY: i64 = 65534;
/// The user ingress-nginx's image runs its controller as (its nginx binary carries the
/// NET_BIND_SERVICE file capability).
pub const NGINX_USER: i64 = 101;
/// The non-root user a Traefik controller off the host network runs as.
pub const TRAEFIK_USER: i64 = 65532;

/// The name of the emptyDir behind an app's `scratch` path number `index`.
pub fn scratch_volume(index: usize) -> String {
    format!("scratch-{index}")
}

/// The port of ingress-nginx's health and metrics server (`/healthz`).
pub const NGINX_HEALTH_PORT: u16 = 10254;
/// The port of Traefik's `traefik` entry point, where `--ping` answers (`/ping`).
pub const TRAEFIK_PING_PORT: u16 = 8080;

/// Where an ingress controller's health endpoint answers: its path and port (a host port
/// too, on the host network).
pub fn controller_health(class: IngressClass) -> (&'static str, u16) {
    match class {
        IngressClass::Nginx => ("/healthz", NGINX_HEALTH_PORT),
        IngressClass::Traefik => ("/ping", TRAEFIK_PING_PORT),
    }
}

/// What an init container that waits for a dependency requests and may use: a shell loop.
pub const WAIT_RESOURCES: PodResources = PodResources {
    requests: Amounts {
        cpu: 10,
        memory: 16 * 1024 * 1024,
    },
    limits: Amounts {
        cpu: 10,
        memory: 16 * 1024 * 1024,
    },
};

/// Millicores and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    pub cpu: u64,
    pub memory: u64,
}

/// What one container requests and may use at most, after the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodResources {
    pub requests: Amounts,
    pub limits: Amounts,
}

/// Requests and limits from what a source gives: a request left out is the limit's amount
/// (as Kubernetes copies it), else the default; a limit left out is the request's.
pub fn resources(requests: Option<Resources<'_>>, limits: Option<Resources<'_>>) -> PodResources {
    let cpu = |resources: Option<Resources<'_>>| resources.and_then(|resources| resources.cpu());
    let memory = |resources: Option<Resources<'_>>| resources.and_then(|resources| resources.memory());
    let request_cpu = cpu(requests).or(cpu(limits)).unwrap_or(DEFAULT_CPU);
    let request_memory = memory(requests).or(memory(limits)).unwrap_or(DEFAULT_MEMORY);
    PodResources {
        requests: Amounts {
            cpu: request_cpu,
            memory: request_memory,
        },
        limits: Amounts {
            cpu: cpu(limits).unwrap_or(request_cpu),
            memory: memory(limits).unwrap_or(request_memory),
        },
    }
}

/// What one pod of an app's container requests and may use.
pub fn app_resources(app: App<'_>) -> PodResources {
    resources(app.requests(), app.limits())
}

/// What one pod of an ingress controller requests and may use.
pub fn controller_resources(controller: IngressController<'_>) -> PodResources {
    resources(controller.requests(), controller.limits())
}

/// The Pod Security Standards levels, least privileged first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Restricted,
    Baseline,
    Privileged,
}

impl Level {
    /// The level's name in a `pod-security.kubernetes.io/*` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Restricted => "restricted",
            Level::Baseline => "baseline",
            Level::Privileged => "privileged",
        }
    }
}

/// How one pod's containers are confined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confinement {
    /// The pod's runAsUser; `None` leaves the image's user.
    pub run_as_user: Option<i64>,
    /// runAsNonRoot: the kubelet refuses to start the container as root.
    pub non_root: bool,
    /// allowPrivilegeEscalation.
    pub privilege_escalation: bool,
    /// readOnlyRootFilesystem.
    pub read_only_root: bool,
    /// automountServiceAccountToken.
    pub token: bool,
    /// Every capability is dropped; this one is kept for a port below 1024.
    pub bind_service: bool,
    /// `net.ipv4.ip_unprivileged_port_start` for a pod that binds a port below 1024 as a
    /// user that is not root (a namespaced sysctl every Pod Security level allows; not
    /// on the host network, whose sysctls are the node's).
    pub unprivileged_port_start: Option<u16>,
    /// hostNetwork.
    pub host_network: bool,
    /// Why the pod needs more than `restricted`, when it does.
    pub needs: Option<(Level, String)>,
}

/// The lowest privileged port.
const PRIVILEGED_PORTS: u16 = 1024;

/// An app's confinement: every part on unless `relax` gives a reason.
pub fn app_confinement(app: App<'_>) -> Confinement {
    let relax = app.relax();
    let run_as_root = relax.run_as_root().is_some();
    let privilege_escalation = relax.privilege_escalation().is_some();
    let lowest = (app.ports().iter())
        .filter_map(|port| port.port())
        .filter(|port| *port < PRIVILEGED_PORTS)
        .min();
    let run_as_user = match app.run_as_user() {
        Some(user) => Some(user),
        None if run_as_root => None,
        None => Some(NOBODY),
    };
    let name = app.name();
    let needs = if run_as_root {
        Some((Level::Baseline, format!("app `{name}` runs as root")))
    } else if privilege_escalation {
        Some((Level::Baseline, format!("app `{name}` may gain privileges")))
    } else {
        None
    };
    Confinement {
        run_as_user,
        non_root: !run_as_root,
        privilege_escalation,
        read_only_root: relax.writable_root().is_none(),
        token: relax.api_access().is_some(),
        bind_service: lowest.is_some(),
        unprivileged_port_start: lowest.filter(|_| !run_as_root),
        host_network: false,
        needs,
    }
}

/// An ingress controller's confinement. ingress-nginx runs as its image's user and binds
/// through its binary's file capability, which needs privilege escalation, and writes its
/// own configuration; Traefik on the host network binds as root with NET_BIND_SERVICE
/// alone (a host-network pod cannot lower the unprivileged port start), and off it as a
/// user that is not root.
pub fn controller_confinement(controller: IngressController<'_>) -> Confinement {
    let host_network = controller.expose() == IngressExpose::HostNetwork;
    let nginx = controller.class() == Some(IngressClass::Nginx);
    let http = controller.http_port();
    let https = controller.https_port();
    let lowest = Some(http.min(https)).filter(|port| *port < PRIVILEGED_PORTS);
    let name = controller.name();
    let (run_as_user, non_root) = match (nginx, host_network) {
        (true, _) => (Some(NGINX_USER), true),
        (false, true) if lowest.is_some() => (None, false),
        (false, _) => (Some(TRAEFIK_USER), true),
    };
    let needs = if host_network {
        Some((
            Level::Privileged,
            format!("ingress controller `{name}` runs on the host network"),
        ))
    } else if nginx {
        Some((
            Level::Baseline,
            format!("ingress controller `{name}` gains NET_BIND_SERVICE from its binary's file capability"),
        ))
    } else {
        None
    };
    Confinement {
        run_as_user,
        non_root,
        privilege_escalation: nginx,
        read_only_root: !nginx,
        token: true,
        bind_service: lowest.is_some(),
        unprivileged_port_start: lowest.filter(|_| non_root && !host_network && !nginx),
        host_network,
        needs,
    }
}

/// The Pod Security level each namespace that runs pods enforces, by its Kubernetes name:
/// `restricted` unless a pod in it needs more, and then the lowest level that admits every
/// pod, with each pod's reason. One pass over the apps and controllers.
pub fn namespace_levels(model: &Model) -> BTreeMap<String, (Level, Vec<String>)> {
    let mut levels: BTreeMap<String, (Level, Vec<String>)> = BTreeMap::new();
    let apps = (model.apps()).map(|app| (app.namespace(), app_confinement(app).needs));
    let controllers = (model.ingress_controllers())
        .map(|controller| (controller.namespace(), controller_confinement(controller).needs));
    for (namespace, needs) in apps.chain(controllers) {
        let Some(namespace) = namespace else { continue };
        let entry = levels
            .entry(k8s_name(model.name(namespace)))
            .or_insert((Level::Restricted, Vec::new()));
        if let Some((needed, reason)) = needs {
            entry.0 = entry.0.max(needed);
            entry.1.push(reason);
        }
    }
    levels
}
