//! `gdcert audit pl-asymptotic-rate`: the SGD audit G2 on the audit engine, one independent
//! SplitMix64 stream per seed, over seeds × measured window lengths K.

use super::{sgd, Inst, PlAsymptoticRate};
use crate::arith::exact::{q_to_f64, Q};
use crate::arith::q_int;
use crate::audit::stats::{bootstrap, median};
use crate::audit::{judge_inside, Auditor, Grid, Protocol, RunRecord, Statistic};
use crate::spec::random::SplitMix64;
use crate::theorems::instance::Params;
use std::collections::BTreeMap;

const SGD_INSTANCE: &str =
    include_str!("../../../certificates/instances/pl-asymptotic-rate/sgd.toml");

fn sgd_inst(params: &Params) -> Result<(Inst, super::SgdOpts), String> {
    let inst = Inst::from_params(params).map_err(|e| e.to_string())?;
    let o = inst.sgd.clone().ok_or(
        "the audit needs claims to include \"G2\" and the noise level sgd.s (see certificates/instances/pl-asymptotic-rate/sgd.toml)",
    )?;
    Ok((inst, o))
}

fn setup(inst: &Inst, o: &super::SgdOpts, steps: u64, seed: u64) -> sgd::Setup {
    let t = &inst.theta0;
    let r0: Q = &t[0] * &t[1] - q_int(1);
    let q0: Q = &t[0] * &t[0] - &t[1] * &t[1];
    sgd::Setup {
        gamma: q_to_f64(&inst.gamma),
        s: q_to_f64(&o.s),
        r0: q_to_f64(&r0),
        q0: q_to_f64(&q0),
        seed,
        runs: 1,
        burn_in: o.burn_in,
        steps: steps as usize,
        resamples: o.resamples,
    }
}

impl Auditor for PlAsymptoticRate {
    fn default_instance(&self) -> (&'static str, &'static str) {
        (
            "certificates/instances/pl-asymptotic-rate/sgd.toml",
            SGD_INSTANCE,
        )
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
        let (inst, o) = sgd_inst(params)?;
        let stat = sgd::run_one(&setup(&inst, &o, size, seed), &mut SplitMix64(seed))
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
