//! Named, portable randomness: one xoshiro256++ stream per source of randomness, seeded
//! by SplitMix64 from (master seed, replica, stream role, index).
//!
//! Deliberately does not know who consumes the numbers; callers name the role. Keying by
//! role (never by a platform's position in the file) gives common random numbers: every
//! platform sees the same arrivals and service demands for a seed, and the n-th container
//! start draws the same cold-start duration on every serverless platform.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The PRNG used everywhere in a replica.
pub type SimRng = Xoshiro256PlusPlus;

/// The role a stream of random numbers plays. The discriminant is part of the seed
/// derivation, so existing values must never change (append new roles at the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Arrival instants (shared by all platforms).
    Arrivals = 1,
    /// Per-request service demand (shared by all platforms).
    Service = 2,
    /// Cold-start duration of the n-th container start.
    ColdStart = 3,
    /// Schedule delay of the n-th container start.
    ScheduleDelay = 4,
    /// Spot interruption times of instance slot k.
    Interruptions = 5,
    /// Replacement delay after the n-th interruption.
    Replacement = 6,
    /// Fallback provisioning delay after the n-th interruption.
    Fallback = 7,
    /// Preemption times of the n-th container.
    Preemption = 8,
    /// Model-load duration after the n-th interruption.
    ModelLoad = 9,
    /// Token counts of LLM requests (shared by all platforms).
    Tokens = 10,
    /// Checkpoint and restore durations of the n-th job (by arrival).
    Checkpoints = 11,
}

/// One step of SplitMix64: the standard way to turn correlated integers into seeds.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of stream `(role, index)` of replica `replica` under `master`.
pub fn stream_seed(master: u64, replica: u64, role: Stream, index: u64) -> u64 {
    let mut state = master;
    let mut h = splitmix64(&mut state);
    for part in [replica, role as u64, index] {
        state ^= part.wrapping_add(h);
        h = splitmix64(&mut state);
    }
    h
}

/// A fresh generator for stream `(role, index)` of a replica.
pub fn stream_rng(master: u64, replica: u64, role: Stream, index: u64) -> SimRng {
    SimRng::seed_from_u64(stream_seed(master, replica, role, index))
}

/// The streams of one replica: remembers (master, replica) so that platform code asks
/// only for a role and an index.
#[derive(Clone, Copy, Debug)]
pub struct Seeds {
    pub master: u64,
    pub replica: u64,
}

impl Seeds {
    pub fn new(master: u64, replica: u64) -> Seeds {
        Seeds { master, replica }
    }

    pub fn rng(&self, role: Stream, index: u64) -> SimRng {
        stream_rng(self.master, self.replica, role, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut s), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn streams_differ_by_role_replica_and_index_and_repeat_exactly() {
        let a = stream_seed(1, 0, Stream::Arrivals, 0);
        assert_eq!(a, stream_seed(1, 0, Stream::Arrivals, 0));
        assert_ne!(a, stream_seed(1, 1, Stream::Arrivals, 0));
        assert_ne!(a, stream_seed(1, 0, Stream::Service, 0));
        assert_ne!(a, stream_seed(1, 0, Stream::Arrivals, 1));
        assert_ne!(a, stream_seed(2, 0, Stream::Arrivals, 0));
        let x: u64 = stream_rng(7, 3, Stream::ColdStart, 5).r#gen();
        let y: u64 = stream_rng(7, 3, Stream::ColdStart, 5).r#gen();
        assert_eq!(x, y);
    }
}
