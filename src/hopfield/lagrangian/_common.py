"""Input checks and backend helpers shared by the Lagrangian models (NumPy or torch arrays)."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from array_api_compat import array_namespace, is_torch_array

from .._array_api import all_finite
from .._validation import check_bool, check_budget, check_finite_array, check_scalar

__all__ = [
    "LeakySystem",
    "as_array",
    "as_states",
    "check_clamp",
    "check_run_options",
    "check_tau",
    "default_dt",
    "finish_run",
    "integrate_system",
    "like",
    "restore",
    "xp_of",
]


def as_array(x, name: str, *, ndim=None, shape=None):
    """A float array: a torch tensor is kept (checked), anything else becomes a new float array
    (float32 input stays float32, everything else is float64)."""
    if is_torch_array(x):
        import torch

        if not torch.is_floating_point(x):
            x = x.to(torch.get_default_dtype())
        if ndim is not None:
            ndims = (ndim,) if isinstance(ndim, int) else ndim
            if x.ndim not in ndims:
                wanted = " or ".join(f"{d}-D" for d in ndims)
                raise ValueError(f"`{name}` must be {wanted}; got shape {tuple(x.shape)}.")
        if not all_finite(x, array_namespace(x)):
            raise ValueError(f"`{name}` contains NaN or inf; every entry must be finite.")
        arr = x
    else:  # float32 stays float32 (speed); everything else becomes float64
        dtype = np.float32 if getattr(x, "dtype", None) == np.float32 else np.float64
        arr = check_finite_array(x, name, ndim=ndim, dtype=dtype)
    if shape is not None and tuple(arr.shape) != tuple(shape):
        raise ValueError(f"`{name}` must have shape {tuple(shape)}; got {tuple(arr.shape)}.")
    return arr


def as_states(x, n_neurons: int, name: str):
    """States as (batch, n_neurons) and whether the input was a single 1-D state."""
    arr = as_array(x, name, ndim=(1, 2))
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.shape[-1] != n_neurons:
        raise ValueError(
            f"`{name}` has {arr.shape[-1]} neurons per state but the layer has {n_neurons} "
            f"(got shape {tuple(arr.shape)})."
        )
    return arr, single


def restore(x, single: bool):
    """Undo the batch axis added by :func:`as_states`."""
    return x[0] if single else x


def like(arr, ref):
    """``arr`` in the namespace, dtype and device of ``ref`` (NumPy -> torch when ``ref`` is torch)."""
    if arr is None:
        return None
    if is_torch_array(ref) and not is_torch_array(arr):
        import torch

        return torch.as_tensor(np.asarray(arr), dtype=ref.dtype, device=ref.device)
    if is_torch_array(ref) and (arr.dtype != ref.dtype or arr.device != ref.device):
        return arr.to(dtype=ref.dtype, device=ref.device)
    if not is_torch_array(ref) and is_torch_array(arr):
        return arr.detach().cpu().numpy()
    return arr


def check_tau(tau, name: str = "tau") -> float:
    """A positive time constant."""
    return float(check_scalar(tau, name, numbers.Real, min_val=0.0, include_min=False))


def xp_of(*arrays):
    """The array namespace of the given arrays."""
    return array_namespace(*arrays)


# ---------------------------------------------------------------------------------- dynamics
class LeakySystem:
    r"""Right-hand side :math:`\dot x^A=m^A\odot(d^A(x)-\alpha_Ax^A)/\tau_A` shared by every network.

    ``drives(xs, want_energy) -> (list of drives d^A, energy or None)`` is the model's maths;
    this class adds the leak, the time constants and the clamp masks :math:`m^A`, and offers the
    three forms the integrators use: ``f = system(xs)``, ``(f, E) = system.with_energy(xs)`` (the
    energy from the same activations and synapse products) and the in-place Euler pair
    ``evaluate`` / ``advance``. ``in_place``, if given, is the form of ``drives`` that
    ``evaluate`` uses: the same maths, with drives returned in scratch buffers that ``advance``
    may overwrite (no arrays allocated per step); ``fused_step`` a whole step in place.
    """

    def __init__(self, drives, taus, *, leaks=None, masks=None, in_place=None, fused_step=None):
        n = len(taus)
        self._drives = drives
        self._in_place = in_place
        #: ``fused_step(xs, h) -> bool``: one whole in-place Euler step without the drives or
        #: the speed (no energy, no ``tol``), if the model offers one (False: not applicable).
        self.fused_step = fused_step
        self.taus = list(taus)
        self.leaks = [1.0] * n if leaks is None else [float(a) for a in leaks]
        self.masks = [None] * n if masks is None else list(masks)

    def _speed(self, xs, ds):
        out = []
        for x, d, tau, a, m in zip(xs, ds, self.taus, self.leaks, self.masks, strict=True):
            v = (d - x) if a == 1.0 else (d - a * x)
            if not (isinstance(tau, float) and tau == 1.0):  # x / 1.0 is x: skip the pass
                v = v / like_scale(tau, x)
            out.append(v if m is None else v * m)
        return out

    def __call__(self, xs):
        ds, _ = self._drives(xs, False)
        return self._speed(xs, ds)

    def with_energy(self, xs):
        ds, e = self._drives(xs, True)
        return self._speed(xs, ds), e

    def evaluate(self, xs, want_energy, want_speed):
        if self._in_place is None:
            ds, e = self._drives(xs, want_energy)
            return (self._speed(xs, ds) if want_speed else None), e, (ds, False)
        ds, e = self._in_place(xs, want_energy)
        return (self._speed(xs, ds) if want_speed else None), e, (ds, True)

    def advance(self, xs, ctx, h):
        """:math:`x\\mathrel{+}=\\frac h\\tau m\\odot(d-\\alpha x)` in place (no autograd graph);
        ``ctx`` is what :meth:`evaluate` returned with the drives."""
        ds, scratch = ctx
        for x, d, tau, a, m in zip(xs, ds, self.taus, self.leaks, self.masks, strict=True):
            if isinstance(m, float):  # the whole layer is clamped
                continue
            c = h / like_scale(tau, x)
            if is_torch_array(x):
                if m is None and a == 1.0:
                    x.lerp_(d, c)
                    continue
                step = d.sub_(x, alpha=a) if scratch else d - a * x  # d is ours to overwrite
                step.mul_(c)
                x.add_(step if m is None else step.mul_(m))
            else:
                if scratch:
                    step = d
                    step -= x if a == 1.0 else a * x
                else:
                    step = d - x if a == 1.0 else d - a * x
                step *= c
                if m is not None:
                    step *= m
                x += step


def like_scale(tau, ref):
    """A time constant as a float, or a per-neuron array in the namespace of ``ref``."""
    return tau if isinstance(tau, float) else like(tau, ref)


def check_clamp(clamp, sizes, xs):
    """Clamp masks per layer: None (free), 0.0 (whole layer held) or a 0/1 float array.

    ``clamp`` is a dict ``{layer: True | False | boolean mask}``; a mask has shape ``(n_A,)`` or
    ``(batch, n_A)`` and is True where the neuron is held.
    """
    if clamp is None:
        return None
    if not isinstance(clamp, dict):
        raise TypeError(
            f"`clamp` must be a dict {{layer index: True, False or a boolean mask}}; got "
            f"{type(clamp).__name__}."
        )
    n_layers = len(sizes)
    batch = int(xs[0].shape[0])
    masks = [None] * n_layers
    for a, mask in clamp.items():
        if isinstance(a, bool) or not (isinstance(a, numbers.Integral) and 0 <= a < n_layers):
            raise ValueError(f"`clamp` key {a!r} is not a layer index in [0, {n_layers}).")
        a = int(a)
        m = np.asarray(mask.detach().cpu() if is_torch_array(mask) else mask)
        if m.ndim == 0 and m.dtype == bool:  # True / False / np.True_ / a 0-d bool tensor
            masks[a] = 0.0 if bool(m) else None
            continue
        if m.dtype != bool or m.ndim > 2 or m.shape[-1] != sizes[a]:
            raise ValueError(
                f"`clamp[{a}]` must be True, False or a boolean mask of shape ({sizes[a]},) or "
                f"(batch, {sizes[a]}); got dtype {m.dtype}, shape {m.shape}."
            )
        if m.ndim == 2 and m.shape[0] != batch:
            raise ValueError(
                f"`clamp[{a}]` has a batch of {m.shape[0]} masks but the states have a batch of "
                f"{batch}; give one mask of shape ({sizes[a]},) for all, or ({batch}, {sizes[a]})."
            )
        if not m.any():
            continue
        keep = ~m
        masks[a] = (like(keep.astype(float), xs[a]) if is_torch_array(xs[a])
                    else keep.astype(xs[a].dtype))
    return masks


def default_dt(taus, leaks=None) -> float:
    """``0.1 × min τ/max(1, α)``: well inside Euler's descent regime for unit curvatures."""
    leaks = [1.0] * len(taus) if leaks is None else leaks
    return 0.1 * min(float(np.min(t)) / max(1.0, a) for t, a in zip(taus, leaks, strict=True))


def check_run_options(*, method, dt, max_steps, t_max, tol, rtol, atol, taus, leaks=None,
                      n_steps=None, stacklevel=3):
    """Validate the options shared by every ``run`` method; returns them normalised."""
    from .integrate import INTEGRATORS, SCIPY_METHODS

    if n_steps is not None:
        warnings.warn("`n_steps` is deprecated; use `max_steps` (the same budget of steps).",
                      DeprecationWarning, stacklevel=stacklevel)
        max_steps = n_steps
    if not isinstance(method, str) or method not in (*INTEGRATORS, *SCIPY_METHODS):
        raise ValueError(f"`method` must be one of "
                         f"{', '.join(map(repr, (*INTEGRATORS, *SCIPY_METHODS)))}; got {method!r}.")
    if dt is None:
        dt = default_dt(taus, leaks)
    dt = float(check_scalar(dt, "dt", numbers.Real, min_val=0.0, include_min=False))
    max_steps = check_budget(max_steps, "max_steps", min_val=0)
    if t_max is not None:
        t_max = float(check_scalar(t_max, "t_max", numbers.Real, min_val=0.0, include_min=False))
    if tol is not None:
        tol = float(check_scalar(tol, "tol", numbers.Real, min_val=0.0, include_min=False))
    rtol = float(check_scalar(rtol, "rtol", numbers.Real, min_val=100 * np.finfo(float).eps))
    atol = float(check_scalar(atol, "atol", numbers.Real, min_val=0.0))
    return {"method": method, "dt": dt, "max_steps": max_steps, "t_max": t_max, "tol": tol,
            "rtol": rtol, "atol": atol}


def integrate_system(system, xs, options, *, record_energy):
    """Run ``system`` from ``xs`` with the checked ``options``; returns a batched result."""
    from .integrate import SCIPY_METHODS, euler, heun_euler, solve_ivp

    record_energy = check_bool(record_energy, "record_energy")
    method = options["method"]
    common = {"dt": options["dt"], "max_steps": options["max_steps"], "t_max": options["t_max"],
              "tol": options["tol"], "energy": (lambda y: system.with_energy(y)[1])
              if record_energy else None}
    if method == "euler":
        return euler(system, xs, **common)
    if method == "heun_euler":
        return heun_euler(system, xs, rtol=options["rtol"], atol=options["atol"], **common)
    if is_torch_array(xs[0]):
        raise TypeError(f"method={method!r} needs NumPy states; use 'heun_euler' or 'euler' for "
                        "torch tensors.")
    scipy_method = "RK45" if method == "solve_ivp" else method
    assert scipy_method in SCIPY_METHODS
    return solve_ivp(system, xs, method=scipy_method, rtol=options["rtol"], atol=options["atol"],
                     **common)


def finish_run(result, activations, single):
    """The result with activations added and the batch axis removed for a single state."""
    import dataclasses

    states = result.states
    gs = activations(states) if activations is not None else None
    energy = result.energy
    if single:
        states = [s[0] for s in states]
        gs = None if gs is None else [g[0] for g in gs]
        energy = None if energy is None else energy[:, 0]
    return dataclasses.replace(result, states=states, activations=gs, energy=energy)
