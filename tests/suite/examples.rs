//! Every example checks clean and is in canonical form.

use k8sc::source::FileId;

#[test]
fn every_example_checks_clean() {
    let examples = crate::k8s_files("examples");
    assert!(examples.len() >= 5, "expected the five reference examples");
    for path in &examples {
        let text = std::fs::read_to_string(path).expect("readable example");
        let compilation = k8sc::compile(&path.display().to_string(), &text);
        let rendered = k8sc::report::render_human(
            &compilation.diagnostics,
            &compilation.sources,
            k8sc::report::HumanStyle::default(),
        );
        assert!(compilation.diagnostics.is_empty(), "{}:\n{rendered}", path.display());
    }
}

#[test]
fn every_example_and_stdlib_file_is_in_canonical_form() {
    let in_folders = crate::example_folders().into_iter().flat_map(|folder| {
        let mut files: Vec<std::path::PathBuf> = (std::fs::read_dir(folder).expect("a folder").flatten())
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "k8s"))
            .collect();
        files.sort();
        files
    });
    for path in crate::k8s_files("examples")
        .into_iter()
        .chain(in_folders)
        .chain(crate::k8s_files("stdlib"))
    {
        let text = std::fs::read_to_string(&path).expect("readable example");
        let formatted = k8sc::format::format(FileId(0), &text).expect("examples parse");
        assert_eq!(formatted, text, "{} is not formatted", path.display());
    }
}

/// Formatting is idempotent and keeps meaning: a file formatted from a squashed layout
/// gives the same model as the original.
#[test]
fn formatting_a_squashed_example_restores_a_file_with_the_same_meaning() {
    for path in crate::k8s_files("examples") {
        let text = std::fs::read_to_string(&path).expect("readable example");
        // Squash: every line's indentation removed, blank lines dropped.
        let squashed: String = text
            .lines()
            .map(str::trim_start)
            .filter(|line| !line.is_empty())
            .map(|line| format!("{line}\n"))
            .collect();
        let formatted = k8sc::format::format(FileId(0), &squashed).expect("squashed example parses");
        let again = k8sc::format::format(FileId(0), &formatted).expect("formatted example parses");
        assert_eq!(formatted, again, "{}: formatting is not idempotent", path.display());
        let original = k8sc::compile("a", &text);
        let reformatted = k8sc::compile("a", &formatted);
        assert_eq!(original.model.entities.len(), reformatted.model.entities.len());
        for (idx, (a, b)) in original
            .model
            .entities
            .iter()
            .zip(&reformatted.model.entities)
            .enumerate()
        {
            assert_eq!((&a.name, a.kind), (&b.name, b.kind));
            let values = |model: &k8sc::semantic::Model| -> Vec<String> {
                model
                    .fields(k8sc::semantic::EntityId(u32::try_from(idx).expect("an id")))
                    .map(|(name, value, origin)| format!("{name} {origin:?} {}", strip_spans(&value.value)))
                    .collect()
            };
            assert_eq!(
                values(&original.model),
                values(&reformatted.model),
                "{}: {} changed meaning",
                path.display(),
                a.name
            );
        }
    }
}

/// A value's debug form without spans, to compare meaning across layouts.
fn strip_spans(value: &k8sc::semantic::Value) -> String {
    use k8sc::semantic::Value;
    match value {
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|item| strip_spans(&item.value))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Record(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|field| field.as_ref().map_or("-".into(), |f| strip_spans(&f.value.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(key, item)| format!("{key}={}", strip_spans(&item.value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => format!("{other:?}"),
    }
}

/// `check` and `build` compile without keeping the syntax tree (each declaration's tree is
/// dropped once checked): the model and every finding must be those of the full compile,
/// on the examples, on every case (errors, duplicates, suppressions) and on a workload
/// large enough to be checked on two threads.
#[test]
fn compiling_without_the_syntax_tree_gives_the_same_model_and_findings() {
    let mut files: Vec<(String, String)> = crate::k8s_files("examples")
        .into_iter()
        .chain(crate::k8s_files("tests/cases"))
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).expect("readable"),
            )
        })
        .collect();
    files.push(("w.k8s".into(), crate::gen_workload::workload(1000)));
    for (name, text) in &files {
        let full = k8sc::compile_resolving(name, text, |_| None);
        let (folder, file) = name.rsplit_once('/').unwrap_or(("", name));
        let lean = k8sc::compile_model_only(
            vec![(file.to_string(), text.clone())],
            folder,
            &k8sc::load::Memory::default(),
            |_| None,
        );
        assert_eq!(
            format!("{:?}", full.diagnostics),
            format!("{:?}", lean.diagnostics),
            "{name}"
        );
        assert_eq!(format!("{:?}", full.model), format!("{:?}", lean.model), "{name}");
        assert!(lean.module.items.is_empty());
    }
}

/// Example 004 as a folder (`examples/004-stages/`: files, a constant, components, pools,
/// stages, one app in three namespaces) builds the tree of `004-three-masters.k8s`, but
/// for what it changes on purpose: the ESB of `prod` is an instance, `esb_prod`; the dev
/// stage runs its ESB on one replica (so it has no anti-affinity, spread or disruption
/// budget); each stage has its own database settings (a ConfigMap and a Secret the ESB
/// takes its environment from); and the files cite the folder.
#[test]
fn the_stages_folder_builds_the_three_masters_tree_but_for_its_stages() {
    let folder = crate::root().join("examples/004-stages");
    let disk = k8sc::load::Disk::new(folder.canonicalize().expect("the folder"));
    let roots = k8sc::load::roots(&k8sc::load::Root::Folder, &disk).expect("readable");
    let secrets = crate::build::secrets();
    let resolved = std::cell::RefCell::new(secrets.clone());
    let compilation = k8sc::compile_platform(roots, "examples/004-stages", &disk, |source| match source {
        // `../pki/...`: the examples' own bootstrap secrets.
        k8sc::semantic::SecretSource::File(path) => {
            let value = std::fs::read_to_string(folder.join(path)).ok()?;
            let value = value.trim_end().to_string();
            resolved.borrow_mut().insert(source.clone(), value.clone());
            Some(value)
        }
        other => secrets.get(other).map(str::to_string),
    });
    let resolved = resolved.into_inner();
    assert!(compilation.diagnostics.is_empty(), "{:?}", compilation.diagnostics);
    let templates = k8sc::emit::Templates::default();
    let stages = k8sc::build("004-stages", &compilation, &resolved, &templates).expect("builds");
    let text = std::fs::read_to_string(crate::root().join("examples/004-three-masters.k8s")).expect("readable");
    let single = k8sc::compile_with("004-three-masters.k8s", &text, &secrets);
    let single = k8sc::build("004-three-masters.k8s", &single, &secrets, &templates).expect("builds");
    let settings: Vec<String> = ["config", "secrets"]
        .iter()
        .flat_map(|folder| ["dev", "prod", "test"].map(|stage| format!("kubernetes/{folder}/{stage}.yaml")))
        .collect();
    let mut expected: Vec<&String> = single.files.keys().chain(&settings).collect();
    expected.sort();
    assert_eq!(
        stages.files.keys().collect::<Vec<_>>(),
        expected,
        "the same files, and each stage's settings"
    );
    // The passwords are in the stages' Secrets (0600), and in no other file.
    for (stage, password) in [("prod", "esb-prod-db"), ("test", "esb-test-db"), ("dev", "esb-dev-db")] {
        let holding: Vec<&str> = (stages.files.iter())
            .filter(|(_, file)| file.contents.contains(password))
            .map(|(path, _)| path.as_str())
            .collect();
        assert_eq!(holding, [format!("kubernetes/secrets/{stage}.yaml")], "{stage}");
        assert_eq!(stages.files[holding[0]].mode, 0o600);
    }
    let mut differ = Vec::new();
    for (path, file) in &single.files {
        let cited = file.contents.replace("004-three-masters.k8s", "004-stages");
        if stages.files[path].contents != cited {
            differ.push(path.as_str());
        }
    }
    assert_eq!(
        differ,
        [
            "kubernetes/apps/dev.yaml",
            "kubernetes/apps/middleware.yaml",
            "kubernetes/apps/prod.yaml",
            "kubernetes/apps/test.yaml",
            "kubernetes/kustomization.yaml",
            "kubernetes/routes/prod.yaml"
        ],
        "only the stages' and the instances' files differ"
    );
    let dev = &stages.files["kubernetes/apps/dev.yaml"].contents;
    assert!(
        dev.contains("replicas: 1") && !dev.contains("PodDisruptionBudget"),
        "{dev}"
    );
    let prod = &stages.files["kubernetes/apps/prod.yaml"].contents;
    assert!(prod.contains("name: esb-prod"), "{prod}");
    // Once esb-prod is called esb again and takes no settings, they are the same.
    let settings = "        envFrom:\n        - configMapRef:\n            name: esb-db-prod\n        - secretRef:\n            name: esb-db-prod\n";
    assert!(prod.contains(settings), "{prod}");
    let renamed = prod.replace(settings, "").replace("esb-prod", "esb");
    assert_eq!(
        renamed,
        single.files["kubernetes/apps/prod.yaml"]
            .contents
            .replace("004-three-masters.k8s", "004-stages")
    );
}

/// Article 001 as a platform of two clusters: each data centre's cluster gets a whole tree
/// of its own (`dc1/`, `dc2/`, today's layout inside), the Harbor rules are written once
/// beside them, and each cluster's nodes pull the central registry's images from the copy
/// in their own data centre.
#[test]
fn the_two_datacenters_build_a_tree_per_cluster_and_the_harbor_rules_once() {
    let (_, diagnostics, output) = crate::controlplane::built(&crate::root().join("examples/001-two-datacenters"));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let top: std::collections::BTreeSet<&str> = (output.files.keys())
        .filter_map(|path| path.split('/').next())
        .collect();
    assert_eq!(top.into_iter().collect::<Vec<_>>(), ["dc1", "dc2", "harbor"]);
    let harbor: Vec<&str> = (output.files.keys())
        .filter_map(|path| path.strip_prefix("harbor/"))
        .collect();
    assert_eq!(
        harbor,
        [
            "apply.sh",
            "policies/central_to_dc1.json",
            "policies/central_to_dc2.json",
            "policies/nightly_to_dc2.json",
            "registries/central.json",
            "registries/harbor_dc1.json",
            "registries/harbor_dc2.json",
        ]
    );
    let clusters = crate::controlplane::cluster_outputs(&output);
    assert_eq!(clusters.len(), 2);
    for (index, (cluster, tree)) in clusters.iter().enumerate() {
        let n = index + 1;
        assert_eq!(cluster, &format!("dc{n}"));
        assert!(
            !output
                .files
                .keys()
                .any(|path| path.starts_with(&format!("{cluster}/harbor/"))),
            "{cluster}"
        );
        let config = &tree.files["kubeadm/kubeadm-config.yaml"].contents;
        assert!(config.contains(&format!("clusterName: dc{n}\n")), "{config}");
        assert!(
            config.contains(&format!("controlPlaneEndpoint: \"10.{n}.0.10:16443\"")),
            "{config}"
        );
        assert!(
            config.contains(&format!("podSubnet: \"10.{}.0.0/16\"", 31 + n)),
            "{config}"
        );
        // Only the cluster's own nodes, each pulling from its data centre's Harbor.
        let hosts: std::collections::BTreeSet<&str> = (tree.files.keys())
            .filter_map(|path| path.strip_prefix("hosts/")?.split('/').next())
            .collect();
        assert_eq!(hosts.len(), 8, "{cluster}: {hosts:?}");
        assert!(
            hosts.iter().all(|host| host.starts_with(&format!("dc{n}_"))),
            "{hosts:?}"
        );
        for host in hosts {
            let mirror = &tree.files[&format!("hosts/{host}/etc/containerd/certs.d/harbor.example.com/hosts.toml")];
            assert!(
                mirror
                    .contents
                    .contains(&format!("[host.\"https://harbor.dc{n}.example.com\"]")),
                "{host}: {}",
                mirror.contents
            );
        }
        let plan: serde_json::Value = serde_json::from_str(&tree.files["lab/plan.json"].contents).expect("JSON");
        assert!(
            (plan["nodes"].as_array().expect("nodes").iter()).all(|node| node["host"]
                .as_str()
                .is_some_and(|host| host.starts_with(&format!("dc{n}_pm")))),
            "{cluster}: the lab drills the cluster's own hosts"
        );
    }
}
