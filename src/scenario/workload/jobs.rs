//! Reading a `jobs` workload (docs/semantics.md#long-jobs): its arrivals or count, the
//! work of a job and its checkpoints.

use std::path::Path;

use serde_json::Value;

use super::super::keys::{CHECKPOINT, JOBS};
use super::super::reader::{Errors, Obj, join};
use super::{arrivals, dist, profile};
use crate::platform::PlatformModel;
use crate::time::SimDuration;
use crate::workload::arrivals::Bursts;
use crate::workload::{ArrivalProcess, Checkpointing, JobSpec, Service, Workload};

/// A workload whose `jobs` key is given; `o` is the workload object.
pub(super) fn workload(mut o: Obj, errs: &mut Errors, base: &Path) -> Option<Workload> {
    for (key, message) in [
        (
            "arrivals",
            "expected no arrivals beside jobs (a jobs workload gives them in jobs.arrivals), found both",
        ),
        (
            "service",
            "expected no service beside jobs (a job's work is jobs.work), found both",
        ),
    ] {
        o.opt_with(key, errs, |_, p, e| {
            e.push(p, message);
            None::<()>
        });
    }
    let rate_profile = o.opt_with("rate_profile", errs, profile::rate_profile);
    // A job waits until a slot frees: giving up would drop it unseen from the queue.
    let timeout: Option<Option<f64>> = o.opt("timeout_s", errs);
    if let Some(Some(t)) = timeout {
        errs.push(
            &o.at("timeout_s"),
            format!("expected no timeout_s with jobs (a job waits until a slot frees), found {t}"),
        );
    }
    let profile_path = o.at("rate_profile");
    let jobs = o.opt_with("jobs", errs, |v, p, e| jobs(v, p, e, base));
    o.finish(errs);
    let (arrivals, work, spec) = jobs??;
    if timeout != Some(None) {
        return None;
    }
    let rate_profile = rate_profile?;
    if rate_profile.is_some() && !arrivals.iter().any(ArrivalProcess::is_modulated) {
        errs.push(&profile_path, "expected a poisson, gamma, mmpp or periodic process in jobs.arrivals for the profile to modulate, found only bursts, traces or a count");
        return None;
    }
    Some(Workload {
        arrivals,
        rate_profile,
        service: Some(Service::Dist(work)),
        timeout: None,
        jobs: Some(spec),
    })
}

type Jobs = (Vec<ArrivalProcess>, crate::workload::Dist, JobSpec);

fn jobs(v: &Value, path: &str, errs: &mut Errors, base: &Path) -> Option<Jobs> {
    let mut o = Obj::new(v, path, &JOBS, errs)?;
    let arrivals_path = o.at("arrivals");
    let work_path = o.at("work");
    let given = o.opt_with("arrivals", errs, |v, p, e| arrivals(v, p, e, base));
    let count: Option<Option<u64>> = o.opt("count", errs);
    let work = o.req_with("work", errs, dist);
    let checkpoint = o.opt_with("checkpoint", errs, checkpoint);
    o.finish(errs);
    let arrivals = match (given?, count?) {
        (Some(a), None) => a,
        // Every job at t = 0: one burst, the next one never comes.
        (None, Some(count)) => vec![ArrivalProcess::Bursts(Bursts {
            every: SimDuration(u64::MAX),
            offset: SimDuration::ZERO,
            count,
            spacing: SimDuration::ZERO,
        })],
        (Some(_), Some(_)) => {
            errs.push(path, "expected one of arrivals or count, found both");
            return None;
        }
        (None, None) => {
            errs.push(&arrivals_path, "missing required key (or count)");
            return None;
        }
    };
    let ok = no_token_traces(&arrivals, &arrivals_path, errs);
    let work = work?;
    if work.mean() <= 0.0 {
        errs.push(
            &work_path,
            format!("expected work with a mean > 0 s, found {}", work.mean()),
        );
        return None;
    }
    let spec = JobSpec {
        checkpoint: checkpoint?,
    };
    ok.then_some((arrivals, work, spec))
}

/// A job's work is seconds: a trace may record it (`service_s`), never token counts.
fn no_token_traces(arrivals: &[ArrivalProcess], path: &str, errs: &mut Errors) -> bool {
    let mut ok = true;
    for (i, p) in arrivals.iter().enumerate() {
        if let ArrivalProcess::Trace(t) = p
            && t.has_tokens()
        {
            let at = match arrivals.len() {
                1 => path.to_string(),
                _ => super::index(path, i),
            };
            errs.push(&at, "expected a trace of timestamps (csv, optionally with service_s as the work) or azure_functions_2019 for jobs, found azure_llm token counts");
            ok = false;
        }
    }
    ok
}

/// A `checkpoint` block (of `jobs`, or of a platform).
pub fn checkpoint(v: &Value, path: &str, errs: &mut Errors) -> Option<Checkpointing> {
    let mut o = Obj::new(v, path, &CHECKPOINT, errs)?;
    let interval: Option<f64> = o.req("interval_s", errs);
    let cost = o.req_with("cost", errs, dist);
    let restore = o.req_with("restore", errs, dist);
    o.finish(errs);
    Some(Checkpointing {
        interval: SimDuration::from_secs_f64(interval?),
        cost: cost?,
        restore: restore?,
    })
}

/// What a jobs workload asks of its platforms: on serverless, and a hybrid's
/// overflow, an execution timeout a checkpoint interval fits in.
pub fn check_platforms(
    w: &Workload,
    platforms: &[crate::scenario::PlatformSpec],
    platforms_path: &str,
    errs: &mut Errors,
) -> bool {
    let before = errs.0.len();
    for (i, p) in platforms.iter().enumerate() {
        let at = super::index(platforms_path, i);
        let Some(workload) = &w.jobs else {
            if p.jobs.is_some() {
                errs.push(
                    &join(&at, "checkpoint"),
                    "expected no checkpoint without a jobs workload (workload.jobs), found one",
                );
            }
            continue;
        };
        let own = p.jobs.as_ref();
        let (spec, origin) = match own {
            Some(s) => (s, join(&at, "checkpoint")),
            None => (workload, "workload.jobs.checkpoint".to_string()),
        };
        match (&p.model, &spec.checkpoint) {
            (PlatformModel::Hybrid(h), Some(c)) => fits_timeout(
                c,
                h.overflow.execution_timeout,
                (&join(&at, "overflow"), &origin),
                errs,
            ),
            (PlatformModel::Serverless(cfg), Some(c)) => {
                fits_timeout(c, cfg.execution_timeout, (&at, &origin), errs)
            }
            _ => {}
        }
    }
    errs.0.len() == before
}

/// A resumed execution restores, works an interval and checkpoints: the three (at their
/// means) must fit in one execution; `at` is the platform's path, `origin` the path of the
/// checkpoint block.
fn fits_timeout(
    c: &Checkpointing,
    timeout: SimDuration,
    (at, origin): (&str, &str),
    errs: &mut Errors,
) {
    let needed = c.interval.as_secs_f64() + c.cost.mean() + c.restore.mean();
    let timeout = timeout.as_secs_f64();
    if needed > timeout {
        errs.push(
            &join(at, "execution_timeout_s"),
            format!(
                "expected at least {} + mean {} + mean {} = {needed} s so that a resumed job can save its progress within one execution, found {timeout} s (a job would never finish)",
                join(origin, "interval_s"),
                join(origin, "cost"),
                join(origin, "restore"),
            ),
        );
    }
}
