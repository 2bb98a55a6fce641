r"""Numba kernels of the travelling-salesman solvers: tour length, 2-opt, Or-opt, Potts annealing.

Kernels take arrays and scalars only and assume clean input: ``d`` is a C-contiguous float64
symmetric (n, n) distance matrix with zero diagonal, tours are int64 permutations of 0..n-1
(cyclic: the last city connects back to the first). Local-search kernels work in place on the
tour they are given; the Python side hands them copies. Randomness enters as one uint64 seed per
replica (a splitmix64 stream), drawn from the caller's Generator.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._rng_kernels import shuffle as _shuffle


@njit(cache=True)
def tour_length(tour, d):
    r""":math:`L = \sum_k d_{t_k, t_{k+1}}` with :math:`t_n = t_0`."""
    n = tour.shape[0]
    total = 0.0
    for k in range(n - 1):
        total += d[tour[k], tour[k + 1]]
    return total + d[tour[n - 1], tour[0]]


@njit(cache=True)
def two_opt(tour, d, eps):
    r"""2-opt descent in place (Croes 1958): reverse a segment while that shortens the tour.

    Replacing edges (a, b), (c, e) by (a, c), (b, e) changes the length by
    :math:`\Delta = d_{ac} + d_{be} - d_{ab} - d_{ce}`; a move is made when :math:`\Delta < -\epsilon`.
    First improvement, scanned until a full pass makes no move. Returns the number of moves.
    """
    n = tour.shape[0]
    moves = 0
    improved = True
    while improved:
        improved = False
        for i in range(n - 2):
            a = tour[i]
            b = tour[i + 1]
            dab = d[a, b]
            stop = n if i > 0 else n - 1  # (0, n-1) would be the same edge pair
            for j in range(i + 2, stop):
                c = tour[j]
                e = tour[(j + 1) % n]
                delta = d[a, c] + d[b, e] - dab - d[c, e]
                if delta < -eps:
                    lo = i + 1
                    hi = j
                    while lo < hi:
                        tmp = tour[lo]
                        tour[lo] = tour[hi]
                        tour[hi] = tmp
                        lo += 1
                        hi -= 1
                    moves += 1
                    improved = True
                    b = tour[i + 1]
                    dab = d[a, b]
    return moves


@njit(cache=True)
def or_opt(tour, d, eps, max_segment):
    r"""Or-opt descent in place (Or 1976): move a segment of 1..``max_segment`` cities elsewhere.

    Removing segment :math:`s_0..s_1` from between p and x gains
    :math:`g = d_{p s_0} + d_{s_1 x} - d_{p x}`; inserting it between c and c' (either orientation)
    costs :math:`d_{c s_0} + d_{s_1 c'} - d_{c c'}` (or with :math:`s_0, s_1` swapped). The best
    insertion of each segment is taken when it saves more than ``eps``. Returns the number of moves.
    """
    n = tour.shape[0]
    buf = np.empty(n, dtype=tour.dtype)
    moves = 0
    improved = True
    while improved:
        improved = False
        for seg in range(1, max_segment + 1):
            if n - seg < 3:
                break
            for i in range(n):
                p = tour[(i - 1) % n]
                s0 = tour[i]
                s1 = tour[(i + seg - 1) % n]
                x = tour[(i + seg) % n]
                gain = d[p, s0] + d[s1, x] - d[p, x]
                if gain <= eps:
                    continue
                best = -eps
                best_m = -1
                best_rev = False
                rest = n - seg  # remaining cities r_m = tour[(i + seg + m) % n], m = 0..rest-1
                for m in range(rest - 1):
                    c = tour[(i + seg + m) % n]
                    cn = tour[(i + seg + m + 1) % n]
                    base = d[c, cn]
                    fwd = d[c, s0] + d[s1, cn] - base - gain
                    rev = d[c, s1] + d[s0, cn] - base - gain
                    if fwd < best:
                        best = fwd
                        best_m = m
                        best_rev = False
                    if rev < best:
                        best = rev
                        best_m = m
                        best_rev = True
                if best_m < 0:
                    continue
                k = 0
                for m in range(rest):
                    buf[k] = tour[(i + seg + m) % n]
                    k += 1
                    if m == best_m:
                        for q in range(seg):
                            if best_rev:
                                buf[k] = tour[(i + seg - 1 - q) % n]
                            else:
                                buf[k] = tour[(i + q) % n]
                            k += 1
                for m in range(n):
                    tour[m] = buf[m]
                moves += 1
                improved = True
    return moves


@njit(cache=True)
def local_search(tour, d, eps, use_two_opt, use_or_opt):
    """Alternate 2-opt and Or-opt (segments up to 3) in place until neither moves. Returns moves."""
    total = 0
    while True:
        moves = 0
        if use_two_opt:
            moves += two_opt(tour, d, eps)
        if use_or_opt:
            moves += or_opt(tour, d, eps, 3)
        total += moves
        if moves == 0 or not (use_two_opt and use_or_opt):
            return total


@njit(cache=True)
def potts_anneal(d, alpha, gamma, t0, cooling, max_sweeps, saturation, seeds, V, trace, sweeps):
    r"""Potts mean-field annealing (Peterson & Söderberg 1989), serial over cities, per replica.

    City X's row of ``V`` is a Potts spin over positions, :math:`V_{X\cdot} = \mathrm{softmax}(U_{X\cdot}/T)`
    with the mean field :math:`U_{Xi} = -F_{Xi} - \alpha \sum_{Y\ne X} V_{Yi} + \gamma V_{Xi}`,
    :math:`F_{Xi} = \sum_Y d_{XY}(V_{Y,i+1} + V_{Y,i-1})`, i.e. :math:`U = -\partial E/\partial V` of

    .. math:: E = \tfrac12 \sum_{XYi} d_{XY} V_{Xi}(V_{Y,i+1}+V_{Y,i-1})
              + \tfrac\alpha2 \sum_i \sum_{X\ne Y} V_{Xi}V_{Yi} - \tfrac\gamma2 \sum_{Xi} V_{Xi}^2 .

    Cities are updated one at a time in a fresh random order each sweep (F kept current:
    a change :math:`\Delta` of row X adds :math:`d_{YX}(\Delta_{i+1}+\Delta_{i-1})` to
    :math:`F_{Yi}`); T starts at ``t0`` and is multiplied by ``cooling`` after each sweep until the
    saturation :math:`\tfrac1n\sum V^2` exceeds ``saturation`` or ``max_sweeps`` is reached.
    ``V`` (R, n, n) holds the initial rows and receives the final ones; ``trace[r, k]`` receives E
    after sweep k (NaN after the last); ``sweeps[r]`` the number of sweeps.
    """
    R = V.shape[0]
    n = V.shape[1]
    F = np.empty((n, n))
    col = np.empty(n)
    u = np.empty(n)
    delta = np.empty(n)
    s = np.empty(n)
    order = np.arange(n)
    for r in range(R):
        W = V[r]
        for X in range(n):
            for i in range(n):
                acc = 0.0
                ip = (i + 1) % n
                im = (i - 1) % n
                for Y in range(n):
                    acc += d[X, Y] * (W[Y, ip] + W[Y, im])
                F[X, i] = acc
        for i in range(n):
            acc = 0.0
            for X in range(n):
                acc += W[X, i]
            col[i] = acc
        state = seeds[r]
        T = t0
        done = 0
        for sweep in range(max_sweeps):
            state = _shuffle(order, state)  # a new update order each sweep
            for q in range(n):
                X = order[q]
                top = -np.inf
                for i in range(n):
                    u[i] = -F[X, i] - alpha * (col[i] - W[X, i]) + gamma * W[X, i]
                    if u[i] > top:
                        top = u[i]
                z = 0.0
                for i in range(n):
                    u[i] = np.exp((u[i] - top) / T)
                    z += u[i]
                for i in range(n):
                    new = u[i] / z
                    delta[i] = new - W[X, i]
                    col[i] += delta[i]
                    W[X, i] = new
                for i in range(n):
                    s[i] = delta[(i + 1) % n] + delta[(i - 1) % n]
                for Y in range(n):
                    dyx = d[Y, X]
                    if dyx != 0.0:
                        for i in range(n):
                            F[Y, i] += dyx * s[i]
            e_dist = 0.0
            e_sq = 0.0
            for X in range(n):
                for i in range(n):
                    e_dist += W[X, i] * F[X, i]
                    e_sq += W[X, i] * W[X, i]
            e_col = 0.0
            for i in range(n):
                e_col += col[i] * col[i]
            trace[r, sweep] = 0.5 * e_dist + 0.5 * alpha * (e_col - e_sq) - 0.5 * gamma * e_sq
            done = sweep + 1
            if e_sq / n > saturation:
                break
            T *= cooling
        for k in range(done, max_sweeps):
            trace[r, k] = np.nan
        sweeps[r] = done


@njit(cache=True)
def hopfield_tank_euler(d, u, A, B, C, D, n_tilde, u0, tau, dt, n_steps):
    r"""``n_steps`` explicit Euler steps of the Hopfield–Tank equations, in place on ``u`` (R, n, n).

    .. math::
        u \leftarrow u + dt\Big(-\frac u\tau - A\sum_{j\ne i}V_{Xj} - B\sum_{Y\ne X}V_{Yi}
        - C\big(\textstyle\sum V - \tilde n\big) - D\sum_Y d_{XY}(V_{Y,i+1}+V_{Y,i-1})\Big),
        \quad V = \tfrac12(1+\tanh(u/u_0)).
    """
    R = u.shape[0]
    n = u.shape[1]
    V = np.empty((n, n))
    row = np.empty(n)
    col = np.empty(n)
    for r in range(R):
        U = u[r]
        for _ in range(n_steps):
            tot = 0.0
            for i in range(n):
                col[i] = 0.0
            for X in range(n):
                acc = 0.0
                for i in range(n):
                    v = 0.5 * (1.0 + np.tanh(U[X, i] / u0))
                    V[X, i] = v
                    acc += v
                    col[i] += v
                row[X] = acc
                tot += acc
            for X in range(n):
                for i in range(n):
                    ip = i + 1 if i + 1 < n else 0
                    im = i - 1 if i > 0 else n - 1
                    ds = 0.0
                    for Y in range(n):
                        ds += d[X, Y] * (V[Y, ip] + V[Y, im])
                    v = V[X, i]
                    du = (-U[X, i] / tau - A * (row[X] - v) - B * (col[i] - v)
                          - C * (tot - n_tilde) - D * ds)
                    U[X, i] += dt * du
