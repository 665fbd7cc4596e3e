//! The inputs executing on one container, each in a numbered place that its `Finished`
//! event names. The first place is kept inline in the container (its first cache line),
//! so a container of one input (`max_inputs: 1`, the common case) never leaves it.

use crate::time::SimTime;
use crate::workload::Request;

/// An input executing and when it started.
#[derive(Clone, Copy, Debug)]
pub(super) struct Running {
    pub req: Request,
    pub start: SimTime,
}

const IDLE: Running = Running {
    req: Request {
        arrival: SimTime::ZERO,
        service: crate::time::SimDuration::ZERO,
    },
    start: SimTime::ZERO,
};

/// Places 1 and up, allocated the first time a container runs two inputs at once.
#[derive(Clone, Debug, Default)]
struct More {
    /// Place k ≥ 1 at `places[k - 1]`; `None` when free.
    places: Vec<Option<Running>>,
    free: Vec<u32>,
}

/// Whether place 0 is taken lives with the container's counters (`first_used`), so
/// that this and they share a cache line.
#[derive(Clone, Debug)]
#[repr(C)]
pub(super) struct Places {
    first: Running,
    more: Option<Box<More>>,
}

impl Default for Places {
    fn default() -> Self {
        Places {
            first: IDLE,
            more: None,
        }
    }
}

impl Places {
    /// Puts `run` in a free place and returns its number.
    #[inline]
    pub fn put(&mut self, first_used: &mut bool, run: Running) -> u32 {
        if !*first_used {
            *first_used = true;
            self.first = run;
            return 0;
        }
        let more = self.more.get_or_insert_with(Default::default);
        match more.free.pop() {
            Some(place) => {
                more.places[place as usize - 1] = Some(run);
                place
            }
            None => {
                more.places.push(Some(run));
                more.places.len() as u32
            }
        }
    }

    /// Takes the input in `place`, which must hold one.
    #[inline]
    pub fn take(&mut self, first_used: &mut bool, place: u32) -> Running {
        if place == 0 {
            assert!(*first_used, "a current execution holds its place");
            *first_used = false;
            return self.first;
        }
        let more = self.more.as_mut().expect("places beyond the first exist");
        more.free.push(place);
        more.places[place as usize - 1]
            .take()
            .expect("a current execution holds its place")
    }

    /// The input in `place`, which must hold one.
    pub fn get(&self, place: u32) -> Request {
        match place {
            0 => self.first.req,
            _ => {
                let more = self.more.as_ref().expect("places beyond the first exist");
                more.places[place as usize - 1]
                    .expect("a current execution holds its place")
                    .req
            }
        }
    }

    /// Takes every input, in place order.
    pub fn drain(&mut self, first_used: &mut bool) -> Vec<Request> {
        let first = std::mem::take(first_used).then_some(self.first);
        let mut reqs: Vec<Request> = first.into_iter().map(|r| r.req).collect();
        if let Some(more) = &mut self.more {
            reqs.extend(more.places.drain(..).flatten().map(|r| r.req));
            more.free.clear();
        }
        reqs
    }

    /// Frees every place (`first_used` is the caller's to reset).
    pub fn clear(&mut self) {
        if let Some(more) = &mut self.more {
            more.places.clear();
            more.free.clear();
        }
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
        let (mut p, mut used) = (Places::default(), false);
        let put = |p: &mut Places, used: &mut bool, t| p.put(used, run(t));
        assert_eq!(put(&mut p, &mut used, 0), 0);
        assert_eq!(
            (put(&mut p, &mut used, 1), put(&mut p, &mut used, 2)),
            (1, 2)
        );
        assert_eq!(p.take(&mut used, 1).start, SimTime(1));
        assert_eq!(p.take(&mut used, 0).start, SimTime(0));
        assert_eq!(put(&mut p, &mut used, 3), 0, "the inline place first");
        assert_eq!(put(&mut p, &mut used, 4), 1);
        let arrivals: Vec<u64> = p.drain(&mut used).iter().map(|r| r.arrival.0).collect();
        assert_eq!(arrivals, vec![3, 4, 2]);
        assert_eq!(put(&mut p, &mut used, 5), 0);
    }
}
