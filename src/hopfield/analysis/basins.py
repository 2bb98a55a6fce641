"""Basins of attraction: recall probability against probe distance, and where random starts end.

Hopfield (1982) reports, for N = 30 neurons and n = 5 memories, that about 85% of random starts
end in assigned memories (including negations), 10% in meaningless stable states and 5% near
memories, and that probes within Hamming distance 5 reach the nearest memory more than 90% of the
time (Theory reference §1). :func:`basin_radius` and :func:`random_start_survey` measure both quantities
for a given network; they do not reproduce the paper's figures by themselves: with the ±1 Hebb
network and zero thresholds (not Hopfield's 0/1 network), 5 random patterns on 30 neurons exceed
the capacity, and the share of random starts that end on a memory varies widely between networks.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .._results import SummaryRepr
from .._validation import check_budget, check_option, check_patterns, check_rng, check_scalar
from .spurious import classify

__all__ = ["BasinRadii", "Survey", "basin_radius", "random_start_survey"]


def _check_net(net):
    from ..classical import HopfieldNetwork

    if not isinstance(net, HopfieldNetwork):
        raise TypeError(f"`net` must be a HopfieldNetwork; got {type(net).__name__}.")
    return net


@dataclass(frozen=True, repr=False)
class BasinRadii(SummaryRepr):
    """Basin radius of each pattern.

    Attributes
    ----------
    radius : ndarray of int, shape (n_patterns,)
        Largest Hamming distance d such that probes at every scanned distance up to d are recalled
        exactly with frequency ≥ ``probability``; −1 if the pattern itself is not recalled
        (not a fixed point).
    radii : ndarray of int
        The scanned distances.
    success : ndarray of float, shape (n_patterns, len(radii))
        Fraction of the trials at each distance that ended exactly on the pattern (NaN where the
        scan stopped early).
    probability : float
    trials : int
    """

    radius: np.ndarray
    radii: np.ndarray
    success: np.ndarray
    probability: float
    trials: int


def basin_radius(
    net,
    patterns=None,
    *,
    probability: float = 0.9,
    trials: int = 20,
    radii=None,
    update: str = "async",
    max_sweeps: int = 100,
    rng=None,
) -> BasinRadii:
    """Basin of attraction of each pattern: the largest radius recalled with probability ≥ p.

    At each distance d (increasing), ``trials`` probes per pattern with exactly d random bits
    flipped are recalled in one batched call; success means ending exactly on the pattern. The
    scan stops once every pattern has failed at some distance.

    Parameters
    ----------
    net : HopfieldNetwork
    patterns : array_like, shape (n_patterns, n_neurons), optional
        States whose basins to measure (default: the stored patterns), in the network's space.
    probability : float, default=0.9
    trials : int, default=20
    radii : sequence of int, optional
        Increasing distances to scan (default 0, 1, …, N/2).
    update : {"async", "sequential", "sync"}, default="async"
    max_sweeps : int, default=100
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    BasinRadii

    References
    ----------
    Theory reference §1 (Hopfield 1982), §2.4 (Kanter & Sompolinsky 1987: the pseudo-inverse radius
    shrinks to 0 as α → 1).
    """
    _check_net(net)
    check_scalar(probability, "probability", numbers.Real, min_val=0.0, max_val=1.0,
                 include_min=False)
    check_budget(trials, "trials")
    check_option(update, "update", ("async", "sequential", "sync"))
    check_budget(max_sweeps, "max_sweeps")
    gen = check_rng(rng)
    n = net.n_neurons
    if patterns is None:
        if net.n_patterns == 0:
            raise ValueError("`net` has no stored patterns; pass `patterns` or store some first.")
        x = net.patterns
    else:
        x = check_patterns(patterns, "patterns", n_neurons=n, binary=net.is_binary)
    if radii is None:
        r = np.arange(n // 2 + 1)
    else:
        r = np.asarray(radii)
        if (r.ndim != 1 or r.size == 0 or not np.issubdtype(r.dtype, np.integer) or np.any(r < 0)
                or np.any(r > n) or np.any(np.diff(r) <= 0)):
            raise ValueError(f"`radii` must be increasing integers in [0, {n}]; got {radii!r}.")
    p = x.shape[0]
    bip = (2 * x.astype(np.int8) - 1).astype(np.int8) if net.is_binary else x
    success = np.full((p, r.size), np.nan)
    radius = np.full(p, -1, dtype=np.int64)
    alive = np.ones(p, dtype=bool)
    reps = np.repeat(bip, trials, axis=0)
    from .. import patterns as pat

    for j, d in enumerate(r):
        probes = pat.flip(reps, n_flips=int(d), rng=gen)
        own = (probes + 1) // 2 if net.is_binary else probes
        res = net.recall(own.astype(np.int8), update=update, max_sweeps=max_sweeps, rng=gen)
        hit = np.all(res.states == np.repeat(x, trials, axis=0), axis=1).reshape(p, trials)
        success[:, j] = hit.mean(axis=1)
        ok = alive & (success[:, j] >= probability)
        radius[ok] = d
        alive &= ok
        if not alive.any():
            break
    return BasinRadii(radius, r, success, float(probability), int(trials))


@dataclass(frozen=True, repr=False)
class Survey(SummaryRepr):
    """Where random starts end.

    Attributes
    ----------
    counts : dict of str to int
        Final states by kind: ``"pattern"``, ``"negated"``, ``"mixture-k"``, ``"near"`` (within
        ``near`` bits of a pattern or its negation but not on it), ``"other"`` (a stable state far
        from every memory), ``"unconverged"``.
    n_starts : int
    kinds : ndarray of str, shape (n_starts,)
    states : ndarray of int8, shape (n_starts, n_neurons)
        Final states, in the network's space.
    n_distinct : int
        Number of distinct final states.
    """

    counts: dict
    n_starts: int
    kinds: np.ndarray
    states: np.ndarray
    n_distinct: int

    def fraction(self, *kinds: str) -> float:
        """Fraction of starts that ended in any of ``kinds`` (e.g. ``"pattern", "negated"``)."""
        return sum(self.counts.get(k, 0) for k in kinds) / self.n_starts


def random_start_survey(
    net,
    n_starts: int = 1000,
    *,
    update: str = "async",
    max_sweeps: int = 100,
    near: int | None = None,
    max_order: int = 7,
    rng=None,
) -> Survey:
    """Start from uniformly random states, run to a fixed point and classify where each ends.

    Parameters
    ----------
    net : HopfieldNetwork
        With stored patterns.
    n_starts : int, default=1000
    update : {"async", "sequential", "sync"}, default="async"
    max_sweeps : int, default=100
    near : int, optional
        Hamming distance counted as "near a memory" (default ⌊N/10⌋, 3 bits for N = 30).
    max_order : int, default=7
        Highest mixture order tried by :func:`~hopfield.analysis.classify`.
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    Survey

    References
    ----------
    Theory reference §1: J. J. Hopfield, PNAS 79:2554 (1982) (N = 30, n = 5: ~85% memories incl.
    negations, 10% meaningless stable states, 5% near memories).
    """
    _check_net(net)
    if net.n_patterns == 0:
        raise ValueError("`net` has no stored patterns; call net.store(patterns) first.")
    check_budget(n_starts, "n_starts")
    check_option(update, "update", ("async", "sequential", "sync"))
    n = net.n_neurons
    near_d = n // 10 if near is None else near
    check_scalar(near_d, "near", numbers.Integral, min_val=0, max_val=n)
    gen = check_rng(rng)
    starts = np.where(gen.random((n_starts, n)) < 0.5, 1, -1).astype(np.int8)
    if net.is_binary:
        starts = ((starts + 1) // 2).astype(np.int8)
    res = net.recall(starts, update=update, max_sweeps=max_sweeps, rng=gen)
    final = res.states
    bip = (2 * final.astype(np.int8) - 1).astype(np.int8) if net.is_binary else final
    x = (2 * net.patterns.astype(np.int8) - 1).astype(np.int8) if net.is_binary else net.patterns
    cls = classify(bip, x, max_order=max_order)
    kinds = cls.kind.astype(object)
    d_near = np.min(np.minimum(np.count_nonzero(bip[:, None, :] != x[None, :, :], axis=2),
                               n - np.count_nonzero(bip[:, None, :] != x[None, :, :], axis=2)),
                    axis=1)
    kinds[(cls.kind == "other") & (d_near <= near_d)] = "near"
    kinds[~np.asarray(res.converged)] = "unconverged"
    kinds = kinds.astype(str)
    labels, counts = np.unique(kinds, return_counts=True)
    return Survey({str(k): int(c) for k, c in zip(labels, counts, strict=True)}, int(n_starts),
                  kinds, final, int(np.unique(final, axis=0).shape[0]))
