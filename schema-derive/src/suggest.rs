//! "Did you mean" for misspelled values and field names.

/// The candidate closest to `input`, if it is close enough to be a likely typo
/// (a few edits away, or containing all of a short `input` such as `snake`).
pub fn closest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&input_lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| {
            *d <= (c.chars().count().max(input.chars().count()) / 3).max(1)
                || (input_lower.len() >= 3 && c.to_lowercase().contains(&input_lower))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance (with adjacent transpositions counted as one edit).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev_prev: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev_prev[j - 2] + 1);
            }
        }
        prev_prev = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(closest("cascad", &["cascade", "restrict"]), Some("cascade"));
        assert_eq!(closest("setnull", &["set_null", "set_default"]), Some("set_null"));
        assert_eq!(closest("usre_id", &["user_id", "id"]), Some("user_id"));
        assert_eq!(closest("zzz", &["cascade", "restrict"]), None);
        assert_eq!(closest("SnakeCase", &["snake_case", "PascalCase"]), Some("snake_case"));
        assert_eq!(closest("snake", &["SCREAMING_SNAKE_CASE", "snake_case"]), Some("snake_case"));
        assert_eq!(closest("tenant", &["tenant_id", "id"]), Some("tenant_id"));
    }
}
