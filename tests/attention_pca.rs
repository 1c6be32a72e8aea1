//! Paper 9 (`attention-pca`): Q1, Q2, Q3 and the failing instances with the numbers of
//! `theorems.md` (Paper 9, (d)) and `oracles/p9_verify.py`, a matrix-file instance, bad input, and
//! the kernel against mutated witnesses. Expected numbers come from `theorems.md`, the oracle and
//! independent binary64 simulations here, not from the code under test.

use gdcert::certificate::{Certificate, Verdict};
use gdcert::kernel::check_text;
use serde_json::Value;

mod common;
use common::{certify_json, encl, gdcert, verdict};

const DIR: &str = "certificates/instances/attention-pca";

fn certify_path(path: &str, sets: &[&str]) -> (i32, Certificate, String) {
    certify_json("attention-pca", Some(path), sets)
}

fn certify(file: &str, sets: &[&str]) -> (i32, Certificate, String) {
    certify_path(&format!("{DIR}/{file}"), sets)
}

/// The enclosure of `id` contains `value` up to `tol` and is narrower than `tol`.
fn assert_near(c: &Certificate, id: &str, value: f64, tol: f64) {
    let (lo, hi) = encl(c, id);
    assert!(
        lo - tol <= value && value <= hi + tol && hi - lo <= tol,
        "{id}: [{lo}, {hi}] vs {value} ± {tol}"
    );
}

fn assert_contains(c: &Certificate, id: &str, value: f64) {
    let (lo, hi) = encl(c, id);
    assert!(
        lo <= value && value <= hi,
        "{id}: [{lo}, {hi}] does not contain {value}"
    );
}

/// Binary64 GD on ℓ for the diagonal Σ = diag(lam) (an independent reimplementation).
fn gd_diag(lam: &[f64], eta: f64, v0: &[f64], steps: usize) -> Vec<Vec<f64>> {
    let mut v = v0.to_vec();
    let mut out = vec![v.clone()];
    for _ in 0..steps {
        let a: f64 = lam.iter().zip(&v).map(|(l, x)| l * l * x * x).sum();
        let b: f64 = lam.iter().zip(&v).map(|(l, x)| l * x * x).sum();
        v = v
            .iter()
            .zip(lam)
            .map(|(x, l)| x - eta * (-4.0 * l * l * x + 2.0 * l * x * a + 2.0 * l * l * x * b))
            .collect();
        out.push(v.clone());
    }
    out
}

const Q1_LAM: [f64; 5] = [3.0, 1.5, 1.0, 0.5, 0.2];
const V0: [f64; 5] = [0.1, 0.2, -0.1, 0.3, 0.05];

#[test]
fn q1_certifies_the_local_rate_0_9776_and_convergence() {
    let (code, c, text) = gdcert_default();
    assert_eq!(code, 0, "{text}");
    assert_eq!(c.verdict, Verdict::Certified);
    // theorems.md: the local rate max(|1 − 1.44|, 1 − 0.04·0.2·2.8) = 0.9776.
    assert_contains(&c, "P3.local_rate", 0.9776);
    assert_near(&c, "P3.local_rate", 0.9776, 1e-6);
    assert_near(&c, "P3.rate_formula", 0.9776, 0.0);
    // λ_1 = 3, λ_2 = 1.5; Hessian eigenvalues 8λ_1² = 72 and 2λ_5(λ_1 − λ_5) = 1.12; ℓ(v*) = tr Σ − λ_1 = 3.2.
    assert_near(&c, "P3.lambda1", 3.0, 1e-6);
    assert_near(&c, "P3.gap", 1.5, 2e-6);
    assert_near(&c, "P3.step_size", 0.72, 1e-6);
    assert_near(&c, "P3.hessian_max", 72.0, 1e-4);
    assert_near(&c, "P3.hessian_min", 1.12, 1e-4);
    assert_near(&c, "P3.minimiser", 3.2, 1e-6);
    for id in [
        "P2.loss",
        "P2.gradient",
        "P2.hessian",
        "P2.critical.1",
        "P2.critical.5",
        "P3.ball",
        "P3.orbit",
        "P3.convergence",
    ] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    // The claimed K_ε holds on an independent binary64 orbit (ε = 1e-6), with room for rounding.
    let k_eps = encl(&c, "P3.convergence").0 as usize;
    let orbit = gd_diag(&Q1_LAM, 0.02, &V0, k_eps + 200);
    for v in &orbit[k_eps..] {
        let n2: f64 = v.iter().map(|x| x * x).sum();
        assert!(1.0 - v[0].abs() / n2.sqrt() <= 1e-6 && (n2 * 3.0 - 1.0).abs() <= 1e-6);
    }
    assert!(check_text(&text).expect("parses").valid());
}

fn gdcert_default() -> (i32, Certificate, String) {
    let (code, out, err) = gdcert(&["certify", "attention-pca", "--json"]);
    let cert: Certificate = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{err}"));
    (code, cert, out)
}

#[test]
fn eta_3_100_fails_the_step_size_hypothesis_and_never_certifies_convergence() {
    let (code, c, text) = certify("q1.toml", &["eta=3/100"]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(verdict(&c, "P3.step_size"), Verdict::ConditionNotMet);
    assert_near(&c, "P3.step_size", 1.08, 1e-6); // μ = 4ηλ_1² = 1.08
    assert_near(&c, "P3.local_rate", 1.16, 1e-5); // |1 − 8ηλ_1²|
    for id in ["P3.ball", "P3.orbit", "P3.convergence"] {
        assert!(c.claim(id).is_none(), "{id} must not be claimed");
    }
    assert!(c.claims.iter().all(|cl| cl.verdict != Verdict::Violated));
    assert!(check_text(&text).expect("parses").valid());
    // On the top axis GD is paper 5's cubic at μ = 1.08: the 2-cycle s ∈ {0.835743, 1.107908} with
    // multiplier 0.3472 (theorems.md, p9_verify.py).
    assert_eq!(verdict(&c, "P3.axis_reduction"), Verdict::Certified);
    assert_near(&c, "P3.axis.T1.cycle2", 0.835743, 1e-6);
    assert_near(&c, "P3.axis.T1.cycle2.multiplier", 0.3472, 1e-6);
    // theorems.md: GD oscillates, ‖v‖²λ_1 ≈ 0.698 at k = 3000: not convergence to v*.
    let orbit = gd_diag(&Q1_LAM, 0.03, &V0, 3000);
    let n2: f64 = orbit[3000].iter().map(|x| x * x).sum();
    assert!((n2 * 3.0 - 0.698466).abs() < 1e-4, "{}", n2 * 3.0);
}

#[test]
fn equal_top_eigenvalues_are_condition_not_met() {
    let (code, c, text) = certify("fail-gap.toml", &[]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(verdict(&c, "P3.gap"), Verdict::ConditionNotMet);
    assert_near(&c, "P3.top_multiple", 2.0, 0.0);
    assert!(c.claim("P3.minimiser").is_none() && c.claim("P3.convergence").is_none());
    // The rate formula degenerates to 1: 2λ_2(λ_1 − λ_2) = 0.
    assert_near(&c, "P3.rate_formula", 1.0, 0.0);
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn q3_davis_kahan_on_200_seeded_tokens() {
    let (code, c, text) = certify("q3.toml", &[]);
    assert_eq!(code, 0, "{text}");
    // oracles/p9_verify.py: ‖Σ̂ − Σ‖₂ = 0.277956, sin∠ = 0.121301 <= 0.370608.
    assert_near(&c, "P4.deviation", 0.277956, 1e-6);
    assert_near(&c, "P4.sin", 0.121301, 1e-6);
    assert_near(&c, "P4.davis_kahan", 0.370608, 2e-6);
    for id in ["P4.minimiser", "P4.hessian_min", "P4.sin", "P4.davis_kahan"] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn a_matrix_file_gives_the_numbers_of_q1() {
    let dir = std::env::temp_dir().join(format!("gdcert-p9-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("sigma.csv"),
        "3,0,0,0,0\n0,1.5,0,0,0\n0,0,1,0,0\n0,0,0,0.5,0\n0,0,0,0,0.2\n",
    )
    .unwrap();
    let inst = dir.join("file.toml");
    std::fs::write(&inst, "theorem = \"attention-pca\"\nname = \"file\"\nsigma_file = \"sigma.csv\"\neta = 0.02\nv0 = [0.1, 0.2, -0.1, 0.3, 0.05]\nclaims = [\"P3\"]\n").unwrap();
    let (code, c, text) = certify_path(inst.to_str().unwrap(), &[]);
    assert_eq!(code, 0, "{text}");
    assert_contains(&c, "P3.local_rate", 0.9776);
    assert!(check_text(&text).expect("parses").valid());
    // A non-symmetric file is bad input naming the key.
    std::fs::write(dir.join("sigma.csv"), "3,1\n0,1\n").unwrap();
    let (code, _, err) = gdcert(&[
        "certify",
        "attention-pca",
        "--instance",
        inst.to_str().unwrap(),
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains("sigma_file") && err.contains("symmetric"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_exits_65_and_names_the_key() {
    for (sets, key) in [
        (vec!["eta=0"], "eta"),
        (vec!["eta=nan"], "eta"),
        (vec!["v0=1,2"], "v0"),
        (vec!["eps=2"], "eps"),
        (vec!["sigma_file=x.csv"], "sigma_file"),
        (vec!["claims=P4"], "claims"),
        (vec!["tokens=1"], "tokens"),
        (vec!["sigma=1"], "sigma"),
    ] {
        let mut args = vec!["certify", "attention-pca"];
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
fn kernel_rejects_mutated_certificates() {
    let text = std::fs::read_to_string("certificates/attention-pca/q3.json").expect("committed");
    let base: Value = serde_json::from_str(&text).unwrap();
    assert!(!rejected(&base));
    let set = |id: &str, f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(claim_mut(&mut v, id));
        v
    };
    let encl = |lo: &str, hi: &str| serde_json::json!({"lo": lo, "hi": hi});
    let cases: Vec<(&str, Value)> = vec![
        (
            "Krawczyk centre moved",
            set("P3.minimiser", &|c| {
                let x: f64 = c["witness"]["center"][0].as_str().unwrap().parse().unwrap();
                c["witness"]["center"][0] = format!("{}", x + 1e-6).into();
            }),
        ),
        (
            "Krawczyk radius shrunk",
            set("P3.minimiser", &|c| {
                for r in c["witness"]["radius"].as_array_mut().unwrap() {
                    *r = "1e-40".into();
                }
            }),
        ),
        (
            "sample minimiser's tight box moved",
            set("P4.minimiser", &|c| {
                c["witness"]["tight"][0] = encl("0.1", "0.2")
            }),
        ),
        (
            "a faster contraction rate",
            set("P3.ball", &|c| {
                c["witness"]["rate"] = "0.5".into();
                c["enclosure"] = encl("0.5", "0.5");
            }),
        ),
        (
            "a ball box without v*",
            set("P3.ball", &|c| c["witness"]["box"][0]["lo"] = "0.6".into()),
        ),
        (
            "a congruence at another shift",
            set("P3.ball_lower", &|c| c["witness"]["t"] = "2".into()),
        ),
        (
            "a congruence factor entry",
            set("P3.lambda1", &|c| {
                c["witness"]["lower"]["factor"][0] = "2".into()
            }),
        ),
        (
            "an orbit box off the orbit",
            set("P3.orbit", &|c| {
                c["witness"]["boxes"][3][0]["hi"] = "0".into()
            }),
        ),
        (
            "an earlier K_ε",
            set("P3.convergence", &|c| c["enclosure"] = encl("300", "300")),
        ),
        (
            "a local rate excluding 0.9776",
            set("P3.local_rate", &|c| c["enclosure"] = encl("0.9", "0.95")),
        ),
        (
            "a rate formula changed",
            set("P3.rate_formula", &|c| {
                c["enclosure"] = encl("0.9775", "0.9775")
            }),
        ),
        (
            "a narrower deviation",
            set("P4.deviation", &|c| c["enclosure"] = encl("0.2", "0.25")),
        ),
        (
            "a sine below the truth",
            set("P4.sin", &|c| c["enclosure"] = encl("0.1", "0.11")),
        ),
        (
            "a flipped gap hypothesis",
            set("P3.gap", &|c| c["verdict"] = "CONDITION_NOT_MET".into()),
        ),
        (
            "an identity made violated",
            set("P2.loss", &|c| c["verdict"] = "VIOLATED".into()),
        ),
    ];
    for (what, mut v) in cases {
        if what == "a flipped gap hypothesis" {
            v["verdict"] = "CONDITION_NOT_MET".into();
        }
        if what == "an identity made violated" {
            v["verdict"] = "VIOLATED".into();
        }
        assert!(rejected(&v), "not rejected: {what}");
    }
    // A dropped claim, a changed token seed, a changed recorded Σ.
    let mut v = base.clone();
    v["claims"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["id"] != "P4.davis_kahan");
    assert!(rejected(&v));
    let mut v = base.clone();
    v["instance"]["params"]["token_seed"] = "2".into();
    assert!(check_text(&reseal(&v)).map(|r| !r.valid()).unwrap_or(true));
    let mut v = base.clone();
    v["instance"]["matrices"]["Sigma"]["entries"][0] = "4".into();
    assert!(check_text(&reseal(&v)).map(|r| !r.valid()).unwrap_or(true));
}

#[test]
fn committed_certificates_are_current_and_valid() {
    for f in ["q1", "q3", "fail-gap", "fail-eta"] {
        let (_, _, text) = certify(&format!("{f}.toml"), &[]);
        let path = format!("certificates/attention-pca/{f}.json");
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} is missing"));
        assert!(
            committed == text,
            "{path} is stale: run certificates/regenerate.sh"
        );
    }
    // Q2 (the rotated basis, checked at its escalated precision; the slowest kernel run).
    let (code, out, err) = gdcert(&["check", "certificates/attention-pca/q2.json"]);
    assert_eq!(code, 0, "{out}{err}");
}

// ---- P1: the Gaussian reduction of the infinite-prompt limit.

#[test]
fn wick_expectations_are_the_textbook_gaussian_moments() {
    use gdcert::arith::{Poly, Q};
    use gdcert::spec::attention_pca::gaussian_expectation;
    // Σ = [[2, 1/2], [1/2, 3]]; Isserlis by hand: E[x0 x1] = Σ01, E[x0⁴] = 3Σ00²,
    // E[x0² x1²] = Σ00Σ11 + 2Σ01², E[x0³ x1] = 3Σ00Σ01, odd moments vanish.
    let q = |a: i64, b: i64| Q::new(a.into(), b.into());
    let sigma = vec![q(2, 1), q(1, 2), q(1, 2), q(3, 1)];
    let x = Poly::vars(2);
    let e = |p: &Poly| gaussian_expectation(p, &sigma, 2).eval(&[q(0, 1), q(0, 1)]);
    let (x0, x1) = (x[0].clone(), x[1].clone());
    assert_eq!(e(&(x0.clone() * &x1)), q(1, 2));
    assert_eq!(e(&(x0.clone() * &x0 * &x0 * &x0)), q(12, 1));
    assert_eq!(e(&(x0.clone() * &x0 * &x1 * &x1)), q(6, 1) + q(1, 2));
    assert_eq!(e(&(x0.clone() * &x0 * &x0 * &x1)), q(3, 1));
    assert_eq!(e(&(x0.clone() * &x0 * &x0)), q(0, 1));
    // A sixth moment: E[x1⁶] = 15Σ11³.
    let x1_6 = (0..5).fold(x1.clone(), |p, _| p * &x1);
    assert_eq!(e(&x1_6), q(405, 1));
}

#[test]
fn p1_softmax_and_linear_limits_are_certified_exactly_and_checked_by_the_kernel() {
    for file in ["q1.toml", "q2.toml"] {
        let (_, c, text) = certify(file, &[]);
        for id in ["P1.mgf", "P1.softmax"] {
            assert_eq!(verdict(&c, id), Verdict::Certified, "{file} {id}");
        }
        let base: Value = serde_json::from_str(&text).unwrap();
        assert!(!rejected(&base), "{file}");
        // A flipped verdict, or a P1 claim dropped, is rejected.
        let mut v = base.clone();
        claim_mut(&mut v, "P1.softmax")["verdict"] = "VIOLATED".into();
        v["verdict"] = "VIOLATED".into();
        assert!(rejected(&v), "{file}");
        let mut v = base.clone();
        v["claims"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c["id"] != "P1.mgf");
        assert!(rejected(&v), "{file}");
        // The orbit (re-checked in MPFR intervals): a box shrunk to its lower corner is rejected.
        let mut v = base.clone();
        let b = &mut claim_mut(&mut v, "P3.orbit")["witness"]["boxes"][50][2];
        b["hi"] = b["lo"].clone();
        assert!(rejected(&v), "{file}");
    }
    // Without P1 in the claims, no P1 claim is made.
    let (_, c, _) = certify("q1.toml", &["claims=P2,P3"]);
    assert!(c.claims.iter().all(|cl| !cl.id.starts_with("P1.")));
}

#[test]
fn the_softmax_limit_is_sigma_w_by_an_independent_monte_carlo() {
    // Q1's Σ = diag(3, 1.5, 1, 0.5, 0.2), w = (1/6, −1/30, 0.1, 0, 0.2): the softmax weights
    // e^{⟨w,x⟩} on Gaussian tokens give E[e^{⟨w,x⟩}x]/E[e^{⟨w,x⟩}] ≈ Σw = (0.5, −0.05, 0.1, 0, 0.04).
    let lam = [3.0, 1.5, 1.0, 0.5, 0.2];
    let w = [1.0 / 6.0, -1.0 / 30.0, 0.1, 0.0, 0.2];
    let mut state: u64 = 12345;
    let mut unif = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut num, mut den) = ([0.0f64; 5], 0.0f64);
    for _ in 0..400_000 {
        let x: Vec<f64> = lam
            .iter()
            .map(|l| {
                let (u1, u2) = (unif(), unif());
                f64::sqrt(*l)
                    * (-2.0 * (1.0 - u1).ln()).sqrt()
                    * (2.0 * std::f64::consts::PI * u2).cos()
            })
            .collect();
        let a: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>().exp();
        den += a;
        for i in 0..5 {
            num[i] += a * x[i];
        }
    }
    for i in 0..5 {
        let est = num[i] / den;
        assert!((est - lam[i] * w[i]).abs() < 0.02, "component {i}: {est}");
    }
}
