"""Numba kernel for Storkey's rule: one pass over the weights per stored pattern."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def storkey_extend(w, x):
    r"""Apply Storkey's update for each row of ``x`` to the symmetric ``w``, in place.

    .. math::
        \Delta w_{ij} = \frac1N\big(\xi_i\xi_j - \xi_i h_{ji} - h_{ij}\xi_j\big),\quad
        h_{ij} = h_i - w_{ii}\xi_i - w_{ij}\xi_j\ (i \ne j),\quad h_{ii} = h_i - w_{ii}\xi_i,

    with :math:`h = W\xi` from the weights before the pattern. ``w`` must be symmetric (the rule
    keeps it so): row i is rewritten in place while rows j > i still hold the old
    :math:`w_{ji} = w_{ij}`, so every row is read and written contiguously.
    """
    n = w.shape[0]
    inv_n = 1.0 / n
    d = np.empty(n)
    for p in range(x.shape[0]):
        xi = x[p]
        h = w @ xi
        for i in range(n):
            d[i] = w[i, i]
        for i in range(n):
            hi = h[i] - d[i] * xi[i]
            row = w[i]
            for j in range(n):
                if j == i:
                    row[i] = d[i] + (1.0 - 2.0 * xi[i] * hi) * inv_n
                    continue
                wij = row[j]  # old value; symmetric, so it is also the old w_ji
                hij = hi - wij * xi[j]
                hji = h[j] - d[j] * xi[j] - wij * xi[i]
                row[j] = wij + (xi[i] * xi[j] - xi[i] * hji - hij * xi[j]) * inv_n
    return w
