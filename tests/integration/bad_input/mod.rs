//! Bad input (docs/semantics.md#bad-input): every malformed scenario file, trace and
//! argument exits 2 from `run` and `validate` with an error naming the file and the JSON
//! path or trace line, what was expected and what was found, never a panic.

mod corpus;
mod scenarios;
