//! gdcert: certifies the theorems of optimization-theory papers on concrete instances.
//!
//! Layers: [`arith`] (scalar arithmetics) ← [`spec`] (theorem formulas) ← [`methods`] (rigorous
//! search) ← `theorems` (certifiers); [`certificate`] (the file format) ← [`kernel`] (the exact
//! checker, which uses `arith`'s exact types and `spec` only).
pub mod arith;
pub mod audit;
pub mod certificate;
pub mod cli;
pub mod kernel;
pub mod linalg;
pub mod methods;
pub mod progress;
pub mod spec;
pub mod theorems;
