"""The classical network as an Ising model: exact Hamiltonian conversion and temperature scales.

.. math:: H(s) = -\\sum_{i<j} J_{ij} s_i s_j - \\sum_i h_i s_i + c

equals the Hopfield energy :math:`E(s) = -\\tfrac12\\sum_{ij} w_{ij}s_is_j + \\sum_i\\theta_is_i` with
:math:`J_{ij} = w_{ij}` (the symmetric part, :math:`i \\ne j`), :math:`h_i = -\\theta_i` and the
constant :math:`c = -\\tfrac12\\sum_i w_{ii}` (Theory reference §4). "This case is isomorphic with an Ising
model. :math:`T_{ij}` provides the role of the exchange coupling" (Hopfield 1982). The Glauber
dynamics of the network at temperature :math:`T` samples :math:`e^{-H/T}`.

For a 0/1 network the spins are :math:`s = 2V - 1` and the Hamiltonian reproduces the network's
own energy :math:`E_{01}(V)`, which is half the bipolar one plus a constant; so the 0/1 network
at its own temperature :math:`T'` is the ±1 network at :math:`T = 2T'`
(:func:`bipolar_temperature`).

This module is the statistical-physics link for :class:`~hopfield.HopfieldNetwork`; for
optimisation models (QUBO, max-cut) see :mod:`hopfield.optimize`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_bipolar, check_finite_array, check_option, check_scalar, check_thresholds

__all__ = ["binary_temperature", "bipolar_temperature", "from_ising", "ising_energy", "to_ising"]


def to_ising(net) -> tuple[np.ndarray, np.ndarray, float]:
    """Couplings, fields and offset of the Ising Hamiltonian equal to ``net.energy``.

    Parameters
    ----------
    net : HopfieldNetwork

    Returns
    -------
    J : ndarray, shape (n_neurons, n_neurons)
        Symmetric couplings with zero diagonal (:math:`(W + W^\\top)/2` off the diagonal).
    h : ndarray, shape (n_neurons,)
        External fields :math:`-\\theta`.
    offset : float
        Constant c with :math:`H(s) + c = E(s)` for every state (spins :math:`s = 2V - 1` for a
        0/1 network, whose own energy is reproduced).

    References
    ----------
    Theory reference §4; J. J. Hopfield, PNAS 79:2554 (1982).

    Examples
    --------
    >>> import hopfield as hf
    >>> net = hf.HopfieldNetwork(4).store([[1, -1, 1, -1]])
    >>> J, h, c = hf.ising.to_ising(net)
    >>> s = [1, 1, -1, -1]
    >>> bool(abs(hf.ising.ising_energy(J, h, s) + c - net.energy(s)) < 1e-12)
    True
    """
    from .classical import HopfieldNetwork

    if not isinstance(net, HopfieldNetwork):
        raise TypeError(f"`net` must be a HopfieldNetwork; got {type(net).__name__}.")
    w = net.bipolar_weights
    theta = net.bipolar_thresholds
    sym = (w + w.T) / 2.0
    j = sym.copy()
    np.fill_diagonal(j, 0.0)
    offset = -0.5 * float(np.trace(w))
    h = -theta
    if net.is_binary:
        # E01 = (E± + ½ Σ w + Σ θ) / 2 (Theory reference §1)
        j, h = j / 2.0, h / 2.0
        offset = (offset + 0.5 * float(w.sum()) + float(theta.sum())) / 2.0
    return j, h, offset


def from_ising(couplings, fields=None, *, states: str = "bipolar"):
    """The Hopfield network whose energy is the Ising Hamiltonian (up to a constant).

    ``W = J`` (symmetric, zero diagonal), :math:`\\theta = -h`. Only the couplings with
    :math:`i < j` enter :math:`H`: ``couplings`` may be symmetric or upper triangular.

    Parameters
    ----------
    couplings : array_like, shape (n, n)
    fields : array_like, shape (n,) or float, optional
    states : {"bipolar", "binary"}, default="bipolar"
        For ``"binary"`` the network's 0/1 energy equals H at spins :math:`s = 2V - 1` (up to a
        constant), i.e. the bipolar weights are :math:`2J` and thresholds :math:`-2h`.

    Returns
    -------
    HopfieldNetwork
    """
    from .classical import HopfieldNetwork

    check_option(states, "states", ("bipolar", "binary"))
    jm = check_finite_array(couplings, "couplings", ndim=2)
    if jm.shape[0] != jm.shape[1]:
        raise ValueError(f"`couplings` must be square; got shape {jm.shape}.")
    n = jm.shape[0]
    upper = np.triu(jm, 1)
    lower = np.tril(jm, -1)
    if np.any(lower != 0) and not np.allclose(lower, upper.T, rtol=1e-12, atol=1e-12):
        raise ValueError("`couplings` must be symmetric or upper triangular (only i < j enters H).")
    h = check_thresholds(fields, n, "fields")
    w = upper + upper.T
    if states == "binary":
        # bipolar (2J, -2h) → own space W' = 2W, θ' = θ + W·1
        wb, tb = 2.0 * w, -2.0 * h
        return HopfieldNetwork.from_weights(2.0 * wb, tb + wb.sum(axis=1), states="binary")
    return HopfieldNetwork.from_weights(w, -h)


def ising_energy(couplings, fields, spins) -> np.ndarray | float:
    """:math:`H(s) = -\\sum_{i<j} J_{ij} s_i s_j - \\sum_i h_i s_i` for one state or a batch."""
    jm = check_finite_array(couplings, "couplings", ndim=2)
    s = check_bipolar(spins, "spins").astype(np.float64)
    if s.ndim not in (1, 2):
        raise ValueError(f"`spins` must be 1-D or 2-D; got shape {s.shape}.")
    h = check_thresholds(fields, jm.shape[0], "fields")
    if jm.shape != (s.shape[-1], s.shape[-1]):
        raise ValueError(f"`couplings` has shape {jm.shape} but `spins` have {s.shape[-1]} entries.")
    upper = np.triu(jm, 1)
    e = -np.einsum("...i,ij,...j->...", s, upper, s) - s @ h
    return float(e) if np.ndim(e) == 0 else e


def bipolar_temperature(binary_temperature: float) -> float:
    """Temperature of the ±1 network equivalent to a 0/1 network at ``binary_temperature``: ×2.

    With :math:`W' = 2W` the 0/1 energy gap of a unit is :math:`h_i` while the ±1 gap is
    :math:`2h_i`, so :math:`T = 2T'` (Theory reference §4 temperature trap).
    """
    check_scalar(binary_temperature, "binary_temperature", numbers.Real, min_val=0.0)
    return 2.0 * float(binary_temperature)


def binary_temperature(bipolar_temperature: float) -> float:
    """Inverse of :func:`bipolar_temperature`: :math:`T' = T/2`."""
    check_scalar(bipolar_temperature, "bipolar_temperature", numbers.Real, min_val=0.0)
    return 0.5 * float(bipolar_temperature)
