//! Reading `hybrid` platforms (SPEC §3.3): a dedicated `base`, a serverless `overflow`
//! and the `overflow_when` rule.
//!
//! The parts are written like the platforms they are, without `name` (the hybrid has
//! one); `type` may be given for readability and must then name the part's type.

use serde_json::Value;

use super::dedicated::dedicated;
use super::platform::{Priced, serverless};
use super::reader::{Errors, Obj, Range, choice, count, duration};
use crate::platform::{HybridConfig, OverflowWhen, PlatformModel};

pub(super) fn hybrid(o: &mut Obj, errs: &mut Errors) -> Option<Priced> {
    let base = o.req("base", errs, |v, p, e| {
        part(v, p, e, &["dedicated"], dedicated)
    });
    let overflow = o.req("overflow", errs, |v, p, e| {
        part(v, p, e, &["serverless"], serverless)
    });
    let when = o.req("overflow_when", errs, overflow_when);
    let (base, (overflow, overflow_prices), when) = (base?, overflow?, when?);
    let PlatformModel::Serverless(overflow) = overflow else {
        unreachable!("serverless() reads a serverless platform")
    };
    Some(Priced {
        model: PlatformModel::Hybrid(HybridConfig {
            base: base.cfg,
            overflow,
            when,
        }),
        prices: base.prices,
        fallback_prices: Some(base.fallback_prices),
        overflow_prices: Some(overflow_prices),
    })
}

/// One part: an object read by `parse`, with an optional `type` that must be `kind[0]`.
fn part<T>(
    v: &Value,
    path: &str,
    errs: &mut Errors,
    kind: &'static [&'static str],
    parse: impl FnOnce(&mut Obj, &mut Errors) -> Option<T>,
) -> Option<T> {
    let mut o = Obj::new(v, path, errs)?;
    let kind_ok = o.opt("type", errs, choice(kind));
    let parsed = parse(&mut o, errs);
    o.finish(errs);
    kind_ok?;
    parsed
}

fn overflow_when(v: &Value, path: &str, errs: &mut Errors) -> Option<OverflowWhen> {
    let mut o = Obj::new(v, path, errs)?;
    let wait = o.opt("queue_wait_s", errs, duration(Range::NonNegative));
    let length = o.opt("queue_length", errs, count(0));
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
