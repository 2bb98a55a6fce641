r"""Numba kernels for the classical network's sequential dynamics.

Two forms of the same asynchronous dynamics (see :mod:`hopfield.dynamics.coupling`):

* the **weight form** keeps the local fields current, :math:`h \mathrel{+}= \Delta\, W_{:, i}` on
  a flip of neuron i (O(N) per flip); the weights are any of int8, int16, int32 (exact Hebb
  integers, int32/int64 fields), float32 or float64 (float64 fields);
* the **pattern form** (Hebb weights only) keeps the P overlaps :math:`m = \Xi s` current,
  :math:`m \mathrel{+}= \Delta\, \xi_i` (O(P) per flip), and computes a field when its neuron is
  visited, :math:`h_i = \xi_i \cdot m - c_d s_i - \Theta_i` (O(P) per visit): no N×N matrix.

Both decide every neuron on the same field value, so they give identical states. Kernels take
arrays and scalars only and assume clean input (validated by the callers). Each probe has its
own splitmix64 stream seeded from the caller's Generator, so results do not depend on how
``prange`` schedules probes over threads.
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



@njit(cache=True, inline="always")
def _decide(hi, eps_i, old, tie_code, beta, deterministic, scale, wself, state):
    """New state of a neuron with field ``hi`` (kernel units); returns (new, rng state).

    At zero temperature the sign of the field with the tie rule; at inverse temperature β the
    heat-bath rule on the field without the self-coupling, :math:`h_i - w_{ii} s_i`, in real units
    (``scale`` times kernel units): the conditional Boltzmann law of :math:`s_i` given the others,
    since a self-coupling is a constant in E (:math:`s_i^2 = 1`).
    """
    if deterministic:
        if hi > eps_i:
            return 1, state
        if hi < -eps_i:
            return -1, state
        if tie_code == TIE_KEEP:
            return old, state
        return 1, state
    state, u = _uniform(state)
    x = 2.0 * beta * scale * (hi - wself * old)
    return (1 if u < _p_plus(x) else -1), state


@njit(cache=True, inline="always")
def _is_fixed_point(h, s, eps, clamp, tie_code):
    """Whether no neuron would change at zero temperature: then a sweep in any order makes no
    flip, so it can be skipped without drawing its order (the probe's own stream is not used
    after it converges)."""
    for i in range(s.shape[0]):
        if clamp[i]:
            continue
        hi = h[i]
        if s[i] > 0:
            if hi < -eps[i]:
                return False
        elif hi > eps[i] or (tie_code == TIE_PLUS and hi >= -eps[i]):
            return False
    return True


@njit(cache=True)
def _probe_sweeps(
    wt, eps, wdiag, scale, s, h, clamp, order_code, tie_code, betas, state, e, trace_row, track
):
    """Sweeps of one probe in the weight form (see :func:`async_sweeps`); returns (sweeps,
    converged, energy, flips)."""
    n = s.shape[0]
    max_sweeps = betas.shape[0]
    order = np.arange(n, dtype=np.int32)  # the same permutations as int64, half the cache lines
    total_flips = 0
    if track:
        trace_row[0] = e
    for t in range(max_sweeps):
        beta = betas[t]
        deterministic = np.isinf(beta)
        if deterministic and _is_fixed_point(h, s, eps, clamp, tie_code):
            if track:  # the sweep that would make no flip, as if performed
                for r in range(t + 1, max_sweeps + 1):
                    trace_row[r] = e
            return t + 1, True, e, total_flips
        if order_code == ORDER_RANDOM:
            state = _shuffle(order, state)
        flips = 0
        for k in range(n):
            i = order[k]
            if clamp[i]:
                continue
            hi = h[i]
            old = s[i]
            new, state = _decide(hi, eps[i], old, tie_code, beta, deterministic, scale, wdiag[i],
                                 state)
            if new != old:
                # Δ = new − old = ±2; ΔE = −Δ h_i − ½ w_ii Δ² (exact for symmetric W)
                e += -2.0 * new * hi - 2.0 * wdiag[i]
                s[i] = new
                row = wt[i]
                if new > 0:  # a loop per sign: integer adds that LLVM vectorises
                    for m in range(n):
                        h[m] += 2 * row[m]
                else:
                    for m in range(n):
                        h[m] -= 2 * row[m]
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
    wt, eps, wdiag, scale, states, fields, clamp, order_code, tie_code, betas, seeds,
    energies, trace, sweeps_out, converged_out, flips_out,
):
    r"""Asynchronous (one neuron at a time) sweeps on a batch of ±1 states, in place (weight form).

    .. math::
        h_i = \sum_j w_{ij} s_j - \theta_i, \qquad
        s_i \leftarrow \begin{cases} +1 & h_i > \epsilon_i \\ -1 & h_i < -\epsilon_i \\
        \text{tie rule} & \text{otherwise} \end{cases}

    at zero temperature (``betas[t] == inf``), or the heat-bath rule
    :math:`P(s_i = +1) = 1 / (1 + e^{-2\beta c (h_i - w_{ii} s_i)})` at inverse temperature
    ``betas[t]`` in sweep t (c = ``scale``: real weights are ``scale`` times ``wt``). On a flip by
    :math:`\Delta = s_i' - s_i` the fields are kept current with
    :math:`h \mathrel{+}= \Delta\, W_{:, i}` (row i of ``wt`` = Wᵀ) and the energy with
    :math:`\Delta E = -\Delta h_i - \tfrac12 w_{ii} \Delta^2` (exact for symmetric W).

    ``wt`` is int8/int16/int32 with integer ``fields`` (exact: ``eps`` = 0 and ties are exact) or
    float32/float64 with float64 ``fields``. ``fields`` must hold :math:`S W^\top - \theta` on
    entry, ``energies`` the initial energies, all in the units of ``wt``. A probe stops after the
    first deterministic sweep with no flip (``converged``) or after ``len(betas)`` sweeps.
    ``trace`` is (batch, len(betas) + 1) for the energy after each sweep, or (batch, 0) for none.
    Probes run in parallel; :func:`async_sweeps_serial` is the same on one thread (no thread-pool
    start-up cost for small batches).
    """
    track = trace.shape[1] > 0
    for b in prange(states.shape[0]):
        sw, cv, e, fl = _probe_sweeps(
            wt, eps, wdiag, scale, states[b], fields[b], clamp[b], order_code, tie_code, betas,
            seeds[b], energies[b], trace[b], track,
        )
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        flips_out[b] = fl


@njit(cache=True)
def async_sweeps_serial(
    wt, eps, wdiag, scale, states, fields, clamp, order_code, tie_code, betas, seeds,
    energies, trace, sweeps_out, converged_out, flips_out,
):
    """:func:`async_sweeps` on one thread."""
    track = trace.shape[1] > 0
    for b in range(states.shape[0]):
        sw, cv, e, fl = _probe_sweeps(
            wt, eps, wdiag, scale, states[b], fields[b], clamp[b], order_code, tie_code, betas,
            seeds[b], energies[b], trace[b], track,
        )
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        flips_out[b] = fl


@njit(cache=True)
def _block_sweeps_fixed(wt, eps, wdiag, scale, s, h, clamp, tie_code, betas, state, e, trace,
                        sweeps_out, converged_out, flips_out, track):
    """Sweeps of a block of probes in the fixed order, all at the same step (see
    :func:`sequential_sweeps_blocked`); each probe's decisions, draws and flips are those of
    :func:`_probe_sweeps` with ``order_code`` = ORDER_FIXED."""
    nb, n = s.shape
    max_sweeps = betas.shape[0]
    active = np.ones(nb, dtype=np.bool_)
    n_active = nb
    who = np.empty(nb, dtype=np.int64)  # the probes that flip the current neuron
    sign = np.empty(nb, dtype=np.int8)
    swept = np.zeros(nb, dtype=np.int64)
    for b in range(nb):
        flips_out[b] = 0
        converged_out[b] = False
        sweeps_out[b] = max_sweeps
        if track:
            trace[b, 0] = e[b]
    for t in range(max_sweeps):
        beta = betas[t]
        deterministic = np.isinf(beta)
        if deterministic:
            for b in range(nb):
                if active[b] and _is_fixed_point(h[b], s[b], eps, clamp[b], tie_code):
                    active[b] = False
                    n_active -= 1
                    sweeps_out[b] = t + 1
                    converged_out[b] = True
                    if track:
                        for r in range(t + 1, max_sweeps + 1):
                            trace[b, r] = e[b]
        if n_active == 0:
            break
        for b in range(nb):
            swept[b] = 0
        for i in range(n):
            nf = 0
            for b in range(nb):
                if not active[b] or clamp[b, i]:
                    continue
                hi = h[b, i]
                old = s[b, i]
                new, st = _decide(hi, eps[i], old, tie_code, beta, deterministic, scale,
                                  wdiag[i], state[b])
                state[b] = st
                if new != old:
                    e[b] += -2.0 * new * hi - 2.0 * wdiag[i]
                    s[b, i] = new
                    who[nf] = b
                    sign[nf] = new
                    nf += 1
            if nf == 0:
                continue
            row = wt[i]  # read once from memory, then from L1 for the other probes that flip
            for q in range(nf):
                hb = h[who[q]]
                swept[who[q]] += 1
                if sign[q] > 0:
                    for m in range(n):
                        hb[m] += 2 * row[m]
                else:
                    for m in range(n):
                        hb[m] -= 2 * row[m]
        for b in range(nb):
            if not active[b]:
                continue
            flips_out[b] += swept[b]
            if track:
                trace[b, t + 1] = e[b]
            if deterministic and swept[b] == 0:
                active[b] = False
                n_active -= 1
                sweeps_out[b] = t + 1
                converged_out[b] = True
                if track:
                    for r in range(t + 2, max_sweeps + 1):
                        trace[b, r] = e[b]


@njit(cache=True, parallel=True)
def sequential_sweeps_blocked(
    wt, eps, wdiag, scale, states, fields, clamp, tie_code, betas, seeds, energies, trace,
    sweeps_out, converged_out, flips_out, block,
):
    r""":func:`async_sweeps` in the fixed order 0..N-1, on blocks of ``block`` probes at once.

    The probes of a block visit neuron i at the same step, so one read of the column
    :math:`W_{:, i}` (row i of ``wt``) serves every probe of the block that flips it, instead of
    one read per probe; what each probe does (decisions, heat-bath draws from its own stream,
    flips, energies, trace, convergence) is exactly what :func:`async_sweeps` does with
    ``order_code`` = ORDER_FIXED. It pays when K does not fit in the cache (large N), where the
    column reads dominate. Blocks run in parallel. Arguments as in :func:`async_sweeps`.
    """
    track = trace.shape[1] > 0
    batch = states.shape[0]
    for g in prange((batch + block - 1) // block):
        lo = g * block
        hi = min(lo + block, batch)
        _block_sweeps_fixed(wt, eps, wdiag, scale, states[lo:hi], fields[lo:hi], clamp[lo:hi],
                            tie_code, betas, seeds[lo:hi].copy(), energies[lo:hi], trace[lo:hi],
                            sweeps_out[lo:hi], converged_out[lo:hi], flips_out[lo:hi], track)


@njit(cache=True)
def _probe_sweeps_patterns(
    xt, theta, cdiag, wself, scale, s, m, clamp, order_code, tie_code, betas, state, e,
    trace_row, track,
):
    """Sweeps of one probe in the pattern form (see :func:`async_sweeps_patterns`)."""
    n = s.shape[0]
    p = xt.shape[1]
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
            row = xt[i]
            acc = m[0] - m[0]
            for mu in range(p):
                acc += row[mu] * m[mu]
            old = s[i]
            hi = acc - cdiag * old - theta[i]
            new, state = _decide(hi, 0, old, tie_code, beta, deterministic, scale, wself, state)
            if new != old:
                e += -2.0 * new * hi - 2.0 * wself
                s[i] = new
                if new > 0:
                    for mu in range(p):
                        m[mu] += 2 * row[mu]
                else:
                    for mu in range(p):
                        m[mu] -= 2 * row[mu]
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
def async_sweeps_patterns(
    xt, theta, group, cdiag, wself, scale, states, overlaps, clamp, order_code, tie_code, betas,
    seeds, energies, trace, sweeps_out, converged_out, flips_out,
):
    r"""Asynchronous sweeps of Hebb networks in the pattern form, on a batch of ±1 states.

    With integer Hebb couplings :math:`K = \Xi^\top \Xi - c_d I` (real weights ``scale`` · K)
    the field of neuron i is

    .. math:: h_i = \sum_\mu \xi_i^\mu m_\mu - c_d s_i - \Theta_i, \qquad m = \Xi s,

    exact in integers; a flip by Δ updates :math:`m \mathrel{+}= \Delta \xi_i` and the energy
    by :math:`-\Delta h_i - \tfrac12 w_{ii} \Delta^2` with :math:`w_{ii}` = ``wself`` (0 when the
    diagonal is zeroed, ``cdiag`` = P; P when it is kept, ``cdiag`` = 0). The decision rule is
    that of :func:`async_sweeps` with ``eps`` = 0, so both forms give identical states.

    ``xt`` is (G, N, P) int8: G networks (one per trial of a capacity scan, or G = 1); probe b
    runs on network ``group[b]`` with thresholds ``theta[group[b]]`` (G, N) int64. ``overlaps``
    (B, P) int64 must hold :math:`\Xi s` on entry and ``energies`` the initial energies (kernel
    units). Other arguments as in :func:`async_sweeps`.
    """
    track = trace.shape[1] > 0
    for b in prange(states.shape[0]):
        g = group[b]
        sw, cv, e, fl = _probe_sweeps_patterns(
            xt[g], theta[g], cdiag, wself, scale, states[b], overlaps[b], clamp[b], order_code,
            tie_code, betas, seeds[b], energies[b], trace[b], track,
        )
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        flips_out[b] = fl


@njit(cache=True)
def async_sweeps_patterns_serial(
    xt, theta, group, cdiag, wself, scale, states, overlaps, clamp, order_code, tie_code, betas,
    seeds, energies, trace, sweeps_out, converged_out, flips_out,
):
    """:func:`async_sweeps_patterns` on one thread."""
    track = trace.shape[1] > 0
    for b in range(states.shape[0]):
        g = group[b]
        sw, cv, e, fl = _probe_sweeps_patterns(
            xt[g], theta[g], cdiag, wself, scale, states[b], overlaps[b], clamp[b], order_code,
            tie_code, betas, seeds[b], energies[b], trace[b], track,
        )
        sweeps_out[b] = sw
        converged_out[b] = cv
        energies[b] = e
        flips_out[b] = fl


@njit(cache=True, parallel=True)
def hebb_start(x, s, cdiag, theta, fields, overlaps, energies, unstable):
    r"""Exact integer start of the Hebb weight form, for every probe, in one pass per probe.

    .. math:: m = \Xi s, \qquad H = \Xi^\top m - c_d s - \Theta, \qquad
              E = -\tfrac12 s^\top (H + \Theta) + \Theta^\top s

    ``x`` is Ξ (P, N) int8 ±1 and ``s`` (B, N) int8 ±1; writes the overlaps (B, P) int32, the
    fields (B, N) (int32 or int64: the caller picks a dtype that holds :math:`|\Xi^\top m| \le NP`),
    the energies (kernel units) and the number of unstable neurons :math:`s_i H_i < 0` per probe.
    The field is accumulated row by row, :math:`H \mathrel{+}= m_\mu \xi^\mu`, which
    vectorises over neurons. The overlaps are int32: with an int64 ``overlaps`` the overlap
    loops ran three times slower (measured).
    """
    p, n = x.shape
    ft = fields.dtype.type
    short = n < 2**15  # an overlap's partial sums fit int16 (twice the lanes of int32)
    for b in prange(s.shape[0]):
        sb = s[b]
        hb = fields[b]
        mb = overlaps[b]
        for mu in range(p):
            row = x[mu]
            if short:
                acc16 = np.int16(0)
                for i in range(n):
                    acc16 += np.int16(row[i] * sb[i])
                mb[mu] = acc16
            else:
                acc = np.int32(0)
                for i in range(n):
                    acc += np.int32(row[i] * sb[i])
                mb[mu] = acc
        for i in range(n):
            hb[i] = ft(0)
        for mu in range(p):
            row = x[mu]
            c = ft(mb[mu])
            for i in range(n):
                hb[i] += c * ft(row[i])
        quad = 0
        lin = 0
        u = 0
        for i in range(n):
            si = np.int64(sb[i])
            hi = np.int64(hb[i]) - cdiag * si - theta[i]
            hb[i] = hi
            quad += si * (hi + theta[i])
            lin += si * theta[i]
            if si * hi < 0:
                u += 1
        energies[b] = -0.5 * quad + lin
        unstable[b] = u


@njit(cache=True)
def transpose_int8(x, out):
    """``out[:] = x.T`` for int8 matrices, in 64 × 64 tiles (a cache-friendly copy)."""
    rows, cols = x.shape
    for r0 in range(0, rows, 64):
        r1 = min(r0 + 64, rows)
        for c0 in range(0, cols, 64):
            c1 = min(c0 + 64, cols)
            for r in range(r0, r1):
                for c in range(c0, c1):
                    out[c, r] = x[r, c]
    return out
