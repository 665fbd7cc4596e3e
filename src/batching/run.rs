//! Closed forms for a run of steps whose batch does not change: every step decodes the same
//! D sequences and nothing else, so K grows by D a step and step durations form an
//! arithmetic progression `a, a + g, a + 2g, …` with `g = per_kv_token · D`.
//!
//! Knows nothing of sequences; exact integer arithmetic only.

/// The longest run committed at once: it keeps every product below 2¹²⁸ for any accepted
/// configuration, and costs one extra O(1) commit per million steps.
pub(super) const MAX_RUN_STEPS: u64 = 1 << 20;

#[derive(Clone, Copy, Debug)]
pub(super) struct Run {
    /// Steps the run may take before something changes (a finish, a KV shortage).
    pub steps: u64,
    /// Duration of the first step, in picoseconds.
    pub first: u128,
    /// Growth of the step duration per step, in picoseconds.
    pub growth: u128,
    /// Sequences decoding in every step of the run.
    pub decoders: u64,
}

/// n(n − 1)/2, exact.
fn triangle(n: u128) -> u128 {
    if n.is_multiple_of(2) {
        (n / 2) * n.saturating_sub(1)
    } else {
        n * ((n - 1) / 2)
    }
}

impl Run {
    /// Total duration of the first `n` steps: `n·a + g·n(n − 1)/2`.
    pub fn duration(&self, n: u64) -> u128 {
        self.first * n as u128 + self.growth * triangle(n as u128)
    }

    /// How many of the run's steps start strictly less than `window` picoseconds after the
    /// run starts (at least one: the first starts at 0 < window). The start of step i is
    /// `duration(i)`, increasing in i, so a binary search over i is exact.
    pub fn steps_starting_within(&self, window: u128) -> u64 {
        debug_assert!(window > 0);
        let (mut lo, mut hi) = (0u64, self.steps - 1);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if self.duration(mid) < window {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo + 1
    }

    /// How many of the run's steps end strictly less than `window` picoseconds after the
    /// run starts (zero or more): the largest n ≤ `steps` with `duration(n) < window`.
    pub fn steps_ending_within(&self, window: u128) -> u64 {
        let (mut lo, mut hi) = (0u64, self.steps);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if self.duration(mid) < window {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }

    /// Σ over the first `n` steps of (KV held during step i) × (duration of step i), where
    /// `held_before` is the KV held before the run and each step adds one token per decoder:
    /// Σ (c + D·i)(a + g·i) with c = held_before + D, expanded into closed sums.
    /// Saturating: it only feeds a utilisation average.
    pub fn kv_time(&self, n: u64, held_before: u64) -> u128 {
        let (n, dd) = (n as u128, self.decoders as u128);
        let c = held_before as u128 + dd;
        let t1 = triangle(n);
        // Σ_{i<n} i² = (n − 1)n(2n − 1)/6; t1·(2n − 1) is divisible by 3.
        let t2 = t1.saturating_mul((2 * n).saturating_sub(1)) / 3;
        let linear = c
            .saturating_mul(self.growth)
            .saturating_add(dd.saturating_mul(self.first));
        c.saturating_mul(self.first)
            .saturating_mul(n)
            .saturating_add(linear.saturating_mul(t1))
            .saturating_add(dd.saturating_mul(self.growth).saturating_mul(t2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(steps: u64, first: u128, growth: u128) -> Run {
        Run {
            steps,
            first,
            growth,
            decoders: 3,
        }
    }

    #[test]
    fn duration_is_the_sum_of_the_progression() {
        let r = run(100, 1_000, 7);
        let mut sum = 0;
        for n in 0..100u64 {
            assert_eq!(r.duration(n), sum, "n = {n}");
            sum += 1_000 + 7 * n as u128;
        }
    }

    #[test]
    fn steps_within_a_window_count_starts_strictly_before_it() {
        let r = run(10, 1_000, 100);
        // Starts: 0, 1000, 2100, 3300, …
        assert_eq!(r.steps_starting_within(1), 1);
        assert_eq!(r.steps_starting_within(1_000), 1);
        assert_eq!(r.steps_starting_within(1_001), 2);
        assert_eq!(r.steps_starting_within(2_100), 2);
        assert_eq!(r.steps_starting_within(2_101), 3);
        assert_eq!(r.steps_starting_within(u128::MAX), 10);
    }

    #[test]
    fn steps_ending_within_a_window_count_ends_strictly_before_it() {
        let r = run(3, 1_000, 100);
        // Ends: 1000, 2100, 3300.
        assert_eq!(r.steps_ending_within(1_000), 0);
        assert_eq!(r.steps_ending_within(1_001), 1);
        assert_eq!(r.steps_ending_within(3_300), 2);
        assert_eq!(r.steps_ending_within(u128::MAX), 3);
    }

    #[test]
    fn kv_time_matches_a_step_by_step_sum() {
        let r = run(50, 12_345, 31);
        for n in [0u64, 1, 2, 3, 17, 50] {
            let naive: u128 = (0..n as u128)
                .map(|i| (40 + 3 * (i + 1)) * (12_345 + 31 * i))
                .sum();
            assert_eq!(r.kv_time(n, 40), naive, "n = {n}");
        }
    }
}
