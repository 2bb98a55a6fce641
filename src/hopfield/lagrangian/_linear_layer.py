r"""Euler steps of a HAM with one linear (identity-Lagrangian) layer integrated out exactly.

For a layer :math:`A` with :math:`L^A=\tfrac12\|x\|^2` the activation is the state itself and
the Euler step is linear,

.. math:: x^A_{k+1}=(1-c_k)\,x^A_k+c_k\,d^A_k,\qquad d^A_k=\sum_Bg^B_kM_B^\top+b^A,
   \qquad c_k=h_k/\tau_A ,

where :math:`M_B` (``(n_A, n_B)``) maps layer :math:`A` into the drive of its neighbour
:math:`B` (:math:`x^AM_B`; :math:`M_B=W^\top` if :math:`A` is the synapse's presynaptic layer,
:math:`W` otherwise). The neighbours only ever see :math:`P_k=x^A_kM` with
:math:`M=[M_{B_1},M_{B_2},\dots]` (``(n_A, m)``), which obeys

.. math:: P_{k+1}=(1-c_k)P_k+c_k\big(g^N_kG+b^AM\big),\qquad G=M^\top M\ \ (m\times m),

with :math:`g^N_k` the neighbours' activations side by side, and the layer's own state is
recovered at the end from :math:`x^A_K=\alpha_Kx^A_0+S_KM^\top+\beta_Kb^A`, where
:math:`S_{k+1}=(1-c_k)S_k+c_kg^N_k`, :math:`\alpha_{k+1}=(1-c_k)\alpha_k`,
:math:`\beta_{k+1}=(1-c_k)\beta_k+c_k`. This is the same sequence of states as the plain
Euler loop (equal up to rounding), at :math:`\mathrm{batch}\cdot m^2` operations per step instead
of :math:`2\,\mathrm{batch}\cdot n_Am` — a large saving when :math:`m<2n_A`, as for a pixel or
feature layer of 784 neurons feeding 512 hidden ones.

The energy trace follows from a few scalars per batch row (see :func:`run_eliminated`). Used by
:meth:`HAM.run <hopfield.lagrangian.HAM.run>` for Euler runs that need neither ``tol``, nor
clamping, nor an autograd graph, when the operation count says so.
"""

from __future__ import annotations

import numpy as np
from array_api_compat import is_torch_array

from ._common import like, like_scale, xp_of
from .integrate import _check_finite, _finish, _step_count, _stop_message
from .lagrangians import Identity

__all__ = ["eliminable_layer", "run_eliminated"]

#: Smallest ``batch · n_A · m`` for which the elimination is considered.
_MIN_WORK = 2**16


def _maps(ham, a):
    """``[(synapse index, neighbour, M_B, way_into_B)]`` for every synapse touching layer ``a``."""
    out = []
    for k, ((pre, post), syn) in enumerate(zip(ham.edges, ham.synapses, strict=True)):
        if a not in (pre, post):
            continue
        w = getattr(syn, "weight", None)
        if w is None or type(syn).__name__ != "DenseSynapse":
            return None
        out.append((k, post, w.T, "forward") if pre == a else (k, pre, w, "backward"))
    return out


def eliminable_layer(ham, batch: int, steps: int):
    """The identity layer whose elimination saves the most operations, or None."""
    best, best_gain = None, 0.0
    for a, layer in enumerate(ham.layers):
        if type(layer.lagrangian) is not Identity:
            continue
        maps = _maps(ham, a)
        if not maps:
            continue
        n_a, m = layer.size, sum(M.shape[1] for _, _, M, _ in maps)
        if batch * n_a * m < _MIN_WORK:  # small products: the plain loop's overheads dominate
            continue
        plain = 2.0 * batch * n_a * m * steps
        eliminated = batch * m * m * steps + n_a * m * m + 2.0 * batch * m * n_a
        gain = plain - eliminated
        if gain > 0.25 * plain and gain > best_gain:
            best, best_gain = a, gain
    return best


def run_eliminated(ham, xs, a, options, *, record_energy=False):
    r"""Euler run of ``ham`` from ``xs`` (batched, clean) with layer ``a`` integrated out.

    With ``record_energy`` the energy of every step comes from the tracked scalars
    :math:`Q=\|x^A\|^2` and :math:`r=x^A\cdot b^A` per batch row,
    :math:`Q'=(1-c)^2Q+2c(1-c)\,x\cdot d+c^2\|d\|^2`, :math:`r'=(1-c)r+c\,d\cdot b` with
    :math:`x\cdot d=P\cdot g^N+r`, :math:`\|d\|^2=(g^NG)\cdot g^N+2g^N\cdot(bM)+\|b\|^2`,
    :math:`d\cdot b=g^N\cdot(bM)+\|b\|^2`; layer :math:`A` contributes
    :math:`\tfrac12Q-\tfrac12P\cdot g^N-r` to :math:`E=\sum_BE_B-\tfrac12\sum_Bg^B\cdot(d^B+b^B)`.
    """
    dt, max_steps, t_max = options["dt"], options["max_steps"], options["t_max"]
    steps = _step_count(dt, max_steps, t_max)
    ref = xs[0]
    xp = xp_of(ref)
    torch_mode = is_torch_array(ref)
    maps = _maps(ham, a)
    M = xp.concat([like(Mb, ref) for _, _, Mb, _ in maps], axis=1)  # (n_A, m)
    G = xp.matrix_transpose(M) @ M  # (m, m)
    bias = ham.layers[a].bias
    b_a = None if bias is None else like(bias, ref)
    bM = None if b_a is None else b_a @ M
    bb = None if b_a is None else xp.sum(b_a * b_a)
    widths = np.cumsum([0] + [int(Mb.shape[1]) for _, _, Mb, _ in maps]).tolist()
    skip = {k for k, _, _, _ in maps}
    x0 = xs[a]
    P = x0 @ M
    S = P * 0.0
    alpha, beta = 1.0, 0.0
    Q = xp.sum(x0 * x0, axis=-1) if record_energy else None
    r = (0.0 if b_a is None else x0 @ b_a) if record_energy else None
    ys = [x if i == a else (x.clone() if torch_mode else np.array(x, copy=True))
          for i, x in enumerate(xs)]
    others = [i for i in range(ham.n_layers) if i != a]
    tau_a = ham.layers[a].tau

    def evaluate():
        """Activations and drives of the other layers, and the energy, at the current step."""
        gs, e = [None] * ham.n_layers, None
        if record_energy:
            e = 0.5 * Q - r
            for i in others:
                e_i, gs[i] = ham.layers[i].lagrangian.energy_and_activation(ys[i])
                e = e + e_i
        else:
            for i in others:
                gs[i] = ham.layers[i].lagrangian.activation(ys[i])
        drives = [None if ham.layers[i].bias is None else like(ham.layers[i].bias, ref)
                  for i in range(ham.n_layers)]
        for j, ((pre, post), syn) in enumerate(zip(ham.edges, ham.synapses, strict=True)):
            if j not in skip:
                drives[post] = syn.accumulate(drives[post], gs[pre], "forward")
                drives[pre] = syn.accumulate(drives[pre], gs[post], "backward")
        for q, (_, b, _, _) in enumerate(maps):
            part = P[:, widths[q]:widths[q + 1]]
            drives[b] = part if drives[b] is None else drives[b] + part
        drives = [ys[i] * 0.0 if d is None and i != a else d for i, d in enumerate(drives)]
        g_n = xp.concat([gs[b] for _, b, _, _ in maps], axis=1)
        if record_energy:
            e = e - 0.5 * xp.sum(P * g_n, axis=-1)
            for i in others:
                bi = ham.layers[i].bias
                dd = drives[i] if bi is None else drives[i] + like(bi, ref)
                e = e - 0.5 * xp.sum(gs[i] * dd, axis=-1)
        return drives, g_n, e

    t, times, energies = 0.0, [0.0], []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps + 1):
            if k == steps and not record_energy:
                break
            drives, g_n, e = evaluate()
            if e is not None:
                _check_finite([e], "energy", k, t)
                energies.append(e)
            if k == steps:
                break
            h = dt if t_max is None else min(dt, t_max - t)
            c = h / tau_a
            gG = g_n @ G
            update = gG if bM is None else gG + bM
            if record_energy:
                xd = xp.sum(P * g_n, axis=-1) + r
                dd = xp.sum(gG * g_n, axis=-1)
                db = 0.0
                if b_a is not None:
                    gbM = g_n @ bM
                    dd = dd + 2.0 * gbM + bb
                    db = gbM + bb
                Q = (1.0 - c) ** 2 * Q + 2.0 * c * (1.0 - c) * xd + c * c * dd
                r = (1.0 - c) * r + c * db
            if torch_mode:
                P.lerp_(update, c)
                S.lerp_(g_n, c)
            else:
                P += c * (update - P)
                S += c * (g_n - S)
            alpha, beta = (1.0 - c) * alpha, (1.0 - c) * beta + c
            for i in others:
                ci = h / like_scale(ham.layers[i].tau, ys[i])
                if torch_mode:
                    ys[i].lerp_(drives[i], ci)
                else:
                    ys[i] += ci * (drives[i] - ys[i])
            t += h
            times.append(t)
            _check_finite([ys[i] for i in others] + [P], "state", k + 1, t)
        x_a = alpha * x0 + S @ xp.matrix_transpose(M)
        if b_a is not None:
            x_a = x_a + beta * b_a
        ys[a] = x_a
        _check_finite([x_a], "state", steps, t)
    by_time = t_max is not None and steps < max_steps
    nfev = steps + (1 if record_energy else 0)
    return _finish(ys, t, steps, nfev, False, energies, times,
                   _stop_message(False, None, by_time, t_max, max_steps, ""))
