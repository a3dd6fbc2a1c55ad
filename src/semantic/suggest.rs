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
            distance(name, candidate)
        };
        let close = distance <= limit || (name.len() >= 4 && candidate.starts_with(name));
        if close && best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The longest names measured on the stack, without allocating.
const SHORT: usize = 64;

/// The optimal-string-alignment distance (edits and adjacent swaps): short ASCII names,
/// the common case, on three rows kept on the stack; anything else through strsim.
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || a.len() > SHORT || b.len() > SHORT {
        return strsim::osa_distance(
            std::str::from_utf8(a).unwrap_or_default(),
            std::str::from_utf8(b).unwrap_or_default(),
        );
    }
    // Three rows in turn (row r in rows[r % 3]); a distance never exceeds SHORT (< 256).
    let mut rows = [[0u8; SHORT + 1]; 3];
    for (column, cell) in rows[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = u8::try_from(column).unwrap_or(u8::MAX);
    }
    for row in 1..=a.len() {
        let [current, previous, before] = [row % 3, (row + 2) % 3, (row + 1) % 3];
        rows[current][0] = u8::try_from(row).unwrap_or(u8::MAX);
        for column in 1..=b.len() {
            let cost = u8::from(a[row - 1] != b[column - 1]);
            let mut best = (rows[previous][column] + 1)
                .min(rows[current][column - 1] + 1)
                .min(rows[previous][column - 1] + cost);
            if row > 1 && column > 1 && a[row - 1] == b[column - 2] && a[row - 2] == b[column - 1] {
                best = best.min(rows[before][column - 2] + 1);
            }
            rows[current][column] = best;
        }
    }
    usize::from(rows[a.len() % 3][b.len()])
}

/// "did you mean `x`?" for a help line.
pub fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    suggest(name, candidates).map(|found| format!("did you mean `{found}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distance_is_strsims() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "roles", "rolse", "kitten", "sitting", "caps", "CAPS", "é",
        ];
        for a in words {
            for b in words {
                assert_eq!(distance(a, b), strsim::osa_distance(a, b), "{a} {b}");
            }
        }
        let long = "x".repeat(80);
        assert_eq!(distance(&long, "x"), 79);
    }

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
