//! Data that is not a department's own: the demo (one building with a
//! history, for trying lobby and for tests) and the bulk generator (a
//! portfolio of buildings, for benchmarks). Both write through lobby-app's
//! use cases where one exists and through the store otherwise, with every
//! instant from the app's clock.

pub mod demo;
pub mod generate;
