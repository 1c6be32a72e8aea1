//! Exact rationals: the ring and field operations hold with no rounding at all. Polynomial dynamics
//! run in them exactly; comparisons are the ordinary exact order of `Q`.

use super::exact::Q;
use super::{Field, Ring};

impl Ring for Q {
    fn constant(&self, q: &Q) -> Self {
        q.clone()
    }
    fn sqr(&self) -> Self {
        self * self
    }
}

impl Field for Q {}
