//! "Did you mean": the valid name a misspelt key or value was most likely meant as.
//! Reusable wherever a name is looked up in a known set (keys, choices, preset names).

/// The candidate `name` was most likely meant as, if one is close: the same name in
/// another case or with its `_`-separated words in another order, else the nearest within
/// an edit distance of a third of its length (a transposition counts as one edit), else the
/// only candidate that one of them begins (`rate` → `rate_per_s`).
pub fn suggest<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = name.to_lowercase();
    let words = |s: &str| {
        let mut w: Vec<String> = s.to_lowercase().split('_').map(str::to_string).collect();
        w.sort_unstable();
        w
    };
    let mine = words(name);
    if let Some(c) = candidates
        .iter()
        .find(|c| c.to_lowercase() == lower || words(c) == mine)
    {
        return Some(c);
    }
    let limit = name.chars().count().max(3) / 3;
    let nearest = candidates
        .iter()
        .map(|c| (strsim::osa_distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d);
    if let Some((_, c)) = nearest {
        return Some(c);
    }
    let prefixed: Vec<&'c str> = candidates
        .iter()
        .copied()
        .filter(|c| lower.len().min(c.len()) >= 3)
        .filter(|c| c.starts_with(lower.as_str()) || lower.starts_with(*c))
        .collect();
    match prefixed.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// ` (did you mean "x"?)` when `suggest` finds a close candidate, else "".
pub fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    suggest(name, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}
