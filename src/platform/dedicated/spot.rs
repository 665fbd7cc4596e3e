//! Spot instances (docs/semantics.md#spot-instances): a Poisson interruption hazard that runs only
//! while an instance serves, a notice during which it takes nothing new, a replacement
//! provisioned from the notice on, and an optional on-demand fallback that bridges the gap
//! and drains once the replacement serves.
//!
//! Randomness is keyed by role (docs/semantics.md#randomness): fleet slot k's interruption times come from
//! stream (Interruptions, k); the replacement delay, model load and fallback delay of the
//! n-th interruption from (Replacement, n), (ModelLoad, n) and (Fallback, n). Two
//! platforms that differ only in fallback policy therefore see the same interruptions.

use rand_distr::{Distribution, Exp1};

use super::fleet::{Role, VmState};
use super::{Dedicated, DedicatedEvent, Fallback, OnInterrupt};
use crate::billing::BilledTime;
use crate::engine::Context;
use crate::platform::SpotOutcome;
use crate::random::{Seeds, SimRng, Stream};
use crate::time::{SimDuration, SimTime};
use crate::workload::Request;

/// Serving time until the next interruption of an instance under a Poisson hazard.
pub fn next_interruption(rng: &mut SimRng, per_hour: f64) -> SimDuration {
    let e: f64 = Exp1.sample(rng);
    SimDuration::from_secs_f64(e * 3600.0 / per_hour)
}

/// One fleet position.
struct Slot {
    /// Interruption times of whichever spot instance holds the slot.
    rng: SimRng,
    /// The on-demand stand-in while the slot's replacement boots.
    fallback: Option<u32>,
    /// Notice time of an outage no substitute has ended yet.
    outage_since: Option<SimTime>,
}

/// Spot bookkeeping of one fleet in one replica.
pub(super) struct SpotState {
    slots: Vec<Slot>,
    interruptions: u64,
    requeued: u64,
    lost_gpu_ns: u128,
    started: u64,
}

impl SpotState {
    pub(super) fn new(instances: u32, seeds: Seeds) -> Self {
        SpotState {
            slots: (0..instances)
                .map(|k| Slot {
                    rng: seeds.rng(Stream::Interruptions, k as u64),
                    fallback: None,
                    outage_since: None,
                })
                .collect(),
            interruptions: 0,
            requeued: 0,
            lost_gpu_ns: 0,
            started: 0,
        }
    }

    /// The figures of the replica; outages still open count up to the horizon.
    pub(super) fn outcome(
        self,
        horizon: SimTime,
        gpus_per_instance: u32,
        fallback_billed: BilledTime,
    ) -> SpotOutcome {
        let open: u128 = self
            .slots
            .iter()
            .filter_map(|s| s.outage_since)
            .map(|t| (horizon - t).0 as u128 * gpus_per_instance as u128)
            .sum();
        SpotOutcome {
            interruptions: self.interruptions,
            requeued: self.requeued,
            capacity_lost_gpu_ns: self.lost_gpu_ns + open,
            instances_started: self.started,
            fallback_billed,
        }
    }
}

impl Dedicated {
    fn spot_state(&mut self) -> &mut SpotState {
        self.spot.as_mut().expect("spot events only on spot fleets")
    }

    /// Draws when the spot instance `vm`, now serving in `slot`, gets its notice.
    pub(super) fn schedule_notice<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        vm: u32,
        slot: u32,
    ) {
        let rate = self
            .cfg
            .spot
            .as_ref()
            .map_or(0.0, |s| s.interruptions_per_hour);
        if rate <= 0.0 {
            return;
        }
        let rng = &mut self.spot_state().slots[slot as usize].rng;
        let at = ctx.now() + next_interruption(rng, rate);
        let epoch = self.fleet.vms[vm as usize].epoch;
        ctx.schedule(at, DedicatedEvent::SpotNotice { vm, epoch }.into());
    }

    /// A new instance, announced by `InstanceReady` at `ready_at`.
    fn launch<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        role: Role,
        ready_at: SimTime,
    ) -> u32 {
        let vm = self.fleet.launch(role, ctx.now());
        self.spot_state().started += 1;
        let epoch = self.fleet.vms[vm as usize].epoch;
        ctx.schedule(ready_at, DedicatedEvent::InstanceReady { vm, epoch }.into());
        vm
    }

    /// The n-th interruption's delays: until the replacement serves, and until the
    /// fallback serves (if there is one).
    fn outage_delays(&self, n: u64) -> (SimDuration, Option<SimDuration>) {
        let cfg = self
            .cfg
            .spot
            .as_ref()
            .expect("spot events only on spot fleets");
        let rng = |role| self.seeds.rng(role, n);
        let replacement = cfg.replacement_delay.sample(&mut rng(Stream::Replacement))
            + cfg.model_load.sample(&mut rng(Stream::ModelLoad));
        let fallback = match &cfg.fallback {
            Fallback::Wait => None,
            Fallback::OnDemand { delay } => Some(delay.sample(&mut rng(Stream::Fallback))),
        };
        (replacement, fallback)
    }

    /// A spot instance is told it will go: it stops taking work, and its replacement
    /// (and fallback) start provisioning now, billed from now (docs/semantics.md#spot-instances).
    pub(super) fn on_notice<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        vm: u32,
        epoch: u32,
    ) {
        let v = self.fleet.vms[vm as usize];
        let (Role::Spot { slot }, VmState::Serving, true) = (v.role, v.state, v.epoch == epoch)
        else {
            return;
        };
        let now = ctx.now();
        let (replacement, fallback) = self.outage_delays(self.spot_state_ref().interruptions);
        let notice = self
            .cfg
            .spot
            .as_ref()
            .map_or(SimDuration::ZERO, |s| s.notice);
        self.fleet.leave_service(vm, VmState::Notice);
        let interrupted = DedicatedEvent::SpotInterrupted { vm, epoch };
        ctx.schedule(now + notice, interrupted.into());
        let st = self.spot_state();
        st.interruptions += 1;
        let s = &mut st.slots[slot as usize];
        debug_assert!(s.fallback.is_none(), "one outage per slot at a time");
        s.outage_since.get_or_insert(now);
        self.launch(ctx, Role::Spot { slot }, now + replacement);
        if let Some(delay) = fallback {
            let f = self.launch(ctx, Role::Fallback { slot }, now + delay);
            self.spot_state().slots[slot as usize].fallback = Some(f);
        }
    }

    fn spot_state_ref(&self) -> &SpotState {
        self.spot.as_ref().expect("spot events only on spot fleets")
    }

    /// The notice is over: what still runs is requeued or failed, and billing stops.
    pub(super) fn on_interrupted<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        vm: u32,
        epoch: u32,
    ) {
        let v = self.fleet.vms[vm as usize];
        if v.epoch != epoch || v.state != VmState::Notice {
            return;
        }
        let now = ctx.now();
        let evicted = self.fleet.evict(vm, now);
        let n = evicted.len() as u64;
        self.in_flight -= n;
        let on_interrupt = self.cfg.spot.as_ref().map(|s| s.on_interrupt);
        if let Some(jobs) = &mut self.jobs {
            for r in &evicted {
                match on_interrupt {
                    Some(OnInterrupt::Fail) => jobs.fail(r.req, now),
                    _ => jobs.interrupt(r.req, now),
                }
            }
        }
        if on_interrupt == Some(OnInterrupt::Fail) {
            self.recorder.counts.failed += n;
        } else {
            self.spot_state().requeued += n;
            self.requeue(evicted.into_iter().map(|r| r.req));
        }
        self.stop_vm(vm, now);
        self.dispatch(ctx);
    }

    /// Puts requests back at the head of the queue, all requeued ones in arrival order.
    fn requeue(&mut self, reqs: impl Iterator<Item = Request>) {
        let mut all: Vec<Request> = self.requeued.drain(..).chain(reqs).collect();
        all.sort_by_key(|r| r.arrival);
        self.requeued = all.into();
    }

    /// A replacement or fallback finished booting: it serves, the slot's outage ends,
    /// and a serving replacement releases the slot's fallback.
    pub(super) fn on_ready<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        vm: u32,
        epoch: u32,
    ) {
        let v = self.fleet.vms[vm as usize];
        if v.epoch != epoch || v.state != VmState::Booting {
            return; // a fallback released before it served
        }
        let now = ctx.now();
        self.fleet.enter_service(vm, now);
        let g = self.cfg.gpus_per_instance as u128;
        let (Role::Spot { slot } | Role::Fallback { slot }) = v.role else {
            unreachable!("only spot replacements and fallbacks boot after t = 0")
        };
        let st = self.spot_state();
        if let Some(since) = st.slots[slot as usize].outage_since.take() {
            st.lost_gpu_ns += (now - since).0 as u128 * g;
        }
        if let Role::Spot { .. } = v.role {
            let fallback = st.slots[slot as usize].fallback.take();
            self.schedule_notice(ctx, vm, slot);
            if let Some(f) = fallback {
                self.release(f, now);
            }
        }
        self.dispatch(ctx);
    }

    /// A fallback is no longer needed: it drains what it runs, then stops.
    fn release(&mut self, vm: u32, now: SimTime) {
        match self.fleet.vms[vm as usize].state {
            VmState::Booting => self.stop_vm(vm, now),
            VmState::Serving => {
                self.fleet.leave_service(vm, VmState::Draining);
                if self.fleet.vm_load(vm) == 0 {
                    self.stop_vm(vm, now);
                }
            }
            _ => {}
        }
    }
}
