//! Paper 3 (`bradley-terry-metric`): operationalizing individual fairness via gradient descent and
//! Bradley–Terry models (Olson, Zhang, Deng, Sur, arXiv 2605.23145).
//!
//! **Statement certified** (derived in `theorems.md` from the abstract; see
//! `proofs/bradley-terry-metric.md`). Triplet labels follow Bradley–Terry with scores `−d_M*²`; the
//! empirical loss is `ℓ(U) = (1/n) Σ_t ln(1 + exp(−y_t⟨UUᵀ, A_t⟩))`.
//! - S3 (exact): if `M̂, M* ⪰ 0`, `‖M̂ − M*‖₂ ≤ ε` and `M* ⪰ mI` with `m > 0`, every `h` that is
//!   L-Lipschitz in `d_M̂` is `L·sqrt(1 + ε/m)`-Lipschitz in `d_M*`; the tight factor
//!   `sqrt(λ_max(M*⁻¹M̂))` is enclosed beside it.
//! - Data: the fraction of labels that agree with `sign⟨M*, A_t⟩` (exact) and the top-r eigenvalues
//!   of the spectral matrix `(1/(6n)) Σ_t y_t A_t` (inertia brackets).
//! - Existence of a minimiser: a rational `U` with `min_t y_t⟨UUᵀ, A_t⟩ > 0` proves that `ℓ` has none
//!   (`ℓ(cU) → 0` while `ℓ > 0`): `CONDITION_NOT_MET`.
//! - S1 (r = 2): Krawczyk on a gauge-fixing slice `U_(a,2) = v` (transversal to the orbits `{UQ}`,
//!   claim `S1.gauge`), hence `∇ℓ(Û) = 0` by gauge invariance; the slice Hessian positive definite
//!   on the box; `μ_h = λ_2`, `L_h = λ_max` of `∇²ℓ(Û)` (`λ_1 = 0` along `ÛΩ`); `‖ÛÛᵀ − M*‖_F`.
//! - S1 (r = 1): the empirical minimiser `Û` by Krawczyk, its Hessian positive definite by inertia,
//!   `‖ÛÛᵀ − M*‖_F`, and the GD orbit from the spectral start in intervals with
//!   `e_{k+1} ≤ ρ e_k` at every step, `e_k = ‖U_kU_kᵀ − ÛÛᵀ‖_F`.

pub mod audit;

use super::congruence_witness;
use super::inertia::{bracket, count_at, enclosing_imat};
use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{
    bound_q, box_encl, claim, escalate, exact_claim, fmt_q, publish, undecided_all, uses,
    ClaimGroup, RunOptions, Theorem,
};
use crate::arith::exact::{format_exact, q_from_f64, q_to_f64, Q};
use crate::arith::{q_int, Arith, Elementary, FirstOrder, RatInterval, Ring};
use crate::certificate::{Claim, MatrixRecord, Role, Witness};
use crate::linalg::{self, QMat};
use crate::methods::escalation::Task;
use crate::methods::stationary::{newton, prove_stationary_point, StationaryPoint};
use crate::spec::bradley_terry::{
    determinant, distance_to, embed, gap, generate, local_rate, min_margin, scaled_minus, BtLoss,
    Data, Triplet,
};
use crate::spec::deep_mf::{is_psd, spectral_norm_at_most};
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;
use std::path::Path;

pub struct BradleyTerryMetric;

/// The default instance (B3), shipped in `certificates/instances/bradley-terry-metric/`.
const DEFAULT_INSTANCE: &str =
    include_str!("../../certificates/instances/bradley-terry-metric/b3.toml");

/// Limits of an instance the certifier (and the kernel) accept.
pub const MAX_DIM: usize = 32;
pub const MAX_ITEMS: i64 = 100_000;
pub const MAX_TRIPLETS: i64 = 100_000;
pub const MAX_RANK: i64 = 8;

/// The name of the spectral matrix in congruence witnesses.
pub const SPECTRAL: &str = "spectral";

impl Theorem for BradleyTerryMetric {
    fn id(&self) -> &'static str {
        "bradley-terry-metric"
    }
    fn title(&self) -> &'static str {
        "Operationalizing Individual Fairness via Gradient Descent and Bradley-Terry Models (Olson, Zhang, Deng, Sur, arXiv 2605.23145)"
    }
    fn statement(&self) -> &'static str {
        "Triplet labels y_t = +-1 follow Bradley-Terry, P(y_t = 1) = sigma(<M*, A_t>), A_t = (x_i-x_k)(x_i-x_k)^T - \
         (x_i-x_j)(x_i-x_j)^T; loss l(U) = (1/n) sum_t ln(1 + exp(-y_t <UU^T, A_t>)). S3 (exact): if M_hat, M* >= 0, \
         |M_hat - M*|_2 <= eps and M* >= m I with m > 0, every h that is L-Lipschitz in d_M_hat is \
         L sqrt(1 + eps/m)-Lipschitz in d_M* (the tight factor is sqrt(lambda_max(M*^-1 M_hat))). Data: label agreement \
         with sign<M*, A_t> and the top-r eigenvalues of (1/(6n)) sum_t y_t A_t. A rational U with \
         min_t y_t <UU^T, A_t> > 0 proves that l has no minimiser. S1 (r = 1): the empirical minimiser U_hat by \
         Krawczyk, its Hessian positive definite by inertia, |U_hat U_hat^T - M*|_F, and the GD orbit from the spectral \
         start in intervals with e_(k+1) <= rho e_k at every step, e_k = |U_k U_k^T - U_hat U_hat^T|_F. S1 (r = 2, \
         gauge-fixed): Krawczyk on a slice U_(a,2) = v transversal to the orbits {UQ}, which with gauge invariance gives \
         grad l(U_hat) = 0; the slice Hessian positive definite on the box; mu_h = lambda_2, L_h = lambda_max of the \
         Hessian at U_hat (lambda_1 = 0 along U_hat Omega), the local GD rate modulo the gauge and \
         |U_hat U_hat^T - M*|_F (no interval orbit). Model derived from the \
         abstract (theorems.md), not from the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "S3 fairness transfer; data and spectral initialisation; existence of a minimiser; S1 local convergence"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let int = |key, min, max, default, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default,
            required: false,
            help,
        };
        let text = |key, help| ParamSpec {
            key,
            kind: Kind::Text,
            default: None,
            required: false,
            help,
        };
        let diag = |key, help| ParamSpec {
            key,
            kind: Kind::Rationals {
                min_len: 1,
                max_len: MAX_DIM,
            },
            default: None,
            required: false,
            help,
        };
        let rat = |key, default, help| ParamSpec {
            key,
            kind: Kind::Rational { positive: true },
            default,
            required: false,
            help,
        };
        vec![
            diag("truth", "the diagonal of M* (or give truth_file)"),
            text(
                "truth_file",
                "M* as a matrix file (CSV, JSON, .npy), relative to the instance",
            ),
            diag(
                "estimate",
                "S3: the diagonal of M_hat (or give estimate_file)",
            ),
            text("estimate_file", "S3: M_hat as a matrix file"),
            rat(
                "epsilon",
                None,
                "S3: the perturbation bound ε > 0 with ‖M̂ − M*‖₂ ≤ ε",
            ),
            rat("floor", None, "S3: m > 0 with M* ⪰ mI"),
            rat(
                "lipschitz",
                Some("1"),
                "S3: the Lipschitz constant L of h in d_M̂",
            ),
            int(
                "seed",
                0,
                i64::MAX,
                None,
                "SplitMix64 seed of the items and triplets",
            ),
            int(
                "items",
                3,
                MAX_ITEMS,
                Some("200"),
                "number m of items (seeded data)",
            ),
            int(
                "triplets",
                1,
                MAX_TRIPLETS,
                None,
                "number n of triplets (seeded data)",
            ),
            text(
                "items_file",
                "item features, one item a row (m×d), instead of the seed",
            ),
            text(
                "triplets_file",
                "triplets, one a row: i, j, k (0-based item rows), y = 1 or -1",
            ),
            int("rank", 1, MAX_RANK, Some("1"), "the rank r of U"),
            rat("eta", Some("0.05"), "the GD step size η"),
            int(
                "gd_steps",
                1,
                100_000,
                Some("200"),
                "GD steps from the spectral start",
            ),
            rat(
                "rho",
                None,
                "S1: the per-step contraction factor ρ to certify, e_(k+1) ≤ ρ e_k",
            ),
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/bradley-terry-metric/b3.toml",
            DEFAULT_INSTANCE,
        )
    }
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        Some(self)
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        Ok(certify(&inst, opts))
    }
    fn matrices(&self, params: &Params) -> BTreeMap<String, MatrixRecord> {
        let mut out = BTreeMap::new();
        let Ok(inst) = Inst::from_params(params) else {
            return out;
        };
        let rec = |m: &QMat| MatrixRecord {
            rows: m.rows,
            cols: m.cols,
            entries: m.data.iter().map(format_exact).collect(),
        };
        out.insert("truth".into(), rec(&inst.truth));
        if let Some(e) = &inst.estimate {
            out.insert("estimate".into(), rec(e));
        }
        if let Some(d) = &inst.data {
            let (items, triplets) = data_matrices(d);
            out.insert("items".into(), rec(&items));
            out.insert("triplets".into(), rec(&triplets));
        }
        out
    }
}

/// The data as the two matrices a certificate records: items (`m×d`) and triplets (`n×4`: i, j, k, y).
pub fn data_matrices(d: &Data) -> (QMat, QMat) {
    let m = d.items.len() / d.dim;
    let items = QMat::new(m, d.dim, d.items.clone());
    let t: Vec<Q> = d
        .triplets
        .iter()
        .flat_map(|t| {
            [t.i as i64, t.j as i64, t.k as i64, t.y as i64]
                .into_iter()
                .map(q_int)
        })
        .collect();
    (items, QMat::new(d.triplets.len(), 4, t))
}

/// Data from the two matrices; the error names the matrix, the row and what is wrong.
pub fn data_from_matrices(items: &QMat, triplets: &QMat) -> Result<Data, String> {
    if triplets.cols != 4 {
        return Err(format!(
            "triplets: {} columns, expected 4 (i, j, k, y)",
            triplets.cols
        ));
    }
    let m = items.rows;
    let mut out = Vec::with_capacity(triplets.rows);
    for r in 0..triplets.rows {
        let idx = |c: usize| -> Result<usize, String> {
            let v = triplets.get(r, c);
            if !v.is_integer() || v.is_negative() || *v >= q_int(m as i64) {
                return Err(format!(
                    "triplets: row {}, column {}: `{}` is not an item index in 0..{m}",
                    r + 1,
                    c + 1,
                    format_exact(v)
                ));
            }
            Ok(v.to_integer().try_into().unwrap_or(0usize))
        };
        let (i, j, k) = (idx(0)?, idx(1)?, idx(2)?);
        if i == j || j == k || i == k {
            return Err(format!(
                "triplets: row {}: the items i, j, k must be pairwise distinct",
                r + 1
            ));
        }
        let y = triplets.get(r, 3);
        let y = if *y == q_int(1) {
            1
        } else if *y == q_int(-1) {
            -1
        } else {
            return Err(format!(
                "triplets: row {}, column 4: the label must be 1 or -1, got `{}`",
                r + 1,
                format_exact(y)
            ));
        };
        out.push(Triplet { i, j, k, y });
    }
    if out.is_empty() {
        return Err("triplets: no triplet".into());
    }
    Ok(Data {
        dim: items.cols,
        items: items.data.clone(),
        triplets: out,
    })
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub truth: QMat,
    pub estimate: Option<QMat>,
    pub epsilon: Option<Q>,
    pub floor: Option<Q>,
    pub lipschitz: Q,
    pub data: Option<Data>,
    pub rank: usize,
    pub eta: Q,
    pub gd_steps: usize,
    pub rho: Option<Q>,
}

fn diag_matrix(d: &[Q]) -> QMat {
    QMat::from_fn(d.len(), d.len(), |i, j| {
        if i == j {
            d[i].clone()
        } else {
            Q::zero()
        }
    })
}

/// A path of the instance, relative to the instance file unless it came from `--set`.
fn resolve(p: &Params, key: &str, file: &str) -> std::path::PathBuf {
    let src = p.source_of(key);
    match Path::new(src).parent() {
        Some(dir) if Path::new(file).is_relative() && src != "--set" => dir.join(file),
        _ => Path::new(file).to_path_buf(),
    }
}

fn read(p: &Params, key: &str) -> Result<Option<QMat>, InputError> {
    let Some(crate::theorems::instance::Value::Text(f)) = p.values.get(key) else {
        return Ok(None);
    };
    crate::linalg::io::read_matrix(&resolve(p, key, f))
        .map(Some)
        .map_err(|e| p.error(key, e.to_string()))
}

/// A symmetric matrix from `diag_key` or `file_key` (exactly one), `None` if neither.
fn symmetric(p: &Params, diag_key: &str, file_key: &str) -> Result<Option<QMat>, InputError> {
    let m = match (p.qs(diag_key), read(p, file_key)?) {
        (Some(_), Some(_)) => {
            return Err(p.error(
                diag_key,
                format!("give either `{diag_key}` or `{file_key}`, not both"),
            ))
        }
        (Some(d), None) => diag_matrix(d),
        (None, Some(m)) => m,
        (None, None) => return Ok(None),
    };
    if !m.is_square() || m.rows > MAX_DIM {
        return Err(p.error(
            file_key,
            format!(
                "{}x{}: expected a square matrix of size at most {MAX_DIM}",
                m.rows, m.cols
            ),
        ));
    }
    if let Some((i, j)) = m.asymmetry() {
        return Err(p.error(
            file_key,
            format!(
                "the matrix must be exactly symmetric, but entry ({}, {}) differs from ({}, {})",
                i + 1,
                j + 1,
                j + 1,
                i + 1
            ),
        ));
    }
    Ok(Some(m))
}

impl Inst {
    pub fn from_params(p: &Params) -> Result<Self, InputError> {
        let truth = symmetric(p, "truth", "truth_file")?
            .ok_or_else(|| p.error("truth", "missing: give `truth` or `truth_file`"))?;
        let d = truth.rows;
        let estimate = symmetric(p, "estimate", "estimate_file")?;
        if let Some(e) = &estimate {
            if e.rows != d {
                return Err(p.error("estimate", format!("M̂ is {0}x{0}, M* is {d}x{d}", e.rows)));
            }
        }
        let rank = p.int("rank").unwrap_or(1) as usize;
        if rank > d {
            return Err(p.error("rank", format!("r = {rank} exceeds the dimension {d}")));
        }
        let data = match (read(p, "items_file")?, read(p, "triplets_file")?) {
            (Some(items), Some(triplets)) => {
                if items.cols != d {
                    return Err(p.error(
                        "items_file",
                        format!("{} columns, expected d = {d} (the size of M*)", items.cols),
                    ));
                }
                Some(
                    data_from_matrices(&items, &triplets)
                        .map_err(|m| p.error("triplets_file", m))?,
                )
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(p.error(
                    "items_file",
                    "give both items_file and triplets_file, or a seed",
                ))
            }
            (None, None) => match p.int("seed") {
                Some(seed) => {
                    let n = p
                        .int("triplets")
                        .ok_or_else(|| p.error("triplets", "a seeded instance needs `triplets`"))?;
                    let truth_f: Vec<f64> = truth.data.iter().map(q_to_f64).collect();
                    Some(generate(
                        d,
                        &truth_f,
                        p.int("items").unwrap_or(200) as usize,
                        n as usize,
                        seed as u64,
                    ))
                }
                None => None,
            },
        };
        if estimate.is_none() && data.is_none() {
            return Err(p.error(
                "estimate",
                "nothing to certify: give `estimate` (S3) or data (`seed` or data files)",
            ));
        }
        Ok(Inst {
            truth,
            estimate,
            epsilon: p.q("epsilon").cloned(),
            floor: p.q("floor").cloned(),
            lipschitz: p.q("lipschitz").cloned().unwrap_or_else(|| q_int(1)),
            data,
            rank,
            eta: p
                .q("eta")
                .cloned()
                .unwrap_or_else(|| Q::new(1.into(), 20.into())),
            gd_steps: p.int("gd_steps").unwrap_or(200) as usize,
            rho: p.q("rho").cloned(),
        })
    }
}

pub fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mut out = vec![];
    if let Some(est) = &inst.estimate {
        out.extend(fairness_claims(inst, est));
    }
    if let Some(data) = &inst.data {
        out.extend(data_claims(inst, data));
        out.extend(minimiser_claims(inst, data, opts));
    }
    out
}

/// The simplest rational (smallest denominator) in `[lo, hi]`, `0 <= lo <= hi`, by continued fractions.
fn simplest_between(lo: &Q, hi: &Q) -> Q {
    let fl = lo.floor();
    if fl == *lo || fl.clone() + q_int(1) <= *hi {
        return if fl == *lo { fl } else { fl + q_int(1) };
    }
    let rest = simplest_between(&(hi - &fl).recip(), &(lo - &fl).recip());
    fl + rest.recip()
}

/// `λ_max(M*⁻¹M̂)` for `M* ≻ 0`: the least `t` with `tM* − M̂ ⪰ 0`. Returns `[lo, hi]` with
/// `hi·M* − M̂ ⪰ 0` and either `lo < hi` with `lo·M* − M̂` not PSD, or `lo = hi` with the matrix PSD and
/// singular (the exact value).
pub fn generalized_max(truth: &QMat, est: &QMat) -> (Q, Q) {
    let n = truth.rows;
    let psd = |t: &Q| is_psd(&scaled_minus(t, &truth.data, &est.data), n);
    let (mut lo, mut hi) = (Q::zero(), q_int(1));
    while !psd(&hi) {
        lo = hi.clone();
        hi *= q_int(2);
    }
    // M̂ ⪰ 0 may make 0 feasible; start below then.
    if psd(&lo) {
        lo = -hi.clone();
        while psd(&lo) {
            lo *= q_int(2);
        }
    }
    for _ in 0..64 {
        let mid = (&lo + &hi) / q_int(2);
        if psd(&mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    if !lo.is_negative() {
        let s = simplest_between(&lo, &hi);
        if psd(&s) && determinant(&scaled_minus(&s, &truth.data, &est.data), n).is_zero() {
            return (s.clone(), s);
        }
    }
    (lo, hi)
}

fn fairness_claims(inst: &Inst, est: &QMat) -> Vec<Claim> {
    let mut out = vec![];
    let n = inst.truth.rows;
    let psd = is_psd(&inst.truth.data, n) && is_psd(&est.data, n);
    out.push(exact_claim(
        "S3.psd",
        Role::Hypothesis,
        "M* ⪰ 0 and M̂ ⪰ 0 (exact LDLᵀ elimination)",
        None,
        None,
        psd,
    ));
    let diff: Vec<Q> = est
        .data
        .iter()
        .zip(&inst.truth.data)
        .map(|(a, b)| a - b)
        .collect();
    let eps = match &inst.epsilon {
        Some(e) => e.clone(),
        None => return out,
    };
    out.push(exact_claim(
        "S3.perturbation",
        Role::Hypothesis,
        format!(
            "‖M̂ − M*‖₂ ≤ ε = {}: εI − (M̂ − M*) and εI + (M̂ − M*) are positive semidefinite (exact)",
            fmt_q(&eps)
        ),
        Some(&eps),
        None,
        spectral_norm_at_most(&diff, n, &eps),
    ));
    let Some(m) = &inst.floor else {
        return out;
    };
    let eye = QMat::identity(n);
    out.push(exact_claim(
        "S3.floor",
        Role::Hypothesis,
        format!("M* ⪰ mI with m = {} > 0 (exact)", fmt_q(m)),
        Some(m),
        None,
        is_psd(
            &inst
                .truth
                .data
                .iter()
                .zip(&eye.data)
                .map(|(a, e)| a - m * e)
                .collect::<Vec<_>>(),
            n,
        ),
    ));
    // L·sqrt(1 + ε/m), enclosed at 128 bits; the kernel recomputes it with its own square root.
    let unit = RatInterval::unit(128);
    let c = unit.constant(&(q_int(1) + &eps / m)).sqrt() * &unit.constant(&inst.lipschitz);
    let mut cl = claim(
        "S3.constant",
        Role::Conclusion,
        format!(
            "|h(x) − h(x')| ≤ C·d_M*(x, x') for every h that is L-Lipschitz in d_M̂ (L = {}), with C = L·sqrt(1 + ε/m)",
            fmt_q(&inst.lipschitz)
        ),
        publish(&c),
        None,
        "mpfr:128",
        Witness::Exact,
    );
    let (lo, hi) = generalized_max(&inst.truth, est);
    let tight =
        RatInterval::new(lo.clone(), hi.clone(), 128).sqrt() * &unit.constant(&inst.lipschitz);
    cl.note = Some(format!(
        "valid, not tight: the least such constant is L·sqrt(λ_max(M*⁻¹M̂)) ∈ {} (claim S3.tight)",
        super::box_display(&tight)
    ));
    out.push(cl);
    out.push(claim(
        "S3.tight",
        Role::Conclusion,
        "the least constant L·sup_{x≠x'} d_M̂/d_M* = L·sqrt(λ_max(M*⁻¹M̂)) (λ_max by exact PSD tests of tM* − M̂)",
        publish(&tight),
        None,
        "mpfr:128",
        Witness::Bracket {
            index: n,
            lower: Box::new(Witness::Point {
                point: vec![format_exact(&lo)],
            }),
            upper: Box::new(Witness::Point {
                point: vec![format_exact(&hi)],
            }),
        },
    ));
    out
}

fn data_claims(inst: &Inst, data: &Data) -> Vec<Claim> {
    let n = data.n();
    let ip = data.inner_products(&inst.truth.data);
    let agree = data
        .triplets
        .iter()
        .zip(&ip)
        .filter(|(t, s)| q_int(t.y as i64) * *s > Q::zero())
        .count();
    let frac = Q::new((agree as i64).into(), (n as i64).into());
    vec![exact_claim(
        "data.agreement",
        Role::Conclusion,
        format!("the fraction of the {n} labels with y_t⟨M*, A_t⟩ > 0 ({agree} of {n}; exact)"),
        Some(&frac),
        None,
        true,
    )]
}

/// The spectral start `U_0`: the top-r eigenvectors of `(1/(6n)) Σ y_t A_t` scaled by the square
/// roots of their eigenvalues (clipped at 0), each column's largest entry positive; with the
/// brackets of those eigenvalues (claims `init.eigenvalue.k`).
fn spectral_start(data: &Data, rank: usize) -> (Vec<f64>, Vec<Claim>) {
    let d = data.dim;
    let a = linalg::enclose(&QMat::new(d, d, data.spectral_matrix()));
    let mid = faer::Mat::from_fn(d, d, |i, j| a.mid[(i, j)]);
    let Ok((lam, v)) = linalg::eig::approximate_eigen(&mid) else {
        return (vec![0.0; d * rank], vec![]);
    };
    let scale = lam.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-300);
    let mut u0 = vec![0.0; d * rank];
    let mut out = vec![];
    for c in 0..rank {
        let col = d - 1 - c;
        let big = (0..d)
            .max_by(|&x, &y| v[(x, col)].abs().total_cmp(&v[(y, col)].abs()))
            .unwrap_or(0);
        let sign = if v[(big, col)] < 0.0 { -1.0 } else { 1.0 };
        for i in 0..d {
            u0[i * rank + c] = sign * v[(i, col)] * lam[col].max(0.0).sqrt();
        }
        let index = col + 1;
        let id = format!("init.eigenvalue.{}", c + 1);
        let stmt = format!(
            "eigenvalue {} (from the top) of the spectral matrix (1/(6n)) Σ_t y_t A_t (exact matrix; inertia bracket)",
            c + 1
        );
        out.push(match bracket(&a, index, lam[col], scale) {
            Some((lo, cl, hi, ch)) => {
                let mut cm = claim(
                    &id,
                    Role::Conclusion,
                    stmt,
                    Some((lo.clone(), hi.clone())),
                    None,
                    "exact",
                    Witness::Bracket {
                        index,
                        lower: Box::new(congruence_witness(SPECTRAL, &lo, &cl)),
                        upper: Box::new(congruence_witness(SPECTRAL, &hi, &ch)),
                    },
                );
                cm.note = Some(format!(
                    "U_0 column {} (estimate) = {:?}",
                    c + 1,
                    (0..d)
                        .map(|i| format!("{:.5}", u0[i * rank + c]))
                        .collect::<Vec<_>>()
                ));
                cm
            }
            None => claim(
                &id,
                Role::Conclusion,
                stmt,
                None,
                None,
                "exact",
                Witness::None,
            ),
        });
    }
    (u0, out)
}

/// `steps` GD steps `U ← U − η∇ℓ(U)` in binary64 (an estimate), returning every iterate.
fn gd_f64(loss: &BtLoss, u0: &[f64], eta: f64, steps: usize) -> Vec<Vec<f64>> {
    let cst = |v: &f64| FirstOrder { v: *v, g: vec![] };
    type Arms = Vec<(Vec<FirstOrder<f64>>, Vec<FirstOrder<f64>>)>;
    let lift: Arms = loss
        .arms_in(&0.0f64)
        .iter()
        .map(|(p, q)| (p.iter().map(cst).collect(), q.iter().map(cst).collect()))
        .collect();
    let mut u = u0.to_vec();
    let mut out = vec![u.clone()];
    for _ in 0..steps {
        let x = FirstOrder::seed(&u);
        let g = loss.value_with(&lift, &x).gradient(u.len());
        for (ui, gi) in u.iter_mut().zip(&g) {
            *ui -= eta * gi;
        }
        out.push(u.clone());
    }
    out
}

/// A rational near `x` with 40 significant bits.
fn round40(x: f64) -> Option<Q> {
    q_from_f64(x).map(|q| crate::arith::ratinterval::round_rel(&q, 40, false))
}

fn minimiser_claims(inst: &Inst, data: &Data, opts: &RunOptions) -> Vec<Claim> {
    let r = inst.rank;
    let (u0, mut out) = spectral_start(data, r);
    let loss = BtLoss::new(data, r);
    let eta = q_to_f64(&inst.eta);
    let traj = gd_f64(&loss, &u0, eta, inst.gd_steps);
    let last = &traj[traj.len() - 1];
    // Separation: a rational U with every margin positive proves that ℓ has no minimiser.
    if let Some(uq) = last.iter().map(|v| round40(*v)).collect::<Option<Vec<Q>>>() {
        if let Some(margin) = min_margin(data, &uq, r) {
            if margin.is_positive() {
                let mut c = claim(
                    "H.minimiser",
                    Role::Hypothesis,
                    format!(
                        "ℓ has a minimiser only if no U separates the labels; the witness U (GD iterate {} rounded to rationals) has min_t y_t⟨UUᵀ, A_t⟩ (exact) — positive, so ℓ(cU) → 0 as c → ∞ while ℓ > 0: no minimiser",
                        inst.gd_steps
                    ),
                    Some((margin.clone(), margin)),
                    bound_q("<=", &Q::zero()),
                    "exact",
                    Witness::Point {
                        point: uq.iter().map(format_exact).collect(),
                    },
                );
                c.arithmetic = "exact".into();
                out.push(c);
                return out;
            }
        }
    }
    // The gauge: for r = 2, U ↦ UQ (Q ∈ O(2)) moves U along UΩ, Ω = [[0, 1], [−1, 0]], whose
    // coordinate (a, 2) is U_(a,1). Fixing U_(a,2) at the row a with the largest |U_(a,1)| gives a
    // slice transversal to the orbits (claim S1.gauge).
    let (fixed, values) = match r {
        1 => (vec![], vec![]),
        2 => {
            let a = (0..data.dim)
                .max_by(|&x, &y| last[2 * x].abs().total_cmp(&last[2 * y].abs()))
                .unwrap_or(0);
            match round40(last[2 * a + 1]) {
                Some(v) => (vec![2 * a + 1], vec![v]),
                None => {
                    out.extend(
                        undecided_all(
                            &S1_SLICE_IDS,
                            "the GD iterate is not finite",
                            &opts.arith.to_string(),
                        )
                        .0,
                    );
                    return out;
                }
            }
        }
        _ => {
            out.push(claim(
                "S1.stationary",
                Role::Conclusion,
                "S1 is certified for r <= 2 only in this version (the O(r) gauge of r > 2 needs a larger slice)",
                None,
                None,
                &opts.arith.to_string(),
                Witness::None,
            ));
            return out;
        }
    };
    let obj = Sliced {
        loss: &loss,
        fixed,
        values,
    };
    let free: Vec<f64> = (0..last.len())
        .filter(|i| !obj.fixed.contains(i))
        .map(|i| last[i])
        .collect();
    let ids: &[&str] = if obj.fixed.is_empty() {
        &S1_IDS
    } else {
        &S1_SLICE_IDS
    };
    let guess = match newton(&obj, &free, 50) {
        Ok(g) => g,
        Err(e) => {
            out.extend(
                undecided_all(
                    ids,
                    &format!("Newton's method failed: {e}"),
                    &opts.arith.to_string(),
                )
                .0,
            );
            return out;
        }
    };
    if !obj.fixed.is_empty() {
        // No interval GD orbit for r > 1 in this version (too slow for the kernel).
        out.extend(escalate(
            opts,
            &S1Task {
                loss: &loss,
                obj: &obj,
                guess,
                truth: &inst.truth,
                eta: inst.eta.clone(),
                rho: inst.rho.clone(),
                traj: vec![],
                start: vec![],
            },
        ));
        return out;
    }
    let start: Option<Vec<Q>> = u0.iter().map(|v| round40(*v)).collect();
    let Some(start) = start else {
        out.extend(
            undecided_all(
                &S1_IDS,
                "the spectral start is not finite",
                &opts.arith.to_string(),
            )
            .0,
        );
        return out;
    };
    let start_f: Vec<f64> = start.iter().map(q_to_f64).collect();
    out.extend(escalate(
        opts,
        &S1Task {
            loss: &loss,
            obj: &obj,
            guess,
            truth: &inst.truth,
            eta: inst.eta.clone(),
            rho: inst.rho.clone(),
            traj: gd_f64(&loss, &start_f, eta, inst.gd_steps),
            start,
        },
    ));
    out
}

/// The S1 claims for r = 2 (gauge-fixed; no interval orbit).
const S1_SLICE_IDS: [&str; 7] = [
    "S1.gauge",
    "S1.stationary",
    "S1.hessian_pd",
    "S1.hessian_min",
    "S1.hessian_max",
    "S1.local_rate",
    "S1.distance",
];

/// `ℓ` on the slice where the coordinates `fixed` (ascending, row-major in `U`) equal `values`;
/// all of `R^{dr}` when `fixed` is empty.
pub struct Sliced<'a> {
    pub loss: &'a BtLoss,
    pub fixed: Vec<usize>,
    pub values: Vec<Q>,
}

impl crate::methods::stationary::Objective for Sliced<'_> {
    fn dim(&self) -> usize {
        self.loss.dim() - self.fixed.len()
    }
    fn value<T: Elementary>(&self, theta: &[T]) -> T {
        if self.fixed.is_empty() {
            return self.loss.value(theta);
        }
        let v: Vec<T> = self.values.iter().map(|q| theta[0].constant(q)).collect();
        self.loss.value(&embed(theta, &self.fixed, &v))
    }
}

/// The name of `∇²ℓ` (all `dr` coordinates) over the Krawczyk box in congruence witnesses (r > 1).
pub const FULL_HESSIAN: &str = "hessian(all coordinates, S1.stationary)";

const S1_IDS: [&str; 8] = [
    "S1.stationary",
    "S1.hessian_pd",
    "S1.hessian_min",
    "S1.hessian_max",
    "S1.local_rate",
    "S1.distance",
    "S1.orbit",
    "S1.contraction",
];

/// The name of `∇²ℓ` over the Krawczyk box in congruence witnesses.
pub const HESSIAN: &str = "hessian(S1.stationary)";

struct S1Task<'a> {
    loss: &'a BtLoss,
    obj: &'a Sliced<'a>,
    guess: Vec<f64>,
    truth: &'a QMat,
    eta: Q,
    rho: Option<Q>,
    /// The exact start of the certified orbit and the binary64 orbit from it (for the hulls).
    start: Vec<Q>,
    traj: Vec<Vec<f64>>,
}

/// GD steps per Hessian hull in orbit witnesses.
pub const ORBIT_BLOCK: usize = 10;

/// `x` widened by `2^-20` of its width plus `2^-50` of its magnitude: room for the kernel's own
/// rounding of the same mean-value form.
fn padded<S: Arith>(x: &S) -> Option<S> {
    let (lo, hi) = x.bounds()?;
    let mag = if lo.clone().abs() > hi.clone().abs() {
        lo.clone().abs()
    } else {
        hi.clone().abs()
    };
    let pad = (&hi - &lo) * crate::arith::exact::pow2(-20) + mag * crate::arith::exact::pow2(-50);
    Some(x.from_bounds(&(lo - &pad), &(hi + &pad)))
}

impl S1Task<'_> {
    /// The orbit boxes and the Hessian hulls, or why they could not be built.
    #[allow(clippy::type_complexity)]
    fn orbit<S: Arith>(&self, unit: &S) -> Result<(Vec<Vec<S>>, Vec<Vec<S>>), String> {
        let arms = self.loss.arms_in(unit);
        let eta = unit.constant(&self.eta);
        let steps = self.traj.len() - 1;
        let mut x: Vec<S> = self.start.iter().map(|q| unit.constant(q)).collect();
        let (mut boxes, mut hulls) = (vec![x.clone()], vec![]);
        let mut hess = vec![];
        for k in 0..steps {
            if k % ORBIT_BLOCK == 0 {
                let block = &self.traj[k..=(k + ORBIT_BLOCK).min(steps)];
                let hull: Vec<S> = (0..x.len())
                    .map(|i| {
                        let lo = block.iter().map(|u| u[i]).fold(f64::INFINITY, f64::min);
                        let hi = block.iter().map(|u| u[i]).fold(f64::NEG_INFINITY, f64::max);
                        let pad = 1e-3 * (hi - lo) + 1e-6 * (1.0 + hi.abs().max(lo.abs()));
                        let (l, h) = (round40(lo - pad)?, round40(hi + pad)?);
                        Some(unit.from_bounds(&l, &h))
                    })
                    .collect::<Option<_>>()
                    .ok_or("the binary64 orbit is not finite")?;
                hess = self.loss.hessian_with(&arms, &hull);
                hulls.push(hull);
            }
            let hull = &hulls[hulls.len() - 1];
            if !x.iter().zip(hull).all(|(a, b)| a.subset(b)) {
                return Err(format!("step {k}: the box left its Hessian hull"));
            }
            let m: Vec<S> = x
                .iter()
                .map(|v| {
                    let (lo, hi) = v.bounds()?;
                    Some(unit.constant(&((lo + hi) / q_int(2))))
                })
                .collect::<Option<_>>()
                .ok_or("an unbounded box")?;
            x = crate::spec::bradley_terry::gd_box_step(self.loss, &arms, &eta, &x, &m, &hess)
                .iter()
                .map(padded)
                .collect::<Option<_>>()
                .ok_or("an unbounded box")?;
            boxes.push(x.clone());
        }
        Ok((boxes, hulls))
    }

    /// `S1.orbit` and `S1.contraction` against the minimiser's tight box.
    fn orbit_claims<S: Arith>(&self, unit: &S, tight: &[S]) -> Vec<Claim> {
        let arith = unit.arith_name();
        let ids = ["S1.orbit", "S1.contraction"];
        let (boxes, hulls) = match self.orbit(unit) {
            Ok(o) => o,
            Err(e) => return undecided_all(&ids, &format!("interval GD orbit: {e}"), &arith).0,
        };
        let e: Vec<S> = boxes.iter().map(|b| gap(b, tight, 1)).collect();
        let (mut r_lo, mut r_hi): (Option<Q>, Option<Q>) = (Some(Q::zero()), Some(Q::zero()));
        for k in 0..e.len() - 1 {
            let ratio = e[k + 1].clone() / &e[k];
            match ratio.bounds() {
                Some((lo, hi)) if e[k].bounds().is_some_and(|(l, _)| l > Q::zero()) => {
                    r_lo = r_lo.map(|v| v.max(lo));
                    r_hi = r_hi.map(|v| v.max(hi));
                }
                _ => (r_lo, r_hi) = (None, None),
            }
        }
        let Some(enc) = boxes
            .iter()
            .map(|b| box_encl(b))
            .collect::<Option<Vec<_>>>()
        else {
            return undecided_all(&ids, "an unbounded orbit box", &arith).0;
        };
        let Some(hull_enc) = hulls
            .iter()
            .map(|b| box_encl(b))
            .collect::<Option<Vec<_>>>()
        else {
            return undecided_all(&ids, "an unbounded hull", &arith).0;
        };
        let steps = boxes.len() - 1;
        let mut orbit = claim(
            "S1.orbit",
            Role::Conclusion,
            format!(
                "GD U ← U − η∇ℓ(U) from the exact start U_0 (the spectral start rounded to 40 bits), {steps} steps in interval arithmetic (mean-value form): e_{steps} = ‖U_KU_Kᵀ − ÛÛᵀ‖_F ∈"
            ),
            publish(&e[steps]),
            None,
            &arith,
            Witness::GdOrbit {
                loss: "bradley_terry".into(),
                start: self.start.iter().map(format_exact).collect(),
                block: ORBIT_BLOCK,
                boxes: enc,
                hulls: hull_enc,
            },
        );
        orbit.note = Some(format!("e_0 ∈ {}", super::box_display(&e[0])));
        let contraction = claim(
            "S1.contraction",
            Role::Conclusion,
            format!("max_(k<{steps}) e_(k+1)/e_k, e_k = ‖U_kU_kᵀ − ÛÛᵀ‖_F against the Krawczyk box of Û: e_(k+1) ≤ ρ e_k at every step"),
            r_lo.zip(r_hi),
            self.rho.as_ref().and_then(|r| bound_q("<=", r)),
            &arith,
            uses("S1.orbit"),
        );
        vec![orbit, contraction]
    }
}

impl crate::methods::stationary::Objective for BtLoss {
    fn dim(&self) -> usize {
        BtLoss::dim(self)
    }
    fn value<T: Elementary>(&self, theta: &[T]) -> T {
        BtLoss::value(self, theta)
    }
}

/// `[lo − w, hi + w] ∩ outer` with `w` the width of `[lo, hi]`: room for the kernel's own
/// rounding of the Krawczyk operator.
fn widened<S: Arith>(t: &S, outer: &S) -> Option<S> {
    let (lo, hi) = t.bounds()?;
    let (olo, ohi) = outer.bounds()?;
    let w = (&hi - &lo) + crate::arith::exact::pow2(-900);
    let lo = if lo.clone() - &w > olo { lo - &w } else { olo };
    let hi = if hi.clone() + &w < ohi { hi + &w } else { ohi };
    Some(t.from_bounds(&lo, &hi))
}

/// `|x|` as an exact interval.
fn abs_bounds<S: Arith>(x: &S) -> Option<(Q, Q)> {
    let (lo, hi) = x.bounds()?;
    Some(if lo.is_positive() {
        (lo, hi)
    } else if hi.is_negative() {
        (-hi, -lo)
    } else {
        (Q::zero(), (-lo).max(hi))
    })
}

impl Task for S1Task<'_> {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let arith = unit.arith_name();
        let sliced = !self.obj.fixed.is_empty();
        let ids: &[&str] = if sliced { &S1_SLICE_IDS } else { &S1_IDS };
        let n = crate::methods::stationary::Objective::dim(self.obj);
        let p: StationaryPoint<S> = match prove_stationary_point(self.obj, unit, &self.guess) {
            Ok(p) => p,
            Err(e) => return undecided_all(ids, &format!("Krawczyk: {e}"), &arith),
        };
        let x: Vec<S> = p
            .center
            .iter()
            .zip(&p.radius)
            .map(|(c, r)| unit.from_bounds(&(c - r), &(c + r)))
            .collect();
        let Some(tight) = p
            .tight
            .iter()
            .zip(&x)
            .map(|(t, xi)| widened(t, xi))
            .collect::<Option<Vec<S>>>()
        else {
            return undecided_all(ids, "the stationary point is unbounded", &arith);
        };
        let Some(tight_e) = box_encl(&tight) else {
            return undecided_all(ids, "the stationary point is unbounded", &arith);
        };
        let vals: Vec<S> = self.obj.values.iter().map(|q| unit.constant(q)).collect();
        let (x_full, tight_full) = (
            embed(&x, &self.obj.fixed, &vals),
            embed(&tight, &self.obj.fixed, &vals),
        );
        let r = self.loss.rank;
        let mut out = vec![];
        if let [fixed] = self.obj.fixed[..] {
            // r = 2: the orbit direction UΩ has coordinate `fixed` = (a, 2) equal to U_(a,1).
            let (a, v) = (fixed / 2, &self.obj.values[0]);
            out.push(claim(
                "S1.gauge",
                Role::Hypothesis,
                format!(
                    "the slice U_({0},2) = v ≈ {1:.6} (exact v in the witness) is transversal to the gauge orbits {{UQ}} on the Krawczyk box: the orbit direction UΩ (Ω = [[0, 1], [−1, 0]]) has coordinate ({0},2) equal to U_({0},1), and |U_({0},1)| over the box is",
                    a + 1,
                    q_to_f64(v)
                ),
                abs_bounds(&x_full[2 * a]),
                bound_q(">", &Q::zero()),
                &arith,
                Witness::Slice {
                    stationary: "S1.stationary".into(),
                    fixed: self.obj.fixed.clone(),
                    values: self.obj.values.iter().map(format_exact).collect(),
                },
            ));
        }
        let what = if sliced {
            format!(
                "the gradient of ℓ restricted to the slice (S1.gauge; {n} free coordinates) has exactly one zero Û in the box center ± {} (Krawczyk, ‖I − C∇²ℓ(X)‖∞ ≈ {:.1e}); by gauge invariance, ⟨∇ℓ(U), UΩ⟩ = 0, ∇ℓ(Û) = 0 in all {} coordinates; ℓ(Û) ∈",
                crate::certificate::display_interval(&p.radius[0], &p.radius[0], 3),
                p.contraction,
                self.loss.dim()
            )
        } else {
            format!(
                "∇ℓ has exactly one zero Û in the box center ± {} (Krawczyk, ‖I − C∇²ℓ(X)‖∞ ≈ {:.1e}); ℓ(Û) ∈",
                crate::certificate::display_interval(&p.radius[0], &p.radius[0], 3),
                p.contraction
            )
        };
        let mut st = claim(
            "S1.stationary",
            Role::Conclusion,
            what,
            publish(&p.loss_over_box),
            None,
            &arith,
            Witness::Stationary {
                loss: if sliced {
                    "bradley_terry_slice".into()
                } else {
                    "bradley_terry".into()
                },
                center: p.center.iter().map(format_exact).collect(),
                radius: p.radius.iter().map(format_exact).collect(),
                tight: tight_e,
                preconditioner: p.preconditioner.iter().map(format_exact).collect(),
            },
        );
        st.note = Some(format!(
            "centre Û ≈ ({}); the kernel re-runs the test with ℓ, ∇ℓ and ∇²ℓ in its own MPFR intervals (exact rationals are too slow for {} logistic terms)",
            embed(
                &p.center.iter().map(q_to_f64).collect::<Vec<_>>(),
                &self.obj.fixed,
                &self.obj.values.iter().map(q_to_f64).collect::<Vec<_>>()
            )
            .iter()
            .map(|v| format!("{v:.6}"))
            .collect::<Vec<_>>()
            .join(", "),
            self.loss.labels.len()
        ));
        out.push(st);
        let Some(h) = enclosing_imat(n, &p.hessian_over_box) else {
            out.extend(
                undecided_all(
                    &ids[out.len()..],
                    "the Hessian over the box is unbounded",
                    &arith,
                )
                .0,
            );
            return ClaimGroup(out);
        };
        let pd_what = if sliced {
            "∇²ℓ restricted to the slice is positive definite on the whole Krawczyk box: no eigenvalue below 0 (LDLᵀ congruence), so Û is a strict local minimiser of ℓ on the slice, and its orbit {ÛQ} a strict local minimum set of ℓ"
        } else {
            "∇²ℓ is positive definite on the whole Krawczyk box: no eigenvalue below 0 (LDLᵀ congruence), so Û is a strict local minimiser"
        };
        out.push(match count_at(&h, &Q::zero()) {
            Some(c) => {
                let below = q_int(c.below as i64);
                claim(
                    "S1.hessian_pd",
                    Role::Hypothesis,
                    pd_what,
                    Some((below.clone(), below)),
                    bound_q("=", &Q::zero()),
                    &arith,
                    congruence_witness(HESSIAN, &Q::zero(), &c),
                )
            }
            None => claim(
                "S1.hessian_pd",
                Role::Hypothesis,
                "the LDLᵀ congruence did not decide",
                None,
                None,
                &arith,
                Witness::None,
            ),
        });
        // μ_h, L_h: r = 1, the extreme eigenvalues of ∇²ℓ over the Krawczyk box; r = 2, eigenvalues
        // 2 and dr of ∇²ℓ (all coordinates) over the Krawczyk box (eigenvalue 1 is 0, along ÛΩ).
        let (hm, name, first, last_index) = if sliced {
            let arms = self.loss.arms_in(unit);
            let nf = self.loss.dim();
            match enclosing_imat(nf, &self.loss.hessian_with(&arms, &x_full)) {
                Some(hf) => (hf, FULL_HESSIAN, 1 + r * (r - 1) / 2, nf),
                None => {
                    out.extend(
                        undecided_all(
                            &ids[out.len()..],
                            "the Hessian over the box is unbounded",
                            &arith,
                        )
                        .0,
                    );
                    return ClaimGroup(out);
                }
            }
        } else {
            (h, HESSIAN, 1, n)
        };
        let nh = last_index;
        let mid = faer::Mat::from_fn(nh, nh, |i, j| hm.mid[(i, j)]);
        let est = linalg::eig::approximate_eigen(&mid).ok().map(|(v, _)| v);
        let scale = est
            .as_ref()
            .map(|v| v.iter().fold(0.0f64, |m, x| m.max(x.abs())))
            .unwrap_or(1.0);
        let mut ends = vec![];
        let (min_what, max_what) = if sliced {
            (
                "μ_h = λ_2(∇²ℓ(Û)), the least eigenvalue of the horizontal Hessian (λ_1 = 0 along the gauge direction ÛΩ; inertia bracket of ∇²ℓ in all coordinates over the Krawczyk box)",
                "L_h = λ_max(∇²ℓ(Û)) (inertia bracket of ∇²ℓ in all coordinates over the Krawczyk box)",
            )
        } else {
            (
                "μ_h = λ_min(∇²ℓ(Û)) (inertia bracket over the box)",
                "L_h = λ_max(∇²ℓ(Û)) (inertia bracket over the box)",
            )
        };
        for (id, index, what, b) in [
            ("S1.hessian_min", first, min_what, bound_q(">", &Q::zero())),
            ("S1.hessian_max", last_index, max_what, None),
        ] {
            match est
                .as_ref()
                .and_then(|v| bracket(&hm, index, v[index - 1], scale))
            {
                Some((lo, cl, hi, ch)) => {
                    ends.push((lo.clone(), hi.clone()));
                    out.push(claim(
                        id,
                        Role::Conclusion,
                        what,
                        Some((lo.clone(), hi.clone())),
                        b,
                        &arith,
                        Witness::Bracket {
                            index,
                            lower: Box::new(congruence_witness(name, &lo, &cl)),
                            upper: Box::new(congruence_witness(name, &hi, &ch)),
                        },
                    ));
                }
                None => out.push(claim(
                    id,
                    Role::Conclusion,
                    "no inertia bracket decided the eigenvalue",
                    None,
                    None,
                    &arith,
                    Witness::None,
                )),
            }
        }
        if let [(mu_lo, mu_hi), (l_lo, l_hi)] = &ends[..] {
            let (a, b) = local_rate(&self.eta, (mu_lo, mu_hi), (l_lo, l_hi));
            let what = if sliced {
                format!(
                    "the local GD rate modulo the gauge, max(|1 − ημ_h|, |1 − ηL_h|) at Û (η = {}): the spectral radius of the Jacobian I − η∇²ℓ(Û) of GD on the horizontal space (it is 1 along ÛΩ)",
                    fmt_q(&self.eta)
                )
            } else {
                format!(
                    "the local GD rate max(|1 − ημ_h|, |1 − ηL_h|) at Û (η = {}): the spectral radius of the Jacobian of GD at Û",
                    fmt_q(&self.eta)
                )
            };
            out.push(claim(
                "S1.local_rate",
                Role::Conclusion,
                what,
                Some((a, b)),
                bound_q("<", &q_int(1)),
                &arith,
                uses("S1.hessian_min"),
            ));
        } else {
            out.extend(
                undecided_all(
                    &["S1.local_rate"],
                    "no bracket of the Hessian's extreme eigenvalues",
                    &arith,
                )
                .0,
            );
        }
        out.push(claim(
            "S1.distance",
            Role::Conclusion,
            "‖ÛÛᵀ − M*‖_F, the distance of the empirical minimiser's metric from the truth",
            publish(&distance_to(&tight_full, r, &self.truth.data)),
            None,
            &arith,
            uses("S1.stationary"),
        ));
        if !sliced {
            out.extend(self.orbit_claims(unit, &tight));
        }
        ClaimGroup(out)
    }
}
