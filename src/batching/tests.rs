//! Tests of the engine against hand-worked closed forms and the naive stepper.
