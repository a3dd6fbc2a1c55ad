//! What each node offers the scheduler: its declared cpu and memory, less what it reserves
//! for the system and the kubelet's hard eviction threshold (allocatable).

use crate::semantic::views::Resources;

/// Millicores and bytes of a resources record; 0 for what it leaves out.
pub(crate) fn amounts(resources: Resources<'_>) -> (u64, u64) {
    (resources.cpu().unwrap_or(0), resources.memory().unwrap_or(0))
}

/// The memory the kubelet keeps free before it evicts (its default hard eviction
/// threshold, `memory.available<100Mi`): not allocatable to pods.
pub const EVICTION_HARD_MEMORY: u64 = 100 * 1024 * 1024;

/// Millicores and bytes a node offers pods, as its kubelet reports them: its capacity less
/// what it reserves (`--system-reserved`) and its hard eviction threshold.
pub(crate) fn allocatable(node: crate::semantic::views::Node<'_>) -> [u64; 2] {
    let (reserved_cpu, reserved_memory) = amounts(node.reserved());
    [
        node.cpu().saturating_sub(reserved_cpu),
        (node.memory())
            .saturating_sub(reserved_memory)
            .saturating_sub(EVICTION_HARD_MEMORY),
    ]
}

/// Every node that runs a kubelet, by its Kubernetes name: the cpu (millicores) and memory
/// (bytes) it declares. (What its kubelet reports as allocatable follows from these, its
/// `--system-reserved` and [`EVICTION_HARD_MEMORY`].)
pub fn node_capacity(model: &crate::semantic::Model) -> Vec<(String, u64, u64)> {
    let kubelet = super::Topology::infrastructure(model).kubelet;
    (kubelet.into_iter())
        .map(|node| {
            let view = model.node(node);
            (super::names::k8s_name(view.name()), view.cpu(), view.memory())
        })
        .collect()
}
