//! Soundness of the arithmetics: every operation of every enclosing type contains the exact result.
//!
//! The exact results are computed with rationals (`Q`) for ring operations and division, and with
//! MPFR intervals at 1000 bits (a tiny enclosure `[c, d]` of the true value) for the elementary
//! functions; an enclosure under test must contain the whole reference enclosure (or, when it is
//! narrower than that, the 4000-bit one). Inputs are random rationals built from `i64` numerators
//! and denominators and powers of two (so zero, tiny values such as 2^-1000, huge ones such as
//! 2^1000, negative values, point intervals and intervals that straddle zero all occur), and the
//! operations are checked at random exact points of the input intervals and at the corners
//! (endpoints) of the enclosures actually built.
//!
//! Covered: `inari::Interval`, `MpfrInterval` (24, 53, 128 and 300 bits, also mixed) and
//! `RatInterval` for + - * / neg sqr powi, constants and their rounding direction, abs, hull,
//! midpoint, tidy, widen, int; sqrt ln exp cos sin acosh tanh pi; the three-valued comparisons and the
//! set predicates; `Dual` and `Jet` over the three types; `Poly` identities; `f64` deciding nothing.
//!
//! An enclosure that bounds nothing (`bounds() == None`) is never wrong, but it is only accepted
//! where it is expected: out of a function's domain, for a divisor that contains zero, and where
//! binary64 overflows (inari intervals) or an argument is beyond a type's documented range. One
//! bounded answer for a divisor containing zero is accepted, for inari only: IEEE 1788 defines
//! `[0, 0] / y = [0, 0]` (the quotient over the nonzero `y`), and inari's `/` operator, which the
//! crate cannot override, follows it.

use gdcert::arith::dual::Dual;
use gdcert::arith::exact::{pow2, q_frac, q_from_f64, q_int, Q};
use gdcert::arith::jet::Jet;
use gdcert::arith::{
    Elementary, Enclosure, Field, Interval, MpfrInterval, Poly, RatInterval, Ring, Tri,
};
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;
use std::sync::OnceLock;

type B = (Q, Q);

const CASES: u32 = 200;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig::with_cases(cases)
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Rationals of every magnitude: zero, small integers and fractions, full `i64` numerators and
/// denominators, and scalings by 2^e up to |e| = 1100 (beyond the binary64 range on both sides).
fn rat() -> impl Strategy<Value = Q> {
    let num = prop_oneof![
        3 => -20i64..=20,
        3 => any::<i64>(),
        1 => prop_oneof![Just(1i64), Just(-1), Just(i64::MAX), Just(i64::MIN), Just(3), Just(-10)],
    ];
    let den = prop_oneof![
        3 => Just(1i64),
        3 => 1i64..=12,
        2 => 1i64..=i64::MAX,
    ];
    let exp = prop_oneof![
        6 => Just(0i64),
        4 => -8i64..=8,
        2 => -80i64..=80,
        2 => -1100i64..=1100,
        1 => prop_oneof![Just(-1000i64), Just(1000), Just(-1074), Just(1023), Just(-1022)],
    ];
    prop_oneof![
        1 => Just(Q::zero()),
        14 => (num, den, exp).prop_map(|(n, d, e)| q_frac(n, d) * pow2(e)),
    ]
}

/// `a <= b` by cross-multiplication (denominators are positive). `Ord for Ratio` compares by a
/// continued-fraction expansion, very slow for long rationals that agree to many bits, which is
/// exactly what an enclosure and its reference do.
fn qle(a: &Q, b: &Q) -> bool {
    a.numer() * b.denom() <= b.numer() * a.denom()
}

fn sorted(a: Q, b: Q) -> B {
    if qle(&a, &b) {
        (a, b)
    } else {
        (b, a)
    }
}

/// Intervals: arbitrary, points, straddling zero, and narrow ones.
fn interval() -> impl Strategy<Value = B> {
    prop_oneof![
        3 => (rat(), rat()).prop_map(|(a, b)| sorted(a, b)),
        2 => rat().prop_map(|q| (q.clone(), q)),
        2 => (rat(), rat()).prop_map(|(a, b)| (-a.abs(), b.abs())),
        2 => (rat(), 0i64..=120).prop_map(|(a, e)| {
            let w = (a.abs() + Q::one()) * pow2(-e);
            (a.clone(), a + w)
        }),
    ]
}

/// Random fractions of an interval, in [0, 1] (dyadic and not).
fn fractions() -> impl Strategy<Value = Vec<Q>> {
    prop::collection::vec(
        prop_oneof![
            (any::<u32>(), 1u32..=u32::MAX).prop_map(|(a, b)| {
                let (a, b) = (a.min(b) as i64, a.max(b).max(1) as i64);
                q_frac(a, b)
            }),
            (0i64..=(1 << 20)).prop_map(|k| q_frac(k, 1 << 20)),
        ],
        3,
    )
}

/// The exact points `a + t (b - a)` for the fractions `ts`, and the endpoints.
fn points(b: &B, ts: &[Q]) -> Vec<Q> {
    let mut v = vec![b.0.clone(), b.1.clone()];
    for t in ts {
        v.push(&b.0 + t * (&b.1 - &b.0));
    }
    v
}

/// The points of the given interval and the corners of the enclosure actually built from it.
fn sample<T: Enclosure>(x: &T, given: &B, ts: &[Q]) -> Vec<Q> {
    let mut v = points(given, ts);
    if let Some(b) = x.bounds() {
        v.extend(points(&b, &ts[..1]));
    }
    v
}

fn enc<T: Enclosure>(unit: &T, b: &B) -> T {
    unit.from_bounds(&b.0, &b.1)
}

fn inari_unit() -> Interval {
    Interval::try_from((1.0, 1.0)).unwrap()
}

fn mpfr_prec() -> impl Strategy<Value = u32> {
    prop_oneof![Just(24u32), Just(53), Just(128), Just(300)]
}

fn contains(b: &B, q: &Q) -> bool {
    qle(&b.0, q) && qle(q, &b.1)
}

/// |q| at least 2^1023: a binary64 computation may overflow near it.
fn near_f64_overflow(q: &Q) -> bool {
    q.abs() >= pow2(1023)
}

// ---------------------------------------------------------------------------------------------
// Ring and field operations

/// Which type is under test, for the cases where a result may bound nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Inari,
    Mpfr,
    Rat,
}

/// `r` must contain every value in `vals`; it may bound nothing only when `none_ok`.
fn check_result<T: Enclosure>(
    r: &T,
    vals: &[Q],
    none_ok: bool,
    what: &str,
) -> Result<(), TestCaseError> {
    match r.bounds() {
        Some(b) => {
            for v in vals {
                prop_assert!(contains(&b, v), "{what}: {r:?} does not contain {v}");
            }
        }
        None => prop_assert!(none_ok, "{what}: unexpectedly unbounded: {r:?}"),
    }
    Ok(())
}

fn check_ring_ops<T: Enclosure + Field>(
    kind: Kind,
    ux: &T,
    uy: &T,
    xb: &B,
    yb: &B,
    ts: &[Q],
    n: u32,
) -> Result<(), TestCaseError> {
    let x = enc(ux, xb);
    let y = enc(uy, yb);
    let xs = sample(&x, xb, ts);
    let ys = sample(&y, yb, ts);
    let inputs_big = xs.iter().chain(&ys).any(near_f64_overflow);

    let pairs = |f: &dyn Fn(&Q, &Q) -> Q| -> Vec<Q> {
        xs.iter()
            .flat_map(|a| ys.iter().map(move |b| (a, b)))
            .map(|(a, b)| f(a, b))
            .collect()
    };
    let ovf =
        |vals: &[Q]| kind == Kind::Inari && (inputs_big || vals.iter().any(near_f64_overflow));

    let v = pairs(&|a, b| a + b);
    check_result(&(x.clone() + &y), &v, ovf(&v), "x + y")?;
    let v = pairs(&|a, b| a - b);
    check_result(&(x.clone() - &y), &v, ovf(&v), "x - y")?;
    let v = pairs(&|a, b| a * b);
    check_result(&(x.clone() * &y), &v, ovf(&v), "x * y")?;
    let v: Vec<Q> = xs.iter().map(|a| -a.clone()).collect();
    check_result(&(-x.clone()), &v, ovf(&v), "-x")?;
    let v: Vec<Q> = xs.iter().map(|a| a * a).collect();
    let sq = x.sqr();
    check_result(&sq, &v, ovf(&v), "x.sqr()")?;
    if let Some((lo, _)) = sq.bounds() {
        prop_assert!(!lo.is_negative(), "x.sqr() below zero: {sq:?}");
    }
    let v: Vec<Q> = xs
        .iter()
        .map(|a| num_traits::pow(a.clone(), n as usize))
        .collect();
    check_result(&x.powi(n), &v, ovf(&v), &format!("x.powi({n})"))?;

    // Division: a divisor that contains zero gives a result that bounds nothing.
    let q = x.clone() / &y;
    let zero = Q::zero();
    match y.bounds() {
        Some(yb_act) if contains(&yb_act, &zero) => {
            // IEEE 1788 (inari) defines 0 / y over the nonzero y: [0, 0] / y = [0, 0].
            let inari_zero = kind == Kind::Inari
                && x.bounds() == Some((zero.clone(), zero.clone()))
                && q.bounds() == Some((zero.clone(), zero.clone()));
            prop_assert!(
                q.bounds().is_none() || inari_zero,
                "x / y with 0 in y must bound nothing: {x:?} / {y:?} = {q:?}"
            );
            prop_assert!(
                y.recip().bounds().is_none(),
                "1 / y with 0 in y must bound nothing: {y:?}"
            );
        }
        _ => {
            let v: Vec<Q> = xs
                .iter()
                .flat_map(|a| ys.iter().filter(|b| !b.is_zero()).map(move |b| a / b))
                .collect();
            // An unbounded inari divisor (overflow) may contain zero: any result is then allowed.
            let none_ok = ovf(&v) || (kind == Kind::Inari && y.bounds().is_none());
            check_result(&q, &v, none_ok, "x / y")?;
            let r: Vec<Q> = ys
                .iter()
                .filter(|b| !b.is_zero())
                .map(|b| b.recip())
                .collect();
            check_result(&y.recip(), &r, none_ok || ovf(&r), "1 / y")?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn ring_ops_inari(x in interval(), y in interval(), ts in fractions(), n in 0u32..=9) {
        let u = inari_unit();
        check_ring_ops(Kind::Inari, &u, &u, &x, &y, &ts, n)?;
    }

    #[test]
    fn ring_ops_mpfr(
        x in interval(), y in interval(), ts in fractions(), n in 0u32..=9,
        px in mpfr_prec(), py in mpfr_prec(), mixed in any::<bool>(),
    ) {
        let ux = MpfrInterval::unit(px);
        let uy = MpfrInterval::unit(if mixed { py } else { px });
        check_ring_ops(Kind::Mpfr, &ux, &uy, &x, &y, &ts, n)?;
    }

    #[test]
    fn ring_ops_ratinterval(x in interval(), y in interval(), ts in fractions(), n in 0u32..=9) {
        let u = RatInterval::unit(64);
        check_ring_ops(Kind::Rat, &u, &u, &x, &y, &ts, n)?;
        // Ring operations on exact endpoints are exact: corners give the endpoints themselves.
        let (a, b) = (enc(&u, &x), enc(&u, &y));
        let s = (a.clone() + &b).bounds().unwrap();
        prop_assert_eq!(s, (&x.0 + &y.0, &x.1 + &y.1));
    }
}

// ---------------------------------------------------------------------------------------------
// Constants and rounding direction

/// `x.constant(q)` contains `q`; strictly inside when `q` is not representable, exact when it is.
/// It may bound nothing only beyond the range of the format (`none_ok`).
fn check_constant<T: Enclosure>(
    unit: &T,
    q: &Q,
    representable: bool,
    none_ok: bool,
) -> Result<(), TestCaseError> {
    let c = unit.constant(q);
    let Some((lo, hi)) = c.bounds() else {
        prop_assert!(none_ok, "the constant {q} is unbounded: {c:?}");
        return Ok(());
    };
    if representable {
        prop_assert!(lo == *q && hi == *q, "{q} is representable: {c:?}");
    } else {
        prop_assert!(lo < *q && *q < hi, "{q} must be strictly inside {c:?}");
    }
    Ok(())
}

/// The next binary64 number above `x` (without `f64::next_up`, newer than the crate's MSRV).
fn f64_next_up(x: f64) -> f64 {
    if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// Whether `q` has at most `bits` significant bits (so it is an MPFR number at that precision).
fn fits_bits(q: &Q, bits: u64) -> bool {
    if q.is_zero() {
        return true;
    }
    if q.denom().magnitude().count_ones() != 1 {
        return false;
    }
    let m = q.numer().magnitude();
    let tz = m.trailing_zeros().unwrap_or(0);
    (m >> tz).bits() <= bits
}

#[test]
fn constants_round_outward_strictly() {
    let inari = inari_unit();
    let nonrep = [
        q_frac(1, 3),
        q_frac(1, 10),
        q_frac(2, 3),
        q_frac(-1, 3),
        q_frac(-7, 10),
    ];
    for q in &nonrep {
        check_constant(&inari, q, false, false).unwrap();
        for p in [24, 53, 128, 300, 1000] {
            check_constant(&MpfrInterval::unit(p), q, false, false).unwrap();
        }
        // RatInterval keeps dyadic constants exact and encloses the others by (bits + 64)-bit
        // dyadics, so that its arithmetic stays on the gcd-free dyadic path.
        check_constant(&RatInterval::unit(64), q, false, false).unwrap();
    }
    for q in [q_frac(3, 8), q_frac(-3, 8), q_int(0), q_int(1), q_int(-5)] {
        check_constant(&inari, &q, true, false).unwrap();
        for p in [24, 53, 128, 300] {
            check_constant(&MpfrInterval::unit(p), &q, true, false).unwrap();
        }
        check_constant(&RatInterval::unit(64), &q, true, false).unwrap();
    }
    // Tightness: 1/10 lies between two consecutive numbers of each format.
    let (lo, hi) = inari.constant(&q_frac(1, 10)).bounds().unwrap();
    let lo_f = gdcert::arith::exact::q_to_f64(&lo);
    assert_eq!(q_from_f64(f64_next_up(lo_f)).unwrap(), hi);
    for p in [24, 53, 128, 300] {
        let c = MpfrInterval::unit(p).constant(&q_frac(1, 10));
        let mut next = c.lo().clone();
        next.next_up();
        assert_eq!(&next, c.hi(), "1/10 at {p} bits");
    }
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn constants_contain_random_rationals(q in rat(), m in any::<i16>(), e in -1000i64..=1000) {
        let inari = inari_unit();
        let fits_f64 = q_from_f64(gdcert::arith::exact::q_to_f64(&q)) == Some(q.clone());
        let beyond_f64 = q.abs() > q_from_f64(f64::MAX).unwrap();
        check_constant(&inari, &q, fits_f64, beyond_f64)?;
        for p in [24u32, 53, 128, 300] {
            check_constant(&MpfrInterval::unit(p), &q, fits_bits(&q, p as u64), false)?;
        }
        let dyadic = q.denom().magnitude().count_ones() == 1;
        check_constant(&RatInterval::unit(64), &q, dyadic, false)?;
        // A 16-bit integer times 2^e is representable in every format (binary64: |e| <= 1000).
        let d = q_int(m as i64) * pow2(e);
        check_constant(&inari, &d, true, false)?;
        for p in [24u32, 53, 128, 300] {
            check_constant(&MpfrInterval::unit(p), &d, true, false)?;
        }
    }

    #[test]
    fn cancellation_and_zero(x in interval(), p in mpfr_prec()) {
        fn check<T: Enclosure + Field>(u: &T, x: &B, exact: bool) -> Result<(), TestCaseError> {
            let a = enc(u, x);
            let zero = Q::zero();
            for r in [a.clone() + &(-a.clone()), a.clone() - &a] {
                if let Some(b) = r.bounds() {
                    prop_assert!(contains(&b, &zero), "a - a must contain 0: {r:?}");
                    if exact {
                        prop_assert_eq!(b, (zero.clone(), zero.clone()));
                    }
                }
            }
            let z = u.int(0);
            if let Some(b) = a.bounds() {
                let r = a.clone() * &z;
                prop_assert_eq!(r.bounds(), Some((zero.clone(), zero.clone())), "{:?} * 0", b);
                let r = z.clone() * &a;
                prop_assert_eq!(r.bounds(), Some((zero.clone(), zero.clone())));
            }
            // Division by zero or by an interval around zero bounds nothing.
            for d in [z.clone(), u.from_bounds(&q_frac(-1, 2), &q_frac(1, 3)),
                      u.from_bounds(&zero, &q_int(1)), u.from_bounds(&q_int(-1), &zero)] {
                let r = a.clone() / &d;
                let zero_pt = a.bounds() == Some((zero.clone(), zero.clone()))
                    && r.bounds() == Some((zero.clone(), zero.clone()));
                prop_assert!(r.bounds().is_none() || zero_pt, "{a:?} / {d:?} = {r:?}");
                prop_assert!(d.recip().bounds().is_none());
            }
            Ok(())
        }
        let point = x.0 == x.1;
        check(&inari_unit(), &x, false)?;
        check(&MpfrInterval::unit(p), &x, false)?;
        check(&RatInterval::unit(64), &x, point)?;
    }
}

#[test]
fn division_by_zero_bounds_nothing() {
    // The only bounded answer accepted is inari's (IEEE 1788) [0, 0] / y = [0, 0] for 0 in y; the
    // other types bound nothing there too.
    let cases = [
        ((1, 2), (-1, 1)),
        ((1, 2), (0, 1)),
        ((1, 2), (-1, 0)),
        ((1, 2), (0, 0)),
        ((-1, 1), (0, 0)),
        ((-3, -2), (-1, 2)),
        ((0, 0), (0, 0)),
    ];
    for ((a, b), (c, d)) in cases {
        let (x, y) = ((q_int(a), q_int(b)), (q_int(c), q_int(d)));
        let i = enc(&inari_unit(), &x) / enc(&inari_unit(), &y);
        assert!(i.bounds().is_none(), "inari {x:?}/{y:?} = {i:?}");
        for p in [24, 53, 300] {
            let u = MpfrInterval::unit(p);
            let m = enc(&u, &x) / enc(&u, &y);
            assert!(m.bounds().is_none(), "mpfr {x:?}/{y:?} = {m:?}");
        }
        let u = RatInterval::unit(64);
        let r = enc(&u, &x) / enc(&u, &y);
        assert!(r.bounds().is_none(), "rat {x:?}/{y:?} = {r:?}");
    }
    for p in [24, 53, 300] {
        let u = MpfrInterval::unit(p);
        let z = enc(&u, &(q_int(0), q_int(0)));
        assert!((z.clone() / enc(&u, &(q_int(-1), q_int(1))))
            .bounds()
            .is_none());
    }
    let u = RatInterval::unit(64);
    assert!((u.int(0) / enc(&u, &(q_int(-1), q_int(1))))
        .bounds()
        .is_none());
}

/// Nonnegative binary64 radii: zero, subnormal, small, large.
fn widths_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(f64::from_bits(1)),
        (-1074i32..=1023).prop_map(|e| 2f64.powi(e)),
        (0.0f64..=1e6),
        (0.0f64..=1.0).prop_map(|u| u * 1e-300),
        Just(f64::MAX),
    ]
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn directed_conversion_to_f64(q in rat()) {
        use gdcert::arith::exact::q_to_f64_directed;
        let (lo, hi) = (q_to_f64_directed(&q, false), q_to_f64_directed(&q, true));
        prop_assert!(!lo.is_nan() && !hi.is_nan());
        // lo <= q <= hi, with -inf only below and +inf only above the binary64 range.
        prop_assert!(lo != f64::INFINITY, "rounding {q} down gave +inf");
        prop_assert!(hi != f64::NEG_INFINITY, "rounding {q} up gave -inf");
        if let Some(l) = q_from_f64(lo) {
            prop_assert!(l <= q, "down: {lo} > {q}");
            if let Some(n) = q_from_f64(f64_next_up(lo)) {
                prop_assert!(n > q, "down not tight: {lo} for {q}");
            }
        }
        if let Some(h) = q_from_f64(hi) {
            prop_assert!(h >= q, "up: {hi} < {q}");
        }
    }

    #[test]
    fn enclosure_helpers(
        (x, y) in interval_pair(), ts in fractions(), p in mpfr_prec(), r in widths_f64(),
        n in prop_oneof![-100i64..=100, any::<i64>()],
    ) {
        fn check<T: Enclosure + Field>(
            u: &T, xb: &B, yb: &B, ts: &[Q], r: f64, n: i64,
        ) -> Result<(), TestCaseError> {
            let (x, y) = (enc(u, xb), enc(u, yb));
            let xs = sample(&x, xb, ts);
            let ys = sample(&y, yb, ts);
            for a in &xs {
                prop_assert!(x.bounds().is_none() || x.contains_q(a), "{x:?} from {xb:?} misses {a}");
            }
            let abs: Vec<Q> = xs.iter().map(|a| a.abs()).collect();
            check_result(&x.abs(), &abs, x.bounds().is_none(), "abs")?;
            let h = x.hull(&y);
            let both: Vec<Q> = xs.iter().chain(&ys).cloned().collect();
            check_result(&h, &both, x.bounds().is_none() || y.bounds().is_none(), "hull")?;
            // The midpoint is a point of the enclosure (mean-value forms rely on it).
            if let Some(b) = x.bounds() {
                let m = x.midpoint().bounds();
                prop_assert!(m.as_ref().is_some_and(|(c, d)| c == d && contains(&b, c)),
                    "midpoint {m:?} of {x:?}");
            }
            let t = x.clone().tidy();
            check_result(&t, &xs, x.bounds().is_none(), "tidy")?;
            // ε-inflation: x + [-r, r].
            let rq = q_from_f64(r.abs()).unwrap();
            let w = x.widen(r);
            let moved: Vec<Q> = xs.iter().flat_map(|a| [a - &rq, a + &rq]).collect();
            let big = x.bounds().is_none() || moved.iter().any(near_f64_overflow);
            check_result(&w, &moved, big, &format!("widen({r:e})"))?;
            // Integers: enclosed, and exact when they fit in 24 bits (every format here).
            let i = u.int(n);
            check_result(&i, &[q_int(n)], false, "int")?;
            if n.unsigned_abs() < 1 << 24 {
                prop_assert_eq!(i.bounds(), Some((q_int(n), q_int(n))));
            }
            Ok(())
        }
        check(&inari_unit(), &x, &y, &ts, r, n)?;
        check(&MpfrInterval::unit(p), &x, &y, &ts, r, n)?;
        check(&RatInterval::unit(64), &x, &y, &ts, r, n)?;
        check(&RatInterval::unit(8), &x, &y, &ts, r, n)?;
        // MPFR: changing the precision rounds outward.
        let m = enc(&MpfrInterval::unit(300), &x);
        for q in [24u32, 53, 128] {
            check_result(&m.with_prec(q), &points(&x, &ts), false, "with_prec")?;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Elementary functions against MPFR at 1000 bits

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fun {
    Sqrt,
    Ln,
    Exp,
    Cos,
    Sin,
    Acosh,
    Tanh,
}

fn apply<T: Elementary>(f: Fun, x: &T) -> T {
    match f {
        Fun::Sqrt => x.sqrt(),
        Fun::Ln => x.ln(),
        Fun::Exp => x.exp(),
        Fun::Cos => x.cos(),
        Fun::Sin => x.sin(),
        Fun::Acosh => x.acosh(),
        Fun::Tanh => x.tanh(),
    }
}

/// Whether every point `>= lo` is in the domain of `f`.
fn domain_from(f: Fun, lo: &Q) -> bool {
    match f {
        Fun::Sqrt => !lo.is_negative(),
        Fun::Ln => lo.is_positive(),
        Fun::Acosh => *lo >= Q::one(),
        Fun::Exp | Fun::Cos | Fun::Sin | Fun::Tanh => true,
    }
}

const REF_PREC: u32 = 1000;

/// The reference precisions: 1000 bits, and 4000 bits when an enclosure under test is so narrow that
/// it cannot contain the 1000-bit reference interval (e.g. a cached high-precision π).
const REF_PRECS: [u32; 2] = [REF_PREC, 4 * REF_PREC];

/// A tiny enclosure of `f(p)`: MPFR intervals at `prec` bits.
fn reference(f: Fun, p: &Q, prec: u32) -> B {
    let x = MpfrInterval::unit(prec).constant(p);
    apply(f, &x)
        .bounds()
        .unwrap_or_else(|| panic!("no reference value for {f:?}({p})"))
}

/// `r` must contain the reference enclosures `refs(prec)` (each contains a true value) at one of
/// the reference precisions; it may bound nothing only when `none_ok`.
fn check_ref<T: Enclosure>(
    r: &T,
    refs: impl Fn(u32) -> Vec<B>,
    none_ok: bool,
    what: &str,
) -> Result<(), TestCaseError> {
    let Some(b) = r.bounds() else {
        prop_assert!(none_ok, "{what}: unexpectedly unbounded: {r:?}");
        return Ok(());
    };
    let mut last = Vec::new();
    for prec in REF_PRECS {
        last = refs(prec);
        if last.iter().all(|(c, d)| contains(&b, c) && contains(&b, d)) {
            return Ok(());
        }
    }
    prop_assert!(false, "{what}: {r:?} misses the reference {last:?}");
    Ok(())
}

/// `[c, d]` times the exact rational `f`.
fn scale(b: &B, f: &Q) -> B {
    // Not reduced to lowest terms (the gcd of long integers is slow); `qle` does not need it.
    let m = |q: &Q| Q::new_raw(q.numer() * f.numer(), q.denom() * f.denom());
    sorted(m(&b.0), m(&b.1))
}

/// `f(X)` must contain the reference enclosure of `f(p)` at every sampled point `p` of `X`; it must
/// bound nothing when `X` leaves the domain, and may bound nothing only when `none_ok`.
fn check_elementary<T: Enclosure + Elementary>(
    unit: &T,
    f: Fun,
    xb: &B,
    ts: &[Q],
    none_ok: impl Fn(&B) -> bool,
) -> Result<(), TestCaseError> {
    let x = enc(unit, xb);
    let r = apply(f, &x);
    let pts = sample(&x, xb, ts);
    match x.bounds() {
        Some(ab) => {
            if !domain_from(f, &ab.0) {
                prop_assert!(
                    r.bounds().is_none(),
                    "{f:?} of {x:?} leaves the domain: must bound nothing, got {r:?}"
                );
                return Ok(());
            }
            match r.bounds() {
                None => prop_assert!(none_ok(&ab), "{f:?}({x:?}) unexpectedly unbounded"),
                Some(_) => {
                    for p in &pts {
                        check_ref(
                            &r,
                            |prec| vec![reference(f, p, prec)],
                            false,
                            &format!("{f:?}({x:?}) at {p}"),
                        )?;
                    }
                }
            }
        }
        None => {
            // An unbounded (overflowed) input: a bounded result must still hold at the points.
            if r.bounds().is_some() {
                for p in pts.iter().filter(|p| domain_from(f, p)) {
                    check_ref(
                        &r,
                        |prec| vec![reference(f, p, prec)],
                        false,
                        &format!("{f:?}({x:?})"),
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn check_all_types(f: Fun, xb: &B, ts: &[Q], prec: u32, bits: u32) -> Result<(), TestCaseError> {
    check_elementary(&inari_unit(), f, xb, ts, |b| {
        // exp overflows binary64 beyond ~709.78.
        f == Fun::Exp && b.1 > q_int(709)
    })?;
    check_elementary(&MpfrInterval::unit(prec), f, xb, ts, |_| false)?;
    check_elementary(&RatInterval::unit(bits), f, xb, ts, |b| {
        // RatInterval::exp refuses arguments beyond 2^20 (documented).
        matches!(f, Fun::Exp | Fun::Tanh)
            && (b.0.abs() > q_int(1 << 20) || b.1.abs() > q_int(1 << 20))
    })?;
    Ok(())
}

fn pi_1000() -> &'static Q {
    static PI: OnceLock<Q> = OnceLock::new();
    PI.get_or_init(|| MpfrInterval::unit(REF_PREC).pi().bounds().unwrap().0)
}

fn sign() -> impl Strategy<Value = Q> {
    prop_oneof![Just(q_int(1)), Just(q_int(-1))]
}

/// Widths of argument intervals: points, tiny, moderate.
fn width() -> impl Strategy<Value = Q> {
    prop_oneof![
        3 => Just(Q::zero()),
        3 => (0i64..=200).prop_map(|e| pow2(-e)),
        2 => (0i64..=1000, 1i64..=100).prop_map(|(n, d)| q_frac(n, d)),
    ]
}

fn widened(p: impl Strategy<Value = Q>) -> impl Strategy<Value = B> {
    (p, width()).prop_map(|(p, w)| (p.clone(), p + w))
}

/// A rational within ±2^-e of `k π / 2`, for |k| up to 10^6 (and exactly the 1000-bit value).
fn near_half_pi() -> impl Strategy<Value = Q> {
    (
        prop_oneof![-8i64..=8, -1_000_000i64..=1_000_000],
        prop_oneof![Just(None), (1i64..=200).prop_map(Some)],
        sign(),
    )
        .prop_map(|(k, e, s)| {
            let base = pi_1000() * q_frac(k, 2);
            match e {
                None => base,
                Some(e) => base + s * pow2(-e),
            }
        })
}

/// Moderate and large arguments: |x| up to about 10^6 and beyond, with fractional parts.
fn large() -> impl Strategy<Value = Q> {
    prop_oneof![
        (-1_000_000_000_000i64..=1_000_000_000_000, 1i64..=1_000_000)
            .prop_map(|(n, d)| q_frac(n, d)),
        Just(q_int(1_000_000)),
        Just(q_int(-1_000_000)),
        (sign(), 20i64..=200).prop_map(|(s, e)| s * pow2(e)),
    ]
}

/// Near zero: ±2^-e and small rationals.
fn tiny() -> impl Strategy<Value = Q> {
    prop_oneof![
        Just(Q::zero()),
        (sign(), 1i64..=1100).prop_map(|(s, e)| s * pow2(-e)),
        (-1000i64..=1000, 1i64..=1_000_000).prop_map(|(n, d)| q_frac(n, d)),
    ]
}

/// Near one: 1 ± 2^-e.
fn near_one() -> impl Strategy<Value = Q> {
    prop_oneof![
        Just(q_int(1)),
        (sign(), 1i64..=300).prop_map(|(s, e)| q_int(1) + s * pow2(-e)),
        (0i64..=1000, 1i64..=1000).prop_map(|(n, d)| q_int(1) + q_frac(n, d * 1000)),
    ]
}

fn positive() -> impl Strategy<Value = Q> {
    rat().prop_map(|q| if q.is_zero() { q_int(1) } else { q.abs() })
}

fn elementary_args(f: Fun) -> BoxedStrategy<B> {
    let general = interval().boxed();
    match f {
        Fun::Sqrt => prop_oneof![
            3 => widened(positive()),
            2 => widened(tiny().prop_map(|q| q.abs())),
            1 => widened(near_one()),
            2 => general,
        ]
        .boxed(),
        Fun::Ln => prop_oneof![
            3 => widened(near_one()),
            2 => widened(positive()),
            1 => widened(tiny().prop_map(|q| q.abs())),
            2 => general,
        ]
        .boxed(),
        Fun::Acosh => prop_oneof![
            3 => widened(near_one()),
            2 => widened(positive().prop_map(|q| q + q_int(1))),
            2 => general,
        ]
        .boxed(),
        Fun::Exp => prop_oneof![
            2 => widened(tiny()),
            3 => widened((-1_000_000i64..=1_000_000, 1i64..=1000).prop_map(|(n, d)| q_frac(n, d))),
            1 => widened(prop_oneof![Just(q_int(709)), Just(q_int(-745)), Just(q_int(1000))]),
            1 => widened((sign(), 0i64..=18).prop_map(|(s, e)| s * pow2(e))),
        ]
        .boxed(),
        Fun::Tanh => prop_oneof![
            2 => widened(tiny()),
            3 => widened((-100_000i64..=100_000, 1i64..=1000).prop_map(|(n, d)| q_frac(n, d))),
            1 => widened(prop_oneof![Just(q_int(20)), Just(q_int(-400)), Just(q_int(1 << 21))]),
            2 => general,
        ]
        .boxed(),
        Fun::Cos | Fun::Sin => prop_oneof![
            4 => widened(near_half_pi()),
            2 => widened(tiny()),
            2 => widened(large()),
            2 => general,
        ]
        .boxed(),
    }
}

fn elementary_case(f: Fun) -> impl Strategy<Value = (B, Vec<Q>, u32, u32)> {
    (
        elementary_args(f),
        fractions(),
        mpfr_prec(),
        prop_oneof![Just(53u32), Just(160)],
    )
}

const ELEM_CASES: u32 = 120;

proptest! {
    #![proptest_config(config(ELEM_CASES))]

    #[test]
    fn sqrt_encloses((x, ts, p, bits) in elementary_case(Fun::Sqrt)) {
        check_all_types(Fun::Sqrt, &x, &ts, p, bits)?;
    }

    #[test]
    fn ln_encloses((x, ts, p, bits) in elementary_case(Fun::Ln)) {
        check_all_types(Fun::Ln, &x, &ts, p, bits)?;
    }

    #[test]
    fn exp_encloses((x, ts, p, bits) in elementary_case(Fun::Exp)) {
        check_all_types(Fun::Exp, &x, &ts, p, bits)?;
    }

    #[test]
    fn cos_encloses((x, ts, p, bits) in elementary_case(Fun::Cos)) {
        check_all_types(Fun::Cos, &x, &ts, p, bits)?;
    }

    #[test]
    fn sin_encloses((x, ts, p, bits) in elementary_case(Fun::Sin)) {
        check_all_types(Fun::Sin, &x, &ts, p, bits)?;
    }

    #[test]
    fn tanh_encloses((x, ts, p, bits) in elementary_case(Fun::Tanh)) {
        check_all_types(Fun::Tanh, &x, &ts, p, bits)?;
    }

    #[test]
    fn acosh_encloses((x, ts, p, bits) in elementary_case(Fun::Acosh)) {
        check_all_types(Fun::Acosh, &x, &ts, p, bits)?;
    }
}

#[test]
fn elementary_fixed_edge_cases() {
    let ts = [q_frac(1, 3), q_frac(1, 2), q_frac(9, 10)];
    let pt = |q: Q| (q.clone(), q);
    let iv = |a: Q, b: Q| (a, b);
    let mut cases: Vec<(Fun, B)> = vec![
        (Fun::Sqrt, pt(q_int(0))),
        (Fun::Sqrt, pt(q_int(2))),
        (Fun::Sqrt, iv(q_int(0), pow2(-1000))),
        (Fun::Sqrt, pt(pow2(1000) + q_int(1))),
        (Fun::Ln, pt(q_int(1))),
        (Fun::Ln, pt(q_int(1) + pow2(-100))),
        (Fun::Ln, pt(q_int(1) - pow2(-100))),
        (Fun::Ln, pt(pow2(-1000))),
        (Fun::Ln, pt(pow2(1000))),
        (Fun::Exp, pt(q_int(0))),
        (Fun::Exp, pt(pow2(-1000))),
        (Fun::Exp, pt(q_int(-700))),
        (Fun::Exp, pt(q_int(700))),
        (Fun::Acosh, pt(q_int(1))),
        (Fun::Acosh, pt(q_int(1) + pow2(-200))),
        (Fun::Acosh, iv(q_int(1), q_int(2))),
        (Fun::Acosh, pt(pow2(1000))),
    ];
    for f in [Fun::Cos, Fun::Sin] {
        for x in [
            pt(q_int(0)),
            pt(pow2(-1000)),
            pt(q_int(1_000_000)),
            pt(q_int(-1_000_000)),
            pt(pow2(100)),
            pt(pow2(1000)),
            pt(q_frac(355, 113)),
            pt(q_frac(355, 226)),
            iv(q_int(3), q_frac(33, 10)),
            iv(q_int(1), q_int(2)),
            iv(q_int(-2), q_int(-1)),
            iv(q_int(0), q_int(7)),
            iv(q_int(-100), q_int(100)),
            iv(q_int(999_999), q_int(1_000_001)),
        ] {
            cases.push((f, x));
        }
        for k in [-4i64, -1, 1, 2, 3, 636_619] {
            let c = pi_1000() * q_frac(k, 2);
            cases.push((f, pt(c.clone())));
            cases.push((f, iv(&c - pow2(-60), &c + pow2(-60))));
        }
    }
    for (f, x) in &cases {
        for p in [24, 53, 128, 300] {
            check_all_types(*f, x, &ts, p, 160).unwrap_or_else(|e| panic!("{f:?} {x:?}: {e}"));
        }
    }
}

#[test]
fn out_of_domain_bounds_nothing() {
    let cases: Vec<(Fun, B)> = vec![
        (Fun::Sqrt, (q_int(-2), q_int(-1))),
        (Fun::Sqrt, (q_int(-1), q_int(4))),
        (Fun::Sqrt, (-pow2(-1000), q_int(1))),
        (Fun::Ln, (q_int(-2), q_int(-1))),
        (Fun::Ln, (q_int(-1), q_int(2))),
        (Fun::Ln, (q_int(0), q_int(2))),
        (Fun::Ln, (q_int(0), q_int(0))),
        (Fun::Acosh, (q_int(0), q_int(0))),
        (Fun::Acosh, (q_frac(1, 2), q_int(2))),
        (Fun::Acosh, (q_int(1) - pow2(-100), q_int(1))),
        (Fun::Acosh, (q_int(-3), q_int(-2))),
    ];
    for (f, x) in &cases {
        let i = apply(*f, &enc(&inari_unit(), x));
        assert!(i.bounds().is_none(), "inari {f:?}{x:?} = {i:?}");
        for p in [24, 53, 128, 300] {
            let m = apply(*f, &enc(&MpfrInterval::unit(p), x));
            assert!(m.bounds().is_none(), "mpfr {f:?}{x:?} = {m:?}");
        }
        let r = apply(*f, &enc(&RatInterval::unit(64), x));
        assert!(r.bounds().is_none(), "rat {f:?}{x:?} = {r:?}");
        // What bounds nothing stays so: later operations and hulls never give it bounds again.
        let i2 = i.exp() * enc(&inari_unit(), &(q_int(0), q_int(0)));
        assert!(
            i2.bounds().is_none(),
            "inari {f:?}{x:?} then exp·0 = {i2:?}"
        );
        let h = i.hull(&inari_unit());
        assert!(h.bounds().is_none(), "inari hull with {i:?} = {h:?}");
        let m = apply(*f, &enc(&MpfrInterval::unit(53), x));
        assert!(m.hull(&MpfrInterval::unit(53)).bounds().is_none());
        assert!(r.hull(&RatInterval::unit(64)).bounds().is_none());
    }
}

#[test]
fn pi_is_enclosed() {
    let check = |r: &dyn Fn() -> Option<B>, what: &str, max_width: Q| {
        let b = r().unwrap_or_else(|| panic!("{what}: unbounded pi"));
        let ok = REF_PRECS.iter().any(|&prec| {
            let (c, d) = MpfrInterval::unit(prec).pi().bounds().unwrap();
            contains(&b, &c) && contains(&b, &d)
        });
        assert!(ok, "{what}: {b:?} misses pi");
        assert!(&b.1 - &b.0 <= max_width, "{what}: too wide");
    };
    check(&|| inari_unit().pi().bounds(), "inari", pow2(-50));
    for p in [24u32, 53, 128, 300] {
        check(
            &|| MpfrInterval::unit(p).pi().bounds(),
            &format!("mpfr {p}"),
            pow2(2 - p as i64),
        );
    }
    for bits in [53u32, 160, 300, 1500] {
        check(
            &|| RatInterval::unit(bits).pi().bounds(),
            &format!("rat {bits}"),
            pow2(-(bits as i64)),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Comparisons

/// Two intervals that often share or straddle endpoints.
fn interval_pair() -> impl Strategy<Value = (B, B)> {
    prop_oneof![
        2 => (interval(), interval()),
        3 => (interval(), rat(), 0usize..6, 0usize..6).prop_map(|(x, r, i, j)| {
            let mid = (&x.0 + &x.1) / q_int(2);
            let eps = (x.1.clone() - &x.0) * q_frac(1, 1 << 20) + pow2(-60);
            let c = [x.0.clone(), x.1.clone(), mid, r, &x.0 - &eps, &x.1 + &eps];
            let y = sorted(c[i].clone(), c[j].clone());
            (x, y)
        }),
    ]
}

/// Every decided comparison must hold for all points of the two enclosures (checked at their
/// corners and at random points).
fn check_comparisons<T: Enclosure>(
    unit: &T,
    xb: &B,
    yb: &B,
    ts: &[Q],
) -> Result<(), TestCaseError> {
    let x = enc(unit, xb);
    let y = enc(unit, yb);
    let xs = sample(&x, xb, ts);
    let ys = sample(&y, yb, ts);
    type Pred = fn(&Q, &Q) -> bool;
    let rels: [(&str, Tri, Pred); 4] = [
        ("lt", x.lt(&y), |a, b| a < b),
        ("le", x.le(&y), |a, b| a <= b),
        ("gt", x.gt(&y), |a, b| a > b),
        ("ge", x.ge(&y), |a, b| a >= b),
    ];
    for (name, t, pred) in rels {
        for a in &xs {
            for b in &ys {
                match t {
                    Tri::True => {
                        prop_assert!(pred(a, b), "{name} True but {a} vs {b}: {x:?} {y:?}")
                    }
                    Tri::False => {
                        prop_assert!(!pred(a, b), "{name} False but {a} vs {b}: {x:?} {y:?}")
                    }
                    Tri::Unknown => {}
                }
            }
        }
    }
    let (xa, ya) = (x.bounds(), y.bounds());
    // Decided where the exact endpoints decide.
    if let (Some(a), Some(b)) = (&xa, &ya) {
        if a.1 < b.0 {
            prop_assert_eq!(x.lt(&y), Tri::True);
        }
        if a.0 >= b.1 {
            prop_assert_eq!(x.lt(&y), Tri::False);
        }
    }
    if x.subset(&y) {
        prop_assert!(xa.is_some(), "subset of an unbounded enclosure: {x:?}");
        if let Some(yb) = &ya {
            for a in &xs {
                prop_assert!(contains(yb, a), "subset but {a} not in {y:?}");
            }
        }
    }
    if x.interior(&y) {
        let yb = ya.clone().expect("interior of a bounded enclosure");
        for a in &xs {
            prop_assert!(yb.0 < *a && *a < yb.1, "interior but {a} vs {y:?}");
        }
    }
    if x.disjoint(&y) {
        let below = xs.iter().all(|a| ys.iter().all(|b| a < b));
        let above = xs.iter().all(|a| ys.iter().all(|b| a > b));
        prop_assert!(below || above, "disjoint but they meet: {x:?} {y:?}");
        if let (Some(a), Some(b)) = (&xa, &ya) {
            prop_assert!(
                a.1 < b.0 || b.1 < a.0,
                "disjoint but they meet: {x:?} {y:?}"
            );
        }
    }
    for a in xs.iter().chain(&ys) {
        if x.contains_q(a) {
            prop_assert!(xa.as_ref().is_some_and(|b| contains(b, a)));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn comparisons_are_never_wrong((x, y) in interval_pair(), ts in fractions(), p in mpfr_prec()) {
        check_comparisons(&inari_unit(), &x, &y, &ts)?;
        check_comparisons(&MpfrInterval::unit(p), &x, &y, &ts)?;
        check_comparisons(&RatInterval::unit(64), &x, &y, &ts)?;
    }

    #[test]
    fn comparisons_of_computed_enclosures((x, y) in interval_pair(), ts in fractions()) {
        // Results of operations, whose endpoints are rounded: still never wrong.
        let u = MpfrInterval::unit(24);
        let (a, b) = (enc(&u, &x), enc(&u, &y));
        let third = u.constant(&q_frac(1, 3));
        let l = a.clone() * &third;
        let r = b.clone() * &third;
        if let (Some(lb), Some(rb)) = (l.bounds(), r.bounds()) {
            check_comparisons(&u, &lb, &rb, &ts)?;
            // x/3 < y/3 decided True only when x < y everywhere.
            if l.lt(&r).is_true() {
                prop_assert!(x.1 < y.0);
            }
            if l.lt(&r).is_false() {
                prop_assert!(x.0 >= y.1);
            }
        }
    }

    #[test]
    fn f64_decides_nothing(a in any::<f64>(), b in any::<f64>(), q in rat()) {
        prop_assert_eq!(Enclosure::lt(&a, &b), Tri::Unknown);
        prop_assert_eq!(Enclosure::le(&a, &b), Tri::Unknown);
        prop_assert_eq!(Enclosure::gt(&a, &b), Tri::Unknown);
        prop_assert_eq!(Enclosure::ge(&a, &b), Tri::Unknown);
        prop_assert_eq!(Enclosure::lt(&a, &a), Tri::Unknown);
        prop_assert!(!a.subset(&b) && !a.interior(&b) && !a.disjoint(&b));
        prop_assert!(a.bounds().is_none());
        prop_assert!(!a.contains_q(&q));
        // Even from exact endpoints and for obviously ordered values.
        let (one, two) = (a.constant(&q_int(1)), a.constant(&q_int(2)));
        prop_assert_eq!(Enclosure::lt(&one, &two), Tri::Unknown);
        prop_assert_eq!(Enclosure::ge(&one, &two), Tri::Unknown);
        let x = a.from_bounds(&q_int(0), &q_int(1));
        prop_assert_eq!(Enclosure::lt(&x, &a.from_bounds(&q_int(5), &q_int(6))), Tri::Unknown);
    }
}

// ---------------------------------------------------------------------------------------------
// Dual numbers and jets

/// f(x) = (3x³ - 2x + 1/7) / (x² + 1), written once for any field.
fn rational_fn<S: Field>(x: &S) -> S {
    let num = x.powi(3) * &x.int(3) - x.clone() * &x.int(2) + x.constant(&q_frac(1, 7));
    let den = x.sqr() + x.int(1);
    num / den
}

fn rational_fn_exact(x: &Q) -> (Q, Q) {
    let num = q_int(3) * x * x * x - q_int(2) * x + q_frac(1, 7);
    let dnum = q_int(9) * x * x - q_int(2);
    let den = x * x + q_int(1);
    let dden = q_int(2) * x;
    let v = &num / &den;
    let d = (dnum * &den - num * dden) / (&den * &den);
    (v, d)
}

/// g(x, y) = x² y - y³/3 + x / (y² + 1), with its exact gradient.
fn two_var<S: Field>(x: &S, y: &S) -> S {
    x.sqr() * y - y.powi(3) * &y.constant(&q_frac(1, 3)) + x.clone() / (y.sqr() + y.int(1))
}

fn two_var_grad(x: &Q, y: &Q) -> (Q, Q, Q) {
    let d = y * y + q_int(1);
    let v = x * x * y - y * y * y / q_int(3) + x / &d;
    let gx = q_int(2) * x * y + d.recip();
    let gy = x * x - y * y - q_int(2) * x * y / (&d * &d);
    (v, gx, gy)
}

/// h(x) = exp(x) sin(x) and h'(x) = exp(x) (sin x + cos x).
fn exp_sin<S: Elementary>(x: &S) -> S {
    x.exp() * &x.sin()
}

/// Reference values by (function, point, precision).
type Memo = std::collections::HashMap<(u8, Q, u32), (B, B)>;

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = Default::default();
}

/// `f(p, prec)` remembered (the same reference is needed for each arithmetic under test).
fn memo(id: u8, p: &Q, prec: u32, f: fn(&Q, u32) -> (B, B)) -> (B, B) {
    let key = (id, p.clone(), prec);
    if let Some(v) = MEMO.with(|m| m.borrow().get(&key).cloned()) {
        return v;
    }
    let v = f(p, prec);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() > 4096 {
            m.clear();
        }
        m.insert(key, v.clone());
    });
    v
}

fn exp_sin_ref(p: &Q, prec: u32) -> (B, B) {
    let x = MpfrInterval::unit(prec).constant(p);
    let e = x.exp();
    let v = e.clone() * &x.sin();
    let d = e * &(x.sin() + &x.cos());
    (v.bounds().unwrap(), d.bounds().unwrap())
}

/// k(x) = sqrt(1 + x²) ln(2 + x²) + acosh(2 + x²) + cos x, and its derivative
/// x ln(2 + x²)/sqrt(1 + x²) + 2x sqrt(1 + x²)/(2 + x²) + 2x/sqrt((2 + x²)² - 1) - sin x.
fn mixed_fn<S: Elementary>(x: &S) -> S {
    let x2 = x.sqr();
    let a = (x2.clone() + x.int(1)).sqrt();
    let b = x2 + x.int(2);
    a * &b.ln() + b.acosh() + x.cos()
}

fn mixed_ref(p: &Q, prec: u32) -> (B, B) {
    let x = MpfrInterval::unit(prec).constant(p);
    let x2 = x.sqr();
    let a = (x2.clone() + x.int(1)).sqrt();
    let b = x2 + x.int(2);
    let v = a.clone() * &b.ln() + b.acosh() + x.cos();
    let two_x = x.clone() * &x.int(2);
    let d =
        x.clone() * &b.ln() / &a + two_x.clone() * &a / &b + two_x / &(b.sqr() - b.int(1)).sqrt()
            - x.sin();
    (v.bounds().unwrap(), d.bounds().unwrap())
}

fn small_arg() -> impl Strategy<Value = B> {
    let p = prop_oneof![
        (-600_000i64..=600_000, 1000i64..=100_000).prop_map(|(n, d)| q_frac(n, d)),
        tiny(),
    ];
    (
        p,
        prop_oneof![Just(Q::zero()), (4i64..=40).prop_map(|e| pow2(-e))],
    )
        .prop_map(|(p, w)| (p.clone(), p + w))
}

fn check_dual<T: Enclosure + Elementary>(
    unit: &T,
    xb: &B,
    yb: &B,
    ts: &[Q],
) -> Result<(), TestCaseError> {
    let xs = points(xb, ts);
    let ys = points(yb, ts);
    // One variable, rational function: exact reference.
    let x = Dual::<T, 1>::var(enc(unit, xb), 0);
    let r = rational_fn(&x);
    for p in &xs {
        let (v, d) = rational_fn_exact(p);
        check_result(&r.v, &[v], false, "dual value")?;
        check_result(&r.d[0], &[d], false, "dual derivative")?;
    }
    // Two variables.
    let [dx, dy] = Dual::<T, 2>::seed(&[enc(unit, xb), enc(unit, yb)]);
    let g = two_var(&dx, &dy);
    for p in &xs {
        for q in &ys {
            let (v, gx, gy) = two_var_grad(p, q);
            check_result(&g.v, &[v], false, "dual2 value")?;
            check_result(&g.d[0], &[gx], false, "dual2 d/dx")?;
            check_result(&g.d[1], &[gy], false, "dual2 d/dy")?;
        }
    }
    // exp and sin: MPFR reference.
    let h = exp_sin(&x);
    for p in &xs {
        check_ref(
            &h.v,
            |prec| vec![memo(0, p, prec, exp_sin_ref).0],
            false,
            "dual exp·sin",
        )?;
        check_ref(
            &h.d[0],
            |prec| vec![memo(0, p, prec, exp_sin_ref).1],
            false,
            "dual (exp·sin)'",
        )?;
    }
    // sqrt, ln, acosh, cos.
    let k = mixed_fn(&x);
    for p in &xs {
        check_ref(
            &k.v,
            |prec| vec![memo(1, p, prec, mixed_ref).0],
            false,
            "dual mixed",
        )?;
        check_ref(
            &k.d[0],
            |prec| vec![memo(1, p, prec, mixed_ref).1],
            false,
            "dual mixed'",
        )?;
    }
    Ok(())
}

/// The Taylor coefficients at `t0` of `sum a_j t^j`: `c_k = sum_j a_j C(j, k) t0^(j-k)`.
fn poly_taylor(a: &[Q], t0: &Q, order: usize) -> Vec<Q> {
    (0..=order)
        .map(|k| {
            let mut s = Q::zero();
            for (j, aj) in a.iter().enumerate().skip(k) {
                let binom = (0..k).fold(Q::one(), |acc, i| {
                    acc * q_int((j - i) as i64) / q_int(i as i64 + 1)
                });
                s += aj * binom * num_traits::pow(t0.clone(), j - k);
            }
            s
        })
        .collect()
}

fn factorial(k: usize) -> Q {
    (1..=k).fold(Q::one(), |a, i| a * q_int(i as i64))
}

/// Reference values for the transcendental jets at one point: exp(2x + 1), and sin(3x + jπ/2),
/// sin(x + jπ/2) for j = 0..3, as bounds; computed once at 1000 bits and at 4000 bits if needed.
struct JetRefs {
    low: JetBases,
    high: std::cell::OnceCell<JetBases>,
}

type JetBases = (B, [B; 4], [B; 4]);

impl JetRefs {
    fn bases(x: &Q, prec: u32) -> JetBases {
        let b = |v: MpfrInterval| v.bounds().unwrap();
        let y = MpfrInterval::unit(prec).constant(x);
        let y3 = y.clone() * &y.int(3);
        let quarter = |v: &MpfrInterval| [b(v.sin()), b(v.cos()), b(-v.sin()), b(-v.cos())];
        (
            b((y.clone() * &y.int(2) + y.int(1)).exp()),
            quarter(&y3),
            quarter(&y),
        )
    }

    fn new(x: &Q) -> Self {
        JetRefs {
            low: Self::bases(x, REF_PREC),
            high: std::cell::OnceCell::new(),
        }
    }

    fn at(&self, x: &Q, prec: u32) -> &JetBases {
        if prec == REF_PREC {
            &self.low
        } else {
            self.high.get_or_init(|| Self::bases(x, prec))
        }
    }
}

fn check_jet<T: Enclosure + Elementary>(
    unit: &T,
    xb: &B,
    ts: &[Q],
    coeffs: &[Q],
    refs: &[JetRefs],
) -> Result<(), TestCaseError> {
    const ORDER: usize = 6;
    let pts = points(xb, ts);
    // The reference values are scaled exactly (a rounded scaling could step past an exact bound
    // such as |cos| <= 1 that the enclosure under test may attain).
    let m = |x: &Q, prec: u32| MpfrInterval::unit(prec).constant(x);
    let b = |v: MpfrInterval| v.bounds().unwrap();
    let t = Jet::var(enc(unit, xb), ORDER);
    // A polynomial: exact coefficients.
    let mut p = t.constant(&Q::zero());
    for (j, a) in coeffs.iter().enumerate() {
        p = p + &(t.powi(j as u32) * &t.constant(a));
    }
    for x in &pts {
        let exact = poly_taylor(coeffs, x, ORDER);
        for (k, c) in exact.iter().enumerate() {
            check_result(
                &p.c[k],
                std::slice::from_ref(c),
                false,
                &format!("poly jet c{k}"),
            )?;
        }
    }
    // 1 / (2 - t) on t < 1 (away from the pole even after outward rounding): 1 / (2 - t0)^(k+1).
    if xb.1 < q_int(1) {
        let g = t.int(1) / (t.int(2) - t.clone());
        for x in &pts {
            for k in 0..=ORDER {
                let c = num_traits::pow(q_int(2) - x, k + 1).recip();
                check_result(&g.c[k], &[c], false, &format!("1/(2-t) c{k}"))?;
            }
        }
    }
    // exp(2t + 1): c_k = exp(2 t0 + 1) 2^k / k!.
    let e = (t.clone() * &t.int(2) + t.int(1)).exp();
    // sin(3t): c_k = 3^k sin(3 t0 + kπ/2) / k!, and cos t: c_k = cos(t0 + kπ/2) / k!.
    let s = (t.clone() * &t.int(3)).sin();
    let c = t.cos();
    for (x, jr) in pts.iter().zip(refs) {
        let at = |prec: u32| jr.at(x, prec);
        for k in 0..=ORDER {
            let fk = factorial(k);
            let f_exp = pow2(k as i64) / &fk;
            let f_sin = num_traits::pow(q_int(3), k) / &fk;
            let f_cos = fk.recip();
            check_ref(
                &e.c[k],
                |prec| vec![scale(&at(prec).0, &f_exp)],
                false,
                &format!("exp jet c{k}"),
            )?;
            check_ref(
                &s.c[k],
                |prec| vec![scale(&at(prec).1[k % 4], &f_sin)],
                false,
                &format!("sin jet c{k}"),
            )?;
            check_ref(
                &c.c[k],
                |prec| vec![scale(&at(prec).2[(k + 1) % 4], &f_cos)],
                false,
                &format!("cos jet c{k}"),
            )?;
        }
    }
    // ln t and sqrt t for t > 0: c_k = (-1)^(k+1) / (k t0^k), and binom(1/2, k) t0^(1/2 - k).
    if xb.0 >= q_frac(1, 1000) {
        let l = t.ln();
        let r = t.sqrt();
        for x in &pts {
            check_ref(&l.c[0], |prec| vec![b(m(x, prec).ln())], false, "ln jet c0")?;
            for k in 1..=ORDER {
                let sgn = if k % 2 == 1 { q_int(1) } else { q_int(-1) };
                let c = sgn / (q_int(k as i64) * num_traits::pow(x.clone(), k));
                check_result(&l.c[k], &[c], false, &format!("ln jet c{k}"))?;
            }
            for k in 0..=ORDER {
                let binom = (0..k).fold(Q::one(), |acc, i| {
                    acc * (q_frac(1, 2) - q_int(i as i64)) / q_int(i as i64 + 1)
                });
                let f = binom / num_traits::pow(x.clone(), k);
                check_ref(
                    &r.c[k],
                    |prec| vec![scale(&b(m(x, prec).sqrt()), &f)],
                    false,
                    &format!("sqrt jet c{k}"),
                )?;
            }
        }
    }
    // acosh t for t > 1: c0 = acosh t0, c1 = 1/sqrt(t0² - 1), c2 = -t0 / (2 (t0² - 1)^(3/2)).
    if xb.0 >= q_frac(3, 2) {
        let a = t.acosh();
        for x in &pts {
            let u = |prec: u32| {
                let y = m(x, prec);
                let s = (y.sqr() - y.int(1)).sqrt();
                (y, s)
            };
            check_ref(
                &a.c[0],
                |prec| vec![b(u(prec).0.acosh())],
                false,
                "acosh jet c0",
            )?;
            check_ref(
                &a.c[1],
                |prec| vec![b(u(prec).1.recip())],
                false,
                "acosh jet c1",
            )?;
            check_ref(
                &a.c[2],
                |prec| {
                    let (y, s) = u(prec);
                    vec![b(-(y.clone() / (s.clone() * &s * &s * &y.int(2))))]
                },
                false,
                "acosh jet c2",
            )?;
        }
    }
    Ok(())
}

fn poly_coeffs() -> impl Strategy<Value = Vec<Q>> {
    prop::collection::vec(
        (-1000i64..=1000, 1i64..=1000).prop_map(|(n, d)| q_frac(n, d)),
        1..=6,
    )
}

proptest! {
    #![proptest_config(config(60))]

    #[test]
    fn dual_derivatives_enclose(x in small_arg(), y in small_arg(), ts in fractions(), p in mpfr_prec()) {
        check_dual(&RatInterval::unit(64), &x, &y, &ts)?;
        check_dual(&MpfrInterval::unit(p), &x, &y, &ts)?;
        check_dual(&inari_unit(), &x, &y, &ts)?;
    }

    #[test]
    fn jet_coefficients_enclose(x in small_arg(), ts in fractions(), a in poly_coeffs(), p in mpfr_prec()) {
        // Keep exp(2t + 1) within binary64: |t| <= 300.
        let x = (x.0 / q_int(2), x.1 / q_int(2));
        let refs: Vec<JetRefs> = points(&x, &ts).iter().map(JetRefs::new).collect();
        check_jet(&RatInterval::unit(64), &x, &ts, &a, &refs)?;
        check_jet(&MpfrInterval::unit(p), &x, &ts, &a, &refs)?;
        check_jet(&inari_unit(), &x, &ts, &a, &refs)?;
    }
}

#[test]
fn dual_over_exact_rationals_is_exact() {
    for x in [q_frac(1, 2), q_frac(-7, 3), q_int(0), q_int(5)] {
        let d = rational_fn(&Dual::<Q, 1>::var(x.clone(), 0));
        assert_eq!((d.v, d.d[0].clone()), rational_fn_exact(&x));
    }
}

// ---------------------------------------------------------------------------------------------
// Polynomials

const NV: usize = 3;

fn random_poly() -> impl Strategy<Value = Poly> {
    prop::collection::vec(
        (
            (-50i64..=50, 1i64..=20).prop_map(|(n, d)| q_frac(n, d)),
            prop::array::uniform3(0u32..=3),
        ),
        0..=5,
    )
    .prop_map(|terms| {
        let v = Poly::vars(NV);
        let mut p = Poly::zero(NV);
        for (c, e) in terms {
            let mut m = Poly::constant_q(NV, &c);
            for (i, k) in e.iter().enumerate() {
                m = m * &v[i].powi(*k);
            }
            p = p + &m;
        }
        p
    })
}

fn small_q() -> impl Strategy<Value = Q> {
    (-30i64..=30, 1i64..=7).prop_map(|(n, d)| q_frac(n, d))
}

proptest! {
    #![proptest_config(config(100))]

    #[test]
    fn poly_identities(a in random_poly(), b in random_poly(), c in random_poly(),
                       pt in prop::array::uniform3(small_q())) {
        let two = a.int(2);
        let lhs = (a.clone() + &b).sqr();
        let rhs = a.sqr() + &(a.clone() * &b * &two) + &b.sqr();
        prop_assert!((lhs - rhs).is_zero());
        prop_assert!(((a.clone() + &b) * &(a.clone() - &b) - (a.sqr() - b.sqr())).is_zero());
        prop_assert!((a.powi(3) - a.clone() * &a * &a).is_zero());
        prop_assert!(((a.clone() * &b) * &c - a.clone() * &(b.clone() * &c)).is_zero());
        prop_assert!((a.clone() * &(b.clone() + &c) - (a.clone() * &b + a.clone() * &c)).is_zero());
        prop_assert!((a.clone() - &a).is_zero());
        // Evaluation is a ring homomorphism.
        prop_assert_eq!((a.clone() * &b).eval(&pt), a.eval(&pt) * b.eval(&pt));
        prop_assert_eq!((a.clone() + &b).eval(&pt), a.eval(&pt) + b.eval(&pt));
        prop_assert_eq!((-a.clone()).eval(&pt), -a.eval(&pt));
        // Product rule.
        for i in 0..NV {
            let d = (a.clone() * &b).derivative(i);
            let e = a.derivative(i) * &b + &(a.clone() * &b.derivative(i));
            prop_assert!((d - e).is_zero());
        }
        // Substitution commutes with evaluation.
        let s = a.substitute(1, &b);
        let mut pt2 = pt.clone();
        pt2[1] = b.eval(&pt);
        prop_assert_eq!(s.eval(&pt), a.eval(&pt2));
    }

    #[test]
    fn poly_reduce_on_the_circle(k in 0u32..=6, a in random_poly(), t in small_q()) {
        // Variables x0 = c, x1 = s (x2 unused): c² = 1 - s².
        let v = Poly::vars(NV);
        let (c, s) = (&v[0], &v[1]);
        let rel = c.int(1) - s.sqr();
        let p = (c.sqr() + s.sqr()).powi(k);
        let r = p.reduce(0, &rel);
        prop_assert!((r - c.int(1)).is_zero(), "(c² + s²)^{k} mod c² = 1 - s² must be 1");
        // Reduction preserves values on the circle: c = (1-t²)/(1+t²), s = 2t/(1+t²).
        let den = q_int(1) + &t * &t;
        let pt = [(q_int(1) - &t * &t) / &den, q_int(2) * &t / &den, t.clone()];
        let red = a.reduce(0, &rel);
        prop_assert_eq!(red.eval(&pt), a.eval(&pt));
        prop_assert!(red.terms().all(|(e, _)| e[0] < 2));
    }
}
