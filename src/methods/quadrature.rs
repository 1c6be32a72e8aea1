//! Rigorous quadrature by Taylor expansion on subintervals.
//!
//! On a piece `[m − h, m + h]`, Taylor's theorem with the Lagrange remainder gives
//! `g(m + t) = Σ_{k<n} g_k(m) t^k + g_n(ξ_t) t^n`, where `g_k = g^(k)/k!`. For even `n`,
//! `∫_{−h}^{h} g = Σ_{k<n, k even} 2 g_k(m) h^(k+1)/(k+1) + G_n · 2h^(n+1)/(n+1)`, where `G_n` encloses
//! `g_n` over the whole piece (`t^n >= 0`, so the mean value theorem for integrals applies). The
//! coefficients come from a [`Jet`] evaluated at the point `m` and over the piece. Pieces are
//! bisected adaptively where the enclosure is wide; the breakpoints are the witness.

use crate::arith::jet::Jet;
use crate::arith::{q_int, Arith, Q};

/// The enclosure of `∫ g` over one piece `[lo, hi]`.
pub fn integrate_piece<S: Arith>(
    unit: &S,
    lo: &Q,
    hi: &Q,
    order: usize,
    g: &impl Fn(&Jet<S>) -> Jet<S>,
) -> S {
    let order = order.max(2) + order % 2;
    let h = (hi - lo) / q_int(2);
    let mid = lo + &h;
    let at_mid = g(&Jet::var(unit.constant(&mid), order));
    let over = g(&Jet::var(unit.from_bounds(lo, hi), order));
    let mut piece = unit.int(0);
    for k in (0..=order).step_by(2) {
        let coeff = if k < order {
            at_mid.c[k].clone()
        } else {
            over.c[order].clone()
        };
        let weight = h.pow(k as i32 + 1) * q_int(2) / q_int(k as i64 + 1);
        piece = piece + &(coeff * &unit.constant(&weight));
    }
    piece
}

/// The enclosure of `∫ g` over consecutive pieces `[b_0, b_1], [b_1, b_2], …`.
pub fn integrate_on<S: Arith>(
    unit: &S,
    breakpoints: &[Q],
    order: usize,
    g: impl Fn(&Jet<S>) -> Jet<S>,
) -> S {
    let mut total = unit.int(0);
    for w in breakpoints.windows(2) {
        total = (total + &integrate_piece(unit, &w[0], &w[1], order, &g)).tidy();
    }
    total
}

/// An enclosure of an integral and the partition that gave it.
pub struct Quadrature<S> {
    pub value: S,
    pub breakpoints: Vec<Q>,
}

/// Encloses `∫_a^b g` to an absolute width of about `tol`: starts from `initial` equal pieces and
/// bisects every piece whose share of the width exceeds its share of `tol`, up to `max_pieces`.
#[allow(clippy::too_many_arguments)]
pub fn integrate_adaptive<S: Arith>(
    unit: &S,
    a: &Q,
    b: &Q,
    order: usize,
    tol: f64,
    initial: u32,
    max_pieces: usize,
    g: impl Fn(&Jet<S>) -> Jet<S>,
) -> Quadrature<S> {
    let len = crate::arith::exact::q_to_f64(&(b - a));
    let step = (b - a) / q_int(initial.max(1) as i64);
    let mut todo: Vec<(Q, Q)> = (0..initial.max(1))
        .rev()
        .map(|i| (a + &step * q_int(i as i64), a + &step * q_int(i as i64 + 1)))
        .collect();
    let mut done: Vec<Q> = vec![a.clone()];
    while let Some((lo, hi)) = todo.pop() {
        let v = integrate_piece(unit, &lo, &hi, order, &g);
        let share = tol * crate::arith::exact::q_to_f64(&(&hi - &lo)) / len;
        let w = v.width_f64();
        if (w.is_nan() || w > share) && done.len() + todo.len() + 2 <= max_pieces {
            let mid = (&lo + &hi) / q_int(2);
            todo.push((mid.clone(), hi));
            todo.push((lo, mid));
        } else {
            done.push(hi);
        }
    }
    let value = integrate_on(unit, &done, order, &g);
    Quadrature {
        value,
        breakpoints: done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::{Elementary, Enclosure, Field, MpfrInterval};

    #[test]
    fn integrates_cos_over_a_quarter_period() {
        // ∫_0^{1/2} cos(πt) dt = 1/π.
        let unit = MpfrInterval::unit(128);
        let q = integrate_adaptive(
            &unit,
            &q_int(0),
            &crate::arith::q_frac(1, 2),
            10,
            1e-20,
            4,
            256,
            |t| (t.pi() * t).cos(),
        );
        let exact = unit.pi().recip();
        assert!(q.value.width_f64() < 1e-19, "{}", q.value.width_f64());
        assert!(!q.value.disjoint(&exact));
        assert_eq!(q.breakpoints.first(), Some(&q_int(0)));
        assert_eq!(q.breakpoints.last(), Some(&crate::arith::q_frac(1, 2)));
    }
}
