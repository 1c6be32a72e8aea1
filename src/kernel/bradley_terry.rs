//! The kernel's table for paper 3 (`bradley-terry-metric`).
//!
//! Matrices (M*, M̂, items, triplets) are read exactly from the certificate's instance record, so a
//! certificate pins its data. S3 is re-decided by exact LDLᵀ elimination and the constant
//! `L·sqrt(1 + ε/m)` recomputed with the kernel's own square root. Data claims are recomputed
//! exactly: the label agreement, the spectral matrix `(1/(6n)) Σ y_t A_t` (whose congruence
//! witnesses are re-checked in exact arithmetic), and the separating `U`'s margins.

use super::checks::{conclude, param, q, Expect};
use super::matrix::{congruence_counts, KMat};
use super::{ClaimCheck, Malformed};
use crate::arith::exact::{format_exact, Q};
use crate::arith::{q_int, Elementary, RatInterval, Ring};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::bradley_terry::{determinant, min_margin, scaled_minus, Data, Triplet};
use crate::spec::deep_mf::{is_psd, spectral_norm_at_most};
use num_traits::{Signed, Zero};

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
}

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
    };
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .map(|c| {
            let r = check_claim(&ctx, c);
            ClaimCheck {
                id: c.id.clone(),
                verdict: c.verdict,
                ok: r.is_ok(),
                reason: match r {
                    Ok(s) | Err(s) => s,
                },
            }
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
    if ctx.data.is_some() {
        required.push("data.agreement");
    }
    for id in required {
        if cert.claim(id).is_none() {
            out.push(ClaimCheck {
                id: id.to_string(),
                verdict: Verdict::Undecided,
                ok: false,
                reason: "missing: the theorem states this claim for this instance".into(),
            });
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
        other => {
            let _ = (
                min_margin,
                congruence_counts as fn(&KMat, &Q, &[usize], &[Q], &str, bool) -> _,
            );
            Err(format!("claim `{other}` is not part of this theorem"))
        }
    }
}
