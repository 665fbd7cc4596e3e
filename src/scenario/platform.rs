//! Reading `platforms` (SPEC §3): each entry becomes a price-free model plus its prices.

use serde_json::Value;

use super::PlatformSpec;
use super::reader::{Errors, Obj, Range, choice, duration, string, tag};
pub(super) use super::serverless::serverless;
use super::{dedicated, hybrid};
use crate::billing::{BillingMode, BillingRule, PriceSheet};
use crate::platform::PlatformModel;
use crate::time::SimDuration;

pub fn platform(v: &Value, path: &str, errs: &mut Errors) -> Option<PlatformSpec> {
    let mut o = Obj::new(v, path, errs)?;
    let name = o.req("name", errs, string);
    // Already expanded (docs/semantics.md#presets); kept as a key so that it is not unknown.
    o.get("preset");
    let kind = tag(&mut o, "type", &["serverless", "dedicated", "hybrid"], errs);
    let parsed = match kind? {
        "serverless" => {
            serverless(&mut o, errs).map(|(model, prices)| Priced::single(model, prices))
        }
        "dedicated" => dedicated::dedicated(&mut o, errs).map(|d| Priced {
            model: PlatformModel::Dedicated(d.cfg),
            prices: d.prices,
            fallback_prices: Some(d.fallback_prices),
            overflow_prices: None,
        }),
        _ => hybrid::hybrid(&mut o, errs),
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
    })
}

/// A platform model with every price sheet it needs.
pub(super) struct Priced {
    pub model: PlatformModel,
    pub prices: PriceSheet,
    pub fallback_prices: Option<PriceSheet>,
    pub overflow_prices: Option<PriceSheet>,
}

impl Priced {
    fn single(model: PlatformModel, prices: PriceSheet) -> Priced {
        Priced {
            model,
            prices,
            fallback_prices: None,
            overflow_prices: None,
        }
    }
}

pub(super) fn rule(mode: BillingMode, granularity_s: f64, minimum_s: f64) -> BillingRule {
    BillingRule {
        mode,
        granularity: SimDuration::from_secs_f64(granularity_s),
        minimum: SimDuration::from_secs_f64(minimum_s),
    }
}

/// `billing`: `{mode, granularity_s, minimum_s}` (serverless) or without `mode` (dedicated).
pub(super) fn billing(
    v: &Value,
    path: &str,
    errs: &mut Errors,
    with_mode: bool,
    default_granularity_s: f64,
) -> Option<BillingRule> {
    let mut o = Obj::new(v, path, errs)?;
    let mode = if with_mode {
        o.or(
            "mode",
            "lifetime",
            errs,
            choice(&["lifetime", "after_startup", "busy_only"]),
        )
    } else {
        "lifetime"
    };
    let granularity_s = o.or(
        "granularity_s",
        default_granularity_s,
        errs,
        duration(Range::NonNegative),
    );
    let minimum_s = o.or("minimum_s", 0.0, errs, duration(Range::NonNegative));
    o.finish(errs);
    let mode = match mode {
        "after_startup" => BillingMode::AfterStartup,
        "busy_only" => BillingMode::BusyOnly,
        _ => BillingMode::Lifetime,
    };
    Some(rule(mode, granularity_s, minimum_s))
}
