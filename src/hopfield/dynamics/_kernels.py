"""Numba kernels for the classical network's sequential dynamics.

Kernels take arrays and scalars only and assume clean input (validated by the callers). Each
probe has its own splitmix64 stream seeded from the caller's Generator, so results do not depend
on how ``prange`` schedules probes over threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .._rng_kernels import p_plus as _p_plus
from .._rng_kernels import shuffle as _shuffle
from .._rng_kernels import uniform as _uniform

ORDER_RANDOM = 0  # new random permutation every sweep
ORDER_FIXED = 1  # neurons 0, 1, ..., N-1
TIE_KEEP = 0
TIE_PLUS = 1



@njit(cache=True)
def _probe_sweeps(
    wt, theta, eps, wdiag, s, h, clamp, order_code, tie_code, betas, state, e, trace_row, track
):
    """Sweeps of one probe (see :func:`async_sweeps`); returns (sweeps, converged, energy, flips)."""
    n = s.shape[0]
    max_sweeps = betas.shape[0]
    order = np.arange(n)
    total_flips = 0
    if track:
        trace_row[0] = e
    for t in range(max_sweeps):
        beta = betas[t]
        deterministic = np.isinf(beta)
        if order_code == ORDER_RANDOM:
            state = _shuffle(order, state)
        flips = 0
        for k in range(n):
            i = order[k]
            if clamp[i]:
                continue
            hi = h[i]
            old = s[i]
            if deterministic:
                if hi > eps[i]:
                    new = 1
                elif hi < -eps[i]:
                    new = -1
                elif tie_code == TIE_KEEP:
                    new = old
                else:
                    new = 1
            else:
                # heat bath on E: the self-coupling is a constant in E (s_i² = 1), so the
                # conditional law of s_i uses the field without it, h_i − w_ii s_i
                state, u = _uniform(state)
                new = 1 if u < _p_plus(2.0 * beta * (hi - wdiag[i] * old)) else -1
            if new != old:
                d = float(new - old)
                e += -d * hi - 0.5 * wdiag[i] * d * d
                s[i] = new
                row = wt[i]
                for m in range(n):
                    h[m] += d * row[m]
                flips += 1
        total_flips += flips
        if track:
            trace_row[t + 1] = e
        if deterministic and flips == 0:
            if track:
                for r in range(t + 2, max_sweeps + 1):
                    trace_row[r] = e
            return t + 1, True, e, total_flips
    return max_sweeps, False, e, total_flips


@njit(cache=True, parallel=True)
def async_sweeps(
    wt, theta, eps, wdiag, states, fields, clamp, order_code, tie_code, betas, seeds,
    energies, trace, sweeps_out, converged_out, flips_out,
):
    r"""Asynchronous (one neuron at a time) sweeps on a batch of ±1 states, in place.

    .. math::
        h_i = \sum_j w_{ij} s_j - \theta_i, \qquad
        s_i \leftarrow \begin{cases} +1 & h_i > \epsilon_i \\ -1 & h_i < -\epsilon_i \\
        \text{tie rule} & \text{otherwise} \end{cases}

    at zero temperature (``betas[t] == inf``), or the heat-bath rule
    :math:`P(s_i = +1) = 1 / (1 + e^{-2\beta (h_i - w_{ii} s_i)})` at inverse temperature
    ``betas[t]`` in sweep t: the conditional Boltzmann law of :math:`s_i` given the others, which
    does not depend on :math:`w_{ii}` (a constant in E).
    On a flip by :math:`\Delta = s_i' - s_i` the fields are kept current with
    :math:`h \mathrel{+}= \Delta\, W_{:, i}` (row i of ``wt`` = Wᵀ) and the energy with
    :math:`\Delta E = -\Delta h_i - \tfrac12 w_{ii} \Delta^2` (exact for symmetric W).

    ``fields`` must hold :math:`S W^\top - \theta` on entry. A probe stops after the first
    deterministic sweep with no flip (``converged``) or after ``len(betas)`` sweeps. ``trace`` is
    (batch, len(betas) + 1) for the energy after each sweep, or (batch, 0) for none. Probes run
    in parallel; :func:`async_sweeps_serial` is the same on one thread (no thread-pool start-up
    cost for small batches).
    """
    track = trace.shape[1] > 0
    for b in prange(states.shape[0]):
        sw, cv, e, fl = _probe_sweeps(
            wt, theta, eps, wdiag, states[b], fields[b], clamp[b], order_code, tie_code, betas,
            seeds[b], energies[b], trace[b], track,
        )
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        flips_out[b] = fl


@njit(cache=True)
def async_sweeps_serial(
    wt, theta, eps, wdiag, states, fields, clamp, order_code, tie_code, betas, seeds,
    energies, trace, sweeps_out, converged_out, flips_out,
):
    """:func:`async_sweeps` on one thread."""
    track = trace.shape[1] > 0
    for b in range(states.shape[0]):
        sw, cv, e, fl = _probe_sweeps(
            wt, theta, eps, wdiag, states[b], fields[b], clamp[b], order_code, tie_code, betas,
            seeds[b], energies[b], trace[b], track,
        )
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        flips_out[b] = fl
