//! The kernel's table for paper 10 (`pl-asymptotic-rate`): for each claim id, what it states (role,
//! bound) on the instance, and how its witness is re-verified in exact rational arithmetic.
//!
//! - orbits (`G1.orbit`, `ratio.orbit`) by [`check_orbit`] with the family's GD map;
//! - invariant tail boxes: `product` by paper 5's [`check_contraction`] (plus `r̄ < 1` and
//!   `γr̄ < 1`, which keep the sign of `a + b` and so the branch of the limit point), `valley` by
//!   [`check_valley_tail`]; every limit quantity is then recomputed over the box;
//! - exact claims (identities, a start on S, the quartic) from the instance alone;
//! - the observed ratios from the verified orbit boxes, against the band around `ratio.rate_f`;
//! - the SGD audit (G2) is not part of a certificate (`gdcert audit pl-asymptotic-rate`): a `G2.*`
//!   claim is rejected as unknown.
//!
//! A certificate must hold exactly the claims the theorem states for its instance; which claims
//! follow a numerically decided hypothesis (the rates after `G1.hyp.step_at_limit`, the band after
//! `ratio.rate_f`) is read from those claims, which are themselves checked here.

use super::checks::{bits_of, check_orbit, conclude, param, q, show, Expect, IBox};
use super::two_factor::check_contraction;
use super::{ClaimCheck, Malformed};
use crate::arith::exact::Q;
use crate::arith::{q_int, Elementary, Enclosure, RatInterval, Ring};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::pl_rate::*;
use crate::spec::two_factor::{loss as product_loss, residual};
use std::cell::RefCell;
use std::collections::BTreeMap;

type Boxes = Vec<Vec<RatInterval>>;

/// The limit quantities recomputed over a verified tail box.
#[derive(Clone)]
struct Tail {
    factor: RatInterval,
    pl: RatInterval,
    coords: Vec<RatInterval>,
    lambda_min: RatInterval,
    lambda_max: RatInterval,
}

struct Ctx<'a> {
    cert: &'a Certificate,
    family: Family,
    gamma: Q,
    theta0: Vec<Q>,
    groups: Vec<String>,
    window: usize,
    eps: Q,
    target: Q,
    idents: Vec<crate::spec::two_factor::Identity>,
    orbits: RefCell<BTreeMap<String, Result<Boxes, String>>>,
    tails: RefCell<BTreeMap<String, Result<Tail, String>>>,
}

fn malformed(m: impl Into<String>) -> Malformed {
    Malformed(m.into())
}

fn int_param(cert: &Certificate, key: &str, lo: i64, hi: i64) -> Result<Option<i64>, Malformed> {
    match cert.instance.params.get(key) {
        None => Ok(None),
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => Ok(Some(n)),
            _ => Err(malformed(format!(
                "instance parameter `{key}` = `{s}` is not an integer in [{lo}, {hi}]"
            ))),
        },
    }
}

fn parse_ctx(cert: &Certificate) -> Result<Ctx<'_>, Malformed> {
    let p = |k: &str| param(cert, k);
    let family_name = cert
        .instance
        .params
        .get("family")
        .ok_or_else(|| malformed("instance parameter `family` is missing"))?;
    let positive = |k: &str, max: i64| -> Result<Q, Malformed> {
        let v = p(k)?.ok_or_else(|| malformed(format!("instance parameter `{k}` is missing")))?;
        if v <= q_int(0) || v > q_int(max) {
            return Err(malformed(format!(
                "instance parameter `{k}` is outside (0, {max}]"
            )));
        }
        Ok(v)
    };
    let family = match family_name.as_str() {
        "product" => Family::Product,
        "valley" => Family::Valley {
            b: positive("b", 1_000_000)?,
        },
        "quartic" => Family::Quartic {
            c: positive("c", 1_000_000)?,
        },
        other => return Err(malformed(format!("unknown family `{other}`"))),
    };
    let gamma = positive("gamma", 1000)?;
    let theta0 = cert
        .instance
        .params
        .get("theta0")
        .ok_or_else(|| malformed("instance parameter `theta0` is missing"))?
        .split(',')
        .map(|s| q(s.trim(), "theta0").map_err(Malformed))
        .collect::<Result<Vec<Q>, _>>()?;
    if theta0.len() != family.dim()
        || theta0
            .iter()
            .any(|v| *v > q_int(1_000_000) || *v < q_int(-1_000_000))
    {
        return Err(malformed(format!(
            "theta0 must have {} coordinates in [-1e6, 1e6]",
            family.dim()
        )));
    }
    let groups: Vec<String> = match cert.instance.params.get("claims") {
        Some(g) => g.split(',').map(|x| x.trim().to_string()).collect(),
        None => vec!["G1".into(), "ratio".into()],
    };
    let unit_interval = |k: &str, default: &str| -> Result<Q, Malformed> {
        let v = p(k)?.unwrap_or_else(|| crate::arith::parse_q(default).unwrap_or_default());
        if v <= q_int(0) || v >= q_int(1) {
            return Err(malformed(format!(
                "instance parameter `{k}` is outside (0, 1)"
            )));
        }
        Ok(v)
    };
    Ok(Ctx {
        idents: family.identities(&gamma),
        window: int_param(cert, "ratio.window", 1, 64)?.unwrap_or(6) as usize,
        eps: unit_interval("ratio.eps", "1e-20")?,
        target: unit_interval("ratio.target", "1e-60")?,
        cert,
        family,
        gamma,
        theta0,
        groups,
        orbits: RefCell::new(BTreeMap::new()),
        tails: RefCell::new(BTreeMap::new()),
    })
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let ctx = parse_ctx(cert)?;
    let required = required_claims(&ctx);
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .map(|c| {
            let stated = required.iter().any(|r| r == &c.id) || optional(&ctx, &c.id);
            let r = if stated {
                check_claim(&ctx, c)
            } else {
                Err(format!(
                    "claim `{}` is not stated by the theorem for this instance",
                    c.id
                ))
            };
            ClaimCheck::of(c, r)
        })
        .collect();
    for id in required {
        if cert.claim(&id).is_none() {
            out.push(ClaimCheck {
                id,
                verdict: Verdict::Undecided,
                ok: false,
                reason: "missing: the theorem states this claim for this instance".into(),
            });
        }
    }
    Ok(out)
}

/// The step of a per-step ratio claim `ratio.n.{n}`.
fn ratio_step(id: &str) -> Option<usize> {
    let n = id.strip_prefix("ratio.n.")?;
    if n.is_empty() || n.len() > 7 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Claims the certificate may hold without having to: the per-step ratios of the window.
fn optional(ctx: &Ctx<'_>, id: &str) -> bool {
    ratio_step(id).is_some() && ctx.has("ratio") && ctx.cert.claim("ratio.orbit").is_some()
}

const RATE_IDS: [&str; 3] = ["G1.rate", "G1.rate_f", "G1.pl_only_rate"];

impl Ctx<'_> {
    fn has(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }

    fn referenced(&self, id: &str) -> Result<&Claim, String> {
        self.cert
            .claim(id)
            .ok_or_else(|| format!("uses claim `{id}`, which is not in the certificate"))
    }

    fn verdict_of(&self, id: &str) -> Option<Verdict> {
        self.cert.claim(id).map(|c| c.verdict)
    }

    fn u0(&self) -> Q {
        match &self.family {
            Family::Quartic { c } => &self.gamma * c * &self.theta0[0] * &self.theta0[0],
            _ => q_int(0),
        }
    }

    /// The verified boxes of the orbit claim `id`.
    fn orbit(&self, id: &str) -> Result<Boxes, String> {
        if let Some(r) = self.orbits.borrow().get(id) {
            return r.clone();
        }
        let r = (|| {
            let c = self.referenced(id)?;
            let Witness::Orbit { map, start, boxes } = &c.witness else {
                return Err(format!("`{id}` has no orbit witness"));
            };
            if map != self.family.name() {
                return Err(format!(
                    "`{id}`: map `{map}`, expected `{}`",
                    self.family.name()
                ));
            }
            let bits = bits_of(c);
            let t = &self.theta0;
            Ok(match &self.family {
                Family::Product => to_vecs(check_orbit(
                    &product_map(&self.gamma),
                    &[t[0].clone(), t[1].clone()],
                    start,
                    boxes,
                    bits,
                )?),
                Family::Valley { b } => to_vecs(check_orbit(
                    &ValleyMap {
                        gamma: self.gamma.clone(),
                        b: b.clone(),
                    },
                    &[t[0].clone(), t[1].clone(), t[2].clone()],
                    start,
                    boxes,
                    bits,
                )?),
                Family::Quartic { c } => to_vecs(check_orbit(
                    &QuarticMap {
                        gamma: self.gamma.clone(),
                        c: c.clone(),
                    },
                    &[t[0].clone()],
                    start,
                    boxes,
                    bits,
                )?),
            })
        })();
        self.orbits.borrow_mut().insert(id.into(), r.clone());
        r
    }

    /// The verified tail of the claim `id` (`G1.hyp.convergence` on `G1.orbit`, `ratio.tail` on
    /// `ratio.orbit`), with the limit quantities over its box.
    fn tail(&self, id: &str) -> Result<Tail, String> {
        if let Some(r) = self.tails.borrow().get(id) {
            return r.clone();
        }
        let r = (|| {
            let c = self.referenced(id)?;
            let orbit_id = match id {
                "G1.hyp.convergence" => "G1.orbit",
                "ratio.tail" => "ratio.orbit",
                _ => return Err(format!("`{id}` is not a tail claim")),
            };
            let boxes = self.orbit(orbit_id)?;
            let last = boxes.last().ok_or("empty orbit")?;
            let bits = bits_of(c);
            match (&self.family, &c.witness) {
                (
                    Family::Product,
                    Witness::Contraction {
                        orbit,
                        r_bar,
                        q_lo,
                        q_hi,
                        rho,
                        delta,
                    },
                ) => {
                    if orbit != orbit_id {
                        return Err(format!("the contraction must continue `{orbit_id}`"));
                    }
                    let last: IBox<2> = [last[0].clone(), last[1].clone()];
                    let (factor, q_all) = check_contraction(
                        &self.gamma,
                        &last,
                        [r_bar, q_lo, q_hi, rho, delta],
                        bits,
                    )?;
                    let rb = q(r_bar, "r_bar")?;
                    if !(rb < q_int(1) && &self.gamma * &rb < q_int(1)) {
                        return Err("needs r̄ < 1 and γr̄ < 1 (a, b keep their common sign)".into());
                    }
                    let s = last[0].clone() + &last[1];
                    let zero = s.int(0);
                    let positive = s.gt(&zero).is_true();
                    if !(positive || s.lt(&zero).is_true()) {
                        return Err(format!("a + b = {} has no certified sign", show(&s)));
                    }
                    let r = RatInterval::new(-rb.clone(), rb, bits);
                    let p = r + &q_all.int(1);
                    let w = crate::spec::two_factor::sharpness_at_minimiser(&q_all);
                    let w_box = (p.sqr() * &q_all.int(4) + &q_all.sqr()).sqrt();
                    let [a, b] = product_limit_point(&q_all, positive);
                    Ok(Tail {
                        factor,
                        pl: w_box,
                        coords: vec![a, b],
                        lambda_min: w.clone(),
                        lambda_max: w,
                    })
                }
                (
                    Family::Valley { b },
                    Witness::ValleyTail {
                        orbit,
                        y_bar,
                        x_lo,
                        x_hi,
                        rho,
                        delta,
                    },
                ) => {
                    if orbit != orbit_id {
                        return Err(format!("the tail must continue `{orbit_id}`"));
                    }
                    let last: IBox<3> = [last[0].clone(), last[1].clone(), last[2].clone()];
                    check_valley_tail(&self.gamma, b, &last, [y_bar, x_lo, x_hi, rho, delta], bits)
                }
                _ => Err(format!(
                    "`{id}` needs a tail witness of the {} family",
                    self.family.name()
                )),
            }
        })();
        self.tails.borrow_mut().insert(id.into(), r.clone());
        r
    }

    /// `f(θ_{n+1})/f(θ_n)` over box n of `ratio.orbit`, with `f > f*` certified on the box.
    fn ratio_at(&self, boxes: &Boxes, n: usize) -> Result<RatInterval, String> {
        let x = boxes
            .get(n)
            .ok_or_else(|| format!("step {n} is beyond the orbit"))?;
        let zero = x[0].int(0);
        let nonzero = |v: &RatInterval| v.gt(&zero).or(v.lt(&zero)).is_true();
        let undefined = || Err(format!("f − f* is not certified positive at step {n}"));
        Ok(match &self.family {
            Family::Product => {
                let v: IBox<2> = [x[0].clone(), x[1].clone()];
                if !nonzero(&residual(&v)) {
                    return undefined();
                }
                product_ratio(&self.gamma, &v)
            }
            Family::Valley { b } => {
                if !(nonzero(&x[1]) || nonzero(&x[2])) {
                    return undefined();
                }
                let v: IBox<3> = [x[0].clone(), x[1].clone(), x[2].clone()];
                valley_ratio(&self.gamma, b, &v, !is_zero(&x[1]), !is_zero(&x[2]))
            }
            Family::Quartic { c } => {
                if !nonzero(&x[0]) {
                    return undefined();
                }
                quartic_ratio(&self.gamma, c, &x[0])
            }
        })
    }

    fn loss(&self, x: &[RatInterval]) -> RatInterval {
        match &self.family {
            Family::Product => product_loss(&[x[0].clone(), x[1].clone()]),
            Family::Valley { b } => valley_loss(b, &[x[0].clone(), x[1].clone(), x[2].clone()]),
            Family::Quartic { c } => quartic_loss(c, &[x[0].clone()]),
        }
    }
}

fn to_vecs<const N: usize>(v: Vec<IBox<N>>) -> Boxes {
    v.into_iter().map(|b| b.to_vec()).collect()
}

fn is_zero(x: &RatInterval) -> bool {
    x.bounds()
        .is_some_and(|(lo, hi)| lo == q_int(0) && hi == q_int(0))
}

/// Re-checks a valley tail witness `[ȳ, x_lo, x_hi, ρ, δ]` around the last orbit box `(X, Y, Z)`:
/// `X ⊆ [x_lo, x_hi]`, `|Y| ≤ ȳ`, `0 ≤ δ < 1`, `γȳ² ≤ 1`, `sup |1 − γ(1 + x²)| ≤ ρ` over
/// `X_B = [x_lo, x_hi]·[1 − δ, 1]`, and while y is active (ȳ > 0) `ρ < 1` and
/// `γȳ²/(1 − ρ²) ≤ δ`; while z is active (Z ≠ {0}) `|1 − γb| < 1`. Then for every k ≥ K:
/// `|y_k| ≤ ρ^(k−K)ȳ`, `x_k ∈ x_K·[1 − δ, 1] ⊆ X_B`, `z_k → 0`, and x∞ ∈ X_B.
fn check_valley_tail(
    gamma: &Q,
    b: &Q,
    last: &IBox<3>,
    witness: [&String; 5],
    bits: u32,
) -> Result<Tail, String> {
    let [y_bar, x_lo, x_hi, rho, delta] = witness;
    let (y_bar, x_lo, x_hi, rho, delta) = (
        q(y_bar, "y_bar")?,
        q(x_lo, "x_lo")?,
        q(x_hi, "x_hi")?,
        q(rho, "rho")?,
        q(delta, "delta")?,
    );
    let one = q_int(1);
    let x_box = RatInterval::new(x_lo.clone(), x_hi.clone(), bits);
    let y_box = RatInterval::new(-y_bar.clone(), y_bar.clone(), bits);
    if !last[0].subset(&x_box) || !last[1].subset(&y_box) {
        return Err(format!(
            "the last orbit box has x ∈ {}, y ∈ {}: not inside x ∈ [x_lo, x_hi], |y| ≤ ȳ",
            show(&last[0]),
            show(&last[1])
        ));
    }
    let gy2 = gamma * &y_bar * &y_bar;
    let y_active = y_bar > q_int(0);
    if !(delta >= q_int(0) && delta < one && rho >= q_int(0) && gy2 <= one) {
        return Err("needs 0 <= δ < 1, ρ >= 0 and γȳ² <= 1".into());
    }
    if y_active && !(rho < one && gy2.clone() / (q_int(1) - &rho * &rho) <= delta) {
        return Err("needs ρ < 1 and γȳ²/(1 − ρ²) <= δ while y is active".into());
    }
    let z_active = !is_zero(&last[2]);
    let zf = q_int(1) - gamma * b;
    if z_active && !(zf > q_int(-1) && zf < one) {
        return Err("z is active but |1 − γb| >= 1".into());
    }
    let x_all = x_box * &RatInterval::new(one.clone() - &delta, one.clone(), bits);
    let fy = valley_y_factor(gamma, &x_all).abs();
    if !fy.le(&RatInterval::point(rho.clone(), bits)).is_true() {
        return Err(format!(
            "sup |1 − γ(1 + x²)| over the box is {} > ρ",
            show(&fy)
        ));
    }
    let zfi = RatInterval::point(zf, bits).abs();
    let factor = match (y_active, z_active) {
        (true, true) => enclosure_max(&fy, &zfi),
        (true, false) => fy,
        (false, true) => zfi,
        (false, false) => RatInterval::point(q_int(0), bits),
    };
    let ly = x_all.sqr() + &x_all.int(1);
    let bq = RatInterval::point(b.clone(), bits);
    Ok(Tail {
        factor,
        pl: enclosure_min(&ly, &bq),
        coords: vec![x_all],
        lambda_min: enclosure_min(&ly, &bq),
        lambda_max: enclosure_max(&ly, &bq),
    })
}

/// The claims the theorem states for this instance; see the module documentation.
fn required_claims(ctx: &Ctx<'_>) -> Vec<String> {
    let mut r: Vec<&str> = vec![];
    let (g1, ratio) = (ctx.has("G1"), ctx.has("ratio"));
    let fam = &ctx.family;
    let in_s = fam.start_in_s(&ctx.theta0);
    if g1 {
        r.extend(ctx.idents.iter().map(|i| i.id));
    }
    let limit_ids = |r: &mut Vec<&str>| {
        r.extend(["G1.hyp.convergence", "G1.hyp.local_pl"]);
        r.extend(fam.coordinate_ids());
        r.extend([
            "G1.limit.lambda_min",
            "G1.limit.lambda_max",
            "G1.hyp.step_at_limit",
        ]);
    };
    match fam {
        _ if in_s => {
            if g1 {
                limit_ids(&mut r);
                let (lmin, lmax, _, _) = fam.limit_on_s(&ctx.theta0);
                let glm = &ctx.gamma * &lmax;
                if glm > q_int(0) && glm < q_int(2) && lmin > q_int(0) {
                    r.extend(RATE_IDS);
                }
            }
        }
        Family::Quartic { c } => {
            let u0 = ctx.u0();
            let converges = u0 < q_int(2);
            if g1 {
                r.push("G1.hyp.convergence");
                if converges {
                    limit_ids(&mut r);
                    if quartic_sublinear_constants(&ctx.gamma, c, &ctx.theta0[0]).is_some() {
                        r.push("G1.sublinear");
                    }
                }
            }
            if ratio && converges {
                r.extend(["ratio.orbit", "ratio.window"]);
            }
        }
        _ if fam.z_diverges(&ctx.gamma, &ctx.theta0) => {
            if g1 {
                r.extend([
                    "G1.start.lambda_max",
                    "G1.start.step_condition",
                    "G1.hyp.convergence",
                ]);
            }
        }
        _ => {
            if g1 {
                r.extend(["G1.start.lambda_max", "G1.start.step_condition", "G1.orbit"]);
                limit_ids(&mut r);
                if ctx.verdict_of("G1.hyp.step_at_limit") != Some(Verdict::ConditionNotMet) {
                    r.extend(RATE_IDS);
                }
            }
            if ratio {
                r.extend([
                    "ratio.orbit",
                    "ratio.tail",
                    "ratio.rate_f",
                    "ratio.f_reached",
                ]);
                let rate_at_least_one = ctx
                    .cert
                    .claim("ratio.rate_f")
                    .and_then(|c| c.enclosure.as_ref())
                    .and_then(|e| e.parse().ok())
                    .is_some_and(|(_, hi)| hi >= q_int(1));
                if !rate_at_least_one {
                    r.push("ratio.window");
                }
            }
        }
    }
    let mut out: Vec<String> = vec![];
    for id in r {
        if !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    }
    out
}

fn pt(rel: &str, v: Q) -> Option<(&str, Q, Q)> {
    Some((rel, v.clone(), v))
}

fn exact_expect<'a>(role: Role, bound: Option<(&'a str, Q, Q)>, v: Q, what: &str) -> Expect<'a> {
    Expect {
        role,
        bound,
        computed: Some(RatInterval::point(v, 64)),
        what: what.into(),
    }
}

fn uses_of(c: &Claim) -> Result<(String, Option<usize>), String> {
    match &c.witness {
        Witness::Uses { claim, step } => Ok((claim.clone(), *step)),
        _ => Err("expected a `uses` witness".into()),
    }
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
    // Undecided claims without a witness assert nothing.
    if matches!(c.witness, Witness::None) {
        return conclude(
            c,
            Expect {
                role: c.role,
                bound: c.bound.as_ref().and_then(|b| {
                    b.value
                        .parse()
                        .ok()
                        .map(|(a, z)| (b.relation.as_str(), a, z))
                }),
                computed: None,
                what: String::new(),
            },
        );
    }
    let id = c.id.as_str();
    if let Some(ident) = ctx.idents.iter().find(|i| i.id == id) {
        if !matches!(c.witness, Witness::Exact) {
            return Err("an identity has an `exact` witness".into());
        }
        if c.role != Role::Conclusion || c.bound.is_some() || c.enclosure.is_some() {
            return Err("an identity is a conclusion without enclosure or bound".into());
        }
        let holds = ident
            .differences
            .iter()
            .all(|d| d.normal_form(&ident.relations).is_zero());
        let expected = if holds {
            Verdict::Certified
        } else {
            Verdict::Violated
        };
        if c.verdict == expected || c.verdict == Verdict::Undecided {
            return Ok(format!(
                "exact polynomial identity {}: {}",
                if holds { "holds" } else { "fails" },
                ident.statement
            ));
        }
        return Err(format!(
            "verdict {} but the identity {}",
            c.verdict,
            if holds { "holds" } else { "fails" }
        ));
    }
    let g = &ctx.gamma;
    let bits = bits_of(c);
    let need_exact = || {
        if matches!(c.witness, Witness::Exact) {
            Ok(())
        } else {
            Err("expected an `exact` witness".to_string())
        }
    };
    let in_s = ctx.family.start_in_s(&ctx.theta0);
    let zero = q_int(0);
    let in_open_02 = Some(("in_open", q_int(0), q_int(2)));
    let e = match (&ctx.family, id) {
        // A start on S: every claim is exact.
        (fam, _) if in_s => {
            need_exact()?;
            let (lmin, lmax, pl, coords) = fam.limit_on_s(&ctx.theta0);
            let rate_of = |l: &Q| {
                let v = q_int(1) - g * l;
                if v < q_int(0) {
                    -v
                } else {
                    v
                }
            };
            let rho = rate_of(&lmin).max(rate_of(&lmax));
            match id {
                "G1.hyp.convergence" => {
                    let f0 = ctx.loss(
                        &ctx.theta0
                            .iter()
                            .map(|v| RatInterval::point(v.clone(), 64))
                            .collect::<Vec<_>>(),
                    );
                    Expect {
                        role: Role::Hypothesis,
                        bound: pt("=", zero.clone()),
                        computed: Some(f0),
                        what: "f(θ0) − f*".into(),
                    }
                }
                "G1.hyp.local_pl" => {
                    exact_expect(Role::Hypothesis, pt(">", zero), pl, "μ_PL at θ0")
                }
                "G1.limit.lambda_min" => exact_expect(Role::Conclusion, None, lmin, "λ_min(θ0)"),
                "G1.limit.lambda_max" => exact_expect(Role::Conclusion, None, lmax, "λ_max(θ0)"),
                "G1.hyp.step_at_limit" => {
                    exact_expect(Role::Hypothesis, in_open_02, g * &lmax, "γλ_max(θ0)")
                }
                "G1.rate" => exact_expect(Role::Conclusion, pt("<", q_int(1)), rho, "ρ*"),
                "G1.rate_f" => {
                    exact_expect(Role::Conclusion, pt("<", q_int(1)), &rho * &rho, "ρ*²")
                }
                "G1.pl_only_rate" => exact_expect(
                    Role::Conclusion,
                    None,
                    q_int(1) - g * &lmin * (q_int(2) - g * &lmax),
                    "1 − γλ_min(2 − γλ_max)",
                ),
                _ => match fam.coordinate_ids().iter().position(|x| *x == id) {
                    Some(i) => exact_expect(Role::Conclusion, None, coords[i].clone(), "θ∞ = θ0"),
                    None => return Err(format!("claim `{id}` is not checked for a start on S")),
                },
            }
        }
        (Family::Quartic { c: cq }, _) => {
            let u0 = ctx.u0();
            match id {
                "G1.hyp.convergence" => {
                    need_exact()?;
                    exact_expect(Role::Hypothesis, pt("<", q_int(2)), u0, "γc·x0²")
                }
                "G1.hyp.local_pl" => {
                    need_exact()?;
                    exact_expect(
                        Role::Hypothesis,
                        pt(">", zero.clone()),
                        zero,
                        "inf 2cx² near 0",
                    )
                }
                "G1.limit.x" | "G1.limit.lambda_min" | "G1.limit.lambda_max" => {
                    need_exact()?;
                    exact_expect(Role::Conclusion, None, zero, "0 and f''(0) = 0")
                }
                "G1.hyp.step_at_limit" => {
                    need_exact()?;
                    exact_expect(Role::Hypothesis, in_open_02, zero, "γf''(0)")
                }
                "G1.sublinear" => {
                    need_exact()?;
                    let (lo, hi) = quartic_sublinear_constants(g, cq, &ctx.theta0[0])
                        .ok_or("G1.sublinear needs 0 < γc·x0² < 1")?;
                    Expect {
                        role: Role::Conclusion,
                        bound: None,
                        computed: Some(RatInterval::new(lo, hi, 64)),
                        what: "[2γc, γc(2 − u0)/(1 − u0)²]".into(),
                    }
                }
                "ratio.orbit" => orbit_expect(ctx, id)?,
                "ratio.window" => window_expect(ctx, c)?,
                _ => match ratio_step(id) {
                    Some(n) => step_expect(ctx, c, n)?,
                    None => return Err(format!("claim `{id}` is not part of this theorem")),
                },
            }
        }
        (_, "G1.start.lambda_max" | "G1.start.step_condition") => {
            need_exact()?;
            let unit = RatInterval::unit(bits);
            let l = ctx
                .family
                .start_lambda(&ctx.theta0, &unit)
                .ok_or("no start information for this family")?;
            let (v, what) = if id == "G1.start.lambda_max" {
                (l, "λ_max at the start's reference minimiser")
            } else {
                (l * &unit.constant(g), "γλ_max there")
            };
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(v),
                what: what.into(),
            }
        }
        (Family::Valley { b }, "G1.hyp.convergence") if ctx.family.z_diverges(g, &ctx.theta0) => {
            need_exact()?;
            let f = q_int(1) - g * b;
            let af = if f < q_int(0) { -f } else { f };
            exact_expect(Role::Hypothesis, pt("<", q_int(1)), af, "|1 − γb|")
        }
        (_, "G1.orbit" | "ratio.orbit") => orbit_expect(ctx, id)?,
        (_, "G1.hyp.convergence" | "ratio.tail") => Expect {
            role: Role::Hypothesis,
            bound: pt("<", q_int(1)),
            computed: Some(ctx.tail(id)?.factor),
            what: "the contraction factor over the invariant tail box".into(),
        },
        (_, "ratio.rate_f") => {
            let t = tail_used(ctx, c, "ratio.tail")?;
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(rate(g, &t.lambda_min, &t.lambda_max).sqr()),
                what: "max_i (1 − γλ_i)² over the tail box".into(),
            }
        }
        (_, "ratio.f_reached") => {
            let (r, step) = uses_of(c)?;
            if r != "ratio.orbit" {
                return Err("must use ratio.orbit".into());
            }
            let boxes = ctx.orbit("ratio.orbit")?;
            let n = step.ok_or("needs the step")?;
            if n + 1 != boxes.len() {
                return Err("must be the last step of ratio.orbit".into());
            }
            Expect {
                role: Role::Conclusion,
                bound: pt("<=", ctx.target.clone()),
                computed: Some(ctx.loss(&boxes[n])),
                what: format!("f(X_{n})"),
            }
        }
        (_, "ratio.window") => window_expect(ctx, c)?,
        (_, _) if ratio_step(id).is_some() => step_expect(ctx, c, ratio_step(id).unwrap_or(0))?,
        (_, _) => {
            let t = tail_used(ctx, c, "G1.hyp.convergence")?;
            match id {
                "G1.hyp.local_pl" => Expect {
                    role: Role::Hypothesis,
                    bound: pt(">", zero),
                    computed: Some(t.pl),
                    what: "the PL function over the tail box".into(),
                },
                "G1.limit.lambda_min" => Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(t.lambda_min),
                    what: "λ_min over the tail box".into(),
                },
                "G1.limit.lambda_max" => Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(t.lambda_max),
                    what: "λ_max over the tail box".into(),
                },
                "G1.hyp.step_at_limit" => Expect {
                    role: Role::Hypothesis,
                    bound: in_open_02,
                    computed: Some(t.lambda_max.clone() * &t.lambda_max.constant(g)),
                    what: "γλ_max over the tail box".into(),
                },
                "G1.rate" | "G1.rate_f" | "G1.pl_only_rate" => {
                    if ctx.verdict_of("G1.hyp.step_at_limit") == Some(Verdict::ConditionNotMet) {
                        return Err(
                            "the step hypothesis fails at the limit: no rate is stated".into()
                        );
                    }
                    let rho = rate(g, &t.lambda_min, &t.lambda_max);
                    match id {
                        "G1.rate" => Expect {
                            role: Role::Conclusion,
                            bound: pt("<", q_int(1)),
                            computed: Some(rho),
                            what: "max |1 − γλ| over the tail box".into(),
                        },
                        "G1.rate_f" => Expect {
                            role: Role::Conclusion,
                            bound: pt("<", q_int(1)),
                            computed: Some(rho.sqr()),
                            what: "max (1 − γλ)² over the tail box".into(),
                        },
                        _ => Expect {
                            role: Role::Conclusion,
                            bound: None,
                            computed: Some(pl_only_rate(g, &t.lambda_min, &t.lambda_max)),
                            what: "1 − γλ_min(2 − γλ_max) over the tail box".into(),
                        },
                    }
                }
                _ => match ctx.family.coordinate_ids().iter().position(|x| *x == id) {
                    Some(i) => Expect {
                        role: Role::Conclusion,
                        bound: None,
                        computed: Some(t.coords[i].clone()),
                        what: "the limit coordinate from the tail bound".into(),
                    },
                    None => return Err(format!("claim `{id}` is not part of this theorem")),
                },
            }
        }
    };
    conclude(c, e)
}

/// The tail of claim `tail_id`, which `c` must use.
fn tail_used(ctx: &Ctx<'_>, c: &Claim, tail_id: &str) -> Result<Tail, String> {
    let (r, _) = uses_of(c)?;
    if r != tail_id {
        return Err(format!("must use {tail_id}"));
    }
    ctx.tail(tail_id)
}

fn orbit_expect<'a>(ctx: &Ctx<'_>, id: &str) -> Result<Expect<'a>, String> {
    let boxes = ctx.orbit(id)?;
    let last = boxes.last().ok_or("empty orbit")?;
    Ok(Expect {
        role: Role::Conclusion,
        bound: None,
        computed: Some(ctx.loss(last)),
        what: format!("f at the last of {} verified steps", boxes.len() - 1),
    })
}

fn step_expect<'a>(ctx: &Ctx<'_>, c: &Claim, n: usize) -> Result<Expect<'a>, String> {
    let (r, step) = uses_of(c)?;
    if r != "ratio.orbit" || step != Some(n) {
        return Err(format!("must use ratio.orbit at step {n}"));
    }
    let boxes = ctx.orbit("ratio.orbit")?;
    Ok(Expect {
        role: Role::Conclusion,
        bound: None,
        computed: Some(ctx.ratio_at(&boxes, n)?),
        what: format!("f(X_{})/f(X_{n}) by modes over X_{n}", n + 1),
    })
}

fn window_expect<'a>(ctx: &'a Ctx<'_>, c: &Claim) -> Result<Expect<'a>, String> {
    let (r, step) = uses_of(c)?;
    if r != "ratio.orbit" {
        return Err("must use ratio.orbit".into());
    }
    let boxes = ctx.orbit("ratio.orbit")?;
    let n_last = step.ok_or("needs the step")?;
    if n_last + 1 != boxes.len() || n_last < ctx.window {
        return Err("the window must end at the last step of ratio.orbit".into());
    }
    let mut hull: Option<RatInterval> = None;
    for n in n_last - ctx.window..n_last {
        let v = ctx.ratio_at(&boxes, n)?;
        hull = Some(match hull {
            None => v,
            Some(h) => h.hull(&v),
        });
    }
    let bound = match ctx.family {
        Family::Quartic { .. } => None,
        _ => {
            let rf = ctx.referenced("ratio.rate_f")?;
            let (lo, hi) = rf
                .enclosure
                .as_ref()
                .ok_or("ratio.rate_f has no enclosure")?
                .parse()?;
            if rf.verdict != Verdict::Certified || hi >= q_int(1) {
                return Err("the band needs a certified ρ*² < 1 (ratio.rate_f)".into());
            }
            let eps = &ctx.eps;
            if ctx.family.generic_start(&ctx.theta0) {
                Some(("in", lo - eps, hi + eps))
            } else {
                let v = hi + eps;
                Some(("<=", v.clone(), v))
            }
        }
    };
    Ok(Expect {
        role: Role::Conclusion,
        bound,
        computed: hull,
        what: format!(
            "the hull of the ratios for n in [{}, {n_last})",
            n_last - ctx.window
        ),
    })
}
