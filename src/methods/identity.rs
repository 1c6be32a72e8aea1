//! Exact polynomial identities over the rationals.
//!
//! An identity `lhs = rhs` is proved by expanding `lhs − rhs` as a [`Poly`] and finding the zero
//! polynomial, after rewriting with algebraic relations `x_i² = g_i` when the identity holds on a
//! variety (for example on the circle `c² + s² = 1`). A `false` answer is exact too: the normal
//! form is a nonzero polynomial, so the identity fails.

use crate::arith::Poly;

/// Whether every difference reduces to zero modulo the relations.
pub fn identity_holds(differences: &[Poly], relations: &[(usize, Poly)]) -> bool {
    differences
        .iter()
        .all(|d| d.normal_form(relations).is_zero())
}
