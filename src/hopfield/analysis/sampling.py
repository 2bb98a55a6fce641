"""Equilibrium of the stochastic network: Glauber sampling and exact Boltzmann enumeration.

Glauber (heat-bath) updates at temperature :math:`T` — pick a neuron, set :math:`s_i = +1` with
probability :math:`1/(1 + e^{-2\\beta (h_i - w_{ii} s_i)})`, its conditional law (a self-coupling
is a constant in E and drops out) — leave the Boltzmann distribution
:math:`P(s) \\propto e^{-\\beta E(s)}` stationary (Theory reference §4). A 0/1 network is sampled at its
own temperature :math:`T'`, i.e. :math:`P(V) \\propto e^{-E_{01}(V)/T'}` (the bipolar dynamics at
:math:`2T'`).
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass

import numpy as np

from .._results import SummaryRepr
from .._validation import check_budget, check_option, check_rng, check_scalar

__all__ = ["EquilibriumOverlap", "boltzmann_distribution", "equilibrium_overlap", "sample", "state_index"]

_MAX_ENUM = 20


def _check_net(net):
    from ..classical import HopfieldNetwork

    if not isinstance(net, HopfieldNetwork):
        raise TypeError(f"`net` must be a HopfieldNetwork; got {type(net).__name__}.")
    return net


def boltzmann_distribution(net, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Boltzmann distribution :math:`e^{-E(s)/T}/Z` over all :math:`2^N` states.

    Parameters
    ----------
    net : HopfieldNetwork
        At most 20 neurons.
    temperature : float
        In the network's own units (> 0).

    Returns
    -------
    states : ndarray of int8, shape (2**N, N)
        All states in the network's state space, in lexicographic order of their ±1 form
        (state k has neuron 0 as its most significant bit, −1 / 0 before +1 / 1).
    probs : ndarray of float, shape (2**N,)

    References
    ----------
    Theory reference §4.
    """
    _check_net(net)
    check_scalar(temperature, "temperature", numbers.Real, min_val=0.0, include_min=False)
    n = net.n_neurons
    if n > _MAX_ENUM:
        raise ValueError(f"exact enumeration needs n_neurons <= {_MAX_ENUM}; got {n}.")
    s = np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)
    own = (s + 1) // 2 if net.is_binary else s
    e = np.asarray(net.energy(own))
    logp = -(e - e.min()) / temperature
    p = np.exp(logp)
    return own.astype(np.int8), p / p.sum()


def state_index(states) -> np.ndarray:
    """Index of each ±1 or 0/1 state in the order of :func:`boltzmann_distribution`."""
    v = (np.asarray(states) > 0).astype(np.int64)
    n = v.shape[-1]
    return v @ (1 << np.arange(n - 1, -1, -1, dtype=np.int64))


def sample(
    net,
    n_samples: int,
    *,
    temperature: float,
    burn_in: int = 100,
    thin: int = 1,
    n_chains: int = 1,
    initial=None,
    update: str = "async",
    rng=None,
) -> np.ndarray:
    """Draw states from the Glauber dynamics at a fixed temperature (Markov chain Monte Carlo).

    ``n_chains`` independent chains run side by side (one batched recall per step); after
    ``burn_in`` sweeps each chain records a state every ``thin`` sweeps until ``n_samples``
    states per chain are collected.

    Parameters
    ----------
    net : HopfieldNetwork
    n_samples : int
        Samples per chain.
    temperature : float
        T > 0 in the network's own units (a 0/1 network at T' runs the ±1 dynamics at 2T').
    burn_in : int, default=100
        Sweeps discarded at the start.
    thin : int, default=1
        Sweeps between recorded samples.
    n_chains : int, default=1
    initial : array_like, shape (n_neurons,) or (n_chains, n_neurons), optional
        Starting states (default: uniformly random).
    update : {"async", "sequential"}, default="async"
        Random or fixed sweep order; both leave the Boltzmann distribution stationary.
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    ndarray of int8, shape (n_samples, n_chains, n_neurons)
        In the network's state space.

    References
    ----------
    Theory reference §4 (Glauber dynamics; Scholarpedia "Hopfield network").
    """
    _check_net(net)
    check_budget(n_samples, "n_samples")
    check_scalar(temperature, "temperature", numbers.Real, min_val=0.0, include_min=False)
    check_budget(burn_in, "burn_in", min_val=0)
    check_budget(thin, "thin")
    check_budget(n_chains, "n_chains")
    check_option(update, "update", ("async", "sequential"))
    gen = check_rng(rng)
    n = net.n_neurons
    if initial is None:
        s = np.where(gen.random((n_chains, n)) < 0.5, 1, -1).astype(np.int8)
        if net.is_binary:
            s = ((s + 1) // 2).astype(np.int8)
    else:
        s0, _ = _states(net, initial)
        if s0.shape[0] not in (1, n_chains):
            raise ValueError(f"`initial` has {s0.shape[0]} states but n_chains == {n_chains}.")
        s = np.ascontiguousarray(np.broadcast_to(s0, (n_chains, n)))
    out = np.empty((n_samples, n_chains, n), dtype=np.int8)
    if burn_in > 0:
        s = net.recall(s, update=update, temperature=temperature, max_sweeps=burn_in, rng=gen).states
    for k in range(n_samples):
        s = net.recall(s, update=update, temperature=temperature, max_sweeps=thin, rng=gen).states
        out[k] = s
    return out


def _states(net, x, name: str = "initial"):
    from .._validation import check_states

    return check_states(x, name, n_neurons=net.n_neurons, binary=net.is_binary)


@dataclass(frozen=True, repr=False)
class EquilibriumOverlap(SummaryRepr):
    """Time-averaged overlap with one pattern at equilibrium.

    Attributes
    ----------
    m : float
        Mean of :math:`|m(t)|` over samples and chains (the absolute value removes the
        :math:`s \\to -s` symmetry at zero thresholds).
    stderr : float
        Standard error from the spread of the per-chain means.
    trace : ndarray, shape (n_samples, n_chains)
        The signed overlap of each recorded sample.
    """

    m: float
    stderr: float
    trace: np.ndarray


def equilibrium_overlap(
    net,
    pattern,
    *,
    temperature: float,
    n_samples: int = 100,
    burn_in: int = 50,
    thin: int = 1,
    n_chains: int = 4,
    start: str = "pattern",
    rng=None,
) -> EquilibriumOverlap:
    """Estimate the equilibrium overlap :math:`\\langle |m| \\rangle` with ``pattern`` at temperature T.

    For one stored pattern (the Mattis model, 1/N Hebb rule) the mean-field answer is the largest
    root of :math:`m = \\tanh(m/T)`, :func:`~hopfield.analysis.mattis_overlap` (0.957 at T = 0.5,
    0 above :math:`T_c = 1`).

    Parameters
    ----------
    net : HopfieldNetwork
    pattern : array_like, shape (n_neurons,)
    temperature : float
    n_samples, burn_in, thin, n_chains : int
        As in :func:`sample`.
    start : {"pattern", "random"}, default="pattern"
        Start the chains on the pattern or on random states.
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    EquilibriumOverlap

    References
    ----------
    Theory reference §4 (Mattis case, mean-field equation).
    """
    _check_net(net)
    check_option(start, "start", ("pattern", "random"))
    check_budget(n_chains, "n_chains")
    xi, single = _states(net, pattern, "pattern")
    if not single:
        raise ValueError(f"`pattern` must be one 1-D state; got shape {np.shape(pattern)}.")
    initial = np.repeat(xi, n_chains, axis=0) if start == "pattern" else None
    samples = sample(net, n_samples, temperature=temperature, burn_in=burn_in, thin=thin,
                     n_chains=n_chains, initial=initial, rng=rng)
    bip = (lambda a: 2 * a.astype(np.int64) - 1) if net.is_binary else (lambda a: a.astype(np.int64))
    trace = (bip(samples) @ bip(xi[0])) / net.n_neurons
    per_chain = np.abs(trace).mean(axis=0)
    stderr = float(per_chain.std(ddof=1) / np.sqrt(n_chains)) if n_chains > 1 else float("nan")
    return EquilibriumOverlap(m=float(np.abs(trace).mean()), stderr=stderr, trace=trace)
