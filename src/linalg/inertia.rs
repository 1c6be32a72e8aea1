//! Inertia counts by congruence: how many eigenvalues of a symmetric matrix lie below a value `t`.
//!
//! **Method.** Factor `P(A − tI)Pᵀ ≈ LDLᵀ` in floating point (symmetric diagonal pivoting), take
//! `X ≈ L⁻¹`, rounded to a unit lower triangular matrix, and enclose `M = X P (A − tI) Pᵀ Xᵀ`
//! rigorously. `X` is unit triangular, so `det X = 1` and, by Sylvester's law of inertia, `M` and
//! `A − tI` have the same numbers of negative and positive eigenvalues. `M` is close to the diagonal
//! `D`: when no Gershgorin disc of `M` contains 0, the discs left of 0 and those right of 0 form two
//! disjoint unions, each holding as many eigenvalues as it has discs. So the number of eigenvalues of
//! `A` below `t` is the number of discs left of 0, with no eigenvalue at `t`.
//!
//! When diagonal pivoting meets a pivot too small for this to work (a strongly indefinite matrix
//! with small diagonal), the eigenvector basis of an enclosed spectrum serves as `Xᵀ` instead: it is
//! nonsingular because `‖VᵀV − I‖ < 1`.

use super::imat::IMat;
use super::LinalgError;
use faer::Mat;

const SAFE: f64 = 1.0 + 1.0 / 35_184_372_088_832.0; // 1 + 2^-45

/// How a congruence `M = X P B Pᵀ Xᵀ` was built, and so why `X` is nonsingular.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CongruenceKind {
    /// `X` is unit lower triangular (determinant 1).
    UnitLower,
    /// `X = Vᵀ` for a basis `V` with `‖VᵀV − I‖ < 1`; `P` is the identity.
    Eigenvectors,
}

/// A certified count: exactly `below` eigenvalues of `A` are `< t` and `above` are `> t`
/// (`below + above = n`, so none equals `t`).
#[derive(Clone, Debug)]
pub struct InertiaCount {
    pub t: f64,
    pub below: usize,
    pub above: usize,
    pub kind: CongruenceKind,
    /// `perm[k]` is the row of `A` moved to position k.
    pub perm: Vec<usize>,
    /// The congruence factor `X`.
    pub factor: Mat<f64>,
}

/// Counts Gershgorin discs of the interval matrix `m` strictly left and right of 0; `None` when a
/// disc contains 0.
pub fn gershgorin_signs(m: &IMat) -> Option<(usize, usize)> {
    let n = m.nrows();
    let (mut neg, mut pos) = (0, 0);
    for i in 0..n {
        let mut off = 0.0;
        for j in 0..n {
            if j != i {
                off += m.mid[(i, j)].abs() + m.rad[(i, j)];
            }
        }
        let radius = (off * (1.0 + (2 * n + 4) as f64 * super::imat::U) + m.rad[(i, i)]) * SAFE;
        let c = m.mid[(i, i)];
        // A rounded-to-nearest result keeps the sign of the exact one, and `radius·SAFE >= radius`.
        if c - radius * SAFE > 0.0 {
            pos += 1;
        } else if c + radius * SAFE < 0.0 {
            neg += 1;
        } else {
            return None;
        }
    }
    Some((neg, pos))
}

/// `P B Pᵀ` for the permutation `perm` (exact: entries move, nothing is computed).
pub fn permute_symmetric(b: &IMat, perm: &[usize]) -> IMat {
    let n = b.nrows();
    IMat {
        mid: Mat::from_fn(n, n, |i, j| b.mid[(perm[i], perm[j])]),
        rad: Mat::from_fn(n, n, |i, j| b.rad[(perm[i], perm[j])]),
    }
}

/// `LDLᵀ` of the symmetric `w` with symmetric diagonal pivoting (largest remaining |diagonal|):
/// returns the permutation and the unit lower triangular `L`, or `None` on a zero pivot.
fn ldlt_diagonal_pivoting(w: &Mat<f64>) -> Option<(Vec<usize>, Mat<f64>)> {
    let n = w.nrows();
    let mut a = w.clone();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut l = Mat::<f64>::identity(n, n);
    for k in 0..n {
        let p = (k..n).max_by(|&i, &j| {
            a[(i, i)]
                .abs()
                .partial_cmp(&a[(j, j)].abs())
                .unwrap_or(std::cmp::Ordering::Equal)
        })?;
        if p != k {
            perm.swap(k, p);
            for j in 0..n {
                let t = a[(k, j)];
                a[(k, j)] = a[(p, j)];
                a[(p, j)] = t;
            }
            for i in 0..n {
                let t = a[(i, k)];
                a[(i, k)] = a[(i, p)];
                a[(i, p)] = t;
            }
            for j in 0..k {
                let t = l[(k, j)];
                l[(k, j)] = l[(p, j)];
                l[(p, j)] = t;
            }
        }
        let d = a[(k, k)];
        if d == 0.0 || !d.is_finite() {
            return None;
        }
        for i in k + 1..n {
            l[(i, k)] = a[(i, k)] / d;
        }
        for j in k + 1..n {
            let ljk = l[(j, k)];
            if ljk == 0.0 {
                continue;
            }
            let akj = a[(k, j)];
            for i in k + 1..n {
                a[(i, j)] -= l[(i, k)] * akj;
            }
        }
    }
    Some((perm, l))
}

/// The inverse of a unit lower triangular matrix, by forward substitution, with an exactly unit
/// diagonal and exactly zero upper triangle.
fn unit_lower_inverse(l: &Mat<f64>) -> Mat<f64> {
    let n = l.nrows();
    let mut x = Mat::<f64>::identity(n, n);
    for j in 0..n {
        for i in j + 1..n {
            let mut s = 0.0;
            for k in j..i {
                s += l[(i, k)] * x[(k, j)];
            }
            x[(i, j)] = -s;
        }
    }
    x
}

/// Counts the eigenvalues of the symmetric interval matrix `a` below `t` with an `LDLᵀ` congruence.
/// `Err(NotVerified)` when the factorisation or the Gershgorin test does not decide.
pub fn count_below_by_ldlt(a: &IMat, t: f64) -> Result<InertiaCount, LinalgError> {
    let b = a.shift_diagonal(t);
    let (perm, l) = ldlt_diagonal_pivoting(&b.mid).ok_or_else(|| {
        LinalgError::NotVerified(format!("a zero pivot in the LDLᵀ factorisation at t = {t}"))
    })?;
    let x = unit_lower_inverse(&l);
    let xp = IMat::point(x.clone());
    let m = xp.mul(&permute_symmetric(&b, &perm)).mul(&xp.transpose());
    let (below, above) = gershgorin_signs(&m).ok_or_else(|| {
        LinalgError::NotVerified(format!("a Gershgorin disc of the congruent matrix contains 0 at t = {t} (t may be an eigenvalue)"))
    })?;
    Ok(InertiaCount {
        t,
        below,
        above,
        kind: CongruenceKind::UnitLower,
        perm,
        factor: x,
    })
}

/// Counts the eigenvalues below `t` with the congruence by an eigenvector basis `v` with
/// `‖VᵀV − I‖ < 1` (checked by the caller's spectrum enclosure).
pub fn count_below_by_basis(a: &IMat, t: f64, v: &Mat<f64>) -> Result<InertiaCount, LinalgError> {
    let n = a.nrows();
    let b = a.shift_diagonal(t);
    let vp = IMat::point(v.clone());
    let m = vp.transpose().mul(&b).mul(&vp);
    let (below, above) = gershgorin_signs(&m).ok_or_else(|| {
        LinalgError::NotVerified(format!(
            "a Gershgorin disc of Vᵀ(A − tI)V contains 0 at t = {t} (t may be an eigenvalue)"
        ))
    })?;
    Ok(InertiaCount {
        t,
        below,
        above,
        kind: CongruenceKind::Eigenvectors,
        perm: (0..n).collect(),
        factor: v.transpose().to_owned(),
    })
}
