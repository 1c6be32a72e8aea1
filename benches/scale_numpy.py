#!/usr/bin/env python3
"""The loops of benches/scale.rs in numpy, on the same machine (installs numpy with pip when it is
missing). Prints the median time of each, in ms; compare with `cargo bench --bench scale`.
numpy's BLAS/LAPACK uses every core; run with OPENBLAS_NUM_THREADS=1 for the one-thread figures."""
import subprocess, sys, time
try:
    import numpy as np
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "numpy"])
    import numpy as np


def median_time(f, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2] * 1e3


rng = np.random.default_rng(1)
for n in (1000, 2000):
    a = rng.uniform(-1, 1, (n, n)); b = rng.uniform(-1, 1, (n, n))
    print(f"matmul numpy n={n}: {median_time(lambda: a @ b, 10):.1f} ms")
    print(f"singular values numpy n={n}: {median_time(lambda: np.linalg.svd(a, compute_uv=False), 5):.1f} ms")

n = 1024
A = rng.uniform(-1, 1, (n, n)); W = [rng.uniform(-1, 1, (n, n)) for _ in range(3)]


def dmf_step(eta=1e-6):
    w21 = W[1] @ W[0]; w32 = W[2] @ W[1]; r = W[2] @ w21 - A
    g1 = w32.T @ r; g2 = (W[2].T @ r) @ W[0].T; g3 = r @ w21.T
    W[0] -= eta * g1; W[1] -= eta * g2; W[2] -= eta * g3


print(f"dmf step numpy n=1024 depth 3: {median_time(dmf_step, 10):.1f} ms")
