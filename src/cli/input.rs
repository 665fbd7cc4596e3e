//! Scenario files in: a validated scenario for `run`, or the JSON document a sweep
//! varies, each with the name its errors give it (the embedded default when no file is
//! given).
//!
//! Deliberately runs nothing.

use std::path::Path;

use serde_json::Value;

use super::CliError;
use crate::scenario::{DEFAULT_ORIGIN, DEFAULT_SCENARIO, Scenario, read_file};

pub(super) fn load(path: Option<&Path>) -> Result<Scenario, CliError> {
    match path {
        Some(p) => Scenario::from_file(p).map_err(|e| CliError::Invalid(e.to_string())),
        None => Ok(Scenario::default_scenario()),
    }
}

/// A scenario file as a JSON document, with the name errors give it. Syntax errors are
/// reported exactly as `Scenario::from_file` reports them.
pub(super) fn load_document(path: Option<&Path>) -> Result<(Value, String), CliError> {
    let Some(path) = path else {
        let v = serde_json::from_str(DEFAULT_SCENARIO).expect("the embedded scenario is JSON");
        return Ok((v, DEFAULT_ORIGIN.to_string()));
    };
    let file = path.display().to_string();
    let bytes = read_file(path).map_err(|e| CliError::Invalid(e.to_string()))?;
    match serde_json::from_slice(&bytes) {
        Ok(v) => Ok((v, file)),
        Err(_) => match Scenario::from_slice(&bytes, &file) {
            Err(e) => Err(CliError::Invalid(e.to_string())),
            Ok(_) => unreachable!("a document that is not JSON does not load"),
        },
    }
}
