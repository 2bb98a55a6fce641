r"""Numba kernels of the Ising / QUBO solvers, over CSR couplings, batched over replicas.

All kernels minimise :math:`H(s) = -\tfrac12 s^\top J s - h^\top s` (J symmetric, zero diagonal,
given as CSR ``indptr, indices, data``). They keep the local fields
:math:`f_i = \sum_j J_{ij} s_j + h_i` current (on a change :math:`\Delta` of unit j,
:math:`f \mathrel{+}= \Delta\, J_{:, j}`, one CSR row since J is symmetric); flipping spin i
changes H by :math:`2 s_i f_i`. Every kernel ends with a 1-flip descent, so each returned state
is a local minimum (no single flip lowers H by more than ``eps``).

Kernels take arrays and scalars only and assume clean input. Each replica has its own splitmix64
stream seeded from the caller's Generator, so results do not depend on how ``prange`` schedules
replicas over threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .._rng_kernels import shuffle as _shuffle
from .._rng_kernels import uniform as _uniform

# |2βf| beyond this decides the heat-bath update outright: the other outcome has probability
# below e^{-37} ≈ 1e-16, under the resolution of the 53-bit uniform, so no draw is spent.
_SURE = 37.0


@njit(cache=True)
def _random_spins(s, state):
    for i in range(s.shape[0]):
        state, u = _uniform(state)
        s[i] = 1 if u < 0.5 else -1
    return state


@njit(cache=True)
def _fields(indptr, indices, data, h, s, f):
    """f = J s + h."""
    n = s.shape[0]
    for i in range(n):
        acc = h[i]
        for k in range(indptr[i], indptr[i + 1]):
            acc += data[k] * s[indices[k]]
        f[i] = acc


@njit(cache=True)
def _descend(indptr, indices, data, s, f, eps, max_sweeps):
    r"""Asynchronous zero-temperature sweeps in index order: flip spin i when
    :math:`2 s_i f_i < -\epsilon`, until a sweep flips nothing. Returns the sweeps done."""
    n = s.shape[0]
    sweeps = 0
    while sweeps < max_sweeps:
        sweeps += 1
        changed = False
        for i in range(n):
            if s[i] * f[i] < -eps:
                d = -2.0 * s[i]
                s[i] = -s[i]
                for k in range(indptr[i], indptr[i + 1]):
                    f[indices[k]] += data[k] * d
                changed = True
        if not changed:
            break
    return sweeps


@njit(cache=True)
def _energy(h, s, f):
    r""":math:`H - c = -\tfrac12 \sum_i s_i (f_i + h_i)` from current fields."""
    e = 0.0
    for i in range(s.shape[0]):
        e -= 0.5 * s[i] * (f[i] + h[i])
    return e


@njit(cache=True, parallel=True)
def glauber_anneal(indptr, indices, data, h, betas, seeds, eps, states, energies):
    r"""Simulated annealing in Hopfield form: heat-bath (Glauber) sweeps in index order,

    .. math:: P(s_i = +1) = \frac{1}{1 + e^{-2\beta_t f_i}},

    one sweep per inverse temperature ``betas[t]``, from a random state, then a 1-flip descent.
    When :math:`|2\beta f_i| > 37` the update is decided without a random draw.
    Fills ``states`` (replicas, n) int8 and ``energies`` (replicas,) = H - c.
    """
    replicas, n = states.shape
    for r in prange(replicas):
        s = states[r]
        f = np.empty(n)
        state = _random_spins(s, seeds[r])
        _fields(indptr, indices, data, h, s, f)
        for t in range(betas.shape[0]):
            b2 = 2.0 * betas[t]
            for i in range(n):
                x = b2 * f[i]
                if x > _SURE:
                    new = 1
                elif x < -_SURE:
                    new = -1
                else:
                    if x >= 0.0:
                        p = 1.0 / (1.0 + np.exp(-x))
                    else:
                        e = np.exp(x)
                        p = e / (1.0 + e)
                    state, u = _uniform(state)
                    new = 1 if u < p else -1
                if new != s[i]:
                    d = 2.0 * new
                    s[i] = new
                    for k in range(indptr[i], indptr[i + 1]):
                        f[indices[k]] += data[k] * d
        _descend(indptr, indices, data, s, f, eps, 1 << 30)
        energies[r] = _energy(h, s, f)


@njit(cache=True, parallel=True)
def mean_field_anneal(indptr, indices, data, h, betas, seeds, eps, states, energies):
    r"""Mean-field annealing: the graded (continuous) Hopfield network with annealed gain,

    .. math:: m_i \leftarrow \tanh(\beta_t f_i(m)), \qquad f(m) = J m + h,

    asynchronous in a random order drawn once per replica (the replicas would otherwise follow
    nearly the same deterministic path), one sweep per gain ``betas[t]``, from small random m; then
    :math:`s = \mathrm{sgn}(m)` (ties to +1) and a 1-flip descent.
    """
    replicas, n = states.shape
    for r in prange(replicas):
        s = states[r]
        m = np.empty(n)
        f = np.empty(n)
        order = np.arange(n)
        state = seeds[r]
        for i in range(n):
            state, u = _uniform(state)
            m[i] = 0.02 * (u - 0.5)
        state = _shuffle(order, state)  # each replica visits in its own order
        _fields(indptr, indices, data, h, m, f)
        for t in range(betas.shape[0]):
            b = betas[t]
            for ii in range(n):
                i = order[ii]
                new = np.tanh(b * f[i])
                d = new - m[i]
                if d != 0.0:
                    m[i] = new
                    for k in range(indptr[i], indptr[i + 1]):
                        f[indices[k]] += data[k] * d
        for i in range(n):
            s[i] = 1 if m[i] >= 0.0 else -1
        _fields(indptr, indices, data, h, s, f)
        _descend(indptr, indices, data, s, f, eps, 1 << 30)
        energies[r] = _energy(h, s, f)


@njit(cache=True, parallel=True)
def random_descent(indptr, indices, data, h, seeds, eps, states, energies):
    """Plain Hopfield descent: a random start, then 1-flip descent to a local minimum."""
    replicas, n = states.shape
    for r in prange(replicas):
        s = states[r]
        f = np.empty(n)
        _random_spins(s, seeds[r])
        _fields(indptr, indices, data, h, s, f)
        _descend(indptr, indices, data, s, f, eps, 1 << 30)
        energies[r] = _energy(h, s, f)


@njit(cache=True, parallel=True)
def metropolis_anneal(indptr, indices, data, h, betas, seeds, eps, states, energies):
    r"""Simulated annealing with Metropolis single-spin flips in index order: flip spin i when
    :math:`\Delta H = 2 s_i f_i \le 0`, else with probability :math:`e^{-\beta_t \Delta H}`
    (no draw when :math:`\beta_t\Delta H > 37`); one sweep per ``betas[t]``, from a random state,
    then a 1-flip descent. Fills ``states`` and ``energies`` = H - c.
    """
    replicas, n = states.shape
    for r in prange(replicas):
        s = states[r]
        f = np.empty(n)
        state = _random_spins(s, seeds[r])
        _fields(indptr, indices, data, h, s, f)
        for t in range(betas.shape[0]):
            b = betas[t]
            for i in range(n):
                de = 2.0 * s[i] * f[i]
                flip = de <= 0.0
                if not flip:
                    x = b * de
                    if x < _SURE:
                        state, u = _uniform(state)
                        flip = u < np.exp(-x)
                if flip:
                    d = -2.0 * s[i]
                    s[i] = -s[i]
                    for k in range(indptr[i], indptr[i + 1]):
                        f[indices[k]] += data[k] * d
        _descend(indptr, indices, data, s, f, eps, 1 << 30)
        energies[r] = _energy(h, s, f)
