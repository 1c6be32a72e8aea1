//! Krawczyk's method for periodic points of a map, with a proof of the least period.
//!
//! For `G(x) = F^k(x) − x`, a box `X`, a point `m ∈ X` and any matrix `C`, the Krawczyk operator is
//! `K(X) = m − C·G(m) + (I − C·G'(X))(X − m)`. If `K(X) ⊂ int X`, then `C` and every matrix in
//! `G'(X)` are nonsingular and `G` has exactly one zero in `X` (Krawczyk 1969; Rump 1983). If in
//! addition `F^j(X) ∩ X = ∅` for every proper divisor `j` of `k`, that zero has least period `k`.
//! `G'(X)` is enclosed by forward differentiation of the `k`-fold composition over `X`.

use crate::arith::dual::Dual;
use crate::arith::exact::q_from_f64;
use crate::arith::{Arith, Q};
use crate::spec::Dynamics;
use nalgebra::SMatrix;

/// A point of least period `period`: unique in `unique_box`, and inside the narrow `boxed`.
/// Both boxes pass the Krawczyk test with the same centre and preconditioner.
#[derive(Clone, Debug)]
pub struct PeriodicPoint<S, const N: usize> {
    pub period: usize,
    /// The narrow box: the point's enclosure.
    pub boxed: [S; N],
    /// A wider box in which the point is the only zero of `F^period − id` (at least `boxed`).
    pub unique_box: [S; N],
    pub center: [S; N],
    /// The preconditioner, exactly (binary floats written as rationals).
    pub preconditioner: [[Q; N]; N],
}

/// Why a proof attempt failed.
#[derive(Clone, Debug, PartialEq)]
pub enum KrawczykFailure {
    /// The Newton iteration did not settle (no periodic point near the guess, or too little precision).
    NoConvergence,
    /// The derivative of `G` is numerically singular at the candidate.
    Singular,
    /// No tried radius gave `K(X) ⊂ int X`.
    NoInclusion,
    /// The zero was isolated, but its least period could not be separated from a divisor.
    PeriodNotSeparated(usize),
}

impl std::fmt::Display for KrawczykFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KrawczykFailure::NoConvergence => write!(f, "the Newton iteration did not settle"),
            KrawczykFailure::Singular => write!(f, "the derivative is numerically singular"),
            KrawczykFailure::NoInclusion => write!(
                f,
                "no tried box satisfied K(X) ⊂ int X (more precision may help)"
            ),
            KrawczykFailure::PeriodNotSeparated(j) => write!(
                f,
                "F^{j}(X) meets X: the least period is not separated from {j}"
            ),
        }
    }
}

/// `F^k` on duals seeded at `x`: values and Jacobian enclosures over `x`.
fn compose_with_jacobian<M: Dynamics<N>, S: Arith, const N: usize>(
    map: &M,
    cd: &[Dual<S, N>],
    x: &[S; N],
    k: usize,
) -> ([S; N], [[S; N]; N]) {
    let mut y = Dual::seed(x);
    for _ in 0..k {
        y = map.apply(cd, &y);
    }
    crate::arith::dual::jacobian(&y)
}

/// `F^j(x)` by plain evaluation.
pub fn compose<M: Dynamics<N>, S: Arith, const N: usize>(
    map: &M,
    c: &[S],
    x: &[S; N],
    j: usize,
) -> [S; N] {
    let mut y = x.clone();
    for _ in 0..j {
        y = map.apply(c, &y);
    }
    y
}

fn invert<const N: usize>(a: [[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let m = SMatrix::<f64, N, N>::from_fn(|i, j| a[i][j]);
    let inv = m.try_inverse()?;
    let out: [[f64; N]; N] = std::array::from_fn(|i| std::array::from_fn(|j| inv[(i, j)]));
    if out.iter().flatten().all(|v| v.is_finite()) {
        Some(out)
    } else {
        None
    }
}

/// `G'(X) = J_{F^k}(X) − I`.
fn g_jacobian<S: Arith, const N: usize>(jac: [[S; N]; N]) -> [[S; N]; N] {
    let mut g = jac;
    for (i, row) in g.iter_mut().enumerate() {
        row[i] = row[i].clone() - &row[i].int(1);
    }
    g
}

/// The Krawczyk operator `K(X) = m − C·G(m) + (I − C·G'(X))(X − m)`.
pub fn krawczyk_operator<M: Dynamics<N>, S: Arith, const N: usize>(
    map: &M,
    cd: &[Dual<S, N>],
    c: &[S],
    period: usize,
    x: &[S; N],
    m: &[S; N],
    cq: &[[Q; N]; N],
) -> [S; N] {
    let unit = &x[0];
    let cs: [[S; N]; N] =
        std::array::from_fn(|i| std::array::from_fn(|j| unit.constant(&cq[i][j])));
    let fm = compose(map, c, m, period);
    let gm: [S; N] = std::array::from_fn(|i| fm[i].clone() - &m[i]);
    let (_, jx) = compose_with_jacobian(map, cd, x, period);
    let gx = g_jacobian(jx);
    std::array::from_fn(|i| {
        let mut k = m[i].clone();
        for j in 0..N {
            k = k - &(cs[i][j].clone() * &gm[j]);
        }
        for l in 0..N {
            // (I − C G'(X))_{il}
            let mut a = if i == l { unit.int(1) } else { unit.int(0) };
            for j in 0..N {
                a = a - &(cs[i][j].clone() * &gx[j][l]);
            }
            k = k + &(a * &(x[l].clone() - &m[l]));
        }
        k
    })
}

/// Searches for a periodic point of least period `period` near `guess` and proves it with Krawczyk.
pub fn prove_periodic_point<M: Dynamics<N>, S: Arith, const N: usize>(
    map: &M,
    unit: &S,
    period: usize,
    guess: [f64; N],
) -> Result<PeriodicPoint<S, N>, KrawczykFailure> {
    let start = guess.map(|v| unit.constant(&q_from_f64(v).unwrap_or_default()));
    prove_periodic_point_from(map, unit, period, start)
}

/// As [`prove_periodic_point`], from a starting point given in the working arithmetic (its midpoint
/// is used), for guesses that need more than binary64 to tell the orbit from a nearby one.
pub fn prove_periodic_point_from<M: Dynamics<N>, S: Arith, const N: usize>(
    map: &M,
    unit: &S,
    period: usize,
    guess: [S; N],
) -> Result<PeriodicPoint<S, N>, KrawczykFailure> {
    let c: Vec<S> = map.constants(unit);
    let cd: Vec<Dual<S, N>> = map.constants(&Dual::cst(unit.clone()));
    let prec = unit.precision();
    let tol = 2f64.powi(-(prec.min(1000) as i32) + 8);

    // Newton iteration on points, with the f64 inverse of the midpoint Jacobian.
    let to_point = |v: f64| unit.constant(&q_from_f64(v).unwrap_or_default());
    let mut m: [S; N] = guess.map(|v| v.midpoint());
    let mut converged = false;
    for _ in 0..80 {
        let (fm, jm) = compose_with_jacobian(map, &cd, &m, period);
        let g = g_jacobian(jm);
        let gmid: [[f64; N]; N] =
            std::array::from_fn(|i| std::array::from_fn(|j| g[i][j].mid_f64()));
        let Some(ci) = invert(gmid) else {
            return Err(KrawczykFailure::Singular);
        };
        let cs: [[S; N]; N] = std::array::from_fn(|i| std::array::from_fn(|j| to_point(ci[i][j])));
        let gm: [S; N] = std::array::from_fn(|i| fm[i].clone() - &m[i]);
        let mut step_size = 0f64;
        let next: [S; N] = std::array::from_fn(|i| {
            let mut d = unit.int(0);
            for j in 0..N {
                d = d + &(cs[i][j].clone() * &gm[j]);
            }
            step_size = step_size.max(d.mid_f64().abs() / (1.0 + m[i].mid_f64().abs()));
            (m[i].clone() - &d).midpoint()
        });
        if next
            .iter()
            .any(|v| !v.mid_f64().is_finite() || v.mid_f64().abs() > 1e12)
        {
            return Err(KrawczykFailure::NoConvergence);
        }
        m = next;
        // Rounding limits the attainable step to about ‖C‖ times the working precision (ill
        // conditioned zeros, near a bifurcation, settle above `tol`).
        let cnorm = ci
            .iter()
            .map(|row| row.iter().map(|v| v.abs()).sum::<f64>())
            .fold(1f64, f64::max);
        if step_size <= tol * cnorm {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err(KrawczykFailure::NoConvergence);
    }

    // Preconditioner at the refined centre.
    let (fm, jm) = compose_with_jacobian(map, &cd, &m, period);
    let g = g_jacobian(jm);
    let gmid: [[f64; N]; N] = std::array::from_fn(|i| std::array::from_fn(|j| g[i][j].mid_f64()));
    let ci = invert(gmid).ok_or(KrawczykFailure::Singular)?;
    let cq: [[Q; N]; N] =
        std::array::from_fn(|i| std::array::from_fn(|j| q_from_f64(ci[i][j]).unwrap_or_default()));
    let residual = (0..N)
        .map(|i| {
            let gi = fm[i].clone() - &m[i];
            (0..N)
                .map(|j| (ci[i][j] * gi.mid_f64()).abs() + ci[i][j].abs() * gi.width_f64())
                .sum::<f64>()
        })
        .fold(0f64, f64::max);
    let scale = m.iter().map(|v| v.mid_f64().abs()).fold(1f64, f64::max);
    let base = residual.max(scale * tol);

    let proves = |r: f64| -> Result<[S; N], KrawczykFailure> {
        let rq = q_from_f64(r).unwrap_or_default();
        let x: [S; N] = std::array::from_fn(|i| {
            let (lo, hi) = m[i].bounds().unwrap_or_default();
            unit.from_bounds(&(lo - &rq), &(hi + &rq))
        });
        let k = krawczyk_operator(map, &cd, &c, period, &x, &m, &cq);
        if !(0..N).all(|i| k[i].interior(&x[i])) {
            return Err(KrawczykFailure::NoInclusion);
        }
        // Least period: F^j(X) ∩ X = ∅ for every proper divisor j of the period.
        for j in (1..period).filter(|j| period % j == 0) {
            let fj = compose(map, &c, &x, j);
            if !(0..N).any(|i| fj[i].disjoint(&x[i])) {
                return Err(KrawczykFailure::PeriodNotSeparated(j));
            }
        }
        Ok(x)
    };
    let mut last_failure = KrawczykFailure::NoInclusion;
    let mut tight = None;
    for factor in [8.0, 64.0, 1024.0, 1e5, 1e8] {
        match proves(base * factor) {
            Ok(x) => {
                tight = Some((x, base * factor));
                break;
            }
            Err(e) => last_failure = e,
        }
    }
    let Some((boxed, r_tight)) = tight else {
        return Err(last_failure);
    };
    // Uniqueness in a wider box: the widest of radii 2^-20, 2^-30, 2^-40 (relative) that passes.
    let mut unique_box = boxed.clone();
    for e in [-20, -30, -40] {
        let r = scale * 2f64.powi(e);
        if r > r_tight {
            if let Ok(x) = proves(r) {
                unique_box = x;
                break;
            }
        }
    }
    Ok(PeriodicPoint {
        period,
        boxed,
        unique_box,
        center: m,
        preconditioner: cq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::{q_frac, Enclosure, MpfrInterval, Ring};
    use crate::spec::two_factor::{Cubic, ProductMap};

    #[test]
    fn proves_the_balanced_two_cycle() {
        let map = Cubic { mu: q_frac(6, 5) };
        let unit = MpfrInterval::unit(128);
        let p = prove_periodic_point(&map, &unit, 2, [0.73]).unwrap();
        assert!((p.boxed[0].mid_f64() - 0.731290).abs() < 1e-6);
        assert!(p.boxed[0].width_f64() < 1e-30);
        // The uniqueness box is wide enough to contain the six-digit value.
        assert!(p.unique_box[0].contains_q(&crate::arith::parse_q("0.731290").unwrap()));
        let _ = unit.int(1);
    }

    #[test]
    fn a_fixed_point_is_not_a_two_cycle() {
        let map = Cubic { mu: q_frac(6, 5) };
        let unit = MpfrInterval::unit(128);
        // Near x = 1 (a fixed point), G = f² − x has a simple zero but F(X) meets X.
        let r = prove_periodic_point(&map, &unit, 2, [1.0]);
        assert!(
            matches!(r, Err(KrawczykFailure::PeriodNotSeparated(1))),
            "{r:?}"
        );
    }

    #[test]
    fn proves_the_two_cycle_in_the_plane() {
        let map = ProductMap { mu: q_frac(6, 5) };
        let unit = MpfrInterval::unit(128);
        let p = prove_periodic_point(&map, &unit, 2, [0.7313, 0.7313]).unwrap();
        assert!((p.boxed[1].mid_f64() - 0.731290).abs() < 1e-6);
    }
}
