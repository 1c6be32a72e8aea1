//! Second-order automatic differentiation (`SecondOrder`) and the n-dimensional Krawczyk test
//! for stationary points.
//!
//! - Over the rationals, the gradient and Hessian of random polynomial and rational expressions
//!   equal the symbolic derivatives (`Poly::derivative`), exactly.
//! - Over intervals (inari, MPFR) evaluated at a rational point, every entry encloses that exact
//!   value (soundness).
//! - No binary float leaks into an enclosure: at 2000 bits a loss with the constant 1/10 and tanh
//!   agrees with the kernel's rational arithmetic to ~600 digits (a binary64 `0.1` would shift it by
//!   1e-17; IntervalRootFinding.jl issue #182 was such a leak).
//! - The network's backpropagated gradient (the engine's search) matches the automatic one.
//! - Krawczyk proves the stationary point of a 65-dimensional loss with a known minimiser, and
//!   fails honestly where there is none.

use gdcert::arith::exact::{q_frac, q_int, Q};
use gdcert::arith::{Enclosure, Interval, MpfrInterval, Poly, RatInterval, Ring, SecondOrder};
use gdcert::methods::stationary::{derivatives, prove_stationary_point, Objective};
use proptest::prelude::*;

/// A random expression in three variables: a tree of +, −, ×, squares and rational constants.
#[derive(Clone, Debug)]
enum Expr {
    Var(usize),
    Const(i64, i64),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Sqr(Box<Expr>),
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0usize..3).prop_map(Expr::Var),
        (-9i64..=9, 1i64..=7).prop_map(|(n, d)| Expr::Const(n, d)),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Sub(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Mul(Box::new(a), Box::new(b))),
            inner.prop_map(|a| Expr::Sqr(Box::new(a))),
        ]
    })
}

fn eval<T: Ring>(e: &Expr, x: &[T]) -> T {
    match e {
        Expr::Var(i) => x[*i].clone(),
        Expr::Const(n, d) => x[0].constant(&q_frac(*n, *d)),
        Expr::Add(a, b) => eval(a, x) + eval(b, x),
        Expr::Sub(a, b) => eval(a, x) - eval(b, x),
        Expr::Mul(a, b) => eval(a, x) * eval(b, x),
        Expr::Sqr(a) => eval(a, x).sqr(),
    }
}

fn point() -> impl Strategy<Value = Vec<Q>> {
    prop::collection::vec((-50i64..=50, 1i64..=9).prop_map(|(n, d)| q_frac(n, d)), 3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn rational_derivatives_equal_symbolic_ones(e in expr(), x in point()) {
        let ad = eval(&e, &SecondOrder::seed(&x));
        let p = eval(&e, &Poly::vars(3));
        prop_assert_eq!(&ad.v, &p.eval(&x));
        let (g, h) = (ad.gradient(3), ad.hessian(3));
        for i in 0..3 {
            prop_assert_eq!(&g[i], &p.derivative(i).eval(&x));
            for j in 0..3 {
                prop_assert_eq!(&h[i * 3 + j], &p.derivative(i).derivative(j).eval(&x));
            }
        }
    }

    #[test]
    fn interval_derivatives_enclose_the_exact_ones(e in expr(), x in point(), den in 1i64..=5) {
        // Also through a quotient: f / (1 + g²) with g = x₀ + x₁/den.
        let quotient = |v: &[SecondOrder<Q>]| {
            let g = v[0].clone() + v[1].clone() * v[0].constant(&q_frac(1, den));
            eval(&e, v) / (g.sqr() + g.int(1))
        };
        let exact = quotient(&SecondOrder::seed(&x));
        let (ge, he) = (exact.gradient(3), exact.hessian(3));
        let check = |v: &[(Q, Q)], w: &[Q]| v.iter().zip(w).all(|((lo, hi), q)| lo <= q && q <= hi);
        fn bounds<S: Enclosure>(v: &[S]) -> Vec<(Q, Q)> {
            v.iter().map(|s| s.bounds().expect("bounded")).collect()
        }
        macro_rules! run {
            ($unit:expr) => {{
                let unit = $unit;
                let xs: Vec<_> = x.iter().map(|q| unit.from_bounds(q, q)).collect();
                let v = SecondOrder::seed(&xs);
                let g = v[0].clone() + v[1].clone() * v[0].constant(&q_frac(1, den));
                let f = eval(&e, &v) / (g.sqr() + g.int(1));
                prop_assert!(check(&bounds(std::slice::from_ref(&f.v)), std::slice::from_ref(&exact.v)));
                prop_assert!(check(&bounds(&f.gradient(3)), &ge));
                prop_assert!(check(&bounds(&f.hessian(3)), &he));
            }};
        }
        run!(Interval::try_from((1.0, 1.0)).unwrap());
        run!(MpfrInterval::unit(24));
        run!(MpfrInterval::unit(200));
    }
}

/// `L(θ) = Σ_i (θ_i² − c_i)²/4` with `c_i = i + 2`: a known minimiser `θ_i = √c_i`.
struct SeparableQuartic {
    n: usize,
}

impl Objective for SeparableQuartic {
    fn dim(&self) -> usize {
        self.n
    }
    fn value<T: gdcert::arith::Elementary>(&self, theta: &[T]) -> T {
        let quarter = theta[0].constant(&q_frac(1, 4));
        theta
            .iter()
            .enumerate()
            .fold(theta[0].int(0), |acc, (i, t)| {
                acc + (t.sqr() - t.int(i as i64 + 2)).sqr() * quarter.clone()
            })
    }
}

#[test]
fn krawczyk_proves_a_65_dimensional_minimiser() {
    let obj = SeparableQuartic { n: 65 };
    let guess: Vec<f64> = (0..65).map(|i| ((i + 2) as f64).sqrt() + 1e-9).collect();
    let unit = Interval::try_from((1.0, 1.0)).unwrap();
    let p = prove_stationary_point(&obj, &unit, &guess).expect("proved");
    for (i, t) in p.tight.iter().enumerate() {
        // √(i + 2) enclosed at 300 bits must lie in the tight box.
        let s = RatInterval::point(q_int(i as i64 + 2), 300);
        let r = gdcert::arith::Elementary::sqrt(&s);
        let (lo, hi) = r.bounds().unwrap();
        let (tl, th) = t.bounds().unwrap();
        assert!(tl <= lo && hi <= th, "coordinate {i}");
    }
    // The same in MPFR, narrower.
    let p2 = prove_stationary_point(&obj, &MpfrInterval::unit(200), &guess).expect("proved");
    let (lo, hi) = p2.tight[10].bounds().unwrap();
    assert!(
        hi - lo < gdcert::arith::exact::pow2(-150),
        "{}",
        p2.tight[10].width_f64()
    );
}

#[test]
fn krawczyk_fails_where_there_is_no_stationary_point() {
    // A guess far from every stationary point: no box passes.
    let obj = SeparableQuartic { n: 5 };
    let guess = vec![1.3, 1.9, 2.0, 2.2, 2.5];
    let unit = Interval::try_from((1.0, 1.0)).unwrap();
    assert!(prove_stationary_point(&obj, &unit, &guess).is_err());
}

#[test]
fn no_binary_float_leaks_into_an_enclosure() {
    // L(x, y) = tanh(x/10 − y)·(x² + 1/10): at 2000 bits the MPFR result and the kernel's rational
    // arithmetic agree far beyond binary64.
    fn loss<T: gdcert::arith::Elementary>(v: &[T]) -> T {
        let tenth = v[0].constant(&q_frac(1, 10));
        (v[0].clone() * tenth.clone() - v[1].clone()).tanh() * (v[0].sqr() + tenth)
    }
    let x = [q_frac(3, 7), q_frac(-2, 9)];
    let m: Vec<MpfrInterval> = x
        .iter()
        .map(|q| MpfrInterval::unit(2000).from_bounds(q, q))
        .collect();
    let r: Vec<RatInterval> = x
        .iter()
        .map(|q| RatInterval::point(q.clone(), 2000))
        .collect();
    let (fm, fr) = (loss(&SecondOrder::seed(&m)), loss(&SecondOrder::seed(&r)));
    let pairs = std::iter::once((fm.v.clone(), fr.v.clone()))
        .chain(fm.hessian(2).into_iter().zip(fr.hessian(2)));
    for (a, b) in pairs {
        let (al, ah) = a.bounds().unwrap();
        let (bl, bh) = b.bounds().unwrap();
        assert!(al <= bh && bl <= ah, "disjoint enclosures");
        let tiny = gdcert::arith::exact::pow2(-1600);
        assert!(ah - al < tiny && bh - bl < tiny);
    }
}

#[test]
fn backpropagated_gradient_matches_automatic_differentiation() {
    use gdcert::spec::mlp::{inputs, target, DecayedLoss, Mlp, SplitMix64};
    let xs = inputs(5, 12);
    let unit = MpfrInterval::unit(256);
    let ys = xs.iter().map(|x| target(&unit, x).unwrap()).collect();
    let mlp = Mlp { hidden: 3, xs, ys };
    let lambda = q_frac(1, 1000);
    let mut rng = SplitMix64(9);
    let theta: Vec<MpfrInterval> = (0..mlp.dim())
        .map(|_| {
            let q = gdcert::arith::exact::q_from_f64(rng.normal_f64()).unwrap();
            unit.from_bounds(&q, &q)
        })
        .collect();
    let obj = DecayedLoss {
        mlp: &mlp,
        lambda: lambda.clone(),
    };
    let (_, g_ad, h) = derivatives(&obj, &theta);
    let g_bp = mlp.decayed_gradient(&mlp.constants(&theta[0], &lambda), &theta);
    for (a, b) in g_ad.iter().zip(&g_bp) {
        let (al, ah) = a.bounds().unwrap();
        let (bl, bh) = b.bounds().unwrap();
        assert!(al <= bh && bl <= ah);
        assert!(a.width_f64() < 1e-60);
    }
    // The Hessian is symmetric entry by entry.
    let n = mlp.dim();
    for i in 0..n {
        for j in 0..n {
            assert_eq!(h[i * n + j].bounds(), h[j * n + i].bounds());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// `bounds_f64` rounds outward: it brackets the exact endpoints, in every enclosing type.
    #[test]
    fn binary64_bounds_round_outward(n in any::<i64>(), d in 1i64..=i64::MAX, e in -1100i32..=1100, w in 0u32..80) {
        let lo = q_frac(n, d) * gdcert::arith::exact::pow2(e as i64);
        let hi = lo.clone() + gdcert::arith::exact::pow2(-(w as i64));
        fn check<S: Enclosure>(x: &S) -> Result<(), TestCaseError> {
            if let (Some((l, h)), Some((lf, hf))) = (x.bounds(), x.bounds_f64()) {
                if lf.is_finite() {
                    prop_assert!(gdcert::arith::exact::q_from_f64(lf).unwrap() <= l);
                }
                if hf.is_finite() {
                    prop_assert!(gdcert::arith::exact::q_from_f64(hf).unwrap() >= h);
                }
            }
            Ok(())
        }
        check(&Interval::try_from((1.0, 1.0)).unwrap().from_bounds(&lo, &hi))?;
        check(&MpfrInterval::unit(200).from_bounds(&lo, &hi))?;
        check(&RatInterval::new(lo.clone(), hi.clone(), 64))?;
    }
}
