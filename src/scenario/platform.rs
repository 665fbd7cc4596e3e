//! Reading `platforms` (docs/scenarios.md): each entry becomes a price-free model plus its prices.

use serde_json::Value;

use super::PlatformSpec;
use super::engine::Batching;
use super::keys::PLATFORM;
use super::keys::Ty;
use super::reader::{Errors, Obj, scalar};
use super::{dedicated, hybrid, serverless};
use crate::platform::PlatformModel;
use crate::workload::{Checkpointing, JobSpec};

pub fn platform(v: &Value, path: &str, errs: &mut Errors, ctx: &Batching) -> Option<PlatformSpec> {
    let mut o = Obj::tagged(v, path, &PLATFORM, errs)?;
    let name: Option<String> = o.req("name", errs);
    let checkpoint = o.opt_with("checkpoint", errs, checkpoint);
    let kind = o.variant(errs)?;
    let parsed = match kind {
        "serverless" => serverless::serverless(&mut o, errs, ctx).map(|(model, prices)| Priced {
            model,
            prices,
            fallback_prices: None,
            overflow_prices: None,
        }),
        "dedicated" => dedicated::dedicated(&mut o, errs, ctx).map(|d| Priced {
            model: PlatformModel::Dedicated(d.cfg),
            prices: d.prices,
            fallback_prices: Some(d.fallback_prices),
            overflow_prices: None,
        }),
        "hybrid" => hybrid::hybrid(&mut o, errs, ctx).map(|h| Priced {
            model: PlatformModel::Hybrid(h.cfg),
            prices: h.base_prices,
            fallback_prices: Some(h.fallback_prices),
            overflow_prices: Some(h.overflow_prices),
        }),
        other => unreachable!("platform type {other:?} has no reader"),
    };
    o.finish(errs);
    let p = parsed?;
    Some(PlatformSpec {
        name: name?,
        model: p.model,
        prices: p.prices,
        fallback_prices: p.fallback_prices,
        overflow_prices: p.overflow_prices,
        preset: None,
        jobs: checkpoint?.map(|checkpoint| JobSpec { checkpoint }),
    })
}

impl PlatformSpec {
    /// How this platform runs the jobs of `s`'s workload, if it is a `jobs` workload.
    pub fn jobs<'a>(&'a self, s: &'a super::Scenario) -> Option<&'a JobSpec> {
        let own = self.jobs.as_ref();
        s.workload.jobs.as_ref().map(|w| own.unwrap_or(w))
    }
}

/// A platform's own `checkpoint`: a block, or `"none"`.
fn checkpoint(v: &Value, path: &str, errs: &mut Errors) -> Option<Option<Checkpointing>> {
    match v {
        Value::String(_) => {
            static NONE: Ty = Ty::Choice(&["none"]);
            scalar::<&str>(v, &NONE, path, errs).map(|_| None)
        }
        _ => super::workload::checkpoint(v, path, errs).map(Some),
    }
}

/// A platform model with every price sheet it needs.
struct Priced {
    model: PlatformModel,
    prices: crate::billing::PriceSheet,
    fallback_prices: Option<crate::billing::PriceSheet>,
    overflow_prices: Option<crate::billing::PriceSheet>,
}
