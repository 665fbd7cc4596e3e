//! `servsim schema`: every shipped scenario validates against it, malformed files are
//! rejected by it, and it agrees with the reader on every object's keys and every tag's
//! values — asked of the reader itself, through its "unknown key; expected one of: …" and
//! "expected one of "a", "b" …" errors, at every object of a corpus that takes every
//! variant of the schema. A key added to the reader but not the schema (or the other way
//! round) fails here.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use servsim::scenario::Scenario;

use super::coverage::coverage;
use crate::support::*;

fn schema() -> Value {
    let out = servsim().arg("schema").output().unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).expect("schema prints JSON");
    assert_eq!(printed, servsim::scenario::schema());
    printed
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("a valid draft 2020-12 schema")
}

pub(super) fn json_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(project_dir().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

pub(super) fn read(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_shipped_and_bench_scenario_validates_against_the_schema() {
    let v = validator(&schema());
    let mut files = json_files("scenarios");
    files.extend(json_files("benches/scenarios"));
    files.push(project_dir().join("tests/data/cold-start-storm.json"));
    assert!(files.len() >= 18);
    for f in files {
        let errors: Vec<String> = v.iter_errors(&read(&f)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
}

#[test]
fn malformed_scenarios_are_rejected_by_the_schema() {
    let v = validator(&schema());
    for file in [
        "top-level-array",
        "unknown-top-key",
        "negative-rate",
        "no-platforms",
        "unknown-platform-type",
        "wrong-type-scaledown",
        "missing-cold-start",
        "negative-price",
        "bad-billing-mode",
        "bad-unit-in-dist",
        "rate-above-clock",
        "amplitude-out-of-range",
        "hybrid-both-overflow-rules",
        "hybrid-base-wrong-type",
        "weekly-six-days",
        "negative-seed",
        "null-value",
        "string-for-number",
        "infinite-horizon",
        "nan-duration",
    ] {
        let path = project_dir().join(format!("tests/data/invalid/{file}.json"));
        assert!(!v.is_valid(&read(&path)), "{file} passed the schema");
    }
}

/// The document at `pointer` with `edit` applied, as the reader reports it.
fn reader_errors(doc: &Value, pointer: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut doc = doc.clone();
    edit(doc.pointer_mut(pointer).expect("the walked node exists"));
    let base = project_dir().join("scenarios");
    match Scenario::from_value_in(&doc, "cov.json", &base) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// The keys the reader takes at `path`: from its error on an injected unknown key.
fn reader_keys(doc: &Value, pointer: &str, path: &str) -> BTreeSet<String> {
    let text = reader_errors(doc, pointer, |v| {
        v.as_object_mut()
            .unwrap()
            .insert("zz_unknown".into(), json!(1));
    });
    let key = if path.is_empty() {
        "zz_unknown".to_string()
    } else {
        format!("{path}.zz_unknown")
    };
    let prefix = format!("cov.json: {key}: unknown key; expected one of: ");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in\n{text}"));
    line.split(", ").map(str::to_string).collect()
}

/// The values the reader accepts for tag `key` at `path`: from its error on a bad value.
fn reader_choices(doc: &Value, pointer: &str, path: &str, key: &str) -> BTreeSet<String> {
    let text = reader_errors(doc, pointer, |v| v[key] = json!("zz_bad"));
    let at = if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    };
    let prefix = format!("cov.json: {at}: expected one of ");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in\n{text}"));
    let list = line.split(", found").next().unwrap();
    list.split(", ")
        .map(|s| s.trim_matches('"').to_string())
        .collect()
}

/// Walks a document and the schema side by side, checking each object's keys and each
/// tag's values against the reader.
struct Walk<'a> {
    root: &'a Value,
    doc: &'a Value,
    /// Schema locations of the oneOf branches some node took.
    taken: BTreeSet<String>,
    objects: usize,
}

impl<'a> Walk<'a> {
    fn deref(&self, mut s: &'a Value, mut loc: String) -> (&'a Value, String) {
        while let Some(name) = s.get("$ref").and_then(Value::as_str) {
            let name = name.trim_start_matches("#/$defs/");
            loc = format!("#/$defs/{name}");
            s = &self.root["$defs"][name];
        }
        (s, loc)
    }

    fn matches(&self, branch: &Value, inst: &Value) -> bool {
        let s = json!({"$defs": self.root["$defs"], "allOf": [branch]});
        validator(&s).is_valid(inst)
    }

    fn walk(&mut self, schema: &'a Value, loc: String, inst: &Value, pointer: &str, path: &str) {
        let (schema, loc) = self.deref(schema, loc);
        // An object schema's own oneOf only says which of its keys are required.
        let is_object = schema.get("properties").is_some();
        for combinator in ["oneOf", "anyOf"].into_iter().filter(|_| !is_object) {
            if let Some(branches) = schema.get(combinator).and_then(Value::as_array) {
                let matching: Vec<usize> = (0..branches.len())
                    .filter(|&i| self.matches(&branches[i], inst))
                    .collect();
                assert!(
                    !matching.is_empty(),
                    "{path}: no branch of {loc} takes {inst}"
                );
                if combinator == "oneOf" {
                    assert_eq!(
                        matching.len(),
                        1,
                        "{path}: several branches of {loc} take {inst}"
                    );
                    self.check_tag(branches, inst, pointer, path, &loc);
                }
                let at = format!("{loc}/{combinator}/{}", matching[0]);
                self.taken.insert(at.clone());
                return self.walk(&branches[matching[0]], at, inst, pointer, path);
            }
        }
        match inst {
            Value::Object(map) => {
                let props = schema["properties"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{loc} is not an object schema"));
                let keys: BTreeSet<String> = props.keys().cloned().collect();
                assert_eq!(
                    reader_keys(self.doc, pointer, path),
                    keys,
                    "keys of {path:?} ({loc})"
                );
                self.objects += 1;
                for (k, v) in map {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    self.walk(
                        &props[k],
                        format!("{loc}/properties/{k}"),
                        v,
                        &format!("{pointer}/{k}"),
                        &child,
                    );
                }
            }
            Value::Array(items) if schema.get("items").is_some() => {
                for (i, item) in items.iter().enumerate() {
                    let at = (format!("{pointer}/{i}"), format!("{path}[{i}]"));
                    self.walk(&schema["items"], format!("{loc}/items"), item, &at.0, &at.1);
                }
            }
            _ => {}
        }
    }

    /// When every object branch of a oneOf is told apart by one constant key (`dist`,
    /// `process`, `kind`, `type`), the reader must accept exactly those values.
    fn check_tag(&self, branches: &'a [Value], inst: &Value, pointer: &str, path: &str, loc: &str) {
        if !inst.is_object() {
            return;
        }
        let objects: Vec<&Value> = branches
            .iter()
            .map(|b| self.deref(b, String::new()).0)
            .filter(|b| b.get("properties").is_some())
            .collect();
        let tag_of = |b: &Value| {
            b["properties"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(_, s)| s.get("const").is_some())
                .map(|(k, _)| k.clone())
        };
        let Some(key) = objects.first().and_then(|b| tag_of(b)) else {
            return;
        };
        if objects.len() < 2 || objects.iter().any(|b| tag_of(b).as_deref() != Some(&key)) {
            return;
        }
        let values: BTreeSet<String> = objects
            .iter()
            .map(|b| b["properties"][&key]["const"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            reader_choices(self.doc, pointer, path, &key),
            values,
            "values of {path}.{key} ({loc})"
        );
    }
}

/// Every oneOf branch in the schema, named as the walker names them.
fn branches(schema: &Value, loc: &str, out: &mut BTreeSet<String>) {
    let variants = schema
        .get("oneOf")
        .filter(|_| schema.get("properties").is_none());
    if let Some(list) = variants.and_then(Value::as_array) {
        for (i, b) in list.iter().enumerate() {
            let at = format!("{loc}/oneOf/{i}");
            out.insert(at.clone());
            branches(b, &at, out);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, s) in props {
            branches(s, &format!("{loc}/properties/{k}"), out);
        }
    }
    if let Some(items) = schema.get("items") {
        branches(items, &format!("{loc}/items"), out);
    }
}

#[test]
fn the_schema_and_the_reader_agree_on_every_key_and_tag() {
    let root = schema();
    let mut taken = BTreeSet::new();
    let mut objects = 0;
    for doc in coverage() {
        let name = doc["name"].clone();
        Scenario::from_value_in(&doc, "cov.json", &project_dir().join("scenarios"))
            .unwrap_or_else(|e| panic!("coverage document {name} is valid: {e}"));
        let mut w = Walk {
            root: &root,
            doc: &doc,
            taken: BTreeSet::new(),
            objects: 0,
        };
        w.walk(&root, "#".into(), &doc, "", "");
        taken.extend(w.taken);
        objects += w.objects;
    }
    let mut all = BTreeSet::new();
    branches(&root, "#", &mut all);
    for (name, def) in root["$defs"].as_object().unwrap() {
        branches(def, &format!("#/$defs/{name}"), &mut all);
    }
    let missed: Vec<&String> = all.difference(&taken).collect();
    assert!(missed.is_empty(), "no coverage document takes {missed:?}");
    assert!(objects > 200, "{objects} objects checked");
}
