//! The kernel's own matrix arithmetic: entrywise enclosures of products, computed either exactly
//! (rational arithmetic) or with MPFR's correctly rounded dot products (`mpfr_dot`), rounded down
//! for the lower and up for the upper bound of every entry. In each product one factor is a point
//! matrix (binary values from a witness), so the lower bound of `Σ_k a_k b_k` with `a_k ∈ [l_k, u_k]`
//! and points `b_k` is the dot product of `b` with `l_k` where `b_k ≥ 0` and `u_k` where `b_k < 0`.

use crate::arith::exact::{qadd, qmul, qsub, rug_from_q, Q};
use num_traits::{One, Signed, Zero};
use rug::float::Round;
use rug::Float;

/// Working precision of the MPFR path, in bits.
pub const PREC: u32 = 128;

/// A matrix of entry enclosures, row-major.
#[derive(Clone, Debug)]
pub enum KMat {
    /// Exact entries.
    Exact { rows: usize, cols: usize, d: Vec<Q> },
    /// `lo[k] <= entry <= hi[k]`.
    Bounds {
        rows: usize,
        cols: usize,
        lo: Vec<Float>,
        hi: Vec<Float>,
    },
}

fn down(q: &Q) -> Float {
    Float::with_val_round(PREC, &rug_from_q(q), Round::Down).0
}

fn up(q: &Q) -> Float {
    Float::with_val_round(PREC, &rug_from_q(q), Round::Up).0
}

impl KMat {
    pub fn exact(rows: usize, cols: usize, d: Vec<Q>) -> Self {
        KMat::Exact { rows, cols, d }
    }

    /// Rational entries, kept exact or enclosed by MPFR numbers.
    pub fn of_rationals(rows: usize, cols: usize, d: &[Q], exact: bool) -> Self {
        if exact {
            KMat::exact(rows, cols, d.to_vec())
        } else {
            KMat::Bounds {
                rows,
                cols,
                lo: d.iter().map(down).collect(),
                hi: d.iter().map(up).collect(),
            }
        }
    }

    /// Entries `[lo_k, hi_k]`, enclosed outward by MPFR numbers.
    pub fn of_intervals(rows: usize, cols: usize, d: &[(Q, Q)]) -> Self {
        KMat::Bounds {
            rows,
            cols,
            lo: d.iter().map(|(l, _)| down(l)).collect(),
            hi: d.iter().map(|(_, h)| up(h)).collect(),
        }
    }

    pub fn dims(&self) -> (usize, usize) {
        match self {
            KMat::Exact { rows, cols, .. } | KMat::Bounds { rows, cols, .. } => (*rows, *cols),
        }
    }

    /// Lower and upper bounds of every entry, as MPFR numbers.
    pub fn bounds(&self) -> (Vec<Float>, Vec<Float>) {
        match self {
            KMat::Exact { d, .. } => (d.iter().map(down).collect(), d.iter().map(up).collect()),
            KMat::Bounds { lo, hi, .. } => (lo.clone(), hi.clone()),
        }
    }

    /// Upper bounds of `|entry|`.
    pub fn abs_upper(&self) -> Vec<Float> {
        match self {
            KMat::Exact { d, .. } => d.iter().map(|q| up(&q.abs())).collect(),
            KMat::Bounds { lo, hi, .. } => lo
                .iter()
                .zip(hi)
                .map(|(l, h)| {
                    let (a, b) = (
                        Float::with_val(PREC, l.abs_ref()),
                        Float::with_val(PREC, h.abs_ref()),
                    );
                    if a > b {
                        a
                    } else {
                        b
                    }
                })
                .collect(),
        }
    }

    pub fn transpose(&self) -> KMat {
        let (r, c) = self.dims();
        let perm = |v: &[Float]| {
            (0..c * r)
                .map(|k| v[(k % r) * c + k / r].clone())
                .collect::<Vec<_>>()
        };
        match self {
            KMat::Exact { d, .. } => KMat::Exact {
                rows: c,
                cols: r,
                d: (0..c * r).map(|k| d[(k % r) * c + k / r].clone()).collect(),
            },
            KMat::Bounds { lo, hi, .. } => KMat::Bounds {
                rows: c,
                cols: r,
                lo: perm(lo),
                hi: perm(hi),
            },
        }
    }

    /// `self − t·I`.
    pub fn shift_diagonal(&self, t: &Q) -> KMat {
        let (r, c) = self.dims();
        match self {
            KMat::Exact { d, .. } => {
                let mut d = d.clone();
                for i in 0..r.min(c) {
                    d[i * c + i] = qsub(&d[i * c + i], t);
                }
                KMat::Exact {
                    rows: r,
                    cols: c,
                    d,
                }
            }
            KMat::Bounds { lo, hi, .. } => {
                let (mut lo, mut hi) = (lo.clone(), hi.clone());
                let (tl, th) = (down(t), up(t));
                for i in 0..r.min(c) {
                    lo[i * c + i] =
                        Float::with_val_round(PREC, &lo[i * c + i] - &th, Round::Down).0;
                    hi[i * c + i] = Float::with_val_round(PREC, &hi[i * c + i] - &tl, Round::Up).0;
                }
                KMat::Bounds {
                    rows: r,
                    cols: c,
                    lo,
                    hi,
                }
            }
        }
    }

    /// Rows and columns permuted: entry `(i, j)` of the result is entry `(p[i], p[j])`.
    pub fn permute_symmetric(&self, p: &[usize]) -> KMat {
        let (n, _) = self.dims();
        let idx = |k: usize| p[k / n] * n + p[k % n];
        match self {
            KMat::Exact { d, .. } => KMat::Exact {
                rows: n,
                cols: n,
                d: (0..n * n).map(|k| d[idx(k)].clone()).collect(),
            },
            KMat::Bounds { lo, hi, .. } => KMat::Bounds {
                rows: n,
                cols: n,
                lo: (0..n * n).map(|k| lo[idx(k)].clone()).collect(),
                hi: (0..n * n).map(|k| hi[idx(k)].clone()).collect(),
            },
        }
    }
}

/// `A·B` for a point matrix on one side at least. `exact` asks for exact rational products (both
/// factors must then be exact); otherwise every entry is enclosed by two correctly rounded dot
/// products.
pub fn product(a: &KMat, b: &KMat, exact: bool) -> Result<KMat, String> {
    let ((r, k), (k2, c)) = (a.dims(), b.dims());
    if k != k2 {
        return Err(format!("inner dimensions {k} and {k2} differ"));
    }
    if exact {
        let (KMat::Exact { d: x, .. }, KMat::Exact { d: y, .. }) = (a, b) else {
            return Err("an exact product needs exact factors".into());
        };
        let mut d = Vec::with_capacity(r * c);
        for i in 0..r {
            for j in 0..c {
                let mut s = Q::zero();
                for l in 0..k {
                    let (p, q) = (&x[i * k + l], &y[l * c + j]);
                    if !p.is_zero() && !q.is_zero() {
                        s = qadd(&s, &qmul(p, q));
                    }
                }
                d.push(s);
            }
        }
        return Ok(KMat::Exact {
            rows: r,
            cols: c,
            d,
        });
    }
    let (al, ah) = a.bounds();
    let (bl, bh) = b.bounds();
    let a_point = al.iter().zip(&ah).all(|(l, h)| l == h);
    let b_point = bl.iter().zip(&bh).all(|(l, h)| l == h);
    if !a_point && !b_point {
        return Err("a product of two interval matrices".into());
    }
    let mut lo = Vec::with_capacity(r * c);
    let mut hi = Vec::with_capacity(r * c);
    let (al, ah, bl, bh) = (&al, &ah, &bl, &bh);
    // Terms (a_il, b_lj): the interval factor takes the endpoint that minimises (maximises) the
    // product, according to the sign of the point factor.
    let pick = |i: usize, j: usize, l: usize, upper: bool| -> (&Float, &Float) {
        if b_point {
            let bv = &bl[l * c + j];
            let low_end = (!bv.is_sign_negative() || bv.is_zero()) != upper;
            (
                if low_end {
                    &al[i * k + l]
                } else {
                    &ah[i * k + l]
                },
                bv,
            )
        } else {
            let av = &al[i * k + l];
            let low_end = (!av.is_sign_negative() || av.is_zero()) != upper;
            (
                av,
                if low_end {
                    &bl[l * c + j]
                } else {
                    &bh[l * c + j]
                },
            )
        }
    };
    for i in 0..r {
        for j in 0..c {
            lo.push(
                Float::with_val_round(
                    PREC,
                    Float::dot((0..k).map(|l| pick(i, j, l, false))),
                    Round::Down,
                )
                .0,
            );
            hi.push(
                Float::with_val_round(
                    PREC,
                    Float::dot((0..k).map(|l| pick(i, j, l, true))),
                    Round::Up,
                )
                .0,
            );
        }
    }
    Ok(KMat::Bounds {
        rows: r,
        cols: c,
        lo,
        hi,
    })
}

/// `A − B` entrywise.
pub fn difference(a: &KMat, b: &KMat) -> KMat {
    let (r, c) = a.dims();
    match (a, b) {
        (KMat::Exact { d: x, .. }, KMat::Exact { d: y, .. }) => KMat::Exact {
            rows: r,
            cols: c,
            d: x.iter().zip(y).map(|(p, q)| qsub(p, q)).collect(),
        },
        _ => {
            let ((al, ah), (bl, bh)) = (a.bounds(), b.bounds());
            KMat::Bounds {
                rows: r,
                cols: c,
                lo: al
                    .iter()
                    .zip(&bh)
                    .map(|(x, y)| Float::with_val_round(PREC, x - y, Round::Down).0)
                    .collect(),
                hi: ah
                    .iter()
                    .zip(&bl)
                    .map(|(x, y)| Float::with_val_round(PREC, x - y, Round::Up).0)
                    .collect(),
            }
        }
    }
}

/// Upper bound of the spectral norm of every matrix in the enclosure:
/// `min(‖M‖_F, √(‖M‖₁‖M‖_∞))` for the entrywise bound `M` of the absolute values.
pub fn norm2_upper(m: &KMat) -> Float {
    let (r, c) = m.dims();
    let a = m.abs_upper();
    let mut fro = Float::with_val(PREC, 0);
    let mut row_max = Float::with_val(PREC, 0);
    let mut col = vec![Float::with_val(PREC, 0); c];
    for i in 0..r {
        let mut row = Float::with_val(PREC, 0);
        for j in 0..c {
            let v = &a[i * c + j];
            fro = Float::with_val_round(
                PREC,
                &fro + Float::with_val_round(PREC, v * v, Round::Up).0,
                Round::Up,
            )
            .0;
            row = Float::with_val_round(PREC, &row + v, Round::Up).0;
            col[j] = Float::with_val_round(PREC, &col[j] + v, Round::Up).0;
        }
        if row > row_max {
            row_max = row;
        }
    }
    let col_max = col
        .into_iter()
        .fold(Float::with_val(PREC, 0), |m, x| if x > m { x } else { m });
    let fro = Float::with_val_round(PREC, fro.sqrt_ref(), Round::Up).0;
    let mixed = Float::with_val_round(
        PREC,
        Float::with_val_round(PREC, &row_max * &col_max, Round::Up)
            .0
            .sqrt_ref(),
        Round::Up,
    )
    .0;
    if fro < mixed {
        fro
    } else {
        mixed
    }
}

/// Upper bounds of the Euclidean norms of the columns.
pub fn column_norms_upper(m: &KMat) -> Vec<Float> {
    let (r, c) = m.dims();
    let a = m.abs_upper();
    (0..c)
        .map(|j| {
            let mut s = Float::with_val(PREC, 0);
            for i in 0..r {
                let v = &a[i * c + j];
                s = Float::with_val_round(
                    PREC,
                    &s + Float::with_val_round(PREC, v * v, Round::Up).0,
                    Round::Up,
                )
                .0;
            }
            Float::with_val_round(PREC, s.sqrt_ref(), Round::Up).0
        })
        .collect()
}

/// Counts Gershgorin discs left and right of 0; `None` when a disc may contain 0.
pub fn gershgorin_signs(m: &KMat) -> Option<(usize, usize)> {
    let (n, _) = m.dims();
    let (lo, hi) = m.bounds();
    let a = m.abs_upper();
    let (mut neg, mut pos) = (0, 0);
    for i in 0..n {
        let mut radius = Float::with_val(PREC, 0);
        for j in 0..n {
            if j != i {
                radius = Float::with_val_round(PREC, &radius + &a[i * n + j], Round::Up).0;
            }
        }
        let right = Float::with_val_round(PREC, &hi[i * n + i] + &radius, Round::Up).0;
        let left = Float::with_val_round(PREC, &lo[i * n + i] - &radius, Round::Down).0;
        if right < 0 {
            neg += 1;
        } else if left > 0 {
            pos += 1;
        } else {
            return None;
        }
    }
    Some((neg, pos))
}

/// Re-checks a congruence witness for the symmetric enclosure `a` at the shift `t`: `perm` is a
/// permutation, `x` (row-major) is unit lower triangular (`factor_kind = "unit_lower"`, det 1) or
/// satisfies `‖XXᵀ − I‖ < 1` (`"eigenvectors"`), and no Gershgorin disc of `X P (A − tI) Pᵀ Xᵀ`
/// contains 0. By Sylvester's law of inertia every symmetric matrix in `a` then has exactly
/// `below` eigenvalues `< t` and `above` eigenvalues `> t`; these are returned.
pub fn congruence_counts(
    a: &KMat,
    t: &Q,
    perm: &[usize],
    x: &[Q],
    factor_kind: &str,
    exact: bool,
) -> Result<(usize, usize), String> {
    let (n, cols) = a.dims();
    if n != cols {
        return Err("the matrix is not square".into());
    }
    let mut seen = vec![false; n];
    if perm.len() != n
        || perm
            .iter()
            .any(|&p| p >= n || std::mem::replace(&mut seen[p], true))
    {
        return Err("perm is not a permutation".into());
    }
    if x.len() != n * n {
        return Err("the factor has the wrong size".into());
    }
    let xk = KMat::of_rationals(n, n, x, exact);
    match factor_kind {
        "unit_lower" => {
            let ok = (0..n).all(|i| {
                (0..n).all(|j| {
                    if i == j {
                        x[i * n + j] == Q::one()
                    } else if j > i {
                        x[i * n + j].is_zero()
                    } else {
                        true
                    }
                })
            });
            if !ok {
                return Err("the factor is not unit lower triangular".into());
            }
        }
        "eigenvectors" => {
            let g = product(&xk, &xk.transpose(), exact)?.shift_diagonal(&Q::one());
            let bound = norm2_upper(&g);
            if bound >= 1 {
                return Err("‖XXᵀ − I‖ is not below 1: X may be singular".into());
            }
        }
        k => return Err(format!("unknown factor kind `{k}`")),
    }
    let ak = a.shift_diagonal(t).permute_symmetric(perm);
    let m = product(&product(&xk, &ak, exact)?, &xk.transpose(), exact)?;
    let (below, above) =
        gershgorin_signs(&m).ok_or("a Gershgorin disc of X P (A − tI) Pᵀ Xᵀ may contain 0")?;
    if below + above != n {
        return Err("the discs do not account for every eigenvalue".into());
    }
    Ok((below, above))
}

/// `λ_index ∈ [t_lo, t_hi)` (ascending, from 1) from the bracket witness of claim `c`: fewer than
/// `index` eigenvalues lie below `t_lo` and at least `index` below `t_hi`. `congruence` re-checks one
/// shift witness and returns its shift and the number of eigenvalues below it.
pub fn check_bracket(
    c: &crate::certificate::Claim,
    index: usize,
    mut congruence: impl FnMut(&crate::certificate::Witness) -> Result<(Q, usize), String>,
) -> Result<(Q, Q), String> {
    let crate::certificate::Witness::Bracket {
        index: i,
        lower,
        upper,
    } = &c.witness
    else {
        return Err(format!("{} has no bracket witness", c.id));
    };
    if *i != index {
        return Err(format!(
            "{} brackets eigenvalue {i}, expected {index}",
            c.id
        ));
    }
    let (lo, below_lo) = congruence(lower)?;
    let (hi, below_hi) = congruence(upper)?;
    if !(below_lo < index && below_hi >= index) {
        return Err(format!(
            "{below_lo} eigenvalues below {}, {below_hi} below {}: no bracket of eigenvalue {index}",
            crate::arith::exact::format_exact(&lo),
            crate::arith::exact::format_exact(&hi)
        ));
    }
    Ok((lo, hi))
}

/// Re-checks a congruence witness that must name the matrix `expected`, against the enclosure `a`
/// of that matrix (`exact`: rational arithmetic, else outward-rounded MPFR). Returns the shift `t`
/// and the numbers of eigenvalues below and above it ([`congruence_counts`]).
pub fn check_congruence_witness(
    w: &crate::certificate::Witness,
    expected: &str,
    a: &KMat,
    exact: bool,
) -> Result<(Q, usize, usize), String> {
    let crate::certificate::Witness::Congruence {
        matrix,
        t,
        perm,
        factor,
        factor_kind,
        method,
    } = w
    else {
        return Err("expected a congruence witness".into());
    };
    if matrix != expected {
        return Err(format!("congruence of `{matrix}`, expected `{expected}`"));
    }
    if method != "mpfr:128" {
        return Err(format!("method `{method}`, expected mpfr:128"));
    }
    let t = super::checks::q(t, "t")?;
    let x: Vec<Q> = factor
        .iter()
        .map(|s| super::checks::q(s, "factor"))
        .collect::<Result<_, _>>()?;
    let (below, above) = congruence_counts(a, &t, perm, &x, factor_kind, exact)?;
    Ok((t, below, above))
}
