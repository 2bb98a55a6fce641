r"""The complex-valued (phasor) Hopfield network: states on the unit circle.

Each neuron holds a phasor :math:`z_i = e^{i\phi_i}`: one of the K-th roots of unity
:math:`e^{2\pi i k/K}` (a K-state, "multistate" neuron; Noest 1988; Jankowski, Lozowski & Zurada
1996) or, with ``K=None``, any phase (continuous-phase neurons). Patterns are stored with the
Hermitian Hebb rule and recalled with the complex-sign activation:

.. math::
    W = \frac1N \sum_\mu \xi^\mu \xi^{\mu H}, \quad w_{ii} = 0, \qquad
    h = W z, \qquad
    z_i \leftarrow \mathrm{csign}_K\big(e^{i\pi/K} h_i\big), \qquad
    \mathrm{csign}_K(u) = e^{2\pi i k/K} \ \text{for}\ \arg u \in \big[\tfrac{2\pi k}{K},
    \tfrac{2\pi (k+1)}{K}\big),

i.e. :math:`z_i` becomes the root nearest in phase to :math:`h_i` (the rotation by
:math:`e^{i\pi/K}` centres each sector on its root); with continuous phase
:math:`z_i \leftarrow h_i/|h_i|`. The energy

.. math:: E(z) = -\tfrac12 z^H W z = -\tfrac12 \sum_{ij} \bar z_i w_{ij} z_j

is real for Hermitian W. Changing :math:`z_i` by :math:`\delta` changes it by
:math:`-\mathrm{Re}(\bar\delta h_i) - \tfrac12 w_{ii}|\delta|^2`, and the new state maximises
:math:`\mathrm{Re}(\bar z_i h_i)` over the allowed phases, so asynchronous updates never raise E
(Hermitian W, :math:`w_{ii} \ge 0`) and end at a fixed point. Synchronous updates with Hermitian W
end at a fixed point or a 2-cycle (Garimella et al. 2025 prove L ≤ 2; the classical
Goles–Bruck argument carries over). A neuron changes only when that strictly lowers E (beyond a
rounding tolerance); a zero field keeps the state, the classical tie rule "keep". For K = 2 the
roots are ±1, W is real and the network is the bipolar Hopfield network with θ = 0, step by step:
the same states, energies and (with the same ``rng``) the same random update orders.

The energy is also a cut: see :func:`hopfield.cuts.shadow_cut` (Uykan 2021).

References
----------
Theory reference §12 (docs/theory.md).
A. J. Noest, "Discrete-state phasor neural networks", Phys. Rev. A 38:2196 (1988).
S. Jankowski, A. Lozowski & J. M. Zurada, "Complex-valued multistate neural associative memory",
IEEE Trans. Neural Networks 7:1491–1496 (1996).
R. M. Garimella et al., "Dynamics of structured complex-valued Hopfield neural networks",
arXiv:2503.19885 (2025).
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import (
    as_real_array,
    check_bool,
    check_budget,
    check_finite_array,
    check_option,
    check_rng,
    check_scalar,
    check_trace_size,
)
from .classical import RecallResult, _clamp_mask
from .dynamics.updates import _PARALLEL_MIN_BATCH, Coupling, RawRecall

__all__ = [
    "PhasorHopfieldNetwork",
    "csign",
    "from_levels",
    "phase_noise",
    "random",
    "roots",
    "to_levels",
]

_TIE_RTOL = 1e-10  # the classical network's tie tolerance (classical._TIE_RTOL)
_UNIT_ATOL = 1e-9  # how far from the unit circle (or a root) an input may be
_UPDATES = ("async", "sequential", "sync")
_RULES = ("hebb", "projection")
_MESSAGES = {
    1: "reached a fixed point",
    2: "entered a 2-cycle (synchronous updates)",
    0: "stopped after max_sweeps without reaching a fixed point; try increasing `max_sweeps`",
}


# ---------------------------------------------------------------------------------------------- helpers
def _check_k(K):
    if K is None:
        return None
    check_scalar(K, "K", numbers.Integral, min_val=2)
    return int(K)


def roots(K: int) -> np.ndarray:
    r"""The K-th roots of unity :math:`e^{2\pi i k/K}`, k = 0..K-1, with exact 0 and ±1 parts."""
    K = _check_k(K)
    r = np.exp(2j * np.pi * np.arange(K) / K)
    re, im = r.real.copy(), r.imag.copy()
    re[np.abs(re) < 1e-15] = 0.0
    im[np.abs(im) < 1e-15] = 0.0
    re[np.abs(np.abs(re) - 1) < 1e-15] = np.sign(re[np.abs(np.abs(re) - 1) < 1e-15])
    im[np.abs(np.abs(im) - 1) < 1e-15] = np.sign(im[np.abs(np.abs(im) - 1) < 1e-15])
    return re + 1j * im


def _sector(h, K: int) -> np.ndarray:
    """Index k of the sector of e^{iπ/K} h (arg in [2πk/K, 2π(k+1)/K))."""
    a = np.mod(np.angle(h) + np.pi / K, 2 * np.pi)
    return np.minimum(np.floor(a * K / (2 * np.pi)).astype(np.int64), K - 1)


def csign(h, K: int | None) -> np.ndarray:
    r""":math:`\mathrm{csign}_K(e^{i\pi/K} h)`: the K-th root of unity nearest in phase to h.

    With ``K=None`` the continuous-phase activation :math:`h/|h|` (1 where h = 0).

    Examples
    --------
    >>> csign(np.array([2.0 + 0.1j, -1.0, 0.2j]), 4)
    array([ 1.+0.j, -1.+0.j,  0.+1.j])
    """
    K = _check_k(K)
    h = check_finite_array(h, "h", dtype=np.complex128, allow_empty=True)
    if K is None:
        mag = np.abs(h)
        return np.where(mag > 0, h / np.where(mag > 0, mag, 1.0), 1.0 + 0j)
    return roots(K)[_sector(h, K)]


def from_levels(levels, K: int) -> np.ndarray:
    """Integer levels 0..K-1 (e.g. grey levels) as phasors :math:`e^{2\\pi i k/K}`."""
    K = _check_k(K)
    lev = as_real_array(levels, "levels")
    if not np.issubdtype(lev.dtype, np.integer) or (lev.size and (lev.min() < 0 or lev.max() >= K)):
        raise ValueError(f"`levels` must be integers in 0..{K - 1} (`K` = {K}); got dtype {lev.dtype}"
                         + (f", range [{lev.min()}, {lev.max()}]" if lev.size else "") + ".")
    return roots(K)[lev]


def to_levels(z, K: int) -> np.ndarray:
    """The level k of the root :math:`e^{2\\pi i k/K}` nearest in phase to each entry of ``z``."""
    K = _check_k(K)
    a = np.mod(np.angle(check_finite_array(z, "z", dtype=np.complex128, allow_empty=True)), 2 * np.pi)
    return np.mod(np.rint(a * K / (2 * np.pi)).astype(np.int64), K)


def random(n_patterns: int, n_neurons: int, K: int | None, *, rng=None) -> np.ndarray:
    """Random phasor patterns (n_patterns, n_neurons): uniform roots, or uniform phases if K is None."""
    check_scalar(n_patterns, "n_patterns", numbers.Integral, min_val=1)
    check_scalar(n_neurons, "n_neurons", numbers.Integral, min_val=1)
    K = _check_k(K)
    gen = check_rng(rng)
    if K is None:
        return np.exp(1j * gen.uniform(0, 2 * np.pi, size=(n_patterns, n_neurons)))
    return roots(K)[gen.integers(0, K, size=(n_patterns, n_neurons))]


def phase_noise(z, sigma: float, K: int | None, *, rng=None) -> np.ndarray:
    """``z`` with Gaussian phase noise of standard deviation ``sigma`` (radians), re-quantised to
    the K-th roots when K is given. Never modifies ``z``."""
    check_scalar(sigma, "sigma", numbers.Real, min_val=0.0)
    K = _check_k(K)
    zz, _ = _check_phasors(z, "z", None, K)
    noisy = zz * np.exp(1j * check_rng(rng).normal(0.0, sigma, size=zz.shape))
    out = noisy if K is None else csign(noisy, K)
    return out.reshape(np.shape(z))


def _check_phasors(x, name: str, n_neurons, K):
    """Unit-modulus states as a new complex128 (batch, N) array (snapped to the exact roots when
    K is given), and whether the input was one 1-D state."""
    arr = check_finite_array(x, name, dtype=np.complex128, allow_empty=True)  # numbers, never strings
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"`{name}` must be 1-D (n_neurons,) or 2-D (batch, n_neurons) with at least "
                         f"one neuron; got shape {np.shape(x)}.")
    if n_neurons is not None and arr.shape[1] != n_neurons:
        raise ValueError(f"`{name}` has {arr.shape[1]} neurons but the network has {n_neurons}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` contains NaN or inf; phasor states must lie on the unit circle.")
    off = np.abs(np.abs(arr) - 1.0)
    if off.size and off.max() > _UNIT_ATOL:
        raise ValueError(f"`{name}` must lie on the unit circle (|z| = 1); max ||z| − 1| = "
                         f"{off.max():.3g}. Use `hf.phasor.csign` or `hf.phasor.from_levels`.")
    if K is not None:
        r = roots(K)
        snapped = r[to_levels(arr, K)]
        dist = np.abs(snapped - arr)
        if dist.size and dist.max() > _UNIT_ATOL:
            raise ValueError(f"`{name}` must hold {K}-th roots of unity (K = {K}); an entry is "
                             f"{dist.max():.3g} away from the nearest. Use `hf.phasor.csign(z, {K})`.")
        arr = snapped
    return arr, single


def _check_hermitian(w, name: str = "weights") -> np.ndarray:
    arr = check_finite_array(w, name, dtype=np.complex128, allow_empty=True)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"`{name}` must be a non-empty square matrix; got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` contains NaN or inf; every entry must be finite.")
    gap = float(np.max(np.abs(arr - arr.conj().T)))
    if gap > 1e-12 * max(1.0, float(np.max(np.abs(arr)))):
        raise ValueError(f"`{name}` must be Hermitian (W = Wᴴ); max |w_ij − conj(w_ji)| = {gap:.3g}. "
                         "Use (W + W.conj().T) / 2 if that is what you mean.")
    return arr


# ---------------------------------------------------------------------------------------------- model
class PhasorHopfieldNetwork:
    r"""Complex-valued Hopfield network with K-state or continuous-phase neurons.

    Parameters
    ----------
    n_neurons : int
        Number of neurons N.
    K : int or None, default=4
        Number of phase states (the K-th roots of unity, K ≥ 2), or None for continuous phase.
    rule : {"hebb", "projection"}, default="hebb"
        ``"hebb"``: :math:`W = \frac1N\sum_\mu \xi^\mu\xi^{\mu H}` (incremental).
        ``"projection"``: the projector onto the patterns' span,
        :math:`W = \Xi(\Xi^H\Xi)^{-1}\Xi^H` with :math:`\Xi = [\xi^1 \dots \xi^P]`, for correlated
        patterns such as images (the complex form of the pseudo-inverse rule; Lee 2006). Every
        linearly independent set is stored exactly: :math:`W\xi^\mu = \xi^\mu`, and with the
        diagonal zeroed the field is :math:`(1 - w_{ii})\xi^\mu_i`, same phase.

    Notes
    -----
    Hebb storage :math:`W \mathrel{+}= \frac1N \sum_\mu \xi^\mu \xi^{\mu H}` with zero diagonal;
    update :math:`z_i \leftarrow \mathrm{csign}_K(e^{i\pi/K} h_i)`, :math:`h = Wz`; energy
    :math:`E = -\tfrac12 z^H W z`. Recall runs in the same batched way as
    :class:`hopfield.HopfieldNetwork` (asynchronous sweeps in a Numba kernel that keeps the
    fields current; synchronous steps as matrix products) and returns the same
    :class:`hopfield.RecallResult`, with complex ``states``.

    References
    ----------
    A. J. Noest, Phys. Rev. A 38:2196 (1988); S. Jankowski, A. Lozowski & J. M. Zurada,
    IEEE Trans. Neural Networks 7:1491 (1996); D.-L. Lee, "Improvements of complex-valued Hopfield
    associative memory by using generalized projection rules", IEEE TNN 17:1341 (2006).

    Examples
    --------
    >>> import hopfield as hf
    >>> X = hf.phasor.random(4, 200, K=8, rng=0)
    >>> net = hf.PhasorHopfieldNetwork(200, K=8)
    >>> net = net.store(X)
    >>> r = net.recall(hf.phasor.phase_noise(X[0], 0.4, K=8, rng=1), rng=2)
    >>> bool(np.allclose(r.states, X[0]))
    True
    """

    def __init__(self, n_neurons: int, *, K: int | None = 4, rule: str = "hebb"):
        check_scalar(n_neurons, "n_neurons", numbers.Integral, min_val=1)
        self._k = _check_k(K)
        self._rule = check_option(rule, "rule", _RULES)
        n = int(n_neurons)
        self._w = np.zeros((n, n), dtype=np.complex128)
        self._patterns = np.zeros((0, n), dtype=np.complex128)
        self._hebb_only = True  # W is exactly the Hebb sum of the stored patterns
        self._coupling_cache = None

    @classmethod
    def from_weights(cls, weights, *, K: int | None = 4) -> PhasorHopfieldNetwork:
        """A network with given Hermitian weights (a real symmetric matrix is Hermitian)."""
        w = _check_hermitian(weights)
        net = cls(w.shape[0], K=K)
        net._w = w
        net._hebb_only = False
        return net

    # ------------------------------------------------------------------ properties
    @property
    def n_neurons(self) -> int:
        """Number of neurons N."""
        return self._w.shape[0]

    @property
    def K(self) -> int | None:
        """Number of phase states, or None for continuous phase."""
        return self._k

    @property
    def rule(self) -> str:
        """``"hebb"`` or ``"projection"``."""
        return self._rule

    @property
    def weights(self) -> np.ndarray:
        """The Hermitian weight matrix (a copy)."""
        return self._w.copy()

    @property
    def patterns(self) -> np.ndarray:
        """The stored patterns (a copy)."""
        return self._patterns.copy()

    @property
    def n_patterns(self) -> int:
        """Number of patterns stored."""
        return self._patterns.shape[0]

    def _field_function(self):
        r"""``Z -> Z Wᵀ`` (:math:`h = Wz` per row); for Hebb weights with 2P < N through the patterns,
        :math:`H = \tfrac1N (Z\bar\Xi^\top)\Xi - \tfrac PN Z` (2BNP instead of BN² operations)."""
        x = self._patterns
        if self._rule == "hebb" and self._hebb_only and 0 < 2 * x.shape[0] < self.n_neurons:
            c = 1.0 / self.n_neurons
            xc = x.conj().T.copy()
            diag = c * x.shape[0]
            return lambda z: c * ((z @ xc) @ x) - diag * z
        wt = self._w.T
        return lambda z: z @ wt

    def _coupling(self) -> Coupling:
        if self._coupling_cache is None:
            self._coupling_cache = Coupling.build(self._w, np.zeros(self.n_neurons), _TIE_RTOL)
        return self._coupling_cache

    # ------------------------------------------------------------------ learning
    def store(self, patterns) -> PhasorHopfieldNetwork:
        r"""Add patterns: Hebb :math:`W \mathrel{+}= \frac1N\sum_\mu \xi^\mu\xi^{\mu H}`, or the
        projection rule recomputed from every stored pattern; :math:`w_{ii} = 0` either way.

        Parameters
        ----------
        patterns : array_like of complex, shape (n_patterns, n_neurons) or (n_neurons,)
            Unit-modulus patterns (K-th roots of unity for a K-state network).

        Returns
        -------
        PhasorHopfieldNetwork
            The network itself, so that calls chain: ``net.store(X).recall(probe)``.
        """
        x, _ = _check_phasors(patterns, "patterns", self.n_neurons, self._k)
        every = np.concatenate([self._patterns, x])
        if self._rule == "hebb":
            dw = (x.T @ x.conj()) / self.n_neurons  # w_ij = (1/N) Σ ξ_i conj(ξ_j)
            np.fill_diagonal(dw, 0.0)
            self._w = self._w + dw
        else:
            self._w = _projection(every)
        self._patterns = every
        self._coupling_cache = None
        return self

    # ------------------------------------------------------------------ energy and fields
    def energy(self, states) -> np.ndarray | float:
        r"""Energy :math:`E(z) = -\tfrac12 z^H W z` (real for Hermitian W).

        Parameters
        ----------
        states : array_like of complex, shape (n_neurons,) or (batch, n_neurons)

        Returns
        -------
        float or ndarray of shape (batch,)
        """
        z, single = _check_phasors(states, "states", self.n_neurons, self._k)
        e = _energy(z, z @ self._w.T)
        return float(e[0]) if single else e

    def local_field(self, states) -> np.ndarray:
        """Local fields :math:`h = W z`."""
        z, single = _check_phasors(states, "states", self.n_neurons, self._k)
        h = z @ self._w.T
        return h[0] if single else h

    def is_fixed_point(self, states) -> np.ndarray | bool:
        """Whether no single-neuron update would change each state."""
        z, single = _check_phasors(states, "states", self.n_neurons, self._k)
        h = z @ self._w.T
        out = ~np.any(_update_mask(z, h, self._k, self._coupling().eps, 1e-12)[0], axis=1)
        return bool(out[0]) if single else out

    # ------------------------------------------------------------------ recall
    def recall(self, probes, *, update: str = "async", max_sweeps: int = 100, tol: float = 1e-9,
               clamp=None, trace: bool = False, rng=None) -> RecallResult:
        """Run the dynamics from each probe until a fixed point (or a 2-cycle) or ``max_sweeps``.

        Parameters
        ----------
        probes : array_like of complex, shape (n_neurons,) or (batch, n_neurons)
            Unit-modulus initial states (K-th roots for a K-state network). Never modified.
        update : {"async", "sequential", "sync"}, default="async"
            ``"async"``: one neuron at a time in a new random order each sweep; ``"sequential"``:
            fixed order 0..N-1; ``"sync"``: all neurons at once.
        max_sweeps : int, default=100
        tol : float, default=1e-9
            A neuron changes only by more than ``tol`` (matters for continuous phase, where a
            fixed point is reached only up to rounding).
        clamp : array_like of bool, shape (n_neurons,) or (batch, n_neurons), optional
            Neurons that never change.
        trace : bool, default=False
            Record the energy after each sweep.
        rng : int or numpy.random.Generator, optional
            Randomness of the asynchronous update order.

        Returns
        -------
        RecallResult
            ``states`` complex128; ``flips`` counts state changes.
        """
        z, single = _check_phasors(probes, "probes", self.n_neurons, self._k)
        if self._hebb_only and self.n_patterns == 0:
            raise ValueError("this network has no weights yet: call `store(patterns)` before `recall`, "
                             "or build it with `PhasorHopfieldNetwork.from_weights(W)`.")
        check_option(update, "update", _UPDATES)
        check_budget(max_sweeps, "max_sweeps")
        check_scalar(tol, "tol", numbers.Real, min_val=0.0)
        trace = check_bool(trace, "trace")
        if trace:
            check_trace_size(z.shape[0] * (max_sweeps + 1), "max_sweeps", " or the batch size")
        mask = _clamp_mask(clamp, z.shape)
        gen = check_rng(rng)
        field = self._field_function()
        if update == "sync":
            raw = _sync(self._coupling(), field, z, mask, self._k, float(tol), int(max_sweeps),
                        bool(trace))
        else:
            raw = _async(self._coupling(), field, z, mask, self._k, float(tol), int(max_sweeps),
                         bool(trace), update == "async", gen)
        bad = np.flatnonzero(raw.cycle_length != 1)
        message = _MESSAGES[int(raw.cycle_length[bad[0]])] if bad.size else _MESSAGES[1]
        if single:
            return RecallResult(raw.states[0], bool(raw.converged[0]), int(raw.sweeps[0]),
                                int(raw.cycle_length[0]), float(raw.energy[0]), int(raw.flips[0]),
                                None if raw.trace is None else raw.trace[0], message)
        return RecallResult(raw.states, raw.converged, raw.sweeps, raw.cycle_length, raw.energy,
                            raw.flips, raw.trace, message)

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        config = {"K": self._k, "rule": self._rule, "hebb_only": self._hebb_only}
        return config, {"weights": self._w, "patterns": self._patterns}

    @classmethod
    def _from_arrays(cls, config, arrays):
        net = cls.from_weights(arrays["weights"], K=config.get("K"))
        net._rule = check_option(config.get("rule", "hebb"), "rule", _RULES)
        pats = np.asarray(arrays["patterns"])
        if pats.ndim != 2 or pats.shape[1] != net.n_neurons or pats.dtype != np.complex128:
            raise ValueError("stored patterns must be a complex128 array with one column per neuron")
        net._w = np.array(arrays["weights"], dtype=np.complex128, copy=True)  # bit-exact
        net._patterns = np.array(pats, copy=True)
        net._hebb_only = bool(config.get("hebb_only", False))
        if net._hebb_only and pats.shape[0]:
            hebb = (pats.T @ pats.conj()) / net.n_neurons
            np.fill_diagonal(hebb, 0.0)
            if not np.allclose(hebb, net._w, rtol=0, atol=1e-9):
                # recall may use the patterns instead of W (see _field_function): they must agree
                raise ValueError("the weights are not the Hebb weights of the stored patterns")
        return net

    def copy(self) -> PhasorHopfieldNetwork:
        """An independent copy."""
        new = PhasorHopfieldNetwork(self.n_neurons, K=self._k, rule=self._rule)
        new._w = self._w.copy()
        new._patterns = self._patterns.copy()
        new._hebb_only = self._hebb_only
        return new

    def __repr__(self) -> str:
        return (f"PhasorHopfieldNetwork(n_neurons={self.n_neurons}, K={self._k}, "
                f"rule={self._rule!r}, n_patterns={self.n_patterns})")


def _projection(x: np.ndarray) -> np.ndarray:
    """Ξ(ΞᴴΞ)⁻¹Ξᴴ for the rows of ``x`` (exactly Hermitian), zero diagonal."""
    xi = x.T
    gram = xi.conj().T @ xi
    if np.linalg.matrix_rank(gram) < gram.shape[0]:
        raise ValueError(f"the projection rule needs linearly independent patterns; these "
                         f"{x.shape[0]} patterns span only {np.linalg.matrix_rank(gram)} dimensions.")
    w = xi @ np.linalg.solve(gram, xi.conj().T)
    w = (w + w.conj().T) / 2
    np.fill_diagonal(w, 0.0)
    return w


# ---------------------------------------------------------------------------------------------- dynamics
def _energy(z, h):
    """E = −½ Re Σ_i conj(z_i) h_i, from the fields h = Wz."""
    return -0.5 * np.einsum("bi,bi->b", z.conj(), h).real


def _update_mask(z, h, K, eps, tol):
    """Which neurons a zero-temperature update changes, and to what (strict descent only)."""
    new = csign(h, K)
    d = new - z
    size = np.abs(d)
    gain = (d.conj() * h).real
    change = (np.abs(h) > eps) & (size > tol) & (gain > eps * size)
    return change, new


def _async(coupling, field, z, clamp, K, tol, max_sweeps, track, random_order, rng) -> RawRecall:
    from ._phasor_kernels import ORDER_FIXED, ORDER_RANDOM, async_sweeps, async_sweeps_serial

    batch = z.shape[0]
    fields = field(z)
    energies = _energy(z, fields)
    trace = np.zeros((batch, max_sweeps + 1)) if track else np.zeros((batch, 0))
    # drawn exactly as the classical Asynchronous schedule draws them, so K = 2 repeats its orders
    seeds = rng.integers(0, 2**63, size=batch, dtype=np.uint64)
    sweeps = np.zeros(batch, dtype=np.int64)
    converged = np.zeros(batch, dtype=np.bool_)
    changes = np.zeros(batch, dtype=np.int64)
    kernel = async_sweeps if batch >= _PARALLEL_MIN_BATCH else async_sweeps_serial
    table = roots(K) if K is not None else np.ones(1, dtype=np.complex128)
    kernel(coupling.wt, coupling.eps, np.ascontiguousarray(coupling.diag.real), z, fields, clamp,
           ORDER_RANDOM if random_order else ORDER_FIXED, 0 if K is None else K, table, tol,
           max_sweeps, seeds, energies, trace, sweeps, converged, changes)
    return RawRecall(z, converged, sweeps, converged.astype(np.int64), energies, changes,
                     trace if track else None)


def _sync(coupling, field, z, clamp, K, tol, max_sweeps, track) -> RawRecall:
    """All neurons at once, with fixed-point and 2-cycle detection (mirrors classical Synchronous)."""
    eps = coupling.eps
    batch = z.shape[0]
    prev = np.zeros_like(z)
    has_prev = False
    active = np.ones(batch, dtype=bool)
    converged = np.zeros(batch, dtype=bool)
    cycle = np.zeros(batch, dtype=np.int64)
    sweeps = np.full(batch, max_sweeps, dtype=np.int64)
    changes = np.zeros(batch, dtype=np.int64)
    trace = np.zeros((batch, max_sweeps + 1)) if track else None
    h = field(z)
    energy = _energy(z, h)
    if track:
        trace[:, 0] = energy
    for t in range(max_sweeps):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            if track:
                trace[:, t + 1:] = energy[:, None]
            break
        zs = z[idx]
        change, target = _update_mask(zs, h[idx], K, eps, tol)
        change &= ~clamp[idx]
        new = np.where(change, target, zs)
        n_changed = np.count_nonzero(change, axis=1)
        changes[idx] += n_changed
        fixed = n_changed == 0
        if has_prev:
            two = np.all(np.abs(new - prev[idx]) <= max(tol, 1e-12), axis=1) & ~fixed
        else:
            two = np.zeros_like(fixed)
        prev[idx] = zs
        z[idx] = new
        h[idx] = field(new)
        energy[idx] = _energy(new, h[idx])
        if track:
            trace[:, t + 1] = energy
        done = fixed | two
        converged[idx[fixed]] = True
        cycle[idx[fixed]] = 1
        cycle[idx[two]] = 2
        sweeps[idx[done]] = t + 1
        active[idx[done]] = False
        has_prev = True
    return RawRecall(z, converged, sweeps, cycle, energy, changes, trace)

