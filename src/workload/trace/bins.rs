//! Arrivals of one play of a trace counted per bin of its own (unscaled) time: what the
//! busiest-window estimate of docs/semantics.md#overloaded-at-peak reads. The bins widen
//! (doubling) as the trace goes on, so a trace of any span keeps at most `MAX_BINS`
//! counts.
//!
//! Deliberately knows nothing about windows or capacity: it only counts.

use std::sync::Arc;

use crate::time::SimDuration;

/// The most bins kept: at one minute each, 45 days of a trace at full resolution.
pub const MAX_BINS: usize = 1 << 16;

/// Arrivals per bin of `width`, bin k covering `[k·width, (k+1)·width)` from the first
/// record.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrivalBins {
    pub width: SimDuration,
    pub counts: Arc<[u64]>,
}

/// Counts arrivals while a trace is read, in order of offset.
#[derive(Debug)]
pub struct BinCounter {
    width: SimDuration,
    counts: Vec<u64>,
}

impl Default for BinCounter {
    fn default() -> BinCounter {
        BinCounter {
            width: SimDuration::from_secs(60),
            counts: Vec::new(),
        }
    }
}

impl BinCounter {
    pub fn add(&mut self, offset: SimDuration) {
        let mut i = (offset.0 / self.width.0) as usize;
        while i >= MAX_BINS {
            self.widen();
            i = (offset.0 / self.width.0) as usize;
        }
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
    }

    /// Doubles the width: bins 2k and 2k + 1 become bin k.
    fn widen(&mut self) {
        self.counts = self.counts.chunks(2).map(|c| c.iter().sum()).collect();
        self.width = SimDuration(self.width.0 * 2);
    }

    pub fn finish(self) -> ArrivalBins {
        ArrivalBins {
            width: self.width,
            counts: self.counts.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_land_in_minute_bins_that_double_past_the_limit() {
        let mut c = BinCounter::default();
        for s in [0, 59, 60, 179] {
            c.add(SimDuration::from_secs(s));
        }
        let b = BinCounter {
            width: c.width,
            counts: c.counts.clone(),
        }
        .finish();
        assert_eq!(
            (b.width.as_secs_f64(), &b.counts[..]),
            (60.0, &[2, 1, 1][..])
        );
        c.add(SimDuration::from_secs(60 * MAX_BINS as u64));
        let b = c.finish();
        assert_eq!(b.width.as_secs_f64(), 120.0);
        assert_eq!(&b.counts[..2], &[3, 1]);
        assert_eq!(b.counts.len(), MAX_BINS / 2 + 1);
        assert_eq!(b.counts.iter().sum::<u64>(), 5);
    }
}
