//! Reading matrices exactly from CSV, JSON and numpy `.npy` files.
//!
//! * CSV: one row a line, entries separated by commas; blank lines and lines starting with `#` are
//!   skipped. Entries are exact numerals (`0.1` is 1/10, `3/2`, `1e-3`).
//! * JSON: an array of rows, `[[1, 0.5], [0.5, 2]]`, or `{"rows": r, "cols": c, "data": [...]}`
//!   (row-major); entries are numbers or numeral strings, and numbers are read from their literal text.
//! * `.npy`: a 2-D array of `<f8`, `>f8`, `<f4`, `<i8` or `<i4`, C or Fortran order; every binary64
//!   value is taken as the exact binary number it is.
//!
//! Errors name the file, the row and column (1-based) and what was expected; NaN and infinities are
//! rejected.

use super::qmat::QMat;
use crate::arith::exact::{parse_q, q_from_f64, Q};
use serde_json::value::RawValue;
use std::fmt;
use std::path::Path;

/// A matrix file that cannot be read as a matrix (exit code 65).
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixFileError {
    pub file: String,
    pub location: Option<String>,
    pub message: String,
}

impl fmt::Display for MatrixFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{}: {l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

fn err(file: &str, location: Option<String>, message: impl Into<String>) -> MatrixFileError {
    MatrixFileError {
        file: file.to_string(),
        location,
        message: message.into(),
    }
}

fn at(i: usize, j: usize) -> Option<String> {
    Some(format!("row {}, column {}", i + 1, j + 1))
}

/// Reads a matrix, choosing the format by the extension (`.csv`, `.json`, `.npy`; anything else is
/// tried as CSV).
pub fn read_matrix(path: &Path) -> Result<QMat, MatrixFileError> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| err(&label, None, format!("cannot read: {e}")))?;
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("npy") => parse_npy(&label, &bytes),
        Some("json") => parse_json(
            &label,
            &String::from_utf8(bytes).map_err(|_| err(&label, None, "not UTF-8 text"))?,
        ),
        _ => parse_csv(
            &label,
            &String::from_utf8(bytes).map_err(|_| err(&label, None, "not UTF-8 text"))?,
        ),
    }
}

fn finish(label: &str, rows: Vec<Vec<Q>>) -> Result<QMat, MatrixFileError> {
    if rows.is_empty() || rows[0].is_empty() {
        return Err(err(
            label,
            None,
            "no entries: expected at least one row of numbers",
        ));
    }
    let cols = rows[0].len();
    for (i, r) in rows.iter().enumerate() {
        if r.len() != cols {
            return Err(err(
                label,
                Some(format!("row {}", i + 1)),
                format!(
                    "has {} entries, but row 1 has {cols} (ragged rows)",
                    r.len()
                ),
            ));
        }
    }
    let n = rows.len();
    Ok(QMat::new(n, cols, rows.into_iter().flatten().collect()))
}

/// Parses CSV text.
pub fn parse_csv(label: &str, text: &str) -> Result<QMat, MatrixFileError> {
    let mut rows = vec![];
    for (line_no, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let mut row = vec![];
        for (j, cell) in t.split(',').enumerate() {
            let q = parse_q(cell.trim()).map_err(|m| {
                err(
                    label,
                    Some(format!("line {}, column {}", line_no + 1, j + 1)),
                    m,
                )
            })?;
            row.push(q);
        }
        rows.push(row);
    }
    finish(label, rows)
}

fn raw_number(label: &str, raw: &RawValue, i: usize, j: usize) -> Result<Q, MatrixFileError> {
    let t = raw.get().trim();
    if t.starts_with('"') {
        let s: String = serde_json::from_str(t).map_err(|e| err(label, at(i, j), e.to_string()))?;
        parse_q(&s).map_err(|m| err(label, at(i, j), m))
    } else if t.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        parse_q(t).map_err(|m| err(label, at(i, j), m))
    } else {
        Err(err(
            label,
            at(i, j),
            format!("expected a number or a numeral string, found {t}"),
        ))
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRowMajor<'a> {
    rows: usize,
    cols: usize,
    #[serde(borrow)]
    data: Vec<&'a RawValue>,
}

/// Parses JSON text.
pub fn parse_json(label: &str, text: &str) -> Result<QMat, MatrixFileError> {
    if let Ok(rows) = serde_json::from_str::<Vec<Vec<&RawValue>>>(text) {
        let mut out = vec![];
        for (i, r) in rows.iter().enumerate() {
            let mut row = vec![];
            for (j, v) in r.iter().enumerate() {
                row.push(raw_number(label, v, i, j)?);
            }
            out.push(row);
        }
        return finish(label, out);
    }
    let m: JsonRowMajor<'_> = serde_json::from_str(text).map_err(|e| {
        err(
            label,
            None,
            format!(
                "expected an array of rows [[...], ...] or {{\"rows\", \"cols\", \"data\"}}: {e}"
            ),
        )
    })?;
    if m.rows == 0 || m.cols == 0 || m.data.len() != m.rows * m.cols {
        return Err(err(
            label,
            None,
            format!(
                "{} entries for a {}x{} matrix",
                m.data.len(),
                m.rows,
                m.cols
            ),
        ));
    }
    let mut out = vec![];
    for i in 0..m.rows {
        let mut row = vec![];
        for j in 0..m.cols {
            row.push(raw_number(label, m.data[i * m.cols + j], i, j)?);
        }
        out.push(row);
    }
    finish(label, out)
}

fn header_field<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let k = format!("'{key}':");
    let start = header.find(&k)? + k.len();
    let rest = header[start..].trim_start();
    if rest.starts_with('(') {
        let end = rest.find(')')?;
        Some(&rest[..=end])
    } else {
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim())
    }
}

/// Parses the bytes of a numpy `.npy` file.
pub fn parse_npy(label: &str, bytes: &[u8]) -> Result<QMat, MatrixFileError> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(err(label, None, "not a numpy .npy file (bad magic)"));
    }
    let major = bytes[6];
    let (hlen, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        _ => {
            return Err(err(
                label,
                None,
                format!("unsupported .npy version {major}"),
            ))
        }
    };
    let header = bytes
        .get(start..start + hlen)
        .ok_or_else(|| err(label, None, "truncated .npy header"))?;
    let header =
        std::str::from_utf8(header).map_err(|_| err(label, None, "the .npy header is not text"))?;
    let descr = header_field(header, "descr")
        .ok_or_else(|| err(label, None, "the .npy header has no 'descr'"))?
        .trim_matches(|c| c == '\'' || c == '"');
    let fortran = header_field(header, "fortran_order")
        .map(|v| v == "True")
        .unwrap_or(false);
    let shape = header_field(header, "shape")
        .ok_or_else(|| err(label, None, "the .npy header has no 'shape'"))?;
    let dims: Vec<usize> = shape
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<usize>()
                .map_err(|_| err(label, None, format!("bad .npy shape {shape}")))
        })
        .collect::<Result<_, _>>()?;
    if dims.len() != 2 {
        return Err(err(
            label,
            None,
            format!("expected a 2-D array, the shape is {shape}"),
        ));
    }
    let (rows, cols) = (dims[0], dims[1]);
    let width = match descr {
        "<f8" | ">f8" | "<i8" | ">i8" => 8,
        "<f4" | ">f4" | "<i4" | ">i4" => 4,
        d => {
            return Err(err(
                label,
                None,
                format!("unsupported dtype {d} (expected f8, f4, i8 or i4)"),
            ))
        }
    };
    let data = &bytes[start + hlen..];
    let count = rows
        .checked_mul(cols)
        .ok_or_else(|| err(label, None, "the shape is too large"))?;
    if data.len() < count * width {
        return Err(err(
            label,
            None,
            format!(
                "{} data bytes for a {rows}x{cols} {descr} array",
                data.len()
            ),
        ));
    }
    let big = descr.starts_with('>');
    let mut out = vec![vec![Q::from_integer(0.into()); cols]; rows];
    for k in 0..count {
        let b = &data[k * width..(k + 1) * width];
        let (i, j) = if fortran {
            (k % rows, k / rows)
        } else {
            (k / cols, k % cols)
        };
        let q = match (descr.as_bytes()[1], width) {
            (b'f', 8) => {
                let arr: [u8; 8] = b.try_into().unwrap_or_default();
                let x = if big {
                    f64::from_be_bytes(arr)
                } else {
                    f64::from_le_bytes(arr)
                };
                q_from_f64(x)
                    .ok_or_else(|| err(label, at(i, j), format!("{x} is not a finite number")))?
            }
            (b'f', _) => {
                let arr: [u8; 4] = b.try_into().unwrap_or_default();
                let x = if big {
                    f32::from_be_bytes(arr)
                } else {
                    f32::from_le_bytes(arr)
                } as f64;
                q_from_f64(x)
                    .ok_or_else(|| err(label, at(i, j), format!("{x} is not a finite number")))?
            }
            (_, 8) => {
                let arr: [u8; 8] = b.try_into().unwrap_or_default();
                Q::from_integer(
                    (if big {
                        i64::from_be_bytes(arr)
                    } else {
                        i64::from_le_bytes(arr)
                    })
                    .into(),
                )
            }
            _ => {
                let arr: [u8; 4] = b.try_into().unwrap_or_default();
                Q::from_integer(
                    (if big {
                        i32::from_be_bytes(arr)
                    } else {
                        i32::from_le_bytes(arr)
                    })
                    .into(),
                )
            }
        };
        out[i][j] = q;
    }
    finish(label, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::q_frac;

    #[test]
    fn csv_is_exact_and_checked() {
        let m = parse_csv("m.csv", "1, 0.1\n# comment\n0.1, 3/2\n\n").unwrap();
        assert_eq!((m.rows, m.cols), (2, 2));
        assert_eq!(m.get(0, 1), &q_frac(1, 10));
        assert!(parse_csv("m.csv", "1,2\n3\n")
            .unwrap_err()
            .message
            .contains("ragged"));
        assert!(parse_csv("m.csv", "").is_err());
        assert_eq!(
            parse_csv("m.csv", "1,nan\n")
                .unwrap_err()
                .location
                .as_deref(),
            Some("line 1, column 2")
        );
    }

    #[test]
    fn json_numbers_keep_their_text() {
        let m = parse_json("m.json", "[[0.1, \"1/3\"], [2, 1e-3]]").unwrap();
        assert_eq!(m.get(0, 0), &q_frac(1, 10));
        assert_eq!(m.get(0, 1), &q_frac(1, 3));
        assert_eq!(m.get(1, 1), &q_frac(1, 1000));
        let m = parse_json("m.json", "{\"rows\": 1, \"cols\": 2, \"data\": [1, 2]}").unwrap();
        assert_eq!(m.cols, 2);
        assert!(parse_json("m.json", "[[1, null]]").is_err());
    }

    #[test]
    fn npy_binary_values() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
        let mut h = header.to_string();
        while (10 + h.len() + 1) % 64 != 0 {
            h.push(' ');
        }
        h.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(h.len() as u16).to_le_bytes());
        bytes.extend_from_slice(h.as_bytes());
        for x in [0.1f64, 2.0, 2.0, -3.5] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        let m = parse_npy("m.npy", &bytes).unwrap();
        assert_eq!(m.get(0, 0), &q_from_f64(0.1).unwrap());
        assert_eq!(m.get(1, 1), &q_frac(-7, 2));
    }
}
