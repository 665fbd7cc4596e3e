//! Sweeps: grids of scenario variants built by index, every point run with all seeds on
//! the same common random numbers (so curves are smooth and paired), the cheapest point
//! under a p99 SLO, break-even search between two platforms, and shards of the
//! (point × seed) work that `merge` recombines exactly.
//!
//! Deliberately knows nothing about file formats or the command line: it edits JSON
//! documents, runs `experiment` replicas and returns reports as data.

pub(crate) mod best;
pub(crate) mod breakeven;
pub(crate) mod grid;
pub(crate) mod journal;
pub(crate) mod path;
pub(crate) mod shard;

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

pub use best::{Best, SloTargets};
pub use breakeven::{BreakEven, BreakEvenReport, Crossing};
pub use grid::{Grid, Param, Range, parse_values};
pub use journal::{JournalHeader, JournalRecord, RunIdentity};
pub use path::{ParamPath, PathError};
pub use shard::{Shard, ShardFile};

use crate::experiment::{
    Cheapest, Job, PlatformSummary, ReplicaResult, RunError, RunOptions, Workers,
    cost_usd_per_month, run_jobs, summarize, verdict,
};
use crate::scenario::Scenario;

/// Why a sweep cannot be set up or merged; all of these are bad input (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Path(#[from] PathError),
    /// A grid point's scenario is invalid; the message names the file, the point and the
    /// JSON path.
    #[error("{0}")]
    Point(String),
    #[error("{0}")]
    Platform(String),
    #[error("{0}")]
    Shard(String),
    /// A journal to resume from is not this study's, or is damaged before its last line.
    #[error("{0}")]
    Journal(String),
    /// The grid has more points than can be validated and held.
    #[error("{0}")]
    Grid(String),
}

/// The most points a grid may have: each is a validated scenario held for the whole run,
/// and the product of a few 100,000-value ranges would not fit in memory.
pub const MAX_GRID_POINTS: usize = 100_000;

/// A scenario and a grid of edits to it, every point validated before anything runs.
#[derive(Clone, Debug)]
pub struct Study {
    /// How the scenario is named in messages (its file).
    pub file: String,
    /// The scenario document as read, before any edit.
    pub base: Value,
    pub grid: Grid,
    /// The validated scenario of each grid point, in grid order.
    pub points: Vec<Scenario>,
}

impl Study {
    /// Applies every grid point to `base` and validates it; the first invalid point is an
    /// error naming the file, the point's values and the JSON path.
    pub fn new(base: Value, file: &str, params: Vec<Param>) -> Result<Study, SweepError> {
        for p in &params {
            let path = p.path.to_string();
            if path == "seed" || path == "seeds" {
                return Err(SweepError::Path(PathError {
                    path,
                    reason: "every point runs the same seeds (that is what pairs them); use --seed or --seeds".into(),
                }));
            }
        }
        let sizes: Vec<String> = params.iter().map(|p| p.values.len().to_string()).collect();
        let points_count = params
            .iter()
            .try_fold(1usize, |n, p| n.checked_mul(p.values.len()))
            .filter(|&n| n <= MAX_GRID_POINTS);
        if points_count.is_none() {
            return Err(SweepError::Grid(format!(
                "expected a grid of at most {MAX_GRID_POINTS} points, found {} values",
                sizes.join(" × ")
            )));
        }
        let grid = Grid { params };
        let mut points = Vec::with_capacity(grid.len());
        for i in 0..grid.len() {
            let mut doc = base.clone();
            for (param, k) in grid.params.iter().zip(grid.indices(i)) {
                param.path.apply(&mut doc, param.values[k].clone())?;
            }
            // The file name stays as it is (relative paths inside resolve against it);
            // the point is named in front of the message instead.
            let scenario = Scenario::from_value(&doc, file).map_err(|e| {
                SweepError::Point(if grid.params.is_empty() {
                    e.to_string()
                } else {
                    format!(
                        "at grid point {i} ({}):\n{e}",
                        describe_values(&grid.values(i))
                    )
                })
            })?;
            points.push(scenario);
        }
        Ok(Study {
            file: file.to_string(),
            base,
            grid,
            points,
        })
    }

    /// Keeps only the named platforms, in the order given (break-even runs just two).
    pub fn retain_platforms(&mut self, names: &[&str]) -> Result<(), SweepError> {
        let known: Vec<String> = self.points[0]
            .platforms
            .iter()
            .map(|p| p.name.clone())
            .collect();
        for name in names {
            if !known.iter().any(|k| k == name) {
                return Err(SweepError::Platform(format!(
                    "--between: {} has no platform {name:?} (it has: {})",
                    self.file,
                    known.join(", ")
                )));
            }
        }
        for s in &mut self.points {
            let mut kept = Vec::new();
            for name in names {
                if let Some(p) = s.platforms.iter().find(|p| p.name == *name) {
                    kept.push(p.clone());
                }
            }
            s.platforms = kept;
        }
        Ok(())
    }

    /// The replicas of point `i` this shard runs (all of them without a shard), grouped
    /// by platform, in seed order.
    pub fn jobs(&self, i: usize, seeds: u32, shard: Option<Shard>) -> Vec<Job> {
        let platforms = self.points[i].platforms.len();
        (0..platforms)
            .flat_map(|p| {
                (0..seeds).map(move |r| Job {
                    platform: p,
                    seed: r,
                })
            })
            .filter(|j| shard.is_none_or(|s| s.owns(i, j.seed, seeds)))
            .collect()
    }

    /// How many replicas a (sharded) run of the whole grid has.
    pub fn replica_count(&self, seeds: u32, shard: Option<Shard>) -> usize {
        (0..self.points.len())
            .map(|i| self.jobs(i, seeds, shard).len())
            .sum()
    }

    /// Runs the grid point by point (replicas of a point in parallel), calling `tick` after
    /// each replica and `on_point` with each point's results as it finishes, in grid order.
    pub fn run(
        &self,
        opts: RunOptions,
        shard: Option<Shard>,
        tick: &(dyn Fn() + Sync),
        on_point: impl FnMut(usize, Vec<(Job, ReplicaResult)>),
    ) -> Result<(), RunError> {
        self.run_from(0, opts, shard, tick, on_point)
    }

    /// As `run`, from point `first` on (the points before it finished in an earlier run:
    /// every point depends only on the scenario, its values and the seeds).
    pub fn run_from(
        &self,
        first: usize,
        opts: RunOptions,
        shard: Option<Shard>,
        tick: &(dyn Fn() + Sync),
        mut on_point: impl FnMut(usize, Vec<(Job, ReplicaResult)>),
    ) -> Result<(), RunError> {
        let workers = Workers::new(opts.threads)?;
        for i in first..self.points.len() {
            let jobs = self.jobs(i, opts.seeds, shard);
            let results = workers.install(|| run_jobs(&self.points[i], &jobs, opts.seed, tick))?;
            on_point(i, jobs.into_iter().zip(results).collect());
        }
        Ok(())
    }

    /// The summary of point `i` from all its replicas (any order in, seed order used),
    /// judged against `flags`, each over the point's own `slo` of its kind.
    pub fn point_report(
        &self,
        i: usize,
        results: Vec<(Job, ReplicaResult)>,
        flags: SloTargets,
    ) -> PointReport {
        let s = &self.points[i];
        let mut platforms = Vec::with_capacity(s.platforms.len());
        let mut seed_costs = Vec::with_capacity(s.platforms.len());
        let groups = group_by_platform(s.platforms.len(), results);
        for (spec, rs) in s.platforms.iter().zip(&groups) {
            seed_costs.push(rs.iter().map(|r| cost_usd_per_month(s, r)).collect());
            platforms.push(summarize(spec, s, rs));
        }
        let targets = flags.over(&s.slo);
        let cheapest_meeting_slo = verdict::judge(&mut platforms, &targets);
        PointReport {
            values: PointValues(self.grid.values(i)),
            platforms,
            cheapest_meeting_slo,
            seed_costs,
            targets,
        }
    }
}

/// Replica results grouped by platform, each group in seed order (whatever order they
/// finished or were merged in).
pub fn group_by_platform(
    platforms: usize,
    mut results: Vec<(Job, ReplicaResult)>,
) -> Vec<Vec<ReplicaResult>> {
    results.sort_by_key(|(j, _)| (j.platform, j.seed));
    let mut groups: Vec<Vec<ReplicaResult>> = (0..platforms).map(|_| Vec::new()).collect();
    for (j, r) in results {
        groups[j.platform].push(r);
    }
    groups
}

/// `a = 1, b = "x"`.
pub fn describe_values(values: &[(String, Value)]) -> String {
    values
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A point's parameter values, serialized as an object keyed by path in parameter order.
#[derive(Clone, Debug, PartialEq)]
pub struct PointValues(pub Vec<(String, Value)>);

impl Serialize for PointValues {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One grid point: its values and every platform's summary (as in `run`).
#[derive(Clone, Debug, Serialize)]
pub struct PointReport {
    pub values: PointValues,
    pub platforms: Vec<PlatformSummary>,
    /// With an SLO: the cheapest platform meeting it at this point, or null when none does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cheapest_meeting_slo: Option<Option<Cheapest>>,
    /// Per platform, each seed's `cost_usd_per_month`: the paired samples break-even needs.
    #[serde(skip)]
    pub seed_costs: Vec<Vec<f64>>,
    /// The targets the point was judged against (its own `slo` under the flags; not a
    /// JSON key).
    #[serde(skip)]
    pub targets: SloTargets,
}

/// What `sweep` reports (docs/guide.md): `{parameters, points, best}` after the run's header.
#[derive(Clone, Debug, Serialize)]
pub struct SweepReport {
    pub servsim_version: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub seeds: u32,
    pub parameters: Vec<String>,
    pub points: Vec<PointReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_p99_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_ttft_p99_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_tpot_p99_s: Option<f64>,
    /// With an SLO (`--slo-p99`, `--slo-ttft-p99`, `--slo-tpot-p99` or the scenario's
    /// `slo`): per platform, the cheapest point meeting every target given (or null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best: Option<Vec<Option<Best>>>,
}

impl SweepReport {
    /// An empty report of `study`, to which finished points are added in grid order;
    /// `flags` are the `--slo-*` targets, each over the scenario's `slo` of its kind.
    pub fn new(study: &Study, seed: u64, seeds: u32, flags: SloTargets) -> SweepReport {
        let slo = flags.over(&study.points[0].slo);
        SweepReport {
            servsim_version: env!("CARGO_PKG_VERSION"),
            scenario: study.points[0].name.clone(),
            seed,
            seeds,
            parameters: study
                .grid
                .params
                .iter()
                .map(|p| p.path.to_string())
                .collect(),
            points: Vec::new(),
            slo_p99_s: slo.latency_p99_s,
            slo_ttft_p99_s: slo.ttft_p99_s,
            slo_tpot_p99_s: slo.tpot_p99_s,
            best: slo.is_set().then(Vec::new),
        }
    }

    /// Adds the next finished point (judged by `Study::point_report`) and updates `best`.
    pub fn push(&mut self, point: PointReport) {
        self.points.push(point);
        if self.best.is_some() || self.points.iter().any(|p| p.targets.is_set()) {
            self.best = Some(best::cheapest(&self.points));
        }
    }

    /// The targets of the report (those of its first point; a sweep of `slo` itself
    /// judges each point by its own).
    pub fn slo(&self) -> SloTargets {
        SloTargets {
            latency_p99_s: self.slo_p99_s,
            ttft_p99_s: self.slo_ttft_p99_s,
            tpot_p99_s: self.slo_tpot_p99_s,
        }
    }
}
