//! The scenario's `slo`: latency, TTFT and TPOT targets (docs/semantics.md#sweeps), at
//! least one of them, TTFT and TPOT only where requests emit tokens.

use serde_json::Value;

use super::keys;
use super::reader::{Errors, Obj};
use crate::metrics::Slo;
use crate::time::SimDuration;

/// At least one target; TTFT and TPOT only where requests have tokens.
pub(super) fn slo(v: &Value, path: &str, errs: &mut Errors, tokens: bool) -> Option<Slo> {
    let mut o = Obj::new(v, path, &keys::SLO, errs)?;
    let mut target = |key: &'static str, errs: &mut Errors| {
        let s: Option<Option<f64>> = o.opt(key, errs);
        s.map(|s| s.map(SimDuration::from_secs_f64))
    };
    let (latency, ttft, tpot) = (
        target("latency_s", errs),
        target("ttft_s", errs),
        target("tpot_s", errs),
    );
    let slo = Slo {
        latency: latency?,
        ttft: ttft?,
        tpot: tpot?,
    };
    for (key, given) in [
        ("ttft_s", slo.ttft.is_some()),
        ("tpot_s", slo.tpot.is_some()),
    ] {
        if given && !tokens {
            errs.push(
                &o.at(key),
                format!("expected {key} only with a tokens service (workload.service {{\"dist\": \"tokens\"}}), whose requests emit tokens; found another service"),
            );
        }
    }
    if !slo.is_set() {
        errs.push(
            &o.at("latency_s"),
            "missing required key (or ttft_s or tpot_s with a tokens service)",
        );
    }
    o.finish(errs);
    Some(slo)
}
