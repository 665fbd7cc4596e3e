//! One replica's timeline (docs/semantics.md#timeline): per bin of the horizon, arrivals,
//! completions, the time-integrals of the live, busy and queued levels, and billed time.
//!
//! Deliberately knows no prices and no platforms: a platform tells it its levels and
//! counts after each event and hands it each billed window; everything is integer
//! nanoseconds, so bins add up to the replica's totals exactly. Memory is O(bins).

use serde::{Deserialize, Serialize};

use crate::time::{SimDuration, SimTime};

/// The most bins a timeline may have: a replica's timeline then takes at most a few
/// megabytes, whatever the horizon.
pub const MAX_BINS: u64 = 100_000;

/// Bins of `width` over [0, `horizon`): the last one ends at the horizon (and may be
/// shorter), and an instant at the horizon itself belongs to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bins {
    pub width_ns: u64,
    pub horizon_ns: u64,
}

impl Bins {
    /// Bins of `width` over `horizon`, or why not (a zero width, or more than `MAX_BINS`).
    pub fn new(width: SimDuration, horizon: SimTime) -> Result<Bins, String> {
        if width.0 == 0 {
            return Err("expected a bin longer than 0 s, found 0 s".into());
        }
        let bins = Bins {
            width_ns: width.0,
            horizon_ns: horizon.0,
        };
        let n = bins.count() as u64;
        if n > MAX_BINS {
            let least = horizon.0.div_ceil(MAX_BINS) as f64 / 1e9;
            return Err(format!(
                "expected at most {MAX_BINS} bins over the horizon, found {n} (use a bin of at least {least} s)"
            ));
        }
        Ok(bins)
    }

    pub fn count(&self) -> usize {
        self.horizon_ns.div_ceil(self.width_ns).max(1) as usize
    }

    pub fn horizon(&self) -> SimTime {
        SimTime(self.horizon_ns)
    }

    /// The bin holding instant `t`.
    #[inline]
    pub fn index(&self, t: SimTime) -> usize {
        ((t.0 / self.width_ns) as usize).min(self.count() - 1)
    }

    pub fn start(&self, i: usize) -> SimTime {
        SimTime(i as u64 * self.width_ns)
    }

    pub fn end(&self, i: usize) -> SimTime {
        if i + 1 == self.count() {
            self.horizon()
        } else {
            SimTime((i as u64 + 1) * self.width_ns)
        }
    }
}

/// The levels a platform reports: live units (containers, or GPUs of billed instances),
/// busy ones, and requests waiting in its queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Levels {
    pub live: u64,
    pub busy: u64,
    pub queue: u64,
}

/// Where the recording stands: the levels since `last`, and the counts already binned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cursor {
    last: SimTime,
    levels: Levels,
    arrived: u64,
    completed: u64,
    /// The bin of `last`, and where it ends (`u64::MAX` for the last bin).
    bin: usize,
    bin_end: u64,
}

/// Which bill a billed window goes to: the platform's own, or its fallback instances'
/// (priced at the on-demand price).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillTo {
    Platform,
    Fallback,
}

/// Per-bin figures of one platform in one replica (or their sums over replicas).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub bins: Bins,
    pub arrivals: Vec<u64>,
    pub completions: Vec<u64>,
    /// ∫ level dt within each bin, in level·ns.
    pub live_ns: Vec<u128>,
    pub busy_ns: Vec<u128>,
    pub queue_ns: Vec<u128>,
    /// Billed unit-ns accrued in each bin (docs/semantics.md#timeline).
    pub billed_ns: Vec<u128>,
    pub fallback_billed_ns: Vec<u128>,
    /// Only needed while recording, so shards do not carry it.
    #[serde(skip)]
    cursor: Cursor,
}

/// Adds `w` × the part of [a, b) in each bin.
fn spread(v: &mut [u128], bins: &Bins, (a, b): (SimTime, SimTime), w: u128) {
    if b <= a || w == 0 {
        return;
    }
    let mut i = bins.index(a);
    let mut t = a;
    while t < b {
        let edge = if i + 1 == v.len() {
            b
        } else {
            bins.end(i).min(b)
        };
        v[i] += (edge.0 - t.0) as u128 * w;
        t = edge;
        i += 1;
    }
}

/// Takes back what `spread` added for [a, b) at weight 1.
fn unspread(v: &mut [u128], bins: &Bins, (a, b): (SimTime, SimTime)) {
    let mut i = bins.index(a);
    let mut t = a;
    while t < b {
        let edge = if i + 1 == v.len() {
            b
        } else {
            bins.end(i).min(b)
        };
        v[i] = v[i]
            .checked_sub((edge.0 - t.0) as u128)
            .expect("invariant: a correction takes back only what was integrated");
        t = edge;
        i += 1;
    }
}

impl Timeline {
    /// An empty timeline whose levels start at `levels` at t = 0.
    pub fn new(bins: Bins, levels: Levels) -> Timeline {
        let n = bins.count();
        Timeline {
            bins,
            arrivals: vec![0; n],
            completions: vec![0; n],
            live_ns: vec![0; n],
            busy_ns: vec![0; n],
            queue_ns: vec![0; n],
            billed_ns: vec![0; n],
            fallback_billed_ns: vec![0; n],
            cursor: Cursor {
                levels,
                bin_end: if n == 1 { u64::MAX } else { bins.width_ns },
                ..Cursor::default()
            },
        }
    }

    /// The platform's state after an event at `now`: the levels held since the last
    /// call are integrated up to `now`, and arrivals and completions counted since then
    /// (all at `now`) go to `now`'s bin.
    pub fn sync(&mut self, now: SimTime, levels: Levels, arrived: u64, completed: u64) {
        let c = self.cursor;
        let i = if now.0 < c.bin_end {
            // Most events fall in the bin of the one before: no division, no edge.
            let (dt, i) = ((now.0 - c.last.0) as u128, c.bin);
            self.live_ns[i] += dt * c.levels.live as u128;
            self.busy_ns[i] += dt * c.levels.busy as u128;
            self.queue_ns[i] += dt * c.levels.queue as u128;
            i
        } else {
            self.cross(now)
        };
        self.arrivals[i] += arrived - c.arrived;
        self.completions[i] += completed - c.completed;
        self.cursor = Cursor {
            last: now.max(c.last),
            levels,
            arrived,
            completed,
            ..self.cursor
        };
    }

    /// Integrates the levels from the cursor to `now` across bin edges; returns `now`'s
    /// bin, which the cursor moves to.
    #[inline(never)]
    fn cross(&mut self, now: SimTime) -> usize {
        let c = self.cursor;
        if now > c.last {
            let span = (c.last, now);
            spread(&mut self.live_ns, &self.bins, span, c.levels.live as u128);
            spread(&mut self.busy_ns, &self.bins, span, c.levels.busy as u128);
            spread(&mut self.queue_ns, &self.bins, span, c.levels.queue as u128);
        }
        let i = self.bins.index(now);
        self.cursor.bin = i;
        // The last bin holds everything up to the horizon and beyond.
        self.cursor.bin_end = if i + 1 == self.bins.count() {
            u64::MAX
        } else {
            self.bins.end(i).0
        };
        i
    }

    /// A request that gave up at `deadline` left its queue only when the platform looked,
    /// at `now` (already synced): it stops counting as queued from its deadline.
    pub fn gave_up(&mut self, deadline: SimTime, now: SimTime) {
        unspread(&mut self.queue_ns, &self.bins, (deadline, now));
    }

    /// Billed time accrued over [from, to) (one unit billed continuously).
    pub fn bill_window(&mut self, (from, to): (SimTime, SimTime), bill: BillTo) {
        let bins = self.bins;
        spread(self.bill_of(bill), &bins, (from, to), 1);
    }

    /// Billed time accrued at instant `at` (rounding and minimums, billed at the stop).
    pub fn bill_at(&mut self, at: SimTime, billed: SimDuration, bill: BillTo) {
        let i = self.bins.index(at);
        self.bill_of(bill)[i] += billed.0 as u128;
    }

    fn bill_of(&mut self, bill: BillTo) -> &mut Vec<u128> {
        match bill {
            BillTo::Platform => &mut self.billed_ns,
            BillTo::Fallback => &mut self.fallback_billed_ns,
        }
    }

    /// Integrates the levels up to the horizon. `bills_busy`: the platform bills busy
    /// time only (`busy_only`), which accrues as the busy level does.
    pub fn close(&mut self, bills_busy: bool) {
        let c = self.cursor;
        self.sync(self.bins.horizon(), c.levels, c.arrived, c.completed);
        if bills_busy {
            for (billed, busy) in self.billed_ns.iter_mut().zip(&self.busy_ns) {
                *billed += busy;
            }
        }
    }

    /// Adds another timeline over the same bins (another part, or another seed).
    pub fn add(&mut self, o: &Timeline) {
        debug_assert_eq!(self.bins, o.bins, "timelines added share their bins");
        fn sum<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += *y);
        }
        sum(&mut self.arrivals, &o.arrivals);
        sum(&mut self.completions, &o.completions);
        sum(&mut self.live_ns, &o.live_ns);
        sum(&mut self.busy_ns, &o.busy_ns);
        sum(&mut self.queue_ns, &o.queue_ns);
        sum(&mut self.billed_ns, &o.billed_ns);
        sum(&mut self.fallback_billed_ns, &o.fallback_billed_ns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    fn bins(width_s: u64, horizon_s: u64) -> Bins {
        Bins::new(SimDuration(width_s * S), SimTime(horizon_s * S)).unwrap()
    }

    fn levels(live: u64, busy: u64, queue: u64) -> Levels {
        Levels { live, busy, queue }
    }

    #[test]
    fn the_last_bin_ends_at_the_horizon_and_holds_it() {
        let b = bins(10, 25);
        assert_eq!(b.count(), 3);
        assert_eq!(b.end(2), SimTime(25 * S));
        assert_eq!(b.index(SimTime(25 * S)), 2);
        assert_eq!(b.index(SimTime(10 * S - 1)), 0);
        assert_eq!(b.index(SimTime(10 * S)), 1);
        assert_eq!(bins(10, 30).index(SimTime(30 * S)), 2);
    }

    #[test]
    fn too_many_bins_or_a_zero_bin_is_refused() {
        let e = Bins::new(SimDuration(S), SimTime(200_000 * S)).unwrap_err();
        assert_eq!(
            e,
            "expected at most 100000 bins over the horizon, found 200000 (use a bin of at least 2 s)"
        );
        assert!(Bins::new(SimDuration(0), SimTime(S)).is_err());
    }

    #[test]
    fn levels_are_integrated_exactly_across_bin_edges() {
        let mut t = Timeline::new(bins(10, 30), levels(1, 0, 0));
        // live 1 on [0, 5), 3 on [5, 25), 0 after; busy 2 on [8, 12).
        t.sync(SimTime(5 * S), levels(3, 0, 0), 1, 0);
        t.sync(SimTime(8 * S), levels(3, 2, 0), 1, 0);
        t.sync(SimTime(12 * S), levels(3, 0, 0), 1, 1);
        t.sync(SimTime(25 * S), levels(0, 0, 0), 2, 1);
        t.close(false);
        let ns = |x: u64| x as u128 * S as u128;
        assert_eq!(t.live_ns, vec![ns(5 + 15), ns(30), ns(15)]);
        assert_eq!(t.busy_ns, vec![ns(4), ns(4), 0]);
        assert_eq!(t.arrivals, vec![1, 0, 1]);
        assert_eq!(t.completions, vec![0, 1, 0]);
    }

    #[test]
    fn a_late_give_up_stops_counting_as_queued_at_its_deadline() {
        let mut t = Timeline::new(bins(10, 30), levels(0, 0, 1));
        // Queued from 0, gave up at 7, noticed at 22.
        t.sync(SimTime(22 * S), levels(0, 0, 0), 0, 0);
        t.gave_up(SimTime(7 * S), SimTime(22 * S));
        t.close(false);
        assert_eq!(t.queue_ns, vec![7 * S as u128, 0, 0]);
    }

    #[test]
    fn billed_windows_and_roundings_add_up_to_the_bill() {
        let mut t = Timeline::new(bins(10, 30), Levels::default());
        t.bill_window((SimTime(4 * S), SimTime(21 * S)), BillTo::Platform);
        t.bill_at(SimTime(21 * S), SimDuration(3 * S), BillTo::Platform);
        t.bill_window((SimTime(0), SimTime(30 * S)), BillTo::Fallback);
        assert_eq!(
            t.billed_ns,
            vec![6 * S as u128, 10 * S as u128, 4 * S as u128]
        );
        assert_eq!(t.fallback_billed_ns.iter().sum::<u128>(), 30 * S as u128);
    }

    #[test]
    fn busy_only_billing_accrues_with_the_busy_level() {
        let mut t = Timeline::new(bins(10, 20), levels(1, 1, 0));
        t.sync(SimTime(15 * S), levels(1, 0, 0), 0, 1);
        t.bill_at(SimTime(20 * S), SimDuration(S), BillTo::Platform);
        t.close(true);
        assert_eq!(t.billed_ns, vec![10 * S as u128, 6 * S as u128]);
    }

    #[test]
    fn timelines_add_bin_by_bin() {
        let mut a = Timeline::new(bins(10, 20), levels(1, 0, 0));
        a.close(false);
        let b = a.clone();
        a.add(&b);
        assert_eq!(a.live_ns, vec![20 * S as u128, 20 * S as u128]);
    }
}
