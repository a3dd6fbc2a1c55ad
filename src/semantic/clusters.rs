//! Which cluster each declaration belongs to, in a platform of several clusters.
//!
//! Physical hosts, registries and replications belong to the platform. Every other
//! declaration belongs to one cluster: the one its `cluster` field names, or the one of
//! what it refers to, or of what refers to it. A reference joins its two ends into one
//! cluster: one joining two clusters is E0139, and a declaration that joins none, in a
//! platform of several, is E0138.

use super::model::{Model, Reference};
use super::value::{Spanned, Value};
use super::views::{
    CephRbdId, ClusterId, DrbdPairId, LoadBalancerId, NamespaceId, NodeId, PhysicalHostId, RegistryId, ReplicationId,
    VipGroupId,
};
use super::{EntityId, KindId};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// The kinds that belong to the platform rather than to one cluster.
const PLATFORM_WIDE: &[KindId] = &[PhysicalHostId::KIND, RegistryId::KIND, ReplicationId::KIND];

/// The kinds with a `cluster` field: those that may stand apart from the others.
const NAMES_CLUSTER: &[KindId] = &[
    NodeId::KIND,
    DrbdPairId::KIND,
    CephRbdId::KIND,
    VipGroupId::KIND,
    LoadBalancerId::KIND,
    NamespaceId::KIND,
];

/// Every declaration that names its cluster, with the cluster.
fn named_clusters(model: &Model) -> Vec<(EntityId, ClusterId)> {
    let mut named = Vec::new();
    macro_rules! of {
        ($($views:ident),*) => {
            $(named.extend(model.$views().filter_map(|view| Some((view.id().entity(), view.cluster()?))));)*
        };
    }
    of!(nodes, drbd_pairs, ceph_rbds, vip_groups, load_balancers, namespaces);
    named
}

/// The top-level folders of a build of several clusters that are not clusters'.
pub const RESERVED_FOLDERS: &[&str] = &["harbor"];

/// The platform's clusters and each declaration's.
#[derive(Debug, Clone, Default)]
pub struct Membership {
    /// The clusters, in source order.
    pub clusters: Vec<EntityId>,
    /// Per declaration, the position in `clusters` of its cluster; `None` for what belongs
    /// to the platform, or to no cluster (an error in a platform of several).
    pub cluster_of: Vec<Option<usize>>,
}

impl Membership {
    /// The declarations of cluster `index`, with what belongs to the platform that they
    /// need: every registry and replication, and the physical hosts their nodes run on.
    pub fn members(&self, model: &Model, index: usize) -> Vec<EntityId> {
        let mut hosts_used = vec![false; model.entities.len()];
        for (idx, entity) in model.entities.iter().enumerate() {
            if self.cluster_of[idx] != Some(index) {
                continue;
            }
            for_each_ref(
                entity.written_fields().iter().filter_map(|(_, v)| v.as_ref()),
                &mut |target, _| {
                    if model.entity(target).kind == PhysicalHostId::KIND {
                        hosts_used[target.0 as usize] = true;
                    }
                },
            );
        }
        (0..model.entities.len())
            .filter(|&idx| {
                let kind = model.entities[idx].kind;
                if kind == PhysicalHostId::KIND {
                    hosts_used[idx]
                } else {
                    self.cluster_of[idx] == Some(index) || platform_wide(kind)
                }
            })
            .map(|idx| EntityId(crate::source::to_u32(idx)))
            .collect()
    }
}

fn platform_wide(kind: KindId) -> bool {
    PLATFORM_WIDE.contains(&kind)
}

/// Calls `found` with every reference inside the values, and its span.
fn for_each_ref<'v>(values: impl Iterator<Item = &'v Spanned>, found: &mut dyn FnMut(EntityId, Span)) {
    fn walk(value: &Spanned, found: &mut dyn FnMut(EntityId, Span)) {
        match &value.value {
            Value::Ref(target) => found(*target, value.span),
            Value::List(items) => items.iter().for_each(|item| walk(item, found)),
            Value::Record(fields) => fields.iter().flatten().for_each(|field| walk(&field.value, found)),
            Value::Map(entries) => entries.iter().for_each(|(_, item)| walk(item, found)),
            _ => {}
        }
    }
    for value in values {
        walk(value, found);
    }
}

/// How many rounds join declarations whose references all have their cluster before the
/// rest are joined in source order.
const ROUNDS: usize = 8;

/// Sets of declarations joined by references, each with the cluster it holds.
struct Joined {
    parent: Vec<u32>,
    cluster: Vec<Option<usize>>,
}

impl Joined {
    fn root(&mut self, mut idx: usize) -> usize {
        while self.parent[idx] as usize != idx {
            let up = self.parent[idx] as usize;
            self.parent[idx] = self.parent[up];
            idx = up;
        }
        idx
    }

    /// Whether `idx`'s set has its cluster.
    fn anchored(&mut self, idx: usize) -> bool {
        let root = self.root(idx);
        self.cluster[root].is_some()
    }

    /// Joins the sets of `a` and `b`; when they hold two clusters, joins nothing and
    /// returns both, `a`'s first.
    fn join(&mut self, a: usize, b: usize) -> Result<(), (usize, usize)> {
        let (a, b) = (self.root(a), self.root(b));
        if a == b {
            return Ok(());
        }
        match (self.cluster[a], self.cluster[b]) {
            (Some(first), Some(second)) if first != second => Err((first, second)),
            (first, second) => {
                self.parent[b] = crate::source::to_u32(a);
                self.cluster[a] = first.or(second);
                Ok(())
            }
        }
    }
}

/// Works out each declaration's cluster, reporting E0138 and E0139.
pub fn membership(model: &Model, diagnostics: &mut Vec<Diagnostic>) -> Membership {
    let clusters: Vec<EntityId> = model.clusters().map(|cluster| cluster.id().entity()).collect();
    let count = model.entities.len();
    let wide: Vec<bool> = model.entities.iter().map(|entity| platform_wide(entity.kind)).collect();
    if clusters.len() <= 1 {
        let cluster_of = (0..count)
            .map(|idx| (!wide[idx] && !clusters.is_empty()).then_some(0))
            .collect();
        return Membership { clusters, cluster_of };
    }
    let mut joined = Joined {
        parent: (0..count).map(crate::source::to_u32).collect(),
        cluster: vec![None; count],
    };
    for (position, cluster) in clusters.iter().enumerate() {
        joined.cluster[cluster.0 as usize] = Some(position);
    }
    // A `cluster` field first: what it says is what a conflict is measured against (a
    // reference to the cluster itself joins nothing new later).
    for (id, cluster) in named_clusters(model) {
        let _ = joined.join(cluster.entity().0 as usize, id.0 as usize);
    }
    let refs = cluster_refs(model, &wide);
    join_in_rounds(&mut joined, &refs, wide.clone(), &mut |idx, clash, reference| {
        let from = EntityId(crate::source::to_u32(idx));
        diagnostics.push(across_clusters(model, &clusters, from, clash, reference));
    });
    let cluster_of: Vec<Option<usize>> = (0..count)
        .map(|idx| {
            let root = joined.root(idx);
            if wide[idx] { None } else { joined.cluster[root] }
        })
        .collect();
    // One finding per set joined to no cluster: on its first declaration that could name
    // one (what refers to it follows it), else on its first: nothing is left out of every
    // cluster's build unsaid.
    let mut reported = vec![false; count];
    for could_name in [true, false] {
        for (idx, entity) in model.entities.iter().enumerate() {
            let root = joined.root(idx);
            let named_here = !could_name || NAMES_CLUSTER.contains(&entity.kind);
            if !wide[idx] && cluster_of[idx].is_none() && named_here && !reported[root] {
                reported[root] = true;
                diagnostics.push(no_cluster(model, &clusters, EntityId(crate::source::to_u32(idx))));
            }
        }
    }
    reserved_names(model, &clusters, diagnostics);
    Membership { clusters, cluster_of }
}

/// Each declaration's references to what belongs to a cluster.
fn cluster_refs(model: &Model, wide: &[bool]) -> Vec<Vec<Reference>> {
    (model.entities.iter().enumerate())
        .map(|(idx, entity)| {
            let mut found = Vec::new();
            if !wide[idx] {
                let values = entity.written_fields().iter().filter_map(|(_, value)| value.as_ref());
                for_each_ref(values, &mut |target, span| {
                    if !wide[target.0 as usize] {
                        found.push(Reference { span, target });
                    }
                });
            }
            found
        })
        .collect()
}

/// Joins each declaration (`done` marks those to leave out) to what it refers to, calling
/// `clash` with a reference that crosses two clusters. A declaration is joined once it,
/// or everything it refers to, has its cluster: then a clash is found at the reference
/// that crosses, not at a later one of a declaration it wrongly pulled along. A few
/// rounds settle what is layered (an app after its namespace, a route after its app); the
/// rest is joined in source order.
fn join_in_rounds(
    joined: &mut Joined,
    refs: &[Vec<Reference>],
    mut done: Vec<bool>,
    clash: &mut dyn FnMut(usize, (usize, usize), Reference),
) {
    let mut join_refs = |joined: &mut Joined, idx: usize| {
        for reference in &refs[idx] {
            if let Err(clusters) = joined.join(idx, reference.target.0 as usize) {
                clash(idx, clusters, *reference);
            }
        }
    };
    for _ in 0..ROUNDS {
        let mut progress = false;
        for idx in 0..refs.len() {
            let ready = !done[idx]
                && (joined.anchored(idx)
                    || refs[idx]
                        .iter()
                        .all(|reference| joined.anchored(reference.target.0 as usize)));
            if ready {
                done[idx] = true;
                progress = true;
                join_refs(joined, idx);
            }
        }
        if !progress {
            break;
        }
    }
    for (idx, _) in done.iter().enumerate().filter(|(_, done)| !**done) {
        join_refs(joined, idx);
    }
}

/// E0139: a reference from a declaration of one cluster to one of another.
fn across_clusters(
    model: &Model,
    clusters: &[EntityId],
    from: EntityId,
    (own, other): (usize, usize),
    reference: Reference,
) -> Diagnostic {
    let (own, other) = (clusters[own], clusters[other]);
    Diagnostic::error(
        Code::E0139,
        format!(
            "{} {} belongs to cluster {}, and refers to {} {} of cluster {}",
            model.kind_name(from),
            model.quoted(from),
            model.quoted(own),
            model.kind_name(reference.target),
            model.quoted(reference.target),
            model.quoted(other),
        ),
        reference.span,
        format!("of cluster {}", model.quoted(other)),
    )
    .with_help(
        "a declaration and what it refers to belong to one cluster: refer to one of the same cluster, \
         or move one of them (its `cluster` field, or what it refers to)",
    )
}

/// E0138: a declaration that belongs to no cluster, in a platform of several.
fn no_cluster(model: &Model, clusters: &[EntityId], id: EntityId) -> Diagnostic {
    let names: Vec<String> = clusters
        .iter()
        .map(|cluster| model.name(*cluster).to_string())
        .collect();
    Diagnostic::error(
        Code::E0138,
        format!(
            "{} {} belongs to no cluster, and the platform has {}",
            model.kind_name(id),
            model.quoted(id),
            listed(&names),
        ),
        model.entity(id).name_span,
        "which cluster?",
    )
    .with_help(if NAMES_CLUSTER.contains(&model.entity(id).kind) {
        format!(
            "name it: `cluster = {}`; in a platform of several clusters a declaration says its cluster, or refers to \
             (or is referred to by) one that does",
            names[0]
        )
    } else {
        "in a platform of several clusters a declaration refers to (or is referred to by) one that says its cluster"
            .to_string()
    })
}

/// E0138: a cluster named like a folder a build of several clusters writes for the
/// platform.
fn reserved_names(model: &Model, clusters: &[EntityId], diagnostics: &mut Vec<Diagnostic>) {
    for cluster in clusters {
        let name = model.name(*cluster);
        if RESERVED_FOLDERS.contains(&name) {
            diagnostics.push(
                Diagnostic::error(
                    Code::E0138,
                    format!("a cluster may not be named `{name}` in a platform of several clusters"),
                    model.entity(*cluster).name_span,
                    format!("`{name}/` holds the platform's own files"),
                )
                .with_help(format!(
                    "`k8sc build` writes each cluster's files to `DIR/<cluster>/` and the Harbor rules to `DIR/{name}/`: \
                     rename the cluster"
                )),
            );
        }
    }
}

/// "`a` and `b`", "`a`, `b` and `c`".
fn listed(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
