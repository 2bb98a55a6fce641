r"""The couplings the recall kernels read: exact Hebb integers, or float weights.

A :class:`Coupling` is what one weight matrix gives every run: the matrix in *kernel units*
(real weights are ``scale`` times it), its diagonal, the thresholds and tie tolerances in the
same units, and a field function :math:`S \mapsto S W^\top - \theta` (kernel units).

**Hebb weights are integers.** :math:`w_{ij} = c\,K_{ij}` with :math:`K = \Xi^\top\Xi` (minus its
diagonal :math:`P` when it is zeroed) and :math:`c = 1/N, 1/P` or 1, so the network keeps
:math:`K` exactly, as int8 when :math:`P \le 127`, int16 up to 32767 and int32 beyond, with
integer thresholds :math:`\Theta = \theta / c` (when they are integers to rounding: θ = 0 by
default; otherwise the float64 path is used) and
integer fields. Zero-temperature decisions are then exact (a tie is :math:`H_i = 0`, with no
tolerance) and identical to the float64 decisions with their tolerance, since the smallest
non-zero field is :math:`c`, ten orders of magnitude above that tolerance. A field update on a flip
reads one int8 column (N bytes, an eighth of float64). Two forms run the same dynamics:

* *weights*: :math:`K` formed (once per pattern set, extended when patterns are added), fields
  updated in O(N) per flip;
* *patterns*: no N×N matrix at all; the overlaps :math:`m = \Xi s` are kept current (O(P) per
  flip) and a field costs O(P) per visit. Memory O(NP), so a network far larger than a float64 W
  (N = 50 000: 20 GB) recalls in megabytes.

:func:`choose_form` picks the cheaper one from the initial fields (how many neurons are unstable).

**Other weights are float64** by default (Storkey, pseudo-inverse and MacKay weights are not
exact in float32, and float32 could decide a near-tie differently). ``precision="float32"`` reads
them as float32 (half the bytes per flip) while the fields accumulate in float64, with the tie
tolerance widened to float32 rounding; ``precision="float64"`` keeps every network, Hebb included,
on the float64 path (the reference the integer path is tested against).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["PRECISIONS", "Coupling", "HebbIntegers", "cheaper_form", "choose_form", "exact_product"]

PRECISIONS = ("auto", "float32", "float64")
# A float field within this relative distance of zero is a tie: sums of k/N weights are not exact
# in floating point, and a rounding residue of 1e-17 must not decide a neuron's state.
TIE_RTOL = {"float64": 1e-10, "float32": 1e-5}
#: above this many bytes the integer K is not formed: the pattern form needs O(NP) only
K_MAX_BYTES = 2**31
_F32_EXACT = 2**24  # integers below this (and their partial sums) are exact in float32
_BLOCK_BYTES = 2**26  # temporaries of the blocked products stay below 64 MiB


def exact_product(a: np.ndarray, b: np.ndarray, bound: int) -> np.ndarray:
    """``a @ b`` of integer arrays as exact int64, through BLAS.

    ``bound`` bounds every partial sum; float32 is used when it is below :math:`2^{24}` (every
    intermediate an exact float32 integer), float64 below :math:`2^{53}`.
    """
    if bound >= 2**53:
        raise OverflowError("integer product too large for an exact floating-point product")
    dt = np.float32 if bound < _F32_EXACT else np.float64
    bf = b.astype(dt)
    rows = max(1, _BLOCK_BYTES // max(1, 4 * b.shape[1]))
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.int64)
    for r in range(0, a.shape[0], rows):
        out[r:r + rows] = a[r:r + rows].astype(dt) @ bf
    return out


def transpose(x: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of ``x.T`` (int8: a tiled copy, far faster than NumPy's for big sets)."""
    if x.dtype != np.int8 or x.ndim != 2:
        return np.ascontiguousarray(x.T)
    from ._kernels import transpose_int8  # Numba loads on first use, not at import

    return transpose_int8(x, np.empty((x.shape[1], x.shape[0]), dtype=np.int8))


def _int_dtype(bound: int):
    for dt in (np.int8, np.int16, np.int32):
        if bound <= np.iinfo(dt).max:
            return dt
    return np.int64


class HebbIntegers:
    r"""The integer Hebb matrix :math:`K = \Xi^\top\Xi` (minus :math:`P I` when the diagonal is
    zeroed) of a growing pattern set, formed on first use and extended when patterns are added.

    The smallest integer type that holds :math:`|K_{ij}| \le P` is used (int8 for P ≤ 127).
    """

    def __init__(self, zero_diagonal: bool):
        self.zero_diagonal = zero_diagonal
        self._k: np.ndarray | None = None
        self._n_in = 0
        self._bound, self._bound_n = 0, -1  # row_bound's cache, for the K of _n_in patterns

    def matrix(self, x: np.ndarray) -> np.ndarray:
        """K for the patterns ``x`` (int8 ±1, (P, N)), whose first rows are those already in K."""
        p, n = x.shape
        if self._k is not None and self._n_in == p:
            return self._k
        dt = _int_dtype(p)
        if self._k is None or self._n_in > p:
            k, start = np.zeros((n, n), dtype=dt), 0
        else:
            k = self._k if self._k.dtype == dt else self._k.astype(dt)
            start = self._n_in
        new = x[start:]
        xt = np.ascontiguousarray(new.T)
        nf = new.astype(np.float32 if p < _F32_EXACT else np.float64)
        rows = max(1, _BLOCK_BYTES // max(1, 8 * n))
        for r in range(0, n, rows):
            k[r:r + rows] += (xt[r:r + rows].astype(nf.dtype) @ nf).astype(dt)  # exact: |.| <= P
        if self.zero_diagonal:
            np.fill_diagonal(k, 0)
        self._k, self._n_in, self._bound_n = k, p, -1
        return k

    def row_bound(self, x: np.ndarray) -> int:
        r"""Largest row sum :math:`\max_i \sum_j |K_{ij}|` of K for the patterns ``x``: it bounds
        every field :math:`|(Ks)_i|` of every state (formed with K, once per pattern set)."""
        k = self.matrix(x)
        if self._bound_n != self._n_in:
            rows = max(1, _BLOCK_BYTES // max(1, k.itemsize * k.shape[1]))  # bounded temporaries
            self._bound = max((int(np.abs(k[r:r + rows]).sum(axis=1, dtype=np.int64).max())
                               for r in range(0, k.shape[0], rows)), default=0)
            self._bound_n = self._n_in
        return self._bound

    def formed(self, x: np.ndarray) -> bool:
        """Whether K already holds exactly the patterns ``x``."""
        return self._k is not None and self._n_in == x.shape[0]

    def copy(self) -> HebbIntegers:
        new = HebbIntegers(self.zero_diagonal)
        new._k = None if self._k is None else self._k.copy()
        new._n_in = self._n_in
        new._bound, new._bound_n = self._bound, self._bound_n
        return new


@dataclass(frozen=True)
class Coupling:
    r"""What every run needs from one weight matrix, in kernel units (real W = ``scale`` · W_k).

    Attributes
    ----------
    n_neurons : int
    scale : float
        Real weights, fields and energies are ``scale`` times the kernel's (1 for float weights).
    integer : bool
        Exact integer couplings (Hebb): integer ``theta`` and fields, ``eps`` = 0.
    theta : ndarray (N,)
        Thresholds in kernel units (int64 when ``integer``).
    eps : ndarray (N,)
        Tie tolerance per neuron: a field with :math:`|h_i| \le \epsilon_i` is a tie.
    diag : ndarray (N,) float64
        Self-couplings :math:`w_{ii}` in kernel units.
    symmetric : bool
        Whether W equals Wᵀ exactly.
    field : callable
        ``S -> S Wᵀ − θ`` for int8 states, kernel units (int64 or float64).
    field_bound : int
        Bound on :math:`|h_i|` in kernel units (integer couplings; picks the field dtype).
    weights_t : callable
        ``() -> Wᵀ`` in kernel units, C-contiguous (row i = column i of W); formed on first call.
    patterns_t : ndarray (N, P) int8 or None
        :math:`\Xi^\top` for the pattern form (Hebb), else None.
    cdiag : int
        Pattern form: :math:`c_d` in :math:`h = \Xi^\top\Xi s - c_d s - \Theta` (P when the
        diagonal is zeroed, else 0).
    k_formed : callable
        ``() -> bool``: whether the weight form is already available without new work.
    patterns : ndarray (P, N) int8 or None
        :math:`\Xi` itself (Hebb; the exact integer start of :meth:`start`), else None.
    row_bound : callable or None
        Integer couplings: ``() -> int``, :math:`\max_i \sum_j |K_{ij}|` (forms K), which
        bounds every field; picks the sweeps' field dtype (:meth:`sweep_field_dtype`).
    """

    n_neurons: int
    scale: float
    integer: bool
    theta: np.ndarray
    eps: np.ndarray
    diag: np.ndarray
    symmetric: bool
    field: Callable
    field_bound: int
    weights_t: Callable
    patterns_t: np.ndarray | None
    cdiag: int
    k_formed: Callable
    patterns: np.ndarray | None = None
    row_bound: Callable | None = None

    @classmethod
    def from_weights(cls, w: np.ndarray, theta: np.ndarray, precision: str = "float64",
                     field: Callable | None = None) -> Coupling:
        """Float couplings from clean float64 ``w`` and ``theta`` (float32 weights if asked)."""
        kind = "float32" if precision == "float32" else "float64"
        return cls.build(w, theta, TIE_RTOL[kind], field=field,
                         dtype=np.float32 if kind == "float32" else None)

    @classmethod
    def build(cls, w: np.ndarray, theta: np.ndarray, tie_rtol: float, *,
              field: Callable | None = None, dtype=None) -> Coupling:
        r"""Couplings of clean float (or complex) ``w`` used as given, with the tie tolerance
        :math:`\epsilon_i` = ``tie_rtol`` :math:`(\sum_j |w_{ij}| + |\theta_i|)`; the kernel reads
        Wᵀ in ``dtype`` (default: that of ``w``)."""
        symmetric = bool(np.array_equal(w, w.T))
        wt = w if symmetric else np.ascontiguousarray(w.T)
        if dtype is not None:
            wt = wt.astype(dtype)
        eps = tie_rtol * (np.abs(w).sum(axis=1) + np.abs(theta))
        if field is None:
            def field(s):
                return s @ w.T - theta
        return cls(w.shape[0], 1.0, False, theta, eps, np.ascontiguousarray(np.diag(w)),
                   symmetric, field, 0, lambda: wt, None, 0, lambda: True)

    @property
    def wt(self) -> np.ndarray:
        """Wᵀ in kernel units (formed on first use for integer couplings)."""
        return self.weights_t()

    @classmethod
    def from_hebb(cls, x: np.ndarray, scale: float, zero_diagonal: bool, theta: np.ndarray,
                  store: HebbIntegers) -> Coupling | None:
        """Integer couplings of the Hebb patterns ``x`` (int8 ±1, P ≥ 1), or None when the
        thresholds are not integers in units of ``scale`` (then the float path is used)."""
        p, n = x.shape
        big = np.rint(theta / scale)
        # integers up to the rounding of θ/c (1e-13 relative, far inside the float64 path's tie
        # tolerance of 1e-10, so both paths see the same ties)
        if np.any(np.abs(theta - scale * big) > 1e-13 * np.abs(theta)) or np.any(
            np.abs(big) >= 2**31
        ):
            return None
        th = big.astype(np.int64)
        cdiag = p if zero_diagonal else 0
        wself = 0 if zero_diagonal else p
        # |Ξᵀ Ξ s| <= NP bounds the fields before the diagonal and thresholds are taken off
        bound = n * p + int(np.abs(th).max(initial=0))
        xt = transpose(x)

        def field(s):
            m = exact_product(s, xt, n)  # (B, P), |m| <= N
            return exact_product(m, x, bound) - cdiag * s.astype(np.int64) - th

        return cls(n, float(scale), True, th, np.zeros(n, dtype=np.int64),
                   np.full(n, float(wself)), True, field, bound, lambda: store.matrix(x), xt,
                   cdiag, lambda: store.formed(x), x, lambda: store.row_bound(x))

    @classmethod
    def hebb_stack(cls, xt: np.ndarray, scale: float, zero_diagonal: bool) -> Coupling:
        """Pattern-form couplings of G Hebb networks at once, ``xt`` (G, N, P) int8 (each
        network's Ξᵀ), zero thresholds: for :func:`~hopfield.dynamics.updates.async_kernel` with
        a ``group`` per probe."""
        g, n, p = xt.shape
        wself = 0.0 if zero_diagonal else float(p)
        return cls(n, float(scale), True, np.zeros((g, n), dtype=np.int64), np.zeros(n),
                   np.full(n, wself), True, None, 0, None, xt, p if zero_diagonal else 0,
                   lambda: False)

    def start(self, s: np.ndarray):
        """Integer couplings: (fields, overlaps, energies, unstable neurons) of int8 states ``s``.

        One exact integer pass per probe (:func:`~hopfield.dynamics._kernels.hebb_start`:
        :math:`m = \\Xi s`, :math:`H = \\Xi^\\top m - c_d s - \\Theta`, the energies in kernel
        units and the count of unstable neurons), parallel over probes. It does not call BLAS:
        a multi-threaded BLAS product leaves its threads spinning for a while after it returns,
        and on a machine with few cores they take the cores from the sweeps that follow (on two
        cores that doubled the wall time of a whole recall).
        """
        from ._kernels import hebb_start

        b, n = s.shape
        fields = np.empty((b, n), dtype=self.field_dtype())
        overlaps = np.empty((b, self.patterns.shape[0]), dtype=np.int32)  # |m| <= N
        energies = np.empty(b)
        unstable = np.empty(b, dtype=np.int64)
        hebb_start(self.patterns, s, self.cdiag, self.theta, fields, overlaps, energies, unstable)
        return fields, overlaps.astype(np.int64), energies, int(unstable.sum())

    def start_overlaps(self, s: np.ndarray):
        """Integer couplings, pattern form: (overlaps :math:`m = \\Xi s` int64, energies) of int8
        states ``s``, exact, without BLAS or float copies (O(NP) per probe, like one sweep).

        :math:`E = -\\tfrac12 (|m|^2 - c_d N) + \\Theta^\\top s` in kernel units.
        """
        from .._dense_kernels import overlaps_kernel, overlaps_serial

        b, n = s.shape
        overlaps = np.empty((b, self.patterns_t.shape[1]), dtype=np.int64)
        (overlaps_kernel if b >= 8 else overlaps_serial)(self.patterns_t, s, overlaps)
        quad = np.einsum("bk,bk->b", overlaps, overlaps) - self.cdiag * n
        energies = -0.5 * quad.astype(np.float64) + (s @ self.theta).astype(np.float64)
        return overlaps, energies

    def pattern_form_certain(self, batch: int) -> bool:
        """Whether the pattern form is the cheaper one whatever the number of flips."""
        if self.patterns_t is None:
            return False
        n, p = self.patterns_t.shape
        formed = self.k_formed()
        return all(cheaper_form(n, p, batch, u, formed) == "patterns" for u in (0, batch * n))

    def sweep_field_dtype(self):
        """dtype of the fields the weight-form sweeps keep: int16 when the bound
        :math:`\\max_i \\sum_j |K_{ij}| + |\\Theta_i|` on every field fits it (an update on a flip
        then moves half the bytes of int32: 2000 fields in 54 ns instead of 86), else
        :meth:`field_dtype`. Forms K."""
        if self.integer and self.row_bound is not None:
            if self.row_bound() + int(np.abs(self.theta).max(initial=0)) < 2**15:
                return np.int16
        return self.field_dtype()

    def field_dtype(self):
        """dtype of the fields the weight-form kernel keeps."""
        if not self.integer:
            return np.float64
        return np.int32 if self.field_bound < 2**31 else np.int64


def choose_form(coupling: Coupling, n_unstable: int, batch: int) -> str:
    """``"weights"`` or ``"patterns"``: the cheaper form for this batch.

    Estimated costs, in element operations: the weight form pays about one N-vector update per
    flip (≈ the initially unstable neurons) plus, if K is not formed yet, its BLAS product
    (N²P multiply-adds at roughly eight times the kernel's rate); the pattern form pays a
    P-vector dot product per visit, about two sweeps, at roughly four times the cost of an element
    of an update. K is never formed above :data:`K_MAX_BYTES`.
    """
    if coupling.patterns_t is None:
        return "weights"
    n, p = coupling.patterns_t.shape
    return cheaper_form(n, p, batch, n_unstable, coupling.k_formed())


def cheaper_form(n: int, p: int, batch: int, n_unstable: int, k_formed: bool) -> str:
    """The estimate of :func:`choose_form` from the sizes alone."""
    if k_formed:
        build = 0.0
    elif n * n * np.dtype(_int_dtype(p)).itemsize > K_MAX_BYTES:
        return "patterns"
    else:
        build = n * n * p / 8.0
    weights = build + float(n_unstable) * n + 2.0 * batch * n
    patterns = 4.0 * 2.0 * batch * n * p + float(n_unstable) * p
    return "weights" if weights <= patterns else "patterns"
