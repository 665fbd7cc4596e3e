//! The instances of a dedicated platform and their GPUs: which instance serves, what runs
//! on which input slot, GPU-busy time, and the usage span an instance hands to billing.
//!
//! Deliberately knows no policy: when instances start, stop or take work is decided by
//! the dedicated model and its spot logic.
//!
//! A "GPU" here is what serves on its own: one GPU, or with a `tokens` service the
//! `tensor_parallel` GPUs one engine spans. Counts of billed GPUs (`live`, `booting`) and
//! busy GPU time count real GPUs.

use std::ops::Range;

use super::load_index::LoadIndex;
use crate::billing::UsageSpan;
use crate::metrics::TimeAverage;
use crate::time::{SimDuration, SimTime};
use crate::workload::Request;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum VmState {
    /// Provisioning and loading the model: billed, not serving.
    Booting,
    /// Takes new requests.
    Serving,
    /// Under a spot notice: finishes what it runs, takes nothing new.
    Notice,
    /// A released fallback instance finishing what it runs.
    Draining,
    Stopped,
}

/// Why an instance exists, which decides its price and its hazard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// An on-demand member of the fleet.
    OnDemand,
    /// The spot instance of fleet slot `slot`.
    Spot { slot: u32 },
    /// An on-demand stand-in for slot `slot` during a spot outage.
    Fallback { slot: u32 },
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Vm {
    pub state: VmState,
    pub role: Role,
    /// Moves on whenever the id is reused, so events of an earlier tenant are stale.
    pub epoch: u32,
    /// Start of provisioning: billing starts here.
    pub started: SimTime,
}

#[derive(Clone, Copy, Debug, Default)]
struct Gpu {
    load: u32,
    busy_since: SimTime,
    busy: SimDuration,
    /// Moves on when the GPU's inputs are evicted, so their completions are stale.
    epoch: u32,
}

/// A request executing on an input slot.
#[derive(Clone, Copy, Debug)]
pub(super) struct Running {
    pub req: Request,
    pub start: SimTime,
}

/// Every instance of one dedicated platform, live or vacant.
pub(super) struct Fleet {
    gpus_per_vm: u32,
    /// Real GPUs of one serving GPU (tensor_parallel).
    gpu_width: u32,
    max_inputs: u32,
    pub vms: Vec<Vm>,
    vacant: Vec<u32>,
    gpus: Vec<Gpu>,
    /// Input slot `gpu * max_inputs + i`.
    running: Vec<Option<Running>>,
    index: LoadIndex,
    serving_gpus: u32,
    /// GPUs of billed instances.
    pub live: TimeAverage,
    /// GPUs of instances still provisioning.
    pub booting: TimeAverage,
    /// GPUs executing at least one input now (for timelines).
    pub busy_now: u64,
}

impl Fleet {
    pub(super) fn new(gpus_per_vm: u32, gpu_width: u32, max_inputs: u32) -> Self {
        Fleet {
            gpus_per_vm,
            gpu_width,
            max_inputs,
            vms: Vec::new(),
            vacant: Vec::new(),
            gpus: Vec::new(),
            running: Vec::new(),
            index: LoadIndex::new(max_inputs),
            serving_gpus: 0,
            live: TimeAverage::default(),
            booting: TimeAverage::default(),
            busy_now: 0,
        }
    }

    pub(super) fn gpus_of(&self, vm: u32) -> Range<u32> {
        vm * self.gpus_per_vm..(vm + 1) * self.gpus_per_vm
    }

    fn real_gpus_per_vm(&self) -> u32 {
        self.gpus_per_vm * self.gpu_width
    }

    #[inline]
    pub(super) fn vm_of(&self, gpu: u32) -> u32 {
        gpu / self.gpus_per_vm
    }

    #[inline]
    pub(super) fn least_loaded(&self) -> Option<u32> {
        self.index.least_loaded()
    }

    #[inline]
    pub(super) fn has_free(&self) -> bool {
        self.index.has_free()
    }

    pub(super) fn serving_gpus(&self) -> u32 {
        self.serving_gpus
    }

    /// A new instance, booting (and billed) from `now`; returns its id.
    pub(super) fn launch(&mut self, role: Role, now: SimTime) -> u32 {
        let fresh = Vm {
            state: VmState::Booting,
            role,
            epoch: 0,
            started: now,
        };
        let vm = match self.vacant.pop() {
            Some(vm) => {
                let epoch = self.vms[vm as usize].epoch.wrapping_add(1);
                self.vms[vm as usize] = Vm { epoch, ..fresh };
                vm
            }
            None => {
                self.vms.push(fresh);
                let gpus = self.vms.len() * self.gpus_per_vm as usize;
                self.gpus.resize(gpus, Gpu::default());
                self.running.resize(gpus * self.max_inputs as usize, None);
                self.index.grow(gpus);
                (self.vms.len() - 1) as u32
            }
        };
        let g = self.real_gpus_per_vm() as i64;
        self.live.add(now, g);
        self.booting.add(now, g);
        vm
    }

    /// A booting instance starts taking requests.
    pub(super) fn enter_service(&mut self, vm: u32, now: SimTime) {
        debug_assert_eq!(self.vms[vm as usize].state, VmState::Booting);
        self.vms[vm as usize].state = VmState::Serving;
        for gpu in self.gpus_of(vm) {
            self.index.set(gpu, self.gpus[gpu as usize].load, true);
        }
        self.serving_gpus += self.gpus_per_vm;
        self.booting.add(now, -(self.real_gpus_per_vm() as i64));
    }

    /// A serving instance stops taking requests (spot notice, or a released fallback).
    pub(super) fn leave_service(&mut self, vm: u32, to: VmState) {
        debug_assert_eq!(self.vms[vm as usize].state, VmState::Serving);
        for gpu in self.gpus_of(vm) {
            self.index.set(gpu, self.gpus[gpu as usize].load, false);
        }
        self.serving_gpus -= self.gpus_per_vm;
        self.vms[vm as usize].state = to;
    }

    /// Starts `req` on serving GPU `gpu`; returns the input slot and its generation.
    #[inline(always)]
    pub(super) fn assign(&mut self, gpu: u32, req: Request, now: SimTime) -> (u32, u32) {
        debug_assert_eq!(
            self.vms[self.vm_of(gpu) as usize].state,
            VmState::Serving,
            "only serving GPUs take work"
        );
        let m = self.max_inputs as usize;
        let first = gpu as usize * m;
        let input = (first..first + m)
            .find(|&i| self.running[i].is_none())
            .expect("a GPU below max_inputs has a free input slot");
        self.running[input] = Some(Running { req, start: now });
        let g = &mut self.gpus[gpu as usize];
        let load = g.load;
        g.load += 1;
        if load == 0 {
            g.busy_since = now;
            self.busy_now += self.gpu_width as u64;
        }
        let epoch = g.epoch;
        self.index.moved(gpu, load, load + 1);
        (input as u32, epoch)
    }

    /// The end of the execution on `input`; `None` if it was evicted meanwhile.
    #[inline]
    pub(super) fn complete(
        &mut self,
        input: u32,
        epoch: u32,
        now: SimTime,
    ) -> Option<(Running, u32)> {
        let gpu = input / self.max_inputs;
        if self.gpus[gpu as usize].epoch != epoch {
            return None;
        }
        let run = self.running[input as usize]
            .take()
            .expect("a current input slot holds a request");
        let g = &mut self.gpus[gpu as usize];
        let load = g.load;
        g.load -= 1;
        if g.load == 0 {
            g.busy += now - g.busy_since;
            self.busy_now -= self.gpu_width as u64;
        }
        if self.vms[self.vm_of(gpu) as usize].state == VmState::Serving {
            self.index.moved(gpu, load, load - 1);
        }
        Some((run, gpu))
    }

    /// The request executing on `input`; `None` if it was evicted meanwhile.
    pub(super) fn running(&self, input: u32, epoch: u32) -> Option<Request> {
        let gpu = input / self.max_inputs;
        (self.gpus[gpu as usize].epoch == epoch)
            .then(|| self.running[input as usize].map(|r| r.req))
            .flatten()
    }

    /// The generation of `gpu`'s input slots (moves on when they are evicted).
    pub(super) fn epoch(&self, gpu: u32) -> u32 {
        self.gpus[gpu as usize].epoch
    }

    pub(super) fn max_inputs(&self) -> u32 {
        self.max_inputs
    }

    /// Requests executing on `vm`'s GPUs.
    pub(super) fn vm_load(&self, vm: u32) -> u32 {
        self.gpus_of(vm).map(|g| self.gpus[g as usize].load).sum()
    }

    /// Takes every request still executing on a non-serving `vm`; the work done so far
    /// stays GPU-busy time (docs/semantics.md#dedicated-dispatch).
    pub(super) fn evict(&mut self, vm: u32, now: SimTime) -> Vec<Running> {
        debug_assert_ne!(self.vms[vm as usize].state, VmState::Serving);
        let m = self.max_inputs as usize;
        let mut evicted = Vec::new();
        for gpu in self.gpus_of(vm) {
            let first = gpu as usize * m;
            evicted.extend(
                self.running[first..first + m]
                    .iter_mut()
                    .filter_map(Option::take),
            );
            let g = &mut self.gpus[gpu as usize];
            if g.load > 0 {
                g.busy += now - g.busy_since;
                g.load = 0;
                self.busy_now -= self.gpu_width as u64;
            }
            g.epoch = g.epoch.wrapping_add(1);
        }
        evicted
    }

    /// `vm`'s usage so far, as if it stopped at `now`.
    pub(super) fn span(&self, vm: u32, now: SimTime) -> UsageSpan {
        let v = &self.vms[vm as usize];
        let busy_gpu = self
            .gpus_of(vm)
            .map(|gpu| {
                let g = &self.gpus[gpu as usize];
                let open = if g.load > 0 {
                    now - g.busy_since
                } else {
                    SimDuration::ZERO
                };
                g.busy + open
            })
            .fold(SimDuration::ZERO, |a, b| a + b);
        let busy_gpu = SimDuration(busy_gpu.0 * self.gpu_width as u64);
        // docs/semantics.md#billing: a dedicated bill breaks down into busy, idle and fallback only, so a
        // replacement's provisioning and model load count as idle, not startup.
        UsageSpan {
            start: v.started,
            boot_end: v.started,
            stop: now,
            busy_gpu,
            gpus: self.real_gpus_per_vm(),
        }
    }

    /// Stops an instance with nothing executing; returns its closed span for billing.
    pub(super) fn stop(&mut self, vm: u32, now: SimTime) -> UsageSpan {
        debug_assert_eq!(self.vm_load(vm), 0, "an instance stops once empty");
        let span = self.span(vm, now);
        let g = self.real_gpus_per_vm() as i64;
        match self.vms[vm as usize].state {
            VmState::Serving => self.leave_service(vm, VmState::Stopped),
            VmState::Booting => self.booting.add(now, -g),
            _ => {}
        }
        for gpu in self.gpus_of(vm) {
            let g = &mut self.gpus[gpu as usize];
            g.busy = SimDuration::ZERO;
            g.epoch = g.epoch.wrapping_add(1);
        }
        self.vms[vm as usize].state = VmState::Stopped;
        self.live.add(now, -g);
        self.vacant.push(vm);
        span
    }

    /// Ids of instances not stopped, in fleet order.
    pub(super) fn live_vms(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.vms.len() as u32).filter(|&vm| self.vms[vm as usize].state != VmState::Stopped)
    }
}
