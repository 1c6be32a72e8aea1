//! `f64`: the fast estimate. It runs the same generic code as the enclosing types, but it proves
//! nothing: its [`Enclosure`] comparisons are always [`Tri::Unknown`], so no verdict can rest on it.

use super::exact::{q_to_f64, Q};
use super::{Arith, Elementary, Enclosure, Field, Ring, Tri};

impl Ring for f64 {
    fn constant(&self, q: &Q) -> Self {
        q_to_f64(q)
    }
    fn sqr(&self) -> Self {
        self * self
    }
    fn int(&self, n: i64) -> Self {
        n as f64
    }
}

impl Field for f64 {}

impl Elementary for f64 {
    fn sqrt(&self) -> Self {
        f64::sqrt(*self)
    }
    fn ln(&self) -> Self {
        f64::ln(*self)
    }
    fn exp(&self) -> Self {
        f64::exp(*self)
    }
    fn cos(&self) -> Self {
        f64::cos(*self)
    }
    fn sin(&self) -> Self {
        f64::sin(*self)
    }
    fn acosh(&self) -> Self {
        f64::acosh(*self)
    }
    fn acos(&self) -> Self {
        f64::acos(*self)
    }
    fn tanh(&self) -> Self {
        f64::tanh(*self)
    }
    fn pi(&self) -> Self {
        std::f64::consts::PI
    }
}

impl Enclosure for f64 {
    fn bounds(&self) -> Option<(Q, Q)> {
        None
    }
    fn from_bounds(&self, lo: &Q, hi: &Q) -> Self {
        (q_to_f64(lo) + q_to_f64(hi)) / 2.0
    }
    fn hull(&self, other: &Self) -> Self {
        (self + other) / 2.0
    }
    fn midpoint(&self) -> Self {
        *self
    }
    fn widen(&self, _: f64) -> Self {
        *self
    }
    fn abs(&self) -> Self {
        f64::abs(*self)
    }
    fn mid_f64(&self) -> f64 {
        *self
    }
    fn width_f64(&self) -> f64 {
        0.0
    }
    fn lt(&self, _: &Self) -> Tri {
        Tri::Unknown
    }
    fn subset(&self, _: &Self) -> bool {
        false
    }
    fn interior(&self, _: &Self) -> bool {
        false
    }
    fn disjoint(&self, _: &Self) -> bool {
        false
    }
    fn contains_q(&self, _: &Q) -> bool {
        false
    }
}

impl Arith for f64 {
    fn arith_name(&self) -> String {
        "f64".into()
    }
    fn precision(&self) -> u32 {
        53
    }
}
