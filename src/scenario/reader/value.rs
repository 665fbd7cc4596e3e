//! Scalar values read against their key's type: numbers in a range, durations with
//! units, whole numbers, choices (with "did you mean") and strings; and how a JSON value
//! is described in "found …".

use serde_json::Value;

use super::super::keys::{Key, MAX_RATE_PER_S, Range, Ty};
use super::{Errors, did_you_mean};
use crate::scenario::keys::Default;

/// A value a scalar key holds. `reads` says which key types it can be read from; reading
/// from any other is a reader bug (the getters check it first).
pub trait Scalar: Sized {
    fn reads(ty: &Ty) -> bool;
    fn read(v: &Value, ty: &'static Ty, path: &str, errs: &mut Errors) -> Option<Self>;
    /// The key's default (the getters have checked that it has one of this type).
    fn default_of(key: &Key) -> Self;
}

/// A scalar read against `ty` outside an object (an array's item, a number that stands
/// for a distribution).
pub fn scalar<T: Scalar>(v: &Value, ty: &'static Ty, path: &str, errs: &mut Errors) -> Option<T> {
    assert!(T::reads(ty), "a value of type {ty:?} read as another type");
    T::read(v, ty, path, errs)
}

fn no_default(key: &Key) -> ! {
    panic!(
        "key {:?} has no default of the type it is read as: {:?}",
        key.name, key.default
    )
}

impl Scalar for f64 {
    fn reads(ty: &Ty) -> bool {
        matches!(ty, Ty::Number(_) | Ty::Tokens(_) | Ty::Duration(_))
    }

    fn read(v: &Value, ty: &'static Ty, path: &str, errs: &mut Errors) -> Option<f64> {
        match ty {
            Ty::Number(r) | Ty::Tokens(r) => number(v, *r, path, errs),
            Ty::Duration(r) => duration(v, *r, path, errs),
            _ => unreachable!("checked by reads"),
        }
    }

    fn default_of(key: &Key) -> f64 {
        match key.default {
            Default::Num(x) => x,
            _ => no_default(key),
        }
    }
}

impl Scalar for u64 {
    fn reads(ty: &Ty) -> bool {
        matches!(ty, Ty::Whole { .. })
    }

    fn read(v: &Value, ty: &'static Ty, path: &str, errs: &mut Errors) -> Option<u64> {
        let Ty::Whole { min, max } = *ty else {
            unreachable!("checked by reads")
        };
        match v.as_u64() {
            Some(n) if n >= min && n <= max => Some(n),
            _ if max == u64::MAX => {
                errs.expected(path, &format!("a whole number ≥ {min}"), v);
                None
            }
            _ => {
                errs.expected(path, &format!("a whole number in [{min}, {max}]"), v);
                None
            }
        }
    }

    fn default_of(key: &Key) -> u64 {
        match key.default {
            Default::Whole(n) => n,
            _ => no_default(key),
        }
    }
}

impl Scalar for u32 {
    fn reads(ty: &Ty) -> bool {
        matches!(ty, Ty::Whole { max, .. } if *max <= u32::MAX as u64)
    }

    fn read(v: &Value, ty: &'static Ty, path: &str, errs: &mut Errors) -> Option<u32> {
        u64::read(v, ty, path, errs).map(|n| n as u32)
    }

    fn default_of(key: &Key) -> u32 {
        match key.default {
            Default::Whole(n) if n <= u32::MAX as u64 => n as u32,
            _ => no_default(key),
        }
    }
}

impl Scalar for &'static str {
    fn reads(ty: &Ty) -> bool {
        matches!(ty, Ty::Choice(_))
    }

    fn read(v: &Value, ty: &'static Ty, path: &str, errs: &mut Errors) -> Option<&'static str> {
        let Ty::Choice(choices) = ty else {
            unreachable!("checked by reads")
        };
        choice(v, choices, path, errs)
    }

    fn default_of(key: &Key) -> &'static str {
        match (&key.default, &key.ty) {
            (Default::Text(s), Ty::Choice(choices)) if choices.contains(s) => s,
            _ => no_default(key),
        }
    }
}

impl Scalar for String {
    fn reads(ty: &Ty) -> bool {
        matches!(ty, Ty::Text | Ty::NonEmptyText)
    }

    fn read(v: &Value, ty: &'static Ty, path: &str, errs: &mut Errors) -> Option<String> {
        let non_empty = matches!(ty, Ty::NonEmptyText);
        match v.as_str() {
            Some(s) if !non_empty || !s.trim().is_empty() => Some(s.to_string()),
            _ if non_empty => {
                errs.expected(path, "a non-empty string", v);
                None
            }
            _ => {
                errs.expected(path, "a string", v);
                None
            }
        }
    }

    fn default_of(key: &Key) -> String {
        match key.default {
            Default::Text(s) => s.to_string(),
            _ => no_default(key),
        }
    }
}

/// Whether `ty` is a list whose items `T` reads.
pub(super) fn is_list_of<T: Scalar>(ty: &Ty) -> bool {
    matches!(ty, Ty::List { item, .. } if T::reads(item))
}

/// The items of an array of at least `min` (and at most `max`) items.
pub(super) fn list<'a>(
    v: &'a Value,
    path: &str,
    min: usize,
    max: Option<usize>,
    errs: &mut Errors,
) -> Option<&'a Vec<Value>> {
    let Value::Array(items) = v else {
        errs.expected(path, "an array", v);
        return None;
    };
    if items.len() < min {
        let expected = match min {
            1 => "a non-empty array".to_string(),
            n => format!("an array of at least {n} items"),
        };
        errs.expected(path, &expected, v);
        return None;
    }
    if let Some(max) = max.filter(|m| items.len() > *m) {
        errs.expected(path, &format!("an array of at most {max} items"), v);
        return None;
    }
    Some(items)
}

/// `"a", "b", "c"`.
pub(super) fn one_of(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
    format!("one of {}", quoted.join(", "))
}

/// One of `choices`; a string close to one gets a "did you mean".
pub(super) fn choice<'c>(
    v: &Value,
    choices: &[&'c str],
    path: &str,
    errs: &mut Errors,
) -> Option<&'c str> {
    if let Some(c) = v.as_str().and_then(|s| choices.iter().find(|c| **c == s)) {
        return Some(c);
    }
    let hint = v
        .as_str()
        .map(|s| did_you_mean(s, choices))
        .unwrap_or_default();
    errs.push(
        path,
        format!("expected {}, found {}{hint}", one_of(choices), describe(v)),
    );
    None
}

fn number(v: &Value, range: Range, path: &str, errs: &mut Errors) -> Option<f64> {
    match v.as_f64() {
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

const DURATION_HELP: &str =
    "seconds (a number) or a duration like \"90s\", \"15m\", \"2h\", \"30d\"";

/// A duration in seconds: a number, or a string with a unit (ms, s, m, h, d, w).
fn duration(v: &Value, range: Range, path: &str, errs: &mut Errors) -> Option<f64> {
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
