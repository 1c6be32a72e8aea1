//! Exact rational matrices: the matrix a user gives, entry by entry, exactly.

use crate::arith::exact::{q_from_f64, q_to_f64, q_to_f64_directed, Q};
use num_traits::{Signed, Zero};

/// A dense matrix of exact rationals, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct QMat {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<Q>,
}

impl QMat {
    pub fn new(rows: usize, cols: usize, data: Vec<Q>) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "QMat::new: {rows}x{cols} needs {} entries",
            rows * cols
        );
        QMat { rows, cols, data }
    }

    pub fn from_fn(rows: usize, cols: usize, f: impl Fn(usize, usize) -> Q) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                data.push(f(i, j));
            }
        }
        QMat { rows, cols, data }
    }

    pub fn identity(n: usize) -> Self {
        Self::from_fn(n, n, |i, j| {
            if i == j {
                Q::from_integer(1.into())
            } else {
                Q::zero()
            }
        })
    }

    pub fn get(&self, i: usize, j: usize) -> &Q {
        &self.data[i * self.cols + j]
    }

    pub fn is_square(&self) -> bool {
        self.rows == self.cols
    }

    /// The first `(i, j)` with `a_ij != a_ji`, if any (exact comparison).
    pub fn asymmetry(&self) -> Option<(usize, usize)> {
        if !self.is_square() {
            return Some((0, 0));
        }
        for i in 0..self.rows {
            for j in 0..i {
                if self.get(i, j) != self.get(j, i) {
                    return Some((i, j));
                }
            }
        }
        None
    }

    pub fn transpose(&self) -> Self {
        Self::from_fn(self.cols, self.rows, |i, j| self.get(j, i).clone())
    }

    /// Exact product (for small matrices: tests, reference spectra).
    pub fn mul(&self, o: &QMat) -> QMat {
        assert_eq!(self.cols, o.rows, "QMat::mul: inner dimensions differ");
        QMat::from_fn(self.rows, o.cols, |i, j| {
            let mut s = Q::zero();
            for k in 0..self.cols {
                s += self.get(i, k) * o.get(k, j);
            }
            s
        })
    }

    /// Whether every entry is a binary64 number exactly.
    pub fn is_binary64(&self) -> bool {
        self.data
            .iter()
            .all(|q| q_from_f64(q_to_f64(q)).as_ref() == Some(q))
    }

    /// Midpoints (nearest binary64) and radii (upper bounds of the rounding error), row-major.
    pub fn to_mid_rad(&self) -> (Vec<f64>, Vec<f64>) {
        let mut mid = Vec::with_capacity(self.data.len());
        let mut rad = Vec::with_capacity(self.data.len());
        for q in &self.data {
            let m = q_to_f64(q);
            let r = match q_from_f64(m) {
                Some(mq) if mq == *q => 0.0,
                Some(mq) => q_to_f64_directed(&(mq - q).abs(), true),
                None => f64::INFINITY,
            };
            mid.push(m);
            rad.push(r);
        }
        (mid, rad)
    }

    /// Largest absolute entry, rounded up (for scale checks).
    pub fn max_abs_f64(&self) -> f64 {
        self.data
            .iter()
            .map(|q| q_to_f64_directed(&q.abs(), true))
            .fold(0.0, f64::max)
    }
}
