//! Exact rational numbers: parsing from text, exact formatting, and conversions from binary floats.
//!
//! Every number that enters gdcert from a user (instance files, `--set`, certificates) is parsed here,
//! exactly: `0.1` is 1/10, `3/2` is 3/2, `1e-3` is 1/1000, `0x1.8p-3` is 3/16 and `5*2^-3` is 5/8.
//! NaN, infinities and text that is not a number are errors, never silently rounded values.

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The exact rational type of gdcert.
pub type Q = BigRational;

/// Longest accepted numeral, in characters (guards the kernel against absurd inputs).
pub const MAX_NUMERAL_LEN: usize = 2_500;
/// Largest accepted decimal or binary exponent in a numeral.
pub const MAX_EXPONENT: i64 = 20_000;

/// Most fractional digits [`format_exact`] writes in decimal form (the 128-bit binary values of
/// ordinary magnitude fit).
pub const LONGEST_DECIMAL: u64 = 150;

/// The rational `n`.
pub fn q_int(n: i64) -> Q {
    Q::from_integer(BigInt::from(n))
}

/// The rational `n / d` (`d` must not be zero).
pub fn q_frac(n: i64, d: i64) -> Q {
    Q::new(BigInt::from(n), BigInt::from(d))
}

/// `2^e` as a rational, for any sign of `e`.
pub fn pow2(e: i64) -> Q {
    let p = BigInt::one() << e.unsigned_abs();
    if e >= 0 {
        Q::from_integer(p)
    } else {
        Q::new(BigInt::one(), p)
    }
}

fn pow10(e: u64) -> BigInt {
    num_traits::pow(BigInt::from(10u32), e as usize)
}

/// Parses a numeral exactly. Accepted forms, each with an optional sign:
/// integers `12`, decimals `0.1` `.5` `1.`, scientific `1e-3` `2.5E+4`, fractions `3/2` `-7/10` `0.5/3`,
/// hexadecimal floats `0x1.8p-3`, and dyadic products `5*2^-3`.
pub fn parse_q(text: &str) -> Result<Q, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("an empty string is not a number".into());
    }
    if s.len() > MAX_NUMERAL_LEN {
        return Err(format!("numeral longer than {MAX_NUMERAL_LEN} characters"));
    }
    let lower = s.to_ascii_lowercase();
    let bare = lower.trim_start_matches(['+', '-']);
    if bare.starts_with("nan") || bare.starts_with("inf") {
        return Err(format!(
            "`{s}` is not a finite number (NaN and infinities are rejected)"
        ));
    }
    if let Some((num, den)) = s.split_once('/') {
        let n = parse_unsigned_or_signed(num)?;
        let d = parse_unsigned_or_signed(den)?;
        if d.is_zero() {
            return Err(format!("`{s}` divides by zero"));
        }
        return Ok(n / d);
    }
    if let Some((m, p)) = s.split_once('*') {
        let m = parse_unsigned_or_signed(m)?;
        let p = p.trim();
        let e = p
            .strip_prefix("2^")
            .ok_or_else(|| format!("`{s}`: expected the form m*2^e"))?;
        let e = parse_exponent(e, s)?;
        return Ok(m * pow2(e));
    }
    parse_unsigned_or_signed(s)
}

fn parse_exponent(e: &str, whole: &str) -> Result<i64, String> {
    let e = e.trim();
    let digits = e.trim_start_matches(['+', '-']);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || e.len() - digits.len() > 1
    {
        return Err(format!("`{whole}`: bad exponent `{e}`"));
    }
    let v: i64 = e
        .parse()
        .map_err(|_| format!("`{whole}`: exponent `{e}` is out of range"))?;
    if v.abs() > MAX_EXPONENT {
        return Err(format!(
            "`{whole}`: exponent {v} is out of range (|e| <= {MAX_EXPONENT})"
        ));
    }
    Ok(v)
}

/// A signed decimal, scientific or hexadecimal-float numeral.
fn parse_unsigned_or_signed(t: &str) -> Result<Q, String> {
    let t = t.trim();
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if body.len() > 2 && (body.starts_with("0x") || body.starts_with("0X")) {
        parse_hex_float(&body[2..], t)?
    } else {
        parse_decimal(body, t)?
    };
    Ok(if neg { -v } else { v })
}

fn parse_decimal(body: &str, whole: &str) -> Result<Q, String> {
    let bad = || format!("`{whole}` is not a number (expected e.g. 0.1, 3/2 or 1e-3)");
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], parse_exponent(&body[i + 1..], whole)?),
        None => (body, 0),
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    if ip.is_empty() && fp.is_empty() {
        return Err(bad());
    }
    let ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !ok(ip) || !ok(fp) || ip.starts_with('_') || fp.starts_with('_') {
        return Err(bad());
    }
    let digits: String = ip.chars().chain(fp.chars()).filter(|c| *c != '_').collect();
    let n: BigInt = if digits.is_empty() {
        BigInt::zero()
    } else {
        digits.parse().map_err(|_| bad())?
    };
    let fl = fp.chars().filter(|c| *c != '_').count() as i64;
    let e10 = exp - fl;
    if e10.abs() > MAX_EXPONENT + MAX_NUMERAL_LEN as i64 {
        return Err(bad());
    }
    Ok(if e10 >= 0 {
        Q::from_integer(n * pow10(e10 as u64))
    } else {
        Q::new(n, pow10((-e10) as u64))
    })
}

fn parse_hex_float(body: &str, whole: &str) -> Result<Q, String> {
    let bad = || format!("`{whole}` is not a hexadecimal float (expected e.g. 0x1.8p-3)");
    let (mant, exp) = match body.find(['p', 'P']) {
        Some(i) => (&body[..i], parse_exponent(&body[i + 1..], whole)?),
        None => (body, 0),
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    if ip.is_empty() && fp.is_empty() {
        return Err(bad());
    }
    let digits: String = ip.chars().chain(fp.chars()).collect();
    let n = BigInt::parse_bytes(digits.as_bytes(), 16).ok_or_else(bad)?;
    Ok(Q::from_integer(n) * pow2(exp - 4 * fp.len() as i64))
}

/// Whether `q` has a finite decimal expansion (its reduced denominator is 2^a 5^b).
pub fn is_decimal(q: &Q) -> bool {
    let mut d = q.denom().clone();
    for p in [2u32, 5u32] {
        let p = BigInt::from(p);
        while d.is_multiple_of(&p) {
            d /= &p;
        }
    }
    d.is_one()
}

/// Exact text of `q`: a finite decimal when `q` has one (every binary float does), else `p/q`.
/// A dyadic rational `m/2^k` whose decimal would need more than [`LONGEST_DECIMAL`] fractional digits
/// (long MPFR mantissas, tiny magnitudes) is written `m*2^-k` instead, which is about three times
/// shorter. [`parse_q`] reads every form back to the same rational.
pub fn format_exact(q: &Q) -> String {
    if q.is_integer() {
        return q.numer().to_string();
    }
    if !is_decimal(q) {
        return format!("{}/{}", q.numer(), q.denom());
    }
    // Smallest k with denom | 10^k.
    let (mut twos, mut fives) = (0u64, 0u64);
    let mut d = q.denom().clone();
    let two = BigInt::from(2u32);
    let five = BigInt::from(5u32);
    while d.is_multiple_of(&two) {
        d /= &two;
        twos += 1;
    }
    while d.is_multiple_of(&five) {
        d /= &five;
        fives += 1;
    }
    if fives == 0 && twos > LONGEST_DECIMAL {
        return format!("{}*2^-{twos}", q.numer());
    }
    let k = twos.max(fives);
    let scaled = (q * Q::from_integer(pow10(k))).to_integer();
    let neg = scaled.is_negative();
    let mut digits = scaled.abs().to_string();
    if digits.len() <= k as usize {
        digits = "0".repeat(k as usize + 1 - digits.len()) + &digits;
    }
    let cut = digits.len() - k as usize;
    let (ip, fp) = digits.split_at(cut);
    format!("{}{}.{}", if neg { "-" } else { "" }, ip, fp)
}

/// Decimal approximation of `q` with `sig` significant digits, rounded down (`up = false`) or up.
/// Used for human-readable enclosures: `[approx(lo, down), approx(hi, up)]` contains `[lo, hi]`.
pub fn format_directed(q: &Q, sig: usize, up: bool) -> String {
    if q.is_zero() {
        return "0".into();
    }
    let mag = decimal_magnitude(q);
    // Scale so that the integer part has `sig` digits.
    let shift = sig as i64 - 1 - mag;
    let scaled = q * pow10_q(shift);
    let n = if up { scaled.ceil() } else { scaled.floor() }.to_integer();
    let neg = n.is_negative();
    let s = n.abs().to_string();
    let e = s.len() as i64 - 1 - shift;
    let sign = if neg { "-" } else { "" };
    if (-5..=9).contains(&e) {
        // Plain notation.
        let v = Q::from_integer(n) / pow10_q(shift);
        let text = format_exact(&v);
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    } else {
        let (h, t) = s.split_at(1);
        let t = t.trim_end_matches('0');
        if t.is_empty() {
            format!("{sign}{h}e{e}")
        } else {
            format!("{sign}{h}.{t}e{e}")
        }
    }
}

fn pow10_q(e: i64) -> Q {
    if e >= 0 {
        Q::from_integer(pow10(e as u64))
    } else {
        Q::new(BigInt::one(), pow10((-e) as u64))
    }
}

/// floor(log10 |q|) for q != 0.
fn decimal_magnitude(q: &Q) -> i64 {
    let a = q.abs();
    let est = (a.numer().bits() as i64 - a.denom().bits() as i64) * 30103 / 100000;
    let mut m = est;
    loop {
        let p = pow10_q(m);
        if p > a {
            m -= 1;
            continue;
        }
        if pow10_q(m + 1) <= a {
            m += 1;
            continue;
        }
        return m;
    }
}

/// The exact value of a finite `f64`, or `None` for NaN and infinities.
pub fn q_from_f64(x: f64) -> Option<Q> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(Q::zero());
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { -1 } else { 1 };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    };
    Some(Q::from_integer(BigInt::from(sign) * BigInt::from(m)) * pow2(e))
}

/// The `f64` nearest to `q` (ties to even), saturating to +-infinity beyond the range. An estimate only.
pub fn q_to_f64(q: &Q) -> f64 {
    q.to_f64().unwrap_or_else(|| {
        if q.is_negative() {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }
    })
}

/// The largest `f64` that is `<= q` (`up = false`) or the smallest that is `>= q` (`up = true`).
pub fn q_to_f64_directed(q: &Q, up: bool) -> f64 {
    let mut x = q_to_f64(q);
    if x.is_nan() {
        return if up { f64::INFINITY } else { f64::NEG_INFINITY };
    }
    // q_to_f64 is within one ulp; step until the direction holds.
    loop {
        match q_from_f64(x) {
            // Beyond the finite range: +inf is below no rational and -inf above none.
            None if !up && x == f64::INFINITY => return f64::MAX,
            None if up && x == f64::NEG_INFINITY => return f64::MIN,
            None => return x,
            Some(v) => {
                if up && v < *q {
                    x = x.next_up();
                } else if !up && v > *q {
                    x = x.next_down();
                } else {
                    return x;
                }
            }
        }
    }
}

/// The exact hexadecimal text of a finite binary64 (`0x1.8p-3`, `-0x1.91eb851eb851fp+1`), about half
/// as long as its decimal expansion; [`parse_q`] reads it back exactly. `None` for NaN and infinities.
pub fn format_f64_hex(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some("0".into());
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (lead, e) = if exp == 0 {
        (0, -1022)
    } else {
        (1, exp - 1023)
    };
    let digits = format!("{frac:013x}");
    let digits = digits.trim_end_matches('0');
    Some(if digits.is_empty() {
        format!("{sign}0x{lead}p{e:+}")
    } else {
        format!("{sign}0x{lead}.{digits}p{e:+}")
    })
}

/// Converts a GMP integer to a `num-bigint` one.
pub fn bigint_from_rug(i: &rug::Integer) -> BigInt {
    let digits = i.to_digits::<u32>(rug::integer::Order::Lsf);
    let sign = match i.cmp0() {
        std::cmp::Ordering::Less => Sign::Minus,
        std::cmp::Ordering::Equal => Sign::NoSign,
        std::cmp::Ordering::Greater => Sign::Plus,
    };
    BigInt::from_slice(sign, &digits)
}

/// Converts a `num-bigint` integer to a GMP one.
pub fn rug_from_bigint(i: &BigInt) -> rug::Integer {
    let (sign, digits) = i.to_u32_digits();
    let v = rug::Integer::from_digits(&digits, rug::integer::Order::Lsf);
    if sign == Sign::Minus {
        -v
    } else {
        v
    }
}

/// Converts an exact rational to a GMP rational.
pub fn rug_from_q(q: &Q) -> rug::Rational {
    rug::Rational::from((rug_from_bigint(q.numer()), rug_from_bigint(q.denom())))
}

/// The exact value of a finite MPFR float, or `None` for NaN and infinities.
pub fn q_from_float(f: &rug::Float) -> Option<Q> {
    if f.is_zero() {
        // MPFR gives zero the minimum exponent; 2^emin would be a huge rational, slowly built.
        return Some(Q::zero());
    }
    let (m, e) = f.to_integer_exp()?;
    Some(Q::from_integer(bigint_from_rug(&m)) * pow2(e as i64))
}

// Exact arithmetic on rationals with fast paths for dyadic operands (denominators powers of two),
// which avoid the gcd computations of general rationals.

/// `k` when `q = n/2^k` in lowest terms.
pub fn dyadic_exp(q: &Q) -> Option<u64> {
    let d = q.denom();
    let tz = d.trailing_zeros()?;
    (d.bits() == tz + 1).then_some(tz)
}

/// `n/2^k` in lowest terms, without a general gcd.
pub fn dyadic(n: BigInt, k: u64) -> Q {
    if n.is_zero() {
        return Q::new_raw(n, BigInt::one());
    }
    let tz = n.trailing_zeros().unwrap_or(0).min(k);
    Q::new_raw(n >> tz, BigInt::one() << (k - tz))
}

/// `a·b`; exact, with a fast path for dyadic operands (no gcd).
pub fn qmul(a: &Q, b: &Q) -> Q {
    match (dyadic_exp(a), dyadic_exp(b)) {
        (Some(i), Some(j)) => dyadic(a.numer() * b.numer(), i + j),
        _ => a * b,
    }
}

/// `a + b`; exact, with a fast path for dyadic operands (no gcd).
pub fn qadd(a: &Q, b: &Q) -> Q {
    match (dyadic_exp(a), dyadic_exp(b)) {
        (Some(i), Some(j)) => {
            let k = i.max(j);
            dyadic((a.numer() << (k - i)) + (b.numer() << (k - j)), k)
        }
        _ => a + b,
    }
}

pub fn qsub(a: &Q, b: &Q) -> Q {
    match (dyadic_exp(a), dyadic_exp(b)) {
        (Some(i), Some(j)) => {
            let k = i.max(j);
            dyadic((a.numer() << (k - i)) - (b.numer() << (k - j)), k)
        }
        _ => a - b,
    }
}

/// The order of `a` and `b`, with a fast path for dyadic operands (no cross multiplication).
pub fn qcmp(a: &Q, b: &Q) -> std::cmp::Ordering {
    match (dyadic_exp(a), dyadic_exp(b)) {
        (Some(i), Some(j)) => {
            let k = i.max(j);
            (a.numer() << (k - i)).cmp(&(b.numer() << (k - j)))
        }
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_q("0.1").unwrap(), q_frac(1, 10));
        assert_eq!(parse_q("3/2").unwrap(), q_frac(3, 2));
        assert_eq!(parse_q("1e-3").unwrap(), q_frac(1, 1000));
        assert_eq!(parse_q("-2.5E+2").unwrap(), q_int(-250));
        assert_eq!(parse_q(".5").unwrap(), q_frac(1, 2));
        assert_eq!(parse_q("0x1.8p-3").unwrap(), q_frac(3, 16));
        assert_eq!(parse_q("5*2^-3").unwrap(), q_frac(5, 8));
        assert_eq!(parse_q(" 6/5 ").unwrap(), q_frac(6, 5));
        assert_eq!(parse_q("0.5/3").unwrap(), q_frac(1, 6));
    }

    #[test]
    fn rejects_non_numbers() {
        for s in [
            "",
            "abc",
            "nan",
            "NaN",
            "inf",
            "-Infinity",
            "1/0",
            "1e",
            "1.2.3",
            "--1",
            "1e999999",
            "0x",
            "e5",
        ] {
            assert!(parse_q(s).is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn exact_format_round_trips() {
        for s in [
            "0.1",
            "3/2",
            "-7/3",
            "0.73129",
            "12",
            "-0.000001",
            "1e-30",
            "3*2^-400",
            "-5*2^-151",
        ] {
            let q = parse_q(s).unwrap();
            assert_eq!(parse_q(&format_exact(&q)).unwrap(), q, "{s}");
        }
        assert_eq!(format_exact(&q_frac(3, 8)), "0.375");
        assert_eq!(format_exact(&q_frac(-1, 3)), "-1/3");
        assert_eq!(format_exact(&(q_int(3) * pow2(-400))), "3*2^-400");
        let x = q_from_f64(0.1).unwrap();
        assert_eq!(parse_q(&format_exact(&x)).unwrap(), x);
    }

    #[test]
    fn directed_format_brackets() {
        let q = q_frac(2, 3);
        let lo = parse_q(&format_directed(&q, 5, false)).unwrap();
        let hi = parse_q(&format_directed(&q, 5, true)).unwrap();
        assert!(lo <= q && q <= hi);
        assert_eq!(format_directed(&q, 5, false), "0.66666");
        assert_eq!(format_directed(&q, 5, true), "0.66667");
        let tiny = q_frac(-2, 3) * pow2(-200);
        let lo = parse_q(&format_directed(&tiny, 4, false)).unwrap();
        let hi = parse_q(&format_directed(&tiny, 4, true)).unwrap();
        assert!(lo <= tiny && tiny <= hi);
    }

    #[test]
    fn hex_text_is_exact() {
        for x in [0.1, -2.5, 1e-310, f64::MAX, 3.0, -0.0, 1.0 / 3.0] {
            let t = format_f64_hex(x).unwrap();
            assert_eq!(parse_q(&t).unwrap(), q_from_f64(x).unwrap(), "{x} -> {t}");
        }
        assert_eq!(format_f64_hex(0.375).unwrap(), "0x1.8p-2");
        assert!(format_f64_hex(f64::NAN).is_none());
    }

    #[test]
    fn f64_conversions_are_exact_and_directed() {
        assert_eq!(q_from_f64(0.5).unwrap(), q_frac(1, 2));
        assert_eq!(q_from_f64(f64::MIN_POSITIVE / 4.0).unwrap(), pow2(-1024));
        assert!(q_from_f64(f64::NAN).is_none());
        let t = q_frac(1, 10);
        let lo = q_to_f64_directed(&t, false);
        let hi = q_to_f64_directed(&t, true);
        assert!(q_from_f64(lo).unwrap() < t && t < q_from_f64(hi).unwrap());
        assert_eq!(hi, lo.next_up());
    }
}
