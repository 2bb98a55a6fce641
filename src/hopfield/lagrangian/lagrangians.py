r"""Lagrangians of neuron layers: value :math:`L(x)`, activation :math:`g=\nabla L`, Legendre energy.

In the Lagrangian formulation of associative memory (Krotov & Hopfield 2021; Krotov 2021) every
layer of neurons with internal states :math:`x\in\mathbb R^D` is described by a scalar Lagrangian
:math:`L(x)`. Its gradient is the layer's activation (firing rate)

.. math:: g_i = \frac{\partial L}{\partial x_i},

and the layer's own contribution to the network energy is the Legendre transform

.. math:: E_{\rm layer}(x) = \sum_i x_i g_i - L(x).

If the Hessian :math:`\partial^2 L/\partial x_i\partial x_j` is positive semi-definite (``convex``),
the network dynamics built from these layers never raise the energy (Theory reference §9–§10).

Every Lagrangian here acts on the **last axis** (one layer of ``D`` neurons); leading axes are a
batch. The value and the energy therefore have shape ``x.shape[:-1]``, the activation has the shape
of ``x``. The maths is written once against the array API (``array-api-compat``): a NumPy array in
gives a NumPy array out, a torch tensor in gives a torch tensor out (with autograd).

Each class ships its activation in closed form and is numerically stable at large inputs
(:math:`\log\cosh a=|a|+\log(1+e^{-2|a|})-\log2`, softplus
:math:`=\max(a,0)+\log(1+e^{-|a|})`, softmax with the maximum subtracted), except
:class:`Exponential`, whose value genuinely overflows for :math:`\beta x \gtrsim 709` in float64
(the integrators then stop with a ``FloatingPointError`` naming the cause).

:meth:`~AbstractLagrangian.energy_and_activation` returns the Legendre energy together with the
activation from one evaluation (one exponential for :class:`Softmax`), which is what the
network dynamics use when they record the energy. Additive (``elementwise``) Lagrangians also
give the per-neuron value :math:`\ell(x_i)` (``pointwise``) and curvature :math:`\ell''(x_i)`
(``curvature``); :class:`Tanh` and :class:`Sigmoid` add the inverse activation and the conjugate
:math:`\ell^*(g)=\int_0^g(\ell')^{-1}` that the 1984 continuous network
(:mod:`hopfield.continuous`) uses.

References
----------
Krotov & Hopfield, "Large associative memory problem in neurobiology and machine learning",
ICLR 2021 (arXiv 2008.06996) — Theory reference §9. Krotov, "Hierarchical associative memory",
arXiv 2107.06446 (2021) — Theory reference §10. Hoover et al., ``hamux`` (``hamux/lagrangians.py``) for
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

    #: Hessian PSD everywhere (the descent condition of Theory reference §9–§10).
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

    def value_and_activation(self, x):
        """``(value(x), activation(x))``; subclasses share the work where they can."""
        return self.value(x), self.activation(x)

    def energy_and_activation(self, x):
        r"""``(E, g)``: the Legendre energy :math:`\sum_ix_ig_i-L` and the activation, from one pass."""
        xp = array_namespace(x)
        value, g = self.value_and_activation(x)
        return xp.sum(x * g, axis=-1) - value, g

    def energy(self, x):
        r"""Legendre energy of the layer, :math:`E = \sum_i x_i g_i - L(x)`; shape ``x.shape[:-1]``."""
        from ._common import as_array

        return self.energy_and_activation(as_array(x, "x", ndim=(1, 2, 3, 4, 5, 6)))[0]


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

    def energy_and_activation(self, x):
        r""":math:`E=x\cdot x-\tfrac12\|x\|^2=\tfrac12\|x\|^2` in closed form, and :math:`g=x`."""
        return self.value(x), x * 1.0

    def pointwise(self, x):
        r"""Per-neuron :math:`\ell(x)=x^2/2`."""
        return 0.5 * x * x

    def curvature(self, x):
        r""":math:`\ell''(x)=1`."""
        return x * 0.0 + 1.0


_LOG2 = math.log(2.0)


def _log_cosh(a, xp):
    r""":math:`\log\cosh a = |a| + \log(1+e^{-2|a|}) - \log 2`, finite for any finite ``a``."""
    m = xp.abs(a)
    return m + xp.log1p(xp.exp(-2.0 * m)) - _LOG2


def _softplus(a, xp):
    r""":math:`\log(1+e^a) = \max(a,0) + \log(1+e^{-|a|})`, finite for any finite ``a``."""
    return xp.clip(a, min=0.0) + xp.log1p(xp.exp(-xp.abs(a)))


def _xlogx(x, xp):
    r""":math:`x\log x` with the limit 0 at :math:`x=0` (for :math:`x\ge0`)."""
    positive = x > 0
    return xp.where(positive, x * xp.log(xp.where(positive, x, 1.0)), 0.0 * x)



@dataclass(frozen=True)
class Tanh(AbstractLagrangian):
    r""":math:`L=\beta^{-1}\sum_i\log\cosh(\beta x_i)`, :math:`g=\tanh(\beta x)`.

    ``log cosh`` is evaluated as :math:`|a|+\log(1+e^{-2|a|})-\log2`, finite for any finite
    input. With :math:`\beta=\lambda` this is :math:`\sum_i\int_0^{x_i}\tanh(\lambda u)\,du`,
    the Lagrangian that turns model A into the 1984 continuous network (Theory reference §5). The
    activation's range is :math:`(-1, 1)`; its inverse is :math:`\mathrm{artanh}(g)/\beta` and
    the conjugate :math:`\int_0^g(\ell')^{-1}=[(1+g)\ln(1+g)+(1-g)\ln(1-g)]/(2\beta)`.
    """

    beta: float = 1.0
    low = -1.0
    high = 1.0

    def __post_init__(self):
        object.__setattr__(self, "beta", _positive(self.beta, "beta"))

    def pointwise(self, x):
        r"""Per-neuron :math:`\ell(x)=\log\cosh(\beta x)/\beta`."""
        return _log_cosh(self.beta * x, array_namespace(x)) / self.beta

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(self.pointwise(x), axis=-1)

    def activation(self, x):
        xp = array_namespace(x)
        return xp.tanh(self.beta * x)

    def curvature(self, x):
        r""":math:`\ell''(x)=\beta\,\mathrm{sech}^2\beta x=4\beta e^{-2|\beta x|}/(1+e^{-2|\beta x|})^2`
        (no cancellation where :math:`\tanh\to\pm1`)."""
        xp = array_namespace(x)
        e = xp.exp(-2.0 * xp.abs(self.beta * x))
        return 4.0 * self.beta * e / (1.0 + e) ** 2

    def inverse(self, g):
        r""":math:`(\ell')^{-1}(g)=\mathrm{artanh}(g)/\beta` for :math:`g\in(-1,1)`."""
        return array_namespace(g).atanh(g) / self.beta

    def conjugate(self, g):
        r"""Legendre conjugate :math:`\ell^*(g)=\int_0^g(\ell')^{-1}`, finite on :math:`[-1,1]`."""
        xp = array_namespace(g)
        return 0.5 * (_xlogx(1.0 + g, xp) + _xlogx(1.0 - g, xp)) / self.beta


@dataclass(frozen=True)
class Sigmoid(AbstractLagrangian):
    r""":math:`L=\beta^{-1}\sum_i\log(1+e^{\beta x_i})` (softplus), :math:`g=\sigma(\beta x)`.

    Softplus is :math:`\max(a,0)+\log(1+e^{-|a|})` and the logistic function
    ``(1 + tanh(βx/2)) / 2``, both finite at any input. The activation's range is :math:`(0, 1)`;
    its inverse is :math:`\log(g/(1-g))/\beta` and the conjugate
    :math:`\int_0^g(\ell')^{-1}=[g\ln g+(1-g)\ln(1-g)]/\beta`.
    """

    beta: float = 1.0
    low = 0.0
    high = 1.0

    def __post_init__(self):
        object.__setattr__(self, "beta", _positive(self.beta, "beta"))

    def pointwise(self, x):
        r"""Per-neuron :math:`\ell(x)=\log(1+e^{\beta x})/\beta`."""
        return _softplus(self.beta * x, array_namespace(x)) / self.beta

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(self.pointwise(x), axis=-1)

    def activation(self, x):
        xp = array_namespace(x)
        return 0.5 * (1.0 + xp.tanh(0.5 * self.beta * x))

    def curvature(self, x):
        r""":math:`\ell''(x)=\beta\sigma(1-\sigma)`."""
        s = self.activation(x)
        return self.beta * s * (1.0 - s)

    def inverse(self, g):
        r""":math:`(\ell')^{-1}(g)=\log(g/(1-g))/\beta` for :math:`g\in(0,1)`."""
        xp = array_namespace(g)
        return (xp.log(g) - xp.log1p(-g)) / self.beta

    def conjugate(self, g):
        r"""Legendre conjugate :math:`\ell^*(g)=\int_0^g(\ell')^{-1}`, finite on :math:`[0,1]`."""
        xp = array_namespace(g)
        return (_xlogx(g, xp) + _xlogx(1.0 - g, xp)) / self.beta


@dataclass(frozen=True)
class Softmax(AbstractLagrangian):
    r""":math:`L=\beta^{-1}\log\sum_i e^{\beta x_i}`, :math:`g=\mathrm{softmax}(\beta x)`.

    Not additive (the Hessian :math:`\beta(\mathrm{diag}\,g-gg^\top)` is PSD with a zero mode along
    the all-ones vector). At :math:`x=0` with ``D`` neurons the energy is :math:`-\beta^{-1}\ln D`.
    The hidden Lagrangian of model B (Ramsauer's modern Hopfield network, Theory reference §9).
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

    def value_and_activation(self, x):
        """Log-sum-exp and softmax from one exponential."""
        xp, m, e = self._shifted(x)
        z = xp.sum(e, axis=-1, keepdims=True)
        return (m[..., 0] + xp.log(z[..., 0])) / self.beta, e / z


def _rectified_power(x, p):
    r""":math:`\max(x,0)^p` with the value 0 for :math:`x\le0` also at :math:`p=0`.

    ``clip(x, 0) ** 0`` would be 1 for negative ``x`` (:math:`0^0=1`): for ``n = 1`` the rectified
    Lagrangian :math:`\max(x,0)` has the Heaviside step as its gradient, 0 for :math:`x<0`.
    """
    xp = array_namespace(x)
    if p == 0:
        return xp.where(x > 0, 1.0 + 0.0 * x, 0.0 * x)
    return xp.clip(x, min=0.0) ** p


@dataclass(frozen=True)
class RePU(AbstractLagrangian):
    r"""Rectified power unit: :math:`L=\frac1n\sum_i\max(x_i,0)^n`, :math:`g=\max(x,0)^{n-1}`.

    Same normalisation as ``hamux.lagr_repu``; ``n = 2`` gives ReLU activations, ``n = 1`` the
    Heaviside step (0 for :math:`x\le0`) and a zero Legendre energy. Convex for :math:`n\ge1`.
    """

    n: float = 2.0

    def __post_init__(self):
        n = check_scalar(self.n, "n", numbers.Real, min_val=1.0)
        object.__setattr__(self, "n", n)

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.clip(x, min=0.0) ** self.n, axis=-1) / self.n

    def activation(self, x):
        return _rectified_power(x, self.n - 1)

    def pointwise(self, x):
        r"""Per-neuron :math:`\ell(x)=\max(x,0)^n/n`."""
        return array_namespace(x).clip(x, min=0.0) ** self.n / self.n

    def curvature(self, x):
        r""":math:`\ell''(x)=(n-1)\max(x,0)^{n-2}` (0 for ``n = 1``, the step at 0 excluded)."""
        return (self.n - 1) * _rectified_power(x, self.n - 2) if self.n > 1 else 0.0 * x


@dataclass(frozen=True)
class RectifiedPolynomial(AbstractLagrangian):
    r"""Dense-memory separation function: :math:`L=\sum_i\max(x_i,0)^n`, :math:`g=n\max(x,0)^{n-1}`.

    :math:`L_h` of model A with the rectified polynomial ReP\ :sub:`n` of Krotov & Hopfield (2016),
    Theory reference §7. Convex for :math:`n\ge1`.
    """

    n: float = 3.0

    def __post_init__(self):
        n = check_scalar(self.n, "n", numbers.Real, min_val=1.0)
        object.__setattr__(self, "n", n)

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.clip(x, min=0.0) ** self.n, axis=-1)

    def activation(self, x):
        return self.n * _rectified_power(x, self.n - 1)


@dataclass(frozen=True)
class Polynomial(AbstractLagrangian):
    r"""Dense-memory separation function: :math:`L=\sum_i x_i^n`, :math:`g=n x^{n-1}` (integer ``n``).

    :math:`L_h` of model A with :math:`F(x)=x^n` (Krotov & Hopfield 2016, Theory reference §7). Convex
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
    dense associative memory's (Theory reference §9). Convex, but not differentiable at 0, so it is meant
    for the effective (discrete) dynamics, not for integrating the two-layer ODE.
    """

    def value(self, x):
        xp = array_namespace(x)
        return xp.sum(xp.abs(x), axis=-1)

    def activation(self, x):
        xp = array_namespace(x)
        return xp.sign(x)


@dataclass(frozen=True, eq=False)
class LayerNorm(AbstractLagrangian):
    r"""Layer-norm Lagrangian (``hamux.lagr_layernorm``):

    .. math:: L = D\gamma\sqrt{\tfrac1D\sum_i(x_i-\bar x)^2+\varepsilon} + \sum_i\delta_i x_i,
       \qquad g_i = \gamma\frac{x_i-\bar x}{\sqrt{\tfrac1D\sum_j(x_j-\bar x)^2+\varepsilon}}+\delta_i .

    Convex for :math:`\gamma\ge0` (a Euclidean norm of an affine map plus a linear term).
    ``gamma`` is a scalar; ``delta`` a scalar or an array broadcasting against the last axis
    (copied; a torch tensor is kept, so that it can be trained). Two layer norms are equal when
    their parameters are (arrays compared by value); the hash uses the scalars only.
    """

    gamma: float = 1.0
    delta: Any = 0.0
    eps: float = 1e-5
    elementwise = False

    def __post_init__(self):
        check_scalar(self.gamma, "gamma", numbers.Real, min_val=0.0)
        check_scalar(self.eps, "eps", numbers.Real, min_val=0.0, include_min=False)
        if isinstance(self.delta, numbers.Real):
            check_scalar(self.delta, "delta", numbers.Real)
        else:
            from ._common import as_array

            object.__setattr__(self, "delta", as_array(self.delta, "delta", ndim=(0, 1)))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        if (self.gamma, self.eps) != (other.gamma, other.eps):
            return False
        a, b = self.delta, other.delta
        if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
            return a == b
        a, b = (np.asarray(like(d, np.zeros(1))) for d in (a, b))
        return a.shape == b.shape and bool(np.array_equal(a, b))

    def __hash__(self):
        return hash((type(self).__name__, self.gamma, self.eps))

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

    With :math:`\gamma=1` this is :math:`L_v=\|v\|` of model C (Theory reference §9) up to
    :math:`\varepsilon`: :math:`E = x\cdot g - L = -\gamma\varepsilon/\sqrt{\|x\|^2+\varepsilon}`
    and, at :math:`\varepsilon=0`, the Hessian :math:`(\|x\|^2 I - xx^\top)/\|x\|^3` annihilates
    :math:`x`. The default :math:`\varepsilon=10^{-12}` keeps the zero state (which
    ``HAM.init_states`` returns) well defined, :math:`g(0)=0`, and changes :math:`g` and :math:`E`
    elsewhere by a relative :math:`\varepsilon/(2\|x\|^2)` (below float64 rounding for
    :math:`\|x\|\gtrsim10^{-2}`); ``eps = 0`` gives the exact norm, undefined (0/0) at
    :math:`x=0`. ``hamux`` uses ``eps = 1e-5``.
    """

    gamma: float = 1.0
    eps: float = 1e-12
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
       :math:`h_i=\epsilon^{1/3}\max(1,|x_i|)` (``step`` overrides :math:`\epsilon^{1/3}`), the
       coordinates evaluated in batched calls of ``fn`` on arrays of shape ``(..., k, D)`` with
       at most ``2**22`` elements (so memory stays bounded at large ``D``); accuracy
       :math:`O(h^2)`, about 1e-10 relative for smooth ``fn``.

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


#: Largest number of array elements one batched finite-difference call of ``fn`` may receive.
_FD_BUDGET = 2**22


def _finite_difference_activation(fn, x, step):
    """Central differences, ``k`` coordinates per call of ``fn`` on a ``(..., k, D)`` array, with
    ``k`` chosen so that the array holds at most ``_FD_BUDGET`` elements (never ``(..., D, D)``
    unless that fits)."""
    xp = array_namespace(x)
    dtype_eps = float(np.finfo(np.dtype(str(x.dtype).split(".")[-1])).eps)
    rel = step if step is not None else dtype_eps ** (1.0 / 3.0)
    d = int(x.shape[-1])
    h = rel * xp.clip(xp.abs(x), min=1.0)  # (..., D)
    per_coordinate = max(int(np.prod(tuple(x.shape))), 1)
    k = int(min(d, max(1, _FD_BUDGET // per_coordinate)))
    eye = xp.eye(d, dtype=x.dtype)
    xs = x[..., None, :]
    parts = []
    for start in range(0, d, k):
        stop = min(start + k, d)
        shift = h[..., None, :] * eye[start:stop]  # (..., k, D): row i perturbs coordinate start+i
        parts.append(fn(xs + shift) - fn(xs - shift))
    diff = parts[0] if len(parts) == 1 else xp.concat(parts, axis=-1)
    return diff / (2.0 * h)


def _activation_into(lagrangian, x, out):
    r"""The activation :math:`g(x)` for an in-place Euler step, written into ``out`` where the
    class allows it; returns the array that holds it.

    ``out`` has the shape, dtype and device of ``x`` and is scratch owned by the caller. The
    result may be ``x`` itself (:class:`Identity`), so it must be read before ``x`` is advanced,
    or a new array (the classes without a buffered form). On torch, :class:`Tanh` is evaluated as
    :math:`2\sigma(2\beta x)-1`, torch's vectorised logistic function between two scalings
    instead of its slower ``tanh`` kernel (about 3x faster on CPU); its absolute error is at most two units
    in the last place of 1 (measured 1.8e-7 in float32 against 3e-8 for ``torch.tanh``), the
    size of the rounding of the drives it feeds, though near :math:`x=0` the *relative* error is
    larger than ``tanh``'s, which is why the public :meth:`Tanh.activation` keeps ``tanh``.
    """
    kind = type(lagrangian)
    if kind is Identity:
        return x
    if kind is Tanh:
        beta = lagrangian.beta
        if is_torch_array(x):
            import torch

            torch.mul(x, 2.0 * beta, out=out)
            torch.sigmoid(out, out=out)
            return out.mul_(2.0).sub_(1.0)
        if isinstance(x, np.ndarray):
            if beta != 1.0:
                np.multiply(x, beta, out=out)
                return np.tanh(out, out=out)
            return np.tanh(x, out=out)
    if kind is Softmax:  # the formula of Softmax.activation, in place
        beta = lagrangian.beta
        if is_torch_array(x):
            import torch

            if beta != 1.0:
                x = torch.mul(x, beta, out=out)
            torch.sub(x, torch.amax(x, dim=-1, keepdim=True), out=out)
            out.exp_()
            return out.div_(out.sum(dim=-1, keepdim=True))
        if isinstance(x, np.ndarray):
            if beta != 1.0:
                x = np.multiply(x, beta, out=out)
            np.subtract(x, np.max(x, axis=-1, keepdims=True), out=out)
            np.exp(out, out=out)
            out /= np.sum(out, axis=-1, keepdims=True)
            return out
    return lagrangian.activation(x)


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
    return resolve_lagrangian(spec, "spec", **params)


def resolve_lagrangian(spec, name: str, **params) -> AbstractLagrangian:
    """:func:`make_lagrangian` for the argument ``name`` of a model: its errors name that argument."""
    if isinstance(spec, AbstractLagrangian):
        if params:
            raise TypeError(f"parameters {sorted(params)} given with a Lagrangian instance {spec!r}.")
        return spec
    if isinstance(spec, str):
        if spec not in LAGRANGIANS:
            raise ValueError(
                f"`{name}`: unknown Lagrangian {spec!r}; valid names are "
                f"{', '.join(map(repr, LAGRANGIANS))}, "
                "or pass an AbstractLagrangian instance or a function L(x)."
            )
        try:
            return LAGRANGIANS[spec](**params)
        except TypeError as exc:
            raise TypeError(f"bad parameters for Lagrangian {spec!r}: {exc}") from None
    if callable(spec):
        return FunctionLagrangian(spec, **params)
    raise TypeError(
        f"`{name}` (a Lagrangian) must be a name, an AbstractLagrangian or a function L(x); "
        f"got {type(spec).__name__}."
    )
