//! Paper 3 (`bradley-terry-metric`): the shipped instances with the numbers of `theorems.md`
//! (Paper 3, (d)) and `oracles/p3_gd.py`, bad input, and the kernel against mutated certificates.
//!
//! Expected numbers come from `theorems.md` and the oracle, or from independent exact computations
//! here, never from the code under test.

use gdcert::certificate::{Certificate, Verdict};
use gdcert::kernel::check_text;

mod common;
use common::{certify_json, encl, gdcert, verdict};

const DIR: &str = "certificates/instances/bradley-terry-metric";

fn certify_path(path: &str, sets: &[&str]) -> (i32, Certificate, String) {
    certify_json("bradley-terry-metric", Some(path), sets)
}

fn certify(file: &str, sets: &[&str]) -> (i32, Certificate, String) {
    certify_path(&format!("{DIR}/{file}"), sets)
}

/// Re-seals a mutated certificate (so the digest is not what rejects it) and runs the kernel.
fn kernel_accepts(mut c: Certificate) -> bool {
    c.digest = c.compute_digest();
    let text = serde_json::to_string_pretty(&c).unwrap();
    check_text(&text).map(|r| r.valid()).unwrap_or(false)
}

#[test]
fn b3_fairness_constant_is_sqrt_1_1_and_the_tight_one_sqrt_1_05() {
    let (code, c, text) = certify("b3.toml", &[]);
    assert_eq!(code, 0, "{text}");
    for id in [
        "S3.psd",
        "S3.perturbation",
        "S3.floor",
        "S3.constant",
        "S3.tight",
    ] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    let (lo, hi) = encl(&c, "S3.constant");
    assert!(1.0488 <= lo && hi <= 1.0489, "[{lo}, {hi}]");
    assert!(lo <= 1.1f64.sqrt() && 1.1f64.sqrt() <= hi);
    let (lo, hi) = encl(&c, "S3.tight");
    assert!(lo <= 1.05f64.sqrt() && 1.05f64.sqrt() <= hi && hi - lo < 1e-12);
    assert!(check_text(&text).expect("parses").valid());
}

#[test]
fn b3_fails_when_epsilon_is_too_small_or_the_floor_too_high() {
    // ‖M̂ − M*‖₂ = 0.05 exactly: ε = 0.04 is not a bound.
    let (code, c, text) = certify("b3.toml", &["epsilon=0.04"]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(verdict(&c, "S3.perturbation"), Verdict::ConditionNotMet);
    assert!(check_text(&text).unwrap().valid());
    // λ_min(M*) = 0.5: m = 0.51 fails.
    let (code, c, _) = certify("b3.toml", &["floor=0.51"]);
    assert_eq!(code, 2);
    assert_eq!(verdict(&c, "S3.floor"), Verdict::ConditionNotMet);
}

#[test]
fn b3_kernel_rejects_mutations() {
    let (_, c, _) = certify("b3.toml", &[]);
    // A flipped hypothesis verdict.
    let mut m = c.clone();
    m.claims
        .iter_mut()
        .find(|x| x.id == "S3.perturbation")
        .unwrap()
        .verdict = Verdict::ConditionNotMet;
    m.verdict = Verdict::ConditionNotMet;
    assert!(!kernel_accepts(m));
    // A constant that excludes sqrt(1.1).
    let mut m = c.clone();
    let cl = m.claims.iter_mut().find(|x| x.id == "S3.constant").unwrap();
    cl.enclosure.as_mut().unwrap().hi = "1.0488".into();
    cl.enclosure.as_mut().unwrap().lo = "1.0487".into();
    assert!(!kernel_accepts(m));
    // A tight bracket whose upper shift is below 1.05.
    let mut m = c.clone();
    let cl = m.claims.iter_mut().find(|x| x.id == "S3.tight").unwrap();
    if let gdcert::certificate::Witness::Bracket { upper, lower, .. } = &mut cl.witness {
        **upper = gdcert::certificate::Witness::Point {
            point: vec!["1.04".into()],
        };
        **lower = gdcert::certificate::Witness::Point {
            point: vec!["1".into()],
        };
    }
    assert!(!kernel_accepts(m));
    // A changed M̂ entry (the data are pinned by the certificate).
    let mut m = c.clone();
    m.instance.matrices.get_mut("estimate").unwrap().entries[0] = "1.2".into();
    assert!(!kernel_accepts(m));
    assert!(kernel_accepts(c));
}

#[test]
fn b3_accepts_matrix_files_and_rejects_bad_ones() {
    let dir = std::env::temp_dir().join(format!("gdcert-bt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mstar.csv"), "1, 0.25\n0.25, 0.5\n").unwrap();
    std::fs::write(dir.join("mhat.csv"), "1.05, 0.25\n0.25, 0.45\n").unwrap();
    std::fs::write(dir.join("asym.csv"), "1, 0.2\n0.25, 0.5\n").unwrap();
    let inst = |truth: &str, name: &str| {
        let p = dir.join(name);
        std::fs::write(
            &p,
            format!(
                "theorem = \"bradley-terry-metric\"\ntruth_file = \"{truth}\"\nestimate_file = \"mhat.csv\"\nepsilon = 0.05\nfloor = 0.2\n"
            ),
        )
        .unwrap();
        p.display().to_string()
    };
    // M* = [[1, 1/4], [1/4, 1/2]] has λ_min = (3 − √2)/4 ≈ 0.396 > 0.2.
    let (code, c, text) = certify_path(&inst("mstar.csv", "ok.toml"), &[]);
    assert_eq!(code, 0, "{text}");
    let (lo, hi) = encl(&c, "S3.constant");
    assert!(lo <= 1.25f64.sqrt() && 1.25f64.sqrt() <= hi);
    assert!(check_text(&text).unwrap().valid());
    let (code, _, err) = gdcert(&[
        "certify",
        "bradley-terry-metric",
        "--instance",
        &inst("asym.csv", "bad.toml"),
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains("truth_file") && err.contains("symmetric"),
        "{err}"
    );
    let (code, _, err) = gdcert(&[
        "certify",
        "bradley-terry-metric",
        "--instance",
        &inst("missing.csv", "bad2.toml"),
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("missing.csv"), "{err}");
}

#[test]
fn generator_reproduces_the_shipped_seed_1_data() {
    use gdcert::spec::bradley_terry::generate;
    use gdcert::theorems::bradley_terry::data_from_matrices;
    let read = |f: &str| {
        gdcert::linalg::io::read_matrix(std::path::Path::new(&format!("{DIR}/{f}"))).unwrap()
    };
    for (name, d, truth, n) in [
        ("b1", 4, vec![2.0, 0.0, 0.0, 0.0], 4000),
        ("b2", 6, vec![2.0, 1.0, 0.0, 0.0, 0.0, 0.0], 8000),
        (
            "fail",
            10,
            vec![2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            60,
        ),
    ] {
        let mut m = vec![0.0; d * d];
        for i in 0..d {
            m[i * d + i] = truth[i];
        }
        let g = generate(d, &m, 200, n, 1);
        let shipped = data_from_matrices(
            &read(&format!("{name}_items.csv")),
            &read(&format!("{name}_triplets.csv")),
        )
        .unwrap();
        assert_eq!(g, shipped, "{name}");
    }
}

#[test]
fn b1_numbers_match_the_oracle() {
    // The committed certificate (the kernel re-checks it in `gdcert check certificates`, ~10 s of
    // CPU; the mutation test below certifies and checks a shorter orbit).
    let text = std::fs::read_to_string("certificates/bradley-terry-metric/b1.json").unwrap();
    let c: Certificate = serde_json::from_str(&text).unwrap();
    assert_eq!(c.verdict, Verdict::Certified);
    // theorems.md: 83.85% agreement, exactly 3354/4000.
    assert_eq!(encl(&c, "data.agreement"), (0.8385, 0.8385));
    let near = |id: &str, v: f64, tol: f64| {
        let (lo, hi) = encl(&c, id);
        assert!(
            lo - tol <= v && v <= hi + tol && hi - lo < tol,
            "{id}: [{lo}, {hi}] vs {v}"
        );
    };
    near("init.eigenvalue.1", 0.31077, 1e-5);
    near("S1.hessian_min", 0.32852, 1e-5);
    near("S1.hessian_max", 2.28166, 1e-5);
    near("S1.local_rate", 0.98357, 1e-5);
    near("S1.distance", 0.075980, 1e-6);
    near("S1.stationary", 0.326139, 1e-6);
    // The orbit: e_0 = 1.74816, e_200 = 0.059879, max ratio 0.98583 (oracle), certified <= 0.986.
    near("S1.orbit", 0.059879, 1e-6);
    near("S1.contraction", 0.98583, 1e-5);
    assert_eq!(verdict(&c, "S1.contraction"), Verdict::Certified);
    // Û = ±(−1.434307, 0.015382, −0.004685, −0.018663): the tight box holds one of them.
    let cl = c.claim("S1.stationary").unwrap();
    let gdcert::certificate::Witness::Stationary { tight, .. } = &cl.witness else {
        panic!("no stationary witness")
    };
    let want = [-1.434307, 0.015382, -0.004685, -0.018663];
    let got: Vec<f64> = tight
        .iter()
        .map(|e| gdcert::arith::exact::q_to_f64(&e.parse().unwrap().0))
        .collect();
    let sign = if got[0] < 0.0 { 1.0 } else { -1.0 };
    for (g, w) in got.iter().zip(want) {
        assert!((g - sign * w).abs() < 1e-6, "{got:?}");
    }
    assert_eq!(verdict(&c, "S1.hessian_pd"), Verdict::Certified);
}

#[test]
fn fail_instance_is_separable_and_never_certified() {
    let (code, c, text) = certify("fail.toml", &[]);
    assert_eq!(code, 2, "{text}");
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(encl(&c, "data.agreement"), (0.95, 0.95));
    let (lo, hi) = encl(&c, "H.minimiser");
    assert!((lo - 1.793).abs() < 1e-3 && lo == hi, "{lo}");
    // Independent exact check of the witness: every margin y_t<UU^T, A_t> is positive.
    let cl = c.claim("H.minimiser").unwrap();
    let gdcert::certificate::Witness::Point { point } = &cl.witness else {
        panic!("no point witness")
    };
    let u: Vec<f64> = point.iter().map(|s| s.parse::<f64>().unwrap()).collect();
    let items = &c.instance.matrices["items"];
    let x = |i: usize, a: usize| items.entries[i * 10 + a].parse::<f64>().unwrap();
    let trip = &c.instance.matrices["triplets"];
    for t in 0..60 {
        let v = |k: usize| trip.entries[t * 4 + k].parse::<f64>().unwrap();
        let (i, j, k, y) = (v(0) as usize, v(1) as usize, v(2) as usize, v(3));
        let mut s = 0.0;
        for col in 0..2 {
            let up: f64 = (0..10).map(|a| (x(i, a) - x(k, a)) * u[a * 2 + col]).sum();
            let uq: f64 = (0..10).map(|a| (x(i, a) - x(j, a)) * u[a * 2 + col]).sum();
            s += up * up - uq * uq;
        }
        assert!(y * s > 1.7, "triplet {t}: margin {}", y * s);
    }
    // Spectral eigenvalues 0.5061 and 0.2923 (oracle).
    let (lo, hi) = encl(&c, "init.eigenvalue.1");
    assert!(lo <= 0.50606 && 0.50605 <= hi);
    let (lo, hi) = encl(&c, "init.eigenvalue.2");
    assert!(lo <= 0.29230 && 0.29229 <= hi);
    assert!(check_text(&text).unwrap().valid());
    // A certificate that claims a minimiser exists is rejected, whatever the margin.
    let mut m = c.clone();
    let cl = m.claims.iter_mut().find(|x| x.id == "H.minimiser").unwrap();
    cl.verdict = Verdict::Certified;
    m.verdict = Verdict::Certified;
    assert!(!kernel_accepts(m));
    // A changed witness entry changes the exact margin, which the enclosure no longer holds.
    let mut m = c.clone();
    let cl = m.claims.iter_mut().find(|x| x.id == "H.minimiser").unwrap();
    if let gdcert::certificate::Witness::Point { point } = &mut cl.witness {
        point[0] = "0.5".into();
    }
    assert!(!kernel_accepts(m));
    // A flipped label changes the data the certificate pins.
    let mut m = c.clone();
    let t = m.instance.matrices.get_mut("triplets").unwrap();
    t.entries[3] = if t.entries[3] == "1" {
        "-1".into()
    } else {
        "1".into()
    };
    assert!(!kernel_accepts(m));
}

/// The gauge slice and the tight box of `Û` of a B2 certificate, as binary64 midpoints in all 12
/// coordinates.
fn b2_u_hat(c: &Certificate) -> Vec<f64> {
    use gdcert::arith::exact::q_to_f64;
    use gdcert::certificate::Witness;
    let Witness::Slice { fixed, values, .. } = &c.claim("S1.gauge").unwrap().witness else {
        panic!("no slice witness")
    };
    let Witness::Stationary { tight, .. } = &c.claim("S1.stationary").unwrap().witness else {
        panic!("no stationary witness")
    };
    let mid = |(lo, hi): (gdcert::arith::exact::Q, gdcert::arith::exact::Q)| {
        0.5 * (q_to_f64(&lo) + q_to_f64(&hi))
    };
    let t: Vec<f64> = tight.iter().map(|e| mid(e.parse().unwrap())).collect();
    let v: Vec<f64> = values
        .iter()
        .map(|s| q_to_f64(&gdcert::arith::exact::parse_q(s).unwrap()))
        .collect();
    gdcert::spec::bradley_terry::embed(&t, fixed, &v)
}

#[test]
fn b2_numbers_match_the_numpy_oracle() {
    // The committed certificate against tests/oracles/p3_b2.py (numpy float64, least-squares
    // Newton on the full 12 coordinates: no slice, no intervals).
    let text = std::fs::read_to_string("certificates/bradley-terry-metric/b2.json").unwrap();
    let c: Certificate = serde_json::from_str(&text).unwrap();
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(encl(&c, "data.agreement"), (0.893875, 0.893875));
    let near = |id: &str, v: f64, tol: f64| {
        let (lo, hi) = encl(&c, id);
        assert!(
            lo - tol <= v && v <= hi + tol && hi - lo < tol,
            "{id}: [{lo}, {hi}] vs {v}"
        );
    };
    near("init.eigenvalue.1", 0.3527242, 1e-6);
    near("init.eigenvalue.2", 0.2097274, 1e-6);
    near("S1.stationary", 0.232369435, 1e-8);
    near("S1.hessian_min", 0.23396783, 1e-6);
    near("S1.hessian_max", 2.55866369, 1e-6);
    near("S1.local_rate", 0.98830161, 1e-7);
    near("S1.distance", 0.076706458, 1e-8);
    for id in ["S1.gauge", "S1.hessian_pd", "S1.local_rate"] {
        assert_eq!(verdict(&c, id), Verdict::Certified, "{id}");
    }
    // M̂ = ÛÛᵀ is gauge invariant: entries of the oracle's M̂.
    let u = b2_u_hat(&c);
    let m = |a: usize, b: usize| u[2 * a] * u[2 * b] + u[2 * a + 1] * u[2 * b + 1];
    for (a, b, want) in [
        (0, 0, 1.945627),
        (1, 1, 0.985353),
        (0, 1, -0.006204),
        (1, 5, 0.0332),
        (5, 5, 0.001154),
    ] {
        assert!((m(a, b) - want).abs() < 2e-6, "M̂[{a}][{b}] = {}", m(a, b));
    }
}

#[test]
fn gauge_invariance_makes_the_gradient_orthogonal_to_the_orbit() {
    // The identity the slice argument rests on: ⟨∇ℓ(U), UΩ⟩ = 0 for every U (not only at Û),
    // checked in binary64 at a point far from any critical point.
    use gdcert::spec::bradley_terry::{generate, BtLoss};
    let mut m = vec![0.0; 36];
    m[0] = 2.0;
    m[7] = 1.0;
    let data = generate(6, &m, 50, 300, 7);
    let loss = BtLoss::new(&data, 2);
    let arms = loss.arms_in(&0.0f64);
    let u: Vec<f64> = (0..12).map(|k| ((k * 7 % 5) as f64 - 2.0) * 0.3).collect();
    let g = loss.gradient_with(&arms, &u);
    let (mut dot, mut size) = (0.0, 0.0);
    for a in 0..6 {
        // UΩ, Ω = [[0, 1], [−1, 0]]: (UΩ)_(a,1) = −U_(a,2), (UΩ)_(a,2) = U_(a,1).
        dot += g[2 * a] * -u[2 * a + 1] + g[2 * a + 1] * u[2 * a];
        size += g[2 * a].abs() * u[2 * a + 1].abs() + g[2 * a + 1].abs() * u[2 * a].abs();
    }
    assert!(size > 1e-3, "the test point is nearly critical");
    assert!(dot.abs() < 1e-12 * size, "{dot} vs {size}");
}

#[test]
fn b2_certifies_and_the_kernel_rejects_mutations() {
    let (code, c, text) = certify("b2.toml", &[]);
    assert_eq!(code, 0, "{text}");
    // The committed certificate is current.
    assert_eq!(
        text,
        std::fs::read_to_string("certificates/bradley-terry-metric/b2.json").unwrap()
    );
    assert!(kernel_accepts(c.clone()));
    use gdcert::certificate::Witness;
    let with = |f: &dyn Fn(&mut Certificate)| {
        let mut m = c.clone();
        f(&mut m);
        kernel_accepts(m)
    };
    // The slice moved (its value by 1e-3, or to another coordinate): the Krawczyk box was
    // built for the recorded slice.
    assert!(!with(&|m| {
        let cl = m.claims.iter_mut().find(|x| x.id == "S1.gauge").unwrap();
        if let Witness::Slice { values, .. } = &mut cl.witness {
            let v =
                gdcert::arith::exact::q_to_f64(&gdcert::arith::exact::parse_q(&values[0]).unwrap());
            values[0] = format!("{}", v + 1e-3);
        }
    }));
    assert!(!with(&|m| {
        let cl = m.claims.iter_mut().find(|x| x.id == "S1.gauge").unwrap();
        if let Witness::Slice { fixed, .. } = &mut cl.witness {
            fixed[0] = if fixed[0] == 3 { 5 } else { 3 };
        }
    }));
    // No gauge claim: the stationary claim alone does not give ∇ℓ(Û) = 0.
    assert!(!with(&|m| m.claims.retain(|x| x.id != "S1.gauge")));
    // μ_h's lower shift raised to 0.25 > λ_2 = 0.23397 (two eigenvalues lie below it).
    assert!(!with(&|m| {
        let cl = m
            .claims
            .iter_mut()
            .find(|x| x.id == "S1.hessian_min")
            .unwrap();
        if let Witness::Bracket { lower, .. } = &mut cl.witness {
            if let Witness::Congruence { t, .. } = lower.as_mut() {
                *t = "0.25".into();
            }
        }
    }));
    // μ_h claimed as eigenvalue 1 (which is 0, along the gauge direction).
    assert!(!with(&|m| {
        let cl = m
            .claims
            .iter_mut()
            .find(|x| x.id == "S1.hessian_min")
            .unwrap();
        if let Witness::Bracket { index, .. } = &mut cl.witness {
            *index = 1;
        }
    }));
    // ‖ÛÛᵀ − M*‖_F recorded as 0.0767 (the true value is 0.0767065).
    assert!(!with(&|m| {
        let cl = m.claims.iter_mut().find(|x| x.id == "S1.distance").unwrap();
        cl.enclosure = Some(gdcert::certificate::Encl::point(
            &gdcert::arith::exact::q_frac(767, 10000),
        ));
    }));
}

#[test]
fn rank_3_is_undecided_and_the_kernel_accepts_it() {
    // No slice for r > 2 in this version: S1 says UNDECIDED, never CERTIFIED.
    let (code, c, text) = certify("b2.toml", &["rank=3", "gd_steps=2"]);
    assert_eq!(code, 3, "{text}");
    assert_eq!(verdict(&c, "S1.stationary"), Verdict::Undecided);
    assert!(kernel_accepts(c));
}

#[test]
fn b1_kernel_rejects_mutations() {
    // B1 with a 10-step orbit, to keep the kernel runs short.
    let (code, c, text) = certify("b1.toml", &["gd_steps=10"]);
    assert_eq!(code, 0, "{text}");
    assert!(kernel_accepts(c.clone()));
    let with = |f: &dyn Fn(&mut Certificate)| {
        let mut m = c.clone();
        f(&mut m);
        kernel_accepts(m)
    };
    // A Krawczyk centre moved by 1e-6 (outside the verified box).
    assert!(!with(&|m| {
        let cl = m
            .claims
            .iter_mut()
            .find(|x| x.id == "S1.stationary")
            .unwrap();
        if let gdcert::certificate::Witness::Stationary { center, .. } = &mut cl.witness {
            let v: f64 = center[1].parse().unwrap();
            center[1] = format!("{}", v + 1e-6);
        }
    }));
    // A bracket shifted above the eigenvalue.
    assert!(!with(&|m| {
        let cl = m
            .claims
            .iter_mut()
            .find(|x| x.id == "init.eigenvalue.1")
            .unwrap();
        if let gdcert::certificate::Witness::Bracket { lower, .. } = &mut cl.witness {
            if let gdcert::certificate::Witness::Congruence { t, .. } = lower.as_mut() {
                *t = "0.311".into();
            }
        }
    }));
    // An orbit box shrunk to its lower end: GD's image leaves it.
    assert!(!with(&|m| {
        let cl = m.claims.iter_mut().find(|x| x.id == "S1.orbit").unwrap();
        if let gdcert::certificate::Witness::GdOrbit { boxes, .. } = &mut cl.witness {
            boxes[5][0].hi = boxes[5][0].lo.clone();
        }
    }));
    // A contraction factor below the orbit's true ratio 0.98583 (theorems.md) claimed certified.
    assert!(!with(&|m| {
        m.instance.params.insert("rho".into(), "0.985".into());
        let cl = m
            .claims
            .iter_mut()
            .find(|x| x.id == "S1.contraction")
            .unwrap();
        cl.bound = Some(gdcert::certificate::Bound::point(
            "<=",
            &gdcert::arith::q_frac(985, 1000),
        ));
    }));
}

#[test]
fn closed_form_derivatives_agree_with_automatic_differentiation() {
    use gdcert::arith::{FirstOrder, SecondOrder};
    use gdcert::spec::bradley_terry::{generate, BtLoss};
    let truth = [2.0, 0.3, 0.0, 0.3, 1.0, 0.0, 0.0, 0.0, 0.5];
    let data = generate(3, &truth, 30, 200, 7);
    for r in [1, 2] {
        let loss = BtLoss::new(&data, r);
        let u: Vec<f64> = (0..3 * r)
            .map(|k| 0.3 + 0.17 * k as f64 - 0.05 * (k * k) as f64)
            .collect();
        let arms = loss.arms_in(&0.0f64);
        let g = loss.gradient_with(&arms, &u);
        let h = loss.hessian_with(&arms, &u);
        let g_ad = loss.value(&FirstOrder::seed(&u)).gradient(3 * r);
        let h_ad = loss.value(&SecondOrder::seed(&u)).hessian(3 * r);
        for (a, b) in g.iter().zip(&g_ad).chain(h.iter().zip(&h_ad)) {
            assert!(
                (a - b).abs() < 1e-12 * (1.0 + b.abs()),
                "r = {r}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn certification_is_deterministic() {
    let (_, _, a) = certify("fail.toml", &[]);
    let (_, _, b) = certify("fail.toml", &[]);
    assert_eq!(a, b);
    // The committed certificates are current (B1's 200-step orbit is left to `regenerate.sh`).
    assert_eq!(
        a,
        std::fs::read_to_string("certificates/bradley-terry-metric/fail.json").unwrap()
    );
    let shipped = std::fs::read_to_string("certificates/bradley-terry-metric/b3.json").unwrap();
    let (_, _, b3) = certify("b3.toml", &[]);
    assert_eq!(shipped, b3);
}

#[test]
fn bad_data_files_exit_65_naming_file_and_key() {
    let dir = std::env::temp_dir().join(format!("gdcert-bt-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("items.csv"), "0,0\n1,0\n0,1\n1,1\n").unwrap();
    let cases = [
        ("0,1,2,1\n0,1,1,-1\n", "distinct"),
        ("0,1,2,2\n", "label"),
        ("0,1,7,1\n", "item index"),
        ("0,1,2\n", "columns"),
    ];
    for (k, (trip, what)) in cases.iter().enumerate() {
        std::fs::write(dir.join(format!("t{k}.csv")), trip).unwrap();
        let inst = dir.join(format!("i{k}.toml"));
        std::fs::write(
            &inst,
            format!("theorem = \"bradley-terry-metric\"\ntruth = [1, 0]\nitems_file = \"items.csv\"\ntriplets_file = \"t{k}.csv\"\n"),
        )
        .unwrap();
        let (code, _, err) = gdcert(&[
            "certify",
            "bradley-terry-metric",
            "--instance",
            inst.to_str().unwrap(),
        ]);
        assert_eq!(code, 65, "{err}");
        assert!(
            err.contains("triplets_file") && err.contains(what),
            "{what}: {err}"
        );
    }
    // A seeded instance without a number of triplets, and a rank above d.
    let inst = dir.join("seed.toml");
    std::fs::write(
        &inst,
        "theorem = \"bradley-terry-metric\"\ntruth = [1, 0]\nseed = 3\n",
    )
    .unwrap();
    let (code, _, err) = gdcert(&[
        "certify",
        "bradley-terry-metric",
        "--instance",
        inst.to_str().unwrap(),
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("triplets"), "{err}");
    let (code, _, err) = gdcert(&[
        "certify",
        "bradley-terry-metric",
        "--instance",
        inst.to_str().unwrap(),
        "--set",
        "triplets=10",
        "--set",
        "rank=3",
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(err.contains("rank"), "{err}");
}

#[test]
fn s2_audit_reproduces_b1_and_its_recorded_seeds() {
    let dir = std::env::temp_dir().join(format!("gdcert-p3-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = |f: &str| dir.join(f).to_string_lossy().into_owned();
    let audit = |sizes: &str, seeds: &str, out: &str| {
        gdcert(&[
            "audit",
            "bradley-terry-metric",
            "--sizes",
            sizes,
            "--seeds",
            seeds,
            "--jobs",
            "1",
            "--out",
            &path(out),
            "--force",
        ])
    };
    let (code, stdout, err) = audit("500,4000", "3", "r.json");
    // An audit passes, fails or is undecided; it never certifies.
    assert!([0, 1, 3].contains(&code), "exit {code}: {err}");
    assert!(!stdout.contains("CERTIFIED"), "{stdout}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("r.json")).expect("report"))
            .expect("json");
    let runs = r["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 6);
    let error = |size: u64, seed: u64| {
        runs.iter()
            .find(|x| x["size"] == size && x["seed"] == seed)
            .and_then(|x| x["values"]["error"].as_f64())
            .unwrap_or_else(|| panic!("run ({size}, {seed}) missing"))
    };
    // n = 4000, seed 1 is B1: ‖ÛÛᵀ − M*‖_F = 0.075980 (theorems.md, Paper 3 (d)).
    assert!(
        (error(4000, 1) - 0.075980).abs() < 1e-6,
        "{}",
        error(4000, 1)
    );
    // The slope is the least-squares slope of the recorded runs, recomputed here.
    let pts: Vec<(f64, f64)> = runs
        .iter()
        .map(|x| {
            (
                x["size"].as_f64().expect("size").ln(),
                x["values"]["error"].as_f64().expect("error").ln(),
            )
        })
        .collect();
    let k = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / k,
        pts.iter().map(|p| p.1).sum::<f64>() / k,
    );
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let st = &r["statistics"][0];
    assert_eq!(st["id"], "S2.slope");
    let est = st["estimate"].as_f64().expect("estimate");
    assert!((est - sxy / sxx).abs() < 1e-9, "{est} vs {}", sxy / sxx);
    assert!(st["criterion"]
        .as_str()
        .expect("criterion")
        .contains("[-0.65, -0.35]"));
    // `gdcert check` re-runs the first recorded seed and recomputes the statistics.
    let (code, out, err) = gdcert(&["check", &path("r.json")]);
    assert_eq!(code, 0, "{out}{err}");
    // A recorded seed re-run alone gives the same number, bit for bit.
    let (code, _, err) = audit("500", "1", "one.json");
    assert!([0, 1, 3].contains(&code), "exit {code}: {err}");
    let one: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("one.json")).expect("report"))
            .expect("json");
    assert_eq!(
        one["runs"][0]["values"]["error"].as_f64(),
        Some(error(500, 1))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
