//! Per-request recording into a histogram at the cost of an array increment: counts by
//! HdrHistogram bucket, handed to the real `Histogram` once the replica is over.
//!
//! The bucket layout is HdrHistogram's for the histograms `DurationHistogram` makes
//! (lowest discernible value 1, 3 significant digits: 2048 sub-buckets, unit magnitude
//! 0), so moving the counts over gives the histogram a direct recording would have
//! given, bucket for bucket.

use hdrhistogram::Histogram;

/// `64 − unit magnitude − log2(sub-bucket count)`.
const LEADING_ZERO_COUNT_BASE: u32 = 53;
/// `log2(sub-bucket count / 2)`.
const HALF_COUNT_MAGNITUDE: u32 = 10;
const SUB_BUCKET_MASK: u64 = 2047;
/// Counts kept here cover values below 2^27 µs (134 s); longer ones, rare, go straight
/// to the histogram.
const MAX_INDEX: usize = 18 << HALF_COUNT_MAGNITUDE;

/// HdrHistogram's `index_for` for this layout.
#[inline(always)]
fn index(value: u64) -> usize {
    let bucket = LEADING_ZERO_COUNT_BASE - (value | SUB_BUCKET_MASK).leading_zeros();
    let sub_bucket = value >> bucket;
    (((bucket as u64 + 1) << HALF_COUNT_MAGNITUDE) + sub_bucket - (1 << HALF_COUNT_MAGNITUDE))
        as usize
}

/// The lowest value of bucket `index` (HdrHistogram's `value_for`).
fn lowest_value(index: usize) -> u64 {
    let index = index as u64;
    if index < 2 << HALF_COUNT_MAGNITUDE {
        return index;
    }
    let bucket = (index >> HALF_COUNT_MAGNITUDE) - 1;
    let sub_bucket = (index & ((1 << HALF_COUNT_MAGNITUDE) - 1)) + (1 << HALF_COUNT_MAGNITUDE);
    sub_bucket << bucket
}

/// Counts by bucket, not yet in the histogram. 16-bit counts keep the array small
/// enough to stay in cache (one touch per request, at a random bucket); a count about to
/// overflow is handed over at once.
#[derive(Clone, Debug, Default)]
pub(super) struct Staged {
    counts: Vec<u16>,
    total: u64,
    /// Counts handed over early, to be added to the histogram with the rest.
    spilled: Vec<(usize, u64)>,
}

impl Staged {
    /// Counts `value`; false if it is beyond the staged range.
    #[inline(always)]
    pub fn record(&mut self, value: u64) -> bool {
        let i = index(value);
        match self.counts.get_mut(i) {
            Some(c) if *c < u16::MAX => *c += 1,
            _ => return self.record_slowly(i),
        }
        self.total += 1;
        true
    }

    /// Grows the array for `i`, or spills a full count.
    #[cold]
    fn record_slowly(&mut self, i: usize) -> bool {
        if i >= MAX_INDEX {
            return false;
        }
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        if self.counts[i] == u16::MAX {
            self.spilled.push((i, u16::MAX as u64));
            self.counts[i] = 0;
        }
        self.counts[i] += 1;
        self.total += 1;
        true
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Moves the counts into `hist`. The spilled ones are in range of its initial size,
    /// so no order of recording resizes it differently.
    pub fn drain_into(&mut self, hist: &mut Histogram<u64>) {
        if self.total == 0 {
            return;
        }
        let counts = self.counts.iter_mut().enumerate();
        let spilled = self.spilled.drain(..);
        for (i, n) in spilled.chain(counts.filter(|(_, c)| **c > 0).map(|(i, c)| {
            let n = *c as u64;
            *c = 0;
            (i, n)
        })) {
            hist.record_n(lowest_value(i), n)
                .expect("auto-resizing histogram accepts any u64");
        }
        self.total = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Histogram<u64> {
        let mut h = Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        h.auto(true);
        h
    }

    #[test]
    fn the_layout_is_hdrhistograms() {
        let h = fresh();
        let mut v = 1u64;
        while v < 1 << 40 {
            for x in [v - 1, v, v + 1, v * 3 / 2] {
                let i = index(x);
                assert_eq!(lowest_value(i), h.lowest_equivalent(x), "{x}");
            }
            v *= 2;
        }
    }

    #[test]
    fn moving_the_counts_over_gives_the_directly_recorded_histogram() {
        let (mut direct, mut staged_into) = (fresh(), fresh());
        let mut staged = Staged::default();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for k in 0..400_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Spread over 0 .. 2^36 µs, every value 0..2048 once, and one value often
            // enough to overflow a 16-bit count three times.
            let value = match k {
                0..2048 => k,
                _ if k % 2 == 0 => 777,
                _ => x >> (28 + x % 28),
            };
            direct.record(value).unwrap();
            if !staged.record(value) {
                staged_into.record(value).unwrap();
            }
        }
        staged.drain_into(&mut staged_into);
        assert!(staged.is_empty());
        assert_eq!(staged_into, direct);
        let encode = |h: &Histogram<u64>| {
            let mut bytes = Vec::new();
            hdrhistogram::serialization::V2Serializer::new()
                .serialize(h, &mut bytes)
                .unwrap();
            bytes
        };
        use hdrhistogram::serialization::Serializer;
        assert_eq!(encode(&staged_into), encode(&direct));
        for q in [0.0, 0.5, 0.9, 0.99, 0.999, 1.0] {
            assert_eq!(
                staged_into.value_at_quantile(q),
                direct.value_at_quantile(q)
            );
        }
        assert_eq!(staged_into.max(), direct.max());
        assert_eq!(staged_into.min_nz(), direct.min_nz());
    }
}
