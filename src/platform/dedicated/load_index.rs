//! GPUs by current load, answering "least loaded serving GPU, lowest index" without a scan
//! of the fleet (docs/semantics.md#dedicated-dispatch).
//!
//! Only GPUs of serving instances are indexed: a GPU leaves the index when its instance
//! gets a spot notice or is released, and joins it when its instance starts serving.

/// One bitset per load level below `max_inputs`.
#[derive(Debug)]
pub(super) struct LoadIndex {
    /// `levels[l]` has bit g set when serving GPU g runs exactly l inputs.
    levels: Vec<Vec<u64>>,
    counts: Vec<u32>,
}

impl LoadIndex {
    /// An index of `max_inputs` levels over no GPUs yet.
    pub(super) fn new(max_inputs: u32) -> Self {
        LoadIndex {
            levels: vec![Vec::new(); max_inputs as usize],
            counts: vec![0; max_inputs as usize],
        }
    }

    /// Makes room for GPU indices below `gpus`.
    pub(super) fn grow(&mut self, gpus: usize) {
        let words = gpus.div_ceil(64);
        for level in &mut self.levels {
            if level.len() < words {
                level.resize(words, 0);
            }
        }
    }

    #[inline]
    pub(super) fn least_loaded(&self) -> Option<u32> {
        let level = self.counts.iter().position(|&c| c > 0)?;
        let words = &self.levels[level];
        let (w, bits) = words.iter().enumerate().find(|(_, b)| **b != 0)?;
        Some((w * 64 + bits.trailing_zeros() as usize) as u32)
    }

    /// Whether some serving GPU has a free input slot.
    #[inline]
    pub(super) fn has_free(&self) -> bool {
        self.counts.iter().any(|&c| c > 0)
    }

    /// Adds (`present`) or removes GPU `gpu` at load `level`; levels ≥ max_inputs are not
    /// indexed, so a full GPU is neither added nor removed.
    #[inline]
    pub(super) fn set(&mut self, gpu: u32, level: u32, present: bool) {
        let Some(words) = self.levels.get_mut(level as usize) else {
            return;
        };
        let (w, bit) = (gpu as usize / 64, 1u64 << (gpu % 64));
        if present {
            debug_assert!(words[w] & bit == 0, "a GPU is indexed once");
            words[w] |= bit;
            self.counts[level as usize] += 1;
        } else {
            debug_assert!(words[w] & bit != 0, "only indexed GPUs are removed");
            words[w] &= !bit;
            self.counts[level as usize] -= 1;
        }
    }

    /// Moves `gpu` from load `from` to load `to`.
    #[inline]
    pub(super) fn moved(&mut self, gpu: u32, from: u32, to: u32) {
        self.set(gpu, from, false);
        self.set(gpu, to, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(gpus: u32, max_inputs: u32) -> LoadIndex {
        let mut ix = LoadIndex::new(max_inputs);
        ix.grow(gpus as usize);
        for g in 0..gpus {
            ix.set(g, 0, true);
        }
        ix
    }

    #[test]
    fn least_loaded_prefers_lower_load_then_lower_index() {
        let mut ix = full(130, 2);
        assert_eq!(ix.least_loaded(), Some(0));
        ix.moved(0, 0, 1);
        assert_eq!(ix.least_loaded(), Some(1));
        for g in 1..130 {
            ix.moved(g, 0, 1);
        }
        assert_eq!(ix.least_loaded(), Some(0), "all at load 1: lowest index");
        ix.moved(0, 1, 2);
        ix.moved(1, 1, 2);
        assert_eq!(ix.least_loaded(), Some(2));
        ix.moved(129, 1, 0);
        assert_eq!(ix.least_loaded(), Some(129));
    }

    #[test]
    fn removed_gpus_are_never_picked_and_growth_keeps_the_rest() {
        let mut ix = full(3, 1);
        ix.set(0, 0, false);
        assert_eq!(ix.least_loaded(), Some(1));
        ix.grow(200);
        ix.set(150, 0, true);
        ix.moved(1, 0, 1);
        ix.moved(2, 0, 1);
        assert_eq!(ix.least_loaded(), Some(150));
        ix.moved(150, 0, 1);
        assert!(!ix.has_free());
        assert_eq!(ix.least_loaded(), None);
    }
}
