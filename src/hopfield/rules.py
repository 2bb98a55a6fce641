"""Learning rules: patterns in, weights out.

Each rule is a plain function ``patterns -> weights`` (``hebb``, ``storkey``, ``pseudoinverse``,
``mackay``) and, for :class:`~hopfield.HopfieldNetwork`, a small rule object that knows whether it
can store new patterns incrementally. Weights are float64 ``(n_neurons, n_neurons)`` matrices for
±1 states; thresholds are zero. See Theory reference §1–§2.
"""

from __future__ import annotations

import abc
import numbers
from collections.abc import Callable

import numpy as np

from ._validation import (
    check_bool,
    check_budget,
    check_finite_result,
    check_option,
    check_patterns,
    check_scalar,
    check_weights,
)

__all__ = [
    "RULES",
    "AbstractRule",
    "Hebb",
    "MacKay",
    "PseudoInverse",
    "Storkey",
    "get_rule",
    "hebb",
    "mackay",
    "pseudoinverse",
    "storkey",
]

_HEBB_NORMS = ("n", "p", "none")


# --------------------------------------------------------------------------- kernels (clean input)
def _hebb_sum(x: np.ndarray) -> np.ndarray:
    """Σ_μ ξ^μ ξ^μᵀ as one BLAS product (exact: ±1 sums are integers well below 2**53)."""
    xf = x.astype(np.float64)
    return xf.T @ xf


def _hebb_scale(normalize: str, n_neurons: int, n_patterns: int) -> float:
    return {"n": 1.0 / n_neurons, "p": 1.0 / n_patterns, "none": 1.0}[normalize]


def _projector(x: np.ndarray) -> np.ndarray:
    """Orthogonal projector onto the span of the rows of ``x`` (Ξᵀ(ΞΞᵀ)⁻¹Ξ, via the SVD)."""
    _, sv, vt = np.linalg.svd(x.astype(np.float64), full_matrices=False)
    tol = sv.max() * max(x.shape) * np.finfo(np.float64).eps
    v = vt[sv > tol]
    w = v.T @ v
    return (w + w.T) / 2.0


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # overflow-free logistic


def _mackay(x: np.ndarray, eta: float, alpha: float, n_iter: int) -> np.ndarray:
    xf = x.astype(np.float64)
    t = (xf + 1.0) / 2.0
    w = xf.T @ xf
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below, by name
        for _ in range(n_iter):
            np.fill_diagonal(w, 0.0)
            err = t - _sigmoid(xf @ w)
            g = xf.T @ err
            g += g.T
            w += eta * (g - alpha * w)
            if not np.isfinite(w).all():  # O(N²) against the O(PN²) step: stop at once
                break
    check_finite_result(w, "the MacKay weights", f"Lower `eta` (= {eta:g}) or `alpha` (= {alpha:g}).")
    np.fill_diagonal(w, 0.0)
    return w


# --------------------------------------------------------------------------- public functions
def hebb(patterns, *, normalize: str = "n", zero_diagonal: bool = True) -> np.ndarray:
    """Hebb's outer-product rule.

    .. math:: w_{ij} = c \\sum_{\\mu=1}^{P} \\xi_i^\\mu \\xi_j^\\mu, \\qquad w_{ii} = 0,

    with :math:`c = 1/N` (``normalize="n"``, Amit–Gutfreund–Sompolinsky; it fixes :math:`T_c = 1`),
    :math:`c = 1/P` (``"p"``) or :math:`c = 1` (``"none"``, Hopfield 1982 eq. 2). The scale does not
    change zero-temperature dynamics.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    normalize : {"n", "p", "none"}, default="n"
    zero_diagonal : bool, default=True
        Zero the self-couplings :math:`w_{ii}` (which would otherwise all equal :math:`cP`).

    Returns
    -------
    ndarray of float64, shape (n_neurons, n_neurons), symmetric.

    References
    ----------
    Hopfield, PNAS 79:2554 (1982); Amit, Gutfreund & Sompolinsky, PRL 55:1530 (1985).

    Examples
    --------
    >>> import hopfield as hf
    >>> W = hf.rules.hebb([[1, -1, 1], [1, 1, -1]])
    >>> W * 3
    array([[ 0.,  0.,  0.],
           [ 0.,  0., -2.],
           [ 0., -2.,  0.]])
    """
    return Hebb(normalize=normalize, zero_diagonal=zero_diagonal).weights(patterns)


def storkey(patterns, *, zero_diagonal: bool = True) -> np.ndarray:
    """Storkey's local, incremental rule (Storkey 1997).

    Starting from :math:`W^0 = 0`, for each pattern :math:`\\nu` in turn

    .. math::
        w_{ij}^{\\nu} = w_{ij}^{\\nu-1} + \\frac1N \\xi_i^\\nu \\xi_j^\\nu
            - \\frac1N \\xi_i^\\nu h_{ji}^\\nu - \\frac1N h_{ij}^\\nu \\xi_j^\\nu,
        \\qquad h_{ij}^\\nu = \\sum_{k \\ne i, j} w_{ik}^{\\nu-1} \\xi_k^\\nu .

    The rule as written produces non-zero self-couplings :math:`w_{ii}`, which inflate stability far
    beyond the rule's capacity :math:`N/\\sqrt{2 \\ln N}`; by default they are zeroed (Theory reference §2.3).
    The diagonal never enters :math:`h_{ij}` for :math:`i \\ne j`, so zeroing it loses nothing of the
    off-diagonal weights and incremental storage stays exact.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    zero_diagonal : bool, default=True

    Returns
    -------
    ndarray of float64, shape (n_neurons, n_neurons), symmetric.

    References
    ----------
    A. Storkey, "Increasing the capacity of a Hopfield network without sacrificing functionality",
    ICANN'97, 451–456 (1997).
    """
    return Storkey(zero_diagonal=zero_diagonal).weights(patterns)


def pseudoinverse(patterns, *, zero_diagonal: bool = False) -> np.ndarray:
    """Projection (pseudo-inverse) rule.

    .. math:: W = \\Xi^\\top (\\Xi \\Xi^\\top)^{-1} \\Xi ,

    the orthogonal projector onto the span of the patterns (rows of :math:`\\Xi`). Every linearly
    independent set is stored as exact fixed points, up to :math:`P = N`; the energy
    :math:`N - s^\\top W s` is the squared distance from :math:`s` to the pattern subspace
    (Kanter & Sompolinsky 1987). Computed from the SVD, so dependent patterns are handled.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    zero_diagonal : bool, default=False
        Keep the projector's diagonal (:math:`0 \\le w_{ii} \\le 1`) by default; zeroing it keeps
        the patterns fixed points since their field becomes :math:`(1 - w_{ii}) \\xi_i`.

    References
    ----------
    Personnaz, Guyon & Dreyfus, J. Phys. Lett. 46:L359 (1985); Kanter & Sompolinsky, PRA 35:380 (1987).
    """
    return PseudoInverse(zero_diagonal=zero_diagonal).weights(patterns)


def mackay(patterns, *, eta: float = 0.01, alpha: float = 0.01, n_iter: int = 1000) -> np.ndarray:
    """MacKay's gradient learning rule (ITILA Algorithm 42.9).

    Each neuron is a logistic classifier of its own bit given the others, with targets
    :math:`t = (x + 1)/2`, outputs :math:`y = \\sigma(XW)` and objective
    :math:`M(W) = -\\sum_{n,i}[t \\ln y + (1-t)\\ln(1-y)] + \\frac{\\alpha}{2}\\sum_{ij} w_{ij}^2`.
    Starting from :math:`W = X^\\top X`, each of ``n_iter`` steps sets :math:`w_{ii} = 0`, computes
    :math:`G = X^\\top (T - \\sigma(XW))`, symmetrises :math:`G \\leftarrow G + G^\\top` and steps
    :math:`W \\leftarrow W + \\eta (G - \\alpha W)`. The result is symmetric with zero diagonal.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    eta : float, default=0.01
        Learning rate.
    alpha : float, default=0.01
        Weight decay.
    n_iter : int, default=1000
        Number of gradient steps L.

    References
    ----------
    D. J. C. MacKay, *Information Theory, Inference, and Learning Algorithms*, ch. 42 (2003).
    """
    return MacKay(eta=eta, alpha=alpha, n_iter=n_iter).weights(patterns)


# --------------------------------------------------------------------------- rule objects
class AbstractRule(abc.ABC):
    """A learning rule as the network uses it.

    Contract: :meth:`weights` maps clean int8 patterns to float64 weights; if ``incremental`` is
    true, :meth:`extend` maps the current weights and new patterns to the weights of storing
    everything, exactly as :meth:`weights` on all patterns would.
    """

    incremental: bool = False
    name: str = "custom"

    def weights(self, patterns) -> np.ndarray:
        """Weights for ``patterns`` (validated here)."""
        return self._weights(check_patterns(patterns))

    @abc.abstractmethod
    def _weights(self, x: np.ndarray) -> np.ndarray:
        """Weights for clean int8 patterns ``x``."""

    def extend(self, w: np.ndarray, x_new: np.ndarray, n_stored: int) -> np.ndarray:
        """New weights after adding ``x_new`` to ``n_stored`` patterns stored in ``w``."""
        raise TypeError(f"the {self.name!r} rule is not incremental; recompute from all patterns.")

    def params(self) -> dict:
        """Constructor arguments, for saving."""
        return {}


class Hebb(AbstractRule):
    """Hebb's rule (see :func:`hebb`); incremental."""

    incremental = True
    name = "hebb"

    def __init__(self, *, normalize: str = "n", zero_diagonal: bool = True):
        if normalize is None:
            normalize = "none"
        self.normalize = check_option(normalize, "normalize", _HEBB_NORMS)
        self.zero_diagonal = check_bool(zero_diagonal, "zero_diagonal")

    def _weights(self, x):
        w = _hebb_sum(x) * _hebb_scale(self.normalize, x.shape[1], x.shape[0])
        if self.zero_diagonal:
            np.fill_diagonal(w, 0.0)
        return w

    def extend(self, w, x_new, n_stored):
        n_total = n_stored + x_new.shape[0]
        out = _hebb_sum(x_new)  # a fresh array: scale and add in place, no extra N×N temporaries
        if self.normalize == "p":
            if n_stored:
                out += w * n_stored
            out /= n_total
        else:
            out *= _hebb_scale(self.normalize, x_new.shape[1], n_total)
            if n_stored:
                out += w
        if self.zero_diagonal:
            np.fill_diagonal(out, 0.0)
        return out

    def params(self):
        return {"normalize": self.normalize, "zero_diagonal": self.zero_diagonal}


class Storkey(AbstractRule):
    """Storkey's rule (see :func:`storkey`); incremental."""

    incremental = True
    name = "storkey"

    def __init__(self, *, zero_diagonal: bool = True):
        self.zero_diagonal = check_bool(zero_diagonal, "zero_diagonal")

    def _weights(self, x):
        return self.extend(np.zeros((x.shape[1], x.shape[1])), x, 0)

    def extend(self, w, x_new, n_stored):
        from ._rules_kernels import storkey_extend  # Numba compiles on first use, not at import

        w = np.array(w, dtype=np.float64, copy=True)
        w = storkey_extend(w, x_new.astype(np.float64))
        w = (w + w.T) / 2.0  # symmetric in exact arithmetic; remove rounding asymmetry
        if self.zero_diagonal:
            np.fill_diagonal(w, 0.0)
        return w

    def params(self):
        return {"zero_diagonal": self.zero_diagonal}


class PseudoInverse(AbstractRule):
    """Projection rule (see :func:`pseudoinverse`)."""

    name = "pseudoinverse"

    def __init__(self, *, zero_diagonal: bool = False):
        self.zero_diagonal = check_bool(zero_diagonal, "zero_diagonal")

    def _weights(self, x):
        w = _projector(x)
        if self.zero_diagonal:
            np.fill_diagonal(w, 0.0)
        return w

    def params(self):
        return {"zero_diagonal": self.zero_diagonal}


class MacKay(AbstractRule):
    """MacKay's gradient rule (see :func:`mackay`)."""

    name = "mackay"

    def __init__(self, *, eta: float = 0.01, alpha: float = 0.01, n_iter: int = 1000):
        self.eta = float(check_scalar(eta, "eta", numbers.Real, min_val=0.0, include_min=False))
        self.alpha = float(check_scalar(alpha, "alpha", numbers.Real, min_val=0.0))
        self.n_iter = check_budget(n_iter, "n_iter", min_val=0)

    def _weights(self, x):
        return _mackay(x, self.eta, self.alpha, self.n_iter)

    def params(self):
        return {"eta": self.eta, "alpha": self.alpha, "n_iter": self.n_iter}


class _CallableRule(AbstractRule):
    """Wraps a user function ``patterns -> weights``; not incremental, not saveable by name."""

    def __init__(self, func: Callable):
        self.func = func
        self.name = getattr(func, "__name__", "custom")

    def _weights(self, x):
        return check_weights(self.func(x.copy()), f"weights returned by rule {self.name!r}",
                             n_neurons=x.shape[1])


RULES: dict[str, type[AbstractRule]] = {
    "hebb": Hebb,
    "storkey": Storkey,
    "pseudoinverse": PseudoInverse,
    "mackay": MacKay,
}


def get_rule(rule, **params) -> AbstractRule:
    """Resolve a rule name (with its keyword ``params``), a rule object, or a callable."""
    if isinstance(rule, AbstractRule):
        if params:
            raise TypeError("pass parameters to the rule object's constructor, not alongside it.")
        return rule
    if isinstance(rule, str):
        check_option(rule, "rule", RULES)
        return RULES[rule](**params)
    if callable(rule):
        return _CallableRule(rule)
    raise TypeError(
        f"`rule` must be one of {', '.join(map(repr, RULES))}, a rules.AbstractRule or a callable "
        f"patterns -> weights; got {type(rule).__name__}."
    )
