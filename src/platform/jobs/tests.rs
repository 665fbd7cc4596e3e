use super::*;
use crate::workload::Dist;

fn book(checkpoint: Option<(f64, f64, f64)>) -> JobBook {
    let checkpoint = checkpoint.map(|(interval, cost, restore)| Checkpointing {
        interval: SimDuration::from_secs_f64(interval),
        cost: Dist::constant(cost),
        restore: Dist::constant(restore),
    });
    JobBook::new(&JobSpec { checkpoint }, Seeds::new(1, 0))
}

fn s(x: f64) -> SimTime {
    SimTime::from_secs_f64(x)
}

fn job(b: &mut JobBook, work_s: f64) -> Request {
    b.admit(Request {
        arrival: SimTime::ZERO,
        service: SimDuration::from_secs_f64(work_s),
    })
}

/// Runs the job's events until it is done or cut; returns the instants they fired.
fn run(b: &mut JobBook, r: Request, mut at: SimTime) -> (Vec<SimTime>, Step) {
    let mut seen = vec![at];
    loop {
        match b.advance(r, at) {
            Step::Next(t) => {
                at = t;
                seen.push(t);
            }
            step => return (seen, step),
        }
    }
}

#[test]
fn an_uninterrupted_job_checkpoints_after_every_interval_and_at_the_end() {
    let mut b = book(Some((3.0, 1.0, 5.0)));
    let r = job(&mut b, 10.0);
    let first = b.start(r, SimTime::ZERO, None);
    let (seen, step) = run(&mut b, r, first);
    assert_eq!(seen, vec![s(4.0), s(8.0), s(12.0), s(14.0)]);
    assert_eq!(step, Step::Done);
    assert_eq!(b.metrics.checkpoint_ns, 4_000_000_000);
    assert_eq!(b.metrics.restore_ns, 0);
    assert_eq!(b.metrics.completed, 1);
}

#[test]
fn work_that_ends_on_an_interval_checkpoints_once_there() {
    let mut b = book(Some((5.0, 1.0, 0.0)));
    let r = job(&mut b, 10.0);
    let first = b.start(r, SimTime::ZERO, None);
    let (seen, _) = run(&mut b, r, first);
    assert_eq!(seen, vec![s(6.0), s(12.0)]);
}

#[test]
fn an_interruption_loses_the_work_since_the_last_checkpoint_and_restores() {
    let mut b = book(Some((3.0, 1.0, 2.0)));
    let r = job(&mut b, 10.0);
    assert_eq!(b.start(r, SimTime::ZERO, None), s(4.0));
    assert_eq!(b.advance(r, s(4.0)), Step::Next(s(8.0)));
    // Cut 1.5 s into the second interval's work: 1.5 s lost, 3 s saved.
    b.interrupt(r, s(5.5));
    assert_eq!(b.metrics.lost_work_ns, 1_500_000_000);
    assert_eq!(b.metrics.restarts, 1);
    // Resumes at 20: restore 2, then 3 + 1, 3 + 1, 1 + 1.
    let first = b.start(r, s(20.0), None);
    let (seen, step) = run(&mut b, r, first);
    assert_eq!(seen, vec![s(26.0), s(30.0), s(32.0)]);
    assert_eq!(step, Step::Done);
    assert_eq!(b.metrics.restore_ns, 2_000_000_000);
    assert_eq!(b.metrics.checkpoint_ns, 4_000_000_000);
}

#[test]
fn an_interrupted_checkpoint_counts_its_time_and_loses_its_interval() {
    let mut b = book(Some((3.0, 2.0, 1.0)));
    let r = job(&mut b, 10.0);
    b.start(r, SimTime::ZERO, None);
    b.interrupt(r, s(4.0));
    assert_eq!(b.metrics.lost_work_ns, 3_000_000_000);
    assert_eq!(b.metrics.checkpoint_ns, 1_000_000_000);
}

#[test]
fn without_checkpoints_an_interrupted_job_starts_again_from_scratch() {
    let mut b = book(None);
    let r = job(&mut b, 10.0);
    assert_eq!(b.start(r, SimTime::ZERO, None), s(10.0));
    b.interrupt(r, s(7.0));
    assert_eq!(b.metrics.lost_work_ns, 7_000_000_000);
    assert_eq!(b.start(r, s(8.0), None), s(18.0));
    assert_eq!(b.advance(r, s(18.0)), Step::Done);
    assert_eq!(b.metrics.restore_ns, 0);
}

#[test]
fn a_deadline_cuts_the_segment_it_falls_in() {
    let mut b = book(Some((3.0, 1.0, 2.0)));
    let r = job(&mut b, 10.0);
    assert_eq!(b.start(r, SimTime::ZERO, Some(s(6.0))), s(4.0));
    assert_eq!(b.advance(r, s(4.0)), Step::Next(s(6.0)));
    assert_eq!(b.advance(r, s(6.0)), Step::Cut);
    assert_eq!(b.metrics.lost_work_ns, 2_000_000_000);
    // The next execution restores first: 2 + 3 + 1 from 6.
    assert_eq!(b.start(r, s(6.0), Some(s(100.0))), s(12.0));
}

#[test]
fn a_passed_arrival_keeps_the_next_jobs_draws_those_of_its_arrival_order() {
    // Two books of one composite platform: the second job's checkpoint costs are the
    // same whichever book takes it, and differ from the first job's.
    let spec = JobSpec {
        checkpoint: Some(Checkpointing {
            interval: SimDuration::from_secs_f64(10.0),
            cost: Dist::exponential(1.0),
            restore: Dist::constant(0.0),
        }),
    };
    let ends = |b: &mut JobBook, r: Request| {
        let first = b.start(r, SimTime::ZERO, None);
        run(b, r, first).0
    };
    let mut both = JobBook::new(&spec, Seeds::new(1, 0));
    let first = job(&mut both, 100.0);
    let second = job(&mut both, 100.0);
    let (first, second) = (ends(&mut both, first), ends(&mut both, second));
    let mut other = JobBook::new(&spec, Seeds::new(1, 0));
    other.pass();
    let passed = job(&mut other, 100.0);
    assert_eq!(ends(&mut other, passed), second);
    assert_ne!(first, second);
}

#[test]
fn a_failed_job_loses_all_its_work_without_a_restart() {
    // 3 s intervals with 1 s checkpoints: by 9.5 s two intervals (6 s of work) are saved
    // and 1.5 s of the third's work is done; all 7.5 s are lost.
    let mut b = book(Some((3.0, 1.0, 5.0)));
    let r = job(&mut b, 10.0);
    let first = b.start(r, SimTime::ZERO, None);
    assert_eq!(b.advance(r, first), Step::Next(s(8.0)));
    assert_eq!(b.advance(r, s(8.0)), Step::Next(s(12.0)));
    b.fail(r, s(9.5));
    assert_eq!(b.metrics.lost_work_ns, 7_500_000_000);
    assert_eq!(b.metrics.restarts, 0);
    assert_eq!(b.metrics.checkpoint_ns, 2_000_000_000);
    // Its id is free for the next job.
    assert_eq!(job(&mut b, 1.0).service, r.service);
}

#[test]
fn without_checkpoints_a_job_at_its_deadline_fails() {
    let mut b = book(None);
    let r = job(&mut b, 10.0);
    let end = b.start(r, SimTime::ZERO, Some(s(4.0)));
    assert_eq!(end, s(4.0));
    assert_eq!(b.advance(r, end), Step::Failed);
    assert_eq!(b.metrics.lost_work_ns, 4_000_000_000);
    assert_eq!(b.metrics.restarts, 0);
}
