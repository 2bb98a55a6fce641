"""The models the recall page can run, as a registry of names -> :class:`ModelSpec`.

Each spec declares its parameters (:class:`Param`: what the page shows as controls and what the
server validates) and a function that runs recall one step at a time and returns a
:class:`Trajectory`: the state after every step and the energy of each state. A "step" is one
sweep of the classical and dense networks (every neuron updated once, asynchronously or all at
once) and one update :math:`\\xi \\leftarrow X\\,\\mathrm{softmax}(\\beta X^\\top\\xi)` of the modern
network.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_option, check_scalar

__all__ = ["MODELS", "ModelSpec", "Param", "Trajectory", "get_model", "run_model"]


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
    """

    name: str
    kind: str
    default: str | int | float
    label: str
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    help: str = ""

    def validate(self, value):
        """The value, checked against the declared kind and bounds (ValueError / TypeError)."""
        if self.kind == "choice":
            return check_option(value, self.name, self.choices)
        if self.kind == "int":
            check_scalar(value, self.name, numbers.Integral, min_val=self.min, max_val=self.max)
            return int(value)
        check_scalar(value, self.name, numbers.Real, min_val=self.min, max_val=self.max)
        return float(value)

    def to_json(self) -> dict:
        """The description the page builds its control from."""
        out = {"name": self.name, "kind": self.kind, "default": self.default, "label": self.label,
               "help": self.help}
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
    """

    states: np.ndarray
    energies: np.ndarray
    converged: bool
    message: str


@dataclass(frozen=True)
class ModelSpec:
    """A model of the registry: its parameters and its step-by-step recall.

    ``uses_rng`` says whether the run is random (the page shows the seed control only then).
    ``run(patterns, probe, params, rng)`` takes ±1 int8 patterns (rows), a ±1 int8 probe, the
    validated parameters and a Generator, and returns a :class:`Trajectory`.
    """

    name: str
    label: str
    description: str
    params: tuple[Param, ...]
    uses_rng: bool
    run: Callable[[np.ndarray, np.ndarray, Mapping, np.random.Generator], Trajectory] = field(repr=False)

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
                "uses_rng": self.uses_rng, "params": [p.to_json() for p in self.params]}


# ---------------------------------------------------------------------------------------------
# Step-by-step recall of the discrete networks: one sweep per call, one Generator throughout
# ---------------------------------------------------------------------------------------------
def _sweeps(net, probe: np.ndarray, update: str, max_steps: int, gen) -> Trajectory:
    """Run ``net.recall(state, max_sweeps=1)`` repeatedly from the previous state.

    Stops at a fixed point (a sweep that changes nothing) or, for synchronous updates, on a
    2-cycle (a state equal to the one two steps back), or after ``max_steps`` sweeps.
    """
    states = [probe.copy()]
    energies = [float(net.energy(probe))]
    converged, message = False, f"stopped after {max_steps} steps without reaching a fixed point"
    for _ in range(max_steps):
        r = net.recall(states[-1], update=update, max_sweeps=1, rng=gen)
        if r.converged:
            converged, message = True, "reached a fixed point"
            break
        states.append(r.states.astype(np.int8))
        energies.append(float(r.energy))
        if len(states) >= 3 and np.array_equal(states[-1], states[-3]):
            message = "entered a 2-cycle (synchronous updates)"
            break
    return Trajectory(np.stack(states), np.asarray(energies), converged, message)


def _run_classical(patterns, probe, params, gen) -> Trajectory:
    from ..classical import HopfieldNetwork

    net = HopfieldNetwork(patterns.shape[1], rule=params["rule"])
    net.store(patterns)
    return _sweeps(net, probe, params["update"], params["max_steps"], gen)


def _run_dense(patterns, probe, params, gen) -> Trajectory:
    from ..dense import DenseAssociativeMemory

    dam = DenseAssociativeMemory(patterns, F=params["F"], n=params["n"], beta=params["beta"])
    return _sweeps(dam, probe, params["update"], params["max_steps"], gen)


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
                help="async: random order each sweep; sequential: fixed order; sync: all at once")

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
                  help="power of the (rectified) polynomial F"),
            Param("beta", "float", 0.2, "β (exponential F)", min=1e-3, max=10.0,
                  help="inverse temperature of the exponential F"),
            _UPDATE,
            _MAX_STEPS,
        ),
        True,
        _run_dense,
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
