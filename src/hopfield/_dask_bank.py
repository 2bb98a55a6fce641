r"""Stored patterns held as a Dask array: the streaming log-sum-exp reduction, block by block.

A memory bank larger than one machine's memory is a ``dask.array.Array`` of shape
``(n_patterns, dim)`` split into blocks of rows, each living on a worker of a Dask cluster. The
modern network's update and energy reduce over the patterns with a log-sum-exp, which splits
exactly over disjoint blocks of rows: block :math:`b` with scores :math:`s_b = \beta X_b\xi`
gives its normalised weighted sum and log-sum-exp,

.. math:: o_b = \mathrm{softmax}(s_b)\,X_b,\qquad \ell_b = \log\textstyle\sum e^{s_b},

computed where the block lives (with the same streaming code as the in-memory path, so its
temporary memory is ``batch × rows-per-block``, or ``batch × chunk_size`` with a chunk size), and
the partials are merged in a tree by :func:`hopfield._array_api.merge_softmax_partials`:
:math:`\ell = \log\sum_b e^{\ell_b}`, :math:`o = \sum_b e^{\ell_b - \ell} o_b` — the one-shot
result to rounding. Only the queries travel to the workers and only ``(batch, dim)`` results come
back; the patterns never leave their workers.

Dask is imported only when a Dask array is given (the optional ``dask`` extra); the computation
runs on the scheduler Dask would use for ``.compute()`` (a ``dask.distributed.Client`` if one is
active).
"""

from __future__ import annotations

import math

import numpy as np

from . import _array_api as aa

__all__ = ["check_patterns", "exp_scores_minus", "is_dask_array", "separation", "softmax_matmul"]

_SPLIT_EVERY = 8        # partials merged per node of the reduction tree


def is_dask_array(x) -> bool:
    """True for a ``dask.array.Array`` (checked without importing dask)."""
    return type(x).__name__ == "Array" and type(x).__module__.startswith("dask.array")


def check_patterns(x, name: str):
    """Validate a Dask array of stored patterns; returns ``(x, max_norm)``.

    The array must be 2-D with known chunk sizes and real entries (integers and booleans become
    float64); its columns are put in one chunk so that every block holds whole patterns. One
    pass over the data gives both the largest squared norm (for :math:`M`) and the finiteness
    check (the maximum of the squared norms is NaN or inf iff an entry is, barring overflow).
    """
    import dask.array as da

    if x.ndim != 2:
        raise ValueError(f"`{name}` must be 2-D; got a {x.ndim}-D Dask array of shape {x.shape}.")
    if any(math.isnan(c) for c in x.shape):
        raise ValueError(f"`{name}` has unknown chunk sizes (shape {x.shape}); call "
                         "`compute_chunk_sizes()` on it first.")
    if 0 in x.shape:
        raise ValueError(f"`{name}` is empty (shape {x.shape}).")
    if np.issubdtype(x.dtype, np.integer) or x.dtype == bool:
        x = x.astype(np.float64)
    elif not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"`{name}` must hold real numbers; got dtype {x.dtype}.")
    x = x.rechunk({1: -1})
    with np.errstate(over="ignore", invalid="ignore"):
        max_sq = float(da.max(da.einsum("ij,ij->i", x, x)).compute())
        if not math.isfinite(max_sq):
            finite, has_nan = da.compute(da.isfinite(x).all(), da.isnan(x).any())
            if not finite:
                raise ValueError(f"`{name}` contains {'NaN' if has_nan else 'inf'}; every "
                                 "entry must be finite.")
    return x, math.sqrt(max_sq)


def _block_partial(q, block, beta, with_values: bool, chunk_size: int | None):
    """``(softmax(β q Bᵀ) B, logsumexp(β q Bᵀ))`` of one block ``B`` (NumPy, on a worker)."""
    block = np.asarray(block)
    n = block.shape[0]

    def scores(a, b):
        s = q @ block[a:b].T
        s *= beta
        return s

    out, lse = aa.streaming_softmax_matmul(
        scores, (lambda a, b: block[a:b]) if with_values else None, n, chunk_size or n, np)
    return out, lse


def _merge(*parts):
    """Merge partials ``(out, lse)`` (``out`` None for a log-sum-exp only)."""
    out, lse = parts[0]
    for o, ell in parts[1:]:
        if out is None:
            lse = np.logaddexp(lse, ell)
        else:
            out, lse = aa.merge_softmax_partials(out, lse, o, ell, np)
    return out, lse


def _share(q):
    """The queries as a graph input: sent once to every worker of an active distributed client
    (not embedded in the graph, whose size Dask warns about), else a delayed constant."""
    import dask

    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):       # no dask.distributed, or no client
        return dask.delayed(q, pure=True)
    return client.scatter(q, broadcast=True, hash=False)


def softmax_matmul(q, x, beta, *, values: bool = True, chunk_size: int | None = None):
    r"""``(softmax(β q Xᵀ) X, logsumexp(β q Xᵀ))`` over the Dask array ``x``, merged exactly.

    Parameters
    ----------
    q : ndarray (batch, dim)
        Queries (NumPy, the patterns' dtype).
    x : dask.array.Array (n, dim)
        Stored patterns, whole rows per block (see :func:`check_patterns`).
    beta : float
    values : bool, default=True
        False skips the weighted sum (log-sum-exp only, for the energy); ``out`` is then None.
    chunk_size : int, optional
        Rows per step inside each block (bounds a worker's temporary memory).

    Returns
    -------
    out : ndarray (batch, dim) or None
    lse : ndarray (batch,)
        The natural log-sum-exp of the scores β q Xᵀ (not divided by β).
    """
    import dask

    qd = _share(np.asarray(q))
    parts = [dask.delayed(_block_partial, pure=True)(qd, blk, float(beta), values, chunk_size)
             for blk in x.to_delayed().ravel()]
    while len(parts) > 1:
        parts = [dask.delayed(_merge, pure=True)(*parts[i:i + _SPLIT_EVERY])
                 for i in range(0, len(parts), _SPLIT_EVERY)]
    (out, lse), = dask.compute(parts[0])
    return out, lse


def separation(x) -> np.ndarray:
    r""":math:`\Delta_i = \min_{j\ne i}(x_i^\top x_i - x_i^\top x_j)` of a Dask array, block by block.

    The Gram matrix is formed one block at a time on the workers (never whole); returns a NumPy
    array of shape (n,).
    """
    import dask.array as da

    if x.shape[0] == 1:
        return np.full(1, math.inf, dtype=x.dtype)
    g = da.matmul(x, x.T).map_blocks(_mask_diagonal, dtype=x.dtype)
    own = da.einsum("ij,ij->i", x, x)
    return np.asarray((own - g.max(axis=1)).compute())


def _mask_diagonal(block, block_info=None):
    """The Gram block with −inf on the global diagonal (the j = i terms are excluded)."""
    (r0, r1), (c0, c1) = block_info[0]["array-location"]
    rows = np.arange(r0, r1)[:, None]
    cols = np.arange(c0, c1)[None, :]
    return np.where(rows == cols, -np.inf, block)


def exp_scores_minus(q, x, beta, lse):
    """The lazy ``(batch, n)`` Dask array ``exp(β q Xᵀ − lse)`` (softmax weights, by blocks)."""
    import dask.array as da

    s = da.matmul(da.from_array(np.asarray(q), chunks=(q.shape[0], q.shape[1])), x.T) * beta
    return da.exp(s - lse[:, None])
