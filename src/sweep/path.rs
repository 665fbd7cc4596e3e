//! Dotted paths into a scenario's JSON (`workload.rate_profile.windows.0.end_h`,
//! `platforms[0].min_containers`), applied to the document before it is validated, so a
//! swept value gets exactly the checks a value written in the file would.

use std::fmt;

use serde_json::Value;

/// One step of a path: an object key, or an array index written `[i]` or `.i`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A parsed parameter path; displays as the user wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamPath {
    text: String,
    steps: Vec<Step>,
}

/// Why a path could not be parsed or followed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--param {path}: {reason}")]
pub struct PathError {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl ParamPath {
    /// Parses `a.b.0.c` or `a.b[0].c`.
    pub fn parse(text: &str) -> Result<ParamPath, PathError> {
        let err = |reason: String| PathError {
            path: text.to_string(),
            reason,
        };
        let mut steps = Vec::new();
        for piece in text.split('.') {
            let (key, brackets) = match piece.find('[') {
                Some(at) => piece.split_at(at),
                None => (piece, ""),
            };
            if key.is_empty() && brackets.is_empty() {
                return Err(err("expected a dotted path like workload.rate_profile.windows.0.end_h, found an empty step".into()));
            }
            if !key.is_empty() {
                steps.push(match key.parse::<usize>() {
                    Ok(i) if key.bytes().all(|b| b.is_ascii_digit()) => Step::Index(i),
                    _ => Step::Key(key.to_string()),
                });
            }
            let mut rest = brackets;
            while !rest.is_empty() {
                let close = rest
                    .find(']')
                    .ok_or_else(|| err(format!("expected ] in {piece:?}")))?;
                let inner = &rest[1..close];
                let i = inner.parse::<usize>().map_err(|_| {
                    err(format!("expected an array index in [..], found {inner:?}"))
                })?;
                steps.push(Step::Index(i));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(err(format!("expected . or [ after ], found {rest:?}")));
                }
            }
        }
        Ok(ParamPath {
            text: text.to_string(),
            steps,
        })
    }

    /// Sets the value at this path in `doc`. Every step but the last must exist; the last
    /// may be a key the file leaves at its default (validation rejects unknown keys).
    pub fn apply(&self, doc: &mut Value, new: Value) -> Result<(), PathError> {
        let mut at = doc;
        let mut walked = String::new();
        let (last, init) = self.steps.split_last().expect("a parsed path has a step");
        for step in init {
            at = self.child(at, step, &walked)?;
            push_step(&mut walked, step);
        }
        match (at, last) {
            (Value::Object(map), Step::Key(k)) => {
                map.insert(k.clone(), new);
                Ok(())
            }
            (Value::Object(map), Step::Index(i)) => {
                map.insert(i.to_string(), new);
                Ok(())
            }
            (at, step) => {
                *self.child(at, step, &walked)? = new;
                Ok(())
            }
        }
    }

    fn child<'v>(
        &self,
        at: &'v mut Value,
        step: &Step,
        walked: &str,
    ) -> Result<&'v mut Value, PathError> {
        let place = if walked.is_empty() {
            "the top level".to_string()
        } else {
            walked.to_string()
        };
        let reason = match (at, step) {
            (Value::Object(map), Step::Key(k)) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                match map.get_mut(k) {
                    Some(v) => return Ok(v),
                    None => format!("{place} has no key {k:?} (it has: {})", keys.join(", ")),
                }
            }
            (Value::Object(map), Step::Index(i)) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                match map.get_mut(&i.to_string()) {
                    Some(v) => return Ok(v),
                    None => format!(
                        "{place} is an object with keys {}, not an array",
                        keys.join(", ")
                    ),
                }
            }
            (Value::Array(items), Step::Index(i)) => {
                let n = items.len();
                match items.get_mut(*i) {
                    Some(v) => return Ok(v),
                    None => format!(
                        "{place} has {n} item{}, so there is no index {i}",
                        if n == 1 { "" } else { "s" }
                    ),
                }
            }
            (Value::Array(items), Step::Key(k)) => {
                format!(
                    "{place} is an array of {} items, found key {k:?} where an index was expected",
                    items.len()
                )
            }
            (other, _) => format!(
                "{place} is {}, which has nothing inside",
                crate::scenario::reader::describe(other)
            ),
        };
        Err(PathError {
            path: self.text.clone(),
            reason,
        })
    }
}

fn push_step(walked: &mut String, step: &Step) {
    match step {
        Step::Key(k) if walked.is_empty() => walked.push_str(k),
        Step::Key(k) => {
            walked.push('.');
            walked.push_str(k);
        }
        Step::Index(i) => walked.push_str(&format!("[{i}]")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"workload": {"rate_profile": {"windows": [{"start_h": 0, "end_h": 2}]}},
               "platforms": [{"name": "a"}, {"name": "b", "min_containers": 1}]})
    }

    #[test]
    fn dotted_and_bracketed_indices_reach_the_same_place() {
        for text in [
            "workload.rate_profile.windows.0.end_h",
            "workload.rate_profile.windows[0].end_h",
        ] {
            let mut d = doc();
            ParamPath::parse(text)
                .unwrap()
                .apply(&mut d, json!(14.5))
                .unwrap();
            assert_eq!(
                d["workload"]["rate_profile"]["windows"][0]["end_h"],
                json!(14.5)
            );
        }
    }

    #[test]
    fn a_missing_last_key_is_added_for_validation_to_judge() {
        let mut d = doc();
        ParamPath::parse("platforms[0].min_containers")
            .unwrap()
            .apply(&mut d, json!(3))
            .unwrap();
        assert_eq!(d["platforms"][0]["min_containers"], json!(3));
        ParamPath::parse("platforms.1.min_containers")
            .unwrap()
            .apply(&mut d, json!(2))
            .unwrap();
        assert_eq!(d["platforms"][1]["min_containers"], json!(2));
    }

    #[test]
    fn bad_paths_say_what_is_there() {
        let cases = [
            (
                "platforms.5.min_containers",
                "platforms has 2 items, so there is no index 5",
            ),
            (
                "workload.rate_profil.windows.0.end_h",
                "workload has no key \"rate_profil\" (it has: rate_profile)",
            ),
            (
                "platforms.name",
                "platforms is an array of 2 items, found key \"name\"",
            ),
            (
                "platforms[0].name.x",
                "platforms[0].name is \"a\", which has nothing inside",
            ),
            ("workload..x", "found an empty step"),
            (
                "platforms[x].name",
                "expected an array index in [..], found \"x\"",
            ),
        ];
        for (text, needle) in cases {
            let e = ParamPath::parse(text)
                .and_then(|p| p.apply(&mut doc(), json!(1)))
                .unwrap_err();
            assert!(e.to_string().contains(needle), "{text}: {e}");
            assert!(
                e.to_string().starts_with(&format!("--param {text}: ")),
                "{e}"
            );
        }
    }
}
