//! per_request: the booting containers with a free slot, the one whose boot ends first
//! on top, ties to the one started first (docs/semantics.md#dispatch-and-pick). The
//! `pick` policy does not rank them: a request that must wait for a boot waits least on
//! the container that is ready first, whatever order the ready ones are picked in.
//!
//! An ordered set keyed by (boot end, start order): O(log n) per change, no scans.

use std::collections::BTreeSet;

use crate::time::SimTime;

/// What orders a booting container: when its boot ends, then when it started.
type Key = (SimTime, u64);

#[derive(Debug, Default)]
pub struct BootingSlots {
    set: BTreeSet<(Key, u32)>,
    /// The key of the container in each slot, and whether it is in the set.
    key: Vec<(Key, bool)>,
}

impl BootingSlots {
    /// `slot` holds a new container, booting until `boot_end`, started after every
    /// container registered before (`start_seq`); not free yet.
    pub fn register(&mut self, slot: u32, boot_end: SimTime, start_seq: u64) {
        let s = slot as usize;
        if self.key.len() <= s {
            self.key.resize(s + 1, ((SimTime::ZERO, 0), false));
        }
        debug_assert!(!self.key[s].1, "a slot holds one container");
        self.key[s] = ((boot_end, start_seq), false);
    }

    /// `slot` has a free slot (again).
    pub fn offer(&mut self, slot: u32) {
        let (key, member) = &mut self.key[slot as usize];
        if !*member {
            *member = true;
            self.set.insert((*key, slot));
        }
    }

    /// `slot` has no free slot any more, finished booting or stopped.
    pub fn withdraw(&mut self, slot: u32) {
        let Some((key, member)) = self.key.get_mut(slot as usize) else {
            return;
        };
        if *member {
            *member = false;
            self.set.remove(&(*key, slot));
        }
    }

    /// Removes and returns the container whose boot ends first, if any has room.
    pub fn pop(&mut self) -> Option<u32> {
        let (_, slot) = self.set.pop_first()?;
        self.key[slot as usize].1 = false;
        Some(slot)
    }

    /// Booting containers with a free slot.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_container_that_ends_its_boot_first_is_taken_first_and_ties_go_to_the_earlier_start() {
        let mut b = BootingSlots::default();
        // (slot, boot end, start order): slot 4 started last but boots first; slots 1 and
        // 2 end their boots together, slot 2 started first.
        for (slot, end, seq) in [(1, 30, 7), (2, 30, 5), (3, 40, 1), (4, 20, 9)] {
            b.register(slot, SimTime(end), seq);
            b.offer(slot);
        }
        b.offer(4);
        assert_eq!(b.len(), 4, "offering twice keeps one entry");
        b.withdraw(3);
        b.withdraw(3);
        let order: Vec<u32> = std::iter::from_fn(|| b.pop()).collect();
        assert_eq!(order, vec![4, 2, 1]);
        assert!(b.is_empty());
        b.offer(3);
        assert_eq!(
            b.pop(),
            Some(3),
            "a withdrawn container comes back when it has room"
        );
    }
}
