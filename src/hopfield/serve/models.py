"""The models the recall page can run, as a registry of names -> :class:`ModelSpec`.

Each spec declares its parameters (:class:`Param`: what the page shows as controls, when they
apply, and what the server validates) and a function that runs recall one step at a time and
returns a :class:`Trajectory`: the state after every step and the energy of each state. A "step"
is one sweep of the classical and dense networks (every neuron updated once, asynchronously or
all at once) and one update :math:`\\xi \\leftarrow X\\,\\mathrm{softmax}(\\beta X^\\top\\xi)` of
the modern network. With one neuron at a time (``update="async"`` or ``"sequential"``) the
trajectory also lists every single flip in the order it happened, with the energy after each, so
that the page can animate single neuron updates.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import check_option

__all__ = ["MODELS", "ModelSpec", "Param", "ParamError", "Trajectory", "get_model", "run_model"]

class ParamError(ValueError):
    """A bad parameter value; the message uses the control's label, ``param`` its key."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param


def _number(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


@dataclass(frozen=True)
class Param:
    """One model parameter: a choice among names, or a bounded int / float.

    Attributes
    ----------
    name : str
        Key in the request's ``params`` object.
    kind : {"choice", "int", "float"}
    default : str, int or float
    label : str
        Text of the control on the page.
    choices : tuple of str
        Allowed values of a ``"choice"`` parameter.
    min, max : float
        Bounds (inclusive) of an ``"int"`` or ``"float"`` parameter.
    help : str
        One-line explanation shown as the control's tooltip.
    when : tuple of (name, values) pairs
        The parameter applies only when each named parameter has one of its values (the page
        hides the control otherwise), e.g. the power n only for a polynomial F.
    """

    name: str
    kind: str
    default: str | int | float
    label: str
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    help: str = ""
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def validate(self, value):
        """The value, checked against the declared kind and bounds (:class:`ParamError`).

        The message names the control by its label, as the page shows it: "power n must be a
        whole number from 1 to 30; got 0."
        """
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ParamError(self.name, f"{self.label} must be one of {', '.join(self.choices)}; "
                                            f"got {value!r}.")
            return value
        whole = self.kind == "int"
        ok = (isinstance(value, numbers.Integral if whole else numbers.Real)
              and not isinstance(value, bool) and math.isfinite(value)
              and self.min <= value <= self.max)
        if not ok:
            what = "a whole number" if whole else "a number"
            shown = repr(value) if len(repr(value)) <= 40 else f"a {type(value).__name__}"
            raise ParamError(self.name, f"{self.label} must be {what} from {_number(self.min)} to "
                                        f"{_number(self.max)}; got {shown}.")
        return int(value) if whole else float(value)

    def applies(self, params: Mapping) -> bool:
        """Whether this parameter has an effect given the other (validated) parameters."""
        return all(params.get(name) in values for name, values in self.when)

    def to_json(self) -> dict:
        """The description the page builds its control from."""
        out = {"name": self.name, "kind": self.kind, "default": self.default, "label": self.label,
               "help": self.help, "when": {name: list(values) for name, values in self.when}}
        if self.kind == "choice":
            out["choices"] = list(self.choices)
        else:
            out["min"], out["max"] = self.min, self.max
        return out


@dataclass(frozen=True)
class Trajectory:
    """Recall from one probe, step by step.

    Attributes
    ----------
    states : ndarray, shape (n_steps + 1, n_neurons)
        The probe, then the state after each step that changed it (±1 int8, or float for the
        modern network).
    energies : ndarray of float, shape (n_steps + 1,)
        Energy of each state, in the model's own units.
    converged : bool
        True if the run ended at a fixed point.
    message : str
        How the run ended, in words.
    flips : tuple of ndarray of int, one per step, or None
        The neurons each step flipped: in the order they flipped when neurons update one at a
        time (``single_neuron``), all at once otherwise; None for continuous states.
    flip_energies : ndarray of float, shape (total flips + 1,), or None
        With ``single_neuron``: the energy of the probe and after each single flip.
    single_neuron : bool
        Whether neurons update one at a time, so that every flip is a state of its own.
    weights : ndarray of float, shape (n_neurons, n_neurons), or None
        The weight matrix of a network that has one (the classical network).
    """

    states: np.ndarray
    energies: np.ndarray
    converged: bool
    message: str
    flips: tuple[np.ndarray, ...] | None = None
    flip_energies: np.ndarray | None = None
    single_neuron: bool = False
    weights: np.ndarray | None = None


@dataclass(frozen=True)
class ModelSpec:
    """A model of the registry: its parameters and its step-by-step recall.

    ``uses_rng`` says whether the run can be random, ``rng_when`` (pairs as in :attr:`Param.when`)
    when it is: the page shows the seed control only then. ``run(patterns, probe, params, rng)``
    takes ±1 int8 patterns (rows), a ±1 int8 probe, the validated parameters and a Generator, and
    returns a :class:`Trajectory`.
    """

    name: str
    label: str
    description: str
    params: tuple[Param, ...]
    uses_rng: bool
    run: Callable[[np.ndarray, np.ndarray, Mapping, np.random.Generator], Trajectory] = field(repr=False)
    rng_when: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def validate(self, params) -> dict:
        """Checked parameters, defaults filled in; unknown names are an error that lists the valid ones."""
        if not isinstance(params, Mapping):
            raise TypeError(f"`params` must be an object; got {type(params).__name__}.")
        known = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(map(repr, unknown))} for model "
                             f"{self.name!r}; valid: {', '.join(map(repr, known))}.")
        return {name: p.validate(params.get(name, p.default)) for name, p in known.items()}

    def to_json(self) -> dict:
        """The description the page builds its model controls from."""
        return {"name": self.name, "label": self.label, "description": self.description,
                "uses_rng": self.uses_rng, "rng_when": {k: list(v) for k, v in self.rng_when},
                "params": [p.to_json() for p in self.params]}


# ---------------------------------------------------------------------------------------------
# Step-by-step recall of the discrete networks
# ---------------------------------------------------------------------------------------------
def _energies(net, first: np.ndarray, flips: list[int]) -> np.ndarray:
    """Energy of ``first`` and after each flip in turn, in batches of states."""
    out = [float(net.energy(first))]
    s = first.copy()
    for start in range(0, len(flips), 256):
        batch = []
        for i in flips[start:start + 256]:
            s[i] = -s[i]
            batch.append(s.copy())
        out.extend(np.atleast_1d(net.energy(np.stack(batch))).tolist())
    return np.asarray(out, dtype=np.float64)


def _single_neuron_sweeps(net, relabel, probe: np.ndarray, update: str, max_steps: int,
                          gen) -> Trajectory:
    """Sweeps of one neuron at a time, each flip recorded in the order it happened.

    A sweep visits the neurons in a new random order from ``gen`` (``"async"``) or in the order
    0..N-1 (``"sequential"``). Either way it is one sequential sweep of the library's own kernel:
    on ``relabel(order)``, the same network with its neurons renumbered so that neuron k is
    ``order[k]``, the sweep visits the neurons in ``order``. Each neuron flips at most once per
    sweep, so the neurons that changed, in increasing new number, are the flips in the order they
    happened. A sweep without a flip is a fixed point.
    """
    n = probe.shape[0]
    s = probe.copy()
    states, per_step = [s.copy()], []
    converged = False
    message = f"stopped after {max_steps} steps without reaching a fixed point"
    for _ in range(max_steps):
        order = gen.permutation(n) if update == "async" else np.arange(n)
        view = relabel(order) if update == "async" else net
        before = s[order]
        after = view.recall(before, update="sequential", max_sweeps=1).states
        step = order[np.flatnonzero(after != before)]
        if step.size == 0:
            converged, message = True, "reached a fixed point"
            break
        s[step] = -s[step]
        per_step.append(step.astype(np.int64))
        states.append(s.copy())
    flat = [int(i) for step in per_step for i in step]
    flip_energies = _energies(net, probe, flat)
    ends = np.cumsum([0] + [len(f) for f in per_step])
    return Trajectory(np.stack(states), flip_energies[ends], converged, message, tuple(per_step),
                      flip_energies, True)


def _synchronous_sweeps(net, probe: np.ndarray, max_steps: int) -> Trajectory:
    """``net.recall(state, update="sync", max_sweeps=1)`` repeatedly from the previous state.

    Stops at a fixed point (a sweep that changes nothing), on a 2-cycle (a state equal to the one
    two steps back), or after ``max_steps`` sweeps.
    """
    states = [probe.copy()]
    energies = [float(net.energy(probe))]
    converged, message = False, f"stopped after {max_steps} steps without reaching a fixed point"
    for _ in range(max_steps):
        r = net.recall(states[-1], update="sync", max_sweeps=1)
        if r.converged:
            converged, message = True, "reached a fixed point"
            break
        states.append(r.states.astype(np.int8))
        energies.append(float(r.energy))
        if len(states) >= 3 and np.array_equal(states[-1], states[-3]):
            message = "entered a 2-cycle (synchronous updates)"
            break
    flips = tuple(np.flatnonzero(b != a) for a, b in itertools.pairwise(states))
    return Trajectory(np.stack(states), np.asarray(energies), converged, message, flips)


def _sweeps(net, relabel, probe: np.ndarray, params: Mapping, gen) -> Trajectory:
    if params["update"] == "sync":
        return _synchronous_sweeps(net, probe, params["max_steps"])
    return _single_neuron_sweeps(net, relabel, probe, params["update"], params["max_steps"], gen)


def _run_classical(patterns, probe, params, gen) -> Trajectory:
    from ..classical import HopfieldNetwork

    net = HopfieldNetwork(patterns.shape[1], rule=params["rule"])
    net.store(patterns)
    w, theta = net.weights, net.thresholds

    def relabel(order):
        return HopfieldNetwork.from_weights(w[np.ix_(order, order)], theta[order])

    return replace(_sweeps(net, relabel, probe, params, gen), weights=w)


def _run_dense(patterns, probe, params, gen) -> Trajectory:
    from ..dense import DenseAssociativeMemory

    def build(columns):
        return DenseAssociativeMemory(columns, F=params["F"], n=params["n"], beta=params["beta"])

    return _sweeps(build(patterns), lambda order: build(patterns[:, order]), probe, params, gen)


def _run_modern(patterns, probe, params, gen) -> Trajectory:
    """``steps`` updates :math:`\\xi \\leftarrow X\\,\\mathrm{softmax}(\\beta X^\\top\\xi)`, fewer if one
    moves the state by at most :math:`\\sqrt{\\varepsilon}\\max(M, 1)` (the library's default tolerance)."""
    from ..modern import ModernHopfieldNetwork

    net = ModernHopfieldNetwork(patterns.astype(np.float64), beta=params["beta"])
    tol = np.sqrt(np.finfo(np.float64).eps) * max(net.max_norm, 1.0)
    states = [probe.astype(np.float64)]
    converged = False
    for _ in range(params["steps"]):
        new = np.asarray(net.update(states[-1]), dtype=np.float64)
        if np.linalg.norm(new - states[-1]) <= tol:
            converged = True
            break
        states.append(new)
    x = np.stack(states)
    energies = np.asarray(net.energy(x), dtype=np.float64)
    n = len(states) - 1
    message = ("reached a fixed point" if converged
               else f"stopped after {n} update{'s' if n != 1 else ''} (the step budget)")
    return Trajectory(x, energies, converged, message)


_MAX_STEPS = Param("max_steps", "int", 50, "max steps", min=1, max=200,
                   help="upper bound on the number of sweeps")
_UPDATE = Param("update", "choice", "async", "update", choices=("async", "sequential", "sync"),
                help="async: one neuron at a time in a random order each sweep; sequential: one at "
                     "a time in the order 0, 1, 2, …; sync: all at once")
_RANDOM_ORDER = (("update", ("async",)),)

MODELS: dict[str, ModelSpec] = {
    "classical": ModelSpec(
        "classical",
        "Classical (Hopfield 1982)",
        "E(s) = -½ sᵀWs with W from a learning rule; a neuron takes the sign of its local field.",
        (
            Param("rule", "choice", "pseudoinverse", "learning rule",
                  choices=("hebb", "storkey", "pseudoinverse"),
                  help="how the weights are learned from the stored patterns"),
            _UPDATE,
            _MAX_STEPS,
        ),
        True,
        _run_classical,
        _RANDOM_ORDER,
    ),
    "dense": ModelSpec(
        "dense",
        "Dense (Krotov & Hopfield 2016)",
        "E(σ) = -Σ_μ F(ξ^μ·σ) with a steep separation function F: many more memories than neurons.",
        (
            Param("F", "choice", "rectified", "separation function F",
                  choices=("polynomial", "rectified", "exponential"),
                  help="polynomial x^n, rectified max(x, 0)^n, or exponential e^(βx)"),
            Param("n", "int", 3, "power n", min=1, max=30,
                  help="power of the (rectified) polynomial F",
                  when=(("F", ("polynomial", "rectified")),)),
            Param("beta", "float", 0.2, "β", min=1e-3, max=10.0,
                  help="inverse temperature of the exponential F", when=(("F", ("exponential",)),)),
            _UPDATE,
            _MAX_STEPS,
        ),
        True,
        _run_dense,
        _RANDOM_ORDER,
    ),
    "modern": ModelSpec(
        "modern",
        "Modern (Ramsauer et al. 2021)",
        "Continuous states; one step is ξ ← X softmax(β Xᵀξ), the update of transformer attention.",
        (
            Param("beta", "float", 0.1, "β (inverse temperature)", min=1e-3, max=100.0,
                  help="large β retrieves single patterns; small β averages them (metastable states)"),
            Param("steps", "int", 5, "retrieval steps", min=1, max=50,
                  help="number of updates (fewer if the state stops moving)"),
        ),
        False,
        _run_modern,
    ),
}


def get_model(name) -> ModelSpec:
    """The model called ``name``; the error lists the valid names."""
    return MODELS[check_option(name, "model", MODELS)]


def run_model(name: str, patterns: np.ndarray, probe: np.ndarray, params, rng=None) -> Trajectory:
    """Validate ``params`` for the model ``name`` and run its step-by-step recall."""
    from .._validation import check_rng

    spec = get_model(name)
    return spec.run(patterns, probe, spec.validate(params), check_rng(rng))
