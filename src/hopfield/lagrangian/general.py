r"""General fully connected Lagrangian network (Krotov 2021, first form).

Neurons :math:`x_I` grouped in blocks, each block with its own Lagrangian (so the total
:math:`L(\{x_I\})` is a sum over blocks) and each neuron with its own time constant:

.. math::
    g_I=\frac{\partial L}{\partial x_I},\qquad
    \tau_I\frac{dx_I}{dt}=\sum_JW_{IJ}g_J-x_I+b_I,\qquad
    E=\sum_Ix_Ig_I-L-\tfrac12\sum_{IJ}g_IW_{IJ}g_J-\sum_Ib_Ig_I,

.. math::
    \frac{dE}{dt}=-\sum_{IK}\dot x_I\,\tau_I\frac{\partial^2L}{\partial x_I\partial x_K}\,\dot x_K
    =-\dot x^\top\,\mathrm{diag}(\tau)\,H\,\dot x .

So the energy never rises when :math:`W` is symmetric and the symmetric part of
:math:`\mathrm{diag}(\tau)H` is PSD. With every block's Hessian PSD this holds when ``tau`` is
constant inside every block that is not additive (softmax, layer norm, spherical): there
:math:`\mathrm{diag}(\tau)H=\tau_BH` blockwise, while additive blocks have a diagonal :math:`H`
and any per-neuron :math:`\tau`. Different :math:`\tau_I` inside a non-additive block break it:
for a 2-neuron softmax with :math:`W=0`, :math:`b=(1,0.5)`, :math:`\tau=(1,0.1)` the energy rises
from :math:`-1.443` at :math:`x=0` to about :math:`-1.40`. Such a network warns
(``UserWarning``) and reports ``descends_energy = False``.

The layered HAM (:class:`~hopfield.lagrangian.HAM`) is the special case of a block-sparse ``W``;
:meth:`HAM.to_general` builds the equivalent network.

References
----------
Krotov, "Hierarchical associative memory", arXiv 2107.06446 (2021) — Theory reference §10.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import check_weights
from ._common import (
    LeakySystem,
    as_array,
    as_states,
    check_clamp,
    check_run_options,
    finish_run,
    integrate_system,
    like,
    restore,
    xp_of,
)
from .integrate import IntegrationResult
from .lagrangians import AbstractLagrangian, make_lagrangian

__all__ = ["GeneralNetwork"]


class GeneralNetwork:
    r"""Fully connected network with block Lagrangians and per-neuron time constants.

    Parameters
    ----------
    weights : array_like, shape (n_neurons, n_neurons)
        Symmetric :math:`W` (checked).
    lagrangians : Lagrangian spec or sequence of (Lagrangian spec, int)
        One Lagrangian for all neurons, or consecutive blocks ``(L, size)`` whose sizes add up to
        ``n_neurons`` (a block of size 1 is a per-neuron Lagrangian).
    tau : float or array_like of shape (n_neurons,), default=1.0
        Time constants :math:`\tau_I > 0`.
    bias : array_like, shape (n_neurons,), optional
        Constant input :math:`b_I`.

    Attributes
    ----------
    descends_energy : bool
        The descent condition holds: every block's Lagrangian is convex and ``tau`` is constant
        inside every non-additive block (see the module docstring; otherwise a ``UserWarning``
        is issued at construction).

    Examples
    --------
    >>> import numpy as np
    >>> net = GeneralNetwork(np.zeros((3, 3)), [("tanh", 2), ("identity", 1)])
    >>> float(net.energy(np.zeros(3)))
    0.0

    References
    ----------
    Krotov (2021) — Theory reference §10.
    """

    def __init__(self, weights, lagrangians, *, tau=1.0, bias=None):
        self.weights = check_weights(weights, "weights", symmetric=True)
        n = self.n_neurons = int(self.weights.shape[0])
        if isinstance(lagrangians, AbstractLagrangian | str) or callable(lagrangians):
            blocks = [(make_lagrangian(lagrangians), n)]
        else:
            try:
                blocks = [(make_lagrangian(spec), int(size)) for spec, size in lagrangians]
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    "`lagrangians` must be one Lagrangian spec or a sequence of (spec, size) pairs; "
                    f"{exc}"
                ) from None
            if any(size < 1 for _, size in blocks):
                raise ValueError("every block size in `lagrangians` must be >= 1.")
            total = sum(size for _, size in blocks)
            if total != n:
                raise ValueError(
                    f"the block sizes in `lagrangians` add up to {total} but `weights` has {n} neurons."
                )
        self.blocks = blocks
        self._edges = np.cumsum([0] + [size for _, size in blocks]).tolist()
        tau_arr = as_array(tau, "tau", ndim=(0, 1))
        if tau_arr.ndim == 1 and tau_arr.shape[0] != n:
            raise ValueError(f"`tau` has length {tau_arr.shape[0]} but there are {n} neurons.")
        if np.any(tau_arr <= 0):
            raise ValueError("`tau` must be > 0 for every neuron.")
        self.tau = np.broadcast_to(tau_arr, (n,)).copy()
        self.bias = None if bias is None else as_array(bias, "bias", shape=(n,))
        mixed = [k for k, ((L, _), a, b) in enumerate(zip(self.blocks, self._edges[:-1],
                                                           self._edges[1:], strict=True))
                 if not L.elementwise and np.ptp(self.tau[a:b]) > 0]
        self.descends_energy = not mixed and all(L.convex for L, _ in self.blocks)
        if mixed:
            warnings.warn(
                f"`tau` varies inside the non-additive block(s) {mixed}: the energy is then not "
                "guaranteed to descend (dE/dt = -ẋᵀ diag(τ) H ẋ needs the symmetric part of "
                "diag(τ)·H to be PSD, which a constant τ per non-additive block ensures).",
                UserWarning, stacklevel=2)

    def _split(self, x):
        return [x[..., a:b] for a, b in zip(self._edges[:-1], self._edges[1:], strict=True)]

    def _activation(self, x):
        xp = xp_of(x)
        parts = [L.activation(xb) for (L, _), xb in zip(self.blocks, self._split(x), strict=True)]
        return xp.concat(parts, axis=-1)

    def _energy(self, x):
        r""":math:`\sum_BE_B-\tfrac12g^\top Wg-b\cdot g`, one activation pass per block."""
        xp = xp_of(x)
        pairs = [L.energy_and_activation(xb)
                 for (L, _), xb in zip(self.blocks, self._split(x), strict=True)]
        g = pairs[0][1] if len(pairs) == 1 else xp.concat([p[1] for p in pairs], axis=-1)
        e = sum(p[0] for p in pairs)
        e = e - 0.5 * xp.sum((g @ like(self.weights, x)) * g, axis=-1)
        if self.bias is not None:
            e = e - xp.sum(like(self.bias, x) * g, axis=-1)
        return e

    def _drive_and_energy(self, x, want_energy):
        r"""Drive :math:`Wg+b` and, if asked, :math:`E=\sum_BE_B-\tfrac12g\cdot(Wg+2b)`."""
        xp = xp_of(x)
        e = None
        if want_energy:
            pairs = [L.energy_and_activation(xb)
                     for (L, _), xb in zip(self.blocks, self._split(x), strict=True)]
            g = pairs[0][1] if len(pairs) == 1 else xp.concat([p[1] for p in pairs], axis=-1)
            e = sum(p[0] for p in pairs)
        else:
            g = self._activation(x)
        drive = g @ like(self.weights, x)
        if self.bias is not None:
            b = like(self.bias, x)
            drive = drive + b
            if want_energy:
                e = e - 0.5 * xp.sum(g * (drive + b), axis=-1)
        elif want_energy:
            e = e - 0.5 * xp.sum(g * drive, axis=-1)
        return drive, e

    def _system(self, masks=None) -> LeakySystem:
        def drives(xs, want_energy):
            d, e = self._drive_and_energy(xs[0], want_energy)
            return [d], e

        return LeakySystem(drives, [self.tau], masks=masks)

    def _derivatives(self, x):
        return self._system()([x])[0]

    def activation(self, x):
        r"""Activations :math:`g = \nabla L(x)`."""
        x, single = as_states(x, self.n_neurons, "x")
        return restore(self._activation(x), single)

    def energy(self, x):
        """Energy :math:`E(x)`; shape ``(batch,)`` or scalar."""
        x, single = as_states(x, self.n_neurons, "x")
        return restore(self._energy(x), single)

    def derivatives(self, x):
        r""":math:`\dot x=(Wg+b-x)/\tau`."""
        x, single = as_states(x, self.n_neurons, "x")
        return restore(self._derivatives(x), single)

    def velocity(self, x):
        """Deprecated name of :meth:`derivatives`."""
        warnings.warn("`GeneralNetwork.velocity` is deprecated; use `derivatives`.",
                      DeprecationWarning, stacklevel=2)
        return self.derivatives(x)

    def run(self, states, *, method="euler", dt=None, max_steps=1000, t_max=None, tol=None,
            clamp=None, rtol=1e-5, atol=1e-8, record_energy=True, n_steps=None
            ) -> IntegrationResult:
        """Integrate from ``states`` (``(n_neurons,)`` or ``(batch, n_neurons)``).

        The options and the result are those of :meth:`HAM.run
        <hopfield.lagrangian.HAM.run>` (one layer: ``result.states[0]``, ``clamp={0: mask}``);
        the default ``dt`` is ``0.1 × min τ``. ``n_steps`` is the deprecated name of
        ``max_steps``.
        """
        if isinstance(states, list | tuple) and len(states) == 1:
            states = states[0]
        x, single = as_states(states, self.n_neurons, "states")
        options = check_run_options(method=method, dt=dt, max_steps=max_steps, t_max=t_max,
                                    tol=tol, rtol=rtol, atol=atol, taus=[self.tau],
                                    n_steps=n_steps)
        system = self._system(check_clamp(clamp, [self.n_neurons], [x]))
        res = integrate_system(system, [x], options, record_energy=record_energy)
        return finish_run(res, lambda ys: [self._activation(ys[0])], single)
