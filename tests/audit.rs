//! The audit engine through `gdcert audit`: reproducible whatever the number of threads, re-runnable
//! from its own report, honest about what it measured, and never CERTIFIED.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_gdcert");
const PL: &str = "pl-asymptotic-rate";

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gdcert-audit-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gdcert(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[test]
fn the_same_seeds_give_the_same_report_on_one_or_two_threads() {
    let dir = scratch("threads");
    let args = |jobs: &'static str, out: &'static str| {
        vec![
            "audit", PL, "--seeds", "40", "--sizes", "100,200", "--jobs", jobs, "--out", out,
        ]
    };
    // Short windows with few seeds may leave the criterion undecided (exit 3); never certified.
    for (jobs, out) in [("1", "one.json"), ("2", "two.json")] {
        let code = gdcert(&args(jobs, out), &dir).0;
        assert!(code == 0 || code == 3, "exit {code}");
    }
    let one = std::fs::read(dir.join("one.json")).unwrap();
    assert_eq!(one, std::fs::read(dir.join("two.json")).unwrap());
    assert_eq!(
        std::fs::read(dir.join("one.csv")).unwrap(),
        std::fs::read(dir.join("two.csv")).unwrap()
    );
    // One CSV line a run, runs in grid order: sizes outer, seeds inner.
    let csv = std::fs::read_to_string(dir.join("one.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 80);
    assert!(lines[1].starts_with("100,0,") && lines[41].starts_with("200,0,"));
}

#[test]
fn report_states_its_protocol_and_its_median_is_the_median_of_its_runs() {
    let dir = scratch("report");
    let (code, stdout, _) = gdcert(&["audit", PL, "--seeds", "60", "--out", "r.json"], &dir);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("never a proof") && stdout.contains("AUDIT_PASS"));
    let r: Value = serde_json::from_slice(&std::fs::read(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(r["format"], "gdcert-audit/1");
    assert_eq!(r["protocol"]["grid"]["seeds"].as_array().unwrap().len(), 60);
    assert_eq!(r["protocol"]["confidence"], 0.95);
    let runs = r["runs"].as_array().unwrap();
    let dev: Vec<f64> = runs
        .iter()
        .map(|run| {
            let v = &run["values"];
            v["exponent"].as_f64().unwrap() - v["predicted_exponent"].as_f64().unwrap()
        })
        .collect();
    let stat = r["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "G2.exponent")
        .unwrap();
    assert_eq!(stat["estimate"].as_f64().unwrap(), median(dev));
    let iv = stat["interval"].as_array().unwrap();
    let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
    assert!(lo <= stat["estimate"].as_f64().unwrap() && stat["estimate"].as_f64().unwrap() <= hi);
    assert!(hi - lo > 0.0 && hi - lo < 0.2, "[{lo}, {hi}]");
    // The per-run exponent agrees with the theory's E log|1 − γ(1 + ε)w| ≈ −1.197 (theorems.md G2).
    let exps: Vec<f64> = runs
        .iter()
        .map(|run| run["values"]["exponent"].as_f64().unwrap())
        .collect();
    assert!((median(exps) + 1.197).abs() < 0.05);
}

#[test]
fn check_reruns_a_seed_and_rejects_changed_runs_and_verdicts() {
    let dir = scratch("check");
    let code = gdcert(&["audit", PL, "--seeds", "30", "--out", "a.json"], &dir).0;
    assert!(code == 0 || code == 3, "exit {code}");
    let (code, stdout, _) = gdcert(&["check", "a.json"], &dir);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("VALID") && stdout.contains("re-ran"));
    let text = std::fs::read_to_string(dir.join("a.json")).unwrap();
    let base: Value = serde_json::from_str(&text).unwrap();
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        std::fs::write(
            dir.join("m.json"),
            serde_json::to_string_pretty(&v).unwrap(),
        )
        .unwrap();
        gdcert(&["check", "m.json"], &dir)
    };
    // The first run is re-run: a changed measurement is caught.
    let (code, stdout, _) = mutate(&|v| {
        let x = v["runs"][0]["values"]["exponent"].as_f64().unwrap();
        v["runs"][0]["values"]["exponent"] = (x * (1.0 + 1e-12)).into();
    });
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("re-running"));
    // The other runs enter the statistics, which are recomputed: moving the upper half of the
    // runs moves the median. (Only the re-run seed is compared run by run, as the contract says.)
    let (code, _, _) = mutate(&|v| {
        for k in 1..v["runs"].as_array().unwrap().len() {
            v["runs"][k]["values"]["mean_square_ratio"] = 7.0.into();
        }
    });
    assert_eq!(code, 1);
    // An audit is never CERTIFIED, and verdicts follow from the intervals.
    let (code, stdout, _) = mutate(&|v| v["verdict"] = "CERTIFIED".into());
    assert_eq!(code, 1, "{stdout}");
    let (code, _, _) = mutate(&|v| v["statistics"][0]["verdict"] = "AUDIT_FAIL".into());
    assert_eq!(code, 1);
    // Garbage is malformed (65), never a panic.
    std::fs::write(
        dir.join("m.json"),
        "{\"format\": \"gdcert-audit/1\", \"runs\": 3}",
    )
    .unwrap();
    let (code, _, stderr) = gdcert(&["check", "m.json"], &dir);
    assert_eq!(code, 65);
    assert!(stderr.contains("m.json") && !stderr.contains("panicked"));
}

#[test]
fn a_criterion_the_data_cannot_decide_is_undecided_not_a_pass() {
    let dir = scratch("undecided");
    // A tolerance far inside the bootstrap interval's width: the interval straddles it.
    let (code, stdout, _) = gdcert(
        &[
            "audit",
            PL,
            "--seeds",
            "40",
            "--set",
            "sgd.tol_exponent=1e-9",
        ],
        &dir,
    );
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("UNDECIDED") && !stdout.contains("CERTIFIED"));
}

#[test]
fn bad_flags_and_inputs_have_their_exit_codes_and_messages() {
    let dir = scratch("bad");
    let cases: [(&[&str], i32, &str); 6] = [
        (&["audit", "two-factor-transformer"], 64, "has no audit"),
        (&["audit", "no-such-theorem"], 64, "unknown theorem"),
        (&["audit", PL, "--seeds", "0"], 64, "--seeds"),
        (&["audit", PL, "--sizes", "10,x"], 64, "--sizes"),
        (&["audit", PL, "--set", "sgd.s=abc"], 65, "sgd.s"),
        (&["audit", PL, "--out", "report.txt"], 64, ".json"),
    ];
    for (args, want, needle) in cases {
        let (code, _, stderr) = gdcert(args, &dir);
        assert_eq!(code, want, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"));
    }
    // --out never replaces a different file without --force.
    std::fs::write(dir.join("keep.json"), "precious").unwrap();
    let (code, _, _) = gdcert(&["audit", PL, "--seeds", "5", "--out", "keep.json"], &dir);
    assert_eq!(code, 64);
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.json")).unwrap(),
        "precious"
    );
    let (code, _, _) = gdcert(
        &["audit", PL, "--seeds", "5", "--out", "keep.json", "--force"],
        &dir,
    );
    assert!(code == 0 || code == 3);
}

#[test]
fn bbp_audit_of_attention_pca_approaches_the_limit_and_its_mean_is_recomputable() {
    let dir = scratch("bbp");
    let (code, stdout, _) = gdcert(
        &[
            "audit",
            "attention-pca",
            "--sizes",
            "100,200",
            "--seeds",
            "12",
            "--out",
            "b.json",
        ],
        &dir,
    );
    assert!(code == 0 || code == 3, "exit {code}: {stdout}");
    let r: Value = serde_json::from_slice(&std::fs::read(dir.join("b.json")).unwrap()).unwrap();
    let at200: Vec<f64> = r["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["size"] == 200)
        .map(|x| x["values"]["overlap2"].as_f64().unwrap())
        .collect();
    let mean = at200.iter().sum::<f64>() / at200.len() as f64;
    let stat = &r["statistics"][0];
    assert!((stat["estimate"].as_f64().unwrap() - mean).abs() < 1e-12);
    // The BBP limit at β = 2, γ = 1/2 is (1 − 1/8)/(1 + 1/4) = 0.7 (theorems.md, Paper 9 P5).
    assert!((mean - 0.7).abs() < 0.05, "mean overlap {mean}");
    assert_eq!(gdcert(&["check", "b.json"], &dir).0, 0);
}

/// A tiny audit of `theorem`: the same report on 1 and 2 threads, a verdict with a stated
/// criterion for every statistic, never CERTIFIED, and `gdcert check` re-runs its first seed.
fn tiny_audit(tag: &str, theorem: &str, sets: &[&str], seeds: &str) -> Value {
    let dir = scratch(tag);
    let mut reports = vec![];
    for (jobs, out) in [("1", "one.json"), ("2", "two.json")] {
        let mut args = vec![
            "audit", theorem, "--seeds", seeds, "--jobs", jobs, "--out", out,
        ];
        for s in sets {
            args.push("--set");
            args.push(s);
        }
        let (code, stdout, stderr) = gdcert(&args, &dir);
        assert!([0, 1, 3].contains(&code), "exit {code}: {stdout} {stderr}");
        assert!(stdout.contains("never a proof"));
        reports.push(std::fs::read(dir.join(out)).unwrap());
    }
    assert_eq!(reports[0], reports[1], "the report depends on --jobs");
    let (code, stdout, stderr) = gdcert(&["check", "one.json"], &dir);
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert!(stdout.contains("re-ran"));
    let r: Value = serde_json::from_slice(&reports[0]).unwrap();
    for s in r["statistics"].as_array().unwrap() {
        assert!(s["criterion"].as_str().unwrap().len() > 20);
        let v = s["verdict"].as_str().unwrap();
        assert!(
            ["AUDIT_PASS", "AUDIT_FAIL", "UNDECIDED"].contains(&v),
            "{v}"
        );
    }
    // A changed measurement is caught by the re-run.
    let mut bad = r.clone();
    let first = bad["runs"][0]["values"].as_object_mut().unwrap();
    let k = first.keys().next().unwrap().clone();
    first.insert(k, Value::from(0.125));
    std::fs::write(
        dir.join("bad.json"),
        serde_json::to_string_pretty(&bad).unwrap(),
    )
    .unwrap();
    assert_eq!(gdcert(&["check", "bad.json"], &dir).0, 1);
    r
}

fn least_squares_slope(pts: &[(f64, f64)]) -> f64 {
    let (xs, ys): (Vec<f64>, Vec<f64>) = pts.iter().copied().unzip();
    slope(&xs, &ys)
}

/// The least-squares slope of `ys` on `xs`, written here.
fn slope(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

#[test]
fn imc_i3_audit_is_reproducible_and_its_slope_is_recomputable() {
    let r = tiny_audit(
        "imc",
        "inductive-matrix-completion",
        &[
            "audit.sizes=20,40",
            "audit.dims=3",
            "audit.ps=1/2",
            "audit.steps=80",
        ],
        "3",
    );
    let stats = r["statistics"].as_array().unwrap();
    let ids: Vec<&str> = stats.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["I3.imc_slope", "I3.mc_slope", "I3.ratio_exponent"]);
    // Recompute the IMC slope from the recorded runs: median over seeds per n, against
    // sqrt((a+b)/(p n^2)) with a = b = 3, p = 1/2.
    let runs = r["runs"].as_array().unwrap();
    let pts: Vec<(f64, f64)> = [20.0, 40.0]
        .iter()
        .map(|&n: &f64| {
            let v: Vec<f64> = runs
                .iter()
                .filter(|x| x["size"].as_f64() == Some(n))
                .map(|x| x["values"]["imc.rmse.a03.p0.5"].as_f64().unwrap())
                .collect();
            ((6.0 / (0.5 * n * n)).sqrt().ln(), median(v).ln())
        })
        .collect();
    let want = least_squares_slope(&pts);
    let got = stats[0]["estimate"].as_f64().unwrap();
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    // Side information helps: the MC error exceeds the IMC error in every run.
    for x in runs {
        let v = &x["values"];
        assert!(v["mc.rmse.a03.p0.5"].as_f64().unwrap() > v["imc.rmse.a03.p0.5"].as_f64().unwrap());
    }
}

#[test]
fn weight_decay_w4_audit_is_reproducible_and_measures_sharpening() {
    let r = tiny_audit(
        "wd",
        "weight-decay-eos",
        &[
            "audit.sizes=32",
            "hidden=4",
            "audit.lambdas=0,1/100",
            "audit.steps=60",
            "audit.window=60",
        ],
        "3",
    );
    let stats = r["statistics"].as_array().unwrap();
    let ids: Vec<&str> = stats.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["W4.speed_slope", "W4.phase_drop"]);
    for x in r["runs"].as_array().unwrap() {
        let v = &x["values"];
        // The same data and initialisation for every lambda: the same initial sharpness.
        assert_eq!(v["l0.S0"], v["l1.S0"]);
        assert!(v["l0.S0"].as_f64().unwrap() > 0.0);
        // plateau = S_inf * eta / 2 with eta = 0.4.
        let (p, s) = (
            v["l1.plateau"].as_f64().unwrap(),
            v["l1.S_inf"].as_f64().unwrap(),
        );
        assert!((p - 0.2 * s).abs() < 1e-12 * s.abs().max(1.0));
    }
}

#[test]
fn imc_and_weight_decay_audits_reject_bad_keys_naming_them() {
    let dir = scratch("badkeys");
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "audit",
                "inductive-matrix-completion",
                "--set",
                "audit.dims=40",
            ],
            "audit.dims",
        ),
        (
            &[
                "audit",
                "inductive-matrix-completion",
                "--set",
                "audit.ps=0",
            ],
            "audit.ps",
        ),
        (
            &[
                "audit",
                "inductive-matrix-completion",
                "--set",
                "audit.sizes=3.5",
            ],
            "audit.sizes",
        ),
        (
            &[
                "audit",
                "weight-decay-eos",
                "--set",
                "audit.lambdas=1/100,0",
            ],
            "audit.lambdas",
        ),
        (
            &["audit", "weight-decay-eos", "--set", "model=two-factor"],
            "model",
        ),
    ];
    for (args, key) in cases {
        let (code, _, stderr) = gdcert(args, &dir);
        assert_eq!(code, 65, "{args:?}: {stderr}");
        assert!(
            stderr.contains(key) && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}

#[test]
fn newton_ntk_width_audit_states_its_band_and_its_slope_is_recomputable() {
    let dir = scratch("ntk");
    let (code, stdout, stderr) = gdcert(
        &[
            "audit",
            "newton-ntk",
            "--sizes",
            "16,64,256",
            "--seeds",
            "6",
            "--set",
            "audit.steps=10",
            "--out",
            "n.json",
        ],
        &dir,
    );
    assert!(
        code == 0 || code == 1 || code == 3,
        "exit {code}: {stdout}{stderr}"
    );
    // The criterion is stated in the output: the band −1/2 ± 1/4.
    assert!(stdout.contains("[-0.75, -0.25]"), "{stdout}");
    let r: Value = serde_json::from_slice(&std::fs::read(dir.join("n.json")).unwrap()).unwrap();
    assert_eq!(r["protocol"]["grid"]["seeds"].as_array().unwrap().len(), 6);
    assert_eq!(
        r["protocol"]["grid"]["seeds"][0], 7,
        "the instance's first seed"
    );
    let runs = r["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 18);
    // Per seed, the slope of ln gap against ln N; the statistic is their median.
    let mut slopes = vec![];
    for seed in 7..13 {
        let (xs, ys): (Vec<f64>, Vec<f64>) = runs
            .iter()
            .filter(|x| x["seed"] == seed)
            .map(|x| {
                let gap = x["values"]["gap"].as_f64().unwrap();
                assert!(gap > 0.0);
                ((x["size"].as_f64().unwrap()).ln(), gap.ln())
            })
            .unzip();
        slopes.push(slope(&xs, &ys));
    }
    let stat = &r["statistics"][0];
    assert_eq!(stat["id"], "N4.width_slope");
    assert!((stat["estimate"].as_f64().unwrap() - median(slopes.clone())).abs() < 1e-12);
    let [lo, hi] = [0, 1].map(|i| stat["interval"][i].as_f64().unwrap());
    let expected = if lo >= -0.75 && hi <= -0.25 {
        "AUDIT_PASS"
    } else if hi < -0.75 || lo > -0.25 {
        "AUDIT_FAIL"
    } else {
        "UNDECIDED"
    };
    assert_eq!(stat["verdict"], expected);
    assert_ne!(r["verdict"], "CERTIFIED");
    // The gap shrinks with the width: the median gap at N = 256 is below the one at N = 16.
    let med_at = |n: u64| {
        median(
            runs.iter()
                .filter(|x| x["size"] == n)
                .map(|x| x["values"]["gap"].as_f64().unwrap())
                .collect(),
        )
    };
    assert!(
        med_at(256) < med_at(16),
        "{} vs {}",
        med_at(256),
        med_at(16)
    );
    // `check` re-runs a seed; a changed gap is caught.
    assert_eq!(gdcert(&["check", "n.json"], &dir).0, 0);
    let mut bad = r.clone();
    bad["runs"][0]["values"]["gap"] = (runs[0]["values"]["gap"].as_f64().unwrap() * 1.001).into();
    std::fs::write(dir.join("bad.json"), serde_json::to_string(&bad).unwrap()).unwrap();
    assert_ne!(gdcert(&["check", "bad.json"], &dir).0, 0);
}

#[test]
fn audits_refuse_instances_they_cannot_run_with_exit_65() {
    let dir = scratch("bad-audit");
    for (theorem, sets, key) in [
        (PL, vec!["theta0=2,0.5"], "theta0"),
        (PL, vec!["family=valley", "b=4", "theta0=1,2,3"], "family"),
        ("newton-ntk", vec!["audit.widths=16,20000"], "audit.widths"),
    ] {
        let mut args = vec!["audit", theorem, "--seeds", "2"];
        for s in &sets {
            args.push("--set");
            args.push(s);
        }
        let (code, _, err) = gdcert(&args, &dir);
        assert_eq!(code, 65, "{theorem} {sets:?}: {err}");
        assert!(err.contains(key), "{theorem} {sets:?}: {err}");
    }
}
