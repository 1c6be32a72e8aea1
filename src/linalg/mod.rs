//! Verified linear algebra: enclosures of eigenvalues and singular values, inertia counts, norms.
//!
//! Matrices come in three forms: exact rational ([`QMat`], what a user gives), interval matrices in
//! midpoint-radius form ([`IMat`], what the engine computes with), and approximate `faer` matrices
//! (decompositions, which are never trusted: every result is verified afterwards). The functions
//! below are named for what they guarantee; each result holds for every real matrix in the interval
//! matrix given, and in particular for the exact matrix it encloses.
//!
//! | function | guarantee |
//! | --- | --- |
//! | [`enclose_symmetric_spectrum`] | `λᵢ(A) ∈ enclosures[i]` for all i (ascending), clusters with multiplicities |
//! | [`certify_gap`] | `λ_k < λ_{k+1}` strictly (`Tri::True`), or undecided |
//! | [`count_eigenvalues_below`] | exactly `below` eigenvalues `< t` and `above` `> t` |
//! | [`certify_positive_definite`] | all eigenvalues `> 0` (`True`), some `< 0` (`False`), or undecided |
//! | [`enclose_singular_values`] | `σᵢ(A) ∈ enclosures[i]` for all i (descending) |
//! | [`spectral_norm_upper_bound`] | `‖A‖₂ ≤` the value |
//! | [`frobenius_norm`] | `‖A‖_F ∈ [lo, hi]`, from the exact sum of squares |

pub mod eig;
pub mod imat;
pub mod inertia;
pub mod io;
pub mod qmat;
pub mod residual;
pub mod svd;

pub use eig::{enclose_symmetric_spectrum, Cluster, SymmetricSpectrum};
pub use imat::IMat;
pub use inertia::{CongruenceKind, InertiaCount};
pub use qmat::QMat;
pub use svd::{enclose_singular_values, SingularValues};

use crate::arith::{Elementary, Enclosure, RatInterval, Tri, Q};
use num_traits::Zero;
use std::fmt;

/// Why a verified computation gave no answer.
#[derive(Clone, Debug, PartialEq)]
pub enum LinalgError {
    Dimension(String),
    NotFinite,
    /// The computation ran but its bound did not decide (too wide, or a condition failed).
    NotVerified(String),
}

impl fmt::Display for LinalgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinalgError::Dimension(m) => write!(f, "dimension: {m}"),
            LinalgError::NotFinite => write!(f, "the matrix has entries beyond the binary64 range"),
            LinalgError::NotVerified(m) => write!(f, "{m}"),
        }
    }
}

/// Decompositions (eigen, SVD) run sequentially: their results are witnesses in certificates, which
/// must be the same bytes for any number of threads, and faer's threaded tridiagonalisation rounds
/// differently (observed at n = 400). Products are threaded by output blocks, which keeps every
/// entry's summation order (see [`imat::gemm`]).
pub fn sequential_decompositions() {
    faer::set_global_parallelism(faer::Par::Seq);
}

/// The interval matrix that encloses an exact matrix (midpoints to nearest, radii rounded up).
pub fn enclose(q: &QMat) -> IMat {
    let (mid, rad) = q.to_mid_rad();
    IMat::from_mid_rad(q.rows, q.cols, &mid, &rad)
}

/// Whether `λ_k < λ_{k+1}` (0-based, ascending) is certified by the enclosures.
pub fn certify_gap(spec: &SymmetricSpectrum, k: usize) -> Tri {
    match (spec.enclosures.get(k), spec.enclosures.get(k + 1)) {
        (Some(a), Some(b)) if a.1 < b.0 => Tri::True,
        _ => Tri::Unknown,
    }
}

/// Exactly how many eigenvalues of the symmetric `a` lie below `t` (and above; none at `t`): an
/// `LDLᵀ` congruence, or, when that does not decide and a spectrum enclosure is at hand, the
/// congruence by its eigenvector basis.
pub fn count_eigenvalues_below(
    a: &IMat,
    t: f64,
    spectrum: Option<&SymmetricSpectrum>,
) -> Result<InertiaCount, LinalgError> {
    match inertia::count_below_by_ldlt(a, t) {
        Ok(c) => Ok(c),
        Err(e) => match spectrum {
            Some(s) => inertia::count_below_by_basis(a, t, &s.vectors),
            None => Err(e),
        },
    }
}

/// Exactly how many eigenvalues of the symmetric `a` are greater than `t`.
pub fn count_eigenvalues_above(a: &IMat, t: f64) -> Result<usize, LinalgError> {
    count_eigenvalues_below(a, t, None).map(|c| c.above)
}

/// Whether the symmetric `a` is positive definite: `True` when every eigenvalue is `> 0`, `False`
/// when one is certified `< 0`, `Unknown` otherwise.
pub fn certify_positive_definite(a: &IMat) -> Tri {
    match inertia::count_below_by_ldlt(a, 0.0) {
        Ok(c) if c.below == 0 => Tri::True,
        Ok(_) => Tri::False,
        Err(_) => match enclose_symmetric_spectrum(a) {
            Ok(s) if s.enclosures.first().is_some_and(|e| e.1 < 0.0) => Tri::False,
            Ok(s) if s.enclosures.first().is_some_and(|e| e.0 > 0.0) => Tri::True,
            _ => Tri::Unknown,
        },
    }
}

/// An upper bound of `‖A‖₂` for every `A` in `a`, from `|A|` (cheap, no decomposition).
pub fn spectral_norm_upper_bound(a: &IMat) -> f64 {
    a.norm2_upper()
}

/// `‖A‖_F` enclosed from the exact sum of squares of the entries.
pub fn frobenius_norm(q: &QMat) -> (Q, Q) {
    let mut s = Q::zero();
    for x in &q.data {
        s += x * x;
    }
    let r = RatInterval::point(s, 128).sqrt();
    r.bounds().unwrap_or_default()
}

/// The point `t` midway between two consecutive clusters, as a binary64.
pub fn separating_point(left: &Cluster, right: &Cluster) -> f64 {
    0.5 * left.hi + 0.5 * right.lo
}
