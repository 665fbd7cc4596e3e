//! The running decoders of one engine, by admission number, and the order they finish in:
//! O(1) insertion and removal and an O(log n) next finish, without tree nodes to allocate.
//!
//! Knows nothing of time or KV: `state` keeps the aggregates.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::state::Decoder;

#[derive(Clone, Debug, Default)]
pub(super) struct Decoders {
    /// `slots[i]` holds the decoder admitted as number `first + i`, or `None` when that
    /// admission is not decoding (still prefilling, finished, preempted or aborted). Both
    /// ends are always occupied, so the span is that of the live admission numbers.
    slots: VecDeque<Option<Decoder>>,
    first: u64,
    len: usize,
    /// (done_at, admission number) of every decoder, smallest first. An entry of a decoder
    /// removed before it finished stays until it reaches the top, where it is dropped: the
    /// top is always a live decoder.
    finishing: BinaryHeap<Reverse<(u64, u64)>>,
}

impl Decoders {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds the decoder admitted as `admitted`, which is later than every live one (a
    /// sequence becomes a decoder when its prefill ends, and prefills end in admission order).
    pub fn insert(&mut self, admitted: u64, d: Decoder) {
        if self.slots.is_empty() {
            self.first = admitted;
        }
        let index = (admitted - self.first) as usize;
        assert!(
            index >= self.slots.len(),
            "invariant: decoders join in admission order"
        );
        self.slots.resize(index, None);
        self.slots.push_back(Some(d));
        self.len += 1;
        self.finishing.push(Reverse((d.done_at(), admitted)));
    }

    /// Removes and returns the decoder admitted as `admitted`, if it is live.
    pub fn remove(&mut self, admitted: u64) -> Option<Decoder> {
        let index = admitted.checked_sub(self.first)? as usize;
        let d = self.slots.get_mut(index)?.take()?;
        self.len -= 1;
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.first += 1;
        }
        while matches!(self.slots.back(), Some(None)) {
            self.slots.pop_back();
        }
        while let Some(&Reverse((_, a))) = self.finishing.peek() {
            if self.is_live(a) {
                break;
            }
            self.finishing.pop();
        }
        Some(d)
    }

    fn is_live(&self, admitted: u64) -> bool {
        admitted
            .checked_sub(self.first)
            .and_then(|i| self.slots.get(i as usize))
            .is_some_and(Option::is_some)
    }

    /// (done_at, admission number) of the decoder that finishes first (ties: the earliest
    /// admitted).
    pub fn next_finish(&self) -> Option<(u64, u64)> {
        self.finishing.peek().map(|&Reverse(f)| f)
    }

    /// Live decoders with their admission numbers, most recently admitted first.
    pub fn iter_rev(&self) -> impl Iterator<Item = (u64, &Decoder)> + '_ {
        let first = self.first;
        self.slots
            .iter()
            .enumerate()
            .rev()
            .filter_map(move |(i, d)| d.as_ref().map(|d| (first + i as u64, d)))
    }

    /// Admission number of the most recently admitted decoder.
    pub fn last(&self) -> Option<u64> {
        self.iter_rev().next().map(|(a, _)| a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batching::state::Seq;

    fn decoder(output: u32, joined: u64) -> Decoder {
        Decoder {
            seq: Seq {
                id: 0,
                arrival_ps: 0,
                context: 1,
                output,
                emitted: 1,
                preemptions: 0,
                first_token_ns: None,
            },
            joined,
            kv_at_join: 1,
        }
    }

    #[test]
    fn removals_anywhere_keep_the_next_finish_live_and_the_span_tight() {
        let mut d = Decoders::default();
        d.insert(3, decoder(5, 0)); // done at 4
        d.insert(4, decoder(3, 0)); // done at 2
        d.insert(7, decoder(9, 0)); // done at 8
        assert_eq!((d.len(), d.next_finish()), (3, Some((2, 4))));
        assert!(d.remove(5).is_none() && d.remove(1).is_none());
        d.remove(4).unwrap();
        assert_eq!(d.next_finish(), Some((4, 3)));
        d.remove(3).unwrap();
        assert_eq!((d.first, d.slots.len()), (7, 1));
        assert_eq!(d.iter_rev().map(|(a, _)| a).collect::<Vec<_>>(), [7]);
        d.insert(9, decoder(2, 0)); // done at 1
        assert_eq!(d.last(), Some(9));
        d.remove(9).unwrap();
        assert_eq!((d.slots.len(), d.next_finish()), (1, Some((8, 7))));
        d.remove(7).unwrap();
        assert!(d.is_empty() && d.next_finish().is_none() && d.slots.is_empty());
    }
}
