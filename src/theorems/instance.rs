//! Instance files: TOML, read exactly, checked against each theorem's parameter schema.
//!
//! Numbers are taken from their source text, never through a binary float: `mu = 0.1` is 1/10,
//! `mu = "3/2"` is 3/2. `--set KEY=VALUE` overrides a key with the same parsing. Every error names
//! the file, the key (and the line when known) and what was expected.

use crate::arith::exact::{format_exact, parse_q, Q};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use toml_edit::{Document, Item, Table, Value as TomlValue};

/// Bad input data: exit code 65.
#[derive(Clone, Debug, PartialEq)]
pub struct InputError {
    pub file: String,
    pub key: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl InputError {
    pub fn new(file: &str, key: Option<&str>, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_string(),
            key: key.map(str::to_string),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(k) = &self.key {
            write!(f, ": key `{k}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What a parameter accepts.
#[derive(Clone, Debug)]
pub enum Kind {
    /// An exact rational; `positive` requires `> 0`.
    Rational { positive: bool },
    /// An integer in `[min, max]`.
    Integer { min: i64, max: i64 },
    /// A list of exact rationals with `min_len..=max_len` entries: a TOML array of numbers or
    /// strings, or one string (and `--set` value) of comma-separated numbers.
    Rationals { min_len: usize, max_len: usize },
    /// A list of strings from a fixed set.
    Choices { allowed: &'static [&'static str] },
    /// Free text.
    Text,
}

/// One key of an instance schema.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    pub key: &'static str,
    pub kind: Kind,
    /// The default, as instance text; `None` means optional without default (or required).
    pub default: Option<&'static str>,
    pub required: bool,
    pub help: &'static str,
}

/// A parsed parameter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Q(Q),
    Qs(Vec<Q>),
    Int(i64),
    List(Vec<String>),
    Text(String),
}

/// A validated instance: its name, where it came from, and every parameter.
#[derive(Clone, Debug)]
pub struct Params {
    pub name: String,
    pub source: String,
    pub values: BTreeMap<String, Value>,
    /// Keys whose value came from `--set`.
    pub set_keys: Vec<String>,
}

impl Params {
    /// Where the value of `key` came from, for error messages: `--set` or the instance file.
    pub fn source_of(&self, key: &str) -> &str {
        if self.set_keys.iter().any(|k| k == key) {
            "--set"
        } else {
            &self.source
        }
    }

    /// An input error about `key`, naming where its value came from.
    pub fn error(&self, key: &str, message: impl Into<String>) -> InputError {
        InputError::new(self.source_of(key), Some(key), message)
    }

    pub fn q(&self, key: &str) -> Option<&Q> {
        match self.values.get(key) {
            Some(Value::Q(q)) => Some(q),
            _ => None,
        }
    }
    pub fn qs(&self, key: &str) -> Option<&[Q]> {
        match self.values.get(key) {
            Some(Value::Qs(v)) => Some(v),
            _ => None,
        }
    }
    pub fn int(&self, key: &str) -> Option<i64> {
        match self.values.get(key) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
    pub fn list(&self, key: &str) -> Option<&[String]> {
        match self.values.get(key) {
            Some(Value::List(l)) => Some(l),
            _ => None,
        }
    }

    /// Every parameter as exact text, for the certificate.
    pub fn record(&self) -> BTreeMap<String, String> {
        self.values
            .iter()
            .map(|(k, v)| {
                let s = match v {
                    Value::Q(q) => format_exact(q),
                    Value::Qs(v) => v.iter().map(format_exact).collect::<Vec<_>>().join(","),
                    Value::Int(n) => n.to_string(),
                    Value::List(l) => l.join(","),
                    Value::Text(t) => t.clone(),
                };
                (k.clone(), s)
            })
            .collect()
    }
}

/// Largest size of an instance parameter's numerator and denominator, in bits (about 1233 digits):
/// exact arithmetic on longer parameters gets slow without telling anything new.
pub const MAX_PARAM_BITS: u64 = 4096;

/// Keys every instance may have besides its theorem's parameters.
const COMMON: [&str; 3] = ["name", "description", "theorem"];

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> Option<usize> {
    span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
}

fn flatten(prefix: &str, table: &Table, out: &mut Vec<(String, Item)>) {
    for (k, item) in table.iter() {
        let key = if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        };
        match item {
            Item::Table(t) => flatten(&key, t, out),
            Item::Value(TomlValue::InlineTable(t)) => {
                for (k2, v2) in t.iter() {
                    out.push((format!("{key}.{k2}"), Item::Value(v2.clone())));
                }
            }
            _ => out.push((key, item.clone())),
        }
    }
}

fn parse_rational(text: &str) -> Result<Q, String> {
    let q = parse_q(text)?;
    if q.numer().bits() > MAX_PARAM_BITS || q.denom().bits() > MAX_PARAM_BITS {
        return Err(format!(
            "`{text}` is too long a rational: numerator and denominator must stay below 2^{MAX_PARAM_BITS}"
        ));
    }
    Ok(q)
}

fn check_len(n: usize, min_len: usize, max_len: usize) -> Result<(), String> {
    if n < min_len || n > max_len {
        return Err(if min_len == max_len {
            format!("expected {min_len} numbers, got {n}")
        } else {
            format!("expected {min_len} to {max_len} numbers, got {n}")
        });
    }
    Ok(())
}

fn parse_text(spec: &ParamSpec, text: &str) -> Result<Value, String> {
    match &spec.kind {
        Kind::Rational { positive } => {
            let q = parse_rational(text)?;
            if *positive && q <= Q::from_integer(0.into()) {
                return Err(format!("must be > 0, got {}", format_exact(&q)));
            }
            Ok(Value::Q(q))
        }
        Kind::Rationals { min_len, max_len } => {
            let items: Vec<&str> = text
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            check_len(items.len(), *min_len, *max_len)?;
            let v = items
                .iter()
                .enumerate()
                .map(|(i, t)| parse_rational(t).map_err(|e| format!("entry {}: {e}", i + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Qs(v))
        }
        Kind::Integer { min, max } => {
            let n: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("expected an integer, got `{text}`"))?;
            if n < *min || n > *max {
                return Err(format!("must be an integer in [{min}, {max}], got {n}"));
            }
            Ok(Value::Int(n))
        }
        Kind::Choices { allowed } => {
            let items: Vec<String> = text
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            check_choices(&items, allowed)?;
            Ok(Value::List(items))
        }
        Kind::Text => Ok(Value::Text(text.to_string())),
    }
}

fn check_choices(items: &[String], allowed: &[&str]) -> Result<(), String> {
    if items.is_empty() {
        return Err(format!("name at least one of: {}", allowed.join(", ")));
    }
    for it in items {
        if !allowed.contains(&it.as_str()) {
            return Err(format!(
                "unknown choice `{it}` (expected some of: {})",
                allowed.join(", ")
            ));
        }
    }
    Ok(())
}

/// The literal text of a number in the source, read through its span: a float literal is never
/// rounded to binary64 on the way (`0.1` stays 1/10, `1e-400` stays 10^-400).
fn raw_number(source: &str, span: Option<std::ops::Range<usize>>, fallback: &str) -> String {
    span.and_then(|r| source.get(r))
        .map(|t| t.trim().replace('_', ""))
        .unwrap_or_else(|| fallback.to_string())
}

fn parse_item(spec: &ParamSpec, item: &Item, source: &str) -> Result<Value, String> {
    let v = item.as_value().ok_or("expected a value, found a table")?;
    match (&spec.kind, v) {
        (Kind::Rational { .. }, TomlValue::Integer(i)) => {
            parse_text(spec, &raw_number(source, i.span(), &i.value().to_string()))
        }
        (Kind::Rational { .. }, TomlValue::Float(f)) => {
            parse_text(spec, &raw_number(source, f.span(), &f.display_repr()))
        }
        (Kind::Rational { .. }, TomlValue::String(s)) => parse_text(spec, s.value()),
        (Kind::Rational { .. }, _) => Err("expected a number such as 0.1, 1e-3 or \"3/2\"".into()),
        (Kind::Rationals { min_len, max_len }, TomlValue::Array(a)) => {
            check_len(a.len(), *min_len, *max_len)?;
            let mut v = vec![];
            for (i, x) in a.iter().enumerate() {
                let text = match x {
                    TomlValue::Integer(n) => raw_number(source, n.span(), &n.value().to_string()),
                    TomlValue::Float(f) => raw_number(source, f.span(), &f.display_repr()),
                    TomlValue::String(s) => s.value().to_string(),
                    _ => return Err(format!("entry {}: expected a number", i + 1)),
                };
                v.push(parse_rational(&text).map_err(|e| format!("entry {}: {e}", i + 1))?);
            }
            Ok(Value::Qs(v))
        }
        (Kind::Rationals { .. }, TomlValue::String(s)) => parse_text(spec, s.value()),
        (Kind::Rationals { .. }, _) => {
            Err("expected an array of numbers such as [4, 2, 0.2, \"1/20\"]".into())
        }
        (Kind::Integer { .. }, TomlValue::Integer(i)) => parse_text(spec, &i.value().to_string()),
        (Kind::Integer { .. }, _) => Err("expected an integer".into()),
        (Kind::Choices { allowed }, TomlValue::Array(a)) => {
            let mut items = vec![];
            for x in a.iter() {
                items.push(
                    x.as_str()
                        .ok_or("expected an array of strings")?
                        .to_string(),
                );
            }
            check_choices(&items, allowed)?;
            Ok(Value::List(items))
        }
        (Kind::Choices { .. }, TomlValue::String(s)) => parse_text(spec, s.value()),
        (Kind::Choices { .. }, _) => Err("expected an array of strings".into()),
        (Kind::Text, TomlValue::String(s)) => Ok(Value::Text(s.value().to_string())),
        (Kind::Text, _) => Err("expected a string".into()),
    }
}

/// Reads an instance: the text of the file (`file_label` names it in errors), checked against
/// `schema`, with `--set` overrides applied last.
pub fn load(
    theorem_id: &str,
    schema: &[ParamSpec],
    file_label: &str,
    text: &str,
    sets: &[String],
) -> Result<Params, InputError> {
    let doc = Document::parse(text).map_err(|e| {
        let mut msg = e
            .to_string()
            .replace('\n', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if msg.contains("overflow") {
            msg.push_str(
                " (write numbers beyond the binary64 range as strings, e.g. mu = \"1e400\")",
            );
        }
        InputError {
            file: file_label.into(),
            key: None,
            line: line_of(text, e.span()),
            message: format!("TOML syntax error: {msg}"),
        }
    })?;
    let mut items = vec![];
    flatten("", doc.as_table(), &mut items);
    let mut values = BTreeMap::new();
    let mut name = Path::new(file_label)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    for (key, item) in &items {
        let err = |m: String| InputError {
            file: file_label.into(),
            key: Some(key.clone()),
            line: line_of(text, item.span()),
            message: m,
        };
        if COMMON.contains(&key.as_str()) {
            let s = item
                .as_str()
                .ok_or_else(|| err("expected a string".into()))?;
            if key == "name" {
                name = s.to_string();
            }
            if key == "theorem" && s != theorem_id {
                return Err(err(format!(
                    "this instance is for `{s}`, not `{theorem_id}`"
                )));
            }
            continue;
        }
        let spec = schema.iter().find(|p| p.key == key).ok_or_else(|| {
            let known: Vec<&str> = schema.iter().map(|p| p.key).collect();
            err(format!("unknown key (known keys: {})", known.join(", ")))
        })?;
        values.insert(key.clone(), parse_item(spec, item, text).map_err(err)?);
    }
    let mut set_keys = vec![];
    for s in sets {
        let (k, v) = s.split_once('=').ok_or_else(|| {
            InputError::new("--set", None, format!("`{s}` is not of the form KEY=VALUE"))
        })?;
        let k = k.trim();
        let spec = schema.iter().find(|p| p.key == k).ok_or_else(|| {
            let known: Vec<&str> = schema.iter().map(|p| p.key).collect();
            InputError::new(
                "--set",
                Some(k),
                format!("unknown key (known keys: {})", known.join(", ")),
            )
        })?;
        let val = parse_text(spec, v.trim()).map_err(|m| InputError::new("--set", Some(k), m))?;
        values.insert(k.to_string(), val);
        set_keys.push(k.to_string());
    }
    for spec in schema {
        if values.contains_key(spec.key) {
            continue;
        }
        if let Some(d) = spec.default {
            let v =
                parse_text(spec, d).map_err(|m| InputError::new(file_label, Some(spec.key), m))?;
            values.insert(spec.key.to_string(), v);
        } else if spec.required {
            return Err(InputError::new(
                file_label,
                Some(spec.key),
                format!("missing required key ({})", spec.help),
            ));
        }
    }
    if !sets.is_empty() {
        let mut tag: Vec<String> = sets.iter().map(|s| s.replace(' ', "")).collect();
        tag.sort();
        name = format!("{name} [{}]", tag.join(" "));
    }
    Ok(Params {
        name,
        source: file_label.to_string(),
        values,
        set_keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::q_frac;

    fn schema() -> Vec<ParamSpec> {
        vec![
            ParamSpec {
                key: "mu",
                kind: Kind::Rational { positive: true },
                default: None,
                required: true,
                help: "step",
            },
            ParamSpec {
                key: "x0",
                kind: Kind::Rational { positive: false },
                default: Some("1/2"),
                required: false,
                help: "start",
            },
            ParamSpec {
                key: "catapult.a0",
                kind: Kind::Rational { positive: false },
                default: None,
                required: false,
                help: "a0",
            },
        ]
    }

    #[test]
    fn numbers_are_exact() {
        let p = load(
            "t",
            &schema(),
            "i.toml",
            "mu = 0.1\n[catapult]\na0 = 2.0\n",
            &[],
        )
        .unwrap();
        assert_eq!(p.q("mu"), Some(&q_frac(1, 10)));
        assert_eq!(p.q("x0"), Some(&q_frac(1, 2)));
        assert_eq!(p.q("catapult.a0"), Some(&q_frac(2, 1)));
        let p = load(
            "t",
            &schema(),
            "i.toml",
            "mu = \"3/2\"",
            &["mu=1e-3".into()],
        )
        .unwrap();
        assert_eq!(p.q("mu"), Some(&q_frac(1, 1000)));
    }

    #[test]
    fn rational_lists_are_exact() {
        let mut sc = schema();
        sc.push(ParamSpec {
            key: "spec",
            kind: Kind::Rationals {
                min_len: 2,
                max_len: 3,
            },
            default: None,
            required: false,
            help: "list",
        });
        let p = load(
            "t",
            &sc,
            "i.toml",
            "mu = 1\nspec = [0.1, \"1/3\", 2]\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            p.qs("spec"),
            Some(&[q_frac(1, 10), q_frac(1, 3), q_frac(2, 1)][..])
        );
        assert_eq!(p.record()["spec"], "0.1,1/3,2");
        let p = load("t", &sc, "i.toml", "mu = 1", &["spec=4, 1.5".into()]).unwrap();
        assert_eq!(p.qs("spec"), Some(&[q_frac(4, 1), q_frac(3, 2)][..]));
        let e = load("t", &sc, "i.toml", "mu = 1\nspec = [1]\n", &[]).unwrap_err();
        assert!(e.message.contains("2 to 3 numbers"), "{e}");
        let e = load("t", &sc, "i.toml", "mu = 1\nspec = [1, true]\n", &[]).unwrap_err();
        assert!(e.message.contains("entry 2"), "{e}");
        let e = load("t", &sc, "i.toml", "mu = 1", &["spec=1,x".into()]).unwrap_err();
        assert!(e.message.contains("entry 2"), "{e}");
    }

    #[test]
    fn errors_name_file_key_and_line() {
        let e = load("t", &schema(), "i.toml", "mu = 1\nnu = 2\n", &[]).unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("nu"), Some(2)));
        let e = load("t", &schema(), "i.toml", "mu = nan\n", &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("mu"));
        let e = load("t", &schema(), "i.toml", "x0 = 1\n", &[]).unwrap_err();
        assert!(e.message.contains("missing"));
        let e = load("t", &schema(), "i.toml", "mu = [1\n", &[]).unwrap_err();
        assert!(
            e.message.contains("TOML syntax error") && e.line.is_some(),
            "{e}"
        );
        let e = load("t", &schema(), "i.toml", "mu = 1", &["mu=abc".into()]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("mu"));
        let e = load("t", &schema(), "i.toml", "mu = -1", &[]).unwrap_err();
        assert!(e.message.contains("> 0"));
        let e = load("t", &schema(), "i.toml", "mu = inf", &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("mu"));
    }
}
