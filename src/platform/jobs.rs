//! Long jobs on a slot (docs/semantics.md#long-jobs): a job works in segments (restore if
//! it resumes, work up to the next checkpoint, the checkpoint), a few events per segment
//! rather than per second, and an interruption loses the work of the segment it cuts.
//!
//! Deliberately knows nothing of GPUs, containers or why a job is interrupted: a
//! platform admits a job when it arrives, starts it on a slot, advances it when the
//! event it was given fires, and interrupts it when its slot goes. While admitted, a
//! job's request carries its id here instead of its work (`Request::service`), so that
//! queues and slots keep 16-byte requests.

use crate::metrics::JobMetrics;
use crate::random::{Seeds, SimRng, Stream};
use crate::time::{SimDuration, SimTime};
use crate::workload::{Checkpointing, JobSpec, Request};

/// What a job does when the event it was given fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// It works on: the next event is at this instant.
    Next(SimTime),
    /// Its last checkpoint ended: it is complete (and forgotten here).
    Done,
    /// Its execution reached its deadline (`execution_timeout_s`) before its checkpoint:
    /// it is interrupted (already accounted) and resumes in another execution.
    Cut,
    /// Its execution reached its deadline, and without checkpoints it would reach it
    /// again: it fails (already accounted, and forgotten here).
    Failed,
}

/// From `start`: `restore`, then `work`, then `cost` (the checkpoint).
#[derive(Clone, Copy, Debug, Default)]
struct Segment {
    start: SimTime,
    restore: SimDuration,
    work: SimDuration,
    cost: SimDuration,
}

impl Segment {
    fn end(&self) -> SimTime {
        self.start + self.restore + self.work + self.cost
    }
}

#[derive(Clone, Debug)]
struct Job {
    arrival: SimTime,
    work: SimDuration,
    /// Work saved by completed checkpoints.
    saved: SimDuration,
    /// Interrupted since its last checkpoint: restores before working again.
    resumes: bool,
    /// Its execution ends here (`SimTime::MAX`: never).
    deadline: SimTime,
    segment: Segment,
    /// Checkpoint and restore durations, keyed by the job's arrival order.
    rng: SimRng,
}

/// The admitted jobs of one platform in one replica, and what they recorded.
pub struct JobBook {
    checkpoint: Option<Checkpointing>,
    seeds: Seeds,
    jobs: Vec<Option<Job>>,
    vacant: Vec<u32>,
    arrived: u64,
    pub metrics: JobMetrics,
}

impl JobBook {
    pub fn new(spec: &JobSpec, seeds: Seeds) -> JobBook {
        JobBook {
            checkpoint: spec.checkpoint.clone(),
            seeds,
            jobs: Vec::new(),
            vacant: Vec::new(),
            arrived: 0,
            metrics: JobMetrics::default(),
        }
    }

    /// Whether an interrupted job keeps what it saved (otherwise it starts from scratch).
    pub fn checkpoints(&self) -> bool {
        self.checkpoint.is_some()
    }

    /// Takes in an arriving job (whose `service` is its work); returns the request that
    /// stands for it from now on.
    pub fn admit(&mut self, req: Request) -> Request {
        let job = Job {
            arrival: req.arrival,
            work: req.service,
            saved: SimDuration::ZERO,
            resumes: false,
            deadline: SimTime::MAX,
            segment: Segment::default(),
            rng: self.seeds.rng(Stream::Checkpoints, self.arrived),
        };
        self.arrived += 1;
        let id = match self.vacant.pop() {
            Some(id) => {
                self.jobs[id as usize] = Some(job);
                id
            }
            None => {
                self.jobs.push(Some(job));
                (self.jobs.len() - 1) as u32
            }
        };
        Request {
            arrival: req.arrival,
            service: SimDuration(id as u64),
        }
    }

    /// An arrival another part of a composite platform took: keeps this book's draws
    /// keyed by the platform's arrival order.
    pub fn pass(&mut self) {
        self.arrived += 1;
    }

    /// Forgets a job that will not run again (rejected, or failed).
    pub fn abandon(&mut self, req: Request) {
        let id = req.service.0 as u32;
        self.jobs[id as usize] = None;
        self.vacant.push(id);
    }

    fn job(&mut self, req: Request) -> &mut Job {
        self.jobs[req.service.0 as usize]
            .as_mut()
            .expect("invariant: a job's request names an admitted job")
    }

    /// The job starts on a slot at `now` (its execution ends at `deadline`, if any);
    /// returns when its first event is due.
    #[inline(never)]
    pub fn start(&mut self, req: Request, now: SimTime, deadline: Option<SimTime>) -> SimTime {
        self.job(req).deadline = deadline.unwrap_or(SimTime::MAX);
        self.plan(req, now)
    }

    /// Plans the job's next segment from `now`; returns when its event is due.
    fn plan(&mut self, req: Request, now: SimTime) -> SimTime {
        let id = req.service.0 as usize;
        let job = self.jobs[id]
            .as_mut()
            .expect("invariant: a job's request names an admitted job");
        let left = job.work - job.saved;
        job.segment = match &self.checkpoint {
            None => Segment {
                start: now,
                work: left,
                ..Segment::default()
            },
            Some(c) => Segment {
                start: now,
                restore: match job.resumes {
                    true => c.restore.sample(&mut job.rng),
                    false => SimDuration::ZERO,
                },
                work: left.min(c.interval),
                cost: c.cost.sample(&mut job.rng),
            },
        };
        job.segment.end().min(job.deadline)
    }

    /// The event the job was given fired at `now`.
    pub fn advance(&mut self, req: Request, now: SimTime) -> Step {
        let job = self.job(req);
        let s = job.segment;
        if now < s.end() {
            debug_assert_eq!(
                now, job.deadline,
                "a job's event is its segment's end or its deadline"
            );
            if !self.checkpoints() {
                self.fail(req, now);
                return Step::Failed;
            }
            self.interrupt(req, now);
            return Step::Cut;
        }
        job.saved += s.work;
        job.resumes = false;
        let done = job.saved >= job.work;
        let arrival = job.arrival;
        let m = &mut self.metrics;
        m.checkpoint_ns += s.cost.0 as u128;
        m.restore_ns += s.restore.0 as u128;
        if done {
            m.completed(now - arrival);
            self.abandon(req);
            return Step::Done;
        }
        Step::Next(self.plan(req, now))
    }

    /// The job's slot goes at `now` and it will run again: the work of its current
    /// segment is lost, and it restores before working again (if it checkpoints).
    pub fn interrupt(&mut self, req: Request, now: SimTime) {
        self.cut(req, now);
        self.metrics.restarts += 1;
    }

    /// The job's slot goes at `now` and it will not run again: all the work it did is
    /// lost, what it saved included, without a restart, and the job is forgotten.
    pub fn fail(&mut self, req: Request, now: SimTime) {
        self.cut(req, now);
        self.metrics.lost_work_ns += self.job(req).saved.0 as u128;
        self.abandon(req);
    }

    /// Accounts the time of the job's current segment up to `now`, its work as lost.
    fn cut(&mut self, req: Request, now: SimTime) {
        let checkpoints = self.checkpoints();
        let job = self.job(req);
        let s = job.segment;
        let mut elapsed = now - s.start;
        let mut phase = |length: SimDuration| {
            let spent = elapsed.min(length);
            elapsed = elapsed - spent;
            spent.0 as u128
        };
        let (restore, work, cost) = (phase(s.restore), phase(s.work), phase(s.cost));
        job.resumes = checkpoints;
        job.segment = Segment::default();
        let m = &mut self.metrics;
        m.restore_ns += restore;
        m.lost_work_ns += work;
        m.checkpoint_ns += cost;
    }
}

#[cfg(test)]
mod tests;
