//! Interval matrices in midpoint-radius form, and products with rigorous error bounds.
//!
//! An `IMat` stands for every real matrix `X` with `|X − M| ≤ R` entrywise. Products never loop
//! over entries in interval arithmetic: they are a few floating-point matrix products (faer GEMM,
//! sequential, hence deterministic) plus a priori bounds on their rounding errors (Higham, *Accuracy
//! and Stability of Numerical Algorithms*, §3.5; Rump, *Fast and parallel interval arithmetic*,
//! BIT 39, 1999). For `A = ⟨A_m, A_r⟩`, `B = ⟨B_m, B_r⟩` with inner dimension `k`:
//!
//! * every `XY` with `X ∈ A`, `Y ∈ B` satisfies `|XY − A_m B_m| ≤ |A_m| B_r + A_r(|B_m| + B_r)`;
//! * the computed `C_m = fl(A_m B_m)` satisfies `|C_m − A_m B_m| ≤ γ_k |A_m||B_m| + k·η`, with
//!   `γ_k = k u/(1 − k u)`, `u = 2^-53`, and `η = 2^-1074` for underflow, whatever the order of
//!   summation and whether fused multiply-adds are used;
//! * a product of nonnegative matrices computed in round-to-nearest is at least `(1 − γ_k)` times
//!   the exact one (minus `k·η`), so dividing by `1 − γ_k` gives an upper bound.
//!
//! Every bound computed in floating point is finally scaled by `1 + 2^-45`, which covers the few
//! roundings of the bound itself.

use faer::Mat;

/// Unit roundoff of binary64.
pub const U: f64 = 1.0 / 9_007_199_254_740_992.0; // 2^-53
const ETA: f64 = f64::from_bits(1); // 2^-1074, the smallest subnormal
const SAFE: f64 = 1.0 + 1.0 / 35_184_372_088_832.0; // 1 + 2^-45

/// `γ_k = k u/(1 − k u)`, rounded up generously.
pub fn gamma(k: usize) -> f64 {
    let ku = (k as f64 + 2.0) * U;
    ku / (1.0 - ku) * SAFE
}

/// An interval matrix `⟨mid, rad⟩`.
#[derive(Clone, Debug)]
pub struct IMat {
    pub mid: Mat<f64>,
    pub rad: Mat<f64>,
}

/// `a·b` in floating point. The product is split between threads by blocks of the output, never
/// along the inner dimension, so every entry is summed in the same order whatever the number of
/// threads: the results are bitwise identical to a sequential run (tested).
pub fn gemm(a: &Mat<f64>, b: &Mat<f64>) -> Mat<f64> {
    let mut c = Mat::<f64>::zeros(a.nrows(), b.ncols());
    let par = if a.nrows() * b.ncols() * a.ncols() >= 1 << 21 {
        faer::Par::rayon(0)
    } else {
        faer::Par::Seq
    };
    faer::linalg::matmul::matmul(
        c.as_mut(),
        faer::Accum::Replace,
        a.as_ref(),
        b.as_ref(),
        1.0,
        par,
    );
    c
}

fn abs(m: &Mat<f64>) -> Mat<f64> {
    Mat::from_fn(m.nrows(), m.ncols(), |i, j| m[(i, j)].abs())
}

fn is_zero(m: &Mat<f64>) -> bool {
    (0..m.ncols()).all(|j| (0..m.nrows()).all(|i| m[(i, j)] == 0.0))
}

impl IMat {
    pub fn point(mid: Mat<f64>) -> Self {
        let rad = Mat::zeros(mid.nrows(), mid.ncols());
        IMat { mid, rad }
    }

    pub fn from_mid_rad(rows: usize, cols: usize, mid: &[f64], rad: &[f64]) -> Self {
        IMat {
            mid: Mat::from_fn(rows, cols, |i, j| mid[i * cols + j]),
            rad: Mat::from_fn(rows, cols, |i, j| rad[i * cols + j]),
        }
    }

    pub fn nrows(&self) -> usize {
        self.mid.nrows()
    }

    pub fn ncols(&self) -> usize {
        self.mid.ncols()
    }

    pub fn transpose(&self) -> Self {
        IMat {
            mid: self.mid.transpose().to_owned(),
            rad: self.rad.transpose().to_owned(),
        }
    }

    /// Whether every midpoint and radius is finite.
    pub fn is_finite(&self) -> bool {
        let fin =
            |m: &Mat<f64>| (0..m.ncols()).all(|j| (0..m.nrows()).all(|i| m[(i, j)].is_finite()));
        fin(&self.mid) && fin(&self.rad)
    }

    /// An enclosure of `{XY : X ∈ self, Y ∈ other}`.
    pub fn mul(&self, other: &IMat) -> IMat {
        let k = self.ncols();
        let mid = gemm(&self.mid, &other.mid);
        let am = abs(&self.mid);
        let bm = abs(&other.mid);
        let s1 = gemm(&am, &bm);
        let g = gamma(k);
        let lower = 1.0 - gamma(2 * k + 2);
        let mut rad = Mat::from_fn(mid.nrows(), mid.ncols(), |i, j| {
            (g * (s1[(i, j)] + k as f64 * ETA) / lower + 2.0 * k as f64 * ETA) * SAFE
        });
        let (ar0, br0) = (is_zero(&self.rad), is_zero(&other.rad));
        if !(ar0 && br0) {
            // |A_m| B_r + A_r (|B_m| + B_r), each a product of nonnegative matrices.
            let mut extra = Mat::<f64>::zeros(mid.nrows(), mid.ncols());
            if !br0 {
                extra += gemm(&am, &other.rad);
            }
            if !ar0 {
                let bsum = Mat::from_fn(bm.nrows(), bm.ncols(), |i, j| {
                    (bm[(i, j)] + other.rad[(i, j)]) * SAFE
                });
                extra += gemm(&self.rad, &bsum);
            }
            for j in 0..rad.ncols() {
                for i in 0..rad.nrows() {
                    rad[(i, j)] =
                        (rad[(i, j)] + (extra[(i, j)] + 2.0 * k as f64 * ETA) / lower) * SAFE;
                }
            }
        }
        IMat { mid, rad }
    }

    /// A midpoint-radius matrix enclosing the binary64 entry intervals `[lo, hi]` (row-major);
    /// `None` when an entry is not finite.
    pub fn enclosing(rows: usize, cols: usize, entries: &[(f64, f64)]) -> Option<IMat> {
        let mut mid = Vec::with_capacity(entries.len());
        let mut rad = Vec::with_capacity(entries.len());
        for &(lo, hi) in entries {
            // Each difference is exact to within U relative (round to nearest); SAFE covers it.
            let m = 0.5 * lo + 0.5 * hi;
            mid.push(m);
            rad.push(((hi - m).max(m - lo) * (1.0 + 2.0 * U) + ETA) * SAFE);
        }
        let out = IMat::from_mid_rad(rows, cols, &mid, &rad);
        out.is_finite().then_some(out)
    }

    /// Upper bounds of the row sums of `|X|` over `X` in `self`.
    pub fn abs_row_sums_upper(&self) -> Vec<f64> {
        let a = self.abs_upper();
        let inflate = (1.0 + (self.ncols() as f64 + 2.0) * 2.0 * U) * SAFE;
        (0..self.nrows())
            .map(|i| (0..self.ncols()).map(|j| a[(i, j)]).sum::<f64>() * inflate)
            .collect()
    }

    /// `self − t·I` for a point `t`.
    pub fn shift_diagonal(&self, t: f64) -> IMat {
        let mut out = self.clone();
        for i in 0..self.nrows().min(self.ncols()) {
            let m = self.mid[(i, i)] - t;
            out.mid[(i, i)] = m;
            out.rad[(i, i)] = (self.rad[(i, i)] + U * m.abs() + ETA) * SAFE;
        }
        out
    }

    /// Entrywise upper bounds of `|X|` for `X` in `self`.
    pub fn abs_upper(&self) -> Mat<f64> {
        Mat::from_fn(self.nrows(), self.ncols(), |i, j| {
            (self.mid[(i, j)].abs() + self.rad[(i, j)]) * SAFE
        })
    }

    /// An upper bound of `‖X‖₂` over `X` in `self`: `‖X‖₂ <= ‖|X|‖₂ <= ‖M‖₂` for the entrywise bound `M`,
    /// and `‖M‖₂ <= min(‖M‖_F, sqrt(‖M‖_1 ‖M‖_∞))`.
    pub fn norm2_upper(&self) -> f64 {
        norm2_upper_nonneg(&self.abs_upper())
    }
}

/// An upper bound of the spectral norm of a nonnegative matrix.
pub fn norm2_upper_nonneg(m: &Mat<f64>) -> f64 {
    let (r, c) = (m.nrows(), m.ncols());
    let n_terms = (r * c + c + r + 4) as f64;
    let inflate = (1.0 + n_terms * 2.0 * U) * SAFE;
    let mut fro = 0.0;
    let mut row_sums = vec![0f64; r];
    let mut col_sums = vec![0f64; c];
    // Column by column: faer matrices are column-major.
    for (j, cs) in col_sums.iter_mut().enumerate() {
        let col = m.col(j);
        for (i, rs) in row_sums.iter_mut().enumerate() {
            let v = col[i];
            fro += v * v;
            *rs += v;
            *cs += v;
        }
    }
    let row_max = row_sums.into_iter().fold(0f64, f64::max);
    let col_max = col_sums.into_iter().fold(0f64, f64::max);
    let fro = (fro * inflate).sqrt() * SAFE;
    let mixed = (row_max * inflate * col_max * inflate).sqrt() * SAFE;
    fro.min(mixed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::exact::q_from_f64;
    use crate::arith::Q;
    use num_traits::Zero;

    #[test]
    fn threaded_products_are_bitwise_sequential() {
        for n in [37usize, 150, 257] {
            let a = Mat::from_fn(n, n, |i, j| {
                ((i * 131 + j * 71) % 97) as f64 / 7.0 - 6.0 + 1e-9 * (i as f64).sin()
            });
            let b = Mat::from_fn(n, n, |i, j| {
                ((i * 17 + j * 29) % 89) as f64 / 3.0 - 13.0 + 1e-7 * (j as f64).cos()
            });
            let mut seq = Mat::<f64>::zeros(n, n);
            faer::linalg::matmul::matmul(
                seq.as_mut(),
                faer::Accum::Replace,
                a.as_ref(),
                b.as_ref(),
                1.0,
                faer::Par::Seq,
            );
            for threads in [2, 3, 4] {
                let mut par = Mat::<f64>::zeros(n, n);
                faer::linalg::matmul::matmul(
                    par.as_mut(),
                    faer::Accum::Replace,
                    a.as_ref(),
                    b.as_ref(),
                    1.0,
                    faer::Par::rayon(threads),
                );
                for j in 0..n {
                    for i in 0..n {
                        assert_eq!(
                            seq[(i, j)].to_bits(),
                            par[(i, j)].to_bits(),
                            "n {n} threads {threads} ({i}, {j})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn products_contain_exact_products() {
        let n = 7;
        let mut s: u64 = 3;
        let mut rnd = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 1e3
        };
        let a = Mat::from_fn(n, n, |_, _| rnd());
        let b = Mat::from_fn(n, n, |_, _| rnd());
        let c = IMat::point(a.clone()).mul(&IMat::point(b.clone()));
        for i in 0..n {
            for j in 0..n {
                let mut exact = Q::zero();
                for k in 0..n {
                    exact += q_from_f64(a[(i, k)]).unwrap() * q_from_f64(b[(k, j)]).unwrap();
                }
                let d = exact - q_from_f64(c.mid[(i, j)]).unwrap();
                let d = if d < Q::zero() { -d } else { d };
                assert!(d <= q_from_f64(c.rad[(i, j)]).unwrap());
            }
        }
    }
}
