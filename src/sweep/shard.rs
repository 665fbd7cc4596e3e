//! Shards: `--shard K/N` runs a deterministic 1/N of the (point × seed) work and keeps
//! every replica's raw result (histograms in HdrHistogram V2 encoding); `merge` checks
//! that the parts belong together and cover everything exactly once, then summarises
//! them exactly as the unsharded run does, so the output is byte-identical.
//!
//! Work unit u = point × seeds + seed goes to shard (u mod N) + 1: consecutive seeds of a
//! point land on different shards, which balances points of unequal cost.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Param, ParamPath, SloTargets, Study, SweepError, SweepReport, group_by_platform};
use crate::experiment::{Job, ReplicaResult, RunReport};
use crate::metrics::Bins;

/// Version of the shard file layout.
pub const SHARD_FORMAT: u32 = 1;

/// Shard `index` of `count` (1-based, as Slurm array ids and `K/N` are written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("expected K/N with 1 ≤ K ≤ N (like 2/8), found {text:?}");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse::<u32>().map_err(|_| bad())?,
            n.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether this shard runs seed `seed` of point `point`.
    pub fn owns(&self, point: usize, seed: u32, seeds: u32) -> bool {
        let unit = point as u64 * seeds as u64 + seed as u64;
        unit % self.count as u64 == (self.index - 1) as u64
    }
}

/// Which command a shard belongs to, and so what `merge` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShardCommand {
    Run,
    Sweep,
}

/// A swept parameter as written in a shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamRecord {
    pub path: String,
    pub values: Vec<Value>,
}

impl ParamRecord {
    /// The parameters of `study` and their values, as shard files and journals record them.
    pub fn of(study: &Study) -> Vec<ParamRecord> {
        (study.grid.params.iter())
            .map(|p| ParamRecord {
                path: p.path.to_string(),
                values: p.values.clone(),
            })
            .collect()
    }
}

/// One replica's raw result (kept as JSON until merge needs it, to bound memory).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardReplica {
    pub point: usize,
    pub platform: usize,
    pub seed: u32,
    pub result: Value,
}

/// A partial result: everything `merge` needs to rebuild the study and its report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    pub servsim_shard: u32,
    pub servsim_version: String,
    pub command: ShardCommand,
    pub shard: Shard,
    pub scenario_file: String,
    pub scenario: Value,
    pub parameters: Vec<ParamRecord>,
    pub seed: u64,
    pub seeds: u32,
    pub slo_p99_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slo_ttft_p99_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slo_tpot_p99_s: Option<f64>,
    /// The bins of the timeline the replicas recorded (`run --shard --timeline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Bins>,
    pub replicas: Vec<ShardReplica>,
}

impl ShardFile {
    /// An empty shard of `study`, to which finished points are added.
    pub fn new(
        study: &Study,
        command: ShardCommand,
        shard: Shard,
        seed: u64,
        seeds: u32,
        slo: SloTargets,
    ) -> ShardFile {
        ShardFile {
            servsim_shard: SHARD_FORMAT,
            servsim_version: env!("CARGO_PKG_VERSION").to_string(),
            command,
            shard,
            scenario_file: study.file.clone(),
            scenario: study.base.clone(),
            parameters: ParamRecord::of(study),
            seed,
            seeds,
            slo_p99_s: slo.latency_p99_s,
            slo_ttft_p99_s: slo.ttft_p99_s,
            slo_tpot_p99_s: slo.tpot_p99_s,
            timeline: study.points.first().and_then(|p| p.timeline),
            replicas: Vec::new(),
        }
    }

    /// Adds a finished point's replicas.
    pub fn push(&mut self, point: usize, results: Vec<(Job, ReplicaResult)>) {
        for (job, result) in results {
            self.replicas.push(ShardReplica {
                point,
                platform: job.platform,
                seed: job.seed,
                result: serde_json::to_value(&result).expect("replica results serialize"),
            });
        }
    }

    /// The fields every part of one run must share, as (name, value) for messages.
    fn header(&self) -> Vec<(&'static str, Value)> {
        fn v<T: Serialize>(x: &T) -> Value {
            serde_json::to_value(x).expect("shard header fields serialize")
        }
        vec![
            ("servsim_shard", v(&self.servsim_shard)),
            ("servsim_version", v(&self.servsim_version)),
            ("command", v(&self.command)),
            ("shard count", v(&self.shard.count)),
            ("scenario_file", v(&self.scenario_file)),
            ("scenario", v(&self.scenario)),
            ("parameters", v(&self.parameters)),
            ("seed", v(&self.seed)),
            ("seeds", v(&self.seeds)),
            ("slo_p99_s", v(&self.slo_p99_s)),
            ("slo_ttft_p99_s", v(&self.slo_ttft_p99_s)),
            ("slo_tpot_p99_s", v(&self.slo_tpot_p99_s)),
            ("timeline", v(&self.timeline)),
        ]
    }
}

/// What the parts merge into.
#[derive(Debug)]
pub enum Merged {
    Run(RunReport),
    Sweep(SweepReport),
}

/// Merges shard files (each with the name it is reported under) into the report the
/// unsharded command would have printed.
pub fn merge(mut parts: Vec<(String, ShardFile)>) -> Result<Merged, SweepError> {
    check_belong_together(&parts)?;
    check_shard_indices(&parts)?;
    let first = &parts[0].1;
    let slo = SloTargets {
        latency_p99_s: first.slo_p99_s,
        ttft_p99_s: first.slo_ttft_p99_s,
        tpot_p99_s: first.slo_tpot_p99_s,
    };
    let (command, seed, seeds) = (first.command, first.seed, first.seeds);
    let study = rebuild_study(first)?;
    let mut by_point: Vec<Vec<(Job, ReplicaResult)>> =
        study.points.iter().map(|_| Vec::new()).collect();
    for (name, part) in &mut parts {
        check_complete(name, part, &study)?;
        for r in std::mem::take(&mut part.replicas) {
            let point = r.point;
            by_point[point].push(decode(name, &study, r)?);
        }
    }
    if command == ShardCommand::Run {
        let results = by_point.pop().unwrap_or_default();
        let s = &study.points[0];
        let grouped = group_by_platform(s.platforms.len(), results);
        return Ok(Merged::Run(RunReport::judged(s, seed, &grouped, slo)));
    }
    let mut sweep = SweepReport::new(&study, seed, seeds, slo);
    for (i, results) in by_point.into_iter().enumerate() {
        sweep.push(study.point_report(i, results, slo));
    }
    Ok(Merged::Sweep(sweep))
}

/// Same servsim, same shard format, same study: only the shard index may differ.
fn check_belong_together(parts: &[(String, ShardFile)]) -> Result<(), SweepError> {
    let bad = |m: String| Err(SweepError::Shard(m));
    let Some((first_name, first)) = parts.first() else {
        return bad("expected at least one shard file".into());
    };
    let version = env!("CARGO_PKG_VERSION");
    if first.servsim_shard != SHARD_FORMAT || first.servsim_version != version {
        return bad(format!(
            "{first_name}: made by servsim {} (shard format {}), this is servsim {version} (format {SHARD_FORMAT}); merge with the version that ran the shards",
            first.servsim_version, first.servsim_shard
        ));
    }
    let header = first.header();
    for (name, part) in &parts[1..] {
        for ((field, want), (_, got)) in header.iter().zip(part.header()) {
            if *want != got {
                return bad(format!(
                    "{name} does not belong with {first_name}: their {field} differ"
                ));
            }
        }
    }
    Ok(())
}

/// The study exactly as the shards ran it (same document, same grid, validated again).
fn rebuild_study(part: &ShardFile) -> Result<Study, SweepError> {
    let params = part
        .parameters
        .iter()
        .map(|p| {
            Ok(Param {
                path: ParamPath::parse(&p.path)?,
                values: p.values.clone(),
            })
        })
        .collect::<Result<Vec<_>, SweepError>>()?;
    Study::new(part.scenario.clone(), &part.scenario_file, params)
}

/// One replica of shard file `name` (already checked to be one of the study's), or an
/// error naming the file, the point, the platform and the seed.
fn decode(name: &str, study: &Study, r: ShardReplica) -> Result<(Job, ReplicaResult), SweepError> {
    let job = Job {
        platform: r.platform,
        seed: r.seed,
    };
    serde_json::from_value::<ReplicaResult>(r.result)
        .map(|res| (job, res))
        .map_err(|e| {
            SweepError::Shard(format!(
                "{name}: point {}, platform {:?}, seed {}: unreadable replica result: {e}",
                r.point, study.points[r.point].platforms[r.platform].name, r.seed
            ))
        })
}

/// Every shard 1..=N exactly once.
fn check_shard_indices(parts: &[(String, ShardFile)]) -> Result<(), SweepError> {
    let n = parts[0].1.shard.count;
    let mut seen: Vec<Option<&str>> = vec![None; n as usize];
    for (name, part) in parts {
        let slot = &mut seen[(part.shard.index - 1) as usize];
        if let Some(other) = slot {
            return Err(SweepError::Shard(format!(
                "shard {} is given twice: {other} and {name}",
                part.shard
            )));
        }
        *slot = Some(name);
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| seen[(*k - 1) as usize].is_none())
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Shard(format!(
            "missing shard{} {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )));
    }
    Ok(())
}

/// A part holds exactly the replicas its shard owns (a run that died leaves fewer).
fn check_complete(name: &str, part: &ShardFile, study: &Study) -> Result<(), SweepError> {
    let expected: BTreeSet<(usize, usize, u32)> = (0..study.points.len())
        .flat_map(|i| {
            study
                .jobs(i, part.seeds, Some(part.shard))
                .into_iter()
                .map(move |j| (i, j.platform, j.seed))
        })
        .collect();
    let got: BTreeSet<(usize, usize, u32)> = part
        .replicas
        .iter()
        .map(|r| (r.point, r.platform, r.seed))
        .collect();
    if got.len() != part.replicas.len() || !got.is_subset(&expected) {
        return Err(SweepError::Shard(format!(
            "{name}: holds replicas that are not shard {}'s, or some twice",
            part.shard
        )));
    }
    if got.len() < expected.len() {
        return Err(SweepError::Shard(format!(
            "{name}: shard {} is incomplete: {} of its {} replicas (was its run interrupted?)",
            part.shard,
            got.len(),
            expected.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_work_into_disjoint_covering_parts() {
        let n = 3;
        let shards: Vec<Shard> = (1..=n).map(|k| Shard { index: k, count: n }).collect();
        for point in 0..4 {
            for seed in 0..5 {
                assert_eq!(shards.iter().filter(|s| s.owns(point, seed, 5)).count(), 1);
            }
        }
    }

    #[test]
    fn shard_specs_are_k_of_n() {
        assert_eq!(
            "2/8".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 8 }
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
