//! The discrete-event core: a min-heap of events ordered by (time, insertion sequence), a
//! clock, and `run_until`, which interleaves the heap with a lazily pulled input stream.
//!
//! Deliberately knows nothing about requests, GPUs, money, serde, rayon or I/O. Inputs
//! (arrivals) never enter the heap: only the next one is held, so memory does not grow with
//! the horizon, and at equal times every queued event runs before the input (docs/semantics.md#event-order).
//! Stale timers are not cancelled; models tag them with a generation and ignore them. A
//! model that keeps one timer pending and moves it instead (the serverless scaledown
//! timer) takes a `Ticket` when the timer is due to start, so that equal-time order is
//! what it would have been with one timer per start.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::{SimDuration, SimTime};

struct Entry<E> {
    /// `time << 64 | seq`: one integer comparison orders by time, then FIFO.
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest first.
        other.key.cmp(&self.key)
    }
}

/// A place in the FIFO order of events at equal times, taken when it was issued. A model
/// that postpones a timer instead of scheduling a new one (one pending timer per
/// container, moved on when it fires early) takes a ticket at the moment the timer is
/// due to start and schedules with it later: the order among equal times, and so every
/// result, is the same as if it had scheduled the timer then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ticket(u64);

/// Pending events, earliest first; equal times in insertion order.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
        }
    }

    pub fn push(&mut self, at: SimTime, event: E) {
        let ticket = self.ticket();
        self.push_with(at, ticket, event);
    }

    /// Takes the next place in the FIFO order among equal times without scheduling
    /// anything yet.
    #[inline]
    pub fn ticket(&mut self) -> Ticket {
        let t = Ticket(self.next_seq);
        self.next_seq += 1;
        t
    }

    /// Schedules `event` at `at` in the place `ticket` took: among events at `at` it
    /// runs as if it had been pushed when the ticket was taken.
    #[inline]
    pub fn push_with(&mut self, at: SimTime, ticket: Ticket, event: E) {
        let key = ((at.0 as u128) << 64) | ticket.0 as u128;
        self.heap.push(Entry { key, event });
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| SimTime((e.key >> 64) as u64))
    }

    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap
            .pop()
            .map(|e| (SimTime((e.key >> 64) as u64), e.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// What a model sees while it handles an event: the clock and the means to schedule.
pub struct Context<E> {
    now: SimTime,
    queue: EventQueue<E>,
}

impl<E> Context<E> {
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `at`, which must not be in the past.
    pub fn schedule(&mut self, at: SimTime, event: E) {
        debug_assert!(at >= self.now, "events are never scheduled in the past");
        self.queue.push(at, event);
    }

    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        self.queue.push(self.now + delay, event);
    }

    /// A place among equal times, taken now, for an event scheduled later.
    #[inline]
    pub fn ticket(&mut self) -> Ticket {
        self.queue.ticket()
    }

    /// Schedules `event` at `at` (not in the past) in the place `ticket` took.
    #[inline]
    pub fn schedule_with(&mut self, at: SimTime, ticket: Ticket, event: E) {
        debug_assert!(at >= self.now, "events are never scheduled in the past");
        self.queue.push_with(at, ticket, event);
    }

    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// A simulated system: reacts to its own scheduled events and to external inputs.
pub trait Model {
    type Event;
    type Input;
    fn on_event(&mut self, ctx: &mut Context<Self::Event>, event: Self::Event);
    fn on_input(&mut self, ctx: &mut Context<Self::Event>, input: Self::Input);
}

/// A model, its clock and its pending events.
pub struct Simulation<M: Model> {
    pub model: M,
    ctx: Context<M::Event>,
}

impl<M: Model> Simulation<M> {
    pub fn new(model: M) -> Self {
        Simulation {
            model,
            ctx: Context {
                now: SimTime::ZERO,
                queue: EventQueue::with_capacity(64),
            },
        }
    }

    /// Lets the model schedule its initial events (warm pools, timers) before running.
    pub fn init(&mut self, f: impl FnOnce(&mut M, &mut Context<M::Event>)) {
        f(&mut self.model, &mut self.ctx)
    }

    pub fn now(&self) -> SimTime {
        self.ctx.now
    }

    /// The model, once the run is over.
    pub fn into_model(self) -> M {
        self.model
    }

    /// Runs until `horizon`: inputs (time-ordered) at or after the horizon do not happen;
    /// events at or before it do. At equal times queued events come before an input.
    /// The clock ends at `horizon`.
    pub fn run_until<I>(&mut self, horizon: SimTime, inputs: I)
    where
        I: IntoIterator<Item = (SimTime, M::Input)>,
    {
        let mut inputs = inputs.into_iter();
        let mut next_input = inputs.next().filter(|(t, _)| *t < horizon);
        loop {
            let event_time = self.ctx.queue.peek_time().filter(|t| *t <= horizon);
            match (&next_input, event_time) {
                (Some((ti, _)), te) if te.is_none_or(|te| *ti < te) => {
                    let (t, input) = next_input.take().expect("matched Some");
                    debug_assert!(t >= self.ctx.now, "inputs are time-ordered");
                    self.ctx.now = t;
                    self.model.on_input(&mut self.ctx, input);
                    next_input = inputs.next().filter(|(t, _)| *t < horizon);
                }
                (_, Some(_)) => {
                    let (t, event) = self.ctx.queue.pop().expect("peeked");
                    self.ctx.now = t;
                    self.model.on_event(&mut self.ctx, event);
                }
                (_, None) => break,
            }
        }
        self.ctx.now = horizon;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_pop_by_time_then_insertion_order() {
        let mut q = EventQueue::default();
        q.push(SimTime(5), 'a');
        q.push(SimTime(1), 'b');
        q.push(SimTime(5), 'c');
        q.push(SimTime(1), 'd');
        q.push(SimTime(0), 'e');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['e', 'b', 'd', 'a', 'c']);
    }

    #[test]
    fn a_ticket_keeps_the_place_it_was_taken_in() {
        let mut q = EventQueue::default();
        q.push(SimTime(5), 'a');
        let t = q.ticket();
        q.push(SimTime(5), 'c');
        q.push_with(SimTime(5), t, 'b');
        q.push(SimTime(4), 'z');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['z', 'a', 'b', 'c']);
    }

    /// Records what it saw, and schedules an echo 2 ns after each input.
    struct Log(Vec<(u64, String)>);
    impl Model for Log {
        type Event = &'static str;
        type Input = &'static str;
        fn on_event(&mut self, ctx: &mut Context<&'static str>, e: &'static str) {
            self.0.push((ctx.now().0, e.to_string()));
        }
        fn on_input(&mut self, ctx: &mut Context<&'static str>, i: &'static str) {
            self.0.push((ctx.now().0, i.to_string()));
            ctx.schedule_in(SimDuration(2), "echo");
        }
    }

    #[test]
    fn queued_events_run_before_an_input_at_the_same_time() {
        let mut sim = Simulation::new(Log(vec![]));
        sim.init(|_, ctx| ctx.schedule(SimTime(3), "timer"));
        sim.run_until(SimTime(10), [(SimTime(1), "in1"), (SimTime(3), "in3")]);
        let seen: Vec<(u64, &str)> = sim.model.0.iter().map(|(t, s)| (*t, s.as_str())).collect();
        assert_eq!(
            seen,
            vec![
                (1, "in1"),
                (3, "timer"),
                (3, "echo"),
                (3, "in3"),
                (5, "echo")
            ],
            "the timer (scheduled first) and the echo of in1 both precede in3"
        );
    }

    #[test]
    fn inputs_at_the_horizon_do_not_happen_but_events_at_it_do() {
        let mut sim = Simulation::new(Log(vec![]));
        sim.init(|_, ctx| {
            ctx.schedule(SimTime(10), "at-horizon");
            ctx.schedule(SimTime(11), "after");
        });
        sim.run_until(SimTime(10), [(SimTime(9), "in9"), (SimTime(10), "in10")]);
        let names: Vec<&str> = sim.model.0.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(names, vec!["in9", "at-horizon"]);
        assert_eq!(sim.now(), SimTime(10));
    }
}
