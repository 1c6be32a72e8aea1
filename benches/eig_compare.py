#!/usr/bin/env python3
"""Eigenvalues of the benchmark matrices in numpy (unverified eigh) and python-flint (Arb's
verified acb_mat.eig), next to gdcert's verified enclosures, on the same matrices as
benches/eigen.rs (SplitMix64 seed 0, entries 2u - 1 in [-1, 1], symmetric, filled row by row).

Installs numpy and python-flint with pip when they are missing. Usage:

    cargo build --release && python3 benches/eig_compare.py [--arb-sizes 50,200] [--sizes 50,200,500]

Prints, per n: numpy eigh time; Arb acb_mat.eig time and its largest and median radius (real part);
gdcert's largest and median half-width, read from `gdcert spectrum --json` on the same matrix
written as .npy. Times of gdcert's verified enclosure itself come from `cargo bench --bench eigen`.
"""
import argparse, json, os, pathlib, statistics, subprocess, sys, tempfile, time

def ensure(module, package):
    try:
        return __import__(module)
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", package])
        return __import__(module)

np = ensure("numpy", "numpy")
flint = ensure("flint", "python-flint")

MASK = (1 << 64) - 1

def random_symmetric(n):
    s = 0
    a = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1):
            s = (s + 0x9E3779B97F4A7C15) & MASK
            z = s
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            z ^= z >> 31
            u = (z >> 11) / float(1 << 53)
            a[i, j] = a[j, i] = 2.0 * u - 1.0
    return a

def timed(f, reps):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best

def gdcert_widths(a, binary):
    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d) / "m.npy"
        np.save(p, a)
        out = subprocess.run([binary, "spectrum", str(p), "--symmetric", "--json"], capture_output=True, text=True, check=True).stdout
    cert = json.loads(out)
    half = []
    for c in cert["claims"]:
        if c["id"].startswith("eigenvalue."):
            lo, hi = float(eval_q(c["enclosure"]["lo"])), float(eval_q(c["enclosure"]["hi"]))
            half.append((hi - lo) / 2)
    return half

def eval_q(s):
    from fractions import Fraction
    if "*2^" in s:
        m, e = s.split("*2^")
        return Fraction(int(m)) * Fraction(2) ** int(e)
    if s.lower().startswith(("0x", "-0x")):
        return Fraction(float.fromhex(s))
    return Fraction(s)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50,200,500")
    ap.add_argument("--arb-sizes", default="50,200")
    ap.add_argument("--gdcert", default=str(pathlib.Path(__file__).resolve().parent.parent / "target/release/gdcert"))
    args = ap.parse_args()
    arb_sizes = {int(x) for x in args.arb_sizes.split(",") if x}
    print(f"numpy {np.__version__}, python-flint {flint.__version__}")
    for n in [int(x) for x in args.sizes.split(",")]:
        a = random_symmetric(n)
        t_np = timed(lambda: np.linalg.eigh(a), 5 if n <= 200 else 3)
        line = f"n={n}: numpy eigh {t_np*1e3:.1f} ms"
        if n in arb_sizes:
            m = flint.acb_mat([[float(a[i, j]) for j in range(n)] for i in range(n)])
            t = time.perf_counter()
            ev = m.eig()
            t_arb = time.perf_counter() - t
            rads = [float(e.real.rad()) for e in ev]
            line += f"; Arb acb_mat.eig {t_arb:.2f} s, radius max {max(rads):.2e} median {statistics.median(rads):.2e}"
        if os.path.exists(args.gdcert):
            half = gdcert_widths(a, args.gdcert)
            line += f"; gdcert half-width max {max(half):.2e} median {statistics.median(half):.2e}"
        print(line, flush=True)

if __name__ == "__main__":
    main()
