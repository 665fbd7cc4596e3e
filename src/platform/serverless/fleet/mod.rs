//! The containers of one serverless function: slot reuse, the free set (`pick`) and the
//! time-averaged live / busy / idle counts.
//!
//! Deliberately knows nothing about requests' fate or events: `Serverless` decides what
//! happens, the fleet keeps the books consistent.

use super::idle::IdleList;
use super::places::{Places, Running};
use crate::engine::Ticket;
use crate::metrics::TimeAverage;
use crate::platform::pool::{BootingSlots, FreeSlots, Pick};
use crate::time::{SimDuration, SimTime};
use crate::workload::Request;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    /// Waiting for a GPU (`schedule_delay`) or booting: counts as starting everywhere.
    Starting,
    Ready,
    Stopped,
}

/// per_request: inputs waiting for a container's boot, each with the instant it gives
/// up if it has not started before (`SimTime::MAX` without a timeout), `None` if it has
/// (a restarted execution).
pub(super) type Waiting = Vec<(Request, Option<SimTime>)>;

/// One container. Laid out by hand in two cache lines: the first holds all that a
/// request's arrival and completion touch, so that a pool of tens of thousands of
/// containers costs one cache line per request, not three.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub(super) struct Container {
    /// Moves on with every new tenant of the slot: events of an earlier one are stale.
    pub life: u32,
    /// Inputs holding a slot: executing, or (per_request) waiting for the boot.
    pub assigned: u32,
    pub executing: u32,
    pub state: State,
    /// Whether input place 0 is taken (see `Places`).
    first_used: bool,
    pub boot_end: SimTime,
    pub busy_since: SimTime,
    /// Time with at least one input executing, closed intervals only.
    pub busy: SimDuration,
    /// Inputs executing, by input place (a `Finished` event names its place, so the
    /// event stays small). Place 0 ends the first cache line.
    running: Places,
    /// per_request: inputs assigned while it boots, in assignment order, each with the
    /// instant it gives up (none for a restarted input); allocated on first use.
    pub waiting: Option<Box<Waiting>>,
    /// When it was asked for: the start of its `schedule_delay`.
    pub created: SimTime,
    /// Order of this container's creation (warm-pool containers first).
    pub start_seq: u64,
    /// When billing starts: the end of its `schedule_delay`.
    pub started_at: SimTime,
    /// When the preemption hazard strikes, and the place its event takes.
    pub preempt_at: SimTime,
    pub preempt_ticket: Ticket,
}

const _: () = {
    assert!(std::mem::size_of::<Container>() == 128);
    assert!(std::mem::offset_of!(Container, running) + std::mem::size_of::<Running>() <= 64);
};

/// Live containers and the free set, all O(1) or O(log n) per operation.
pub(super) struct Fleet {
    pub containers: Vec<Container>,
    vacant: Vec<u32>,
    /// Ready containers with a free slot.
    free: FreeSlots,
    /// per_request: booting containers with a free slot, which a request takes only when
    /// no ready container has one, the first to end its boot first (`None` under `queue`,
    /// where booting ones take no work).
    booting: Option<BootingSlots>,
    /// Ready containers with no input, by the end of their scaledown window.
    pub idle: IdleList,
    max_inputs: u32,
    created: u64,
    pub live: TimeAverage,
    /// Containers waiting for a GPU or booting. Busy and idle counts are not
    /// integrated as they change (twice per request): ∫ busy = the containers' summed
    /// busy time, and idle = live − busy − starting at every instant.
    starting: TimeAverage,
    /// Busy time of the stopped containers.
    busy_total: u128,
    /// Containers executing at least one input now (for timelines).
    pub busy_now: u64,
}

impl Fleet {
    pub fn new(pick: Pick, max_inputs: u32, booting_takes_work: bool) -> Self {
        Fleet {
            containers: Vec::new(),
            vacant: Vec::new(),
            free: FreeSlots::new(pick),
            booting: booting_takes_work.then(BootingSlots::default),
            idle: IdleList::default(),
            max_inputs,
            created: 0,
            live: TimeAverage::default(),
            starting: TimeAverage::default(),
            busy_total: 0,
            busy_now: 0,
        }
    }

    #[inline]
    pub fn get(&self, slot: u32) -> &Container {
        &self.containers[slot as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, slot: u32) -> &mut Container {
        &mut self.containers[slot as usize]
    }

    /// Live containers, starting ones included.
    #[inline]
    pub fn live_count(&self) -> u64 {
        self.live.level()
    }

    /// Whether `slot` is the current, live tenant `life`.
    #[inline]
    pub fn is_current(&self, slot: u32, life: u32) -> bool {
        let c = self.get(slot);
        c.life == life && c.state != State::Stopped
    }

    #[inline]
    pub fn has_room(&self, slot: u32) -> bool {
        self.get(slot).assigned < self.max_inputs
    }

    /// A new container in a vacant slot (or a new one); counted live from `now`.
    pub fn create(
        &mut self,
        now: SimTime,
        started_at: SimTime,
        boot_end: SimTime,
        state: State,
    ) -> u32 {
        let start_seq = self.created;
        self.created += 1;
        let slot = match self.vacant.pop() {
            Some(slot) => slot,
            None => {
                self.containers.push(Container {
                    life: 0,
                    assigned: 0,
                    executing: 0,
                    state: State::Stopped,
                    first_used: false,
                    boot_end: now,
                    busy_since: now,
                    busy: SimDuration::ZERO,
                    running: Places::default(),
                    waiting: None,
                    created: now,
                    start_seq: 0,
                    started_at: now,
                    preempt_at: SimTime::MAX,
                    preempt_ticket: Ticket::default(),
                });
                (self.containers.len() - 1) as u32
            }
        };
        let c = &mut self.containers[slot as usize];
        // The generation moves on, so that events of the previous tenant stay stale;
        // the vectors keep their capacity.
        c.life = c.life.wrapping_add(1);
        c.preempt_at = SimTime::MAX;
        c.state = state;
        c.start_seq = start_seq;
        (c.created, c.started_at, c.boot_end) = (now, started_at, boot_end);
        (c.assigned, c.executing) = (0, 0);
        (c.busy_since, c.busy) = (started_at, SimDuration::ZERO);
        if let Some(w) = &mut c.waiting {
            w.clear();
        }
        c.running.clear();
        c.first_used = false;
        self.free.register(slot);
        self.live.add(now, 1);
        if state == State::Starting {
            self.starting.add(now, 1);
            if let Some(booting) = &mut self.booting {
                booting.register(slot, boot_end, start_seq);
            }
        }
        slot
    }

    /// Puts `slot` in its free set (ready or booting) if it has room, else takes it out.
    /// Its rank does not change: an assignment does not free (docs/semantics.md#dispatch-and-pick).
    #[inline(always)]
    pub fn offer(&mut self, slot: u32) {
        if self.get(slot).state == State::Starting {
            return self.offer_booting(slot);
        }
        if self.has_room(slot) {
            self.free.offer(slot);
        } else {
            self.free.withdraw(slot);
        }
    }

    /// Out of line, so that offering a ready container costs one compare more. Under
    /// `queue` a booting container is in no free set.
    #[inline(never)]
    fn offer_booting(&mut self, slot: u32) {
        let room = self.has_room(slot);
        let Some(booting) = &mut self.booting else {
            return;
        };
        if room {
            booting.offer(slot);
        } else {
            booting.withdraw(slot);
        }
    }

    /// Removes and returns the ready container the pick policy prefers, if any has room.
    #[inline]
    pub fn pick(&mut self) -> Option<u32> {
        self.free.pop()
    }

    /// per_request: as `pick`, else the booting container whose boot ends first (ties:
    /// the one started first), whatever the pick policy (docs/semantics.md#dispatch-and-pick).
    #[inline]
    pub fn pick_ready_first(&mut self) -> Option<u32> {
        self.free.pop().or_else(|| self.booting.as_mut()?.pop())
    }

    /// `req` starts executing on `slot` now; returns its input place.
    #[inline(always)]
    pub fn exec_started(&mut self, slot: u32, req: Request, now: SimTime) -> u32 {
        let c = &mut self.containers[slot as usize];
        c.executing += 1;
        if c.executing == 1 {
            c.busy_since = now;
            self.busy_now += 1;
        }
        c.running
            .put(&mut c.first_used, Running { req, start: now })
    }

    /// The input in `place` stops executing on `slot` (finished or failed).
    #[inline(always)]
    pub fn exec_ended(&mut self, slot: u32, place: u32, now: SimTime) -> Running {
        let c = &mut self.containers[slot as usize];
        let run = c.running.take(&mut c.first_used, place);
        c.executing -= 1;
        c.assigned -= 1;
        if c.executing == 0 {
            c.busy += now - c.busy_since;
            self.busy_now -= 1;
        }
        // The one moment a ready container frees: mru/lru rank it from now.
        self.free.freed(slot);
        run
    }

    /// The input executing in `place` of `slot`.
    pub fn executing(&self, slot: u32, place: u32) -> Request {
        self.containers[slot as usize].running.get(place)
    }

    /// Takes the inputs executing on `slot` (it is being preempted).
    pub fn take_running(&mut self, slot: u32) -> Vec<Request> {
        let c = &mut self.containers[slot as usize];
        c.running.drain(&mut c.first_used)
    }

    /// `slot` finished booting and is idle until it is given work; for mru/lru it freed
    /// now (it has never served).
    pub fn booted(&mut self, slot: u32, now: SimTime) {
        if let Some(booting) = &mut self.booting {
            booting.withdraw(slot);
        }
        self.free.freed(slot);
        self.containers[slot as usize].state = State::Ready;
        self.starting.add(now, -1);
    }

    /// Stops `slot` at `now` (scaled down, preempted or at the horizon) and returns its
    /// billing span's parts: (billing start, boot end, busy time).
    pub fn stop(&mut self, slot: u32, now: SimTime) -> (SimTime, SimTime, SimDuration) {
        self.free.release(slot);
        if let Some(booting) = &mut self.booting
            && self.containers[slot as usize].state == State::Starting
        {
            booting.withdraw(slot);
        }
        self.idle.remove(slot);
        let c = &mut self.containers[slot as usize];
        if c.executing > 0 {
            c.busy += now - c.busy_since;
            self.busy_now -= 1;
        } else if c.state == State::Starting {
            self.starting.add(now, -1);
        }
        self.busy_total += c.busy.0 as u128;
        c.state = State::Stopped;
        (c.assigned, c.executing) = (0, 0);
        c.running.clear();
        c.first_used = false;
        self.live.add(now, -1);
        self.vacant.push(slot);
        // A container stopped during its schedule delay was never billed.
        (c.started_at.min(now), c.boot_end, c.busy)
    }

    /// Time-average live, busy and idle containers over [0, `end`], once every container
    /// has stopped (at the latest at `end`).
    pub fn means(&self, end: SimTime) -> (f64, f64, f64) {
        debug_assert_eq!(self.live.level(), 0, "every container stopped");
        let live = self.live.integral_until(end);
        let idle = live - self.busy_total - self.starting.integral_until(end);
        let mean = |integral: u128| TimeAverage::mean_of(integral, end);
        (mean(live), mean(self.busy_total), mean(idle))
    }

    /// The live containers' slots, in slot order.
    pub fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.containers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.state != State::Stopped)
            .map(|(i, _)| i as u32)
    }
}

#[cfg(test)]
mod tests;
