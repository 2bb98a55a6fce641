r"""Numba kernels for the asynchronous dynamics of the dense associative memory.

The decision for neuron :math:`i` (Krotov & Hopfield 2016, Theory reference §7) is the sign of

.. math::
    \Delta_i = \sum_\mu \big[F(\xi_i^\mu + a_\mu) - F(-\xi_i^\mu + a_\mu)\big],
    \qquad a_\mu = \sum_{j \ne i} \xi_j^\mu \sigma_j = m_\mu - \xi_i^\mu \sigma_i ,

with the overlaps :math:`m_\mu = \xi^\mu \cdot \sigma` kept current (:math:`m \mathrel{+}= \Delta\sigma_i\,
\xi_i` on a flip, O(K)). Writing :math:`P_\mu = F(m_\mu) - F(m_\mu - 2)` and
:math:`Q_\mu = F(m_\mu + 2) - F(m_\mu)` (the two values :math:`D(a) = F(a+1) - F(a-1)` can take,
since :math:`\xi_i^\mu\sigma_i = \pm1`),

.. math::
    2\Delta_i = \sum_\mu \xi_i^\mu (P_\mu + Q_\mu) + \sigma_i \sum_\mu (P_\mu - Q_\mu),

so a neuron visit is one length-K dot product with the maintained vector :math:`S = P + Q` and the
scalar :math:`T = \sum_\mu (P_\mu - Q_\mu)`; both are rebuilt (O(K)) after each flip. P and Q come
from tables indexed by the integer overlap. For the exponential F the tables hold
:math:`e^{\beta(m - M)}`-scaled values with :math:`M = \max_\mu m_\mu`: a common positive factor
does not change the sign of :math:`\Delta_i`, and it keeps every number finite.

Kernels take arrays and scalars only and assume clean input (validated by
:class:`hopfield.dense.DenseAssociativeMemory`). Each probe has its own splitmix64 stream seeded
from the caller's Generator (the same streams and Fisher–Yates shuffles as the classical kernel in
:mod:`hopfield.dynamics._kernels`), so results do not depend on how ``prange`` schedules probes.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

from ._rng_kernels import shuffle as _shuffle
from .dynamics._kernels import ORDER_FIXED, ORDER_RANDOM, TIE_KEEP, TIE_PLUS

__all__ = [
    "ORDER_FIXED",
    "ORDER_RANDOM",
    "TIE_KEEP",
    "TIE_PLUS",
    "dense_async_sweeps",
    "dense_async_sweeps_serial",
    "overlaps_kernel",
    "overlaps_serial",
]


@njit(cache=True)
def _overlaps_row(xt8, state, row):
    """row[μ] = Σ_i ξ_i^μ σ_i (select on σ_i, so the inner loop is a vectorised int add)."""
    n, k = xt8.shape
    for mu in range(k):
        row[mu] = 0
    for i in range(n):
        xrow = xt8[i]
        if state[i] > 0:
            for mu in range(k):
                row[mu] += xrow[mu]
        else:
            for mu in range(k):
                row[mu] -= xrow[mu]


@njit(cache=True, parallel=True)
def overlaps_kernel(xt8, states, out):
    r"""Integer overlaps :math:`m_{b\mu} = \sum_i \xi_i^\mu \sigma_{bi}` into ``out`` (B, K) int64."""
    for b in prange(states.shape[0]):
        _overlaps_row(xt8, states[b], out[b])


@njit(cache=True)
def overlaps_serial(xt8, states, out):
    """:func:`overlaps_kernel` on one thread (small batches: no thread start-up cost)."""
    for b in range(states.shape[0]):
        _overlaps_row(xt8, states[b], out[b])


@njit(cache=True)
def _rebuild(m, stab, dtab, atab, exp_mode, offset, need_abs, s_vec):
    """Fill ``s_vec`` with S = P + Q; return (T = Σ(P − Q), A = Σ(|P| + |Q|) or 0, shift M)."""
    k = m.shape[0]
    shift = 0
    if exp_mode:
        shift = m[0]
        for mu in range(1, k):
            if m[mu] > shift:
                shift = m[mu]
    t = dtab[0] - dtab[0]  # a zero of the tables' type (int64 when exact, else float64)
    a = 0.0
    base = offset - shift
    for mu in range(k):
        idx = m[mu] + base
        s_vec[mu] = stab[idx]
        t += dtab[idx]
    if need_abs:
        for mu in range(k):
            a += atab[m[mu] + base]
    return t, a, shift


def _dot(row8, rowf, vec):
    r""":math:`\sum_\mu \xi_i^\mu S_\mu`, specialised on the type of S (see ``_dot_impl``)."""


@overload(_dot, jit_options={"cache": True})
def _dot_impl(row8, rowf, vec):
    """Exact int64 S: a select on the int8 row, which LLVM vectorises (integer sums reorder
    freely). Float64 S: the float row with four interleaved partial sums in a fixed order, so
    the result is deterministic (no fastmath where a sign is decided)."""
    if isinstance(vec.dtype, types.Integer):

        def impl(row8, rowf, vec):
            acc = vec[0] - vec[0]
            for mu in range(vec.shape[0]):
                acc += vec[mu] if row8[mu] > 0 else -vec[mu]
            return acc

        return impl

    def impl_float(row8, rowf, vec):
        k = vec.shape[0]
        v0 = 0.0
        v1 = 0.0
        v2 = 0.0
        v3 = 0.0
        stop = k - k % 4
        for mu in range(0, stop, 4):
            v0 += rowf[mu] * vec[mu]
            v1 += rowf[mu + 1] * vec[mu + 1]
            v2 += rowf[mu + 2] * vec[mu + 2]
            v3 += rowf[mu + 3] * vec[mu + 3]
        for mu in range(stop, k):
            v0 += rowf[mu] * vec[mu]
        return (v0 + v1) + (v2 + v3)

    return impl_float


@njit(cache=True)
def _energy(m, ftab, exp_mode, offset, beta):
    r"""Energy :math:`E = -\sum_\mu F(m_\mu)`.

    For the exponential F: :math:`-e^{\beta M}\sum_\mu e^{\beta(m_\mu - M)}`.
    """
    k = m.shape[0]
    if exp_mode:
        shift = m[0]
        for mu in range(1, k):
            if m[mu] > shift:
                shift = m[mu]
        tot = 0.0
        for mu in range(k):
            tot += ftab[m[mu] - shift + offset]
        return -np.exp(beta * shift + np.log(tot))
    tot = 0.0
    for mu in range(k):
        tot += ftab[m[mu] + offset]
    return 0.0 - tot  # +0.0, not -0.0, for an empty sum


@njit(cache=True)
def _sweep_probe(
    xtf, xt8, states, overlaps, clamp, stab, dtab, atab, ftab, exp_mode, offset, beta, rtol,
    order_code, tie_code, max_sweeps, seeds, work, energies, trace, sweeps_out, converged_out,
    flips_out,
    b,
):
    """Run probe ``b`` of :func:`dense_async_sweeps` to convergence or ``max_sweeps``."""
    n = states.shape[1]
    k = xt8.shape[1]
    track = trace.shape[1] > 0
    need_abs = rtol > 0.0
    s = states[b]
    m = overlaps[b]
    state = seeds[b]
    order = np.arange(n)
    s_vec = work[b]
    t_sum, a_sum, _ = _rebuild(m, stab, dtab, atab, exp_mode, offset, need_abs, s_vec)
    total_flips = 0
    sweeps_out[b] = max_sweeps
    converged_out[b] = False
    if track:
        trace[b, 0] = _energy(m, ftab, exp_mode, offset, beta)
    for t in range(max_sweeps):
        if order_code == ORDER_RANDOM:
            state = _shuffle(order, state)  # the same shuffle as the classical kernel
        flips = 0
        for j in range(n):
            i = order[j]
            if clamp[b, i]:
                continue
            val = _dot(xt8[i], xtf[i], s_vec)
            old = s[i]
            val += old * t_sum
            eps = rtol * a_sum
            if val > eps:
                new = 1
            elif val < -eps:
                new = -1
            elif tie_code == TIE_KEEP:
                new = old
            else:
                new = 1
            if new != old:
                d = new - old
                s[i] = new
                row8 = xt8[i]
                for mu in range(k):
                    m[mu] += d * row8[mu]
                t_sum, a_sum, _ = _rebuild(m, stab, dtab, atab, exp_mode, offset, need_abs, s_vec)
                flips += 1
        total_flips += flips
        if track:
            trace[b, t + 1] = _energy(m, ftab, exp_mode, offset, beta)
        if flips == 0:
            sweeps_out[b] = t + 1
            converged_out[b] = True
            if track:
                for r in range(t + 2, max_sweeps + 1):
                    trace[b, r] = trace[b, t + 1]
            break
    energies[b] = _energy(m, ftab, exp_mode, offset, beta)
    flips_out[b] = total_flips


@njit(cache=True, parallel=True)
def dense_async_sweeps(
    xtf, xt8, states, overlaps, clamp, stab, dtab, atab, ftab, exp_mode, offset, beta, rtol,
    order_code, tie_code, max_sweeps, seeds, work, energies, trace, sweeps_out, converged_out,
    flips_out,
):
    r"""Asynchronous zero-temperature sweeps of a DAM on a batch of ±1 states, in place.

    Parameters (all clean)
    ----------------------
    xtf, xt8 : (N, K) float64 and int8
        Memories transposed (row i holds :math:`\xi_i^\mu` for all μ).
    states : (B, N) int8
        Initial states; overwritten with the final ones.
    overlaps : (B, K) int64
        :math:`m = \xi\sigma` on entry; kept current.
    clamp : (B, N) bool
        Neurons that never change.
    stab, dtab, atab : tables indexed by ``m - shift + offset``
        :math:`P + Q`, :math:`P - Q` and :math:`|P| + |Q|` (or their
        :math:`e^{-\beta M}`-scaled versions); ``stab`` and ``dtab`` are int64 when every decision
        sum is an exact integer (below :math:`2^{53}`), else float64.
    ftab : float64 table
        :math:`F` (scaled likewise), for the energy.
    exp_mode : bool
        Shift the table index by :math:`M = \max_\mu m_\mu` (exponential F).
    rtol : float
        :math:`|2\Delta_i| \le` ``rtol`` :math:`\sum_\mu(|P_\mu| + |Q_\mu|)` is a tie (0 when the
        tables hold exact integers and every sum stays below :math:`2^{53}`).
    work : (B, K), the dtype of ``stab``
        Scratch for :math:`S = P + Q`.
    trace : (B, max_sweeps + 1) or (B, 0) float64
        Energy after each sweep, or nothing.

    A probe stops after the first sweep with no flip (``converged``) or after ``max_sweeps``.
    """
    for b in prange(states.shape[0]):
        _sweep_probe(
            xtf, xt8, states, overlaps, clamp, stab, dtab, atab, ftab, exp_mode, offset, beta, rtol,
            order_code, tie_code, max_sweeps, seeds, work, energies, trace, sweeps_out,
            converged_out, flips_out, b,
        )


@njit(cache=True)
def dense_async_sweeps_serial(
    xtf, xt8, states, overlaps, clamp, stab, dtab, atab, ftab, exp_mode, offset, beta, rtol,
    order_code, tie_code, max_sweeps, seeds, work, energies, trace, sweeps_out, converged_out,
    flips_out,
):
    """:func:`dense_async_sweeps` on one thread (small batches: no thread start-up cost)."""
    for b in range(states.shape[0]):
        _sweep_probe(
            xtf, xt8, states, overlaps, clamp, stab, dtab, atab, ftab, exp_mode, offset, beta, rtol,
            order_code, tie_code, max_sweeps, seeds, work, energies, trace, sweeps_out,
            converged_out, flips_out, b,
        )
