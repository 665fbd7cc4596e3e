//! Reading `hybrid` platforms (docs/semantics.md#hybrid-routing): a dedicated `base`, a serverless `overflow`
//! and the `overflow_when` rule.
//!
//! The parts are written like the platforms they are, without `name` (the hybrid has
//! one); `type` may be given for readability and must then name the part's type.

use serde_json::Value;

use super::dedicated::dedicated;
use super::engine::Batching;
use super::keys::{DEDICATED, OVERFLOW_WHEN, SERVERLESS, Table};
use super::reader::{Errors, Obj};
use super::serverless::serverless;
use crate::billing::PriceSheet;
use crate::platform::{HybridConfig, OverflowWhen, PlatformModel};

/// A hybrid and the prices of its parts.
pub(super) struct ParsedHybrid {
    pub cfg: HybridConfig,
    pub base_prices: PriceSheet,
    /// On-demand prices of the base's spot fallback instances.
    pub fallback_prices: PriceSheet,
    pub overflow_prices: PriceSheet,
}

pub(super) fn hybrid(o: &mut Obj, errs: &mut Errors, ctx: &Batching) -> Option<ParsedHybrid> {
    let base = o.req_with("base", errs, |v, p, e| {
        part(v, p, e, &DEDICATED, |o, e| dedicated(o, e, ctx))
    });
    let overflow = o.req_with("overflow", errs, |v, p, e| {
        part(v, p, e, &SERVERLESS, |o, e| serverless(o, e, ctx))
    });
    let when = o.req_with("overflow_when", errs, overflow_when);
    let (base, (overflow, overflow_prices), when) = (base?, overflow?, when?);
    let PlatformModel::Serverless(overflow) = overflow else {
        unreachable!("serverless() reads a serverless platform")
    };
    Some(ParsedHybrid {
        cfg: HybridConfig {
            base: base.cfg,
            overflow,
            when,
        },
        base_prices: base.prices,
        fallback_prices: base.fallback_prices,
        overflow_prices,
    })
}

/// One part: an object of `table` read by `parse`, with an optional `type` that must
/// name the table's variant.
fn part<T>(
    v: &Value,
    path: &str,
    errs: &mut Errors,
    table: &'static Table,
    parse: impl FnOnce(&mut Obj, &mut Errors) -> Option<T>,
) -> Option<T> {
    let mut o = Obj::new(v, path, table, errs)?;
    let kind_ok = o.own_tag(errs);
    let parsed = parse(&mut o, errs);
    o.finish(errs);
    kind_ok?;
    parsed
}

/// Exactly one of the table's `exactly_one` pair.
fn overflow_when(v: &Value, path: &str, errs: &mut Errors) -> Option<OverflowWhen> {
    let mut o = Obj::new(v, path, &OVERFLOW_WHEN, errs)?;
    let wait = o.opt::<f64>("queue_wait_s", errs);
    let length = o.opt::<u64>("queue_length", errs);
    o.finish(errs);
    match (wait?, length?) {
        (Some(w), None) => Some(OverflowWhen::QueueWaitS(w)),
        (None, Some(n)) => Some(OverflowWhen::QueueLength(n)),
        (both, _) => {
            let found = if both.is_some() { "both" } else { "neither" };
            errs.push(
                path,
                format!("expected exactly one of queue_wait_s or queue_length, found {found}"),
            );
            None
        }
    }
}
