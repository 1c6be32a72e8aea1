//! Inertia helpers shared by the theorem modules: interval matrices from enclosures, exact shifts,
//! counts at a shift, and brackets of one eigenvalue between two certified counts.

use crate::arith::exact::{q_from_f64, q_to_f64, Q};
use crate::arith::Arith;
use crate::linalg::{self, IMat, InertiaCount};

/// The n×n matrix of enclosures `h` (row-major) as a midpoint-radius matrix that encloses it.
pub fn enclosing_imat<S: Arith>(n: usize, h: &[S]) -> Option<IMat> {
    let b: Vec<(f64, f64)> = h.iter().map(|v| v.bounds_f64()).collect::<Option<_>>()?;
    IMat::enclosing(n, n, &b)
}

/// A short rational near `x` (about 12 significant digits), for the shifts of brackets.
pub fn short(x: f64) -> Option<Q> {
    let q = q_from_f64(x)?;
    Some(crate::arith::ratinterval::round_rel(&q, 40, false))
}

/// Counts eigenvalues below `t` (an exact rational, used in binary64 by the engine; the kernel
/// checks the congruence at the exact `t`).
pub fn count_at(a: &IMat, t: &Q) -> Option<InertiaCount> {
    linalg::count_eigenvalues_below(a, q_to_f64(t), None).ok()
}

/// Brackets eigenvalue number `index` (from 1, ascending) of `a` near the estimate `est`: shifts
/// `est ∓ w` with `w` growing until the congruences decide; returns the two shifts and counts.
pub fn bracket(
    a: &IMat,
    index: usize,
    est: f64,
    scale: f64,
) -> Option<(Q, InertiaCount, Q, InertiaCount)> {
    let mut w = scale * 1e-7;
    for _ in 0..12 {
        if let (Some(lo), Some(hi)) = (short(est - w), short(est + w)) {
            if let (Some(cl), Some(ch)) = (count_at(a, &lo), count_at(a, &hi)) {
                if cl.below < index && ch.below >= index {
                    return Some((lo, cl, hi, ch));
                }
            }
        }
        w *= 8.0;
    }
    None
}
