//! Fast rigorous mean-value steps of the balanced cubic for many orbits at once.
//!
//! `inari` switches the rounding mode twice per operation (about 20 cycles each on x86-64 without
//! AVX-512), which dominates a step of interval arithmetic. This module runs the mean-value form in
//! midpoint-radius form with round-to-nearest only, and bounds every rounding error a priori:
//!
//! * centre: `c' = fl(a_m c − b_m c³)` with `|c' − (a c − b c³)| ≤ 2^-49(|a_m c| + |b_m c³|) +
//!   (a_r|c| + b_r|c|³)(1 + 2^-40) + η` for all `a ∈ a_m ± a_r`, `b ∈ b_m ± b_r` (a ≥ 0 constants);
//!   `2^-49 = 16u` covers the `γ_4 ≈ 4u` error of four roundings with room for the roundings of the
//!   bound itself, and `η = 2^-1000` covers underflow;
//! * derivative: `sup_{x∈X} |a − 3bx²| ≤ max(|a_m − 3b_m t_lo|, |a_m − 3b_m t_hi|) + a_r + 3b_r t_hi`,
//!   with `t = x²` ranging over `[t_lo, t_hi]`, plus `2^-49(a_m + 3b_m t_hi)` for the cancellation in
//!   `a_m − 3b_m t`, all scaled by `1 + 2^-45`;
//! * radius: `r' = (D r + e_c)(1 + 2^-50) + η`.
//!
//! Then `f(X) ⊆ [c' − r', c' + r']` for `X = [c − r, c + r]` by the mean value theorem. Endpoints of
//! the result interval are rounded outward with `next_down`/`next_up` of round-to-nearest values.
//! The loop has no branches that depend on data beyond `max`/`abs`, so it vectorises.

use crate::arith::exact::{q_from_f64, q_to_f64, Q};
use crate::arith::{q_int, Interval};

const U49: f64 = 1.0 / 562_949_953_421_312.0; // 2^-49
const U45: f64 = 1.0 / 35_184_372_088_832.0; // 2^-45
const U50: f64 = 1.0 / 1_125_899_906_842_624.0; // 2^-50
const U40: f64 = 1.0 / 1_099_511_627_776.0; // 2^-40
const ETA: f64 = 9.332636185032189e-302; // 2^-1000

/// The constants `a = 1 + μ` and `b = μ` of `f(x) = a x − b x³`, each as a midpoint and a radius.
#[derive(Clone, Copy, Debug)]
pub struct CubicBalls {
    a_m: f64,
    a_r: f64,
    b_m: f64,
    b_r: f64,
}

/// `q` as `m ± r` with `m` the nearest binary64 and `r >= |q − m|` (a binary64 rounded up).
fn ball_of(q: &Q) -> (f64, f64) {
    let m = q_to_f64(q);
    let err = match q_from_f64(m) {
        Some(mq) => {
            let d = if mq > *q { mq - q } else { q - mq };
            crate::arith::exact::q_to_f64_directed(&d, true)
        }
        None => f64::INFINITY,
    };
    (m, err)
}

impl CubicBalls {
    pub fn new(mu: &Q) -> Self {
        let (a_m, a_r) = ball_of(&(q_int(1) + mu));
        let (b_m, b_r) = ball_of(mu);
        CubicBalls { a_m, a_r, b_m, b_r }
    }

    /// One mean-value step of the ball `(c, r)`: returns `(c', r')` with `f([c − r, c + r]) ⊆
    /// [c' − r', c' + r']` (see the module documentation). Requires `r >= 0`.
    #[inline(always)]
    pub fn step_ball(&self, c: f64, r: f64) -> (f64, f64) {
        let (a_m, a_r, b_m, b_r) = (self.a_m, self.a_r, self.b_m, self.b_r);
        let c2 = c * c;
        let c3 = c2 * c;
        let t1 = a_m * c;
        let t2 = b_m * c3;
        let cn = t1 - t2;
        let ac = c.abs();
        let e_c = (t1.abs() + t2.abs()) * U49 + (a_r * ac + b_r * c3.abs()) * (1.0 + U40) + ETA;
        let lo = (ac - r).max(0.0);
        let hi = ac + r;
        let (t_lo, t_hi) = (lo * lo, hi * hi);
        let three_b = 3.0 * b_m;
        let d_main = (a_m - three_b * t_lo)
            .abs()
            .max((a_m - three_b * t_hi).abs());
        let d = (d_main + (a_m + three_b * t_hi) * U49 + a_r + 3.0 * b_r * t_hi) * (1.0 + U45);
        let rn = (d * r + e_c) * (1.0 + U50) + ETA;
        (cn, rn)
    }

    /// One step of every ball `(c[i], r[i])`, in place (structure of arrays, which vectorises).
    pub fn step_balls(&self, c: &mut [f64], r: &mut [f64]) {
        for (ci, ri) in c.iter_mut().zip(r.iter_mut()) {
            let (cn, rn) = self.step_ball(*ci, *ri);
            *ci = cn;
            *ri = rn;
        }
    }

    /// One step of every interval in `xs`, in place. Each new interval contains the image of the
    /// old one; an interval that is not finite becomes `ENTIRE`.
    pub fn step_all(&self, xs: &mut [Interval]) {
        self.iterate_all(xs, 1);
    }

    /// `steps` steps of every interval in `xs`, in place, in ball form between the conversions.
    pub fn iterate_all(&self, xs: &mut [Interval], steps: usize) {
        // To balls: c = fl((lo + hi)/2) and r >= max(hi − c, c − lo) (round-to-nearest differences
        // moved up one ulp).
        let mut c: Vec<f64> = xs.iter().map(|x| 0.5 * (x.inf() + x.sup())).collect();
        let mut r: Vec<f64> = xs
            .iter()
            .zip(&c)
            .map(|(x, &m)| (x.sup() - m).max(m - x.inf()).next_up())
            .collect();
        for _ in 0..steps {
            self.step_balls(&mut c, &mut r);
        }
        for ((x, &m), &rad) in xs.iter_mut().zip(&c).zip(&r) {
            let (a, b) = ((m - rad).next_down(), (m + rad).next_up());
            *x = if a.is_finite() && b.is_finite() {
                Interval::try_from((a, b)).unwrap_or(Interval::ENTIRE)
            } else {
                Interval::ENTIRE
            };
        }
    }
}

/// The same mean-value step with an MPFR centre of `prec` bits and an `f64` radius (a ball, as in
/// Arb), for many orbits at once, with no allocation in the loop: three MPFR operations a step
/// (`c²`, a fused `b c² − a`, one product). The centre is rounded to nearest; its error is bounded by
/// `2^-(prec-4)(|a_m c| + |b_m c³|)`, and the derivative bound is computed in `f64` from the centre
/// rounded outward. Radii below `2^-1000` are not representable, so beyond
/// about 1000 bits the extra precision does not narrow the balls.
pub struct CubicMpfrBalls {
    prec: u32,
    a_m: rug::Float,
    b_m: rug::Float,
    a_r: f64,
    b_r: f64,
    /// `a_m` and `b_m` rounded up to binary64, for the derivative bound.
    a_up: f64,
    b_up: f64,
    t1: rug::Float,
    t2: rug::Float,
}

impl CubicMpfrBalls {
    pub fn new(mu: &Q, prec: u32) -> Self {
        use rug::float::Round;
        let prec = prec.clamp(crate::arith::mpfr::MIN_PREC, crate::arith::mpfr::MAX_PREC);
        let ball = |q: &Q| {
            let m = rug::Float::with_val(prec, crate::arith::exact::rug_from_q(q));
            let err = match crate::arith::exact::q_from_float(&m) {
                Some(mq) => crate::arith::exact::q_to_f64_directed(
                    &(if mq > *q { mq - q } else { q - mq }),
                    true,
                ),
                None => f64::INFINITY,
            };
            let up = m
                .to_f64_round(Round::Up)
                .abs()
                .max(m.to_f64_round(Round::Down).abs());
            (m, err, up)
        };
        let (a_m, a_r, a_up) = ball(&(q_int(1) + mu));
        let (b_m, b_r, b_up) = ball(mu);
        CubicMpfrBalls {
            prec,
            a_m,
            b_m,
            a_r,
            b_r,
            a_up,
            b_up,
            t1: rug::Float::new(prec),
            t2: rug::Float::new(prec),
        }
    }

    pub fn prec(&self) -> u32 {
        self.prec
    }

    /// One step of the ball `(c, r)` in place: afterwards `f(old ball) ⊆ new ball`.
    pub fn step(&mut self, c: &mut rug::Float, r: &mut f64) {
        use rug::ops::NegAssign;
        use rug::Assign;
        let rel = 2f64.powi(4 - self.prec.min(1000) as i32);
        // |c| from its nearest binary64 (relative error 2^-53, or an absolute 2^-1074 below the
        // normal range).
        let cf = c.to_f64().abs();
        let ac = cf * (1.0 + U50) + ETA;
        let ac_low = (cf * (1.0 - U50) - ETA).max(0.0);
        // c' = c·(a_m − b_m c²) in three roundings to nearest: t2 = c², t1 = b_m t2 − a_m, c·t1.
        // Its error is below 5u(|a_m c| + |b_m c³|) with u = 2^-prec; the bound uses 16u.
        self.t2.assign(c.square_ref());
        self.t1.assign(self.b_m.mul_sub_ref(&self.t2, &self.a_m));
        *c *= &self.t1;
        c.neg_assign();
        let ac3 = ac * ac * ac * (1.0 + U45);
        let e_c = (self.a_up * ac + self.b_up * ac3) * rel * (1.0 + U40)
            + (self.a_r * ac + self.b_r * ac3) * (1.0 + U40)
            + ETA;
        // sup |a − 3bx²| over |x| <= ac + r, with t = x² in [0, (ac + r)²]: the ends of a linear
        // function of t, bounded above generously (a_up, b_up are upper bounds of |a_m|, |b_m|).
        let hi = (ac + *r) * (1.0 + U50);
        let t_hi = hi * hi * (1.0 + U50);
        let lo = ((ac_low - *r) * (1.0 - U50)).max(0.0);
        let t_lo = lo * lo * (1.0 - U50);
        let three_b = 3.0 * self.b_up;
        let d_main = (self.a_up - three_b * t_lo)
            .abs()
            .max((self.a_up - three_b * t_hi).abs());
        let d = (d_main + (self.a_up + three_b * t_hi) * U49 + self.a_r + 3.0 * self.b_r * t_hi)
            * (1.0 + U45);
        *r = (d * *r + e_c) * (1.0 + U50) + ETA;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::{q_frac, Enclosure};

    #[test]
    fn mpfr_balls_contain_exact_images() {
        for mu in [q_frac(6, 5), q_frac(3, 2), q_frac(1, 3)] {
            for prec in [64u32, 128, 512] {
                let mut balls = CubicMpfrBalls::new(&mu, prec);
                for (c0, r0) in [(0.5, 0.0), (0.7312, 1e-9), (-1.2, 0.01), (1e-200, 1e-210)] {
                    let mut c = rug::Float::with_val(prec, c0);
                    let mut r = r0;
                    let old_c = crate::arith::exact::q_from_float(&c).unwrap();
                    let old_r = q_from_f64(r).unwrap();
                    balls.step(&mut c, &mut r);
                    let (nc, nr) = (
                        crate::arith::exact::q_from_float(&c).unwrap(),
                        q_from_f64(r).unwrap(),
                    );
                    for t in -4..=4 {
                        let x = &old_c + &old_r * q_frac(t, 4);
                        let fx = (q_int(1) + &mu) * &x - &mu * &x * &x * &x;
                        let d = if fx > nc { &fx - &nc } else { &nc - &fx };
                        assert!(d <= nr, "mu {mu} prec {prec} c {c0} r {r0}");
                    }
                }
            }
        }
    }

    #[test]
    fn steps_contain_exact_images() {
        // f(x) for exact rational x in the interval, against the stepped enclosure.
        for mu in [
            q_frac(3, 10),
            q_frac(6, 5),
            q_frac(3, 2),
            q_frac(11, 5),
            q_frac(1, 3),
        ] {
            let balls = CubicBalls::new(&mu);
            for (lo, hi) in [
                (0.5, 0.5),
                (0.1, 0.2),
                (-1.3, 1.3),
                (0.7312, 0.7313),
                (-2.0, -1.9999),
                (1e-300, 2e-300),
            ] {
                let mut xs = [Interval::try_from((lo, hi)).unwrap()];
                balls.step_all(&mut xs);
                for t in 0..=8 {
                    let x = q_from_f64(lo).unwrap()
                        + (q_from_f64(hi).unwrap() - q_from_f64(lo).unwrap()) * q_frac(t, 8);
                    let fx = (q_int(1) + &mu) * &x - &mu * &x * &x * &x;
                    assert!(xs[0].contains_q(&fx), "mu {mu}, x {x}: {:?}", xs[0]);
                }
            }
        }
    }
}
