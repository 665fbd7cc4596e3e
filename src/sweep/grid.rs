//! Parameter values (`--values a,b,…`, `--range start:end[:step]`) and grids built by
//! index: value i is `start + i × step`, never a running sum, so a long range does not
//! drift, and the cartesian product is numbered with the last parameter varying fastest.

use serde_json::Value;

use super::path::ParamPath;

/// Most points one range may have (a typo like `0:1e9:1` is an error, not a long night).
pub const MAX_RANGE_POINTS: usize = 100_000;

/// One swept parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub path: ParamPath,
    pub values: Vec<Value>,
}

/// `a,b,c`: each item is read as JSON when it is JSON (`2`, `0.5`, `true`, `"x"`), and
/// as a string otherwise (`30s`, `newest`).
pub fn parse_values(text: &str) -> Result<Vec<Value>, String> {
    text.split(',')
        .map(|item| {
            let item = item.trim();
            if item.is_empty() {
                return Err(format!(
                    "expected a comma-separated list of values, found an empty item in {text:?}"
                ));
            }
            Ok(serde_json::from_str(item).unwrap_or_else(|_| Value::String(item.to_string())))
        })
        .collect()
}

/// A numeric range `start:end:step` (or `start:end` with `points` evenly spaced values).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub start: f64,
    pub end: f64,
    pub step: f64,
    /// Decimal places of the inputs, to print 0.3 and not 0.30000000000000004.
    decimals: Option<u32>,
}

impl Range {
    /// Parses `start:end:step`; `start:end` needs `points` (≥ 2) instead of a step.
    pub fn parse(text: &str, points: Option<usize>) -> Result<Range, String> {
        let parts: Vec<&str> = text.split(':').map(str::trim).collect();
        let number = |s: &str| -> Result<f64, String> {
            s.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("expected a number in range {text:?}, found {s:?}"))
        };
        let (start, end) = match parts.as_slice() {
            [a, b] | [a, b, _] => (number(a)?, number(b)?),
            _ => {
                return Err(format!(
                    "expected start:end:step (or start:end), found {text:?}"
                ));
            }
        };
        if start > end {
            return Err(format!("expected start ≤ end in range {text:?}"));
        }
        let decimals = parts
            .iter()
            .map(|p| decimals(p))
            .try_fold(0, |m, d| d.map(|d| m.max(d)));
        let step = match (parts.get(2), points) {
            (Some(s), _) => number(s)?,
            (None, Some(n)) if n >= 2 => return Ok(Range::evenly(start, end, n)),
            (None, _) => return Err(format!("expected start:end:step, found {text:?} (no step)")),
        };
        if step <= 0.0 {
            return Err(format!(
                "expected a step > 0 in range {text:?}, found {step}"
            ));
        }
        Ok(Range {
            start,
            end,
            step,
            decimals,
        })
    }

    /// `n` values from `start` to `end`, both included.
    fn evenly(start: f64, end: f64, n: usize) -> Range {
        let step = (end - start) / (n - 1) as f64;
        let whole = start.fract() == 0.0 && step.fract() == 0.0;
        Range {
            start,
            end,
            step,
            // Ten decimals hide float noise like 0.30000000000000004 in printed grids.
            decimals: Some(if whole { 0 } else { 10 }),
        }
    }

    /// How many values: every `start + i × step` ≤ `end` (with a hair of tolerance).
    pub fn len(&self) -> usize {
        if self.end == self.start {
            return 1;
        }
        ((self.end - self.start) / self.step + 1e-9).floor() as usize + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The i-th value, computed from the index.
    pub fn value(&self, i: usize) -> f64 {
        let x = self.start + i as f64 * self.step;
        match self.decimals {
            Some(d) => {
                let scale = 10f64.powi(d as i32);
                (x * scale).round() / scale
            }
            None => x,
        }
    }

    /// All values as JSON: whole numbers when the inputs are whole (counts stay counts).
    pub fn values(&self) -> Result<Vec<Value>, String> {
        let n = self.len();
        if n > MAX_RANGE_POINTS {
            return Err(format!(
                "expected at most {MAX_RANGE_POINTS} values in a range, found {n}"
            ));
        }
        Ok((0..n)
            .map(|i| {
                let x = self.value(i);
                if self.decimals == Some(0) && x.abs() < 9e15 {
                    Value::from(x as i64)
                } else {
                    Value::from(x)
                }
            })
            .collect())
    }
}

/// Decimal places written in a plain number (`None` for exponent notation).
fn decimals(s: &str) -> Option<u32> {
    if s.contains(['e', 'E']) {
        return None;
    }
    Some(s.split_once('.').map_or(0, |(_, frac)| frac.len() as u32))
}

/// The points of the cartesian product of `params`, numbered with the last parameter
/// varying fastest.
#[derive(Clone, Debug)]
pub struct Grid {
    pub params: Vec<Param>,
}

impl Grid {
    pub fn len(&self) -> usize {
        self.params.iter().map(|p| p.values.len()).product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value index of each parameter at point `i`.
    pub fn indices(&self, mut i: usize) -> Vec<usize> {
        let mut out = vec![0; self.params.len()];
        for (k, p) in self.params.iter().enumerate().rev() {
            out[k] = i % p.values.len();
            i /= p.values.len();
        }
        out
    }

    /// `(path, value)` of each parameter at point `i`.
    pub fn values(&self, i: usize) -> Vec<(String, Value)> {
        self.params
            .iter()
            .zip(self.indices(i))
            .map(|(p, k)| (p.path.to_string(), p.values[k].clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_json_when_they_can_be_and_strings_otherwise() {
        assert_eq!(
            parse_values("1, 2.5,true,30s,\"x\"").unwrap(),
            vec![json!(1), json!(2.5), json!(true), json!("30s"), json!("x")]
        );
        assert!(parse_values("1,,2").is_err());
    }

    #[test]
    fn ranges_are_built_by_index_without_drift() {
        let r = Range::parse("0:1:0.1", None).unwrap();
        assert_eq!(r.len(), 11);
        assert_eq!(r.value(3), 0.3);
        assert_eq!(r.values().unwrap()[10], json!(1.0));
        let r = Range::parse("1:24:1", None).unwrap();
        assert_eq!(
            r.values().unwrap(),
            (1..=24).map(|i| json!(i)).collect::<Vec<_>>()
        );
        let r = Range::parse("0:24", Some(13)).unwrap();
        assert_eq!(r.len(), 13);
        assert_eq!(r.value(12), 24.0);
        assert_eq!(Range::parse("2:2:1", None).unwrap().len(), 1);
    }

    #[test]
    fn bad_ranges_are_explained() {
        for (text, needle) in [
            ("1:0:1", "start ≤ end"),
            ("0:1:0", "step > 0"),
            ("0:x:1", "found \"x\""),
            ("0:1", "no step"),
            ("0", "expected start:end:step"),
        ] {
            let e = Range::parse(text, None).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
        assert!(Range::parse("0:1e9:1", None).unwrap().values().is_err());
    }

    #[test]
    fn grid_points_vary_the_last_parameter_fastest() {
        let p = |name: &str, n: usize| Param {
            path: ParamPath::parse(name).unwrap(),
            values: (0..n).map(|i| json!(i)).collect(),
        };
        let g = Grid {
            params: vec![p("a", 2), p("b", 3)],
        };
        assert_eq!(g.len(), 6);
        assert_eq!(g.indices(4), vec![1, 1]);
        assert_eq!(
            g.values(5),
            vec![("a".to_string(), json!(1)), ("b".to_string(), json!(2))]
        );
        assert_eq!(Grid { params: vec![] }.len(), 1);
    }
}
