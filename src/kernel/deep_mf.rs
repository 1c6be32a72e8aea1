//! The kernel's table for paper 1 (`deep-matrix-factorization`): for each claim id, what it states
//! and how it is re-verified in exact rational arithmetic. Hypotheses and integer bounds are
//! recomputed exactly; gradient-flow times by the kernel's own Taylor quadrature on the witness
//! breakpoints; the scalar orbits of g and the matrix GD of Lemma R are re-run here at the
//! claim's precision plus 64 bits (mean-value form for the scalar orbits) in MPFR intervals with
//! outward rounding (as `kernel::spectrum` does for large matrices: exact rationals are too slow
//! for 10⁴-step orbits), and the certificate's enclosures must contain the kernel's.

use super::checks::{bits_of, conclude, param, Expect};
use super::{ClaimCheck, Malformed};
use crate::arith::dual::{jacobian, Dual};
use crate::arith::exact::{format_exact, Q};
use crate::arith::jet::Jet;
use crate::arith::{q_frac, q_int, Arith, Enclosure, MpfrInterval, RatInterval, Ring};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::deep_mf::*;
use crate::spec::Dynamics;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Limits on hostile certificates (the engine's limits).
const MAX_N: usize = 50;
const MAX_DEPTH: u32 = 12;
const MAX_STEPS: usize = 1_000_000;
const MAX_PIECES: usize = 4097;
const MAX_ORDER: u32 = 24;
/// Work budget of the matrix GD, `n³·N·steps` (as the engine's).
const MATRIX_WORK: usize = 200_000;

/// Orbit enclosures by step.
type Steps = BTreeMap<usize, RatInterval>;

struct Ctx<'a> {
    cert: &'a Certificate,
    depth: u32,
    alpha: Q,
    eta: Q,
    spectrum: Vec<Q>,
    n: usize,
    r: usize,
    theta: Q,
    delta: Q,
    epsilon: Q,
    basis_seed: u64,
    e: Q,
    e_mat: Option<Vec<Q>>,
    matrix_steps: usize,
    orbits: RefCell<BTreeMap<String, Result<Steps, String>>>,
    lemma_r: RefCell<Option<Result<(RatInterval, RatInterval), String>>>,
    quad: RefCell<BTreeMap<String, Result<RatInterval, String>>>,
}

fn malformed(m: impl Into<String>) -> Malformed {
    Malformed(m.into())
}

fn int_param(cert: &Certificate, key: &str, min: i64, max: i64) -> Result<Option<i64>, Malformed> {
    match cert.instance.params.get(key) {
        None => Ok(None),
        Some(s) => match s.trim().parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(Some(v)),
            _ => Err(malformed(format!(
                "instance parameter `{key}` = {s} is not an integer in [{min}, {max}]"
            ))),
        },
    }
}

fn need(cert: &Certificate, key: &str) -> Result<Q, Malformed> {
    param(cert, key)?.ok_or_else(|| malformed(format!("instance parameter `{key}` is missing")))
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let depth = int_param(cert, "N", 2, MAX_DEPTH as i64)?
        .ok_or_else(|| malformed("instance parameter `N` is missing"))? as u32;
    let spectrum: Vec<Q> = cert
        .instance
        .params
        .get("spectrum")
        .ok_or_else(|| malformed("instance parameter `spectrum` is missing"))?
        .split(',')
        .map(|s| super::checks::q(s.trim(), "spectrum").map_err(Malformed))
        .collect::<Result<_, _>>()?;
    let n = spectrum.len();
    if n == 0 || n > MAX_N || spectrum.windows(2).any(|w| w[1] > w[0]) {
        return Err(malformed("spectrum must hold 1 to 50 decreasing numbers"));
    }
    let r = int_param(cert, "r", 1, n as i64)?
        .ok_or_else(|| malformed("instance parameter `r` is missing or exceeds n"))?
        as usize;
    let (alpha, eta, theta, delta) = (
        need(cert, "alpha")?,
        need(cert, "eta")?,
        need(cert, "theta")?,
        need(cert, "delta")?,
    );
    let epsilon = param(cert, "epsilon")?.unwrap_or_else(|| q_frac(1, 1000));
    let zero = Q::zero();
    let one = q_int(1);
    if alpha <= zero || eta <= zero || delta <= zero || alpha > q_int(1000) || eta > q_int(1000) {
        return Err(malformed(
            "alpha, eta and delta must be positive (alpha, eta <= 1000)",
        ));
    }
    if theta <= zero || theta >= one || epsilon <= zero || epsilon >= one {
        return Err(malformed("theta and epsilon must lie in (0, 1)"));
    }
    let basis_seed = int_param(cert, "basis_seed", 0, i64::MAX)?.unwrap_or(1) as u64;
    let e_mat = match cert.instance.matrices.get("E") {
        None => None,
        Some(m) => {
            if m.rows != n || m.cols != n {
                return Err(malformed(format!("instance.matrices.E must be {n}x{n}")));
            }
            let d: Vec<Q> = m
                .entries
                .iter()
                .map(|s| super::checks::q(s, "instance.matrices.E").map_err(Malformed))
                .collect::<Result<_, _>>()?;
            if (0..n).any(|i| (0..n).any(|j| d[i * n + j] != d[j * n + i])) {
                return Err(malformed("instance.matrices.E is not exactly symmetric"));
            }
            Some(d)
        }
    };
    let concrete = cert.instance.params.contains_key("perturbation.file")
        || cert.instance.params.contains_key("perturbation.seed");
    if concrete != e_mat.is_some() {
        return Err(malformed(
            "a perturbation file or seed needs instance.matrices.E, and only then",
        ));
    }
    let e = match (param(cert, "perturbation.norm")?, &e_mat) {
        (Some(e), _) => e,
        (None, Some(_)) => {
            // The Weyl radius computed by the engine is the value of the claim `E.norm`.
            let c = cert
                .claim("E.norm")
                .ok_or_else(|| malformed("claim `E.norm` (the Weyl radius) is missing"))?;
            let (lo, hi) = c
                .enclosure
                .as_ref()
                .ok_or_else(|| malformed("claim `E.norm` has no value"))?
                .parse()
                .map_err(Malformed)?;
            if lo != hi {
                return Err(malformed("claim `E.norm` must hold one value, e"));
            }
            lo
        }
        (None, None) => Q::zero(),
    };
    if e < zero {
        return Err(malformed("the Weyl radius e must be >= 0"));
    }
    let budget = MATRIX_WORK / (n * n * n * depth as usize);
    let matrix_steps = match int_param(cert, "matrix_steps", 0, 10_000)? {
        Some(k) => k as usize,
        None => budget.min(100),
    };
    if matrix_steps > budget {
        return Err(malformed(format!(
            "matrix_steps = {matrix_steps} exceeds the work budget ({budget} steps for this size)"
        )));
    }
    let ctx = Ctx {
        cert,
        depth,
        alpha,
        eta,
        spectrum,
        n,
        r,
        theta,
        delta,
        epsilon,
        basis_seed,
        e,
        e_mat,
        matrix_steps,
        orbits: RefCell::new(BTreeMap::new()),
        lemma_r: RefCell::new(None),
        quad: RefCell::new(BTreeMap::new()),
    };
    let required = required_claims(&ctx);
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .map(|c| {
            let r = if required.contains(&c.id) {
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

impl Ctx<'_> {
    fn lam_lo(&self) -> Q {
        &self.spectrum[self.r - 1] - &self.e
    }
    fn lam_hi(&self) -> Option<Q> {
        self.spectrum.get(self.r).map(|l| l + &self.e)
    }
    fn escape_possible(&self) -> bool {
        self.lam_hi().is_some_and(|l| l > self.delta)
    }
    fn alpha_n(&self) -> Q {
        self.alpha.pow(self.depth as i32)
    }
    fn hypotheses_hold(&self) -> bool {
        let norm_ok = match &self.e_mat {
            Some(m) => spectral_norm_at_most(m, self.n, &self.e),
            None => true,
        };
        let delta_ok = !self.escape_possible()
            || self.delta <= delta_threshold(self.depth, &self.lam_hi().unwrap_or_default());
        norm_ok
            && step_condition_power(self.depth, &self.eta, &lambda_max(&self.spectrum, &self.e))
                <= q_int(1)
            && self.alpha_n() < self.delta
            && delta_ok
            && self.alpha_n() < &self.theta * &self.lam_lo()
    }
    fn referenced(&self, id: &str) -> Result<&Claim, String> {
        self.cert
            .claim(id)
            .ok_or_else(|| format!("uses claim `{id}`, which is not in the certificate"))
    }
    /// The integer value of a certified claim whose enclosure is one integer.
    fn integer_of(&self, id: &str) -> Result<Option<u64>, String> {
        let c = self.referenced(id)?;
        if c.verdict != Verdict::Certified {
            return Ok(None);
        }
        let (lo, hi) = c
            .enclosure
            .as_ref()
            .ok_or_else(|| format!("`{id}` has no value"))?
            .parse()?;
        if lo != hi || !lo.is_integer() || lo.is_negative() {
            return Err(format!("`{id}` must be one nonnegative integer"));
        }
        lo.to_integer()
            .to_u64()
            .map(Some)
            .ok_or_else(|| format!("`{id}` is too large"))
    }
    /// The step of a `uses` witness of claim `id` on orbit `orbit`.
    fn step_of(&self, id: &str, orbit: &str) -> Result<usize, String> {
        match &self.referenced(id)?.witness {
            Witness::Uses {
                claim,
                step: Some(k),
            } if claim == orbit => Ok(*k),
            _ => Err(format!("`{id}` must use a step of `{orbit}`")),
        }
    }

    /// The orbit `x_k = w_k^N` of `g(·; λ)` (O.lower: λ⁻, O.upper: λ⁺) at every step a claim uses,
    /// re-iterated in the mean-value form at the precision of the orbit claim.
    fn orbit(&self, name: &str) -> Result<BTreeMap<usize, RatInterval>, String> {
        if let Some(r) = self.orbits.borrow().get(name) {
            return r.clone();
        }
        let r = (|| {
            let oc = self.referenced(name)?;
            let lambda = match name {
                "O.lower" => self.lam_lo(),
                _ => self.lam_hi().ok_or("no λ⁺ for r = n")?,
            };
            let mut steps: Vec<usize> = self
                .cert
                .claims
                .iter()
                .filter_map(|c| match &c.witness {
                    Witness::Uses {
                        claim,
                        step: Some(k),
                    } if claim == name => Some(*k),
                    _ => None,
                })
                .collect();
            steps.sort();
            let last = steps.last().copied().unwrap_or(0);
            if last > MAX_STEPS {
                return Err(format!("step {last} exceeds the limit {MAX_STEPS}"));
            }
            let map = ScalarGd {
                depth: self.depth,
                eta: self.eta.clone(),
                lambda,
            };
            let bits = bits_of(oc);
            let unit = MpfrInterval::unit(bits);
            let c = map.constants(&unit);
            let cd: Vec<Dual<MpfrInterval, 1>> = map.constants(&Dual::cst(unit.clone()));
            let mut w = unit.constant(&self.alpha);
            let mut out = BTreeMap::new();
            for k in 0..=last {
                if steps.binary_search(&k).is_ok() {
                    out.insert(k, to_rat(&w.powi(self.depth), bits)?);
                }
                if k < last {
                    w = mean_value_step(&map, &c, &cd, &w);
                    if w.bounds().is_none() {
                        return Err(format!("the orbit enclosure blew up at step {k}"));
                    }
                }
            }
            Ok(out)
        })();
        self.orbits.borrow_mut().insert(name.into(), r.clone());
        r
    }

    /// The orbit value at the step claim `c` uses.
    fn orbit_value(&self, c: &Claim, name: &str) -> Result<(usize, RatInterval), String> {
        let k = self.step_of(&c.id, name)?;
        let o = self.orbit(name)?;
        let v = o.get(&k).cloned().ok_or("orbit step not computed")?;
        Ok((k, v))
    }

    /// The kernel's quadrature of `T_GF(λ; α → b)` on the breakpoints of claim `id`'s witness,
    /// with the last breakpoint `b` checked against `x1` (`up`: `b^N ≥ x1`, else `b^N ≤ x1`).
    fn gf_time(&self, id: &str, lambda: &Q, x1: &Q, up: bool) -> Result<RatInterval, String> {
        if let Some(r) = self.quad.borrow().get(id) {
            return r.clone();
        }
        let r = (|| {
            let c = self.referenced(id)?;
            let Witness::Quadrature {
                order,
                bits,
                breakpoints,
            } = &c.witness
            else {
                return Err(format!("`{id}` needs a quadrature witness"));
            };
            if breakpoints.len() < 2 || breakpoints.len() > MAX_PIECES || *order > MAX_ORDER {
                return Err("between 2 and 4097 breakpoints, order at most 24".into());
            }
            let bits = (*bits).clamp(64, 1024 + 64);
            let bp: Vec<Q> = breakpoints
                .iter()
                .map(|s| super::checks::q(s, "breakpoint"))
                .collect::<Result<_, _>>()?;
            if bp[0] != self.alpha || bp.windows(2).any(|w| w[1] <= w[0]) {
                return Err("the breakpoints must increase from α".into());
            }
            let b = &bp[bp.len() - 1];
            let bn = b.pow(self.depth as i32);
            let side_ok = if up { bn >= *x1 } else { bn <= *x1 };
            if !side_ok || bn >= *lambda {
                return Err(format!(
                    "the last breakpoint b has b^N = {}, on the wrong side of {} (or not below λ)",
                    format_exact(&bn),
                    format_exact(x1)
                ));
            }
            Ok(taylor_quadrature(&bp, *order as usize, bits, |w| {
                tgf_integrand(self.depth, lambda, w)
            }))
        })();
        self.quad.borrow_mut().insert(id.into(), r.clone());
        r
    }

    /// Lemma R: the two deviations, recomputed by the full matrix GD.
    fn lemma_r(&self, bits: u32) -> Result<(RatInterval, RatInterval), String> {
        if let Some(r) = self.lemma_r.borrow().as_ref() {
            return r.clone();
        }
        let r = lemma_r_deviations(self, bits);
        *self.lemma_r.borrow_mut() = Some(r.clone());
        r
    }
}

/// `∫ g` over the pieces between consecutive breakpoints: on `[m − h, m + h]`,
/// `Σ_{k<n even} 2 g_k(m) h^(k+1)/(k+1) + G_n·2h^(n+1)/(n+1)`, `G_n` enclosing the order-n Taylor
/// coefficient over the piece (Lagrange remainder).
fn taylor_quadrature(
    breakpoints: &[Q],
    order: usize,
    bits: u32,
    g: impl Fn(&Jet<RatInterval>) -> Jet<RatInterval>,
) -> RatInterval {
    let unit = RatInterval::unit(bits);
    let order = order.max(2) + order % 2;
    let mut total = unit.int(0);
    for w in breakpoints.windows(2) {
        let h = (&w[1] - &w[0]) / q_int(2);
        let mid = &w[0] + &h;
        let at_mid = g(&Jet::var(RatInterval::point(mid, bits), order));
        let over = g(&Jet::var(
            RatInterval::new(w[0].clone(), w[1].clone(), bits),
            order,
        ));
        for k in (0..=order).step_by(2) {
            let coeff = if k < order {
                at_mid.c[k].clone()
            } else {
                over.c[order].clone()
            };
            let weight = h.pow(k as i32 + 1) * q_int(2) / q_int(k as i64 + 1);
            total = (total + &(coeff * &unit.constant(&weight))).tidy();
        }
    }
    total
}

/// The mean-value enclosure `F(m) + F'(X)(X − m)` of `F(X)`, `m` the midpoint of X.
fn mean_value_step<M: Dynamics<1>, S: Arith>(map: &M, c: &[S], cd: &[Dual<S, 1>], x: &S) -> S {
    let m = x.midpoint();
    let fm = map.apply(c, std::array::from_ref(&m));
    let (_, j) = jacobian(&map.apply(cd, &Dual::seed(std::array::from_ref(x))));
    fm[0].clone() + &(j[0][0].clone() * &(x.clone() - &m))
}

/// An MPFR enclosure as exact rational endpoints.
fn to_rat(x: &MpfrInterval, bits: u32) -> Result<RatInterval, String> {
    let (lo, hi) = x.bounds().ok_or("unbounded enclosure")?;
    Ok(RatInterval::new(lo, hi, bits))
}

fn lemma_r_deviations(ctx: &Ctx<'_>, bits: u32) -> Result<(RatInterval, RatInterval), String> {
    let n = ctx.n;
    let unit = MpfrInterval::unit(bits);
    let basis = cayley_basis(n, ctx.basis_seed);
    let a = target(&basis, &ctx.spectrum);
    let at: Vec<MpfrInterval> = (0..n * n)
        .map(|k| match &ctx.e_mat {
            Some(e) => unit.constant(&(&a[k] + &e[k])),
            None => unit.constant(&a[k]),
        })
        .collect();
    let zero = Q::zero();
    let w0: Vec<MpfrInterval> = (0..n * n)
        .map(|k| unit.constant(if k / n == k % n { &ctx.alpha } else { &zero }))
        .collect();
    let mut ws = vec![w0; ctx.depth as usize];
    let eta = unit.constant(&ctx.eta);
    for k in 0..ctx.matrix_steps {
        ws = matrix_gd_step(&ws, &at, &eta, n);
        if ws.iter().flatten().any(|x| x.bounds().is_none()) {
            return Err(format!("the matrix GD enclosure blew up at step {k}"));
        }
    }
    let mut diffs = vec![];
    for i in 0..ws.len() {
        for j in i + 1..ws.len() {
            diffs.extend(ws[i].iter().zip(&ws[j]).map(|(x, y)| x.clone() - y));
        }
    }
    let factors = max_abs(diffs).ok_or("unbounded factor difference")?;
    let reduction = match &ctx.e_mat {
        None => {
            let mut red = vec![];
            for l in &ctx.spectrum {
                let map = ScalarGd {
                    depth: ctx.depth,
                    eta: ctx.eta.clone(),
                    lambda: l.clone(),
                };
                let c = map.constants(&unit);
                let cd: Vec<Dual<MpfrInterval, 1>> = map.constants(&Dual::cst(unit.clone()));
                let mut w = unit.constant(&ctx.alpha);
                for _ in 0..ctx.matrix_steps {
                    w = mean_value_step(&map, &c, &cd, &w);
                }
                red.push(w);
            }
            let mut devs = vec![];
            for i in 0..n {
                for j in 0..n {
                    let mut m = unit.int(0);
                    for (k, wk) in red.iter().enumerate() {
                        m = m + &(unit.constant(&(&basis[i * n + k] * &basis[j * n + k])) * wk);
                    }
                    for w in &ws {
                        devs.push(w[i * n + j].clone() - &m);
                    }
                }
            }
            max_abs(devs).ok_or("unbounded reduction deviation")?
        }
        Some(_) => {
            let left = mat_mul(&ws[0], &at, n);
            let right = mat_mul(&at, &ws[0], n);
            max_abs(left.into_iter().zip(right).map(|(x, y)| x - &y))
                .ok_or("unbounded commutator")?
        }
    };
    Ok((to_rat(&factors, bits)?, to_rat(&reduction, bits)?))
}

fn point(v: Q) -> Option<RatInterval> {
    Some(RatInterval::point(v, 64))
}

fn exact<'a>(role: Role, bound: Option<(&'a str, Q, Q)>, value: Q, what: &str) -> Expect<'a> {
    Expect {
        role,
        bound,
        computed: point(value),
        what: what.into(),
    }
}

fn pt(rel: &str, v: Q) -> Option<(&str, Q, Q)> {
    Some((rel, v.clone(), v))
}

/// A claim decided without enclosure arithmetic: role, exact enclosure, verdict.
fn fixed(
    c: &Claim,
    role: Role,
    encl: Option<(Q, Q)>,
    verdict: Verdict,
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
    if got != encl || c.bound.is_some() {
        return Err(format!(
            "{what}: the enclosure or bound differs from the kernel's"
        ));
    }
    if c.verdict != verdict && c.verdict != Verdict::Undecided {
        return Err(format!(
            "verdict {} but the kernel finds {verdict}",
            c.verdict
        ));
    }
    Ok(what.to_string())
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
    if matches!(c.witness, Witness::None) {
        if c.verdict != Verdict::Undecided {
            return Err(format!("verdict {} without a witness", c.verdict));
        }
        return Ok("UNDECIDED asserts nothing".into());
    }
    let id = c.id.as_str();
    let need_exact = || {
        if matches!(c.witness, Witness::Exact) {
            Ok(())
        } else {
            Err("expected an `exact` witness".to_string())
        }
    };
    let depth = ctx.depth;
    let lam_lo = ctx.lam_lo();
    let theta_lo = &ctx.theta * &lam_lo;
    let eta = RatInterval::point(ctx.eta.clone(), 64);
    let e = match id {
        "E.norm" => {
            need_exact()?;
            let m = ctx.e_mat.as_ref().ok_or("no matrix E")?;
            let holds = spectral_norm_at_most(m, ctx.n, &ctx.e);
            let v = if holds {
                Verdict::Certified
            } else {
                Verdict::ConditionNotMet
            };
            return fixed(
                c,
                Role::Hypothesis,
                Some((ctx.e.clone(), ctx.e.clone())),
                v,
                "eI ∓ E positive semidefinite by exact elimination",
            );
        }
        "R.factors_equal" | "R.reduction" => {
            need_exact()?;
            let (f, r) = ctx.lemma_r(bits_of(c))?;
            Expect {
                role: Role::Conclusion,
                bound: pt("<=", q_int(1) / q_int(10).pow(20)),
                computed: Some(if id == "R.factors_equal" { f } else { r }),
                what: format!("full matrix GD for {} steps", ctx.matrix_steps),
            }
        }
        "H1.step" => {
            need_exact()?;
            exact(
                Role::Hypothesis,
                pt("<=", q_int(1)),
                step_condition_power(depth, &ctx.eta, &lambda_max(&ctx.spectrum, &ctx.e)),
                "(ηN)^N Λ^(2N−2)",
            )
        }
        "H2.alpha_below_delta" => {
            need_exact()?;
            exact(
                Role::Hypothesis,
                pt("<", ctx.delta.clone()),
                ctx.alpha_n(),
                "α^N",
            )
        }
        "H2.delta_small" => {
            need_exact()?;
            let th = delta_threshold(depth, &ctx.lam_hi().ok_or("r = n")?);
            exact(Role::Hypothesis, pt("<=", th), ctx.delta.clone(), "δ")
        }
        "H2.alpha_below_theta" => {
            need_exact()?;
            exact(Role::Hypothesis, pt("<", theta_lo), ctx.alpha_n(), "α^N")
        }
        "H3.T_hit" => Expect {
            role: Role::Conclusion,
            bound: None,
            computed: Some(ctx.gf_time(id, &lam_lo, &theta_lo, true)?),
            what: "Taylor quadrature of the hitting time".into(),
        },
        "H3.T_esc" => {
            let lh = ctx.lam_hi().ok_or("r = n")?;
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(ctx.gf_time(id, &lh, &ctx.delta, false)?),
                what: "Taylor quadrature of the escape time".into(),
            }
        }
        "H3.K_hit" | "H3.K_esc" => {
            let hit = id == "H3.K_hit";
            let t_id = if hit { "H3.T_hit" } else { "H3.T_esc" };
            match &c.witness {
                Witness::Uses { claim, step: None } if claim == t_id => {}
                _ => return Err(format!("must use `{t_id}`")),
            }
            let k = ctx
                .integer_of(id)?
                .ok_or("a certified bound must hold one integer")?;
            let bits = bits_of(c);
            let kq = RatInterval::point(q_int(k as i64), 64);
            let ok = if hit {
                let t = ctx.gf_time(t_id, &lam_lo, &theta_lo, true)?;
                let unit = RatInterval::unit(bits);
                let v = hit_factor(depth, &ctx.eta, &lam_lo, &unit) * &t / &eta;
                v.le(&kq).is_true()
            } else {
                let lh = ctx.lam_hi().ok_or("r = n")?;
                let t = ctx.gf_time(t_id, &lh, &ctx.delta, false)?;
                kq.le(&(t / &eta)).is_true()
            };
            if !ok {
                return Err(format!(
                    "{k} is not proved to be a valid {} bound",
                    if hit { "hitting" } else { "escape" }
                ));
            }
            exact(
                Role::Conclusion,
                None,
                q_int(k as i64),
                "an integer bound of the gradient-flow time over η",
            )
        }
        "H3.window" => {
            match &c.witness {
                Witness::Uses { claim, step: None } if claim == "H3.K_hit" => {}
                _ => return Err("must use `H3.K_hit`".into()),
            }
            let kh = ctx.integer_of("H3.K_hit")?;
            if !ctx.escape_possible() {
                if kh.is_none() {
                    return Err("needs a certified K_hit".into());
                }
                return fixed(
                    c,
                    Role::Hypothesis,
                    None,
                    Verdict::Certified,
                    "no eigenvalue escapes above δ",
                );
            }
            let (Some(kh), Some(ke)) = (kh, ctx.integer_of("H3.K_esc")?) else {
                return Err("needs certified K_hit and K_esc".into());
            };
            exact(
                Role::Hypothesis,
                pt(">=", q_int(0)),
                q_int(ke as i64) - q_int(kh as i64),
                "K_esc − K_hit",
            )
        }
        "C2.window" => {
            let h3 = ctx.referenced("H3.window")?;
            if h3.verdict != Verdict::Certified
                || !matches!(&c.witness, Witness::Uses { claim, .. } if claim == "H3.window")
            {
                return Err("needs a certified H3.window, as its witness".into());
            }
            let kh = ctx.integer_of("H3.K_hit")?.ok_or("needs K_hit")?;
            let hi = if ctx.escape_possible() {
                ctx.integer_of("H3.K_esc")?.ok_or("needs K_esc")?
            } else {
                kh
            };
            return fixed(
                c,
                Role::Conclusion,
                Some((q_int(kh as i64), q_int(hi as i64))),
                Verdict::Certified,
                "the window [K_hit, K_esc] (H1, H2, H3 and C1')",
            );
        }
        "O.lower" | "O.upper" => {
            need_exact()?;
            let o = ctx.orbit(id)?;
            let (k, v) = o.iter().next_back().ok_or("no claim uses this orbit")?;
            Expect {
                role: Role::Conclusion,
                bound: None,
                computed: Some(v.clone()),
                what: format!("x at step {k}, re-iterated"),
            }
        }
        "C2.hit" | "C2.hit_first" | "C4.observed" => {
            let (k, v) = ctx.orbit_value(c, "O.lower")?;
            let bound = match id {
                "C2.hit" => pt(">=", theta_lo),
                "C2.hit_first" => {
                    if k.checked_add(1) != Some(ctx.step_of("C2.hit", "O.lower")?) {
                        return Err("must be the step before C2.hit".into());
                    }
                    pt("<", theta_lo)
                }
                _ => {
                    let k4 = ctx
                        .integer_of(&format!("C4.bound.{}", ctx.r))?
                        .ok_or("needs a certified C4 bound")?;
                    if k4 as usize != k {
                        return Err("must be taken at the C4 bound of λ_r".into());
                    }
                    pt(">=", (q_int(1) - &ctx.epsilon) * &lam_lo)
                }
            };
            Expect {
                role: Role::Conclusion,
                bound,
                computed: Some(v),
                what: format!("x({k}; λ⁻)"),
            }
        }
        "C2.escape" | "C2.escape_first" => {
            let (k, v) = ctx.orbit_value(c, "O.upper")?;
            let bound = if id == "C2.escape" {
                pt("<=", ctx.delta.clone())
            } else {
                if ctx.step_of("C2.escape", "O.upper")?.checked_add(1) != Some(k) {
                    return Err("must be the step after C2.escape".into());
                }
                pt(">", ctx.delta.clone())
            };
            Expect {
                role: Role::Conclusion,
                bound,
                computed: Some(v),
                what: format!("x({k}; λ⁺)"),
            }
        }
        "C2.exact_window" => {
            match &c.witness {
                Witness::Uses { claim, step: None } if claim == "C2.hit" => {}
                _ => return Err("must use `C2.hit`".into()),
            }
            let certified = |i: &str| ctx.referenced(i).map(|x| x.verdict == Verdict::Certified);
            let ka = ctx.step_of("C2.hit", "O.lower")? as i64;
            let kh = ctx.integer_of("H3.K_hit")?.ok_or("needs K_hit")? as i64;
            let mut margin = q_int(kh - ka);
            let mut exact_ends = certified("C2.hit")? && certified("C2.hit_first")?;
            if ctx.escape_possible() {
                let kb = ctx.step_of("C2.escape", "O.upper")? as i64;
                let ke = ctx.integer_of("H3.K_esc")?.ok_or("needs K_esc")? as i64;
                margin = margin.min(q_int(kb - ke));
                exact_ends = exact_ends && certified("C2.escape")? && certified("C2.escape_first")?;
            }
            if c.verdict != Verdict::Undecided && !exact_ends {
                return Err("the window ends must be certified (C2.hit, C2.hit_first, C2.escape, C2.escape_first)".into());
            }
            exact(
                Role::Conclusion,
                pt(">=", q_int(0)),
                margin,
                "min(K_hit − k_hit, k_esc − K_esc)",
            )
        }
        "C3.tail" => {
            need_exact()?;
            let z = Q::zero();
            let clamp = |x: Q| if x < z { z.clone() } else { x };
            let lo = clamp(&ctx.spectrum[ctx.n - 1] - &ctx.e);
            let hi = clamp(&ctx.spectrum[ctx.r] + &ctx.e);
            return fixed(
                c,
                Role::Conclusion,
                Some((lo, hi)),
                Verdict::Certified,
                "C1 and Weyl",
            );
        }
        _ if id.starts_with("C3.limit.") => {
            need_exact()?;
            let i: usize = id["C3.limit.".len()..].parse().map_err(|_| "bad index")?;
            let l = &ctx.spectrum[i - 1];
            return fixed(
                c,
                Role::Conclusion,
                Some((l - &ctx.e, l + &ctx.e)),
                Verdict::Certified,
                "C1 and Weyl",
            );
        }
        _ if id.starts_with("C4.bound.") => {
            let i: usize = id["C4.bound.".len()..].parse().map_err(|_| "bad index")?;
            let lo = &ctx.spectrum[i - 1] - &ctx.e;
            let hi = &ctx.spectrum[i - 1] + &ctx.e;
            let x1 = &ctx.theta * &lo;
            let t = ctx.gf_time(id, &lo, &x1, true)?;
            let unit = RatInterval::unit(bits_of(c));
            let kh = hit_factor(depth, &ctx.eta, &lo, &unit) * &t / &eta;
            let tail = c4_tail(depth, &ctx.eta, &ctx.theta, &ctx.epsilon, &lo, &hi, &unit);
            let (Some((_, kh_hi)), Some((_, tail_hi))) = (kh.bounds(), tail.bounds()) else {
                return Err("the C4 terms are unbounded".into());
            };
            let m = if tail_hi <= Q::zero() {
                Q::zero()
            } else {
                tail_hi.ceil()
            };
            let need_k = kh_hi.ceil() + m;
            let k = ctx
                .integer_of(id)?
                .ok_or("a certified bound must hold one integer")?;
            if q_int(k as i64) < need_k {
                return Err(format!(
                    "{k} is below K_hit + tail = {}",
                    format_exact(&need_k)
                ));
            }
            exact(
                Role::Conclusion,
                None,
                q_int(k as i64),
                "K_hit(λ_i − e) + C4 tail",
            )
        }
        other => return Err(format!("unknown claim `{other}`")),
    };
    conclude(c, e)
}

/// The claims the theorem states for this instance; a certificate must hold every one (undecided
/// ones included) and no other. Mirrors the engine.
fn required_claims(ctx: &Ctx<'_>) -> Vec<String> {
    let mut r: Vec<String> = vec![];
    if ctx.e_mat.is_some() {
        r.push("E.norm".into());
    }
    if ctx.matrix_steps > 0 {
        r.extend(["R.factors_equal".into(), "R.reduction".into()]);
    }
    r.extend(["H1.step".into(), "H2.alpha_below_delta".into()]);
    if ctx.escape_possible() {
        r.push("H2.delta_small".into());
    }
    r.push("H2.alpha_below_theta".into());
    if !ctx.hypotheses_hold() {
        return r;
    }
    let esc = ctx.escape_possible();
    r.extend(["H3.T_hit".into(), "H3.K_hit".into()]);
    if esc {
        r.extend(["H3.T_esc".into(), "H3.K_esc".into()]);
    }
    for i in 1..=ctx.r {
        r.push(format!("C4.bound.{i}"));
    }
    r.push("H3.window".into());
    if ctx
        .cert
        .claim("H3.window")
        .is_some_and(|c| c.verdict == Verdict::Certified)
    {
        r.push("C2.window".into());
    }
    r.extend(["O.lower".into(), "C2.hit".into(), "C2.hit_first".into()]);
    if ctx
        .cert
        .claim(&format!("C4.bound.{}", ctx.r))
        .is_some_and(|c| c.verdict == Verdict::Certified)
    {
        r.push("C4.observed".into());
    }
    if esc {
        r.extend([
            "O.upper".into(),
            "C2.escape".into(),
            "C2.escape_first".into(),
        ]);
    }
    r.push("C2.exact_window".into());
    for i in 1..=ctx.r {
        r.push(format!("C3.limit.{i}"));
    }
    if ctx.r < ctx.n {
        r.push("C3.tail".into());
    }
    r
}
