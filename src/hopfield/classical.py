"""The classical binary Hopfield network (Hopfield 1982).

States are ±1 (``states="bipolar"``) or 0/1 (``states="binary"``). The energy is

.. math:: E(s) = -\\tfrac12 \\sum_{ij} w_{ij} s_i s_j + \\sum_i \\theta_i s_i

and a neuron updates to the sign of its local field :math:`h_i = \\sum_j w_{ij} s_j - \\theta_i`
(on a tie, :math:`h_i = 0`, it keeps its state by default: Hopfield's eq. 1 uses strict
inequalities). A binary network is the exact image of a bipolar one (Theory reference §1):

.. math:: W' = 2W, \\qquad \\theta'_i = \\theta_i + \\sum_j w_{ij},
          \\qquad E_{\\pm}(s) = 2E_{01}(V) - \\tfrac12\\sum_{ij} w_{ij} - \\sum_i \\theta_i,

so a binary network storing 0/1 patterns behaves exactly like the bipolar network storing the
same patterns. Internally the network keeps the bipolar ``(W, θ)``; ``weights`` and ``thresholds``
are reported in the network's own state space.

Hebb weights are kept as what they are, integers times a scale (``precision="auto"``, see
:mod:`hopfield.dynamics.coupling`): the stored patterns, and the integer matrix
:math:`K = \\Xi^\\top\\Xi` (int8 for P ≤ 127) only when recall needs it. ``weights`` returns the
float64 matrix :math:`cK` on request (a copy, as always); recall, energies, fields and fixed-point
tests never form it.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._results import SummaryRepr
from ._validation import (
    check_bool,
    check_budget,
    check_option,
    check_patterns,
    check_rng,
    check_scalar,
    check_schedule,
    check_states,
    check_thresholds,
    check_trace_size,
    check_weights,
)
from .dynamics import UPDATES, AbstractUpdate
from .dynamics.coupling import PRECISIONS, TIE_RTOL, Coupling, HebbIntegers
from .rules import RULES, AbstractRule, Hebb, _hebb_scale, get_rule

__all__ = ["HopfieldNetwork", "RecallResult"]

_STATES = ("bipolar", "binary")
_TIES = {"keep": 0, "+1": 1}
_TIE_RTOL = TIE_RTOL["float64"]  # a float field within this relative distance of zero is a tie
_MESSAGES = {
    1: "reached a fixed point",
    2: "entered a 2-cycle (synchronous updates)",
    0: "stopped after max_sweeps without reaching a fixed point; try increasing `max_sweeps`",
}


@dataclass(frozen=True, repr=False)
class RecallResult(SummaryRepr):
    """Outcome of :meth:`HopfieldNetwork.recall`.

    For a single 1-D probe the fields are scalars and ``states`` is 1-D; for a batch they are
    arrays with one entry per probe.

    Attributes
    ----------
    states : ndarray of int8, shape (n_neurons,) or (batch, n_neurons)
        Final states, in the network's state space (±1 or 0/1; complex128 phasors for
        :class:`hopfield.PhasorHopfieldNetwork`).
    converged : bool or ndarray of bool
        True where the last sweep changed nothing at zero temperature (a fixed point).
    sweeps : int or ndarray of int
        Sweeps performed (one synchronous step counts as one sweep).
    cycle_length : int or ndarray of int
        1 at a fixed point, 2 on a 2-cycle (synchronous updates), 0 if neither was reached.
    energy : float or ndarray of float
        Energy of the final states, in the network's own units.
    flips : int or ndarray of int
        Total number of neuron flips.
    energy_trace : ndarray or None
        With ``trace=True``: the energy after each sweep, shape (..., max_sweeps + 1); entries
        after convergence repeat the final energy. For asymmetric W under asynchronous updates
        only the last entry is computed (the others are NaN).
    message : str
        Summary in words (for a batch, of the first probe that did not converge, if any).
    """

    states: np.ndarray
    converged: np.ndarray | bool
    sweeps: np.ndarray | int
    cycle_length: np.ndarray | int
    energy: np.ndarray | float
    flips: np.ndarray | int
    energy_trace: np.ndarray | None
    message: str

    @property
    def success(self) -> bool:
        """Whether every probe reached a fixed point."""
        return bool(np.all(self.converged))


class HopfieldNetwork:
    """Classical Hopfield network with a learning rule, thresholds and several update schedules.

    Parameters
    ----------
    n_neurons : int
        Number of neurons N.
    rule : str, rules.AbstractRule or callable, default="hebb"
        Learning rule used by :meth:`store`: ``"hebb"``, ``"storkey"``, ``"pseudoinverse"``,
        ``"mackay"``, a rule object, or a function ``patterns -> weights`` (bipolar patterns in).
    states : {"bipolar", "binary"}, default="bipolar"
        State space: ±1 or 0/1.
    thresholds : array_like of shape (n_neurons,) or float, optional
        Thresholds :math:`\\theta` in the network's own state space (default 0). For a binary
        network these are added to the thresholds that the conversion from ±1 implies.
    precision : {"auto", "float32", "float64"}, default="auto"
        How recall reads the weights. ``"auto"``: Hebb weights as exact integers (int8 when
        P ≤ 127, int16 up to 32767; integer fields, so ties are exact), every other rule's in
        float64. ``"float32"``: as ``"auto"``, but non-Hebb weights read as float32 (fields still
        accumulate in float64; near-ties within float32 rounding count as ties).
        ``"float64"``: everything in float64 (the reference path). Zero-temperature recall gives
        the same states with ``"auto"`` and ``"float64"``.
    **rule_params
        Passed to the rule's constructor, e.g. ``normalize="p"`` for Hebb.

    Notes
    -----
    With ``states="binary"`` the network stores 0/1 patterns by converting them to ±1, applying the
    rule, and converting the weights by :math:`W' = 2W`, :math:`\\theta' = \\theta + W\\mathbf 1`.
    Asynchronous recall with symmetric W and non-negative self-couplings never raises the energy.

    References
    ----------
    J. J. Hopfield, PNAS 79:2554 (1982); J. Bruck, Proc. IEEE 78:1579 (1990).

    Examples
    --------
    >>> import hopfield as hf
    >>> X = hf.patterns.random(5, 100, rng=0)
    >>> net = hf.HopfieldNetwork(100)
    >>> net = net.store(X)
    >>> r = net.recall(hf.patterns.flip(X[0], 0.1, rng=1), rng=2)
    >>> float(hf.patterns.overlap(r.states, X[0]))
    1.0
    """

    def __init__(self, n_neurons: int, *, rule="hebb", states: str = "bipolar", thresholds=None,
                 precision: str = "auto", **rule_params):
        check_scalar(n_neurons, "n_neurons", numbers.Integral, min_val=1)
        self._states = check_option(states, "states", _STATES)
        self._precision = check_option(precision, "precision", PRECISIONS)
        self._rule: AbstractRule = get_rule(rule, **rule_params)
        n = int(n_neurons)
        self._patterns = np.zeros((0, n), dtype=np.int8)  # bipolar
        self._hebb_k = HebbIntegers(getattr(self._rule, "zero_diagonal", True))
        self._custom_w = False  # True once W is set directly (from_weights), not by the rule
        self._w = None if self._integer_hebb else np.zeros((n, n))
        self._extra_theta = check_thresholds(thresholds, n)  # user thresholds, own space
        self._has_weights = False  # until store() or from_weights(): every later _w assignment sets it

    # ------------------------------------------------------------------ cached derived quantities
    @property
    def _integer_hebb(self) -> bool:
        """Whether the weights are the Hebb weights of the stored patterns, kept as integers."""
        return isinstance(self._rule, Hebb) and self._precision != "float64" and not self._custom_w

    @property
    def _w(self) -> np.ndarray:
        """Float64 bipolar W; for integer Hebb weights formed on first use (c·K) and cached."""
        if self.__w is not None:
            return self.__w
        if "w" not in self._cache:
            x = self._patterns
            n = x.shape[1]
            if x.shape[0] == 0:
                w = np.zeros((n, n))
            elif self._hebb_k.formed(x):
                w = self._hebb_k.matrix(x) * _hebb_scale(self._rule.normalize, n, x.shape[0])
            else:
                w = self._rule._weights(x)
            self._cache["w"] = w
        return self._cache["w"]

    @_w.setter
    def _w(self, value: np.ndarray | None) -> None:
        self.__w = value
        self._cache = {}
        self._has_weights = True

    @property
    def _extra_theta(self) -> np.ndarray:
        return self.__theta

    @_extra_theta.setter
    def _extra_theta(self, value: np.ndarray) -> None:
        self.__theta = value
        self._cache = {}

    def _coupling(self) -> Coupling:
        """What recall reads (exact integers for Hebb weights), once per weight matrix."""
        if "coupling" not in self._cache:
            x, c = self._patterns, None
            if self._integer_hebb and x.shape[0]:
                scale = _hebb_scale(self._rule.normalize, self.n_neurons, x.shape[0])
                c = Coupling.from_hebb(x, scale, self._rule.zero_diagonal, self._extra_theta,
                                       self._hebb_k)
            if c is None:  # float weights, or thresholds that are not integers times c
                c = Coupling.from_weights(self._w, self._extra_theta, self._precision,
                                          self._field_function())
            self._cache["coupling"] = c
        return self._cache["coupling"]

    def _real_fields(self, s: np.ndarray) -> np.ndarray:
        """Bipolar fields :math:`Ws - \theta` (float64) of clean int8 states, never forming W."""
        c = self._coupling()
        h = c.field(s)
        return c.scale * h if c.integer else h

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_weights(cls, weights, thresholds=None, *, states: str = "bipolar") -> HopfieldNetwork:
        """A network with given weights and thresholds, in the state space ``states``.

        Weights need not be symmetric (then asynchronous convergence is not guaranteed and
        ``max_sweeps`` bounds the run). :meth:`store` then adds the Hebb term of the new patterns
        to these weights (see there).
        """
        w = check_weights(weights)
        net = cls(w.shape[0], states=states)
        net._custom_w = True
        theta = check_thresholds(thresholds, w.shape[0])
        if net.is_binary:
            net._w = w / 2.0
            net._extra_theta = theta - w.sum(axis=1) / 2.0  # θ = θ' − ½ Σ_j W'_ij
        else:
            net._w = w
            net._extra_theta = theta
        return net

    # ------------------------------------------------------------------ properties
    @property
    def n_neurons(self) -> int:
        """Number of neurons N."""
        return self._patterns.shape[1]

    @property
    def is_binary(self) -> bool:
        """True for a 0/1 network."""
        return self._states == "binary"

    @property
    def state_space(self) -> str:
        """``"bipolar"`` or ``"binary"``."""
        return self._states

    @property
    def rule(self) -> AbstractRule:
        """The learning rule used by :meth:`store`."""
        return self._rule

    @property
    def n_patterns(self) -> int:
        """Number of patterns stored so far."""
        return self._patterns.shape[0]

    @property
    def patterns(self) -> np.ndarray:
        """The stored patterns, in the network's state space (a copy)."""
        return self._to_own(self._patterns)

    @property
    def weights(self) -> np.ndarray:
        """Weight matrix in the network's state space (a copy)."""
        return 2.0 * self._w if self.is_binary else self._w.copy()

    @property
    def thresholds(self) -> np.ndarray:
        """Thresholds in the network's state space (a copy)."""
        if self.is_binary:
            return self._row_sums() + self._extra_theta  # θ' = θ + W·1
        return self._extra_theta.copy()

    def _row_sums(self) -> np.ndarray:
        """W·1 (bipolar), through the patterns for integer Hebb weights."""
        if self.__w is None and self._coupling().integer:
            ones = np.ones((1, self.n_neurons), dtype=np.int8)
            return self._real_fields(ones)[0] + self._extra_theta
        return self._w.sum(axis=1)

    @property
    def bipolar_weights(self) -> np.ndarray:
        """W of the equivalent ±1 network (a copy)."""
        return self._w.copy()

    @property
    def bipolar_thresholds(self) -> np.ndarray:
        """θ of the equivalent ±1 network (a copy)."""
        return self._extra_theta.copy()

    # ------------------------------------------------------------------ conversions
    def _to_own(self, s: np.ndarray) -> np.ndarray:
        return ((s + 1) // 2).astype(np.int8) if self.is_binary else s.astype(np.int8, copy=True)

    def _to_bipolar(self, x, name: str, *, patterns: bool = False):
        check = check_patterns if patterns else check_states
        out = check(x, name, n_neurons=self.n_neurons, binary=self.is_binary)
        arr = out if patterns else out[0]
        if self.is_binary:
            arr = (2 * arr - 1).astype(np.int8)
        return arr if patterns else (arr, out[1])

    def _energy_to_own(self, e_bipolar):
        if not self.is_binary:
            return e_bipolar
        # E± = 2 E01 − ½ Σ w_ij − Σ θ_i   (θ: bipolar thresholds)
        return (e_bipolar + 0.5 * self._row_sums().sum() + self._extra_theta.sum()) / 2.0

    # ------------------------------------------------------------------ learning
    def store(self, patterns) -> HopfieldNetwork:
        """Store patterns with the network's rule (incrementally where the rule allows).

        Parameters
        ----------
        patterns : array_like, shape (n_patterns, n_neurons) or (n_neurons,)
            ±1 (or 0/1 for a binary network) patterns.

        Returns
        -------
        HopfieldNetwork
            The network itself, so that calls chain: ``HopfieldNetwork(N).store(X).recall(probe)``.

        Notes
        -----
        On a network built with :meth:`from_weights` the given weights are the memory so far:
        Hebb's rule adds the term of the new patterns to them, :math:`W + \\tfrac1N \\sum_\\mu
        \\xi^\\mu \\xi^{\\mu\\top}` (zero diagonal: the given diagonal is kept), an incremental
        rule such as Storkey's updates them. A rule that computes W from all the patterns at once
        (pseudo-inverse, MacKay) or Hebb normalised by the pattern count (``normalize="p"``)
        cannot extend weights that no patterns produced, and raises ``ValueError``.
        """
        x = self._to_bipolar(patterns, "patterns", patterns=True)
        if self._integer_hebb:  # the patterns are the weights (see _coupling)
            self._patterns = np.concatenate([self._patterns, x])
            self._w = None
            return self
        if self._custom_w:
            self._w = self._extend_given(x)
        elif self._rule.incremental:
            self._w = self._rule.extend(self._w, x, self.n_patterns)
        else:
            self._w = self._rule._weights(np.concatenate([self._patterns, x]))
        self._patterns = np.concatenate([self._patterns, x])
        self._cache = {}  # the field function may read the patterns
        return self

    def _extend_given(self, x: np.ndarray) -> np.ndarray:
        """Given (bipolar) weights after storing ``x``: the rule's increment added to them."""
        rule = self._rule
        if isinstance(rule, Hebb) and rule.normalize != "p":
            return self._w + rule._weights(x)  # the term of x alone; the given diagonal is kept
        if rule.incremental and not isinstance(rule, Hebb):
            return rule.extend(self._w, x, self.n_patterns)
        why = ("Hebb's rule with normalize='p' scales by the number of patterns, and the given "
               "weights have none" if isinstance(rule, Hebb) else
               f"the {rule.name!r} rule computes the weights from all patterns at once")
        raise ValueError(f"cannot store `patterns` on weights given to `from_weights`: {why}, so it "
                         "would discard them. Store them with a network built from the patterns "
                         "instead, or add your own term to the weights.")

    # ------------------------------------------------------------------ energy and fields
    def energy(self, states) -> np.ndarray | float:
        """Energy :math:`E(s) = -\\tfrac12 s^\\top W s + \\theta^\\top s` in the network's own space.

        Parameters
        ----------
        states : array_like, shape (n_neurons,) or (batch, n_neurons)

        Returns
        -------
        float or ndarray of shape (batch,)
        """
        s, single = self._to_bipolar(states, "states")
        c = self._coupling()
        if c.integer:  # exact in integer units, then scaled
            h = c.field(s)
            e = c.scale * (-0.5 * np.einsum("bi,bi->b", s, h + c.theta, dtype=np.float64)
                           + (s @ c.theta).astype(np.float64))
        else:
            sf = s.astype(np.float64)
            e = -0.5 * np.einsum("bi,bi->b", sf @ self._w.T, sf) + sf @ self._extra_theta
        e = self._energy_to_own(e)
        return float(e[0]) if single else e

    def local_field(self, states) -> np.ndarray:
        """Local fields :math:`h_i = \\sum_j w_{ij} s_j - \\theta_i` in the network's own space."""
        s, single = self._to_bipolar(states, "states")
        # the bipolar field equals the binary one: Σ_j W'_ij V_j − θ'_i = Σ_j w_ij s_j − θ_i
        if self._coupling().integer:
            h = self._real_fields(s)
        else:
            h = s.astype(np.float64) @ self._w.T - self._extra_theta
        return h[0] if single else h

    def is_fixed_point(self, states, *, tie: str = "keep") -> np.ndarray | bool:
        """Whether no single-neuron update (zero temperature) would change each state."""
        check_option(tie, "tie", _TIES)
        s, single = self._to_bipolar(states, "states")
        c = self._coupling()
        if c.integer:  # exact: a tie is a zero field
            h, eps = c.field(s), 0
        else:
            h = s.astype(np.float64) @ self._w.T - self._extra_theta
            eps = c.eps
        stable = (h * s > eps) | ((np.abs(h) <= eps) & ((s == 1) | (tie == "keep")))
        out = np.all(stable, axis=1)
        return bool(out[0]) if single else out

    def _field_function(self):
        r"""``S -> S Wᵀ − θ``; for Hebb weights with P < N/2 through the patterns, never W.

        With :math:`W = c\,\Xi^\top\Xi` (minus its diagonal :math:`cP`), the fields
        :math:`c\,(S\Xi^\top)\Xi - cPS - \theta` cost :math:`2BNP` instead of :math:`BN^2`.
        Not for given weights (:meth:`from_weights`): their W is not the patterns' Hebb sum.
        """
        if "field" in self._cache:
            return self._cache["field"]
        theta, rule, x = self._extra_theta, self._rule, self._patterns
        if (isinstance(rule, Hebb) and not self._custom_w and 0 < x.shape[0]
                and 2 * x.shape[0] < self.n_neurons):
            xf = x.astype(np.float64)
            c = _hebb_scale(rule.normalize, self.n_neurons, x.shape[0])
            diag = c * x.shape[0] if rule.zero_diagonal else 0.0

            def field(s):
                sf = s.astype(np.float64)
                return c * ((sf @ xf.T) @ xf) - diag * sf - theta
        else:
            wt = self._w.T

            def field(s):
                return s.astype(np.float64) @ wt - theta
        self._cache["field"] = field
        return field

    def _tie_eps(self) -> np.ndarray:
        """Tie tolerance of float64 fields computed from ``_w`` (real units)."""
        if "eps" not in self._cache:
            self._cache["eps"] = _TIE_RTOL * (np.abs(self._w).sum(axis=1) + np.abs(self._extra_theta))
        return self._cache["eps"]

    # ------------------------------------------------------------------ recall
    def recall(
        self,
        probes,
        *,
        update: str | AbstractUpdate = "async",
        max_sweeps: int = 100,
        temperature=0.0,
        tie: str = "keep",
        clamp=None,
        trace: bool = False,
        rng=None,
    ) -> RecallResult:
        """Run the dynamics from each probe until a fixed point (or a 2-cycle) or ``max_sweeps``.

        Parameters
        ----------
        probes : array_like, shape (n_neurons,) or (batch, n_neurons)
            Initial states (±1, or 0/1 for a binary network). Never modified.
        update : {"async", "sequential", "sync"} or dynamics.AbstractUpdate, default="async"
            ``"async"``: one neuron at a time in a new random order each sweep; ``"sequential"``:
            fixed order 0..N-1; ``"sync"``: all neurons at once (one step per sweep).
        max_sweeps : int, default=100
            Upper bound on sweeps (ignored when ``temperature`` is a schedule).
        temperature : float or array_like of float, default=0.0
            0 for deterministic sign updates; T > 0 for Glauber updates
            :math:`P(s_i = +1) = 1/(1 + e^{-2 (h_i - w_{ii} s_i) / T})`, the conditional law of
            :math:`s_i` given the others (a self-coupling is a constant in E and drops out;
            bipolar units; a binary network at its own temperature T' runs the bipolar dynamics
            at T = 2T', Theory reference §4; synchronous updates have their own stationary law, see
            :mod:`hopfield.dynamics.updates`); or one
            temperature per sweep (an annealing schedule, see :func:`hopfield.dynamics.anneal`).
            A probe converges only in a zero-temperature sweep.
        tie : {"keep", "+1"}, default="keep"
            What a neuron does when its field is exactly zero.
        clamp : array_like of bool, shape (n_neurons,) or (batch, n_neurons), optional
            Neurons that never change.
        trace : bool, default=False
            Record the energy after each sweep (computed incrementally from the local field).
        rng : int or numpy.random.Generator, optional
            Randomness of the update order and of stochastic updates.

        Returns
        -------
        RecallResult
        """
        s, single = self._to_bipolar(probes, "probes")
        if not self._has_weights:
            raise ValueError("this network has no weights yet: call `store(patterns)` before `recall`, "
                             "or build it with `HopfieldNetwork.from_weights(W)`.")
        schedule = _resolve_update(update)
        check_option(tie, "tie", _TIES)
        check_budget(max_sweeps, "max_sweeps")
        trace = check_bool(trace, "trace")
        betas = _betas(temperature, max_sweeps, binary=self.is_binary)
        if trace:
            check_trace_size(s.shape[0] * (len(betas) + 1), "max_sweeps", " or the batch size")
        mask = _clamp_mask(clamp, s.shape)
        coupling = self._coupling()
        raw = schedule.run(
            coupling, self._extra_theta, coupling.field, s, mask, _TIES[tie],
            betas, check_rng(rng), trace,
        )
        energy = self._energy_to_own(raw.energy)
        etrace = None if raw.trace is None else self._energy_to_own(raw.trace)
        states = self._to_own(raw.states)
        bad = np.flatnonzero(raw.cycle_length != 1)
        message = _MESSAGES[int(raw.cycle_length[bad[0]])] if bad.size else _MESSAGES[1]
        if single:
            return RecallResult(
                states[0], bool(raw.converged[0]), int(raw.sweeps[0]), int(raw.cycle_length[0]),
                float(energy[0]), int(raw.flips[0]), None if etrace is None else etrace[0], message,
            )
        return RecallResult(states, raw.converged, raw.sweeps, raw.cycle_length, energy, raw.flips,
                            etrace, message)

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        """Config and arrays of a file. Integer Hebb weights are saved as their patterns (N·P
        bytes; W is formed again from them, bit-exact), all others as the float64 W."""
        rule = self._rule
        named = type(rule).__module__ == "hopfield.rules" and rule.name in RULES
        config = {"states": self._states, "rule": rule.name if named else None,
                  "rule_params": rule.params() if named else {}, "precision": self._precision}
        arrays = {"thresholds": self._extra_theta, "patterns": self._patterns}
        if self._integer_hebb:
            config["weights"] = "hebb"
        else:
            config["weights"] = "matrix"
            config["custom_weights"] = self._custom_w
            arrays["weights"] = self._w
        return config, arrays

    @classmethod
    def _from_arrays(cls, config, arrays):
        form = config.get("weights", "matrix")  # files of format version 1 always hold W
        if form not in ("hebb", "matrix"):
            raise ValueError(f"the weights' form {form!r} is neither 'hebb' nor 'matrix'")
        pats = np.asarray(arrays["patterns"])
        if pats.dtype != np.int8 or pats.ndim != 2 or not np.all(np.abs(pats) == 1):
            raise ValueError("stored patterns must be a 2-D int8 ±1 array")
        n = pats.shape[1]
        w = None
        if form == "matrix":
            w = check_weights(arrays["weights"], "weights")
            if w.shape[0] != n:
                raise ValueError(f"the patterns have {n} neurons and the weights {w.shape[0]}")
        if n < 1:
            raise ValueError("a network has at least one neuron")
        theta = check_thresholds(arrays["thresholds"], n)
        rule = config.get("rule")
        net = cls(n, states=config["states"], rule=rule or _UnsavedRule(),
                  precision=config.get("precision", "auto"),
                  **(config.get("rule_params", {}) if rule else {}))
        net._patterns = np.array(pats, copy=True)
        net._extra_theta = theta
        if form == "hebb":
            if not net._integer_hebb:
                raise ValueError("weights saved as Hebb patterns need the Hebb rule and a precision "
                                 "other than 'float64'")
            net._w = None
            net._has_weights = pats.shape[0] > 0
            return net
        if "custom_weights" in config:
            net._custom_w = check_bool(config["custom_weights"], "custom_weights")
        else:  # version 1: weights without patterns were given (from_weights) unless all zero
            net._custom_w = pats.shape[0] == 0 and bool(np.any(w))
        net._w = np.array(w, dtype=np.float64, copy=True)
        net._cache = {}
        if not net._custom_w and isinstance(net._rule, Hebb) and pats.shape[0] and not np.allclose(
            net._rule._weights(pats), net._w, rtol=0, atol=1e-9
        ):
            # recall may use the patterns instead of W (see _field_function): they must agree
            raise ValueError("the weights are not the Hebb weights of the stored patterns")
        return net

    # ------------------------------------------------------------------ misc
    def copy(self) -> HopfieldNetwork:
        """An independent copy."""
        new = object.__new__(HopfieldNetwork)
        new._states = self._states
        new._rule = self._rule
        new._precision = self._precision
        new._custom_w = self._custom_w
        new._patterns = self._patterns.copy()
        new._hebb_k = self._hebb_k.copy()
        new._w = None if self.__w is None else self.__w.copy()
        new._extra_theta = self._extra_theta.copy()
        return new

    def __repr__(self) -> str:
        return (f"HopfieldNetwork(n_neurons={self.n_neurons}, rule={self._rule.name!r}, "
                f"states={self._states!r}, n_patterns={self.n_patterns})")


def _resolve_update(update) -> AbstractUpdate:
    if isinstance(update, AbstractUpdate):
        return update
    check_option(update, "update", UPDATES)
    return UPDATES[update]


def _betas(temperature, max_sweeps: int, *, binary: bool) -> np.ndarray:
    """One inverse temperature per sweep (bipolar units), inf for zero temperature."""
    temps = check_schedule(temperature, "temperature")
    if np.ndim(temps) == 0:
        temps = np.full(max_sweeps, temps)
    if binary:
        temps = 2.0 * temps
    with np.errstate(divide="ignore"):
        return np.where(temps > 0, 1.0 / np.where(temps > 0, temps, 1.0), np.inf)


def _clamp_mask(clamp, shape) -> np.ndarray:
    if clamp is None:
        return np.zeros(shape, dtype=np.bool_)
    c = np.asarray(clamp)
    if c.dtype != bool:
        raise TypeError(f"`clamp` must be a boolean mask; got dtype {c.dtype}.")
    if c.shape not in ((shape[1],), shape) and not (c.ndim == 2 and c.shape == (1, shape[1])):
        raise ValueError(f"`clamp` must have shape ({shape[1]},) or {shape}; got {c.shape}.")
    return np.ascontiguousarray(np.broadcast_to(c, shape))


class _UnsavedRule(AbstractRule):
    """Stands in for a user's rule function, which a file cannot carry."""

    name = "custom"

    def _weights(self, x):
        raise TypeError("this network was saved with a custom rule function, which files do not "
                        "hold; create a new network with that rule to store more patterns.")
