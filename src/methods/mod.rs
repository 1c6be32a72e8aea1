//! Rigorous building blocks of the engine: mean-value iteration, Krawczyk, exact identities,
//! quadrature, and precision escalation. They search for proofs; the kernel checks what they find.

pub mod batch;
pub mod escalation;
pub mod identity;
pub mod krawczyk;
pub mod mean_value;
pub mod quadrature;
pub mod stationary;
