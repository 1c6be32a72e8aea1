//! `MpfrInterval`: an interval with two MPFR endpoints, each rounded outward, at a precision chosen at
//! run time. Every operation returns an interval that contains the exact result for every pair of
//! operands in the inputs. A result with a NaN endpoint, or an argument outside a function's domain,
//! gives the invalid interval, which bounds nothing and decides no comparison.

use super::exact::{q_from_float, rug_from_q, Q};
use super::{Arith, Elementary, Enclosure, Field, Ring, Tri};
use rug::float::{Constant, Round};
use rug::ops::AssignRound;
use rug::Float;
use std::cmp::Ordering;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Smallest and largest precisions accepted (MPFR allows far more; beyond this a run is hopeless here).
pub const MIN_PREC: u32 = 24;
pub const MAX_PREC: u32 = 1 << 16;

#[derive(Clone, Debug)]
pub struct MpfrInterval {
    lo: Float,
    hi: Float,
}

fn down<T>(prec: u32, v: T) -> Float
where
    Float: AssignRound<T, Round = Round, Ordering = Ordering>,
{
    Float::with_val_round(prec, v, Round::Down).0
}

fn up<T>(prec: u32, v: T) -> Float
where
    Float: AssignRound<T, Round = Round, Ordering = Ordering>,
{
    Float::with_val_round(prec, v, Round::Up).0
}

impl MpfrInterval {
    /// The point `[1, 1]` at `prec` bits: the unit value from which a computation builds its constants.
    pub fn unit(prec: u32) -> Self {
        let prec = prec.clamp(MIN_PREC, MAX_PREC);
        MpfrInterval {
            lo: Float::with_val(prec, 1),
            hi: Float::with_val(prec, 1),
        }
    }

    /// The enclosure of `[lo, hi]` at `prec` bits.
    pub fn from_q(prec: u32, lo: &Q, hi: &Q) -> Self {
        let prec = prec.clamp(MIN_PREC, MAX_PREC);
        let l = Float::with_val_round(prec, &rug_from_q(lo), Round::Down).0;
        let h = Float::with_val_round(prec, &rug_from_q(hi), Round::Up).0;
        MpfrInterval { lo: l, hi: h }.checked()
    }

    /// The interval with the given endpoints (they are taken as they are; `lo <= hi` is checked).
    pub fn from_floats(lo: Float, hi: Float) -> Self {
        MpfrInterval { lo, hi }.checked()
    }

    pub fn prec(&self) -> u32 {
        self.lo.prec()
    }

    pub fn lo(&self) -> &Float {
        &self.lo
    }

    pub fn hi(&self) -> &Float {
        &self.hi
    }

    /// An interval that bounds nothing.
    pub fn invalid(prec: u32) -> Self {
        MpfrInterval {
            lo: Float::with_val(prec, f64::NAN),
            hi: Float::with_val(prec, f64::NAN),
        }
    }

    pub fn is_valid(&self) -> bool {
        !self.lo.is_nan() && !self.hi.is_nan() && self.lo <= self.hi
    }

    fn checked(self) -> Self {
        if self.is_valid() {
            self
        } else {
            Self::invalid(self.prec())
        }
    }

    /// The same interval at another precision, rounded outward.
    pub fn with_prec(&self, prec: u32) -> Self {
        let prec = prec.clamp(MIN_PREC, MAX_PREC);
        MpfrInterval {
            lo: down(prec, &self.lo),
            hi: up(prec, &self.hi),
        }
        .checked()
    }

    fn mul_endpoints(&self, o: &Self) -> (Float, Float) {
        let p = self.prec().max(o.prec());
        let (a, b, c, d) = (&self.lo, &self.hi, &o.lo, &o.hi);
        let z = |x: &Float| x.is_sign_negative() && !x.is_zero();
        let nn = |x: &Float| !z(x); // x >= 0
        let np = |x: &Float| x.is_zero() || x.is_sign_negative(); // x <= 0
        if nn(a) {
            if nn(c) {
                (down(p, a * c), up(p, b * d))
            } else if np(d) {
                (down(p, b * c), up(p, a * d))
            } else {
                (down(p, b * c), up(p, b * d))
            }
        } else if np(b) {
            if nn(c) {
                (down(p, a * d), up(p, b * c))
            } else if np(d) {
                (down(p, b * d), up(p, a * c))
            } else {
                (down(p, a * d), up(p, a * c))
            }
        } else if nn(c) {
            (down(p, a * d), up(p, b * d))
        } else if np(d) {
            (down(p, b * c), up(p, a * c))
        } else {
            let l1 = down(p, a * d);
            let l2 = down(p, b * c);
            let h1 = up(p, a * c);
            let h2 = up(p, b * d);
            (if l1 < l2 { l1 } else { l2 }, if h1 > h2 { h1 } else { h2 })
        }
    }

    fn entire(prec: u32) -> Self {
        MpfrInterval {
            lo: Float::with_val(prec, rug::float::Special::NegInfinity),
            hi: Float::with_val(prec, rug::float::Special::Infinity),
        }
    }

    /// Critical points of cos (`kπ`, extreme value `(-1)^k`) or of sin (`(k+1/2)π`, value `(-1)^k`)
    /// that may lie in `self`: returns (may contain a maximum +1, may contain a minimum -1).
    fn trig_extrema(&self, shift_half: bool) -> (bool, bool) {
        let p = self.prec() + 16;
        let pi = MpfrInterval {
            lo: down(p, Constant::Pi),
            hi: up(p, Constant::Pi),
        };
        let x = self.with_prec(p);
        let mut t = x / &pi;
        if shift_half {
            let half = t.constant(&super::exact::q_frac(1, 2));
            t = t - half;
        }
        // Integers k with t.lo <= k <= t.hi, counted conservatively (t encloses x/π).
        let k_lo = t.lo.clone().ceil();
        let k_hi = t.hi.clone().floor();
        if k_lo > k_hi {
            return (false, false);
        }
        let span = Float::with_val(p, &k_hi - &k_lo);
        if span >= 1 {
            return (true, true);
        }
        let k = k_lo.to_integer().unwrap_or_default();
        let even = k.is_even();
        (even, !even)
    }

    fn monotone_up(&self, f: impl Fn(&Float, Round) -> Float) -> Self {
        MpfrInterval {
            lo: f(&self.lo, Round::Down),
            hi: f(&self.hi, Round::Up),
        }
        .checked()
    }
}

macro_rules! binop {
    ($tr:ident, $m:ident, $body:expr) => {
        impl $tr for MpfrInterval {
            type Output = MpfrInterval;
            fn $m(self, o: MpfrInterval) -> MpfrInterval {
                let f: fn(&MpfrInterval, &MpfrInterval) -> MpfrInterval = $body;
                f(&self, &o)
            }
        }
        impl<'a> $tr<&'a MpfrInterval> for MpfrInterval {
            type Output = MpfrInterval;
            fn $m(self, o: &'a MpfrInterval) -> MpfrInterval {
                let f: fn(&MpfrInterval, &MpfrInterval) -> MpfrInterval = $body;
                f(&self, o)
            }
        }
        impl<'a> $tr<&'a MpfrInterval> for &'a MpfrInterval {
            type Output = MpfrInterval;
            fn $m(self, o: &'a MpfrInterval) -> MpfrInterval {
                let f: fn(&MpfrInterval, &MpfrInterval) -> MpfrInterval = $body;
                f(self, o)
            }
        }
    };
}

binop!(Add, add, |a, b| {
    let p = a.prec().max(b.prec());
    MpfrInterval {
        lo: down(p, &a.lo + &b.lo),
        hi: up(p, &a.hi + &b.hi),
    }
    .checked()
});
binop!(Sub, sub, |a, b| {
    let p = a.prec().max(b.prec());
    MpfrInterval {
        lo: down(p, &a.lo - &b.hi),
        hi: up(p, &a.hi - &b.lo),
    }
    .checked()
});
binop!(Mul, mul, |a, b| {
    let (lo, hi) = a.mul_endpoints(b);
    MpfrInterval { lo, hi }.checked()
});
binop!(Div, div, |a, b| {
    let p = a.prec().max(b.prec());
    if !a.is_valid() || !b.is_valid() {
        return MpfrInterval::invalid(p);
    }
    let zero_in_b = b.lo <= 0 && b.hi >= 0;
    if zero_in_b {
        return MpfrInterval::entire(p);
    }
    // b has one sign: each endpoint of the quotient is one endpoint of a over one endpoint of b,
    // rounded once (the tightest enclosure; dividing by an outward-rounded 1/b would round twice).
    let (x1, x2, y1, y2) = (&a.lo, &a.hi, &b.lo, &b.hi);
    let pos_b = *y1 > 0;
    let (nl, dl, nh, dh) = if !x1.is_sign_negative() || x1.is_zero() {
        // a >= 0
        if pos_b {
            (x1, y2, x2, y1)
        } else {
            (x2, y2, x1, y1)
        }
    } else if x2.is_zero() || x2.is_sign_negative() {
        // a <= 0
        if pos_b {
            (x1, y1, x2, y2)
        } else {
            (x2, y1, x1, y2)
        }
    } else if pos_b {
        // a straddles zero
        (x1, y1, x2, y1)
    } else {
        (x2, y2, x1, y2)
    };
    MpfrInterval {
        lo: down(p, nl / dl),
        hi: up(p, nh / dh),
    }
    .checked()
});

impl Neg for MpfrInterval {
    type Output = MpfrInterval;
    fn neg(self) -> MpfrInterval {
        MpfrInterval {
            lo: -self.hi,
            hi: -self.lo,
        }
    }
}

impl Ring for MpfrInterval {
    fn constant(&self, q: &Q) -> Self {
        MpfrInterval::from_q(self.prec(), q, q)
    }
    fn sqr(&self) -> Self {
        let p = self.prec();
        if !self.is_valid() {
            return self.clone();
        }
        if self.lo >= 0 {
            MpfrInterval {
                lo: down(p, self.lo.square_ref()),
                hi: up(p, self.hi.square_ref()),
            }
        } else if self.hi <= 0 {
            MpfrInterval {
                lo: down(p, self.hi.square_ref()),
                hi: up(p, self.lo.square_ref()),
            }
        } else {
            let a = up(p, self.lo.square_ref());
            let b = up(p, self.hi.square_ref());
            MpfrInterval {
                lo: Float::with_val(p, 0),
                hi: if a > b { a } else { b },
            }
        }
    }
    fn int(&self, n: i64) -> Self {
        let p = self.prec();
        MpfrInterval {
            lo: down(p, n),
            hi: up(p, n),
        }
    }
}

impl Field for MpfrInterval {}

impl Elementary for MpfrInterval {
    fn sqrt(&self) -> Self {
        if !self.is_valid() || self.lo < 0 {
            return Self::invalid(self.prec());
        }
        let p = self.prec();
        self.monotone_up(|x, r| Float::with_val_round(p, x.sqrt_ref(), r).0)
    }
    fn ln(&self) -> Self {
        if !self.is_valid() || self.lo <= 0 {
            return Self::invalid(self.prec());
        }
        let p = self.prec();
        self.monotone_up(|x, r| Float::with_val_round(p, x.ln_ref(), r).0)
    }
    fn exp(&self) -> Self {
        if !self.is_valid() {
            return self.clone();
        }
        let p = self.prec();
        self.monotone_up(|x, r| Float::with_val_round(p, x.exp_ref(), r).0)
    }
    fn tanh(&self) -> Self {
        if !self.is_valid() {
            return self.clone();
        }
        let p = self.prec();
        self.monotone_up(|x, r| Float::with_val_round(p, x.tanh_ref(), r).0)
    }
    fn acosh(&self) -> Self {
        if !self.is_valid() || self.lo < 1 {
            return Self::invalid(self.prec());
        }
        let p = self.prec();
        self.monotone_up(|x, r| Float::with_val_round(p, x.acosh_ref(), r).0)
    }
    fn acos(&self) -> Self {
        if !self.is_valid() || self.lo < -1 || self.hi > 1 {
            return Self::invalid(self.prec());
        }
        // Decreasing: the lower end comes from the upper argument.
        let p = self.prec();
        MpfrInterval {
            lo: Float::with_val_round(p, self.hi.acos_ref(), Round::Down).0,
            hi: Float::with_val_round(p, self.lo.acos_ref(), Round::Up).0,
        }
        .checked()
    }
    fn cos(&self) -> Self {
        let p = self.prec();
        if !self.is_valid() || self.lo.is_infinite() || self.hi.is_infinite() {
            return Self::invalid(p);
        }
        let (max, min) = self.trig_extrema(false);
        let a_lo = Float::with_val_round(p, self.lo.cos_ref(), Round::Down).0;
        let a_hi = Float::with_val_round(p, self.lo.cos_ref(), Round::Up).0;
        let b_lo = Float::with_val_round(p, self.hi.cos_ref(), Round::Down).0;
        let b_hi = Float::with_val_round(p, self.hi.cos_ref(), Round::Up).0;
        let lo = if min {
            Float::with_val(p, -1)
        } else if a_lo < b_lo {
            a_lo
        } else {
            b_lo
        };
        let hi = if max {
            Float::with_val(p, 1)
        } else if a_hi > b_hi {
            a_hi
        } else {
            b_hi
        };
        MpfrInterval { lo, hi }.checked()
    }
    fn sin(&self) -> Self {
        let p = self.prec();
        if !self.is_valid() || self.lo.is_infinite() || self.hi.is_infinite() {
            return Self::invalid(p);
        }
        // sin has its maxima at (2k + 1/2)π and minima at (2k + 3/2)π: extrema of cos shifted by π/2.
        let (max, min) = self.trig_extrema(true);
        let a_lo = Float::with_val_round(p, self.lo.sin_ref(), Round::Down).0;
        let a_hi = Float::with_val_round(p, self.lo.sin_ref(), Round::Up).0;
        let b_lo = Float::with_val_round(p, self.hi.sin_ref(), Round::Down).0;
        let b_hi = Float::with_val_round(p, self.hi.sin_ref(), Round::Up).0;
        let lo = if min {
            Float::with_val(p, -1)
        } else if a_lo < b_lo {
            a_lo
        } else {
            b_lo
        };
        let hi = if max {
            Float::with_val(p, 1)
        } else if a_hi > b_hi {
            a_hi
        } else {
            b_hi
        };
        MpfrInterval { lo, hi }.checked()
    }
    fn pi(&self) -> Self {
        let p = self.prec();
        MpfrInterval {
            lo: down(p, Constant::Pi),
            hi: up(p, Constant::Pi),
        }
    }
}

impl Enclosure for MpfrInterval {
    fn bounds(&self) -> Option<(Q, Q)> {
        if !self.is_valid() {
            return None;
        }
        Some((q_from_float(&self.lo)?, q_from_float(&self.hi)?))
    }
    fn from_bounds(&self, lo: &Q, hi: &Q) -> Self {
        MpfrInterval::from_q(self.prec(), lo, hi)
    }
    fn hull(&self, o: &Self) -> Self {
        if !self.is_valid() || !o.is_valid() {
            return Self::invalid(self.prec());
        }
        let lo = if self.lo < o.lo {
            self.lo.clone()
        } else {
            o.lo.clone()
        };
        let hi = if self.hi > o.hi {
            self.hi.clone()
        } else {
            o.hi.clone()
        };
        MpfrInterval { lo, hi }
    }
    fn midpoint(&self) -> Self {
        let p = self.prec();
        if !self.is_valid() {
            return self.clone();
        }
        let m = if self.lo.is_infinite() || self.hi.is_infinite() {
            Float::with_val(p, 0)
        } else {
            Float::with_val(p, &self.lo + &self.hi) / 2u32
        };
        MpfrInterval {
            lo: m.clone(),
            hi: m,
        }
    }
    fn abs(&self) -> Self {
        if !self.is_valid() {
            return self.clone();
        }
        if self.lo >= 0 {
            self.clone()
        } else if self.hi <= 0 {
            -self.clone()
        } else {
            let a = Float::with_val(self.prec(), -&self.lo);
            let hi = if a > self.hi { a } else { self.hi.clone() };
            MpfrInterval {
                lo: Float::with_val(self.prec(), 0),
                hi,
            }
        }
    }
    fn widen(&self, r: f64) -> Self {
        if !self.is_valid() || !r.is_finite() {
            return Self::invalid(self.prec());
        }
        let p = self.prec();
        MpfrInterval {
            lo: down(p, &self.lo - r.abs()),
            hi: up(p, &self.hi + r.abs()),
        }
    }
    fn bounds_f64(&self) -> Option<(f64, f64)> {
        if !self.is_valid() || self.lo.is_infinite() || self.hi.is_infinite() {
            return None;
        }
        Some((
            self.lo.to_f64_round(Round::Down),
            self.hi.to_f64_round(Round::Up),
        ))
    }
    fn mid_f64(&self) -> f64 {
        if !self.is_valid() {
            return f64::NAN;
        }
        (self.lo.to_f64() + self.hi.to_f64()) / 2.0
    }
    fn width_f64(&self) -> f64 {
        if !self.is_valid() {
            return f64::INFINITY;
        }
        Float::with_val_round(53, &self.hi - &self.lo, Round::Up)
            .0
            .to_f64()
    }
    fn lt(&self, o: &Self) -> Tri {
        if !self.is_valid() || !o.is_valid() {
            return Tri::Unknown;
        }
        if self.hi < o.lo {
            Tri::True
        } else if self.lo >= o.hi {
            Tri::False
        } else {
            Tri::Unknown
        }
    }
    fn subset(&self, o: &Self) -> bool {
        self.is_valid() && o.is_valid() && o.lo <= self.lo && self.hi <= o.hi
    }
    fn interior(&self, o: &Self) -> bool {
        self.is_valid() && o.is_valid() && o.lo < self.lo && self.hi < o.hi
    }
    fn disjoint(&self, o: &Self) -> bool {
        self.is_valid() && o.is_valid() && (self.hi < o.lo || o.hi < self.lo)
    }
}

impl Arith for MpfrInterval {
    fn arith_name(&self) -> String {
        format!("mpfr:{}", self.prec())
    }
    fn precision(&self) -> u32 {
        self.prec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::exact::{parse_q, q_frac};

    #[test]
    fn tenth_is_enclosed() {
        let x = MpfrInterval::from_q(64, &q_frac(1, 10), &q_frac(1, 10));
        let (a, b) = x.bounds().unwrap();
        assert!(a < q_frac(1, 10) && q_frac(1, 10) < b);
    }

    #[test]
    fn cos_contains_extrema() {
        let x = MpfrInterval::from_q(80, &parse_q("3").unwrap(), &parse_q("3.3").unwrap());
        let c = x.cos();
        assert!(c.contains_q(&parse_q("-1").unwrap()));
        let y = MpfrInterval::from_q(80, &parse_q("1").unwrap(), &parse_q("2").unwrap());
        let s = y.sin();
        assert!(s.contains_q(&parse_q("1").unwrap()));
        assert!(!y.cos().contains_q(&parse_q("1").unwrap()));
    }

    #[test]
    fn division_by_zero_is_unbounded() {
        let one = MpfrInterval::unit(64);
        let z = MpfrInterval::from_q(64, &q_frac(-1, 2), &q_frac(1, 2));
        assert!((one / z).bounds().is_none());
    }
}
