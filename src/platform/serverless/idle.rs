//! Idle containers in the order their scaledown windows end: an intrusive list over
//! container slots, so that one timer serves the whole fleet (docs/semantics.md#scaledown).
//!
//! A container joins at the back when it goes idle (its window ends after every other
//! one's, since it started last) and leaves when it is given an input or stops, both in
//! O(1). The event queue then holds one scaledown timer, not one per idle container,
//! which keeps it as small as the executions in flight.

use crate::engine::Ticket;
use crate::time::SimTime;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Link {
    prev: u32,
    next: u32,
    member: bool,
    /// When the idle window ends, and the place among equal times its timer takes.
    deadline: SimTime,
    ticket: Ticket,
}

impl Default for Link {
    fn default() -> Self {
        Link {
            prev: NONE,
            next: NONE,
            member: false,
            deadline: SimTime::ZERO,
            ticket: Ticket::default(),
        }
    }
}

/// Idle containers, earliest window end first.
#[derive(Debug)]
pub(super) struct IdleList {
    links: Vec<Link>,
    head: u32,
    tail: u32,
}

impl Default for IdleList {
    fn default() -> Self {
        IdleList {
            links: Vec::new(),
            head: NONE,
            tail: NONE,
        }
    }
}

impl IdleList {
    /// `slot` went idle; its window ends at `deadline`, no earlier than any other's.
    #[inline]
    pub fn push_back(&mut self, slot: u32, deadline: SimTime, ticket: Ticket) {
        let s = slot as usize;
        if self.links.len() <= s {
            self.links.resize(s + 1, Link::default());
        }
        // Checked in release too: a second entry would corrupt the list silently.
        assert!(!self.links[s].member, "a container is idle once");
        debug_assert!(
            self.tail == NONE || self.links[self.tail as usize].deadline <= deadline,
            "windows end in the order containers went idle"
        );
        self.links[s] = Link {
            prev: self.tail,
            next: NONE,
            member: true,
            deadline,
            ticket,
        };
        match self.tail {
            NONE => self.head = slot,
            tail => self.links[tail as usize].next = slot,
        }
        self.tail = slot;
    }

    /// `slot` is not idle any more (given an input, or stopped); nothing if it was not.
    #[inline]
    pub fn remove(&mut self, slot: u32) {
        let Some(&link) = self.links.get(slot as usize) else {
            return;
        };
        if !link.member {
            return;
        }
        match link.prev {
            NONE => self.head = link.next,
            prev => self.links[prev as usize].next = link.next,
        }
        match link.next {
            NONE => self.tail = link.prev,
            next => self.links[next as usize].prev = link.prev,
        }
        self.links[slot as usize].member = false;
    }

    /// The container whose window ends first, with that end and its ticket.
    #[inline]
    pub fn front(&mut self) -> Option<(u32, SimTime, Ticket)> {
        (self.head != NONE).then(|| {
            let l = &self.links[self.head as usize];
            (self.head, l.deadline, l.ticket)
        })
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
}
