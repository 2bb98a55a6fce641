r"""Numba kernels for the phasor (complex-valued) network's asynchronous dynamics.

The same structure as the classical kernels (:mod:`hopfield.dynamics._kernels`): one probe per
``prange`` iteration, its own splitmix64 stream for the update order (the shared
:func:`hopfield._rng_kernels.shuffle`, consumed exactly as the classical kernel consumes it, so
K = 2 reproduces the bipolar network's random orders), and fields kept current on every change,
:math:`h \mathrel{+}= \delta\, W_{:, i}`. Inputs are clean (validated by
:class:`hopfield.phasor.PhasorHopfieldNetwork`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._rng_kernels import shuffle as _shuffle

ORDER_RANDOM = 0  # new random permutation every sweep
ORDER_FIXED = 1  # neurons 0, 1, ..., N-1


@njit(cache=True, inline="always")
def _activation(hi, n_states, roots):
    r"""csign_K(e^{iπ/K} h): the K-th root of unity nearest in phase to h; h/|h| for K = 0."""
    if n_states == 0:
        return hi / abs(hi)
    a = np.arctan2(hi.imag, hi.real) + np.pi / n_states
    two_pi = 2.0 * np.pi
    a = a - two_pi * np.floor(a / two_pi)  # arg in [0, 2π)
    k = int(np.floor(a * n_states / two_pi))
    if k >= n_states:  # a rounding residue at 2π
        k = 0
    return roots[k]


@njit(cache=True)
def _probe_sweeps(wt, eps, wdiag, z, h, clamp, order_code, n_states, roots, tol, max_sweeps, state,
                  e, trace_row, track):
    """Sweeps of one probe (see :func:`async_sweeps`); returns (sweeps, converged, energy, changes)."""
    n = z.shape[0]
    order = np.arange(n)
    total = 0
    if track:
        trace_row[0] = e
    for t in range(max_sweeps):
        if order_code == ORDER_RANDOM:
            state = _shuffle(order, state)
        changes = 0
        for k in range(n):
            i = order[k]
            if clamp[i]:
                continue
            hi = h[i]
            if abs(hi) <= eps[i]:
                continue  # a tie keeps the state
            new = _activation(hi, n_states, roots)
            d = new - z[i]
            size = abs(d)
            gain = (np.conj(d) * hi).real  # the energy falls by gain + ½ w_ii |δ|²
            if size <= tol or gain <= eps[i] * size:
                continue  # no strict descent: keep (the classical tie rule "keep" for K = 2)
            e += -gain - 0.5 * wdiag[i] * size * size
            z[i] = new
            row = wt[i]
            for m in range(n):
                h[m] += d * row[m]
            changes += 1
        total += changes
        if track:
            trace_row[t + 1] = e
        if changes == 0:
            if track:
                for r in range(t + 2, max_sweeps + 1):
                    trace_row[r] = e
            return t + 1, True, e, total
    return max_sweeps, False, e, total


@njit(cache=True, parallel=True)
def async_sweeps(wt, eps, wdiag, states, fields, clamp, order_code, n_states, roots, tol, max_sweeps,
                 seeds, energies, trace, sweeps_out, converged_out, changes_out):
    r"""Asynchronous phasor updates on a batch of unit-modulus states, in place.

    .. math::
        h_i = \sum_j w_{ij} z_j, \qquad
        z_i \leftarrow \mathrm{csign}_K\big(e^{i\pi/K} h_i\big)
        \ \ (K \ge 2), \qquad z_i \leftarrow h_i / |h_i| \ \ (K = 0: \text{continuous phase}),

    where :math:`\mathrm{csign}_K(u) = e^{2\pi i k/K}` for :math:`\arg u \in [2\pi k/K, 2\pi(k+1)/K)`.
    A neuron changes only if the change :math:`\delta` strictly lowers the energy,
    :math:`\mathrm{Re}(\bar\delta h_i) > \epsilon_i |\delta|` and :math:`|\delta| > \mathrm{tol}`;
    then :math:`h \mathrel{+}= \delta\, W_{:, i}` (row i of ``wt`` = Wᵀ) and
    :math:`\Delta E = -\mathrm{Re}(\bar\delta h_i) - \tfrac12 w_{ii}|\delta|^2` (exact for Hermitian W).
    ``fields`` must hold :math:`Z W^\top` on entry; ``trace`` is (batch, max_sweeps + 1) or
    (batch, 0). A probe stops after the first sweep without a change (``converged``).
    """
    track = trace.shape[1] > 0
    for b in prange(states.shape[0]):
        sw, cv, e, ch = _probe_sweeps(wt, eps, wdiag, states[b], fields[b], clamp[b], order_code,
                                      n_states, roots, tol, max_sweeps, seeds[b], energies[b],
                                      trace[b], track)
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        changes_out[b] = ch


@njit(cache=True)
def async_sweeps_serial(wt, eps, wdiag, states, fields, clamp, order_code, n_states, roots, tol,
                        max_sweeps, seeds, energies, trace, sweeps_out, converged_out, changes_out):
    """:func:`async_sweeps` on one thread (no thread-pool start-up for small batches)."""
    track = trace.shape[1] > 0
    for b in range(states.shape[0]):
        sw, cv, e, ch = _probe_sweeps(wt, eps, wdiag, states[b], fields[b], clamp[b], order_code,
                                      n_states, roots, tol, max_sweeps, seeds[b], energies[b],
                                      trace[b], track)
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        changes_out[b] = ch
