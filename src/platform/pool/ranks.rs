//! A set of containers ordered by start order, with the newest or oldest member in a few
//! word operations: a hierarchical bitset over ranks.
//!
//! Each live container holds a rank, handed out in start order; when ranks run out they
//! are renumbered in the same order (amortised O(1) per start), so the set's size stays
//! O(live containers) however many containers a replica starts.

const NONE: u32 = u32::MAX;

/// Live containers by rank, and which of them are members.
#[derive(Debug, Default)]
pub(super) struct RankSet {
    /// `levels[0]` has bit r set when the container of rank r is a member; each higher
    /// level has a bit per non-zero word of the level below; the top level is one word.
    levels: Vec<Vec<u64>>,
    rank_of: Vec<u32>,
    slot_of: Vec<u32>,
    /// The next rank to hand out.
    next: u32,
    /// Ranks held by live containers.
    held: usize,
    members: usize,
}

impl RankSet {
    /// `slot` holds a new container, later than every other: it gets the next rank.
    pub fn register(&mut self, slot: u32) {
        if self.next as usize == self.slot_of.len() {
            self.renumber();
        }
        let s = slot as usize;
        if self.rank_of.len() <= s {
            self.rank_of.resize(s + 1, NONE);
        }
        debug_assert_eq!(self.rank_of[s], NONE, "a slot holds one container");
        self.rank_of[s] = self.next;
        self.slot_of[self.next as usize] = slot;
        self.next += 1;
        self.held += 1;
    }

    /// The container in `slot` stopped: it leaves the set and gives up its rank.
    pub fn release(&mut self, slot: u32) {
        self.remove(slot);
        let rank = std::mem::replace(&mut self.rank_of[slot as usize], NONE);
        self.slot_of[rank as usize] = NONE;
        self.held -= 1;
    }

    #[inline(always)]
    pub fn insert(&mut self, slot: u32) {
        let r = self.rank_of[slot as usize] as usize;
        let word = &mut self.levels[0][r / 64];
        let was = *word;
        if was & (1 << (r % 64)) != 0 {
            return;
        }
        *word = was | 1 << (r % 64);
        self.members += 1;
        if was == 0 {
            self.mark_upper(r / 64, true);
        }
    }

    #[inline(always)]
    pub fn remove(&mut self, slot: u32) {
        let r = self.rank_of[slot as usize] as usize;
        let word = &mut self.levels[0][r / 64];
        if *word & (1 << (r % 64)) == 0 {
            return;
        }
        *word &= !(1 << (r % 64));
        self.members -= 1;
        if *word == 0 {
            self.mark_upper(r / 64, false);
        }
    }

    /// Word `i` of level 0 became non-zero (`set`) or zero: tells the levels above.
    fn mark_upper(&mut self, mut i: usize, set: bool) {
        for level in &mut self.levels[1..] {
            let was = level[i / 64];
            let now = if set {
                was | 1 << (i % 64)
            } else {
                was & !(1 << (i % 64))
            };
            level[i / 64] = now;
            if (was != 0) == (now != 0) {
                break;
            }
            i /= 64;
        }
    }

    /// Removes and returns the member with the highest (`newest`) or lowest rank.
    #[inline(always)]
    pub fn pop_first(&mut self, newest: bool) -> Option<u32> {
        if self.members == 0 {
            return None;
        }
        let pick = |w: u64| {
            if newest {
                63 - w.leading_zeros() as usize
            } else {
                w.trailing_zeros() as usize
            }
        };
        let mut i = 0usize;
        if self.levels.len() > 1 {
            for level in self.levels[1..].iter().rev() {
                i = i * 64 + pick(level[i]);
            }
        }
        let word = &mut self.levels[0][i];
        let bit = pick(*word);
        *word &= !(1 << bit);
        self.members -= 1;
        if *word == 0 {
            self.mark_upper(i, false);
        }
        Some(self.slot_of[i * 64 + bit])
    }

    pub fn len(&self) -> usize {
        self.members
    }

    /// Hands the live containers ranks 0, 1, … in their order, with room for as many
    /// starts again as there are live containers (at least 64), and keeps membership.
    fn renumber(&mut self) {
        let capacity = (2 * self.held + 64).next_multiple_of(64);
        let old_slots = std::mem::replace(&mut self.slot_of, vec![NONE; capacity]);
        let old_levels = std::mem::take(&mut self.levels);
        let mut words = capacity / 64;
        loop {
            self.levels.push(vec![0; words]);
            if words == 1 {
                break;
            }
            words = words.div_ceil(64);
        }
        self.members = 0;
        self.next = 0;
        for (old_rank, &slot) in old_slots.iter().enumerate() {
            if slot == NONE {
                continue;
            }
            let member = old_levels[0][old_rank / 64] & (1 << (old_rank % 64)) != 0;
            self.rank_of[slot as usize] = self.next;
            self.slot_of[self.next as usize] = slot;
            self.next += 1;
            if member {
                self.insert(slot);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_and_oldest_members_survive_renumbering() {
        let mut s = RankSet::default();
        // 10,000 containers started, every third one still live and every other
        // live one a member: far more starts than ranks, so ranks are renumbered.
        for slot in 0..10_000u32 {
            s.register(slot);
            if slot % 3 != 0 {
                s.release(slot);
            } else if slot % 2 == 0 {
                s.insert(slot);
            }
        }
        assert_eq!(s.len(), 1667);
        assert_eq!(s.pop_first(true), Some(9_996));
        assert_eq!(s.pop_first(false), Some(0));
        assert_eq!(s.pop_first(false), Some(6));
        s.insert(9_996);
        s.insert(0);
        s.remove(0);
        let mut newest = Vec::new();
        while let Some(slot) = s.pop_first(true) {
            newest.push(slot);
        }
        assert_eq!(newest.len(), 1665);
        assert_eq!(newest[0], 9_996);
        assert!(!newest.contains(&6));
        assert!(newest.windows(2).all(|w| w[0] > w[1]), "newest first");
        assert!(
            s.slot_of.len() <= 2 * 3334 + 64,
            "size follows the live containers"
        );
    }
}
