//! Reading `billing` objects (serverless and dedicated) into billing rules; an absent
//! `billing` is read as `{}`, so its defaults are the table's.

use serde_json::{Map, Value};

use super::keys::{DEDICATED_BILLING, SERVERLESS_BILLING};
use super::reader::{Errors, Obj};
use crate::billing::{BillingMode, BillingRule};
use crate::time::SimDuration;

/// A serverless `billing`: `{mode, granularity_s, minimum_s}`.
pub fn serverless(v: &Value, path: &str, errs: &mut Errors) -> Option<BillingRule> {
    let mut o = Obj::new(v, path, &SERVERLESS_BILLING, errs)?;
    let mode = match o.or::<&str>("mode", errs) {
        "lifetime" => BillingMode::Lifetime,
        "after_startup" => BillingMode::AfterStartup,
        "busy_only" => BillingMode::BusyOnly,
        other => unreachable!("billing mode {other:?} is not a choice of the table"),
    };
    let rule = rounding(&mut o, mode, errs);
    o.finish(errs);
    Some(rule)
}

/// A dedicated `billing`: `{granularity_s, minimum_s}` of each instance's span.
pub fn dedicated(v: &Value, path: &str, errs: &mut Errors) -> Option<BillingRule> {
    let mut o = Obj::new(v, path, &DEDICATED_BILLING, errs)?;
    let rule = rounding(&mut o, BillingMode::Lifetime, errs);
    o.finish(errs);
    Some(rule)
}

fn rounding(o: &mut Obj, mode: BillingMode, errs: &mut Errors) -> BillingRule {
    let granularity_s: f64 = o.or("granularity_s", errs);
    let minimum_s: f64 = o.or("minimum_s", errs);
    BillingRule {
        mode,
        granularity: SimDuration::from_secs_f64(granularity_s),
        minimum: SimDuration::from_secs_f64(minimum_s),
    }
}

/// The rule of an absent `billing`: every key at its default.
pub fn absent(read: fn(&Value, &str, &mut Errors) -> Option<BillingRule>) -> BillingRule {
    read(&Value::Object(Map::new()), "", &mut Errors::default())
        .expect("an empty billing object is valid")
}
