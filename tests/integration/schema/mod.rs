//! The scenario schema: `servsim schema` agrees with the reader on every key and tag, and
//! the committed key reference (`docs/scenarios.md`) is what the key tables generate.

mod coverage;
mod json_schema;
mod reference;
