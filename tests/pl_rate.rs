//! Paper 10 (`pl-asymptotic-rate`): every shipped instance gives its expected verdict and the
//! numbers of theorems.md, its certificate passes the kernel, the failing instance is never
//! CERTIFIED, the trap F2 takes its rate at the limit, other steps, starts and coefficients work, and
//! bad input is refused with exit code 65. Reference values are computed here independently: plain
//! GD iterated with MPFR at 1024 bits (`rug`), closed forms, and a quadrature written here; never
//! taken from the code under test.

use gdcert::arith::{parse_q, Q};
use gdcert::certificate::{Certificate, Role, Verdict, Witness};
use gdcert::methods::escalation::ArithChoice;
use gdcert::theorems::{self, instance, RunOptions};
use rug::Float;

const DIR: &str = "certificates/instances/pl-asymptotic-rate";
const PREC: u32 = 1024;

fn run_with(file: &str, sets: &[&str], max_bits: u32) -> (Certificate, String) {
    let th = theorems::find("pl-asymptotic-rate").unwrap();
    let path = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(&path).unwrap();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let params = instance::load(th.id(), &th.schema(), &path, &text, &sets).unwrap();
    let opts = RunOptions {
        arith: ArithChoice::Interval,
        max_bits,
    };
    let claims = th.certify(&params, &opts).unwrap();
    theorems::assemble(th, &params, &opts, claims)
}

fn run(file: &str, sets: &[&str]) -> (Certificate, String) {
    run_with(file, sets, 2048)
}

fn q(s: &str) -> Q {
    parse_q(s).unwrap()
}

fn encl(c: &Certificate, id: &str) -> (Q, Q) {
    c.claim(id)
        .unwrap_or_else(|| panic!("claim {id} missing"))
        .enclosure
        .as_ref()
        .unwrap_or_else(|| panic!("{id} has no enclosure"))
        .parse()
        .unwrap()
}

fn verdict(c: &Certificate, id: &str) -> Verdict {
    c.claim(id)
        .unwrap_or_else(|| panic!("claim {id} missing"))
        .verdict
}

fn inside(e: &(Q, Q), lo: &str, hi: &str) -> bool {
    q(lo) <= e.0 && e.1 <= q(hi)
}

/// The enclosure holds the 1024-bit reference value (widened by 2^-900 of its size).
fn holds(e: &(Q, Q), v: &Float) -> bool {
    let x = v.to_rational().unwrap();
    let tol = rug::Rational::from(x.abs_ref()) / (rug::Integer::from(1) << 900u32);
    let (lo, hi) = (
        gdcert::arith::exact::rug_from_q(&e.0),
        gdcert::arith::exact::rug_from_q(&e.1),
    );
    lo <= rug::Rational::from(&x - &tol) && rug::Rational::from(&x + &tol) <= hi
}

fn fl(s: &str) -> Float {
    Float::with_val(PREC, gdcert::arith::exact::rug_from_q(&q(s)))
}

fn kernel_accepts(text: &str) {
    let r = gdcert::kernel::check_text(text).unwrap_or_else(|m| panic!("malformed: {}", m.0));
    let bad: Vec<_> = r
        .claims
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.id, c.reason))
        .collect();
    assert!(r.valid(), "kernel rejects: {:?} {bad:?}", r.problems);
}

/// Plain GD on ½(ab − 1)² at 1024 bits; `n + 1` points.
fn product_orbit(gamma: &str, a0: &str, b0: &str, n: usize) -> Vec<(Float, Float)> {
    let g = fl(gamma);
    let (mut a, mut b) = (fl(a0), fl(b0));
    let mut out = vec![(a.clone(), b.clone())];
    for _ in 0..n {
        let r = Float::with_val(PREC, &a * &b) - 1u32;
        let na = Float::with_val(PREC, &a - Float::with_val(PREC, &g * &b) * &r);
        let nb = Float::with_val(PREC, &b - Float::with_val(PREC, &g * &a) * &r);
        a = na;
        b = nb;
        out.push((a.clone(), b.clone()));
    }
    out
}

fn product_f(p: &(Float, Float)) -> Float {
    let r = Float::with_val(PREC, &p.0 * &p.1) - 1u32;
    Float::with_val(PREC, &r * &r) / 2u32
}

/// Plain GD on ½(1 + x²)y² + (b/2)z² at 1024 bits.
fn valley_orbit(gamma: &str, b: &str, t0: [&str; 3], n: usize) -> Vec<[Float; 3]> {
    let (g, bb) = (fl(gamma), fl(b));
    let mut v = [fl(t0[0]), fl(t0[1]), fl(t0[2])];
    let mut out = vec![v.clone()];
    for _ in 0..n {
        let [x, y, z] = &v;
        let x2 = Float::with_val(PREC, x * x);
        let nx = Float::with_val(
            PREC,
            x - Float::with_val(PREC, &g * x) * Float::with_val(PREC, y * y),
        );
        let ny = Float::with_val(PREC, y - Float::with_val(PREC, &g * y) * (x2 + 1u32));
        let nz = Float::with_val(PREC, z - Float::with_val(PREC, &g * &bb) * z);
        v = [nx, ny, nz];
        out.push(v.clone());
    }
    out
}

fn valley_f(b: &str, v: &[Float; 3]) -> Float {
    let [x, y, z] = v;
    let u = Float::with_val(PREC, x * x) + 1u32;
    (u * Float::with_val(PREC, y * y) + fl(b) * Float::with_val(PREC, z * z)) / 2u32
}

fn abs1(g: &Float, lambda: &Float) -> Float {
    (Float::with_val(PREC, 1) - Float::with_val(PREC, g * lambda)).abs()
}

/// Checks a product-family instance against theorems.md's `w∞` and `ρ*` and the 1024-bit reference.
fn check_product(file: &str, gamma: &str, a0: &str, b0: &str, w_md: &str, rho_md: &str) {
    let (c, text) = run(file, &[]);
    assert_eq!(c.verdict, Verdict::Certified, "{file}");
    let orbit = product_orbit(gamma, a0, b0, 4000);
    let (a, b) = orbit[4000].clone();
    let w = Float::with_val(PREC, &a * &a) + Float::with_val(PREC, &b * &b);
    let g = fl(gamma);
    let rho = abs1(&g, &w);
    let rho2 = Float::with_val(PREC, &rho * &rho);
    for id in [
        "G1.limit.lambda_min",
        "G1.limit.lambda_max",
        "G1.hyp.local_pl",
    ] {
        assert!(holds(&encl(&c, id), &w), "{file} {id}");
    }
    assert!(
        holds(&encl(&c, "G1.limit.a"), &a) && holds(&encl(&c, "G1.limit.b"), &b),
        "{file} limit point"
    );
    assert!(holds(&encl(&c, "G1.rate"), &rho), "{file} rate");
    assert!(holds(&encl(&c, "G1.rate_f"), &rho2), "{file} rate_f");
    assert!(
        holds(&encl(&c, "ratio.rate_f"), &rho2),
        "{file} ratio.rate_f"
    );
    // One normal direction: the PL-only bound equals ρ*².
    assert!(holds(&encl(&c, "G1.pl_only_rate"), &rho2), "{file} pl_only");
    // theorems.md's digits, to one unit of the last digit given.
    let near = |e: (Q, Q), md: &str| {
        let decimals = md.split('.').nth(1).map_or(0, str::len);
        let unit = q(&format!("1e-{decimals}"));
        let v = q(md);
        e.0 >= &v - &unit && e.1 <= &v + &unit
    };
    assert!(
        near(encl(&c, "G1.limit.lambda_max"), w_md),
        "{file}: w∞ = {w_md}"
    );
    assert!(near(encl(&c, "G1.rate"), rho_md), "{file}: ρ* = {rho_md}");
    for id in [
        "G1.hyp.convergence",
        "G1.hyp.local_pl",
        "G1.hyp.step_at_limit",
    ] {
        assert_eq!(c.claim(id).unwrap().role, Role::Hypothesis, "{id}");
        assert_eq!(verdict(&c, id), Verdict::Certified, "{file} {id}");
    }
    check_ratios(&c, |n| {
        let f0 = product_f(&orbit[n]);
        let f1 = product_f(&orbit[n + 1]);
        (f1 / f0, product_f(&orbit[n]))
    });
    kernel_accepts(&text);
}

/// The observed-ratio claims: the orbit reaches 1e-60, every certified ratio holds the reference
/// ratio, and the window lies in the band around ρ*².
fn check_ratios(c: &Certificate, reference: impl Fn(usize) -> (Float, Float)) {
    let n_last = match &c.claim("ratio.f_reached").unwrap().witness {
        Witness::Uses { step: Some(n), .. } => *n,
        w => panic!("ratio.f_reached witness {w:?}"),
    };
    assert_eq!(verdict(c, "ratio.f_reached"), Verdict::Certified);
    let f = encl(c, "ratio.f_reached");
    assert!(f.1 <= q("1e-60") && f.0 > q("0"), "f reaches 1e-60");
    assert!(holds(&f, &reference(n_last).1), "f at the last step");
    for n in n_last - 6..n_last {
        let id = format!("ratio.n.{n}");
        assert!(holds(&encl(c, &id), &reference(n).0), "{id}");
    }
    assert_eq!(verdict(c, "ratio.window"), Verdict::Certified);
    let w = c.claim("ratio.window").unwrap();
    let (rl, rh) = encl(c, "ratio.rate_f");
    let b = w.bound.as_ref().unwrap();
    assert_eq!(b.relation, "in");
    let (bl, bh) = b.value.parse().unwrap();
    let eps = q("1e-20");
    assert_eq!((bl, bh), (rl - &eps, rh + &eps), "band ρ*² ± 1e-20");
}

#[test]
fn r1_done_criterion_and_reference() {
    // The done criterion: ρ* ∈ [0.0833613, 0.0833614].
    let (c, _) = run("r1.toml", &[]);
    assert!(inside(&encl(&c, "G1.rate"), "0.0833613", "0.0833614"));
    check_product("r1.toml", "0.1", "3.0", "0.2", "9.166386679", "0.083361332");
}

#[test]
fn r2_and_r3() {
    check_product(
        "r2.toml",
        "0.15",
        "2.5",
        "0.5",
        "6.316543146",
        "0.052518528",
    );
    check_product("r3.toml", "0.25", "1.5", "0.9", "2.457532106", "0.38561697");
}

#[test]
fn r4_valley_rate_against_pl_only() {
    let (c, text) = run("r4.toml", &[]);
    assert_eq!(c.verdict, Verdict::Certified);
    let orbit = valley_orbit("0.2", "4", ["1", "0.5", "0.3"], 3000);
    let x = orbit[3000][0].clone();
    let g = fl("0.2");
    let ly = Float::with_val(PREC, &x * &x) + 1u32;
    let rho = abs1(&g, &ly).max(&abs1(&g, &fl("4")));
    assert!(holds(&encl(&c, "G1.limit.x"), &x));
    assert!(
        inside(&encl(&c, "G1.limit.x"), "0.92231365", "0.92231367"),
        "x∞ = 0.92231366"
    );
    assert!(holds(&encl(&c, "G1.limit.lambda_min"), &ly));
    assert!(inside(
        &encl(&c, "G1.limit.lambda_max"),
        "3.999999",
        "4.000001"
    ));
    assert!(holds(&encl(&c, "G1.rate"), &rho));
    assert!(
        inside(&encl(&c, "G1.rate"), "0.6298675", "0.6298685"),
        "ρ* = 0.629868"
    );
    assert!(
        inside(&encl(&c, "G1.rate_f"), "0.39673", "0.39674"),
        "ρ*² = 0.39673"
    );
    // The PL-only bound with μ_PL = 1 + x∞² and L = b = 4: 0.5558, strictly worse.
    let pl = Float::with_val(PREC, 1)
        - Float::with_val(PREC, &g * &ly)
            * (Float::with_val(PREC, 2) - Float::with_val(PREC, &g * 4u32));
    assert!(holds(&encl(&c, "G1.pl_only_rate"), &pl));
    assert!(
        inside(&encl(&c, "G1.pl_only_rate"), "0.5558", "0.5559"),
        "PL-only 0.5558"
    );
    assert!(encl(&c, "G1.pl_only_rate").0 > encl(&c, "G1.rate_f").1);
    assert!(c
        .claim("G1.pl_only_rate")
        .unwrap()
        .note
        .as_ref()
        .unwrap()
        .contains("PL-only"));
    check_ratios(&c, |n| {
        let f0 = valley_f("4", &orbit[n]);
        let f1 = valley_f("4", &orbit[n + 1]);
        (f1 / f0.clone(), f0)
    });
    kernel_accepts(&text);
}

#[test]
fn f1_quartic_condition_not_met_and_sublinear() {
    let (c, text) = run("f1.toml", &[]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(c.verdict.exit_code(), 2);
    assert_eq!(verdict(&c, "G1.hyp.convergence"), Verdict::Certified);
    assert_eq!(verdict(&c, "G1.hyp.local_pl"), Verdict::ConditionNotMet);
    assert_eq!(
        verdict(&c, "G1.hyp.step_at_limit"),
        Verdict::ConditionNotMet
    );
    // The normal Hessian at the minimiser is exactly 0.
    assert_eq!(encl(&c, "G1.limit.lambda_max"), (q("0"), q("0")));
    // No rate is stated when the hypotheses fail.
    for id in ["G1.rate", "G1.rate_f", "G1.pl_only_rate"] {
        assert!(c.claim(id).is_none(), "{id} must not be stated");
    }
    assert!(c
        .claims
        .iter()
        .all(|cl| cl.verdict != Verdict::Certified || !cl.id.contains("rate")));
    // Increments of 1/x_n² in [2γc, γc(2 − u0)/(1 − u0)²] = [0.2, 0.19/0.81].
    assert_eq!(encl(&c, "G1.sublinear"), (q("1/5"), q("19/81")));
    // x_n ≈ 1/√(2γn): the reference orbit obeys the certified law, and the ratios approach 1.
    let g = fl("0.1");
    let mut x = fl("1");
    let mut xs = vec![x.clone()];
    for _ in 0..400 {
        let x3 = Float::with_val(PREC, &x * &x) * &x;
        x = Float::with_val(PREC, &x - Float::with_val(PREC, &g * &x3));
        xs.push(x.clone());
    }
    for (n, x) in xs.iter().enumerate() {
        let inv = Float::with_val(PREC, 1) / Float::with_val(PREC, x * x);
        assert!(inv >= 1.0 + 0.2 * n as f64 - 1e-9 && inv <= 1.0 + 19.0 / 81.0 * n as f64 + 1e-9);
    }
    for (n, xn) in xs.iter().enumerate().skip(394).take(6) {
        let u = Float::with_val(PREC, &g * Float::with_val(PREC, xn * xn));
        let r = (Float::with_val(PREC, 1) - u).square().square();
        assert!(holds(&encl(&c, &format!("ratio.n.{n}")), &r));
    }
    let w = encl(&c, "ratio.window");
    assert!(w.0 > q("0.995") && w.1 < q("1"), "ratios approach 1");
    kernel_accepts(&text);
}

#[test]
fn f2_rate_is_taken_at_the_limit_not_the_start() {
    let (c, text) = run("f2.toml", &[]);
    assert_eq!(
        c.verdict,
        Verdict::Certified,
        "the theorem applies at the limit"
    );
    // Near the start: λ = √(4 + q0²) with q0 = 9 − 0.04, γλ = 2.2951 > 2 (recorded, not a hypothesis).
    let q0 = fl("8.96");
    let lam0 = (Float::with_val(PREC, &q0 * &q0) + 4u32).sqrt();
    let g = fl("0.25");
    let glam0 = Float::with_val(PREC, &g * &lam0);
    assert!(holds(&encl(&c, "G1.start.lambda_max"), &lam0));
    assert!(holds(&encl(&c, "G1.start.step_condition"), &glam0));
    assert!(
        encl(&c, "G1.start.step_condition").0 > q("2"),
        "w ≈ 9.2 > 2/γ = 8 near the start"
    );
    for id in ["G1.start.lambda_max", "G1.start.step_condition"] {
        let cl = c.claim(id).unwrap();
        assert_eq!(
            cl.role,
            Role::Conclusion,
            "{id} is information, not a hypothesis"
        );
        assert!(cl.bound.is_none(), "{id} has no bound");
        assert!(cl.statement.contains("information"));
        assert!(matches!(cl.witness, Witness::Exact));
    }
    // At the limit: catapult to (2.50451, 0.39928), w∞ = 6.43198, ρ* = 0.60800.
    let orbit = product_orbit("0.25", "3.0", "0.2", 4000);
    let (a, b) = orbit[4000].clone();
    let w = Float::with_val(PREC, &a * &a) + Float::with_val(PREC, &b * &b);
    let rho = abs1(&g, &w);
    assert!(holds(&encl(&c, "G1.limit.a"), &a) && holds(&encl(&c, "G1.limit.b"), &b));
    assert!(inside(&encl(&c, "G1.limit.a"), "2.504505", "2.504515"));
    assert!(inside(&encl(&c, "G1.limit.b"), "0.399275", "0.399285"));
    assert!(inside(
        &encl(&c, "G1.limit.lambda_max"),
        "6.431975",
        "6.431985"
    ));
    assert!(holds(&encl(&c, "G1.rate"), &rho));
    assert!(
        inside(&encl(&c, "G1.rate"), "0.607995", "0.608005"),
        "ρ* = 0.60800"
    );
    assert_eq!(verdict(&c, "G1.hyp.step_at_limit"), Verdict::Certified);
    assert!(inside(
        &encl(&c, "G1.hyp.step_at_limit"),
        "1.6079",
        "1.6081"
    ));
    // No claim derived from the start is CERTIFIED as the rate: every rate claim rests on a tail box
    // of the certified limit, and no certified claim other than the start's information encloses the
    // start's linearised factor |1 − γλ0| = 1.2951 or its square.
    for cl in &c.claims {
        if cl.id.contains("rate") {
            assert!(
                matches!(&cl.witness, Witness::Uses { claim, .. } if claim == "G1.hyp.convergence" || claim == "ratio.tail"),
                "{} must use the limit's tail box",
                cl.id
            );
        }
    }
    let start_rate = (Float::with_val(PREC, &glam0) - 1u32).abs();
    let start_rate2 = Float::with_val(PREC, &start_rate * &start_rate);
    for cl in c.claims.iter().filter(|cl| !cl.id.starts_with("G1.start")) {
        if let Some(e) = &cl.enclosure {
            let e = e.parse().unwrap();
            assert!(
                !holds(&e, &start_rate) && !holds(&e, &start_rate2),
                "{} encloses the start's factor",
                cl.id
            );
        }
    }
    check_ratios(&c, |n| {
        let f0 = product_f(&orbit[n]);
        let f1 = product_f(&orbit[n + 1]);
        (f1 / f0, product_f(&orbit[n]))
    });
    kernel_accepts(&text);
}

/// `E log|μ + Z|` by the midpoint rule with the logarithmic singularity subtracted (written here).
fn expected_log(mu: f64) -> f64 {
    let phi = |t: f64| (-t * t / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let n = 1_000_000;
    let (a, b) = (-30.0 - mu.abs(), 30.0 + mu.abs());
    let h = (b - a) / n as f64;
    let mut s = 0.0;
    for i in 0..n {
        let u: f64 = a + (i as f64 + 0.5) * h;
        let sub = if u.abs() < 1.0 { phi(-mu) } else { 0.0 };
        s += u.abs().ln() * (phi(u - mu) - sub) * h;
    }
    s - 2.0 * phi(-mu)
}

#[test]
fn sgd_is_an_audit_not_a_claim_and_its_prediction_is_the_quadrature() {
    // G2 is audited by `gdcert audit pl-asymptotic-rate` (tests/audit.rs), never certified.
    let e = input_error(
        "family = \"product\"\ngamma = 0.25\ntheta0 = [1.5, 0.9]\n",
        &["claims=G1,G2"],
    )
    .expect("G2 is refused");
    assert_eq!(e.key.as_deref(), Some("claims"), "{e}");
    let (c, _) = run("r3.toml", &[]);
    assert!(c.claims.iter().all(|cl| !cl.id.starts_with("G2")));
    // theorems.md: the predicted a.s. exponent at w∞ ≈ 2.4575 is about −1.19; the crate's series and
    // the quadrature written here agree.
    let (w, g, s) = (2.457532106f64, 0.25, 0.5);
    let (a, b) = (1.0 - g * w, g * s * w);
    let mine = b.ln() + expected_log(a / b);
    let theirs = gdcert::theorems::pl_rate::sgd::expected_log_abs_affine(a, b);
    for mu in [0.3, 1.26, 3.0, 7.5, 19.9, 20.1, 35.0] {
        let (series, quad) = (
            gdcert::theorems::pl_rate::sgd::expected_log_abs_normal(mu),
            expected_log(mu),
        );
        assert!((series - quad).abs() < 1e-5, "μ = {mu}: {series} vs {quad}");
    }
    assert!((mine - theirs).abs() < 1e-5, "{mine} vs {theirs}");
    assert!((mine + 1.19).abs() < 0.01, "predicted exponent {mine}");
}

#[test]
fn starts_on_s_are_exact() {
    // (2, 1/2) is a minimiser with w = 4.25: with γ = 0.1, ρ* = |1 − 0.425| = 0.575 exactly.
    let (c, text) = run("r1.toml", &["theta0=2,0.5"]);
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(encl(&c, "G1.rate"), (q("0.575"), q("0.575")));
    assert_eq!(encl(&c, "G1.rate_f"), (q("0.330625"), q("0.330625")));
    assert!(c.claim("G1.orbit").is_none() && c.claim("ratio.orbit").is_none());
    kernel_accepts(&text);
    // With γ = 0.5, γw = 2.125 ≥ 2 at the limit: the theorem says nothing.
    let (c, text) = run("r1.toml", &["theta0=2,0.5", "gamma=0.5"]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(
        verdict(&c, "G1.hyp.step_at_limit"),
        Verdict::ConditionNotMet
    );
    assert!(c.claim("G1.rate").is_none());
    kernel_accepts(&text);
    // The valley's x-axis and the quartic's 0.
    let (c, text) = run("r4.toml", &["theta0=1,0,0"]);
    assert_eq!(c.verdict, Verdict::Certified);
    assert_eq!(encl(&c, "G1.rate"), (q("0.6"), q("0.6")));
    kernel_accepts(&text);
    let (c, text) = run("f1.toml", &["theta0=0"]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    kernel_accepts(&text);
}

#[test]
fn other_steps_starts_and_coefficients() {
    // A mirrored start converges to the mirrored minimiser with the same rate.
    let (c, text) = run("r1.toml", &["theta0=-3,-0.2"]);
    assert_eq!(c.verdict, Verdict::Certified);
    assert!(inside(&encl(&c, "G1.limit.a"), "-3.0093126", "-3.0093125"));
    assert!(inside(&encl(&c, "G1.rate"), "0.0833613", "0.0833614"));
    kernel_accepts(&text);
    // Another product instance, against the reference.
    let (c, text) = run("r1.toml", &["gamma=1/5", "theta0=1.2,1.1"]);
    let orbit = product_orbit("0.2", "1.2", "1.1", 3000);
    let (a, b) = orbit[3000].clone();
    let w = Float::with_val(PREC, &a * &a) + Float::with_val(PREC, &b * &b);
    assert_eq!(c.verdict, Verdict::Certified);
    assert!(holds(&encl(&c, "G1.rate"), &abs1(&fl("0.2"), &w)));
    kernel_accepts(&text);
    // The valley counterexample to theorems.md's tail bound: γ = 0.1, b = 1, θ0 = (0.1, 7, 0);
    // x∞ = 1.5178946… lies outside [x0(1 − γy0²/(1 − (1 − γ)²)), x0] = [−2.479, 0.1].
    let (c, text) = run("r4.toml", &["gamma=0.1", "b=1", "theta0=0.1,7,0"]);
    let orbit = valley_orbit("0.1", "1", ["0.1", "7", "0"], 3000);
    assert!(holds(&encl(&c, "G1.limit.x"), &orbit[3000][0]));
    assert!(encl(&c, "G1.limit.x").0 > q("1.5"));
    assert_eq!(verdict(&c, "G1.hyp.convergence"), Verdict::Certified);
    // z0 = 0 leaves the z-mode unexcited: only ratios ≤ ρ*² + ε are claimed.
    assert_eq!(
        c.claim("ratio.window")
            .unwrap()
            .bound
            .as_ref()
            .unwrap()
            .relation,
        "<="
    );
    kernel_accepts(&text);
    // |1 − γb| ≥ 1 with z0 ≠ 0: z does not converge, exactly.
    let (c, text) = run("r4.toml", &["b=11"]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(encl(&c, "G1.hyp.convergence"), (q("1.2"), q("1.2")));
    kernel_accepts(&text);
    // z0 = 0 and γb > 2: GD converges but γλ_max ≥ γb > 2 at the limit.
    let (c, text) = run("r4.toml", &["b=11", "theta0=1,0.5,0"]);
    assert_eq!(verdict(&c, "G1.hyp.convergence"), Verdict::Certified);
    assert_eq!(
        verdict(&c, "G1.hyp.step_at_limit"),
        Verdict::ConditionNotMet
    );
    assert!(c.claim("G1.rate").is_none());
    kernel_accepts(&text);
    // y oscillating: 1 < γ(1 + x²) < 2.
    let (c, text) = run("r4.toml", &["gamma=0.5", "b=3", "theta0=1.2,0.3,0.1"]);
    assert_eq!(c.verdict, Verdict::Certified);
    kernel_accepts(&text);
    // The quartic beyond u0 = 2 does not converge.
    let (c, text) = run("f1.toml", &["theta0=5"]);
    assert_eq!(c.verdict, Verdict::ConditionNotMet);
    assert_eq!(verdict(&c, "G1.hyp.convergence"), Verdict::ConditionNotMet);
    kernel_accepts(&text);
}

#[test]
fn undecidable_instances_are_undecided_not_wrong() {
    // A chaotic large step: nothing converges, nothing is certified about the rate.
    let (c, text) = run_with(
        "r1.toml",
        &["gamma=1.5", "theta0=1.5,0.9", "max_steps=300"],
        128,
    );
    assert_eq!(c.verdict, Verdict::Undecided);
    assert!(c
        .claims
        .iter()
        .filter(|cl| cl.id.contains("rate") || cl.id.contains("limit"))
        .all(|cl| cl.verdict == Verdict::Undecided));
    kernel_accepts(&text);
    // The saddle at the origin is a fixed point off S.
    let (c, text) = run("r1.toml", &["theta0=0,0", "max_steps=200"]);
    assert_eq!(c.verdict, Verdict::Undecided);
    assert_eq!(verdict(&c, "G1.hyp.convergence"), Verdict::Undecided);
    kernel_accepts(&text);
}

#[test]
fn certificates_are_deterministic() {
    assert_eq!(run("r4.toml", &[]).1, run("r4.toml", &[]).1);
}

const SHIPPED: [&str; 6] = ["r1", "r2", "r3", "r4", "f1", "f2"];

#[test]
fn committed_certificates_are_current() {
    for f in SHIPPED {
        let (_, text) = run(&format!("{f}.toml"), &[]);
        let path = format!("certificates/pl-asymptotic-rate/{f}.json");
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} is missing"));
        assert!(committed == text, "{path} is stale: regenerate it");
    }
}

#[test]
fn gdcert_check_and_certify_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_gdcert");
    let out = std::process::Command::new(bin)
        .args(["check", "certificates/pl-asymptotic-rate"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for (f, code) in [("r1", 0), ("f1", 2), ("f2", 0)] {
        let out = std::process::Command::new(bin)
            .args([
                "certify",
                "pl-asymptotic-rate",
                "--instance",
                &format!("{DIR}/{f}.toml"),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{f}");
    }
    // The default instance is R1.
    let out = std::process::Command::new(bin)
        .args(["certify", "pl-asymptotic-rate", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"name\": \"R1\""));
}

/// Loads and certifies instance text; the input error, if any.
fn input_error(text: &str, sets: &[&str]) -> Option<instance::InputError> {
    let th = theorems::find("pl-asymptotic-rate").unwrap();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let params = match instance::load(th.id(), &th.schema(), "bad.toml", text, &sets) {
        Ok(p) => p,
        Err(e) => return Some(e),
    };
    let opts = RunOptions {
        arith: ArithChoice::Interval,
        max_bits: 128,
    };
    th.certify(&params, &opts).err()
}

#[test]
fn bad_input_names_the_key() {
    let product = "family = \"product\"\ngamma = 0.1\ntheta0 = [3, 0.2]\n";
    let cases: &[(&str, &[&str], &str, &str)] = &[
        ("gamma = 0.1\ntheta0 = [3, 0.2]\n", &[], "family", "missing"),
        (product, &["family=circle"], "family", "unknown choice"),
        (product, &["family=product,valley"], "family", "exactly one"),
        (product, &["theta0=1,2,3"], "theta0", "dimension 2"),
        (
            "family = \"valley\"\ngamma = 0.1\ntheta0 = [1, 2]\nb = 4\n",
            &[],
            "theta0",
            "dimension 3",
        ),
        (
            "family = \"valley\"\ngamma = 0.1\ntheta0 = [1, 2, 3]\n",
            &[],
            "b",
            "needs its coefficient",
        ),
        (
            "family = \"quartic\"\ngamma = 0.1\ntheta0 = [1]\n",
            &[],
            "c",
            "needs its coefficient",
        ),
        (product, &["b=2"], "b", "no coefficient"),
        (
            "family = \"valley\"\ngamma = 0.1\ntheta0 = [1, 2, 3]\nb = 4\nc = 1\n",
            &[],
            "c",
            "no coefficient",
        ),
        (product, &["gamma=0"], "gamma", "> 0"),
        (product, &["gamma=1e4"], "gamma", "[1e-12, 1000]"),
        (product, &["theta0=1e7,1"], "theta0", "[-1e6, 1e6]"),
        (product, &["theta0=nan,1"], "theta0", "not a finite number"),
        (product, &["claims=G2"], "claims", "unknown choice"),
        (product, &["ratio.target=1"], "ratio.target", "(0, 1)"),
        (product, &["max_steps=1000000"], "max_steps", "integer in"),
        (product, &["zeta=1"], "zeta", "unknown key"),
    ];
    for (text, sets, key, msg) in cases {
        let e = input_error(text, sets).unwrap_or_else(|| panic!("{text} {sets:?} was accepted"));
        assert_eq!(e.key.as_deref(), Some(*key), "{text} {sets:?}: {e}");
        assert!(e.message.contains(msg), "{text} {sets:?}: {e}");
    }
    // Through the command line: exit 65, the file and the key on standard error, no panic.
    let dir = std::env::temp_dir().join(format!("gdcert-pl-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "family = \"valley\"\ngamma = 0.1\ntheta0 = [1, 2]\nb = 4\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gdcert"))
        .args([
            "certify",
            "pl-asymptotic-rate",
            "--instance",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("theta0"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
