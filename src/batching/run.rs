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

/// n(n − 1)/2, exact for the n ≤ `MAX_RUN_STEPS` of a run.
fn triangle(n: u64) -> u64 {
    debug_assert!(n <= MAX_RUN_STEPS + 1);
    n * n.saturating_sub(1) / 2
}

impl Run {
    /// Total duration of the first `n` steps: `n·a + g·n(n − 1)/2`.
    pub fn duration(&self, n: u64) -> u128 {
        self.first * n as u128 + self.growth * triangle(n) as u128
    }

    /// How many of the run's steps start strictly less than `window` picoseconds after the
    /// run starts (at least one: the first starts at 0 < window). The start of step i is
    /// `duration(i)`.
    pub fn steps_starting_within(&self, window: u128) -> u64 {
        debug_assert!(window > 0);
        self.most_below(window, self.steps - 1) + 1
    }

    /// How many of the run's steps end strictly less than `window` picoseconds after the
    /// run starts (zero or more): the largest n ≤ `steps` with `duration(n) < window`.
    pub fn steps_ending_within(&self, window: u128) -> u64 {
        self.most_below(window, self.steps)
    }

    /// The largest n ≤ `hi` with `duration(n) < window` (`duration(0)` = 0 < window).
    /// `duration` increases in n, so the root of `g/2·n² + (a − g/2)·n = window`, rounded
    /// down, is the answer up to floating-point error; it is checked exactly, and a binary
    /// search settles the rare case where rounding put it off by one.
    fn most_below(&self, window: u128, hi: u64) -> u64 {
        let below = |n: u64| self.duration(n) < window;
        // The common cases: the whole run fits, or not even its first step.
        if below(hi) {
            return hi;
        }
        if !below(1) {
            return 0;
        }
        let guess = (self.root(window) as u64).min(hi);
        if below(guess) && !below(guess + 1) {
            return guess;
        }
        let (mut lo, mut hi) = (1u64, hi - 1);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if below(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }

    /// The real n where `duration(n)` reaches `window`, less a hair so that an exact hit
    /// rounds down to the step before it (the stable form of the quadratic root; ≥ 0).
    fn root(&self, window: u128) -> f64 {
        let f = |x: u128| match u64::try_from(x) {
            Ok(x) => x as f64,
            Err(_) => x as f64,
        };
        let (a, g, w) = (f(self.first), f(self.growth), f(window));
        let b = a - g / 2.0;
        let n = 2.0 * w / (b + (b * b + 2.0 * g * w).sqrt());
        n * (1.0 - 1e-12)
    }

    /// Σ over the first `n` steps of (KV held during step i) × (duration of step i), where
    /// `held_before` is the KV held before the run and each step adds one token per decoder:
    /// Σ (c + D·i)(a + g·i) with c = held_before + D, expanded into closed sums.
    /// Saturating: it only feeds a utilisation average.
    pub fn kv_time(&self, n: u64, held_before: u64) -> u128 {
        debug_assert!(n <= MAX_RUN_STEPS);
        // With n ≤ 2^20, Σ i = n(n − 1)/2 < 2^39 and Σ i² = (n − 1)n(2n − 1)/6 < 2^60 are
        // exact in 64 bits (t1·(2n − 1) is divisible by 3).
        let t1 = triangle(n);
        let t2 = t1 * (2 * n).saturating_sub(1) / 3;
        let (n, dd, t1, t2) = (n as u128, self.decoders as u128, t1 as u128, t2 as u128);
        let c = held_before as u128 + dd;
        // Every realistic run: no product can overflow, so skip the checks.
        if c < 1 << 32 && dd < 1 << 20 && self.first < 1 << 50 && self.growth < 1 << 40 {
            let linear = c * self.growth + dd * self.first;
            return c * self.first * n + linear * t1 + dd * self.growth * t2;
        }
        let exact = || {
            let linear = c
                .checked_mul(self.growth)?
                .checked_add(dd.checked_mul(self.first)?)?;
            c.checked_mul(self.first)?
                .checked_mul(n)?
                .checked_add(linear.checked_mul(t1)?)?
                .checked_add(dd.checked_mul(self.growth)?.checked_mul(t2)?)
        };
        exact().unwrap_or(u128::MAX)
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
    fn the_closed_form_count_agrees_with_a_scan_on_every_window() {
        for (first, growth) in [
            (1_000u128, 0u128),
            (1_000, 7),
            (5_000_000_000, 24_454),
            (3, 1),
        ] {
            let r = run(500, first, growth);
            let mut windows: Vec<u128> = (0..=500u64)
                .flat_map(|n| [r.duration(n), r.duration(n) + 1, r.duration(n).max(1) - 1])
                .filter(|&w| w > 0)
                .collect();
            windows.extend([u128::MAX, u128::MAX / 3, 1 << 90]);
            for w in windows {
                let scan = (0..=500u64).rev().find(|&n| r.duration(n) < w).unwrap();
                assert_eq!(r.steps_ending_within(w), scan, "window {w}");
                assert_eq!(r.steps_starting_within(w), scan.min(499) + 1, "window {w}");
            }
        }
    }

    #[test]
    fn kv_time_with_huge_coefficients_takes_the_checked_path_to_the_same_sum() {
        let r = run(50, 1 << 52, 1 << 44);
        for n in [0u64, 1, 7, 50] {
            let naive: u128 = (0..n as u128)
                .map(|i| (40 + 3 * (i + 1)) * ((1u128 << 52) + (1u128 << 44) * i))
                .sum();
            assert_eq!(r.kv_time(n, 40), naive, "n = {n}");
        }
        let overflowing = run(1 << 20, 1 << 100, 1 << 90);
        assert_eq!(overflowing.kv_time(1 << 20, u64::MAX / 2), u128::MAX);
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
