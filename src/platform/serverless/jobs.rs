//! Long jobs on serverless containers (docs/semantics.md#long-jobs): one container input
//! per job; `execution_timeout_s` ends an execution, and the job resumes from its last
//! checkpoint in a new execution, ahead of new arrivals.

use super::{Serverless, ServerlessEvent};
use crate::engine::Context;
use crate::platform::jobs::{JobBook, Step};
use crate::workload::{JobSpec, Request};

impl Serverless {
    /// Runs every request as a long job.
    pub fn with_jobs(mut self, spec: &JobSpec) -> Self {
        self.jobs = Some(JobBook::new(spec, self.seeds));
        self
    }

    /// An arrival another part of a composite platform took.
    pub(crate) fn pass_job(&mut self) {
        if let Some(jobs) = &mut self.jobs {
            jobs.pass();
        }
    }

    fn book(&mut self) -> &mut JobBook {
        self.jobs
            .as_mut()
            .expect("job events only with a jobs workload")
    }

    /// An arriving job is admitted, placed as any request, and forgotten if rejected.
    // Out of line, like every jobs path: requests' hot paths stay as small as they were.
    #[inline(never)]
    pub(super) fn arrive_job<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        req: Request,
    ) {
        let req = self.book().admit(req);
        let rejected = self.recorder.counts.rejected;
        let cold = match self.cfg.dispatch {
            super::Dispatch::Queue => self.arrive_queued(ctx, req),
            super::Dispatch::PerRequest => self.arrive_per_request(ctx, req),
        };
        if cold {
            self.recorder.cold_start_arrivals += 1;
        }
        if self.recorder.counts.rejected > rejected {
            self.book().abandon(req);
        }
    }

    /// The job in `place` reached the end of a segment or its execution's deadline.
    #[inline(never)]
    pub(super) fn on_job_event<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
        place: u32,
    ) {
        let now = ctx.now();
        let req = self.fleet.executing(slot, place);
        let step = self.book().advance(req, now);
        if let Step::Next(at) = step {
            let next = ServerlessEvent::Finished { slot, life, place };
            return ctx.schedule(at, next.into());
        }
        let run = self.fleet.exec_ended(slot, place, now);
        self.in_flight -= 1;
        match step {
            Step::Done => self.record_completion(slot, run.req.arrival, run.start, now),
            Step::Failed => self.recorder.counts.failed += 1,
            _ => {
                let at = self.restarts.partition_point(|r| r.arrival <= req.arrival);
                self.restarts.insert(at, req);
            }
        }
        self.feed(ctx, slot);
        self.autoscale(ctx);
    }
}
