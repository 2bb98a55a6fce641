r"""Cut views of the Hopfield energy: Bruck's (biased) pseudo-cut and Uykan's shadow-cut.

**Pseudo-cut** (Bruck 1990; Uykan 2020). Split the neurons of a ±1 state by sign,
:math:`S^- = \{i : s_i = -1\}` and :math:`S^+ = \{i : s_i = +1\}`. For symmetric W the biased
pseudo-cut

.. math:: J(s) = \sum_{i \in S^-} \sum_{j \in S^+} w_{ij} \;-\; \sum_{i \in S^-} \theta_i

is the energy :math:`E(s) = -\tfrac12 s^\top W s + \theta^\top s` up to a constant and a factor 2:

.. math:: E(s) = c + 2 J(s), \qquad c = -\tfrac12 \sum_{ij} w_{ij} + \sum_i \theta_i .

(Expand :math:`s_i s_j = 1 - 2[s_i \ne s_j]` and :math:`s_i = 1 - 2[s_i = -1]`.) Flipping neuron i
changes J by :math:`\Delta J_i = s_i (\sum_{j \ne i} w_{ij} s_j - \theta_i)`, which for
:math:`w_{ii} = 0` is :math:`s_i h_i`: an asynchronous update flips neuron i **if and only if** the
flip lowers the pseudo-cut (Bruck's convergence argument). With :math:`\theta = 0` J is the plain
pseudo-cut, the weight of the edges between the two sign classes. Uykan writes the same bias with a
bias vector :math:`b = -\theta` (update :math:`\mathrm{sgn}(Ws + b)`), as :math:`+\sum_{S^-} b_i`.

**Shadow-cut** (Uykan 2021) of a complex (phasor) state :math:`z_i = e^{i\phi_i}` and Hermitian W:
cluster the neurons by phase; the cut between clusters :math:`C_k, C_l` (phases
:math:`\phi_k, \phi_l`) is seen through its real "shadow" :math:`\mathrm{Re}[(1 - e^{i(\phi_l -
\phi_k)}) W(C_k, C_l)]`, :math:`W(C_k, C_l) = \sum_{i \in C_k, j \in C_l} w_{ij}`. Summed over
cluster pairs, with the normalisation that makes it Bruck's pseudo-cut for K = 2,

.. math:: J_{\mathrm{sc}}(z) = \tfrac14 \sum_{k \ne l} \mathrm{Re}\big[(1 - e^{i(\phi_l - \phi_k)})
          W(C_k, C_l)\big] = \tfrac14 \sum_{ij} \mathrm{Re}\big[w_{ij}(1 - \bar z_i z_j)\big],

and the energy of the complex network is :math:`E(z) = -\tfrac12 \mathrm{Re}(z^H W z) =
-\tfrac12 \mathrm{Re}\sum_{ij} w_{ij} + 2 J_{\mathrm{sc}}(z)`, so the phasor network's
asynchronous dynamics, which never raise E, minimise the shadow-cut. (Uykan defines the shadow-cut
through the phase clusters; we could not consult the paper's text, so the normalisation here is
ours, fixed so that K = 2 gives Bruck's pseudo-cut; the identity with E is what the tests check.)

References
----------
Theory reference §12 (docs/theory.md).
J. Bruck, "On the convergence properties of the Hopfield model", Proc. IEEE 78:1579–1585 (1990).
Z. Uykan, "On the working principle of the Hopfield neural networks and its equivalence to the
GADIA in optimization", IEEE TNNLS 31:3294–3304 (2020).
Z. Uykan, "Shadow-cuts minimization/maximization and complex Hopfield neural networks", IEEE
TNNLS 32:1096–1109 (2021).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_real_array, check_finite_array, check_states, check_thresholds, check_weights

__all__ = ["energy_offset", "pseudo_cut", "pseudo_cut_change", "shadow_cut"]


def _symmetric_inputs(weights, states, thresholds):
    w = check_weights(weights, "weights", symmetric=True)
    s, single = check_states(states, "states", n_neurons=w.shape[0])
    theta = check_thresholds(thresholds, w.shape[0])
    return w, s.astype(np.float64), theta, single


def pseudo_cut(weights, states, thresholds=None) -> np.ndarray | float:
    r"""Biased pseudo-cut :math:`J(s) = \sum_{i \in S^-, j \in S^+} w_{ij} - \sum_{i \in S^-} \theta_i`.

    Parameters
    ----------
    weights : array_like, shape (n_neurons, n_neurons)
        Symmetric weights (bipolar space).
    states : array_like of ±1, shape (n_neurons,) or (batch, n_neurons)
    thresholds : array_like of shape (n_neurons,) or float, optional
        Thresholds θ of the update :math:`s_i \leftarrow \mathrm{sgn}(\sum_j w_{ij} s_j - \theta_i)`;
        without them J is the plain pseudo-cut.

    Returns
    -------
    float or ndarray of shape (batch,)
        With :func:`energy_offset`, :math:`E(s) = c + 2J(s)`.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[0.0, 1.0, -2.0], [1.0, 0.0, 3.0], [-2.0, 3.0, 0.0]])
    >>> pseudo_cut(W, [1, -1, 1])  # edges (1, 0) and (1, 2) cross the cut
    4.0
    """
    w, s, theta, single = _symmetric_inputs(weights, states, thresholds)
    minus = (s < 0).astype(np.float64)
    cut = np.einsum("bi,ij,bj->b", minus, w, 1.0 - minus) - minus @ theta
    return float(cut[0]) if single else cut


def pseudo_cut_change(weights, states, thresholds=None) -> np.ndarray:
    r"""Change of the biased pseudo-cut if neuron i alone flipped, for every i.

    .. math:: \Delta J_i = s_i \Big(\sum_{j \ne i} w_{ij} s_j - \theta_i\Big)

    For :math:`w_{ii} = 0` this is :math:`s_i h_i`: negative exactly when the asynchronous update of
    neuron i flips it (ties, :math:`h_i = 0`, change nothing under the "keep" rule).

    Returns
    -------
    ndarray of shape (n_neurons,) or (batch, n_neurons)
    """
    w, s, theta, single = _symmetric_inputs(weights, states, thresholds)
    field = s @ w.T - s * np.diag(w) - theta
    out = s * field
    return out[0] if single else out


def energy_offset(weights, thresholds=None) -> float:
    r"""The constant c of :math:`E = c + 2J`.

    .. math:: c = -\tfrac12 \mathrm{Re}\sum_{ij} w_{ij} + \sum_i \theta_i

    The same constant serves the pseudo-cut (real W, ±1 states) and the shadow-cut (Hermitian W,
    phasor states, no thresholds).
    """
    w = check_finite_array(weights, "weights", ndim=2, dtype=np.complex128 if np.iscomplexobj(
        as_real_array(weights, "weights", allow_complex=True)) else np.float64)
    if w.shape[0] != w.shape[1]:
        raise ValueError(f"`weights` must be square (n_neurons, n_neurons); got shape {w.shape}.")
    theta = check_thresholds(thresholds, w.shape[0])
    return float(-0.5 * np.sum(w).real + theta.sum())


def shadow_cut(weights, states) -> np.ndarray | float:
    r"""Shadow-cut of a phasor state for Hermitian W.

    .. math:: J_{\mathrm{sc}}(z) = \tfrac14\sum_{k \ne l}
              \mathrm{Re}\big[(1 - e^{i(\phi_l - \phi_k)})\, W(C_k, C_l)\big]

    The neurons are grouped into clusters :math:`C_k` of equal phase (exactly equal values of
    :math:`z_i`; continuous phases give one cluster per distinct value) and the cut weights
    :math:`W(C_k, C_l)` between clusters are summed through their shadows.

    Parameters
    ----------
    weights : array_like of complex, shape (n_neurons, n_neurons)
        Hermitian weights (a real symmetric matrix is Hermitian too).
    states : array_like of complex, shape (n_neurons,) or (batch, n_neurons)
        Unit-modulus (phasor) states.

    Returns
    -------
    float or ndarray of shape (batch,)
        With :func:`energy_offset`, :math:`-\tfrac12\mathrm{Re}(z^H W z) = c + 2J_{\mathrm{sc}}(z)`.
    """
    from .phasor import _check_hermitian, _check_phasors

    w = _check_hermitian(weights)
    z, single = _check_phasors(states, "states", w.shape[0], None)
    out = np.empty(z.shape[0])
    for b, zb in enumerate(z):
        phases, label = np.unique(zb, return_inverse=True)
        k = phases.size
        onehot = np.zeros((zb.size, k))
        onehot[np.arange(zb.size), label.ravel()] = 1.0
        cuts = onehot.T @ w @ onehot  # W(C_k, C_l)
        shadow = 1.0 - np.conj(phases)[:, None] * phases[None, :]  # 1 − e^{i(φ_l − φ_k)}
        out[b] = 0.25 * float(np.sum(shadow * cuts).real)  # diagonal terms vanish (1 − 1 = 0)
    return float(out[0]) if single else out
