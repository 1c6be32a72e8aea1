//! `RatInterval`: intervals with exact rational endpoints, the arithmetic of the kernel.
//!
//! Ring operations and division are exact (no rounding at all). Elementary functions are enclosed by
//! truncated series whose remainders are bounded explicitly, and the results are rounded outward to
//! dyadic rationals with `bits` fractional or significant bits, so every answer is proved by exact
//! rational arithmetic alone. No binary floating-point operation is involved anywhere in this file.
//!
//! Series used (each with its remainder bound):
//! - `sqrt`: integer square roots, `floor(sqrt(⌊x·4^k⌋))/2^k <= sqrt(x) <= ceil(sqrt(⌈x·4^k⌉))/2^k`;
//! - `ln`: `ln x = k ln 2 + 2 atanh(z)`, `z = (y-1)/(y+1)`, `|z| <= 0.172`, remainder
//!   `<= 2|z|^(2n+1) / ((2n+1)(1-z²))`;
//! - `exp`: `exp x = 2^k exp(r)`, `|r| <= 0.35`, Taylor remainder `<= 2|r|^(n+1)/(n+1)!`;
//! - `cos`, `sin`: Taylor with Lagrange remainder `|x|^m/m!`, after reduction by multiples of 2π;
//! - `π`: Machin's formula `16 atan(1/5) - 4 atan(1/239)`, alternating series;
//! - `acosh x = ln(x + sqrt(x² - 1))`.

use super::exact::{dyadic, dyadic_exp, pow2, q_int, qadd, qcmp, qmul, qsub, Q};
use super::{Arith, Elementary, Enclosure, Field, Ring, Tri};
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::collections::BTreeMap;
use std::ops::{Add, Div, Mul, Neg, Sub};
use std::sync::{Mutex, OnceLock};

/// Default working precision (bits) of elementary-function enclosures.
pub const DEFAULT_BITS: u32 = 160;

/// An interval `[lo, hi]` with exact rational endpoints, or the invalid value that bounds nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct RatInterval {
    b: Option<(Q, Q)>,
    /// Precision used when an operation must round (elementary functions, [`Ring::tidy`]).
    bits: u32,
}

fn div_round(n: &BigInt, d: &BigInt, up: bool) -> BigInt {
    use num_integer::Integer;
    if up {
        -(-n).div_floor(d)
    } else {
        n.div_floor(d)
    }
}

/// `q` rounded down (`up = false`) or up to a multiple of `2^-frac_bits`.
pub fn round_abs(q: &Q, frac_bits: u32, up: bool) -> Q {
    let n = q.numer() << frac_bits;
    dyadic(div_round(&n, q.denom(), up), frac_bits as u64)
}

/// `q` rounded down or up to `bits` significant bits (a dyadic rational).
pub fn round_rel(q: &Q, bits: u32, up: bool) -> Q {
    if q.is_zero() {
        return <Q as Zero>::zero();
    }
    let e = q.numer().bits() as i64 - q.denom().bits() as i64; // |q| < 2^(e+1)
    let shift = bits as i64 - e;
    if shift >= 0 {
        dyadic(
            div_round(&(q.numer() << shift as u64), q.denom(), up),
            shift as u64,
        )
    } else {
        let m = div_round(q.numer(), &(q.denom() << (-shift) as u64), up);
        Q::from_integer(m << (-shift) as u64)
    }
}

fn cmp_min(a: Q, b: Q) -> Q {
    if qcmp(&a, &b).is_lt() {
        a
    } else {
        b
    }
}

fn cmp_max(a: Q, b: Q) -> Q {
    if qcmp(&a, &b).is_gt() {
        a
    } else {
        b
    }
}

impl RatInterval {
    pub fn new(lo: Q, hi: Q, bits: u32) -> Self {
        if qcmp(&lo, &hi).is_le() {
            RatInterval {
                b: Some((lo, hi)),
                bits,
            }
        } else {
            RatInterval { b: None, bits }
        }
    }

    pub fn point(q: Q, bits: u32) -> Self {
        RatInterval {
            b: Some((q.clone(), q)),
            bits,
        }
    }

    /// The point 1, with the given working precision for elementary functions.
    pub fn unit(bits: u32) -> Self {
        Self::point(<Q as One>::one(), bits)
    }

    pub fn invalid(bits: u32) -> Self {
        RatInterval { b: None, bits }
    }

    pub fn lo(&self) -> Option<&Q> {
        self.b.as_ref().map(|b| &b.0)
    }

    pub fn hi(&self) -> Option<&Q> {
        self.b.as_ref().map(|b| &b.1)
    }

    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The same interval rounded outward to `bits` significant bits.
    pub fn round_out(&self) -> Self {
        match &self.b {
            Some((a, b)) => Self::new(
                round_rel(a, self.bits, false),
                round_rel(b, self.bits, true),
                self.bits,
            ),
            None => self.clone(),
        }
    }

    fn map2(&self, o: &Self, f: impl Fn(&Q, &Q, &Q, &Q) -> (Q, Q)) -> Self {
        let bits = self.bits.max(o.bits);
        match (&self.b, &o.b) {
            // Every f used here maps ordered endpoints to ordered endpoints.
            (Some((a, b)), Some((c, d))) => RatInterval {
                b: Some(f(a, b, c, d)),
                bits,
            },
            _ => Self::invalid(bits),
        }
    }

    /// Applies an increasing function given by point bounds `f(x, up)`.
    fn monotone(&self, f: impl Fn(&Q, bool) -> Q) -> Self {
        match &self.b {
            Some((a, b)) => Self::new(f(a, false), f(b, true), self.bits),
            None => self.clone(),
        }
    }

    fn mul_q(a: &Q, b: &Q, c: &Q, d: &Q) -> (Q, Q) {
        if !a.is_negative() {
            if !c.is_negative() {
                (qmul(a, c), qmul(b, d))
            } else if !d.is_positive() {
                (qmul(b, c), qmul(a, d))
            } else {
                (qmul(b, c), qmul(b, d))
            }
        } else if !b.is_positive() {
            if !c.is_negative() {
                (qmul(a, d), qmul(b, c))
            } else if !d.is_positive() {
                (qmul(b, d), qmul(a, c))
            } else {
                (qmul(a, d), qmul(a, c))
            }
        } else if !c.is_negative() {
            (qmul(a, d), qmul(b, d))
        } else if !d.is_positive() {
            (qmul(b, c), qmul(a, c))
        } else {
            (
                cmp_min(qmul(a, d), qmul(b, c)),
                cmp_max(qmul(a, c), qmul(b, d)),
            )
        }
    }
}

macro_rules! binop {
    ($tr:ident, $m:ident, $f:expr) => {
        impl $tr for RatInterval {
            type Output = RatInterval;
            fn $m(self, o: RatInterval) -> RatInterval {
                let f: fn(&RatInterval, &RatInterval) -> RatInterval = $f;
                f(&self, &o)
            }
        }
        impl<'a> $tr<&'a RatInterval> for RatInterval {
            type Output = RatInterval;
            fn $m(self, o: &'a RatInterval) -> RatInterval {
                let f: fn(&RatInterval, &RatInterval) -> RatInterval = $f;
                f(&self, o)
            }
        }
        impl<'a> $tr<&'a RatInterval> for &'a RatInterval {
            type Output = RatInterval;
            fn $m(self, o: &'a RatInterval) -> RatInterval {
                let f: fn(&RatInterval, &RatInterval) -> RatInterval = $f;
                f(self, o)
            }
        }
    };
}

binop!(Add, add, |x, y| x
    .map2(y, |a, b, c, d| (qadd(a, c), qadd(b, d))));
binop!(Sub, sub, |x, y| x
    .map2(y, |a, b, c, d| (qsub(a, d), qsub(b, c))));
binop!(Mul, mul, |x, y| x.map2(y, RatInterval::mul_q));
binop!(Div, div, |x, y| {
    let bits = x.bits.max(y.bits);
    match &y.b {
        Some((c, d)) if c.is_positive() || d.is_negative() => {
            let r = RatInterval::new(d.recip(), c.recip(), bits);
            x * &r
        }
        _ => RatInterval::invalid(bits),
    }
});

impl Neg for RatInterval {
    type Output = RatInterval;
    fn neg(self) -> RatInterval {
        match self.b {
            Some((a, b)) => RatInterval {
                b: Some((-b, -a)),
                bits: self.bits,
            },
            None => self,
        }
    }
}

impl Ring for RatInterval {
    /// A dyadic constant stays a point; any other is enclosed outward by dyadics of `bits + 64`
    /// significant bits, so later products take the dyadic fast path instead of long gcds.
    fn constant(&self, q: &Q) -> Self {
        if dyadic_exp(q).is_some() {
            return Self::point(q.clone(), self.bits);
        }
        let b = self.bits + 64;
        Self::new(round_rel(q, b, false), round_rel(q, b, true), self.bits)
    }
    fn tidy(self) -> Self {
        let limit = self.bits as u64 + 16;
        match &self.b {
            Some((a, b))
                if a.numer().bits() > limit
                    || a.denom().bits() > limit
                    || b.numer().bits() > limit
                    || b.denom().bits() > limit =>
            {
                self.round_out()
            }
            _ => self,
        }
    }
    fn sqr(&self) -> Self {
        match &self.b {
            Some((a, b)) => {
                if !a.is_negative() {
                    Self::new(qmul(a, a), qmul(b, b), self.bits)
                } else if !b.is_positive() {
                    Self::new(qmul(b, b), qmul(a, a), self.bits)
                } else {
                    Self::new(
                        <Q as Zero>::zero(),
                        cmp_max(qmul(a, a), qmul(b, b)),
                        self.bits,
                    )
                }
            }
            None => self.clone(),
        }
    }
}

impl Field for RatInterval {}

// ---------------------------------------------------------------------------------------------
// Point enclosures of the elementary functions. Series are summed in fixed point (integers `M`
// standing for `M·2^-f`), every term bounded below and above with the rounding in the safe
// direction; all terms are taken nonnegative and signs are applied to whole sums. No gcd of long
// rationals is computed. Each bound adds the series remainder; for the trigonometric functions the
// argument is first rounded to a dyadic within `δ`, which adds `δ` (they are 1-Lipschitz).

/// Fixed-point arithmetic on nonnegative integers `M` standing for `M·2^-f`.
mod fixed {
    use super::Q;
    use num_bigint::BigInt;
    use num_traits::{One, Zero};

    /// `floor(q·2^f)` or `ceil(q·2^f)`.
    pub fn from_q(q: &Q, f: u32, up: bool) -> BigInt {
        let v = q * Q::from_integer(BigInt::one() << f);
        if up { v.ceil() } else { v.floor() }.to_integer()
    }

    pub fn to_q(a: &BigInt, f: u32) -> Q {
        Q::new(a.clone(), BigInt::one() << f)
    }

    /// `a·b` for nonnegative a, b.
    pub fn mul(a: &BigInt, b: &BigInt, f: u32, up: bool) -> BigInt {
        let p = a * b;
        if up {
            (p + ((BigInt::one() << f) - 1)) >> f
        } else {
            p >> f
        }
    }

    /// `a/d` for nonnegative a and d > 0.
    pub fn div(a: &BigInt, d: i64, up: bool) -> BigInt {
        let d = BigInt::from(d);
        let (q, r) = (a / &d, a % &d);
        if up && !r.is_zero() {
            q + 1
        } else {
            q
        }
    }
}

fn q_frac_i(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

/// Lower and upper bounds of `Σ_j t_j` for nonnegative terms `t_0 = first`,
/// `t_{j+1} = t_j · ratio / div(j)`, summed while `t_j >= 2^-(f-2)`, with `f` fractional bits;
/// also an upper bound of the first omitted term. Terms alternate in sign when `alternate`: then
/// the odd-indexed ones are subtracted.
fn series(first: &Q, ratio: &Q, div: impl Fn(i64) -> i64, f: u32, alternate: bool) -> (Q, Q, Q) {
    let (r_lo, r_hi) = (
        fixed::from_q(ratio, f, false),
        fixed::from_q(ratio, f, true),
    );
    let mut lo_t = fixed::from_q(first, f, false);
    let mut hi_t = fixed::from_q(first, f, true);
    let (mut pos_lo, mut pos_hi, mut neg_lo, mut neg_hi) = (
        BigInt::zero(),
        BigInt::zero(),
        BigInt::zero(),
        BigInt::zero(),
    );
    let eps = BigInt::from(4);
    let mut j: i64 = 0;
    while (hi_t >= eps || j < 4) && j < 100_000 {
        if alternate && j % 2 == 1 {
            neg_lo += &lo_t;
            neg_hi += &hi_t;
        } else {
            pos_lo += &lo_t;
            pos_hi += &hi_t;
        }
        lo_t = fixed::div(&fixed::mul(&lo_t, &r_lo, f, false), div(j), false);
        hi_t = fixed::div(&fixed::mul(&hi_t, &r_hi, f, true), div(j), true);
        j += 1;
    }
    let lo = fixed::to_q(&(pos_lo - neg_hi), f);
    let hi = fixed::to_q(&(pos_hi - neg_lo), f);
    (lo, hi, fixed::to_q(&hi_t, f))
}

/// Bounds on `atanh(z)` for `|z| <= 1/2`, to about `bits` fractional bits:
/// `atanh z = Σ z^(2j+1)/(2j+1)`, remainder after `n` terms `<= |z|^(2n+1)/((2n+1)(1 − z²))`.
fn atanh_series(z: &Q, bits: u32) -> (Q, Q) {
    let f = bits + 16;
    let a = z.abs();
    let (a_lo, a_hi) = (fixed::from_q(&a, f, false), fixed::from_q(&a, f, true));
    let z2_lo = fixed::mul(&a_lo, &a_lo, f, false);
    let z2_hi = fixed::mul(&a_hi, &a_hi, f, true);
    let (mut lo_p, mut hi_p) = (a_lo, a_hi);
    let (mut lo, mut hi) = (BigInt::zero(), BigInt::zero());
    let eps = BigInt::from(4);
    let mut j: i64 = 0;
    while hi_p >= eps {
        lo += fixed::div(&lo_p, 2 * j + 1, false);
        hi += fixed::div(&hi_p, 2 * j + 1, true);
        lo_p = fixed::mul(&lo_p, &z2_lo, f, false);
        hi_p = fixed::mul(&hi_p, &z2_hi, f, true);
        j += 1;
    }
    let a2 = fixed::to_q(&z2_hi, f);
    let rem = fixed::to_q(&hi_p, f) / (q_int(2 * j + 1) * (<Q as One>::one() - a2));
    let (lo, hi) = (fixed::to_q(&lo, f), fixed::to_q(&hi, f) + rem);
    let (lo, hi) = if z.is_negative() {
        (-hi, -lo)
    } else {
        (lo, hi)
    };
    (
        round_abs(&lo, bits + 8, false),
        round_abs(&hi, bits + 8, true),
    )
}

fn cached(
    table: &'static OnceLock<Mutex<BTreeMap<u32, (Q, Q)>>>,
    bits: u32,
    compute: impl Fn(u32) -> (Q, Q),
) -> (Q, Q) {
    let cache = table.get_or_init(|| Mutex::new(BTreeMap::new()));
    if let Ok(c) = cache.lock() {
        if let Some(v) = c.range(bits..).next() {
            return v.1.clone();
        }
    }
    let v = compute(bits);
    if let Ok(mut c) = cache.lock() {
        c.insert(bits, v.clone());
    }
    v
}

/// Bounds on ln 2 = 2 atanh(1/3), with about `bits` fractional bits (cached).
fn ln2_bounds(bits: u32) -> (Q, Q) {
    static CACHE: OnceLock<Mutex<BTreeMap<u32, (Q, Q)>>> = OnceLock::new();
    cached(&CACHE, bits, |b| {
        let (lo, hi) = atanh_series(&q_frac_i(1, 3), b + 2);
        (q_int(2) * lo, q_int(2) * hi)
    })
}

fn ln_point(x: &Q, bits: u32, up: bool) -> Q {
    // x = 2^k y with y in [2/3, 4/3]: then |z| = |y-1|/(y+1) <= 1/5 and ln x = k ln 2 + 2 atanh z.
    let mut k: i64 = x.numer().bits() as i64 - x.denom().bits() as i64;
    let mut y = x * pow2(-k);
    let (lo_y, hi_y) = (q_frac_i(2, 3), q_frac_i(4, 3));
    while y > hi_y {
        y /= q_int(2);
        k += 1;
    }
    while y < lo_y {
        y *= q_int(2);
        k -= 1;
    }
    let z = (&y - <Q as One>::one()) / (&y + <Q as One>::one());
    let (at_lo, at_hi) = atanh_series(&z, bits + 4);
    let (l2lo, l2hi) = ln2_bounds(bits + 8 + (64 - k.unsigned_abs().leading_zeros()));
    let kq = q_int(k);
    let (kl_lo, kl_hi) = if k >= 0 {
        (&kq * l2lo, &kq * l2hi)
    } else {
        (&kq * l2hi, &kq * l2lo)
    };
    let v = if up {
        kl_hi + q_int(2) * at_hi
    } else {
        kl_lo + q_int(2) * at_lo
    };
    round_abs(&v, bits + 4, up)
}

fn exp_point(x: &Q, bits: u32, up: bool) -> Q {
    // x = k ln 2 + r with |r| <= 0.35 + tiny; exp(x) = 2^k exp(r).
    let k_est = (x / q_frac_i(693, 1000))
        .round()
        .to_integer()
        .to_i64()
        .unwrap_or(0);
    let fb = bits + 16 + (64 - k_est.unsigned_abs().leading_zeros());
    let (l2lo, l2hi) = ln2_bounds(fb + 8);
    let k = (x / &l2lo).round().to_integer().to_i64().unwrap_or(0);
    let kq = q_int(k);
    let (rlo, rhi) = if k >= 0 {
        (x - &kq * &l2hi, x - &kq * &l2lo)
    } else {
        (x - &kq * &l2lo, x - &kq * &l2hi)
    };
    let r = if up { rhi } else { rlo };
    // exp(|r|) = Σ |r|^n/n!; the Taylor remainder is <= 2·(first omitted term) for |r| <= 1/2.
    let (lo, hi, next) = series(&<Q as One>::one(), &r.abs(), |j| j + 1, fb + 8, false);
    let (e_lo, e_hi) = (lo, hi + q_int(2) * next);
    // exp(r) = 1/exp(|r|) for r < 0.
    let (v_lo, v_hi) = if r.is_negative() {
        (e_hi.recip(), e_lo.recip())
    } else {
        (e_lo, e_hi)
    };
    let v = if up { v_hi } else { v_lo };
    round_rel(&(v * pow2(k)), bits + 4, up)
}

/// Bounds on π with about `bits` fractional bits (Machin's formula, cached).
fn pi_bounds(bits: u32) -> (Q, Q) {
    static CACHE: OnceLock<Mutex<BTreeMap<u32, (Q, Q)>>> = OnceLock::new();
    cached(&CACHE, bits, |bits| {
        let f = bits + 24;
        // atan(1/n) = Σ (−1)^j n^-(2j+1)/(2j+1): alternating with decreasing terms, so the error of a
        // partial sum is below the first omitted term.
        let atan = |n: i64| -> (Q, Q) {
            let inv2 = q_frac_i(1, n * n);
            let (mut lo_p, mut hi_p) = (
                fixed::from_q(&q_frac_i(1, n), f, false),
                fixed::from_q(&q_frac_i(1, n), f, true),
            );
            let (r_lo, r_hi) = (
                fixed::from_q(&inv2, f, false),
                fixed::from_q(&inv2, f, true),
            );
            let (mut pos_lo, mut pos_hi, mut neg_lo, mut neg_hi) = (
                BigInt::zero(),
                BigInt::zero(),
                BigInt::zero(),
                BigInt::zero(),
            );
            let mut j: i64 = 0;
            while hi_p >= BigInt::from(4) {
                let (tl, th) = (
                    fixed::div(&lo_p, 2 * j + 1, false),
                    fixed::div(&hi_p, 2 * j + 1, true),
                );
                if j % 2 == 0 {
                    pos_lo += tl;
                    pos_hi += th;
                } else {
                    neg_lo += tl;
                    neg_hi += th;
                }
                lo_p = fixed::mul(&lo_p, &r_lo, f, false);
                hi_p = fixed::mul(&hi_p, &r_hi, f, true);
                j += 1;
            }
            let omitted = fixed::to_q(&hi_p, f);
            (
                fixed::to_q(&(pos_lo - neg_hi), f) - &omitted,
                fixed::to_q(&(pos_hi - neg_lo), f) + omitted,
            )
        };
        let (a_lo, a_hi) = atan(5);
        let (b_lo, b_hi) = atan(239);
        (
            round_abs(&(q_int(16) * a_lo - q_int(4) * b_hi), bits + 16, false),
            round_abs(&(q_int(16) * a_hi - q_int(4) * b_lo), bits + 16, true),
        )
    })
}

/// Taylor bounds for cos (`sine = false`) or sin of a rational with |x| <= 4.
fn trig_taylor(x: &Q, bits: u32, sine: bool) -> (Q, Q) {
    let fb = bits + 16;
    let (xr, delta) = dyadic_near(x, fb);
    let x2 = &xr * &xr;
    // |terms| t_j = |x|^(2j+s)/(2j+s)!, s = 0 (cos) or 1 (sin); the signs alternate. The Lagrange
    // remainder after the summed terms is at most the first omitted |term|.
    let s: i64 = if sine { 1 } else { 0 };
    let first = if sine { xr.abs() } else { <Q as One>::one() };
    let (lo, hi, next) = series(
        &first,
        &x2,
        |j| (2 * j + s + 1) * (2 * j + s + 2),
        fb + 8,
        true,
    );
    let r = next + delta;
    let (mut lo, mut hi) = (lo - &r, hi + &r);
    if sine && xr.is_negative() {
        (lo, hi) = (-hi, -lo);
    }
    (round_abs(&lo, fb, false), round_abs(&hi, fb, true))
}

/// `x` rounded down at `fb + 4` fractional bits, and the bound `δ` on the change.
fn dyadic_near(x: &Q, fb: u32) -> (Q, Q) {
    let xr = round_abs(x, fb + 4, false);
    (xr, pow2(-(fb as i64) - 4))
}

/// Bounds on cos or sin of a rational point.
fn trig_point(x: &Q, bits: u32, sine: bool) -> (Q, Q) {
    let four = q_int(4);
    if x.abs() <= four {
        return trig_taylor(x, bits, sine);
    }
    // Reduce: x = 2πk + r, r enclosed in a short interval; evaluate the interval function there.
    let (pl, ph) = pi_bounds(bits + 32 + (x.abs().to_integer().bits() as u32));
    let k = (x / (q_int(2) * &pl)).round().to_integer();
    let kq = Q::from_integer(k.clone());
    let (r_lo, r_hi) = if k.is_negative() {
        (x - q_int(2) * &kq * &pl, x - q_int(2) * &kq * &ph)
    } else {
        (x - q_int(2) * &kq * &ph, x - q_int(2) * &kq * &pl)
    };
    let r = RatInterval::new(r_lo, r_hi, bits);
    let v = if sine { r.trig(true) } else { r.trig(false) };
    match v.b {
        Some(b) => b,
        None => (q_int(-1), q_int(1)),
    }
}

impl RatInterval {
    /// Interval cos (`sine = false`) or sin.
    fn trig(&self, sine: bool) -> Self {
        let (a, b) = match &self.b {
            Some(v) => v.clone(),
            None => return self.clone(),
        };
        let bits = self.bits;
        let (pl, ph) = pi_bounds(bits + 32);
        // Critical points: cos at kπ (value (-1)^k), sin at (k + 1/2)π (value (-1)^k).
        let half = if sine {
            Q::new(BigInt::one(), BigInt::from(2))
        } else {
            <Q as Zero>::zero()
        };
        let t_lo = if a.is_negative() { &a / &pl } else { &a / &ph } - &half;
        let t_hi = if b.is_negative() { &b / &ph } else { &b / &pl } - &half;
        let k_lo = t_lo.ceil().to_integer();
        let k_hi = t_hi.floor().to_integer();
        let (has_max, has_min) = if k_lo > k_hi {
            (false, false)
        } else if &k_hi - &k_lo >= BigInt::one() {
            (true, true)
        } else {
            let even = (&k_lo % BigInt::from(2)).is_zero();
            (even, !even)
        };
        if (&b - &a) > q_int(7) {
            return Self::new(q_int(-1), q_int(1), bits);
        }
        let (fa_lo, fa_hi) = trig_point(&a, bits, sine);
        let (fb_lo, fb_hi) = trig_point(&b, bits, sine);
        let lo = if has_min {
            q_int(-1)
        } else {
            cmp_min(fa_lo, fb_lo)
        };
        let hi = if has_max {
            q_int(1)
        } else {
            cmp_max(fa_hi, fb_hi)
        };
        Self::new(cmp_max(lo, q_int(-1)), cmp_min(hi, q_int(1)), bits)
    }
}

/// A bound on `acos x` for rational `x ∈ [−1, 1]`: an MPFR guess `g`, moved by `δ` and proved by
/// the enclosures of cos (decreasing on `[0, π]`): `cos a >= x` gives `acos x >= a`, `cos b <= x`
/// gives `acos x <= b`. `δ` starts at `2^-(bits+4)` and grows where the slope `sin(acos x)` is
/// small (near ±1); when no proof is found the bound is `0` or `π` (still valid).
fn acos_point(x: &Q, bits: u32, up: bool) -> Q {
    let (pl, ph) = pi_bounds(bits + 8);
    if x.is_one() {
        return <Q as Zero>::zero();
    }
    if *x == -<Q as One>::one() {
        return if up { ph } else { pl };
    }
    let prec = bits + 48;
    let guess = rug::Float::with_val(prec, super::exact::rug_from_q(x)).acos();
    let Some(g) = super::exact::q_from_float(&guess) else {
        return if up { ph } else { <Q as Zero>::zero() };
    };
    let mut delta = pow2(-(bits as i64) - 4);
    for _ in 0..=(bits / 4 + 2) {
        if up {
            let b = round_abs(&(g.clone() + &delta), bits + 8, true);
            if b >= ph || (!b.is_negative() && trig_point(&b, prec, false).1 <= *x) {
                return b;
            }
        } else {
            let a = round_abs(&(g.clone() - &delta), bits + 8, false);
            if a.is_negative() {
                return <Q as Zero>::zero();
            }
            if a <= pl && trig_point(&a, prec, false).0 >= *x {
                return a;
            }
        }
        delta *= q_int(16);
    }
    if up {
        ph
    } else {
        <Q as Zero>::zero()
    }
}

fn sqrt_point(x: &Q, bits: u32, up: bool) -> Q {
    // floor/ceil of sqrt(x 4^k) / 2^k.
    let k = bits as i64 + 2;
    let scaled = x * pow2(2 * k);
    let n = if up { scaled.ceil() } else { scaled.floor() }.to_integer();
    let r = n.sqrt();
    let r = if up && &r * &r < n { r + 1 } else { r };
    Q::from_integer(r) * pow2(-k)
}

impl Elementary for RatInterval {
    fn sqrt(&self) -> Self {
        match &self.b {
            Some((a, _)) if !a.is_negative() => self.monotone(|x, up| sqrt_point(x, self.bits, up)),
            _ => Self::invalid(self.bits),
        }
    }
    fn ln(&self) -> Self {
        match &self.b {
            Some((a, _)) if a.is_positive() => self.monotone(|x, up| ln_point(x, self.bits, up)),
            _ => Self::invalid(self.bits),
        }
    }
    fn exp(&self) -> Self {
        if let Some((a, b)) = &self.b {
            // Guard against absurd magnitudes (the kernel never needs them).
            if a.abs() > q_int(1 << 20) || b.abs() > q_int(1 << 20) {
                return Self::invalid(self.bits);
            }
        }
        self.monotone(|x, up| exp_point(x, self.bits, up))
    }
    fn cos(&self) -> Self {
        self.trig(false)
    }
    fn sin(&self) -> Self {
        self.trig(true)
    }
    fn acosh(&self) -> Self {
        match &self.b {
            Some((a, _)) if *a >= <Q as One>::one() => self.monotone(|x, up| {
                let bits = self.bits + 8;
                let x2m1 = x * x - <Q as One>::one();
                let s = sqrt_point(&x2m1, bits, up);
                ln_point(&(x + s), bits, up)
            }),
            _ => Self::invalid(self.bits),
        }
    }
    fn acos(&self) -> Self {
        match &self.b {
            Some((a, b)) if *a >= -<Q as One>::one() && *b <= <Q as One>::one() => Self::new(
                acos_point(b, self.bits, false),
                acos_point(a, self.bits, true),
                self.bits,
            ),
            _ => Self::invalid(self.bits),
        }
    }
    fn pi(&self) -> Self {
        let (lo, hi) = pi_bounds(self.bits + 8);
        Self::new(lo, hi, self.bits)
    }
    fn tanh(&self) -> Self {
        if let Some((a, b)) = &self.b {
            if a.abs() > q_int(1 << 20) || b.abs() > q_int(1 << 20) {
                return Self::invalid(self.bits);
            }
        }
        // tanh x = (E − 1)/(E + 1) with E = e^{2x}, increasing in E: bound E in the same direction.
        self.monotone(|x, up| {
            let e = exp_point(&(x * q_int(2)), self.bits + 8, up);
            round_rel(&((&e - q_int(1)) / (e + q_int(1))), self.bits + 4, up)
        })
    }
}

impl Enclosure for RatInterval {
    fn bounds(&self) -> Option<(Q, Q)> {
        self.b.clone()
    }
    fn from_bounds(&self, lo: &Q, hi: &Q) -> Self {
        Self::new(lo.clone(), hi.clone(), self.bits)
    }
    fn hull(&self, o: &Self) -> Self {
        self.map2(o, |a, b, c, d| {
            (cmp_min(a.clone(), c.clone()), cmp_max(b.clone(), d.clone()))
        })
    }
    fn midpoint(&self) -> Self {
        match &self.b {
            Some((a, b)) => Self::point((a + b) / q_int(2), self.bits),
            None => self.clone(),
        }
    }
    fn abs(&self) -> Self {
        match &self.b {
            Some((a, b)) => {
                if !a.is_negative() {
                    self.clone()
                } else if !b.is_positive() {
                    -self.clone()
                } else {
                    Self::new(
                        <Q as Zero>::zero(),
                        cmp_max(-a.clone(), b.clone()),
                        self.bits,
                    )
                }
            }
            None => self.clone(),
        }
    }
    fn widen(&self, r: f64) -> Self {
        match (&self.b, super::exact::q_from_f64(r.abs())) {
            (Some((a, b)), Some(w)) => Self::new(qsub(a, &w), qadd(b, &w), self.bits),
            _ => Self::invalid(self.bits),
        }
    }
    fn mid_f64(&self) -> f64 {
        match &self.b {
            Some((a, b)) => ((a + b) / q_int(2)).to_f64().unwrap_or(f64::NAN),
            None => f64::NAN,
        }
    }
    fn width_f64(&self) -> f64 {
        match &self.b {
            Some((a, b)) => (b - a).to_f64().unwrap_or(f64::INFINITY),
            None => f64::INFINITY,
        }
    }
    fn lt(&self, o: &Self) -> Tri {
        match (&self.b, &o.b) {
            (Some((a, b)), Some((c, d))) => {
                if qcmp(b, c).is_lt() {
                    Tri::True
                } else if qcmp(a, d).is_ge() {
                    Tri::False
                } else {
                    Tri::Unknown
                }
            }
            _ => Tri::Unknown,
        }
    }
    fn subset(&self, o: &Self) -> bool {
        match (&self.b, &o.b) {
            (Some((a, b)), Some((c, d))) => qcmp(c, a).is_le() && qcmp(b, d).is_le(),
            _ => false,
        }
    }
    fn interior(&self, o: &Self) -> bool {
        match (&self.b, &o.b) {
            (Some((a, b)), Some((c, d))) => qcmp(c, a).is_lt() && qcmp(b, d).is_lt(),
            _ => false,
        }
    }
    fn disjoint(&self, o: &Self) -> bool {
        match (&self.b, &o.b) {
            (Some((a, b)), Some((c, d))) => qcmp(b, c).is_lt() || qcmp(d, a).is_lt(),
            _ => false,
        }
    }
}

impl Arith for RatInterval {
    fn arith_name(&self) -> String {
        format!("rational:{}", self.bits)
    }
    fn precision(&self) -> u32 {
        self.bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::exact::{parse_q, q_frac};
    use crate::arith::MpfrInterval;

    /// `r` must contain the 400-bit MPFR enclosure of the same function value.
    fn agrees(r: &RatInterval, m: &MpfrInterval) {
        let (a, b) = r.bounds().expect("bounded");
        let (c, d) = m.bounds().expect("bounded");
        assert!(a <= c && d <= b, "{r:?} does not contain {m:?}");
        let scale = r.mid_f64().abs().max(1.0);
        assert!(r.width_f64() < 1e-28 * scale, "too wide: {r:?}");
    }

    #[test]
    fn functions_enclose_mpfr_values() {
        let one = RatInterval::unit(100);
        let m1 = MpfrInterval::unit(400);
        for q in [
            q_frac(1, 3),
            q_int(1),
            q_int(2),
            q_frac(7, 5),
            q_frac(-5, 2),
            q_int(100),
            q_frac(1, 1000),
        ] {
            let r = one.constant(&q);
            let m = m1.constant(&q);
            agrees(&r.cos(), &m.cos());
            agrees(&r.sin(), &m.sin());
            agrees(&r.exp(), &m.exp());
            if q > Q::zero() {
                agrees(&r.ln(), &m.ln());
                agrees(&r.sqrt(), &m.sqrt());
            }
            if q >= Q::one() {
                agrees(&r.acosh(), &m.acosh());
            }
        }
        agrees(&one.pi(), &m1.pi());
        assert!(one.constant(&q_frac(-7, 3)).ln().bounds().is_none());
        assert!(one.constant(&q_frac(1, 2)).acosh().bounds().is_none());
    }

    #[test]
    fn interval_trig_finds_extrema() {
        let contains = |x: &RatInterval, v: &str| x.contains_q(&parse_q(v).unwrap());
        let x = RatInterval::new(q_int(3), q_frac(33, 10), 80);
        assert!(contains(&x.cos(), "-1"));
        let y = RatInterval::new(q_int(1), q_int(2), 80);
        assert!(contains(&y.sin(), "1"));
        assert!(!contains(&y.cos(), "0.6"));
    }
}
