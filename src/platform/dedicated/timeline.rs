//! A dedicated fleet's timeline (docs/semantics.md#timeline): its levels after each event,
//! and each instance's billed window at its role's price.

use super::Dedicated;
use super::fleet::Role;
use crate::billing::UsageSpan;
use crate::metrics::{BillTo, Bins, Levels, Timeline};
use crate::time::SimTime;

impl Dedicated {
    /// Records a timeline over `bins` (none: records nothing, at no cost).
    pub fn with_timeline(mut self, bins: Option<Bins>) -> Self {
        if let Some(bins) = bins {
            self.queue.log_give_ups();
            let levels = Levels {
                live: self.fleet.live.level(),
                ..Levels::default()
            };
            self.timeline = Some(Box::new(Timeline::new(bins, levels)));
        }
        self
    }

    /// Tells the timeline (if any) where the fleet stands after an event at `now`.
    #[inline(always)]
    pub(super) fn sync(&mut self, now: SimTime) {
        if self.timeline.is_some() {
            self.sync_timeline(now);
        }
    }

    /// Out of line: a run without a timeline pays one test per event.
    #[inline(never)]
    fn sync_timeline(&mut self, now: SimTime) {
        if let Some(t) = &mut self.timeline {
            let levels = Levels {
                live: self.fleet.live.level(),
                busy: self.fleet.busy_now,
                queue: (self.queue.len() + self.requeued.len()) as u64,
            };
            let c = &self.recorder.counts;
            t.sync(now, levels, c.arrived, c.completed);
            for deadline in self.queue.take_gave_up() {
                t.gave_up(deadline, now);
            }
        }
    }

    /// Bills a closed span of an instance of `role` (fallbacks at their own price).
    pub(super) fn bill(&mut self, role: Role, span: &UsageSpan) {
        self.meter_for(role).add(span);
        if let Some(t) = &mut self.timeline {
            let to = match role {
                Role::Fallback { .. } => BillTo::Fallback,
                _ => BillTo::Platform,
            };
            let accrual = self.cfg.billing.accrual(span);
            if let Some(window) = accrual.window {
                t.bill_window(window, to);
            }
            t.bill_at(accrual.at, accrual.rounding, to);
        }
    }
}
