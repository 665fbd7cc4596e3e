//! One integration-test binary that drives the real `servsim` CLI on small seeded
//! scenarios and asserts exact or oracle values.

mod support;

mod cli;
mod foundation;
mod invalid;
mod serverless;
