//! Kernel checks of paper 6 (`muon`), in exact rational arithmetic ([`RatInterval`] rounding
//! outward at the witness's precision for the M1 cover; exact rationals for M2 and M3).
//!
//! - M1: the boxes between the breakpoints cover `[sigma_lo, sigma_hi]` without gap; on each the
//!   kernel encloses `p^{∘k}` by the mean-value form itself, and their hull must lie in the claimed
//!   image; the extremes are bounded from the other side by `p^{∘k}` at `argmin`, `argmax`. The
//!   Newton–Schulz identity is re-expanded exactly.
//! - M2: the repeated-singular-value test (gcd of the characteristic polynomial and its derivative)
//!   is recomputed; the brackets are LDLᵀ congruences of the exact Gram matrix.
//! - M3: the matrices are rebuilt from the instance; the polar candidates, the a-posteriori bound,
//!   the σ_min enclosures and the ratio are recomputed exactly from the witnesses.

use super::checks::{conclude, param, q, Expect};
use super::matrix::{check_congruence_witness, KMat};
use super::{ClaimCheck, Malformed};
use crate::arith::dual::Dual;
use crate::arith::exact::{format_exact, parse_q, qadd, qmul, qsub, Q};
use crate::arith::ratinterval::round_rel;
use crate::arith::{q_int, Enclosure, RatInterval};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::muon::*;
use crate::spec::Dynamics;
use num_traits::Zero;
use std::cell::OnceCell;

/// Most boxes of a cover the kernel accepts.
const MAX_BOXES: usize = 1_000_000;

fn list(cert: &Certificate, key: &str) -> Result<Vec<Q>, Malformed> {
    match cert.instance.params.get(key) {
        None => Ok(vec![]),
        Some(s) if s.trim().is_empty() => Ok(vec![]),
        Some(s) => s
            .split(',')
            .map(|t| parse_q(t.trim()))
            .collect::<Result<_, _>>()
            .map_err(|e| Malformed(format!("instance parameter `{key}`: {e}"))),
    }
}

fn need(cert: &Certificate, key: &str) -> Result<Q, Malformed> {
    param(cert, key)?.ok_or_else(|| Malformed(format!("instance parameter `{key}` is missing")))
}

struct Ctx<'a> {
    cert: &'a Certificate,
    p: NsPoly,
    k: usize,
    sigma_lo: Q,
    sigma_hi: Q,
    image_lo: Q,
    image_hi: Q,
    error_bound: Q,
    tau: Vec<Q>,
    /// The instance's M, when recorded.
    m: Option<(usize, usize, Vec<Q>)>,
    polar: Option<(Vec<Q>, Vec<Q>)>,
    /// The M1 cover, checked once.
    cover: OnceCell<Result<(RatInterval, RatInterval, RatInterval), String>>,
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let k = need(cert, "iterations")?;
    if !k.is_integer() || k < q_int(1) || k > q_int(8) {
        return Err(Malformed(
            "instance parameter `iterations` must be in 1..=8".into(),
        ));
    }
    let m = match cert.instance.matrices.get("M") {
        None => None,
        Some(r) => {
            let d: Vec<Q> = r
                .entries
                .iter()
                .map(|s| q(s, "instance.matrices.M"))
                .collect::<Result<_, _>>()
                .map_err(Malformed)?;
            if r.rows.min(r.cols) > 64 || r.rows.max(r.cols) > 256 {
                return Err(Malformed("instance.matrices.M is too large".into()));
            }
            Some((r.rows, r.cols, d))
        }
    };
    let sigma = list(cert, "polar.sigma")?;
    let plane = list(cert, "polar.plane")?;
    let wants_m3 = cert
        .instance
        .params
        .get("claims")
        .is_some_and(|c| c.split(',').any(|g| g.trim() == "M3"));
    let polar = if wants_m3 {
        let n = sigma.len();
        let idx = |v: Option<&Q>| -> Option<usize> {
            let v = v?;
            (v.is_integer() && *v >= q_int(1) && *v <= q_int(n as i64))
                .then(|| v.to_integer().to_string().parse::<usize>().ok())
                .flatten()
                .map(|i| i - 1)
        };
        let (Some(i), Some(j)) = (idx(plane.first()), idx(plane.get(1))) else {
            return Err(Malformed(
                "instance parameter `polar.plane` is invalid".into(),
            ));
        };
        if i == j || !(2..=64).contains(&n) || sigma.iter().any(|s| *s <= Q::zero()) {
            return Err(Malformed(
                "instance parameters `polar.*` are invalid".into(),
            ));
        }
        Some(polar_pair(
            &sigma,
            &need(cert, "polar.su")?,
            &need(cert, "polar.sv")?,
            &need(cert, "polar.eps")?,
            (i, j),
        ))
    } else {
        None
    };
    let ctx = Ctx {
        cert,
        p: NsPoly {
            a: need(cert, "a")?,
            b: need(cert, "b")?,
            c: need(cert, "c")?,
        },
        k: k.to_integer().to_string().parse().unwrap_or(5),
        sigma_lo: need(cert, "sigma_lo")?,
        sigma_hi: need(cert, "sigma_hi")?,
        image_lo: need(cert, "image_lo")?,
        image_hi: need(cert, "image_hi")?,
        error_bound: need(cert, "error_bound")?,
        tau: list(cert, "tau")?,
        m,
        polar,
        cover: OnceCell::new(),
    };
    if ctx.sigma_lo <= Q::zero() || ctx.sigma_hi <= ctx.sigma_lo {
        return Err(Malformed(
            "instance parameters need 0 < sigma_lo < sigma_hi".into(),
        ));
    }
    Ok(cert
        .claims
        .iter()
        .map(|c| {
            let r = check_claim(&ctx, c);
            ClaimCheck::of(c, r)
        })
        .collect())
}

/// The mean-value enclosure of `p^{∘k}` over `[lo, hi]`, with `bits`-bit outward rounding.
/// The box is first widened outward to dyadic endpoints (the breakpoints start at the decimal
/// `sigma_lo`), so that all arithmetic stays dyadic and avoids long gcds; an image over the wider box
/// encloses the image over the box.
fn image(p: &NsPoly, k: usize, lo: &Q, hi: &Q, bits: u32) -> RatInterval {
    let lo = round_rel(lo, bits + 32, false);
    let hi = round_rel(hi, bits + 32, true);
    let m: Q = qmul(&qadd(&lo, &hi), &Q::new(1.into(), 2.into()));
    let fm = ns_iterate(p, &RatInterval::point(m.clone(), bits), k);
    let x = RatInterval::new(lo.clone(), hi.clone(), bits);
    let d = ns_iterate(p, &Dual::<RatInterval, 1>::var(x, 0), k).d[0].clone();
    fm + &(d * &RatInterval::new(qsub(&lo, &m), qsub(&hi, &m), bits))
}

/// The cover of claim `M1.image`: the hull of the box images, `p^{∘k}(argmin)`, `p^{∘k}(argmax)`.
fn cover(ctx: &Ctx<'_>) -> Result<(RatInterval, RatInterval, RatInterval), String> {
    ctx.cover.get_or_init(|| check_cover(ctx)).clone()
}

fn check_cover(ctx: &Ctx<'_>) -> Result<(RatInterval, RatInterval, RatInterval), String> {
    let c = ctx
        .cert
        .claim("M1.image")
        .ok_or("the claim M1.image is missing")?;
    let Witness::ImageCover {
        map,
        iterations,
        bits,
        breakpoints,
        argmin,
        argmax,
    } = &c.witness
    else {
        return Err("M1.image needs an image_cover witness".into());
    };
    if map != ctx.p.name() || *iterations != ctx.k {
        return Err(format!(
            "the cover is of `{map}` iterated {iterations} times, expected `{}` iterated {}",
            ctx.p.name(),
            ctx.k
        ));
    }
    if !(53..=4096).contains(bits) {
        return Err(format!("bits {bits} outside 53..=4096"));
    }
    if breakpoints.len() < 2 || breakpoints.len() > MAX_BOXES + 1 {
        return Err(format!("{} breakpoints", breakpoints.len()));
    }
    let pts: Vec<Q> = breakpoints
        .iter()
        .map(|s| q(s, "breakpoint"))
        .collect::<Result<_, _>>()?;
    if pts[0] != ctx.sigma_lo || pts[pts.len() - 1] != ctx.sigma_hi {
        return Err(format!(
            "the breakpoints run from {} to {}, not over [sigma_lo, sigma_hi] = [{}, {}]",
            breakpoints[0],
            breakpoints[breakpoints.len() - 1],
            format_exact(&ctx.sigma_lo),
            format_exact(&ctx.sigma_hi)
        ));
    }
    if let Some(i) = (1..pts.len()).find(|&i| pts[i] <= pts[i - 1]) {
        return Err(format!("breakpoint {i} does not increase"));
    }
    let mut hull: Option<RatInterval> = None;
    for w in pts.windows(2) {
        let img = image(&ctx.p, ctx.k, &w[0], &w[1], *bits);
        let (l, h) = img
            .bounds()
            .ok_or_else(|| format!("the image over box at {} is unbounded", format_exact(&w[0])))?;
        hull = Some(match hull {
            None => img,
            Some(u) => {
                let (ul, uh) = u.bounds().ok_or("unbounded hull")?;
                RatInterval::new(ul.min(l), uh.max(h), *bits)
            }
        });
    }
    let at = |s: &str| -> Result<RatInterval, String> {
        let v = q(s, "extremal point")?;
        if v < ctx.sigma_lo || v > ctx.sigma_hi {
            return Err(format!("the point {s} is outside [sigma_lo, sigma_hi]"));
        }
        Ok(ns_iterate(&ctx.p, &RatInterval::point(v, *bits), ctx.k))
    };
    Ok((hull.ok_or("no box")?, at(argmin)?, at(argmax)?))
}

fn uses_claim(c: &Claim, id: &str) -> Result<(), String> {
    match &c.witness {
        Witness::Uses { claim, step: None } if claim == id => Ok(()),
        Witness::None if c.verdict == Verdict::Undecided => Ok(()),
        _ => Err(format!("{} must use the witness of {id}", c.id)),
    }
}

fn interval(lo: Q, hi: Q) -> Option<RatInterval> {
    (lo <= hi).then(|| RatInterval::new(lo, hi, 128))
}

fn exact_verdict(c: &Claim, role: Role, holds: bool, what: &str) -> Result<String, String> {
    if !matches!(c.witness, Witness::Exact) {
        return Err("an exact claim has an `exact` witness".into());
    }
    let expected = match (holds, role) {
        (true, _) => Verdict::Certified,
        (false, Role::Hypothesis) => Verdict::ConditionNotMet,
        (false, Role::Conclusion) => Verdict::Violated,
    };
    if c.role != role {
        return Err(format!("role is {:?}, expected {role:?}", c.role));
    }
    if c.verdict == expected || c.verdict == Verdict::Undecided {
        Ok(format!("exact: {what}"))
    } else {
        Err(format!("verdict {} but exactly: {what}", c.verdict))
    }
}

/// The Gram matrix of M, its order, and the number of its zero eigenvalues.
fn gram(ctx: &Ctx<'_>) -> Result<(Vec<Q>, usize, usize, bool), String> {
    let (rows, cols, d) = ctx.m.as_ref().ok_or("the instance records no matrix M")?;
    let (g, r) = small_gram(d, *rows, *cols);
    let zeros = zero_eigenvalues(&char_poly(&g, r));
    let repeated = has_repeated_nonzero_eigenvalue(&g, r);
    Ok((g, r, zeros, repeated))
}

fn congruence(g: &KMat, w: &Witness) -> Result<(Q, usize), String> {
    let (t, below, _) = check_congruence_witness(w, "gram(M)", g, true)?;
    Ok((t, below))
}

/// `σ_i(M)` (descending, from 1) from its bracket claim.
fn sigma_bracket(ctx: &Ctx<'_>, i: usize) -> Result<(Q, Q), String> {
    let (g, r, _, _) = gram(ctx)?;
    let id = format!("M2.sigma.{i}");
    let c = ctx
        .cert
        .claim(&id)
        .ok_or(format!("claim {id} is missing"))?;
    let Witness::Bracket {
        index,
        lower,
        upper,
    } = &c.witness
    else {
        return Err(format!("{id} has no bracket witness"));
    };
    if *index + i != r + 1 {
        return Err(format!(
            "{id} brackets eigenvalue {index}, expected {}",
            r + 1 - i
        ));
    }
    let gk = KMat::exact(r, r, g);
    let (lo, below_lo) = congruence(&gk, lower)?;
    let (hi, below_hi) = congruence(&gk, upper)?;
    if !(below_lo < *index && below_hi >= *index) {
        return Err(format!(
            "{below_lo} eigenvalues below {}, {below_hi} below {}: no bracket of eigenvalue {index}",
            format_exact(&lo),
            format_exact(&hi)
        ));
    }
    Ok((lo, hi))
}

/// The gap enclosure, exactly 0 for a repeated singular value; `None` with fewer than two.
fn gap(ctx: &Ctx<'_>) -> Result<Option<RatInterval>, String> {
    let (_, r, zeros, repeated) = gram(ctx)?;
    let nonzero = r - zeros;
    if nonzero < 2 {
        return Ok(None);
    }
    if repeated {
        return Ok(Some(RatInterval::point(Q::zero(), 128)));
    }
    let mut br = vec![];
    for i in (1..=nonzero).rev() {
        br.push(sigma_bracket(ctx, i)?);
    }
    Ok(Some(gap_from_brackets(&br).ok_or("the gap is unbounded")?))
}

/// M3: the polar candidate's bound for `A` or `A+E`.
fn polar_of(ctx: &Ctx<'_>, id: &str) -> Result<(Vec<Q>, Q), String> {
    let (a, b) = ctx
        .polar
        .as_ref()
        .ok_or("the instance has no M3 construction")?;
    let n = ctx
        .cert
        .instance
        .params
        .get("polar.sigma")
        .map_or(0, |s| s.split(',').count());
    let c = ctx.cert.claim(id).ok_or(format!("claim {id} is missing"))?;
    let Witness::PolarFactor {
        matrix,
        skew,
        reflect,
        t,
    } = &c.witness
    else {
        return Err(format!("{id} needs a polar_factor witness"));
    };
    let (m, name) = if id == "M3.polar_a" {
        (a, "A")
    } else {
        (b, "A+E")
    };
    if matrix != name {
        return Err(format!("{id} is about `{matrix}`, expected `{name}`"));
    }
    let s: Vec<Q> = skew
        .iter()
        .map(|x| q(x, "skew"))
        .collect::<Result<_, _>>()?;
    polar_defect(m, n, &s, *reflect, &q(t, "t")?)
}

fn sigma_min_of(ctx: &Ctx<'_>, id: &str) -> Result<RatInterval, String> {
    let (a, b) = ctx
        .polar
        .as_ref()
        .ok_or("the instance has no M3 construction")?;
    let n = ctx
        .cert
        .instance
        .params
        .get("polar.sigma")
        .map_or(0, |s| s.split(',').count());
    let c = ctx.cert.claim(id).ok_or(format!("claim {id} is missing"))?;
    let Witness::Rayleigh { matrix, t, vector } = &c.witness else {
        return Err(format!("{id} needs a rayleigh witness"));
    };
    let (m, name) = if id == "M3.sigma_min_a" {
        (a, "A")
    } else {
        (b, "A+E")
    };
    if matrix != name {
        return Err(format!("{id} is about `{matrix}`, expected `{name}`"));
    }
    let v: Vec<Q> = vector
        .iter()
        .map(|x| q(x, "vector"))
        .collect::<Result<_, _>>()?;
    sigma_min_from(m, n, &q(t, "t")?, &v)
}

fn m3(ctx: &Ctx<'_>) -> Result<(RatInterval, RatInterval), String> {
    let (a, b) = ctx
        .polar
        .as_ref()
        .ok_or("the instance has no M3 construction")?;
    let e: Vec<Q> = b.iter().zip(a).map(|(x, y)| x - y).collect();
    let (qa, da) = polar_of(ctx, "M3.polar_a")?;
    let (qb, db) = polar_of(ctx, "M3.polar_b")?;
    let sa = sigma_min_of(ctx, "M3.sigma_min_a")?;
    let sb = sigma_min_of(ctx, "M3.sigma_min_b")?;
    m3_quantities(&qa, &da, &qb, &db, &e, &sa, &sb).ok_or_else(|| "the ratio is unbounded".into())
}

fn expect<'a>(
    bound: Option<(&'a str, Q, Q)>,
    computed: Option<RatInterval>,
    what: &str,
) -> Expect<'a> {
    Expect {
        role: Role::Conclusion,
        bound,
        computed,
        what: what.into(),
    }
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
    let undecided_ok = |r: Result<String, String>| -> Result<String, String> {
        match r {
            Err(_) if c.verdict == Verdict::Undecided && matches!(c.witness, Witness::None) => {
                Ok("UNDECIDED asserts nothing".into())
            }
            r => r,
        }
    };
    let id = c.id.as_str();
    let pt = |rel: &'static str, v: &Q| Some((rel, v.clone(), v.clone()));
    match id {
        "M1.image" => undecided_ok(cover(ctx).and_then(|(hull, _, _)| {
            conclude(
                c,
                expect(
                    Some(("in", ctx.image_lo.clone(), ctx.image_hi.clone())),
                    Some(hull),
                    "hull of the mean-value images of the cover",
                ),
            )
        })),
        "M1.min" | "M1.max" | "M1.orthogonality_error" => undecided_ok((|| {
            uses_claim(c, "M1.image")?;
            let (hull, at_min, at_max) = cover(ctx)?;
            let (hl, hh) = hull.bounds().ok_or("unbounded")?;
            let (_, mh) = at_min.bounds().ok_or("unbounded")?;
            let (xl, _) = at_max.bounds().ok_or("unbounded")?;
            let one = q_int(1);
            let (computed, bound, what) = match id {
                "M1.min" => (
                    interval(hl, mh),
                    None,
                    "min p^k: hull below, p^k(argmin) above",
                ),
                "M1.max" => (
                    interval(xl, hh),
                    None,
                    "max p^k: p^k(argmax) below, hull above",
                ),
                _ => (
                    interval((&one - &mh).max(&xl - &one), (&one - &hl).max(&hh - &one)),
                    pt("<=", &ctx.error_bound),
                    "max |p^k - 1| from the cover and the extremal points",
                ),
            };
            conclude(c, expect(bound, computed, what))
        })()),
        "M1.ns_identity" => {
            let (u, v) = identity_basis();
            let holds = ns_identity_on_grid(&ctx.p, &u, &v, 3).is_ok();
            if c.enclosure.is_some() || c.bound.is_some() {
                return Err("the identity claim has no enclosure or bound".into());
            }
            exact_verdict(
                c,
                Role::Conclusion,
                holds,
                &format!(
                    "the Newton-Schulz identity on the 6^3 grid {}",
                    if holds { "holds" } else { "fails" }
                ),
            )
        }
        "M2.kappa_positive" => {
            let (_, r, zeros, repeated) = gram(ctx)?;
            let nonzero = r - zeros;
            let holds = nonzero < 2 || !repeated;
            if holds {
                if c.enclosure.is_some() || c.bound.is_some() {
                    return Err("kappa > 0 holds: the claim carries no enclosure".into());
                }
                exact_verdict(
                    c,
                    Role::Hypothesis,
                    true,
                    "no repeated nonzero singular value",
                )
            } else {
                conclude(
                    c,
                    Expect {
                        role: Role::Hypothesis,
                        bound: pt(">", &Q::zero()),
                        computed: Some(RatInterval::point(Q::zero(), 128)),
                        what: "a repeated nonzero singular value: kappa = 0 exactly".into(),
                    },
                )
            }
        }
        "M2.gap" => {
            let g = gap(ctx)?;
            if matches!(c.witness, Witness::Exact) {
                let (_, _, _, repeated) = gram(ctx)?;
                if !repeated {
                    return Err("only a repeated singular value makes the gap exact".into());
                }
            } else {
                uses_claim(c, "M2.sigma.1")?;
            }
            undecided_ok(conclude(
                c,
                expect(None, g, "least gap of the singular values"),
            ))
        }
        _ if id.starts_with("M2.sigma.") => {
            let i: usize = id["M2.sigma.".len()..]
                .parse()
                .map_err(|_| format!("unknown claim `{id}`"))?;
            let (_, r, zeros, _) = gram(ctx)?;
            if i == 0 || i > r - zeros {
                return Err(format!("M has no nonzero singular value number {i}"));
            }
            undecided_ok(sigma_bracket(ctx, i).and_then(|(lo, hi)| {
                conclude(
                    c,
                    expect(
                        None,
                        Some(sqrt_interval(&lo, &hi)),
                        "square root of the bracket",
                    ),
                )
            }))
        }
        _ if id.starts_with("M2.branch.") => {
            let j: usize = id["M2.branch.".len()..]
                .parse()
                .map_err(|_| format!("unknown claim `{id}`"))?;
            let tau = ctx.tau.get(j).ok_or(format!("no tau number {j}"))?;
            let g = gap(ctx)?;
            let Some(g) = g else {
                if c.enclosure.is_some() || c.bound.is_some() {
                    return Err("a single nonzero singular value: no enclosure".into());
                }
                return exact_verdict(
                    c,
                    Role::Conclusion,
                    true,
                    "one nonzero singular value: orthogonalise",
                );
            };
            let rel = match &c.bound {
                Some(b) if b.relation == "<" || b.relation == ">" => {
                    if b.relation == "<" {
                        "<"
                    } else {
                        ">"
                    }
                }
                _ => {
                    return Err(
                        "the branch bound is `< tau` (momentum) or `> tau` (orthogonalise)".into(),
                    )
                }
            };
            if !matches!(c.witness, Witness::Exact) {
                undecided_ok(uses_claim(c, "M2.gap").map(|_| String::new()))?;
            }
            conclude(c, expect(pt(rel, tau), Some(g), "the gap against tau"))
        }
        "M3.polar_a" | "M3.polar_b" => undecided_ok(polar_of(ctx, id).and_then(|(_, d)| {
            conclude(
                c,
                expect(
                    None,
                    interval(Q::zero(), d),
                    "a-posteriori bound of ||polar - Q||_F",
                ),
            )
        })),
        "M3.sigma_min_a" | "M3.sigma_min_b" => {
            undecided_ok(sigma_min_of(ctx, id).and_then(|s| {
                conclude(c, expect(None, Some(s), "sigma_min by minors and Rayleigh"))
            }))
        }
        "M3.ratio" | "M3.li_bound" | "M3.weyl_constant" => undecided_ok((|| {
            let (ratio, li) = m3(ctx)?;
            match id {
                "M3.ratio" => {
                    uses_claim(c, "M3.polar_a")?;
                    conclude(c, expect(None, Some(ratio), "the polar-factor ratio"))
                }
                "M3.li_bound" => {
                    uses_claim(c, "M3.ratio")?;
                    conclude(
                        c,
                        expect(
                            pt("<=", &q_int(1)),
                            Some(li),
                            "ratio (s_min(A) + s_min(B))/2",
                        ),
                    )
                }
                _ => {
                    uses_claim(c, "M3.ratio")?;
                    let sigma = list(ctx.cert, "polar.sigma").map_err(|e| e.0)?;
                    let min = sigma.iter().min().cloned().ok_or("no sigma")?;
                    let eps = param(ctx.cert, "polar.eps")
                        .map_err(|e| e.0)?
                        .ok_or("no eps")?;
                    let constant = q_int(2) / (q_int(2) * &min + &eps);
                    conclude(
                        c,
                        expect(
                            pt("<=", &constant),
                            Some(ratio),
                            "the ratio against 2/(2 s_min + eps)",
                        ),
                    )
                }
            }
        })()),
        _ => Err(format!("unknown claim `{id}`")),
    }
}
