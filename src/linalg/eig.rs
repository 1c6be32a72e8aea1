//! Enclosures of all eigenvalues of a symmetric matrix at once, from an approximate
//! eigendecomposition and a rigorous residual bound.
//!
//! **Theorem used.** Let `A` be real symmetric, `V` any real matrix with `‖VᵀV − I‖₂ ≤ ε < 1`, `Λ̃ =
//! diag(λ̃₁ ≤ … ≤ λ̃ₙ)`, `R = AV − VΛ̃`, and σ any real shift. Then, with both lists sorted,
//! `|λᵢ(A) − λ̃ᵢ| ≤ δ = (2ε‖Λ̃ − σI‖₂ + ‖R‖₂)/√(1 − ε)` for every i.
//!
//! *Proof.* Write `V = QS` (polar decomposition: `Q` orthogonal, `S = (VᵀV)^½` symmetric, with
//! eigenvalues in `[√(1−ε), √(1+ε)]`, so `‖S − I‖ ≤ ε` and `‖S⁻¹‖ ≤ 1/√(1−ε)`). From `AQS = QSΛ̃ + R`,
//! `Qᵀ(A − σI)Q = (Λ̃ − σI) + F` with `F = SΛS⁻¹ − Λ + QᵀRS⁻¹`, `Λ = Λ̃ − σI`. `F` is symmetric (a
//! difference of symmetric matrices), and `SΛS⁻¹ − Λ = ((S − I)Λ − Λ(S − I))S⁻¹`, so `‖F‖ ≤ δ`. Weyl's
//! inequality for the symmetric matrices `Qᵀ(A − σI)Q` (eigenvalues `λᵢ(A) − σ`) and `Λ` gives the
//! claim. ∎
//!
//! The bound accounts for the non-orthogonality of the computed eigenvectors through ε, and is the
//! same for every eigenvalue. Enclosures that overlap are merged into clusters: the theorem then says
//! that exactly as many eigenvalues as the cluster has members (with multiplicity) lie in the union,
//! and nothing about how they are arranged inside it.
//!
//! **Refinement of isolated eigenvalues.** For any vector `x ≠ 0` and number μ, some eigenvalue of the
//! symmetric `A` lies within `ρ = ‖Ax − μx‖/‖x‖` of μ (expand `x` in an orthonormal eigenbasis). When
//! the enclosure `Iᵢ` of λᵢ meets no other enclosure, λᵢ is the only eigenvalue in `Iᵢ`, so taking
//! `x = vᵢ`, `μ = λ̃ᵢ`: `λᵢ ∈ Iᵢ ∩ [λ̃ᵢ − ρᵢ, λ̃ᵢ + ρᵢ]`. The column residuals carry no `ε·spread`
//! term, which makes small eigenvalues of a wide spectrum much tighter.

use super::imat::{IMat, U};
use super::LinalgError;
use faer::Mat;

const SAFE: f64 = 1.0 + 1.0 / 35_184_372_088_832.0; // 1 + 2^-45

/// A group of eigenvalues whose enclosures could not be separated.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// Index (0-based, ascending order) of the first eigenvalue of the cluster.
    pub first: usize,
    /// How many eigenvalues (with multiplicity) lie in `[lo, hi]`.
    pub count: usize,
    pub lo: f64,
    pub hi: f64,
}

/// Every eigenvalue of a symmetric matrix, enclosed: `λᵢ ∈ [enclosures[i].0, enclosures[i].1]`
/// for the eigenvalues in ascending order.
#[derive(Clone, Debug)]
pub struct SymmetricSpectrum {
    /// The approximate eigenvalues λ̃, ascending.
    pub approx: Vec<f64>,
    /// The approximate eigenvectors, as columns, in the same order.
    pub vectors: Mat<f64>,
    /// The shift σ of the bound.
    pub shift: f64,
    /// Upper bound of `‖AV − VΛ̃‖₂`.
    pub residual_norm: f64,
    /// Upper bound of `‖VᵀV − I‖₂`.
    pub orthogonality: f64,
    /// δ: `|λᵢ − λ̃ᵢ| ≤ δ` for every i.
    pub radius: f64,
    /// ρᵢ: upper bounds of `‖Avᵢ − λ̃ᵢvᵢ‖/‖vᵢ‖`.
    pub column_residuals: Vec<f64>,
    pub enclosures: Vec<(f64, f64)>,
    pub clusters: Vec<Cluster>,
}

/// The bound δ of the module's theorem from its three ingredients, rounded up; `None` when ε ≥ 1/2
/// (the basis is too far from orthogonal to be useful) or anything is not finite.
pub fn residual_radius(residual_norm: f64, orthogonality: f64, spread: f64) -> Option<f64> {
    let eps = orthogonality;
    if !(eps.is_finite() && residual_norm.is_finite() && spread.is_finite()) || eps >= 0.5 {
        return None;
    }
    let num = (2.0 * eps * spread + residual_norm) * SAFE;
    let den = ((1.0 - eps) * (1.0 - 4.0 * U)).sqrt() * (1.0 - 4.0 * U);
    Some(num / den * SAFE)
}

/// Encloses every eigenvalue of the symmetric interval matrix `a` (every symmetric matrix in it),
/// given approximate eigenpairs `(lam, v)` with `lam` ascending and the columns of `v` in that order.
pub fn enclose_with_basis(
    a: &IMat,
    lam: &[f64],
    v: &Mat<f64>,
) -> Result<SymmetricSpectrum, LinalgError> {
    let n = a.nrows();
    if lam.len() != n || v.nrows() != n || v.ncols() != n {
        return Err(LinalgError::Dimension(format!(
            "{n}x{n} matrix with {} values and a {}x{} basis",
            lam.len(),
            v.nrows(),
            v.ncols()
        )));
    }
    let (lo, hi) = (
        lam.first().copied().unwrap_or(0.0),
        lam.last().copied().unwrap_or(0.0),
    );
    let shift = 0.5 * lo + 0.5 * hi;
    let spread = lam.iter().map(|l| (l - shift).abs()).fold(0f64, f64::max) * SAFE;
    let b = super::residual::residual_bounds(a, lam, v);
    let (residual_norm, orthogonality) = (b.residual_norm, b.orthogonality);
    let radius = residual_radius(residual_norm, orthogonality, spread).ok_or_else(|| {
        LinalgError::NotVerified(format!(
            "the eigenvector basis is not close enough to orthogonal (‖VᵀV − I‖ ≤ {orthogonality:.3e})"
        ))
    })?;
    let global: Vec<(f64, f64)> = lam
        .iter()
        .map(|&l| ((l - radius).next_down(), (l + radius).next_up()))
        .collect();
    let column_residuals: Vec<f64> = b
        .column_residuals
        .iter()
        .zip(&b.column_norms_lower)
        .map(|(r, v)| {
            if *v > 0.0 {
                r / v * SAFE
            } else {
                f64::INFINITY
            }
        })
        .collect();
    let mut clusters = clusters_of(&global);
    let mut enclosures = global;
    for c in clusters.iter_mut().filter(|c| c.count == 1) {
        let i = c.first;
        let rho = column_residuals[i];
        if rho.is_finite() {
            let (lo, hi) = ((lam[i] - rho).next_down(), (lam[i] + rho).next_up());
            enclosures[i] = (enclosures[i].0.max(lo), enclosures[i].1.min(hi));
            (c.lo, c.hi) = enclosures[i];
        }
    }
    Ok(SymmetricSpectrum {
        approx: lam.to_vec(),
        vectors: v.clone(),
        shift,
        residual_norm,
        orthogonality,
        radius,
        column_residuals,
        enclosures,
        clusters,
    })
}

/// Groups consecutive enclosures that overlap.
pub fn clusters_of(enclosures: &[(f64, f64)]) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = vec![];
    for (i, &(lo, hi)) in enclosures.iter().enumerate() {
        match out.last_mut() {
            Some(c) if lo <= c.hi => {
                c.count += 1;
                c.hi = c.hi.max(hi);
            }
            _ => out.push(Cluster {
                first: i,
                count: 1,
                lo,
                hi,
            }),
        }
    }
    out
}

/// An approximate eigendecomposition of the symmetric matrix `m` (faer, sequential), with the
/// eigenvalues ascending and the eigenvectors in the same order.
pub fn approximate_eigen(m: &Mat<f64>) -> Result<(Vec<f64>, Mat<f64>), LinalgError> {
    super::sequential_decompositions();
    let e = m
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|e| LinalgError::NotVerified(format!("eigendecomposition failed: {e:?}")))?;
    let s = e.S().column_vector();
    let u = e.U();
    let n = m.nrows();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| s[i].partial_cmp(&s[j]).unwrap_or(std::cmp::Ordering::Equal));
    let lam: Vec<f64> = order.iter().map(|&i| s[i]).collect();
    let v = Mat::from_fn(n, n, |i, j| u[(i, order[j])]);
    Ok((lam, v))
}

/// Encloses every eigenvalue of the symmetric interval matrix `a`.
pub fn enclose_symmetric_spectrum(a: &IMat) -> Result<SymmetricSpectrum, LinalgError> {
    if a.nrows() != a.ncols() {
        return Err(LinalgError::Dimension(format!(
            "a {}x{} matrix is not square",
            a.nrows(),
            a.ncols()
        )));
    }
    if !a.is_finite() {
        return Err(LinalgError::NotFinite);
    }
    let (lam, v) = approximate_eigen(&a.mid)?;
    enclose_with_basis(a, &lam, &v)
}
