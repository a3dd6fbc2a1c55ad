//! GENERATED from `stdlib/prelude.k8s` by the test `views::the_views_match_the_prelude`
//! (tests/suite/views.rs), with the project's own parser: do not edit. When the prelude
//! changes, `cargo test --test suite views` rewrites this file and fails once; review
//! the diff and commit it.
//!
//! A typed view of every entity kind, record and enum of the prelude: one accessor per
//! field, returning the field's Rust type (memory in bytes, cpu in millicores,
//! durations in milliseconds, enums as Rust enums, references as ids typed by the kind
//! they point to, records as views, lists and maps read lazily). Each accessor reads by
//! the field's position, fixed here; component values and defaults apply as in
//! `Model::read_at`. A field with a prelude default reads as its effective value, never
//! an `Option`: the default is written into its accessor, so no reader supplies its own.
//! Another field that is absent or was rejected reads as `None` (a list or map as
//! empty). The accessors are crate-private, so the compiler reports a field that
//! nothing reads (see the test `every_prelude_field_is_read_or_informational`).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::model::{Entity, EntityId, Model};
use super::read::{self, List, Map};
use super::schema::KindId;
use super::value::{SecretSource, Spanned, Value};
use crate::source::Span;

/// How strict the HA rules are: `production` makes them errors, `dev` mostly warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    Dev,
    Production,
}

impl Profile {
    /// Every variant, in the prelude's order.
    pub const ALL: [Profile; 2] = [Profile::Dev, Profile::Production];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Dev => "dev",
            Profile::Production => "production",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<Profile> {
        match name {
            "dev" => Some(Profile::Dev),
            "production" => Some(Profile::Production),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<Profile> {
        read::variant(value).and_then(Profile::parse)
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stage a namespace's apps are at (one cluster may run dev, test, release and production side by side).
/// `dev` and `test` apps are judged by the `dev` profile's rules, `release` and `production` apps by `production`'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Dev,
    Test,
    Release,
    Production,
}

impl Stage {
    /// Every variant, in the prelude's order.
    pub const ALL: [Stage; 4] = [Stage::Dev, Stage::Test, Stage::Release, Stage::Production];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Dev => "dev",
            Stage::Test => "test",
            Stage::Release => "release",
            Stage::Production => "production",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<Stage> {
        match name {
            "dev" => Some(Stage::Dev),
            "test" => Some(Stage::Test),
            "release" => Some(Stage::Release),
            "production" => Some(Stage::Production),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<Stage> {
        read::variant(value).and_then(Stage::parse)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The pod network plugin.
/// Calico, Weave and Cilium enforce NetworkPolicy; Flannel does not.
/// Calico follows the cluster's version (the release tested with it, checked by digest); Weave Net is unmaintained since 2024 (its last release, 2.8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cni {
    Calico,
    Flannel,
    Weave,
    Cilium,
}

impl Cni {
    /// Every variant, in the prelude's order.
    pub const ALL: [Cni; 4] = [Cni::Calico, Cni::Flannel, Cni::Weave, Cni::Cilium];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Cni::Calico => "calico",
            Cni::Flannel => "flannel",
            Cni::Weave => "weave",
            Cni::Cilium => "cilium",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<Cni> {
        match name {
            "calico" => Some(Cni::Calico),
            "flannel" => Some(Cni::Flannel),
            "weave" => Some(Cni::Weave),
            "cilium" => Some(Cni::Cilium),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<Cni> {
        read::variant(value).and_then(Cni::parse)
    }
}

impl std::fmt::Display for Cni {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How kube-proxy programs Services: `nftables` (on by default from 1.31, GA from 1.33, and what Kubernetes recommends), `iptables`, or `ipvs` (deprecated from 1.35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProxyMode {
    Nftables,
    Iptables,
    Ipvs,
}

impl ProxyMode {
    /// Every variant, in the prelude's order.
    pub const ALL: [ProxyMode; 3] = [ProxyMode::Nftables, ProxyMode::Iptables, ProxyMode::Ipvs];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::Nftables => "nftables",
            ProxyMode::Iptables => "iptables",
            ProxyMode::Ipvs => "ipvs",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<ProxyMode> {
        match name {
            "nftables" => Some(ProxyMode::Nftables),
            "iptables" => Some(ProxyMode::Iptables),
            "ipvs" => Some(ProxyMode::Ipvs),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<ProxyMode> {
        read::variant(value).and_then(ProxyMode::parse)
    }
}

impl std::fmt::Display for ProxyMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where etcd runs: `stacked` on the control-plane nodes, or `external` on nodes of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EtcdTopology {
    Stacked,
    External,
}

impl EtcdTopology {
    /// Every variant, in the prelude's order.
    pub const ALL: [EtcdTopology; 2] = [EtcdTopology::Stacked, EtcdTopology::External];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            EtcdTopology::Stacked => "stacked",
            EtcdTopology::External => "external",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<EtcdTopology> {
        match name {
            "stacked" => Some(EtcdTopology::Stacked),
            "external" => Some(EtcdTopology::External),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<EtcdTopology> {
        read::variant(value).and_then(EtcdTopology::parse)
    }
}

impl std::fmt::Display for EtcdTopology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a node does in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Runs kube-apiserver, kube-controller-manager and kube-scheduler.
    ControlPlane,
    /// Runs an etcd member (stacked or external, see `cluster.etcd`).
    Etcd,
    /// Runs application pods.
    Worker,
    /// Runs the ingress controller and holds the ingress VIP.
    Ingress,
    /// Serves storage (NFS, DRBD).
    Storage,
    /// Runs haproxy or LVS in front of the apiservers or the ingress nodes.
    LoadBalancer,
}

impl Role {
    /// Every variant, in the prelude's order.
    pub const ALL: [Role; 6] = [
        Role::ControlPlane,
        Role::Etcd,
        Role::Worker,
        Role::Ingress,
        Role::Storage,
        Role::LoadBalancer,
    ];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ControlPlane => "control_plane",
            Role::Etcd => "etcd",
            Role::Worker => "worker",
            Role::Ingress => "ingress",
            Role::Storage => "storage",
            Role::LoadBalancer => "load_balancer",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "control_plane" => Some(Role::ControlPlane),
            "etcd" => Some(Role::Etcd),
            "worker" => Some(Role::Worker),
            "ingress" => Some(Role::Ingress),
            "storage" => Some(Role::Storage),
            "load_balancer" => Some(Role::LoadBalancer),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<Role> {
        read::variant(value).and_then(Role::parse)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an app runs: `stateless` as a Deployment, `stateful` as a StatefulSet with volume claims, `daemon` as a DaemonSet with one pod on every matching node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workload {
    Stateless,
    Stateful,
    Daemon,
}

impl Workload {
    /// Every variant, in the prelude's order.
    pub const ALL: [Workload; 3] = [Workload::Stateless, Workload::Stateful, Workload::Daemon];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Workload::Stateless => "stateless",
            Workload::Stateful => "stateful",
            Workload::Daemon => "daemon",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<Workload> {
        match name {
            "stateless" => Some(Workload::Stateless),
            "stateful" => Some(Workload::Stateful),
            "daemon" => Some(Workload::Daemon),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<Workload> {
        read::variant(value).and_then(Workload::parse)
    }
}

impl std::fmt::Display for Workload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The class of applications a namespace holds; each namespace serves exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppClass {
    Business,
    Devops,
    Observability,
    Data,
    Registry,
    Gateway,
}

impl AppClass {
    /// Every variant, in the prelude's order.
    pub const ALL: [AppClass; 6] = [
        AppClass::Business,
        AppClass::Devops,
        AppClass::Observability,
        AppClass::Data,
        AppClass::Registry,
        AppClass::Gateway,
    ];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AppClass::Business => "business",
            AppClass::Devops => "devops",
            AppClass::Observability => "observability",
            AppClass::Data => "data",
            AppClass::Registry => "registry",
            AppClass::Gateway => "gateway",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<AppClass> {
        match name {
            "business" => Some(AppClass::Business),
            "devops" => Some(AppClass::Devops),
            "observability" => Some(AppClass::Observability),
            "data" => Some(AppClass::Data),
            "registry" => Some(AppClass::Registry),
            "gateway" => Some(AppClass::Gateway),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<AppClass> {
        read::variant(value).and_then(AppClass::parse)
    }
}

impl std::fmt::Display for AppClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How strictly replicas are kept apart: `required` never puts two on one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AntiAffinity {
    Required,
    Preferred,
    None,
}

impl AntiAffinity {
    /// Every variant, in the prelude's order.
    pub const ALL: [AntiAffinity; 3] = [AntiAffinity::Required, AntiAffinity::Preferred, AntiAffinity::None];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AntiAffinity::Required => "required",
            AntiAffinity::Preferred => "preferred",
            AntiAffinity::None => "none",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<AntiAffinity> {
        match name {
            "required" => Some(AntiAffinity::Required),
            "preferred" => Some(AntiAffinity::Preferred),
            "none" => Some(AntiAffinity::None),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<AntiAffinity> {
        read::variant(value).and_then(AntiAffinity::parse)
    }
}

impl std::fmt::Display for AntiAffinity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The failure domain replicas are spread over evenly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpreadDomain {
    Host,
    Rack,
    Zone,
}

impl SpreadDomain {
    /// Every variant, in the prelude's order.
    pub const ALL: [SpreadDomain; 3] = [SpreadDomain::Host, SpreadDomain::Rack, SpreadDomain::Zone];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SpreadDomain::Host => "host",
            SpreadDomain::Rack => "rack",
            SpreadDomain::Zone => "zone",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<SpreadDomain> {
        match name {
            "host" => Some(SpreadDomain::Host),
            "rack" => Some(SpreadDomain::Rack),
            "zone" => Some(SpreadDomain::Zone),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<SpreadDomain> {
        read::variant(value).and_then(SpreadDomain::parse)
    }
}

impl std::fmt::Display for SpreadDomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A port's transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    /// Every variant, in the prelude's order.
    pub const ALL: [Protocol; 2] = [Protocol::Tcp, Protocol::Udp];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<Protocol> {
        match name {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<Protocol> {
        read::variant(value).and_then(Protocol::parse)
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The ingress controller implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IngressClass {
    Traefik,
    Nginx,
}

impl IngressClass {
    /// Every variant, in the prelude's order.
    pub const ALL: [IngressClass; 2] = [IngressClass::Traefik, IngressClass::Nginx];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            IngressClass::Traefik => "traefik",
            IngressClass::Nginx => "nginx",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<IngressClass> {
        match name {
            "traefik" => Some(IngressClass::Traefik),
            "nginx" => Some(IngressClass::Nginx),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<IngressClass> {
        read::variant(value).and_then(IngressClass::parse)
    }
}

impl std::fmt::Display for IngressClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the ingress controller receives traffic on 80/443.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IngressExpose {
    HostNetwork,
    ExternalIps,
    LoadBalancer,
}

impl IngressExpose {
    /// Every variant, in the prelude's order.
    pub const ALL: [IngressExpose; 3] = [
        IngressExpose::HostNetwork,
        IngressExpose::ExternalIps,
        IngressExpose::LoadBalancer,
    ];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            IngressExpose::HostNetwork => "host_network",
            IngressExpose::ExternalIps => "external_ips",
            IngressExpose::LoadBalancer => "load_balancer",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<IngressExpose> {
        match name {
            "host_network" => Some(IngressExpose::HostNetwork),
            "external_ips" => Some(IngressExpose::ExternalIps),
            "load_balancer" => Some(IngressExpose::LoadBalancer),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<IngressExpose> {
        read::variant(value).and_then(IngressExpose::parse)
    }
}

impl std::fmt::Display for IngressExpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The load balancer's implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LbSoftware {
    Haproxy,
    Lvs,
}

impl LbSoftware {
    /// Every variant, in the prelude's order.
    pub const ALL: [LbSoftware; 2] = [LbSoftware::Haproxy, LbSoftware::Lvs];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            LbSoftware::Haproxy => "haproxy",
            LbSoftware::Lvs => "lvs",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<LbSoftware> {
        match name {
            "haproxy" => Some(LbSoftware::Haproxy),
            "lvs" => Some(LbSoftware::Lvs),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<LbSoftware> {
        read::variant(value).and_then(LbSoftware::parse)
    }
}

impl std::fmt::Display for LbSoftware {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a frontend proxies: TCP passthrough or HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LbMode {
    Tcp,
    Http,
}

impl LbMode {
    /// Every variant, in the prelude's order.
    pub const ALL: [LbMode; 2] = [LbMode::Tcp, LbMode::Http];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            LbMode::Tcp => "tcp",
            LbMode::Http => "http",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<LbMode> {
        match name {
            "tcp" => Some(LbMode::Tcp),
            "http" => Some(LbMode::Http),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<LbMode> {
        read::variant(value).and_then(LbMode::parse)
    }
}

impl std::fmt::Display for LbMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What keepalived watches to decide that a member is healthy: the apiserver path through this member's balancer, haproxy accepting connections on its frontends on the member's address, the ingress controller's port, the NFS server of a DRBD pair, or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VipTrack {
    Apiserver,
    Haproxy,
    Ingress,
    Nfs,
    None,
}

impl VipTrack {
    /// Every variant, in the prelude's order.
    pub const ALL: [VipTrack; 5] = [
        VipTrack::Apiserver,
        VipTrack::Haproxy,
        VipTrack::Ingress,
        VipTrack::Nfs,
        VipTrack::None,
    ];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            VipTrack::Apiserver => "apiserver",
            VipTrack::Haproxy => "haproxy",
            VipTrack::Ingress => "ingress",
            VipTrack::Nfs => "nfs",
            VipTrack::None => "none",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<VipTrack> {
        match name {
            "apiserver" => Some(VipTrack::Apiserver),
            "haproxy" => Some(VipTrack::Haproxy),
            "ingress" => Some(VipTrack::Ingress),
            "nfs" => Some(VipTrack::Nfs),
            "none" => Some(VipTrack::None),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<VipTrack> {
        read::variant(value).and_then(VipTrack::parse)
    }
}

impl std::fmt::Display for VipTrack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An option of an `/etc/exports` entry (see exports(5)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NfsOption {
    Rw,
    Ro,
    Sync,
    Async,
    NoSubtreeCheck,
    SubtreeCheck,
    RootSquash,
    NoRootSquash,
    AllSquash,
    NoAllSquash,
    Secure,
    Insecure,
    Crossmnt,
}

impl NfsOption {
    /// Every variant, in the prelude's order.
    pub const ALL: [NfsOption; 13] = [
        NfsOption::Rw,
        NfsOption::Ro,
        NfsOption::Sync,
        NfsOption::Async,
        NfsOption::NoSubtreeCheck,
        NfsOption::SubtreeCheck,
        NfsOption::RootSquash,
        NfsOption::NoRootSquash,
        NfsOption::AllSquash,
        NfsOption::NoAllSquash,
        NfsOption::Secure,
        NfsOption::Insecure,
        NfsOption::Crossmnt,
    ];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            NfsOption::Rw => "rw",
            NfsOption::Ro => "ro",
            NfsOption::Sync => "sync",
            NfsOption::Async => "async",
            NfsOption::NoSubtreeCheck => "no_subtree_check",
            NfsOption::SubtreeCheck => "subtree_check",
            NfsOption::RootSquash => "root_squash",
            NfsOption::NoRootSquash => "no_root_squash",
            NfsOption::AllSquash => "all_squash",
            NfsOption::NoAllSquash => "no_all_squash",
            NfsOption::Secure => "secure",
            NfsOption::Insecure => "insecure",
            NfsOption::Crossmnt => "crossmnt",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<NfsOption> {
        match name {
            "rw" => Some(NfsOption::Rw),
            "ro" => Some(NfsOption::Ro),
            "sync" => Some(NfsOption::Sync),
            "async" => Some(NfsOption::Async),
            "no_subtree_check" => Some(NfsOption::NoSubtreeCheck),
            "subtree_check" => Some(NfsOption::SubtreeCheck),
            "root_squash" => Some(NfsOption::RootSquash),
            "no_root_squash" => Some(NfsOption::NoRootSquash),
            "all_squash" => Some(NfsOption::AllSquash),
            "no_all_squash" => Some(NfsOption::NoAllSquash),
            "secure" => Some(NfsOption::Secure),
            "insecure" => Some(NfsOption::Insecure),
            "crossmnt" => Some(NfsOption::Crossmnt),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<NfsOption> {
        read::variant(value).and_then(NfsOption::parse)
    }
}

impl std::fmt::Display for NfsOption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registry's place in the replication hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegistryLevel {
    Primary,
    Sub,
}

impl RegistryLevel {
    /// Every variant, in the prelude's order.
    pub const ALL: [RegistryLevel; 2] = [RegistryLevel::Primary, RegistryLevel::Sub];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryLevel::Primary => "primary",
            RegistryLevel::Sub => "sub",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<RegistryLevel> {
        match name {
            "primary" => Some(RegistryLevel::Primary),
            "sub" => Some(RegistryLevel::Sub),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<RegistryLevel> {
        read::variant(value).and_then(RegistryLevel::parse)
    }
}

impl std::fmt::Display for RegistryLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The registry implementation Harbor talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegistryType {
    Harbor,
    DockerHub,
    DockerRegistry,
}

impl RegistryType {
    /// Every variant, in the prelude's order.
    pub const ALL: [RegistryType; 3] = [
        RegistryType::Harbor,
        RegistryType::DockerHub,
        RegistryType::DockerRegistry,
    ];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryType::Harbor => "harbor",
            RegistryType::DockerHub => "docker_hub",
            RegistryType::DockerRegistry => "docker_registry",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<RegistryType> {
        match name {
            "harbor" => Some(RegistryType::Harbor),
            "docker_hub" => Some(RegistryType::DockerHub),
            "docker_registry" => Some(RegistryType::DockerRegistry),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<RegistryType> {
        read::variant(value).and_then(RegistryType::parse)
    }
}

impl std::fmt::Display for RegistryType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `push` copies from the registry that holds the policy; `pull` copies into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReplicationMode {
    Push,
    Pull,
}

impl ReplicationMode {
    /// Every variant, in the prelude's order.
    pub const ALL: [ReplicationMode; 2] = [ReplicationMode::Push, ReplicationMode::Pull];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplicationMode::Push => "push",
            ReplicationMode::Pull => "pull",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<ReplicationMode> {
        match name {
            "push" => Some(ReplicationMode::Push),
            "pull" => Some(ReplicationMode::Pull),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<ReplicationMode> {
        read::variant(value).and_then(ReplicationMode::parse)
    }
}

impl std::fmt::Display for ReplicationMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a replication runs: by hand, on every push event, or on a cron schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReplicationTrigger {
    Manual,
    EventBased,
    Scheduled,
}

impl ReplicationTrigger {
    /// Every variant, in the prelude's order.
    pub const ALL: [ReplicationTrigger; 3] = [
        ReplicationTrigger::Manual,
        ReplicationTrigger::EventBased,
        ReplicationTrigger::Scheduled,
    ];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplicationTrigger::Manual => "manual",
            ReplicationTrigger::EventBased => "event_based",
            ReplicationTrigger::Scheduled => "scheduled",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<ReplicationTrigger> {
        match name {
            "manual" => Some(ReplicationTrigger::Manual),
            "event_based" => Some(ReplicationTrigger::EventBased),
            "scheduled" => Some(ReplicationTrigger::Scheduled),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<ReplicationTrigger> {
        read::variant(value).and_then(ReplicationTrigger::parse)
    }
}

impl std::fmt::Display for ReplicationTrigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a replication copies: images only, or every artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArtifactKind {
    Image,
    Artifact,
}

impl ArtifactKind {
    /// Every variant, in the prelude's order.
    pub const ALL: [ArtifactKind; 2] = [ArtifactKind::Image, ArtifactKind::Artifact];

    /// The variant as the language writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Image => "image",
            ArtifactKind::Artifact => "artifact",
        }
    }

    /// The variant the language writes so.
    pub fn parse(name: &str) -> Option<ArtifactKind> {
        match name {
            "image" => Some(ArtifactKind::Image),
            "artifact" => Some(ArtifactKind::Artifact),
            _ => None,
        }
    }

    pub fn read(_: &Model, value: &Spanned) -> Option<ArtifactKind> {
        read::variant(value).and_then(ArtifactKind::parse)
    }
}

impl std::fmt::Display for ArtifactKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of a `cluster` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClusterId(EntityId);

impl ClusterId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(0);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `cluster`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<ClusterId> {
        read::reference(model, value, ClusterId::KIND).map(ClusterId)
    }
}

impl From<ClusterId> for EntityId {
    fn from(id: ClusterId) -> EntityId {
        id.0
    }
}

/// A Kubernetes cluster: version, networking, etcd topology and profile.
/// A platform has one, or one per data centre.
#[derive(Clone, Copy)]
pub struct Cluster<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> Cluster<'m> {
    pub fn id(self) -> ClusterId {
        ClusterId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `cluster.version`
    /// The Kubernetes version, such as "1.36.3".
    /// `version: string`.
    pub(crate) fn version(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `version` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn version_span(self) -> Span {
        self.span_of(0)
    }

    // field of `cluster.profile`
    /// How strict the HA rules are.
    /// `profile: profile`.
    pub(crate) fn profile(self) -> Profile {
        self.field(1)
            .and_then(|value| Profile::read(self.model, value))
            .unwrap_or(Profile::Production)
    }
    /// Where `profile` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn profile_span(self) -> Span {
        self.span_of(1)
    }

    // field of `cluster.cni`
    /// The pod network plugin.
    /// `cni: cni`.
    pub(crate) fn cni(self) -> Cni {
        self.field(2)
            .and_then(|value| Cni::read(self.model, value))
            .unwrap_or(Cni::Calico)
    }
    /// Where `cni` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cni_span(self) -> Span {
        self.span_of(2)
    }

    // field of `cluster.proxy_mode`
    /// How kube-proxy programs Services.
    /// `proxy_mode: proxy_mode`.
    pub(crate) fn proxy_mode(self) -> ProxyMode {
        self.field(3)
            .and_then(|value| ProxyMode::read(self.model, value))
            .unwrap_or(ProxyMode::Nftables)
    }
    /// Where `proxy_mode` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn proxy_mode_span(self) -> Span {
        self.span_of(3)
    }

    // field of `cluster.node_subnet`
    /// The subnet every node address lies in.
    /// `node_subnet: cidr`.
    pub(crate) fn node_subnet(self) -> Option<Ipv4Net> {
        self.field(4).and_then(|value| read::cidr(self.model, value))
    }
    /// Where `node_subnet` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn node_subnet_span(self) -> Span {
        self.span_of(4)
    }

    // field of `cluster.interface`
    /// The network interface that carries the node subnet on every node (and the VIPs on it), unless a node or a VIP group names its own.
    /// keepalived needs one: k8sc never guesses it (HA039).
    /// `interface: string?`.
    pub(crate) fn interface(self) -> Option<&'m str> {
        self.field(5).and_then(|value| read::string(self.model, value))
    }
    /// Where `interface` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn interface_span(self) -> Span {
        self.span_of(5)
    }

    // field of `cluster.pod_cidr`
    /// The pod network; it must not overlap the node subnet or the service CIDR.
    /// `pod_cidr: cidr`.
    pub(crate) fn pod_cidr(self) -> Ipv4Net {
        self.field(6)
            .and_then(|value| read::cidr(self.model, value))
            .unwrap_or(Ipv4Net::new_assert(Ipv4Addr::new(10, 244, 0, 0), 16))
    }
    /// Where `pod_cidr` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn pod_cidr_span(self) -> Span {
        self.span_of(6)
    }

    // field of `cluster.service_cidr`
    /// The Service network; it must not overlap the node subnet or the pod CIDR.
    /// `service_cidr: cidr`.
    pub(crate) fn service_cidr(self) -> Ipv4Net {
        self.field(7)
            .and_then(|value| read::cidr(self.model, value))
            .unwrap_or(Ipv4Net::new_assert(Ipv4Addr::new(10, 96, 0, 0), 12))
    }
    /// Where `service_cidr` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn service_cidr_span(self) -> Span {
        self.span_of(7)
    }

    // field of `cluster.etcd`
    /// Where etcd runs; the members are the nodes with the `etcd` role.
    /// `etcd: etcd_topology`.
    pub(crate) fn etcd(self) -> EtcdTopology {
        self.field(8)
            .and_then(|value| EtcdTopology::read(self.model, value))
            .unwrap_or(EtcdTopology::Stacked)
    }
    /// Where `etcd` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn etcd_span(self) -> Span {
        self.span_of(8)
    }

    // field of `cluster.apiserver_port`
    /// The port kube-apiserver listens on, on every control-plane node.
    /// `apiserver_port: port`.
    pub(crate) fn apiserver_port(self) -> u16 {
        self.field(9)
            .and_then(|value| read::port(self.model, value))
            .unwrap_or(6443)
    }
    /// Where `apiserver_port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn apiserver_port_span(self) -> Span {
        self.span_of(9)
    }

    // field of `cluster.dns_domain`
    /// The cluster's DNS domain.
    /// `dns_domain: string`.
    pub(crate) fn dns_domain(self) -> &'m str {
        self.field(10)
            .and_then(|value| read::string(self.model, value))
            .unwrap_or("cluster.local")
    }
    /// Where `dns_domain` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn dns_domain_span(self) -> Span {
        self.span_of(10)
    }

    // field of `cluster.image_repository`
    /// A mirror for the control plane's images (kubeadm's imageRepository).
    /// `image_repository: string?`.
    pub(crate) fn image_repository(self) -> Option<&'m str> {
        self.field(11).and_then(|value| read::string(self.model, value))
    }
    /// Where `image_repository` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn image_repository_span(self) -> Span {
        self.span_of(11)
    }

    // field of `cluster.bootstrap_token`
    /// The bootstrap token the other nodes join with: six and sixteen lowercase letters or digits joined by a dot, as `kubeadm token generate` prints.
    /// `env("NAME")` or `file("path")`; needed as soon as a second node joins.
    /// `bootstrap_token: secret?`.
    pub(crate) fn bootstrap_token(self) -> Option<&'m SecretSource> {
        self.field(12).and_then(|value| read::secret(self.model, value))
    }
    /// Where `bootstrap_token` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn bootstrap_token_span(self) -> Span {
        self.span_of(12)
    }

    // field of `cluster.certificate_key`
    /// The key kubeadm encrypts the control-plane certificates with, for the other control-plane nodes to fetch: 64 hex digits, as `kubeadm certs certificate-key` prints.
    /// Needed as soon as a second control-plane node joins.
    /// `certificate_key: secret?`.
    pub(crate) fn certificate_key(self) -> Option<&'m SecretSource> {
        self.field(13).and_then(|value| read::secret(self.model, value))
    }
    /// Where `certificate_key` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn certificate_key_span(self) -> Span {
        self.span_of(13)
    }

    // field of `cluster.ca_certificate`
    /// The cluster CA's certificate (PEM), placed on the first control-plane node before `kubeadm init`; every joining node pins its public key.
    /// `file("path")`.
    /// `ca_certificate: secret?`.
    pub(crate) fn ca_certificate(self) -> Option<&'m SecretSource> {
        self.field(14).and_then(|value| read::secret(self.model, value))
    }
    /// Where `ca_certificate` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn ca_certificate_span(self) -> Span {
        self.span_of(14)
    }

    // field of `cluster.ca_key`
    /// The cluster CA's private key (PEM), placed beside the certificate (mode 0600).
    /// `ca_key: secret?`.
    pub(crate) fn ca_key(self) -> Option<&'m SecretSource> {
        self.field(15).and_then(|value| read::secret(self.model, value))
    }
    /// Where `ca_key` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn ca_key_span(self) -> Span {
        self.span_of(15)
    }
}

impl Model {
    /// Every `cluster`, in source order.
    pub fn clusters(&self) -> impl DoubleEndedIterator<Item = Cluster<'_>> + ExactSizeIterator + '_ {
        self.of_kind(ClusterId::KIND).iter().map(|&id| Cluster {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `cluster` `id` names; the id of another kind gives a view that reads nothing.
    pub fn cluster(&self, id: impl Into<EntityId>) -> Cluster<'_> {
        let id = id.into();
        Cluster {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == ClusterId::KIND),
        }
    }

    /// `id` as a `cluster`'s, when it names one.
    pub fn cluster_id(&self, id: EntityId) -> Option<ClusterId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == ClusterId::KIND)
            .then_some(ClusterId(id))
    }
}

/// The id of a `physical_host` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhysicalHostId(EntityId);

impl PhysicalHostId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(1);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `physical_host`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<PhysicalHostId> {
        read::reference(model, value, PhysicalHostId::KIND).map(PhysicalHostId)
    }
}

impl From<PhysicalHostId> for EntityId {
    fn from(id: PhysicalHostId) -> EntityId {
        id.0
    }
}

/// A physical machine: the real failure domain.
/// Every VM on it dies with it.
#[derive(Clone, Copy)]
pub struct PhysicalHost<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> PhysicalHost<'m> {
    pub fn id(self) -> PhysicalHostId {
        PhysicalHostId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `physical_host.rack`
    /// The rack it sits in; a rack is a larger failure domain.
    /// `rack: string?`.
    pub(crate) fn rack(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `rack` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn rack_span(self) -> Span {
        self.span_of(0)
    }

    // field of `physical_host.zone`
    /// The zone it sits in; a zone is a larger failure domain still.
    /// `zone: string?`.
    pub(crate) fn zone(self) -> Option<&'m str> {
        self.field(1).and_then(|value| read::string(self.model, value))
    }
    /// Where `zone` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn zone_span(self) -> Span {
        self.span_of(1)
    }

    // field of `physical_host.datacenter`
    /// The data centre it sits in: the largest failure domain (`simulate --fail` takes one); each data centre pulls images from its nearest registry.
    /// `datacenter: string`.
    pub(crate) fn datacenter(self) -> &'m str {
        self.field(2)
            .and_then(|value| read::string(self.model, value))
            .unwrap_or("dc1")
    }
    /// Where `datacenter` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn datacenter_span(self) -> Span {
        self.span_of(2)
    }
}

impl Model {
    /// Every `physical_host`, in source order.
    pub fn physical_hosts(&self) -> impl DoubleEndedIterator<Item = PhysicalHost<'_>> + ExactSizeIterator + '_ {
        self.of_kind(PhysicalHostId::KIND).iter().map(|&id| PhysicalHost {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `physical_host` `id` names; the id of another kind gives a view that reads nothing.
    pub fn physical_host(&self, id: impl Into<EntityId>) -> PhysicalHost<'_> {
        let id = id.into();
        PhysicalHost {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == PhysicalHostId::KIND),
        }
    }

    /// `id` as a `physical_host`'s, when it names one.
    pub fn physical_host_id(&self, id: EntityId) -> Option<PhysicalHostId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == PhysicalHostId::KIND)
            .then_some(PhysicalHostId(id))
    }
}

/// The id of a `node` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(EntityId);

impl NodeId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(2);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `node`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<NodeId> {
        read::reference(model, value, NodeId::KIND).map(NodeId)
    }
}

impl From<NodeId> for EntityId {
    fn from(id: NodeId) -> EntityId {
        id.0
    }
}

/// A Kubernetes node: a VM or a bare-metal machine.
#[derive(Clone, Copy)]
pub struct Node<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> Node<'m> {
    pub fn id(self) -> NodeId {
        NodeId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `node.address`
    /// The node's IPv4 address on the node subnet.
    /// `address: ipv4`.
    pub(crate) fn address(self) -> Option<Ipv4Addr> {
        self.field(0).and_then(|value| read::ipv4(self.model, value))
    }
    /// Where `address` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn address_span(self) -> Span {
        self.span_of(0)
    }

    // field of `node.host`
    /// The physical host it runs on (itself, for bare metal).
    /// `host: physical_host`.
    pub(crate) fn host(self) -> Option<PhysicalHostId> {
        self.field(1).and_then(|value| PhysicalHostId::read(self.model, value))
    }
    /// Where `host` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn host_span(self) -> Span {
        self.span_of(1)
    }

    // field of `node.roles`
    /// What the node does in the cluster.
    /// `roles: list<role>`. Absent or rejected: empty.
    pub(crate) fn roles(self) -> List<'m, Role> {
        self.field(2)
            .and_then(|value| read::list(self.model, value, Role::read))
            .unwrap_or_else(|| List::empty(self.model, Role::read))
    }
    /// Where `roles` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn roles_span(self) -> Span {
        self.span_of(2)
    }

    // field of `node.cpu`
    /// Total cores.
    /// `cpu: cpu`. In millicores.
    pub(crate) fn cpu(self) -> u64 {
        self.field(3)
            .and_then(|value| read::cpu(self.model, value))
            .unwrap_or(4000)
    }
    /// Where `cpu` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cpu_span(self) -> Span {
        self.span_of(3)
    }

    // field of `node.memory`
    /// Total memory.
    /// `memory: quantity`. In bytes.
    pub(crate) fn memory(self) -> u64 {
        self.field(4)
            .and_then(|value| read::quantity(self.model, value))
            .unwrap_or(8589934592)
    }
    /// Where `memory` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn memory_span(self) -> Span {
        self.span_of(4)
    }

    // field of `node.reserved`
    /// Resources kept for the host (kubelet system-reserved).
    /// `reserved: resources`.
    pub(crate) fn reserved(self) -> Resources<'m> {
        self.field(5)
            .and_then(|value| Resources::read(self.model, value))
            .unwrap_or(Resources::empty(self.model))
    }
    /// Where `reserved` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn reserved_span(self) -> Span {
        self.span_of(5)
    }

    // field of `node.pool`
    /// A dedicated pool: the node is labelled and tainted, and runs only apps placed there.
    /// `pool: string?`.
    pub(crate) fn pool(self) -> Option<&'m str> {
        self.field(6).and_then(|value| read::string(self.model, value))
    }
    /// Where `pool` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn pool_span(self) -> Span {
        self.span_of(6)
    }

    // field of `node.gpu`
    /// The node has GPUs.
    /// `gpu: bool`.
    pub(crate) fn gpu(self) -> bool {
        self.field(7)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(false)
    }
    /// Where `gpu` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn gpu_span(self) -> Span {
        self.span_of(7)
    }

    // field of `node.interface`
    /// The network interface that carries the node address (and any VIP); by default the cluster's `interface`.
    /// `interface: string?`.
    pub(crate) fn interface(self) -> Option<&'m str> {
        self.field(8).and_then(|value| read::string(self.model, value))
    }
    /// Where `interface` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn interface_span(self) -> Span {
        self.span_of(8)
    }

    // field of `node.labels`
    /// Labels on the Node object.
    /// `labels: map<string>`. Absent or rejected: empty.
    pub(crate) fn labels(self) -> Map<'m, &'m str> {
        self.field(9)
            .and_then(|value| read::map(self.model, value, read::string))
            .unwrap_or_else(|| Map::empty(self.model, read::string))
    }
    /// Where `labels` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn labels_span(self) -> Span {
        self.span_of(9)
    }

    // field of `node.cluster`
    /// The cluster it belongs to, in a platform of several clusters; by default the only one.
    /// What it refers to, and what refers to it, belongs to the same cluster.
    /// `cluster: cluster?`.
    pub(crate) fn cluster(self) -> Option<ClusterId> {
        self.field(10).and_then(|value| ClusterId::read(self.model, value))
    }
    /// Where `cluster` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cluster_span(self) -> Span {
        self.span_of(10)
    }
}

impl Model {
    /// Every `node`, in source order.
    pub fn nodes(&self) -> impl DoubleEndedIterator<Item = Node<'_>> + ExactSizeIterator + '_ {
        self.of_kind(NodeId::KIND).iter().map(|&id| Node {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `node` `id` names; the id of another kind gives a view that reads nothing.
    pub fn node(&self, id: impl Into<EntityId>) -> Node<'_> {
        let id = id.into();
        Node {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == NodeId::KIND),
        }
    }

    /// `id` as a `node`'s, when it names one.
    pub fn node_id(&self, id: EntityId) -> Option<NodeId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == NodeId::KIND)
            .then_some(NodeId(id))
    }
}

/// The id of a `nfs_export` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NfsExportId(EntityId);

impl NfsExportId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(3);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `nfs_export`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<NfsExportId> {
        read::reference(model, value, NfsExportId::KIND).map(NfsExportId)
    }
}

impl From<NfsExportId> for EntityId {
    fn from(id: NfsExportId) -> EntityId {
        id.0
    }
}

/// A directory exported over NFS: an `/etc/exports` entry on its server.
#[derive(Clone, Copy)]
pub struct NfsExport<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> NfsExport<'m> {
    pub fn id(self) -> NfsExportId {
        NfsExportId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `nfs_export.server`
    /// The node that serves it, or a DRBD pair that makes it highly available.
    /// `server: node | drbd_pair`.
    pub(crate) fn server(self) -> Option<NodeOrDrbdPair> {
        self.field(0).and_then(|value| NodeOrDrbdPair::read(self.model, value))
    }
    /// Where `server` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn server_span(self) -> Span {
        self.span_of(0)
    }

    // field of `nfs_export.path`
    /// The exported directory on the server.
    /// `path: string`.
    pub(crate) fn path(self) -> Option<&'m str> {
        self.field(1).and_then(|value| read::string(self.model, value))
    }
    /// Where `path` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn path_span(self) -> Span {
        self.span_of(1)
    }

    // field of `nfs_export.clients`
    /// The networks or addresses allowed to mount it.
    /// `clients: list<cidr>`. Absent or rejected: empty.
    pub(crate) fn clients(self) -> List<'m, Ipv4Net> {
        self.field(2)
            .and_then(|value| read::list(self.model, value, read::cidr))
            .unwrap_or_else(|| List::empty(self.model, read::cidr))
    }
    /// Where `clients` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn clients_span(self) -> Span {
        self.span_of(2)
    }

    // field of `nfs_export.options`
    /// The export's options, as in exports(5).
    /// Without `subtree_check` or `no_subtree_check`, k8sc writes exportfs's default, `no_subtree_check`.
    /// `options: list<nfs_option>`. Absent or rejected: empty.
    pub(crate) fn options(self) -> List<'m, NfsOption> {
        self.field(3)
            .and_then(|value| read::list(self.model, value, NfsOption::read))
            .unwrap_or_else(|| List::empty(self.model, NfsOption::read))
    }
    /// Where `options` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn options_span(self) -> Span {
        self.span_of(3)
    }

    // field of `nfs_export.capacity`
    /// The space the export offers to volume claims.
    /// `capacity: quantity`. In bytes.
    pub(crate) fn capacity(self) -> Option<u64> {
        self.field(4).and_then(|value| read::quantity(self.model, value))
    }
    /// Where `capacity` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn capacity_span(self) -> Span {
        self.span_of(4)
    }

    // field of `nfs_export.fsid`
    /// The export's fsid; unique per server.
    /// `fsid: int?`.
    pub(crate) fn fsid(self) -> Option<i64> {
        self.field(5).and_then(|value| read::int(self.model, value))
    }
    /// Where `fsid` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn fsid_span(self) -> Span {
        self.span_of(5)
    }
}

impl Model {
    /// Every `nfs_export`, in source order.
    pub fn nfs_exports(&self) -> impl DoubleEndedIterator<Item = NfsExport<'_>> + ExactSizeIterator + '_ {
        self.of_kind(NfsExportId::KIND).iter().map(|&id| NfsExport {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `nfs_export` `id` names; the id of another kind gives a view that reads nothing.
    pub fn nfs_export(&self, id: impl Into<EntityId>) -> NfsExport<'_> {
        let id = id.into();
        NfsExport {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == NfsExportId::KIND),
        }
    }

    /// `id` as a `nfs_export`'s, when it names one.
    pub fn nfs_export_id(&self, id: EntityId) -> Option<NfsExportId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == NfsExportId::KIND)
            .then_some(NfsExportId(id))
    }
}

/// The id of a `drbd_pair` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DrbdPairId(EntityId);

impl DrbdPairId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(4);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `drbd_pair`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<DrbdPairId> {
        read::reference(model, value, DrbdPairId::KIND).map(DrbdPairId)
    }
}

impl From<DrbdPairId> for EntityId {
    fn from(id: DrbdPairId) -> EntityId {
        id.0
    }
}

/// Two nodes mirroring one disk with DRBD, active/standby, behind a VIP.
#[derive(Clone, Copy)]
pub struct DrbdPair<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> DrbdPair<'m> {
    pub fn id(self) -> DrbdPairId {
        DrbdPairId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `drbd_pair.nodes`
    /// The two nodes that mirror the disk.
    /// `nodes: list<node>`. Absent or rejected: empty.
    pub(crate) fn nodes(self) -> List<'m, NodeId> {
        self.field(0)
            .and_then(|value| read::list(self.model, value, NodeId::read))
            .unwrap_or_else(|| List::empty(self.model, NodeId::read))
    }
    /// Where `nodes` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn nodes_span(self) -> Span {
        self.span_of(0)
    }

    // field of `drbd_pair.vip`
    /// The VIP that follows the active node.
    /// `vip: vip_group`.
    pub(crate) fn vip(self) -> Option<VipGroupId> {
        self.field(1).and_then(|value| VipGroupId::read(self.model, value))
    }
    /// Where `vip` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn vip_span(self) -> Span {
        self.span_of(1)
    }

    // field of `drbd_pair.disk`
    /// The backing disk on each node, such as "/dev/sdb1".
    /// `disk: string`.
    pub(crate) fn disk(self) -> Option<&'m str> {
        self.field(2).and_then(|value| read::string(self.model, value))
    }
    /// Where `disk` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn disk_span(self) -> Span {
        self.span_of(2)
    }

    // field of `drbd_pair.device`
    /// The DRBD device.
    /// `device: string`.
    pub(crate) fn device(self) -> &'m str {
        self.field(3)
            .and_then(|value| read::string(self.model, value))
            .unwrap_or("/dev/drbd0")
    }
    /// Where `device` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn device_span(self) -> Span {
        self.span_of(3)
    }

    // field of `drbd_pair.resource`
    /// The DRBD resource name.
    /// `resource: string`.
    pub(crate) fn resource(self) -> &'m str {
        self.field(4)
            .and_then(|value| read::string(self.model, value))
            .unwrap_or("r0")
    }
    /// Where `resource` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn resource_span(self) -> Span {
        self.span_of(4)
    }

    // field of `drbd_pair.mount`
    /// Where the active node mounts the device.
    /// `mount: string`.
    pub(crate) fn mount(self) -> Option<&'m str> {
        self.field(5).and_then(|value| read::string(self.model, value))
    }
    /// Where `mount` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn mount_span(self) -> Span {
        self.span_of(5)
    }

    // field of `drbd_pair.cluster`
    /// The cluster it belongs to, in a platform of several clusters; by default the only one.
    /// What it refers to, and what refers to it, belongs to the same cluster.
    /// `cluster: cluster?`.
    pub(crate) fn cluster(self) -> Option<ClusterId> {
        self.field(6).and_then(|value| ClusterId::read(self.model, value))
    }
    /// Where `cluster` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cluster_span(self) -> Span {
        self.span_of(6)
    }
}

impl Model {
    /// Every `drbd_pair`, in source order.
    pub fn drbd_pairs(&self) -> impl DoubleEndedIterator<Item = DrbdPair<'_>> + ExactSizeIterator + '_ {
        self.of_kind(DrbdPairId::KIND).iter().map(|&id| DrbdPair {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `drbd_pair` `id` names; the id of another kind gives a view that reads nothing.
    pub fn drbd_pair(&self, id: impl Into<EntityId>) -> DrbdPair<'_> {
        let id = id.into();
        DrbdPair {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == DrbdPairId::KIND),
        }
    }

    /// `id` as a `drbd_pair`'s, when it names one.
    pub fn drbd_pair_id(&self, id: EntityId) -> Option<DrbdPairId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == DrbdPairId::KIND)
            .then_some(DrbdPairId(id))
    }
}

/// The id of a `ceph_rbd` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CephRbdId(EntityId);

impl CephRbdId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(5);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `ceph_rbd`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<CephRbdId> {
        read::reference(model, value, CephRbdId::KIND).map(CephRbdId)
    }
}

impl From<CephRbdId> for EntityId {
    fn from(id: CephRbdId) -> EntityId {
        id.0
    }
}

/// A Ceph RBD pool offered as a StorageClass (dynamic provisioning).
#[derive(Clone, Copy)]
pub struct CephRbd<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> CephRbd<'m> {
    pub fn id(self) -> CephRbdId {
        CephRbdId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `ceph_rbd.monitors`
    /// The Ceph monitors' addresses.
    /// `monitors: list<ipv4>`. Absent or rejected: empty.
    pub(crate) fn monitors(self) -> List<'m, Ipv4Addr> {
        self.field(0)
            .and_then(|value| read::list(self.model, value, read::ipv4))
            .unwrap_or_else(|| List::empty(self.model, read::ipv4))
    }
    /// Where `monitors` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn monitors_span(self) -> Span {
        self.span_of(0)
    }

    // field of `ceph_rbd.pool`
    /// The RBD pool volumes are created in.
    /// `pool: string`.
    pub(crate) fn pool(self) -> &'m str {
        self.field(1)
            .and_then(|value| read::string(self.model, value))
            .unwrap_or("kube")
    }
    /// Where `pool` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn pool_span(self) -> Span {
        self.span_of(1)
    }

    // field of `ceph_rbd.user`
    /// The Ceph user k8sc's StorageClass authenticates as.
    /// `user: string`.
    pub(crate) fn user(self) -> &'m str {
        self.field(2)
            .and_then(|value| read::string(self.model, value))
            .unwrap_or("admin")
    }
    /// Where `user` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn user_span(self) -> Span {
        self.span_of(2)
    }

    // field of `ceph_rbd.key`
    /// The Ceph user's key: `env("NAME")` or `file("path")`.
    /// `key: secret`.
    pub(crate) fn key(self) -> Option<&'m SecretSource> {
        self.field(3).and_then(|value| read::secret(self.model, value))
    }
    /// Where `key` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn key_span(self) -> Span {
        self.span_of(3)
    }

    // field of `ceph_rbd.capacity`
    /// The space the pool offers to volume claims.
    /// `capacity: quantity`. In bytes.
    pub(crate) fn capacity(self) -> Option<u64> {
        self.field(4).and_then(|value| read::quantity(self.model, value))
    }
    /// Where `capacity` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn capacity_span(self) -> Span {
        self.span_of(4)
    }

    // field of `ceph_rbd.default_class`
    /// Make it the cluster's default StorageClass.
    /// `default_class: bool`.
    pub(crate) fn default_class(self) -> bool {
        self.field(5)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(false)
    }
    /// Where `default_class` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn default_class_span(self) -> Span {
        self.span_of(5)
    }

    // field of `ceph_rbd.cluster`
    /// The cluster it belongs to, in a platform of several clusters; by default the only one.
    /// What it refers to, and what refers to it, belongs to the same cluster.
    /// `cluster: cluster?`.
    pub(crate) fn cluster(self) -> Option<ClusterId> {
        self.field(6).and_then(|value| ClusterId::read(self.model, value))
    }
    /// Where `cluster` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cluster_span(self) -> Span {
        self.span_of(6)
    }
}

impl Model {
    /// Every `ceph_rbd`, in source order.
    pub fn ceph_rbds(&self) -> impl DoubleEndedIterator<Item = CephRbd<'_>> + ExactSizeIterator + '_ {
        self.of_kind(CephRbdId::KIND).iter().map(|&id| CephRbd {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `ceph_rbd` `id` names; the id of another kind gives a view that reads nothing.
    pub fn ceph_rbd(&self, id: impl Into<EntityId>) -> CephRbd<'_> {
        let id = id.into();
        CephRbd {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == CephRbdId::KIND),
        }
    }

    /// `id` as a `ceph_rbd`'s, when it names one.
    pub fn ceph_rbd_id(&self, id: EntityId) -> Option<CephRbdId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == CephRbdId::KIND)
            .then_some(CephRbdId(id))
    }
}

/// The id of a `vip_group` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VipGroupId(EntityId);

impl VipGroupId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(6);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `vip_group`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<VipGroupId> {
        read::reference(model, value, VipGroupId::KIND).map(VipGroupId)
    }
}

impl From<VipGroupId> for EntityId {
    fn from(id: VipGroupId) -> EntityId {
        id.0
    }
}

/// A keepalived VRRP group holding one virtual IP.
#[derive(Clone, Copy)]
pub struct VipGroup<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> VipGroup<'m> {
    pub fn id(self) -> VipGroupId {
        VipGroupId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `vip_group.address`
    /// The virtual IP; it lies in the members' subnet and is no node's own address.
    /// `address: ipv4`.
    pub(crate) fn address(self) -> Option<Ipv4Addr> {
        self.field(0).and_then(|value| read::ipv4(self.model, value))
    }
    /// Where `address` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn address_span(self) -> Span {
        self.span_of(0)
    }

    // field of `vip_group.members`
    /// The members in order of preference: the first is the preferred MASTER.
    /// `members: list<node>`. Absent or rejected: empty.
    pub(crate) fn members(self) -> List<'m, NodeId> {
        self.field(1)
            .and_then(|value| read::list(self.model, value, NodeId::read))
            .unwrap_or_else(|| List::empty(self.model, NodeId::read))
    }
    /// Where `members` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn members_span(self) -> Span {
        self.span_of(1)
    }

    // field of `vip_group.priorities`
    /// VRRP priorities in member order; by default 200, 150, 100..
    /// (steps of 50, narrower for more than four members), so no two members' takeover timers coincide.
    /// `priorities: list<int>?`. Absent or rejected: empty.
    pub(crate) fn priorities(self) -> Option<List<'m, i64>> {
        self.field(2).and_then(|value| read::list(self.model, value, read::int))
    }
    /// Where `priorities` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn priorities_span(self) -> Span {
        self.span_of(2)
    }

    // field of `vip_group.interface`
    /// The interface the VIP lives on; by default each member's `interface`, else the cluster's.
    /// `interface: string?`.
    pub(crate) fn interface(self) -> Option<&'m str> {
        self.field(3).and_then(|value| read::string(self.model, value))
    }
    /// Where `interface` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn interface_span(self) -> Span {
        self.span_of(3)
    }

    // field of `vip_group.router_id`
    /// The VRRP virtual_router_id (1-255), unique per subnet; assigned when omitted.
    /// `router_id: int?`.
    pub(crate) fn router_id(self) -> Option<i64> {
        self.field(4).and_then(|value| read::int(self.model, value))
    }
    /// Where `router_id` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn router_id_span(self) -> Span {
        self.span_of(4)
    }

    // field of `vip_group.auth_pass`
    /// The VRRP password (at most 8 characters): `env("NAME")` or `file("path")`.
    /// `auth_pass: secret?`.
    pub(crate) fn auth_pass(self) -> Option<&'m SecretSource> {
        self.field(5).and_then(|value| read::secret(self.model, value))
    }
    /// Where `auth_pass` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn auth_pass_span(self) -> Span {
        self.span_of(5)
    }

    // field of `vip_group.track`
    /// What keepalived checks on each member.
    /// `track: vip_track`.
    pub(crate) fn track(self) -> VipTrack {
        self.field(6)
            .and_then(|value| VipTrack::read(self.model, value))
            .unwrap_or(VipTrack::None)
    }
    /// Where `track` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn track_span(self) -> Span {
        self.span_of(6)
    }

    // field of `vip_group.check_interval`
    /// How often keepalived runs the check of `track` (whole seconds, at least 1s); each run may take as long.
    /// `check_interval: duration`. In milliseconds.
    pub(crate) fn check_interval(self) -> u64 {
        self.field(7)
            .and_then(|value| read::duration(self.model, value))
            .unwrap_or(2000)
    }
    /// Where `check_interval` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn check_interval_span(self) -> Span {
        self.span_of(7)
    }

    // field of `vip_group.check_fall`
    /// Failed checks in a row before a member gives the VIP up: with `check_interval`, how long a dead service keeps the VIP.
    /// `check_fall: int`.
    pub(crate) fn check_fall(self) -> i64 {
        self.field(8)
            .and_then(|value| read::int(self.model, value))
            .unwrap_or(2)
    }
    /// Where `check_fall` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn check_fall_span(self) -> Span {
        self.span_of(8)
    }

    // field of `vip_group.check_rise`
    /// Passed checks in a row before a member counts as healthy again.
    /// `check_rise: int`.
    pub(crate) fn check_rise(self) -> i64 {
        self.field(9)
            .and_then(|value| read::int(self.model, value))
            .unwrap_or(2)
    }
    /// Where `check_rise` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn check_rise_span(self) -> Span {
        self.span_of(9)
    }

    // field of `vip_group.advert_interval`
    /// How often the MASTER sends VRRP advertisements.
    /// `advert_interval: duration`. In milliseconds.
    pub(crate) fn advert_interval(self) -> u64 {
        self.field(10)
            .and_then(|value| read::duration(self.model, value))
            .unwrap_or(1000)
    }
    /// Where `advert_interval` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn advert_interval_span(self) -> Span {
        self.span_of(10)
    }

    // field of `vip_group.preempt`
    /// Return the VIP to the preferred member when it recovers.
    /// By default it does, except for a DRBD pair's VIP: its data follows the VIP, so it stays where it is (every member starts BACKUP with nopreempt, and a failed check puts the holder in FAULT).
    /// `preempt: bool?`.
    pub(crate) fn preempt(self) -> Option<bool> {
        self.field(11).and_then(|value| read::boolean(self.model, value))
    }
    /// Where `preempt` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn preempt_span(self) -> Span {
        self.span_of(11)
    }

    // field of `vip_group.cluster`
    /// The cluster it belongs to, in a platform of several clusters; by default the only one.
    /// What it refers to, and what refers to it, belongs to the same cluster.
    /// `cluster: cluster?`.
    pub(crate) fn cluster(self) -> Option<ClusterId> {
        self.field(12).and_then(|value| ClusterId::read(self.model, value))
    }
    /// Where `cluster` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cluster_span(self) -> Span {
        self.span_of(12)
    }
}

impl Model {
    /// Every `vip_group`, in source order.
    pub fn vip_groups(&self) -> impl DoubleEndedIterator<Item = VipGroup<'_>> + ExactSizeIterator + '_ {
        self.of_kind(VipGroupId::KIND).iter().map(|&id| VipGroup {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `vip_group` `id` names; the id of another kind gives a view that reads nothing.
    pub fn vip_group(&self, id: impl Into<EntityId>) -> VipGroup<'_> {
        let id = id.into();
        VipGroup {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == VipGroupId::KIND),
        }
    }

    /// `id` as a `vip_group`'s, when it names one.
    pub fn vip_group_id(&self, id: EntityId) -> Option<VipGroupId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == VipGroupId::KIND)
            .then_some(VipGroupId(id))
    }
}

/// The id of a `load_balancer` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoadBalancerId(EntityId);

impl LoadBalancerId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(7);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `load_balancer`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<LoadBalancerId> {
        read::reference(model, value, LoadBalancerId::KIND).map(LoadBalancerId)
    }
}

impl From<LoadBalancerId> for EntityId {
    fn from(id: LoadBalancerId) -> EntityId {
        id.0
    }
}

/// haproxy or LVS on some nodes, balancing frontends to backends.
#[derive(Clone, Copy)]
pub struct LoadBalancer<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> LoadBalancer<'m> {
    pub fn id(self) -> LoadBalancerId {
        LoadBalancerId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `load_balancer.software`
    /// haproxy (layer 4/7 proxy) or LVS (kernel layer 4, direct routing).
    /// `software: lb_software`.
    pub(crate) fn software(self) -> LbSoftware {
        self.field(0)
            .and_then(|value| LbSoftware::read(self.model, value))
            .unwrap_or(LbSoftware::Haproxy)
    }
    /// Where `software` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn software_span(self) -> Span {
        self.span_of(0)
    }

    // field of `load_balancer.nodes`
    /// The nodes that run it.
    /// `nodes: list<node>`. Absent or rejected: empty.
    pub(crate) fn nodes(self) -> List<'m, NodeId> {
        self.field(1)
            .and_then(|value| read::list(self.model, value, NodeId::read))
            .unwrap_or_else(|| List::empty(self.model, NodeId::read))
    }
    /// Where `nodes` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn nodes_span(self) -> Span {
        self.span_of(1)
    }

    // field of `load_balancer.vip`
    /// The VIP clients use to reach it.
    /// `vip: vip_group?`.
    pub(crate) fn vip(self) -> Option<VipGroupId> {
        self.field(2).and_then(|value| VipGroupId::read(self.model, value))
    }
    /// Where `vip` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn vip_span(self) -> Span {
        self.span_of(2)
    }

    // field of `load_balancer.frontends`
    /// What it listens on and balances to.
    /// `frontends: list<frontend>`. Absent or rejected: empty.
    pub(crate) fn frontends(self) -> List<'m, Frontend<'m>> {
        self.field(3)
            .and_then(|value| read::list(self.model, value, Frontend::read))
            .unwrap_or_else(|| List::empty(self.model, Frontend::read))
    }
    /// Where `frontends` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn frontends_span(self) -> Span {
        self.span_of(3)
    }

    // field of `load_balancer.cluster`
    /// The cluster it belongs to, in a platform of several clusters; by default the only one.
    /// What it refers to, and what refers to it, belongs to the same cluster.
    /// `cluster: cluster?`.
    pub(crate) fn cluster(self) -> Option<ClusterId> {
        self.field(4).and_then(|value| ClusterId::read(self.model, value))
    }
    /// Where `cluster` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cluster_span(self) -> Span {
        self.span_of(4)
    }
}

impl Model {
    /// Every `load_balancer`, in source order.
    pub fn load_balancers(&self) -> impl DoubleEndedIterator<Item = LoadBalancer<'_>> + ExactSizeIterator + '_ {
        self.of_kind(LoadBalancerId::KIND).iter().map(|&id| LoadBalancer {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `load_balancer` `id` names; the id of another kind gives a view that reads nothing.
    pub fn load_balancer(&self, id: impl Into<EntityId>) -> LoadBalancer<'_> {
        let id = id.into();
        LoadBalancer {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == LoadBalancerId::KIND),
        }
    }

    /// `id` as a `load_balancer`'s, when it names one.
    pub fn load_balancer_id(&self, id: EntityId) -> Option<LoadBalancerId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == LoadBalancerId::KIND)
            .then_some(LoadBalancerId(id))
    }
}

/// The id of a `ingress_controller` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IngressControllerId(EntityId);

impl IngressControllerId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(8);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `ingress_controller`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<IngressControllerId> {
        read::reference(model, value, IngressControllerId::KIND).map(IngressControllerId)
    }
}

impl From<IngressControllerId> for EntityId {
    fn from(id: IngressControllerId) -> EntityId {
        id.0
    }
}

/// The ingress controller (Traefik or nginx) that routes external traffic to apps.
#[derive(Clone, Copy)]
pub struct IngressController<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> IngressController<'m> {
    pub fn id(self) -> IngressControllerId {
        IngressControllerId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `ingress_controller.class`
    /// Traefik or nginx; also the IngressClass name routes use.
    /// `class: ingress_class`.
    pub(crate) fn class(self) -> Option<IngressClass> {
        self.field(0).and_then(|value| IngressClass::read(self.model, value))
    }
    /// Where `class` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn class_span(self) -> Span {
        self.span_of(0)
    }

    // field of `ingress_controller.image`
    /// The controller's container image.
    /// `image: string`.
    pub(crate) fn image(self) -> Option<&'m str> {
        self.field(1).and_then(|value| read::string(self.model, value))
    }
    /// Where `image` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn image_span(self) -> Span {
        self.span_of(1)
    }

    // field of `ingress_controller.namespace`
    /// The namespace it runs in.
    /// `namespace: namespace`.
    pub(crate) fn namespace(self) -> Option<NamespaceId> {
        self.field(2).and_then(|value| NamespaceId::read(self.model, value))
    }
    /// Where `namespace` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn namespace_span(self) -> Span {
        self.span_of(2)
    }

    // field of `ingress_controller.nodes`
    /// The dedicated ingress nodes.
    /// `nodes: list<node>`. Absent or rejected: empty.
    pub(crate) fn nodes(self) -> List<'m, NodeId> {
        self.field(3)
            .and_then(|value| read::list(self.model, value, NodeId::read))
            .unwrap_or_else(|| List::empty(self.model, NodeId::read))
    }
    /// Where `nodes` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn nodes_span(self) -> Span {
        self.span_of(3)
    }

    // field of `ingress_controller.replicas`
    /// How many controller pods; at most one per ingress node with required anti-affinity.
    /// `replicas: int`.
    pub(crate) fn replicas(self) -> i64 {
        self.field(4)
            .and_then(|value| read::int(self.model, value))
            .unwrap_or(2)
    }
    /// Where `replicas` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn replicas_span(self) -> Span {
        self.span_of(4)
    }

    // field of `ingress_controller.vip`
    /// The VIP the ingress nodes hold.
    /// `vip: vip_group?`.
    pub(crate) fn vip(self) -> Option<VipGroupId> {
        self.field(5).and_then(|value| VipGroupId::read(self.model, value))
    }
    /// Where `vip` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn vip_span(self) -> Span {
        self.span_of(5)
    }

    // field of `ingress_controller.expose`
    /// How the controller listens on 80/443.
    /// `expose: ingress_expose`.
    pub(crate) fn expose(self) -> IngressExpose {
        self.field(6)
            .and_then(|value| IngressExpose::read(self.model, value))
            .unwrap_or(IngressExpose::HostNetwork)
    }
    /// Where `expose` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn expose_span(self) -> Span {
        self.span_of(6)
    }

    // field of `ingress_controller.anti_affinity`
    /// How strictly the controller's pods are kept on distinct nodes.
    /// `anti_affinity: anti_affinity`.
    pub(crate) fn anti_affinity(self) -> AntiAffinity {
        self.field(7)
            .and_then(|value| AntiAffinity::read(self.model, value))
            .unwrap_or(AntiAffinity::Required)
    }
    /// Where `anti_affinity` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn anti_affinity_span(self) -> Span {
        self.span_of(7)
    }

    // field of `ingress_controller.http_port`
    /// The HTTP port on the ingress nodes.
    /// `http_port: port`.
    pub(crate) fn http_port(self) -> u16 {
        self.field(8)
            .and_then(|value| read::port(self.model, value))
            .unwrap_or(80)
    }
    /// Where `http_port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn http_port_span(self) -> Span {
        self.span_of(8)
    }

    // field of `ingress_controller.https_port`
    /// The HTTPS port on the ingress nodes.
    /// `https_port: port`.
    pub(crate) fn https_port(self) -> u16 {
        self.field(9)
            .and_then(|value| read::port(self.model, value))
            .unwrap_or(443)
    }
    /// Where `https_port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn https_port_span(self) -> Span {
        self.span_of(9)
    }

    // field of `ingress_controller.requests`
    /// The resources each controller pod requests.
    /// What is left out is the limit's amount, else 100m of cpu and 128Mi of memory.
    /// `requests: resources?`.
    pub(crate) fn requests(self) -> Option<Resources<'m>> {
        self.field(10).and_then(|value| Resources::read(self.model, value))
    }
    /// Where `requests` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn requests_span(self) -> Span {
        self.span_of(10)
    }

    // field of `ingress_controller.limits`
    /// The resources each controller pod may use at most.
    /// What is left out is the request's amount.
    /// `limits: resources?`.
    pub(crate) fn limits(self) -> Option<Resources<'m>> {
        self.field(11).and_then(|value| Resources::read(self.model, value))
    }
    /// Where `limits` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn limits_span(self) -> Span {
        self.span_of(11)
    }
}

impl Model {
    /// Every `ingress_controller`, in source order.
    pub fn ingress_controllers(
        &self,
    ) -> impl DoubleEndedIterator<Item = IngressController<'_>> + ExactSizeIterator + '_ {
        self.of_kind(IngressControllerId::KIND)
            .iter()
            .map(|&id| IngressController {
                model: self,
                id,
                of_kind: true,
            })
    }

    /// The `ingress_controller` `id` names; the id of another kind gives a view that reads nothing.
    pub fn ingress_controller(&self, id: impl Into<EntityId>) -> IngressController<'_> {
        let id = id.into();
        IngressController {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == IngressControllerId::KIND),
        }
    }

    /// `id` as a `ingress_controller`'s, when it names one.
    pub fn ingress_controller_id(&self, id: EntityId) -> Option<IngressControllerId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == IngressControllerId::KIND)
            .then_some(IngressControllerId(id))
    }
}

/// The id of a `namespace` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamespaceId(EntityId);

impl NamespaceId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(9);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `namespace`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<NamespaceId> {
        read::reference(model, value, NamespaceId::KIND).map(NamespaceId)
    }
}

impl From<NamespaceId> for EntityId {
    fn from(id: NamespaceId) -> EntityId {
        id.0
    }
}

/// A namespace serving one class of applications.
#[derive(Clone, Copy)]
pub struct Namespace<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> Namespace<'m> {
    pub fn id(self) -> NamespaceId {
        NamespaceId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `namespace.class`
    /// The one class of applications this namespace holds.
    /// `class: app_class`.
    pub(crate) fn class(self) -> Option<AppClass> {
        self.field(0).and_then(|value| AppClass::read(self.model, value))
    }
    /// Where `class` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn class_span(self) -> Span {
        self.span_of(0)
    }

    // field of `namespace.stage`
    /// The stage of its apps: decides which profile's rules they are judged by.
    /// Without it, the cluster's `profile` does; a `release` or `production` stage makes the platform's own rules (hosts, etcd, control plane, ingress) production's.
    /// `stage: stage?`.
    pub(crate) fn stage(self) -> Option<Stage> {
        self.field(1).and_then(|value| Stage::read(self.model, value))
    }
    /// Where `stage` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn stage_span(self) -> Span {
        self.span_of(1)
    }

    // field of `namespace.budget`
    /// What the namespace's pods may request in all: a ResourceQuota on `requests.cpu` and `requests.memory`.
    /// Every pod k8sc writes requests both, so the apiserver admits its pods while the budget has room, rolling updates' extra pods included.
    /// `budget: resources?`.
    pub(crate) fn budget(self) -> Option<Resources<'m>> {
        self.field(2).and_then(|value| Resources::read(self.model, value))
    }
    /// Where `budget` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn budget_span(self) -> Span {
        self.span_of(2)
    }

    // field of `namespace.description`
    /// What the namespace is for (an annotation on the Namespace).
    /// `description: string?`.
    pub(crate) fn description(self) -> Option<&'m str> {
        self.field(3).and_then(|value| read::string(self.model, value))
    }
    /// Where `description` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn description_span(self) -> Span {
        self.span_of(3)
    }

    // field of `namespace.labels`
    /// Labels on the Namespace object.
    /// `labels: map<string>`. Absent or rejected: empty.
    pub(crate) fn labels(self) -> Map<'m, &'m str> {
        self.field(4)
            .and_then(|value| read::map(self.model, value, read::string))
            .unwrap_or_else(|| Map::empty(self.model, read::string))
    }
    /// Where `labels` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn labels_span(self) -> Span {
        self.span_of(4)
    }

    // field of `namespace.cluster`
    /// The cluster it belongs to, in a platform of several clusters; by default the only one.
    /// What it refers to, and what refers to it, belongs to the same cluster.
    /// `cluster: cluster?`.
    pub(crate) fn cluster(self) -> Option<ClusterId> {
        self.field(5).and_then(|value| ClusterId::read(self.model, value))
    }
    /// Where `cluster` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cluster_span(self) -> Span {
        self.span_of(5)
    }
}

impl Model {
    /// Every `namespace`, in source order.
    pub fn namespaces(&self) -> impl DoubleEndedIterator<Item = Namespace<'_>> + ExactSizeIterator + '_ {
        self.of_kind(NamespaceId::KIND).iter().map(|&id| Namespace {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `namespace` `id` names; the id of another kind gives a view that reads nothing.
    pub fn namespace(&self, id: impl Into<EntityId>) -> Namespace<'_> {
        let id = id.into();
        Namespace {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == NamespaceId::KIND),
        }
    }

    /// `id` as a `namespace`'s, when it names one.
    pub fn namespace_id(&self, id: EntityId) -> Option<NamespaceId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == NamespaceId::KIND)
            .then_some(NamespaceId(id))
    }
}

/// The id of a `app` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(EntityId);

impl AppId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(10);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `app`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<AppId> {
        read::reference(model, value, AppId::KIND).map(AppId)
    }
}

impl From<AppId> for EntityId {
    fn from(id: AppId) -> EntityId {
        id.0
    }
}

/// An application: a Deployment, StatefulSet or DaemonSet with its Service.
#[derive(Clone, Copy)]
pub struct App<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> App<'m> {
    pub fn id(self) -> AppId {
        AppId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `app.namespace`
    /// The namespace the app runs in.
    /// `namespace: namespace`.
    pub(crate) fn namespace(self) -> Option<NamespaceId> {
        self.field(0).and_then(|value| NamespaceId::read(self.model, value))
    }
    /// Where `namespace` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn namespace_span(self) -> Span {
        self.span_of(0)
    }

    // field of `app.class`
    /// The class of application; by default the namespace's.
    /// `class: app_class?`.
    pub(crate) fn class(self) -> Option<AppClass> {
        self.field(1).and_then(|value| AppClass::read(self.model, value))
    }
    /// Where `class` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn class_span(self) -> Span {
        self.span_of(1)
    }

    // field of `app.workload`
    /// How the app runs: Deployment, StatefulSet or DaemonSet.
    /// `workload: workload`.
    pub(crate) fn workload(self) -> Workload {
        self.field(2)
            .and_then(|value| Workload::read(self.model, value))
            .unwrap_or(Workload::Stateless)
    }
    /// Where `workload` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn workload_span(self) -> Span {
        self.span_of(2)
    }

    // field of `app.image`
    /// The container image, with its tag.
    /// `image: string`.
    pub(crate) fn image(self) -> Option<&'m str> {
        self.field(3).and_then(|value| read::string(self.model, value))
    }
    /// Where `image` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn image_span(self) -> Span {
        self.span_of(3)
    }

    // field of `app.replicas`
    /// How many pods (ignored for a daemon, which runs one per node).
    /// `replicas: int`.
    pub(crate) fn replicas(self) -> i64 {
        self.field(4)
            .and_then(|value| read::int(self.model, value))
            .unwrap_or(2)
    }
    /// Where `replicas` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn replicas_span(self) -> Span {
        self.span_of(4)
    }

    // field of `app.ports`
    /// The ports the app listens on; each gets a Service port.
    /// `ports: list<port_spec>`. Absent or rejected: empty.
    pub(crate) fn ports(self) -> List<'m, PortSpec<'m>> {
        self.field(5)
            .and_then(|value| read::list(self.model, value, PortSpec::read))
            .unwrap_or_else(|| List::empty(self.model, PortSpec::read))
    }
    /// Where `ports` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn ports_span(self) -> Span {
        self.span_of(5)
    }

    // field of `app.requests`
    /// The resources each pod requests (the scheduler reserves them, and the capacity rules count them).
    /// What is left out is the limit's amount, else 100m of cpu and 128Mi of memory.
    /// `requests: resources?`.
    pub(crate) fn requests(self) -> Option<Resources<'m>> {
        self.field(6).and_then(|value| Resources::read(self.model, value))
    }
    /// Where `requests` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn requests_span(self) -> Span {
        self.span_of(6)
    }

    // field of `app.limits`
    /// The resources each pod may use at most.
    /// What is left out is the request's amount.
    /// `limits: resources?`.
    pub(crate) fn limits(self) -> Option<Resources<'m>> {
        self.field(7).and_then(|value| Resources::read(self.model, value))
    }
    /// Where `limits` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn limits_span(self) -> Span {
        self.span_of(7)
    }

    // field of `app.env`
    /// Environment variables of the app's container, in plain text.
    /// A secret goes in `secret_env`, and a namespace's shared settings in a `config` named by `env_from`.
    /// `env: map<string>`. Absent or rejected: empty.
    pub(crate) fn env(self) -> Map<'m, &'m str> {
        self.field(8)
            .and_then(|value| read::map(self.model, value, read::string))
            .unwrap_or_else(|| Map::empty(self.model, read::string))
    }
    /// Where `env` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn env_span(self) -> Span {
        self.span_of(8)
    }

    // field of `app.secret_env`
    /// Environment variables whose values are secrets, each `env("NAME")` or `file("path")`, read at build time: they go into a Secret of the app's own (`NAME-env`, in a file of mode 0600), which the container references; no other manifest holds them.
    /// `secret_env: map<secret>`. Absent or rejected: empty.
    pub(crate) fn secret_env(self) -> Map<'m, &'m SecretSource> {
        self.field(9)
            .and_then(|value| read::map(self.model, value, read::secret))
            .unwrap_or_else(|| Map::empty(self.model, read::secret))
    }
    /// Where `secret_env` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn secret_env_span(self) -> Span {
        self.span_of(9)
    }

    // field of `app.env_from`
    /// Configs of the app's namespace whose every entry becomes an environment variable of its container, by reference to their ConfigMap and Secret (never a copy).
    /// `env_from: list<config>`. Absent or rejected: empty.
    pub(crate) fn env_from(self) -> List<'m, ConfigId> {
        self.field(10)
            .and_then(|value| read::list(self.model, value, ConfigId::read))
            .unwrap_or_else(|| List::empty(self.model, ConfigId::read))
    }
    /// Where `env_from` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn env_from_span(self) -> Span {
        self.span_of(10)
    }

    // field of `app.command`
    /// Arguments that replace the image's command.
    /// `command: list<string>?`. Absent or rejected: empty.
    pub(crate) fn command(self) -> Option<List<'m, &'m str>> {
        self.field(11)
            .and_then(|value| read::list(self.model, value, read::string))
    }
    /// Where `command` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn command_span(self) -> Span {
        self.span_of(11)
    }

    // field of `app.volumes`
    /// Volumes claimed on declared storage.
    /// `volumes: list<volume_claim>`. Absent or rejected: empty.
    pub(crate) fn volumes(self) -> List<'m, VolumeClaim<'m>> {
        self.field(12)
            .and_then(|value| read::list(self.model, value, VolumeClaim::read))
            .unwrap_or_else(|| List::empty(self.model, VolumeClaim::read))
    }
    /// Where `volumes` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn volumes_span(self) -> Span {
        self.span_of(12)
    }

    // field of `app.autoscaling`
    /// Horizontal pod autoscaling bounds; needs a cpu request.
    /// `autoscaling: autoscaling?`.
    pub(crate) fn autoscaling(self) -> Option<Autoscaling<'m>> {
        self.field(13).and_then(|value| Autoscaling::read(self.model, value))
    }
    /// Where `autoscaling` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn autoscaling_span(self) -> Span {
        self.span_of(13)
    }

    // field of `app.depends_on`
    /// Apps that must be running before this one starts: each with ports becomes an init container that waits until the dependency's Service answers on its first port.
    /// A dependency without ports has no Service to wait for and only orders the graph.
    /// `depends_on: list<app>`. Absent or rejected: empty.
    pub(crate) fn depends_on(self) -> List<'m, AppId> {
        self.field(14)
            .and_then(|value| read::list(self.model, value, AppId::read))
            .unwrap_or_else(|| List::empty(self.model, AppId::read))
    }
    /// Where `depends_on` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn depends_on_span(self) -> Span {
        self.span_of(14)
    }

    // field of `app.placement`
    /// Where the app's pods may run and how they are spread.
    /// `placement: placement`.
    pub(crate) fn placement(self) -> Placement<'m> {
        self.field(15)
            .and_then(|value| Placement::read(self.model, value))
            .unwrap_or(Placement::empty(self.model))
    }
    /// Where `placement` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn placement_span(self) -> Span {
        self.span_of(15)
    }

    // field of `app.allow_from`
    /// When set, a NetworkPolicy admits traffic only from these namespaces and apps.
    /// `allow_from: list<namespace | app>?`. Absent or rejected: empty.
    pub(crate) fn allow_from(self) -> Option<List<'m, NamespaceOrApp>> {
        self.field(16)
            .and_then(|value| read::list(self.model, value, NamespaceOrApp::read))
    }
    /// Where `allow_from` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn allow_from_span(self) -> Span {
        self.span_of(16)
    }

    // field of `app.readiness`
    /// When the app is ready for traffic: until it passes, its Service sends it none.
    /// In production an app with ports needs one.
    /// `readiness: probe?`.
    pub(crate) fn readiness(self) -> Option<Probe<'m>> {
        self.field(17).and_then(|value| Probe::read(self.model, value))
    }
    /// Where `readiness` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn readiness_span(self) -> Span {
        self.span_of(17)
    }

    // field of `app.liveness`
    /// When the app is broken beyond repair: the kubelet restarts a container that fails it.
    /// `liveness: probe?`.
    pub(crate) fn liveness(self) -> Option<Probe<'m>> {
        self.field(18).and_then(|value| Probe::read(self.model, value))
    }
    /// Where `liveness` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn liveness_span(self) -> Span {
        self.span_of(18)
    }

    // field of `app.startup`
    /// When a slow-starting app has started: the other probes wait until it passes.
    /// `startup: probe?`.
    pub(crate) fn startup(self) -> Option<Probe<'m>> {
        self.field(19).and_then(|value| Probe::read(self.model, value))
    }
    /// Where `startup` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn startup_span(self) -> Span {
        self.span_of(19)
    }

    // field of `app.run_as_user`
    /// The user id the app's containers run as (the pod's runAsUser); its static NFS volumes are owned by it.
    /// Unset: 65534 (`nobody`, the user an export squashes root to), or the image's own user when `relax.run_as_root` is given.
    /// 0 needs `relax.run_as_root`.
    /// `run_as_user: int?`.
    pub(crate) fn run_as_user(self) -> Option<i64> {
        self.field(20).and_then(|value| read::int(self.model, value))
    }
    /// Where `run_as_user` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn run_as_user_span(self) -> Span {
        self.span_of(20)
    }

    // field of `app.fs_group`
    /// The group id added to the app's processes (the pod's fsGroup); its static NFS volumes belong to it, group-writable.
    /// `fs_group: int?`.
    pub(crate) fn fs_group(self) -> Option<i64> {
        self.field(21).and_then(|value| read::int(self.model, value))
    }
    /// Where `fs_group` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn fs_group_span(self) -> Span {
        self.span_of(21)
    }

    // field of `app.scratch`
    /// Paths the app writes inside its container: each is an emptyDir (emptied when the pod goes), and the rest of its root filesystem is read-only.
    /// `scratch: list<string>`. Absent or rejected: empty.
    pub(crate) fn scratch(self) -> List<'m, &'m str> {
        self.field(22)
            .and_then(|value| read::list(self.model, value, read::string))
            .unwrap_or_else(|| List::empty(self.model, read::string))
    }
    /// Where `scratch` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn scratch_span(self) -> Span {
        self.span_of(22)
    }

    // field of `app.relax`
    /// Parts of the app's confinement relaxed, each with its reason.
    /// By default its containers run as a user that is not root (`run_as_user`, else 65534), gain no privileges, drop every capability (a port below 1024 keeps NET_BIND_SERVICE), run under the runtime's default seccomp profile with a read-only root filesystem, and mount no service account token.
    /// `relax: confinement`.
    pub(crate) fn relax(self) -> Confinement<'m> {
        self.field(23)
            .and_then(|value| Confinement::read(self.model, value))
            .unwrap_or(Confinement::empty(self.model))
    }
    /// Where `relax` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn relax_span(self) -> Span {
        self.span_of(23)
    }

    // field of `app.egress_to`
    /// Addresses outside the cluster the app connects to.
    /// Its NetworkPolicy lets it reach these, the apps it depends on and the cluster's DNS, and nothing else.
    /// `egress_to: list<cidr>`. Absent or rejected: empty.
    pub(crate) fn egress_to(self) -> List<'m, Ipv4Net> {
        self.field(24)
            .and_then(|value| read::list(self.model, value, read::cidr))
            .unwrap_or_else(|| List::empty(self.model, read::cidr))
    }
    /// Where `egress_to` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn egress_to_span(self) -> Span {
        self.span_of(24)
    }
}

impl Model {
    /// Every `app`, in source order.
    pub fn apps(&self) -> impl DoubleEndedIterator<Item = App<'_>> + ExactSizeIterator + '_ {
        self.of_kind(AppId::KIND).iter().map(|&id| App {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `app` `id` names; the id of another kind gives a view that reads nothing.
    pub fn app(&self, id: impl Into<EntityId>) -> App<'_> {
        let id = id.into();
        App {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == AppId::KIND),
        }
    }

    /// `id` as a `app`'s, when it names one.
    pub fn app_id(&self, id: EntityId) -> Option<AppId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == AppId::KIND)
            .then_some(AppId(id))
    }
}

/// The id of a `config` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigId(EntityId);

impl ConfigId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(11);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `config`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<ConfigId> {
        read::reference(model, value, ConfigId::KIND).map(ConfigId)
    }
}

impl From<ConfigId> for EntityId {
    fn from(id: ConfigId) -> EntityId {
        id.0
    }
}

/// Settings of the apps of one namespace, such as each stage's own database and configuration (article 004): `data` becomes a ConfigMap and `secrets` a Secret, both of the config's name; an app takes every entry as an environment variable with `env_from`.
/// Secret values are read at build time, like every secret, and written only into the Secret, in a file of mode 0600.
#[derive(Clone, Copy)]
pub struct Config<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> Config<'m> {
    pub fn id(self) -> ConfigId {
        ConfigId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `config.namespace`
    /// The namespace of the apps that use it.
    /// `namespace: namespace`.
    pub(crate) fn namespace(self) -> Option<NamespaceId> {
        self.field(0).and_then(|value| NamespaceId::read(self.model, value))
    }
    /// Where `namespace` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn namespace_span(self) -> Span {
        self.span_of(0)
    }

    // field of `config.data`
    /// Plain settings: the ConfigMap's entries.
    /// `data: map<string>`. Absent or rejected: empty.
    pub(crate) fn data(self) -> Map<'m, &'m str> {
        self.field(1)
            .and_then(|value| read::map(self.model, value, read::string))
            .unwrap_or_else(|| Map::empty(self.model, read::string))
    }
    /// Where `data` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn data_span(self) -> Span {
        self.span_of(1)
    }

    // field of `config.secrets`
    /// Settings that are secrets, each `env("NAME")` or `file("path")`: the Secret's entries.
    /// `secrets: map<secret>`. Absent or rejected: empty.
    pub(crate) fn secrets(self) -> Map<'m, &'m SecretSource> {
        self.field(2)
            .and_then(|value| read::map(self.model, value, read::secret))
            .unwrap_or_else(|| Map::empty(self.model, read::secret))
    }
    /// Where `secrets` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn secrets_span(self) -> Span {
        self.span_of(2)
    }
}

impl Model {
    /// Every `config`, in source order.
    pub fn configs(&self) -> impl DoubleEndedIterator<Item = Config<'_>> + ExactSizeIterator + '_ {
        self.of_kind(ConfigId::KIND).iter().map(|&id| Config {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `config` `id` names; the id of another kind gives a view that reads nothing.
    pub fn config(&self, id: impl Into<EntityId>) -> Config<'_> {
        let id = id.into();
        Config {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == ConfigId::KIND),
        }
    }

    /// `id` as a `config`'s, when it names one.
    pub fn config_id(&self, id: EntityId) -> Option<ConfigId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == ConfigId::KIND)
            .then_some(ConfigId(id))
    }
}

/// The id of a `registry` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistryId(EntityId);

impl RegistryId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(12);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `registry`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<RegistryId> {
        read::reference(model, value, RegistryId::KIND).map(RegistryId)
    }
}

impl From<RegistryId> for EntityId {
    fn from(id: RegistryId) -> EntityId {
        id.0
    }
}

/// A container registry (Harbor) in a data centre.
#[derive(Clone, Copy)]
pub struct Registry<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> Registry<'m> {
    pub fn id(self) -> RegistryId {
        RegistryId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `registry.type`
    /// The registry's implementation.
    /// `type: registry_type`.
    pub(crate) fn r#type(self) -> RegistryType {
        self.field(0)
            .and_then(|value| RegistryType::read(self.model, value))
            .unwrap_or(RegistryType::Harbor)
    }
    /// Where `type` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn type_span(self) -> Span {
        self.span_of(0)
    }

    // field of `registry.url`
    /// The registry's base URL, such as "https://harbor.dc1.example.com".
    /// `url: string`.
    pub(crate) fn url(self) -> Option<&'m str> {
        self.field(1).and_then(|value| read::string(self.model, value))
    }
    /// Where `url` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn url_span(self) -> Span {
        self.span_of(1)
    }

    // field of `registry.datacenter`
    /// The data centre it serves.
    /// `datacenter: string`.
    pub(crate) fn datacenter(self) -> Option<&'m str> {
        self.field(2).and_then(|value| read::string(self.model, value))
    }
    /// Where `datacenter` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn datacenter_span(self) -> Span {
        self.span_of(2)
    }

    // field of `registry.level`
    /// Primary (the source of every image) or sub (a replica near its clusters).
    /// `level: registry_level`.
    pub(crate) fn level(self) -> RegistryLevel {
        self.field(3)
            .and_then(|value| RegistryLevel::read(self.model, value))
            .unwrap_or(RegistryLevel::Sub)
    }
    /// Where `level` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn level_span(self) -> Span {
        self.span_of(3)
    }

    // field of `registry.insecure`
    /// The registry's certificate is not verified: by Harbor when it replicates, and by the nodes' containerd when they pull (plain HTTP for an `http://` URL).
    /// `insecure: bool`.
    pub(crate) fn insecure(self) -> bool {
        self.field(4)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(false)
    }
    /// Where `insecure` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn insecure_span(self) -> Span {
        self.span_of(4)
    }

    // field of `registry.credential`
    /// The credentials Harbor uses to reach this registry.
    /// `credential: credential?`.
    pub(crate) fn credential(self) -> Option<Credential<'m>> {
        self.field(5).and_then(|value| Credential::read(self.model, value))
    }
    /// Where `credential` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn credential_span(self) -> Span {
        self.span_of(5)
    }
}

impl Model {
    /// Every `registry`, in source order.
    pub fn registries(&self) -> impl DoubleEndedIterator<Item = Registry<'_>> + ExactSizeIterator + '_ {
        self.of_kind(RegistryId::KIND).iter().map(|&id| Registry {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `registry` `id` names; the id of another kind gives a view that reads nothing.
    pub fn registry(&self, id: impl Into<EntityId>) -> Registry<'_> {
        let id = id.into();
        Registry {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == RegistryId::KIND),
        }
    }

    /// `id` as a `registry`'s, when it names one.
    pub fn registry_id(&self, id: EntityId) -> Option<RegistryId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == RegistryId::KIND)
            .then_some(RegistryId(id))
    }
}

/// The id of a `replication` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplicationId(EntityId);

impl ReplicationId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(13);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `replication`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<ReplicationId> {
        read::reference(model, value, ReplicationId::KIND).map(ReplicationId)
    }
}

impl From<ReplicationId> for EntityId {
    fn from(id: ReplicationId) -> EntityId {
        id.0
    }
}

/// A Harbor replication rule copying images between two registries.
#[derive(Clone, Copy)]
pub struct Replication<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> Replication<'m> {
    pub fn id(self) -> ReplicationId {
        ReplicationId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `replication.source`
    /// The registry images are copied from.
    /// `source: registry`.
    pub(crate) fn source(self) -> Option<RegistryId> {
        self.field(0).and_then(|value| RegistryId::read(self.model, value))
    }
    /// Where `source` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn source_span(self) -> Span {
        self.span_of(0)
    }

    // field of `replication.target`
    /// The registry images are copied to.
    /// `target: registry`.
    pub(crate) fn target(self) -> Option<RegistryId> {
        self.field(1).and_then(|value| RegistryId::read(self.model, value))
    }
    /// Where `target` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn target_span(self) -> Span {
        self.span_of(1)
    }

    // field of `replication.mode`
    /// `push` runs on the source, `pull` on the target.
    /// `mode: replication_mode`.
    pub(crate) fn mode(self) -> ReplicationMode {
        self.field(2)
            .and_then(|value| ReplicationMode::read(self.model, value))
            .unwrap_or(ReplicationMode::Push)
    }
    /// Where `mode` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn mode_span(self) -> Span {
        self.span_of(2)
    }

    // field of `replication.filters`
    /// Which repositories, tags and artifacts are copied; all when empty.
    /// `filters: list<replication_filter>`. Absent or rejected: empty.
    pub(crate) fn filters(self) -> List<'m, ReplicationFilter<'m>> {
        self.field(3)
            .and_then(|value| read::list(self.model, value, ReplicationFilter::read))
            .unwrap_or_else(|| List::empty(self.model, ReplicationFilter::read))
    }
    /// Where `filters` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn filters_span(self) -> Span {
        self.span_of(3)
    }

    // field of `replication.trigger`
    /// When the replication runs.
    /// `trigger: replication_trigger`.
    pub(crate) fn trigger(self) -> ReplicationTrigger {
        self.field(4)
            .and_then(|value| ReplicationTrigger::read(self.model, value))
            .unwrap_or(ReplicationTrigger::EventBased)
    }
    /// Where `trigger` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn trigger_span(self) -> Span {
        self.span_of(4)
    }

    // field of `replication.cron`
    /// A six-field cron whose first field (seconds) is 0, for a scheduled trigger.
    /// `cron: string?`.
    pub(crate) fn cron(self) -> Option<&'m str> {
        self.field(5).and_then(|value| read::string(self.model, value))
    }
    /// Where `cron` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cron_span(self) -> Span {
        self.span_of(5)
    }

    // field of `replication.deletion`
    /// Replicate deletions too.
    /// `deletion: bool`.
    pub(crate) fn deletion(self) -> bool {
        self.field(6)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(false)
    }
    /// Where `deletion` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn deletion_span(self) -> Span {
        self.span_of(6)
    }

    // field of `replication.override`
    /// Overwrite artifacts that already exist at the destination.
    /// `override: bool`.
    pub(crate) fn r#override(self) -> bool {
        self.field(7)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(true)
    }
    /// Where `override` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn override_span(self) -> Span {
        self.span_of(7)
    }

    // field of `replication.enabled`
    /// Whether the rule is active.
    /// `enabled: bool`.
    pub(crate) fn enabled(self) -> bool {
        self.field(8)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(true)
    }
    /// Where `enabled` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn enabled_span(self) -> Span {
        self.span_of(8)
    }
}

impl Model {
    /// Every `replication`, in source order.
    pub fn replications(&self) -> impl DoubleEndedIterator<Item = Replication<'_>> + ExactSizeIterator + '_ {
        self.of_kind(ReplicationId::KIND).iter().map(|&id| Replication {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `replication` `id` names; the id of another kind gives a view that reads nothing.
    pub fn replication(&self, id: impl Into<EntityId>) -> Replication<'_> {
        let id = id.into();
        Replication {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == ReplicationId::KIND),
        }
    }

    /// `id` as a `replication`'s, when it names one.
    pub fn replication_id(&self, id: EntityId) -> Option<ReplicationId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == ReplicationId::KIND)
            .then_some(ReplicationId(id))
    }
}

/// The id of a `route` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteId(EntityId);

impl RouteId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(14);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `route`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<RouteId> {
        read::reference(model, value, RouteId::KIND).map(RouteId)
    }
}

impl From<RouteId> for EntityId {
    fn from(id: RouteId) -> EntityId {
        id.0
    }
}

/// A host name and path routed to an app's port through the ingress controller.
#[derive(Clone, Copy)]
pub struct Route<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> Route<'m> {
    pub fn id(self) -> RouteId {
        RouteId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `route.host`
    /// The host name users type, such as "shop.example.com".
    /// `host: string`.
    pub(crate) fn host(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `host` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn host_span(self) -> Span {
        self.span_of(0)
    }

    // field of `route.path`
    /// The path prefix routed to the app.
    /// `path: string`.
    pub(crate) fn path(self) -> &'m str {
        self.field(1)
            .and_then(|value| read::string(self.model, value))
            .unwrap_or("/")
    }
    /// Where `path` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn path_span(self) -> Span {
        self.span_of(1)
    }

    // field of `route.app`
    /// The app that serves the route.
    /// `app: app`.
    pub(crate) fn app(self) -> Option<AppId> {
        self.field(2).and_then(|value| AppId::read(self.model, value))
    }
    /// Where `app` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn app_span(self) -> Span {
        self.span_of(2)
    }

    // field of `route.port`
    /// The app's port (one of its `ports`).
    /// `port: port`.
    pub(crate) fn port(self) -> Option<u16> {
        self.field(3).and_then(|value| read::port(self.model, value))
    }
    /// Where `port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn port_span(self) -> Span {
        self.span_of(3)
    }

    // field of `route.tls`
    /// Serve the route over HTTPS.
    /// `tls: bool`.
    pub(crate) fn tls(self) -> bool {
        self.field(4)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(false)
    }
    /// Where `tls` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn tls_span(self) -> Span {
        self.span_of(4)
    }

    // field of `route.tls_secret`
    /// The Secret holding the certificate, when `tls` is on.
    /// `tls_secret: string?`.
    pub(crate) fn tls_secret(self) -> Option<&'m str> {
        self.field(5).and_then(|value| read::string(self.model, value))
    }
    /// Where `tls_secret` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn tls_secret_span(self) -> Span {
        self.span_of(5)
    }

    // field of `route.ingress`
    /// The ingress controller that serves it; by default the only one.
    /// `ingress: ingress_controller?`.
    pub(crate) fn ingress(self) -> Option<IngressControllerId> {
        self.field(6)
            .and_then(|value| IngressControllerId::read(self.model, value))
    }
    /// Where `ingress` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn ingress_span(self) -> Span {
        self.span_of(6)
    }
}

impl Model {
    /// Every `route`, in source order.
    pub fn routes(&self) -> impl DoubleEndedIterator<Item = Route<'_>> + ExactSizeIterator + '_ {
        self.of_kind(RouteId::KIND).iter().map(|&id| Route {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `route` `id` names; the id of another kind gives a view that reads nothing.
    pub fn route(&self, id: impl Into<EntityId>) -> Route<'_> {
        let id = id.into();
        Route {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == RouteId::KIND),
        }
    }

    /// `id` as a `route`'s, when it names one.
    pub fn route_id(&self, id: EntityId) -> Option<RouteId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == RouteId::KIND)
            .then_some(RouteId(id))
    }
}

/// The id of a `public_address` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicAddressId(EntityId);

impl PublicAddressId {
    /// The kind, as the standard library numbers it.
    pub const KIND: KindId = KindId(15);

    pub fn entity(self) -> EntityId {
        self.0
    }

    /// A reference to a `public_address`, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<PublicAddressId> {
        read::reference(model, value, PublicAddressId::KIND).map(PublicAddressId)
    }
}

impl From<PublicAddressId> for EntityId {
    fn from(id: PublicAddressId) -> EntityId {
        id.0
    }
}

/// A public address forwarded to a VIP.
#[derive(Clone, Copy)]
pub struct PublicAddress<'m> {
    model: &'m Model,
    id: EntityId,
    of_kind: bool,
}

impl<'m> PublicAddress<'m> {
    pub fn id(self) -> PublicAddressId {
        PublicAddressId(self.id)
    }

    pub fn entity(self) -> &'m Entity {
        self.model.entity(self.id)
    }

    pub fn name(self) -> &'m str {
        &self.model.entity(self.id).name
    }

    pub fn name_span(self) -> Span {
        self.model.entity(self.id).name_span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        if self.of_kind {
            self.model.read_at(self.id, position)
        } else {
            None
        }
    }

    fn span_of(self, position: usize) -> Span {
        if self.of_kind {
            self.model.span_at(self.id, position)
        } else {
            self.name_span()
        }
    }

    // field of `public_address.address`
    /// The public IPv4 address.
    /// Informational: the edge router or NAT in front of the platform holds it, and k8sc configures neither.
    /// `address: ipv4`.
    #[expect(
        dead_code,
        reason = "informational: the edge router or NAT in front of the platform holds it, and k8sc configures neither"
    )]
    pub(crate) fn address(self) -> Option<Ipv4Addr> {
        self.field(0).and_then(|value| read::ipv4(self.model, value))
    }
    /// Where `address` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn address_span(self) -> Span {
        self.span_of(0)
    }

    // field of `public_address.vip`
    /// The VIP the public address is forwarded (or mapped) to.
    /// `vip: vip_group`.
    pub(crate) fn vip(self) -> Option<VipGroupId> {
        self.field(1).and_then(|value| VipGroupId::read(self.model, value))
    }
    /// Where `vip` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn vip_span(self) -> Span {
        self.span_of(1)
    }

    // field of `public_address.ports`
    /// The ports forwarded to the VIP.
    /// Informational: the forwarding is the edge router's or NAT's configuration, which k8sc does not write.
    /// `ports: list<port>`. Absent or rejected: empty.
    #[expect(
        dead_code,
        reason = "informational: the forwarding is the edge router's or NAT's configuration, which k8sc does not write"
    )]
    pub(crate) fn ports(self) -> List<'m, u16> {
        self.field(2)
            .and_then(|value| read::list(self.model, value, read::port))
            .unwrap_or_else(|| List::empty(self.model, read::port))
    }
    /// Where `ports` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn ports_span(self) -> Span {
        self.span_of(2)
    }

    // field of `public_address.dns`
    /// DNS names that resolve to it.
    /// Informational: the records live in an external DNS zone, which k8sc does not write.
    /// `dns: list<string>`. Absent or rejected: empty.
    #[expect(
        dead_code,
        reason = "informational: the records live in an external DNS zone, which k8sc does not write"
    )]
    pub(crate) fn dns(self) -> List<'m, &'m str> {
        self.field(3)
            .and_then(|value| read::list(self.model, value, read::string))
            .unwrap_or_else(|| List::empty(self.model, read::string))
    }
    /// Where `dns` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn dns_span(self) -> Span {
        self.span_of(3)
    }
}

impl Model {
    /// Every `public_address`, in source order.
    pub fn public_addresses(&self) -> impl DoubleEndedIterator<Item = PublicAddress<'_>> + ExactSizeIterator + '_ {
        self.of_kind(PublicAddressId::KIND).iter().map(|&id| PublicAddress {
            model: self,
            id,
            of_kind: true,
        })
    }

    /// The `public_address` `id` names; the id of another kind gives a view that reads nothing.
    pub fn public_address(&self, id: impl Into<EntityId>) -> PublicAddress<'_> {
        let id = id.into();
        PublicAddress {
            model: self,
            id,
            of_kind: self
                .entities
                .get(id.0 as usize)
                .is_some_and(|entity| entity.kind == PublicAddressId::KIND),
        }
    }

    /// `id` as a `public_address`'s, when it names one.
    pub fn public_address_id(&self, id: EntityId) -> Option<PublicAddressId> {
        self.entities
            .get(id.0 as usize)
            .is_some_and(|entity| entity.kind == PublicAddressId::KIND)
            .then_some(PublicAddressId(id))
    }
}

/// A reference to a `node` or a `drbd_pair`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeOrDrbdPair {
    Node(NodeId),
    DrbdPair(DrbdPairId),
}

impl NodeOrDrbdPair {
    pub fn entity(self) -> EntityId {
        match self {
            NodeOrDrbdPair::Node(id) => id.entity(),
            NodeOrDrbdPair::DrbdPair(id) => id.entity(),
        }
    }

    /// A reference to one of the kinds, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<NodeOrDrbdPair> {
        None.or_else(|| NodeId::read(model, value).map(NodeOrDrbdPair::Node))
            .or_else(|| DrbdPairId::read(model, value).map(NodeOrDrbdPair::DrbdPair))
    }
}

impl From<NodeOrDrbdPair> for EntityId {
    fn from(id: NodeOrDrbdPair) -> EntityId {
        id.entity()
    }
}

/// A reference to a `namespace` or a `app`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NamespaceOrApp {
    Namespace(NamespaceId),
    App(AppId),
}

impl NamespaceOrApp {
    pub fn entity(self) -> EntityId {
        match self {
            NamespaceOrApp::Namespace(id) => id.entity(),
            NamespaceOrApp::App(id) => id.entity(),
        }
    }

    /// A reference to one of the kinds, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<NamespaceOrApp> {
        None.or_else(|| NamespaceId::read(model, value).map(NamespaceOrApp::Namespace))
            .or_else(|| AppId::read(model, value).map(NamespaceOrApp::App))
    }
}

impl From<NamespaceOrApp> for EntityId {
    fn from(id: NamespaceOrApp) -> EntityId {
        id.entity()
    }
}

/// A reference to a `nfs_export` or a `ceph_rbd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NfsExportOrCephRbd {
    NfsExport(NfsExportId),
    CephRbd(CephRbdId),
}

impl NfsExportOrCephRbd {
    pub fn entity(self) -> EntityId {
        match self {
            NfsExportOrCephRbd::NfsExport(id) => id.entity(),
            NfsExportOrCephRbd::CephRbd(id) => id.entity(),
        }
    }

    /// A reference to one of the kinds, its target's kind checked.
    pub fn read(model: &Model, value: &Spanned) -> Option<NfsExportOrCephRbd> {
        None.or_else(|| NfsExportId::read(model, value).map(NfsExportOrCephRbd::NfsExport))
            .or_else(|| CephRbdId::read(model, value).map(NfsExportOrCephRbd::CephRbd))
    }
}

impl From<NfsExportOrCephRbd> for EntityId {
    fn from(id: NfsExportOrCephRbd) -> EntityId {
        id.entity()
    }
}

/// CPU and memory, as a request, a limit or a reservation.
#[derive(Clone, Copy)]
pub struct Resources<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> Resources<'m> {
    /// A `resources` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<Resources<'m>> {
        matches!(value.value, Value::Record(_)).then_some(Resources { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> Resources<'m> {
        Resources {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `resources.cpu`
    /// Cores: `2`, `0.5` or millicores such as `500m`.
    /// `cpu: cpu?`. In millicores.
    pub(crate) fn cpu(self) -> Option<u64> {
        self.field(0).and_then(|value| read::cpu(self.model, value))
    }
    /// Where `cpu` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cpu_span(self) -> Span {
        self.span_of(0)
    }

    // field of `resources.memory`
    /// Bytes with a unit: `512Mi`, `8Gi`.
    /// `memory: quantity?`. In bytes.
    pub(crate) fn memory(self) -> Option<u64> {
        self.field(1).and_then(|value| read::quantity(self.model, value))
    }
    /// Where `memory` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn memory_span(self) -> Span {
        self.span_of(1)
    }
}

/// A port an app listens on.
#[derive(Clone, Copy)]
pub struct PortSpec<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> PortSpec<'m> {
    /// A `port_spec` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<PortSpec<'m>> {
        matches!(value.value, Value::Record(_)).then_some(PortSpec { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> PortSpec<'m> {
        PortSpec {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `port_spec.name`
    /// The port's name (used by Services and routes), a DNS label such as `http`.
    /// `name: string`.
    pub(crate) fn name(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `name` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn name_span(self) -> Span {
        self.span_of(0)
    }

    // field of `port_spec.port`
    /// The port number.
    /// `port: port`.
    pub(crate) fn port(self) -> Option<u16> {
        self.field(1).and_then(|value| read::port(self.model, value))
    }
    /// Where `port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn port_span(self) -> Span {
        self.span_of(1)
    }

    // field of `port_spec.protocol`
    /// TCP or UDP.
    /// `protocol: protocol`.
    pub(crate) fn protocol(self) -> Protocol {
        self.field(2)
            .and_then(|value| Protocol::read(self.model, value))
            .unwrap_or(Protocol::Tcp)
    }
    /// Where `protocol` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn protocol_span(self) -> Span {
        self.span_of(2)
    }
}

/// A volume claimed on declared storage and mounted into the app's pods.
#[derive(Clone, Copy)]
pub struct VolumeClaim<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> VolumeClaim<'m> {
    /// A `volume_claim` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<VolumeClaim<'m>> {
        matches!(value.value, Value::Record(_)).then_some(VolumeClaim { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> VolumeClaim<'m> {
        VolumeClaim {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `volume_claim.name`
    /// The claim's name, a DNS label.
    /// `name: string`.
    pub(crate) fn name(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `name` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn name_span(self) -> Span {
        self.span_of(0)
    }

    // field of `volume_claim.storage`
    /// The NFS export or Ceph RBD pool the volume lives on.
    /// `storage: nfs_export | ceph_rbd`.
    pub(crate) fn storage(self) -> Option<NfsExportOrCephRbd> {
        self.field(1)
            .and_then(|value| NfsExportOrCephRbd::read(self.model, value))
    }
    /// Where `storage` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn storage_span(self) -> Span {
        self.span_of(1)
    }

    // field of `volume_claim.size`
    /// The space the claim requests.
    /// `size: quantity`. In bytes.
    pub(crate) fn size(self) -> Option<u64> {
        self.field(2).and_then(|value| read::quantity(self.model, value))
    }
    /// Where `size` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn size_span(self) -> Span {
        self.span_of(2)
    }

    // field of `volume_claim.mount`
    /// The path inside the container.
    /// `mount: string`.
    pub(crate) fn mount(self) -> Option<&'m str> {
        self.field(3).and_then(|value| read::string(self.model, value))
    }
    /// Where `mount` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn mount_span(self) -> Span {
        self.span_of(3)
    }

    // field of `volume_claim.read_only`
    /// Mount the volume read-only.
    /// `read_only: bool`.
    pub(crate) fn read_only(self) -> bool {
        self.field(4)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(false)
    }
    /// Where `read_only` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn read_only_span(self) -> Span {
        self.span_of(4)
    }
}

/// Horizontal pod autoscaling bounds; needs a cpu request.
#[derive(Clone, Copy)]
pub struct Autoscaling<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> Autoscaling<'m> {
    /// A `autoscaling` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<Autoscaling<'m>> {
        matches!(value.value, Value::Record(_)).then_some(Autoscaling { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> Autoscaling<'m> {
        Autoscaling {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `autoscaling.min`
    /// The fewest replicas, at least 1.
    /// `min: int`.
    pub(crate) fn min(self) -> Option<i64> {
        self.field(0).and_then(|value| read::int(self.model, value))
    }
    /// Where `min` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn min_span(self) -> Span {
        self.span_of(0)
    }

    // field of `autoscaling.max`
    /// The most replicas, at least `min`.
    /// `max: int`.
    pub(crate) fn max(self) -> Option<i64> {
        self.field(1).and_then(|value| read::int(self.model, value))
    }
    /// Where `max` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn max_span(self) -> Span {
        self.span_of(1)
    }

    // field of `autoscaling.cpu_percent`
    /// The average CPU utilisation (percent of the request) to scale at.
    /// `cpu_percent: int`.
    pub(crate) fn cpu_percent(self) -> i64 {
        self.field(2)
            .and_then(|value| read::int(self.model, value))
            .unwrap_or(80)
    }
    /// Where `cpu_percent` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn cpu_percent_span(self) -> Span {
        self.span_of(2)
    }
}

/// A check the kubelet runs against an app's container: an HTTP GET of `path` on `port`, a TCP connect to `port`, or a command (`exec`).
/// Exactly one of the three.
#[derive(Clone, Copy)]
pub struct Probe<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> Probe<'m> {
    /// A `probe` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<Probe<'m>> {
        matches!(value.value, Value::Record(_)).then_some(Probe { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> Probe<'m> {
        Probe {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `probe.path`
    /// The HTTP path to GET on `port`; an answer from 200 to 399 passes.
    /// `path: string?`.
    pub(crate) fn path(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `path` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn path_span(self) -> Span {
        self.span_of(0)
    }

    // field of `probe.port`
    /// The port to probe: the HTTP GET's, or the TCP connect's (one of the app's ports).
    /// `port: port?`.
    pub(crate) fn port(self) -> Option<u16> {
        self.field(1).and_then(|value| read::port(self.model, value))
    }
    /// Where `port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn port_span(self) -> Span {
        self.span_of(1)
    }

    // field of `probe.exec`
    /// A command run in the container; exit status 0 passes.
    /// `exec: list<string>?`. Absent or rejected: empty.
    pub(crate) fn exec(self) -> Option<List<'m, &'m str>> {
        self.field(2)
            .and_then(|value| read::list(self.model, value, read::string))
    }
    /// Where `exec` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn exec_span(self) -> Span {
        self.span_of(2)
    }

    // field of `probe.initial_delay`
    /// How long after the container starts the first probe runs (whole seconds).
    /// `initial_delay: duration`. In milliseconds.
    pub(crate) fn initial_delay(self) -> u64 {
        self.field(3)
            .and_then(|value| read::duration(self.model, value))
            .unwrap_or(0)
    }
    /// Where `initial_delay` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn initial_delay_span(self) -> Span {
        self.span_of(3)
    }

    // field of `probe.period`
    /// How often the probe runs (whole seconds, at least 1s).
    /// `period: duration`. In milliseconds.
    pub(crate) fn period(self) -> u64 {
        self.field(4)
            .and_then(|value| read::duration(self.model, value))
            .unwrap_or(10000)
    }
    /// Where `period` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn period_span(self) -> Span {
        self.span_of(4)
    }

    // field of `probe.timeout`
    /// How long one probe may take (whole seconds, at least 1s).
    /// `timeout: duration`. In milliseconds.
    pub(crate) fn timeout(self) -> u64 {
        self.field(5)
            .and_then(|value| read::duration(self.model, value))
            .unwrap_or(1000)
    }
    /// Where `timeout` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn timeout_span(self) -> Span {
        self.span_of(5)
    }

    // field of `probe.failure_threshold`
    /// Failures in a row that count as failed.
    /// `failure_threshold: int`.
    pub(crate) fn failure_threshold(self) -> i64 {
        self.field(6)
            .and_then(|value| read::int(self.model, value))
            .unwrap_or(3)
    }
    /// Where `failure_threshold` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn failure_threshold_span(self) -> Span {
        self.span_of(6)
    }
}

/// The confinement an app's containers run under, each part on unless relaxed here.
/// A field's value is the reason the app needs it relaxed (a sentence a reviewer can check).
#[derive(Clone, Copy)]
pub struct Confinement<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> Confinement<'m> {
    /// A `confinement` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<Confinement<'m>> {
        matches!(value.value, Value::Record(_)).then_some(Confinement { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> Confinement<'m> {
        Confinement {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `confinement.run_as_root`
    /// Why the app must run as root: runAsNonRoot is left off, and its namespace's Pod Security level drops from `restricted` to `baseline`.
    /// `run_as_root: string?`.
    pub(crate) fn run_as_root(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `run_as_root` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn run_as_root_span(self) -> Span {
        self.span_of(0)
    }

    // field of `confinement.privilege_escalation`
    /// Why a process of the app must gain privileges (a setuid binary, file capabilities): allowPrivilegeEscalation is left on, and its namespace drops to `baseline`.
    /// `privilege_escalation: string?`.
    pub(crate) fn privilege_escalation(self) -> Option<&'m str> {
        self.field(1).and_then(|value| read::string(self.model, value))
    }
    /// Where `privilege_escalation` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn privilege_escalation_span(self) -> Span {
        self.span_of(1)
    }

    // field of `confinement.writable_root`
    /// Why the app writes outside its `scratch` paths: its root filesystem stays writable.
    /// `writable_root: string?`.
    pub(crate) fn writable_root(self) -> Option<&'m str> {
        self.field(2).and_then(|value| read::string(self.model, value))
    }
    /// Where `writable_root` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn writable_root_span(self) -> Span {
        self.span_of(2)
    }

    // field of `confinement.api_access`
    /// Why the app reads the Kubernetes API: its service account token is mounted.
    /// `api_access: string?`.
    pub(crate) fn api_access(self) -> Option<&'m str> {
        self.field(3).and_then(|value| read::string(self.model, value))
    }
    /// Where `api_access` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn api_access_span(self) -> Span {
        self.span_of(3)
    }
}

/// Where an app's pods may run.
#[derive(Clone, Copy)]
pub struct Placement<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> Placement<'m> {
    /// A `placement` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<Placement<'m>> {
        matches!(value.value, Value::Record(_)).then_some(Placement { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> Placement<'m> {
        Placement {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `placement.pool`
    /// A dedicated node pool: only nodes with this `pool` run the app, and the app tolerates their taint.
    /// `pool: string?`.
    pub(crate) fn pool(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `pool` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn pool_span(self) -> Span {
        self.span_of(0)
    }

    // field of `placement.gpu`
    /// Needs GPU nodes (nodes whose `gpu` is true).
    /// `gpu: bool`.
    pub(crate) fn gpu(self) -> bool {
        self.field(1)
            .and_then(|value| read::boolean(self.model, value))
            .unwrap_or(false)
    }
    /// Where `gpu` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn gpu_span(self) -> Span {
        self.span_of(1)
    }

    // field of `placement.anti_affinity`
    /// How replicas are spread over nodes.
    /// `anti_affinity: anti_affinity`.
    pub(crate) fn anti_affinity(self) -> AntiAffinity {
        self.field(2)
            .and_then(|value| AntiAffinity::read(self.model, value))
            .unwrap_or(AntiAffinity::Required)
    }
    /// Where `anti_affinity` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn anti_affinity_span(self) -> Span {
        self.span_of(2)
    }

    // field of `placement.spread`
    /// The failure domain replicas are spread over evenly (a topology spread of skew 1): physical hosts, or the hosts' racks or zones, so that losing a whole rack or zone loses only its share.
    /// The survival rules count by it.
    /// `spread: spread_domain`.
    pub(crate) fn spread(self) -> SpreadDomain {
        self.field(3)
            .and_then(|value| SpreadDomain::read(self.model, value))
            .unwrap_or(SpreadDomain::Host)
    }
    /// Where `spread` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn spread_span(self) -> Span {
        self.span_of(3)
    }
}

/// One haproxy or LVS frontend and the backends it balances to.
#[derive(Clone, Copy)]
pub struct Frontend<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> Frontend<'m> {
    /// A `frontend` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<Frontend<'m>> {
        matches!(value.value, Value::Record(_)).then_some(Frontend { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> Frontend<'m> {
        Frontend {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `frontend.name`
    /// The frontend's name, such as `kube-apiserver`.
    /// `name: string`.
    pub(crate) fn name(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `name` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn name_span(self) -> Span {
        self.span_of(0)
    }

    // field of `frontend.port`
    /// The port the frontend listens on (16443 for an apiserver beside its own 6443).
    /// `port: port`.
    pub(crate) fn port(self) -> Option<u16> {
        self.field(1).and_then(|value| read::port(self.model, value))
    }
    /// Where `port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn port_span(self) -> Span {
        self.span_of(1)
    }

    // field of `frontend.backends`
    /// The nodes it balances to.
    /// `backends: list<node>`. Absent or rejected: empty.
    pub(crate) fn backends(self) -> List<'m, NodeId> {
        self.field(2)
            .and_then(|value| read::list(self.model, value, NodeId::read))
            .unwrap_or_else(|| List::empty(self.model, NodeId::read))
    }
    /// Where `backends` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn backends_span(self) -> Span {
        self.span_of(2)
    }

    // field of `frontend.backend_port`
    /// The port on each backend.
    /// `backend_port: port`.
    pub(crate) fn backend_port(self) -> Option<u16> {
        self.field(3).and_then(|value| read::port(self.model, value))
    }
    /// Where `backend_port` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn backend_port_span(self) -> Span {
        self.span_of(3)
    }

    // field of `frontend.mode`
    /// TCP passthrough or HTTP.
    /// `mode: lb_mode`.
    pub(crate) fn mode(self) -> LbMode {
        self.field(4)
            .and_then(|value| LbMode::read(self.model, value))
            .unwrap_or(LbMode::Tcp)
    }
    /// Where `mode` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn mode_span(self) -> Span {
        self.span_of(4)
    }
}

/// Credentials k8sc hands to Harbor for a remote registry.
#[derive(Clone, Copy)]
pub struct Credential<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> Credential<'m> {
    /// A `credential` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<Credential<'m>> {
        matches!(value.value, Value::Record(_)).then_some(Credential { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> Credential<'m> {
        Credential {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `credential.access_key`
    /// The user name or access key.
    /// `access_key: string`.
    pub(crate) fn access_key(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `access_key` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn access_key_span(self) -> Span {
        self.span_of(0)
    }

    // field of `credential.access_secret`
    /// Never a literal: `env("NAME")` or `file("path")`.
    /// `access_secret: secret`.
    pub(crate) fn access_secret(self) -> Option<&'m SecretSource> {
        self.field(1).and_then(|value| read::secret(self.model, value))
    }
    /// Where `access_secret` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn access_secret_span(self) -> Span {
        self.span_of(1)
    }
}

/// What a replication copies.
#[derive(Clone, Copy)]
pub struct ReplicationFilter<'m> {
    model: &'m Model,
    value: &'m Spanned,
}

impl<'m> ReplicationFilter<'m> {
    /// A `replication_filter` record value.
    pub fn read(model: &'m Model, value: &'m Spanned) -> Option<ReplicationFilter<'m>> {
        matches!(value.value, Value::Record(_)).then_some(ReplicationFilter { model, value })
    }

    /// Where the record is written (or the default's place in the standard library).
    /// The record with no field written: every field reads its default.
    pub fn empty(model: &'m Model) -> ReplicationFilter<'m> {
        ReplicationFilter {
            model,
            value: &read::EMPTY_RECORD,
        }
    }

    pub fn span(self) -> Span {
        self.value.span
    }

    fn field(self, position: usize) -> Option<&'m Spanned> {
        read::record_field(self.value, position)
    }

    fn span_of(self, position: usize) -> Span {
        self.field(position).map_or(self.value.span, |value| value.span)
    }

    // field of `replication_filter.name`
    /// Repository name pattern, such as `library/**`.
    /// `name: string?`.
    pub(crate) fn name(self) -> Option<&'m str> {
        self.field(0).and_then(|value| read::string(self.model, value))
    }
    /// Where `name` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn name_span(self) -> Span {
        self.span_of(0)
    }

    // field of `replication_filter.tag`
    /// Tag pattern, such as `v*`.
    /// `tag: string?`.
    pub(crate) fn tag(self) -> Option<&'m str> {
        self.field(1).and_then(|value| read::string(self.model, value))
    }
    /// Where `tag` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn tag_span(self) -> Span {
        self.span_of(1)
    }

    // field of `replication_filter.resource`
    /// Images only, or every artifact.
    /// `resource: artifact_kind`.
    pub(crate) fn resource(self) -> ArtifactKind {
        self.field(2)
            .and_then(|value| ArtifactKind::read(self.model, value))
            .unwrap_or(ArtifactKind::Image)
    }
    /// Where `resource` is written; else the declaration's or record's own span.
    #[allow(dead_code, reason = "pointing at a field is not reading it")]
    pub(crate) fn resource_span(self) -> Span {
        self.span_of(2)
    }
}
