r"""PyTorch Hopfield layers: ``Hopfield``, ``HopfieldPooling``, ``HopfieldLayer``.

They cover what the reference ``hflayers`` (ml-jku/hopfield-layers) offers: several heads, hidden
(Hopfield-space), pattern (value) and output sizes, β per head (fixed or learnable; default
:math:`1/\sqrt{d_{\rm head}}`), several update steps with a stopping tolerance, LayerNorm of the
inputs and of the Hopfield space, static (unprojected) patterns, key-padding and association
masks, dropout on the association, and the association matrix on request. In addition:

* :meth:`Hopfield.energy`: the Ramsauer energy (eq. 2) in Hopfield space along the layer's updates;
* a plain store-and-retrieve configuration with no flags: ``Hopfield.retrieval(beta=...)`` (or
  ``Hopfield(projections=False, scaling=beta)``), where ``layer(stored, query)`` is exactly
  :meth:`hopfield.ModernHopfieldNetwork.retrieve`;
* one-step execution through :func:`torch.nn.functional.scaled_dot_product_attention`;
* no GPU→CPU synchronisation per update step: converged rows are frozen with ``torch.where``
  over a fixed number of steps (``update_steps_max``); ``update_steps_check_every=k`` optionally
  reads one flag every k steps to stop early.

Conventions: tensors are ``(batch, length, features)`` with ``batch_first=True`` (the default), or
``(length, batch, features)``; a 2-D input is one unbatched sequence. The layer's call is
``layer(stored, state=None, projection=None)``, i.e. (keys, queries, values) as in ``hflayers``;
``state`` defaults to ``stored`` (self-association) and ``projection`` to ``stored``. Masks follow
:class:`torch.nn.MultiheadAttention`: ``True`` means *ignore*.

References
----------
H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021 (arXiv 2008.02217);
reference implementation ml-jku/hopfield-layers. THEORY.md §8.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch
from torch import nn

from .._validation import check_budget, check_scalar
from .functional import association_bias, hopfield_energy, hopfield_retrieval

__all__ = ["Hopfield", "HopfieldLayer", "HopfieldPooling"]


def _opt_size(x, name):
    if x is not None:
        check_scalar(x, name, numbers.Integral, min_val=1)
        return int(x)
    return None


class Hopfield(nn.Module):
    r"""Hopfield association layer (Ramsauer et al. 2021, eq. 10) with projections and heads.

    For each head h with stored patterns :math:`Y`, state patterns :math:`R` and pattern
    projections :math:`Y_v`:

    .. math:: K = Y W_K,\quad \Xi^{(0)} = R W_Q,\quad
              \Xi^{(t+1)} = \mathrm{softmax}(\beta_h \Xi^{(t)} K^\top) K,\quad
              Z = \mathrm{softmax}(\beta_h \Xi^{(T-1)} K^\top)\, Y_v W_V,

    heads concatenated and mapped by :math:`W_O`. With one update step (the default) this is
    multi-head attention; more steps iterate the Ramsauer update in Hopfield space first.

    Parameters
    ----------
    input_size : int, optional
        Feature size of the state patterns (and default for the other inputs). Required unless
        every input is static.
    hidden_size : int, optional
        Hopfield-space size **per head** (keys/queries); default ``input_size // num_heads``.
    output_size : int, optional
        Output feature size; default ``input_size`` (or the value size without out projection).
    pattern_size : int, optional
        Value (pattern projection) size per head; default ``hidden_size``.
    num_heads : int, default=1
    stored_pattern_size, pattern_projection_size : int, optional
        Feature sizes of stored patterns and pattern projections; default ``input_size``.
    scaling : float, sequence of float or None, default=None
        β per head (one value for all, or one per head); None: :math:`1/\sqrt{d_{\rm head}}`.
    scaling_learnable : bool, default=False
        Make β a trainable parameter (one per head).
    update_steps_max : int, default=1
        Number of updates per call (the last one reads out the values).
    update_steps_eps : float or None, default=1e-4
        Rows whose Hopfield-space update moves them by at most this are frozen (``torch.where``,
        no host sync). None disables freezing.
    update_steps_check_every : int, optional
        Read "all rows converged?" every this many steps and stop early (one sync each).
    normalize_stored_pattern, normalize_state_pattern, normalize_pattern_projection : bool,
    default=True
        LayerNorm of the raw inputs (as ``hflayers``); ``*_affine`` adds its affine map.
    normalize_hopfield_space : bool, default=False
        LayerNorm (over the head dimension) of the projected states and stored patterns.
    stored_pattern_as_static, state_pattern_as_static, pattern_projection_as_static : bool,
    default=False
        Use that input unprojected (split evenly into the heads).
    projections : bool, default=True
        ``False`` makes every input static, disables the output projection and the LayerNorms:
        ``layer(stored, query)`` is then pure Ramsauer retrieval (see :meth:`retrieval`).
    disable_out_projection : bool, default=False
    dropout : float, default=0.0
        Dropout on the association matrix.
    bias : bool, default=True
        Biases of the linear projections.
    batch_first : bool, default=True
    use_sdpa : bool, default=True
        Run updates through ``scaled_dot_product_attention`` when no association is requested.
    device, dtype : optional
        Factory arguments of the parameters.

    Examples
    --------
    >>> import torch
    >>> from hopfield.nn import Hopfield
    >>> layer = Hopfield(input_size=16, num_heads=4)
    >>> layer(torch.randn(2, 10, 16), torch.randn(2, 3, 16)).shape
    torch.Size([2, 3, 16])
    """

    def __init__(self, input_size: int | None = None, hidden_size: int | None = None,
                 output_size: int | None = None, pattern_size: int | None = None,
                 num_heads: int = 1, *, stored_pattern_size: int | None = None,
                 pattern_projection_size: int | None = None, scaling=None,
                 scaling_learnable: bool = False, update_steps_max: int = 1,
                 update_steps_eps: float | None = 1e-4,
                 update_steps_check_every: int | None = None,
                 normalize_stored_pattern: bool = True,
                 normalize_stored_pattern_affine: bool = True,
                 normalize_state_pattern: bool = True,
                 normalize_state_pattern_affine: bool = True,
                 normalize_pattern_projection: bool = True,
                 normalize_pattern_projection_affine: bool = True,
                 normalize_hopfield_space: bool = False,
                 normalize_hopfield_space_affine: bool = False,
                 stored_pattern_as_static: bool = False, state_pattern_as_static: bool = False,
                 pattern_projection_as_static: bool = False, projections: bool = True,
                 disable_out_projection: bool = False, dropout: float = 0.0, bias: bool = True,
                 batch_first: bool = True, use_sdpa: bool = True, device=None, dtype=None):
        super().__init__()
        fk = {"device": device, "dtype": dtype}
        check_scalar(num_heads, "num_heads", numbers.Integral, min_val=1)
        check_budget(update_steps_max, "update_steps_max")
        if update_steps_eps is not None:
            check_scalar(update_steps_eps, "update_steps_eps", numbers.Real, min_val=0.0)
        if update_steps_check_every is not None:
            check_scalar(update_steps_check_every, "update_steps_check_every", numbers.Integral,
                         min_val=1)
        check_scalar(dropout, "dropout", numbers.Real, min_val=0.0, max_val=1.0, include_max=False)
        input_size = _opt_size(input_size, "input_size")
        hidden_size = _opt_size(hidden_size, "hidden_size")
        output_size = _opt_size(output_size, "output_size")
        pattern_size = _opt_size(pattern_size, "pattern_size")
        stored_pattern_size = _opt_size(stored_pattern_size, "stored_pattern_size")
        pattern_projection_size = _opt_size(pattern_projection_size, "pattern_projection_size")
        if not projections:
            stored_pattern_as_static = state_pattern_as_static = True
            pattern_projection_as_static = disable_out_projection = True
            normalize_stored_pattern = normalize_state_pattern = False
            normalize_pattern_projection = False
        h = int(num_heads)
        self.num_heads = h
        self.batch_first = bool(batch_first)
        self.update_steps_max = int(update_steps_max)
        self.update_steps_eps = None if update_steps_eps is None else float(update_steps_eps)
        self.update_steps_check_every = update_steps_check_every
        self.dropout = float(dropout)
        self.use_sdpa = bool(use_sdpa)
        self.static = (bool(stored_pattern_as_static), bool(state_pattern_as_static),
                       bool(pattern_projection_as_static))
        needs_input = not all(self.static) or normalize_state_pattern
        if input_size is None and needs_input and not (state_pattern_as_static
                                                      and hidden_size is not None):
            raise ValueError("`input_size` is required unless every input is static "
                             "(use `Hopfield.retrieval(...)` or `projections=False`).")
        if hidden_size is None and input_size is not None:
            if input_size % h:
                raise ValueError(f"`input_size` ({input_size}) must be divisible by `num_heads` "
                                 f"({h}) unless `hidden_size` (per head) is given.")
            hidden_size = input_size // h
        stored_pattern_size = stored_pattern_size or input_size
        pattern_projection_size = pattern_projection_size or stored_pattern_size
        pattern_size = pattern_size or hidden_size
        self.hidden_size, self.pattern_size = hidden_size, pattern_size
        self.input_size = input_size

        def linear(n_in, n_out, name):
            if n_in is None or n_out is None:
                raise ValueError(f"`{name}` needs its input size and `hidden_size`/`pattern_size`.")
            return nn.Linear(n_in, n_out, bias=bias, **fk)

        self.k_proj = None if self.static[0] else linear(stored_pattern_size, h * hidden_size,
                                                         "stored pattern projection")
        self.q_proj = None if self.static[1] else linear(input_size, h * hidden_size,
                                                         "state pattern projection")
        self.v_proj = None if self.static[2] else linear(pattern_projection_size, h * pattern_size,
                                                         "pattern projection")
        if disable_out_projection:
            self.out_proj = None
        else:
            if pattern_size is None:
                raise ValueError("the output projection needs `pattern_size` or `hidden_size`.")
            self.out_proj = nn.Linear(h * pattern_size, output_size or input_size, bias=bias, **fk)

        def norm(flag, size, affine):
            if not flag:
                return None
            if size is None:
                raise ValueError("input normalisation needs the input's size; pass the sizes or "
                                 "turn the normalize_* flags off.")
            return nn.LayerNorm(size, elementwise_affine=affine, **fk)

        self.norm_stored = norm(normalize_stored_pattern, stored_pattern_size,
                                normalize_stored_pattern_affine)
        self.norm_state = norm(normalize_state_pattern, input_size, normalize_state_pattern_affine)
        self.norm_projection = norm(normalize_pattern_projection, pattern_projection_size,
                                    normalize_pattern_projection_affine)
        self.norm_hopfield = None
        if normalize_hopfield_space:
            if hidden_size is None:
                raise ValueError("`normalize_hopfield_space` needs `hidden_size`.")
            self.norm_hopfield = nn.LayerNorm(hidden_size,
                                              elementwise_affine=normalize_hopfield_space_affine,
                                              **fk)
        self._init_scaling(scaling, scaling_learnable, fk)

    def _init_scaling(self, scaling, learnable, fk):
        h = self.num_heads
        if scaling is None:
            values = None if self.hidden_size is None else [1.0 / math.sqrt(self.hidden_size)] * h
        elif isinstance(scaling, numbers.Real) and not isinstance(scaling, bool):
            values = [float(scaling)] * h
        elif isinstance(scaling, Sequence | torch.Tensor):
            values = [float(v) for v in scaling]
            if len(values) != h:
                raise ValueError(f"`scaling` has {len(values)} values but there are {h} heads.")
        else:
            raise TypeError(f"`scaling` must be None, a float or one float per head; got "
                            f"{type(scaling).__name__}.")
        if values is not None:
            for v in values:
                if not (math.isfinite(v) and v > 0):
                    raise ValueError(f"`scaling` (β) must be finite and > 0; got {v}.")
        dtype = fk["dtype"] or torch.get_default_dtype()
        if learnable:
            if values is None:
                raise ValueError("a learnable `scaling` needs an initial value or `hidden_size`.")
            self.scaling = nn.Parameter(torch.tensor(values, dtype=dtype, device=fk["device"]))
        elif values is not None and len(set(values)) > 1:
            self.register_buffer("scaling", torch.tensor(values, dtype=dtype, device=fk["device"]))
        else:
            self.scaling = None if values is None else values[0]

    # ------------------------------------------------------------------ helpers
    @classmethod
    def retrieval(cls, beta: float = 1.0, *, update_steps_max: int = 1,
                  update_steps_eps: float | None = 1e-4, **kwargs) -> Hopfield:
        """Plain store-and-retrieve layer: no projections, one head, β = ``beta``.

        ``layer(stored, query)`` returns :math:`X^\\top\\mathrm{softmax}(\\beta X\\xi)` iterated
        ``update_steps_max`` times, exactly :meth:`hopfield.ModernHopfieldNetwork.retrieve`.
        """
        return cls(projections=False, scaling=beta, update_steps_max=update_steps_max,
                   update_steps_eps=update_steps_eps, **kwargs)

    def _beta(self, d_head: int, like: torch.Tensor):
        if self.scaling is None:
            return 1.0 / math.sqrt(d_head)
        return self.scaling

    def _split(self, x, proj, norm, name):
        """(B, L, D) -> (B, H, L, d) after norm and projection."""
        if proj is not None and x.shape[-1] != proj.in_features:
            raise ValueError(f"`{name}` has {x.shape[-1]} features but the layer expects "
                             f"{proj.in_features}; check input_size / stored_pattern_size / "
                             f"pattern_projection_size.")
        if norm is not None:
            x = norm(x)
        if proj is not None:
            x = proj(x)
        b, n, d = x.shape
        h = self.num_heads
        if d % h:
            raise ValueError(f"`{name}` has {d} features, not divisible by num_heads={h}.")
        return x.reshape(b, n, h, d // h).transpose(1, 2)

    def _prepare(self, stored, state, projection):
        if isinstance(stored, tuple | list):
            if state is not None or projection is not None or len(stored) not in (2, 3):
                raise ValueError("pass (stored, state[, projection]) either as one tuple or as "
                                 "separate arguments.")
            stored, state, *rest = stored
            projection = rest[0] if rest else None
        state = stored if state is None else state
        projection = stored if projection is None else projection
        tensors = []
        for t, name in ((stored, "stored"), (state, "state"), (projection, "projection")):
            if not isinstance(t, torch.Tensor):
                raise TypeError(f"`{name}` must be a torch.Tensor; got {type(t).__name__}.")
            if not torch.is_floating_point(t):
                raise TypeError(f"`{name}` must be floating point; got {t.dtype}.")
            if t.ndim not in (2, 3):
                raise ValueError(f"`{name}` must be 2-D (length, features) or 3-D (batch, length, "
                                 f"features); got shape {tuple(t.shape)}.")
            tensors.append(t)
        unbatched = tensors[1].ndim == 2
        if any((t.ndim == 2) != unbatched for t in tensors):
            raise ValueError("`stored`, `state` and `projection` must all be batched or all "
                             "unbatched.")
        if unbatched:
            tensors = [t.unsqueeze(0) for t in tensors]
        elif not self.batch_first:
            tensors = [t.transpose(0, 1) for t in tensors]
        stored, state, projection = tensors
        if stored.shape[0] != state.shape[0] or projection.shape[0] != stored.shape[0]:
            raise ValueError(f"batch sizes differ: stored {stored.shape[0]}, state "
                             f"{state.shape[0]}, projection {projection.shape[0]}.")
        if stored.shape[1] != projection.shape[1]:
            raise ValueError(f"`stored` has {stored.shape[1]} patterns but `projection` has "
                             f"{projection.shape[1]}; they must match.")
        k = self._split(stored, self.k_proj, self.norm_stored, "stored")
        q = self._split(state, self.q_proj, self.norm_state, "state")
        v = self._split(projection, self.v_proj, self.norm_projection, "projection")
        if q.shape[-1] != k.shape[-1]:
            raise ValueError(f"state and stored patterns have different Hopfield-space sizes per "
                             f"head ({q.shape[-1]} vs {k.shape[-1]}); check the static flags and "
                             f"sizes.")
        if self.norm_hopfield is not None:
            q, k = self.norm_hopfield(q), self.norm_hopfield(k)
        return q, k, v, unbatched

    def _bias(self, q, k, stored_pattern_padding_mask, association_mask):
        return association_bias(stored_pattern_padding_mask, association_mask, batch=q.shape[0],
                                heads=q.shape[1], n_queries=q.shape[2], n_keys=k.shape[2],
                                dtype=q.dtype, device=q.device)

    # ------------------------------------------------------------------ forward
    def forward(self, stored, state=None, projection=None, *, stored_pattern_padding_mask=None,
                association_mask=None, return_association: bool = False):
        """Associate ``state`` with ``stored`` and read out ``projection``.

        Parameters
        ----------
        stored : tensor (batch, S, stored_pattern_size), or a tuple (stored, state[, projection])
        state : tensor (batch, L, input_size), optional
            Defaults to ``stored`` (self-association).
        projection : tensor (batch, S, pattern_projection_size), optional
            Defaults to ``stored``.
        stored_pattern_padding_mask : bool tensor (batch, S), optional
            ``True`` ignores that stored pattern.
        association_mask : bool/float tensor (L, S), (batch·heads, L, S) or (batch, heads, L, S)
            ``True`` forbids the association (float: added to the scores).
        return_association : bool, default=False
            Also return the association matrix (batch, heads, L, S) of the last update.

        Returns
        -------
        output : tensor (batch, L, output_size)
        association : tensor, only with ``return_association=True``
        """
        q, k, v, unbatched = self._prepare(stored, state, projection)
        bias = self._bias(q, k, stored_pattern_padding_mask, association_mask)
        out, assoc, _ = hopfield_retrieval(
            q, k, v, self._beta(q.shape[-1], q), steps=self.update_steps_max,
            tol=self.update_steps_eps, check_every=self.update_steps_check_every, bias=bias,
            dropout=self.dropout, training=self.training, need_association=return_association,
            use_sdpa=self.use_sdpa)
        b, h, n, dv = out.shape
        out = out.transpose(1, 2).reshape(b, n, h * dv)
        if self.out_proj is not None:
            out = self.out_proj(out)
        if unbatched:
            out = out[0]
            assoc = None if assoc is None else assoc[0]
        elif not self.batch_first:
            out = out.transpose(0, 1)
        return (out, assoc) if return_association else out

    def energy(self, stored, state=None, *, stored_pattern_padding_mask=None,
               association_mask=None, steps: int | None = None):
        r"""Ramsauer energy in Hopfield space along the layer's updates.

        Returns a tensor of shape ``(steps + 1, batch, heads, L)`` (``(steps + 1, heads, L)``
        unbatched): the energy (eq. 2, per head, over the unmasked stored patterns) of the
        projected state and after each update :math:`\xi \leftarrow K^\top\mathrm{softmax}(\beta
        K\xi)`. ``steps`` defaults to ``update_steps_max``. Each update never raises it (CCCP).
        """
        q, k, _, unbatched = self._prepare(stored, state, None)
        bias = self._bias(q, k, stored_pattern_padding_mask, association_mask)
        beta = self._beta(q.shape[-1], q)
        n = self.update_steps_max if steps is None else int(steps)
        energies = [hopfield_energy(q, k, beta, bias=bias)]
        xi = q
        for _ in range(n):
            xi = hopfield_retrieval(xi, k, k, beta, steps=1, bias=bias, use_sdpa=self.use_sdpa)[0]
            energies.append(hopfield_energy(xi, k, beta, bias=bias))
        out = torch.stack(energies)
        return out[:, 0] if unbatched else out


class HopfieldPooling(nn.Module):
    r"""Pooling by a Hopfield association with learnable state (query) patterns.

    ``quantity`` trainable state patterns :math:`\xi_q` (in Hopfield space, one per pooled output)
    retrieve from the input set, stored patterns :math:`Y`:
    :math:`z_q = W_O\,\mathrm{softmax}(\beta\,\xi_q K^\top)\,V`. The input set is ``(batch, S,
    input_size)``; the output is ``(batch, quantity * output_size)`` (as ``hflayers``).

    Parameters
    ----------
    input_size : int
    hidden_size, output_size, pattern_size, num_heads
        As :class:`Hopfield`.
    quantity : int, default=1
        Number of pooling (state) patterns.
    trainable : bool, default=True
        Whether the pooling patterns are trained.
    **kwargs
        Passed to :class:`Hopfield` (scaling, update steps, normalisation, dropout, ...).
    """

    def __init__(self, input_size: int, hidden_size: int | None = None,
                 output_size: int | None = None, pattern_size: int | None = None,
                 num_heads: int = 1, *, quantity: int = 1, trainable: bool = True, **kwargs):
        super().__init__()
        check_scalar(quantity, "quantity", numbers.Integral, min_val=1)
        kwargs.setdefault("normalize_state_pattern", False)
        self.hopfield = Hopfield(input_size=input_size, hidden_size=hidden_size,
                                 output_size=output_size, pattern_size=pattern_size,
                                 num_heads=num_heads, state_pattern_as_static=True, **kwargs)
        width = self.hopfield.num_heads * self.hopfield.hidden_size
        fk = {"device": kwargs.get("device"), "dtype": kwargs.get("dtype")}
        w = torch.empty(int(quantity), width, **fk)
        nn.init.normal_(w, std=1.0 / math.sqrt(width))
        self.pooling_weights = nn.Parameter(w, requires_grad=bool(trainable))
        self.quantity = int(quantity)

    def forward(self, input, *, stored_pattern_padding_mask=None, association_mask=None,
                return_association: bool = False):
        """Pool ``input`` (batch, S, input_size) into (batch, quantity * output_size)."""
        if not isinstance(input, torch.Tensor) or input.ndim != 3:
            raise ValueError("`input` must be a 3-D tensor (batch, n_instances, input_size); "
                             f"got {getattr(input, 'shape', type(input).__name__)}.")
        first = self.hopfield.batch_first
        state = self.pooling_weights.unsqueeze(0).expand(input.shape[0 if first else 1], -1, -1)
        res = self.hopfield(input, state if first else state.transpose(0, 1),
                            stored_pattern_padding_mask=stored_pattern_padding_mask,
                            association_mask=association_mask,
                            return_association=return_association)
        out, assoc = res if return_association else (res, None)
        if not first:
            out = out.transpose(0, 1)
        out = out.reshape(out.shape[0], -1)
        return (out, assoc) if return_association else out


class HopfieldLayer(nn.Module):
    r"""Hopfield lookup layer: the input is the state, the stored patterns are learned.

    ``quantity`` trainable stored patterns :math:`Y` (and, with ``lookup_targets_as_trainable``,
    separate trainable pattern projections :math:`Y_v`) are looked up by each input row:
    :math:`z = W_O\,\mathrm{softmax}(\beta\,R W_Q (Y W_K)^\top)\,Y_v W_V`. Input ``(batch, L,
    input_size)``, output ``(batch, L, output_size)``.

    Parameters
    ----------
    input_size : int
    hidden_size, output_size, pattern_size, num_heads
        As :class:`Hopfield`.
    quantity : int, default=1
        Number of stored (lookup) patterns.
    lookup_targets_as_trainable : bool, default=True
        Separate trainable pattern projections; False reads out the stored patterns themselves.
    **kwargs
        Passed to :class:`Hopfield`.
    """

    def __init__(self, input_size: int, hidden_size: int | None = None,
                 output_size: int | None = None, pattern_size: int | None = None,
                 num_heads: int = 1, *, quantity: int = 1,
                 lookup_targets_as_trainable: bool = True, **kwargs):
        super().__init__()
        check_scalar(quantity, "quantity", numbers.Integral, min_val=1)
        kwargs.setdefault("normalize_stored_pattern", False)
        kwargs.setdefault("normalize_pattern_projection", False)
        self.hopfield = Hopfield(input_size=input_size, hidden_size=hidden_size,
                                 output_size=output_size, pattern_size=pattern_size,
                                 num_heads=num_heads, **kwargs)
        fk = {"device": kwargs.get("device"), "dtype": kwargs.get("dtype")}
        w = torch.empty(int(quantity), input_size, **fk)
        nn.init.normal_(w, std=1.0 / math.sqrt(input_size))
        self.lookup_weights = nn.Parameter(w)
        self.lookup_targets = None
        if lookup_targets_as_trainable:
            t = torch.empty(int(quantity), input_size, **fk)
            nn.init.normal_(t, std=1.0 / math.sqrt(input_size))
            self.lookup_targets = nn.Parameter(t)
        self.quantity = int(quantity)

    def forward(self, input, *, association_mask=None, return_association: bool = False):
        """Look up ``input`` (batch, L, input_size) in the learned memory."""
        if not isinstance(input, torch.Tensor) or input.ndim not in (2, 3):
            raise ValueError("`input` must be a (batch, L, input_size) or (L, input_size) tensor; "
                             f"got {getattr(input, 'shape', type(input).__name__)}.")
        bf = self.hopfield.batch_first or input.ndim == 2
        batch = (input.shape[0] if bf else input.shape[1]) if input.ndim == 3 else None

        def expand(p):
            if batch is None:
                return p
            e = p.unsqueeze(0).expand(batch, -1, -1)
            return e if bf else e.transpose(0, 1)

        targets = self.lookup_weights if self.lookup_targets is None else self.lookup_targets
        return self.hopfield(expand(self.lookup_weights), input, expand(targets),
                             association_mask=association_mask,
                             return_association=return_association)
