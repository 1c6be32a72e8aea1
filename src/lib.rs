//! gdcert: certifies the theorems of optimization-theory papers on concrete instances.
pub mod arith;
