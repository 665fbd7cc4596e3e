//! A small reader over `serde_json::Value` that checks each key where it stands and keeps
//! going, so that one pass reports every error of a file with its JSON path.
//!
//! Why not `#[derive(Deserialize)]`: serde stops at the first error, and internally tagged
//! enums (`{"dist": "lognormal", …}`) lose the path of errors inside them. Users fixing a
//! scenario want every mistake, each with its exact path, in one go.

use serde_json::{Map, Value};

/// One problem in a file: where, and what was expected and found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path, like `platforms[1].scaledown_window_s` (empty for the whole document).
    pub path: String,
    pub message: String,
}

/// Errors collected while reading one document.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// "expected …, found …" for a value of the wrong kind or range.
    pub fn expected(&mut self, path: &str, expected: &str, found: &Value) {
        self.push(
            path,
            format!("expected {expected}, found {}", describe(found)),
        );
    }
}

/// A short description of a JSON value for "found …".
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string \"{}…\"", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("\"{s}\""),
        Value::Array(a) if a.len() == 1 => "an array of 1 item".into(),
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// `parent.key`, or `key` at the top.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// An object being read: remembers which keys were asked for, so that `finish` can
/// report the rest as unknown.
pub struct Obj<'a> {
    pub path: String,
    map: &'a Map<String, Value>,
    known: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    /// Reads `v` as an object, or records what was found instead.
    pub fn new(v: &'a Value, path: &str, errs: &mut Errors) -> Option<Obj<'a>> {
        match v {
            Value::Object(map) => Some(Obj {
                path: path.to_string(),
                map,
                known: Vec::new(),
            }),
            other => {
                errs.expected(path, "an object", other);
                None
            }
        }
    }

    /// The path of `key` inside this object.
    pub fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The raw value of `key`, marking it as known.
    pub fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        self.map.get(key)
    }

    /// A required key, parsed by `parse`.
    pub fn req<T>(
        &mut self,
        key: &'static str,
        errs: &mut Errors,
        parse: impl FnOnce(&'a Value, &str, &mut Errors) -> Option<T>,
    ) -> Option<T> {
        let path = self.at(key);
        match self.get(key) {
            Some(v) => parse(v, &path, errs),
            None => {
                errs.push(&path, "missing required key");
                None
            }
        }
    }

    /// An optional key: `Some(None)` when absent, `None` when present but invalid.
    pub fn opt<T>(
        &mut self,
        key: &'static str,
        errs: &mut Errors,
        parse: impl FnOnce(&'a Value, &str, &mut Errors) -> Option<T>,
    ) -> Option<Option<T>> {
        let path = self.at(key);
        match self.get(key) {
            None => Some(None),
            Some(v) => parse(v, &path, errs).map(Some),
        }
    }

    /// An optional key with a default; an invalid value is reported and the default used
    /// only so that checking can go on (the document is rejected anyway).
    pub fn or<T>(
        &mut self,
        key: &'static str,
        default: T,
        errs: &mut Errors,
        parse: impl FnOnce(&'a Value, &str, &mut Errors) -> Option<T>,
    ) -> T {
        self.opt(key, errs, parse).flatten().unwrap_or(default)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Reports every key that was never asked for.
    pub fn finish(self, errs: &mut Errors) {
        for key in self.map.keys() {
            if !self.known.contains(&key.as_str()) {
                let mut known = self.known.clone();
                known.sort_unstable();
                known.dedup();
                errs.push(
                    &join(&self.path, key),
                    format!("unknown key; expected one of: {}", known.join(", ")),
                );
            }
        }
    }
}

/// The tag of a tagged object (`dist`, `process`, `type` …) among `choices`.
pub fn tag<'a>(
    obj: &mut Obj<'_>,
    key: &'static str,
    choices: &[&'a str],
    errs: &mut Errors,
) -> Option<&'a str> {
    let path = obj.at(key);
    let v = obj.get(key);
    let expected = format!("one of {}", quoted(choices));
    match v {
        None => {
            errs.push(&path, format!("missing required key (expected {expected})"));
            None
        }
        Some(Value::String(s)) => match choices.iter().find(|c| **c == s) {
            Some(c) => Some(*c),
            None => {
                errs.expected(&path, &expected, v.expect("matched Some"));
                None
            }
        },
        Some(other) => {
            errs.expected(&path, &expected, other);
            None
        }
    }
}

fn quoted(choices: &[&str]) -> String {
    choices
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Allowed range of a number.
#[derive(Clone, Copy, Debug)]
pub enum Range {
    /// > 0
    Positive,
    /// ≥ 0
    NonNegative,
    /// In [0, 1].
    Unit,
    /// In [lo, hi].
    Between(f64, f64),
    /// ≥ lo (lo > 0: e.g. an interval of at least one nanosecond).
    AtLeast(f64),
    /// An event rate per second in (0, `MAX_RATE_PER_S`].
    Rate,
    /// Any finite number.
    Any,
}

/// The fastest arrival rate a scenario may ask for: one a nanosecond, the clock's
/// resolution. Faster rates would round most inter-arrival times to zero.
pub const MAX_RATE_PER_S: f64 = 1e9;

impl Range {
    fn accepts(self, x: f64) -> bool {
        match self {
            Range::Positive => x > 0.0,
            Range::NonNegative => x >= 0.0,
            Range::Unit => (0.0..=1.0).contains(&x),
            Range::Between(lo, hi) => (lo..=hi).contains(&x),
            Range::AtLeast(lo) => x >= lo,
            Range::Rate => x > 0.0 && x <= MAX_RATE_PER_S,
            Range::Any => true,
        }
    }

    fn describe(self) -> String {
        match self {
            Range::Positive => "a number > 0".into(),
            Range::NonNegative => "a number ≥ 0".into(),
            Range::Unit => "a number in [0, 1]".into(),
            Range::Between(lo, hi) => format!("a number in [{lo}, {hi}]"),
            Range::AtLeast(lo) => format!("a number ≥ {lo}"),
            Range::Rate => "a number > 0".into(),
            Range::Any => "a number".into(),
        }
    }
}

/// A finite number in `range`.
pub fn number(range: Range) -> impl Fn(&Value, &str, &mut Errors) -> Option<f64> {
    move |v, path, errs| match v.as_f64() {
        Some(x) if x.is_finite() && range.accepts(x) => Some(x),
        Some(x) if matches!(range, Range::Rate) && x > MAX_RATE_PER_S => {
            let why = "a rate of at most 1e9 per second (one arrival a nanosecond, the clock's resolution)";
            errs.expected(path, why, v);
            None
        }
        _ => {
            errs.expected(path, &range.describe(), v);
            None
        }
    }
}

/// A whole number ≥ `min` that fits in u64.
pub fn count(min: u64) -> impl Fn(&Value, &str, &mut Errors) -> Option<u64> {
    move |v, path, errs| match v.as_u64() {
        Some(n) if n >= min => Some(n),
        _ => {
            errs.expected(path, &format!("a whole number ≥ {min}"), v);
            None
        }
    }
}

/// A whole number in [min, u32::MAX].
pub fn count32(min: u32) -> impl Fn(&Value, &str, &mut Errors) -> Option<u32> {
    move |v, path, errs| match v.as_u64() {
        Some(n) if n >= min as u64 && n <= u32::MAX as u64 => Some(n as u32),
        _ => {
            errs.expected(path, &format!("a whole number in [{min}, {}]", u32::MAX), v);
            None
        }
    }
}

/// A string (non-empty).
pub fn string(v: &Value, path: &str, errs: &mut Errors) -> Option<String> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() => Some(s.to_string()),
        _ => {
            errs.expected(path, "a non-empty string", v);
            None
        }
    }
}

/// A string, possibly empty.
pub fn any_string(v: &Value, path: &str, errs: &mut Errors) -> Option<String> {
    match v.as_str() {
        Some(s) => Some(s.to_string()),
        None => {
            errs.expected(path, "a string", v);
            None
        }
    }
}

/// One of a fixed set of strings.
pub fn choice<'c>(choices: &'c [&'c str]) -> impl Fn(&Value, &str, &mut Errors) -> Option<&'c str> {
    move |v, path, errs| match v.as_str().and_then(|s| choices.iter().find(|c| **c == s)) {
        Some(c) => Some(*c),
        None => {
            errs.expected(path, &format!("one of {}", quoted(choices)), v);
            None
        }
    }
}

const DURATION_HELP: &str =
    "seconds (a number) or a duration like \"90s\", \"15m\", \"2h\", \"30d\"";

/// A duration in seconds: a number, or a string with a unit (ms, s, m, h, d, w).
pub fn duration(range: Range) -> impl Fn(&Value, &str, &mut Errors) -> Option<f64> {
    move |v, path, errs| {
        let secs = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => parse_duration(s),
            _ => None,
        };
        match secs {
            Some(x) if x.is_finite() && range.accepts(x) => Some(x),
            Some(_) => {
                errs.expected(path, &format!("a duration that is {}", range.describe()), v);
                None
            }
            None => {
                errs.expected(path, DURATION_HELP, v);
                None
            }
        }
    }
}

/// `"90s"` → 90, `"1.5h"` → 5400; `None` if it is not a number followed by a known unit.
pub fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = s.split_at(split);
    let x: f64 = num.trim().parse().ok()?;
    let scale = match unit.trim() {
        "ms" => 1e-3,
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        _ => return None,
    };
    Some(x * scale)
}

/// A non-empty array, each item read by `item` with its own path.
pub fn array<'a, T>(
    v: &'a Value,
    path: &str,
    errs: &mut Errors,
    mut item: impl FnMut(&'a Value, &str, &mut Errors) -> Option<T>,
) -> Option<Vec<T>> {
    let Value::Array(items) = v else {
        errs.expected(path, "an array", v);
        return None;
    };
    if items.is_empty() {
        errs.expected(path, "a non-empty array", v);
        return None;
    }
    let parsed: Vec<Option<T>> = items
        .iter()
        .enumerate()
        .map(|(i, x)| item(x, &index(path, i), errs))
        .collect();
    parsed.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_accept_numbers_and_units() {
        assert_eq!(parse_duration("30d"), Some(2_592_000.0));
        assert_eq!(parse_duration("1.5h"), Some(5400.0));
        assert_eq!(parse_duration("90 s"), Some(90.0));
        assert_eq!(parse_duration("250ms"), Some(0.25));
        assert_eq!(parse_duration("3 parsecs"), None);
        assert_eq!(parse_duration("h"), None);
    }

    #[test]
    fn every_error_is_collected_with_its_path() {
        let v = json!({"a": -1, "b": "x", "zz": 1});
        let mut errs = Errors::default();
        let mut o = Obj::new(&v, "top", &mut errs).unwrap();
        let a = o.req("a", &mut errs, number(Range::Positive));
        let b = o.or("b", 5.0, &mut errs, duration(Range::Positive));
        let c = o.req("c", &mut errs, count(0));
        o.finish(&mut errs);
        assert_eq!((a, b, c), (None, 5.0, None));
        let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["top.a", "top.b", "top.c", "top.zz"]);
        assert_eq!(errs.0[0].message, "expected a number > 0, found -1");
        assert!(
            errs.0[3]
                .message
                .starts_with("unknown key; expected one of: a, b, c")
        );
    }
}
