//! `inari::Interval`: 53-bit enclosures with outward rounding (IEEE 1788), the fast rigorous type.

use super::exact::{q_from_f64, q_to_f64_directed, Q};
use super::{Arith, Elementary, Enclosure, Field, Ring, Tri};
use inari::Interval;

/// The tightest inari interval around `[lo, hi]`.
pub fn interval_from_q(lo: &Q, hi: &Q) -> Interval {
    let a = q_to_f64_directed(lo, false);
    let b = q_to_f64_directed(hi, true);
    Interval::try_from((a, b)).unwrap_or(Interval::ENTIRE)
}

impl Ring for Interval {
    fn constant(&self, q: &Q) -> Self {
        interval_from_q(q, q)
    }
    fn int(&self, n: i64) -> Self {
        let f = n as f64;
        if f as i64 == n && f.abs() < 9.0e15 {
            Interval::try_from((f, f)).unwrap_or(Interval::ENTIRE)
        } else {
            self.constant(&crate::arith::q_int(n))
        }
    }
    fn sqr(&self) -> Self {
        Interval::sqr(*self)
    }
}

impl Field for Interval {
    fn recip(&self) -> Self {
        Interval::recip(*self)
    }
}

/// Outside a function's domain the result must bound nothing (as for the other enclosing types),
/// whereas IEEE 1788 restricts the argument to the domain (`sqrt([-1, 4]) = [0, 2]`). The empty
/// interval bounds nothing and stays empty through every later operation.
fn in_domain(x: &Interval, lo: f64, closed: bool) -> bool {
    !x.is_empty() && if closed { x.inf() >= lo } else { x.inf() > lo }
}

impl Elementary for Interval {
    fn sqrt(&self) -> Self {
        if !in_domain(self, 0.0, true) {
            return Interval::EMPTY;
        }
        Interval::sqrt(*self)
    }
    fn ln(&self) -> Self {
        if !in_domain(self, 0.0, false) {
            return Interval::EMPTY;
        }
        Interval::ln(*self)
    }
    fn exp(&self) -> Self {
        Interval::exp(*self)
    }
    fn cos(&self) -> Self {
        Interval::cos(*self)
    }
    fn sin(&self) -> Self {
        Interval::sin(*self)
    }
    fn acosh(&self) -> Self {
        if !in_domain(self, 1.0, true) {
            return Interval::EMPTY;
        }
        Interval::acosh(*self)
    }
    fn acos(&self) -> Self {
        if !in_domain(self, -1.0, true) || self.sup() > 1.0 {
            return Interval::EMPTY;
        }
        Interval::acos(*self)
    }
    fn pi(&self) -> Self {
        Interval::PI
    }
    fn tanh(&self) -> Self {
        Interval::tanh(*self)
    }
}

impl Enclosure for Interval {
    fn bounds(&self) -> Option<(Q, Q)> {
        if self.is_empty() {
            return None;
        }
        Some((q_from_f64(self.inf())?, q_from_f64(self.sup())?))
    }
    fn from_bounds(&self, lo: &Q, hi: &Q) -> Self {
        interval_from_q(lo, hi)
    }
    fn hull(&self, other: &Self) -> Self {
        // An empty interval here is a result that bounds nothing (out of a domain, x / [0, 0]), not
        // the empty set: the hull with it must bound nothing too, as for the other types.
        if self.is_empty() || other.is_empty() {
            return Interval::EMPTY;
        }
        self.convex_hull(*other)
    }
    fn midpoint(&self) -> Self {
        let m = self.mid();
        Interval::try_from((m, m)).unwrap_or(Interval::ENTIRE)
    }
    fn abs(&self) -> Self {
        Interval::abs(*self)
    }
    fn widen(&self, r: f64) -> Self {
        match Interval::try_from((-r.abs(), r.abs())) {
            Ok(w) => *self + w,
            Err(_) => Interval::ENTIRE,
        }
    }
    fn mid_f64(&self) -> f64 {
        self.mid()
    }
    fn bounds_f64(&self) -> Option<(f64, f64)> {
        (!self.is_empty()).then(|| (self.inf(), self.sup()))
    }
    fn width_f64(&self) -> f64 {
        self.wid()
    }
    fn lt(&self, other: &Self) -> Tri {
        if self.is_empty()
            || other.is_empty()
            || !self.is_common_interval()
            || !other.is_common_interval()
        {
            return Tri::Unknown;
        }
        if self.sup() < other.inf() {
            Tri::True
        } else if self.inf() >= other.sup() {
            Tri::False
        } else {
            Tri::Unknown
        }
    }
    fn subset(&self, other: &Self) -> bool {
        !self.is_empty() && self.is_common_interval() && Interval::subset(*self, *other)
    }
    fn interior(&self, other: &Self) -> bool {
        !self.is_empty()
            && self.is_common_interval()
            && other.is_common_interval()
            && self.inf() > other.inf()
            && self.sup() < other.sup()
    }
    fn disjoint(&self, other: &Self) -> bool {
        !self.is_empty() && !other.is_empty() && Interval::disjoint(*self, *other)
    }
    fn contains_q(&self, q: &Q) -> bool {
        match self.bounds() {
            Some((a, b)) => a <= *q && *q <= b,
            None => false,
        }
    }
}

impl Arith for Interval {
    fn arith_name(&self) -> String {
        "interval".into()
    }
    fn precision(&self) -> u32 {
        53
    }
}
