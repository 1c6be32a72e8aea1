//! The kernel's table for paper 4 (`newton-ntk`).
//!
//! - Circle: every `κ_k` is recomputed from the specification formula in [`RatInterval`] (its own
//!   series for π, cos, acos, sqrt), or, for a claimed exact zero, proved zero in `Q(ζ_N)`
//!   (`A_k = B_k = 0`); `κ_min`, `κ_max` are the kernel's own minimum and maximum of those.
//! - Points file: the Gram matrix is rebuilt from the recorded points in [`RatInterval`] and each
//!   bracket's congruences are re-checked on it (Sylvester's law of inertia).
//! - NNTK and rates: [`derived`] on the kernel's enclosures of `κ_min`, `κ_max`.
//! - N3: `∇²L(θ_k) + λI` at the recorded iterate by second-order automatic differentiation in
//!   [`RatInterval`], and its congruence at 0.

use super::checks::{bits_of, conclude, param, q, show, Expect};
use super::matrix::{check_bracket, check_congruence_witness, KMat};
use super::weight_decay::int_param;
use super::{ClaimCheck, Malformed};
use crate::arith::exact::Q;
use crate::arith::{q_frac, q_int, Enclosure, RatInterval, Ring, SecondOrder};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::newton_ntk::*;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;

/// Limits of the certifier, enforced again here.
const MAX_CIRCLE: i64 = 256;
const MAX_WIDTH: i64 = 16;
const MAX_STEPS: i64 = 50;
const GRAM: &str = "gram(points)";

struct Ctx<'a> {
    cert: &'a Certificate,
    m: usize,
    bias: bool,
    lambda: Q,
    alpha: Q,
    points: Option<Vec<Vec<Q>>>,
    net: CircleNet,
    gram: OnceCell<Result<KMat, String>>,
    /// `κ_k` by `(k, bits)`.
    kappas: RefCell<BTreeMap<(usize, u32), RatInterval>>,
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let lambda = param(cert, "lambda")?.unwrap_or_else(|| q_frac(1, 1000));
    let alpha = param(cert, "alpha")?.unwrap_or_else(|| q_int(1));
    if lambda <= q_int(0) || lambda > q_int(1000) || alpha <= q_int(0) || alpha > q_int(1) {
        return Err(Malformed(
            "instance parameters need 0 < lambda <= 1000 and 0 < alpha <= 1".into(),
        ));
    }
    let bias = match cert.instance.params.get("bias").map(String::as_str) {
        Some("yes") | None => true,
        Some("no") => false,
        Some(b) => {
            return Err(Malformed(format!(
                "instance parameter `bias` = {b}: expected yes or no"
            )))
        }
    };
    let m = int_param(cert, "points", 16, 2, MAX_CIRCLE)? as usize;
    let width = int_param(cert, "width", 8, 1, MAX_WIDTH)? as usize;
    let steps = int_param(cert, "newton_steps", 20, 1, MAX_STEPS)? as usize;
    let seed = int_param(cert, "target_seed", 1, 0, i64::MAX)? as u64;
    let points = match cert.instance.matrices.get("points") {
        None => None,
        Some(r) => {
            let e: Vec<Q> = r
                .entries
                .iter()
                .map(|s| q(s, "instance.matrices.points"))
                .collect::<Result<_, _>>()
                .map_err(Malformed)?;
            if r.rows > 200 || r.cols > 64 {
                return Err(Malformed("instance.matrices.points is too large".into()));
            }
            let pts: Vec<Vec<Q>> = e.chunks(r.cols).map(<[Q]>::to_vec).collect();
            if pts.iter().any(|p| p.iter().all(|v| *v == q_int(0))) {
                return Err(Malformed(
                    "instance.matrices.points has a zero point".into(),
                ));
            }
            Some(pts)
        }
    };
    let groups: Vec<String> = cert
        .instance
        .params
        .get("claims")
        .map(|g| g.split(',').map(|x| x.trim().to_string()).collect())
        .unwrap_or_else(|| vec!["N1".into(), "N2".into()]);
    let has = |g: &str| groups.iter().any(|x| x == g);
    let ctx = Ctx {
        cert,
        m,
        bias,
        lambda,
        alpha,
        points,
        net: CircleNet::new(width, m, bias, seed),
        gram: OnceCell::new(),
        kappas: RefCell::new(BTreeMap::new()),
    };
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .map(|c| {
            let r = check_claim(&ctx, c);
            ClaimCheck::of(c, r)
        })
        .collect();
    let mut required: Vec<String> = vec![];
    if has("N1") || has("N2") {
        if ctx.points.is_none() {
            required.extend((0..=m / 2).map(|k| format!("N1.kappa.{k}")));
        }
        required.extend(["N1.kappa_min".into(), "N1.kappa_max".into()]);
        if cert
            .claim("N1.kappa_min")
            .is_some_and(|c| c.verdict == Verdict::Certified)
        {
            if has("N1") {
                required.extend(["N1.nntk_min", "N1.nntk_max", "N1.newton_rate"].map(String::from));
            }
            if has("N2") {
                required.push("N2.gd_rate".into());
            }
            if has("N1") && has("N2") {
                required.push("N2.steps_ratio".into());
            }
        }
    }
    if has("N3") {
        required.extend((0..=steps).map(|k| format!("N3.step.{k}")));
    }
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

fn expect(
    role: Role,
    bound: Option<(&str, Q, Q)>,
    computed: Option<RatInterval>,
    what: String,
) -> Expect<'_> {
    Expect {
        role,
        bound,
        computed,
        what,
    }
}

fn pt(rel: &str, v: Q) -> Option<(&str, Q, Q)> {
    Some((rel, v.clone(), v))
}

impl Ctx<'_> {
    /// `κ_k` by the kernel: exactly 0 when it vanishes in `Q(ζ_N)` (no bias), else enclosed.
    fn kappa(&self, k: usize, bits: u32) -> RatInterval {
        if let Some(v) = self.kappas.borrow().get(&(k, bits)) {
            return v.clone();
        }
        let v = if !self.bias && kappa_vanishes_no_bias(self.m, k) {
            RatInterval::point(q_int(0), bits)
        } else {
            let row = circle_row(&RatInterval::unit(bits), self.m, self.bias);
            circulant_eigenvalue(&row, k)
        };
        self.kappas.borrow_mut().insert((k, bits), v.clone());
        v
    }

    fn gram(&self) -> Result<&KMat, String> {
        self.gram
            .get_or_init(|| {
                let pts = self
                    .points
                    .as_ref()
                    .ok_or("the instance has no points matrix")?;
                let n = pts.len();
                let g = gram(&RatInterval::unit(128), pts);
                let b: Vec<(Q, Q)> = g
                    .iter()
                    .map(|e| {
                        e.bounds()
                            .ok_or_else(|| "an unbounded Gram entry".to_string())
                    })
                    .collect::<Result<_, _>>()?;
                Ok(KMat::of_intervals(n, n, &b))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The kernel's enclosure of `κ_min` (`max = false`) or `κ_max`.
    fn extreme(&self, c: &Claim, max: bool) -> Result<RatInterval, String> {
        if self.points.is_some() {
            let n = self.points.as_ref().map_or(0, Vec::len);
            let (lo, hi) = self.bracket(c, if max { n } else { 1 })?;
            return Ok(RatInterval::new(lo, hi, bits_of(c)));
        }
        if !matches!(c.witness, Witness::Exact) {
            return Err("expected an `exact` witness (recomputed from the κ_k)".into());
        }
        let bits = bits_of(c);
        let mut acc: Option<(Q, Q)> = None;
        for k in 0..=self.m / 2 {
            let (lo, hi) = self.kappa(k, bits).bounds().ok_or("an unbounded κ_k")?;
            acc = Some(match acc {
                None => (lo, hi),
                Some((a, b)) => {
                    let pick = |x: Q, y: Q| if (y > x) == max { y } else { x };
                    (pick(a, lo), pick(b, hi))
                }
            });
        }
        let (lo, hi) = acc.ok_or("no eigenvalues")?;
        Ok(RatInterval::new(lo, hi, bits))
    }

    fn congruence(&self, w: &Witness, matrix: &KMat, name: &str) -> Result<(Q, usize), String> {
        let (t, below, _) = check_congruence_witness(w, name, matrix, false)?;
        Ok((t, below))
    }

    /// `λ_index(K) ∈ (lo, hi)` from a bracket of congruences on the Gram matrix.
    fn bracket(&self, c: &Claim, index: usize) -> Result<(Q, Q), String> {
        let g = self.gram()?;
        check_bracket(c, index, |w| self.congruence(w, g, GRAM))
    }

    fn claim(&self, id: &str) -> Result<&Claim, String> {
        self.cert
            .claim(id)
            .ok_or_else(|| format!("claim `{id}` is missing"))
    }

    fn derived(&self, c: &Claim) -> Result<[RatInterval; 5], String> {
        let kmin = self.extreme(self.claim("N1.kappa_min")?, false)?;
        let kmax = self.extreme(self.claim("N1.kappa_max")?, true)?;
        let bits = bits_of(c);
        let widen = |x: RatInterval| match x.bounds() {
            Some((a, b)) => RatInterval::new(a, b, bits),
            None => RatInterval::invalid(bits),
        };
        Ok(derived(
            &widen(kmin),
            &widen(kmax),
            &self.lambda,
            &self.alpha,
        ))
    }

    fn step(&self, c: &Claim, k: usize) -> Result<RatInterval, String> {
        let Witness::PointHessian { point, congruence } = &c.witness else {
            return Err("expected a point-Hessian witness".into());
        };
        let n = self.net.dim();
        if point.len() != n {
            return Err(format!(
                "the point has {} coordinates, the network {n}",
                point.len()
            ));
        }
        let bits = bits_of(c);
        let x: Vec<RatInterval> = point
            .iter()
            .map(|s| q(s, "point").map(|v| RatInterval::point(v, bits)))
            .collect::<Result<_, _>>()?;
        let l = self.net.value(&SecondOrder::seed(&x));
        let lam = x[0].constant(&self.lambda);
        let h: Vec<(Q, Q)> = l
            .hessian(n)
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let e = if i / n == i % n { e + &lam } else { e };
                e.bounds()
                    .ok_or_else(|| "an unbounded Hessian entry".to_string())
            })
            .collect::<Result<_, _>>()?;
        let (t, below) = self.congruence(
            congruence,
            &KMat::of_intervals(n, n, &h),
            &format!("hessian(N3.step.{k})"),
        )?;
        if t != q_int(0) {
            return Err("the congruence must be at t = 0".into());
        }
        Ok(RatInterval::point(q_int(below as i64), bits))
    }
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
    let id = c.id.as_str();
    let zero = q_int(0);
    let one = q_int(1);
    if let Some(k) = id.strip_prefix("N1.kappa.") {
        let k: usize = k.parse().map_err(|_| format!("unknown claim `{id}`"))?;
        if k > ctx.m / 2 || ctx.points.is_some() {
            return Err(format!("unknown claim `{id}` for this instance"));
        }
        if c.arithmetic == "exact" {
            if !matches!(c.witness, Witness::Exact) || ctx.bias || !kappa_vanishes_no_bias(ctx.m, k)
            {
                return Err(format!("κ_{k} is not proved to vanish exactly in Q(ζ_N)"));
            }
            return conclude(
                c,
                expect(
                    Role::Conclusion,
                    pt("=", zero.clone()),
                    Some(RatInterval::point(zero, 64)),
                    format!(
                        "κ_{k} = A/(2π) + B with A = B = 0 in Q(ζ_{})",
                        field_order(ctx.m)
                    ),
                ),
            );
        }
        if !matches!(c.witness, Witness::Exact | Witness::None) {
            return Err("expected an `exact` witness".into());
        }
        let computed = (!matches!(c.witness, Witness::None)).then(|| ctx.kappa(k, bits_of(c)));
        return conclude(
            c,
            expect(
                Role::Conclusion,
                None,
                computed,
                format!("κ_{k} recomputed"),
            ),
        );
    }
    if let Some(k) = id.strip_prefix("N3.step.") {
        let k: usize = k.parse().map_err(|_| format!("unknown claim `{id}`"))?;
        let computed = match c.witness {
            Witness::None => None,
            _ => Some(ctx.step(c, k)?),
        };
        return conclude(
            c,
            expect(
                Role::Conclusion,
                pt("=", zero),
                computed,
                format!("eigenvalues of ∇²L(θ_{k}) + λI below 0 (interval Hessian, congruence)"),
            ),
        );
    }
    let none = matches!(c.witness, Witness::None);
    let (role, bound, computed, what) = match id {
        "N1.kappa_min" | "N1.kappa_max" => {
            let max = id == "N1.kappa_max";
            let computed = if none {
                None
            } else {
                Some(ctx.extreme(c, max)?)
            };
            let (role, bound) = if max {
                (Role::Conclusion, None)
            } else {
                (Role::Hypothesis, pt(">", zero))
            };
            (
                role,
                bound,
                computed,
                format!("{} recomputed", if max { "κ_max" } else { "κ_min" }),
            )
        }
        "N1.nntk_min" | "N1.nntk_max" | "N1.newton_rate" | "N2.gd_rate" | "N2.steps_ratio" => {
            if !none
                && !matches!(&c.witness, Witness::Uses { claim, .. } if claim == "N1.kappa_min")
            {
                return Err("expected a `uses` witness of N1.kappa_min".into());
            }
            let [nu_min, nu_max, newton, gd, ratio] = ctx.derived(c)?;
            let (v, bound) = match id {
                "N1.nntk_min" => (nu_min, pt(">", zero)),
                "N1.nntk_max" => (nu_max, pt("<", one)),
                "N1.newton_rate" => (newton, pt("<", one)),
                "N2.gd_rate" => (gd, pt("<", one)),
                _ => (ratio, None),
            };
            (
                Role::Conclusion,
                bound,
                (!none).then_some(v),
                format!("{id} from the kernel's κ_min, κ_max"),
            )
        }
        _ => return Err(format!("unknown claim `{id}`")),
    };
    let r = conclude(c, expect(role, bound, computed.clone(), what))?;
    Ok(match computed {
        Some(x) => format!("{r} (kernel: {})", show(&x)),
        None => r,
    })
}
