//! The inputs executing on one container, each in a numbered place that its `Finished`
//! event names. The first place is kept inline, so a container of one input
//! (`max_inputs: 1`, the common case) never touches the heap for it.

use crate::time::SimTime;
use crate::workload::Request;

/// An input executing and when it started.
#[derive(Clone, Copy, Debug)]
pub(super) struct Running {
    pub req: Request,
    pub start: SimTime,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Places {
    first: Option<Running>,
    /// Place k ≥ 1 at `more[k - 1]`; `None` when free.
    more: Vec<Option<Running>>,
    /// Free places ≥ 1.
    free: Vec<u32>,
}

impl Places {
    /// Puts `run` in a free place and returns its number.
    #[inline]
    pub fn put(&mut self, run: Running) -> u32 {
        if self.first.is_none() {
            self.first = Some(run);
            return 0;
        }
        match self.free.pop() {
            Some(place) => {
                self.more[place as usize - 1] = Some(run);
                place
            }
            None => {
                self.more.push(Some(run));
                self.more.len() as u32
            }
        }
    }

    /// Takes the input in `place`, which must hold one.
    #[inline]
    pub fn take(&mut self, place: u32) -> Running {
        let run = if place == 0 {
            self.first.take()
        } else {
            self.free.push(place);
            self.more[place as usize - 1].take()
        };
        run.expect("a current execution holds its place")
    }

    /// Takes every input, in place order.
    pub fn drain(&mut self) -> Vec<Request> {
        let first = self.first.take();
        let reqs = first.into_iter().chain(self.more.drain(..).flatten());
        let reqs = reqs.map(|r| r.req).collect();
        self.free.clear();
        reqs
    }

    pub fn clear(&mut self) {
        self.first = None;
        self.more.clear();
        self.free.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    fn run(t: u64) -> Running {
        let arrival = SimTime(t);
        Running {
            req: Request {
                arrival,
                service: SimDuration(1),
            },
            start: arrival,
        }
    }

    #[test]
    fn places_are_reused_and_drained_in_order() {
        let mut p = Places::default();
        assert_eq!((p.put(run(0)), p.put(run(1)), p.put(run(2))), (0, 1, 2));
        assert_eq!(p.take(1).start, SimTime(1));
        assert_eq!(p.take(0).start, SimTime(0));
        assert_eq!(p.put(run(3)), 0, "the inline place first");
        assert_eq!(p.put(run(4)), 1);
        let arrivals: Vec<u64> = p.drain().iter().map(|r| r.arrival.0).collect();
        assert_eq!(arrivals, vec![3, 4, 2]);
        assert_eq!(p.put(run(5)), 0);
    }
}
