r"""PyTorch Hopfield layers: ``Hopfield``, ``HopfieldPooling``, ``HopfieldLayer``.

A drop-in replacement for the reference ``hflayers`` (ml-jku/hopfield-layers): the same class
names, arguments, defaults, counting and initialisation (``update_steps_max=0`` is one
association; static patterns are repeated into every head; weights drawn from N(0, 0.02²),
biases zero; β = 1/√d_head, or 1 for a layer without any projection), plus
``association_activation``, ``add_zero_association``, ``pattern_projection_as_connected``,
``concat_bias_pattern``, ``get_association_matrix`` and ``get_projected_pattern_matrix``. An
``hflayers`` state dict loads with :func:`hopfield.nn.load_hflayers_state_dict`; the deliberate
differences are listed in the migration table of the documentation (per-head β, the stopping
rule, positional masks). In addition:

* :meth:`Hopfield.energy`: the Ramsauer energy (eq. 2) in Hopfield space along the layer's updates;
* a plain store-and-retrieve configuration: ``Hopfield.retrieval(beta=..., steps=...)``, where
  ``layer(stored, query)`` is exactly :meth:`hopfield.ModernHopfieldNetwork.retrieve`;
* one-step execution through :func:`torch.nn.functional.scaled_dot_product_attention`;
* no GPU→CPU synchronisation per update step: converged rows are frozen with ``torch.where``
  over a fixed number of steps; ``update_steps_check_every=k`` optionally reads one flag every k
  steps to stop early.

Conventions: tensors are ``(batch, length, features)`` with ``batch_first=True`` (the default), or
``(length, batch, features)``; a 2-D input is one unbatched sequence. The layer's call is
``layer(input)`` with one tensor (stored = state = projection) or ``layer((stored, state,
projection))`` as in ``hflayers``, or ``layer(stored, state, projection)``; ``state`` and
``projection`` default to ``stored``. Masks follow :class:`torch.nn.MultiheadAttention`:
``True`` means *ignore*. A query whose every association is masked associates with nothing:
its association row is 0 and it reads out 0 (the layer returns the output bias), on every path.

The layers are plain :class:`torch.nn.Module` objects that run under ``torch.compile`` and
``torch.jit.trace`` (deprecated by torch); ``torch.jit.script`` is not supported (the update
dispatches through the array-API core of :mod:`hopfield.modern`, which TorchScript cannot
compile).

References
----------
H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021 (arXiv 2008.02217);
reference implementation ml-jku/hopfield-layers. Theory reference §8.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Sequence

import torch
from torch import nn

from .._validation import check_bool, check_budget, check_scalar
from .functional import association_bias, hopfield_energy, hopfield_retrieval

__all__ = ["Hopfield", "HopfieldLayer", "HopfieldPooling"]

_INIT_STD = 0.02        # hflayers' initialisation of every weight, lookup and pooling pattern


def _opt_size(x, name):
    if x is not None:
        check_scalar(x, name, numbers.Integral, min_val=1)
        return int(x)
    return None


def _check_steps_max(steps, heads: int):
    """``update_steps_max``: int ≥ 0, None, or an int tensor with one entry per head."""
    if steps is None:
        return None
    if isinstance(steps, torch.Tensor):
        if steps.ndim != 1 or steps.shape[0] != heads or torch.is_floating_point(steps):
            raise ValueError(f"a tensor `update_steps_max` must hold one integer per head, shape "
                             f"({heads},); got {steps.dtype} of shape {tuple(steps.shape)}.")
        return steps.detach().clone().to(torch.int64)
    return check_budget(steps, "update_steps_max", min_val=0)


def _activation(name):
    if name is None:
        return None
    fn = getattr(torch, name, None) if isinstance(name, str) else None
    if not callable(fn):
        raise ValueError(f"`association_activation` must name a function of the torch namespace "
                         f"(e.g. 'relu', 'tanh', 'sigmoid'); got {name!r}.")
    return fn


class Hopfield(nn.Module):
    r"""Hopfield association layer (Ramsauer et al. 2021, eq. 10) with projections and heads.

    For each head h with stored patterns :math:`Y`, state patterns :math:`R` and pattern
    projections :math:`Y_v`:

    .. math:: K = Y W_K,\quad \Xi^{(0)} = R W_Q,\quad
              \Xi^{(t+1)} = \mathrm{softmax}(\beta_h \Xi^{(t)} K^\top) K,\quad
              Z = \mathrm{softmax}(\beta_h \Xi^{(T)} K^\top)\, Y_v W_V,

    heads concatenated and mapped by :math:`W_O`, with :math:`T` = ``update_steps_max``
    Hopfield-space updates before the read-out. With ``update_steps_max=0`` (the default, one
    association) this is multi-head attention.

    Parameters
    ----------
    input_size : int, optional
        Feature size of the state patterns (and default for the other inputs). Required unless
        every input is static.
    hidden_size : int, optional
        Hopfield-space size **per head** (keys/queries); default ``input_size // num_heads``.
    output_size : int, optional
        Output feature size; default ``input_size``.
    pattern_size : int, optional
        Value (pattern projection) size per head; default ``hidden_size``.
    num_heads : int, default=1
    scaling : float, 0-d tensor, sequence or tensor of one float per head, optional
        β per head. Default :math:`1/\sqrt{d_{\rm head}}`, or 1.0 for a layer without any
        projection (every input static, no output projection), as ``hflayers``.
    update_steps_max : int, None or int tensor (num_heads,), default=0
        Hopfield-space updates before the read-out: 0 is one association, k gives k + 1.
        ``None`` iterates until every row has converged (one host read per update); a tensor
        gives one count per head (negative: until converged).
    update_steps_eps : float, tensor (num_heads,) or None, default=1e-4
        A row whose Hopfield-space update moves it by at most this is frozen (``torch.where``,
        no host sync). None disables freezing.
    normalize_stored_pattern, normalize_state_pattern, normalize_pattern_projection : bool,
    default=True
        LayerNorm of the raw inputs; ``*_affine`` (default True) adds its affine map and
        ``*_eps`` (default 1e-5) is its ε.
    normalize_hopfield_space : bool, default=False
        LayerNorm (over the head dimension) of the projected states and stored patterns;
        ``normalize_hopfield_space_affine`` (default False), ``normalize_hopfield_space_eps``.
    stored_pattern_as_static, state_pattern_as_static, pattern_projection_as_static : bool,
    default=False
        Use that input unprojected; it has ``hidden_size`` (values: ``pattern_size``) features
        and is repeated into every head, as ``hflayers`` does.
    pattern_projection_as_connected : bool, default=False
        Project the pattern projection with the stored patterns' map first,
        :math:`V = Y_v W_K W_V` (Ramsauer et al.'s blog, eq. 32).
    stored_pattern_size, pattern_projection_size : int, optional
        Feature sizes of stored patterns and pattern projections; default ``input_size``.
    batch_first : bool, default=True
    association_activation : str, optional
        Name of a torch function applied to the output (e.g. ``"relu"``).
    dropout : float, default=0.0
        Dropout on the association matrix.
    input_bias : bool, default=True
        Biases of the projections and of the output projection (``bias`` is an alias).
    concat_bias_pattern : bool, default=False
        Append one learned stored pattern and pattern projection (as ``add_bias_kv`` of
        :class:`torch.nn.MultiheadAttention`).
    add_zero_association : bool, default=False
        Append an all-zero stored pattern and pattern projection (``add_zero_attn``).
    disable_out_projection : bool, default=False
    scaling_learnable : bool, default=False
        Make β a trainable parameter (one per head).
    update_steps_check_every : int, optional
        Read "all rows converged?" every this many steps and stop early (one sync each).
    projections : bool, default=True
        ``False`` makes every input static, disables the output projection and the LayerNorms:
        ``layer(stored, query)`` is then pure Ramsauer retrieval (see :meth:`retrieval`).
    use_sdpa : bool, default=True
        Run updates through ``scaled_dot_product_attention`` when no association is requested.
    device, dtype : optional
        Factory arguments of the parameters.

    Examples
    --------
    >>> import torch
    >>> from hopfield.nn import Hopfield
    >>> layer = Hopfield(input_size=16, num_heads=4)
    >>> layer(torch.randn(2, 10, 16)).shape                        # self-association
    torch.Size([2, 10, 16])
    >>> layer((torch.randn(2, 10, 16), torch.randn(2, 3, 16), torch.randn(2, 10, 16))).shape
    torch.Size([2, 3, 16])
    """

    def __init__(self, input_size: int | None = None, hidden_size: int | None = None,
                 output_size: int | None = None, pattern_size: int | None = None,
                 num_heads: int = 1, *, scaling=None, update_steps_max=0,
                 update_steps_eps=1e-4,
                 normalize_stored_pattern: bool = True,
                 normalize_stored_pattern_affine: bool = True,
                 normalize_stored_pattern_eps: float = 1e-5,
                 normalize_state_pattern: bool = True,
                 normalize_state_pattern_affine: bool = True,
                 normalize_state_pattern_eps: float = 1e-5,
                 normalize_pattern_projection: bool = True,
                 normalize_pattern_projection_affine: bool = True,
                 normalize_pattern_projection_eps: float = 1e-5,
                 normalize_hopfield_space: bool = False,
                 normalize_hopfield_space_affine: bool = False,
                 normalize_hopfield_space_eps: float = 1e-5,
                 stored_pattern_as_static: bool = False, state_pattern_as_static: bool = False,
                 pattern_projection_as_static: bool = False,
                 pattern_projection_as_connected: bool = False,
                 stored_pattern_size: int | None = None,
                 pattern_projection_size: int | None = None,
                 batch_first: bool = True, association_activation: str | None = None,
                 dropout: float = 0.0, input_bias: bool = True,
                 concat_bias_pattern: bool = False, add_zero_association: bool = False,
                 disable_out_projection: bool = False, scaling_learnable: bool = False,
                 update_steps_check_every: int | None = None, projections: bool = True,
                 bias: bool | None = None, use_sdpa: bool = True, device=None, dtype=None):
        super().__init__()
        fk = {"device": device, "dtype": dtype}
        given = locals()
        for name in _FLAGS:  # real bools: "false" or 0 must not switch a feature by truthiness
            if given[name] is not None or name != "bias":
                check_bool(given[name], name)
        check_scalar(num_heads, "num_heads", numbers.Integral, min_val=1)
        h = int(num_heads)
        self.num_heads = h
        self.update_steps_max = _check_steps_max(update_steps_max, h)
        self.update_steps_eps = self._check_eps(update_steps_eps)
        if update_steps_check_every is not None:
            check_scalar(update_steps_check_every, "update_steps_check_every", numbers.Integral,
                         min_val=1)
        self.update_steps_check_every = update_steps_check_every
        check_scalar(dropout, "dropout", numbers.Real, min_val=0.0, max_val=1.0, include_max=False)
        for name, eps in (("normalize_stored_pattern_eps", normalize_stored_pattern_eps),
                          ("normalize_state_pattern_eps", normalize_state_pattern_eps),
                          ("normalize_pattern_projection_eps", normalize_pattern_projection_eps),
                          ("normalize_hopfield_space_eps", normalize_hopfield_space_eps)):
            check_scalar(eps, name, numbers.Real, min_val=0.0, include_min=False)
        input_size = _opt_size(input_size, "input_size")
        hidden_size = _opt_size(hidden_size, "hidden_size")
        output_size = _opt_size(output_size, "output_size")
        pattern_size = _opt_size(pattern_size, "pattern_size")
        given_pattern_size = pattern_size
        stored_pattern_size = _opt_size(stored_pattern_size, "stored_pattern_size")
        pattern_projection_size = _opt_size(pattern_projection_size, "pattern_projection_size")
        use_bias = bool(input_bias if bias is None else bias)
        if not projections:
            stored_pattern_as_static = state_pattern_as_static = True
            pattern_projection_as_static = disable_out_projection = True
            normalize_stored_pattern = normalize_state_pattern = False
            normalize_pattern_projection = False
        self.batch_first = bool(batch_first)
        self.dropout = float(dropout)
        self.use_sdpa = bool(use_sdpa)
        self.association_activation = association_activation
        self._activation = _activation(association_activation)
        self.static = (bool(stored_pattern_as_static), bool(state_pattern_as_static),
                       bool(pattern_projection_as_static))
        self.connected = bool(pattern_projection_as_connected)
        self.add_zero_association = bool(add_zero_association)
        if self.connected and self.static[0]:
            raise ValueError("`pattern_projection_as_connected` projects the pattern projection "
                             "with the stored patterns' map, so the stored patterns must not be "
                             "static.")
        # a layer with nothing to learn: hflayers' "static execution" (sizes come from the input)
        self.static_execution = (all(self.static) and not self.connected
                                 and not normalize_hopfield_space and disable_out_projection)
        if input_size is None and not self.static_execution and not (
                state_pattern_as_static and hidden_size is not None):
            raise ValueError("`input_size` is required unless every input is static and there "
                             "is no output projection (use `Hopfield.retrieval(...)`).")
        if hidden_size is None and input_size is not None and not self.static_execution:
            if input_size % h:
                raise ValueError(f"`input_size` ({input_size}) must be divisible by `num_heads` "
                                 f"({h}) unless `hidden_size` (per head) is given.")
            hidden_size = input_size // h
        stored_pattern_size = stored_pattern_size or input_size
        if self.static[2] and not self.connected and pattern_projection_size is not None:
            # a static pattern projection is read out as is: its width is the pattern size
            if pattern_size is not None and pattern_size != pattern_projection_size:
                raise ValueError(f"a static pattern projection is used unprojected in every "
                                 f"head, so `pattern_size` ({pattern_size}) must equal "
                                 f"`pattern_projection_size` ({pattern_projection_size}).")
            pattern_size = pattern_projection_size
        pattern_projection_size = pattern_projection_size or input_size
        pattern_size = pattern_size or hidden_size
        self.input_size, self.hidden_size, self.pattern_size = input_size, hidden_size, pattern_size
        self.stored_pattern_size = stored_pattern_size
        self.pattern_projection_size = pattern_projection_size

        def linear(n_in, n_out, what, draw=False):
            if n_in is None or n_out is None:
                raise ValueError(f"the {what} needs its input size and `hidden_size` / "
                                 f"`pattern_size`.")
            if draw:   # torch's own init, which hflayers' output projection also draws
                return nn.Linear(n_in, n_out, bias=use_bias, **fk)
            device = fk["device"] if fk["device"] is not None else torch.empty(()).device
            return nn.utils.skip_init(nn.Linear, n_in, n_out, bias=use_bias, device=device,
                                      dtype=fk["dtype"])

        hid = None if hidden_size is None else h * hidden_size
        pat = None if pattern_size is None else h * pattern_size
        self.k_proj = None if self.static[0] else linear(stored_pattern_size, hid,
                                                         "stored pattern projection")
        self.q_proj = None if self.static[1] else linear(input_size, hid,
                                                         "state pattern projection")
        v_in = hid if self.connected else pattern_projection_size
        self.v_proj = None if self.static[2] else linear(v_in, pat, "pattern projection")
        if disable_out_projection:
            self.out_proj = None
        else:
            self.out_proj = linear(pat, output_size or input_size, "output projection",
                                   draw=True)
        self.output_size = (output_size or input_size) if self.out_proj is not None else None

        def norm(flag, size, affine, eps, what):
            if not flag:
                return None
            if size is None:
                raise ValueError(f"normalising the {what} needs its size; pass the sizes or turn "
                                 f"the normalize_* flag off.")
            return nn.LayerNorm(size, eps=float(eps), elementwise_affine=bool(affine), **fk)

        self.norm_stored = norm(normalize_stored_pattern, stored_pattern_size,
                                normalize_stored_pattern_affine, normalize_stored_pattern_eps,
                                "stored patterns")
        self.norm_state = norm(normalize_state_pattern, input_size,
                               normalize_state_pattern_affine, normalize_state_pattern_eps,
                               "state patterns")
        self.norm_projection = norm(normalize_pattern_projection, pattern_projection_size,
                                    normalize_pattern_projection_affine,
                                    normalize_pattern_projection_eps, "pattern projections")
        self.norm_hopfield = norm(normalize_hopfield_space, hidden_size,
                                  normalize_hopfield_space_affine, normalize_hopfield_space_eps,
                                  "Hopfield space")
        self.bias_k = self.bias_v = None
        if concat_bias_pattern:
            if self.static[0] or self.static[2]:
                raise ValueError("`concat_bias_pattern` appends a learned stored pattern and "
                                 "pattern projection; neither may be static.")
            self.bias_k = nn.Parameter(torch.empty(1, 1, hid, **fk))
            self.bias_v = nn.Parameter(torch.empty(1, 1, pat, **fk))
        # hflayers draws the input projections as one fused (rows, input_size) matrix when every
        # input has input_size features (its `in_proj_weight`), else one matrix each
        self._fused_init = (stored_pattern_size == input_size
                            and pattern_projection_size == input_size
                            and given_pattern_size is None and not self.connected)
        self._init_scaling(scaling, scaling_learnable, fk)
        # hflayers initialises its core twice (HopfieldCore.__init__, then Hopfield.__init__),
        # after torch's own init of the output projection: the same draws in the same order give
        # a seeded hflayers script the same weights and the same random stream afterwards
        self.reset_parameters()
        self.reset_parameters()

    @staticmethod
    def _check_eps(eps):
        if eps is None:
            return None
        if isinstance(eps, torch.Tensor):
            if eps.ndim == 0:
                eps = float(eps)
            else:
                raise TypeError("a per-head `update_steps_eps` is not supported: rows are frozen "
                                "one by one on their own move; pass one float.")
        check_scalar(eps, "update_steps_eps", numbers.Real, min_val=0.0)
        return float(eps)

    def _init_scaling(self, scaling, learnable, fk):
        h = self.num_heads
        if isinstance(scaling, torch.Tensor) and scaling.ndim == 0:
            scaling = float(scaling.detach())
        if scaling is None:
            if self.static_execution:
                values = [1.0] * h
            else:
                values = [1.0 / math.sqrt(self.hidden_size)] * h
        elif isinstance(scaling, numbers.Real) and not isinstance(scaling, bool):
            values = [float(scaling)] * h
        elif isinstance(scaling, Sequence | torch.Tensor):
            if isinstance(scaling, torch.Tensor) and scaling.ndim != 1:
                raise ValueError(f"a tensor `scaling` must be 0-d or hold one β per head, shape "
                                 f"({h},); got shape {tuple(scaling.shape)}.")
            values = [float(v) for v in scaling]
            if len(values) != h:
                raise ValueError(f"`scaling` has {len(values)} values but there are {h} heads.")
        else:
            raise TypeError(f"`scaling` must be None, a float or one float per head; got "
                            f"{type(scaling).__name__}.")
        for v in values:
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"`scaling` (β) must be finite and > 0; got {v}.")
        dtype = fk["dtype"] or torch.get_default_dtype()
        if learnable:
            self.scaling = nn.Parameter(torch.tensor(values, dtype=dtype, device=fk["device"]))
        elif len(set(values)) > 1:
            self.register_buffer("scaling", torch.tensor(values, dtype=dtype, device=fk["device"]))
        else:
            self.scaling = values[0]

    def reset_parameters(self) -> None:
        """Initialise as ``hflayers``: weights and bias patterns from N(0, 0.02²), biases 0,
        LayerNorms to the identity. The random draws are hflayers' (same order, same shapes), so
        under the same seed the weights equal an hflayers layer's of the same dtype."""
        projs = [p for p in (self.q_proj, self.k_proj, self.v_proj) if p is not None]
        if self._fused_init and projs:
            with torch.no_grad():
                w = torch.cat([p.weight for p in projs])
                nn.init.normal_(w, mean=0.0, std=_INIT_STD)
                rows = 0
                for p in projs:
                    p.weight.copy_(w[rows:rows + p.weight.shape[0]])
                    rows += p.weight.shape[0]
        else:
            for p in projs:
                nn.init.normal_(p.weight, mean=0.0, std=_INIT_STD)
        for proj in (*projs, self.out_proj):
            if proj is not None and proj.bias is not None:
                nn.init.zeros_(proj.bias)
        if self.out_proj is not None:
            nn.init.normal_(self.out_proj.weight, mean=0.0, std=_INIT_STD)
        for p in (self.bias_k, self.bias_v):
            if p is not None:
                nn.init.normal_(p, mean=0.0, std=_INIT_STD)
        for norm in (self.norm_stored, self.norm_state, self.norm_projection, self.norm_hopfield):
            if norm is not None:
                norm.reset_parameters()

    # hflayers' read-only views of the configuration
    @property
    def stored_pattern_dim(self) -> int | None:
        return self.stored_pattern_size

    @property
    def state_pattern_dim(self) -> int | None:
        return self.input_size

    @property
    def pattern_projection_dim(self) -> int | None:
        return self.pattern_projection_size

    @property
    def stored_pattern_as_static(self) -> bool:
        return self.static[0]

    @property
    def state_pattern_as_static(self) -> bool:
        return self.static[1]

    @property
    def pattern_projection_as_static(self) -> bool:
        return self.static[2]

    @property
    def normalize_stored_pattern(self) -> bool:
        return self.norm_stored is not None

    @property
    def normalize_stored_pattern_affine(self) -> bool:
        return self.norm_stored is not None and self.norm_stored.elementwise_affine

    @property
    def normalize_state_pattern(self) -> bool:
        return self.norm_state is not None

    @property
    def normalize_state_pattern_affine(self) -> bool:
        return self.norm_state is not None and self.norm_state.elementwise_affine

    @property
    def normalize_pattern_projection(self) -> bool:
        return self.norm_projection is not None

    @property
    def normalize_pattern_projection_affine(self) -> bool:
        return self.norm_projection is not None and self.norm_projection.elementwise_affine

    @property
    def normalize_hopfield_space(self) -> bool:
        return self.norm_hopfield is not None

    @property
    def normalize_hopfield_space_affine(self) -> bool:
        return self.norm_hopfield is not None and self.norm_hopfield.elementwise_affine

    def extra_repr(self) -> str:
        beta = self.scaling if isinstance(self.scaling, float) else tuple(
            round(float(v), 6) for v in self.scaling.detach())
        static = [n for n, s in zip(("stored", "state", "projection"), self.static, strict=True)
                  if s]
        parts = [f"input_size={self.input_size}", f"hidden_size={self.hidden_size}",
                 f"pattern_size={self.pattern_size}", f"output_size={self.output_size}",
                 f"num_heads={self.num_heads}", f"scaling={beta}",
                 f"update_steps_max={self.update_steps_max}",
                 f"update_steps_eps={self.update_steps_eps}"]
        if static:
            parts.append(f"static={'+'.join(static)}")
        for flag in ("connected", "add_zero_association"):
            if getattr(self, flag):
                parts.append(f"{flag}=True")
        if self.bias_k is not None:
            parts.append("concat_bias_pattern=True")
        if self.association_activation:
            parts.append(f"association_activation={self.association_activation!r}")
        if self.dropout:
            parts.append(f"dropout={self.dropout}")
        if not self.batch_first:
            parts.append("batch_first=False")
        return ", ".join(parts)

    # ------------------------------------------------------------------ helpers
    @classmethod
    def retrieval(cls, beta: float = 1.0, *, steps: int = 1,
                  update_steps_eps: float | None = 1e-4, **kwargs) -> Hopfield:
        """Plain store-and-retrieve layer: no projections, one head, β = ``beta``.

        ``layer(stored, query)`` returns :math:`X^\\top\\mathrm{softmax}(\\beta X\\xi)` iterated
        ``steps`` times, exactly :meth:`hopfield.ModernHopfieldNetwork.retrieve` with ``steps``.
        """
        check_budget(steps, "steps")
        if not isinstance(beta, torch.Tensor | list | tuple):
            check_scalar(beta, "beta", numbers.Real, min_val=0.0, include_min=False)
        return cls(projections=False, scaling=beta, update_steps_max=int(steps) - 1,
                   update_steps_eps=update_steps_eps, **kwargs)

    def _beta(self):
        return self.scaling

    def _steps(self):
        """``update_steps_max`` as the functional core's total number of associations."""
        t = self.update_steps_max
        if t is None:
            return None
        if isinstance(t, torch.Tensor):
            return torch.where(t < 0, torch.zeros_like(t), t + 1)
        return t + 1

    @staticmethod
    def _check_width(x, proj, norm, name):
        want = proj.in_features if proj is not None else None
        if want is None and norm is not None:
            want = norm.normalized_shape[0]
        if want is not None and x.shape[-1] != want:
            raise ValueError(f"`{name}` has {x.shape[-1]} features but the layer expects {want}; "
                             f"check input_size / stored_pattern_size / pattern_projection_size.")

    def _heads(self, x, proj, norm, name, static_size):
        """(B, L, D) -> (B, H, L, d): norm and projection, or a static input repeated per head."""
        self._check_width(x, proj, norm, name)
        if norm is not None:
            x = norm(x)
        b, n, _ = x.shape
        h = self.num_heads
        if proj is None:
            if static_size is not None and x.shape[-1] != static_size:
                raise ValueError(f"the static `{name}` has {x.shape[-1]} features; it is used "
                                 f"as is in every head, so it needs {static_size} (the "
                                 f"{'pattern' if name == 'projection' else 'hidden'} size).")
            return x.unsqueeze(1).expand(b, h, n, x.shape[-1])
        x = proj(x)
        return x.reshape(b, n, h, x.shape[-1] // h).transpose(1, 2)

    def _inputs(self, input, state, projection):
        if isinstance(input, tuple | list):
            if state is not None or projection is not None or len(input) not in (2, 3):
                raise ValueError("pass (stored, state[, projection]) either as one tuple or as "
                                 "separate arguments.")
            input, state, *rest = input
            projection = rest[0] if rest else None
        stored = input
        state = stored if state is None else state
        projection = stored if projection is None else projection
        tensors = [_check_operand(t, name) for t, name in
                   ((stored, "stored"), (state, "state"), (projection, "projection"))]
        ref = next(iter(self.parameters()), None)
        for t, name in zip(tensors, ("stored", "state", "projection"), strict=True):
            want = ref.dtype if ref is not None else tensors[0].dtype
            if t.dtype != want:
                whose = "the layer's parameters are" if ref is not None else "`stored` is"
                raise TypeError(f"`{name}` has dtype {t.dtype} but {whose} {want}; cast the "
                                f"input (or the layer, `layer.to({t.dtype})`).")
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
        return stored, state, projection, unbatched

    def _hflayers_routing(self, stored, state, projection):
        """hflayers' choice of projection inputs, which decides what the input LayerNorms learn.

        With one weight layout for all inputs, hflayers projects the *normalised state* as stored
        pattern and projection too when the three normalised inputs are equal (``torch.equal``),
        and the normalised stored patterns as projection when those two are equal: e.g.
        ``layer(x)`` while its LayerNorms are equal (at initialisation), or a lookup layer
        whose stored patterns are its projections. The values are the same either way, but the
        LayerNorm that is not read gets no gradient (``grad`` stays None, so an optimiser leaves
        it alone, weight decay included). The same choice is made here when the same tensor is
        passed and its LayerNorms are equal (a host read of their small parameters, only while
        gradients are recorded), so training from hflayers' initialisation follows hflayers'
        updates (not under ``torch.jit.trace``). Returns the (stored, state, projection) to
        project and whether they are already normalised.
        """
        if not (self._fused_init and not any(self.static) and torch.is_grad_enabled()
                and not torch.jit.is_tracing()):   # a trace records one fixed graph
            return stored, state, projection, False
        nk, nq, nv = self.norm_stored, self.norm_state, self.norm_projection
        kv = stored is projection and _same_norm(nk, nv)
        if kv and state is stored and _same_norm(nq, nk):
            for proj, norm, name in ((self.k_proj, nk, "stored"), (self.q_proj, nq, "state"),
                                     (self.v_proj, nv, "projection")):
                self._check_width(state, proj, norm, name)
            x = state if nq is None else nq(state)
            return x, x, x, True
        if kv:
            self._check_width(stored, self.k_proj, nk, "stored")
            self._check_width(stored, self.v_proj, nv, "projection")
            self._check_width(state, self.q_proj, nq, "state")
            x = stored if nk is None else nk(stored)
            return x, (state if nq is None else nq(state)), x, True
        return stored, state, projection, False

    def _project(self, stored, state, projection):
        """Hopfield-space queries, keys and values (B, H, ·, ·), with appended bias/zero rows."""
        hidden = self.hidden_size
        if self.static_execution and hidden is None:
            hidden = state.shape[-1]            # a layer without projections takes the input's
        stored, state, projection, normed = self._hflayers_routing(stored, state, projection)
        norm_k, norm_q, norm_v = ((None, None, None) if normed else
                                  (self.norm_stored, self.norm_state, self.norm_projection))
        k = self._heads(stored, self.k_proj, norm_k, "stored", hidden)
        q = self._heads(state, self.q_proj, norm_q, "state", hidden)
        if self.connected:
            pj = projection if self.norm_projection is None else self.norm_projection(projection)
            pj = self.k_proj(pj)
            v = pj if self.v_proj is None else self.v_proj(pj)
            b, n, _ = v.shape
            v = v.reshape(b, n, self.num_heads, -1).transpose(1, 2)
        else:
            size = self.pattern_size if not self.static_execution else None
            v = self._heads(projection, self.v_proj, norm_v, "projection", size)
        if q.shape[-1] != k.shape[-1]:
            raise ValueError(f"state and stored patterns have different Hopfield-space sizes per "
                             f"head ({q.shape[-1]} vs {k.shape[-1]}); check the static flags and "
                             f"sizes.")
        if self.norm_hopfield is not None:
            q, k = self.norm_hopfield(q), self.norm_hopfield(k)
        b, h = k.shape[0], k.shape[1]
        extra = []
        if self.bias_k is not None:
            extra.append((self.bias_k.reshape(1, h, 1, -1).expand(b, h, 1, k.shape[-1]),
                          self.bias_v.reshape(1, h, 1, -1).expand(b, h, 1, v.shape[-1])))
        if self.add_zero_association:
            extra.append((k.new_zeros(b, h, 1, k.shape[-1]), v.new_zeros(b, h, 1, v.shape[-1])))
        if extra:
            k = torch.cat([k, *(e[0] for e in extra)], dim=2)
            v = torch.cat([v, *(e[1] for e in extra)], dim=2)
        return q, k, v, len(extra)

    def _bias(self, q, n_stored, n_extra, stored_pattern_padding_mask, association_mask):
        masks = []
        for m in (stored_pattern_padding_mask, association_mask):
            if m is not None and m.dtype == torch.uint8:
                m = m.to(torch.bool)            # hflayers' (deprecated) byte masks
            masks.append(m)
        bias = association_bias(*masks, batch=q.shape[0], heads=q.shape[1],
                                n_queries=q.shape[2], n_keys=n_stored, dtype=q.dtype,
                                device=q.device)
        if bias is not None and n_extra:
            bias = nn.functional.pad(bias, (0, n_extra))    # appended rows are never masked
        return bias

    def _run(self, input, state, projection, stored_pattern_padding_mask, association_mask,
             need_association):
        stored, state, projection, unbatched = self._inputs(input, state, projection)
        q, k, v, n_extra = self._project(stored, state, projection)
        bias = self._bias(q, stored.shape[1], n_extra, stored_pattern_padding_mask,
                          association_mask)
        out, assoc, _ = hopfield_retrieval(
            q, k, v, self._beta(), steps=self._steps(), tol=self.update_steps_eps,
            check_every=self.update_steps_check_every, bias=bias, dropout=self.dropout,
            training=self.training, need_association=need_association, use_sdpa=self.use_sdpa)
        return out, assoc, v, unbatched

    # ------------------------------------------------------------------ forward
    def forward(self, input, state=None, projection=None, *, stored_pattern_padding_mask=None,
                association_mask=None, return_association: bool = False):
        """Associate ``state`` with the stored patterns and read out ``projection``.

        Parameters
        ----------
        input : tensor (batch, S, stored_pattern_size), or a tuple (stored, state[, projection])
            The stored patterns; alone, also the state and the projection (self-association).
        state : tensor (batch, L, input_size), optional
            Defaults to the stored patterns.
        projection : tensor (batch, S, pattern_projection_size), optional
            Defaults to the stored patterns.
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
        out, assoc, _, unbatched = self._run(input, state, projection,
                                             stored_pattern_padding_mask, association_mask,
                                             return_association)
        b, h, n, dv = out.shape
        # laid out (length, batch, features) in memory, as hflayers: a batch-first output is a
        # transposed view, so a dropout applied to it draws the same mask as after hflayers
        out = out.permute(2, 0, 1, 3).reshape(n, b, h * dv)
        if self.out_proj is not None:
            out = self.out_proj(out)
        if self._activation is not None:
            out = self._activation(out)
        if unbatched:
            out = out[:, 0]
            assoc = None if assoc is None else assoc[0]
        elif self.batch_first:
            out = out.transpose(0, 1)
        return (out, assoc) if return_association else out

    def get_association_matrix(self, input, state=None, projection=None, *,
                               stored_pattern_padding_mask=None, association_mask=None):
        """Association matrix (batch, heads, L, S) of the last update (no gradient), as hflayers."""
        with torch.no_grad():
            _, assoc, _, unbatched = self._run(input, state, projection,
                                               stored_pattern_padding_mask, association_mask,
                                               True)
        return assoc[0] if unbatched else assoc

    def get_projected_pattern_matrix(self, input, state=None, projection=None, *,
                                     stored_pattern_padding_mask=None, association_mask=None):
        """Projected pattern projections (values) (batch, heads, S, pattern_size), no gradient."""
        with torch.no_grad():
            stored, state, projection, unbatched = self._inputs(input, state, projection)
            _, _, v, _ = self._project(stored, state, projection)
        return v[0] if unbatched else v

    def energy(self, input, state=None, *, stored_pattern_padding_mask=None,
               association_mask=None, steps: int | None = None):
        r"""Ramsauer energy in Hopfield space along the layer's updates.

        Returns a tensor of shape ``(steps + 1, batch, heads, L)`` (``(steps + 1, heads, L)``
        unbatched): the energy (eq. 2, per head, over the unmasked stored patterns) of the
        projected state and after each update :math:`\xi \leftarrow K^\top\mathrm{softmax}(\beta
        K\xi)`. ``steps`` (≥ 0) defaults to ``update_steps_max``. Each update never raises it
        (CCCP). Appended bias / zero patterns count as stored patterns.
        """
        if steps is None:
            if not isinstance(self.update_steps_max, int):
                raise ValueError("pass `steps`: the layer's `update_steps_max` is not one fixed "
                                 "number.")
            steps = self.update_steps_max
        check_budget(steps, "steps", min_val=0)
        stored, state, projection, unbatched = self._inputs(input, state, None)
        q, k, _, n_extra = self._project(stored, state, projection)
        bias = self._bias(q, stored.shape[1], n_extra, stored_pattern_padding_mask,
                          association_mask)
        beta = self._beta()
        energies = [hopfield_energy(q, k, beta, bias=bias)]
        xi = q
        for _ in range(int(steps)):
            xi = hopfield_retrieval(xi, k, k, beta, steps=1, bias=bias, use_sdpa=self.use_sdpa)[0]
            energies.append(hopfield_energy(xi, k, beta, bias=bias))
        out = torch.stack(energies)
        return out[:, 0] if unbatched else out


def _same_norm(a, b) -> bool:
    """Whether two optional LayerNorms compute the same function (equal parameters)."""
    if a is None or b is None:
        return a is b
    if (a.normalized_shape != b.normalized_shape or a.eps != b.eps
            or a.elementwise_affine != b.elementwise_affine):
        return False
    return all((p is None and q is None) or (p is not None and q is not None and torch.equal(p, q))
               for p, q in ((a.weight, b.weight), (a.bias, b.bias)))


def _patterns(quantity, size, batch_first, trainable, fk, name="trainable"):
    shape = (1, quantity, size) if batch_first else (quantity, 1, size)
    return nn.Parameter(torch.empty(shape, **fk), requires_grad=check_bool(trainable, name))


def _check_operand(t, name: str, ndims=(2, 3)):
    """A floating, non-empty tensor of rank 2 or 3 (no host synchronisation)."""
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor; got {type(t).__name__}.")
    if not torch.is_floating_point(t):
        raise TypeError(f"`{name}` must be floating point; got {t.dtype}.")
    if t.ndim not in ndims:
        raise ValueError(f"`{name}` must be 2-D (length, features) or 3-D (batch, length, "
                         f"features); got shape {tuple(t.shape)}.")
    if t.numel() == 0:
        raise ValueError(f"`{name}` is empty (shape {tuple(t.shape)}); at least one pattern "
                         "with at least one feature is needed.")
    return t


def _check_input(t, hopfield, ndims) -> None:
    """The set a pooling or lookup layer reads, checked under its own name ``input``."""
    _check_operand(t, "input", ndims)
    size = hopfield.input_size
    if size is not None and t.shape[-1] != size:
        raise ValueError(f"`input` has {t.shape[-1]} features but the layer expects {size} "
                         "(its `input_size`).")


def _expand(p, batch, batch_first):
    """(1, Q, D) / (Q, 1, D) parameters repeated over the batch (a view)."""
    return p.expand(batch, -1, -1) if batch_first else p.expand(-1, batch, -1)


#: Hopfield's flag arguments (annotated ``bool``; ``bias`` may also be None)
_FLAGS = tuple(name for name, p in inspect.signature(Hopfield.__init__).parameters.items()
               if p.annotation in ("bool", "bool | None"))


class HopfieldPooling(nn.Module):
    r"""Pooling by a Hopfield association with learnable state (query) patterns.

    ``quantity`` trainable state patterns :math:`R` (``pooling_weights``, shape ``(1, quantity,
    input_size)``; ``(1, quantity, hidden_size)`` with ``state_pattern_as_static``) retrieve
    from the input set, stored patterns :math:`Y`:
    :math:`z = W_O\,\mathrm{softmax}(\beta\,R W_Q K^\top)\,V`, exactly as ``hflayers``: the
    pooling patterns are normalised and projected like any state pattern. The input set is
    ``(batch, S, input_size)`` (or a tuple (stored, projection)); the output is
    ``(batch, quantity * output_size)``.

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
        self.hopfield = Hopfield(input_size=input_size, hidden_size=hidden_size,
                                 output_size=output_size, pattern_size=pattern_size,
                                 num_heads=num_heads, **kwargs)
        hop = self.hopfield
        size = hop.hidden_size if hop.static[1] else input_size
        fk = {"device": kwargs.get("device"), "dtype": kwargs.get("dtype")}
        self.quantity = int(quantity)
        self.pooling_weights = _patterns(self.quantity, size, hop.batch_first, trainable, fk)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Reset the association (as :class:`Hopfield`) and the pooling patterns (N(0, 0.02²))."""
        self.hopfield.reset_parameters()
        nn.init.normal_(self.pooling_weights, mean=0.0, std=_INIT_STD)

    def extra_repr(self) -> str:
        return f"quantity={self.quantity}, trainable={self.pooling_weights.requires_grad}"

    def _inputs(self, input):
        if isinstance(input, tuple | list):
            if len(input) != 2:
                raise ValueError("pass the set to pool as one tensor or as (stored, projection).")
            stored, projection = input
        else:
            stored = projection = input
        if not isinstance(stored, torch.Tensor) or stored.ndim != 3:
            raise ValueError("`input` must be a 3-D tensor (batch, n_instances, input_size); "
                             f"got {getattr(stored, 'shape', type(stored).__name__)}.")
        _check_input(stored, self.hopfield, (3,))
        first = self.hopfield.batch_first
        state = _expand(self.pooling_weights, stored.shape[0 if first else 1], first)
        return stored, state, projection

    def forward(self, input, stored_pattern_padding_mask=None, association_mask=None, *,
                return_association: bool = False):
        """Pool ``input`` (batch, S, input_size) into (batch, quantity * output_size)."""
        stored, state, projection = self._inputs(input)
        res = self.hopfield(stored, state, projection,
                            stored_pattern_padding_mask=stored_pattern_padding_mask,
                            association_mask=association_mask,
                            return_association=return_association)
        out, assoc = res if return_association else (res, None)
        if not self.hopfield.batch_first:
            out = out.transpose(0, 1)
        out = out.flatten(start_dim=1)
        return (out, assoc) if return_association else out

    def get_association_matrix(self, input, stored_pattern_padding_mask=None,
                               association_mask=None):
        """Association matrix (batch, heads, quantity, S) of the pooling (no gradient)."""
        return self.hopfield.get_association_matrix(
            self._inputs(input), stored_pattern_padding_mask=stored_pattern_padding_mask,
            association_mask=association_mask)

    def get_projected_pattern_matrix(self, input, stored_pattern_padding_mask=None,
                                     association_mask=None):
        """Projected pattern projections (batch, heads, S, pattern_size) (no gradient)."""
        return self.hopfield.get_projected_pattern_matrix(self._inputs(input))


class HopfieldLayer(nn.Module):
    r"""Hopfield lookup layer: the input is the state, the stored patterns are learned.

    ``quantity`` trainable stored patterns :math:`Y` (``lookup_weights``, shape ``(1, quantity,
    stored_pattern_size)``) are looked up by each input row; they are also the pattern
    projections unless ``lookup_weights_as_separated`` adds separate ``target_weights``:
    :math:`z = W_O\,\mathrm{softmax}(\beta\,R W_Q (Y W_K)^\top)\,Y_v W_V`, as ``hflayers``.
    Input ``(batch, L, input_size)``, output ``(batch, L, output_size)``.

    Parameters
    ----------
    input_size : int
    hidden_size, output_size, pattern_size, num_heads
        As :class:`Hopfield`.
    quantity : int, default=1
        Number of stored (lookup) patterns.
    lookup_weights_as_separated : bool, default=False
        Separate pattern projections (``target_weights``) instead of the lookup patterns.
    lookup_targets_as_trainable : bool, default=True
        Whether the separate ``target_weights`` are trained.
    trainable : bool, default=True
        Whether the lookup patterns are trained.
    **kwargs
        Passed to :class:`Hopfield`.
    """

    def __init__(self, input_size: int, hidden_size: int | None = None,
                 output_size: int | None = None, pattern_size: int | None = None,
                 num_heads: int = 1, *, quantity: int = 1,
                 lookup_weights_as_separated: bool = False,
                 lookup_targets_as_trainable: bool = True, trainable: bool = True, **kwargs):
        super().__init__()
        check_scalar(quantity, "quantity", numbers.Integral, min_val=1)
        self.hopfield = Hopfield(input_size=input_size, hidden_size=hidden_size,
                                 output_size=output_size, pattern_size=pattern_size,
                                 num_heads=num_heads, **kwargs)
        hop = self.hopfield
        size = hop.hidden_size if hop.static[0] else hop.stored_pattern_size
        fk = {"device": kwargs.get("device"), "dtype": kwargs.get("dtype")}
        self.quantity = int(quantity)
        self.lookup_weights = _patterns(self.quantity, size, hop.batch_first, trainable, fk)
        check_bool(lookup_targets_as_trainable, "lookup_targets_as_trainable")
        if check_bool(lookup_weights_as_separated, "lookup_weights_as_separated"):
            t_size = kwargs.get("pattern_projection_size") or size
            self.target_weights = _patterns(self.quantity, t_size, hop.batch_first,
                                            lookup_targets_as_trainable, fk,
                                            "lookup_targets_as_trainable")
        else:
            self.register_parameter("target_weights", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Reset the association and the lookup (and target) patterns (N(0, 0.02²))."""
        self.hopfield.reset_parameters()
        nn.init.normal_(self.lookup_weights, mean=0.0, std=_INIT_STD)
        if self.target_weights is not None:
            nn.init.normal_(self.target_weights, mean=0.0, std=_INIT_STD)

    def extra_repr(self) -> str:
        return (f"quantity={self.quantity}, "
                f"lookup_weights_as_separated={self.target_weights is not None}")

    def _inputs(self, input):
        if not isinstance(input, torch.Tensor) or input.ndim not in (2, 3):
            raise ValueError("`input` must be a (batch, L, input_size) or (L, input_size) tensor; "
                             f"got {getattr(input, 'shape', type(input).__name__)}.")
        _check_input(input, self.hopfield, (2, 3))
        first = self.hopfield.batch_first
        if input.ndim == 2:
            def view(p):
                return p[0] if first else p[:, 0]
        else:
            batch = input.shape[0 if first else 1]

            def view(p):
                return _expand(p, batch, first)
        stored = view(self.lookup_weights)
        # without separate targets the projection is the stored tensor itself (as in hflayers)
        return stored, input, stored if self.target_weights is None else view(self.target_weights)

    def forward(self, input, stored_pattern_padding_mask=None, association_mask=None, *,
                return_association: bool = False):
        """Look up ``input`` (batch, L, input_size) in the learned memory."""
        return self.hopfield(self._inputs(input),
                             stored_pattern_padding_mask=stored_pattern_padding_mask,
                             association_mask=association_mask,
                             return_association=return_association)

    def get_association_matrix(self, input, stored_pattern_padding_mask=None,
                               association_mask=None):
        """Association matrix (batch, heads, L, quantity) of the lookup (no gradient)."""
        return self.hopfield.get_association_matrix(
            self._inputs(input), stored_pattern_padding_mask=stored_pattern_padding_mask,
            association_mask=association_mask)

    def get_projected_pattern_matrix(self, input, stored_pattern_padding_mask=None,
                                     association_mask=None):
        """Projected lookup targets (batch, heads, quantity, pattern_size) (no gradient)."""
        return self.hopfield.get_projected_pattern_matrix(self._inputs(input))


#: the association's configuration, readable on the pooling and lookup layers as in hflayers
_DELEGATED = ("batch_first", "scaling", "stored_pattern_dim", "state_pattern_dim",
              "pattern_projection_dim", "input_size", "hidden_size", "output_size",
              "pattern_size", "update_steps_max", "update_steps_eps", "stored_pattern_as_static",
              "state_pattern_as_static", "pattern_projection_as_static",
              "normalize_stored_pattern", "normalize_stored_pattern_affine",
              "normalize_state_pattern", "normalize_state_pattern_affine",
              "normalize_pattern_projection", "normalize_pattern_projection_affine",
              "normalize_hopfield_space", "normalize_hopfield_space_affine")


def _delegate(name: str) -> property:
    return property(lambda self: getattr(self.hopfield, name),
                    doc=f"The association's ``{name}`` (``self.hopfield.{name}``).")


for _cls in (HopfieldPooling, HopfieldLayer):
    for _name in _DELEGATED:
        setattr(_cls, _name, _delegate(_name))
del _cls, _name
