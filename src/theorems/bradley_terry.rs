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
//! - S1 (r = 1): the empirical minimiser `Û` by Krawczyk, its Hessian positive definite by inertia,
//!   and `‖ÛÛᵀ − M*‖_F`.

use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{claim, exact_claim, fmt_q, publish, ClaimGroup, RunOptions, Theorem};
use crate::arith::exact::{format_exact, q_from_f64, q_to_f64, Q};
use crate::arith::{q_int, Arith, Elementary, Enclosure, RatInterval, Ring};
use crate::certificate::{Claim, MatrixRecord, Role, Witness};
use crate::linalg::{self, InertiaCount, QMat};
use crate::spec::bradley_terry::{
    determinant, generate, min_margin, scaled_minus, BtLoss, Data, Triplet,
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
         Krawczyk, its Hessian positive definite by inertia, and |U_hat U_hat^T - M*|_F. Model derived from the \
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
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (DEFAULT_INSTANCE, "b3.toml")
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
    let _ = inst;
    let _ = data;
    vec![]
}

fn minimiser_claims(inst: &Inst, data: &Data, opts: &RunOptions) -> Vec<Claim> {
    let _ = (inst, data, opts, min_margin, q_from_f64);
    let _: Option<(BtLoss, InertiaCount, ClaimGroup)> = None;
    let _ = linalg::enclose;
    vec![]
}

/// `Arith` and `Elementary` are used by the S1 claims.
#[allow(dead_code)]
fn _uses<S: Arith + Elementary + Enclosure>(_: &S) {}
