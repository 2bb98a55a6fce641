"""Spurious states: negated patterns and symmetric odd mixtures, and a classifier of final states.

At zero thresholds :math:`E(-s) = E(s)`, so every stored :math:`\\xi^\\mu` comes with the attractor
:math:`-\\xi^\\mu`. For :math:`\\alpha \\to 0` the symmetric odd mixtures
:math:`\\mathrm{sgn}(\\pm\\xi^{\\mu_1} \\pm \\dots \\pm \\xi^{\\mu_k})` are also fixed points, with overlap
:math:`m_k = 2^{1-k}\\binom{k-1}{(k-1)/2}` with each component and energy per neuron
:math:`-\\tfrac k2 m_k^2` for the 1/N Hebb rule (Theory reference §3).
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .._results import SummaryRepr
from .._validation import (
    MAX_BUDGET,
    as_real_array,
    check_bool,
    check_budget,
    check_patterns,
    check_rng,
    check_scalar,
    check_states,
)
from .theory import mixture_energy, mixture_overlap

__all__ = ["Classification", "MixtureTable", "classify", "mixture_state", "mixture_table",
           "symmetric_mixtures"]


def _bipolar(x: np.ndarray, binary: bool) -> np.ndarray:
    return (2 * x.astype(np.int8) - 1).astype(np.int8) if binary else x


def mixture_state(patterns, indices=None, signs=None) -> np.ndarray:
    """The mixture :math:`\\mathrm{sgn}(\\sum_\\mu \\epsilon_\\mu \\xi^\\mu)` of an odd number of patterns.

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    indices : sequence of int, optional
        Which patterns to mix (default: all). Their number k must be odd, so the sum never ties.
    signs : sequence of ±1, optional
        :math:`\\epsilon_\\mu` (default all +1).

    Returns
    -------
    ndarray of int8, shape (n_neurons,)

    Examples
    --------
    >>> import hopfield as hf
    >>> hf.analysis.mixture_state([[1, 1, -1, -1], [1, -1, 1, -1], [1, -1, -1, 1]]).tolist()
    [1, -1, -1, -1]
    """
    x = check_patterns(patterns, "patterns")
    idx = np.arange(x.shape[0]) if indices is None else as_real_array(indices, "indices")
    if indices is not None and not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"`indices` must be integers; got dtype {idx.dtype}.")
    if idx.ndim != 1 or idx.size == 0 or np.any(idx < 0) or np.any(idx >= x.shape[0]):
        raise ValueError(f"`indices` must be distinct pattern indices in [0, {x.shape[0]}); got {idx}.")
    if len(set(idx.tolist())) != idx.size:
        raise ValueError(f"`indices` must be distinct; got {idx.tolist()}.")
    if idx.size % 2 == 0:
        raise ValueError(f"a symmetric mixture needs an odd number of patterns; got {idx.size}.")
    eps = np.ones(idx.size) if signs is None else as_real_array(signs, "signs").astype(np.float64)
    if eps.shape != idx.shape or not np.all(np.abs(eps) == 1):
        raise ValueError(f"`signs` must be {idx.size} values of ±1; got {signs!r}.")
    return _mixture(x, idx, eps)


def _mixture(x, idx, eps) -> np.ndarray:
    return np.sign(eps @ x[idx].astype(np.float64)).astype(np.int8)


def symmetric_mixtures(patterns, k: int, *, signs: bool = True, max_count: int | None = None,
                       rng=None):
    """Enumerate the symmetric k-mixtures of the stored patterns.

    Every choice of k patterns and, with ``signs=True``, every sign pattern up to a global sign
    (so :math:`\\binom{p}{k}2^{k-1}` states; the global negation of each is also a mixture).

    Parameters
    ----------
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    k : int
        Odd order, at most n_patterns.
    signs : bool, default=True
    max_count : int, optional
        Keep a uniformly random subset of this many (drawn with ``rng``).
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    states : ndarray of int8, shape (n_mixtures, n_neurons)
    components : ndarray of int, shape (n_mixtures, k)
    component_signs : ndarray of int8, shape (n_mixtures, k)
    """
    x = check_patterns(patterns, "patterns")
    check_scalar(k, "k", numbers.Integral, min_val=1, max_val=x.shape[0])
    if k % 2 == 0:
        raise ValueError(f"`k` == {k}, must be odd (even mixtures are not fixed points).")
    signs = check_bool(signs, "signs")
    gen = check_rng(rng)
    count = math.comb(x.shape[0], k) * (2 ** (k - 1) if signs else 1)
    if count > MAX_BUDGET:
        raise ValueError(f"`k` == {k} gives {count:.3g} mixtures of {x.shape[0]} patterns, too many to "
                         f"enumerate (at most {MAX_BUDGET:.0e}); use fewer patterns or a smaller `k`.")
    combos = list(itertools.combinations(range(x.shape[0]), k))
    sign_sets = ([(1, *rest) for rest in itertools.product((1, -1), repeat=k - 1)]
                 if signs else [(1,) * k])
    pairs = [(c, s) for c in combos for s in sign_sets]
    if max_count is not None:
        check_budget(max_count, "max_count")
        if max_count < len(pairs):
            keep = np.sort(gen.choice(len(pairs), size=max_count, replace=False))
            pairs = [pairs[i] for i in keep]
    comps = np.array([c for c, _ in pairs], dtype=np.int64).reshape(len(pairs), k)
    sg = np.array([s for _, s in pairs], dtype=np.int8).reshape(len(pairs), k)
    states = np.array([_mixture(x, c, s.astype(np.float64)) for c, s in zip(comps, sg, strict=True)],
                      dtype=np.int8).reshape(len(pairs), x.shape[1])
    return states, comps, sg


@dataclass(frozen=True, repr=False)
class Classification(SummaryRepr):
    """What each final state is.

    Attributes
    ----------
    kind : ndarray of str, shape (batch,)
        ``"pattern"``, ``"negated"``, ``"mixture-k"`` (k odd, ≥ 3) or ``"other"``.
    order : ndarray of int, shape (batch,)
        1 for a (negated) pattern, k for a k-mixture, 0 for other.
    components : tuple of tuple of int
        Pattern indices involved (empty for other).
    signs : tuple of tuple of int
        Sign of each component in the state (−1 for a negated pattern).
    hamming : ndarray of int, shape (batch,)
        Hamming distance to the matched state (0 for an exact match; > 0 only with ``tol``).
    """

    kind: np.ndarray
    order: np.ndarray
    components: tuple
    signs: tuple
    hamming: np.ndarray


def classify(states, patterns, *, max_order: int = 7, tol: float = 0.0) -> Classification:
    """Classify states as stored pattern, negated pattern, symmetric odd mixture, or other.

    For each state, the overlaps :math:`m_\\mu = \\xi^\\mu\\cdot s/N` are computed. The state is a
    pattern (negated pattern) if it equals :math:`\\xi^\\mu` (:math:`-\\xi^\\mu`); otherwise, for
    k = 3, 5, …, ``max_order``, the k patterns with the largest :math:`|m_\\mu|` are mixed with signs
    :math:`\\mathrm{sgn}(m_\\mu)` and compared with the state. With ``tol`` > 0 a match may differ in
    up to ``tol · N`` bits (mixtures at finite load are slightly deformed).

    Parameters
    ----------
    states : array_like of ±1, shape (n_neurons,) or (batch, n_neurons)
    patterns : array_like of ±1, shape (n_patterns, n_neurons)
    max_order : int, default=7
    tol : float, default=0.0
        Fraction of bits a match may differ in.

    Returns
    -------
    Classification

    References
    ----------
    Theory reference §3 (Hopfield 1982; Amit, Gutfreund & Sompolinsky, PRA 32:1007 (1985)).
    """
    x = check_patterns(patterns, "patterns")
    s, _ = check_states(states, "states")
    if s.shape[1] != x.shape[1]:
        raise ValueError(f"`states` have {s.shape[1]} neurons but `patterns` have {x.shape[1]}.")
    check_scalar(max_order, "max_order", numbers.Integral, min_val=1)
    check_scalar(tol, "tol", numbers.Real, min_val=0.0, max_val=0.5)
    n = x.shape[1]
    limit = int(np.floor(tol * n + 1e-9))
    xf = x.astype(np.float64)
    m = s.astype(np.float64) @ xf.T / n
    kinds, orders, comps, sgns, dists = [], [], [], [], []
    for b in range(s.shape[0]):
        d_pat = np.count_nonzero(x != s[b], axis=1)
        best = int(np.argmin(np.minimum(d_pat, n - d_pat)))
        d_best = min(d_pat[best], n - d_pat[best])
        if d_best <= limit:
            neg = n - d_pat[best] < d_pat[best]
            kinds.append("negated" if neg else "pattern")
            orders.append(1)
            comps.append((best,))
            sgns.append((-1 if neg else 1,))
            dists.append(int(d_best))
            continue
        order = np.argsort(-np.abs(m[b]), kind="stable")
        found = False
        for k in range(3, min(max_order, x.shape[0]) + 1, 2):
            idx = np.sort(order[:k])
            eps = np.where(m[b, idx] >= 0, 1.0, -1.0)
            d = int(np.count_nonzero(_mixture(x, idx, eps) != s[b]))
            if d <= limit:
                kinds.append(f"mixture-{k}")
                orders.append(k)
                comps.append(tuple(int(i) for i in idx))
                sgns.append(tuple(int(e) for e in eps))
                dists.append(d)
                found = True
                break
        if not found:
            kinds.append("other")
            orders.append(0)
            comps.append(())
            sgns.append(())
            dists.append(int(d_best))
    return Classification(np.array(kinds), np.array(orders), tuple(comps), tuple(sgns),
                          np.array(dists))


@dataclass(frozen=True, repr=False)
class MixtureTable(SummaryRepr):
    """Measured and theoretical properties of symmetric mixtures, one row per order k.

    Attributes
    ----------
    k : ndarray of int
    count : ndarray of int
        Mixtures examined for each k.
    overlap, overlap_theory : ndarray of float
        Mean overlap with each component, and :math:`m_k`.
    energy, energy_theory : ndarray of float
        Mean energy per neuron E/N, and :math:`-\\tfrac k2 m_k^2`.
    fixed_fraction : ndarray of float
        Fraction of the examined mixtures that are fixed points.
    """

    k: np.ndarray
    count: np.ndarray
    overlap: np.ndarray
    overlap_theory: np.ndarray
    energy: np.ndarray
    energy_theory: np.ndarray
    fixed_fraction: np.ndarray


def mixture_table(net, orders=(1, 3, 5, 7), *, max_per_order: int = 64, rng=None) -> MixtureTable:
    """Check the symmetric mixtures of a network's stored patterns against Theory reference §3.

    Parameters
    ----------
    net : HopfieldNetwork
        With stored patterns (bipolar or binary; energies are in the network's own units).
    orders : sequence of odd int, default=(1, 3, 5, 7)
        Orders larger than the number of stored patterns are skipped.
    max_per_order : int, default=64
        At most this many mixtures (random subset) per order.
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    MixtureTable

    References
    ----------
    Theory reference §3.
    """
    from ..classical import HopfieldNetwork

    if not isinstance(net, HopfieldNetwork):
        raise TypeError(f"`net` must be a HopfieldNetwork; got {type(net).__name__}.")
    if net.n_patterns == 0:
        raise ValueError("`net` has no stored patterns; call net.store(patterns) first.")
    gen = check_rng(rng)
    check_budget(max_per_order, "max_per_order")
    if isinstance(orders, str) or not isinstance(orders, Iterable):
        raise TypeError(f"`orders` must be a sequence of odd ints; got {type(orders).__name__}.")
    x = _bipolar(net.patterns, net.is_binary)
    n = net.n_neurons
    rows = []
    for k in orders:
        check_scalar(k, "orders", numbers.Integral, min_val=1)
        if k % 2 == 0:
            raise ValueError(f"`orders` must hold odd numbers; got {k}.")
        if k > x.shape[0]:
            continue
        st, comps, sg = symmetric_mixtures(x, k, max_count=max_per_order, rng=gen)
        m = np.einsum("bi,bki->bk", st.astype(np.float64), x[comps].astype(np.float64)) / n
        own = (st + 1) // 2 if net.is_binary else st
        e = np.asarray(net.energy(own)) / n
        rows.append((k, len(st), float(np.mean(m * sg)), mixture_overlap(k), float(np.mean(e)),
                     mixture_energy(k), float(np.mean(net.is_fixed_point(own)))))
    if not rows:
        raise ValueError(f"`orders`: none of {tuple(orders)} is <= the {x.shape[0]} stored patterns.")
    cols = list(zip(*rows, strict=True))
    return MixtureTable(np.array(cols[0]), np.array(cols[1]), *(np.array(c) for c in cols[2:]))
