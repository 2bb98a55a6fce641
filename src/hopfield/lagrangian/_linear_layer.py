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

Used by :meth:`HAM.run <hopfield.lagrangian.HAM.run>` for Euler runs that need neither the
energy trace, nor ``tol``, nor clamping, nor an autograd graph, when the operation count says so.
"""

from __future__ import annotations

import numpy as np
from array_api_compat import is_torch_array

from ._common import like, like_scale, xp_of
from .integrate import _check_finite, _finish, _step_count, _stop_message
from .lagrangians import Identity

__all__ = ["eliminable_layer", "run_eliminated"]


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
        plain = 2.0 * batch * n_a * m * steps
        eliminated = batch * m * m * steps + n_a * m * m + 2.0 * batch * m * n_a
        gain = plain - eliminated
        if gain > 0.25 * plain and gain > best_gain:
            best, best_gain = a, gain
    return best


def run_eliminated(ham, xs, a, options):
    """Euler run of ``ham`` from ``xs`` (batched, clean) with layer ``a`` integrated out."""
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
    widths = np.cumsum([0] + [int(Mb.shape[1]) for _, _, Mb, _ in maps]).tolist()
    skip = {k for k, _, _, _ in maps}
    x0 = xs[a]
    P = x0 @ M
    S = P * 0.0
    alpha, beta = 1.0, 0.0
    ys = [x if i == a else (x.clone() if torch_mode else np.array(x, copy=True))
          for i, x in enumerate(xs)]
    others = [i for i in range(ham.n_layers) if i != a]
    tau_a = ham.layers[a].tau
    t, times = 0.0, [0.0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps):
            h = dt if t_max is None else min(dt, t_max - t)
            gs = [None] * ham.n_layers
            for i in others:
                gs[i] = ham.layers[i].lagrangian.activation(ys[i])
            drives = [None if ham.layers[i].bias is None else like(ham.layers[i].bias, ref)
                      for i in range(ham.n_layers)]
            for j, ((pre, post), syn) in enumerate(zip(ham.edges, ham.synapses, strict=True)):
                if j in skip:
                    continue
                drives[post] = syn.accumulate(drives[post], gs[pre], "forward")
                drives[pre] = syn.accumulate(drives[pre], gs[post], "backward")
            for q, (_, b, _, _) in enumerate(maps):
                part = P[:, widths[q]:widths[q + 1]]
                drives[b] = part if drives[b] is None else drives[b] + part
            g_n = xp.concat([gs[b] for _, b, _, _ in maps], axis=1)
            c = h / tau_a
            update = g_n @ G if bM is None else g_n @ G + bM
            if torch_mode:
                P.lerp_(update, c)
                S.lerp_(g_n, c)
            else:
                P += c * (update - P)
                S += c * (g_n - S)
            alpha, beta = (1.0 - c) * alpha, (1.0 - c) * beta + c
            for i in others:
                d = drives[i] if drives[i] is not None else ys[i] * 0.0
                ci = h / like_scale(ham.layers[i].tau, ys[i])
                if torch_mode:
                    ys[i].lerp_(d, ci)
                else:
                    ys[i] += ci * (d - ys[i])
            t += h
            times.append(t)
            _check_finite([ys[i] for i in others] + [P], "state", k + 1, t)
        x_a = alpha * x0 + S @ xp.matrix_transpose(M)
        if b_a is not None:
            x_a = x_a + beta * b_a
        ys[a] = x_a
        _check_finite([x_a], "state", steps, t)
    by_time = t_max is not None and steps < max_steps
    return _finish(ys, t, steps, steps, False, [], times,
                   _stop_message(False, None, by_time, t_max, max_steps, ""))
