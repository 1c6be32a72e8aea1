//! The kernel's table for paper 7 (`weight-decay-eos`).
//!
//! Two-factor toy: the identities and closed forms are recomputed exactly; orbits and the
//! invariant contraction box are re-checked in [`RatInterval`]; the balanced slice's claims are
//! paper 5's, checked by paper 5's table at `μ_eff = η(1 − λ)`.
//!
//! Network: the data are rebuilt from the seeds (inputs exactly; targets as the binary64 numbers
//! nearest to `sin(πx₁)cos(πx₂/2)`, fixed by the kernel's own enclosures). The Krawczyk test is
//! re-run: `∇L_λ` at the centre and `∇²L_λ` over the box by second-order automatic
//! differentiation of the loss in [`RatInterval`], the products with the preconditioner by
//! correctly rounded MPFR dot products ([`super::matrix`]). Every congruence is re-checked on that
//! enclosure of the Hessian, so its counts hold for every θ in the box, θ* included.

use super::checks::{
    bits_of, check_identity, check_orbit, conclude, iterate_jacobian, mean_value_image, param, q,
    show, Expect, IBox,
};
use super::matrix::{check_bracket, check_congruence_witness};
use super::stationary::{check_stationary_witness, KernelLoss, Verified};
use super::{ClaimCheck, Malformed};
use crate::arith::exact::{format_exact, parse_q, Q};
use crate::arith::{
    q_frac, q_int, Elementary, Enclosure, FirstOrder, RatInterval, Ring, SecondOrder,
};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::mlp::{inputs, target, DecayedLoss, Mlp};
use crate::spec::two_factor::Identity;
use crate::spec::weight_decay::*;
use num_traits::Signed;
use std::cell::OnceCell;

/// The prefix of paper 5's claims on the balanced slice.
const SLICE_PREFIX: &str = "W2.slice.";
/// The name of `∇²L_λ` over the Krawczyk box in congruence witnesses.
const HESSIAN: &str = "hessian(W1.stationary)";
/// Limits on a network the kernel re-checks (the certifier's own limits).
const MAX_HIDDEN: i64 = 32;
const MAX_POINTS: i64 = 1024;

/// `L_λ` for the shared Krawczyk re-check: second-order automatic differentiation in [`RatInterval`].
struct KernelDecayed<'a>(DecayedLoss<'a>);

impl KernelLoss for KernelDecayed<'_> {
    fn name(&self) -> &str {
        "decayed_mlp"
    }
    fn dim(&self) -> usize {
        self.0.mlp.dim()
    }
    fn gradient_at(&self, m: &[Q], bits: u32) -> Result<Vec<(Q, Q)>, String> {
        let x: Vec<RatInterval> = m
            .iter()
            .map(|v| RatInterval::point(v.clone(), bits))
            .collect();
        bounds_of(&self.0.value(&FirstOrder::seed(&x)).gradient(m.len()))
    }
    fn over_box(&self, x: &[(Q, Q)], bits: u32) -> Result<((Q, Q), Vec<(Q, Q)>), String> {
        let b: Vec<RatInterval> = x
            .iter()
            .map(|(l, h)| RatInterval::new(l.clone(), h.clone(), bits))
            .collect();
        let v = self.0.value(&SecondOrder::seed(&b));
        let value = v.v.bounds().ok_or("an unbounded loss")?;
        Ok((value, bounds_of(&v.hessian(x.len()))?))
    }
}

fn bounds_of(v: &[RatInterval]) -> Result<Vec<(Q, Q)>, String> {
    v.iter()
        .map(|e| {
            e.bounds()
                .ok_or_else(|| "an unbounded enclosure".to_string())
        })
        .collect()
}

struct Ctx<'a> {
    cert: &'a Certificate,
    eta: Q,
    lambda: Q,
    start: Option<[Q; 2]>,
    depth: usize,
    idents: Vec<Identity>,
    mlp: Option<Mlp>,
    orbit: OnceCell<Result<Vec<IBox<2>>, String>>,
    stationary: OnceCell<Result<Verified, String>>,
}

pub(super) fn int_param(
    cert: &Certificate,
    key: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, Malformed> {
    match cert.instance.params.get(key) {
        None => Ok(default),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(Malformed(format!(
                "instance parameter `{key}` = {s} is not an integer in [{min}, {max}]"
            ))),
        },
    }
}

/// The network of a certificate, its data rebuilt from the seeds.
fn network(cert: &Certificate) -> Result<Mlp, Malformed> {
    let hidden = int_param(cert, "hidden", 16, 1, MAX_HIDDEN)? as usize;
    let points = int_param(cert, "points", 64, 1, MAX_POINTS)? as usize;
    let seed = int_param(cert, "data_seed", 1, 0, i64::MAX)? as u64;
    let xs = inputs(seed, points);
    let mut ys = Vec::with_capacity(points);
    for x in &xs {
        let y = [128u32, 512]
            .iter()
            .find_map(|&b| target(&RatInterval::unit(b), x))
            .ok_or_else(|| Malformed("a data target could not be rounded to binary64".into()))?;
        ys.push(y);
    }
    Ok(Mlp { hidden, xs, ys })
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let eta = param(cert, "eta")?
        .ok_or_else(|| Malformed("instance parameter `eta` is missing".into()))?;
    let lambda = param(cert, "lambda")?.unwrap_or_else(|| q_int(0));
    if eta <= q_int(0) || eta > q_int(100) || lambda < q_int(0) || lambda > q_int(10) {
        return Err(Malformed(
            "instance parameters need 0 < eta <= 100 and 0 <= lambda <= 10".into(),
        ));
    }
    let mlp = match cert.instance.params.get("model").map(String::as_str) {
        Some("mlp") => true,
        Some("two-factor") | None => false,
        Some(m) => return Err(Malformed(format!("unknown model `{m}`"))),
    };
    if !mlp && lambda >= q_int(1) {
        return Err(Malformed("the two-factor toy needs lambda < 1".into()));
    }
    let start = match cert.instance.params.get("start") {
        None => None,
        Some(s) => {
            let v: Vec<Q> = s
                .split(',')
                .map(|t| parse_q(t.trim()))
                .collect::<Result<_, _>>()
                .map_err(|e| Malformed(format!("instance parameter `start`: {e}")))?;
            if v.len() != 2 {
                return Err(Malformed(
                    "instance parameter `start` needs two numbers".into(),
                ));
            }
            Some([v[0].clone(), v[1].clone()])
        }
    };
    let depth = int_param(cert, "depth", 2, 1, 6)? as usize;
    let groups: Vec<String> = match cert.instance.params.get("claims") {
        Some(g) => g.split(',').map(|x| x.trim().to_string()).collect(),
        None if mlp => vec!["W1".into()],
        None => ["W1", "W2", "W3"].iter().map(|x| x.to_string()).collect(),
    };
    let has = |g: &str| groups.iter().any(|x| x == g);
    let ctx = Ctx {
        cert,
        idents: identities(&eta, &lambda, depth),
        mlp: if mlp { Some(network(cert)?) } else { None },
        eta,
        lambda,
        start,
        depth,
        orbit: OnceCell::new(),
        stationary: OnceCell::new(),
    };
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .filter(|c| !c.id.starts_with(SLICE_PREFIX))
        .map(|c| {
            let r = check_claim(&ctx, c);
            ClaimCheck::of(c, r)
        })
        .collect();
    if !mlp && has("W2") {
        let mu = effective_step(&ctx.eta, &ctx.lambda);
        out.extend(super::two_factor::check_embedded(
            cert,
            SLICE_PREFIX,
            &mu,
            &q_frac(1, 2),
            "T1",
        )?);
    } else if cert.claims.iter().any(|c| c.id.starts_with(SLICE_PREFIX)) {
        out.push(ClaimCheck {
            id: SLICE_PREFIX.into(),
            verdict: Verdict::Undecided,
            ok: false,
            reason: "slice claims belong to claim group W2 of the two-factor toy".into(),
        });
    }
    let mut required: Vec<&str> = vec![];
    if mlp {
        required.extend([
            "W1.stationary",
            "W1.loss",
            "W1.norm",
            "W1.ceiling",
            "W1.curvature_floor",
            "W1.sharpness",
            "W1.min_curvature",
            "W1.multiplier",
        ]);
    } else {
        if has("W1") {
            required.extend([
                "W1.sharpness",
                "W1.curvature_floor",
                "W1.multiplier",
                "W1.gap",
            ]);
        }
        if has("W2") {
            required.extend([
                "W2.imbalance",
                "W2.stationary",
                "W2.hessian",
                "W2.balanced_slice",
                "W2.effective_step",
            ]);
            if ctx.start.is_some() {
                required.extend([
                    "W2.orbit",
                    "W2.invariant_box",
                    "W2.imbalance_rate",
                    "W2.limit",
                ]);
            }
        }
        if has("W3") {
            required.extend(["W3.euler", "W3.hessian_scaling", "W3.shrink"]);
        }
    }
    for id in required {
        if cert.claim(id).is_none() {
            out.push(ClaimCheck::missing(id));
        }
    }
    Ok(out)
}

fn point(v: Q) -> RatInterval {
    RatInterval::point(v, 64)
}

fn exact<'a>(
    role: Role,
    bound: Option<(&'a str, Q, Q)>,
    value: Option<Q>,
    what: &str,
) -> Expect<'a> {
    Expect {
        role,
        bound,
        computed: value.map(point),
        what: what.into(),
    }
}

fn pt(rel: &str, v: Q) -> Option<(&str, Q, Q)> {
    Some((rel, v.clone(), v))
}

impl Ctx<'_> {
    fn referenced(&self, id: &str) -> Result<&Claim, String> {
        self.cert
            .claim(id)
            .ok_or_else(|| format!("uses claim `{id}`, which is not in the certificate"))
    }

    fn map(&self) -> DecayedProductMap {
        DecayedProductMap {
            eta: self.eta.clone(),
            lambda: self.lambda.clone(),
        }
    }

    /// The verified orbit of claim `W2.orbit`.
    fn orbit(&self) -> Result<&Vec<IBox<2>>, String> {
        self.orbit
            .get_or_init(|| {
                let c = self.referenced("W2.orbit")?;
                let start = self.start.clone().ok_or("the instance has no start")?;
                let Witness::Orbit {
                    map,
                    start: recorded,
                    boxes,
                } = &c.witness
                else {
                    return Err("W2.orbit has no orbit witness".into());
                };
                if map != "decayed_product" {
                    return Err(format!("W2.orbit: map `{map}`, expected `decayed_product`"));
                }
                check_orbit(&self.map(), &start, recorded, boxes, bits_of(c))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Re-checks the invariant box of `W2.invariant_box`; returns the box, the rate and the sign
    /// of the fixed point `±(s, s)` it holds.
    fn invariant_box(&self) -> Result<(IBox<2>, Q, i64), String> {
        let c = self.referenced("W2.invariant_box")?;
        let Witness::InvariantBox { orbit, boxed, rate } = &c.witness else {
            return Err("W2.invariant_box has no invariant-box witness".into());
        };
        if orbit != "W2.orbit" {
            return Err("the invariant box must continue W2.orbit".into());
        }
        let bits = bits_of(c);
        let b: IBox<2> = super::checks::ibox(boxed, bits, "box")?;
        let rate = q(rate, "rate")?;
        if rate >= q_int(1) || rate < q_int(0) {
            return Err("the rate must lie in [0, 1)".into());
        }
        let orbit = self.orbit()?;
        let last = &orbit[orbit.len() - 1];
        if !(last[0].subset(&b[0]) && last[1].subset(&b[1])) {
            return Err("the orbit's last box is not inside B".into());
        }
        let map = self.map();
        let image = mean_value_image(&map, &b);
        if !(image[0].subset(&b[0]) && image[1].subset(&b[1])) {
            return Err(format!(
                "F(B) ⊆ ({}, {}) is not inside B",
                show(&image[0]),
                show(&image[1])
            ));
        }
        let j = iterate_jacobian(&map, &b, 1);
        let rate_i = RatInterval::point(rate.clone(), bits);
        for row in &j {
            let norm = row[0].abs() + &row[1].abs();
            if !norm.le(&rate_i).is_true() {
                return Err(format!("a row of |F'(B)| sums to {} > rate", show(&norm)));
            }
        }
        let s = RatInterval::point(q_int(1) - &self.lambda, bits).sqrt();
        for sign in [1, -1] {
            let p = s.clone() * &RatInterval::point(q_int(sign), bits);
            if p.subset(&b[0]) && p.subset(&b[1]) {
                return Ok((b, rate, sign));
            }
        }
        Err("B holds neither (s, s) nor (−s, −s)".into())
    }

    /// Re-runs the Krawczyk test of `W1.stationary` (cached).
    fn stationary(&self) -> Result<&Verified, String> {
        self.stationary
            .get_or_init(|| self.verify_stationary())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn verify_stationary(&self) -> Result<Verified, String> {
        let mlp = self.mlp.as_ref().ok_or("the instance has no network")?;
        let c = self.referenced("W1.stationary")?;
        let obj = DecayedLoss {
            mlp,
            lambda: self.lambda.clone(),
        };
        check_stationary_witness(c, &KernelDecayed(obj), bits_of(c))
    }

    /// The counts of a congruence witness on the verified Hessian, with its shift.
    fn congruence(&self, w: &Witness) -> Result<(Q, usize), String> {
        let (t, below, _) =
            check_congruence_witness(w, HESSIAN, &self.stationary()?.hessian, false)?;
        Ok((t, below))
    }

    /// `λ_index(∇²L_λ) ∈ (t_lo, t_hi)` from a bracket witness.
    fn bracket(&self, c: &Claim, index: usize) -> Result<(Q, Q), String> {
        check_bracket(c, index, |w| self.congruence(w))
    }
}

fn uses_of(c: &Claim) -> Result<String, String> {
    match &c.witness {
        Witness::Uses { claim, .. } => Ok(claim.clone()),
        _ => Err("expected a `uses` witness".into()),
    }
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
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
        return check_identity(c, ident);
    }
    let (eta, lam) = (&ctx.eta, &ctx.lambda);
    let one = q_int(1);
    let ceiling = q_int(2) / eta - lam;
    let mlp = ctx.mlp.is_some();
    let e = match (mlp, id) {
        (false, "W1.sharpness" | "W1.curvature_floor" | "W1.multiplier" | "W1.gap") => {
            let (s_max, s_min) = hessian_eigenvalues_at_minimiser(lam);
            let hyp_s = s_max < ceiling;
            let hyp_f = s_min > -lam.clone();
            match id {
                "W1.sharpness" => exact(
                    Role::Hypothesis,
                    pt("<", ceiling),
                    Some(s_max),
                    "λ_max(∇²L) at the minimisers",
                ),
                "W1.curvature_floor" => exact(
                    Role::Hypothesis,
                    pt(">", -lam.clone()),
                    Some(s_min),
                    "λ_min(∇²L) at the minimisers",
                ),
                "W1.multiplier" => {
                    let m1 = (one.clone() - eta * (s_max + lam)).abs();
                    let m2 = (one.clone() - eta * (s_min + lam)).abs();
                    let rho = if m1 > m2 { m1 } else { m2 };
                    let rel = if hyp_s && hyp_f { "<" } else { ">=" };
                    exact(
                        Role::Conclusion,
                        pt(rel, one),
                        Some(rho),
                        "the spectral radius of I − η∇²L_λ",
                    )
                }
                _ => exact(
                    Role::Conclusion,
                    None,
                    Some(s_max - &ceiling),
                    "S − (2/η − λ)",
                ),
            }
        }
        (false, "W2.effective_step") => exact(
            Role::Conclusion,
            None,
            Some(effective_step(eta, lam)),
            "η(1 − λ)",
        ),
        (false, "W2.orbit") => {
            let o = ctx.orbit()?;
            let last = &o[o.len() - 1];
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(last[0].sqr() - &last[1].sqr()),
                what: "q at the last step".into(),
            }
        }
        (false, "W2.invariant_box") => {
            let (_, rate, _) = ctx.invariant_box()?;
            exact(
                Role::Conclusion,
                pt("<", one),
                Some(rate),
                "the contraction rate on B",
            )
        }
        (false, "W2.imbalance_rate" | "W2.limit") => {
            if uses_of(c)? != "W2.invariant_box" {
                return Err("must use W2.invariant_box".into());
            }
            let (b, _, sign) = ctx.invariant_box()?;
            let bits = bits_of(c);
            if id == "W2.limit" {
                let s = RatInterval::point(q_int(1) - lam, bits).sqrt()
                    * &RatInterval::point(q_int(sign), bits);
                Expect {
                    role: Role::Conclusion,
                    bound: None,
                    computed: Some(s),
                    what: "±√(1 − λ)".into(),
                }
            } else {
                let c2 = (one.clone() - eta * lam) * (one.clone() - eta * lam);
                let scale = RatInterval::point(eta * eta / (q_int(2) * c2), bits);
                let r2 = |x: &IBox<2>| (x[0].clone() * &x[1] - x[0].int(1)).sqr() * &scale;
                let mut hull = r2(&b);
                for x in ctx.orbit()? {
                    hull = hull.hull(&r2(x));
                }
                Expect {
                    role: Role::Conclusion,
                    bound: pt("<=", one),
                    computed: Some(hull),
                    what: "η²r²/(2(1 − ηλ)²) over the orbit and B".into(),
                }
            }
        }
        (false, "W3.shrink") => {
            let cc = one.clone() - eta * lam;
            let k = 2 * ctx.depth as i32;
            let factor = (0..k - 2).fold(q_int(1), |acc, _| acc * &cc);
            if (cc > q_int(0)) != (c.verdict == Verdict::Certified) {
                return Err("the verdict does not follow from 1 − ηλ > 0".into());
            }
            exact(Role::Conclusion, None, Some(factor), "(1 − ηλ)^(k−2)")
        }
        (true, "W1.stationary") => {
            let v = ctx.stationary()?;
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(v.loss.clone()),
                what: "L_λ over the Krawczyk box".into(),
            }
        }
        (true, "W1.loss" | "W1.norm") => {
            if uses_of(c)? != "W1.stationary" {
                return Err("must use W1.stationary".into());
            }
            let v = ctx.stationary()?;
            let mlp = ctx.mlp.as_ref().ok_or("no network")?;
            let computed = if id == "W1.loss" {
                mlp.loss(&mlp.constants(&v.tight[0], lam), &v.tight)
            } else {
                v.tight
                    .iter()
                    .fold(v.tight[0].int(0), |acc, t| acc + &t.sqr())
                    .sqrt()
            };
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(computed),
                what: id[3..].to_string(),
            }
        }
        (true, "W1.ceiling" | "W1.curvature_floor") => {
            let (t, below) = ctx.congruence(&c.witness)?;
            let (want_t, want) = if id == "W1.ceiling" {
                (
                    q_int(2) / eta,
                    q_int(ctx.mlp.as_ref().map(|m| m.dim()).unwrap_or(0) as i64),
                )
            } else {
                (q_int(0), q_int(0))
            };
            if t != want_t {
                return Err(format!(
                    "the congruence must be at t = {}",
                    format_exact(&want_t)
                ));
            }
            exact(
                Role::Hypothesis,
                pt("=", want),
                Some(q_int(below as i64)),
                "the number of eigenvalues of ∇²L_λ below t",
            )
        }
        (true, "W1.sharpness") => {
            let n = ctx.mlp.as_ref().map(|m| m.dim()).unwrap_or(0);
            let (lo, hi) = ctx.bracket(c, n)?;
            Expect {
                role: Role::Conclusion,
                bound: pt("<", ceiling),
                computed: Some(RatInterval::new(lo - lam, hi - lam, 64)),
                what: "λ_max(∇²L_λ) − λ".into(),
            }
        }
        (true, "W1.min_curvature") => {
            let (lo, hi) = ctx.bracket(c, 1)?;
            Expect {
                role: Role::Conclusion,
                bound: pt(">", q_int(0)),
                computed: Some(RatInterval::new(lo, hi, 64)),
                what: "λ_min(∇²L_λ)".into(),
            }
        }
        (true, "W1.multiplier") => {
            if uses_of(c)? != "W1.sharpness" {
                return Err("must use W1.sharpness".into());
            }
            let n = ctx.mlp.as_ref().map(|m| m.dim()).unwrap_or(0);
            let (s_lo, s_hi) = ctx.bracket(ctx.referenced("W1.sharpness")?, n)?;
            let (f_lo, f_hi) = ctx.bracket(ctx.referenced("W1.min_curvature")?, 1)?;
            // |1 − ηh| over h in each bracket of ∇²L_λ's extreme eigenvalues.
            let abs_range = |h_lo: &Q, h_hi: &Q| {
                let a = RatInterval::new(one.clone() - eta * h_hi, one.clone() - eta * h_lo, 64);
                a.abs()
            };
            let top = abs_range(&s_lo, &s_hi);
            let bottom = abs_range(&f_lo, &f_hi);
            let (tl, th) = top.bounds().ok_or("unbounded")?;
            let (bl, bh) = bottom.bounds().ok_or("unbounded")?;
            let rho = RatInterval::new(
                if tl > bl { tl } else { bl },
                if th > bh { th } else { bh },
                64,
            );
            Expect {
                role: Role::Conclusion,
                bound: pt("<", one),
                computed: Some(rho),
                what: "max |1 − ηh| over the extreme eigenvalues of ∇²L_λ".into(),
            }
        }
        (_, other) => {
            return Err(format!(
                "claim `{other}` is not part of this theorem for this instance"
            ))
        }
    };
    conclude(c, e)
}
