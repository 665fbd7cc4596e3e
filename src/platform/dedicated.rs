//! The dedicated (Spheron-like) platform: always-on instances with the model resident,
//! a FIFO queue, and least-loaded dispatch over GPUs (SPEC §3.2, §10.10).
//!
//! Deliberately knows no prices: each instance's span goes to a `Meter`.

use super::queue::RequestQueue;
use super::{ContainerStats, PlatformOutcome};
use crate::billing::{BillingRule, Meter, UsageSpan};
use crate::engine::{Context, Model};
use crate::metrics::{Recorder, TimeAverage};
use crate::time::{SimDuration, SimTime};
use crate::workload::Request;

/// A validated dedicated fleet, without its prices.
#[derive(Clone, Debug)]
pub struct DedicatedConfig {
    pub instances: u32,
    pub gpus_per_instance: u32,
    /// Concurrent requests per GPU.
    pub max_inputs: u32,
    pub queue_limit: Option<u64>,
    pub billing: BillingRule,
}

impl DedicatedConfig {
    pub fn gpus(&self) -> u32 {
        self.instances * self.gpus_per_instance
    }
}

/// GPUs by current load, answering "least loaded, lowest index" without a scan of the
/// fleet: one bitset per load level below `max_inputs`.
#[derive(Debug)]
struct LoadIndex {
    /// `levels[l]` has bit g set when GPU g runs exactly l inputs.
    levels: Vec<Vec<u64>>,
    counts: Vec<u32>,
}

impl LoadIndex {
    fn new(gpus: u32, max_inputs: u32) -> Self {
        let words = (gpus as usize).div_ceil(64);
        let mut levels = vec![vec![0u64; words]; max_inputs as usize];
        for g in 0..gpus as usize {
            levels[0][g / 64] |= 1 << (g % 64);
        }
        let mut counts = vec![0; max_inputs as usize];
        counts[0] = gpus;
        LoadIndex { levels, counts }
    }

    #[inline]
    fn least_loaded(&self) -> Option<u32> {
        let level = self.counts.iter().position(|&c| c > 0)?;
        let words = &self.levels[level];
        let (w, bits) = words.iter().enumerate().find(|(_, b)| **b != 0)?;
        Some((w * 64 + bits.trailing_zeros() as usize) as u32)
    }

    #[inline]
    fn set(&mut self, gpu: u32, level: u32, present: bool) {
        let Some(words) = self.levels.get_mut(level as usize) else {
            return;
        };
        let (w, bit) = (gpu as usize / 64, 1u64 << (gpu % 64));
        if present {
            words[w] |= bit;
            self.counts[level as usize] += 1;
        } else {
            words[w] &= !bit;
            self.counts[level as usize] -= 1;
        }
    }

    /// Moves `gpu` from load `from` to load `to` (levels ≥ max_inputs are not indexed).
    #[inline]
    fn moved(&mut self, gpu: u32, from: u32, to: u32) {
        self.set(gpu, from, false);
        self.set(gpu, to, true);
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Gpu {
    load: u32,
    busy_since: SimTime,
    busy: SimDuration,
}

/// Events of the dedicated model.
#[derive(Clone, Copy, Debug)]
pub enum DedicatedEvent {
    Finished {
        gpu: u32,
        arrival: SimTime,
        start: SimTime,
    },
}

/// One dedicated fleet in one replica.
pub struct Dedicated {
    cfg: DedicatedConfig,
    gpus: Vec<Gpu>,
    index: LoadIndex,
    queue: RequestQueue,
    in_flight: u64,
    busy: TimeAverage,
    pub recorder: Recorder,
}

impl Dedicated {
    pub fn new(
        cfg: DedicatedConfig,
        timeout: Option<SimDuration>,
        slo: Option<SimDuration>,
    ) -> Self {
        let n = cfg.gpus();
        Dedicated {
            gpus: vec![Gpu::default(); n as usize],
            index: LoadIndex::new(n, cfg.max_inputs),
            queue: RequestQueue::new(cfg.queue_limit, timeout),
            in_flight: 0,
            busy: TimeAverage::default(),
            recorder: Recorder::new(slo),
            cfg,
        }
    }

    fn assign<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>, gpu: u32, req: Request) {
        let now = ctx.now();
        let g = &mut self.gpus[gpu as usize];
        let load = g.load;
        g.load += 1;
        if load == 0 {
            g.busy_since = now;
            self.busy.add(now, 1);
        }
        self.index.moved(gpu, load, load + 1);
        self.in_flight += 1;
        ctx.schedule(
            now + req.service,
            DedicatedEvent::Finished {
                gpu,
                arrival: req.arrival,
                start: now,
            }
            .into(),
        );
    }

    /// Accepts one arrival (also used by composite platforms).
    pub fn arrive<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>, req: Request) {
        self.recorder.counts.arrived += 1;
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        if let Some(gpu) = self.index.least_loaded() {
            self.assign(ctx, gpu, req);
        } else if self.queue.has_room() {
            self.queue.push_back(req);
        } else {
            self.recorder.counts.rejected += 1;
        }
    }

    /// Dispatches one of this model's events (also used by composite platforms).
    pub fn handle<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>, event: DedicatedEvent) {
        let DedicatedEvent::Finished {
            gpu,
            arrival,
            start,
        } = event;
        let now = ctx.now();
        self.in_flight -= 1;
        self.recorder.completed(arrival, start, now);
        let g = &mut self.gpus[gpu as usize];
        let load = g.load;
        g.load -= 1;
        if g.load == 0 {
            g.busy += now - g.busy_since;
            self.busy.add(now, -1);
        }
        self.index.moved(gpu, load, load - 1);
        self.recorder.counts.timed_out += self.queue.expire(now);
        if let Some(req) = self.queue.pop_front() {
            // The queue only grows while every slot is taken, so the freed GPU is the
            // least loaded one.
            self.assign(ctx, gpu, req);
        }
    }

    /// Queued plus running requests.
    pub fn load(&self) -> u64 {
        self.in_flight + self.queue.len() as u64
    }

    /// Closes the books at the horizon: every instance is billed from 0 to the horizon.
    pub fn finish(mut self, horizon: SimTime) -> PlatformOutcome {
        self.recorder.counts.timed_out += self.queue.expire(horizon);
        let mut meter = Meter::new(self.cfg.billing);
        for instance in self.gpus.chunks_mut(self.cfg.gpus_per_instance as usize) {
            let mut busy = SimDuration::ZERO;
            for g in instance.iter_mut() {
                if g.load > 0 {
                    g.busy += horizon - g.busy_since;
                }
                busy += g.busy;
            }
            meter.add(&UsageSpan {
                start: SimTime::ZERO,
                boot_end: SimTime::ZERO,
                stop: horizon,
                busy_gpu: busy,
            });
        }
        self.recorder.counts.in_flight_at_end = self.in_flight + self.queue.len() as u64;
        debug_assert!(
            self.recorder.counts.is_conserved(),
            "requests are conserved"
        );
        let gpus = self.cfg.gpus() as f64;
        let busy_mean = self.busy.mean_until(horizon);
        PlatformOutcome {
            containers: ContainerStats {
                started: 0,
                mean: gpus,
                busy_mean,
                idle_mean: gpus - busy_mean,
                max: self.cfg.gpus() as u64,
            },
            recorder: self.recorder,
            billed: meter.billed,
        }
    }
}

impl Model for Dedicated {
    type Event = DedicatedEvent;
    type Input = Request;

    fn on_event(&mut self, ctx: &mut Context<DedicatedEvent>, event: DedicatedEvent) {
        self.handle(ctx, event)
    }

    fn on_input(&mut self, ctx: &mut Context<DedicatedEvent>, req: Request) {
        self.arrive(ctx, req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_loaded_prefers_lower_load_then_lower_index() {
        let mut ix = LoadIndex::new(130, 2);
        assert_eq!(ix.least_loaded(), Some(0));
        ix.moved(0, 0, 1);
        assert_eq!(ix.least_loaded(), Some(1));
        for g in 1..130 {
            ix.moved(g, 0, 1);
        }
        assert_eq!(ix.least_loaded(), Some(0), "all at load 1: lowest index");
        ix.moved(0, 1, 2);
        ix.moved(1, 1, 2);
        assert_eq!(ix.least_loaded(), Some(2));
        ix.moved(129, 1, 0);
        assert_eq!(ix.least_loaded(), Some(129));
    }
}
