//! The taints every Kubernetes node carries, one truth for kubeadm's node registration,
//! `00-nodes.yaml` and the tolerations of what runs on dedicated nodes: apps run on
//! workers unless their placement names a pool, so every node that is not a worker for
//! everyone is tainted.

use crate::semantic::views::Role;
use crate::semantic::{EntityId, Model};

/// kubeadm's taint on control-plane nodes.
pub const CONTROL_PLANE: &str = "node-role.kubernetes.io/control-plane";
/// k8sc's taint on a node of a dedicated pool; the value is the pool.
pub const POOL: &str = "k8sc.io/pool";
/// k8sc's taint on a node with a dedicated role (ingress, storage, etcd) and no worker role;
/// the value is the role.
pub const DEDICATED: &str = "k8sc.io/dedicated";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Taint {
    pub key: &'static str,
    pub value: Option<String>,
}

impl Taint {
    /// Every k8sc taint keeps pods off; none evicts what runs.
    pub const EFFECT: &'static str = "NoSchedule";
}

/// The taints k8sc registers a node with, or `None` to leave kubeadm's default (its
/// control-plane taint on a control-plane node, nothing elsewhere).
pub fn declared(model: &Model, node: EntityId) -> Option<Vec<Taint>> {
    let view = model.node(node);
    let roles = view.roles();
    let pool = view.pool().map(|pool| Taint {
        key: POOL,
        value: Some(pool.to_string()),
    });
    let control_plane = roles.contains(&Role::ControlPlane);
    if roles.contains(&Role::Worker) {
        // A worker runs apps: only its pool keeps the others away; a control-plane node
        // that is also a worker drops kubeadm's taint.
        return match pool {
            Some(pool) => Some(vec![pool]),
            None if control_plane => Some(Vec::new()),
            None => None,
        };
    }
    let dedicated = [Role::Ingress, Role::Storage, Role::Etcd]
        .into_iter()
        .find(|role| roles.contains(role));
    let mut taints = Vec::new();
    if control_plane {
        taints.push(Taint {
            key: CONTROL_PLANE,
            value: None,
        });
    } else if let Some(role) = dedicated {
        taints.push(Taint {
            key: DEDICATED,
            value: Some(role.as_str().to_string()),
        });
    }
    taints.extend(pool);
    match taints.as_slice() {
        [] => None,
        // kubeadm's own default.
        [only] if only.key == CONTROL_PLANE => None,
        _ => Some(taints),
    }
}

/// The taints a node ends up with: the declared ones, or kubeadm's default.
pub fn effective(model: &Model, node: EntityId) -> Vec<Taint> {
    declared(model, node).unwrap_or_else(|| {
        if model.node(node).roles().contains(&Role::ControlPlane) {
            vec![Taint {
                key: CONTROL_PLANE,
                value: None,
            }]
        } else {
            Vec::new()
        }
    })
}
