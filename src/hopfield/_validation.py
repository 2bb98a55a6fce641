"""Input checks shared by every public entry point.

Public functions convert and validate their inputs here, once; private functions and kernels
assume clean input. Every error names the argument, says what was received and what was expected,
and where there is one, the fix.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

__all__ = [
    "as_real_array",
    "check_bipolar",
    "check_bool",
    "check_budget",
    "check_finite_array",
    "check_finite_result",
    "check_option",
    "check_patterns",
    "check_rng",
    "check_scalar",
    "check_schedule",
    "check_states",
    "check_thresholds",
    "check_trace_size",
    "check_weights",
]


#: the largest iteration budget any loop accepts: far beyond any run that converges, small enough
#: that a typo (``max_sweeps=10**12``) is refused at once instead of running for days
MAX_BUDGET = 10**7


def check_rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    """Normalise ``rng`` (SPEC 7): a Generator passes through, anything else seeds a new one."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool | np.bool_) or (
        rng is not None and not isinstance(rng, numbers.Integral | np.random.SeedSequence)
    ):
        raise TypeError(
            f"`rng` must be None, an int seed or a numpy.random.Generator; got {type(rng).__name__}."
        )
    if isinstance(rng, numbers.Integral) and rng < 0:
        raise ValueError(f"`rng` == {rng}: a seed must be a non-negative integer.")
    return np.random.default_rng(rng)


def check_bool(x, name: str) -> bool:
    """A real flag: ``True``/``False`` (or a NumPy bool), never a truthy string or number."""
    if not isinstance(x, bool | np.bool_):
        raise TypeError(f"`{name}` must be True or False; got {type(x).__name__} {x!r}.")
    return bool(x)


def check_budget(x, name: str, *, min_val: int = 1, max_val: int = MAX_BUDGET) -> int:
    """An iteration budget: an int in [min_val, max_val] (:data:`MAX_BUDGET` by default).

    Loops that record one entry per step allocate as they go, but a budget is also work: a bound
    keeps a typo from running for days with no way to tell it from progress.
    """
    check_scalar(x, name, numbers.Integral, min_val=min_val)
    if x > max_val:
        raise ValueError(
            f"`{name}` == {x} is beyond the largest supported budget {max_val:.0e}; runs that need "
            "more steps than that should be split into several calls."
        )
    return int(x)


def check_scalar(
    x,
    name: str,
    target_type: type | tuple[type, ...] = numbers.Real,
    *,
    min_val: float | None = None,
    max_val: float | None = None,
    include_min: bool = True,
    include_max: bool = True,
    allow_inf: bool = False,
):
    """Check a scalar's type and bounds; the message quotes the value (sklearn's ``check_scalar``).

    NaN is always refused, and so is ±inf unless ``allow_inf`` (for the few arguments where an
    infinite value has a meaning, such as "no time limit").
    """
    if isinstance(x, bool | np.bool_) or not isinstance(x, target_type):
        wanted = (
            " or ".join(t.__name__ for t in target_type)
            if isinstance(target_type, tuple)
            else target_type.__name__
        )
        hint = " (a real number; the maths here is real)" if isinstance(x, numbers.Complex) else ""
        raise TypeError(f"`{name}` must be an instance of {wanted}{hint}, not {type(x).__name__}.")
    if isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral):
        if np.isnan(x):
            raise ValueError(f"`{name}` is NaN; it must be a number.")
        if np.isinf(x) and not allow_inf:
            raise ValueError(f"`{name}` == {x}, must be finite.")
    v = x.item() if isinstance(x, np.generic) else x  # compare as Python numbers: no float32 casts
    if min_val is not None and (v < min_val or (v == min_val and not include_min)):
        op = ">=" if include_min else ">"
        raise ValueError(f"`{name}` == {x}, must be {op} {min_val}.")
    if max_val is not None and (v > max_val or (v == max_val and not include_max)):
        op = "<=" if include_max else "<"
        raise ValueError(f"`{name}` == {x}, must be {op} {max_val}.")
    return x


def check_option(value, name: str, options: Iterable[str]) -> str:
    """Check that ``value`` is one of the named ``options``; the error lists them."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise ValueError(
            f"`{name}` must be one of {', '.join(map(repr, options))}; got {value!r}."
        )
    return value


def check_finite_array(
    x,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype=np.float64,
    allow_empty: bool = False,
) -> np.ndarray:
    """Convert to a new (never aliased) finite ``dtype`` array of the given rank.

    Only integers and reals convert: complex input is refused (the maths is real and a cast would
    drop the imaginary part) unless a complex ``dtype`` is asked for, and so are booleans, strings
    and objects.
    """
    complex_ok = dtype is not None and np.issubdtype(dtype, np.complexfloating)  # asked for complex
    arr = as_real_array(x, name, allow_complex=complex_ok)
    if arr.dtype == bool:
        raise TypeError(f"`{name}` must hold numbers, not booleans; got {x!r:.60}.")
    arr = np.array(arr, dtype=dtype, copy=True)
    if ndim is not None:
        ndims = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in ndims:
            wanted = " or ".join(f"{d}-D" for d in ndims)
            raise ValueError(f"`{name}` must be {wanted}; got a {arr.ndim}-D array of shape {arr.shape}.")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"`{name}` is empty (shape {arr.shape}); at least one element is needed.")
    if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "inf"
        raise ValueError(f"`{name}` contains {bad}; every entry must be finite.")
    return arr


def as_real_array(x, name: str, *, allow_complex: bool = False) -> np.ndarray:
    """``x`` as an array of bools, integers or reals (not copied), refusing complex, strings,
    ragged lists and objects; other checks (finiteness, values, shape) are the caller's."""
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError, OverflowError) as exc:
            raise TypeError(f"`{name}` must be a numeric array; got {type(x).__name__}: {exc}") from None
    if arr.dtype == object:  # e.g. X.astype(object): accept it when every entry is a real number
        if not all(isinstance(e, numbers.Real) and not isinstance(e, bool | np.bool_) for e in arr.flat):
            raise TypeError(
                f"`{name}` must be a numeric array; got dtype object whose entries are not all real "
                "numbers (each argument must be a real number, not a string or another object, to "
                "be read as a number)."
            )
        arr = arr.astype(np.float64)
    if np.issubdtype(arr.dtype, np.complexfloating) and not allow_complex:
        raise TypeError(
            f"`{name}` is complex ({arr.dtype}); the maths here is real. Pass the real part "
            "explicitly (`x.real`) if that is what you mean."
        )
    if arr.dtype != bool and not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        or (allow_complex and np.issubdtype(arr.dtype, np.complexfloating))
    ):
        raise TypeError(f"`{name}` must be a numeric array; got dtype {arr.dtype}.")
    return arr


#: the most entries a recorded trace (energy per sweep, trajectory per step) may hold: 2**27
#: float64 values, 1 GiB; beyond it the budget, the batch or the recording interval must shrink
MAX_TRACE_ENTRIES = 2**27


def check_trace_size(n_entries: int, budget_name: str, fix: str = "") -> None:
    """Refuse a recording that would need more than :data:`MAX_TRACE_ENTRIES` values up front."""
    if n_entries > MAX_TRACE_ENTRIES:
        raise ValueError(
            f"recording {n_entries:.3g} values ({n_entries * 8 / 2**30:.3g} GiB) is more than the "
            f"{MAX_TRACE_ENTRIES * 8 / 2**30:.0f} GiB limit; lower `{budget_name}`{fix}."
        )


def check_schedule(x, name: str = "temperature") -> float | np.ndarray:
    """A non-negative finite scalar, or a non-empty 1-D array of them (one value per sweep)."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return float(check_scalar(x, name, numbers.Real, min_val=0.0))
    arr = check_finite_array(x, name, ndim=(0, 1))
    if np.any(arr < 0):
        raise ValueError(f"`{name}` must be >= 0; got min {arr.min():g}.")
    return float(arr) if arr.ndim == 0 else arr


def check_finite_result(x, what: str, fix: str = "") -> None:
    """Refuse a computed result that went NaN or inf, instead of reporting it as a success.

    ``what`` says what was computed (e.g. "the MacKay weights"), ``fix`` which argument to change.
    """
    arr = np.asarray(x)
    if np.issubdtype(arr.dtype, np.inexact) and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "inf"
        raise ValueError(f"{what} contain {bad}: the computation diverged. {fix}".rstrip())


def check_bipolar(x, name: str, *, binary: bool = False) -> np.ndarray:
    """Return a new int8 copy of ``x`` after checking every entry is ±1 (or 0/1 if ``binary``)."""
    arr = as_real_array(x, name)
    if arr.dtype == bool:
        arr = arr.astype(np.int8)
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "inf"
        raise ValueError(f"`{name}` contains {bad}; states must be {'0/1' if binary else '±1'}.")
    allowed = (0, 1) if binary else (-1, 1)
    ok = (arr == allowed[0]) | (arr == allowed[1])
    if not np.all(ok):
        found = np.unique(arr[~ok])[:5]
        if binary:
            fix = "Use `hf.patterns.to_binary` or a network with states='bipolar'."
            raise ValueError(f"`{name}` must be 0/1; found values {found.tolist()}. {fix}")
        fix = "Use `hf.patterns.to_bipolar` or a network with states='binary'."
        raise ValueError(f"`{name}` must be ±1; found values {found.tolist()}. {fix}")
    return arr.astype(np.int8, copy=True)


def check_patterns(
    x, name: str = "patterns", *, n_neurons: int | None = None, binary: bool = False
) -> np.ndarray:
    """Patterns as a new int8 array of shape (n_patterns, n_neurons); a 1-D input is one pattern."""
    arr = check_bipolar(x, name, binary=binary)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(
            f"`{name}` must be 2-D (n_patterns, n_neurons) or 1-D (n_neurons,); got shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"`{name}` is empty (shape {arr.shape}); store at least one pattern.")
    if n_neurons is not None and arr.shape[1] != n_neurons:
        raise ValueError(
            f"`{name}` has {arr.shape[1]} neurons per pattern but the network has {n_neurons}."
        )
    return arr


def check_states(
    x, name: str = "states", *, n_neurons: int | None = None, binary: bool = False
) -> tuple[np.ndarray, bool]:
    """States as a new int8 (batch, n_neurons) array, and whether the input was a single 1-D state."""
    arr = check_bipolar(x, name, binary=binary)
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(
            f"`{name}` must be 1-D (n_neurons,) or 2-D (batch, n_neurons); got shape {arr.shape}."
        )
    if arr.shape[1] == 0:
        raise ValueError(f"`{name}` has no neurons (shape {arr.shape}).")
    if n_neurons is not None and arr.shape[1] != n_neurons:
        raise ValueError(
            f"`{name}` has {arr.shape[1]} neurons but the network has {n_neurons}; "
            f"shapes must match (got {arr.shape})."
        )
    return arr, single


def check_weights(
    w, name: str = "weights", *, symmetric: bool = False, n_neurons: int | None = None
) -> np.ndarray:
    """Weights as a new float64 square matrix; ``symmetric=True`` rejects an asymmetric one."""
    arr = check_finite_array(w, name, ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"`{name}` must be square (n_neurons, n_neurons); got shape {arr.shape}.")
    if n_neurons is not None and arr.shape[0] != n_neurons:
        raise ValueError(
            f"`{name}` is {arr.shape[0]}×{arr.shape[0]} but the network has {n_neurons} neurons."
        )
    if symmetric and not np.allclose(arr, arr.T, rtol=1e-12, atol=1e-12):
        worst = float(np.max(np.abs(arr - arr.T)))
        raise ValueError(
            f"`{name}` must be symmetric; max |w_ij - w_ji| = {worst:.3g}. "
            "Symmetrise with (W + W.T) / 2 if that is what you mean."
        )
    return arr


def check_thresholds(theta, n_neurons: int, name: str = "thresholds") -> np.ndarray:
    """Thresholds as a new float64 (n_neurons,) array; None or a scalar broadcasts."""
    if theta is None:
        return np.zeros(n_neurons)
    arr = check_finite_array(theta, name, ndim=(0, 1))
    if arr.ndim == 0:
        return np.full(n_neurons, float(arr))
    if arr.shape[0] != n_neurons:
        raise ValueError(f"`{name}` has length {arr.shape[0]} but the network has {n_neurons} neurons.")
    return arr


def check_seed_sequence(rng) -> np.random.SeedSequence:
    """``rng`` as a SeedSequence (spawned streams for independent tasks); a Generator seeds one."""
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(int(rng.integers(2**63)))
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"`rng` == {rng}: a seed must be a non-negative integer.")
        return np.random.SeedSequence(rng)
    raise TypeError("`rng` must be None, an int seed, a SeedSequence or a Generator; "
                    f"got {type(rng).__name__}.")
