# B2 (theorems.md, Paper 3 (d)): d = 6, r = 2, M* = diag(2, 1, 0, 0, 0, 0), m = 200 items, n = 8000
# triplets, seed 1, eta = 0.05. An independent float64 computation (numpy) of the numbers the
# certificate encloses: GD from the spectral start, then Newton with least-squares steps (the
# Hessian is singular along the gauge direction U Omega). Generator: /work/shared/oracles/p3_gd.py.
# Usage: python3 tests/oracles/p3_b2.py [--write-csv DIR]
import math, sys
from decimal import Decimal
import numpy as np

M64 = 2**64 - 1
class Rng:
    def __init__(self, seed): self.s = seed & M64
    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64; z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)
    def u(self): return (self.next() >> 11) * 2.0**-53
    def normal(self):
        u1 = self.u(); u2 = self.u()
        return math.sqrt(-2.0*math.log(1.0 - u1)) * math.cos(2.0*math.pi*u2)

def gen(d, Ms, m, n, seed):
    R = Rng(seed)
    xs = np.array([[R.normal() for _ in range(d)] for _ in range(m)])
    A = np.zeros((n, d, d)); y = np.zeros(n); trip = []
    for t in range(n):
        while True:
            i, j, k = int(R.u()*m), int(R.u()*m), int(R.u()*m)
            if i != j and j != k and i != k: break
        p_, q_ = xs[i] - xs[k], xs[i] - xs[j]
        s = 0.0
        for a in range(d):
            for b in range(d):
                s += Ms[a, b]*(p_[a]*p_[b] - q_[a]*q_[b])
        A[t] = np.outer(p_, p_) - np.outer(q_, q_)
        y[t] = 1.0 if R.u() < 1/(1 + math.exp(-s)) else -1.0
        trip.append((i, j, k, int(y[t])))
    return xs, trip, A, y

sg = lambda z: 0.5*(1 + np.tanh(z/2))
def scores(U, A): return np.einsum('tij,ia,ja->t', A, U, U)
def loss(U, A, y): return np.mean(np.logaddexp(0, -y*scores(U, A)))
def grad(U, A, y):
    w = -y*sg(-y*scores(U, A)); return 2*np.einsum('t,tij,ja->ia', w, A, U)/len(y)
def hess(U, A, y):
    n = len(y); d, r = U.shape; s = scores(U, A)
    ph = sg(y*s)*sg(-y*s); w = -y*sg(-y*s)
    AU = np.einsum('tij,ja->tia', A, U).reshape(n, d*r)
    return 4*np.einsum('t,tp,tq->pq', ph, AU, AU)/n + 2*np.kron(np.einsum('t,tij->ij', w, A)/n, np.eye(r))

d, r, m, n, eta = 6, 2, 200, 8000, 0.05
Ms = np.diag([2.0, 1.0, 0, 0, 0, 0])
xs, trip, A, y = gen(d, Ms, m, n, 1)
if len(sys.argv) > 2 and sys.argv[1] == '--write-csv':
    out = sys.argv[2]
    with open(f"{out}/b2_items.csv", "w") as f:
        f.write(f"# {m} items x {d} features: SplitMix64 seed 1 normals (theorems.md primitive 7, p3_gd.py), binary64 values written exactly\n")
        for row in xs: f.write(",".join(str(Decimal(v)) for v in row) + "\n")
    with open(f"{out}/b2_triplets.csv", "w") as f:
        f.write(f"# {n} triplets: i, j, k (0-based rows of b2_items.csv), y = 1 if i is closer to j else -1\n")
        for t in trip: f.write(",".join(str(v) for v in t) + "\n")
agree = np.mean(y*np.einsum('tij,ij->t', A, Ms) > 0)
w, V = np.linalg.eigh(np.einsum('t,tij->ij', y, A)/(6*n)); idx = np.argsort(w)[::-1][:r]
U = V[:, idx]*np.sqrt(np.maximum(w[idx], 0))
for k in range(300): U = U - eta*grad(U, A, y)
for _ in range(20): U = U - np.linalg.lstsq(hess(U, A, y), grad(U, A, y).ravel(), rcond=1e-12)[0].reshape(U.shape)
H = np.linalg.eigvalsh(hess(U, A, y))
Mh = U@U.T
print(f"agreement {agree:.6f}; spectral eigenvalues {w[idx][0]:.7f} {w[idx][1]:.7f}")
print(f"|grad| {np.linalg.norm(grad(U, A, y)):.1e}; loss {loss(U, A, y):.9f}")
print(f"Hessian eigenvalues {' '.join(f'{h:.7f}' for h in H)}")
print(f"mu_h (lambda_2) {H[1]:.8f}; L_h (lambda_12) {H[-1]:.8f}; rate {max(abs(1-eta*H[1]), abs(1-eta*H[-1])):.8f}")
print(f"dist {np.linalg.norm(Mh - Ms):.9f}")
print("M_hat", np.round(Mh, 6).tolist())
