//! Specifications: the maps and formulas that define each theorem, written once, generic over the
//! scalar traits of [`crate::arith`].
//!
//! The engine runs these formulas in interval arithmetic to search for proofs; the kernel runs the
//! very same formulas in exact rational arithmetic to check them. A formula here is the statement,
//! not a result: the kernel may evaluate it because it defines what is claimed. Nothing in this
//! layer searches, rounds or decides; it depends on `arith` only.

pub mod attention_pca;
pub mod bradley_terry;
pub mod deep_mf;
pub mod feature_learning;
pub mod imc;
pub mod mlp;
pub mod muon;
pub mod newton_ntk;
pub mod pl_rate;
pub mod random;
pub mod two_factor;
pub mod weight_decay;

use crate::arith::Ring;

/// A map `R^N -> R^N` with exact rational parameters.
///
/// `constants` turns the parameters into values of an arithmetic once per run (so hot loops do not
/// rebuild them), and `apply` evaluates the map in that arithmetic. Evaluated on
/// [`crate::arith::dual::Dual`] values it gives the Jacobian, on [`crate::arith::Poly`] values
/// its exact expansion.
pub trait Dynamics<const N: usize> {
    /// A stable name, recorded in certificates (e.g. `cubic`, `product`).
    fn name(&self) -> &'static str;
    fn constants<T: Ring>(&self, unit: &T) -> Vec<T>;
    fn apply<T: Ring>(&self, c: &[T], x: &[T; N]) -> [T; N];

    /// Convenience: `apply` with freshly built constants.
    fn eval<T: Ring>(&self, x: &[T; N]) -> [T; N] {
        let c = self.constants(&x[0]);
        self.apply(&c, x)
    }
}
