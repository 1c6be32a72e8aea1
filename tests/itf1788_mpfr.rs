//! `MpfrInterval` at 53 bits against the IEEE 1788 test vectors (ITF1788) that ship with the `inari`
//! crate (`tests/itf1788_tests/*.rs` in its package, found through `cargo metadata`).
//!
//! The test files are Rust sources; they are read here as text, and the bare-interval (not decorated)
//! assertions of the operations `+ - * /`, unary `-`, `.sqr()` and `.sqrt()` are extracted, e.g.
//! `assert_eq2!(n2i(1.0, 2.0) + n2i(3.0, 4.0), n2i(4.0, 6.0));`. Each is evaluated with
//! `MpfrInterval` at precision 53 and both endpoints are compared exactly, as rationals, with the
//! expected ones. With outward rounding, 53-bit MPFR gives the tightest enclosure by 53-bit numbers,
//! which is what the vectors state, so every vector with finite inputs and a finite nonempty result
//! must match exactly.
//!
//! Where our type represents a result differently from IEEE 1788, the vector is not compared
//! strictly; it is counted, and checked as far as the difference allows:
//! - empty intervals (`I::EMPTY`, or `n2i(a, b)` with `a > b`): `MpfrInterval` has no empty set, only
//!   an invalid value that bounds nothing. Vectors with an empty *input* are skipped; a nonempty
//!   input with an empty *expected* result (e.g. `sqrt([-2, -1])`) must give a result that bounds
//!   nothing (`bounds() == None`);
//! - division by an interval that contains zero: IEEE 1788 returns the closure of the set of
//!   quotients (`[0, 0] / [0, 8] = [0, 0]`, `[1, 2] / [0, 1] = [1, +inf]`); ours returns an unbounded
//!   result that bounds nothing. Checked to bound nothing;
//! - `sqrt` of an interval partly below zero: IEEE 1788 restricts to the domain
//!   (`sqrt([-1, 4]) = [0, 2]`); ours is invalid. Checked to bound nothing;
//! - infinite endpoints (an infinite input endpoint such as `I::ENTIRE` or `[1, +inf]`, or an
//!   expected `[MAX, +inf]` where binary64 overflows): our enclosures are meant for finite values
//!   (`bounds()` is `None` for any infinite endpoint), MPFR can give NaN where IEEE 1788 defines
//!   `0 * inf = 0`, and a 53-bit MPFR number has a far wider exponent range than binary64, so it does
//!   not overflow where binary64 does. These are built with infinite MPFR endpoints and checked
//!   loosely: ours must be invalid, or equal the expected interval once rounded outward to binary64.
//!
//! Results in the binary64 subnormal range (below 2^-1022 in magnitude) differ too: a 53-bit MPFR
//! number keeps 53 significant bits there, where binary64 keeps fewer, so our enclosure may be
//! strictly tighter than the expected one. Such a vector must lie inside the expected interval and,
//! rounded outward to binary64, equal it exactly; it is counted separately.

use gdcert::arith::exact::{parse_q, pow2, q_from_f64, q_from_float, Q};
use gdcert::arith::{Elementary, Enclosure, MpfrInterval, Ring};
use num_traits::{Signed, ToPrimitive};
use rug::float::Special;
use rug::Float;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// One endpoint of a binary64 interval as written in the test files.
#[derive(Clone, Debug, PartialEq)]
enum End {
    NegInf,
    Fin(f64),
    PosInf,
}

/// A bare interval of the test files: `n2i(a, b)`, `I::EMPTY` or `I::ENTIRE`.
#[derive(Clone, Debug)]
enum Iv {
    Empty,
    Pair(End, End),
}

impl Iv {
    /// `n2i(a, b)` is empty when `a > b` or an endpoint is the wrong infinity (inari's `interval!`).
    fn n2i(a: End, b: End) -> Iv {
        let ok = match (&a, &b) {
            (End::PosInf, _) | (_, End::NegInf) => false,
            (End::Fin(x), End::Fin(y)) => x <= y,
            _ => true,
        };
        if ok {
            Iv::Pair(a, b)
        } else {
            Iv::Empty
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Iv::Empty)
    }

    /// The exact finite endpoints, or `None` for an empty or unbounded interval.
    fn finite(&self) -> Option<(Q, Q)> {
        match self {
            Iv::Pair(End::Fin(a), End::Fin(b)) => Some((q_from_f64(*a)?, q_from_f64(*b)?)),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Sqr,
    Sqrt,
}

#[derive(Debug)]
struct Vector {
    file: String,
    text: String,
    op: Op,
    x: Iv,
    y: Option<Iv>,
    expected: Iv,
}

/// The directory `tests/itf1788_tests` of the `inari` package, found through `cargo metadata`.
fn itf_dir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let run = |extra: &[&str]| {
        Command::new(&cargo)
            .args(["metadata", "--format-version", "1"])
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    // Without network access the plain call can fail on a stale index; the offline one cannot.
    let out = run(&[])
        .or_else(|| run(&["--offline"]))
        .expect("`cargo metadata` failed");
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("`cargo metadata` printed no JSON");
    let manifest = meta["packages"]
        .as_array()
        .expect("no packages in `cargo metadata`")
        .iter()
        .find(|p| p["name"] == "inari")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("the inari package is not in `cargo metadata`");
    let dir = PathBuf::from(manifest)
        .parent()
        .expect("manifest path has a parent")
        .join("tests")
        .join("itf1788_tests");
    assert!(dir.is_dir(), "{} is not a directory", dir.display());
    dir
}

/// The text of every `assert_eq2!(...)` in `src`, with all whitespace removed.
fn assertions(src: &str) -> Vec<String> {
    const KEY: &str = "assert_eq2!(";
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find(KEY) {
        let body = &rest[i + KEY.len()..];
        let mut depth = 1usize;
        let mut end = None;
        for (j, ch) in body.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.expect("unbalanced assert_eq2!");
        out.push(body[..end].chars().filter(|c| !c.is_whitespace()).collect());
        rest = &body[end..];
    }
    out
}

/// Splits `a,b` at its top-level comma.
fn split_top_comma(s: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => return Some((&s[..i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

/// A binary64 literal of the test files, exactly.
///
/// A decimal Rust literal such as `0.1` or `1.7976931348623157e+308` denotes the binary64 number
/// nearest to it, not the decimal itself: `str::parse::<f64>` rounds correctly to nearest, and
/// `q_from_f64` then gives that number's exact value. A hexadecimal float (`-0x1.99999A842549Ap+4`)
/// is parsed exactly with `parse_q`, and must be representable.
fn parse_end(s: &str) -> Option<End> {
    match s {
        "f64::INFINITY" | "+f64::INFINITY" | "-f64::NEG_INFINITY" => return Some(End::PosInf),
        "f64::NEG_INFINITY" | "-f64::INFINITY" => return Some(End::NegInf),
        _ => {}
    }
    let bare = s.trim_start_matches(['+', '-']);
    if bare.starts_with("0x") || bare.starts_with("0X") {
        let q = parse_q(s).ok()?;
        let f = q.to_f64()?;
        assert_eq!(
            q_from_f64(f).as_ref(),
            Some(&q),
            "{s} is not a binary64 number"
        );
        // Keep the sign of a negative zero.
        return Some(End::Fin(if s.starts_with('-') && f == 0.0 {
            -0.0
        } else {
            f
        }));
    }
    if !bare
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    assert!(f.is_finite(), "{s} overflows binary64");
    Some(End::Fin(f))
}

/// An operand at the start of `s`: returns it and the rest of `s`.
fn parse_operand(s: &str) -> Option<(Iv, &str)> {
    if let Some(r) = s.strip_prefix("I::EMPTY") {
        return Some((Iv::Empty, r));
    }
    if let Some(r) = s.strip_prefix("I::ENTIRE") {
        return Some((Iv::Pair(End::NegInf, End::PosInf), r));
    }
    let r = s.strip_prefix("n2i(")?;
    let close = r.find(')')?;
    let (a, b) = split_top_comma(&r[..close])?;
    Some((Iv::n2i(parse_end(a)?, parse_end(b)?), &r[close + 1..]))
}

/// Parses `lhs` as one of the supported operations on bare intervals.
fn parse_op(lhs: &str) -> Option<(Op, Iv, Option<Iv>)> {
    if let Some(r) = lhs.strip_prefix('-') {
        let (x, rest) = parse_operand(r)?;
        return rest.is_empty().then_some((Op::Neg, x, None));
    }
    let (x, rest) = parse_operand(lhs)?;
    match rest {
        ".sqr()" => return Some((Op::Sqr, x, None)),
        ".sqrt()" => return Some((Op::Sqrt, x, None)),
        _ => {}
    }
    let mut chars = rest.chars();
    let op = match chars.next()? {
        '+' => Op::Add,
        '-' => Op::Sub,
        '*' => Op::Mul,
        '/' => Op::Div,
        _ => return None,
    };
    let (y, rest) = parse_operand(chars.as_str())?;
    rest.is_empty().then_some((op, x, Some(y)))
}

fn parse_expected(rhs: &str) -> Option<Iv> {
    let (iv, rest) = parse_operand(rhs)?;
    rest.is_empty().then_some(iv)
}

fn load_vectors() -> (Vec<Vector>, usize) {
    let dir = itf_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("cannot list the ITF1788 directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut vectors = Vec::new();
    let mut n_files = 0;
    for path in files {
        let src = std::fs::read_to_string(&path).expect("cannot read a test file");
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        n_files += 1;
        for a in assertions(&src) {
            let Some((lhs, rhs)) = split_top_comma(&a) else {
                continue;
            };
            let (Some((op, x, y)), Some(expected)) = (parse_op(lhs), parse_expected(rhs)) else {
                continue;
            };
            vectors.push(Vector {
                file: file.clone(),
                text: a.clone(),
                op,
                x,
                y,
                expected,
            });
        }
    }
    (vectors, n_files)
}

fn eval(op: Op, x: &MpfrInterval, y: Option<&MpfrInterval>) -> MpfrInterval {
    let y = || y.expect("binary operation").clone();
    match op {
        Op::Add => x.clone() + y(),
        Op::Sub => x.clone() - y(),
        Op::Mul => x.clone() * y(),
        Op::Div => x.clone() / y(),
        Op::Neg => -x.clone(),
        Op::Sqr => x.sqr(),
        Op::Sqrt => x.sqrt(),
    }
}

impl End {
    /// The endpoint as a 53-bit MPFR number (exact: every binary64 number is one).
    fn float(&self) -> Float {
        match self {
            End::NegInf => Float::with_val(53, Special::NegInfinity),
            End::Fin(x) => Float::with_val(53, *x),
            End::PosInf => Float::with_val(53, Special::Infinity),
        }
    }

    /// The exact value, `None` for an infinity.
    fn q(&self) -> Option<Q> {
        match self {
            End::Fin(x) => q_from_f64(*x),
            _ => None,
        }
    }
}

/// An extended real: `-∞`, a rational, or `+∞` (so that `-0.0 == 0.0`).
#[derive(Clone, Debug, PartialEq)]
enum Ext {
    NegInf,
    Fin(Q),
    PosInf,
}

impl From<&End> for Ext {
    fn from(e: &End) -> Ext {
        match e {
            End::NegInf => Ext::NegInf,
            End::Fin(_) => Ext::Fin(e.q().expect("finite")),
            End::PosInf => Ext::PosInf,
        }
    }
}

/// A 53-bit MPFR endpoint rounded outward (down or up) to binary64: the same number in the normal
/// range, the subnormal quantum 2^-1074 below 2^-1022, and overflow beyond the largest binary64
/// number (down: `f64::MAX`, up: `+∞`, and symmetrically for negative numbers).
fn to_binary64(f: &Float, up: bool) -> Ext {
    if f.is_infinite() {
        return if f.is_sign_negative() {
            Ext::NegInf
        } else {
            Ext::PosInf
        };
    }
    let v = q_from_float(f).expect("finite endpoint");
    let max = q_from_f64(f64::MAX).unwrap();
    if v > max {
        return if up { Ext::PosInf } else { Ext::Fin(max) };
    }
    if v < -max.clone() {
        return if up { Ext::Fin(-max) } else { Ext::NegInf };
    }
    if v.abs() < pow2(-1022) {
        let quantum = pow2(-1074);
        let scaled = &v / &quantum;
        let n = if up { scaled.ceil() } else { scaled.floor() };
        return Ext::Fin(n * quantum);
    }
    assert!(f.prec() <= 53);
    Ext::Fin(v)
}

#[derive(Default)]
struct Counts {
    exact: BTreeMap<Op, usize>,
    subnormal: usize,
    infinite_matched: usize,
    infinite_invalid: usize,
    empty_input: usize,
    expected_empty: usize,
    divisor_has_zero: usize,
    sqrt_partly_negative: usize,
}

#[test]
fn mpfr53_agrees_with_itf1788() {
    let (vectors, n_files) = load_vectors();
    let mut c = Counts::default();
    let mut failures = Vec::new();
    let zero = Q::from_integer(0.into());
    for v in &vectors {
        let where_ = || format!("{}: {}", v.file, v.text);
        // Empty inputs: our type has no empty set.
        let (Iv::Pair(xa, xb), y) = (&v.x, &v.y) else {
            c.empty_input += 1;
            continue;
        };
        let ys = match y {
            None => None,
            Some(Iv::Pair(ya, yb)) => Some((ya, yb)),
            Some(Iv::Empty) => {
                c.empty_input += 1;
                continue;
            }
        };
        let x = MpfrInterval::from_floats(xa.float(), xb.float());
        let y = ys.map(|(a, b)| MpfrInterval::from_floats(a.float(), b.float()));
        let r = eval(v.op, &x, y.as_ref());

        // Division by an interval that contains zero: ours bounds nothing.
        if let (Op::Div, Some((ya, yb))) = (v.op, ys) {
            let (ya, yb) = (Ext::from(ya), Ext::from(yb));
            let le0 = |e: &Ext| matches!(e, Ext::NegInf) || matches!(e, Ext::Fin(q) if *q <= zero);
            let ge0 = |e: &Ext| matches!(e, Ext::PosInf) || matches!(e, Ext::Fin(q) if *q >= zero);
            if le0(&ya) && ge0(&yb) {
                if r.bounds().is_some() {
                    failures.push(format!("{}: expected no bounds, got {r:?}", where_()));
                }
                c.divisor_has_zero += 1;
                continue;
            }
        }
        // A nonempty input with an empty expected result: ours bounds nothing.
        let Iv::Pair(ea, eb) = &v.expected else {
            if r.bounds().is_some() {
                failures.push(format!("{}: expected no bounds, got {r:?}", where_()));
            }
            c.expected_empty += 1;
            continue;
        };
        // sqrt of an interval partly below zero: ours is invalid, IEEE 1788 restricts to the domain.
        if v.op == Op::Sqrt && matches!(Ext::from(xa), Ext::NegInf | Ext::Fin(_)) {
            let below = match Ext::from(xa) {
                Ext::NegInf => true,
                Ext::Fin(q) => q < zero,
                Ext::PosInf => false,
            };
            if below {
                if r.bounds().is_some() {
                    failures.push(format!("{}: expected no bounds, got {r:?}", where_()));
                }
                c.sqrt_partly_negative += 1;
                continue;
            }
        }
        let all_finite = [
            Some(xa),
            Some(xb),
            ys.map(|y| y.0),
            ys.map(|y| y.1),
            Some(ea),
            Some(eb),
        ]
        .into_iter()
        .flatten()
        .all(|e| matches!(e, End::Fin(_)));
        if all_finite {
            // The strict comparison: finite inputs, finite nonempty expected result.
            let (ea, eb) = (ea.q().unwrap(), eb.q().unwrap());
            let Some((ra, rb)) = r.bounds() else {
                failures.push(format!("{}: got no bounds ({r:?})", where_()));
                continue;
            };
            if ra == ea && rb == eb {
                *c.exact.entry(v.op).or_default() += 1;
            } else if ea <= ra
                && rb <= eb
                && to_binary64(r.lo(), false) == Ext::Fin(ea.clone())
                && to_binary64(r.hi(), true) == Ext::Fin(eb.clone())
            {
                // Subnormal range: tighter than binary64, equal after rounding to binary64.
                c.subnormal += 1;
            } else {
                failures.push(format!(
                    "{}: got [{ra}, {rb}], expected [{ea}, {eb}]",
                    where_()
                ));
            }
            continue;
        }
        // Infinite endpoints (an infinite input, or an overflow of binary64): not compared strictly.
        // Ours must bound nothing, or equal the expected interval once rounded outward to binary64.
        if !r.is_valid() {
            c.infinite_invalid += 1;
        } else if to_binary64(r.lo(), false) == Ext::from(ea)
            && to_binary64(r.hi(), true) == Ext::from(eb)
        {
            c.infinite_matched += 1;
        } else {
            failures.push(format!(
                "{}: got {r:?}, expected [{ea:?}, {eb:?}]",
                where_()
            ));
        }
    }
    let exact: usize = c.exact.values().sum();
    let checked = exact + c.subnormal;
    let bounds_nothing = c.divisor_has_zero + c.sqrt_partly_negative + c.expected_empty;
    let infinite = c.infinite_matched + c.infinite_invalid;
    println!(
        "ITF1788: {n_files} files, {} bare-interval vectors of + - * / neg sqr sqrt",
        vectors.len()
    );
    println!("compared strictly (finite inputs and result): {checked}");
    println!("  endpoints equal: {exact}");
    for (op, n) in &c.exact {
        println!("    {op:?}: {n}");
    }
    println!(
        "  subnormal range (tighter; equal after outward rounding to binary64): {}",
        c.subnormal
    );
    println!(
        "not compared strictly (represented differently): {}",
        bounds_nothing + infinite + c.empty_input
    );
    println!(
        "  divisor contains zero (ours bounds nothing, checked): {}",
        c.divisor_has_zero
    );
    println!(
        "  sqrt of an interval partly below zero (ours bounds nothing, checked): {}",
        c.sqrt_partly_negative
    );
    println!(
        "  expected empty, nonempty input (ours bounds nothing, checked): {}",
        c.expected_empty
    );
    println!(
        "  infinite endpoints: {infinite} (equal after outward rounding to binary64: {}; ours invalid: {})",
        c.infinite_matched, c.infinite_invalid
    );
    println!("  empty input (skipped): {}", c.empty_input);
    assert!(
        failures.is_empty(),
        "{} ITF1788 vectors disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 450, "only {checked} vectors were checked");
    for op in [Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Sqr, Op::Sqrt] {
        assert!(
            c.exact.get(&op).copied().unwrap_or(0) >= 25,
            "too few vectors checked for {op:?}"
        );
    }
}

#[test]
fn parser_reads_the_forms_of_the_test_files() {
    let a = assertions(
        "assert_eq2!(\n  n2i(-0x1.99999A842549Ap+4, 1.0)\n   / n2i(2.0, f64::INFINITY),\n I::EMPTY);",
    );
    assert_eq!(a.len(), 1);
    let (lhs, rhs) = split_top_comma(&a[0]).unwrap();
    let (op, x, y) = parse_op(lhs).unwrap();
    assert_eq!(op, Op::Div);
    let (xa, xb) = x.finite().unwrap();
    assert_eq!(xa, -parse_q("0x1.99999A842549Ap+4").unwrap());
    assert_eq!(xb, Q::from_integer(1.into()));
    assert!(y.unwrap().finite().is_none());
    assert!(parse_expected(rhs).unwrap().is_empty());
    // A decimal literal is the binary64 number nearest to it, not the decimal.
    let Some(End::Fin(t)) = parse_end("0.1") else {
        panic!()
    };
    assert_eq!(q_from_f64(t).unwrap(), q_from_f64(0.1).unwrap());
    assert_ne!(q_from_f64(t).unwrap(), parse_q("0.1").unwrap());
    assert_eq!(parse_end("-0.0"), Some(End::Fin(-0.0)));
    assert_eq!(parse_end("f64::NEG_INFINITY"), Some(End::NegInf));
    assert!(Iv::n2i(End::Fin(2.0), End::Fin(1.0)).is_empty());
    assert!(parse_op("n2i(1.0,2.0).sqrt()").is_some());
    assert!(parse_op("n2i(1.0,2.0).atan2(n2i(1.0,2.0))").is_none());
    assert!(parse_op("nd2di(1.0,2.0,D::Com)+nd2di(1.0,2.0,D::Com)").is_none());
}
