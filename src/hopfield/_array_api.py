"""Small helpers around ``array-api-compat``: namespaces, devices, stable log-sum-exp / softmax.

The maths of the batch-friendly models (modern, dense, Lagrangian/HAM) is written once against the
array API standard, so a NumPy array in gives a NumPy array out and a torch tensor in gives a torch
tensor out, on its device, with autograd. These helpers are that shared ground; they assume clean
input (validation happens at the public edge) and never call NumPy-only functions on a foreign
namespace.

Functions here accept an optional ``xp=`` so that a caller who already resolved the namespace
passes it down instead of resolving it again (scikit-learn's ``get_namespace`` pattern).
"""

from __future__ import annotations

import math

import array_api_compat
import numpy as np

__all__ = [
    "as_namespace_array",
    "device",
    "eps",
    "exp_shifted",
    "get_namespace",
    "is_floating",
    "is_numpy",
    "is_torch",
    "log_or_neginf",
    "logsumexp",
    "max_abs",
    "merge_softmax_partials",
    "safe_divide",
    "softmax",
    "streaming_softmax_matmul",
    "to_float",
    "to_scalar",
]


def get_namespace(*arrays, xp=None):
    """The array-API namespace of ``arrays`` (``xp`` if given); NumPy for plain Python input."""
    if xp is not None:
        return xp
    arrs = [a for a in arrays if a is not None and not isinstance(a, int | float | bool)]
    if not arrs:
        return array_api_compat.array_namespace(np.empty(0))
    if not all(array_api_compat.is_array_api_obj(a) for a in arrs):
        arrs = [np.asarray(a) if not array_api_compat.is_array_api_obj(a) else a for a in arrs]
    return array_api_compat.array_namespace(*arrs)


def device(x):
    """Device of ``x`` (``"cpu"`` for NumPy)."""
    return array_api_compat.device(x)


def is_torch(x) -> bool:
    """True if ``x`` is a torch tensor (checked without importing torch)."""
    return array_api_compat.is_torch_array(x)


def is_numpy(x) -> bool:
    """True if ``x`` is a NumPy array."""
    return array_api_compat.is_numpy_array(x)


def is_floating(x, xp) -> bool:
    """True if ``x`` has a real floating dtype."""
    return xp.isdtype(x.dtype, "real floating")


def eps(dtype, xp) -> float:
    """Machine epsilon of a floating ``dtype``."""
    return float(xp.finfo(dtype).eps)


def to_float(x, xp, dtype=None):
    """``x`` cast to a floating dtype (``dtype``, or x's own if floating, else float64)."""
    if dtype is None:
        if xp.isdtype(x.dtype, "real floating"):
            return x
        dtype = xp.float64
    if x.dtype == dtype:
        return x
    return xp.astype(x, dtype)


def as_namespace_array(x, like, xp):
    """``x`` (any array) as an array of ``like``'s namespace, device and floating dtype.

    A NumPy array converted for a torch ``like`` becomes a new tensor (no autograd history); an
    array already in the namespace is only moved/cast if needed, so gradients still flow.
    """
    dev = device(like)
    if not array_api_compat.is_array_api_obj(x) or array_api_compat.array_namespace(x) is not xp:
        x = xp.asarray(np.asarray(x), device=dev)
    elif device(x) != dev:
        x = array_api_compat.to_device(x, dev)
    if x.dtype != like.dtype:
        x = xp.astype(x, like.dtype)
    return x


def max_abs(x, xp) -> float:
    """Largest absolute entry of ``x`` as a Python float (0.0 if empty)."""
    if array_api_compat.size(x) == 0:
        return 0.0
    return to_scalar(xp.max(xp.abs(x)))


def to_scalar(x) -> float:
    """A 0-d array as a Python float (detached from autograd; one host sync on GPU)."""
    if is_torch(x):
        return float(x.detach().item())
    return float(x)


def all_finite(x, xp) -> bool:
    """Every entry of ``x`` finite, from one sum where it can: the sum is NaN or ±inf whenever an
    entry is, so a finite sum proves them all finite without ``isfinite``'s temporaries (torch's
    takes ``|x|`` and three boolean masks, ~2× the input); the entrywise check runs only when the
    sum is not finite (an entry that is not, or a rare overflow of finite entries)."""
    if is_torch(x):
        x = x.detach()
    with np.errstate(over="ignore", invalid="ignore"):
        total = to_scalar(xp.sum(x))
    return math.isfinite(total) or bool(xp.all(xp.isfinite(x)))


def exp_shifted(s, m, xp):
    """``exp(s - m)``; for a NumPy ``s`` that the caller owns (a fresh temporary), in place.

    Saves two ``s``-sized temporaries (the difference and the exponential) on NumPy, and on
    torch when no gradient is being recorded; otherwise the functional expression (in-place ops
    would break autograd).
    """
    if is_numpy(s) and s.flags.writeable and np.broadcast_shapes(s.shape, m.shape) == s.shape:
        np.subtract(s, m, out=s)
        np.exp(s, out=s)
        return s
    if is_torch(s) and not s.requires_grad and not m.requires_grad:
        return s.sub_(m).exp_()     # no autograd graph to protect: reuse the buffer
    return xp.exp(s - m)


def _safe_max(x, axis, xp):
    m = xp.max(x, axis=axis, keepdims=True)
    # A row that is entirely -inf (fully masked) would give (-inf) - (-inf) = NaN; shift by 0.
    return xp.where(xp.isfinite(m), m, xp.zeros_like(m))


def log_or_neginf(total, xp):
    """log(total) for total ≥ 0, with log 0 = -inf and no divide-by-zero warning."""
    pos = total > 0
    safe = xp.where(pos, total, xp.ones_like(total))
    return xp.where(pos, xp.log(safe), xp.full_like(total, -float("inf")))


def logsumexp(x, /, *, axis: int = -1, keepdims: bool = False, xp=None):
    r"""Stable :math:`\log\sum_i e^{x_i}` along ``axis``: :math:`m + \log\sum_i e^{x_i - m}`.

    A slice that is entirely :math:`-\infty` gives :math:`-\infty` (no NaN).
    """
    xp = get_namespace(x, xp=xp)
    m = _safe_max(x, axis, xp)
    out = log_or_neginf(xp.sum(xp.exp(x - m), axis=axis, keepdims=True), xp) + m
    if not keepdims:
        out = xp.squeeze(out, axis=axis)
    return out


def safe_divide(num, den, xp):
    """``num / den`` with 0 where ``den == 0`` (a softmax over nothing: every entry masked)."""
    pos = den > 0
    return xp.where(pos, num / xp.where(pos, den, xp.ones_like(den)), xp.zeros_like(num))


def softmax(x, /, *, axis: int = -1, xp=None):
    r"""Stable :math:`\mathrm{softmax}(x)_i = e^{x_i - m} / \sum_j e^{x_j - m}` along ``axis``.

    A slice that is entirely :math:`-\infty` (fully masked) gives zeros, not NaN, as
    ``torch.nn.functional.scaled_dot_product_attention`` does.
    """
    xp = get_namespace(x, xp=xp)
    e = xp.exp(x - _safe_max(x, axis, xp))
    return safe_divide(e, xp.sum(e, axis=axis, keepdims=True), xp)


def streaming_softmax_matmul(scores_of, values_of, n: int, chunk_size: int, xp):
    r"""``(softmax(s) @ V, logsumexp(s))`` over ``n`` columns, ``chunk_size`` columns at a time.

    The streaming (online) log-sum-exp of Milakov & Gimelshein (2018), as in flash attention: for
    each chunk :math:`c` with scores :math:`s_c` (shape ``(..., chunk)``) and values :math:`V_c`,

    .. math:: m' = \max(m, \max s_c),\quad
              \ell \leftarrow \ell\,e^{m - m'} + \textstyle\sum e^{s_c - m'},\quad
              a \leftarrow a\,e^{m - m'} + e^{s_c - m'} V_c,

    and at the end ``a / ℓ`` is the softmax-weighted sum (0 where every score is −inf) and
    ``m + log ℓ`` the log-sum-exp (−inf there). Peak
    memory is one ``(..., chunk)`` block instead of ``(..., n)``.

    Parameters
    ----------
    scores_of : callable(start, stop) -> array (..., stop - start)
        Scores of the columns ``start:stop`` (already scaled by β).
    values_of : callable(start, stop) -> array (stop - start, d_v) or (..., stop - start, d_v)
        Values of those columns; ``None`` to skip the weighted sum (log-sum-exp only).
    n, chunk_size : int
        Number of columns and columns per block (both ≥ 1).
    xp : namespace

    Returns
    -------
    out : array (..., d_v) or None
    lse : array (...)
    """
    # ``m`` is the true running max (−inf while every score so far is −inf); ``shift`` is the
    # finite value the exponentials are taken against (m, or 0 while m is −inf). Keeping the two
    # apart matters: were the 0 stored as the running max, a later block of scores far below 0
    # (−1e3) would be exponentiated against 0 and underflow to an empty sum.
    m = shift = acc = ell = None
    for start in range(0, n, chunk_size):
        stop = min(start + chunk_size, n)
        s = scores_of(start, stop)
        m_c = xp.max(s, axis=-1, keepdims=True)
        m_new = m_c if m is None else xp.maximum(m, m_c)
        shift_new = xp.where(xp.isfinite(m_new), m_new, xp.zeros_like(m_new))
        e = exp_shifted(s, shift_new, xp)
        ell_c = xp.sum(e, axis=-1, keepdims=True)
        acc_c = None if values_of is None else xp.matmul(e, values_of(start, stop))
        if m is None:
            ell, acc = ell_c, acc_c
        else:
            # e^{shift_old - shift_new} ≤ 1; 0 where nothing was summed before (m = −inf)
            gap = xp.where(xp.isfinite(m), shift - shift_new, xp.full_like(shift, -float("inf")))
            scale = xp.exp(gap)
            ell = ell * scale + ell_c
            if acc_c is not None:
                acc = acc * scale + acc_c
        m, shift = m_new, shift_new
    lse = xp.squeeze(log_or_neginf(ell, xp) + shift, axis=-1)
    out = None if acc is None else safe_divide(acc, ell, xp)
    return out, lse


def merge_softmax_partials(out_a, lse_a, out_b, lse_b, xp):
    r"""Merge two normalised partial softmax-weighted sums over disjoint sets of columns, exactly.

    With :math:`o_a = \mathrm{softmax}(s_a)\,V_a`, :math:`\ell_a = \log\sum e^{s_a}` and the
    same for :math:`b`, the pair for the union of the columns is

    .. math:: \ell = \log(e^{\ell_a} + e^{\ell_b}),\qquad
              o = e^{\ell_a - \ell}\,o_a + e^{\ell_b - \ell}\,o_b .

    This is how blocks of stored patterns reduced apart (by a fused attention kernel or on the
    workers of a Dask cluster) are combined into the one-shot result. A part with
    :math:`\ell = -\infty` (no column, or every column masked) contributes nothing; where both
    are :math:`-\infty` the merged output is 0 and its log-sum-exp :math:`-\infty`.

    Parameters
    ----------
    out_a, out_b : arrays (..., d_v)
    lse_a, lse_b : arrays (...)
    xp : namespace

    Returns
    -------
    out : array (..., d_v)
    lse : array (...)
    """
    lse = xp.logaddexp(lse_a, lse_b)
    ref = xp.where(xp.isfinite(lse), lse, xp.zeros_like(lse))   # −inf − (−inf) would be NaN
    w_a = xp.expand_dims(xp.exp(lse_a - ref), axis=-1)
    w_b = xp.expand_dims(xp.exp(lse_b - ref), axis=-1)
    return out_a * w_a + out_b * w_b, lse
