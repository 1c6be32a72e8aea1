//! `gdcert audit pl-asymptotic-rate`: the SGD audit G2 on the audit engine, one independent
//! SplitMix64 stream per seed, over seeds × measured window lengths K. The only path of G2:
//! `certify` never produces it.

use super::{sgd, Inst, PlAsymptoticRate, SgdOpts};
use crate::arith::exact::{q_to_f64, Q};
use crate::arith::{q_frac, q_int};
use crate::audit::stats::{bootstrap, median};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::spec::pl_rate::Family;
use crate::spec::random::SplitMix64;
use crate::theorems::instance::{InputError, Params};
use std::collections::BTreeMap;

/// The audit's default instance (not a certificate instance: `certificates/regenerate.sh` never
/// certifies it).
const SGD_INSTANCE: &str = include_str!("../../../audits/pl-asymptotic-rate/sgd.toml");

/// Most steps one run may take (burn-in plus measured window).
const MAX_RUN_STEPS: u64 = 50_000_000;

/// The SGD options of an instance (`sgd.*`), validated: product family, a start off the minimiser
/// set, `0 < s ≤ 100`.
pub fn sgd_opts(p: &Params, inst: &Inst) -> Result<SgdOpts, InputError> {
    if inst.family != Family::Product {
        return Err(p.error(
            "family",
            "the SGD audit (G2) is defined for family = \"product\": its statistics are those of the residual r = ab − 1 and the normal eigenvalue w∞",
        ));
    }
    if inst.family.start_in_s(&inst.theta0) {
        return Err(p.error(
            "theta0",
            "the SGD audit needs a start off the minimiser set (a0·b0 ≠ 1): SGD with multiplicative noise stays at a minimiser",
        ));
    }
    let s = p.q("sgd.s").cloned().ok_or_else(|| {
        p.error(
            "sgd.s",
            "missing: the SGD audit needs the noise level sgd.s > 0",
        )
    })?;
    if s > q_int(100) {
        return Err(p.error("sgd.s", "must lie in (0, 100]"));
    }
    let int = |key: &str, default: i64| p.int(key).unwrap_or(default);
    Ok(SgdOpts {
        s,
        seed: int("sgd.seed", 0) as u64,
        runs: int("sgd.runs", 200) as usize,
        burn_in: int("sgd.burn_in", 30) as usize,
        steps: int("sgd.steps", 300) as usize,
        tol_exponent: p
            .q("sgd.tol_exponent")
            .cloned()
            .unwrap_or_else(|| q_frac(1, 20)),
        tol_mean_square: p
            .q("sgd.tol_mean_square")
            .cloned()
            .unwrap_or_else(|| q_frac(1, 20)),
    })
}

fn sgd_inst(params: &Params) -> Result<(Inst, SgdOpts), InputError> {
    let inst = Inst::from_params(params)?;
    let o = sgd_opts(params, &inst)?;
    Ok((inst, o))
}

fn setup(inst: &Inst, o: &SgdOpts, steps: u64) -> sgd::Setup {
    let t = &inst.theta0;
    let r0: Q = &t[0] * &t[1] - q_int(1);
    let q0: Q = &t[0] * &t[0] - &t[1] * &t[1];
    sgd::Setup {
        gamma: q_to_f64(&inst.gamma),
        s: q_to_f64(&o.s),
        r0: q_to_f64(&r0),
        q0: q_to_f64(&q0),
        burn_in: o.burn_in,
        steps: steps as usize,
    }
}

impl Auditor for PlAsymptoticRate {
    fn default_instance(&self) -> (&'static str, &'static str) {
        ("audits/pl-asymptotic-rate/sgd.toml", SGD_INSTANCE)
    }

    fn validate(&self, params: &Params) -> Result<(), InputError> {
        sgd_inst(params).map(|_| ())
    }

    fn grid(&self, params: &Params) -> Grid {
        let (steps, seed, runs) = match sgd_inst(params) {
            Ok((_, o)) => (o.steps as u64, o.seed, o.runs as u64),
            Err(_) => (300, 0, 200),
        };
        Grid {
            sizes: vec![steps],
            seeds: (seed..seed.saturating_add(runs)).collect(),
        }
    }

    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String> {
        let (inst, o) = sgd_inst(params).map_err(|e| e.to_string())?;
        if size.saturating_add(o.burn_in as u64) > MAX_RUN_STEPS {
            return Err(format!(
                "K0 + K = {} + {size} exceeds {MAX_RUN_STEPS} steps",
                o.burn_in
            ));
        }
        let stat = sgd::run_one(&setup(&inst, &o, size), &mut SplitMix64(seed))
            .ok_or("left the local regime |r| ≤ 1e-3 in the measured window")?;
        Ok(BTreeMap::from([
            ("exponent".to_string(), stat.exponent),
            ("predicted_exponent".to_string(), stat.predicted_exponent),
            ("mean_square_ratio".to_string(), stat.mean_square_ratio),
        ]))
    }

    fn statistics(
        &self,
        params: &Params,
        runs: &[RunRecord],
        protocol: &Protocol,
    ) -> Vec<Statistic> {
        let Ok((_, o)) = sgd_inst(params) else {
            return vec![];
        };
        let tol_e = q_to_f64(&o.tol_exponent);
        let tol_m = q_to_f64(&o.tol_mean_square);
        let mut out = vec![];
        for &size in &protocol.grid.sizes {
            let at: Vec<&RunRecord> = runs.iter().filter(|r| r.size == size).collect();
            let dev: Vec<f64> = at
                .iter()
                .filter_map(|r| {
                    Some(r.values.get("exponent")? - r.values.get("predicted_exponent")?)
                })
                .collect();
            let ms: Vec<f64> = at
                .iter()
                .filter_map(|r| Some(r.values.get("mean_square_ratio")? - 1.0))
                .collect();
            let suffix = if protocol.grid.sizes.len() > 1 {
                format!(".K{size}")
            } else {
                String::new()
            };
            let sizes = format!(
                "{} of {} seeds stayed in the local regime; K0 = {}, K = {size}",
                dev.len(),
                at.len(),
                o.burn_in
            );
            for (id, values, tol, what) in [
                ("G2.exponent", &dev, tol_e, "per-run exponent (1/K)·log(|r_{K0+K}|/|r_{K0}|) minus its prediction E log|1 − γ(1 + ε)w|"),
                ("G2.mean_square", &ms, tol_m, "per-run mean-square factor Σ r_{n+1}²/r_n² over its prediction Σ ((1 − γw)² + γ²s²w² + O(r)), minus 1"),
            ] {
                let iv = if values.len() >= 2 {
                    bootstrap(
                        values,
                        median,
                        protocol.resamples,
                        protocol.confidence,
                        protocol.bootstrap_seed,
                    )
                } else {
                    None
                };
                let interval = iv.map(|iv| [iv.lo, iv.hi]);
                out.push(Statistic {
                    id: format!("{id}{suffix}"),
                    statement: format!("median over seeds of the {what} ({sizes})"),
                    estimate: iv.map(|iv| iv.estimate),
                    interval,
                    criterion: format!(
                        "the {:.0}% bootstrap interval of the median lies in [−{tol}, {tol}]",
                        protocol.confidence * 100.0
                    ),
                    verdict: judge_inside(interval, -tol, tol),
                });
            }
        }
        out
    }
}
