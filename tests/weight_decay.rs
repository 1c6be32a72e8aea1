//! Paper 7 (`weight-decay-eos`): the instances K1, K2, K3 and the failing K1 without decay with
//! the numbers of `theorems.md` (Paper 7, (d)), bad input, and the kernel against mutated witnesses.
//!
//! Expected numbers come from `theorems.md` and `oracles/p7_verify.py`, not from this code.

use gdcert::certificate::{Certificate, Verdict};
use gdcert::kernel::check_text;
use serde_json::Value;

mod common;
use common::{certify_json, encl, gdcert, verdict};

const DIR: &str = "certificates/instances/weight-decay-eos";

/// The enclosure of `id` contains `value` and is narrower than `tol`.
fn assert_near(c: &Certificate, id: &str, value: f64, tol: f64) {
    let (lo, hi) = encl(c, id);
    assert!(
        lo - tol <= value && value <= hi + tol && hi - lo <= tol,
        "{id}: [{lo}, {hi}] vs {value} ± {tol}"
    );
}

fn certify(file: &str, sets: &[&str]) -> (i32, Certificate, String) {
    certify_json("weight-decay-eos", Some(&format!("{DIR}/{file}")), sets)
}

#[test]
fn k1_decay_makes_the_balanced_minimiser_attracting() {
    let (code, c, text) = certify("k1.toml", &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(c.verdict, Verdict::Certified);
    // μ_eff = η(1 − λ) = 0.88; multipliers 1 − 2ηλ = 0.56 and 1 − 2μ_eff = −0.76.
    assert_near(&c, "W2.effective_step", 0.88, 1e-15);
    assert_near(&c, "W1.multiplier", 0.76, 1e-15);
    assert_near(&c, "W1.sharpness", 1.4, 1e-15); // 2 − 3λ
    assert_near(&c, "W2.slice.T1.fixed_point", -0.76, 1e-12);
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn k1_without_decay_is_condition_not_met() {
    // The λ = 0 variant of K1, through --set and through the shipped file.
    let (code, c, text) = certify("k1.toml", &["lambda=0"]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(verdict(&c, "W1.sharpness"), Verdict::ConditionNotMet);
    // Every minimiser has S ≥ 2 > 2/η = 1.818...
    assert_near(&c, "W1.sharpness", 2.0, 0.0);
    // GD settles on the balanced 2-cycle {1.11606, 0.81455} of the cubic at μ = 1.1, multiplier 0.18.
    assert_near(&c, "W2.slice.T1.cycle2", 0.81455, 1e-5);
    assert_near(&c, "W2.slice.T1.cycle2.multiplier", 0.18, 1e-6);
    assert!(check_text(&text).expect("parses").valid());
    let (code, _, _) = certify("k1-no-decay.toml", &[]);
    assert_eq!(code, 2);
}

#[test]
fn k2_imbalance_decays_and_the_orbit_converges() {
    let (code, c, text) = certify("k2.toml", &[]);
    assert_eq!(code, 0, "{text}");
    // Limit (√0.9, √0.9) = 0.948683...
    assert_near(&c, "W2.limit", 0.9_f64.sqrt(), 1e-7);
    assert_eq!(verdict(&c, "W2.imbalance_rate"), Verdict::Certified);
    // sup_k |r_k| = 0.1 (approached as r_k → −λ): η²r²/(2(1 − ηλ)²) ≤ 0.25·0.01/1.805 < 0.0014.
    let (_, hi) = encl(&c, "W2.imbalance_rate");
    assert!(hi < 0.0015, "{hi}");
    assert!(c
        .claim("W2.imbalance_rate")
        .unwrap()
        .statement
        .contains("0.9025"));
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn k3_network_stationary_point_and_hessian() {
    let (code, c, text) = certify("k3.toml", &[]);
    assert_eq!(code, 0, "{text}");
    // theorems.md: L_λ(θ*) = 0.01186182, L(θ*) = 1.20217e-3, ‖θ*‖ = 4.61728,
    // S = 6.143525 < 19.999, λ_min(∇²L_λ) = 6.60391e-4, max|1 − η(h + λ)| = 0.999934.
    assert_near(&c, "W1.stationary", 0.01186182, 1e-8);
    assert_near(&c, "W1.loss", 1.20217e-3, 1e-8);
    assert_near(&c, "W1.norm", 4.61728, 1e-5);
    assert_near(&c, "W1.sharpness", 6.143525, 2e-6);
    assert_near(&c, "W1.min_curvature", 6.60391e-4, 2e-6);
    assert_near(&c, "W1.multiplier", 0.999934, 1e-6);
    for id in ["W1.ceiling", "W1.curvature_floor"] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    let report = check_text(&text).expect("parses");
    assert!(report.valid(), "{:?}", report.claims);
}

#[test]
fn bad_input_exits_65_and_names_the_key() {
    for (sets, key) in [
        (vec!["lambda=1"], "lambda"),
        (vec!["lambda=-0.1"], "lambda"),
        (vec!["eta=0"], "eta"),
        (vec!["model=mlp", "start=1,2"], "start"),
        (vec!["model=mlp", "claims=W2"], "claims"),
        (vec!["model=two-factor,mlp"], "model"),
        (vec!["hidden=0"], "hidden"),
        (vec!["start=1"], "start"),
    ] {
        let mut args = vec!["certify", "weight-decay-eos"];
        for s in &sets {
            args.push("--set");
            args.push(s);
        }
        let (code, _, err) = gdcert(&args);
        assert_eq!(code, 65, "{sets:?}: {err}");
        assert!(err.contains(key), "{sets:?}: {err}");
    }
}

// ------------------------------------------------------------------------------------------------
// The kernel against changed witnesses.

fn reseal(v: &Value) -> String {
    let mut c: Certificate = serde_json::from_value(v.clone()).expect("still a certificate");
    c.digest = c.compute_digest();
    serde_json::to_string_pretty(&c).expect("serializes")
}

fn claim_mut<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    v["claims"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id}"))
}

fn rejected(v: &Value) -> bool {
    !check_text(&reseal(v)).expect("parses").valid()
}

#[test]
fn kernel_rejects_changed_toy_witnesses() {
    let (_, _, text) = certify("k2.toml", &[]);
    let base: Value = serde_json::from_str(&text).unwrap();
    // A faster contraction rate than the box allows.
    let mut v = base.clone();
    claim_mut(&mut v, "W2.invariant_box")["witness"]["rate"] = "0.5".into();
    claim_mut(&mut v, "W2.invariant_box")["enclosure"] =
        serde_json::json!({"lo": "0.5", "hi": "0.5"});
    assert!(rejected(&v));
    // A box that misses the fixed point.
    let mut v = base.clone();
    claim_mut(&mut v, "W2.invariant_box")["witness"]["box"][0]["lo"] = "0.95".into();
    assert!(rejected(&v));
    // An orbit box moved off the orbit.
    let mut v = base.clone();
    claim_mut(&mut v, "W2.orbit")["witness"]["boxes"][3][0]["hi"] = "0".into();
    assert!(rejected(&v));
    // A wrong sharpness at the minimiser, or a flipped hypothesis.
    let mut v = base.clone();
    claim_mut(&mut v, "W1.sharpness")["enclosure"] = serde_json::json!({"lo": "1.6", "hi": "1.6"});
    assert!(rejected(&v));
    let mut v = base.clone();
    claim_mut(&mut v, "W1.curvature_floor")["verdict"] = "CONDITION_NOT_MET".into();
    v["verdict"] = "CONDITION_NOT_MET".into();
    assert!(rejected(&v));
    // A slice claim of paper 5 with a wrong multiplier.
    let mut v = base.clone();
    let slice: Vec<String> = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| {
            c["id"]
                .as_str()
                .filter(|s| s.starts_with("W2.slice."))
                .map(String::from)
        })
        .collect();
    assert!(!slice.is_empty());
    claim_mut(&mut v, "W2.slice.T1.invariant_interval")["enclosure"] =
        serde_json::json!({"lo": "-1", "hi": "-1"});
    assert!(rejected(&v));
    // Dropping a claim the theorem states is caught.
    let mut v = base.clone();
    v["claims"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["id"] != "W2.limit");
    assert!(rejected(&v));
    // The unchanged certificate passes.
    assert!(!rejected(&base));
}

#[test]
fn kernel_rejects_changed_network_witnesses() {
    let (_, _, text) = certify("k3.toml", &[]);
    let base: Value = serde_json::from_str(&text).unwrap();
    // The Krawczyk centre moved by 1e-6 (far beyond the box radius ~2e-11).
    let mut v = base.clone();
    let w = &mut claim_mut(&mut v, "W1.stationary")["witness"];
    let c0: f64 = w["center"][0].as_str().unwrap().parse().unwrap_or(0.0);
    w["center"][0] = format!("{}", c0 + 1e-6).into();
    assert!(rejected(&v));
    // A box shrunk below the Newton correction.
    let mut v = base.clone();
    let w = &mut claim_mut(&mut v, "W1.stationary")["witness"];
    for r in w["radius"].as_array_mut().unwrap() {
        *r = "1e-30".into();
    }
    assert!(rejected(&v));
    // The ceiling congruence at a different shift.
    let mut v = base.clone();
    claim_mut(&mut v, "W1.ceiling")["witness"]["t"] = "5".into();
    assert!(rejected(&v));
    // A congruence factor entry changed.
    let mut v = base.clone();
    let f = &mut claim_mut(&mut v, "W1.curvature_floor")["witness"]["factor"];
    f[65 * 40 + 3] = "0.75".into();
    assert!(rejected(&v));
    // A sharpness bracket claimed tighter than its congruences.
    let mut v = base.clone();
    claim_mut(&mut v, "W1.sharpness")["enclosure"] =
        serde_json::json!({"lo": "6.1435250", "hi": "6.1435251"});
    assert!(rejected(&v));
    // A stationary loss outside the kernel's enclosure.
    let mut v = base.clone();
    claim_mut(&mut v, "W1.stationary")["enclosure"] =
        serde_json::json!({"lo": "0.0119", "hi": "0.012"});
    assert!(rejected(&v));
    // A different data seed makes a different network: the witness no longer proves anything.
    let mut v = base.clone();
    v["instance"]["params"]["data_seed"] = "3".into();
    assert!(rejected(&v));
    assert!(!rejected(&base));
}

#[test]
fn committed_certificates_are_current() {
    for f in ["k1", "k1-no-decay", "k2", "k3"] {
        let (_, _, text) = certify(&format!("{f}.toml"), &[]);
        let path = format!("certificates/weight-decay-eos/{f}.json");
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} is missing"));
        assert!(
            committed == text,
            "{path} is stale: run certificates/regenerate.sh"
        );
    }
}

/// The W4 audit's Hessian-vector products (forward mode through the backpropagated gradient)
/// against the full Hessian of the loss by second-order automatic differentiation (an independent
/// code path) and against central differences of the gradient; its power iteration against the
/// largest eigenvalue of that Hessian.
#[test]
fn audit_hvp_matches_second_order_ad_and_finite_differences() {
    use gdcert::arith::exact::Q;
    use gdcert::arith::SecondOrder;
    use gdcert::spec::mlp::DecayedLoss;
    use gdcert::theorems::weight_decay::audit::{problem, Oracle};
    let (mlp, theta) = problem(24, 4, 3);
    let n = theta.len();
    assert_eq!(n, 4 * 4 + 1);
    // Labels are the 2-class rule |x|^2 < 16/25 -> +1, else -1.
    for (x, y) in mlp.xs.iter().zip(&mlp.ys) {
        let r2 = gdcert::arith::exact::q_to_f64(&(x[0].clone() * &x[0] + x[1].clone() * &x[1]));
        let want = if r2 < 0.64 { 1.0 } else { -1.0 };
        assert_eq!(gdcert::arith::exact::q_to_f64(y), want);
    }
    let o = Oracle::new(&mlp);
    let seeded = SecondOrder::seed(&theta);
    let loss = DecayedLoss {
        mlp: &mlp,
        lambda: Q::from_integer(0.into()),
    }
    .value(&seeded);
    let hess = loss.hessian(n);
    let grad_ad = loss.gradient(n);
    let g = o.gradient(&theta);
    for i in 0..n {
        assert!((g[i] - grad_ad[i]).abs() < 1e-12, "gradient {i}");
    }
    let v: Vec<f64> = (0..n)
        .map(|i| ((i * 7 + 3) % 11) as f64 / 11.0 - 0.4)
        .collect();
    let hv = o.hvp(&theta, &v);
    let h = 1e-5;
    let shift = |s: f64| -> Vec<f64> { theta.iter().zip(&v).map(|(t, d)| t + s * d).collect() };
    let (gp, gm) = (o.gradient(&shift(h)), o.gradient(&shift(-h)));
    let scale = hv.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    assert!(scale > 1e-3);
    for i in 0..n {
        let exact: f64 = (0..n).map(|j| hess[i * n + j] * v[j]).sum();
        assert!(
            (hv[i] - exact).abs() < 1e-12 * scale.max(1.0),
            "hvp {i}: {} vs {exact}",
            hv[i]
        );
        let fd = (gp[i] - gm[i]) / (2.0 * h);
        assert!(
            (hv[i] - fd).abs() < 1e-6 * scale.max(1.0),
            "fd {i}: {} vs {fd}",
            hv[i]
        );
    }
    let m = faer::Mat::from_fn(n, n, |i, j| hess[i * n + j]);
    let (lam, _) = gdcert::linalg::eig::approximate_eigen(&m).unwrap();
    let top = lam[n - 1];
    assert!(top > -lam[0], "the top eigenvalue dominates in magnitude");
    let mut w = vec![1.0; n];
    let s = o.sharpness(&theta, &mut w, 3000);
    assert!((s - top).abs() < 1e-6 * top, "{s} vs {top}");
}
