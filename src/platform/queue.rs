//! The FIFO of requests waiting to start, with the workload's give-up timeout and an
//! optional length limit.

use std::collections::VecDeque;

use crate::time::{SimDuration, SimTime};
use crate::workload::Request;

/// The most requests a queue holds whatever its `queue_limit` (docs/semantics.md#bad-input): a platform
/// whose offered load exceeds its capacity would otherwise queue without bound. Reaching
/// it marks the platform overloaded (`unstable`) and rejects what arrives beyond it, so a
/// replica's queue never takes more than 64 MiB (16 bytes a request).
pub const OVERLOAD_GUARD: u64 = 1 << 22;

/// Requests waiting for a free slot, oldest first.
#[derive(Debug)]
pub struct RequestQueue {
    queue: VecDeque<Request>,
    /// Requests beyond this many waiting are rejected: `queue_limit`, or the overload
    /// guard when that is lower, so that one compare decides.
    cap: u64,
    /// Whether `cap` is the overload guard rather than the scenario's `queue_limit`.
    guarded: bool,
    /// A request still waiting after this long gives up.
    timeout: Option<SimDuration>,
    /// With a timeline: the deadlines of requests that gave up since the platform last
    /// looked, since they leave the queue only when it looks.
    gave_up: Option<Vec<SimTime>>,
}

impl RequestQueue {
    pub fn new(limit: Option<u64>, timeout: Option<SimDuration>) -> Self {
        let guarded = limit.is_none_or(|l| l > OVERLOAD_GUARD);
        RequestQueue {
            queue: VecDeque::new(),
            cap: limit.map_or(OVERLOAD_GUARD, |l| l.min(OVERLOAD_GUARD)),
            guarded,
            timeout,
            gave_up: None,
        }
    }

    /// Keeps the deadlines of the requests that give up, for `take_gave_up`.
    pub fn log_give_ups(&mut self) {
        self.gave_up = Some(Vec::new());
    }

    /// The deadlines of the requests that gave up since the last call (with
    /// `log_give_ups`; none without).
    pub fn take_gave_up(&mut self) -> impl Iterator<Item = SimTime> + '_ {
        self.gave_up.iter_mut().flat_map(|v| v.drain(..))
    }

    /// Whether a request that finds no room is turned away by the overload guard (the
    /// platform cannot keep up) rather than by `queue_limit`.
    pub fn rejects_as_overloaded(&self) -> bool {
        self.guarded
    }

    /// Drops requests whose wait reached the timeout by `now`; returns how many.
    /// All requests share one timeout, so the expired ones are always at the head.
    #[inline]
    pub fn expire(&mut self, now: SimTime) -> u64 {
        let Some(timeout) = self.timeout else {
            return 0;
        };
        let mut n = 0;
        while self
            .queue
            .front()
            .is_some_and(|r| r.arrival + timeout <= now)
        {
            let r = self.queue.pop_front().expect("the head was just seen");
            if let Some(log) = &mut self.gave_up {
                log.push(r.arrival + timeout);
            }
            n += 1;
        }
        n
    }

    /// Whether one more request may wait.
    #[inline]
    pub fn has_room(&self) -> bool {
        (self.queue.len() as u64) < self.cap
    }

    #[inline]
    pub fn push_back(&mut self, r: Request) {
        self.queue.push_back(r);
    }

    #[inline]
    pub fn pop_front(&mut self) -> Option<Request> {
        self.queue.pop_front()
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(t: u64) -> Request {
        Request {
            arrival: SimTime(t),
            service: SimDuration(1),
        }
    }

    #[test]
    fn expired_requests_leave_from_the_head_at_their_deadline() {
        let mut q = RequestQueue::new(None, Some(SimDuration(10)));
        for t in [0, 5, 9] {
            q.push_back(req(t));
        }
        assert_eq!(q.expire(SimTime(9)), 0);
        assert_eq!(q.expire(SimTime(15)), 2);
        assert_eq!(q.pop_front(), Some(req(9)));
    }

    #[test]
    fn give_ups_are_logged_with_their_deadlines_when_asked() {
        let mut q = RequestQueue::new(None, Some(SimDuration(10)));
        q.push_back(req(0));
        q.expire(SimTime(20));
        assert_eq!(q.take_gave_up().count(), 0);
        q.log_give_ups();
        q.push_back(req(3));
        q.expire(SimTime(20));
        assert_eq!(q.take_gave_up().collect::<Vec<_>>(), vec![SimTime(13)]);
        assert_eq!(q.take_gave_up().count(), 0);
    }

    #[test]
    fn the_limit_counts_waiting_requests() {
        let mut q = RequestQueue::new(Some(1), None);
        assert!(q.has_room());
        q.push_back(req(0));
        assert!(!q.has_room());
        assert!(!RequestQueue::new(Some(0), None).has_room());
        assert!(!q.rejects_as_overloaded());
    }

    #[test]
    fn an_unlimited_queue_stops_growing_at_the_overload_guard() {
        let mut q = RequestQueue::new(None, None);
        for t in 0..OVERLOAD_GUARD {
            assert!(q.has_room());
            q.push_back(req(t));
        }
        assert!(!q.has_room());
        assert!(q.rejects_as_overloaded());
        let above = RequestQueue::new(Some(OVERLOAD_GUARD + 1), None);
        assert!(above.rejects_as_overloaded());
    }
}
