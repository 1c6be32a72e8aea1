//! `gdcert spectrum`: certified eigenvalues, singular values, inertia and norms of a matrix, with a
//! certificate the kernel re-verifies.
//!
//! The certificate's theorem id is `spectrum`; the matrix is stored in it exactly (`instance.matrices.A`).
//! Claims: `A.symmetric` (hypothesis), `eigen.residual` (the approximate eigenpairs, the witness),
//! `eigenvalue.i` (ascending, 1-based), `cluster.a-b` (eigenvalues that could not be separated, with
//! their number), `inertia` (the number of negative eigenvalues, by an `LDLᵀ` congruence at 0),
//! `svd.residual` and `singular_value.i` (descending), `norm.spectral`, `norm.frobenius`.

use crate::arith::exact::{format_exact, format_f64_hex, q_from_f64, Q};
use crate::arith::q_int;
use crate::certificate::{
    verdict_for, ArithmeticRecord, Certificate, Claim, Encl, InstanceRecord, MatrixRecord, Role,
    TheoremRef, Tool, Verdict, Witness, FORMAT,
};
use crate::linalg::{self, IMat, QMat};
use std::collections::BTreeMap;

/// Matrices up to this size are re-verified by the kernel in exact rational arithmetic; larger ones
/// with correctly rounded MPFR dot products (`mpfr:128`).
pub const EXACT_LIMIT: usize = 64;

/// The kernel's method for an `n×n` problem.
pub fn kernel_method(n: usize) -> &'static str {
    if n <= EXACT_LIMIT {
        "exact"
    } else {
        "mpfr:128"
    }
}

/// What to compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub eigen: bool,
    pub singular: bool,
}

fn q64(x: f64) -> Q {
    q_from_f64(x).unwrap_or_default()
}

fn hex_all(m: &faer::Mat<f64>) -> Vec<String> {
    let mut out = Vec::with_capacity(m.nrows() * m.ncols());
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            out.push(format_f64_hex(m[(i, j)]).unwrap_or_else(|| "0".into()));
        }
    }
    out
}

fn conclusion(id: &str, statement: String, lo: f64, hi: f64, witness: Witness) -> Claim {
    Claim {
        id: id.into(),
        role: Role::Conclusion,
        statement,
        enclosure: Some(Encl::new(&q64(lo), &q64(hi))),
        bound: None,
        verdict: Verdict::Certified,
        arithmetic: "interval".into(),
        witness,
        note: None,
    }
}

fn undecided(id: &str, statement: String) -> Claim {
    Claim {
        id: id.into(),
        role: Role::Conclusion,
        statement,
        enclosure: None,
        bound: None,
        verdict: Verdict::Undecided,
        arithmetic: "interval".into(),
        witness: Witness::None,
        note: None,
    }
}

fn uses(claim: &str) -> Witness {
    Witness::Uses {
        claim: claim.into(),
        step: None,
    }
}

/// Everything `gdcert spectrum` reports, with the claims of its certificate.
pub struct SpectrumReport {
    pub claims: Vec<Claim>,
    pub spectrum: Option<linalg::SymmetricSpectrum>,
    pub singular: Option<linalg::SingularValues>,
}

/// Certifies the spectrum of `a` (exact). With `mode.eigen`, `a` must be symmetric (checked by the
/// caller); with `mode.singular`, any shape.
pub fn certify_matrix(a: &QMat, mode: Mode) -> SpectrumReport {
    let ia = linalg::enclose(a);
    let n = a.rows;
    let mut claims = vec![];
    let mut spectrum = None;
    let mut singular = None;
    if mode.eigen {
        claims.push(Claim {
            id: "A.symmetric".into(),
            role: Role::Hypothesis,
            statement: "A is exactly symmetric".into(),
            enclosure: None,
            bound: None,
            verdict: Verdict::Certified,
            arithmetic: "exact".into(),
            witness: Witness::Exact,
            note: None,
        });
        crate::progress::stage("eigenvalues: decomposition and residual bound");
        match linalg::enclose_symmetric_spectrum(&ia) {
            Ok(s) => {
                claims.extend(eigen_claims(&ia, &s, kernel_method(n)));
                spectrum = Some(s);
            }
            Err(e) => claims.push(undecided(
                "eigen.residual",
                format!("no enclosure of the spectrum: {e}"),
            )),
        }
    }
    if mode.singular {
        crate::progress::stage("singular values: SVD and residual bound");
        match linalg::enclose_singular_values(&ia) {
            Ok(sv) => {
                claims.extend(singular_claims(
                    &sv,
                    kernel_method(a.rows + a.cols),
                    !mode.eigen,
                ));
                singular = Some(sv);
            }
            Err(e) => claims.push(undecided(
                "svd.residual",
                format!("no enclosure of the singular values: {e}"),
            )),
        }
    }
    let (lo, hi) = linalg::frobenius_norm(a);
    claims.push(Claim {
        id: "norm.frobenius".into(),
        role: Role::Conclusion,
        statement: "‖A‖_F, from the exact sum of squares".into(),
        enclosure: Some(Encl::new(&lo, &hi)),
        bound: None,
        verdict: Verdict::Certified,
        arithmetic: "exact".into(),
        witness: Witness::Exact,
        note: None,
    });
    SpectrumReport {
        claims,
        spectrum,
        singular,
    }
}

fn eigen_claims(ia: &IMat, s: &linalg::SymmetricSpectrum, method: &str) -> Vec<Claim> {
    let n = s.approx.len();
    let mut out = vec![];
    out.push(Claim {
        id: "eigen.residual".into(),
        role: Role::Conclusion,
        statement: format!(
            "|λᵢ − λ̃ᵢ| ≤ δ for all i, from ‖AV − VΛ̃‖₂ ≤ {:.3e} and ‖VᵀV − I‖₂ ≤ {:.3e} (δ = (2ε‖Λ̃ − σ‖ + ‖R‖)/√(1 − ε))",
            s.residual_norm, s.orthogonality
        ),
        enclosure: Some(Encl::new(&Q::default(), &q64(s.radius))),
        bound: None,
        verdict: Verdict::Certified,
        arithmetic: "interval".into(),
        witness: Witness::EigenBasis {
            matrix: "A".into(),
            values: s.approx.iter().map(|&x| format_f64_hex(x).unwrap_or_else(|| "0".into())).collect(),
            vectors: hex_all(&s.vectors),
            shift: format_f64_hex(s.shift).unwrap_or_else(|| "0".into()),
            method: method.into(),
        },
        note: None,
    });
    for (i, &(lo, hi)) in s.enclosures.iter().enumerate() {
        out.push(conclusion(
            &format!("eigenvalue.{}", i + 1),
            format!("λ_{} (ascending)", i + 1),
            lo,
            hi,
            uses("eigen.residual"),
        ));
    }
    for c in s.clusters.iter().filter(|c| c.count > 1) {
        let (a, b) = (c.first + 1, c.first + c.count);
        out.push(conclusion(
            &format!("cluster.{a}-{b}"),
            format!("exactly {} eigenvalues (λ_{a} … λ_{b}, with multiplicity) lie here; they are not separated", c.count),
            c.lo,
            c.hi,
            uses("eigen.residual"),
        ));
    }
    // Inertia at 0, when 0 is outside every enclosure.
    let zero_inside = s.enclosures.iter().any(|&(lo, hi)| lo <= 0.0 && 0.0 <= hi);
    let certain_neg = s.enclosures.iter().filter(|e| e.1 < 0.0).count();
    let certain_pos = s.enclosures.iter().filter(|e| e.0 > 0.0).count();
    let inertia = if zero_inside {
        None
    } else {
        linalg::count_eigenvalues_below(ia, 0.0, Some(s)).ok()
    };
    match inertia {
        Some(c) => {
            let pd = if c.below == 0 { " (positive definite)" } else if c.above == 0 { " (negative definite)" } else { "" };
            out.push(Claim {
                id: "inertia".into(),
                role: Role::Conclusion,
                statement: format!("{} negative, 0 zero and {} positive eigenvalues{pd}: the number of negative ones by LDLᵀ congruence at t = 0", c.below, c.above),
                enclosure: Some(Encl::point(&q_int(c.below as i64))),
                bound: None,
                verdict: verdict_for(Role::Conclusion, crate::arith::Tri::True),
                arithmetic: "interval".into(),
                witness: Witness::Congruence {
                    matrix: "A".into(),
                    t: "0".into(),
                    perm: c.perm.clone(),
                    factor: hex_all(&c.factor),
                    factor_kind: match c.kind {
                        linalg::CongruenceKind::UnitLower => "unit_lower".into(),
                        linalg::CongruenceKind::Eigenvectors => "eigenvectors".into(),
                    },
                    method: method.into(),
                },
                note: None,
            })
        }
        None => out.push(undecided(
            "inertia",
            format!("at least {certain_neg} negative and {certain_pos} positive eigenvalues; {} of undecided sign", n - certain_neg - certain_pos),
        )),
    }
    let first = s.enclosures.first().copied().unwrap_or((0.0, 0.0));
    let last = s.enclosures.last().copied().unwrap_or((0.0, 0.0));
    // ‖A‖₂ = max(|λ₁|, |λₙ|).
    let abs_lo = |e: (f64, f64)| {
        if e.0 > 0.0 {
            e.0
        } else if e.1 < 0.0 {
            -e.1
        } else {
            0.0
        }
    };
    let abs_hi = |e: (f64, f64)| e.0.abs().max(e.1.abs());
    out.push(conclusion(
        "norm.spectral",
        "‖A‖₂ = max(|λ₁|, |λₙ|)".into(),
        abs_lo(first).max(abs_lo(last)),
        abs_hi(first).max(abs_hi(last)),
        uses("eigen.residual"),
    ));
    out
}

fn singular_claims(sv: &linalg::SingularValues, method: &str, with_norm: bool) -> Vec<Claim> {
    let j = &sv.jordan;
    let mut out = vec![Claim {
        id: "svd.residual".into(),
        role: Role::Conclusion,
        statement: format!(
            "the eigenvalues ±σᵢ of [[0, A], [Aᵀ, 0]] are within δ of their approximations (‖R‖₂ ≤ {:.3e}, ‖WᵀW − I‖₂ ≤ {:.3e})",
            j.residual_norm, j.orthogonality
        ),
        enclosure: Some(Encl::new(&Q::default(), &q64(j.radius))),
        bound: None,
        verdict: Verdict::Certified,
        arithmetic: "interval".into(),
        witness: Witness::SvdBasis {
            matrix: "A".into(),
            values: sv.sigma.iter().map(|&x| format_f64_hex(x).unwrap_or_else(|| "0".into())).collect(),
            u: hex_all(&sv.u),
            v: hex_all(&sv.v),
            method: method.into(),
        },
        note: None,
    }];
    for (i, &(lo, hi)) in sv.enclosures.iter().enumerate() {
        out.push(conclusion(
            &format!("singular_value.{}", i + 1),
            format!("σ_{} (descending)", i + 1),
            lo,
            hi,
            uses("svd.residual"),
        ));
    }
    if with_norm {
        if let Some(&(lo, hi)) = sv.enclosures.first() {
            out.push(conclusion(
                "norm.spectral",
                "‖A‖₂ = σ₁".into(),
                lo,
                hi,
                uses("svd.residual"),
            ));
        }
    }
    out
}

/// The matrix as a certificate record (exact entries).
pub fn matrix_record(a: &QMat) -> MatrixRecord {
    MatrixRecord {
        rows: a.rows,
        cols: a.cols,
        entries: a.data.iter().map(format_exact).collect(),
    }
}

/// Assembles and seals the certificate of a spectrum run.
pub fn assemble(name: &str, a: &QMat, mode: Mode, claims: Vec<Claim>) -> (Certificate, String) {
    let verdict = Verdict::combine(claims.iter().map(|c| c.verdict));
    let mut params = BTreeMap::new();
    params.insert(
        "mode".into(),
        match (mode.eigen, mode.singular) {
            (true, true) => "symmetric,singular",
            (true, false) => "symmetric",
            _ => "singular",
        }
        .into(),
    );
    let mut matrices = BTreeMap::new();
    matrices.insert("A".into(), matrix_record(a));
    Certificate {
        format: FORMAT.into(),
        tool: Tool { name: "gdcert".into(), version: env!("CARGO_PKG_VERSION").into() },
        theorem: TheoremRef {
            id: "spectrum".into(),
            title: "Certified spectrum of a matrix".into(),
            statement: "Enclosures of every eigenvalue (symmetric A) or singular value of A, clusters of eigenvalues that cannot be \
                        separated with their multiplicity, the inertia, and norms."
                .into(),
        },
        instance: InstanceRecord { name: name.into(), params, matrices },
        arithmetic: ArithmeticRecord { requested: "interval".into(), max_bits: 53 },
        verdict,
        claims,
        digest: String::new(),
    }
    .seal()
}
