//! The batched mean-value steppers of the cubic (`methods::batch`) against exact rational images:
//! for random steps μ, random balls and random points in them, every exact image `f^k(x)` lies in
//! the k-th enclosure, in the f64 ball form, in inari intervals and with MPFR centres.

use gdcert::arith::exact::{q_from_f64, q_from_float, rug_from_q};
use gdcert::arith::{q_frac, q_int, Enclosure, Interval, Q};
use gdcert::methods::batch::{CubicBalls, CubicMpfrBalls};
use proptest::prelude::*;

fn f(mu: &Q, x: &Q) -> Q {
    (q_int(1) + mu) * x - mu * x * x * x
}

fn dist(a: &Q, b: &Q) -> Q {
    if a > b {
        a - b
    } else {
        b - a
    }
}

/// A rational step in (0, 3], with denominators that are and are not powers of two.
fn mu_strategy() -> impl Strategy<Value = Q> {
    (
        1i64..=3000,
        prop::sample::select(vec![1000i64, 999, 1024, 700, 333]),
    )
        .prop_map(|(n, d)| q_frac(n, d))
        .prop_filter("mu <= 3", |m| *m <= q_int(3))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn f64_balls_contain_exact_orbits(mu in mu_strategy(), c in -1.6f64..1.6, e in -60i32..-1, t in -1.0f64..1.0, steps in 1usize..5) {
        let r = 2f64.powi(e);
        let balls = CubicBalls::new(&mu);
        let mut x = q_from_f64(c).unwrap() + q_from_f64(r * t).unwrap();
        let (mut cc, mut rr) = (vec![c], vec![r]);
        for _ in 0..steps {
            balls.step_balls(&mut cc, &mut rr);
            x = f(&mu, &x);
            prop_assume!(cc[0].is_finite() && rr[0].is_finite());
            prop_assert!(dist(&x, &q_from_f64(cc[0]).unwrap()) <= q_from_f64(rr[0]).unwrap(), "mu {} c {} r {}", mu, c, r);
        }
    }

    #[test]
    fn inari_batches_contain_exact_orbits(mu in mu_strategy(), lo in -1.6f64..1.6, w in 0.0f64..1e-3, t in 0.0f64..1.0, steps in 1usize..5) {
        let hi = lo + w;
        let balls = CubicBalls::new(&mu);
        let mut xs = [Interval::try_from((lo, hi)).unwrap()];
        let mut x = q_from_f64(lo).unwrap() + (q_from_f64(hi).unwrap() - q_from_f64(lo).unwrap()) * q_from_f64(t).unwrap();
        balls.iterate_all(&mut xs, steps);
        for _ in 0..steps {
            x = f(&mu, &x);
        }
        prop_assert!(xs[0].contains_q(&x) || xs[0].bounds().is_none());
    }

    #[test]
    fn mpfr_balls_contain_exact_orbits(mu in mu_strategy(), prec in prop::sample::select(vec![53u32, 64, 128, 300, 512]), c in -1.6f64..1.6, e in -200i32..-1, t in -1.0f64..1.0, steps in 1usize..4) {
        let r = 2f64.powi(e);
        let mut balls = CubicMpfrBalls::new(&mu, prec);
        let mut cc = rug::Float::with_val(prec, rug_from_q(&(q_from_f64(c).unwrap() * q_frac(1, 3))));
        let mut rr = r;
        let mut x = q_from_float(&cc).unwrap() + q_from_f64(r * t).unwrap();
        for _ in 0..steps {
            balls.step(&mut cc, &mut rr);
            x = f(&mu, &x);
            prop_assume!(rr.is_finite());
            prop_assert!(dist(&x, &q_from_float(&cc).unwrap()) <= q_from_f64(rr).unwrap(), "mu {} prec {} c {} r {}", mu, prec, c, r);
        }
    }
}

#[test]
fn point_balls_stay_tight() {
    // Widths stay near the rounding level along an attracting orbit (μ = 3/10 from 1/2).
    let mu = q_frac(3, 10);
    let balls = CubicBalls::new(&mu);
    let (mut c, mut r) = (vec![0.5], vec![0.0]);
    for _ in 0..100_000 {
        balls.step_balls(&mut c, &mut r);
    }
    assert!(
        (c[0] - 1.0).abs() < 1e-12 && r[0] < 1e-13,
        "c {} r {}",
        c[0],
        r[0]
    );
}
