//! Batch jobs: `count` requests every `every_s` from `offset_s`, `spacing_s` apart
//! (docs/semantics.md#arrivals `bursts`). Instants are computed by index in integer nanoseconds, so no
//! drift accumulates over a long horizon.

use crate::time::{SimDuration, SimTime};

/// A validated burst schedule: (count − 1) × spacing ≤ every, so bursts never overlap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bursts {
    pub every: SimDuration,
    pub offset: SimDuration,
    pub count: u64,
    pub spacing: SimDuration,
}

impl Bursts {
    pub fn rate_per_s(&self) -> f64 {
        self.count as f64 / self.every.as_secs_f64()
    }
}

/// The running position in a burst schedule.
pub struct BurstStream {
    bursts: Bursts,
    /// Index of the next burst and of the next request within it.
    burst: u64,
    within: u64,
}

impl BurstStream {
    pub fn new(bursts: Bursts) -> BurstStream {
        BurstStream {
            bursts,
            burst: 0,
            within: 0,
        }
    }

    /// The next instant; `None` once it would not fit in u64 nanoseconds.
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        let b = &self.bursts;
        let at = b
            .every
            .0
            .checked_mul(self.burst)
            .and_then(|t| t.checked_add(b.offset.0))
            .and_then(|t| t.checked_add(b.spacing.0.checked_mul(self.within)?))?;
        self.within += 1;
        if self.within == b.count {
            self.within = 0;
            self.burst += 1;
        }
        Some(SimTime(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_come_every_period_with_their_spacing() {
        let mut s = BurstStream::new(Bursts {
            every: SimDuration::from_secs(3600),
            offset: SimDuration::from_secs(600),
            count: 3,
            spacing: SimDuration::from_secs_f64(0.5),
        });
        let got: Vec<f64> = (0..7)
            .map(|_| s.next_arrival().unwrap().as_secs_f64())
            .collect();
        assert_eq!(
            got,
            vec![600.0, 600.5, 601.0, 4200.0, 4200.5, 4201.0, 7800.0]
        );
    }

    #[test]
    fn a_million_bursts_land_exactly_on_their_period() {
        let b = Bursts {
            every: SimDuration::from_secs_f64(0.3),
            offset: SimDuration::ZERO,
            count: 1,
            spacing: SimDuration::ZERO,
        };
        let mut s = BurstStream::new(b);
        let last = (0..1_000_000).map(|_| s.next_arrival().unwrap()).last();
        assert_eq!(last, Some(SimTime(999_999 * 300_000_000)));
        assert!((b.rate_per_s() - 1.0 / 0.3).abs() < 1e-12);
    }
}
