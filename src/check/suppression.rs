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
                kept.push(
                    Diagnostic::warning(
                        Code::E0120,
                        format!("`@allow({})` on `{}` suppresses nothing", allow.code, entity.name),
                        allow.span,
                        "nothing to suppress",
                    )
                    .with_help(format!(
                        "remove it: no {} finding is reported on this declaration (the rule may now pass)",
                        allow.code
                    )),
                );
            }
        }
    }
    kept
}
