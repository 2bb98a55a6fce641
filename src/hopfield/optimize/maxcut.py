r"""Max-cut as a Hopfield energy (Theory reference §6).

For a symmetric weighted adjacency A and a partition :math:`s \in \{\pm1\}^n`,

.. math::
    \mathrm{cut}(s) = \tfrac14 \sum_{ij} A_{ij} (1 - s_i s_j)
                    = \tfrac14 \sum_{ij} A_{ij} - \tfrac12 E(s),
    \qquad E(s) = -\tfrac12 s^\top J s,\ J = -A,

so the maximum cut is the global minimum of the Hopfield / Ising energy with couplings
:math:`J = -A` and no field (:class:`~hopfield.optimize.IsingModel` with offset 0).

References
----------
Theory reference §6 ("Max-cut as Hopfield energy").
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from .._validation import check_scalar
from .annealing import OptimizeResult, _minimise
from .ising import IsingModel, _check_square, _states

__all__ = ["adjacency", "cut_value", "maxcut_ising", "random_graph", "solve_maxcut"]


def adjacency(graph):
    """The symmetric weighted adjacency of ``graph`` as float64 (CSR if sparse or networkx).

    Parameters
    ----------
    graph : ndarray, scipy.sparse matrix or networkx.Graph, shape (n, n)
        Dense or sparse symmetric adjacency, or a networkx graph (edge attribute ``weight``,
        default 1; nodes in ``graph.nodes`` order). A diagonal (self-loops) never changes a cut
        and is dropped.
    """
    if _is_networkx(graph):
        import networkx as nx

        a = nx.to_scipy_sparse_array(graph, weight="weight", dtype=np.float64, format="csr")
        a = _check_square(a, "graph", symmetric=True)
    else:
        a = _check_square(graph, "graph", symmetric=True)
    if sp.issparse(a):
        a = a.copy()
        a.setdiag(0.0)
        a.eliminate_zeros()
        return sp.csr_array(a)
    np.fill_diagonal(a, 0.0)
    return a


def _is_networkx(graph) -> bool:
    mod = type(graph).__module__
    return mod.startswith("networkx")


def maxcut_ising(graph) -> IsingModel:
    r"""The Ising model :math:`J = -A`, :math:`h = 0`, offset 0, whose energy
    :math:`E(s) = \tfrac12 s^\top A s` gives :math:`\mathrm{cut}(s) = \tfrac14\sum A - \tfrac12 E(s)`."""
    a = adjacency(graph)
    return IsingModel(-a)


def cut_value(graph, partition) -> np.ndarray | float:
    r""":math:`\mathrm{cut}(s) = \tfrac14 \sum_{ij} A_{ij}(1 - s_i s_j)`: the weight of the edges
    whose ends lie on different sides of the ±1 ``partition`` (one, or a batch (batch, n))."""
    a = adjacency(graph)
    s, single = _states(partition, a.shape[0], "partition", binary=False)
    total = float(a.sum())
    As = np.asarray((a @ s.T).T) if sp.issparse(a) else s @ a
    c = 0.25 * (total - np.einsum("bi,bi->b", As, s))
    return float(c[0]) if single else c


def random_graph(n_nodes: int, density: float, *, weights: str = "unit", rng=None):
    """A random (Erdős–Rényi) graph as a CSR adjacency: each pair is an edge with probability
    ``density``; ``weights`` "unit" (all 1) or "pm1" (±1 at random, like the G-set toroidal
    graphs)."""
    from .._validation import check_option, check_rng

    check_scalar(n_nodes, "n_nodes", numbers.Integral, min_val=2)
    check_scalar(density, "density", numbers.Real, min_val=0.0, max_val=1.0)
    check_option(weights, "weights", ("unit", "pm1"))
    gen = check_rng(rng)
    n = int(n_nodes)
    iu, ju = np.triu_indices(n, k=1)
    keep = gen.random(iu.size) < density
    i, j = iu[keep], ju[keep]
    w = np.ones(i.size) if weights == "unit" else gen.choice([-1.0, 1.0], size=i.size)
    a = sp.csr_array((np.concatenate([w, w]), (np.concatenate([i, j]), np.concatenate([j, i]))),
                     shape=(n, n))
    a.sort_indices()
    return a


def solve_maxcut(graph, *, method="metropolis", steps: int | None = None,
                 time_limit: float | None = None, replicas: int | None = None, beta_range=None,
                 rng=None) -> OptimizeResult:
    r"""Maximise the cut of ``graph`` by minimising :math:`E(s) = \tfrac12 s^\top A s`.

    Parameters
    ----------
    graph : ndarray, scipy.sparse matrix or networkx.Graph
        Symmetric weighted adjacency (see :func:`adjacency`); sparse stays sparse.
    method, steps, time_limit, replicas, beta_range, rng
        As in :func:`hopfield.optimize.solve_ising`.

    Returns
    -------
    OptimizeResult
        ``cut`` (= ``value``), ``partition`` (= ``x``, ±1), ``energy`` E with
        ``cut = ¼ΣA − ½E``, and the trace of the best cut per round.

    Examples
    --------
    >>> import numpy as np
    >>> from hopfield.optimize import solve_maxcut
    >>> ring = np.roll(np.eye(6), 1, axis=1); ring = ring + ring.T   # even cycle: bipartite
    >>> solve_maxcut(ring, steps=50, replicas=4, rng=0).cut
    6.0
    """
    model = maxcut_ising(graph)
    quarter = -0.25 * float(model._J.sum()) + 0.0  # ¼ΣA, since J = −A (+ 0.0: no −0.0)

    def to_value(e):
        return quarter - 0.5 * e

    return _minimise(model, method=method, steps=steps, time_limit=time_limit, replicas=replicas,
                     beta_range=beta_range, rng=rng, to_value=to_value, sense="max",
                     to_x=lambda s: np.asarray(s, dtype=np.int8))
