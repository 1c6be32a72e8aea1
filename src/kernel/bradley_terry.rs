//! The kernel's table for paper 3 (`bradley-terry-metric`).
//!
//! Matrices (M*, M̂, items, triplets) are read exactly from the certificate's instance record, so a
//! certificate pins its data. S3 is re-decided by exact LDLᵀ elimination and the constant
//! `L·sqrt(1 + ε/m)` recomputed with the kernel's own square root. Data claims are recomputed
//! exactly: the label agreement, the spectral matrix `(1/(6n)) Σ y_t A_t` (whose congruence
//! witnesses are re-checked in exact arithmetic), and the separating `U`'s margins.

use super::checks::{bits_of, conclude, param, q, Expect};
use super::matrix::{check_bracket, check_congruence_witness, KMat};
use super::stationary::{check_stationary_witness, KernelLoss, Verified};
use super::{ClaimCheck, Malformed};
use crate::arith::exact::{format_exact, Q};
use crate::arith::{q_int, Elementary, Enclosure, MpfrInterval, RatInterval, Ring};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::bradley_terry::{
    determinant, distance_to, embed, local_rate, min_margin, restrict, scaled_minus, BtLoss, Data,
    Triplet,
};
use crate::spec::deep_mf::{is_psd, spectral_norm_at_most};
use num_traits::{Signed, Zero};
use std::cell::OnceCell;

/// Limits of what the kernel re-checks (the certifier's limits).
const MAX_DIM: usize = 32;
const MAX_TRIPLETS: usize = 100_000;
const MAX_ITEMS: usize = 100_000;
const MAX_RANK: usize = 8;

struct Ctx<'a> {
    cert: &'a Certificate,
    d: usize,
    truth: Vec<Q>,
    estimate: Option<Vec<Q>>,
    data: Option<Data>,
    rank: usize,
    spectral: OnceCell<Vec<Q>>,
    stationary: OnceCell<Result<Verified, String>>,
    /// `∇²ℓ` in all `dr` coordinates over the Krawczyk box (r = 2), set by the Krawczyk re-check.
    full_hessian: OnceCell<KMat>,
    /// `e_k = ‖U_kU_kᵀ − ÛÛᵀ‖_F` over the verified orbit boxes.
    orbit: OnceCell<Result<Vec<(Q, Q)>, String>>,
}

/// The names of the matrices congruence witnesses refer to.
const SPECTRAL: &str = "spectral";
const HESSIAN: &str = "hessian(S1.stationary)";
const FULL_HESSIAN: &str = "hessian(all coordinates, S1.stationary)";

fn malformed(m: impl Into<String>) -> Malformed {
    Malformed(m.into())
}

/// The matrix `name` of the instance record, exactly.
fn matrix(cert: &Certificate, name: &str) -> Result<Option<(usize, usize, Vec<Q>)>, Malformed> {
    let Some(m) = cert.instance.matrices.get(name) else {
        return Ok(None);
    };
    let d: Vec<Q> = m
        .entries
        .iter()
        .map(|s| q(s, &format!("instance matrix `{name}`")))
        .collect::<Result<_, _>>()
        .map_err(Malformed)?;
    Ok(Some((m.rows, m.cols, d)))
}

fn symmetric(
    cert: &Certificate,
    name: &str,
    d: Option<usize>,
) -> Result<Option<Vec<Q>>, Malformed> {
    let Some((r, c, m)) = matrix(cert, name)? else {
        return Ok(None);
    };
    if r != c || r > MAX_DIM || d.is_some_and(|d| d != r) {
        return Err(malformed(format!("instance matrix `{name}` is {r}x{c}: expected a square matrix of the size of M*, at most {MAX_DIM}")));
    }
    if (0..r).any(|i| (0..i).any(|j| m[i * r + j] != m[j * r + i])) {
        return Err(malformed(format!(
            "instance matrix `{name}` is not symmetric"
        )));
    }
    Ok(Some(m))
}

fn data(cert: &Certificate, d: usize) -> Result<Option<Data>, Malformed> {
    let (Some((m, cols, items)), Some((n, four, trip))) =
        (matrix(cert, "items")?, matrix(cert, "triplets")?)
    else {
        return Ok(None);
    };
    if cols != d || m > MAX_ITEMS || four != 4 || n > MAX_TRIPLETS || n == 0 {
        return Err(malformed(format!(
            "items must be m×{d} (m <= {MAX_ITEMS}) and triplets n×4 (1 <= n <= {MAX_TRIPLETS})"
        )));
    }
    let mut out = Vec::with_capacity(n);
    let idx = |v: &Q| -> Result<usize, Malformed> {
        if v.is_integer() && !v.is_negative() && *v < q_int(m as i64) {
            Ok(v.to_integer().try_into().unwrap_or(0))
        } else {
            Err(malformed(format!(
                "triplet index {} is not in 0..{m}",
                format_exact(v)
            )))
        }
    };
    for r in trip.chunks(4) {
        let (i, j, k) = (idx(&r[0])?, idx(&r[1])?, idx(&r[2])?);
        let y = if r[3] == q_int(1) {
            1
        } else if r[3] == q_int(-1) {
            -1
        } else {
            return Err(malformed("a triplet label is not 1 or -1"));
        };
        if i == j || j == k || i == k {
            return Err(malformed("a triplet's items are not pairwise distinct"));
        }
        out.push(Triplet { i, j, k, y });
    }
    Ok(Some(Data {
        dim: d,
        items,
        triplets: out,
    }))
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let truth = symmetric(cert, "truth", None)?
        .ok_or_else(|| malformed("instance matrix `truth` (M*) is missing"))?;
    let d = (truth.len() as f64).sqrt() as usize;
    let ctx = Ctx {
        cert,
        d,
        estimate: symmetric(cert, "estimate", Some(d))?,
        data: data(cert, d)?,
        truth,
        rank: match cert.instance.params.get("rank") {
            None => 1,
            Some(r) => match r.parse::<usize>() {
                Ok(r) if (1..=MAX_RANK.min(d)).contains(&r) => r,
                _ => {
                    return Err(malformed(format!(
                        "instance parameter `rank` = {r} is not in 1..={}",
                        MAX_RANK.min(d)
                    )))
                }
            },
        },
        spectral: OnceCell::new(),
        stationary: OnceCell::new(),
        full_hessian: OnceCell::new(),
        orbit: OnceCell::new(),
    };
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .map(|c| {
            let r = check_claim(&ctx, c);
            ClaimCheck::of(c, r)
        })
        .collect();
    let mut required: Vec<&str> = vec![];
    if ctx.estimate.is_some() {
        required.push("S3.psd");
        if cert.instance.params.contains_key("epsilon") {
            required.push("S3.perturbation");
            if cert.instance.params.contains_key("floor") {
                required.extend(["S3.floor", "S3.constant", "S3.tight"]);
            }
        }
    }
    let init: Vec<String> = (1..=ctx.rank)
        .map(|k| format!("init.eigenvalue.{k}"))
        .collect();
    if ctx.data.is_some() {
        required.push("data.agreement");
        required.extend(init.iter().map(String::as_str));
        if cert.claim("H.minimiser").is_none() {
            required.push("S1.stationary");
            if ctx.rank == 2 {
                required.push("S1.gauge");
            }
            if ctx.rank <= 2 {
                required.extend([
                    "S1.hessian_pd",
                    "S1.hessian_min",
                    "S1.hessian_max",
                    "S1.local_rate",
                    "S1.distance",
                ]);
            }
        }
    }
    for id in required {
        if cert.claim(id).is_none() {
            out.push(ClaimCheck::missing(id));
        }
    }
    Ok(out)
}

/// An exactly decided claim: its role, its recorded value, no bound, and the verdict `holds` gives.
fn fixed(
    c: &Claim,
    role: Role,
    value: Option<&Q>,
    holds: bool,
    what: &str,
) -> Result<String, String> {
    if c.role != role {
        return Err(format!(
            "role is {:?}, the theorem makes it a {role:?}",
            c.role
        ));
    }
    let got = match &c.enclosure {
        Some(e) => Some(e.parse()?),
        None => None,
    };
    if got != value.map(|v| (v.clone(), v.clone())) || c.bound.is_some() {
        return Err(format!(
            "{what}: the value or bound differs from the kernel's"
        ));
    }
    let verdict = crate::certificate::verdict_for(role, crate::arith::Tri::from_bool(holds));
    if c.verdict != verdict && c.verdict != Verdict::Undecided {
        return Err(format!(
            "verdict {} but the kernel finds {verdict}",
            c.verdict
        ));
    }
    Ok(what.to_string())
}

fn param_of(ctx: &Ctx<'_>, key: &str) -> Result<Q, String> {
    param(ctx.cert, key)
        .map_err(|m| m.0)?
        .ok_or_else(|| format!("instance parameter `{key}` is missing"))
}

fn point_witness(w: &Witness) -> Result<Q, String> {
    match w {
        Witness::Point { point } if point.len() == 1 => q(&point[0], "point"),
        _ => Err("expected a one-number point witness".into()),
    }
}

fn identity(d: usize) -> Vec<Q> {
    (0..d * d)
        .map(|k| if k / d == k % d { q_int(1) } else { Q::zero() })
        .collect()
}

/// `M* − mI`.
fn floor_gap(ctx: &Ctx<'_>, m: &Q, eye: &[Q]) -> Vec<Q> {
    ctx.truth.iter().zip(eye).map(|(a, e)| a - m * e).collect()
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
    // An UNDECIDED claim with no enclosure and no witness asserts nothing (e.g. S1 for r > 2).
    if c.verdict == Verdict::Undecided && c.enclosure.is_none() && c.witness == Witness::None {
        return Ok("UNDECIDED asserts nothing".into());
    }
    let d = ctx.d;
    let est = || {
        ctx.estimate
            .as_ref()
            .ok_or("the instance has no M̂".to_string())
    };
    match c.id.as_str() {
        "S3.psd" => {
            let holds = is_psd(&ctx.truth, d) && is_psd(est()?, d);
            fixed(c, Role::Hypothesis, None, holds, "M* ⪰ 0 and M̂ ⪰ 0 (exact)")
        }
        "S3.perturbation" => {
            let eps = param_of(ctx, "epsilon")?;
            let diff: Vec<Q> = est()?.iter().zip(&ctx.truth).map(|(a, b)| a - b).collect();
            let holds = spectral_norm_at_most(&diff, d, &eps);
            fixed(
                c,
                Role::Hypothesis,
                Some(&eps),
                holds,
                "‖M̂ − M*‖₂ ≤ ε (exact)",
            )
        }
        "S3.floor" => {
            let m = param_of(ctx, "floor")?;
            let eye: Vec<Q> = (0..d * d)
                .map(|k| if k / d == k % d { q_int(1) } else { Q::zero() })
                .collect();
            let holds = m.is_positive() && is_psd(&floor_gap(ctx, &m, &eye), d);
            fixed(c, Role::Hypothesis, Some(&m), holds, "M* ⪰ mI (exact)")
        }
        "S3.constant" => {
            let (eps, m) = (param_of(ctx, "epsilon")?, param_of(ctx, "floor")?);
            let l = param(ctx.cert, "lipschitz")
                .map_err(|m| m.0)?
                .unwrap_or_else(|| q_int(1));
            if !m.is_positive() {
                return Err("m must be positive".into());
            }
            let unit = RatInterval::unit(192);
            let v = unit.constant(&(q_int(1) + &eps / &m)).sqrt() * &unit.constant(&l);
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(v),
                    what: "L·sqrt(1 + ε/m)".into(),
                },
            )
        }
        "S3.tight" => {
            let Witness::Bracket {
                index,
                lower,
                upper,
            } = &c.witness
            else {
                return Err("expected a bracket of two exact shifts".into());
            };
            if *index != d {
                return Err(format!(
                    "brackets eigenvalue {index}, expected the largest, {d}"
                ));
            }
            let (lo, hi) = (point_witness(lower)?, point_witness(upper)?);
            let e = est()?;
            let m = param_of(ctx, "floor")?;
            let eye = identity(d);
            if !(m.is_positive() && is_psd(&floor_gap(ctx, &m, &eye), d)) {
                return Err("M* ⪰ mI with m > 0 does not hold: λ_max(M*⁻¹M̂) is not defined".into());
            }
            // tM* − M̂ ⪰ 0 iff λ_max(M*⁻¹M̂) ≤ t, for M* ≻ 0.
            let psd = |t: &Q| is_psd(&scaled_minus(t, &ctx.truth, e), d);
            if !psd(&hi) {
                return Err("hi·M* − M̂ is not positive semidefinite".into());
            }
            let lower_ok = if lo < hi {
                !psd(&lo)
            } else {
                lo == hi && determinant(&scaled_minus(&lo, &ctx.truth, e), d).is_zero()
            };
            if !lower_ok {
                return Err("the lower shift does not bound λ_max(M*⁻¹M̂) from below".into());
            }
            let l = param(ctx.cert, "lipschitz")
                .map_err(|m| m.0)?
                .unwrap_or_else(|| q_int(1));
            let v = RatInterval::new(lo.clamp(Q::zero(), hi.clone()), hi, 192).sqrt()
                * &RatInterval::point(l, 192);
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(v),
                    what: "L·sqrt(λ_max(M*⁻¹M̂))".into(),
                },
            )
        }
        "data.agreement" => {
            let data = ctx.data.as_ref().ok_or("the instance has no data")?;
            let ip = data.inner_products(&ctx.truth);
            let agree = data
                .triplets
                .iter()
                .zip(&ip)
                .filter(|(t, v)| q_int(t.y as i64) * *v > Q::zero())
                .count();
            let frac = Q::new((agree as i64).into(), (data.n() as i64).into());
            fixed(
                c,
                Role::Conclusion,
                Some(&frac),
                true,
                "label agreement with sign⟨M*, A_t⟩ (exact)",
            )
        }
        id if id.starts_with("init.eigenvalue.") => {
            let k: usize = id["init.eigenvalue.".len()..]
                .parse()
                .map_err(|_| "not an eigenvalue number".to_string())?;
            if k == 0 || k > ctx.rank {
                return Err(format!(
                    "eigenvalue {k} is not among the top r = {}",
                    ctx.rank
                ));
            }
            let (lo, hi) = bracket(ctx, c, d + 1 - k, SPECTRAL)?;
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(RatInterval::new(lo, hi, 64)),
                    what: format!("eigenvalue {k} of the exact spectral matrix (congruences)"),
                },
            )
        }
        "H.minimiser" => {
            let data = ctx.data.as_ref().ok_or("the instance has no data")?;
            let Witness::Point { point } = &c.witness else {
                return Err("expected the separating U as a point witness".into());
            };
            if point.len() != d * ctx.rank {
                return Err(format!("U needs {} entries", d * ctx.rank));
            }
            let u: Vec<Q> = point.iter().map(|s| q(s, "U")).collect::<Result<_, _>>()?;
            let margin = min_margin(data, &u, ctx.rank).ok_or("no triplet")?;
            // Only a positive margin proves anything (that no minimiser exists).
            if c.verdict == Verdict::Certified {
                return Err("a single U cannot certify that a minimiser exists".into());
            }
            conclude(
                c,
                Expect {
                    role: Role::Hypothesis,
                    bound: Some(("<=", Q::zero(), Q::zero())),
                    computed: Some(RatInterval::point(margin, 64)),
                    what: "min_t y_t⟨UUᵀ, A_t⟩ (exact)".into(),
                },
            )
        }
        "S1.stationary" => {
            let v = stationary(ctx)?;
            if ctx.rank > 1 && !transversality(ctx)?.lo().is_some_and(|l| l.is_positive()) {
                return Err("the slice is not transversal to the gauge orbits (S1.gauge)".into());
            }
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(v.loss.clone()),
                    what: "Krawczyk re-run; ℓ over the box".into(),
                },
            )
        }
        "S1.hessian_pd" => {
            let (t, below) = congruence(ctx, &c.witness, HESSIAN)?;
            if !t.is_zero() {
                return Err("the congruence must be at t = 0".into());
            }
            conclude(
                c,
                Expect {
                    role: Role::Hypothesis,
                    bound: Some(("=", Q::zero(), Q::zero())),
                    computed: Some(RatInterval::point(q_int(below as i64), 64)),
                    what: "eigenvalues of ∇²ℓ below 0 over the box (congruence)".into(),
                },
            )
        }
        "S1.hessian_min" | "S1.hessian_max" => {
            let (first, last, name) = spectrum_indices(ctx);
            let (index, bound) = if c.id == "S1.hessian_min" {
                (first, Some((">", Q::zero(), Q::zero())))
            } else {
                (last, None)
            };
            let (lo, hi) = bracket(ctx, c, index, name)?;
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound,
                    computed: Some(RatInterval::new(lo, hi, 64)),
                    what: format!("eigenvalue {index} of ∇²ℓ over the box (congruences)"),
                },
            )
        }
        "S1.local_rate" => {
            let (first, last, name) = spectrum_indices(ctx);
            let mu = bracket(
                ctx,
                ctx.cert
                    .claim("S1.hessian_min")
                    .ok_or("S1.hessian_min is missing")?,
                first,
                name,
            )?;
            let l = bracket(
                ctx,
                ctx.cert
                    .claim("S1.hessian_max")
                    .ok_or("S1.hessian_max is missing")?,
                last,
                name,
            )?;
            let eta = param_of(ctx, "eta")?;
            let (a, b) = local_rate(&eta, (&mu.0, &mu.1), (&l.0, &l.1));
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound: Some(("<", q_int(1), q_int(1))),
                    computed: Some(RatInterval::new(a, b, 64)),
                    what: "max(|1 − ημ_h|, |1 − ηL_h|) from the brackets".into(),
                },
            )
        }
        "S1.gauge" => conclude(
            c,
            Expect {
                role: Role::Hypothesis,
                bound: Some((">", Q::zero(), Q::zero())),
                computed: Some(transversality(ctx)?),
                what:
                    "|(UΩ)_p| over the Krawczyk box: the slice is transversal to the gauge orbits"
                        .into(),
            },
        ),
        "S1.distance" => {
            let tight = tight_full(ctx)?;
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(distance_to(&tight, ctx.rank, &ctx.truth)),
                    what: "‖ÛÛᵀ − M*‖_F over the tight box".into(),
                },
            )
        }
        "S1.orbit" => {
            let e = orbit(ctx)?;
            let (lo, hi) = e[e.len() - 1].clone();
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(RatInterval::new(lo, hi, 64)),
                    what: "interval GD orbit re-checked (mean-value form, MPFR); e_K".into(),
                },
            )
        }
        "S1.contraction" => {
            let e = orbit(ctx)?;
            let (mut lo, mut hi) = (Q::zero(), Q::zero());
            for k in 0..e.len() - 1 {
                if !e[k].0.is_positive() {
                    return Err(format!("e_{k} is not bounded away from 0"));
                }
                // e_(k+1)/e_k ∈ [lo_(k+1)/hi_k, hi_(k+1)/lo_k]
                lo = lo.max(&e[k + 1].0 / &e[k].1);
                hi = hi.max(&e[k + 1].1 / &e[k].0);
            }
            let bound = param(ctx.cert, "rho")
                .map_err(|m| m.0)?
                .map(|r| ("<=", r.clone(), r));
            conclude(
                c,
                Expect {
                    role: Role::Conclusion,
                    bound,
                    computed: Some(RatInterval::new(lo, hi, 64)),
                    what: "max_k e_(k+1)/e_k over the verified orbit".into(),
                },
            )
        }
        other => Err(format!("claim `{other}` is not part of this theorem")),
    }
}

/// Most GD steps in an orbit witness the kernel re-checks.
const MAX_ORBIT_STEPS: usize = 100_000;

/// Re-checks the orbit witness of `S1.orbit` (cached) and returns `e_k` for every box.
fn orbit<'a>(ctx: &'a Ctx<'_>) -> Result<&'a Vec<(Q, Q)>, String> {
    ctx.orbit
        .get_or_init(|| verify_orbit(ctx))
        .as_ref()
        .map_err(Clone::clone)
}

/// `X_0 ∋ start`; for each k, `X_k ⊆ hulls[k / block]` and the mean-value enclosure
/// `F(m) + (I − η∇²ℓ(hull))(X_k − m)` of `F(X_k)` lies in `X_{k+1}`; `∇ℓ` and `∇²ℓ` in the closed
/// forms of `spec::bradley_terry`, in the kernel's own MPFR intervals.
fn verify_orbit(ctx: &Ctx<'_>) -> Result<Vec<(Q, Q)>, String> {
    let data = ctx.data.as_ref().ok_or("the instance has no data")?;
    let c = ctx.cert.claim("S1.orbit").ok_or("S1.orbit is missing")?;
    let Witness::GdOrbit {
        loss,
        start,
        block,
        boxes,
        hulls,
    } = &c.witness
    else {
        return Err("S1.orbit has no GD-orbit witness".into());
    };
    if loss != "bradley_terry" {
        return Err(format!("loss `{loss}`, expected `bradley_terry`"));
    }
    let obj = BtLoss::new(data, ctx.rank);
    let n = obj.dim();
    let steps = boxes.len().saturating_sub(1);
    if *block == 0
        || boxes.is_empty()
        || steps > MAX_ORBIT_STEPS
        || hulls.len() != steps.div_ceil(*block)
    {
        return Err("the orbit needs 1 to 100001 boxes and one hull per block of steps".into());
    }
    // The claim's precision plus 11 bits (64 for binary64 intervals): the engine pads every box
    // by 2^-50 of its magnitude, far above this rounding, and one-limb MPFR is fast.
    let bits = bits_of(c) - 53;
    let parse_box = |b: &[crate::certificate::Encl], what: &str| -> Result<Vec<(Q, Q)>, String> {
        if b.len() != n {
            return Err(format!("{what}: expected {n} coordinates"));
        }
        b.iter()
            .map(|e| e.parse().map_err(|m| format!("{what}: {m}")))
            .collect()
    };
    let mpfr = |b: &[(Q, Q)]| -> Vec<MpfrInterval> {
        b.iter()
            .map(|(l, h)| MpfrInterval::from_q(bits, l, h))
            .collect()
    };
    let inside =
        |a: &[(Q, Q)], b: &[(Q, Q)]| a.iter().zip(b).all(|(x, y)| y.0 <= x.0 && x.1 <= y.1);
    let s: Vec<Q> = start
        .iter()
        .map(|v| q(v, "start"))
        .collect::<Result<_, _>>()?;
    let x = parse_box(&boxes[0], "box 0")?;
    if s.len() != n || !s.iter().zip(&x).all(|(v, (l, h))| l <= v && v <= h) {
        return Err("the start is not in box 0".into());
    }
    let eta = MpfrInterval::from_q(bits, &param_of(ctx, "eta")?, &param_of(ctx, "eta")?);
    let tight: Vec<MpfrInterval> = tight_full(ctx)?
        .iter()
        .map(|t| {
            t.bounds()
                .map(|(l, h)| MpfrInterval::from_q(bits, &l, &h))
                .ok_or("unbounded tight box")
        })
        .collect::<Result<_, _>>()?;
    let e_of = |b: &[MpfrInterval]| -> Result<(Q, Q), String> {
        crate::spec::bradley_terry::gap(b, &tight, ctx.rank)
            .bounds()
            .ok_or_else(|| "an unbounded e_k".to_string())
    };
    let all: Vec<Vec<(Q, Q)>> = std::iter::once(Ok(x))
        .chain((1..=steps).map(|k| parse_box(&boxes[k], &format!("box {k}"))))
        .collect::<Result<_, _>>()?;
    let hull_boxes: Vec<Vec<(Q, Q)>> = hulls
        .iter()
        .enumerate()
        .map(|(h, b)| parse_box(b, &format!("hull {h}")))
        .collect::<Result<_, _>>()?;
    // Steps k in `range`: X_k ⊆ hull, F(X_k) ⊆ X_(k+1). Steps are independent given the recorded
    // boxes, so two halves run on two threads.
    let check_steps = |range: std::ops::Range<usize>| -> Result<(), String> {
        let arms = obj.arms_in(&MpfrInterval::unit(bits));
        let mut hess = vec![];
        for k in range.clone() {
            let hull = &hull_boxes[k / block];
            if k % block == 0 || k == range.start {
                hess = obj.hessian_with(&arms, &mpfr(hull));
            }
            let x = &all[k];
            if !inside(x, hull) {
                return Err(format!("box {k} is not inside its hull"));
            }
            let m: Vec<MpfrInterval> = x
                .iter()
                .map(|(l, h)| {
                    let mid = (l + h) / q_int(2);
                    MpfrInterval::from_q(bits, &mid, &mid)
                })
                .collect();
            let img =
                crate::spec::bradley_terry::gd_box_step(&obj, &arms, &eta, &mpfr(x), &m, &hess);
            let img: Vec<(Q, Q)> = img
                .iter()
                .map(|v| {
                    v.bounds()
                        .ok_or_else(|| format!("step {k}: an unbounded image"))
                })
                .collect::<Result<_, _>>()?;
            if !inside(&img, &all[k + 1]) {
                return Err(format!("step {k}: F(X_{k}) is not inside X_{}", k + 1));
            }
        }
        Ok(())
    };
    let half = steps / 2;
    let (a, b) = std::thread::scope(|sc| {
        let t = sc.spawn(|| check_steps(half..steps));
        let a = check_steps(0..half);
        (a, t.join())
    });
    a?;
    b.map_err(|_| "an orbit thread failed".to_string())??;
    let e = all
        .iter()
        .map(|b| e_of(&mpfr(b)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(e)
}

/// The exact spectral matrix `(1/(6n)) Σ y_t A_t` (cached).
fn spectral<'a>(ctx: &'a Ctx<'_>) -> Result<&'a Vec<Q>, String> {
    let data = ctx.data.as_ref().ok_or("the instance has no data")?;
    Ok(ctx.spectral.get_or_init(|| data.spectral_matrix()))
}

/// The shift and the count below it of a congruence witness of the matrix `name`.
fn congruence(ctx: &Ctx<'_>, w: &Witness, name: &str) -> Result<(Q, usize), String> {
    let (t, below, _) = if name == SPECTRAL {
        let d = ctx.d;
        check_congruence_witness(w, name, &KMat::exact(d, d, spectral(ctx)?.clone()), true)?
    } else if name == FULL_HESSIAN {
        check_congruence_witness(w, name, full_hessian(ctx)?, false)?
    } else {
        check_congruence_witness(w, name, &stationary(ctx)?.hessian, false)?
    };
    Ok((t, below))
}

/// `λ_index ∈ (t_lo, t_hi)` (ascending, from 1) of the matrix `name` from a bracket witness.
fn bracket(ctx: &Ctx<'_>, c: &Claim, index: usize, name: &str) -> Result<(Q, Q), String> {
    check_bracket(c, index, |w| congruence(ctx, w, name))
}

/// Re-runs the Krawczyk test of `S1.stationary` (cached).
fn stationary<'a>(ctx: &'a Ctx<'_>) -> Result<&'a Verified, String> {
    ctx.stationary
        .get_or_init(|| verify_stationary(ctx))
        .as_ref()
        .map_err(Clone::clone)
}

/// The loss for the shared Krawczyk re-check ([`check_stationary_witness`]): `∇ℓ` at the centre
/// and `ℓ`, `∇²ℓ` over the box in the kernel's own MPFR intervals, by the closed forms of
/// `spec::bradley_terry` (the engine differentiates the loss automatically, so the two
/// derivations are independent). Exact rationals are too slow for thousands of logistic terms.
/// With a gauge slice (r = 2), `ℓ` restricted to it: the fixed coordinates are inserted before
/// evaluating, and dropped from the gradient and the Hessian.
struct KernelBt {
    loss: BtLoss,
    fixed: Vec<usize>,
    values: Vec<Q>,
    /// The Hessian in all coordinates over the box, kept for the brackets of `μ_h`, `L_h`.
    full: OnceCell<Vec<(Q, Q)>>,
}

impl KernelBt {
    fn point(&self, x: &[(Q, Q)], bits: u32) -> Vec<MpfrInterval> {
        let v: Vec<(Q, Q)> = self.values.iter().map(|q| (q.clone(), q.clone())).collect();
        embed(x, &self.fixed, &v)
            .iter()
            .map(|(l, h)| MpfrInterval::from_q(bits, l, h))
            .collect()
    }
}

impl KernelLoss for KernelBt {
    fn name(&self) -> &str {
        if self.fixed.is_empty() {
            "bradley_terry"
        } else {
            "bradley_terry_slice"
        }
    }
    fn dim(&self) -> usize {
        self.loss.dim() - self.fixed.len()
    }
    fn gradient_at(&self, m: &[Q], bits: u32) -> Result<Vec<(Q, Q)>, String> {
        let arms = self.loss.arms_in(&MpfrInterval::unit(bits));
        let mq: Vec<(Q, Q)> = m.iter().map(|v| (v.clone(), v.clone())).collect();
        let g = mpfr_bounds(&self.loss.gradient_with(&arms, &self.point(&mq, bits)))?;
        Ok(g.into_iter()
            .enumerate()
            .filter(|(i, _)| !self.fixed.contains(i))
            .map(|(_, v)| v)
            .collect())
    }
    fn over_box(&self, x: &[(Q, Q)], bits: u32) -> Result<((Q, Q), Vec<(Q, Q)>), String> {
        let arms = self.loss.arms_in(&MpfrInterval::unit(bits));
        let b = self.point(x, bits);
        let v = self
            .loss
            .value_with(&arms, &b)
            .bounds()
            .ok_or("an unbounded loss")?;
        let h = mpfr_bounds(&self.loss.hessian_with(&arms, &b))?;
        let restricted = restrict(&h, self.loss.dim(), &self.fixed);
        let _ = self.full.set(h);
        Ok((v, restricted))
    }
}

/// The gauge slice `(fixed, values)`: none for r = 1; for r = 2 one coordinate, from the `Slice`
/// witness of `S1.gauge`.
fn slice(ctx: &Ctx<'_>) -> Result<(Vec<usize>, Vec<Q>), String> {
    if ctx.rank == 1 {
        return Ok((vec![], vec![]));
    }
    if ctx.rank != 2 {
        return Err("S1 is checked for r <= 2 only".into());
    }
    let c = ctx.cert.claim("S1.gauge").ok_or("S1.gauge is missing")?;
    let Witness::Slice {
        stationary,
        fixed,
        values,
    } = &c.witness
    else {
        return Err("S1.gauge has no slice witness".into());
    };
    if stationary != "S1.stationary" || fixed.len() != 1 || values.len() != 1 {
        return Err("the slice must fix one coordinate for S1.stationary".into());
    }
    if fixed[0] >= ctx.d * ctx.rank {
        return Err(format!("fixed coordinate {} out of range", fixed[0]));
    }
    Ok((fixed.clone(), vec![q(&values[0], "slice value")?]))
}

/// `|(UΩ)_p|` over the Krawczyk box (r = 2, `Ω = [[0, 1], [−1, 0]]`, `p` the fixed coordinate):
/// `(UΩ)_(a,1) = −U_(a,2)`, `(UΩ)_(a,2) = U_(a,1)`. Positive: `[slice basis | UΩ]` is nonsingular.
fn transversality(ctx: &Ctx<'_>) -> Result<RatInterval, String> {
    let (fixed, _) = slice(ctx)?;
    let [p] = fixed[..] else {
        return Err("no slice".into());
    };
    stationary(ctx)?;
    let c = ctx
        .cert
        .claim("S1.stationary")
        .ok_or("S1.stationary is missing")?;
    let Witness::Stationary { center, radius, .. } = &c.witness else {
        return Err("S1.stationary has no stationary-point witness".into());
    };
    let j = if p % 2 == 0 { p + 1 } else { p - 1 };
    // Slice coordinates skip p.
    let k = if j > p { j - 1 } else { j };
    let (m, r) = (
        q(center.get(k).ok_or("short centre")?, "center")?,
        q(radius.get(k).ok_or("short radius")?, "radius")?,
    );
    let (lo, hi) = (&m - &r, &m + &r);
    let (lo, hi) = if lo.is_positive() {
        (lo, hi)
    } else if hi.is_negative() {
        (-hi, -lo)
    } else {
        (Q::zero(), (-lo).max(hi))
    };
    Ok(RatInterval::new(lo, hi, 64))
}

/// The verified tight box of `Û` in all `dr` coordinates (the slice's fixed ones inserted).
fn tight_full(ctx: &Ctx<'_>) -> Result<Vec<RatInterval>, String> {
    let v = stationary(ctx)?;
    let (fixed, values) = slice(ctx)?;
    let vals: Vec<RatInterval> = values
        .into_iter()
        .map(|x| RatInterval::point(x, 64))
        .collect();
    Ok(embed(&v.tight, &fixed, &vals))
}

/// `∇²ℓ` (all coordinates) over the Krawczyk box, as the Krawczyk re-check enclosed it.
fn full_hessian<'a>(ctx: &'a Ctx<'_>) -> Result<&'a KMat, String> {
    stationary(ctx)?;
    ctx.full_hessian
        .get()
        .ok_or_else(|| "no Hessian in all coordinates (r = 1?)".to_string())
}

/// The eigenvalue indices of `μ_h` and `L_h` and the matrix they bracket: r = 1, 1 and d of the
/// Hessian over the Krawczyk box; r = 2, 2 and 2d of the full Hessian over the Krawczyk box
/// (eigenvalue 1 is 0, along the gauge direction).
fn spectrum_indices(ctx: &Ctx<'_>) -> (usize, usize, &'static str) {
    let n = ctx.d * ctx.rank;
    if ctx.rank == 1 {
        (1, n, HESSIAN)
    } else {
        (1 + ctx.rank * (ctx.rank - 1) / 2, n, FULL_HESSIAN)
    }
}

fn mpfr_bounds(v: &[MpfrInterval]) -> Result<Vec<(Q, Q)>, String> {
    v.iter()
        .map(|e| {
            e.bounds()
                .ok_or_else(|| "an unbounded enclosure".to_string())
        })
        .collect()
}

fn verify_stationary(ctx: &Ctx<'_>) -> Result<Verified, String> {
    let data = ctx.data.as_ref().ok_or("the instance has no data")?;
    let c = ctx
        .cert
        .claim("S1.stationary")
        .ok_or("S1.stationary is missing")?;
    let (fixed, values) = slice(ctx)?;
    let sliced = !fixed.is_empty();
    let obj = KernelBt {
        loss: BtLoss::new(data, ctx.rank),
        fixed,
        values,
        full: OnceCell::new(),
    };
    let v = check_stationary_witness(c, &obj, bits_of(c))?;
    if let (true, Some(h)) = (sliced, obj.full.get()) {
        let n = obj.loss.dim();
        let _ = ctx.full_hessian.set(KMat::of_intervals(n, n, h));
    }
    Ok(v)
}
