//! Stationary points of a loss in any dimension: Newton's method to find one, Krawczyk's operator to
//! prove it.
//!
//! For `G = ∇L` on `R^n`, a box `X = m + [−r, r]`, its centre `m` and any matrix `C`,
//! `K(X) = m − C·G(m) + (I − C·∇²L(X))(X − m)`. If `K(X) ⊂ int X`, then every matrix in `∇²L(X)` is
//! nonsingular and `∇L` has exactly one zero in `X`, which lies in `K(X) ∩ X` (Krawczyk 1969;
//! Rump 1983). `G(m)` and the Hessian over `X` come from second-order automatic differentiation of
//! the loss ([`SecondOrder`]) in the working arithmetic, so the loss is written once.
//!
//! In binary64 and inari intervals the centre is rounded to 40 significant bits and `C` to 24:
//! neither needs more, and the rounding keeps a certificate the same across machines whose
//! floating-point searches differ in the last bits. In MPFR the centre is refined to the working
//! precision first.

use crate::arith::exact::{q_from_f64, q_to_f64, Q};
use crate::arith::ratinterval::round_rel;
use crate::arith::{Arith, Elementary, FirstOrder, SecondOrder};
use crate::linalg::IMat;
use nalgebra::{DMatrix, DVector};

/// A loss on `R^n`, written once over the scalar traits.
pub trait Objective {
    fn dim(&self) -> usize;
    /// The loss at `theta`, in the arithmetic of its entries.
    fn value<T: Elementary>(&self, theta: &[T]) -> T;
}

/// The gradient of `obj` at `theta`, with its value.
pub fn gradient<O: Objective, T: Elementary>(obj: &O, theta: &[T]) -> (T, Vec<T>) {
    let l = obj.value(&FirstOrder::seed(theta));
    let g = l.gradient(obj.dim());
    (l.v, g)
}

/// Gradient and Hessian (row-major) of `obj` at `theta`, with its value.
pub fn derivatives<O: Objective, T: Elementary>(obj: &O, theta: &[T]) -> (T, Vec<T>, Vec<T>) {
    let n = obj.dim();
    let l = obj.value(&SecondOrder::seed(theta));
    let (g, h) = (l.gradient(n), l.hessian(n));
    (l.v, g, h)
}

/// `steps` Newton steps `θ ← θ − ∇²L(θ)⁻¹∇L(θ)` in binary64, stopping early once a step is below
/// `2^-50·(1 + ‖θ‖)`. An estimate only.
pub fn newton<O: Objective>(obj: &O, start: &[f64], steps: usize) -> Result<Vec<f64>, String> {
    let n = obj.dim();
    let mut x = start.to_vec();
    for _ in 0..steps {
        let (_, g, h) = derivatives(obj, &x);
        let hm = DMatrix::from_row_slice(n, n, &h);
        let step = hm
            .lu()
            .solve(&DVector::from_vec(g))
            .ok_or("the Hessian is numerically singular")?;
        if !step.iter().all(|v| v.is_finite()) {
            return Err("Newton's method diverged".into());
        }
        let size = step.amax();
        for (xi, si) in x.iter_mut().zip(step.iter()) {
            *xi -= si;
        }
        let scale = 1.0 + x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if size <= scale * 2f64.powi(-50) {
            break;
        }
    }
    Ok(x)
}

/// A proved stationary point: the only zero of `∇L` in `center ± radius`, lying in `tight`.
#[derive(Clone, Debug)]
pub struct StationaryPoint<S> {
    pub center: Vec<Q>,
    pub radius: Vec<Q>,
    /// `K(X) ∩ X`, which holds the zero.
    pub tight: Vec<S>,
    /// `C`, row-major.
    pub preconditioner: Vec<Q>,
    /// The loss and its Hessian over the whole box `X` (row-major), for later claims.
    pub loss_over_box: S,
    pub hessian_over_box: Vec<S>,
    /// `max_i Σ_j |I − C∇²L(X)|_ij`: how strongly the operator contracts (for reports).
    pub contraction: f64,
}

/// `x` rounded toward zero to `bits` significant bits, exactly, as a rational.
fn round_q(x: f64, bits: u32) -> Option<Q> {
    let drop = 53u32.saturating_sub(bits.max(1));
    let mask = !((1u64 << drop) - 1);
    q_from_f64(f64::from_bits(x.to_bits() & mask))
}

/// Proves a stationary point of `obj` near `guess` (which should already be a Newton point).
pub fn prove_stationary_point<O: Objective, S: Arith>(
    obj: &O,
    unit: &S,
    guess: &[f64],
) -> Result<StationaryPoint<S>, String> {
    let n = obj.dim();
    if guess.len() != n || !guess.iter().all(|v| v.is_finite()) {
        return Err("the candidate is not a finite point of the right dimension".into());
    }
    let mut center: Vec<Q> = guess
        .iter()
        .map(|&v| round_q(v, 40))
        .collect::<Option<_>>()
        .ok_or("the candidate is not finite")?;
    let center_f: Vec<f64> = center.iter().map(q_to_f64).collect();
    let (_, _, h) = derivatives(obj, &center_f);
    let inv = DMatrix::from_row_slice(n, n, &h)
        .try_inverse()
        .ok_or("the Hessian is numerically singular at the candidate")?;
    let mut c_q = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            c_q.push(round_q(inv[(i, j)], 24).ok_or("the inverse Hessian is not finite")?);
        }
    }
    let c_s: Vec<S> = c_q.iter().map(|q| unit.constant(q)).collect();
    let c_f = faer::Mat::from_fn(n, n, |i, j| q_to_f64(&c_q[i * n + j]));
    // δ = C·∇L(m): the (preconditioned) Newton correction, enclosed.
    let correction = |m: &[Q]| -> Vec<S> {
        let m_s: Vec<S> = m.iter().map(|q| unit.constant(q)).collect();
        let (_, g_m) = gradient(obj, &m_s);
        (0..n)
            .map(|i| {
                (0..n).fold(unit.int(0), |acc, j| {
                    acc + &(c_s[i * n + j].clone() * &g_m[j])
                })
            })
            .collect()
    };
    let mut delta = correction(&center);
    // Beyond binary64, refine the centre in the working precision (a simplified Newton iteration,
    // linear with rate about ‖I − C∇²L‖), so that the box shrinks with the precision.
    let p = unit.precision();
    if p > 53 {
        let size = |d: &[S]| d.iter().map(|x| x.mid_f64().abs()).fold(0.0f64, f64::max);
        for _ in 0..(p / 16).min(64) {
            let next: Option<Vec<Q>> = center
                .iter()
                .zip(&delta)
                .map(|(c, d)| {
                    let (lo, hi) = d.bounds()?;
                    let mid = (lo + hi) / Q::from_integer(2.into());
                    let v = c.clone() - mid;
                    Some(if v == Q::from_integer(0.into()) {
                        v
                    } else {
                        round_rel(&v, p - 12, false)
                    })
                })
                .collect();
            let Some(next) = next else { break };
            let d_next = correction(&next);
            if size(&d_next) >= 0.5 * size(&delta) || !size(&d_next).is_finite() {
                break;
            }
            center = next;
            delta = d_next;
        }
    }
    let center_f: Vec<f64> = center.iter().map(q_to_f64).collect();
    let m_s: Vec<S> = center.iter().map(|q| unit.constant(q)).collect();
    let delta_max = delta
        .iter()
        .map(|d| d.mid_f64().abs() + d.width_f64())
        .fold(0.0f64, f64::max);
    if !delta_max.is_finite() {
        return Err("the gradient at the candidate is not bounded".into());
    }
    let scale = center_f.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let mut r = (4.0 * delta_max).max(scale * 2f64.powi(-(unit.precision() as i32) + 8));
    for _ in 0..12 {
        let rq = q_from_f64(r)
            .map(|q| round_rel(&q, 8, true))
            .ok_or("the radius overflowed")?;
        let x: Vec<S> = center
            .iter()
            .map(|c| unit.from_bounds(&(c.clone() - &rq), &(c.clone() + &rq)))
            .collect();
        let (loss, _, hx) = derivatives(obj, &x);
        // s_i = Σ_j |I − C·∇²L(X)|_ij · r, the spread of K around m − δ. The product needs no
        // precision (only δ does): it runs in binary64 midpoint-radius arithmetic.
        let h_bounds: Option<Vec<(f64, f64)>> = hx.iter().map(|v| v.bounds_f64()).collect();
        let Some(h_mat) = h_bounds.and_then(|b| IMat::enclosing(n, n, &b)) else {
            return Err("the Hessian over the box is unbounded".into());
        };
        let rows = IMat::point(c_f.clone())
            .mul(&h_mat)
            .shift_diagonal(1.0)
            .abs_row_sums_upper();
        let contraction = rows.iter().fold(0.0f64, |m, v| m.max(*v));
        let mut k_box = Vec::with_capacity(n);
        let mut inside = true;
        for i in 0..n {
            let Some(row) = q_from_f64(rows[i]) else {
                inside = false;
                break;
            };
            let spread = row * &rq;
            let ki = m_s[i].clone() - &delta[i] + &unit.from_bounds(&-spread.clone(), &spread);
            if !ki.interior(&x[i]) {
                inside = false;
            }
            k_box.push(ki);
        }
        if inside {
            let tight = k_box
                .iter()
                .zip(&x)
                .map(|(k, xi)| intersect(k, xi))
                .collect::<Option<Vec<S>>>()
                .ok_or("empty intersection")?;
            return Ok(StationaryPoint {
                center,
                radius: vec![rq; n],
                tight,
                preconditioner: c_q,
                loss_over_box: loss,
                hessian_over_box: hx,
                contraction,
            });
        }
        if !contraction.is_finite() || contraction >= 1.0 {
            // The box is too wide for the Hessian's variation: shrink unless already minimal.
            if r <= 4.0 * delta_max {
                return Err(format!(
                    "no box passed the Krawczyk test (‖I − C∇²L(X)‖∞ ≈ {contraction:.3})"
                ));
            }
            r = (r / 16.0).max(4.0 * delta_max);
        } else {
            r *= 4.0;
        }
    }
    Err("no box passed the Krawczyk test within 12 radii".into())
}

/// `a ∩ b` for enclosures known to meet.
fn intersect<S: Arith>(a: &S, b: &S) -> Option<S> {
    let (al, ah) = a.bounds()?;
    let (bl, bh) = b.bounds()?;
    let lo = if al > bl { al } else { bl };
    let hi = if ah < bh { ah } else { bh };
    (lo <= hi).then(|| a.from_bounds(&lo, &hi))
}

impl Objective for crate::spec::mlp::DecayedLoss<'_> {
    fn dim(&self) -> usize {
        crate::spec::mlp::DecayedLoss::dim(self)
    }
    fn value<T: Elementary>(&self, theta: &[T]) -> T {
        crate::spec::mlp::DecayedLoss::value(self, theta)
    }
}
