//! The Krawczyk re-check of a `Stationary` witness, shared by every theorem whose claim is "∇L has
//! exactly one zero in the box X = m ± r". The theorem's table supplies the loss (its gradient at
//! the exact centre and its Hessian over the box, each enclosed in the kernel's own arithmetic);
//! this module parses the witness and checks `K(X) = m − C∇L(m) + (I − C∇²L(X))(X − m) ⊂ int X`
//! and `K(X) ⊆ tight ⊆ X`, with the products by the preconditioner in correctly rounded MPFR dot
//! products ([`super::matrix`]).

use super::checks::{interval, q, show};
use super::matrix::{difference, product, KMat, PREC};
use crate::arith::exact::{q_from_float, rug_from_q, Q};
use crate::arith::{q_int, Enclosure, RatInterval};
use crate::certificate::{Claim, Witness};
use num_traits::Signed;
use rug::float::Round;
use rug::Float;

/// A loss as the kernel evaluates it for the Krawczyk test.
pub trait KernelLoss {
    /// The witness's `loss` name this table accepts.
    fn name(&self) -> &str;
    /// The number of coordinates.
    fn dim(&self) -> usize;
    /// Enclosures of `∇L(m)` at the exact point `m`, at `bits` bits.
    fn gradient_at(&self, m: &[Q], bits: u32) -> Result<Vec<(Q, Q)>, String>;
    /// Enclosures of `L(X)` and of `∇²L(X)` (row-major) over the box `x`.
    #[allow(clippy::type_complexity)]
    fn over_box(&self, x: &[(Q, Q)], bits: u32) -> Result<((Q, Q), Vec<(Q, Q)>), String>;
}

/// What the kernel has verified of a stationary point.
pub struct Verified {
    /// The recorded tight box, proved to hold the unique zero.
    pub tight: Vec<RatInterval>,
    /// `L` over the Krawczyk box.
    pub loss: RatInterval,
    /// `∇²L` over the whole Krawczyk box.
    pub hessian: KMat,
}

/// Re-runs the Krawczyk test of the `Stationary` witness of `c` for `obj`.
pub fn check_stationary_witness<L: KernelLoss>(
    c: &Claim,
    obj: &L,
    bits: u32,
) -> Result<Verified, String> {
    let Witness::Stationary {
        loss,
        center,
        radius,
        tight,
        preconditioner,
    } = &c.witness
    else {
        return Err(format!("{} has no stationary-point witness", c.id));
    };
    if loss != obj.name() {
        return Err(format!("loss `{loss}`, expected `{}`", obj.name()));
    }
    let n = obj.dim();
    if center.len() != n || radius.len() != n || tight.len() != n || preconditioner.len() != n * n {
        return Err(format!(
            "the witness needs {n} coordinates and an {n}x{n} preconditioner"
        ));
    }
    let parse = |v: &[String], what: &str| -> Result<Vec<Q>, String> {
        v.iter().map(|s| q(s, what)).collect()
    };
    let (m, r, cm) = (
        parse(center, "center")?,
        parse(radius, "radius")?,
        parse(preconditioner, "preconditioner")?,
    );
    if r.iter().any(|x| !x.is_positive()) {
        return Err("every radius must be positive".into());
    }
    let xb: Vec<(Q, Q)> = m
        .iter()
        .zip(&r)
        .map(|(mi, ri)| (mi - ri, mi + ri))
        .collect();
    let g = KMat::of_intervals(n, 1, &obj.gradient_at(&m, bits)?);
    let (value, hb) = obj.over_box(&xb, bits)?;
    if hb.len() != n * n {
        return Err("the Hessian has the wrong size".into());
    }
    let h = KMat::of_intervals(n, n, &hb);
    let cmat = KMat::of_rationals(n, n, &cm, false);
    let delta = product(&cmat, &g, false)?;
    let eye: Vec<Q> = (0..n * n)
        .map(|k| q_int(if k / n == k % n { 1 } else { 0 }))
        .collect();
    let spread = difference(
        &KMat::of_rationals(n, n, &eye, false),
        &product(&cmat, &h, false)?,
    )
    .abs_upper();
    let (dl, dh) = delta.bounds();
    let tight_box: Vec<RatInterval> = tight
        .iter()
        .enumerate()
        .map(|(i, e)| interval(e, bits, &format!("tight[{i}]")))
        .collect::<Result<_, _>>()?;
    for i in 0..n {
        // s_i = Σ_j |I − C∇²L(X)|_ij r_j, rounded up; K_i ⊆ m_i + [−δhi_i − s_i, −δlo_i + s_i].
        let rj: Vec<Float> = r
            .iter()
            .map(|v| Float::with_val_round(PREC, &rug_from_q(v), Round::Up).0)
            .collect();
        let s = Float::with_val_round(
            PREC,
            Float::dot(spread[i * n..(i + 1) * n].iter().zip(&rj)),
            Round::Up,
        )
        .0;
        let ri = Float::with_val_round(PREC, &rug_from_q(&r[i]), Round::Down).0;
        let right = Float::with_val_round(PREC, &dh[i] + &s, Round::Up).0;
        let left = Float::with_val_round(PREC, &s - &dl[i], Round::Up).0;
        if !(right < ri && left < ri) {
            return Err(format!(
                "coordinate {i}: K(X) is not inside the interior of X"
            ));
        }
        let mi = rug_from_q(&m[i]);
        let k_lo = q_from_float(&Float::with_val_round(PREC, &mi - &right, Round::Down).0)
            .ok_or("not finite")?;
        let k_hi = q_from_float(&Float::with_val_round(PREC, &mi + &left, Round::Up).0)
            .ok_or("not finite")?;
        let (tl, th) = tight_box[i].bounds().ok_or("unbounded tight box")?;
        if !(tl <= k_lo && k_hi <= th && xb[i].0 <= tl && th <= xb[i].1) {
            return Err(format!(
                "coordinate {i}: the tight box {} does not hold K(X) or leaves X",
                show(&tight_box[i])
            ));
        }
    }
    Ok(Verified {
        tight: tight_box,
        loss: RatInterval::new(value.0, value.1, bits),
        hessian: h,
    })
}
