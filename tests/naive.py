"""Slow but obviously correct reference implementations, for checking the fast code."""

import numpy as np


def hebb(x, scale):
    p, n = x.shape
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                w[i, j] = scale * sum(x[mu, i] * x[mu, j] for mu in range(p))
    return w


def storkey(x):
    """Storkey (1997) exactly as THEORY.md §2.3 writes it, with loops; diagonal kept."""
    p, n = x.shape
    w = np.zeros((n, n))
    for nu in range(p):
        xi = x[nu].astype(float)
        old = w.copy()

        def h(i, j, old=old, xi=xi):
            return sum(old[i, k] * xi[k] for k in range(n) if k != i and k != j)

        for i in range(n):
            for j in range(n):
                w[i, j] = old[i, j] + (xi[i] * xi[j] - xi[i] * h(j, i) - h(i, j) * xi[j]) / n
    return w


def energy(w, theta, s):
    s = np.asarray(s, dtype=float)
    return -0.5 * s @ w @ s + theta @ s


def sequential_recall(w, theta, s, max_sweeps, tie="keep"):
    """Fixed-order asynchronous updates from scratch (fields recomputed every time)."""
    s = np.array(s, dtype=np.int8)
    n = s.size
    for sweep in range(1, max_sweeps + 1):
        flips = 0
        for i in range(n):
            h = w[i] @ s - theta[i]
            new = 1 if h > 1e-9 else -1 if h < -1e-9 else (s[i] if tie == "keep" else 1)
            if new != s[i]:
                s[i] = new
                flips += 1
        if flips == 0:
            return s, sweep, True
    return s, max_sweeps, False


def all_states(n):
    """Every ±1 state of n neurons, as rows (2**n, n)."""
    k = np.arange(2**n)[:, None]
    return np.where((k >> np.arange(n)) & 1, 1, -1).astype(np.int8)


def mackay(x, eta, alpha, n_iter):
    """MacKay, ITILA Algorithm 42.9, step by step as THEORY.md §2.5 transcribes it, with loops.

    W = XᵀX; repeat: w_ii = 0; a_i^(n) = Σ_j w_ij x_j^(n); y = σ(a); e = t − y with t = (x+1)/2;
    g_ij = Σ_n x_i^(n) e_j^(n); g ← g + gᵀ; w ← w + η (g − α w). Finally w_ii = 0.
    """
    x = np.asarray(x, dtype=float)
    p, n = x.shape
    t = (x + 1) / 2
    w = x.T @ x
    for _ in range(n_iter):
        for i in range(n):
            w[i, i] = 0.0
        e = np.zeros((p, n))
        for k in range(p):
            for i in range(n):
                a = sum(w[i, j] * x[k, j] for j in range(n))
                e[k, i] = t[k, i] - 1.0 / (1.0 + np.exp(-a))
        g = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                g[i, j] = sum(x[k, i] * e[k, j] for k in range(p))
        g = g + g.T
        w = w + eta * (g - alpha * w)
    for i in range(n):
        w[i, i] = 0.0
    return w
