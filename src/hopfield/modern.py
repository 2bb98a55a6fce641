r"""The modern (continuous) Hopfield network of Ramsauer et al. (ICLR 2021).

:math:`N` stored patterns :math:`x_i \in \mathbb R^d`, state :math:`\xi \in \mathbb R^d`,
:math:`M = \max_i \|x_i\|` and :math:`\mathrm{lse}(\beta, z) = \beta^{-1}\log\sum_i e^{\beta z_i}`:

.. math::

    E(\xi) = -\mathrm{lse}(\beta, X^\top\xi) + \tfrac12\xi^\top\xi + \beta^{-1}\log N + \tfrac12 M^2,
    \qquad 0 \le E \le 2M^2 \ \text{(Lemma A1, once } \|\xi\| \le M\text{)},

.. math::

    \xi^{\rm new} = f(\xi) = X\,\mathrm{softmax}(\beta X^\top \xi) \qquad \text{(eq. 3, CCCP)}.

The update never raises the energy (Thm 1, 2). **Convention:** the paper's :math:`X` holds the
patterns as *columns*; in this library ``patterns`` holds them as *rows*, shape
``(n_patterns, dim)``, so :math:`X^\top\xi` is ``patterns @ xi`` and the update is
``softmax(beta * xi @ patterns.T) @ patterns``, the attention of a query ``xi`` to keys = values =
``patterns`` (eq. 10).

The maths is written once against the array API (``array-api-compat``): NumPy arrays give NumPy
arrays, torch tensors give torch tensors on their device, with autograd. The private functions
``_scores``, ``_lse``, ``_energy``, ``_update`` and ``_iterate`` are the functional core that
:mod:`hopfield.nn.functional` also calls. They accept batched shapes: states ``(..., q, d)``,
keys ``(..., n, d)``, values ``(..., n, d_v)`` and β a scalar or an array broadcastable to the
scores ``(..., q, n)`` (e.g. one β per head, shape ``(heads, 1, 1)``); they assume clean input.

References
----------
H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021 (arXiv 2008.02217):
eqs. 2, 3, 5, 10, Lemma A1, Theorems 1-5. Theory reference §8.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from . import _array_api as aa
from . import _dask_bank as _dask
from ._results import SummaryRepr
from ._validation import check_budget, check_scalar

__all__ = [
    "CapacityBound",
    "FixedPointClass",
    "ModernHopfieldNetwork",
    "RetrievalResult",
    "capacity_bound",
    "classify_attention",
    "head_class",
    "separation_threshold",
]


# ---------------------------------------------------------------------------------------------
# Functional core (array API; clean input assumed)
# ---------------------------------------------------------------------------------------------
def _scores(xi, keys, beta, xp):
    """β ξ Kᵀ: states (..., q, d), keys (..., n, d) -> (..., q, n)."""
    s = xp.matmul(xi, xp.matrix_transpose(keys))
    if np.ndim(beta) == 0 and (aa.is_numpy(s) or (aa.is_torch(s) and not s.requires_grad)):
        s *= beta               # scale the fresh product in place (no second buffer)
        return s
    return s * beta


def _associate(xi, keys, beta, xp, bias=None):
    """Association (attention) matrix softmax(β ξ Kᵀ + bias), shape (..., q, n)."""
    if _dask.is_dask_array(keys):    # a lazy (q, n) Dask array, exp(β ξ Kᵀ − lse)
        _, lse = _dask.softmax_matmul(xi, keys, beta, values=False)
        return _dask.exp_scores_minus(xi, keys, beta, lse)
    s = _scores(xi, keys, beta, xp)
    if bias is not None:
        s = s + bias
    return aa.softmax(s, axis=-1, xp=xp)


def _update(xi, keys, values, beta, xp, *, bias=None, chunk_size=None, use_sdpa=True):
    """One Ramsauer update softmax(β ξ Kᵀ + bias) V (values=None means V = K).

    For torch tensors without ``chunk_size`` the update is executed by
    ``torch.nn.functional.scaled_dot_product_attention`` (as 4-D tensors, so that PyTorch can
    pick its fused flash kernel: same result, O(1) extra memory on CPU); ``use_sdpa=False``
    forces the array-API expression.
    """
    if values is None:
        values = keys
    n = keys.shape[-2]
    if _dask.is_dask_array(keys):
        return _dask.softmax_matmul(xi, keys, beta, values=True, chunk_size=chunk_size)[0]
    if use_sdpa and chunk_size is None and aa.is_torch(xi) and xi.ndim >= 2:
        return _sdpa(xi, keys, values, beta, bias)
    if use_sdpa and chunk_size is not None and chunk_size < n and bias is None \
            and _flash_applies(xi, keys, values, beta):
        return _flash_chunks(xi, keys, values, float(beta), chunk_size)
    if chunk_size is None or chunk_size >= n:
        s = _scores(xi, keys, beta, xp)
        if bias is not None:
            s = s + bias
        m = xp.max(s, axis=-1, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        e = aa.exp_shifted(s, m, xp)
        total = xp.sum(e, axis=-1, keepdims=True)
        if bias is None:                # every score finite: the sum is ≥ 1
            return xp.matmul(e, values) / total
        return aa.safe_divide(xp.matmul(e, values), total, xp)  # fully masked rows read out 0
    out, _ = aa.streaming_softmax_matmul(
        lambda a, b: _chunk_scores(xi, keys, beta, bias, a, b, xp),
        lambda a, b: values[..., a:b, :], n, chunk_size, xp,
    )
    return out


def _sdpa(xi, keys, values, beta, bias):
    import torch.nn.functional as F

    lead = max(xi.ndim, keys.ndim, values.ndim)
    pad = max(0, 4 - lead)

    def up(t):
        return t.reshape((1,) * (pad + lead - t.ndim) + tuple(t.shape))

    q, k, v = up(xi), up(keys), up(values)
    if isinstance(beta, int | float):
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=float(beta))
    else:
        out = F.scaled_dot_product_attention(q * up(beta), k, v, attn_mask=bias, scale=1.0)
    return out.reshape(tuple(out.shape[pad:]))


def _flash_op():
    """PyTorch's fused CPU attention kernel that also returns the log-sum-exp, or None."""
    import torch

    try:
        return torch.ops.aten._scaled_dot_product_flash_attention_for_cpu
    except (AttributeError, RuntimeError):     # not in this PyTorch build
        return None


def _flash_applies(xi, keys, values, beta) -> bool:
    """Whether the chunked update may run on :func:`_flash_op` (same result, fused kernel).

    CPU tensors that record no gradient (the kernel's log-sum-exp output has no backward),
    a scalar β, and one width for queries, keys and values (the kernel's requirement).
    """
    if not (aa.is_torch(xi) and aa.is_torch(keys) and aa.is_torch(values)):
        return False
    import torch

    return (isinstance(beta, int | float) and xi.ndim >= 2 and xi.device.type == "cpu"
            and keys.device.type == "cpu" and values.device.type == "cpu"
            and xi.dtype in (torch.float32, torch.float64)
            and xi.dtype == keys.dtype == values.dtype
            and xi.shape[-1] == keys.shape[-1] == values.shape[-1]
            and not (torch.is_grad_enabled()
                     and (xi.requires_grad or keys.requires_grad or values.requires_grad))
            and _flash_op() is not None)


def _flash_chunks(xi, keys, values, beta: float, chunk_size: int):
    """Chunked update: the fused kernel on each block of patterns, blocks merged exactly.

    Each block gives its normalised output and log-sum-exp; :func:`aa.merge_softmax_partials`
    combines them (the streaming log-sum-exp of :func:`aa.streaming_softmax_matmul`, with the
    per-block work in one fused kernel instead of four array operations).
    """
    import torch

    op = _flash_op()
    lead = max(xi.ndim, keys.ndim, values.ndim)
    pad = max(0, 4 - lead)

    def up(t):
        return t.reshape((1,) * (pad + lead - t.ndim) + tuple(t.shape))

    q, k, v = up(xi), up(keys), up(values)
    batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    q, k, v = (t.expand(*batch, *t.shape[-2:]) for t in (q, k, v))   # the kernel does not broadcast
    out = lse = None
    n = k.shape[-2]
    for a in range(0, n, chunk_size):
        b = min(a + chunk_size, n)
        o, ell = op(q, k[..., a:b, :], v[..., a:b, :], 0.0, False, scale=beta)
        if out is None:
            out, lse = o, ell
            continue
        # aa.merge_softmax_partials, in place on the two fresh kernel outputs
        new = torch.logaddexp(lse, ell)
        ref = torch.where(torch.isfinite(new), new, torch.zeros_like(new))
        out.mul_(torch.exp(lse - ref).unsqueeze(-1)).add_(o.mul_(torch.exp(ell - ref).unsqueeze(-1)))
        lse = new
    return out.reshape(tuple(out.shape[pad:]))


def _chunk_scores(xi, keys, beta, bias, start, stop, xp):
    s = _scores(xi, keys[..., start:stop, :], beta, xp)
    if bias is not None:
        s = s + bias[..., start:stop]
    return s


def _lse(xi, keys, beta, xp, *, bias=None, chunk_size=None):
    r""":math:`\mathrm{lse}(\beta, K\xi) = \beta^{-1}\log\sum_i e^{\beta k_i^\top\xi}`, shape (..., q).

    One-shot, the score buffer is shifted and exponentiated in place where no gradient is
    recorded (one (..., q, n) temporary, as :func:`_update`), instead of three.
    """
    n = keys.shape[-2]
    if _dask.is_dask_array(keys):
        _, lse = _dask.softmax_matmul(xi, keys, beta, values=False, chunk_size=chunk_size)
        return lse / beta
    if chunk_size is None or chunk_size >= n:
        s = _scores(xi, keys, beta, xp)
        if bias is not None:
            s = s + bias
        m = xp.max(s, axis=-1, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        total = xp.sum(aa.exp_shifted(s, m, xp), axis=-1, keepdims=True)
        lse = aa.log_or_neginf(total, xp) + m
    else:
        _, lse = aa.streaming_softmax_matmul(
            lambda a, b: _chunk_scores(xi, keys, beta, bias, a, b, xp), None, n, chunk_size, xp,
        )
        lse = xp.expand_dims(lse, axis=-1)
    return xp.squeeze(lse / beta, axis=-1)


def _sq_norms(x, xp):
    """Squared row norms ‖x_i‖² without an (n, d) temporary where the backend allows."""
    if aa.is_numpy(x):
        return np.einsum("...ij,...ij->...i", x, x)
    if aa.is_torch(x):
        import torch

        return torch.linalg.vector_norm(x, dim=-1) ** 2
    return xp.sum(x * x, axis=-1)


def _energy(xi, keys, beta, xp, *, log_n, half_m2, bias=None, chunk_size=None):
    r"""Ramsauer energy eq. 2: :math:`-\mathrm{lse} + \tfrac12\xi^\top\xi + \beta^{-1}\log N + \tfrac12M^2`.

    ``log_n`` (log N, scalar or broadcastable array) and ``half_m2`` (½M²) are passed in so that
    masked keys can be left out of both. β must broadcast against (..., q, 1) (the scores' shape
    with the key axis reduced).
    """
    lse = _lse(xi, keys, beta, xp, bias=bias, chunk_size=chunk_size)
    beta_q = xp.squeeze(beta, axis=-1) if hasattr(beta, "ndim") and beta.ndim > 0 else beta
    return -lse + 0.5 * xp.sum(xi * xi, axis=-1) + log_n / beta_q + half_m2


def _iterate(xi, step, n_steps: int, tol, xp, *, check_every=None):
    """Run ``step`` up to ``n_steps`` times, freezing rows whose update moved ≤ ``tol``.

    A row whose update moves it by at most ``tol`` (Euclidean norm over the last axis) keeps that
    update and is frozen afterwards (``xp.where``), so the loop has no host synchronisation unless
    ``check_every`` is given, in which case every ``check_every`` steps one boolean
    ``any(active)`` is read to stop early. ``tol=None`` never freezes (exact iterates).

    Returns ``(xi, counts, converged)``: final states, updates applied per row (int array, shape
    (..., q)), and whether the last applied update moved ≤ tol (all False when ``tol`` is None).
    """
    batch_shape = xi.shape[:-1]
    dev = aa.device(xi)
    active = xp.ones(batch_shape, dtype=xp.bool, device=dev)
    counts = xp.zeros(batch_shape, dtype=xp.int64, device=dev)
    converged = xp.zeros(batch_shape, dtype=xp.bool, device=dev)
    for t in range(n_steps):
        new = step(xi)
        counts = counts + xp.astype(active, xp.int64)
        if tol is None:
            xi = new
            continue
        diff = new - xi
        small = xp.sqrt(xp.sum(diff * diff, axis=-1)) <= tol
        xi = xp.where(xp.expand_dims(active, axis=-1), new, xi)
        converged = xp.where(active, small, converged)
        active = xp.logical_and(active, xp.logical_not(small))
        if check_every and (t + 1) % check_every == 0 and not bool(xp.any(active)):
            break
    return xi, counts, converged


def _move_norms(new, old, xp, block: int = 32):
    """‖new − old‖ per row (last axis), ``block`` rows at a time (no (batch, d) temporary)."""
    n = new.shape[0]
    if n <= block:
        d = new - old
        return xp.sqrt(xp.sum(d * d, axis=-1))
    parts = []
    for a in range(0, n, block):
        d = new[a:a + block, ...] - old[a:a + block, ...]
        parts.append(xp.sqrt(xp.sum(d * d, axis=-1)))
    return xp.concat(parts, axis=0)


def _to_numpy(x) -> np.ndarray:
    """Host NumPy copy of any array (detached from autograd)."""
    if aa.is_torch(x):
        return x.detach().cpu().numpy()
    return np.asarray(x)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class RetrievalResult(SummaryRepr):
    """Outcome of :meth:`ModernHopfieldNetwork.retrieve`.

    Attributes
    ----------
    states : array, shape (dim,) or (batch, dim)
        Retrieved states, in the namespace (NumPy / torch), device and dtype of the computation.
    steps : int or ndarray of int
        Updates applied to each query.
    converged : bool or ndarray of bool
        True where the last applied update moved the state by at most ``tol``.
    energy : array, shape () or (batch,), or None
        Energy (eq. 2) of the retrieved states, in the computation's namespace; None unless
        ``retrieve(..., energy=True)`` asked for it.
    message : str
        Summary in words.
    """

    states: object
    steps: np.ndarray | int
    converged: np.ndarray | bool
    energy: object
    message: str

    @property
    def success(self) -> bool:
        """Whether every query converged."""
        return bool(np.all(self.converged))


@dataclass(frozen=True, repr=False)
class FixedPointClass(SummaryRepr):
    r"""Head / fixed-point classification from attention weights (Ramsauer et al. §3, App. A.2).

    Attributes
    ----------
    k : ndarray of int, shape (batch,)
        For each query, the least number of softmax entries whose sum reaches ``mass`` (0.90).
    k_median : float
        :math:`\bar k`, the median of ``k`` over the queries.
    head_class : str
        ``"I"`` (:math:`\bar k > N/2`), ``"II"`` (:math:`N/8 < \bar k \le N/2`), ``"III"``
        (:math:`N/32 < \bar k \le N/8`) or ``"IV"`` (:math:`\bar k \le N/32`).
    fixed_point_type : str
        ``"global average"`` (class I: the state averages over most patterns),
        ``"single pattern"`` (:math:`\bar k = 1`: one pattern carries 90 % of the weight) or
        ``"metastable"`` (an average over a subset of patterns).
    n_patterns : int
    """

    k: np.ndarray
    k_median: float
    head_class: str
    fixed_point_type: str
    n_patterns: int


@dataclass(frozen=True, repr=False)
class CapacityBound(SummaryRepr):
    r"""Theorem 3 of Ramsauer et al. (2021): storage capacity for random patterns on a sphere.

    Patterns uniform on the sphere of radius :math:`M = K\sqrt{d-1}`, failure probability
    :math:`p`:

    .. math:: a = \tfrac{2}{d-1}\bigl(1 + \ln(2\beta K^2 p (d-1))\bigr),\quad
              b = \tfrac{2K^2\beta}{5},\quad c = \frac{b}{W_0(\exp(a + \ln b))},

    and if :math:`c \ge (2/\sqrt p)^{4/(d-1)}` then with probability :math:`1-p` at least
    :math:`N = \sqrt p\, c^{(d-1)/4}` patterns are stored and retrievable.

    Attributes
    ----------
    a, b, c : float
    a_plus_log_b : float
        :math:`a + \ln b` (the argument of the exponential inside :math:`W_0`).
    c_required : float
        :math:`(2/\sqrt p)^{4/(d-1)}`.
    valid : bool
        Whether :math:`c \ge` ``c_required`` (the theorem's hypothesis).
    n_patterns : float
        :math:`\sqrt p\, c^{(d-1)/4}`, the number of patterns the theorem guarantees.
    """

    a: float
    b: float
    c: float
    a_plus_log_b: float
    c_required: float
    valid: bool
    n_patterns: float


# ---------------------------------------------------------------------------------------------
# Theory helpers
# ---------------------------------------------------------------------------------------------
def capacity_bound(dim: int, *, beta: float = 1.0, K: float = 1.0, p: float = 0.001) -> CapacityBound:
    """Theorem 3 of Ramsauer et al. (2021); see :class:`CapacityBound` for the formulas.

    Parameters
    ----------
    dim : int
        Pattern dimension d ≥ 2.
    beta : float, default=1.0
        Inverse temperature β > 0.
    K : float, default=1.0
        Patterns lie on the sphere of radius :math:`K\\sqrt{d-1}`.
    p : float, default=0.001
        Failure probability, 0 < p < 1.

    Returns
    -------
    CapacityBound

    References
    ----------
    Ramsauer et al., ICLR 2021, Theorem 3 (Theory reference §8).

    Examples
    --------
    >>> round(capacity_bound(20, beta=1.0, K=3, p=0.001).c, 4)
    3.1546
    """
    from scipy.special import lambertw

    check_scalar(dim, "dim", numbers.Integral, min_val=2)
    check_scalar(beta, "beta", numbers.Real, min_val=0.0, include_min=False)
    check_scalar(K, "K", numbers.Real, min_val=0.0, include_min=False)
    check_scalar(p, "p", numbers.Real, min_val=0.0, max_val=1.0, include_min=False,
                 include_max=False)
    d = int(dim)
    a = 2.0 / (d - 1) * (1.0 + math.log(2.0 * beta * K**2 * p * (d - 1)))
    b = 2.0 * K**2 * beta / 5.0
    w = lambertw(math.exp(a + math.log(b)), 0)
    c = float(b / w.real)
    c_req = (2.0 / math.sqrt(p)) ** (4.0 / (d - 1))
    n = math.sqrt(p) * c ** ((d - 1) / 4.0)
    return CapacityBound(a, b, c, a + math.log(b), c_req, bool(c >= c_req), n)


def separation_threshold(n_patterns: int, max_norm: float, beta: float) -> float:
    r"""Separation a pattern needs to be *well separated* (Hopular §2, Ramsauer et al. group).

    .. math:: \Delta_i \ge \frac{2}{\beta N} + \frac1\beta\log\bigl(2(N-1)N\beta M^2\bigr).

    For ``n_patterns == 1`` every pattern is trivially separated and the threshold is -inf.
    """
    check_scalar(n_patterns, "n_patterns", numbers.Integral, min_val=1)
    check_scalar(max_norm, "max_norm", numbers.Real, min_val=0.0, include_min=False)
    check_scalar(beta, "beta", numbers.Real, min_val=0.0, include_min=False)
    n = int(n_patterns)
    if n == 1:
        return -math.inf
    return 2.0 / (beta * n) + math.log(2.0 * (n - 1) * n * beta * max_norm**2) / beta


_HEAD_CLASSES = ("I", "II", "III", "IV")


def head_class(k_median: float, n_patterns: int) -> str:
    r"""Class I-IV of a head from :math:`\bar k` (Ramsauer et al. §3).

    (I) :math:`\bar k > N/2`, (II) :math:`N/8 < \bar k \le N/2`, (III) :math:`N/32 < \bar k \le
    N/8`, (IV) :math:`\bar k \le N/32`.
    """
    n = n_patterns
    if k_median > n / 2:
        return "I"
    if k_median > n / 8:
        return "II"
    if k_median > n / 32:
        return "III"
    return "IV"


def classify_attention(p, *, mass: float = 0.9) -> FixedPointClass:
    """Classify attention weights ``p`` (batch, N) (rows summing to 1) by :math:`\\bar k`.

    ``k`` is the least number of entries of a row whose sum reaches ``mass``; see
    :class:`FixedPointClass`.
    """
    check_scalar(mass, "mass", numbers.Real, min_val=0.0, max_val=1.0, include_min=False)
    arr = _to_numpy(p).astype(np.float64, copy=False)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"`p` must be (batch, n_patterns) attention weights; got shape {arr.shape}.")
    n = arr.shape[1]
    srt = -np.sort(-arr, axis=1)
    csum = np.cumsum(srt, axis=1)
    # least k with sum of the k largest >= mass (a rounding slack of a few ulps of the total)
    k = 1 + np.sum(csum < mass * csum[:, -1:] - 8 * np.finfo(np.float64).eps, axis=1)
    k = np.minimum(k, n)
    kbar = float(np.median(k))
    cls = head_class(kbar, n)
    if cls == "I":
        kind = "global average"
    elif kbar <= 1:
        kind = "single pattern"
    else:
        kind = "metastable"
    return FixedPointClass(k.astype(np.int64), kbar, cls, kind, n)


# ---------------------------------------------------------------------------------------------
# Validation at the public edge (namespace-aware)
# ---------------------------------------------------------------------------------------------
def _check_float_array(x, name: str, ndims: tuple[int, ...]):
    """Validate an array of any namespace; returns (array, xp). NumPy input is copied."""
    if isinstance(x, bool | str | bytes) or x is None:
        raise TypeError(f"`{name}` must be a numeric array; got {type(x).__name__}.")
    if aa.is_torch(x) or (hasattr(x, "__array_namespace__") and not aa.is_numpy(x)):
        xp = aa.get_namespace(x)
    else:
        try:
            arr = np.array(x, copy=True)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`{name}` must be a numeric array; got {type(x).__name__}: {exc}") from None
        if arr.dtype == bool:
            arr = arr.astype(np.float64)
        if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
            raise TypeError(f"`{name}` must hold real numbers; got dtype {arr.dtype}.")
        x = arr
        xp = aa.get_namespace(x)
    if x.ndim not in ndims:
        wanted = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"`{name}` must be {wanted}; got a {x.ndim}-D array of shape "
                         f"{tuple(x.shape)}.")
    if xp.isdtype(x.dtype, "bool"):
        x = xp.astype(x, xp.float64)
    elif xp.isdtype(x.dtype, "integral"):
        x = xp.astype(x, xp.float64)
    elif not xp.isdtype(x.dtype, "real floating"):
        raise TypeError(f"`{name}` must hold real numbers; got dtype {x.dtype}.")
    if any(s == 0 for s in x.shape):
        raise ValueError(f"`{name}` is empty (shape {tuple(x.shape)}).")
    if not aa.all_finite(x, xp):
        bad = "NaN" if bool(xp.any(xp.isnan(x))) else "inf"
        raise ValueError(f"`{name}` contains {bad}; every entry must be finite.")
    return x, xp


_ENERGY_BLOCK = 4096      # rows of patterns per block of the energy's streaming log-sum-exp


def _check_chunk_size(chunk_size):
    if chunk_size is not None:
        check_scalar(chunk_size, "chunk_size", numbers.Integral, min_val=1)
        return int(chunk_size)
    return None


_MESSAGES = {
    True: "every query converged (update moved the state by at most `tol`)",
    False: "some queries did not converge within the step budget; try increasing `max_steps`",
}


class ModernHopfieldNetwork:
    r"""Modern Hopfield network with continuous states (Ramsauer et al. 2021).

    .. math::

        E(\xi) = -\beta^{-1}\log\sum_{i=1}^N e^{\beta x_i^\top\xi} + \tfrac12\xi^\top\xi
                 + \beta^{-1}\log N + \tfrac12 M^2, \qquad
        \xi \leftarrow X\,\mathrm{softmax}(\beta X^\top\xi).

    Parameters
    ----------
    patterns : array_like, tensor or dask.array.Array, shape (n_patterns, dim)
        Stored patterns :math:`x_i`, **one per row** (the paper's :math:`X` has them as columns:
        ``patterns`` is :math:`X^\top`). NumPy input is copied (integers become float64, float32
        stays float32). A torch tensor is kept as is (not copied, not detached), so gradients
        flow to it; it must not be modified in place afterwards. A Dask array is kept lazy (one
        pass at construction computes :math:`M` and checks that every entry is finite).
    beta : float, default=1.0
        Inverse temperature β > 0. Large β separates the patterns' basins (retrieval of single
        patterns); small β gives metastable states and, for β → 0, the global average.

    Notes
    -----
    States are ``(dim,)`` or ``(batch, dim)``. Computation happens in the namespace of the
    patterns, except that NumPy patterns meet a torch query on the query's side: a torch query
    gives a torch result on its device and dtype (float64 patterns are cast to the query's
    floating dtype; integer queries take the patterns' dtype). Every update descends the energy
    (CCCP, Thms 1-2); the energy lies in :math:`[0, 2M^2]` once :math:`\|\xi\| \le M`, i.e. after
    at least one update (Lemma A1).

    ``chunk_size`` (on :meth:`update`, :meth:`retrieve`, :meth:`energy`) processes the stored
    patterns ``chunk_size`` rows at a time with a streaming log-sum-exp, so the peak temporary
    memory is ``batch × chunk_size`` instead of ``batch × N``; results agree with the one-shot
    computation to rounding. For torch tensors without ``chunk_size`` one update is executed by
    ``torch.nn.functional.scaled_dot_product_attention`` (4-D, so PyTorch may use its fused
    flash kernel). With ``chunk_size``, CPU tensors that record no gradient run PyTorch's fused
    kernel on each block and merge the blocks' normalised outputs by their log-sum-exps
    (:func:`hopfield._array_api.merge_softmax_partials`; in float32 the merged weights carry a
    relative error of about ε·|lse|, the rounding of a score of that size); everything else runs
    the streaming array-API code, on every backend and dtype, with memory bounded by the chunk.

    **Patterns larger than memory.** ``patterns`` may be a ``dask.array.Array`` (the ``dask``
    extra), split into blocks of rows that live on the workers of a Dask cluster. Update,
    retrieval, energy and separation then reduce block by block where the blocks are: each
    block's partial log-sum-exp and weighted sum are merged exactly in a tree, so only the
    queries and ``(batch, dim)`` partials travel (see :mod:`hopfield._dask_bank`); queries and
    results are NumPy arrays, :meth:`attention` returns a lazy ``(batch, N)`` Dask array, and
    the computation runs on Dask's current scheduler (a ``dask.distributed.Client`` if one is
    active).

    References
    ----------
    H. Ramsauer et al., ICLR 2021 (arXiv 2008.02217), eqs. 2, 3, 5; Lemma A1; Theorems 1-5.
    Theory reference §8.

    Examples
    --------
    >>> import numpy as np
    >>> import hopfield as hf
    >>> X = 2 * np.random.default_rng(0).normal(size=(50, 32))   # 50 patterns, rows
    >>> net = hf.ModernHopfieldNetwork(X, beta=1.0)
    >>> r = net.retrieve(X[3] + 0.1)                              # one update
    >>> bool(np.allclose(r.states, X[3], atol=1e-6)), r.steps, r.energy is None
    (True, 1, True)
    >>> r = net.retrieve(X[3] + 0.1, steps=None, energy=True)     # until it stops moving
    >>> r.steps, r.converged, bool(abs(r.energy - net.energy(X[3])) < 1e-9)
    (2, True, True)
    """

    def __init__(self, patterns, beta: float = 1.0):
        check_scalar(beta, "beta", numbers.Real, min_val=0.0, include_min=False)
        if not math.isfinite(beta):
            raise ValueError(f"`beta` == {beta}, must be finite.")
        self._beta = float(beta)
        if _dask.is_dask_array(patterns):
            self._x, self._max_norm = _dask.check_patterns(patterns, "patterns")
            self._xp = aa.get_namespace(np.empty(0))
            return
        x, xp = _check_float_array(patterns, "patterns", (2,))
        self._x = x
        self._xp = xp
        # M once, here: retrieve's default tol needs it and a first call should not pay for it
        self._max_norm = math.sqrt(aa.to_scalar(xp.max(_sq_norms(x, xp))))

    # ------------------------------------------------------------------ properties
    @property
    def patterns(self):
        """Stored patterns, shape (n_patterns, dim), rows are patterns (do not modify)."""
        return self._x

    @property
    def beta(self) -> float:
        """Inverse temperature β."""
        return self._beta

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns N."""
        return int(self._x.shape[0])

    @property
    def dim(self) -> int:
        """Pattern dimension d."""
        return int(self._x.shape[1])

    @property
    def max_norm(self) -> float:
        """:math:`M = \\max_i \\|x_i\\|` (computed once; the patterns must not change)."""
        return self._max_norm

    def __repr__(self) -> str:
        return (f"ModernHopfieldNetwork(n_patterns={self.n_patterns}, dim={self.dim}, "
                f"beta={self._beta})")

    # ------------------------------------------------------------------ edge
    def _prepare(self, states, name: str):
        """(states (batch, dim), patterns, xp, single) in a common namespace / device / dtype."""
        s, sxp = _check_float_array(states, name, (1, 2))
        if s.shape[-1] != self.dim:
            raise ValueError(f"`{name}` has dimension {s.shape[-1]} but the patterns have "
                             f"dimension {self.dim}; shapes must match (got {tuple(s.shape)}).")
        x, xp = self._x, self._xp
        if _dask.is_dask_array(x):
            if not aa.is_numpy(s):
                raise TypeError(f"`{name}` must be a NumPy array when the patterns are a Dask "
                                f"array; got {type(states).__name__}.")
            s = s.astype(np.result_type(s.dtype, x.dtype), copy=False)
            return (s[None, :], x, xp, True) if s.ndim == 1 else (s, x, xp, False)
        if sxp is not xp:
            if aa.is_numpy(x):
                xp = sxp
                x = aa.as_namespace_array(np.asarray(x), s, xp)
            else:
                s = aa.as_namespace_array(_to_numpy(s), x, xp)
        if aa.device(s) != aa.device(x):
            raise ValueError(f"`{name}` is on device {aa.device(s)} but the patterns are on "
                             f"{aa.device(x)}; move one of them.")
        if s.dtype != x.dtype:
            dt = xp.result_type(s.dtype, x.dtype)
            s, x = xp.astype(s, dt), xp.astype(x, dt)
        single = s.ndim == 1
        if single:
            s = xp.expand_dims(s, axis=0)
        return s, x, xp, single

    def _constants(self, x, xp):
        """(log N, ½M²); ½M² as an array of the computation, so gradients reach the patterns."""
        if _dask.is_dask_array(x):
            return math.log(x.shape[0]), 0.5 * self._max_norm ** 2
        return math.log(x.shape[0]), 0.5 * xp.max(_sq_norms(x, xp))

    # ------------------------------------------------------------------ maths
    def _energy_of(self, s, x, xp, cs):
        """Energy eq. 2 of states ``s`` in one streaming pass over the patterns.

        Without ``chunk_size`` the patterns are still streamed in blocks of ``_ENERGY_BLOCK`` rows,
        so the energy never needs the (batch, N) score matrix (torch's SDPA-executed update does
        not either); the result is the one-shot log-sum-exp to rounding.
        """
        log_n, half_m2 = self._constants(x, xp)
        return _energy(s, x, self._beta, xp, log_n=log_n, half_m2=half_m2,
                       chunk_size=cs or _ENERGY_BLOCK)

    def energy(self, states, *, chunk_size: int | None = None):
        """Energy eq. 2 of each state.

        Parameters
        ----------
        states : array or tensor, shape (dim,) or (batch, dim)
        chunk_size : int, optional
            Stream over the patterns in blocks of this many rows (default: blocks of 4096 rows,
            so the (batch, N) score matrix is never formed).

        Returns
        -------
        array, shape () or (batch,)
        """
        s, x, xp, single = self._prepare(states, "states")
        e = self._energy_of(s, x, xp, _check_chunk_size(chunk_size))
        return e[0] if single else e

    def energy_gradient(self, states):
        r"""Analytic gradient :math:`\nabla E(\xi) = \xi - X\,\mathrm{softmax}(\beta X^\top\xi)`."""
        s, x, xp, single = self._prepare(states, "states")
        g = s - _update(s, x, x, self._beta, xp)
        return g[0] if single else g

    def attention(self, queries):
        r"""Softmax weights :math:`p = \mathrm{softmax}(\beta X^\top\xi)`, shape (..., n_patterns)."""
        s, x, xp, single = self._prepare(queries, "queries")
        p = _associate(s, x, self._beta, xp)
        return p[0] if single else p

    def update(self, states, *, chunk_size: int | None = None):
        r"""One update :math:`\xi \leftarrow X\,\mathrm{softmax}(\beta X^\top\xi)` (eq. 3)."""
        s, x, xp, single = self._prepare(states, "states")
        out = _update(s, x, x, self._beta, xp, chunk_size=_check_chunk_size(chunk_size))
        return out[0] if single else out

    def retrieve(self, queries, *, steps: int | None = 1, tol: float | None = None,
                 max_steps: int = 1000, chunk_size: int | None = None,
                 check_every: int | None = None, energy: bool = False) -> RetrievalResult:
        r"""Retrieve from ``queries`` by iterating the update.

        Each update is one pass over the stored patterns, and nothing else passes over them:
        convergence is read from the move of the last update itself,
        :math:`\|\xi^{t}-\xi^{t-1}\| \le` ``tol`` (no extra update to test it), so
        ``retrieve(steps=1)`` costs one :meth:`update`. The energy of the retrieved states needs
        their own scores, which no update computes (the pass producing :math:`\xi^t` scores
        :math:`\xi^{t-1}`); it is therefore optional: ``energy=True`` adds one streaming
        log-sum-exp pass (no value product), with memory bounded by its block as the update's.

        Parameters
        ----------
        queries : array or tensor, shape (dim,) or (batch, dim)
            Initial states ξ (never modified).
        steps : int or None, default=1
            Number of updates; 1 is the paper's one-step retrieval. ``None`` iterates until each
            query converges (its update moves it by at most ``tol``; converged rows are frozen)
            or ``max_steps`` is reached.
        tol : float, optional
            Convergence tolerance on :math:`\|\xi^{t+1}-\xi^t\|_2`; default
            :math:`\sqrt{\varepsilon}\,\max(M, 1)` (ε the dtype's machine epsilon).
        max_steps : int, default=1000
            Step budget when ``steps=None``.
        chunk_size : int, optional
            Stream over the patterns in blocks of this many rows (bounded memory).
        check_every : int, optional
            With ``steps=None``, read "are all queries converged?" every this many steps (one
            host synchronisation on GPU each time). Default: 1 for NumPy, 8 otherwise.
        energy : bool, default=False
            Also compute the energy (eq. 2) of the retrieved states (one more pass).

        Returns
        -------
        RetrievalResult
            ``converged`` is True where the last applied update moved the state by at most
            ``tol`` (always False for ``steps=0``); ``energy`` is None unless requested.
        """
        s, x, xp, single = self._prepare(queries, "queries")
        cs = _check_chunk_size(chunk_size)
        if steps is not None:
            check_budget(steps, "steps", min_val=0)
        check_budget(max_steps, "max_steps")
        if check_every is not None:
            check_scalar(check_every, "check_every", numbers.Integral, min_val=1)
        if not isinstance(energy, bool | np.bool_):
            raise TypeError(f"`energy` must be True or False; got {energy!r}.")
        if tol is None:
            tol = math.sqrt(aa.eps(s.dtype, xp)) * max(self.max_norm, 1.0)
        else:
            check_scalar(tol, "tol", numbers.Real, min_val=0.0)
        beta = self._beta

        def step(xi):
            return _update(xi, x, x, beta, xp, chunk_size=cs)

        if steps is not None:
            final, prev = s, None
            for _ in range(int(steps)):
                prev, final = final, step(final)
            counts = np.full(s.shape[0], int(steps), dtype=np.int64)
            if prev is None:
                conv = np.zeros(s.shape[0], dtype=bool)
            else:
                conv = _to_numpy(_move_norms(final, prev, xp) <= tol)
        else:
            every = check_every or (1 if aa.is_numpy(s) else 8)
            final, counts, conv_a = _iterate(s, step, int(max_steps), tol, xp, check_every=every)
            conv, counts = _to_numpy(conv_a), _to_numpy(counts)
        e = self._energy_of(final, x, xp, cs) if energy else None
        msg = _MESSAGES[bool(np.all(conv))]
        if single:
            return RetrievalResult(final[0], int(counts[0]), bool(conv[0]),
                                   None if e is None else e[0], msg)
        return RetrievalResult(final, counts, conv, e, msg)

    # ------------------------------------------------------------------ theory
    def separation(self, *, block: int = 2048):
        r"""Separation :math:`\Delta_i = \min_{j\ne i}(x_i^\top x_i - x_i^\top x_j)` (eq. 5).

        Computed in blocks of ``block`` rows of the Gram matrix. With one pattern the separation
        is +inf. Returns an array of shape (n_patterns,) in the patterns' namespace.
        """
        check_scalar(block, "block", numbers.Integral, min_val=1)
        xp, x = self._xp, self._x
        if _dask.is_dask_array(x):
            return _dask.separation(x)
        n = x.shape[0]
        if n == 1:
            return xp.full((1,), math.inf, dtype=x.dtype, device=aa.device(x))
        parts = []
        for a in range(0, n, block):
            b = min(a + block, n)
            g = xp.matmul(x[a:b, :], xp.matrix_transpose(x))        # (rows, n)
            own = xp.sum(x[a:b, :] * x[a:b, :], axis=-1)
            rows = xp.arange(a, b, device=aa.device(x))
            cols = xp.arange(n, device=aa.device(x))
            diag = xp.expand_dims(rows, axis=1) == xp.expand_dims(cols, axis=0)
            g = xp.where(diag, xp.full_like(g, -math.inf), g)
            parts.append(own - xp.max(g, axis=-1))
        return xp.concat(parts, axis=0)

    def is_well_separated(self):
        r"""Which patterns are well separated (see :func:`separation_threshold`).

        .. math:: \Delta_i \ge \frac{2}{\beta N} + \frac1\beta\log(2(N-1)N\beta M^2).
        """
        thr = separation_threshold(self.n_patterns, max(self.max_norm, 1e-300), self._beta)
        return self.separation() >= thr

    def retrieval_error_bound(self, queries, index, *, fixed_point_distance: float = 0.0):
        r"""Theorem 5 bound on the one-step error :math:`\|f(\xi) - x_i\|`.

        .. math:: \|f(\xi)-x_i\| \le 2(N-1)\exp\bigl(-\beta(\Delta_i - 2\max\{\|\xi-x_i\|,
                  \|x_i^*-x_i\|\}M)\bigr)M,

        with ``fixed_point_distance`` = :math:`\|x_i^* - x_i\|` (the distance of pattern i's
        fixed point from the pattern, e.g. from ``retrieve(x_i, steps=None)``).

        Parameters
        ----------
        queries : array, shape (dim,) or (batch, dim)
        index : int
            Pattern i.
        fixed_point_distance : float, default=0.0

        Returns
        -------
        array, shape () or (batch,)
        """
        check_scalar(index, "index", numbers.Integral, min_val=0, max_val=self.n_patterns - 1)
        check_scalar(fixed_point_distance, "fixed_point_distance", numbers.Real, min_val=0.0)
        s, x, xp, single = self._prepare(queries, "queries")
        delta = float(_to_numpy(self.separation())[int(index)])
        row = x[int(index), :]
        diff = s - (np.asarray(row) if _dask.is_dask_array(row) else row)
        dist = xp.sqrt(xp.sum(diff * diff, axis=-1))
        dist = xp.where(dist > fixed_point_distance, dist,
                        xp.full_like(dist, float(fixed_point_distance)))
        m = self.max_norm
        n = self.n_patterns
        with np.errstate(over="ignore"):  # a vacuous bound is +inf, not a warning
            bound = 2.0 * (n - 1) * m * xp.exp(-self._beta * (delta - 2.0 * dist * m))
        return bound[0] if single else bound

    def fixed_point_error_bound(self):
        r"""Theorem 5, second part: :math:`\|x_i - x_i^*\| \le 2e(N-1)M\exp(-\beta\Delta_i)`.

        Valid when :math:`\|x_i - x_i^*\|` and :math:`\|x_i - \xi\|` are at most
        :math:`1/(2\beta M)`. Returns one bound per pattern, shape (n_patterns,).
        """
        xp = self._xp
        return 2.0 * math.e * (self.n_patterns - 1) * self.max_norm * xp.exp(
            -self._beta * self.separation())

    def jacobian_bound(self, queries, index, *, fixed_point_distance: float = 0.0):
        r"""Theorem 4: :math:`\|J^m\|_2 \le 2\beta N M^2 (N-1)\exp(-\beta(\Delta_i - 2\max\{\cdot\}M))`.

        Same arguments as :meth:`retrieval_error_bound`; :math:`\|f(\xi) - x_i^*\| \le
        \|J^m\|_2 \|\xi - x_i^*\|`.
        """
        eb = self.retrieval_error_bound(queries, index, fixed_point_distance=fixed_point_distance)
        return eb * (self._beta * self.n_patterns * self.max_norm)

    def classify(self, queries, *, mass: float = 0.9, steps: int | None = 0,
                 max_steps: int = 1000) -> FixedPointClass:
        r"""Head class (I-IV) and fixed-point type from :math:`\bar k` of the attention weights.

        Parameters
        ----------
        queries : array, shape (dim,) or (batch, dim)
        mass : float, default=0.9
            Softmax mass that the k largest weights must reach.
        steps : int or None, default=0
            Updates to run before reading the weights (0: the queries' own attention, as for a
            transformer head; None: at the fixed point reached from each query).
        max_steps : int, default=1000

        Returns
        -------
        FixedPointClass
        """
        check_budget(max_steps, "max_steps")
        if steps is not None:
            check_budget(steps, "steps", min_val=0)
        if steps == 0:
            p = self.attention(queries)
        else:
            r = self.retrieve(queries, steps=steps, max_steps=max_steps)
            p = self.attention(r.states)
        return classify_attention(p, mass=mass)

    # ------------------------------------------------------------------ saving (see hopfield.io)
    def _to_arrays(self):
        if _dask.is_dask_array(self._x):
            raise TypeError("a ModernHopfieldNetwork with Dask patterns is not saved by "
                            "`hopfield.save` (it would have to gather them); store the Dask "
                            "array with its own writers (e.g. `dask.array.to_zarr`) and beta.")
        if not aa.is_numpy(self._x):
            raise TypeError("only a ModernHopfieldNetwork with NumPy patterns can be saved; "
                            "build it from `patterns.detach().cpu().numpy()`.")
        return {"beta": self._beta}, {"patterns": self._x}

    @classmethod
    def _from_arrays(cls, config, arrays):
        return cls(arrays["patterns"], beta=config["beta"])  # the constructor checks its type
