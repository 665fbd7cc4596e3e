//! Long jobs on a dedicated fleet (docs/semantics.md#long-jobs): one input slot per job,
//! a segment's end its `Finished` event; spot interruptions cut jobs in `spot`.

use super::{Dedicated, DedicatedEvent};
use crate::engine::Context;
use crate::platform::jobs::{JobBook, Step};
use crate::workload::JobSpec;

impl Dedicated {
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

    /// The job in `input` reached the end of a segment: whether that was all (it works
    /// on, or the event is stale), rather than its last checkpoint.
    // Out of line, like every jobs path: requests' hot paths stay as small as they were.
    #[inline(never)]
    pub(super) fn job_works_on<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        input: u32,
        epoch: u32,
    ) -> bool {
        let Some(req) = self.fleet.running(input, epoch) else {
            return true;
        };
        let jobs = self
            .jobs
            .as_mut()
            .expect("job events only with a jobs workload");
        match jobs.advance(req, ctx.now()) {
            Step::Next(at) => {
                ctx.schedule(at, DedicatedEvent::Finished { input, epoch }.into());
                true
            }
            _ => false,
        }
    }
}
