//! The audit engine: claims that hold in expectation, with high probability or as a limit cannot be
//! certified on one instance; an audit runs the dynamics in `f64` over seeds × sizes and reports
//! `AUDIT_PASS` or `AUDIT_FAIL` against a pass criterion stated before the data are seen. An audit is
//! never a proof, and its report (`gdcert-audit/1`) is not a certificate.
//!
//! Runs are independent: the run of `(size, seed)` draws from `SplitMix64(seed)` only, so the same
//! seed gives the same numbers whatever the number of threads, and a report can be re-run from its
//! own record ([`recheck`]). The grid runs in parallel on a rayon pool of `jobs` threads; results
//! are collected in grid order.

pub mod stats;

use crate::certificate::Verdict;
use crate::theorems::instance::{self, InputError, Params};
use crate::theorems::Theorem;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const AUDIT_FORMAT: &str = "gdcert-audit/1";

/// The seeds × sizes of an audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    pub sizes: Vec<u64>,
    pub seeds: Vec<u64>,
}

/// One run: its size, its seed and the numbers it measured (finite values only; a run that
/// measured nothing, e.g. because it left the regime the audit is about, says why in `note`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    pub size: u64,
    pub seed: u64,
    pub values: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A statistic over the runs, its interval, the criterion it is judged by, and the verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statistic {
    pub id: String,
    pub statement: String,
    pub estimate: Option<f64>,
    /// The bootstrap percentile interval of the estimate, at the report's confidence level.
    pub interval: Option<[f64; 2]>,
    /// The pass criterion, in words, fixed by the theorem module before any run.
    pub criterion: String,
    /// `AUDIT_PASS`, `AUDIT_FAIL`, or `UNDECIDED` when the interval straddles the criterion.
    pub verdict: Verdict,
}

/// What every audit report states besides its runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    pub grid: Grid,
    pub resamples: usize,
    pub confidence: f64,
    /// The SplitMix64 seed of the bootstrap resampling.
    pub bootstrap_seed: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditReport {
    pub format: String,
    pub tool: String,
    pub theorem: String,
    pub instance: String,
    /// Every parameter of the instance, exactly, by its dotted key.
    pub params: BTreeMap<String, String>,
    pub protocol: Protocol,
    pub statistics: Vec<Statistic>,
    pub verdict: Verdict,
    pub runs: Vec<RunRecord>,
}

/// A theorem's audit: its grid, one run, and the statistics of the runs.
pub trait Auditor: Sync {
    /// The instance `gdcert audit` uses without `--instance`: its file name and TOML text.
    fn default_instance(&self) -> (&'static str, &'static str);
    /// The default seeds × sizes for these parameters (`--sizes` and `--seeds` override them).
    fn grid(&self, params: &Params) -> Grid;
    /// One run, deterministic in `(size, seed)`: named measurements, or why it measured nothing.
    fn run(&self, params: &Params, size: u64, seed: u64) -> Result<BTreeMap<String, f64>, String>;
    /// Bootstrap resamples of the statistics.
    fn resamples(&self) -> usize {
        2000
    }
    /// Rejects parameters the audit cannot run on, beyond what the schema checks (bad input:
    /// `gdcert audit` exits 65 naming the key); by default every instance the schema accepts.
    fn validate(&self, _params: &Params) -> Result<(), InputError> {
        Ok(())
    }
    /// The statistics of the runs, each judged by its stated criterion.
    fn statistics(
        &self,
        params: &Params,
        runs: &[RunRecord],
        protocol: &Protocol,
    ) -> Vec<Statistic>;
}

/// The verdict of an interval against an acceptance band `[lo, hi]`: inside → pass, disjoint →
/// fail, straddling → undecided (more seeds would decide).
pub fn judge_inside(interval: Option<[f64; 2]>, lo: f64, hi: f64) -> Verdict {
    match interval {
        Some([a, b]) if a >= lo && b <= hi => Verdict::AuditPass,
        Some([a, b]) if b < lo || a > hi => Verdict::AuditFail,
        _ => Verdict::Undecided,
    }
}

/// Runs every point of the grid on `jobs` threads; the records come back in grid order (sizes
/// outer, seeds inner), independent of `jobs`. `progress` is called after each run.
pub fn run_grid(
    auditor: &dyn Auditor,
    params: &Params,
    grid: &Grid,
    jobs: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<RunRecord>, String> {
    let points: Vec<(u64, u64)> = grid
        .sizes
        .iter()
        .flat_map(|&n| grid.seeds.iter().map(move |&s| (n, s)))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| format!("cannot start {jobs} threads: {e}"))?;
    Ok(pool.install(|| {
        points
            .par_iter()
            .map(|&(size, seed)| {
                let r = auditor.run(params, size, seed);
                progress();
                match r {
                    Ok(values) => RunRecord {
                        size,
                        seed,
                        values: values.into_iter().filter(|(_, v)| v.is_finite()).collect(),
                        note: None,
                    },
                    Err(why) => RunRecord {
                        size,
                        seed,
                        values: BTreeMap::new(),
                        note: Some(why),
                    },
                }
            })
            .collect()
    }))
}

/// Runs a theorem's audit and assembles its report.
pub fn audit(
    th: &dyn Theorem,
    auditor: &dyn Auditor,
    params: &Params,
    grid: Grid,
    jobs: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<AuditReport, String> {
    auditor.validate(params).map_err(|e| e.to_string())?;
    let runs = run_grid(auditor, params, &grid, jobs, progress)?;
    let protocol = Protocol {
        grid,
        resamples: auditor.resamples(),
        confidence: 0.95,
        bootstrap_seed: 0x6264_6365_7274, // "bdcert": fixed, so reports are reproducible
    };
    let statistics = auditor.statistics(params, &runs, &protocol);
    let verdict = Verdict::combine(statistics.iter().map(|s| s.verdict));
    Ok(AuditReport {
        format: AUDIT_FORMAT.into(),
        tool: format!("gdcert {}", env!("CARGO_PKG_VERSION")),
        theorem: th.id().into(),
        instance: params.name.clone(),
        params: params.record(),
        protocol,
        statistics,
        verdict,
        runs,
    })
}

/// The report's runs as CSV: `size,seed,<metric>...,note`, one line a run.
pub fn runs_csv(report: &AuditReport) -> String {
    let mut metrics: Vec<&String> = report.runs.iter().flat_map(|r| r.values.keys()).collect();
    metrics.sort();
    metrics.dedup();
    let mut out = String::from("size,seed");
    for m in &metrics {
        out.push(',');
        out.push_str(m);
    }
    out.push_str(",note\n");
    for r in &report.runs {
        out.push_str(&format!("{},{}", r.size, r.seed));
        for m in &metrics {
            out.push(',');
            if let Some(v) = r.values.get(*m) {
                out.push_str(&format!("{v:?}"));
            }
        }
        out.push(',');
        if let Some(n) = &r.note {
            out.push('"');
            out.push_str(&n.replace('"', "\"\""));
            out.push('"');
        }
        out.push('\n');
    }
    out
}

/// The parameters of a report, rebuilt through the instance loader (so they are validated again).
pub fn report_params(th: &dyn Theorem, report: &AuditReport) -> Result<Params, InputError> {
    let text = format!(
        "theorem = {:?}\nname = {:?}\n",
        report.theorem, report.instance
    );
    let sets: Vec<String> = report
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    instance::load(th.id(), &th.schema(), "the audit report", &text, &sets)
}

/// The outcome of re-checking a report.
#[derive(Clone, Debug)]
pub struct Recheck {
    pub problems: Vec<String>,
    pub rerun: Option<(u64, u64)>,
}

/// Re-checks a report: re-runs the recorded run of `(size, seed)` (the first run when `None`) and
/// compares its numbers bit for bit, and recomputes every statistic and verdict from the recorded
/// runs.
pub fn recheck(
    th: &dyn Theorem,
    auditor: &dyn Auditor,
    report: &AuditReport,
    point: Option<(u64, u64)>,
) -> Result<Recheck, String> {
    let params = report_params(th, report).map_err(|e| e.to_string())?;
    let mut problems = vec![];
    let (size, seed) = match point.or_else(|| report.runs.first().map(|r| (r.size, r.seed))) {
        Some(p) => p,
        None => {
            // Nothing was run (e.g. a hypothesis failed): only the statistics can be re-derived.
            let stats = auditor.statistics(&params, &report.runs, &report.protocol);
            if stats != report.statistics {
                problems.push("the statistics re-derived from the report differ from it".into());
            }
            return Ok(Recheck {
                problems,
                rerun: None,
            });
        }
    };
    let recorded = report
        .runs
        .iter()
        .find(|r| r.size == size && r.seed == seed)
        .ok_or_else(|| format!("the report has no run of size {size} and seed {seed}"))?;
    let fresh = run_grid(
        auditor,
        &params,
        &Grid {
            sizes: vec![size],
            seeds: vec![seed],
        },
        1,
        &|| {},
    )?;
    if fresh[0].values != recorded.values || fresh[0].note != recorded.note {
        problems.push(format!(
            "re-running size {size}, seed {seed} gives {:?}, the report records {:?}",
            fresh[0].values, recorded.values
        ));
    }
    let stats = auditor.statistics(&params, &report.runs, &report.protocol);
    if stats != report.statistics {
        problems.push(
            "the statistics recomputed from the recorded runs differ from the report's".into(),
        );
    }
    if Verdict::combine(report.statistics.iter().map(|s| s.verdict)) != report.verdict {
        problems.push("the overall verdict does not follow from the statistics".into());
    }
    if report
        .statistics
        .iter()
        .any(|s| s.verdict == Verdict::Certified)
        || report.verdict == Verdict::Certified
    {
        problems.push("an audit is never CERTIFIED".into());
    }
    Ok(Recheck {
        problems,
        rerun: Some((size, seed)),
    })
}
