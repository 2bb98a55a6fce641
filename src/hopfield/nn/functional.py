r"""Functional core of the Hopfield layers: Ramsauer retrieval in Hopfield space, per head.

Shapes: state patterns (queries) ``(B, H, L, d)``, stored patterns (keys) ``(B, H, S, d)``,
pattern projections (values) ``(B, H, S, d_v)``; β is a float or a tensor of shape ``(H,)`` (one
inverse temperature per head). One layer call performs ``steps`` Ramsauer updates (eq. 3)

.. math:: \xi \leftarrow K^\top\mathrm{softmax}(\beta K\xi)
          \quad (\text{steps} - 1 \text{ times, in Hopfield space}),
          \qquad \text{output} = V^\top\mathrm{softmax}(\beta K\xi),

so ``steps=1`` is exactly transformer attention ``softmax(β QKᵀ + mask) V`` (eq. 10), executed
through :func:`torch.nn.functional.scaled_dot_product_attention` when the association matrix is
not requested (:func:`hopfield.modern._update` dispatches torch tensors to it). The maths is
not copied here: the association, the update, the iteration with
frozen converged rows and the energy are the array-API functions of :mod:`hopfield.modern`
(``_associate``, ``_update``, ``_iterate``, ``_energy``); SDPA is only the fast executor of one
update.

**No host synchronisation per step.** With a stopping tolerance ``tol``, rows whose update moved
them by at most ``tol`` are frozen with ``torch.where`` and the loop runs its fixed number of
steps; nothing is read back to the host. Optionally, ``check_every=k`` reads one boolean every
k steps to stop early once every row has converged.

References
----------
H. Ramsauer et al., ICLR 2021 (arXiv 2008.02217), eqs. 3 and 10; Theory reference §8.
"""

from __future__ import annotations

import math
import numbers
import warnings

import torch
import torch.nn.functional as F

from .. import _array_api as aa
from .._validation import check_bool, check_budget, check_scalar
from ..modern import _associate, _energy, _update

__all__ = ["association_bias", "hopfield_energy", "hopfield_retrieval"]


def _xp(t):
    return aa.get_namespace(t)


def _check_tensors(**tensors) -> None:
    """Type, rank and non-empty checks of the (B, H, n, d) operands: no host synchronisation."""
    for name, t in tensors.items():
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"`{name}` must be a torch.Tensor (B, H, n, d); got {type(t).__name__}.")
        if not torch.is_floating_point(t):
            raise TypeError(f"`{name}` must be floating point; got {t.dtype}.")
        if t.ndim != 4:
            raise ValueError(f"`{name}` must be 4-D (batch, heads, n, d); got shape {tuple(t.shape)}.")
        if t.shape[-2] == 0:
            raise ValueError(f"`{name}` is empty (shape {tuple(t.shape)}); at least one pattern is needed.")


def _check_sizes(state, stored, projection=None) -> None:
    if state.shape[-1] != stored.shape[-1]:
        raise ValueError(f"`state` has {state.shape[-1]} features per head but `stored` has "
                         f"{stored.shape[-1]}; they must match.")
    if projection is not None and projection.shape[-2] != stored.shape[-2]:
        raise ValueError(f"`projection` has {projection.shape[-2]} patterns but `stored` has "
                         f"{stored.shape[-2]}; they must match.")


def _nan_rows(out: torch.Tensor, xi: torch.Tensor) -> torch.Tensor:
    """NaN wherever the query row had a NaN or inf, on every path.

    A masked softmax or the fused kernel can return a finite row for a NaN query; checking the
    input instead would cost a host synchronisation per call, so a bad row is made to stay
    visibly bad (no sync).
    """
    return out + 0.0 * xi.sum(dim=-1, keepdim=True)


def _beta_view(beta, like: torch.Tensor):
    """β as a float or a (1, H, 1, 1) tensor broadcasting against (B, H, L, S) scores."""
    if not isinstance(beta, torch.Tensor):
        # β·kᵀξ must stay finite in the tensors' dtype: √max leaves room for |kᵀξ| up to √max
        check_scalar(beta, "beta", numbers.Real, min_val=0.0, include_min=False,
                     max_val=math.sqrt(torch.finfo(like.dtype).max))
    if isinstance(beta, torch.Tensor):
        if beta.ndim == 0:
            return beta.to(like.dtype)
        return beta.to(like.dtype).reshape(1, -1, 1, 1)
    return float(beta)


def association_bias(key_padding_mask=None, association_mask=None, *, batch: int, heads: int,
                     n_queries: int, n_keys: int, dtype, device):
    r"""Combine masks into one additive bias of shape broadcasting to ``(B, H, L, S)``, or None.

    Parameters
    ----------
    key_padding_mask : bool tensor (B, S) or float tensor (B, S), optional
        ``True`` marks a stored pattern to ignore (as in :class:`torch.nn.MultiheadAttention`);
        a float mask is added to the scores.
    association_mask : bool or float tensor, shape (L, S), (B·H, L, S) or (B, H, L, S), optional
        ``True`` forbids an association; a float mask is added to the scores.
    """
    bias = None

    def as_bias(m, name):
        if m.dtype == torch.bool:
            return torch.zeros(m.shape, dtype=dtype, device=device).masked_fill(m, -math.inf)
        if not torch.is_floating_point(m):
            raise TypeError(f"`{name}` must be a bool or floating tensor; got {m.dtype}.")
        return m.to(dtype=dtype, device=device)

    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (batch, n_keys):
            raise ValueError(f"`stored_pattern_padding_mask` must have shape (batch, n_stored) = "
                             f"{(batch, n_keys)}; got {tuple(key_padding_mask.shape)}.")
        bias = as_bias(key_padding_mask, "stored_pattern_padding_mask")[:, None, None, :]
    if association_mask is not None:
        m = association_mask
        shape = tuple(m.shape)
        if shape == (n_queries, n_keys):
            m = m[None, None]
        elif shape == (batch * heads, n_queries, n_keys):
            m = m.reshape(batch, heads, n_queries, n_keys)
        elif shape != (batch, heads, n_queries, n_keys):
            raise ValueError(
                "`association_mask` must have shape (n_state, n_stored), (batch*heads, n_state, "
                f"n_stored) or (batch, heads, n_state, n_stored) = {(n_queries, n_keys)}, "
                f"{(batch * heads, n_queries, n_keys)} or {(batch, heads, n_queries, n_keys)}; "
                f"got {shape}.")
        m = as_bias(m, "association_mask")
        bias = m if bias is None else bias + m
    return bias


_UNBOUNDED_CAP = 10_000     # "until converged" stops here at the latest (with a warning)


def _steps_plan(steps, heads: int, device):
    """(Hopfield-space updates as int or None for "until converged", per-head limit or None)."""
    if steps is None:
        return None, None
    if isinstance(steps, torch.Tensor):
        if steps.ndim != 1 or steps.shape[0] != heads or torch.is_floating_point(steps):
            raise ValueError(f"a per-head `steps` must be an integer tensor of shape ({heads},); "
                             f"got {steps.dtype} of shape {tuple(steps.shape)}.")
        limit = (steps.to(device=device, dtype=torch.int64) - 1).reshape(1, heads, 1)
        unbounded = bool((steps < 1).any())
        limit = torch.where(limit < 0, torch.full_like(limit, -1), limit)
        return (None if unbounded else int(limit.max())), limit
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"`steps` must be an int ≥ 1, None or one int per head; got {steps!r}.")
    return check_budget(steps, "steps") - 1, None


def _hopfield_space(xi, step, n_max, limit, tol, check_every, xp):
    """Hopfield-space updates ξ ← step(ξ), rows frozen once converged or past their head's limit.

    ``n_max`` updates at most (None: until every row has converged, reading one flag per
    update); ``limit`` (1, H, 1) caps each head (−1: unbounded). Without ``n_max is None`` or
    ``check_every`` nothing is read back to the host.
    """
    if n_max is None and tol is None:
        raise ValueError("iterating until convergence needs a stopping tolerance "
                         "(`update_steps_eps` / `tol`), not None.")
    active = torch.ones(xi.shape[:-1], dtype=torch.bool, device=xi.device)
    t = 0
    while n_max is None or t < n_max:
        if limit is not None:
            active = active & ((limit < 0) | (t < limit))
        if (n_max is None or (check_every and t % check_every == 0)) and not bool(active.any()):
            break
        if n_max is None and t >= _UNBOUNDED_CAP:
            warnings.warn(f"Hopfield updates stopped after {t} steps without every row "
                          f"converging to tol={tol}.", RuntimeWarning, stacklevel=3)
            break
        new = step(xi)
        if tol is None and limit is None:
            xi = new
        else:
            if tol is not None:
                d = new - xi
                small = torch.sqrt(torch.sum(d * d, dim=-1)) <= tol
            xi = torch.where(active[..., None], new, xi)
            if tol is not None:
                active = active & ~small
        t += 1
    return xi


def hopfield_retrieval(state, stored, projection, beta, *, steps=1, tol=None,
                       check_every: int | None = None, bias=None, dropout: float = 0.0,
                       training: bool = False, need_association: bool = False,
                       use_sdpa: bool = True):
    r"""Ramsauer retrieval per head: ``steps - 1`` Hopfield-space updates, then the association.

    Parameters
    ----------
    state : tensor (B, H, L, d)
        State patterns ξ (projected queries) in Hopfield space.
    stored : tensor (B, H, S, d)
        Stored patterns (projected keys).
    projection : tensor (B, H, S, d_v)
        Pattern projections (values) that the last association reads out.
    beta : float or tensor (H,)
        Inverse temperature per head.
    steps : int, None or int tensor (H,), default=1
        Total number of associations (≥ 1); the last one reads out ``projection``. ``None``
        iterates in Hopfield space until every row has converged (needs ``tol``; one host
        read per update); a tensor gives one count per head (< 1: until converged).
    tol : float, optional
        Freeze a row once a Hopfield-space update moves it by at most ``tol`` (no host sync).
    check_every : int, optional
        Every this many Hopfield-space steps read ``any(active)`` once and stop early if false.
    bias : tensor broadcasting to (B, H, L, S), optional
        Additive mask (from :func:`association_bias`). A row whose every entry is −inf (a fully
        masked query) associates with nothing: its association row is 0 and it reads out 0, on
        every path (as SDPA does).
    dropout : float, default=0.0
        Dropout probability on the association matrix (training only).
    need_association : bool, default=False
        Also return the association matrix (B, H, L, S) of the last update (after dropout).
    use_sdpa : bool, default=True
        Execute updates through ``scaled_dot_product_attention`` when the association matrix
        is not needed.

    Returns
    -------
    output : tensor (B, H, L, d_v)
    association : tensor (B, H, L, S) or None
    xi : tensor (B, H, L, d)
        Hopfield-space state before the final read-out.
    """
    _check_tensors(state=state, stored=stored, projection=projection)
    _check_sizes(state, stored, projection)
    if tol is not None:
        check_scalar(tol, "tol", numbers.Real, min_val=0.0)
    if check_every is not None:
        check_budget(check_every, "check_every")
    check_scalar(dropout, "dropout", numbers.Real, min_val=0.0, max_val=1.0, include_max=False)
    training = check_bool(training, "training")
    need_association = check_bool(need_association, "need_association")
    use_sdpa = check_bool(use_sdpa, "use_sdpa")
    xp = _xp(state)
    b = _beta_view(beta, state)
    fast = use_sdpa and not need_association
    n_max, limit = _steps_plan(steps, state.shape[1], state.device)

    def step(xi):
        return _update(xi, stored, stored, b, xp, bias=bias, use_sdpa=fast)

    xi = state
    if n_max is None or n_max > 0:
        xi = _hopfield_space(state, step, n_max, limit, tol, check_every, xp)
    p_drop = dropout if training else 0.0
    if fast and p_drop == 0.0:
        return _nan_rows(_update(xi, stored, projection, b, xp, bias=bias), xi), None, xi
    if fast:
        out = F.scaled_dot_product_attention(xi * b, stored, projection, attn_mask=bias,
                                             dropout_p=p_drop, scale=1.0)
        return _nan_rows(out, xi), None, xi
    assoc = _associate(xi, stored, b, xp, bias=bias)
    if p_drop > 0.0:
        assoc = F.dropout(assoc, p=p_drop, training=True)
    return _nan_rows(torch.matmul(assoc, projection), xi), (assoc if need_association else None), xi


def hopfield_energy(state, stored, beta, *, bias=None):
    r"""Ramsauer energy (eq. 2) of Hopfield-space states, per batch, head and query.

    .. math:: E = -\beta^{-1}\log\sum_{j} e^{\beta k_j^\top\xi + b_j} + \tfrac12\xi^\top\xi
              + \beta^{-1}\log N + \tfrac12 M^2,

    where, with a 0/-inf mask ``bias``, only the unmasked stored patterns count: :math:`N` is
    their number and :math:`M` their largest norm. Returns a tensor of shape (B, H, L).
    """
    _check_tensors(state=state, stored=stored)
    _check_sizes(state, stored)
    xp = _xp(state)
    b = _beta_view(beta, state)
    sq = torch.sum(stored * stored, dim=-1)[..., None, :]          # (B, H, 1, S)
    if bias is None:
        log_n = math.log(stored.shape[-2])
        half_m2 = 0.5 * torch.amax(sq, dim=-1)
    else:
        full = torch.broadcast_shapes(bias.shape,
                                      (*sq.shape[:-2], state.shape[-2], sq.shape[-1]))
        masked = torch.broadcast_to(bias, full)
        keep = torch.where(torch.isfinite(masked), torch.zeros_like(masked),
                           torch.full_like(masked, -math.inf))
        log_n = torch.logsumexp(keep, dim=-1)                        # log #unmasked
        half_m2 = 0.5 * torch.amax(sq + keep, dim=-1)
    return _energy(state, stored, b, xp, log_n=log_n, half_m2=half_m2, bias=bias)
