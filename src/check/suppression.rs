//! `@allow(CODE, "reason")`: a finding of CODE whose primary span lies in the declaration
//! is dropped; an allow that drops nothing is itself a warning.

use crate::diagnostic::{Code, Diagnostic};
use crate::semantic::Model;

pub fn apply(model: &Model, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Declarations with allows, by position, to find the one holding a finding.
    let mut holders: Vec<usize> = (0..model.entities.len())
        .filter(|&idx| !model.entities[idx].allows.is_empty())
        .collect();
    if holders.is_empty() {
        return findings;
    }
    holders.sort_by_key(|&idx| model.entities[idx].span.start);
    let mut used: Vec<Vec<bool>> = model
        .entities
        .iter()
        .map(|entity| vec![false; entity.allows.len()])
        .collect();
    let mut kept = Vec::with_capacity(findings.len());
    'findings: for finding in findings {
        let start = finding.primary.span.start;
        let position = holders.partition_point(|&idx| model.entities[idx].span.start <= start);
        if let Some(&holder) = position.checked_sub(1).and_then(|at| holders.get(at)) {
            let entity = &model.entities[holder];
            if entity.span.file == finding.primary.span.file && finding.primary.span.end <= entity.span.end {
                for (allow_idx, allow) in entity.allows.iter().enumerate() {
                    if allow.code == finding.code {
                        used[holder][allow_idx] = true;
                        continue 'findings;
                    }
                }
            }
        }
        kept.push(finding);
    }
    for &holder in &holders {
        let entity = &model.entities[holder];
        for (allow_idx, allow) in entity.allows.iter().enumerate() {
            if !used[holder][allow_idx] {
                // Where the findings of that code stand, so the allow can move there.
                let elsewhere: Vec<&Diagnostic> = (kept.iter())
                    .filter(|finding| finding.code == allow.code && finding.code != Code::E0120)
                    .collect();
                let mut warning = Diagnostic::warning(
                    Code::E0120,
                    format!("`@allow({})` on `{}` suppresses nothing", allow.code, entity.name),
                    allow.span,
                    "nothing to suppress",
                );
                let anchors: Vec<String> = (elsewhere.iter())
                    .filter_map(|finding| anchor(model, finding))
                    .collect::<std::collections::BTreeSet<String>>()
                    .into_iter()
                    .collect();
                warning = match anchors.as_slice() {
                    [] => warning.with_help(format!(
                        "remove it: no {} finding is reported on this declaration (the rule may now pass)",
                        allow.code
                    )),
                    found => warning.with_help(format!(
                        "{} is reported on {}: an `@allow` applies to the declaration a finding stands on, so move it there",
                        allow.code,
                        found.join(", ")
                    )),
                };
                for finding in elsewhere.iter().take(3) {
                    warning = warning.with_label(finding.primary.span, format!("this {} finding", allow.code));
                }
                kept.push(warning);
            }
        }
    }
    kept
}

/// "`kind name`" of the declaration a finding stands on.
fn anchor(model: &Model, finding: &Diagnostic) -> Option<String> {
    let span = finding.primary.span;
    (0..model.entities.len())
        .filter(|&idx| {
            let entity = &model.entities[idx];
            entity.span.file == span.file && entity.span.start <= span.start && span.end <= entity.span.end
        })
        .min_by_key(|&idx| model.entities[idx].span.end - model.entities[idx].span.start)
        .map(|idx| {
            let id = crate::semantic::EntityId(u32::try_from(idx).unwrap_or(u32::MAX));
            format!("`{} {}`", model.kind_name(id), model.entities[idx].name)
        })
}
