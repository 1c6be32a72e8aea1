#!/usr/bin/env python3
"""Writes the test matrices with exactly known spectra (python3, fractions only).

A = H2 H1 diag(lam) H1 H2 with Householder reflections H = I - 2 v v^T / (v^T v), where v^T v is a
power of two, so every entry of A is a dyadic rational and its decimal in the CSV is exact.

  sym200.csv            lam_i = (i + 1)/8, i = 0..199 (distinct)
  sym200_repeated.csv   the same with lam_50 = lam_51 = lam_52 = 51/8 (a triple eigenvalue)
  *.spectrum            the exact eigenvalues, one a line, ascending
"""
from fractions import Fraction as F
import pathlib

N = 200
here = pathlib.Path(__file__).parent


def householder_apply(a, v):
    """H a H for H = I - 2 v v^T / (v^T v), exactly."""
    vv = sum(x * x for x in v)
    # H a = a - 2 v (v^T a) / vv ; then (H a) H = (H a) - 2 ((H a) v) v^T / vv
    va = [sum(v[k] * a[k][j] for k in range(N)) for j in range(N)]
    ha = [[a[i][j] - 2 * v[i] * va[j] / vv for j in range(N)] for i in range(N)]
    hav = [sum(ha[i][k] * v[k] for k in range(N)) for i in range(N)]
    return [[ha[i][j] - 2 * hav[i] * v[j] / vv for j in range(N)] for i in range(N)]


def decimal(q):
    """The exact decimal of a dyadic rational."""
    num, den = q.numerator, q.denominator
    k = den.bit_length() - 1
    assert den == 1 << k
    digits = num * 5**k
    sign = "-" if digits < 0 else ""
    s = str(abs(digits)).rjust(k + 1, "0")
    whole, frac = s[: len(s) - k], s[len(s) - k :].rstrip("0")
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def write(name, lam):
    v1 = [F(1)] * 192 + [F(4)] * 4 + [F(0)] * 4                    # v1^T v1 = 256
    v2 = [F((-1) ** i) for i in range(128)] + [F(4)] * 8 + [F(0)] * 64  # v2^T v2 = 256
    a = [[lam[i] if i == j else F(0) for j in range(N)] for i in range(N)]
    a = householder_apply(householder_apply(a, v1), v2)
    assert all(a[i][j] == a[j][i] for i in range(N) for j in range(N))
    (here / f"{name}.csv").write_text("\n".join(",".join(decimal(x) for x in row) for row in a) + "\n")
    (here / f"{name}.spectrum").write_text("\n".join(decimal(x) for x in sorted(lam)) + "\n")


lam = [F(i + 1, 8) for i in range(N)]
write("sym200", lam)
rep = list(lam)
rep[50] = rep[51] = rep[52] = F(51, 8)
write("sym200_repeated", rep)
