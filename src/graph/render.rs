//! The graph as Graphviz dot (clustered by layer) and as JSON.

use std::fmt::Write;

use petgraph::visit::EdgeRef;
use serde::Serialize;

use super::{Graph, NodeKind};

const LAYERS: [&str; 4] = ["client", "access", "application", "infrastructure"];

fn dot_id(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn shape(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::PhysicalHost | NodeKind::Rack | NodeKind::Zone => "box3d",
        NodeKind::Node => "box",
        NodeKind::EtcdMember | NodeKind::Etcd => "cylinder",
        NodeKind::NfsExport | NodeKind::DrbdPair | NodeKind::CephRbd => "folder",
        NodeKind::VipGroup | NodeKind::PublicAddress => "diamond",
        NodeKind::LoadBalancer | NodeKind::IngressController => "hexagon",
        NodeKind::Namespace => "tab",
        NodeKind::ControlPlane => "doubleoctagon",
        NodeKind::App | NodeKind::Registry | NodeKind::Route => "ellipse",
    }
}

/// Graphviz dot, one cluster per layer, nodes labelled `kind\nname`.
pub fn to_dot(graph: &Graph) -> String {
    let mut out = String::from(
        "digraph platform {\n  rankdir=TB;\n  compound=true;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n",
    );
    for layer in LAYERS {
        let _ = writeln!(
            out,
            "  subgraph {} {{\n    label={};\n    style=rounded;",
            dot_id(&format!("cluster_{layer}")),
            dot_id(layer)
        );
        for index in graph.graph.node_indices() {
            let node = &graph.graph[index];
            if node.kind.layer() != layer {
                continue;
            }
            let _ = writeln!(
                out,
                "    {} [label={}, shape={}];",
                dot_id(&node.id()),
                dot_id(&format!("{}\n{}", node.kind.as_str(), node.name)),
                shape(node.kind)
            );
        }
        out.push_str("  }\n");
    }
    for edge in graph.graph.edge_references() {
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            dot_id(&graph.graph[edge.source()].id()),
            dot_id(&graph.graph[edge.target()].id()),
            dot_id(edge.weight().as_str())
        );
    }
    out.push_str("}\n");
    out
}

#[derive(Serialize)]
struct JsonGraph {
    nodes: Vec<JsonNode>,
    edges: Vec<JsonEdge>,
}

#[derive(Serialize)]
struct JsonNode {
    id: String,
    kind: &'static str,
    name: String,
    layer: &'static str,
}

#[derive(Serialize)]
struct JsonEdge {
    from: String,
    to: String,
    kind: &'static str,
}

/// `{"nodes":[{"id","kind","name","layer"}],"edges":[{"from","to","kind"}]}`.
pub fn to_json(graph: &Graph) -> String {
    let output = JsonGraph {
        nodes: graph
            .graph
            .node_indices()
            .map(|index| {
                let node = &graph.graph[index];
                JsonNode {
                    id: node.id(),
                    kind: node.kind.as_str(),
                    name: node.name.clone(),
                    layer: node.kind.layer(),
                }
            })
            .collect(),
        edges: graph
            .graph
            .edge_references()
            .map(|edge| JsonEdge {
                from: graph.graph[edge.source()].id(),
                to: graph.graph[edge.target()].id(),
                kind: edge.weight().as_str(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_else(|_| "{\"nodes\":[],\"edges\":[]}".into());
    text.push('\n');
    text
}
