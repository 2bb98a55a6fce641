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
    "check_bipolar",
    "check_finite_array",
    "check_option",
    "check_patterns",
    "check_rng",
    "check_scalar",
    "check_states",
    "check_thresholds",
    "check_weights",
]


def check_rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    """Normalise ``rng`` (SPEC 7): a Generator passes through, anything else seeds a new one."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None and not isinstance(rng, numbers.Integral | np.random.SeedSequence):
        raise TypeError(
            f"`rng` must be None, an int seed or a numpy.random.Generator; got {type(rng).__name__}."
        )
    return np.random.default_rng(rng)


def check_scalar(
    x,
    name: str,
    target_type: type | tuple[type, ...] = numbers.Real,
    *,
    min_val: float | None = None,
    max_val: float | None = None,
    include_min: bool = True,
    include_max: bool = True,
):
    """Check a scalar's type and bounds; the message quotes the value (sklearn's ``check_scalar``)."""
    if isinstance(x, bool) or not isinstance(x, target_type):
        wanted = (
            " or ".join(t.__name__ for t in target_type)
            if isinstance(target_type, tuple)
            else target_type.__name__
        )
        raise TypeError(f"`{name}` must be an instance of {wanted}, not {type(x).__name__}.")
    if isinstance(x, numbers.Real) and not np.isfinite(x) and (min_val is not None or max_val is not None):
        if not ((x == np.inf and max_val is None) or (x == -np.inf and min_val is None)):
            raise ValueError(f"`{name}` == {x}, must be finite.")
    if min_val is not None and (x < min_val or (x == min_val and not include_min)):
        op = ">=" if include_min else ">"
        raise ValueError(f"`{name}` == {x}, must be {op} {min_val}.")
    if max_val is not None and (x > max_val or (x == max_val and not include_max)):
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
    """Convert to a new (never aliased) finite ``dtype`` array of the given rank."""
    try:
        arr = np.array(x, dtype=dtype, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must be a numeric array; got {type(x).__name__}: {exc}") from None
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


def _as_numeric(x, name: str) -> np.ndarray:
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`{name}` must be an array; got {type(x).__name__}: {exc}") from None
    if arr.dtype == bool:
        return arr.astype(np.int8)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"`{name}` must hold numbers; got dtype {arr.dtype}.")
    return arr


def check_bipolar(x, name: str, *, binary: bool = False) -> np.ndarray:
    """Return a new int8 copy of ``x`` after checking every entry is ±1 (or 0/1 if ``binary``)."""
    arr = _as_numeric(x, name)
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
