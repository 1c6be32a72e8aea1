//! The kernel's table for paper 9 (`attention-pca`).
//!
//! P1's identities are recomputed exactly (Gaussian expectations by Wick's theorem, exact
//! polynomial expansion). Σ is rebuilt exactly from the instance (spectrum and Cayley rotation) or read from the
//! certificate's record (matrix files); `Σ̂_L` is rebuilt from the seeded binary64 tokens. Identities
//! are expanded exactly; the Krawczyk tests of the minimisers are re-run in [`RatInterval`] (exact
//! ring operations) with the closed-form gradient and Hessian of `spec::attention_pca`; congruences
//! are re-checked with [`super::matrix::congruence_counts`] (correctly rounded MPFR products) on
//! exact enclosures of the matrices; orbits by the mean-value form in MPFR intervals (outward
//! rounding at the certificate's precision + 64 bits, every comparison with the recorded boxes
//! exact: exact rational orbits of a rotated Σ took seconds); norms and alignment bounds by exact
//! rational inequalities.

use super::checks::{bits_of, check_identity, conclude, interval, q, show, Expect};
use super::matrix::{check_bracket, check_congruence_witness, KMat};
use super::{ClaimCheck, Malformed};
use crate::arith::dual::{jacobian, Dual};
use crate::arith::exact::{format_exact, parse_q, Q};
use crate::arith::{q_int, Enclosure, MpfrInterval, RatInterval, Ring};
use crate::certificate::{Certificate, Claim, Role, Verdict, Witness};
use crate::spec::attention_pca::*;
use crate::spec::deep_mf::{cayley_basis, spectral_norm_at_most};
use crate::spec::two_factor::Identity;
use crate::spec::Dynamics;
use num_traits::{Signed, Zero};
use std::cell::OnceCell;

const SIGMA: &str = "Sigma";
const AXIS_PREFIX: &str = "P3.axis.";
const HESSIAN_AT_MIN: &str = "hessian(P3.minimiser)";
const HESSIAN_ON_BALL: &str = "hessian(P3.ball)";
const HESSIAN_AT_SAMPLE_MIN: &str = "hessian(P4.minimiser)";
const LOSS: &str = "attention_pca(Sigma)";
const SAMPLE_LOSS: &str = "attention_pca(Sigma_hat)";
const MAX_DIM: usize = 64;
const MAX_TOKENS: i64 = 100_000;

/// The last box of a verified orbit (exact bounds) and its number of steps K.
type OrbitEnd = (Vec<(Q, Q)>, usize);

struct Ctx<'a> {
    cert: &'a Certificate,
    n: usize,
    eta: Q,
    eps: Q,
    v0: Option<Vec<Q>>,
    loss: AttentionLoss,
    sample: Option<AttentionLoss>,
    sorted: Option<Vec<Q>>,
    idents: Vec<Identity>,
    minimiser: OnceCell<Result<Vec<RatInterval>, String>>,
    sample_minimiser: OnceCell<Result<Vec<RatInterval>, String>>,
    orbit: OnceCell<Result<OrbitEnd, String>>,
}

fn list(cert: &Certificate, key: &str) -> Result<Option<Vec<Q>>, Malformed> {
    match cert.instance.params.get(key) {
        None => Ok(None),
        Some(s) => s
            .split(',')
            .map(|t| parse_q(t.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(|e| Malformed(format!("instance parameter `{key}`: {e}"))),
    }
}

fn int(cert: &Certificate, key: &str, min: i64, max: i64) -> Result<Option<i64>, Malformed> {
    match cert.instance.params.get(key) {
        None => Ok(None),
        Some(s) => match s.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(Some(v)),
            _ => Err(Malformed(format!(
                "instance parameter `{key}` = {s} is not an integer in [{min}, {max}]"
            ))),
        },
    }
}

fn record(cert: &Certificate, name: &str, n: usize) -> Result<Option<Vec<Q>>, Malformed> {
    let Some(m) = cert.instance.matrices.get(name) else {
        return Ok(None);
    };
    if m.rows != n || m.cols != n {
        return Err(Malformed(format!(
            "instance.matrices.{name} is {}x{}, expected {n}x{n}",
            m.rows, m.cols
        )));
    }
    m.entries
        .iter()
        .map(|s| parse_q(s))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
        .map_err(|e| Malformed(format!("instance.matrices.{name}: {e}")))
}

fn rebuilt_or_recorded(
    cert: &Certificate,
    name: &str,
    n: usize,
    rebuilt: Vec<Q>,
) -> Result<Vec<Q>, Malformed> {
    match record(cert, name, n)? {
        Some(r) if r != rebuilt => Err(Malformed(format!(
            "instance.matrices.{name} differs from the matrix the instance defines"
        ))),
        _ => Ok(rebuilt),
    }
}

pub fn check(cert: &Certificate) -> Result<Vec<ClaimCheck>, Malformed> {
    let p = |k: &str| super::checks::param(cert, k);
    let eta = p("eta")?.ok_or_else(|| Malformed("instance parameter `eta` is missing".into()))?;
    if !eta.is_positive() {
        return Err(Malformed("eta must be positive".into()));
    }
    let eps = p("eps")?.unwrap_or_else(|| Q::new(1.into(), 1000.into()));
    if !eps.is_positive() || eps >= q_int(1) {
        return Err(Malformed("eps must lie in (0, 1)".into()));
    }
    let spectrum = list(cert, "sigma")?;
    let rotation = int(cert, "rotation_seed", 0, i64::MAX)?;
    let (n, sigma, eigen) = match &spectrum {
        Some(l) => {
            let n = l.len();
            if !(2..=MAX_DIM).contains(&n) {
                return Err(Malformed(format!(
                    "sigma has {n} entries, expected 2 to {MAX_DIM}"
                )));
            }
            let basis = match rotation {
                Some(s) => cayley_basis(n, s as u64),
                None => (0..n * n)
                    .map(|k| if k / n == k % n { q_int(1) } else { Q::zero() })
                    .collect(),
            };
            let s = rebuilt_or_recorded(cert, SIGMA, n, rotated_diagonal(&basis, l))?;
            (n, s, Some((basis, l.clone())))
        }
        None => {
            let m = cert.instance.matrices.get(SIGMA).ok_or_else(|| {
                Malformed(
                    "without sigma, the certificate must record instance.matrices.Sigma".into(),
                )
            })?;
            let n = m.rows;
            if !(2..=MAX_DIM).contains(&n) {
                return Err(Malformed(format!(
                    "Sigma is {n}x{n}, expected 2 to {MAX_DIM}"
                )));
            }
            let s = record(cert, SIGMA, n)?.unwrap_or_default();
            if (0..n).any(|i| (0..n).any(|j| s[i * n + j] != s[j * n + i])) {
                return Err(Malformed("instance.matrices.Sigma is not symmetric".into()));
            }
            (n, s, None)
        }
    };
    let v0 = list(cert, "v0")?;
    if v0.as_ref().is_some_and(|v| v.len() != n) {
        return Err(Malformed(format!("v0 needs {n} entries")));
    }
    let sample = match int(cert, "tokens", 2, MAX_TOKENS)? {
        None => None,
        Some(l) => {
            let (basis, spec) = eigen
                .as_ref()
                .ok_or_else(|| Malformed("tokens need sigma".into()))?;
            let seed = int(cert, "token_seed", 0, i64::MAX)?.unwrap_or(1) as u64;
            let toks = tokens(rotation.map(|_| basis.as_slice()), spec, l as usize, seed);
            let s = sample_covariance(&toks)
                .ok_or_else(|| Malformed("a token is not finite".into()))?;
            Some(rebuilt_or_recorded(cert, "Sigma_hat", n, s)?)
        }
    };
    let groups: Vec<String> = match cert.instance.params.get("claims") {
        Some(g) => g.split(',').map(|x| x.trim().to_string()).collect(),
        None => {
            let mut g = vec!["P1".to_string(), "P2".to_string(), "P3".to_string()];
            if sample.is_some() {
                g.push("P4".into());
            }
            g
        }
    };
    let has = |g: &str| groups.iter().any(|x| x == g);
    let loss = AttentionLoss::new(n, sigma);
    let mut idents = identities(&loss);
    if has("P1") {
        idents.extend(p1_identities(&loss));
    }
    let mut axis_mu = None;
    if let Some((basis, spec)) = &eigen {
        idents.extend(critical_identities(&loss, basis, spec));
        if let Some(j) = (0..n).max_by(|&a, &b| spec[a].cmp(&spec[b])) {
            let u: Vec<Q> = (0..n).map(|r| basis[r * n + j].clone()).collect();
            idents.push(axis_identity(&loss, &eta, &u, &spec[j]));
            axis_mu = Some(q_int(4) * &eta * &spec[j] * &spec[j]);
        }
    }
    let sorted = eigen.as_ref().map(|(_, s)| {
        let mut s = s.clone();
        s.sort_by(|a, b| b.cmp(a));
        s
    });
    let ctx = Ctx {
        cert,
        n,
        eta,
        eps,
        v0,
        sample: sample.map(|s| AttentionLoss::new(n, s)),
        loss,
        sorted,
        idents,
        minimiser: OnceCell::new(),
        sample_minimiser: OnceCell::new(),
        orbit: OnceCell::new(),
    };
    let mut out: Vec<ClaimCheck> = cert
        .claims
        .iter()
        .filter(|c| !c.id.starts_with(AXIS_PREFIX))
        .map(|c| {
            let r = if c.id.starts_with("P1.") && !has("P1")
                || c.id.starts_with("P2.") && !has("P2")
                || c.id.starts_with("P4.") && !has("P4")
                || c.id.starts_with("P3.") && !(has("P3") || has("P4"))
            {
                Err("the claim's group was not requested".to_string())
            } else {
                check_claim(&ctx, c)
            };
            ClaimCheck::of(c, r)
        })
        .collect();
    // The claims the theorem states for this instance.
    let certified = |id: &str| {
        cert.claim(id)
            .is_some_and(|c| c.verdict == Verdict::Certified)
    };
    let step_failed = cert
        .claim("P3.step_size")
        .is_some_and(|c| c.verdict == Verdict::ConditionNotMet);
    match &axis_mu {
        Some(mu) if step_failed && certified("P3.gap") => {
            out.extend(super::two_factor::check_embedded(
                cert,
                AXIS_PREFIX,
                mu,
                &Q::new(1.into(), 2.into()),
                "T1",
            )?);
        }
        _ if cert.claims.iter().any(|c| c.id.starts_with(AXIS_PREFIX)) => out.push(ClaimCheck {
            id: AXIS_PREFIX.into(),
            verdict: Verdict::Undecided,
            ok: false,
            reason: "the axis cubic is stated only when the step-size hypothesis fails".into(),
        }),
        _ => {}
    }
    let mut required: Vec<String> = vec![];
    if has("P1") {
        required.extend(
            ctx.idents
                .iter()
                .filter(|i| i.id.starts_with("P1."))
                .map(|i| i.id.to_string()),
        );
    }
    if has("P2") {
        required.extend(
            ctx.idents
                .iter()
                .filter(|i| i.id.starts_with("P2."))
                .map(|i| i.id.to_string()),
        );
        if ctx.sorted.is_some() {
            required.push("P2.least_curvature".into());
        }
    }
    if has("P3") || has("P4") {
        required.extend(["P3.gap".to_string(), "P3.step_size".to_string()]);
        if ctx.sorted.is_some() {
            required.push("P3.rate_formula".into());
        }
        if certified("P3.gap") && step_failed && axis_mu.is_some() {
            required.push("P3.axis_reduction".into());
        }
        if certified("P3.gap") {
            required.extend(
                [
                    "P3.minimiser",
                    "P3.hessian_min",
                    "P3.hessian_max",
                    "P3.local_rate",
                ]
                .map(String::from),
            );
            if has("P3") && certified("P3.step_size") && ctx.v0.is_some() {
                required.extend(
                    [
                        "P3.ball",
                        "P3.ball_lower",
                        "P3.ball_upper",
                        "P3.orbit",
                        "P3.convergence",
                    ]
                    .map(String::from),
                );
            }
            if has("P4") {
                required.extend(
                    [
                        "P4.deviation",
                        "P4.minimiser",
                        "P4.hessian_min",
                        "P4.sin",
                        "P4.davis_kahan",
                    ]
                    .map(String::from),
                );
            }
        }
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

fn point(v: Q) -> RatInterval {
    RatInterval::point(v, 64)
}

fn pt(rel: &str, v: Q) -> Option<(&str, Q, Q)> {
    Some((rel, v.clone(), v))
}

fn uses_of(c: &Claim) -> Result<String, String> {
    match &c.witness {
        Witness::Uses { claim, .. } => Ok(claim.clone()),
        _ => Err("expected a `uses` witness".into()),
    }
}

fn qbounds(x: &RatInterval) -> Result<(Q, Q), String> {
    x.bounds()
        .ok_or_else(|| "an unbounded enclosure".to_string())
}

fn kmat(n: usize, h: &[RatInterval]) -> Result<KMat, String> {
    Ok(KMat::of_intervals(
        n,
        n,
        &h.iter().map(qbounds).collect::<Result<Vec<_>, _>>()?,
    ))
}

fn hessian_over(loss: &AttentionLoss, x: &[RatInterval]) -> Vec<RatInterval> {
    let c = loss.constants(&x[0]);
    loss.hessian(&c, x)
}

/// Re-runs the Krawczyk test of a stationary-point witness of `loss`; returns the tight box.
fn verify_stationary(
    loss: &AttentionLoss,
    c: &Claim,
    name: &str,
) -> Result<Vec<RatInterval>, String> {
    let Witness::Stationary {
        loss: l,
        center,
        radius,
        tight,
        preconditioner,
    } = &c.witness
    else {
        return Err(format!("{} has no stationary-point witness", c.id));
    };
    if l != name {
        return Err(format!("loss `{l}`, expected `{name}`"));
    }
    let n = loss.n;
    if center.len() != n || radius.len() != n || tight.len() != n || preconditioner.len() != n * n {
        return Err(format!(
            "the witness needs {n} coordinates and an {n}x{n} preconditioner"
        ));
    }
    let bits = bits_of(c);
    let parse = |v: &[String], what: &str| -> Result<Vec<Q>, String> {
        v.iter().map(|s| q(s, what)).collect()
    };
    let (m, r, cm) = (
        parse(center, "center")?,
        parse(radius, "radius")?,
        parse(preconditioner, "preconditioner")?,
    );
    if r.iter().any(|x| !x.is_positive()) {
        return Err("every radius must be positive".into());
    }
    let mi: Vec<RatInterval> = m
        .iter()
        .map(|x| RatInterval::point(x.clone(), bits))
        .collect();
    let x: Vec<RatInterval> = m
        .iter()
        .zip(&r)
        .map(|(a, b)| RatInterval::new(a.clone() - b, a.clone() + b, bits))
        .collect();
    let consts = loss.constants(&mi[0]);
    let g = loss.gradient(&consts, &mi);
    let h = loss.hessian(&consts, &x);
    let cij = |i: usize, j: usize| RatInterval::point(cm[i * n + j].clone(), bits);
    let tight_box: Vec<RatInterval> = tight
        .iter()
        .enumerate()
        .map(|(i, e)| interval(e, bits, &format!("tight[{i}]")))
        .collect::<Result<_, _>>()?;
    for i in 0..n {
        let mut k = mi[i].clone();
        for (j, gj) in g.iter().enumerate() {
            k = k - &(cij(i, j) * gj);
        }
        for l in 0..n {
            let mut a = if i == l { mi[0].int(1) } else { mi[0].int(0) };
            for j in 0..n {
                a = a - &(cij(i, j) * &h[j * n + l]);
            }
            k = k + &(a * &(x[l].clone() - &mi[l]));
        }
        if !k.interior(&x[i]) {
            return Err(format!(
                "coordinate {i}: K(X) = {} is not inside the interior of X = {}",
                show(&k),
                show(&x[i])
            ));
        }
        if !(k.subset(&tight_box[i]) && tight_box[i].subset(&x[i])) {
            return Err(format!(
                "coordinate {i}: the tight box {} does not hold K(X) ∩ X or leaves X",
                show(&tight_box[i])
            ));
        }
    }
    Ok(tight_box)
}

impl Ctx<'_> {
    fn referenced(&self, id: &str) -> Result<&Claim, String> {
        self.cert
            .claim(id)
            .ok_or_else(|| format!("uses claim `{id}`, which is not in the certificate"))
    }

    fn minimiser(&self) -> Result<&Vec<RatInterval>, String> {
        self.minimiser
            .get_or_init(|| verify_stationary(&self.loss, self.referenced("P3.minimiser")?, LOSS))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn sample_minimiser(&self) -> Result<&Vec<RatInterval>, String> {
        let s = self.sample.as_ref().ok_or("the instance has no tokens")?;
        self.sample_minimiser
            .get_or_init(|| verify_stationary(s, self.referenced("P4.minimiser")?, SAMPLE_LOSS))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The matrix a congruence witness names, as an enclosure.
    fn matrix(&self, name: &str) -> Result<KMat, String> {
        let n = self.n;
        match name {
            SIGMA => Ok(KMat::of_rationals(n, n, &self.loss.sigma, false)),
            HESSIAN_AT_MIN => kmat(n, &hessian_over(&self.loss, self.minimiser()?)),
            HESSIAN_AT_SAMPLE_MIN => kmat(
                n,
                &hessian_over(
                    self.sample.as_ref().ok_or("no tokens")?,
                    self.sample_minimiser()?,
                ),
            ),
            HESSIAN_ON_BALL => kmat(n, &hessian_over(&self.loss, &self.ball()?.0)),
            other => Err(format!("unknown matrix `{other}`")),
        }
    }

    /// `(t, number of eigenvalues below t)` of a congruence witness on the matrix it names.
    fn congruence(&self, w: &Witness, expected: &str) -> Result<(Q, usize), String> {
        let (t, below, _) = check_congruence_witness(w, expected, &self.matrix(expected)?, false)?;
        Ok((t, below))
    }

    /// `λ_index ∈ (lo, hi)` of the matrix `name` from a bracket witness.
    fn bracket(&self, c: &Claim, index: usize, name: &str) -> Result<(Q, Q), String> {
        check_bracket(c, index, |w| self.congruence(w, name))
    }

    /// `λ_1` as an interval: a bracket (`P3.lambda1`) or an exact multiple eigenvalue (`P3.top_multiple`).
    fn lambda1(&self, via: &str) -> Result<(Q, Q), String> {
        match via {
            "P3.lambda1" => self.bracket(self.referenced(via)?, self.n, SIGMA),
            "P3.top_multiple" => {
                let t = self.top_multiple()?;
                Ok((t.clone(), t))
            }
            other => Err(format!(
                "λ_1 comes from P3.lambda1 or P3.top_multiple, not `{other}`"
            )),
        }
    }

    fn top_multiple(&self) -> Result<Q, String> {
        let c = self.referenced("P3.top_multiple")?;
        let (t, t2) = c
            .enclosure
            .as_ref()
            .ok_or("P3.top_multiple has no value")?
            .parse()?;
        if t != t2 || !top_eigenvalue_is_multiple(&self.loss.sigma, self.n, &t) {
            return Err("the recorded t is not a multiple top eigenvalue of Σ".into());
        }
        Ok(t)
    }

    fn gap(&self) -> Result<(Q, Q), String> {
        let c = self.referenced("P3.gap")?;
        match uses_of(c)?.as_str() {
            "P3.lambda1" => {
                let (a, b) = self.bracket(self.referenced("P3.lambda1")?, self.n, SIGMA)?;
                let (x, y) = self.bracket(self.referenced("P3.lambda2")?, self.n - 1, SIGMA)?;
                Ok((a - &y, b - &x))
            }
            "P3.top_multiple" => self.top_multiple().map(|_| (Q::zero(), Q::zero())),
            other => Err(format!(
                "the gap comes from P3.lambda1 or P3.top_multiple, not `{other}`"
            )),
        }
    }

    /// The box B of `P3.ball`, its rate, and the radius of the Euclidean ball around v* it holds.
    fn ball(&self) -> Result<(Vec<RatInterval>, Q, Q), String> {
        let c = self.referenced("P3.ball")?;
        let Witness::InvariantBox { orbit, boxed, rate } = &c.witness else {
            return Err("P3.ball has no invariant-box witness".into());
        };
        if orbit != "P3.orbit" {
            return Err("the ball must continue P3.orbit".into());
        }
        let bits = bits_of(c);
        if boxed.len() != self.n {
            return Err(format!("the box needs {} coordinates", self.n));
        }
        let b: Vec<RatInterval> = boxed
            .iter()
            .enumerate()
            .map(|(i, e)| interval(e, bits, &format!("box[{i}]")))
            .collect::<Result<_, _>>()?;
        let rho = q(rate, "rate")?;
        let tight = self.minimiser()?;
        let mut r: Option<Q> = None;
        for (bi, ti) in b.iter().zip(tight) {
            let ((bl, bh), (tl, th)) = (qbounds(bi)?, qbounds(ti)?);
            for m in [tl - bl, bh - th] {
                if r.as_ref().is_none_or(|x| m < *x) {
                    r = Some(m);
                }
            }
        }
        let r = r.unwrap_or_default();
        if !r.is_positive() {
            return Err("B does not hold a ball around the box of v*".into());
        }
        Ok((b, rho, r))
    }

    /// The verified orbit's last box (as bounds) and its length K, dispatched on the dimension.
    fn orbit(&self) -> Result<&OrbitEnd, String> {
        self.orbit
            .get_or_init(|| self.verify_orbit())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn verify_orbit(&self) -> Result<OrbitEnd, String> {
        let c = self.referenced("P3.orbit")?;
        let Witness::Orbit { map, start, boxes } = &c.witness else {
            return Err("P3.orbit has no orbit witness".into());
        };
        if map != "attention_gd" {
            return Err(format!("map `{map}`, expected `attention_gd`"));
        }
        let v0 = self.v0.as_ref().ok_or("the instance has no v0")?;
        let bits = bits_of(c);
        macro_rules! run {
            ($($k:literal),*) => {
                match self.n {
                    $($k => {
                        let m = AttentionGd::<$k> { loss: self.loss.clone(), eta: self.eta.clone() };
                        let s: [Q; $k] = std::array::from_fn(|i| v0[i].clone());
                        check_orbit_mpfr(&m, &s, start, boxes, bits + 64)?
                    })*
                    n => return Err(format!("orbits are checked up to dimension 8, not {n}")),
                }
            };
        }
        Ok(run!(2, 3, 4, 5, 6, 7, 8))
    }
}

/// Verifies an orbit witness of `map`: `start ∈ X_0` and `F(X_k) ⊆ X_{k+1}` for every k, where
/// `F(X_k)` is enclosed by the mean-value form `F(m) + F'(X_k)(X_k − m)` evaluated in MPFR intervals
/// at `prec` bits (`X_k` and the constants rounded outward, `m` a point of `X_k`), and the inclusion
/// is decided on the exact bounds. Returns the last box's exact bounds and the number of steps.
fn check_orbit_mpfr<M: Dynamics<N>, const N: usize>(
    map: &M,
    start: &[Q; N],
    recorded_start: &[String],
    boxes: &[Vec<crate::certificate::Encl>],
    prec: u32,
) -> Result<OrbitEnd, String> {
    if recorded_start.len() != N {
        return Err(format!(
            "orbit start has {} coordinates, expected {N}",
            recorded_start.len()
        ));
    }
    for (i, r) in recorded_start.iter().enumerate() {
        if q(r, "orbit start")? != start[i] {
            return Err(format!("orbit start {r} is not the instance's start"));
        }
    }
    if boxes.is_empty() || boxes.len() > super::checks::MAX_ORBIT {
        return Err(format!(
            "an orbit needs between 1 and {} boxes, found {}",
            super::checks::MAX_ORBIT,
            boxes.len()
        ));
    }
    let parse = |k: usize| -> Result<Vec<(Q, Q)>, String> {
        if boxes[k].len() != N {
            return Err(format!("orbit box {k}: expected {N} coordinates"));
        }
        boxes[k]
            .iter()
            .map(|e| e.parse().map_err(|m| format!("orbit box {k}: {m}")))
            .collect()
    };
    let mut x = parse(0)?;
    if !start.iter().zip(&x).all(|(s, (l, h))| l <= s && s <= h) {
        return Err("the start is not in box 0".into());
    }
    let unit = MpfrInterval::unit(prec);
    let c: Vec<MpfrInterval> = map.constants(&unit);
    let cd: Vec<Dual<MpfrInterval, N>> = map.constants(&Dual::cst(unit.clone()));
    for k in 0..boxes.len() - 1 {
        let xi: [MpfrInterval; N] =
            std::array::from_fn(|i| MpfrInterval::from_q(prec, &x[i].0, &x[i].1));
        let mid: [MpfrInterval; N] = std::array::from_fn(|i| {
            let m = (x[i].0.clone() + &x[i].1) / q_int(2);
            MpfrInterval::from_q(prec, &m, &m)
        });
        let fm = map.apply(&c, &mid);
        let jac = jacobian(&map.apply(&cd, &Dual::seed(&xi))).1;
        let next = parse(k + 1)?;
        for i in 0..N {
            let mut y = fm[i].clone();
            for l in 0..N {
                y = y + &(jac[i][l].clone() * &(xi[l].clone() - &mid[l]));
            }
            let (lo, hi) = y
                .bounds()
                .ok_or_else(|| format!("step {k}: an unbounded image"))?;
            if lo < next[i].0 || hi > next[i].1 {
                return Err(format!(
                    "step {k}: F(X_{k}) is not inside X_{} (coordinate {i})",
                    k + 1
                ));
            }
        }
        x = next;
    }
    Ok((x, boxes.len() - 1))
}

fn check_claim(ctx: &Ctx<'_>, c: &Claim) -> Result<String, String> {
    if matches!(c.witness, Witness::None) {
        let bound = c.bound.as_ref().and_then(|b| {
            b.value
                .parse()
                .ok()
                .map(|(a, z)| (b.relation.as_str(), a, z))
        });
        return conclude(
            c,
            Expect {
                role: c.role,
                bound,
                computed: None,
                what: String::new(),
            },
        );
    }
    let id = c.id.as_str();
    if let Some(ident) = ctx.idents.iter().find(|i| i.id == id) {
        return check_identity(c, ident);
    }
    let (n, eta) = (ctx.n, &ctx.eta);
    let one = q_int(1);
    let concl = |bound, computed: RatInterval, what: &str| Expect {
        role: Role::Conclusion,
        bound,
        computed: Some(computed),
        what: what.into(),
    };
    let iv = |(a, b): (Q, Q)| RatInterval::new(a, b, 64);
    let e = match id {
        "P2.least_curvature" => {
            let s = ctx
                .sorted
                .as_ref()
                .ok_or("the instance has no exact spectrum")?;
            let h = hessian_spectrum_at(s, 0);
            let least = h
                .iter()
                .skip(1)
                .fold(h[0].clone(), |m, x| if *x < m { x.clone() } else { m });
            concl(
                None,
                point(least),
                "min Hessian eigenvalue at u_1/√λ_1 (P2)",
            )
        }
        "P3.lambda1" | "P3.lambda2" => {
            let index = if id == "P3.lambda1" { n } else { n - 1 };
            concl(
                None,
                iv(ctx.bracket(c, index, SIGMA)?),
                "an eigenvalue bracket of Σ",
            )
        }
        "P3.top_multiple" => {
            if !matches!(c.witness, Witness::Exact) {
                return Err("an exact claim".into());
            }
            concl(None, point(ctx.top_multiple()?), "λ_1 = λ_2 = t")
        }
        "P3.gap" => Expect {
            role: Role::Hypothesis,
            bound: pt(">", Q::zero()),
            computed: Some(iv(ctx.gap()?)),
            what: "λ_1 − λ_2".into(),
        },
        "P3.step_size" => {
            let (a, b) = ctx.lambda1(&uses_of(c)?)?;
            let l = iv((a, b)).sqr() * &point(q_int(4) * eta);
            Expect {
                role: Role::Hypothesis,
                bound: pt("<", one),
                computed: Some(l),
                what: "4ηλ_1²".into(),
            }
        }
        "P3.rate_formula" => {
            let s = ctx
                .sorted
                .as_ref()
                .ok_or("the instance has no exact spectrum")?;
            concl(None, point(local_rate(s, eta)), "the rate formula")
        }
        "P3.minimiser" => {
            let t = ctx.minimiser()?;
            concl(None, ctx.loss.value(t), "ℓ over the tight box of v*")
        }
        "P3.hessian_min" => concl(
            pt(">", Q::zero()),
            iv(ctx.bracket(c, 1, HESSIAN_AT_MIN)?),
            "λ_min(∇²ℓ(v*))",
        ),
        "P3.hessian_max" => concl(
            None,
            iv(ctx.bracket(c, n, HESSIAN_AT_MIN)?),
            "λ_max(∇²ℓ(v*))",
        ),
        "P3.local_rate" => {
            if uses_of(c)? != "P3.hessian_max" {
                return Err("must use P3.hessian_max".into());
            }
            let (hl, hh) = ctx.bracket(ctx.referenced("P3.hessian_max")?, n, HESSIAN_AT_MIN)?;
            let (ll, lh) = ctx.bracket(ctx.referenced("P3.hessian_min")?, 1, HESSIAN_AT_MIN)?;
            let f = |lo: &Q, hi: &Q| iv((one.clone() - eta * hi, one.clone() - eta * lo)).abs();
            let (a, b) = (qbounds(&f(&hl, &hh))?, qbounds(&f(&ll, &lh))?);
            let rho = (
                if a.0 > b.0 { a.0 } else { b.0 },
                if a.1 > b.1 { a.1 } else { b.1 },
            );
            let failed = ctx.referenced("P3.step_size")?.verdict == Verdict::ConditionNotMet;
            concl(
                pt(if failed { ">=" } else { "<" }, one),
                iv(rho),
                "max|1 − ηh| over the extreme Hessian brackets",
            )
        }
        "P3.ball" => {
            let (_, rho, _) = ctx.ball()?;
            let want = [
                ("P3.ball_lower", (one.clone() - &rho) / eta, 0),
                ("P3.ball_upper", (one.clone() + &rho) / eta, n),
            ];
            for (cid, t, count) in want {
                let (tt, below) = ctx.congruence(&ctx.referenced(cid)?.witness, HESSIAN_ON_BALL)?;
                if tt != t || below != count {
                    return Err(format!(
                        "{cid} must show {count} eigenvalues below {}",
                        format_exact(&t)
                    ));
                }
            }
            concl(pt("<", one), point(rho), "the contraction rate ρ_B on B")
        }
        "P3.ball_lower" | "P3.ball_upper" => {
            let (_, rho, _) = ctx.ball()?;
            let (t, count) = if id == "P3.ball_lower" {
                ((one.clone() - &rho) / eta, 0)
            } else {
                ((one.clone() + &rho) / eta, n)
            };
            let (tt, below) = ctx.congruence(&c.witness, HESSIAN_ON_BALL)?;
            if tt != t {
                return Err(format!(
                    "the congruence must be at t = {}",
                    format_exact(&t)
                ));
            }
            concl(
                pt("=", q_int(count as i64)),
                point(q_int(below as i64)),
                "eigenvalues of ∇²ℓ(B) below t",
            )
        }
        "P3.orbit" => {
            let (last, _) = ctx.orbit()?;
            let last = last.clone();
            let tight: Vec<(Q, Q)> = ctx
                .minimiser()?
                .iter()
                .map(qbounds)
                .collect::<Result<_, _>>()?;
            let (_, _, r) = ctx.ball()?;
            let d = distance_sq_upper(&last, &tight);
            concl(
                pt("<=", r.clone() * &r),
                iv((Q::zero(), d)),
                "sup ‖v_K − v*‖²",
            )
        }
        "P3.convergence" => {
            if uses_of(c)? != "P3.ball" {
                return Err("must use P3.ball".into());
            }
            let (last, k) = ctx.orbit()?.clone();
            let tight: Vec<(Q, Q)> = ctx
                .minimiser()?
                .iter()
                .map(qbounds)
                .collect::<Result<_, _>>()?;
            let (_, rho, r) = ctx.ball()?;
            let d = distance_sq_upper(&last, &tight);
            if d > r.clone() * &r {
                return Err("the orbit's last box is not inside the ball".into());
            }
            let (ke, ke2) = c.enclosure.as_ref().ok_or("no K_ε")?.parse()?;
            if ke != ke2
                || !ke.is_integer()
                || ke < q_int(k as i64)
                || ke > q_int(k as i64 + 100_000_000)
            {
                return Err("K_ε must be an integer at least K".into());
            }
            let j = (ke.to_integer() - num_bigint::BigInt::from(k))
                .to_string()
                .parse::<usize>()
                .map_err(|e| e.to_string())?;
            let nrm = norm_sq_lower(&tight);
            if !nrm.is_positive()
                || !alignment_holds(&relative_distance_sq(&rho, j, &d, &nrm), &ctx.eps)
            {
                return Err("ρ_B^(2(K_ε − K))·D/‖v*‖² does not give the alignment ε".into());
            }
            concl(None, point(ke), "K_ε")
        }
        "P4.deviation" => {
            if !matches!(c.witness, Witness::Exact) {
                return Err("an exact claim".into());
            }
            let s = ctx.sample.as_ref().ok_or("no tokens")?;
            let (lo, hi) = c.enclosure.as_ref().ok_or("no enclosure")?.parse()?;
            let e: Vec<Q> = s
                .sigma
                .iter()
                .zip(&ctx.loss.sigma)
                .map(|(a, b)| a.clone() - b)
                .collect();
            if !(spectral_norm_at_most(&e, n, &hi)
                && (lo.is_zero() || !spectral_norm_at_most(&e, n, &lo)))
            {
                return Err("‖Σ̂ − Σ‖₂ is not in (lo, hi]".into());
            }
            concl(None, iv((lo, hi)), "‖Σ̂ − Σ‖₂ (exact PSD tests)")
        }
        "P4.minimiser" => {
            let t = ctx.sample_minimiser()?;
            concl(
                None,
                ctx.sample.as_ref().ok_or("no tokens")?.value(t),
                "ℓ̂ over the tight box of v̂",
            )
        }
        "P4.hessian_min" => {
            let (t, below) = ctx.congruence(&c.witness, HESSIAN_AT_SAMPLE_MIN)?;
            if !t.is_zero() {
                return Err("the congruence must be at t = 0".into());
            }
            concl(
                pt("=", Q::zero()),
                point(q_int(below as i64)),
                "eigenvalues of ∇²ℓ̂(v̂) below 0",
            )
        }
        "P4.sin" => {
            if uses_of(c)? != "P4.minimiser" {
                return Err("must use P4.minimiser".into());
            }
            concl(
                None,
                sine_between(ctx.sample_minimiser()?, ctx.minimiser()?),
                "sin∠(v̂, v*)",
            )
        }
        "P4.davis_kahan" => {
            if uses_of(c)? != "P4.deviation" {
                return Err("must use P4.deviation".into());
            }
            let (e_lo, e_hi) = ctx
                .referenced("P4.deviation")?
                .enclosure
                .as_ref()
                .ok_or("no deviation")?
                .parse()?;
            let (g_lo, g_hi) = ctx.gap()?;
            if !g_lo.is_positive() {
                return Err("the gap is not positive".into());
            }
            let (_, s_hi) = ctx
                .referenced("P4.sin")?
                .enclosure
                .as_ref()
                .ok_or("no sine")?
                .parse()?;
            concl(
                pt(">=", s_hi),
                iv((q_int(2) * e_lo / g_hi, q_int(2) * e_hi / g_lo)),
                "2‖Σ̂ − Σ‖₂/(λ_1 − λ_2)",
            )
        }
        other => {
            return Err(format!(
                "claim `{other}` is not part of this theorem for this instance"
            ))
        }
    };
    conclude(c, e)
}
