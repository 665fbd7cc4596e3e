//! The journal of a study in progress (docs/guide.md#resume-an-interrupted-sweep): one
//! header line naming exactly what runs, then one line per finished point holding its
//! replicas' raw results, so that an interrupted study continues where it stopped and
//! summarises every point exactly as an uninterrupted one does.
//!
//! A record counts only once its newline is written: a line without one is what a process
//! killed while writing leaves, and is dropped. Deliberately does no file I/O and renders
//! nothing: it turns lines into checked data and back.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::shard::ParamRecord;
use super::{Shard, SloTargets, Study, SweepError};
use crate::experiment::{Job, ReplicaResult};

/// Version of the journal layout.
pub const JOURNAL_FORMAT: u32 = 1;

/// Line 1 of a journal: everything that decides a figure of the study, compared field by
/// field when a run resumes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalHeader {
    pub servsim_journal: u32,
    pub servsim_version: String,
    /// `sweep` or `breakeven`.
    pub command: String,
    pub shard: Option<Shard>,
    pub scenario_file: String,
    pub scenario: Value,
    pub parameters: Vec<ParamRecord>,
    /// The platforms run, in order (`breakeven` keeps two).
    pub platforms: Vec<String>,
    pub seed: u64,
    pub seeds: u32,
    pub slo_p99_s: Option<f64>,
    pub slo_ttft_p99_s: Option<f64>,
    pub slo_tpot_p99_s: Option<f64>,
}

/// One replica of a journaled point (its result kept as JSON, as in a shard file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalReplica {
    pub platform: usize,
    pub seed: u32,
    pub result: Value,
}

/// A finished point: every replica of it that this run (or shard) owns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalRecord {
    pub point: usize,
    pub replicas: Vec<JournalReplica>,
}

/// What identifies a run of a study besides the study itself.
#[derive(Clone, Copy, Debug)]
pub struct RunIdentity<'a> {
    pub command: &'a str,
    pub shard: Option<Shard>,
    pub seed: u64,
    pub seeds: u32,
    pub slo: SloTargets,
}

impl JournalHeader {
    pub fn new(study: &Study, run: RunIdentity) -> JournalHeader {
        JournalHeader {
            servsim_journal: JOURNAL_FORMAT,
            servsim_version: env!("CARGO_PKG_VERSION").to_string(),
            command: run.command.to_string(),
            shard: run.shard,
            scenario_file: study.file.clone(),
            scenario: study.base.clone(),
            parameters: ParamRecord::of(study),
            platforms: study.points[0]
                .platforms
                .iter()
                .map(|p| p.name.clone())
                .collect(),
            seed: run.seed,
            seeds: run.seeds,
            slo_p99_s: run.slo.latency_p99_s,
            slo_ttft_p99_s: run.slo.ttft_p99_s,
            slo_tpot_p99_s: run.slo.tpot_p99_s,
        }
    }

    /// The header as its journal line.
    pub fn line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("a journal header serializes");
        line.push('\n');
        line
    }

    /// Reads line 1 of journal `name`.
    pub fn parse(name: &str, line: &[u8]) -> Result<JournalHeader, SweepError> {
        serde_json::from_slice(line).map_err(|e| {
            SweepError::Journal(format!(
                "{name} line 1: expected the header of a servsim journal (written by sweep or breakeven with --output), found something else: {e}"
            ))
        })
    }

    /// How this run (`self`) differs from the one that wrote `journal`, first difference
    /// first, in words naming the flag or the scenario's JSON path; `None` when it does not.
    pub fn difference(&self, journal: &JournalHeader) -> Option<String> {
        let (now, then) = (self, journal);
        if now.servsim_journal != then.servsim_journal
            || now.servsim_version != then.servsim_version
        {
            return Some(format!(
                "it was written by servsim {} (journal format {}), this is servsim {} (format {})",
                then.servsim_version,
                then.servsim_journal,
                now.servsim_version,
                now.servsim_journal
            ));
        }
        let differs = |(what, a): (&str, String), b: String| {
            (a != b).then(|| format!("{what}: the journal's run has {a}, this one has {b}"))
        };
        let first = |a: Vec<(&str, String)>, b: Vec<(&str, String)>| {
            a.into_iter().zip(b).find_map(|(a, (_, b))| differs(a, b))
        };
        first(then.what_runs(), now.what_runs())
            .or_else(|| {
                let (at, a, b) = json_difference(&then.scenario, &now.scenario, String::new())?;
                let at = if at.is_empty() {
                    "(the whole document)".into()
                } else {
                    at
                };
                differs((&format!("scenario {at}"), a), b)
            })
            .or_else(|| parameters_difference(&then.parameters, &now.parameters))
            .or_else(|| first(then.options(), now.options()))
    }

    /// The command, its shard and the scenario file, each named and shown as in messages.
    fn what_runs(&self) -> Vec<(&'static str, String)> {
        let shard = self
            .shard
            .map_or("no --shard".into(), |s| format!("--shard {s}"));
        vec![
            ("command", self.command.clone()),
            ("shard", shard),
            ("scenario file", format!("{:?}", self.scenario_file)),
        ]
    }

    /// The platforms, seeds and SLO targets, each named and shown as in messages.
    fn options(&self) -> Vec<(&'static str, String)> {
        let slo =
            |flag: &str, s: Option<f64>| s.map_or(format!("no {flag}"), |s| format!("{flag} {s}"));
        vec![
            (
                "platforms",
                format!("platforms {}", self.platforms.join(", ")),
            ),
            ("--seed", format!("--seed {}", self.seed)),
            ("--seeds", format!("--seeds {}", self.seeds)),
            ("--slo-p99", slo("--slo-p99", self.slo_p99_s)),
            ("--slo-ttft-p99", slo("--slo-ttft-p99", self.slo_ttft_p99_s)),
            ("--slo-tpot-p99", slo("--slo-tpot-p99", self.slo_tpot_p99_s)),
        ]
    }
}

/// The first place (a JSON path like `platforms[0].min_containers`) where two documents
/// differ, with each side's value there (`absent` when one side lacks the key).
fn json_difference(a: &Value, b: &Value, at: String) -> Option<(String, String, String)> {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(u), Some(v)) => json_difference(u, v, join(k)),
                (u, v) => Some((join(k), shown(u), shown(v))),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| json_difference(u, v, format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some((at, a.to_string(), b.to_string())),
    }
}

fn shown(v: Option<&Value>) -> String {
    v.map_or("absent".into(), Value::to_string)
}

/// The first swept parameter whose path or values differ.
fn parameters_difference(then: &[ParamRecord], now: &[ParamRecord]) -> Option<String> {
    let paths = |ps: &[ParamRecord]| {
        let list: Vec<String> = ps.iter().map(|p| format!("--param {}", p.path)).collect();
        if list.is_empty() {
            "no --param".into()
        } else {
            list.join(" ")
        }
    };
    if then.len() != now.len() || then.iter().zip(now).any(|(a, b)| a.path != b.path) {
        return Some(format!(
            "parameters: the journal's run has {}, this one has {}",
            paths(then),
            paths(now)
        ));
    }
    let (a, b) = then.iter().zip(now).find(|(a, b)| a.values != b.values)?;
    let at = |v: &[Value], i: usize| shown(v.get(i));
    let i = (0..a.values.len().max(b.values.len()))
        .find(|&i| a.values.get(i) != b.values.get(i))
        .unwrap_or(0);
    Some(format!(
        "values of --param {}: the journal's run has {} values, this one has {}; value {i} is {} there and {} here",
        a.path,
        a.values.len(),
        b.values.len(),
        at(&a.values, i),
        at(&b.values, i)
    ))
}

impl JournalRecord {
    /// The journal line of finished point `point`, serialized straight from the results
    /// (the same JSON as a `JournalRecord`, without building one).
    pub fn line_of(point: usize, results: &[(Job, ReplicaResult)]) -> String {
        #[derive(Serialize)]
        struct Replica<'a> {
            platform: usize,
            seed: u32,
            result: &'a ReplicaResult,
        }
        #[derive(Serialize)]
        struct Record<'a> {
            point: usize,
            replicas: Vec<Replica<'a>>,
        }
        let replicas = results
            .iter()
            .map(|(job, result)| Replica {
                platform: job.platform,
                seed: job.seed,
                result,
            })
            .collect();
        let record = Record { point, replicas };
        let mut line = serde_json::to_string(&record).expect("a journal record serializes");
        line.push('\n');
        line
    }

    /// Reads line `line_no` of journal `name`, which must be the record of point
    /// `expected` holding exactly the replicas `study` runs there, and decodes its results.
    pub fn decode(
        name: &str,
        line_no: usize,
        line: &[u8],
        study: &Study,
        expected: usize,
        run: &RunIdentity,
    ) -> Result<Vec<(Job, ReplicaResult)>, SweepError> {
        let bad = |what: String| SweepError::Journal(format!("{name} line {line_no}: {what}"));
        let record: JournalRecord = serde_json::from_slice(line)
            .map_err(|e| bad(format!("expected the record of a finished point: {e}")))?;
        if expected >= study.points.len() {
            return Err(bad(format!(
                "expected no more records (the study has {} points), found one of point {}",
                study.points.len(),
                record.point
            )));
        }
        if record.point != expected {
            return Err(bad(format!(
                "expected the record of point {expected}, found point {}",
                record.point
            )));
        }
        let want: BTreeSet<(usize, u32)> = study
            .jobs(expected, run.seeds, run.shard)
            .iter()
            .map(|j| (j.platform, j.seed))
            .collect();
        let got: BTreeSet<(usize, u32)> = record
            .replicas
            .iter()
            .map(|r| (r.platform, r.seed))
            .collect();
        if got != want || got.len() != record.replicas.len() {
            return Err(bad(format!(
                "expected the {} replicas (platform × seed) this run has at point {expected}, found {} that differ",
                want.len(),
                record.replicas.len()
            )));
        }
        record
            .replicas
            .into_iter()
            .map(|r| {
                let job = Job {
                    platform: r.platform,
                    seed: r.seed,
                };
                serde_json::from_value::<ReplicaResult>(r.result)
                    .map(|res| (job, res))
                    .map_err(|e| {
                        bad(format!(
                            "point {expected}, platform {}, seed {}: unreadable replica result: {e}",
                            r.platform, r.seed
                        ))
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_differ_at_the_first_path_in_key_order_naming_both_values() {
        let a = json!({"platforms": [{"min": 0, "name": "a"}], "seed": 1});
        let b = json!({"platforms": [{"min": 1, "name": "a"}], "seed": 2});
        assert_eq!(
            json_difference(&a, &b, String::new()),
            Some(("platforms[0].min".into(), "0".into(), "1".into()))
        );
        let c = json!({"platforms": [{"name": "a"}], "seed": 1});
        assert_eq!(
            json_difference(&a, &c, String::new()),
            Some(("platforms[0].min".into(), "0".into(), "absent".into()))
        );
        let d = json!({"platforms": [], "seed": 1});
        assert_eq!(
            json_difference(&a, &d, String::new()),
            Some(("platforms".into(), a["platforms"].to_string(), "[]".into()))
        );
        assert_eq!(json_difference(&a, &a.clone(), String::new()), None);
    }

    #[test]
    fn parameters_differ_by_path_before_values() {
        let p = |path: &str, values: Value| ParamRecord {
            path: path.into(),
            values: values.as_array().unwrap().clone(),
        };
        assert_eq!(
            parameters_difference(&[p("a", json!([1]))], &[p("b", json!([1]))]).unwrap(),
            "parameters: the journal's run has --param a, this one has --param b"
        );
        assert_eq!(
            parameters_difference(&[p("a", json!([1, 2]))], &[p("a", json!([1, 2, 3]))]).unwrap(),
            "values of --param a: the journal's run has 2 values, this one has 3; value 2 is absent there and 3 here"
        );
        assert_eq!(
            parameters_difference(&[p("a", json!([1]))], &[p("a", json!([1]))]),
            None
        );
    }
}
