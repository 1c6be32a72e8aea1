//! The two bounds behind every spectrum enclosure, computed with three floating-point products and
//! single passes over their results:
//!
//! * the residual `R = AV − VΛ̃`: `‖R‖₂` and the column norms `‖rⱼ‖`, from `fl(A_m V)` and the
//!   a priori rounding bound `γ_n |A_m||V|` (a second product, kept because it is entrywise: a graded
//!   matrix then keeps small eigenvalues accurate), plus `A_r|V|` when `A` has radii;
//! * the Gram defect `VᵀV − I`: `‖VᵀV − I‖₂`, from `fl(VᵀV)` and the bound
//!   `(|V|ᵀ|V|)ᵢⱼ ≤ ‖vᵢ‖‖vⱼ‖` (Cauchy–Schwarz) instead of a fourth product; ε enters only the global
//!   radius, and isolated eigenvalues are refined from their column residuals anyway.
//!
//! Rounding: `|fl(Σₖ xₖyₖ) − Σₖ xₖyₖ| ≤ γ_n Σₖ|xₖ||yₖ| + nη` for any order of summation; a product
//! of nonnegative matrices computed in round-to-nearest is at least `(1 − γ_n)` times the exact one
//! minus `nη`; each single operation errs by at most `u|result| + η`. Every bound is scaled by
//! `1 + 2^-45`, which covers the roundings of the bound's own few operations.

use super::imat::{gamma, gemm, norm2_upper_nonneg, IMat, U};
use faer::Mat;

const SAFE: f64 = 1.0 + 1.0 / 35_184_372_088_832.0; // 1 + 2^-45
const ETA: f64 = f64::from_bits(1); // 2^-1074

/// Upper bounds of `‖R‖₂`, of each `‖rⱼ‖₂`, of each `‖vⱼ‖₂`, lower bounds of each `‖vⱼ‖₂`, and of
/// `‖VᵀV − I‖₂`.
pub struct ResidualBounds {
    pub residual_norm: f64,
    pub column_residuals: Vec<f64>,
    pub column_norms_upper: Vec<f64>,
    pub column_norms_lower: Vec<f64>,
    pub orthogonality: f64,
}

fn abs(m: &Mat<f64>) -> Mat<f64> {
    Mat::from_fn(m.nrows(), m.ncols(), |i, j| m[(i, j)].abs())
}

fn has_radius(m: &Mat<f64>) -> bool {
    (0..m.ncols()).any(|j| m.col_as_slice(j).iter().any(|&x| x != 0.0))
}

/// Bounds for `A ∈ a` symmetric, basis `v` (n×n) and values `lam`.
#[allow(clippy::needless_range_loop)] // column-major passes read as the formulas
pub fn residual_bounds(a: &IMat, lam: &[f64], v: &Mat<f64>) -> ResidualBounds {
    let n = v.nrows();
    let g = gamma(n);
    let lower = 1.0 - gamma(n + 2);
    let nf = n as f64;
    let abs_v = abs(v);
    let av = gemm(&a.mid, v);
    let s1 = gemm(&abs(&a.mid), &abs_v);
    let s2 = if has_radius(&a.rad) {
        Some(gemm(&a.rad, &abs_v))
    } else {
        None
    };

    // Residual pass, column by column (faer is column-major).
    let mut bound = Mat::<f64>::zeros(n, n);
    let mut column_residuals = Vec::with_capacity(n);
    let mut column_norms_upper = Vec::with_capacity(n);
    let mut column_norms_lower = Vec::with_capacity(n);
    let grow = 1.0 + (nf + 4.0) * 2.0 * U;
    for j in 0..n {
        let (avc, s1c, vc) = (av.col_as_slice(j), s1.col_as_slice(j), v.col_as_slice(j));
        let s2c = s2.as_ref().map(|m| m.col_as_slice(j));
        let mut r2 = 0.0;
        let mut v2 = 0.0;
        let bc = bound.col_as_slice_mut(j);
        for i in 0..n {
            let vl = vc[i] * lam[j];
            let mid = avc[i] - vl;
            let mut rad = g * (s1c[i] + nf * ETA) / lower
                + 2.0 * nf * ETA
                + U * vl.abs()
                + U * mid.abs()
                + 2.0 * ETA;
            if let Some(s2c) = s2c {
                rad += (s2c[i] + nf * ETA) / lower;
            }
            let b = (mid.abs() + rad) * SAFE;
            bc[i] = b;
            r2 += b * b;
            v2 += vc[i] * vc[i];
        }
        column_residuals.push((r2 * grow * SAFE).sqrt() * SAFE);
        column_norms_upper.push((v2 * grow * SAFE).sqrt() * SAFE);
        column_norms_lower.push((v2 / grow * (1.0 - 4.0 * U)).sqrt() * (1.0 - 4.0 * U));
    }
    let residual_norm = norm2_upper_nonneg(&bound);

    // Gram pass: |fl(VᵀV)ᵢⱼ − (VᵀV)ᵢⱼ| <= γ_n ‖vᵢ‖‖vⱼ‖ + nη.
    let vt = v.transpose().to_owned();
    let gram = gemm(&vt, v);
    let c = &column_norms_upper;
    for j in 0..n {
        let gc = gram.col_as_slice(j);
        let bc = bound.col_as_slice_mut(j);
        for i in 0..n {
            let e = if i == j { gc[i] - 1.0 } else { gc[i] };
            bc[i] = (e.abs() + g * c[i] * c[j] * SAFE + nf * ETA + U * e.abs() + ETA) * SAFE;
        }
    }
    let orthogonality = norm2_upper_nonneg(&bound);
    ResidualBounds {
        residual_norm,
        column_residuals,
        column_norms_upper,
        column_norms_lower,
        orthogonality,
    }
}
