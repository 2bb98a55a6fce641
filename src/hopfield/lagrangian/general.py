r"""General fully connected Lagrangian network (Krotov 2021, first form).

Neurons :math:`x_I` grouped in blocks, each block with its own Lagrangian (so the total
:math:`L(\{x_I\})` is a sum over blocks) and each neuron with its own time constant:

.. math::
    g_I=\frac{\partial L}{\partial x_I},\qquad
    \tau_I\frac{dx_I}{dt}=\sum_JW_{IJ}g_J-x_I+b_I,\qquad
    E=\sum_Ix_Ig_I-L-\tfrac12\sum_{IJ}g_IW_{IJ}g_J-\sum_Ib_Ig_I,

.. math::
    \frac{dE}{dt}=-\sum_{IK}\dot x_I\,\tau_I\frac{\partial^2L}{\partial x_I\partial x_K}\,\dot x_K\le0
    \quad(W\ \text{symmetric, every block's Hessian PSD}).

The layered HAM (:class:`~hopfield.lagrangian.HAM`) is the special case of a block-sparse ``W``;
:meth:`HAM.to_general` builds the equivalent network.

References
----------
Krotov, "Hierarchical associative memory", arXiv 2107.06446 (2021) — THEORY.md §10.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_scalar, check_weights
from ._common import as_array, as_states, like, restore, xp_of
from .integrate import IntegrationResult, euler
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

    Examples
    --------
    >>> import numpy as np
    >>> net = GeneralNetwork(np.zeros((3, 3)), [("tanh", 2), ("identity", 1)])
    >>> float(net.energy(np.zeros(3)))
    0.0

    References
    ----------
    Krotov (2021) — THEORY.md §10.
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

    def _split(self, x):
        return [x[..., a:b] for a, b in zip(self._edges[:-1], self._edges[1:], strict=True)]

    def _activation(self, x):
        xp = xp_of(x)
        parts = [L.activation(xb) for (L, _), xb in zip(self.blocks, self._split(x), strict=True)]
        return xp.concat(parts, axis=-1)

    def _energy(self, x):
        xp = xp_of(x)
        g = self._activation(x)
        e = sum(L.energy(xb) for (L, _), xb in zip(self.blocks, self._split(x), strict=True))
        e = e - 0.5 * xp.sum((g @ like(self.weights, x)) * g, axis=-1)
        if self.bias is not None:
            e = e - xp.sum(like(self.bias, x) * g, axis=-1)
        return e

    def _velocity(self, x):
        g = self._activation(x)
        drive = g @ like(self.weights, x)
        if self.bias is not None:
            drive = drive + like(self.bias, x)
        return (drive - x) / like(self.tau, x)

    def activation(self, x):
        """Activations :math:`g = \\nabla L(x)`."""
        x, single = as_states(x, self.n_neurons, "x")
        return restore(self._activation(x), single)

    def energy(self, x):
        """Energy :math:`E(x)`; shape ``(batch,)`` or scalar."""
        x, single = as_states(x, self.n_neurons, "x")
        return restore(self._energy(x), single)

    def velocity(self, x):
        r""":math:`\dot x=(Wg+b-x)/\tau`."""
        x, single = as_states(x, self.n_neurons, "x")
        return restore(self._velocity(x), single)

    def run(self, x0, *, dt=0.01, n_steps=1000, tol=None) -> IntegrationResult:
        """Euler integration; ``result.y[0]`` is the final state, ``result.energy`` the trace."""
        x, _ = as_states(x0, self.n_neurons, "x0")
        check_scalar(dt, "dt", numbers.Real, min_val=0.0, include_min=False)
        check_scalar(n_steps, "n_steps", numbers.Integral, min_val=0)
        return euler(lambda y: [self._velocity(y[0])], [x], dt=float(dt), max_steps=int(n_steps),
                     tol=tol, energy=lambda y: self._energy(y[0]))
