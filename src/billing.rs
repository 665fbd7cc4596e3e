//! Money: usage spans + billing rules + price sheets → bills (granularity, minimums, modes).
//!
//! Deliberately knows nothing about events or queues: platforms hand it one closed span
//! per container or instance and it accumulates billed time exactly, in integer
//! nanoseconds; dollars appear only when a price sheet is applied at the end.

use serde::{Deserialize, Serialize};

use crate::time::{SimDuration, SimTime};

/// What part of a container's life is billed (docs/semantics.md#serverless-autoscaler).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillingMode {
    /// From container start (cold start included) through busy and idle time to stop.
    Lifetime,
    /// As `Lifetime`, but the cold start is free.
    AfterStartup,
    /// Only execution time.
    BusyOnly,
}

/// How a span of usage becomes billed time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BillingRule {
    pub mode: BillingMode,
    /// Each span's billed time is rounded up to a multiple of this (0: no rounding).
    pub granularity: SimDuration,
    /// And is at least this, unless nothing at all was billable.
    pub minimum: SimDuration,
}

/// The life of one billed unit (a container or an instance), closed at its stop or at
/// the horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageSpan {
    /// When billing may start (after any unbilled schedule delay).
    pub start: SimTime,
    /// When the cold start ended (= `start` for a warm unit).
    pub boot_end: SimTime,
    pub stop: SimTime,
    /// Time with at least one input executing, summed over the unit's GPUs.
    pub busy_gpu: SimDuration,
    /// GPUs of the unit (a container whose engine spans `tensor_parallel` GPUs has
    /// several): `busy_only` bills the unit's own busy time, `busy_gpu` ÷ `gpus`.
    pub gpus: u32,
}

/// Billed time by kind, in unit-nanoseconds (busy in GPU-nanoseconds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledTime {
    pub total: u128,
    pub startup: u128,
    pub busy_gpu: u128,
}

impl BilledTime {
    pub fn add(&mut self, other: BilledTime) {
        self.total += other.total;
        self.startup += other.startup;
        self.busy_gpu += other.busy_gpu;
    }
}

impl BillingRule {
    fn round(&self, raw: SimDuration) -> SimDuration {
        if raw.0 == 0 {
            return raw;
        }
        raw.round_up_to(self.granularity).max(self.minimum)
    }

    /// A span's billable time before rounding, and the part of it spent booting.
    fn raw(&self, span: &UsageSpan) -> (SimDuration, SimDuration) {
        let boot_end = span.boot_end.min(span.stop);
        match self.mode {
            BillingMode::Lifetime => (span.stop - span.start, boot_end - span.start),
            BillingMode::AfterStartup => (span.stop - boot_end, SimDuration::ZERO),
            BillingMode::BusyOnly => (
                SimDuration(span.busy_gpu.0 / span.gpus.max(1) as u64),
                SimDuration::ZERO,
            ),
        }
    }

    /// The billed time of one span (docs/semantics.md#billing).
    pub fn bill(&self, span: &UsageSpan) -> BilledTime {
        let (raw, startup) = self.raw(span);
        BilledTime {
            total: self.round(raw).0 as u128,
            startup: startup.0 as u128,
            busy_gpu: span.busy_gpu.0 as u128,
        }
    }
}

/// When a span's billed time accrues (docs/semantics.md#timeline): continuously over its
/// billed window (under `busy_only`, over the unit's busy time instead), and the rounding
/// up to the granularity or the minimum at once, at the span's stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accrual {
    /// The billed window; `None` under `busy_only`.
    pub window: Option<(SimTime, SimTime)>,
    /// Billed time beyond the raw time: rounding and minimum.
    pub rounding: SimDuration,
    pub at: SimTime,
}

impl BillingRule {
    /// When the billed time of `span` accrues; its parts add up to `bill(span).total`.
    pub fn accrual(&self, span: &UsageSpan) -> Accrual {
        let (raw, _) = self.raw(span);
        let window = match self.mode {
            BillingMode::Lifetime => Some((span.start, span.stop)),
            BillingMode::AfterStartup => Some((span.boot_end.min(span.stop), span.stop)),
            BillingMode::BusyOnly => None,
        };
        Accrual {
            window,
            rounding: self.round(raw) - raw,
            at: span.stop,
        }
    }
}

/// Accumulates the billed time of every span of one platform in one replica.
#[derive(Clone, Debug)]
pub struct Meter {
    pub rule: BillingRule,
    pub billed: BilledTime,
}

impl Meter {
    pub fn new(rule: BillingRule) -> Self {
        Meter {
            rule,
            billed: BilledTime::default(),
        }
    }

    pub fn add(&mut self, span: &UsageSpan) {
        self.billed.add(self.rule.bill(span));
    }
}

/// Prices of one billed unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriceSheet {
    /// Everything billed per unit-second (GPU + CPU + memory, multipliers applied).
    pub usd_per_unit_s: f64,
    pub gpus_per_unit: u32,
}

/// A platform's cost in one replica.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bill {
    pub total_usd: f64,
    pub startup_usd: f64,
    pub busy_usd: f64,
    pub idle_usd: f64,
    pub fallback_usd: f64,
    /// Billed GPU-seconds after rounding.
    pub billed_gpu_s: f64,
    /// GPU-seconds with at least one input executing.
    pub busy_gpu_s: f64,
}

impl Bill {
    /// Prices a metered total. `idle` is the rest of the bill, so rounding lands there.
    pub fn price(billed: &BilledTime, prices: &PriceSheet) -> Bill {
        // Seconds first: integer nanoseconds / 1e9 is exact for whole and most decimal
        // seconds, so a 30 s cold start at $1/s costs exactly $30.
        let secs = |ns: u128| ns as f64 / 1e9;
        let gpus = prices.gpus_per_unit as f64;
        let total_usd = secs(billed.total) * prices.usd_per_unit_s;
        let startup_usd = secs(billed.startup) * prices.usd_per_unit_s;
        let busy_usd = secs(billed.busy_gpu) / gpus * prices.usd_per_unit_s;
        Bill {
            total_usd,
            startup_usd,
            busy_usd,
            idle_usd: (total_usd - startup_usd - busy_usd).max(0.0),
            fallback_usd: 0.0,
            billed_gpu_s: secs(billed.total) * gpus,
            busy_gpu_s: secs(billed.busy_gpu),
        }
    }

    /// This bill plus that of fallback instances billed at another price: their whole
    /// cost is the `fallback` kind (docs/semantics.md#billing), their GPU time counts for utilization.
    pub fn with_fallback(&self, fallback: &Bill) -> Bill {
        Bill {
            total_usd: self.total_usd + fallback.total_usd,
            fallback_usd: self.fallback_usd + fallback.total_usd,
            billed_gpu_s: self.billed_gpu_s + fallback.billed_gpu_s,
            busy_gpu_s: self.busy_gpu_s + fallback.busy_gpu_s,
            ..*self
        }
    }

    /// The sum of two bills (e.g. a hybrid's parts, or spot + fallback).
    pub fn plus(&self, o: &Bill) -> Bill {
        Bill {
            total_usd: self.total_usd + o.total_usd,
            startup_usd: self.startup_usd + o.startup_usd,
            busy_usd: self.busy_usd + o.busy_usd,
            idle_usd: self.idle_usd + o.idle_usd,
            fallback_usd: self.fallback_usd + o.fallback_usd,
            billed_gpu_s: self.billed_gpu_s + o.billed_gpu_s,
            busy_gpu_s: self.busy_gpu_s + o.busy_gpu_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    fn span(start: u64, boot_end: u64, stop: u64, busy: u64) -> UsageSpan {
        UsageSpan {
            start: SimTime(start),
            boot_end: SimTime(boot_end),
            stop: SimTime(stop),
            busy_gpu: SimDuration(busy),
            gpus: 1,
        }
    }

    fn rule(mode: BillingMode, g: u64, min: u64) -> BillingRule {
        BillingRule {
            mode,
            granularity: SimDuration(g),
            minimum: SimDuration(min),
        }
    }

    #[test]
    fn lifetime_rounds_the_whole_span_up_and_breaks_it_down() {
        let b = rule(BillingMode::Lifetime, 60 * S, 0).bill(&span(0, 30 * S, 95 * S + 1, 40 * S));
        assert_eq!(b.total, 120 * S as u128);
        assert_eq!(b.startup, 30 * S as u128);
        assert_eq!(b.busy_gpu, 40 * S as u128);
    }

    #[test]
    fn after_startup_skips_the_boot_and_busy_only_bills_execution() {
        let s = span(10 * S, 40 * S, 100 * S, 7 * S + 1);
        assert_eq!(
            rule(BillingMode::AfterStartup, S, 0).bill(&s).total,
            60 * S as u128
        );
        assert_eq!(
            rule(BillingMode::BusyOnly, S, 0).bill(&s).total,
            8 * S as u128
        );
    }

    #[test]
    fn accrual_is_the_billed_window_then_the_rounding_at_the_stop() {
        let r = rule(BillingMode::AfterStartup, 60 * S, 0);
        let s = span(0, 30 * S, 95 * S, 40 * S);
        let a = r.accrual(&s);
        assert_eq!(a.window, Some((SimTime(30 * S), SimTime(95 * S))));
        assert_eq!(a.rounding, SimDuration(55 * S));
        assert_eq!(a.at, SimTime(95 * S));
        assert_eq!(65 * S as u128 + 55 * S as u128, r.bill(&s).total);
        let busy = rule(BillingMode::BusyOnly, S, 60 * S).accrual(&s);
        assert_eq!((busy.window, busy.rounding), (None, SimDuration(20 * S)));
    }

    #[test]
    fn minimum_applies_only_to_something_billable() {
        let r = rule(BillingMode::BusyOnly, S, 60 * S);
        assert_eq!(r.bill(&span(0, 0, 100 * S, 3 * S)).total, 60 * S as u128);
        assert_eq!(r.bill(&span(0, 0, 100 * S, 0)).total, 0);
    }

    #[test]
    fn the_breakdown_sums_to_the_total() {
        let mut m = Meter::new(rule(BillingMode::Lifetime, 60 * S, 0));
        m.add(&span(0, 30 * S, 95 * S, 40 * S));
        let bill = Bill::price(
            &m.billed,
            &PriceSheet {
                usd_per_unit_s: 0.001097,
                gpus_per_unit: 1,
            },
        );
        assert!((bill.total_usd - 120.0 * 0.001097).abs() < 1e-12);
        let sum = bill.startup_usd + bill.busy_usd + bill.idle_usd;
        assert!((sum - bill.total_usd).abs() < 1e-12);
    }

    #[test]
    fn fallback_cost_is_its_own_kind_and_the_kinds_still_sum_to_the_total() {
        let sheet = |usd_per_unit_s| PriceSheet {
            usd_per_unit_s,
            gpus_per_unit: 2,
        };
        let spot = Bill::price(
            &BilledTime {
                total: 3600 * S as u128,
                startup: 600 * S as u128,
                busy_gpu: 1800 * S as u128,
            },
            &sheet(1.0 / 3600.0),
        );
        let fb = Bill::price(
            &BilledTime {
                total: 1800 * S as u128,
                startup: 0,
                busy_gpu: 1000 * S as u128,
            },
            &sheet(3.0 / 3600.0),
        );
        let b = spot.with_fallback(&fb);
        assert!((b.fallback_usd - 1.5).abs() < 1e-12);
        assert!((b.total_usd - 2.5).abs() < 1e-12);
        let kinds = b.startup_usd + b.busy_usd + b.idle_usd + b.fallback_usd;
        assert!((kinds - b.total_usd).abs() < 1e-12);
        assert!((b.billed_gpu_s - 2.0 * 5400.0).abs() < 1e-9);
        assert!((b.busy_gpu_s - 2800.0).abs() < 1e-9);
    }
}
