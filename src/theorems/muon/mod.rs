//! Paper 6 (`muon`): MiMuon, Mixed Muon (Huang, Luo, Chen, arXiv 2605.19619).
//!
//! **Statement certified** (theorems.md, Paper 6; derived from the abstract and Muon's public code,
//! see `proofs/muon.md`).
//! - M1: one Newton–Schulz step `aX + (bA + cA²)X`, `A = XXᵀ`, maps `U diag(σ) Vᵀ` to
//!   `U diag(p(σ)) Vᵀ` with `p(σ) = aσ + bσ³ + cσ⁵` (an exact polynomial identity); the image of
//!   `[σ_lo, σ_hi]` under `p^{∘k}` is enclosed by a cover of boxes with mean-value images, and lies in
//!   the target interval; the worst orthogonality error `max |p^{∘k} − 1|` is below its bound.
//! - M2: the least gap κ between distinct nonzero singular values of M (κ > 0 is Muon's
//!   hypothesis; a repeated singular value is found exactly), enclosed from inertia brackets of
//!   `MᵀM`, and MiMuon's branch for each threshold τ: orthogonalise if `κ > τ`, momentum if `κ < τ`.
//! - M3: for `A = U diag(σ) Vᵀ` and `B = A + E`, the exact polar factors are enclosed around exactly
//!   orthogonal Cayley candidates, and `‖polar(B) − polar(A)‖_F ≤ 2‖E‖_F/(σ_min(A) + σ_min(B))`
//!   (R.-C. Li 1995) is checked, as is the constant `2/(2σ_min(A) + ‖E‖_F)` from Weyl's bound.
//!
//! M4 and M5 (stability and convergence rates) are audits: see [`audit`].

pub mod audit;

use super::congruence_witness;
use super::inertia::bracket;
use super::instance::{InputError, Kind, ParamSpec, Params};
use super::{
    bound_q, claim, escalate, exact_claim, fmt_q, publish, undecided_all, uses, ClaimGroup,
    RunOptions, Theorem,
};
use crate::arith::dual::Dual;
use crate::arith::exact::{format_exact, q_from_f64, q_to_f64, Q};
use crate::arith::ratinterval::round_rel;
use crate::arith::{q_frac, q_int, Arith, Enclosure, RatInterval};
use crate::certificate::{Bound, Claim, MatrixRecord, Role, Verdict, Witness};
use crate::linalg::{self, QMat};
use crate::methods::escalation::Task;
use crate::spec::muon::*;
use crate::spec::Dynamics;
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Muon;

const GROUPS: &[&str] = &["M1", "M2", "M3"];
const DEFAULT_INSTANCE: &str = include_str!("../../../certificates/instances/muon/g1.toml");

/// Bits of the kernel's rounded operations on the cover (recorded in the witness).
pub const COVER_BITS: u32 = 96;
/// Most boxes a cover may have.
pub const MAX_BOXES: usize = 200_000;
/// Largest matrix order for M2 and M3 (exact rational arithmetic throughout).
pub const MAX_ORDER: usize = 16;
/// The name under which M2's congruences refer to the Gram matrix of M.
pub const GRAM: &str = "gram(M)";

impl Theorem for Muon {
    fn id(&self) -> &'static str {
        "muon"
    }
    fn title(&self) -> &'static str {
        "MiMuon: Mixed Muon Optimizer with Improved Generalization for Large Models (Huang, Luo, Chen, arXiv 2605.19619)"
    }
    fn statement(&self) -> &'static str {
        "M1: one Newton-Schulz step aX + (bA + cA^2)X, A = XX^T, maps U diag(s) V^T to U diag(p(s)) V^T with \
         p(s) = as + bs^3 + cs^5 (exact identity), and p^k([s_lo, s_hi]) lies in [image_lo, image_hi] with \
         max |p^k - 1| <= error_bound (Muon: k = 5, (a,b,c) = (3.4445, -4.7750, 2.0315)). M2: the least gap kappa \
         between distinct nonzero singular values of M (Muon's hypothesis kappa > 0) and MiMuon's branch for each \
         tau: orthogonalise (U V^T) if kappa > tau, momentum if kappa < tau. M3: for A = U diag(s) V^T and \
         B = A + E, |polar(B) - polar(A)|_F <= 2|E|_F/(s_min(A) + s_min(B)) (R.-C. Li 1995) and <= \
         2/(2 s_min(A) + |E|_F) |E|_F. Derived from the abstract and Muon's public code (theorems.md), not from \
         the paper's full text."
    }
    fn claim_groups(&self) -> &'static str {
        "M1 Newton-Schulz image; M2 MiMuon branch; M3 polar-factor Lipschitz bound; M4/M5 audits"
    }
    fn schema(&self) -> Vec<ParamSpec> {
        let rat = |key, default, help| ParamSpec {
            key,
            kind: Kind::Rational { positive: false },
            default: Some(default),
            required: false,
            help,
        };
        let rats = |key, min_len, max_len, default, help| ParamSpec {
            key,
            kind: Kind::Rationals { min_len, max_len },
            default,
            required: false,
            help,
        };
        let int = |key, min, max, default, help| ParamSpec {
            key,
            kind: Kind::Integer { min, max },
            default: Some(default),
            required: false,
            help,
        };
        vec![
            ParamSpec {
                key: "claims",
                kind: Kind::Choices { allowed: GROUPS },
                default: Some("M1"),
                required: false,
                help:
                    "claim groups: M1 (Newton-Schulz image), M2 (MiMuon branch), M3 (polar factor)",
            },
            rat(
                "a",
                "3.4445",
                "M1: coefficient a of p(s) = as + bs^3 + cs^5",
            ),
            rat("b", "-4.7750", "M1: coefficient b"),
            rat("c", "2.0315", "M1: coefficient c"),
            rat(
                "sigma_lo",
                "0.01",
                "M1: left end of the singular-value range, > 0",
            ),
            rat("sigma_hi", "1", "M1: right end of the singular-value range"),
            int(
                "iterations",
                1,
                8,
                "5",
                "M1: number k of Newton-Schulz steps",
            ),
            rat("image_lo", "0.68", "M1: the image must lie above this"),
            rat("image_hi", "1.14", "M1: the image must lie below this"),
            rat("error_bound", "0.32", "M1: bound of max |p^k - 1|"),
            ParamSpec {
                key: "matrix",
                kind: Kind::Text,
                default: None,
                required: false,
                help: "M2: the matrix M as a file (CSV, JSON, npy), relative to the instance",
            },
            rats(
                "diag",
                1,
                MAX_ORDER,
                None,
                "M2: M = diag(...) (instead of `matrix`)",
            ),
            rats(
                "tau",
                1,
                16,
                Some("0.05,0.005"),
                "M2: MiMuon thresholds tau > 0",
            ),
            rats(
                "polar.sigma",
                2,
                MAX_ORDER,
                Some("1,1.00000001,0.9"),
                "M3: singular values of A, > 0",
            ),
            rat(
                "polar.su",
                "1/4",
                "M3: S_U[i,j] = su for i < j, -su for i > j",
            ),
            rat("polar.sv", "1/12", "M3: S_V[i,j] = (j - i) sv"),
            rat("polar.eps", "1e-6", "M3: ||E||_F > 0"),
            rats(
                "polar.plane",
                2,
                2,
                Some("1,2"),
                "M3: E = eps U K V^T, K = (3/5)e_i e_j^T - (4/5)e_j e_i^T",
            ),
            rats(
                "audit.sizes",
                2,
                8,
                Some("32,64,128"),
                "audit: sample sizes N",
            ),
            int(
                "audit.seeds",
                2,
                10_000,
                "8",
                "audit: number of seeds (0, 1, ...)",
            ),
            int("audit.steps", 1, 100_000, "50", "audit M4: steps T"),
            int("audit.batch", 1, 1024, "4", "audit: minibatch size"),
            rat("audit.eta", "0.02", "audit: step size eta"),
            rat("audit.beta", "0.9", "audit: momentum beta"),
            rat("audit.tau", "0.05", "audit: MiMuon threshold tau"),
            rat("audit.noise", "0.5", "audit: label noise nu"),
            rat("audit.kappa_small", "0.001", "audit M4: small planted gap"),
            rat("audit.kappa_large", "0.2", "audit M4: large planted gap"),
            rats(
                "audit.horizons",
                2,
                8,
                Some("16,32,64,128"),
                "audit M5: horizons T",
            ),
            rat(
                "audit.n_slope_max",
                "-0.75",
                "audit M4 criterion: N-slope at most this",
            ),
            rats(
                "audit.kappa_band",
                2,
                2,
                Some("0.5,2"),
                "audit M4 criterion: kappa ratio band",
            ),
            rat(
                "audit.t_slope_max",
                "-0.2",
                "audit M5 criterion: T-slope at most this (-1/4 + 0.05)",
            ),
        ]
    }
    fn default_instance(&self) -> (&'static str, &'static str) {
        ("certificates/instances/muon/g1.toml", DEFAULT_INSTANCE)
    }
    fn certify(&self, params: &Params, opts: &RunOptions) -> Result<Vec<Claim>, InputError> {
        let inst = Inst::from_params(params)?;
        let mut out = vec![];
        if inst.wants("M1") {
            out.extend(m1_claims(&inst, opts));
        }
        if let Some(m) = &inst.matrix {
            out.extend(m2_claims(&inst, m));
        }
        if let Some(pp) = &inst.polar {
            out.extend(m3_claims(pp));
        }
        Ok(out)
    }
    fn matrices(&self, params: &Params) -> BTreeMap<String, MatrixRecord> {
        let mut out = BTreeMap::new();
        if let Ok(Inst {
            matrix: Some(m), ..
        }) = Inst::from_params(params)
        {
            out.insert(
                "M".to_string(),
                MatrixRecord {
                    rows: m.rows,
                    cols: m.cols,
                    entries: m.data.iter().map(format_exact).collect(),
                },
            );
        }
        out
    }
    fn auditor(&self) -> Option<&dyn crate::audit::Auditor> {
        Some(self)
    }
}

/// M3's construction.
#[derive(Clone, Debug)]
pub struct PolarSpec {
    pub sigma: Vec<Q>,
    pub su: Q,
    pub sv: Q,
    pub eps: Q,
    pub plane: (usize, usize),
}

/// A validated instance.
#[derive(Clone, Debug)]
pub struct Inst {
    pub groups: Vec<String>,
    pub p: NsPoly,
    pub sigma_lo: Q,
    pub sigma_hi: Q,
    pub iterations: usize,
    pub image_lo: Q,
    pub image_hi: Q,
    pub error_bound: Q,
    pub matrix: Option<QMat>,
    pub tau: Vec<Q>,
    pub polar: Option<PolarSpec>,
}

fn req_q(p: &Params, key: &str) -> Result<Q, InputError> {
    p.q(key)
        .cloned()
        .ok_or_else(|| p.error(key, "missing required key"))
}

impl Inst {
    pub fn from_params(p: &Params) -> Result<Self, InputError> {
        let groups: Vec<String> = p.list("claims").map(|l| l.to_vec()).unwrap_or_default();
        let wants = |g: &str| groups.iter().any(|x| x == g);
        let coeff = |k: &str| -> Result<Q, InputError> {
            let v = req_q(p, k)?;
            if v.abs() > q_int(1000) {
                return Err(p.error(k, "must lie in [-1000, 1000]"));
            }
            Ok(v)
        };
        let poly = NsPoly {
            a: coeff("a")?,
            b: coeff("b")?,
            c: coeff("c")?,
        };
        let sigma_lo = req_q(p, "sigma_lo")?;
        let sigma_hi = req_q(p, "sigma_hi")?;
        if sigma_lo <= Q::zero() || sigma_lo < q_frac(1, 1_000_000_000) {
            return Err(p.error("sigma_lo", "must be at least 1e-9"));
        }
        if sigma_hi <= sigma_lo || sigma_hi > q_int(10) {
            return Err(p.error("sigma_hi", "must lie in (sigma_lo, 10]"));
        }
        let image_lo = req_q(p, "image_lo")?;
        let image_hi = req_q(p, "image_hi")?;
        if image_hi < image_lo {
            return Err(p.error("image_hi", "must be at least image_lo"));
        }
        let error_bound = req_q(p, "error_bound")?;
        let mut matrix = None;
        let tau = p.qs("tau").map(|v| v.to_vec()).unwrap_or_default();
        if wants("M2") {
            if tau.iter().any(|t| *t <= Q::zero()) {
                return Err(p.error("tau", "every threshold must be > 0"));
            }
            matrix = Some(read_m(p)?);
        }
        let mut polar = None;
        if wants("M3") {
            let sigma = p.qs("polar.sigma").map(|v| v.to_vec()).unwrap_or_default();
            if sigma.iter().any(|s| *s <= Q::zero() || *s > q_int(1000)) {
                return Err(p.error("polar.sigma", "every singular value must lie in (0, 1000]"));
            }
            let eps = req_q(p, "polar.eps")?;
            if eps <= Q::zero() || eps > q_int(1) {
                return Err(p.error("polar.eps", "must lie in (0, 1]"));
            }
            let su = req_q(p, "polar.su")?;
            let sv = req_q(p, "polar.sv")?;
            for (k, v) in [("polar.su", &su), ("polar.sv", &sv)] {
                if v.abs() > q_int(100) {
                    return Err(p.error(k, "must lie in [-100, 100]"));
                }
            }
            let n = sigma.len();
            let pl = p.qs("polar.plane").map(|v| v.to_vec()).unwrap_or_default();
            let idx = |q: &Q| -> Option<usize> {
                if q.is_integer() && *q >= q_int(1) && *q <= q_int(n as i64) {
                    Some(q_to_f64(q) as usize - 1)
                } else {
                    None
                }
            };
            let plane = match (pl.first().and_then(idx), pl.get(1).and_then(idx)) {
                (Some(i), Some(j)) if i != j => (i, j),
                _ => {
                    return Err(p.error(
                        "polar.plane",
                        format!(
                            "needs two distinct indices in 1..={n} (the length of polar.sigma)"
                        ),
                    ))
                }
            };
            polar = Some(PolarSpec {
                sigma,
                su,
                sv,
                eps,
                plane,
            });
        }
        Ok(Inst {
            p: poly,
            sigma_lo,
            sigma_hi,
            iterations: p.int("iterations").unwrap_or(5) as usize,
            image_lo,
            image_hi,
            error_bound,
            matrix,
            tau,
            polar,
            groups,
        })
    }

    fn wants(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

fn read_m(p: &Params) -> Result<QMat, InputError> {
    let m = match (p.values.get("matrix"), p.qs("diag")) {
        (Some(crate::theorems::instance::Value::Text(file)), None) => {
            let base = Path::new(p.source_of("matrix"));
            let path = match base.parent() {
                Some(dir) if Path::new(file).is_relative() && p.source_of("matrix") != "--set" => {
                    dir.join(file)
                }
                _ => Path::new(file).to_path_buf(),
            };
            crate::linalg::io::read_matrix(&path).map_err(|e| p.error("matrix", format!("{e}")))?
        }
        (None, Some(d)) => {
            let n = d.len();
            QMat::from_fn(n, n, |i, j| if i == j { d[i].clone() } else { Q::zero() })
        }
        (Some(_), Some(_)) => {
            return Err(p.error("matrix", "give either `matrix` or `diag`, not both"))
        }
        _ => return Err(p.error("diag", "M2 needs the matrix: `matrix` (a file) or `diag`")),
    };
    if m.rows.min(m.cols) > MAX_ORDER || m.rows.max(m.cols) > 4 * MAX_ORDER {
        return Err(p.error(
            "matrix",
            format!(
                "M is {}x{}; at most min side {MAX_ORDER} and max side {}",
                m.rows,
                m.cols,
                4 * MAX_ORDER
            ),
        ));
    }
    if m.data.iter().all(|x| x.is_zero()) {
        return Err(p.error("matrix", "M is zero: it has no nonzero singular value"));
    }
    Ok(m)
}

// ---------------------------------------------------------------------------------------------
// M1: the image of [σ_lo, σ_hi] under p^{∘k}.

/// `p^{∘k}(X)` over `X = [lo, hi]` by the mean-value form `p^{∘k}(m) + (p^{∘k})'(X)(X − m)`.
pub fn mean_value_image<S: Arith>(p: &NsPoly, k: usize, lo: &Q, hi: &Q, unit: &S) -> (S, S) {
    let m: Q = (lo + hi) / q_int(2);
    let fm = ns_iterate(p, &unit.constant(&m), k);
    let x = unit.from_bounds(lo, hi);
    let d = ns_iterate(p, &Dual::<S, 1>::var(x, 0), k).d[0].clone();
    let img = fm.clone() + &(d * &unit.from_bounds(&(lo - &m), &(hi - &m)));
    (img, fm)
}

/// A cover and what it proves.
#[derive(Clone, Debug)]
pub struct Cover<S> {
    pub breakpoints: Vec<Q>,
    /// Hull of the box images.
    pub image: S,
    pub argmin: Q,
    pub argmax: Q,
    pub at_min: S,
    pub at_max: S,
}

/// Adaptive bisection: a box is kept when its mean-value image lies within `tol` of the best point
/// values found so far (the least value from above, the greatest from below), else bisected.
pub fn image_cover<S: Arith>(
    p: &NsPoly,
    k: usize,
    lo: &Q,
    hi: &Q,
    tol: &Q,
    unit: &S,
) -> Result<Cover<S>, String> {
    let point = |s: &Q| ns_iterate(p, &unit.constant(s), k);
    let bounds = |v: &S| v.bounds().ok_or("an enclosure is unbounded");
    // Sample points first, for good extremes before any box is judged.
    let samples = 1024;
    let width = hi - lo;
    let (mut best_min, mut best_max) = (None::<(Q, Q, S)>, None::<(Q, Q, S)>);
    fn note<S: Arith>(
        best_min: &mut Option<(Q, Q, S)>,
        best_max: &mut Option<(Q, Q, S)>,
        s: Q,
        v: S,
    ) -> Result<(), String> {
        let (vl, vh) = v.bounds().ok_or("an enclosure is unbounded")?;
        if best_min.as_ref().is_none_or(|b| vh < b.1) {
            *best_min = Some((s.clone(), vh, v.clone()));
        }
        if best_max.as_ref().is_none_or(|b| vl > b.1) {
            *best_max = Some((s, vl, v));
        }
        Ok(())
    }
    for i in 0..=samples {
        let s = lo + &width * q_frac(i, samples);
        note(&mut best_min, &mut best_max, s.clone(), point(&s))?;
    }
    let pieces = 64;
    let mut stack: Vec<(Q, Q)> = (0..pieces)
        .rev()
        .map(|i| {
            (
                lo + &width * q_frac(i, pieces),
                lo + &width * q_frac(i + 1, pieces),
            )
        })
        .collect();
    let min_width = &width * crate::arith::exact::pow2(-50);
    let mut kept: Vec<(Q, Q, S)> = vec![];
    while let Some((a, b)) = stack.pop() {
        let (img, fm) = mean_value_image(p, k, &a, &b, unit);
        let (il, ih) = bounds(&img)?;
        note(&mut best_min, &mut best_max, (&a + &b) / q_int(2), fm)?;
        let (mn, mx) = (
            &best_min.as_ref().ok_or("no sample")?.1,
            &best_max.as_ref().ok_or("no sample")?.1,
        );
        if il >= mn - tol && ih <= mx + tol {
            kept.push((a, b, img));
        } else if &b - &a < min_width || kept.len() + stack.len() > MAX_BOXES {
            return Err(format!(
                "the cover did not close near σ = {} (box image {}); more precision may help",
                crate::arith::exact::format_directed(&a, 8, false),
                super::box_display(&img)
            ));
        } else {
            let m = (&a + &b) / q_int(2);
            stack.push((m.clone(), b));
            stack.push((a, m));
        }
    }
    let mut image = kept[0].2.clone();
    let mut breakpoints = vec![kept[0].0.clone()];
    for (_, b, img) in &kept {
        image = image.hull(img);
        breakpoints.push(b.clone());
    }
    let (bmin, bmax) = (best_min.ok_or("no sample")?, best_max.ok_or("no sample")?);
    Ok(Cover {
        breakpoints,
        image,
        argmin: bmin.0,
        argmax: bmax.0,
        at_min: bmin.2,
        at_max: bmax.2,
    })
}

struct M1Task<'a> {
    inst: &'a Inst,
}

const M1_IDS: [&str; 4] = ["M1.image", "M1.min", "M1.max", "M1.orthogonality_error"];

impl Task for M1Task<'_> {
    type Output = ClaimGroup;
    fn run<S: Arith>(&self, unit: &S) -> ClaimGroup {
        let inst = self.inst;
        let arith = unit.arith_name();
        let k = inst.iterations;
        let tol = q_frac(1, 1_000_000);
        let cover = match image_cover(&inst.p, k, &inst.sigma_lo, &inst.sigma_hi, &tol, unit) {
            Ok(c) => c,
            Err(e) => return undecided_all(&M1_IDS, &format!("M1: {e}"), &arith),
        };
        let witness = Witness::ImageCover {
            map: inst.p.name().into(),
            iterations: k,
            bits: COVER_BITS,
            breakpoints: cover.breakpoints.iter().map(format_exact).collect(),
            argmin: format_exact(&cover.argmin),
            argmax: format_exact(&cover.argmax),
        };
        let range = format!("[{}, {}]", fmt_q(&inst.sigma_lo), fmt_q(&inst.sigma_hi));
        let boxes = cover.breakpoints.len() - 1;
        let (Some((il, ih)), Some((ml, _)), Some((_, xh))) = (
            cover.image.bounds(),
            cover.at_min.bounds(),
            cover.at_max.bounds(),
        ) else {
            return undecided_all(&M1_IDS, "M1: an enclosure is unbounded", &arith);
        };
        let _ = ml;
        let min_encl = unit.from_bounds(
            &il,
            &cover.at_min.bounds().map(|b| b.1).unwrap_or(il.clone()),
        );
        let max_encl = unit.from_bounds(
            &cover.at_max.bounds().map(|b| b.0).unwrap_or(ih.clone()),
            &ih,
        );
        let one = unit.int(1);
        let err_hi = {
            let a = one.clone() - &unit.from_bounds(&il, &il);
            let b = unit.from_bounds(&ih, &ih) - &one;
            if a.bounds().map(|x| x.1) > b.bounds().map(|x| x.1) {
                a
            } else {
                b
            }
        };
        let err_lo = {
            let a = one.clone() - &cover.at_min;
            let b = cover.at_max.clone() - &one;
            if a.bounds().map(|x| x.0) > b.bounds().map(|x| x.0) {
                a
            } else {
                b
            }
        };
        let err = match (err_lo.bounds(), err_hi.bounds()) {
            (Some((l, _)), Some((_, h))) if l <= h => Some(unit.from_bounds(&l, &h)),
            _ => None,
        };
        let _ = xh;
        ClaimGroup(vec![
            claim(
                "M1.image",
                Role::Conclusion,
                format!(
                    "p^{k}({range}) lies in [image_lo, image_hi], p(s) = as + bs^3 + cs^5: hull of the mean-value images of p^{k} on {boxes} boxes covering {range}"
                ),
                publish(&cover.image),
                Some(Bound::new("in", &inst.image_lo, &inst.image_hi)),
                &arith,
                witness,
            ),
            claim(
                "M1.min",
                Role::Conclusion,
                format!(
                    "min of p^{k} over {range}: above the cover's hull, below p^{k}(argmin), argmin = {}",
                    crate::arith::exact::format_directed(&cover.argmin, 8, false)
                ),
                publish(&min_encl),
                None,
                &arith,
                uses("M1.image"),
            ),
            claim(
                "M1.max",
                Role::Conclusion,
                format!(
                    "max of p^{k} over {range}: below the cover's hull, above p^{k}(argmax), argmax = {}",
                    crate::arith::exact::format_directed(&cover.argmax, 8, false)
                ),
                publish(&max_encl),
                None,
                &arith,
                uses("M1.image"),
            ),
            claim(
                "M1.orthogonality_error",
                Role::Conclusion,
                format!(
                    "worst orthogonality error max over {range} of |p^{k}(s) - 1| = ||NS{k}(X) - UV^T||_2 for singular values of X/||X|| in {range}"
                ),
                err.as_ref().and_then(publish),
                bound_q("<=", &inst.error_bound),
                &arith,
                uses("M1.image"),
            ),
        ])
    }
}

fn m1_claims(inst: &Inst, opts: &RunOptions) -> Vec<Claim> {
    let mut out = escalate(opts, &M1Task { inst });
    let (u, v) = identity_basis();
    let r = ns_identity_on_grid(&inst.p, &u, &v, 3);
    let stmt = match &r {
        Ok(n) => format!(
            "one Newton-Schulz step aX + (bA + cA^2)X, A = XX^T, equals U diag(p(s)) V^T for X = U diag(s) V^T, as a polynomial identity in s in R^3 (U, V the exactly orthogonal Cayley matrices of S_U = +-1/4, S_V = (j-i)/12; checked exactly on the {n}-point grid {{0..5}}^3, which determines a polynomial of degree <= 5 in each s_i)"
        ),
        Err(s) => format!(
            "the Newton-Schulz identity fails at s = ({})",
            s.iter().map(format_exact).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut c = exact_claim(
        "M1.ns_identity",
        Role::Conclusion,
        stmt,
        None,
        None,
        r.is_ok(),
    );
    c.enclosure = None;
    out.push(c);
    out
}

// ---------------------------------------------------------------------------------------------
// M2: singular values of M, the gap κ, and MiMuon's branch.

fn m2_claims(inst: &Inst, m: &QMat) -> Vec<Claim> {
    let (g, r) = small_gram(&m.data, m.rows, m.cols);
    let chi = char_poly(&g, r);
    let zeros = zero_eigenvalues(&chi);
    let nonzero = r - zeros;
    let mut out = vec![];
    let repeated = has_repeated_nonzero_eigenvalue(&g, r);
    let kappa_stmt = format!(
        "Muon's hypothesis kappa > 0: the {nonzero} nonzero singular values of M are distinct (exactly: gcd(chi, chi') of the characteristic polynomial chi of the Gram matrix has {} nonzero root)",
        if repeated { "a" } else { "no" }
    );
    if nonzero < 2 {
        out.push(exact_claim(
            "M2.kappa_positive",
            Role::Hypothesis,
            format!("{kappa_stmt}; with {nonzero} nonzero singular value the gap is vacuous (taken as +inf: MiMuon orthogonalises)"),
            None,
            None,
            true,
        ));
        for (j, t) in inst.tau.iter().enumerate() {
            out.push(exact_claim(
                &format!("M2.branch.{j}"),
                Role::Conclusion,
                format!(
                    "MiMuon branch at tau = {}: orthogonalise (a single nonzero singular value)",
                    fmt_q(t)
                ),
                None,
                None,
                true,
            ));
        }
        return out;
    }
    if repeated {
        out.push(exact_claim(
            "M2.kappa_positive",
            Role::Hypothesis,
            kappa_stmt,
            Some(&Q::zero()),
            bound_q(">", &Q::zero()),
            false,
        ));
        out.push(exact_claim(
            "M2.gap",
            Role::Conclusion,
            "the least gap kappa between distinct-index nonzero singular values of M is exactly 0 (a repeated singular value)",
            Some(&Q::zero()),
            None,
            true,
        ));
        for (j, t) in inst.tau.iter().enumerate() {
            out.push(exact_claim(
                &format!("M2.branch.{j}"),
                Role::Conclusion,
                format!(
                    "MiMuon branch at tau = {}: momentum (kappa = 0 < tau)",
                    fmt_q(t)
                ),
                Some(&Q::zero()),
                bound_q("<", t),
                true,
            ));
        }
        return out;
    }
    out.push(exact_claim(
        "M2.kappa_positive",
        Role::Hypothesis,
        kappa_stmt,
        None,
        None,
        true,
    ));
    // Brackets of every nonzero eigenvalue of the Gram matrix.
    let qg = QMat::new(r, r, g.clone());
    let a = linalg::enclose(&qg);
    let spectrum = linalg::enclose_symmetric_spectrum(&a).ok();
    let scale = qg.max_abs_f64().max(1e-300);
    let mut brackets = vec![];
    let mut ok = true;
    for idx in zeros + 1..=r {
        let est = spectrum.as_ref().map(|s| s.approx[idx - 1]);
        let br = est.and_then(|e| bracket(&a, idx, e, scale));
        let id = format!("M2.sigma.{}", r + 1 - idx);
        match br {
            Some((lo, cl, hi, ch)) => {
                let s = sqrt_interval(&lo, &hi);
                out.push(claim(
                    &id,
                    Role::Conclusion,
                    format!(
                        "singular value number {} (descending) of M: the square root of eigenvalue {idx} (ascending) of the Gram matrix, bracketed by inertia (LDL^T congruences) at t = {} and {}",
                        r + 1 - idx,
                        crate::arith::exact::format_directed(&lo, 10, false),
                        crate::arith::exact::format_directed(&hi, 10, true)
                    ),
                    s.bounds(),
                    None,
                    "exact",
                    Witness::Bracket {
                        index: idx,
                        lower: Box::new(congruence_witness(GRAM, &lo, &cl)),
                        upper: Box::new(congruence_witness(GRAM, &hi, &ch)),
                    },
                ));
                brackets.push((lo, hi));
            }
            None => {
                ok = false;
                out.push(claim(
                    &id,
                    Role::Conclusion,
                    "the congruences did not bracket this singular value",
                    None,
                    None,
                    "exact",
                    Witness::None,
                ));
            }
        }
    }
    let gap = if ok {
        gap_from_brackets(&brackets)
    } else {
        None
    };
    let gap_b = gap.as_ref().and_then(|g| g.bounds());
    out.push(claim(
        "M2.gap",
        Role::Conclusion,
        "the least gap kappa = min |s_i - s_j| over distinct nonzero singular values of M, from the brackets M2.sigma.*",
        gap_b.clone(),
        None,
        "exact",
        uses("M2.sigma.1"),
    ));
    for (j, t) in inst.tau.iter().enumerate() {
        let (rel, what) = match &gap_b {
            Some((_, h)) if h < t => ("<", "momentum (kappa < tau)"),
            Some((l, _)) if l > t => (">", "orthogonalise, U V^T (kappa > tau)"),
            _ => (">", "undecided: the gap enclosure straddles tau"),
        };
        out.push(claim(
            &format!("M2.branch.{j}"),
            Role::Conclusion,
            format!("MiMuon branch at tau = {}: {what}", fmt_q(t)),
            gap_b.clone(),
            bound_q(rel, t),
            "exact",
            uses("M2.gap"),
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// M3: polar factors and the Lipschitz bound.

/// Scaled Newton iteration `X ← (γX + (γX)^{-T})/2` on exact rationals rounded to `bits` bits each
/// step (a search: the result is verified afterwards).
pub fn polar_newton(a: &[Q], n: usize, bits: u32) -> Option<Vec<Q>> {
    let mut x = a.to_vec();
    for it in 0..60 {
        let inv = inverse(&x, n)?;
        let gamma = if it < 8 {
            let r = (q_to_f64(&frobenius_sq(&inv)) / q_to_f64(&frobenius_sq(&x)))
                .sqrt()
                .sqrt();
            q_from_f64(r).filter(|g| *g > Q::zero())?
        } else {
            q_int(1)
        };
        let inv_t = transpose(&inv, n, n);
        let next: Vec<Q> = x
            .iter()
            .zip(&inv_t)
            .map(|(u, v)| round_rel(&((u * &gamma + v / &gamma) / q_int(2)), bits, false))
            .collect();
        let diff: Q = next
            .iter()
            .zip(&x)
            .map(|(u, v)| (u - v).abs())
            .fold(Q::zero(), |s, d| s + d);
        x = next;
        if it > 8 && q_to_f64(&diff) < 1e-60 {
            break;
        }
    }
    Some(x)
}

/// The exact inverse of a square matrix (Gauss–Jordan), `None` if singular.
pub fn inverse(a: &[Q], n: usize) -> Option<Vec<Q>> {
    let mut m = a.to_vec();
    let mut inv: Vec<Q> = (0..n * n)
        .map(|k| if k / n == k % n { q_int(1) } else { Q::zero() })
        .collect();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i * n + c].abs().cmp(&m[j * n + c].abs()))?;
        if m[p * n + c].is_zero() {
            return None;
        }
        for k in 0..n {
            m.swap(p * n + k, c * n + k);
            inv.swap(p * n + k, c * n + k);
        }
        let piv = m[c * n + c].clone();
        for k in 0..n {
            m[c * n + k] /= &piv;
            inv[c * n + k] /= &piv;
        }
        for r in 0..n {
            if r == c || m[r * n + c].is_zero() {
                continue;
            }
            let f = m[r * n + c].clone();
            for k in 0..n {
                let (u, v) = (m[c * n + k].clone(), inv[c * n + k].clone());
                m[r * n + k] -= &f * u;
                inv[r * n + k] -= &f * v;
            }
        }
    }
    Some(inv)
}

/// The polar witness of `a`: a skew S (rounded to `bits` bits) with `Q = R·cayley(S) ≈ polar(a)`,
/// whether R reflects, and a shift t with `sym(QᵀA) − tI` positive definite.
pub fn polar_witness(a: &[Q], n: usize, bits: u32) -> Option<(Vec<Q>, bool, Q)> {
    let reflect = determinant(a, n) < Q::zero();
    let mut ra = a.to_vec();
    if reflect {
        for x in ra.iter_mut().take(n) {
            *x = -x.clone();
        }
    }
    let x = polar_newton(&ra, n, bits)?;
    let id: Vec<Q> = (0..n * n)
        .map(|k| if k / n == k % n { q_int(1) } else { Q::zero() })
        .collect();
    let plus: Vec<Q> = id.iter().zip(&x).map(|(i, v)| i + v).collect();
    let minus: Vec<Q> = id.iter().zip(&x).map(|(i, v)| i - v).collect();
    let s_approx = mat_mul(&minus, &inverse(&plus, n)?, n, n, n);
    let mut s = vec![Q::zero(); n * n];
    for i in 0..n {
        for j in i + 1..n {
            let v = round_rel(
                &((&s_approx[i * n + j] - &s_approx[j * n + i]) / q_int(2)),
                bits,
                false,
            );
            s[j * n + i] = -v.clone();
            s[i * n + j] = v;
        }
    }
    let q = polar_candidate(&s, n, reflect);
    let c = mat_mul(&transpose(&q, n, n), a, n, n, n);
    let (sym, _) = sym_skew(&c, n);
    let t = shift_below_min_eigenvalue(&sym, n)?;
    Some((s, reflect, t))
}

/// A rational t slightly below the least eigenvalue of the symmetric `g` with `g − tI` positive
/// definite (checked exactly).
pub fn shift_below_min_eigenvalue(g: &[Q], n: usize) -> Option<Q> {
    let qg = QMat::new(n, n, g.to_vec());
    let spec = linalg::enclose_symmetric_spectrum(&linalg::enclose(&qg)).ok()?;
    let est = spec.approx[0];
    for rel in [1e-12, 1e-9, 1e-6, 1e-3] {
        let t = q_from_f64(est - rel * est.abs().max(1e-300))?;
        let t = round_rel(&t, 40, false);
        if positive_definite_above(g, n, &t) {
            return Some(t);
        }
    }
    None
}

/// σ_min(M)² ∈ [t, Rayleigh(v)] witness: t with MᵀM − tI positive definite and v from the least
/// eigenvector of MᵀM.
pub fn rayleigh_witness(m: &[Q], n: usize) -> Option<(Q, Vec<Q>)> {
    let g = mat_mul(&transpose(m, n, n), m, n, n, n);
    let qg = QMat::new(n, n, g.clone());
    let spec = linalg::enclose_symmetric_spectrum(&linalg::enclose(&qg)).ok()?;
    let v: Vec<Q> = (0..n)
        .map(|i| q_from_f64(spec.vectors[(i, 0)]))
        .collect::<Option<_>>()?;
    let t = shift_below_min_eigenvalue(&g, n)?;
    Some((t, v))
}

fn m3_claims(pp: &PolarSpec) -> Vec<Claim> {
    let n = pp.sigma.len();
    let (a, b) = polar_pair(&pp.sigma, &pp.su, &pp.sv, &pp.eps, pp.plane);
    let e: Vec<Q> = b.iter().zip(&a).map(|(x, y)| x - y).collect();
    let ids = [
        "M3.polar_a",
        "M3.polar_b",
        "M3.sigma_min_a",
        "M3.sigma_min_b",
        "M3.ratio",
        "M3.li_bound",
        "M3.weyl_constant",
    ];
    let bits = 256;
    let fail = |why: &str| undecided_all(&ids, why, "exact").0;
    let (Some((sa, ra, ta)), Some((sb, rb, tb))) =
        (polar_witness(&a, n, bits), polar_witness(&b, n, bits))
    else {
        return fail("M3: the polar witness search failed");
    };
    let (Ok((qa, da)), Ok((qb, db))) = (
        polar_defect(&a, n, &sa, ra, &ta),
        polar_defect(&b, n, &sb, rb, &tb),
    ) else {
        return fail("M3: the a-posteriori polar bound failed");
    };
    let (Some((tra, va)), Some((trb, vb))) = (rayleigh_witness(&a, n), rayleigh_witness(&b, n))
    else {
        return fail("M3: the sigma_min witness search failed");
    };
    let (Ok(smin_a), Ok(smin_b)) = (
        sigma_min_from(&a, n, &tra, &va),
        sigma_min_from(&b, n, &trb, &vb),
    ) else {
        return fail("M3: the sigma_min enclosure failed");
    };
    let Some((ratio, li)) = m3_quantities(&qa, &da, &qb, &db, &e, &smin_a, &smin_b) else {
        return fail("M3: the ratio is unbounded");
    };
    let qs = |v: &[Q]| v.iter().map(format_exact).collect::<Vec<_>>();
    let polar_claim = |id: &str, name: &str, s: &[Q], r: bool, t: &Q, d: &Q| {
        claim(
            id,
            Role::Conclusion,
            format!("||polar({name}) - Q_{name}||_F for the exactly orthogonal Cayley candidate Q_{name} of the witness (a-posteriori bound, proofs/muon.md)"),
            Some((Q::zero(), d.clone())),
            None,
            "exact",
            Witness::PolarFactor { matrix: name.into(), skew: qs(s), reflect: r, t: format_exact(t) },
        )
    };
    let smin_claim = |id: &str, name: &str, s: &RatInterval, t: &Q, v: &[Q]| {
        claim(
            id,
            Role::Conclusion,
            format!("sigma_min({name}): M^T M - tI positive definite (exact leading minors) below, a Rayleigh quotient above"),
            s.bounds(),
            None,
            "exact",
            Witness::Rayleigh { matrix: name.into(), t: format_exact(t), vector: qs(v) },
        )
    };
    let min_sigma = pp.sigma.iter().min().cloned().unwrap_or_default();
    let constant = q_int(2) / (q_int(2) * &min_sigma + &pp.eps);
    vec![
        polar_claim("M3.polar_a", "A", &sa, ra, &ta, &da),
        polar_claim("M3.polar_b", "A+E", &sb, rb, &tb, &db),
        smin_claim("M3.sigma_min_a", "A", &smin_a, &tra, &va),
        smin_claim("M3.sigma_min_b", "A+E", &smin_b, &trb, &vb),
        claim(
            "M3.ratio",
            Role::Conclusion,
            "||polar(A+E) - polar(A)||_F / ||E||_F, from the candidates and M3.polar_a, M3.polar_b",
            ratio.bounds(),
            None,
            "exact",
            uses("M3.polar_a"),
        ),
        claim(
            "M3.li_bound",
            Role::Conclusion,
            "Li's gap-free bound: ||polar(A+E) - polar(A)||_F (sigma_min(A) + sigma_min(A+E)) / (2 ||E||_F) <= 1",
            li.bounds(),
            bound_q("<=", &q_int(1)),
            "exact",
            uses("M3.ratio"),
        ),
        claim(
            "M3.weyl_constant",
            Role::Conclusion,
            format!("||polar(A+E) - polar(A)||_F / ||E||_F <= 2/(2 min(sigma) + eps) = {} (Weyl: sigma_min(A+E) <= sigma_min(A) + ||E||_2)", crate::arith::exact::format_directed(&constant, 10, false)),
            ratio.bounds(),
            bound_q("<=", &constant),
            "exact",
            uses("M3.ratio"),
        ),
    ]
}

/// The overall verdict of claims (for tests and the CLI summary).
pub fn overall(claims: &[Claim]) -> Verdict {
    Verdict::combine(claims.iter().map(|c| c.verdict))
}
