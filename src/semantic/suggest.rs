//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `name`, when it is close enough to be a likely typo.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    let mut best: Option<(usize, &'c str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        // The edit distance is at least the difference in length: most candidates are
        // ruled out without computing it (a longer one may still extend `name`).
        let other = candidate.chars().count();
        if other + limit < length || (other > length + limit && !(name.len() >= 4 && candidate.starts_with(name))) {
            continue;
        }
        let distance = if candidate.eq_ignore_ascii_case(name) {
            0
        } else {
            strsim::damerau_levenshtein(name, candidate)
        };
        let close = distance <= limit || (name.len() >= 4 && candidate.starts_with(name));
        if close && best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// "did you mean `x`?" for a help line.
pub fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    suggest(name, candidates).map(|found| format!("did you mean `{found}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["address", "roles", "reserved", "interface"];
        assert_eq!(suggest("adress", names), Some("address"));
        assert_eq!(suggest("role", names), Some("roles"));
        assert_eq!(suggest("rolse", names), Some("roles"));
        assert_eq!(suggest("zzz", names), None);
        assert_eq!(suggest("inter", names), Some("interface"));
    }
}
