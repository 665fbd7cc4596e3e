//! Robustness (SPEC §6): malformed files, overload, degenerate inputs, the schema of
//! scenario files and invariants over random valid scenarios.

mod corpus;
mod coverage;
mod overload;
mod properties;
mod schema;
