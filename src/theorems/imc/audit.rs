//! `gdcert audit inductive-matrix-completion`: I3 (theorems.md, Paper 8), an audit, never a proof.
//!
//! One run `(n, seed)`: for every `p` of `audit.ps`, Ω and ε are drawn exactly as in the certified
//! instance ([`sample_omega`], then one normal per `(i,j) ∈ Ω`, `ε = σz`), shared by every `a` of
//! `audit.dims` and by both estimators (common random numbers). For each `(a, p)` the truth is
//! `L* = XΘ*Xᵀ` (X = DCT-II columns 1..a, Θ* from `spectrum`), and in `f64`:
//! * IMC: projected GD on `f(U,V) = (1/2p)‖P_Ω(XUVᵀXᵀ − M)‖² + (1/8)‖UᵀU − VᵀV‖²` from the
//!   spectral start, K steps of size η, `Π_C` = rescaling onto `‖U‖_F, ‖V‖_F ≤ radius`;
//! * MC: the same with `X = I_n` (ordinary matrix completion, no side information).
//!
//! Each records the per-entry error `‖L̂ − L*‖_F / n`. I3 predicts `≲ σ sqrt(r(a+b) log n / (p n1 n2))`
//! for IMC, and ordinary MC's rate has `n1 + n2` in place of `a + b`.

use super::InductiveMatrixCompletion;
use crate::arith::exact::{q_to_f64, Q};
use crate::audit::stats::{bootstrap, median, ols_slope};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::linalg::eig::approximate_eigen;
use crate::spec::imc::{sample_omega, side_matrix, theta_star};
use crate::theorems::instance::{InputError, Params};
use faer::{Mat, Scale};
use num_traits::Zero;
use std::collections::BTreeMap;

/// The audit's default instance (embedded, so `certificates/regenerate.sh` never certifies it).
pub const AUDIT_INSTANCE: &str = r#"# I3 audit (theorems.md, Paper 8 (c)/(e)), never a proof. J1's model (r = 2, spectrum [3, 1.5],
# sigma = 0.01, eta = 1/6, radius 4) over n in audit.sizes x a in audit.dims x p in audit.ps x seeds.
# Criteria fixed before any run: the 95% bootstrap interval of each log-log slope (per-entry error
# against sqrt((a+b)/(p n1 n2)) for IMC, against sqrt((n1+n2)/(p n1 n2)) for MC) lies in
# audit.slope_band = [0.75, 1.25]; the exponent of the MC/IMC error ratio against the predicted
# ratio sqrt((n1+n2)/(a+b)) lies in the same band.
theorem = "inductive-matrix-completion"
name = "I3 audit"
spectrum = [3, 1.5]
sigma = 0.01
eta = "1/6"
radius = 4
"audit.sizes" = [40, 80, 160]
"audit.dims" = [3, 6]
"audit.ps" = [0.2, 0.4]
"audit.seeds" = 8
"audit.steps" = 150
"audit.slope_band" = [0.75, 1.25]
"#;

/// The audit's settings.
#[derive(Clone, Debug)]
pub struct Spec {
    pub spectrum: Vec<Q>,
    pub sigma: f64,
    pub eta: f64,
    pub radius: f64,
    pub sizes: Vec<u64>,
    pub dims: Vec<usize>,
    pub ps: Vec<Q>,
    pub seeds: u64,
    pub steps: usize,
    pub band: (f64, f64),
}

fn spec(p: &Params) -> Spec {
    let f = |k: &str, d: f64| p.q(k).map(q_to_f64).unwrap_or(d);
    let qs = |k: &str| p.qs(k).map(|v| v.to_vec()).unwrap_or_default();
    let band: Vec<f64> = qs("audit.slope_band").iter().map(q_to_f64).collect();
    Spec {
        spectrum: qs("spectrum"),
        sigma: f("sigma", 0.01),
        eta: f("eta", 1.0 / 6.0),
        radius: f("radius", 4.0),
        sizes: qs("audit.sizes")
            .iter()
            .map(|x| q_to_f64(x) as u64)
            .collect(),
        dims: qs("audit.dims")
            .iter()
            .map(|x| q_to_f64(x) as usize)
            .collect(),
        ps: qs("audit.ps"),
        seeds: p.int("audit.seeds").unwrap_or(8) as u64,
        steps: p.int("audit.steps").unwrap_or(150) as usize,
        band: (
            band.first().copied().unwrap_or(0.75),
            band.get(1).copied().unwrap_or(1.25),
        ),
    }
}

fn is_int(q: &Q) -> bool {
    q.is_integer()
}

/// Checks the audit keys (the schema checked their kinds).
pub fn validate(p: &Params) -> Result<(), InputError> {
    let r = p.qs("spectrum").map_or(0, |s| s.len());
    let ints = |k: &str, lo: i64, hi: i64| -> Result<(), InputError> {
        if let Some(v) = p.qs(k) {
            let ok = v.iter().all(|x| {
                is_int(x) && *x >= Q::from_integer(lo.into()) && *x <= Q::from_integer(hi.into())
            });
            if !ok {
                return Err(p.error(k, format!("integers in [{lo}, {hi}]")));
            }
        }
        Ok(())
    };
    ints("audit.sizes", 4, 400)?;
    ints("audit.dims", r.max(1) as i64, 40)?;
    if let (Some(n), Some(d)) = (p.qs("audit.sizes"), p.qs("audit.dims")) {
        let nmin = n.iter().min().cloned().unwrap_or_default();
        if d.iter()
            .any(|a| a.clone() * Q::from_integer(2.into()) > nmin)
        {
            return Err(p.error(
                "audit.dims",
                "every a needs 2a <= the smallest n of audit.sizes",
            ));
        }
    }
    if let Some(ps) = p.qs("audit.ps") {
        if ps
            .iter()
            .any(|x| x.is_zero() || *x > Q::from_integer(1.into()) || *x < Q::zero())
        {
            return Err(p.error("audit.ps", "probabilities in (0, 1]"));
        }
    }
    if let Some(b) = p.qs("audit.slope_band") {
        if b.len() != 2 || b[0] > b[1] {
            return Err(p.error("audit.slope_band", "two numbers lo <= hi"));
        }
    }
    Ok(())
}

/// Projected GD for (inductive) matrix completion in `f64`. `x = None` is ordinary MC (`X = I`).
struct Problem<'a> {
    n: usize,
    d: usize,
    r: usize,
    x: Option<&'a Mat<f64>>,
    omega: &'a [(usize, usize)],
    m: &'a [f64],
    inv_p: f64,
}

impl Problem<'_> {
    /// `X·U` (`n×r`).
    fn lift(&self, u: &Mat<f64>) -> Mat<f64> {
        match self.x {
            Some(x) => x * u,
            None => u.clone(),
        }
    }
    /// `Xᵀ·Z` (`d×r`).
    fn project(&self, z: &Mat<f64>) -> Mat<f64> {
        match self.x {
            Some(x) => x.transpose() * z,
            None => z.clone(),
        }
    }
    /// The spectral start: top-r SVD `PΣQᵀ` of `(1/p) Xᵀ P_Ω(M) X`, `U = PΣ^½`, `V = QΣ^½`.
    fn spectral(&self) -> Result<(Mat<f64>, Mat<f64>), String> {
        let (n, d, r) = (self.n, self.d, self.r);
        let mut s = Mat::<f64>::zeros(n, n);
        for (&(i, j), m) in self.omega.iter().zip(self.m) {
            s[(i, j)] += m * self.inv_p;
        }
        let g = match self.x {
            Some(x) => x.transpose() * &s * x,
            None => s,
        };
        let gtg = g.transpose() * &g;
        let (lam, vecs) = approximate_eigen(&gtg).map_err(|e| e.to_string())?;
        let mut u = Mat::<f64>::zeros(d, r);
        let mut v = Mat::<f64>::zeros(d, r);
        for k in 0..r {
            let col = d - 1 - k;
            let sig = lam[col].max(0.0).sqrt();
            if sig <= 0.0 {
                return Err("the spectral start has a zero singular value".into());
            }
            let q = vecs.col(col);
            let pk = &g * q;
            let h = sig.sqrt();
            for i in 0..d {
                u[(i, k)] = pk[i] / sig * h;
                v[(i, k)] = q[i] * h;
            }
        }
        Ok((u, v))
    }
    /// One projected-GD step.
    fn step(&self, u: &Mat<f64>, v: &Mat<f64>, eta: f64, radius: f64) -> (Mat<f64>, Mat<f64>) {
        let (xu, yv) = (self.lift(u), self.lift(v));
        let mut ryv = Mat::<f64>::zeros(self.n, self.r);
        let mut rxu = Mat::<f64>::zeros(self.n, self.r);
        for (&(i, j), m) in self.omega.iter().zip(self.m) {
            let mut res = -m;
            for k in 0..self.r {
                res += xu[(i, k)] * yv[(j, k)];
            }
            res *= self.inv_p;
            for k in 0..self.r {
                ryv[(i, k)] += res * yv[(j, k)];
                rxu[(j, k)] += res * xu[(i, k)];
            }
        }
        let dm = u.transpose() * u - v.transpose() * v;
        let gu = self.project(&ryv) + Scale(0.5) * (u * &dm);
        let gv = self.project(&rxu) - Scale(0.5) * (v * &dm);
        let shrink = |w: Mat<f64>| {
            let nrm = w.norm_l2();
            if nrm > radius {
                Scale(radius / nrm) * w
            } else {
                w
            }
        };
        (shrink(u - Scale(eta) * gu), shrink(v - Scale(eta) * gv))
    }
}

/// The Frobenius errors `‖L̂ − L*‖_F` of IMC and of ordinary MC after `steps` projected-GD steps,
/// on the instance `(n, a, p, seed)` of this audit (at `n = 60, a = 6, p = 0.2`, seed 1 it is J1).
pub fn errors(s: &Spec, n: usize, a: usize, p: &Q, seed: u64) -> Result<(f64, f64), String> {
    crate::linalg::sequential_decompositions();
    let r = s.spectrum.len();
    let (omega, mut rng) = sample_omega(n, n, p, seed);
    let eps: Vec<f64> = omega.iter().map(|_| s.sigma * rng.normal_f64()).collect();
    let xq = side_matrix(n, a, &Q::zero());
    let x = Mat::from_fn(n, a, |i, k| q_to_f64(&xq[i * a + k]));
    let tq = theta_star(a, a, &s.spectrum);
    let theta = Mat::from_fn(a, a, |i, j| q_to_f64(&tq[i * a + j]));
    let lstar = &x * &theta * x.transpose();
    let m: Vec<f64> = omega
        .iter()
        .zip(&eps)
        .map(|(&(i, j), e)| lstar[(i, j)] + e)
        .collect();
    let inv_p = 1.0 / q_to_f64(p);
    let mut out = [0.0; 2];
    for (slot, side) in [Some(&x), None].into_iter().enumerate() {
        let prob = Problem {
            n,
            d: if side.is_some() { a } else { n },
            r,
            x: side,
            omega: &omega,
            m: &m,
            inv_p,
        };
        let (mut u, mut v) = prob.spectral()?;
        for _ in 0..s.steps {
            (u, v) = prob.step(&u, &v, s.eta, s.radius);
        }
        let est = prob.lift(&u) * prob.lift(&v).transpose();
        out[slot] = (est - &lstar).norm_l2();
        if !out[slot].is_finite() {
            return Err(format!("{} diverged", if slot == 0 { "IMC" } else { "MC" }));
        }
    }
    Ok((out[0], out[1]))
}

fn key(kind: &str, a: usize, p: f64) -> String {
    format!("{kind}.rmse.a{a:02}.p{p}")
}

impl Auditor for InductiveMatrixCompletion {
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "inductive-matrix-completion I3 audit (built in)",
            AUDIT_INSTANCE,
        )
    }

    fn validate(&self, params: &Params) -> Result<(), InputError> {
        validate(params)
    }

    fn grid(&self, params: &Params) -> Grid {
        let s = spec(params);
        Grid {
            sizes: if s.sizes.is_empty() {
                vec![40, 80, 160]
            } else {
                s.sizes
            },
            seeds: (0..s.seeds.max(1)).collect(),
        }
    }

    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String> {
        let s = spec(params);
        let n = size as usize;
        if !(4..=400).contains(&n) {
            return Err(format!("size n = {n} outside 4..=400"));
        }
        if s.spectrum.is_empty() {
            return Err("spectrum is empty".into());
        }
        let mut out = BTreeMap::new();
        for p in &s.ps {
            for &a in &s.dims {
                if a < s.spectrum.len() || 2 * a > n {
                    return Err(format!("a = {a} needs r <= a and 2a <= n = {n}"));
                }
                let (imc, mc) = errors(&s, n, a, p, seed)?;
                let pf = q_to_f64(p);
                out.insert(key("imc", a, pf), imc / n as f64);
                out.insert(key("mc", a, pf), mc / n as f64);
            }
        }
        Ok(out)
    }

    fn statistics(
        &self,
        params: &Params,
        runs: &[RunRecord],
        protocol: &Protocol,
    ) -> Vec<Statistic> {
        let s = spec(params);
        let conf = protocol.confidence;
        let pct = conf * 100.0;
        let seeds = &protocol.grid.seeds;
        let sizes = &protocol.grid.sizes;
        // Cells (n, a, p) with x_IMC = sqrt(2a/(p n²)) and x_MC = sqrt(2n/(p n²)).
        let mut cells = vec![];
        for &n in sizes {
            for p in &s.ps {
                for &a in &s.dims {
                    let pf = q_to_f64(p);
                    let nf = n as f64;
                    let xi = (2.0 * a as f64 / (pf * nf * nf)).sqrt();
                    let xm = (2.0 * nf / (pf * nf * nf)).sqrt();
                    cells.push((n, a, pf, xi, xm));
                }
            }
        }
        // Seeds resampled as groups: each group is one seed's runs.
        let groups: Vec<Vec<&RunRecord>> = seeds
            .iter()
            .map(|sd| runs.iter().filter(|r| r.seed == *sd).collect())
            .collect();
        let med = |g: &[Vec<&RunRecord>], n: u64, k: &str| -> Option<f64> {
            let v: Vec<f64> = g
                .iter()
                .flat_map(|runs| runs.iter().filter(|r| r.size == n))
                .filter_map(|r| r.values.get(k).copied())
                .collect();
            median(&v).filter(|m| *m > 0.0)
        };
        let slope = |kind: &'static str| {
            let cells = cells.clone();
            move |g: &[Vec<&RunRecord>]| -> Option<f64> {
                let pts: Vec<(f64, f64)> = cells
                    .iter()
                    .filter_map(|&(n, a, p, xi, xm)| {
                        let m = med(g, n, &key(kind, a, p))?;
                        let x = if kind == "imc" { xi } else { xm };
                        Some((x.ln(), m.ln()))
                    })
                    .collect();
                (pts.len() >= 2).then(|| ols_slope(&pts)).flatten()
            }
        };
        let ratio = |g: &[Vec<&RunRecord>]| -> Option<f64> {
            let (mut num, mut den) = (0.0, 0.0);
            for &(n, a, p, xi, xm) in &cells {
                let (i, m) = (med(g, n, &key("imc", a, p))?, med(g, n, &key("mc", a, p))?);
                num += (m / i).ln();
                den += (xm / xi).ln();
            }
            (den > 0.0).then(|| num / den)
        };
        let (lo, hi) = s.band;
        let grid_text = format!(
            "n in {sizes:?}, a = b in {:?}, p in {:?}, r = {}, sigma = {}, {} PGD steps of eta = {}, {} seeds",
            s.dims,
            s.ps.iter().map(q_to_f64).collect::<Vec<_>>(),
            s.spectrum.len(),
            s.sigma,
            s.steps,
            s.eta,
            seeds.len()
        );
        let mut out = vec![];
        let mut push = |id: &str,
                        statement: String,
                        criterion: String,
                        iv: Option<crate::audit::stats::Interval>| {
            let interval = iv.map(|i| [i.lo, i.hi]);
            out.push(Statistic {
                id: id.into(),
                statement,
                estimate: iv.map(|i| i.estimate),
                interval,
                criterion,
                verdict: judge_inside(interval, lo, hi),
            });
        };
        let boot = |f: &dyn Fn(&[Vec<&RunRecord>]) -> Option<f64>| {
            bootstrap(
                &groups,
                f,
                protocol.resamples,
                conf,
                protocol.bootstrap_seed,
            )
        };
        push(
            "I3.imc_slope",
            format!("IMC: log-log OLS slope of the median over seeds of ||X Theta_K X^T - L*||_F / n against sqrt((a+b)/(p n1 n2)) ({grid_text})"),
            format!("error ~ sigma sqrt(r(a+b)/(p n1 n2)) up to logs: the {pct:.0}% bootstrap interval (seeds resampled) lies in [{lo}, {hi}]"),
            boot(&slope("imc")),
        );
        push(
            "I3.mc_slope",
            format!("ordinary MC (X = I, same Omega and noise): log-log OLS slope of the median ||U_K V_K^T - L*||_F / n against sqrt((n1+n2)/(p n1 n2)) ({grid_text})"),
            format!("the control: MC's rate sigma sqrt(r(n1+n2)/(p n1 n2)); the {pct:.0}% bootstrap interval lies in [{lo}, {hi}]"),
            boot(&slope("mc")),
        );
        push(
            "I3.ratio_exponent",
            "sum over cells of ln(median MC error / median IMC error) divided by the sum of ln(sqrt((n1+n2)/(a+b))): the exponent with which a+b replaces n1+n2".into(),
            format!("a + b replaces n1 + n2: the {pct:.0}% bootstrap interval lies in [{lo}, {hi}]"),
            boot(&ratio),
        );
        out
    }
}
