//! Idle containers in the order their scaledown windows end, so that one timer serves the
//! whole fleet (SPEC §10.7).
//!
//! A container joins at the back when it goes idle (its window ends after every other
//! one's, since it started last). Leaving — it is given an input, or stops — only marks
//! it: its entry is skipped when it reaches the front, and the queue compacts itself when
//! stale entries outnumber live ones, so it stays O(idle containers) however many
//! requests pass. That keeps the per-request cost to a flag and a push, and the event
//! queue holds one scaledown timer, not one per idle container.

use std::collections::VecDeque;

use crate::engine::Ticket;
use crate::time::SimTime;

#[derive(Clone, Copy, Debug)]
struct Entry {
    slot: u32,
    /// The slot's idle period this entry stands for.
    epoch: u32,
    /// When the idle window ends, and the place among equal times its timer takes.
    deadline: SimTime,
    ticket: Ticket,
}

/// Idle containers, earliest window end first.
#[derive(Debug, Default)]
pub(super) struct IdleList {
    entries: VecDeque<Entry>,
    /// By slot: the current idle period, and whether the slot is idle in it.
    epoch: Vec<u32>,
    idle: Vec<bool>,
    count: usize,
}

impl IdleList {
    /// `slot` went idle; its window ends at `deadline`, no earlier than any other's.
    #[inline]
    pub fn push_back(&mut self, slot: u32, deadline: SimTime, ticket: Ticket) {
        let s = slot as usize;
        if self.idle.len() <= s {
            self.idle.resize(s + 1, false);
            self.epoch.resize(s + 1, 0);
        }
        debug_assert!(!self.idle[s], "a container is idle once");
        debug_assert!(
            self.entries.back().is_none_or(|e| e.deadline <= deadline),
            "windows end in the order containers went idle"
        );
        self.idle[s] = true;
        self.epoch[s] = self.epoch[s].wrapping_add(1);
        self.count += 1;
        self.entries.push_back(Entry {
            slot,
            epoch: self.epoch[s],
            deadline,
            ticket,
        });
        if self.entries.len() > 2 * self.count + 64 {
            let (idle, epoch) = (&self.idle, &self.epoch);
            self.entries
                .retain(|e| idle[e.slot as usize] && epoch[e.slot as usize] == e.epoch);
        }
    }

    /// `slot` is not idle any more (given an input, or stopped); nothing if it was not.
    #[inline]
    pub fn remove(&mut self, slot: u32) {
        if let Some(idle) = self.idle.get_mut(slot as usize)
            && *idle
        {
            *idle = false;
            self.count -= 1;
        }
    }

    /// The container whose window ends first, with that end and its ticket.
    #[inline]
    pub fn front(&mut self) -> Option<(u32, SimTime, Ticket)> {
        while let Some(e) = self.entries.front() {
            let s = e.slot as usize;
            if self.idle[s] && self.epoch[s] == e.epoch {
                return Some((e.slot, e.deadline, e.ticket));
            }
            self.entries.pop_front();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EventQueue;

    fn order(list: &mut IdleList) -> Vec<u32> {
        std::iter::from_fn(|| {
            let (slot, ..) = list.front()?;
            list.remove(slot);
            Some(slot)
        })
        .collect()
    }

    #[test]
    fn containers_leave_from_anywhere_and_the_rest_keep_their_order() {
        let mut q = EventQueue::<()>::default();
        let mut list = IdleList::default();
        for (slot, t) in [(3, 10), (0, 10), (7, 12), (2, 15)] {
            list.push_back(slot, SimTime(t), q.ticket());
        }
        list.remove(0);
        list.remove(0);
        list.remove(5);
        assert_eq!(list.front().map(|f| (f.0, f.1)), Some((3, SimTime(10))));
        list.remove(2);
        list.push_back(0, SimTime(20), q.ticket());
        assert_eq!(order(&mut list), vec![3, 7, 0]);
        assert_eq!(list.front(), None);
        list.push_back(7, SimTime(30), q.ticket());
        assert_eq!(order(&mut list), vec![7]);
    }

    #[test]
    fn stale_entries_do_not_pile_up() {
        let mut q = EventQueue::<()>::default();
        let mut list = IdleList::default();
        list.push_back(9, SimTime(0), q.ticket());
        for t in 1..100_000 {
            list.push_back(1, SimTime(t), q.ticket());
            list.remove(1);
        }
        assert!(list.entries.len() <= 2 + 64, "{}", list.entries.len());
        assert_eq!(order(&mut list), vec![9]);
    }
}
