//! The traffic the platform needs, worked out once for the NetworkPolicies and the rules:
//! which routes and which dependent apps must reach each app. Everything else is denied.

use std::collections::BTreeMap;

use crate::semantic::views::{IngressControllerId, Route};
use crate::semantic::{EntityId, Model};

/// Who must reach each app (by its entity), in source order.
#[derive(Debug, Default)]
pub struct Inbound {
    /// The routes that point at the app: their ingress controllers must reach it.
    pub routes: BTreeMap<EntityId, Vec<EntityId>>,
    /// The apps that depend on it: they must reach its ports.
    pub dependents: BTreeMap<EntityId, Vec<EntityId>>,
}

impl Inbound {
    /// One pass over the routes and the apps' `depends_on`.
    pub fn of(model: &Model) -> Inbound {
        let mut inbound = Inbound::default();
        for route in model.routes() {
            if let Some(app) = route.app() {
                inbound
                    .routes
                    .entry(app.entity())
                    .or_default()
                    .push(route.id().entity());
            }
        }
        for app in model.apps() {
            for dependency in app.depends_on().iter() {
                // A dependency listed twice is E0122's finding; the policy's peers are deduplicated.
                inbound
                    .dependents
                    .entry(dependency.entity())
                    .or_default()
                    .push(app.id().entity());
            }
        }
        inbound
    }

    pub fn routes_of(&self, app: EntityId) -> &[EntityId] {
        self.routes.get(&app).map_or(&[], Vec::as_slice)
    }

    pub fn dependents_of(&self, app: EntityId) -> &[EntityId] {
        self.dependents.get(&app).map_or(&[], Vec::as_slice)
    }
}

/// The ingress controller that serves a route: the one it names, else the only (first) one.
pub fn controller_of(model: &Model, route: Route<'_>) -> Option<IngressControllerId> {
    route
        .ingress()
        .or_else(|| model.ingress_controllers().next().map(|controller| controller.id()))
}
