r"""Ising models and QUBOs: the energies that Hopfield networks minimise, and exact conversions.

Conventions (Theory reference §0, §4, §6):

* :class:`IsingModel` ``(J, h, offset)``, spins :math:`s \in \{-1, +1\}^n`,

  .. math:: H(s) = -\tfrac12 s^\top J s - h^\top s + c
                 = -\sum_{i<j} J_{ij} s_i s_j - \sum_i h_i s_i + c ,

  with J symmetric and zero on the diagonal (a diagonal given to the constructor only adds the
  constant :math:`-\tfrac12\sum_i J_{ii}`, which is moved into the offset). This is the Hopfield
  energy :math:`E(s) = -\tfrac12 s^\top W s + \theta^\top s` with :math:`W = J`,
  :math:`\theta = -h`: ``H(s) = E(s) + offset`` exactly.

* :class:`QUBO` ``(Q, offset)``, :math:`x \in \{0, 1\}^n`, minimise
  :math:`f(x) = x^\top Q x + c` with Q symmetric. In Beasley's file convention each off-diagonal
  entry is listed once (upper triangle) and counts twice in :math:`x^\top Q x`.

* Conversions, with :math:`x = (s + 1)/2`, are exact (equal energies on every state):

  .. math::
      x^\top Q x = -\tfrac12 s^\top J s - h^\top s + c,\quad
      J = -\tfrac12 (Q - \mathrm{diag}\,Q),\ h = -\tfrac12 Q\mathbf 1,\
      c = \tfrac14 \mathbf 1^\top Q \mathbf 1 + \tfrac14 \mathrm{tr}\,Q,

  and back :math:`Q = -2J + \mathrm{diag}(2J\mathbf 1 - 2h)`,
  :math:`c_Q = c - \tfrac12 \mathbf 1^\top J \mathbf 1 + \sum_i h_i` (J with zero diagonal).

Couplings may be dense NumPy arrays or SciPy sparse matrices; sparse input stays sparse (CSR).

References
----------
J. J. Hopfield, PNAS 79:2554 (1982) ("isomorphic with an Ising model"); Theory reference §4, §6.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from .._validation import as_real_array, check_bool, check_finite_array, check_scalar

__all__ = ["QUBO", "IsingModel"]


def _check_square(m, name: str, *, symmetric: bool):
    """A float64 copy of a square dense or CSR matrix, finite, optionally checked symmetric."""
    if sp.issparse(m):
        a = sp.csr_array(m, dtype=np.float64, copy=True)
        if a.ndim != 2 or a.shape[0] != a.shape[1]:
            raise ValueError(f"`{name}` must be square (n, n); got shape {a.shape}.")
        if a.shape[0] == 0:
            raise ValueError(f"`{name}` is empty; at least one variable is needed.")
        if not np.all(np.isfinite(a.data)):
            bad = "NaN" if np.isnan(a.data).any() else "inf"
            raise ValueError(f"`{name}` contains {bad}; every entry must be finite.")
        a.sum_duplicates()
        a.eliminate_zeros()
        if symmetric:
            diff = a - a.T
            worst = float(np.max(np.abs(diff.data))) if diff.nnz else 0.0
            if worst > 1e-12 * max(1.0, float(np.max(np.abs(a.data))) if a.nnz else 1.0):
                raise ValueError(
                    f"`{name}` must be symmetric; max |m_ij - m_ji| = {worst:.3g}. Symmetrise with "
                    f"(M + M.T) / 2 (exact for the quadratic form) or pass symmetrize=True."
                )
        a.sort_indices()
        return a
    a = check_finite_array(m, name, ndim=2)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"`{name}` must be square (n, n); got shape {a.shape}.")
    if symmetric and not np.allclose(a, a.T, rtol=1e-12, atol=1e-12):
        worst = float(np.max(np.abs(a - a.T)))
        raise ValueError(
            f"`{name}` must be symmetric; max |m_ij - m_ji| = {worst:.3g}. Symmetrise with "
            f"(M + M.T) / 2 (exact for the quadratic form) or pass symmetrize=True."
        )
    return a


def _diag(m) -> np.ndarray:
    return np.asarray(m.diagonal(), dtype=np.float64)


def _without_diag(m):
    if sp.issparse(m):
        out = m.copy()
        out.setdiag(0.0)
        out.eliminate_zeros()
        return sp.csr_array(out)
    out = m.copy()
    np.fill_diagonal(out, 0.0)
    return out


def _rowsum(m) -> np.ndarray:
    return np.asarray(m.sum(axis=1), dtype=np.float64).ravel()


def _quad(m, x: np.ndarray) -> np.ndarray:
    """Row-wise quadratic forms x_b^T M x_b for a batch x of shape (batch, n)."""
    mx = (m @ x.T).T if sp.issparse(m) else x @ m.T
    return np.einsum("bi,bi->b", np.asarray(mx), x)


def _states(x, n: int, name: str, *, binary: bool):
    arr = as_real_array(x, name)
    if arr.dtype == bool:
        arr = arr.astype(np.int8)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"`{name}` must hold numbers; got dtype {arr.dtype}.")
    single = arr.ndim == 1
    arr2 = arr[None, :] if single else arr
    if arr2.ndim != 2 or arr2.shape[1] != n:
        raise ValueError(f"`{name}` must have shape ({n},) or (batch, {n}); got {arr.shape}.")
    allowed = (0, 1) if binary else (-1, 1)
    ok = (arr2 == allowed[0]) | (arr2 == allowed[1])
    if not np.all(ok):
        kind = "0/1" if binary else "±1"
        found = np.unique(arr2[~ok])[:5].tolist()
        raise ValueError(f"`{name}` must be {kind}; found values {found}.")
    return arr2.astype(np.float64), single


class IsingModel:
    r"""Ising energy :math:`H(s) = -\tfrac12 s^\top J s - h^\top s + c`, :math:`s \in \{\pm1\}^n`.

    Parameters
    ----------
    J : array_like or scipy.sparse matrix, shape (n, n)
        Symmetric couplings. Sparse input is kept as CSR. A non-zero diagonal is moved into the
        offset as :math:`-\tfrac12\sum_i J_{ii}` (since :math:`s_i^2 = 1`).
    h : array_like of shape (n,) or float, optional
        Fields (default 0).
    offset : float, default=0.0
        Constant c.
    symmetrize : bool, default=False
        Replace J by :math:`(J + J^\top)/2` (exact for the energy) instead of rejecting an
        asymmetric J.

    Notes
    -----
    Equivalent pairwise form: :math:`H(s) = -\sum_{i<j} J_{ij} s_i s_j - \sum_i h_i s_i + c`.
    As a Hopfield network: weights :math:`W = J`, thresholds :math:`\theta = -h`, and
    :math:`H(s) = E_{\text{Hopfield}}(s) + c`.

    Examples
    --------
    >>> import numpy as np
    >>> m = IsingModel(np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> float(m.energy([1, 1])), float(m.energy([1, -1]))
    (-1.0, 1.0)
    """

    def __init__(self, J, h=None, offset: float = 0.0, *, symmetrize: bool = False):
        j = _check_square(J, "J", symmetric=not check_bool(symmetrize, "symmetrize"))
        if symmetrize:
            j = sp.csr_array((j + j.T) / 2.0) if sp.issparse(j) else (j + j.T) / 2.0
        n = j.shape[0]
        check_scalar(offset, "offset", numbers.Real)
        if not np.isfinite(offset):
            raise ValueError(f"`offset` == {offset}, must be finite.")
        d = _diag(j)
        self._offset = float(offset) - 0.5 * float(d.sum())
        self._J = _without_diag(j) if np.any(d != 0) else j
        if h is None:
            self._h = np.zeros(n)
        else:
            hh = check_finite_array(h, "h", ndim=(0, 1))
            if hh.ndim == 0:
                hh = np.full(n, float(hh))
            if hh.shape[0] != n:
                raise ValueError(f"`h` has length {hh.shape[0]} but J is {n}×{n}.")
            self._h = hh

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        """Number of spins."""
        return self._J.shape[0]

    @property
    def J(self):
        """Couplings, zero diagonal (a copy; CSR if sparse)."""
        return self._J.copy()

    @property
    def h(self) -> np.ndarray:
        """Fields (a copy)."""
        return self._h.copy()

    @property
    def offset(self) -> float:
        """Constant term c."""
        return self._offset

    @property
    def is_sparse(self) -> bool:
        """Whether J is stored as a SciPy sparse (CSR) matrix."""
        return sp.issparse(self._J)

    # ------------------------------------------------------------------ energy
    def energy(self, spins) -> np.ndarray | float:
        r""":math:`H(s) = -\tfrac12 s^\top J s - h^\top s + c` for one state or a batch.

        Parameters
        ----------
        spins : array_like, shape (n,) or (batch, n)
            ±1 spins.

        Returns
        -------
        float or ndarray of shape (batch,)
        """
        s, single = _states(spins, self.n, "spins", binary=False)
        e = -0.5 * _quad(self._J, s) - s @ self._h + self._offset
        return float(e[0]) if single else e

    def local_field(self, spins) -> np.ndarray:
        r"""Local fields :math:`f_i = \sum_j J_{ij} s_j + h_i`; flipping spin i changes H by
        :math:`2 s_i f_i`."""
        s, single = _states(spins, self.n, "spins", binary=False)
        f = np.asarray((self._J @ s.T).T) + self._h
        return f[0] if single else f

    # ------------------------------------------------------------------ conversions
    def to_qubo(self) -> QUBO:
        r"""The exactly equivalent :class:`QUBO` under :math:`x = (s + 1)/2`.

        :math:`Q = -2J + \mathrm{diag}(2J\mathbf 1 - 2h)`, offset
        :math:`c - \tfrac12\mathbf 1^\top J\mathbf 1 + \sum_i h_i`.
        """
        r = _rowsum(self._J)
        diag = 2.0 * r - 2.0 * self._h
        if self.is_sparse:
            q = sp.csr_array(-2.0 * self._J + sp.diags_array(diag, format="csr"))
        else:
            q = -2.0 * self._J + np.diag(diag)
        off = self._offset - 0.5 * float(r.sum()) + float(self._h.sum())
        return QUBO(q, off)

    def to_hopfield(self):
        r"""A bipolar :class:`hopfield.HopfieldNetwork` with :math:`W = J`, :math:`\theta = -h`.

        Its energy equals :math:`H(s) - c`. J is densified (the classical network is dense).
        """
        from ..classical import HopfieldNetwork

        j = self._J.toarray() if self.is_sparse else self._J
        return HopfieldNetwork.from_weights(j, -self._h)

    @classmethod
    def from_hopfield(cls, network, offset: float = 0.0) -> IsingModel:
        r"""The Ising model of a :class:`hopfield.HopfieldNetwork` (its bipolar form):
        :math:`J = W`, :math:`h = -\theta`; ``H(s) = E(s) + offset`` for the ±1 form of s.

        A diagonal in W only shifts the offset (by :math:`-\tfrac12 \sum_i w_{ii}`), so that
        H still equals the network's energy plus ``offset`` on every state.
        """
        from ..classical import HopfieldNetwork

        if not isinstance(network, HopfieldNetwork):
            raise TypeError(f"`network` must be a HopfieldNetwork; got {type(network).__name__}.")
        return cls(network.bipolar_weights, -network.bipolar_thresholds, offset)

    def to_dimod(self):
        """A ``dimod.BinaryQuadraticModel`` (SPIN) with the same energy on every state.

        dimod's energy is :math:`\\sum_i a_i s_i + \\sum_{i<j} b_{ij} s_i s_j + c`, so
        :math:`a = -h`, :math:`b_{ij} = -J_{ij}`. Variables are labelled 0..n-1.
        """
        dimod = _import_dimod()
        rows, cols, vals = _upper_entries(self._J)
        bqm = dimod.BinaryQuadraticModel(
            {i: -float(v) for i, v in enumerate(self._h)},
            {(int(i), int(j)): -float(v) for i, j, v in zip(rows, cols, vals, strict=True)},
            self._offset, dimod.SPIN,
        )
        return bqm

    @classmethod
    def from_dimod(cls, bqm) -> IsingModel:
        """The Ising model of a ``dimod.BinaryQuadraticModel`` (any vartype).

        Variables are taken in the order of ``bqm.variables``; position k is variable
        ``bqm.variables[k]``.
        """
        dimod = _import_dimod()
        spin = bqm.change_vartype(dimod.SPIN, inplace=False)
        labels = list(spin.variables)
        index = {v: k for k, v in enumerate(labels)}
        n = len(labels)
        h = np.array([-spin.linear[v] for v in labels], dtype=np.float64)
        rows, cols, vals = [], [], []
        for (u, v), b in spin.quadratic.items():
            i, j = index[u], index[v]
            rows += [i, j]
            cols += [j, i]
            vals += [-float(b), -float(b)]
        J = sp.csr_array((vals, (rows, cols)), shape=(n, n))
        return cls(J, h, float(spin.offset))

    def __repr__(self) -> str:
        kind = f"sparse, nnz={self._J.nnz}" if self.is_sparse else "dense"
        return f"IsingModel(n={self.n}, {kind}, offset={self._offset:g})"


class QUBO:
    r"""Quadratic unconstrained binary optimisation: minimise :math:`x^\top Q x + c`, x ∈ {0,1}ⁿ.

    Parameters
    ----------
    Q : array_like or scipy.sparse matrix, shape (n, n)
        Symmetric matrix (sparse input stays CSR). The diagonal holds the linear terms
        (:math:`x_i^2 = x_i`).
    offset : float, default=0.0
        Constant c.
    symmetrize : bool, default=False
        Replace an asymmetric Q by :math:`(Q + Q^\top)/2`, which leaves :math:`x^\top Q x`
        unchanged; by default an asymmetric Q is rejected.

    Notes
    -----
    Beasley's files list each off-diagonal pair once (upper triangle); as a symmetric Q that entry
    sits at (i, j) and (j, i) and so counts twice in :math:`x^\top Q x`
    (:func:`hopfield.optimize.read_beasley` builds it that way).

    Examples
    --------
    >>> import numpy as np
    >>> q = QUBO(np.array([[-1.0, 2.0], [2.0, -1.0]]))
    >>> [float(q.energy(x)) for x in ([0, 0], [1, 0], [1, 1])]
    [0.0, -1.0, 2.0]
    """

    def __init__(self, Q, offset: float = 0.0, *, symmetrize: bool = False):
        q = _check_square(Q, "Q", symmetric=not check_bool(symmetrize, "symmetrize"))
        if symmetrize:
            q = sp.csr_array((q + q.T) / 2.0) if sp.issparse(q) else (q + q.T) / 2.0
        check_scalar(offset, "offset", numbers.Real)
        if not np.isfinite(offset):
            raise ValueError(f"`offset` == {offset}, must be finite.")
        self._Q = q
        self._offset = float(offset)

    @property
    def n(self) -> int:
        """Number of binary variables."""
        return self._Q.shape[0]

    @property
    def Q(self):
        """The symmetric matrix (a copy; CSR if sparse)."""
        return self._Q.copy()

    @property
    def offset(self) -> float:
        """Constant term c."""
        return self._offset

    @property
    def is_sparse(self) -> bool:
        """Whether Q is stored as a SciPy sparse (CSR) matrix."""
        return sp.issparse(self._Q)

    def energy(self, x) -> np.ndarray | float:
        r""":math:`x^\top Q x + c` for one 0/1 vector or a batch of shape (batch, n)."""
        v, single = _states(x, self.n, "x", binary=True)
        e = _quad(self._Q, v) + self._offset
        return float(e[0]) if single else e

    def to_ising(self) -> IsingModel:
        r"""The exactly equivalent :class:`IsingModel` under :math:`s = 2x - 1`:
        :math:`J = -\tfrac12(Q - \mathrm{diag}\,Q)`, :math:`h = -\tfrac12 Q\mathbf 1`,
        :math:`c = c_Q + \tfrac14\mathbf 1^\top Q\mathbf 1 + \tfrac14\mathrm{tr}\,Q`."""
        r = _rowsum(self._Q)
        d = _diag(self._Q)
        J = -0.5 * _without_diag(self._Q)
        if self.is_sparse:
            J = sp.csr_array(J)
        off = self._offset + 0.25 * float(r.sum()) + 0.25 * float(d.sum())
        return IsingModel(J, -0.5 * r, off)

    def to_hopfield(self):
        r"""A binary (0/1) :class:`hopfield.HopfieldNetwork` whose energy is
        :math:`x^\top Q x + c` minus the constant :meth:`hopfield_offset`.

        Built as the bipolar image of :meth:`to_ising` (Theory reference §1 conversion): the network's
        0/1 energy is :math:`E_{01}(x) = \tfrac12 (x^\top Q x + c) + \text{const}`.
        """
        from ..classical import HopfieldNetwork

        ising = self.to_ising()
        j = ising._J.toarray() if ising.is_sparse else ising._J
        bip = HopfieldNetwork.from_weights(j, -ising._h)
        w2 = 2.0 * bip.bipolar_weights
        theta01 = bip.bipolar_thresholds + bip.bipolar_weights.sum(axis=1)
        return HopfieldNetwork.from_weights(w2, theta01, states="binary")

    def hopfield_offset(self) -> float:
        r"""Constant K with :math:`x^\top Q x + c = 2 E_{01}(x) + K` for :meth:`to_hopfield`."""
        ising = self.to_ising()
        j = ising._J.toarray() if ising.is_sparse else ising._J
        # H(s) = E±(s) + c_I and E± = 2 E01 − ½ Σ w − Σ θ  (classical.py)
        return ising.offset - 0.5 * float(j.sum()) + float(ising._h.sum())

    @classmethod
    def from_hopfield(cls, network) -> QUBO:
        """The QUBO of a :class:`hopfield.HopfieldNetwork` (either state space): its energy in
        0/1 variables :math:`x = (s+1)/2` plus nothing, i.e. ``QUBO.energy(x) == E(s)`` where
        E is the network's bipolar energy."""
        return IsingModel.from_hopfield(network).to_qubo()

    def to_dimod(self):
        """A ``dimod.BinaryQuadraticModel`` (BINARY) with the same energy on every state:
        linear :math:`a_i = Q_{ii}`, quadratic :math:`b_{ij} = 2 Q_{ij}` (i < j)."""
        dimod = _import_dimod()
        rows, cols, vals = _upper_entries(self._Q)
        return dimod.BinaryQuadraticModel(
            {i: float(v) for i, v in enumerate(_diag(self._Q))},
            {(int(i), int(j)): 2.0 * float(v) for i, j, v in zip(rows, cols, vals, strict=True)},
            self._offset, dimod.BINARY,
        )

    @classmethod
    def from_dimod(cls, bqm) -> QUBO:
        """The QUBO of a ``dimod.BinaryQuadraticModel`` (any vartype), variables in the order of
        ``bqm.variables``."""
        dimod = _import_dimod()
        b = bqm.change_vartype(dimod.BINARY, inplace=False)
        labels = list(b.variables)
        index = {v: k for k, v in enumerate(labels)}
        n = len(labels)
        rows = list(range(n))
        cols = list(range(n))
        vals = [float(b.linear[v]) for v in labels]
        for (u, v), w in b.quadratic.items():
            i, j = index[u], index[v]
            rows += [i, j]
            cols += [j, i]
            vals += [0.5 * float(w), 0.5 * float(w)]
        return cls(sp.csr_array((vals, (rows, cols)), shape=(n, n)), float(b.offset))

    def __repr__(self) -> str:
        kind = f"sparse, nnz={self._Q.nnz}" if self.is_sparse else "dense"
        return f"QUBO(n={self.n}, {kind}, offset={self._offset:g})"


def _upper_entries(m):
    """(rows, cols, values) of the strictly upper triangle."""
    if sp.issparse(m):
        coo = sp.triu(m, k=1).tocoo()
        return coo.row, coo.col, coo.data
    r, c = np.nonzero(np.triu(m, k=1))
    return r, c, m[r, c]


def _import_dimod():
    try:
        import dimod
    except ImportError:
        raise ImportError(
            "the dimod bridge needs the optional package `dimod` (pip install dimod)."
        ) from None
    return dimod
