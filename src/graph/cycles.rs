//! Cycles along one kind of edge (apps' depends-on, registries' replicates-to).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::VecDeque;

use petgraph::algo::tarjan_scc;
use petgraph::graph::NodeIndex;
use petgraph::visit::{EdgeFiltered, EdgeRef};

use super::{EdgeKind, Graph, NodeKind};
use crate::semantic::EntityId;

/// A cycle, in order: each member depends on the next, the last on the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub members: Vec<EntityId>,
}

/// Every cycle among nodes of `kind` along edges of `edge`, each once, starting at its
/// member declared first; cycles are ordered by that member.
pub fn cycles(graph: &Graph, edge: EdgeKind, kind: NodeKind) -> Vec<Cycle> {
    let filtered = EdgeFiltered::from_fn(&graph.graph, |edge_ref| {
        *edge_ref.weight() == edge
            && graph.graph[edge_ref.source()].kind == kind
            && graph.graph[edge_ref.target()].kind == kind
    });
    let mut found = Vec::new();
    for component in tarjan_scc(&filtered) {
        let is_cycle = component.len() > 1
            || component
                .first()
                .is_some_and(|&only| graph.graph.edges_connecting(only, only).any(|e| *e.weight() == edge));
        if !is_cycle {
            continue;
        }
        let members: HashSet<NodeIndex> = component.iter().copied().collect();
        let Some(&start) = component.iter().min_by_key(|index| graph.graph[**index].entity) else {
            continue;
        };
        let path = path_back(graph, edge, &members, start);
        let entities: Vec<EntityId> = path.iter().filter_map(|index| graph.graph[*index].entity).collect();
        if !entities.is_empty() {
            found.push(Cycle { members: entities });
        }
    }
    found.sort_by_key(|cycle| cycle.members.first().copied());
    found
}

/// The shortest path from `start` back to itself inside a strongly connected component.
fn path_back(graph: &Graph, edge: EdgeKind, members: &HashSet<NodeIndex>, start: NodeIndex) -> Vec<NodeIndex> {
    let mut previous: HashMap<NodeIndex, NodeIndex> = HashMap::default();
    let mut queue = VecDeque::from([start]);
    while let Some(current) = queue.pop_front() {
        let mut next: Vec<NodeIndex> = graph
            .graph
            .edges(current)
            .filter(|e| *e.weight() == edge && members.contains(&e.target()))
            .map(|e| e.target())
            .collect();
        next.sort_by_key(|index| graph.graph[*index].entity);
        for target in next {
            if target == start {
                let mut path = vec![current];
                let mut cursor = current;
                while cursor != start {
                    let Some(&before) = previous.get(&cursor) else { break };
                    path.push(before);
                    cursor = before;
                }
                path.reverse();
                return path;
            }
            if target != start && !previous.contains_key(&target) {
                previous.insert(target, current);
                queue.push_back(target);
            }
        }
    }
    vec![start]
}
