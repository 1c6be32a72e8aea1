//! Singular values, through the symmetric Jordan–Wielandt matrix `J = [[0, A], [Aᵀ, 0]]`, whose
//! eigenvalues are `±σᵢ(A)` and `|m − n|` zeros. An approximate SVD `A ≈ UΣVᵀ` gives approximate
//! eigenvectors `(uᵢ, ±vᵢ)/√2` of `J` (and `(u, 0)` or `(0, v)` for the extra zeros), and the
//! symmetric enclosure of [`super::eig`] applies to `J` with that basis. No squaring of `A` is
//! involved, so small singular values keep their relative accuracy.

use super::eig::{enclose_with_basis, SymmetricSpectrum};
use super::imat::IMat;
use super::LinalgError;
use faer::Mat;

/// Every singular value of `A` (m×n), descending: `σᵢ ∈ [enclosures[i].0, enclosures[i].1]` for
/// `i < min(m, n)`.
#[derive(Clone, Debug)]
pub struct SingularValues {
    pub approx: Vec<f64>,
    /// The approximate SVD `A ≈ UΣVᵀ` (full `U`, `V`; `sigma` descending) behind the basis of `J`.
    pub u: Mat<f64>,
    pub v: Mat<f64>,
    pub sigma: Vec<f64>,
    pub enclosures: Vec<(f64, f64)>,
    /// The enclosure of the spectrum of `J`, which the kernel re-verifies.
    pub jordan: SymmetricSpectrum,
}

/// `J = [[0, A], [Aᵀ, 0]]` as an interval matrix.
pub fn jordan_wielandt(a: &IMat) -> IMat {
    let (m, n) = (a.nrows(), a.ncols());
    let f = |src: &Mat<f64>| {
        Mat::from_fn(m + n, m + n, |i, j| {
            if i < m && j >= m {
                src[(i, j - m)]
            } else if i >= m && j < m {
                src[(j, i - m)]
            } else {
                0.0
            }
        })
    };
    IMat {
        mid: f(&a.mid),
        rad: f(&a.rad),
    }
}

/// Encloses every singular value of the interval matrix `a`.
pub fn enclose_singular_values(a: &IMat) -> Result<SingularValues, LinalgError> {
    if !a.is_finite() {
        return Err(LinalgError::NotFinite);
    }
    let (m, n) = (a.nrows(), a.ncols());
    let r = m.min(n);
    let svd = a
        .mid
        .svd()
        .map_err(|e| LinalgError::NotVerified(format!("SVD failed: {e:?}")))?;
    let (u, v) = (svd.U(), svd.V());
    let s = svd.S().column_vector();
    let sigma: Vec<f64> = (0..r).map(|i| s[i]).collect();
    let h = std::f64::consts::FRAC_1_SQRT_2;
    // Columns of the basis in ascending order of the eigenvalues of J: −σ₁ … −σ_r, zeros, σ_r … σ₁.
    let size = m + n;
    let mut cols: Vec<(f64, Vec<f64>)> = Vec::with_capacity(size);
    for i in 0..r {
        let mut w = vec![0.0; size];
        for k in 0..m {
            w[k] = u[(k, i)] * h;
        }
        for k in 0..n {
            w[m + k] = -v[(k, i)] * h;
        }
        cols.push((-sigma[i], w));
    }
    for i in r..m {
        let mut w = vec![0.0; size];
        for k in 0..m {
            w[k] = u[(k, i)];
        }
        cols.push((0.0, w));
    }
    for i in r..n {
        let mut w = vec![0.0; size];
        for k in 0..n {
            w[m + k] = v[(k, i)];
        }
        cols.push((0.0, w));
    }
    for i in (0..r).rev() {
        let mut w = vec![0.0; size];
        for k in 0..m {
            w[k] = u[(k, i)] * h;
        }
        for k in 0..n {
            w[m + k] = v[(k, i)] * h;
        }
        cols.push((sigma[i], w));
    }
    cols.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let lam: Vec<f64> = cols.iter().map(|c| c.0).collect();
    let basis = Mat::from_fn(size, size, |i, j| cols[j].1[i]);
    let jordan = enclose_with_basis(&jordan_wielandt(a), &lam, &basis)?;
    // The r largest eigenvalues of J are σ₁ ≥ … ≥ σ_r; singular values are nonnegative.
    let enclosures: Vec<(f64, f64)> = (0..r)
        .map(|i| {
            let (lo, hi) = jordan.enclosures[size - 1 - i];
            (lo.max(0.0), hi)
        })
        .collect();
    let approx = (0..r).map(|i| jordan.approx[size - 1 - i]).collect();
    Ok(SingularValues {
        approx,
        u: u.to_owned(),
        v: v.to_owned(),
        sigma,
        enclosures,
        jordan,
    })
}
