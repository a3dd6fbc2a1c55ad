//! Settings: a `config`'s ConfigMap (`config/<namespace>.yaml`) and Secret, and an app's
//! `secret_env` Secret (`secrets/<namespace>.yaml`, mode 0600, the only files that hold
//! their values); the container's references to them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;

use super::super::{Input, MODE_FILE, MODE_SECRET};
use super::{AppObjects, Documents, NAME_LABEL, Writer, labels, meta};
use crate::platform::names::{env_secret_name, k8s_name};

/// Every config's ConfigMap (when it has data) and Secret (when it has secrets), and
/// every app's `secret_env` Secret, in their namespaces' files.
pub(super) fn configs(input: &Input<'_>, writer: &mut Writer) {
    let model = input.model;
    for config in model.configs() {
        let Some(namespace) = config.namespace() else { continue };
        let namespace = k8s_name(model.name(namespace));
        let name = k8s_name(config.name());
        let object_labels = labels(&[(NAME_LABEL, &name)]);
        if !config.data().is_empty() {
            let mut documents = Documents::default();
            documents.push(&core::ConfigMap {
                metadata: meta(&name, Some(&namespace), object_labels.clone()),
                data: Some(
                    (config.data().iter())
                        .map(|(key, value)| (key.to_string(), value.to_string()))
                        .collect(),
                ),
                ..Default::default()
            });
            writer.write(&format!("config/{namespace}.yaml"), documents, MODE_FILE);
        }
        if !config.secrets().is_empty() {
            let values = (config.secrets().iter())
                .map(|(key, source)| (key.to_string(), input.secret(source)))
                .collect();
            write_secret(writer, &name, &namespace, object_labels, values);
        }
    }
    for app in model.apps().filter(|app| !app.secret_env().is_empty()) {
        let Some(namespace) = app.namespace() else { continue };
        let namespace = k8s_name(model.name(namespace));
        let name = k8s_name(app.name());
        let values = (app.secret_env().iter())
            .map(|(key, source)| (key.to_string(), input.secret(source)))
            .collect();
        write_secret(
            writer,
            &env_secret_name(&name),
            &namespace,
            labels(&[(NAME_LABEL, &name)]),
            values,
        );
    }
}

fn write_secret(
    writer: &mut Writer,
    name: &str,
    namespace: &str,
    object_labels: BTreeMap<String, String>,
    values: BTreeMap<String, String>,
) {
    let mut documents = Documents::default();
    documents.push(&core::Secret {
        metadata: meta(name, Some(namespace), object_labels),
        string_data: Some(values),
        type_: Some("Opaque".into()),
        ..Default::default()
    });
    writer.write(&format!("secrets/{namespace}.yaml"), documents, MODE_SECRET);
}

/// The container's `secret_env` variables, each a reference to its key of the app's Secret.
pub(super) fn secret_env(app: &AppObjects<'_>) -> Vec<core::EnvVar> {
    (app.view.secret_env().iter())
        .map(|(key, _)| core::EnvVar {
            name: key.to_string(),
            value_from: Some(core::EnvVarSource {
                secret_key_ref: Some(core::SecretKeySelector {
                    name: env_secret_name(&app.name),
                    key: key.to_string(),
                    optional: None,
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect()
}

/// The container's `env_from`: each config's ConfigMap and Secret, those it has.
pub(super) fn env_from(app: &AppObjects<'_>) -> Vec<core::EnvFromSource> {
    let model = app.model;
    let mut sources = Vec::new();
    for config in app.view.env_from().iter().map(|config| model.config(config)) {
        let name = k8s_name(config.name());
        if !config.data().is_empty() {
            sources.push(core::EnvFromSource {
                config_map_ref: Some(core::ConfigMapEnvSource {
                    name: name.clone(),
                    optional: None,
                }),
                ..Default::default()
            });
        }
        if !config.secrets().is_empty() {
            sources.push(core::EnvFromSource {
                secret_ref: Some(core::SecretEnvSource { name, optional: None }),
                ..Default::default()
            });
        }
    }
    sources
}
