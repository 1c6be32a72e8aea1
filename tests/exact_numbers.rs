//! Exact numerals (quickcheck): every rational that gdcert writes reads back to itself, decimals
//! and fractions parse to the rational they denote, and outward decimal displays bracket the value.

use gdcert::arith::exact::{format_directed, format_exact, parse_q, pow2, q_from_f64};
use gdcert::arith::{q_frac, Q};
use num_bigint::BigInt;
use quickcheck::{quickcheck, TestResult};

fn rational(n: i64, d: i64, e: i16) -> Option<Q> {
    if d == 0 {
        return None;
    }
    Some(Q::new(BigInt::from(n), BigInt::from(d)) * pow2((e % 600) as i64))
}

quickcheck! {
    fn exact_text_round_trips(n: i64, d: i64, e: i16) -> TestResult {
        let Some(q) = rational(n, d, e) else { return TestResult::discard() };
        TestResult::from_bool(parse_q(&format_exact(&q)) == Ok(q))
    }

    fn binary64_values_round_trip(x: f64) -> TestResult {
        let Some(q) = q_from_f64(x) else { return TestResult::discard() };
        let text = format_exact(&q);
        TestResult::from_bool(parse_q(&text) == Ok(q) && text.len() < gdcert::arith::exact::MAX_NUMERAL_LEN)
    }

    fn decimals_denote_their_value(int: u32, frac: u32, e: i8) -> bool {
        let frac = frac % 1_000_000_000;
        let text = format!("{int}.{frac:09}e{e}");
        let expect = (Q::from_integer(BigInt::from(int)) + q_frac(frac as i64, 1_000_000_000))
            * if e >= 0 { Q::from_integer(num_traits::pow(BigInt::from(10), e as usize)) } else { Q::new(BigInt::from(1), num_traits::pow(BigInt::from(10), (-(e as i32)) as usize)) };
        parse_q(&text) == Ok(expect)
    }

    fn fractions_denote_their_value(n: i32, d: i32) -> TestResult {
        if d == 0 {
            return TestResult::discard();
        }
        TestResult::from_bool(parse_q(&format!("{n}/{d}")) == Ok(q_frac(n as i64, d as i64)))
    }

    fn directed_displays_bracket(n: i64, d: i64, e: i16, digits: u8) -> TestResult {
        let Some(q) = rational(n, d, e) else { return TestResult::discard() };
        let digits = 1 + (digits as usize % 20);
        let lo = parse_q(&format_directed(&q, digits, false));
        let hi = parse_q(&format_directed(&q, digits, true));
        TestResult::from_bool(matches!((lo, hi), (Ok(a), Ok(b)) if a <= q && q <= b))
    }
}

#[test]
fn non_numbers_are_rejected() {
    for s in [
        "nan", "-inf", "Infinity", "", "1/0", "0x", "1e", "--2", "1.2.3", "abc", "1e99999",
    ] {
        assert!(parse_q(s).is_err(), "{s:?} must be rejected");
    }
}
