//! Paper 8: sample-efficient inductive matrix completion (Yang, Ma; arXiv 2605.17189).
//!
//! **Certified on one instance** (model and claims: `theorems.md`, Paper 8; instance: [`crate::spec::imc`]):
//! * `S.count`, `S.sigma_min` (hypotheses): `|Ω| >= ab` and `σ_min(𝒜) > 0` for `𝒜(Θ) = P_Ω(XΘYᵀ)`,
//!   by inertia brackets of the exact Gram matrix `𝒜*𝒜`; when `|Ω| < ab`, `σ_min = 0` exactly
//!   (rank ≤ |Ω|) and the theorem says nothing (`CONDITION_NOT_MET`). `S.sigma_max` likewise.
//! * `J.orbit`: the projected-GD iterates `(U_k, V_k)`, k <= K, from the recorded spectral start lie
//!   in MPFR-interval boxes; `J.inactive`: the boxes stay in `C = {‖U‖_F, ‖V‖_F <= R}`, so Π_C is the
//!   identity along the run.
//! * `J.additive.k`: `e_{k+1} <= ρ e_k + c`, `e_k = ‖Θ_k − Θ_ref‖_F`, for every k < K;
//!   `J.diff.k`: `‖Θ_{k+1} − Θ_k‖_F <= ρ_d ‖Θ_k − Θ_{k−1}‖_F` for 1 <= k < K.
//! * `I2.bound`: `‖Θ_K − Θ_ref‖_F <= (‖𝒜Θ_K − M_Ω‖ + ‖ε_Ω‖ + ν)/σ_min` (a-posteriori, exact),
//!   `I2.check` compares it with the true error, `I2.pinv` is the pseudo-inverse form
//!   `‖𝒜⁺(𝒜Θ_K − M_Ω)‖ + ‖𝒜⁺ε_Ω‖ + ν/σ_min`.

use super::congruence_witness;
use super::inertia::bracket;
use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{bound_q, claim, exact_claim, fmt_q, publish, RunOptions, Theorem};
use crate::arith::exact::{format_f64_hex, q_from_f64, q_to_f64, Q};
use crate::arith::{q_frac, q_int, Elementary, Enclosure, MpfrInterval, Ring};
use crate::certificate::{display_interval, Bound, Claim, Encl, MatrixRecord, Role, Witness};
use crate::linalg::{self, QMat};
use crate::methods::escalation::ArithChoice;
use crate::spec::imc::{i2_values, quantities, Data, Pgd, Setup};
use std::collections::BTreeMap;

pub mod audit;

pub struct InductiveMatrixCompletion;

const DEFAULT_INSTANCE: &str =
    include_str!("../../certificates/instances/inductive-matrix-completion/j1.toml");

/// Name of the Gram matrix `𝒜*𝒜` in congruence witnesses.
pub const GRAM: &str = "gram";
/// Name of the map of the orbit witness.
pub const MAP: &str = "imc_gd";
/// Default working precision of the iteration, in bits.
pub const DEFAULT_BITS: u32 = 384;

/// An instance, validated.
#[derive(Clone, Debug)]
pub struct Inst {
    pub setup: Setup,
    pub r: usize,
    pub eta: Q,
    pub steps: usize,
    pub rho: Q,
    pub additive: Q,
    pub diff_rate: Q,
    pub radius: Q,
}

fn int_param(params: &Params, key: &str) -> i64 {
    params.int(key).unwrap_or_default()
}

fn q_param(params: &Params, key: &str) -> Q {
    params.q(key).cloned().unwrap_or_default()
}

impl Inst {
    pub fn from_params(params: &Params) -> Result<Inst, InputError> {
        let n = int_param(params, "n") as usize;
        let a = int_param(params, "a") as usize;
        let angle = q_param(params, "angle");
        let spectrum = params.qs("spectrum").unwrap_or_default().to_vec();
        if 2 * a > n {
            return Err(params.error("a", format!("needs 2a <= n (the rotated side information uses DCT columns up to 2a), got a = {a}, n = {n}")));
        }
        if spectrum.len() > a {
            return Err(params.error(
                "spectrum",
                format!("rank {} exceeds a = {a}", spectrum.len()),
            ));
        }
        if spectrum.iter().any(|s| *s <= q_int(0)) {
            return Err(params.error("spectrum", "singular values must be > 0"));
        }
        let p = q_param(params, "p");
        if p > q_int(1) {
            return Err(params.error("p", "a sampling probability in (0, 1]"));
        }
        if angle < q_int(0) || angle > q_frac(3, 2) {
            return Err(params.error("angle", "an angle in [0, 1.5] (radians)"));
        }
        for key in ["sigma", "rho", "additive"] {
            if q_param(params, key) < q_int(0) {
                return Err(params.error(key, "must be >= 0"));
            }
        }
        Ok(Inst {
            setup: Setup {
                n1: n,
                n2: n,
                a,
                b: a,
                spectrum: spectrum.clone(),
                p,
                sigma: q_param(params, "sigma"),
                seed: int_param(params, "seed") as u64,
                angle,
            },
            r: spectrum.len(),
            eta: q_param(params, "eta"),
            steps: int_param(params, "steps") as usize,
            rho: q_param(params, "rho"),
            additive: q_param(params, "additive"),
            diff_rate: q_param(params, "diff_rate"),
            radius: q_param(params, "radius"),
        })
    }
}

impl Theorem for InductiveMatrixCompletion {
    fn id(&self) -> &'static str {
        "inductive-matrix-completion"
    }
    fn title(&self) -> &'static str {
        "Sample efficient inductive matrix completion with noise and inexact side information (Yang, Ma, arXiv 2605.17189)"
    }
    fn statement(&self) -> &'static str {
        "Inductive matrix completion M_Ω = P_Ω(X Θ_ref Yᵀ) + noise with side matrices X, Y (DCT-II columns in binary64, X optionally rotated out of the true subspace), projected GD on f(U,V) = (1/(2p))‖P_Ω(XUVᵀYᵀ − M)‖² + (1/8)‖UᵀU − VᵀV‖² from the spectral start. Hypotheses: |Ω| >= ab and σ_min(𝒜) > 0 for 𝒜(Θ) = P_Ω(XΘYᵀ) (inertia of 𝒜*𝒜). Conclusions: the iterates stay in C; e_{k+1} <= ρ e_k + c for e_k = ‖Θ_k − Θ_ref‖_F and every k < K; ‖Θ_{k+1} − Θ_k‖_F <= ρ_d ‖Θ_k − Θ_{k−1}‖_F; and the a-posteriori bound ‖Θ_K − Θ_ref‖_F <= (‖𝒜Θ_K − M_Ω‖ + ‖ε_Ω‖ + ν)/σ_min(𝒜) and its pseudo-inverse form [derived; theorems.md Paper 8, I1/I2]."
    }
    fn claim_groups(&self) -> &'static str {
        "S (sampling operator), J (projected GD per step), I2 (a-posteriori error)"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let int = |key, min, max, default, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default: Some(default),
            required: false,
            help,
        };
        let rat = |key, positive, default, help| ParamSpec {
            key,
            kind: Kind::Rational { positive },
            default: Some(default),
            required: false,
            help,
        };
        let audit_list = |key, min_len, max_len, help| ParamSpec {
            key,
            kind: Kind::Rationals { min_len, max_len },
            default: None,
            required: false,
            help,
        };
        let audit_int = |key, min, max, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default: None,
            required: false,
            help,
        };
        vec![
            int(
                "n",
                2,
                200,
                "60",
                "n1 = n2, the size of the completed matrix",
            ),
            int("a", 1, 12, "6", "a = b, the side-information dimension"),
            ParamSpec {
                key: "spectrum",
                kind: Kind::Rationals {
                    min_len: 1,
                    max_len: 12,
                },
                default: Some("3, 1.5"),
                required: false,
                help: "the singular values of Θ* (its rank r is their number)",
            },
            rat("p", true, "0.2", "the sampling probability p in (0, 1]"),
            rat("sigma", false, "0.01", "the noise level σ_ε >= 0"),
            int("seed", 0, i64::MAX, "1", "the SplitMix64 seed of Ω and ε"),
            rat(
                "angle",
                false,
                "0",
                "the angle (radians) of X out of the true subspace (0: exact side information)",
            ),
            rat("eta", true, "1/6", "the step size η"),
            int("steps", 1, 1000, "100", "the number K of GD steps"),
            rat("rho", false, "4/5", "ρ in the claim e_{k+1} <= ρ e_k + c"),
            rat(
                "additive",
                false,
                "1/50",
                "c in the claim e_{k+1} <= ρ e_k + c",
            ),
            rat(
                "diff_rate",
                true,
                "0.81",
                "ρ_d in ‖Θ_{k+1} − Θ_k‖ <= ρ_d ‖Θ_k − Θ_{k−1}‖",
            ),
            rat(
                "radius",
                true,
                "4",
                "the radius R of C = {‖U‖_F, ‖V‖_F <= R}",
            ),
            audit_list(
                "audit.sizes",
                1,
                16,
                "I3 audit: matrix sizes n1 = n2 (integers in [4, 400])",
            ),
            audit_list(
                "audit.dims",
                1,
                16,
                "I3 audit: side dimensions a = b (r <= a, 2a <= min n)",
            ),
            audit_list(
                "audit.ps",
                1,
                16,
                "I3 audit: sampling probabilities p in (0, 1]",
            ),
            audit_int(
                "audit.seeds",
                1,
                100_000,
                "I3 audit: number of seeds (0, 1, ...)",
            ),
            audit_int("audit.steps", 1, 100_000, "I3 audit: projected-GD steps K"),
            audit_list(
                "audit.slope_band",
                2,
                2,
                "I3 audit criterion: band [lo, hi] for the slopes",
            ),
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/inductive-matrix-completion/j1.toml",
            DEFAULT_INSTANCE,
        )
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        Ok(certify(&inst, opts))
    }
    fn matrices(&self, params: &Params) -> BTreeMap<String, MatrixRecord> {
        let Ok(inst) = Inst::from_params(params) else {
            return BTreeMap::new();
        };
        let data = inst.setup.build();
        let (u0, v0) = spectral_start(&data, inst.r, &inst.setup.p);
        let rec = |rows, cols, v: &[f64]| MatrixRecord {
            rows,
            cols,
            entries: v
                .iter()
                .map(|x| format_f64_hex(*x).unwrap_or_default())
                .collect(),
        };
        let mut m = BTreeMap::new();
        m.insert("U0".into(), rec(data.a, inst.r, &u0));
        m.insert("V0".into(), rec(data.b, inst.r, &v0));
        m
    }
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        Some(self)
    }
}

/// The spectral start: the top-r SVD `P̂Σ̂Q̂ᵀ` of `(1/p)XᵀP_Ω(M)Y` in binary64, `U_0 = P̂Σ̂^{1/2}`,
/// `V_0 = Q̂Σ̂^{1/2}` (signs fixed so that the largest entry of each column of P̂ is positive).
/// Approximate, and recorded exactly: the certified run starts from these binary64 numbers.
pub fn spectral_start(d: &Data, r: usize, p: &Q) -> (Vec<f64>, Vec<f64>) {
    let (a, b) = (d.a, d.b);
    let mut w = vec![0.0; a * b];
    for (&(i, j), m) in d.omega.iter().zip(&d.m) {
        let m = q_to_f64(m);
        for k in 0..a {
            for l in 0..b {
                w[k * b + l] += q_to_f64(&d.x[i * a + k]) * m * q_to_f64(&d.y[j * b + l]);
            }
        }
    }
    let p = q_to_f64(p);
    let wm = nalgebra::DMatrix::from_row_slice(a, b, &w) / p;
    let svd = wm.svd(true, true);
    let (Some(pu), Some(qvt)) = (svd.u, svd.v_t) else {
        return (vec![0.0; a * r], vec![0.0; b * r]);
    };
    let mut order: Vec<usize> = (0..svd.singular_values.len()).collect();
    order.sort_by(|&i, &j| {
        svd.singular_values[j]
            .partial_cmp(&svd.singular_values[i])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let (mut u0, mut v0) = (vec![0.0; a * r], vec![0.0; b * r]);
    for (c, &k) in order.iter().take(r).enumerate() {
        let s = svd.singular_values[k].sqrt();
        let big = (0..a)
            .max_by(|&i, &j| {
                pu[(i, k)]
                    .abs()
                    .partial_cmp(&pu[(j, k)].abs())
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(0);
        let sign = if pu[(big, k)] < 0.0 { -1.0 } else { 1.0 };
        for i in 0..a {
            u0[i * r + c] = sign * pu[(i, k)] * s;
        }
        for j in 0..b {
            v0[j * r + c] = sign * qvt[(k, j)] * s;
        }
    }
    (u0, v0)
}

/// `[√lo, √hi]` outward, as exact rationals.
fn sqrt_encl(lo: &Q, hi: &Q) -> (Q, Q) {
    let u = MpfrInterval::unit(128);
    let l = u.constant(lo).sqrt().bounds().map(|b| b.0);
    let h = u.constant(hi).sqrt().bounds().map(|b| b.1);
    (
        l.unwrap_or_default(),
        h.unwrap_or_else(|| hi.clone() + q_int(1)),
    )
}

fn certify(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let d = inst.setup.build();
    let ab = d.a * d.b;
    let count = d.omega.len();
    let mut out = vec![exact_claim(
        "S.count",
        Role::Hypothesis,
        format!("|Ω| = {count} samples, at least ab = {ab} (otherwise rank 𝒜 <= |Ω| < ab and σ_min(𝒜) = 0)"),
        Some(&q_int(count as i64)),
        bound_q(">=", &q_int(ab as i64)),
        count >= ab,
    )];
    if count < ab {
        out.push(exact_claim(
            "S.sigma_min",
            Role::Hypothesis,
            format!("σ_min(𝒜) = 0 exactly: 𝒜 maps R^{ab} into R^{count}, so rank 𝒜 <= {count} < {ab}; the a-posteriori certificate is unavailable"),
            Some(&q_int(0)),
            bound_q(">", &q_int(0)),
            false,
        ));
        return out;
    }
    let g = d.gram();
    let gi = linalg::enclose(&QMat::new(ab, ab, g.clone()));
    let est = faer::Mat::from_fn(ab, ab, |i, j| gi.mid[(i, j)]);
    let est = linalg::eig::approximate_eigen(&est).ok().map(|(v, _)| v);
    let scale = est
        .as_ref()
        .map(|v| v.iter().fold(0.0f64, |m, x| m.max(x.abs())))
        .unwrap_or(1.0);
    let sigma_claim = |id: &str, index: usize, role: Role, stmt: &str, b: Option<Bound>| {
        let found = est
            .as_ref()
            .and_then(|e| bracket(&gi, index, e[index - 1], scale));
        match found {
            Some((lo, cl, hi, ch)) => {
                let (slo, shi) = sqrt_encl(&lo, &hi);
                let mut c = claim(
                    id,
                    role,
                    stmt,
                    Some((slo.clone(), shi)),
                    b,
                    "mpfr:128",
                    Witness::Bracket {
                        index,
                        lower: Box::new(congruence_witness(GRAM, &lo, &cl)),
                        upper: Box::new(congruence_witness(GRAM, &hi, &ch)),
                    },
                );
                c.note = Some(format!(
                    "eigenvalue {index} of 𝒜*𝒜 lies in ({}, {}) (inertia: {} eigenvalues below the left end, {} below the right)",
                    display_interval(&lo, &lo, 8),
                    display_interval(&hi, &hi, 8),
                    cl.below,
                    ch.below
                ));
                (c, Some(slo))
            }
            None => (
                claim(id, role, stmt, None, None, "mpfr:128", Witness::None),
                None,
            ),
        }
    };
    let (cmin, smin) = sigma_claim(
        "S.sigma_min",
        1,
        Role::Hypothesis,
        "σ_min(𝒜) > 0 (𝒜 injective), by inertia of 𝒜*𝒜",
        bound_q(">", &q_int(0)),
    );
    let (cmax, _) = sigma_claim(
        "S.sigma_max",
        ab,
        Role::Conclusion,
        "σ_max(𝒜), by inertia of 𝒜*𝒜",
        None,
    );
    let sigma_ok = cmin.verdict == crate::certificate::Verdict::Certified;
    out.push(cmin);
    out.push(cmax);
    let Some(sigma_lo) = smin.filter(|_| sigma_ok) else {
        return out;
    };
    let bits = match opts.arith {
        ArithChoice::Mpfr(b) => b.max(128),
        _ => DEFAULT_BITS,
    };
    let (u0, v0) = spectral_start(&d, inst.r, &inst.setup.p);
    let start: Vec<Q> = u0
        .iter()
        .chain(&v0)
        .map(|x| q_from_f64(*x).unwrap_or_default())
        .collect();
    out.extend(run(inst, &d, &start, bits, &sigma_lo, &g));
    out
}

fn run(inst: &Inst, d: &Data, start: &[Q], bits: u32, sigma_lo: &Q, gram: &[Q]) -> Vec<Claim> {
    let arith = format!("mpfr:{bits}");
    let unit = MpfrInterval::unit(bits);
    let pgd = Pgd::new(&unit, d, gram, inst.r, &inst.setup.p, &inst.eta);
    let mut cur: Vec<MpfrInterval> = start.iter().map(|q| unit.from_bounds(q, q)).collect();
    let mut boxes = vec![cur.clone()];
    let mut encls: Vec<Vec<(Q, Q)>> = vec![start.iter().map(|q| (q.clone(), q.clone())).collect()];
    for _ in 0..inst.steps {
        let next = pgd.step(&cur);
        let Some(pb) = next.iter().map(publish).collect::<Option<Vec<_>>>() else {
            break;
        };
        cur = pb.iter().map(|(l, h)| unit.from_bounds(l, h)).collect();
        boxes.push(cur.clone());
        encls.push(pb);
    }
    let complete = boxes.len() == inst.steps + 1;
    let theta_ref: Vec<MpfrInterval> = d.theta_ref.iter().map(|q| unit.constant(q)).collect();
    let qs = quantities(&pgd, &boxes, &theta_ref);
    let uses = |step: usize| Witness::Uses {
        claim: "J.orbit".into(),
        step: Some(step),
    };
    let mut out = vec![];
    let orbit = Witness::Orbit {
        map: MAP.into(),
        start: start.iter().map(fmt_q).collect(),
        boxes: encls
            .iter()
            .map(|b| b.iter().map(|(l, h)| Encl::new(l, h)).collect())
            .collect(),
    };
    out.push(claim(
        "J.orbit",
        Role::Conclusion,
        format!(
            "the GD iterates (U_k, V_k), k <= {}, from the recorded spectral start (instance matrices U0, V0) lie in the recorded boxes; e_0 = ‖Θ_0 − Θ_ref‖_F ∈",
            inst.steps
        ),
        if complete { publish(&qs.e[0]) } else { None },
        None,
        &arith,
        orbit,
    ));
    let r2 = inst.radius.clone() * &inst.radius;
    out.push(claim(
        "J.inactive",
        Role::Hypothesis,
        format!(
            "the iterates stay in C = {{‖U‖_F, ‖V‖_F <= {}}}, so the projection Π_C is the identity: max_k max(‖U_k‖_F², ‖V_k‖_F²) ∈",
            fmt_q(&inst.radius)
        ),
        qs.factor_sq.as_ref().filter(|_| complete).and_then(publish),
        bound_q("<=", &r2),
        &arith,
        uses(inst.steps),
    ));
    let rho = unit.constant(&inst.rho);
    for k in 0..inst.steps {
        let v =
            qs.e.get(k + 1)
                .map(|e1| e1.clone() - &(rho.clone() * &qs.e[k]));
        out.push(claim(
            &format!("J.additive.{k}"),
            Role::Conclusion,
            format!(
                "e_{} <= {}·e_{k} + {}: e_{} − {}·e_{k} ∈",
                k + 1,
                fmt_q(&inst.rho),
                fmt_q(&inst.additive),
                k + 1,
                fmt_q(&inst.rho)
            ),
            v.as_ref().and_then(publish),
            bound_q("<=", &inst.additive),
            &arith,
            uses(k),
        ));
    }
    for k in 1..inst.steps {
        let v = qs.d.get(k).map(|dk| dk.clone() / &qs.d[k - 1]);
        out.push(claim(
            &format!("J.diff.{k}"),
            Role::Conclusion,
            format!(
                "‖Θ_{} − Θ_{k}‖_F <= {}·‖Θ_{k} − Θ_{}‖_F: the ratio ∈",
                k + 1,
                fmt_q(&inst.diff_rate),
                k - 1
            ),
            v.as_ref().and_then(publish),
            bound_q("<=", &inst.diff_rate),
            &arith,
            uses(k),
        ));
    }
    if !complete {
        return out;
    }
    let k = inst.steps;
    let e_final = publish(&qs.e[k]);
    out.push(claim(
        "J.e_final",
        Role::Conclusion,
        format!("the true error e_{k} = ‖Θ_{k} − Θ_ref‖_F ∈"),
        e_final.clone(),
        None,
        &arith,
        uses(k),
    ));
    let i2 = i2_values(&pgd, d, &boxes[k], &unit, sigma_lo, gram);
    let bound = publish(&i2.bound);
    out.push(claim(
        "I2.bound",
        Role::Conclusion,
        format!(
            "‖Θ_{k} − Θ_ref‖_F <= (‖𝒜Θ_{k} − M_Ω‖ + ‖ε_Ω‖ + ν)/σ_min(𝒜) with ‖𝒜Θ_{k} − M_Ω‖ ∈ {}, ‖ε_Ω‖ ∈ {}, ν ∈ {} and σ_min >= the lower end of S.sigma_min; the bound ∈",
            super::box_display(&i2.res),
            super::box_display(&i2.eps),
            super::box_display(&i2.nu)
        ),
        bound.clone(),
        None,
        &arith,
        uses(k),
    ));
    if let Some((_, bhi)) = &bound {
        out.push(claim(
            "I2.check",
            Role::Conclusion,
            format!("the true error e_{k} is within the a-posteriori bound I2.bound"),
            e_final,
            bound_q("<=", bhi),
            &arith,
            uses(k),
        ));
    }
    out.push(claim(
        "I2.pinv",
        Role::Conclusion,
        format!(
            "‖Θ_{k} − Θ_ref‖_F <= ‖𝒜⁺(𝒜Θ_mid − M_Ω)‖ + ‖Θ_{k} − Θ_mid‖_F + ‖𝒜⁺ε_Ω‖ + ν/σ_min (𝒜⁺ = (𝒜*𝒜)⁻¹𝒜*, exact solves; Θ_mid the midpoint of the Θ_{k} box); the bound ∈"
        ),
        publish(&i2.pinv),
        None,
        &arith,
        uses(k),
    ));
    out
}
