"""Patterns: random and biased ±1 patterns, corruption, ±1 ↔ 0/1 conversion, overlaps.

Patterns are rows: an array of shape ``(n_patterns, n_neurons)`` with entries ±1 (int8). The overlap
of a state :math:`s` with a pattern :math:`\\xi` is :math:`m = \\frac{1}{N}\\sum_i \\xi_i s_i` and the
binary form of a bipolar state is :math:`V = (s + 1)/2` (Theory reference §0).
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_bipolar, check_finite_array, check_rng, check_scalar

__all__ = [
    "flip",
    "gaussian_noise",
    "hamming",
    "mask",
    "overlap",
    "overlaps",
    "random",
    "to_binary",
    "to_bipolar",
]


def random(n_patterns: int, n_neurons: int, *, bias: float = 0.0, rng=None) -> np.ndarray:
    """Independent random ±1 patterns.

    Each entry is +1 with probability :math:`(1 + b)/2`, so ``bias`` :math:`b` is the mean of every
    entry; the activity level of the 0/1 form is :math:`a = (1 + b)/2`.

    Parameters
    ----------
    n_patterns, n_neurons : int
        Shape of the result.
    bias : float, default=0.0
        Mean of each entry, in [-1, 1].
    rng : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    ndarray of int8, shape (n_patterns, n_neurons)

    Examples
    --------
    >>> import hopfield as hf
    >>> hf.patterns.random(2, 5, rng=0).shape
    (2, 5)
    """
    check_scalar(n_patterns, "n_patterns", numbers.Integral, min_val=0)
    check_scalar(n_neurons, "n_neurons", numbers.Integral, min_val=1)
    check_scalar(bias, "bias", numbers.Real, min_val=-1.0, max_val=1.0)
    gen = check_rng(rng)
    out = np.empty((n_patterns, n_neurons), dtype=np.int8)
    rows = max(1, 2**23 // n_neurons)  # the uniforms in blocks of 64 MiB: the same stream
    for r in range(0, n_patterns, rows):
        plus = gen.random((min(rows, n_patterns - r), n_neurons)) < (1.0 + bias) / 2.0
        out[r:r + rows] = np.where(plus, np.int8(1), np.int8(-1))
    return out


def _n_changes(n_neurons: int, fraction, n_flips, name: str) -> int:
    if (fraction is None) == (n_flips is None):
        raise ValueError(f"give exactly one of `fraction` and `n_flips` to {name}.")
    if n_flips is not None:
        check_scalar(n_flips, "n_flips", numbers.Integral, min_val=0, max_val=n_neurons)
        return int(n_flips)
    check_scalar(fraction, "fraction", numbers.Real, min_val=0.0, max_val=1.0)
    return round(fraction * n_neurons)


def _random_positions(n_rows: int, n_neurons: int, k: int, gen: np.random.Generator) -> np.ndarray:
    """For each row, k distinct neuron indices chosen uniformly (argsort of uniform keys)."""
    if k == 0:
        return np.empty((n_rows, 0), dtype=np.intp)
    keys = gen.random((n_rows, n_neurons))
    return np.argpartition(keys, k - 1, axis=1)[:, :k]


def flip(states, fraction: float | None = None, *, n_flips: int | None = None, rng=None) -> np.ndarray:
    """Flip exactly ``round(fraction * N)`` (or ``n_flips``) randomly chosen entries of each row.

    Parameters
    ----------
    states : array_like of ±1, shape (n_neurons,) or (batch, n_neurons)
    fraction : float, optional
        Fraction of entries to flip in each row, in [0, 1].
    n_flips : int, optional
        Exact number of entries to flip in each row (instead of ``fraction``).
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    ndarray of int8, same shape as ``states``
        A new array; the input is never modified.

    Examples
    --------
    >>> import hopfield as hf
    >>> x = hf.patterns.random(1, 100, rng=0)
    >>> int(hf.patterns.hamming(x, hf.patterns.flip(x, 0.1, rng=1))[0])
    10
    """
    arr = check_bipolar(states, "states")
    single = arr.ndim == 1
    arr2 = np.atleast_2d(arr)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(f"`states` must be a non-empty 1-D or 2-D array; got shape {arr.shape}.")
    k = _n_changes(arr2.shape[1], fraction, n_flips, "flip")
    pos = _random_positions(arr2.shape[0], arr2.shape[1], k, check_rng(rng))
    rows = np.arange(arr2.shape[0])[:, None]
    arr2[rows, pos] *= -1
    return arr2[0] if single else arr2


def mask(
    states,
    fraction: float | None = None,
    *,
    block: tuple[int, int] | slice | None = None,
    value: int = -1,
    rng=None,
) -> np.ndarray:
    """Set a block of neurons, or a random fraction of each row, to a fixed ``value``.

    Parameters
    ----------
    states : array_like, shape (n_neurons,) or (batch, n_neurons)
    fraction : float, optional
        Fraction of randomly chosen entries (per row) to overwrite.
    block : (start, stop) or slice, optional
        Contiguous neuron range to overwrite instead (e.g. the lower half of an image).
    value : int, default=-1
        The value written. ``-1`` keeps a ±1 probe valid for the classical network; ``0`` is the
        usual "unknown" for continuous and modern networks.
    rng : int or numpy.random.Generator, optional

    Returns
    -------
    ndarray, a new array of the same shape (int8 for integer ``value``).
    """
    arr = check_finite_array(states, "states", ndim=(1, 2), dtype=None)
    check_scalar(value, "value", numbers.Real)
    arr = arr.astype(_masked_dtype(arr, value))
    arr2 = np.atleast_2d(arr)
    n = arr2.shape[1]
    if (fraction is None) == (block is None):
        raise ValueError("give exactly one of `fraction` and `block` to mask.")
    if block is not None:
        sl = _check_block(block)
        start, stop, _ = sl.indices(n)
        if start >= stop:
            raise ValueError(f"`block` {block!r} selects no neurons out of {n}.")
        arr2[:, sl] = value
    else:
        k = _n_changes(n, fraction, None, "mask")
        pos = _random_positions(arr2.shape[0], n, k, check_rng(rng))
        arr2[np.arange(arr2.shape[0])[:, None], pos] = value
    return arr2[0] if arr.ndim == 1 else arr2


def _masked_dtype(arr: np.ndarray, value) -> np.dtype:
    """int8 for ±1-range integer states and an integer value, a wide enough integer type for other
    integers (uint8 pixels stay 0..255), float64 otherwise."""
    if not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool) or not float(value).is_integer():
        return np.dtype(np.float64)
    lo, hi = (int(arr.min()), int(arr.max())) if arr.size else (0, 0)
    lo, hi = min(lo, int(value)), max(hi, int(value))
    if -128 <= lo and hi <= 127:
        return np.dtype(np.int8)
    return np.result_type(np.min_scalar_type(lo), np.min_scalar_type(hi))


def _check_block(block) -> slice:
    if isinstance(block, slice):
        parts = (block.start, block.stop, block.step)
    elif isinstance(block, tuple | list) and len(block) == 2:
        parts = tuple(block)
    else:
        raise TypeError(f"`block` must be a (start, stop) pair of ints or a slice; got {block!r}.")
    for part in parts:
        if part is not None and (isinstance(part, bool) or not isinstance(part, numbers.Integral)):
            raise TypeError(f"`block` bounds must be ints (or None); got {block!r}.")
    return block if isinstance(block, slice) else slice(*block)


def gaussian_noise(x, sigma: float, *, rng=None) -> np.ndarray:
    """Return ``x + sigma * z`` with standard normal ``z`` (for continuous-valued patterns)."""
    check_scalar(sigma, "sigma", numbers.Real, min_val=0.0)
    arr = check_finite_array(x, "x", allow_empty=True)
    return arr + sigma * check_rng(rng).standard_normal(arr.shape)


def to_binary(states) -> np.ndarray:
    """Convert ±1 states to 0/1: :math:`V = (s + 1) / 2`."""
    arr = check_bipolar(states, "states")
    return ((arr + 1) // 2).astype(np.int8)


def to_bipolar(states) -> np.ndarray:
    """Convert 0/1 states to ±1: :math:`s = 2V - 1`."""
    arr = check_bipolar(states, "states", binary=True)
    return (2 * arr - 1).astype(np.int8)


def _float_rows(x, name: str, dtype=np.float64) -> np.ndarray:
    arr = check_finite_array(x, name, ndim=(1, 2), dtype=dtype)
    if arr.shape[-1] == 0:
        raise ValueError(f"`{name}` must be a non-empty 1-D or 2-D array; got shape {arr.shape}.")
    return arr


def overlap(a, b) -> np.ndarray | float:
    """Row-wise overlap :math:`m = \\frac{1}{N} a \\cdot b` (broadcast over rows).

    ``overlap(x, y)`` of two states is a float; of a batch and a state (or two batches of equal
    length) it is one overlap per row. For all pairs, use :func:`overlaps`.
    """
    a_, b_ = _float_rows(a, "a"), _float_rows(b, "b")
    if a_.shape[-1] != b_.shape[-1]:
        raise ValueError(f"`a` and `b` have {a_.shape[-1]} and {b_.shape[-1]} neurons; they must match.")
    if a_.ndim == 2 and b_.ndim == 2 and a_.shape[0] != b_.shape[0]:
        raise ValueError(
            f"`a` and `b` have {a_.shape[0]} and {b_.shape[0]} rows; row-wise overlap needs equal "
            "rows (use `hf.patterns.overlaps` for all pairs)."
        )
    m = np.einsum("...i,...i->...", a_, b_) / a_.shape[-1]
    return float(m) if np.ndim(m) == 0 else m


def overlaps(patterns, states) -> np.ndarray:
    """All-pairs overlaps :math:`m_{b\\mu} = \\frac1N \\xi^\\mu \\cdot s_b`.

    Returns
    -------
    ndarray, shape (batch, n_patterns) — or (n_patterns,) for a single 1-D state.
    """
    x = np.atleast_2d(_float_rows(patterns, "patterns"))
    s = _float_rows(states, "states")
    if x.shape[1] != s.shape[-1]:
        raise ValueError(f"`patterns` have {x.shape[1]} neurons but `states` have {s.shape[-1]}.")
    return (s @ x.T) / x.shape[1]


def hamming(a, b) -> np.ndarray | int:
    """Row-wise Hamming distance: the number of positions where ``a`` and ``b`` differ."""
    a_, b_ = _float_rows(a, "a", dtype=None), _float_rows(b, "b", dtype=None)
    if a_.shape[-1] != b_.shape[-1]:
        raise ValueError(f"`a` and `b` have {a_.shape[-1]} and {b_.shape[-1]} neurons; they must match.")
    d = np.count_nonzero(a_ != b_, axis=-1)
    return int(d) if np.ndim(d) == 0 else d
