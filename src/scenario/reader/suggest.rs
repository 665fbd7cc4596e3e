//! "Did you mean": the valid name a misspelt key or value was most likely meant as.
//! Reusable wherever a name is looked up in a known set (keys, choices, preset names).

/// The candidate `name` was most likely meant as, if one is close: the same name in
/// another case or with its `_`-separated words in another order, else the nearest within
/// an edit distance of a third of its length (a transposition counts as one edit), else the
/// only candidate that one of them begins (`rate` → `rate_per_s`).
pub fn suggest<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(c) = same_name(name, candidates) {
        return Some(c);
    }
    if let Some(c) = within_distance(name, candidates).first() {
        return Some(c);
    }
    match prefixed(name, candidates).as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Every candidate close to `name` by the rules of `suggest`, closest first: the same
/// name, then those within the edit distance (nearer first, ties in candidate order), then
/// every candidate that `name` begins or that begins `name` — for a list of "close names"
/// where `suggest` must pick one.
pub fn close_names<'c>(name: &str, candidates: &[&'c str]) -> Vec<&'c str> {
    let mut out: Vec<&'c str> = same_name(name, candidates).into_iter().collect();
    out.extend(within_distance(name, candidates));
    out.extend(prefixed(name, candidates));
    let mut seen = Vec::new();
    out.retain(|c| {
        let new = !seen.contains(c);
        seen.push(*c);
        new
    });
    out
}

/// The same name in another case, or with its `_`-separated words in another order.
fn same_name<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = name.to_lowercase();
    let words = |s: &str| {
        let mut w: Vec<String> = s.to_lowercase().split('_').map(str::to_string).collect();
        w.sort_unstable();
        w
    };
    let mine = words(name);
    candidates
        .iter()
        .find(|c| c.to_lowercase() == lower || words(c) == mine)
        .copied()
}

/// Candidates within an edit distance of a third of `name`'s length, nearest first (a
/// stable sort: equally near ones keep their order).
fn within_distance<'c>(name: &str, candidates: &[&'c str]) -> Vec<&'c str> {
    let lower = name.to_lowercase();
    let limit = name.chars().count().max(3) / 3;
    let mut near: Vec<(usize, &'c str)> = candidates
        .iter()
        .map(|c| (strsim::osa_distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort_by_key(|(d, _)| *d);
    near.into_iter().map(|(_, c)| c).collect()
}

/// Candidates that `name` begins or that begin `name` (both at least 3 characters).
fn prefixed<'c>(name: &str, candidates: &[&'c str]) -> Vec<&'c str> {
    let lower = name.to_lowercase();
    candidates
        .iter()
        .copied()
        .filter(|c| lower.len().min(c.len()) >= 3)
        .filter(|c| {
            let c = c.to_lowercase();
            c.starts_with(lower.as_str()) || lower.starts_with(c.as_str())
        })
        .collect()
}

/// ` (did you mean "x"?)` when `suggest` finds a close candidate, else "".
pub fn did_you_mean(name: &str, candidates: &[&str]) -> String {
    suggest(name, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}
