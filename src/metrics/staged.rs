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

/// Counts by bucket, not yet in the histogram.
#[derive(Clone, Debug, Default)]
pub(super) struct Staged {
    counts: Vec<u64>,
    total: u64,
}

impl Staged {
    /// Counts `value`; false if it is beyond the staged range.
    #[inline(always)]
    pub fn record(&mut self, value: u64) -> bool {
        let i = index(value);
        match self.counts.get_mut(i) {
            Some(c) => *c += 1,
            None => return self.grow_and_record(i),
        }
        self.total += 1;
        true
    }

    #[cold]
    fn grow_and_record(&mut self, i: usize) -> bool {
        if i >= MAX_INDEX {
            return false;
        }
        self.counts.resize(i + 1, 0);
        self.counts[i] += 1;
        self.total += 1;
        true
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Moves the counts into `hist`, lowest bucket first.
    pub fn drain_into(&mut self, hist: &mut Histogram<u64>) {
        if self.total == 0 {
            return;
        }
        for (i, c) in self.counts.iter_mut().enumerate() {
            if *c > 0 {
                hist.record_n(lowest_value(i), *c)
                    .expect("auto-resizing histogram accepts any u64");
                *c = 0;
            }
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
        for k in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Spread over 0 .. 2^36 µs, and every value 0..2048 once.
            let value = if k < 2048 { k } else { x >> (28 + x % 28) };
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
