//! The foundation's oracles: article figures, queueing theory, billing identities.
