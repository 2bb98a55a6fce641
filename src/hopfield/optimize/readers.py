"""Readers for the standard max-cut and QUBO benchmark formats.

* G-set (rudy) max-cut graphs: first line ``n m`` (G1's carries a trailing ``J``), then one edge
  a line, ``i j w``, 1-based. Returns the symmetric CSR adjacency: each listed edge appears at
  (i, j) and (j, i), so :math:`\\mathrm{cut}(s) = \\tfrac14\\sum_{ij} A_{ij}(1 - s_i s_j)`.
* Beasley / OR-Library QUBO (``.sparse``): first line ``n m``, then ``i j q``, 1-based, upper
  triangle. Q is symmetric: a listed off-diagonal entry goes to (i, j) and (j, i), so it counts
  twice in :math:`x^\\top Q x` (reading it once lands on exactly half the best-known value).
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

from .ising import QUBO

__all__ = ["read_beasley", "read_gset"]


def _read_triples(path, kind: str):
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().split()
        body = fh.read()
    name = os.fspath(path)
    if len(header) < 2:
        raise ValueError(f"{name!r} is not a {kind} file: the first line must be 'n m'.")
    try:
        n, m = int(header[0]), int(header[1])
    except ValueError:
        raise ValueError(f"{name!r} is not a {kind} file: bad first line {' '.join(header)!r}."
                         ) from None
    try:
        data = np.array(body.split(), dtype=np.float64)
    except ValueError as exc:
        raise ValueError(f"{name!r}: non-numeric entry in the {kind} body ({exc}).") from None
    if data.size % 3 or data.size // 3 != m:
        raise ValueError(f"{name!r}: header announces {m} entries but the body holds "
                         f"{data.size / 3:g} 'i j w' lines.")
    t = data.reshape(-1, 3)
    i, j = t[:, 0], t[:, 1]
    if np.any(i != np.round(i)) or np.any(j != np.round(j)):
        raise ValueError(f"{name!r}: node indices must be integers.")
    i, j = i.astype(np.int64) - 1, j.astype(np.int64) - 1
    if m and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= n):
        raise ValueError(f"{name!r}: node indices must lie in 1..{n}.")
    if not np.all(np.isfinite(t[:, 2])):
        raise ValueError(f"{name!r}: weights must be finite.")
    return n, i, j, t[:, 2]


def _symmetric(n, i, j, w):
    off = i != j
    rows = np.concatenate([i, j[off]])
    cols = np.concatenate([j, i[off]])
    vals = np.concatenate([w, w[off]])
    a = sp.csr_array((vals, (rows, cols)), shape=(n, n))
    a.sum_duplicates()
    a.sort_indices()
    return a


def read_gset(path) -> sp.csr_array:
    """Read a G-set max-cut instance as a symmetric float64 CSR adjacency (n, n).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from hopfield.optimize import read_gset, cut_value
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "tri.txt"
    ...     _ = p.write_text("3 3\\n1 2 1\\n2 3 1\\n1 3 1\\n")
    ...     A = read_gset(p)
    >>> cut_value(A, [1, -1, -1])
    2.0
    """
    n, i, j, w = _read_triples(path, "G-set")
    if np.any(i == j):
        raise ValueError(f"{os.fspath(path)!r}: self-loops are not allowed in a max-cut graph.")
    return _symmetric(n, i, j, w)


def read_beasley(path) -> QUBO:
    """Read a Beasley QUBO (minimise :math:`x^\\top Qx`) as a sparse :class:`QUBO`.

    Off-diagonal entries listed once (upper triangle) are mirrored, so each counts twice.
    """
    n, i, j, w = _read_triples(path, "Beasley QUBO")
    lo = i > j
    i, j = np.where(lo, j, i), np.where(lo, i, j)
    return QUBO(_symmetric(n, i, j, w))
