r"""Lagrangians of neuron layers: value :math:`L(x)`, activation :math:`g=\nabla L`, Legendre energy.

In the Lagrangian formulation of associative memory (Krotov & Hopfield 2021; Krotov 2021) every
layer of neurons with internal states :math:`x\in\mathbb R^D` is described by a scalar Lagrangian
:math:`L(x)`. Its gradient is the layer's activation (firing rate)

.. math:: g_i = \frac{\partial L}{\partial x_i},

and the layer's own contribution to the network energy is the Legendre transform

.. math:: E_{\rm layer}(x) = \sum_i x_i g_i - L(x).

If the Hessian :math:`\partial^2 L/\partial x_i\partial x_j` is positive semi-definite (``convex``),
the network dynamics built from these layers never raise the energy (THEORY.md §9–§10).

Every Lagrangian here acts on the **last axis** (one layer of ``D`` neurons); leading axes are a
batch. The value and the energy therefore have shape ``x.shape[:-1]``, the activation has the shape
of ``x``. The maths is written once against the array API (``array-api-compat``): a NumPy array in
gives a NumPy array out, a torch tensor in gives a torch tensor out (with autograd).

Each class ships its activation in closed form and is numerically stable at large inputs
(``log cosh`` and ``softplus`` through ``logaddexp``, softmax with the maximum subtracted), except
:class:`Exponential`, whose value genuinely overflows for :math:`\beta x \gtrsim 709` in float64.

References
----------
Krotov & Hopfield, "Large associative memory problem in neurobiology and machine learning",
ICLR 2021 (arXiv 2008.06996) — THEORY.md §9. Krotov, "Hierarchical associative memory",
arXiv 2107.06446 (2021) — THEORY.md §10. Hoover et al., ``hamux`` (``hamux/lagrangians.py``) for
the layer-norm and spherical-norm Lagrangians and the ``beta`` convention.
"""

from __future__ import annotations

import abc
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_torch_array

from .._validation import check_scalar
from ._common import like

__all__ = [
    "LAGRANGIANS",
    "Abs",
    "AbstractLagrangian",
    "Exponential",
    "FunctionLagrangian",
    "Identity",
    "LayerNorm",
    "Polynomial",
    "RePU",
    "RectifiedPolynomial",
    "Sigmoid",
    "Softmax",
    "SphericalNorm",
    "Tanh",
    "make_lagrangian",
]


class AbstractLagrangian(abc.ABC):
    """A layer Lagrangian: ``value`` :math:`L(x)`, ``activation`` :math:`g=\\nabla L`, ``energy``.

    Contract for a concrete Lagrangian: implement ``value(x)`` (shape ``x.shape[:-1]``) and
    ``activation(x)`` (shape of ``x``) with the array API, and set the class attributes
    ``convex`` (Hessian PSD everywhere, so the dynamics descend the energy) and ``elementwise``
    (additive :math:`L=\\sum_i\\ell(x_i)`, so the Hessian is diagonal).
    """

    #: Hessian PSD everywhere (the descent condition of THEORY.md §9–§10).
    convex: bool = True
    #: Additive over neurons, :math:`L=\sum_i \ell(x_i)`: the Hessian is diagonal.
    elementwise: bool = True

    @abc.abstractmethod
    def value(self, x):
        """The Lagrangian :math:`L(x)`, summed over the last axis; shape ``x.shape[:-1]``."""

    @abc.abstractmethod
    def activation(self, x):
        """The activation :math:`g = \\partial L/\\partial x`; same shape as ``x``."""

    def __call__(self, x):
        """Same as :meth:`value`."""
        return self.value(x)

    def energy(self, x):
        r"""Legendre energy of the layer, :math:`E = \sum_i x_i g_i - L(x)`; shape ``x.shape[:-1]``."""
        xp = array_namespace(x)
        return xp.sum(x * self.activation(x), axis=-1) - self.value(x)


def _positive(value, name):
    return float(check_scalar(value, name, numbers.Real, min_val=0.0, include_min=False))


@dataclass(frozen=True)
class Identity(AbstractLagrangian):
    r""":math:`L=\tfrac12\sum_i x_i^2`, :math:`g=x`, :math:`E=\tfrac12\|x\|^2` (linear neurons)."""

    def value(self, x):
        xp = array_namespace(x)
        return 0.5 * xp.sum(x * x, axis=-1)

    def activation(self, x):
        return x * 1.0


@dataclass(frozen=True)
class Tanh(AbstractLagrangian):
    r""":math:`L=\beta^{-1}\sum_i\log\cosh(\beta x_i)`, :math:`g=\tanh(\beta x)`.

    ``log cosh`` is evaluated as ``logaddexp(βx, −βx) − log 2``, finite for any finite input. With
    :math:`\beta=\lambda` this is :math:`\sum_i\int_0^{x_i}\tanh(\lambda u)\,du`, the Lagrangian
    that turns model A into the 1984 continuous network (THEORY.md §5).
    """

    beta: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "beta", _positive(self.beta, "beta"))

    def value(self, x):
        xp = array_namespace(x)
        bx = self.beta * x
        return xp.sum(xp.logaddexp(bx, -bx) - math.log(2.0), axis=-1) / self.beta

    def activation(self, x):
        xp = array_namespace(x)
        return xp.tanh(self.beta * x)


@dataclass(frozen=True)
class Sigmoid(AbstractLagrangian):
    r""":math:`L=\beta^{-1}\sum_i\log(1+e^{\beta x_i})` (softplus), :math:`g=\sigma(\beta x)`.

    Softplus is ``logaddexp(0, βx)`` and the logistic function ``(1 + tanh(βx/2)) / 2``, both
    finite at any input.
    """

    beta: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "beta", _positive(self.beta, "beta"))

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.logaddexp(xp.zeros_like(x), self.beta * x), axis=-1) / self.beta

    def activation(self, x):
        xp = array_namespace(x)
        return 0.5 * (1.0 + xp.tanh(0.5 * self.beta * x))


@dataclass(frozen=True)
class Softmax(AbstractLagrangian):
    r""":math:`L=\beta^{-1}\log\sum_i e^{\beta x_i}`, :math:`g=\mathrm{softmax}(\beta x)`.

    Not additive (the Hessian :math:`\beta(\mathrm{diag}\,g-gg^\top)` is PSD with a zero mode along
    the all-ones vector). At :math:`x=0` with ``D`` neurons the energy is :math:`-\beta^{-1}\ln D`.
    The hidden Lagrangian of model B (Ramsauer's modern Hopfield network, THEORY.md §9).
    """

    beta: float = 1.0
    elementwise = False

    def __post_init__(self):
        object.__setattr__(self, "beta", _positive(self.beta, "beta"))

    def _shifted(self, x):
        xp = array_namespace(x)
        bx = self.beta * x
        m = xp.max(bx, axis=-1, keepdims=True)
        return xp, m, xp.exp(bx - m)

    def value(self, x):
        xp, m, e = self._shifted(x)
        return (m[..., 0] + xp.log(xp.sum(e, axis=-1))) / self.beta

    def activation(self, x):
        xp, _, e = self._shifted(x)
        return e / xp.sum(e, axis=-1, keepdims=True)


@dataclass(frozen=True)
class RePU(AbstractLagrangian):
    r"""Rectified power unit: :math:`L=\frac1n\sum_i\max(x_i,0)^n`, :math:`g=\max(x,0)^{n-1}`.

    Same normalisation as ``hamux.lagr_repu``; ``n = 2`` gives ReLU activations. Convex for
    :math:`n\ge1`.
    """

    n: float = 2.0

    def __post_init__(self):
        n = check_scalar(self.n, "n", numbers.Real, min_val=1.0)
        object.__setattr__(self, "n", n)

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.clip(x, min=0.0) ** self.n, axis=-1) / self.n

    def activation(self, x):
        xp = array_namespace(x)
        return xp.clip(x, min=0.0) ** (self.n - 1)


@dataclass(frozen=True)
class RectifiedPolynomial(AbstractLagrangian):
    r"""Dense-memory separation function: :math:`L=\sum_i\max(x_i,0)^n`, :math:`g=n\max(x,0)^{n-1}`.

    :math:`L_h` of model A with the rectified polynomial ReP\ :sub:`n` of Krotov & Hopfield (2016),
    THEORY.md §7. Convex for :math:`n\ge1`.
    """

    n: float = 3.0

    def __post_init__(self):
        n = check_scalar(self.n, "n", numbers.Real, min_val=1.0)
        object.__setattr__(self, "n", n)

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.clip(x, min=0.0) ** self.n, axis=-1)

    def activation(self, x):
        xp = array_namespace(x)
        return self.n * xp.clip(x, min=0.0) ** (self.n - 1)


@dataclass(frozen=True)
class Polynomial(AbstractLagrangian):
    r"""Dense-memory separation function: :math:`L=\sum_i x_i^n`, :math:`g=n x^{n-1}` (integer ``n``).

    :math:`L_h` of model A with :math:`F(x)=x^n` (Krotov & Hopfield 2016, THEORY.md §7). Convex
    only for even ``n``: odd powers give a model whose effective one-layer energy is still the
    dense associative memory's, but the two-layer ODE is not guaranteed to descend it.
    """

    n: int = 3

    def __post_init__(self):
        check_scalar(self.n, "n", numbers.Integral, min_val=1)
        object.__setattr__(self, "n", int(self.n))

    @property
    def convex(self) -> bool:  # type: ignore[override]
        """Even powers (and ``n = 1``) are convex."""
        return self.n % 2 == 0 or self.n == 1

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(x**self.n, axis=-1)

    def activation(self, x):
        return self.n * x ** (self.n - 1)


@dataclass(frozen=True)
class Exponential(AbstractLagrangian):
    r""":math:`L=\beta^{-1}\sum_i e^{\beta x_i}`, :math:`g=e^{\beta x}`.

    With :math:`\beta=1` this is the separation function :math:`F=\exp` of Demircigil et al. (2017).
    The value overflows (to ``inf``) for :math:`\beta x>709` in float64: that is the true value.
    """

    beta: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "beta", _positive(self.beta, "beta"))

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.exp(self.beta * x), axis=-1) / self.beta

    def activation(self, x):
        xp = array_namespace(x)
        return xp.exp(self.beta * x)


@dataclass(frozen=True)
class Abs(AbstractLagrangian):
    r""":math:`L=\sum_i|x_i|`, :math:`g=\mathrm{sign}(x)`, :math:`E=0` (binary ±1 neurons).

    :math:`L_v=\sum_i G(v_i)` with :math:`G=|x|` of model A, which makes its effective energy the
    dense associative memory's (THEORY.md §9). Convex, but not differentiable at 0, so it is meant
    for the effective (discrete) dynamics, not for integrating the two-layer ODE.
    """

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.abs(x), axis=-1)

    def activation(self, x):
        xp = array_namespace(x)
        return xp.sign(x)


@dataclass(frozen=True)
class LayerNorm(AbstractLagrangian):
    r"""Layer-norm Lagrangian (``hamux.lagr_layernorm``):

    .. math:: L = D\gamma\sqrt{\tfrac1D\sum_i(x_i-\bar x)^2+\varepsilon} + \sum_i\delta_i x_i,
       \qquad g_i = \gamma\frac{x_i-\bar x}{\sqrt{\tfrac1D\sum_j(x_j-\bar x)^2+\varepsilon}}+\delta_i .

    Convex for :math:`\gamma\ge0` (a Euclidean norm of an affine map plus a linear term).
    ``gamma`` is a scalar; ``delta`` a scalar or an array broadcasting against the last axis.
    """

    gamma: float = 1.0
    delta: Any = 0.0
    eps: float = 1e-5
    elementwise = False

    def __post_init__(self):
        check_scalar(self.gamma, "gamma", numbers.Real, min_val=0.0)
        check_scalar(self.eps, "eps", numbers.Real, min_val=0.0, include_min=False)

    def _parts(self, x):
        xp = array_namespace(x)
        xc = x - xp.mean(x, axis=-1, keepdims=True)
        s = xp.sqrt(xp.mean(xc * xc, axis=-1, keepdims=True) + self.eps)
        return xp, xc, s

    def _delta(self, x):
        return self.delta if isinstance(self.delta, numbers.Real) else like(self.delta, x)

    def value(self, x):
        xp, _, s = self._parts(x)
        return x.shape[-1] * self.gamma * s[..., 0] + xp.sum(self._delta(x) * x, axis=-1)

    def activation(self, x):
        _, xc, s = self._parts(x)
        return self.gamma * xc / s + self._delta(x) + 0.0 * x


@dataclass(frozen=True)
class SphericalNorm(AbstractLagrangian):
    r"""Spherical Lagrangian :math:`L=\gamma\sqrt{\sum_i x_i^2+\varepsilon}`, :math:`g=\gamma x/\|x\|`.

    With the defaults (:math:`\gamma=1`, :math:`\varepsilon=0`) this is :math:`L_v=\|v\|` of model C
    (THEORY.md §9): :math:`E = x\cdot g - L = 0` and the Hessian
    :math:`(\|x\|^2 I - xx^\top)/\|x\|^3` annihilates :math:`x`. Undefined at :math:`x=0` unless
    ``eps > 0`` (``hamux`` uses ``eps = 1e-5``).
    """

    gamma: float = 1.0
    eps: float = 0.0
    elementwise = False

    def __post_init__(self):
        check_scalar(self.gamma, "gamma", numbers.Real, min_val=0.0)
        check_scalar(self.eps, "eps", numbers.Real, min_val=0.0)

    def value(self, x):
        xp = array_namespace(x)
        return self.gamma * xp.sqrt(xp.sum(x * x, axis=-1) + self.eps)

    def activation(self, x):
        xp = array_namespace(x)
        return self.gamma * x / xp.sqrt(xp.sum(x * x, axis=-1, keepdims=True) + self.eps)


class FunctionLagrangian(AbstractLagrangian):
    r"""A user-defined Lagrangian from a function ``fn(x) -> L`` reducing the last axis.

    The activation is, in order of preference:

    1. ``activation(x)`` if given (closed form, recommended);
    2. for a torch tensor, torch autograd of ``fn`` (with ``create_graph=True``, so the activation
       is itself differentiable and a HAM built on it can be trained);
    3. otherwise central finite differences,
       :math:`g_i\approx[L(x+h_ie_i)-L(x-h_ie_i)]/(2h_i)` with
       :math:`h_i=\epsilon^{1/3}\max(1,|x_i|)` (``step`` overrides :math:`\epsilon^{1/3}`), all
       :math:`D` coordinates evaluated in one batched call of ``fn`` on an array of shape
       ``(..., D, D)``; accuracy :math:`O(h^2)`, about 1e-10 relative for smooth ``fn``.

    Parameters
    ----------
    fn : callable
        ``fn(x)`` with ``x`` of shape ``(..., D)`` returning shape ``(...,)``; written with the
        array API (or plain NumPy / torch operators) so that it broadcasts over leading axes.
    activation : callable, optional
        Closed-form gradient of ``fn``.
    convex : bool, default=False
        Declare the Hessian PSD (the descent condition); not checked.
    elementwise : bool, default=False
        Declare ``fn`` additive over neurons.
    step : float, optional
        Relative finite-difference step (default ``eps**(1/3)`` of the dtype).
    """

    def __init__(
        self,
        fn: Callable,
        activation: Callable | None = None,
        *,
        convex: bool = False,
        elementwise: bool = False,
        step: float | None = None,
    ):
        if not callable(fn):
            raise TypeError(f"`fn` must be callable L(x); got {type(fn).__name__}.")
        if activation is not None and not callable(activation):
            raise TypeError(f"`activation` must be callable g(x) or None; got {type(activation).__name__}.")
        if step is not None:
            check_scalar(step, "step", numbers.Real, min_val=0.0, include_min=False)
        self.fn = fn
        self._activation = activation
        self.convex = bool(convex)
        self.elementwise = bool(elementwise)
        self.step = step

    def __repr__(self) -> str:
        name = getattr(self.fn, "__name__", type(self.fn).__name__)
        return f"FunctionLagrangian({name}, convex={self.convex})"

    def value(self, x):
        return self.fn(x)

    def activation(self, x):
        if self._activation is not None:
            return self._activation(x)
        if is_torch_array(x):
            return _autograd_activation(self.fn, x)
        return _finite_difference_activation(self.fn, x, self.step)


def _autograd_activation(fn, x):
    import torch

    with torch.enable_grad():
        xg = x if x.requires_grad else x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(fn(xg).sum(), xg, create_graph=True)
    return g


def _finite_difference_activation(fn, x, step):
    xp = array_namespace(x)
    dtype_eps = float(np.finfo(np.dtype(str(x.dtype).split(".")[-1])).eps)
    rel = step if step is not None else dtype_eps ** (1.0 / 3.0)
    d = x.shape[-1]
    h = rel * xp.clip(xp.abs(x), min=1.0)  # (..., D)
    eye = xp.eye(d, dtype=x.dtype)
    shift = h[..., None, :] * eye  # (..., D, D): row i perturbs coordinate i
    xs = x[..., None, :]
    return (fn(xs + shift) - fn(xs - shift)) / (2.0 * h)


#: Registry of named Lagrangians; :func:`make_lagrangian` looks names up here.
LAGRANGIANS: dict[str, type[AbstractLagrangian]] = {
    "identity": Identity,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "softmax": Softmax,
    "repu": RePU,
    "rectified": RectifiedPolynomial,
    "polynomial": Polynomial,
    "exponential": Exponential,
    "abs": Abs,
    "layernorm": LayerNorm,
    "spherical": SphericalNorm,
}


def make_lagrangian(spec, **params) -> AbstractLagrangian:
    """A Lagrangian from a registry name (with parameters), an instance, or a function.

    Parameters
    ----------
    spec : str, AbstractLagrangian or callable
        A name in :data:`LAGRANGIANS` (``"identity"``, ``"tanh"``, ``"sigmoid"``, ``"softmax"``,
        ``"repu"``, ``"rectified"``, ``"polynomial"``, ``"exponential"``, ``"abs"``,
        ``"layernorm"``, ``"spherical"``), an instance (returned as is), or a function ``L(x)``
        wrapped in :class:`FunctionLagrangian`.
    **params
        Parameters of the named Lagrangian (``beta``, ``n``, ``gamma``, ``eps``...).

    Examples
    --------
    >>> import numpy as np
    >>> L = make_lagrangian("softmax", beta=1.0)
    >>> float(L.energy(np.zeros(4)))  # -ln 4
    -1.3862943611198906
    """
    if isinstance(spec, AbstractLagrangian):
        if params:
            raise TypeError(f"parameters {sorted(params)} given with a Lagrangian instance {spec!r}.")
        return spec
    if isinstance(spec, str):
        if spec not in LAGRANGIANS:
            raise ValueError(
                f"unknown Lagrangian {spec!r}; valid names are {', '.join(map(repr, LAGRANGIANS))}, "
                "or pass an AbstractLagrangian instance or a function L(x)."
            )
        try:
            return LAGRANGIANS[spec](**params)
        except TypeError as exc:
            raise TypeError(f"bad parameters for Lagrangian {spec!r}: {exc}") from None
    if callable(spec):
        return FunctionLagrangian(spec, **params)
    raise TypeError(
        "a Lagrangian must be a name, an AbstractLagrangian or a function L(x); "
        f"got {type(spec).__name__}."
    )
