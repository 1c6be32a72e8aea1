//! `gdcert audit weight-decay-eos`: W4 (theorems.md, Paper 7), progressive sharpening under weight
//! decay, an audit, never a proof. MLP only (the CNN half of W4 is not implemented).
//!
//! One run `(n, seed)`: SplitMix64(seed) draws `n` inputs `x = (2u − 1, 2u − 1)` ([`inputs`]), labels
//! `y = +1` if `|x|² < 16/25` else `−1` (a fixed 2-class problem), then the initialisation
//! `W ~ N(0,1)`, `b = 0`, `v ~ N(0,1)/√h`, `c = 0`. For every λ of `audit.lambdas`, full-batch GD
//! `θ ← θ − η(∇L(θ) + λθ)` on the tanh network of [`Mlp`] with `L = (1/2n)Σ(f − y)²`, `T` steps.
//! Every `audit.every` steps the sharpness `S = λ_max(∇²L)` (of L, not of `L_λ = L + λ/2‖θ‖²`,
//! whose top curvature is `S + λ`) is estimated by power iteration on exact Hessian-vector
//! products: forward mode ([`Dual`]) through the backpropagated gradient
//! [`Mlp::decayed_gradient`], warm-started from the previous top eigenvector.
//!
//! Recorded per λ: the sharpening speed `dS/dt` (OLS slope of S against `t = ηk` over the samples
//! `k ≤ audit.window` taken before S first reaches `0.9·2/η`), the plateau `S_∞` (median of the
//! last quarter of the samples), `S_∞·η/2`, the first step with `S ≥ 0.9·2/η`, the final loss, and
//! `S_t` at about 20 checkpoints (`S_t.k<step>`).

use super::WeightDecayEos;
use crate::arith::dual::Dual;
use crate::arith::exact::{q_to_f64, Q};
use crate::audit::stats::{bootstrap, median, ols_slope, Interval};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::spec::mlp::{inputs, Constants, Mlp, SplitMix64};
use crate::theorems::instance::{InputError, Params};
use num_traits::Zero;
use std::collections::BTreeMap;

/// The audit's default instance (embedded, so `certificates/regenerate.sh` never certifies it).
pub const AUDIT_INSTANCE: &str = r#"# W4 audit (theorems.md, Paper 7 (c)/(e)), never a proof: full-batch GD with weight decay on a
# 2-16-1 tanh MLP, n = audit.sizes samples of a fixed 2-class problem (|x|^2 < 16/25), 6 seeds
# (data and initialisation), lambda swept over theorems.md's values. eta = 0.4 instead of
# theorems.md's 0.01/0.02 (made for CIFAR nets): a pilot at eta = 0.2 showed this network's sharpness
# rising from ~2.5 to ~6.3, so 2/eta = 5 is reachable. Criteria fixed before any run:
#  W4.speed_slope: OLS slope of the median sharpening speed dS/dt against lambda, 95% bootstrap
#    interval (seeds resampled) below 0 -> pass, above 0 -> fail;
#  W4.phase_drop: largest drop of the median S_inf eta/2 between consecutive lambdas, interval above
#    audit.drop = 0.1 -> pass (MLP phase transition), below 0.1 -> fail.
theorem = "weight-decay-eos"
name = "W4 audit"
model = "mlp"
eta = 0.4
hidden = 16
"audit.sizes" = [256]
"audit.seeds" = 6
"audit.lambdas" = [0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
"audit.steps" = 2000
"audit.every" = 10
"audit.window" = 1000
"audit.power_iters" = 8
"audit.drop" = 0.1
"#;

/// The audit's settings.
#[derive(Clone, Debug)]
pub struct Spec {
    pub eta: f64,
    pub hidden: usize,
    pub sizes: Vec<u64>,
    pub seeds: u64,
    pub lambdas: Vec<f64>,
    pub steps: usize,
    pub every: usize,
    pub window: usize,
    pub power_iters: usize,
    pub drop: f64,
}

fn spec(p: &Params) -> Spec {
    let f = |k: &str, d: f64| p.q(k).map(q_to_f64).unwrap_or(d);
    let i = |k: &str, d: i64| p.int(k).unwrap_or(d);
    let qs = |k: &str| -> Vec<f64> {
        p.qs(k)
            .map(|v| v.iter().map(q_to_f64).collect())
            .unwrap_or_default()
    };
    let lambdas = qs("audit.lambdas");
    Spec {
        eta: f("eta", 0.4),
        hidden: i("hidden", 16) as usize,
        sizes: qs("audit.sizes").iter().map(|x| *x as u64).collect(),
        seeds: i("audit.seeds", 6) as u64,
        lambdas: if lambdas.is_empty() {
            vec![0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
        } else {
            lambdas
        },
        steps: i("audit.steps", 2000) as usize,
        every: i("audit.every", 10) as usize,
        window: i("audit.window", 1000) as usize,
        power_iters: i("audit.power_iters", 8) as usize,
        drop: f("audit.drop", 0.1),
    }
}

/// Checks the audit keys (the schema checked their kinds).
pub fn validate(p: &Params) -> Result<(), InputError> {
    if p.list("model")
        .is_some_and(|m| m.iter().any(|x| x != "mlp"))
    {
        return Err(p.error("model", "the W4 audit needs model = \"mlp\""));
    }
    if let Some(v) = p.qs("audit.sizes") {
        let ok = v.iter().all(|x| {
            x.is_integer()
                && *x >= Q::from_integer(4.into())
                && *x <= Q::from_integer(100_000.into())
        });
        if !ok {
            return Err(p.error("audit.sizes", "integers in [4, 100000]"));
        }
    }
    if let Some(v) = p.qs("audit.lambdas") {
        if v.len() < 2
            || v.iter()
                .any(|x| *x < Q::zero() || *x > Q::from_integer(10.into()))
        {
            return Err(p.error("audit.lambdas", "at least two values in [0, 10]"));
        }
        if v.windows(2).any(|w| w[0] >= w[1]) {
            return Err(p.error("audit.lambdas", "increasing values"));
        }
    }
    Ok(())
}

/// The data set and initialisation of seed `seed`.
pub fn problem(n: usize, hidden: usize, seed: u64) -> (Mlp, Vec<f64>) {
    let xs = inputs(seed, n);
    let r2 = Q::new(16.into(), 25.into());
    let ys = xs
        .iter()
        .map(|x| {
            let s = x[0].clone() * &x[0] + x[1].clone() * &x[1];
            Q::from_integer(if s < r2 { 1 } else { -1 }.into())
        })
        .collect();
    let mut rng = SplitMix64(seed);
    for _ in 0..2 * n {
        rng.next_u64();
    }
    let d = crate::spec::mlp::INPUT_DIM;
    let mut theta = vec![0.0; hidden * (d + 2) + 1];
    for w in theta.iter_mut().take(hidden * d) {
        *w = rng.normal_f64();
    }
    let s = 1.0 / (hidden as f64).sqrt();
    for v in theta.iter_mut().skip(hidden * (d + 1)).take(hidden) {
        *v = rng.normal_f64() * s;
    }
    (Mlp { hidden, xs, ys }, theta)
}

/// `∇L(θ)` (no decay) and Hessian-vector products `∇²L(θ)v`, exact up to rounding: forward-mode
/// derivative of the backpropagated gradient.
pub struct Oracle<'a> {
    pub mlp: &'a Mlp,
    k: Constants<f64>,
    kd: Constants<Dual<f64, 1>>,
}

impl<'a> Oracle<'a> {
    pub fn new(mlp: &'a Mlp) -> Self {
        let zero = Q::zero();
        Oracle {
            mlp,
            k: mlp.constants(&0.0, &zero),
            kd: mlp.constants(&Dual::<f64, 1>::cst(0.0), &zero),
        }
    }
    pub fn loss(&self, theta: &[f64]) -> f64 {
        self.mlp.loss(&self.k, theta)
    }
    pub fn gradient(&self, theta: &[f64]) -> Vec<f64> {
        self.mlp.decayed_gradient(&self.k, theta)
    }
    pub fn hvp(&self, theta: &[f64], v: &[f64]) -> Vec<f64> {
        let t: Vec<Dual<f64, 1>> = theta
            .iter()
            .zip(v)
            .map(|(a, b)| Dual { v: *a, d: [*b] })
            .collect();
        self.mlp
            .decayed_gradient(&self.kd, &t)
            .iter()
            .map(|g| g.d[0])
            .collect()
    }
    /// The Rayleigh quotient after `iters` power iterations from `v` (updated in place).
    pub fn sharpness(&self, theta: &[f64], v: &mut [f64], iters: usize) -> f64 {
        let norm = |x: &[f64]| x.iter().map(|a| a * a).sum::<f64>().sqrt();
        let mut s = 0.0;
        for _ in 0..iters.max(1) {
            let nv = norm(v);
            if nv == 0.0 || !nv.is_finite() {
                return f64::NAN;
            }
            v.iter_mut().for_each(|a| *a /= nv);
            let hv = self.hvp(theta, v);
            s = v.iter().zip(&hv).map(|(a, b)| a * b).sum();
            v.copy_from_slice(&hv);
        }
        let nv = norm(v);
        v.iter_mut().for_each(|a| *a /= nv);
        s
    }
}

/// One λ: the recorded measurements (see the module doc).
pub fn trajectory(s: &Spec, mlp: &Mlp, theta0: &[f64], lambda: f64) -> BTreeMap<String, f64> {
    let o = Oracle::new(mlp);
    let mut theta = theta0.to_vec();
    let mut v: Vec<f64> = (0..theta.len())
        .map(|i| 1.0 + (i % 7) as f64 * 0.1)
        .collect();
    let every = s.every.max(1);
    let target = 0.9 * 2.0 / s.eta;
    let mut samples: Vec<(usize, f64)> = vec![];
    for k in 0..=s.steps {
        if k % every == 0 {
            let iters = if k == 0 {
                10 * s.power_iters
            } else {
                s.power_iters
            };
            samples.push((k, o.sharpness(&theta, &mut v, iters)));
        }
        if k == s.steps {
            break;
        }
        let g = o.gradient(&theta);
        for (t, gi) in theta.iter_mut().zip(&g) {
            *t -= s.eta * (gi + lambda * *t);
        }
    }
    let reach = samples.iter().find(|(_, x)| *x >= target).map(|p| p.0);
    let pts: Vec<(f64, f64)> = samples
        .iter()
        .filter(|(k, _)| *k <= s.window && reach.is_none_or(|r| *k < r))
        .map(|(k, x)| (s.eta * *k as f64, *x))
        .collect();
    let tail: Vec<f64> = samples[samples.len() * 3 / 4..]
        .iter()
        .map(|p| p.1)
        .collect();
    let s_inf = median(&tail).unwrap_or(f64::NAN);
    let mut out = BTreeMap::new();
    out.insert("S0".into(), samples[0].1);
    out.insert("speed".into(), ols_slope(&pts).unwrap_or(f64::NAN));
    out.insert("S_inf".into(), s_inf);
    out.insert("plateau".into(), s_inf * s.eta / 2.0);
    out.insert("reach_step".into(), reach.map_or(f64::NAN, |r| r as f64));
    out.insert("loss".into(), o.loss(&theta));
    // S_t at about 20 checkpoints.
    let stride = (s.steps / 20).div_ceil(every).max(1) * every;
    for (k, x) in samples.iter().filter(|(k, _)| k % stride == 0) {
        out.insert(format!("S_t.k{k:08}"), *x);
    }
    out
}

fn key(name: &str, i: usize) -> String {
    format!("l{i}.{name}")
}

impl Auditor for WeightDecayEos {
    fn default_instance(&self) -> (&'static str, &'static str) {
        ("weight-decay-eos W4 audit (built in)", AUDIT_INSTANCE)
    }

    fn validate(&self, params: &Params) -> Result<(), InputError> {
        validate(params)
    }

    fn grid(&self, params: &Params) -> Grid {
        let s = spec(params);
        Grid {
            sizes: if s.sizes.is_empty() {
                vec![256]
            } else {
                s.sizes
            },
            seeds: (0..s.seeds.max(1)).collect(),
        }
    }

    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String> {
        let s = spec(params);
        let n = size as usize;
        if !(4..=100_000).contains(&n) {
            return Err(format!("size n = {n} outside 4..=100000"));
        }
        let (mlp, theta0) = problem(n, s.hidden.max(1), seed);
        let mut out = BTreeMap::new();
        for (i, &lam) in s.lambdas.iter().enumerate() {
            for (name, v) in trajectory(&s, &mlp, &theta0, lam) {
                out.insert(key(&name, i), v);
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
        let groups: Vec<Vec<&RunRecord>> = seeds
            .iter()
            .map(|sd| runs.iter().filter(|r| r.seed == *sd).collect())
            .collect();
        let lambdas = s.lambdas.clone();
        let med = move |g: &[Vec<&RunRecord>], name: &str, i: usize| -> Option<f64> {
            let v: Vec<f64> = g
                .iter()
                .flatten()
                .filter_map(|r| r.values.get(&key(name, i)).copied())
                .collect();
            median(&v)
        };
        let speed_slope = |g: &[Vec<&RunRecord>]| -> Option<f64> {
            let pts: Vec<(f64, f64)> = lambdas
                .iter()
                .enumerate()
                .filter_map(|(i, l)| Some((*l, med(g, "speed", i)?)))
                .collect();
            ols_slope(&pts)
        };
        let drop = |g: &[Vec<&RunRecord>]| -> Option<f64> {
            let p: Vec<f64> = (0..lambdas.len())
                .map(|i| med(g, "plateau", i))
                .collect::<Option<Vec<f64>>>()?;
            p.windows(2).map(|w| w[0] - w[1]).reduce(f64::max)
        };
        let boot = |f: &dyn Fn(&[Vec<&RunRecord>]) -> Option<f64>| -> Option<Interval> {
            bootstrap(
                &groups,
                f,
                protocol.resamples,
                conf,
                protocol.bootstrap_seed,
            )
        };
        let setup = format!(
            "2-{}-1 tanh MLP, n in {:?}, eta = {} (2/eta = {}), lambda in {:?}, {} GD steps, sharpness every {} steps ({} warm-started power iterations on exact HVPs), {} seeds",
            s.hidden, protocol.grid.sizes, s.eta, 2.0 / s.eta, s.lambdas, s.steps, s.every, s.power_iters, seeds.len()
        );
        let iv = boot(&speed_slope);
        let interval = iv.map(|i| [i.lo, i.hi]);
        let mut out = vec![Statistic {
            id: "W4.speed_slope".into(),
            statement: format!("OLS slope against lambda of the median over seeds of the progressive-sharpening speed dS/dt (t = eta k, samples k <= {} before S first reaches 0.9 * 2/eta) ({setup})", s.window),
            estimate: iv.map(|i| i.estimate),
            interval,
            criterion: format!("weight decay slows progressive sharpening: the {pct:.0}% bootstrap interval (seeds resampled) lies below 0"),
            verdict: judge_inside(interval, f64::NEG_INFINITY, 0.0),
        }];
        let iv = boot(&drop);
        let interval = iv.map(|i| [i.lo, i.hi]);
        out.push(Statistic {
            id: "W4.phase_drop".into(),
            statement: format!("largest drop between consecutive lambdas of the median over seeds of S_inf eta/2 (S_inf = median sharpness over the last quarter of the run) ({setup})"),
            estimate: iv.map(|i| i.estimate),
            interval,
            criterion: format!("MLP phase transition (theorems.md W4): the {pct:.0}% bootstrap interval lies above {}", s.drop),
            verdict: judge_inside(interval, s.drop, f64::INFINITY),
        });
        out
    }
}
