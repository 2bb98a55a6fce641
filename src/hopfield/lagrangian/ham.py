r"""Hierarchical associative memory (HAM): layers of Lagrangian neurons joined by symmetric synapses.

Layers :math:`A=1..N_{\rm layer}` with Lagrangians :math:`L^A`, activations
:math:`g^A=\nabla L^A(x^A)`, time constants :math:`\tau_A` and optional biases :math:`b^A`;
synapses :math:`\xi^{(B,A)}` between pairs of layers whose feedback is the transpose of the
feedforward map (:math:`\xi^{(A,B)}=\xi^{(B,A)\top}`; for a convolution, the transposed
convolution). With the default chain of synapses there are no lateral or skip connections:

.. math::
    \tau_A\frac{dx^A}{dt}=\sum_{B\sim A}\xi^{(A,B)}g^B-x^A+b^A,

.. math::
    E=\sum_A\Big[x^A\cdot g^A-L^A(x^A)-b^A\cdot g^A\Big]-\sum_{(A,B)}g^B\cdot\xi^{(B,A)}g^A,

.. math::
    \frac{dE}{dt}=-\sum_A\tau_A\,\dot x^{A\top}\,\nabla^2L^A\,\dot x^A\le0 .

The dynamics are therefore :math:`\tau_A\dot x^A=-\partial E/\partial g^A` and every layer whose
Lagrangian is convex makes the energy non-increasing; with :math:`E` bounded below the network
flows to a fixed point. Clamped neurons (pattern completion) are held at their initial values;
the descent argument holds for clamping whole layers and any neurons of elementwise layers.

References
----------
Krotov, "Hierarchical associative memory", arXiv 2107.06446 (2021) — Theory reference §10;
Hoover et al., ``hamux`` (``hamux/core.py``: energy of layers plus synapses, activations as
Lagrangian gradients).
"""

from __future__ import annotations

import abc
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from array_api_compat import is_torch_array

from .._validation import check_scalar
from ._common import (
    LeakySystem,
    as_array,
    as_states,
    check_clamp,
    check_run_options,
    check_tau,
    finish_run,
    integrate_system,
    like,
    xp_of,
)
from ._linear_layer import eliminable_layer, run_eliminated
from .general import GeneralNetwork
from .integrate import IntegrationResult, _can_work_in_place
from .lagrangians import AbstractLagrangian, Identity, _activation_into, resolve_lagrangian

__all__ = [
    "HAM",
    "AbstractSynapse",
    "ConvSynapse",
    "DenseSynapse",
    "HAMResult",
    "Layer",
]


def _torch():
    import torch

    return torch


def _check_layout(work, xs):
    """Empty the per-run buffers ``work`` if the states' type, shape, dtype or device changed."""
    ref = xs[0]
    layout = (type(ref), tuple(ref.shape), ref.dtype, getattr(ref, "device", None))
    if work.get("layout") != layout:
        work.clear()
        work["layout"] = layout


#: Widest layer whose torch drive buffer is column-major (see :func:`_drive_buffer`).
_NARROW = 16


def _drive_buffer(g):
    """An uninitialised drive buffer shaped like ``g`` ``(batch, n)``. On torch a narrow layer
    (``n ≤ _NARROW``, e.g. a layer of class labels) gets a column-major buffer: a GEMM into it
    is computed as its transpose, ``ξ·gᵀ`` with ``n`` rows, which CPU BLAS does about twice as
    fast as ``g·ξᵀ`` with ``n`` columns (measured 57 vs 104 µs for 256 × 512 × 10 with MKL;
    equal at ``n = 32``, slower from ``n = 64``)."""
    if not is_torch_array(g):
        return np.empty_like(g)
    if g.ndim == 2 and g.shape[1] <= _NARROW < g.shape[0]:
        return g.new_empty((g.shape[1], g.shape[0])).T
    return g.new_empty(g.shape)


def _product(syn, way, g, key, cache):
    """The synapse product ``syn.forward(g)`` / ``syn.backward(g)``; with a ``key`` (``g`` is a
    held layer's constant activation) computed once per run and kept in ``cache``."""
    if key is None:
        return getattr(syn, way)(g)
    if key not in cache:
        cache[key] = getattr(syn, way)(g)
    return cache[key]


def _add_term(out, syn, way, g, first, key, cache, weights):
    """``out ← product`` (``first``) or ``out ← out + product`` in place (:func:`_product`)."""
    if key is None:
        syn._accumulate_into(out, g, way, first, weights)
    elif first:
        out[...] = _product(syn, way, g, key, cache)
    else:
        out += _product(syn, way, g, key, cache)


@dataclass(frozen=True, eq=False)
class Layer:
    """A layer of neurons: its shape, Lagrangian, time constant and optional bias.

    Layers compare and hash by identity (a layer may hold a trainable bias tensor).

    Parameters
    ----------
    shape : int or tuple of int
        Number of neurons, or ``(channels, height, width)`` for a layer a convolution reads or
        writes. States are always stored flat, ``(batch, prod(shape))`` in C order.
    lagrangian : Lagrangian spec, default="identity"
        Name, instance or function (see :func:`~hopfield.lagrangian.make_lagrangian`).
    tau : float, default=1.0
        Time constant.
    bias : array_like of shape (prod(shape),), optional
        Constant input :math:`b^A` (NumPy, or a torch tensor to train it).
    """

    shape: Any
    lagrangian: Any = "identity"
    tau: float = 1.0
    bias: Any = None

    def __post_init__(self):
        if isinstance(self.shape, numbers.Integral):
            shape = (self.shape,)
        elif isinstance(self.shape, tuple | list):
            shape = tuple(self.shape)
        else:
            raise TypeError(f"`shape` must be a positive int or a tuple of them; got {self.shape!r}.")
        if not shape or any(isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1
                            for s in shape):
            raise ValueError(f"`shape` must be a positive int or a tuple of them; got {self.shape!r}.")
        object.__setattr__(self, "shape", tuple(int(s) for s in shape))
        object.__setattr__(self, "lagrangian", resolve_lagrangian(self.lagrangian, "lagrangian"))
        object.__setattr__(self, "tau", check_tau(self.tau, "tau"))
        if self.bias is not None:
            object.__setattr__(self, "bias", as_array(self.bias, "bias", shape=(self.size,)))

    @property
    def size(self) -> int:
        """Number of neurons."""
        return int(np.prod(self.shape))


class AbstractSynapse(abc.ABC):
    """A linear map :math:`\\xi` from a presynaptic to a postsynaptic layer and its transpose.

    Contract: ``n_pre``, ``n_post`` attributes; ``forward(g_pre) -> (batch, n_post)`` is
    :math:`\\xi g`, ``backward(g_post) -> (batch, n_pre)`` is :math:`\\xi^\\top g` (exact adjoint).
    The synapse energy is :math:`-g_{\\rm post}\\cdot\\xi g_{\\rm pre}`.
    """

    n_pre: int
    n_post: int

    @abc.abstractmethod
    def forward(self, g_pre):
        """:math:`\\xi g_{\\rm pre}`, shape ``(batch, n_post)``."""

    @abc.abstractmethod
    def backward(self, g_post):
        """:math:`\\xi^\\top g_{\\rm post}`, shape ``(batch, n_pre)``."""

    def accumulate(self, acc, g, way):
        """``acc + forward(g)`` (``way="forward"``) or ``acc + backward(g)``; ``acc`` may be None.

        Subclasses may fuse the sum into the product (``DenseSynapse`` uses ``addmm`` on torch)."""
        product = self.forward(g) if way == "forward" else self.backward(g)
        return product if acc is None else acc + product

    def energy(self, g_pre, g_post):
        """:math:`-g_{\\rm post}\\cdot\\xi g_{\\rm pre}` per batch row."""
        xp = xp_of(g_post)
        return -xp.sum(g_post * self.forward(g_pre), axis=-1)

    def _accumulate_into(self, out, g, way, first, weights):
        """``out ← product`` (``first``) or ``out ← out + product`` in place, ``product`` being
        ``forward(g)`` or ``backward(g)``; ``out`` is scratch of the in-place Euler step and
        ``weights`` a per-run dict in which subclasses keep their parameters converted to the
        states' dtype and device."""
        product = self.forward(g) if way == "forward" else self.backward(g)
        if first:
            out[...] = product
        else:
            out += product


class DenseSynapse(AbstractSynapse):
    """Dense synapse with weight matrix ``weight`` of shape ``(n_post, n_pre)``.

    Parameters
    ----------
    weight : array_like, shape (n_post, n_pre)
        NumPy array, or a torch tensor (``requires_grad=True`` to train it).
    """

    def __init__(self, weight):
        self.weight = as_array(weight, "weight", ndim=2)
        self.n_post, self.n_pre = (int(s) for s in self.weight.shape)

    def __repr__(self) -> str:
        return f"DenseSynapse(n_pre={self.n_pre}, n_post={self.n_post})"

    def forward(self, g_pre):
        xp = xp_of(g_pre)
        return g_pre @ xp.matrix_transpose(like(self.weight, g_pre))

    def backward(self, g_post):
        return g_post @ like(self.weight, g_post)

    def accumulate(self, acc, g, way):
        if acc is None or not is_torch_array(g) or g.ndim != 2 or acc.shape != (
                g.shape[0], self.n_post if way == "forward" else self.n_pre):
            return super().accumulate(acc, g, way)
        import torch

        w = like(self.weight, g)
        return torch.addmm(acc, g, w.T if way == "forward" else w)  # acc + g·Wᵀ in one GEMM

    def _oriented(self, way, g, weights):
        """``ξᵀ`` (``way="forward"``) or ``ξ`` in the dtype and device of ``g``, converted once
        per run (kept in ``weights``)."""
        key = (id(self), way)
        w = weights.get(key)
        if w is None:
            w = like(self.weight, g)
            w = weights[key] = w.T if way == "forward" else w
        return w

    def _accumulate_into(self, out, g, way, first, weights):
        w = self._oriented(way, g, weights)
        if is_torch_array(g):
            if first:
                _torch().mm(g, w, out=out)  # no fresh product array: GEMM into the buffer
            else:
                out.addmm_(g, w)  # out + g·w in one GEMM
        elif first and isinstance(g, np.ndarray):
            np.matmul(g, w, out=out)
        elif first:
            out[...] = g @ w
        else:
            out += g @ w


class ConvSynapse(AbstractSynapse):
    r"""2-D convolutional synapse; the feedback is the transposed convolution (its exact adjoint).

    Parameters
    ----------
    kernel : array_like, shape (out_channels, in_channels, kh, kw)
        Cross-correlation kernel (torch's ``conv2d`` convention).
    in_shape : tuple (in_channels, height, width)
        Shape of the presynaptic layer.
    stride : int, default=1
    padding : int, default=0
        Zero padding on each side.

    Notes
    -----
    ``forward`` is ``conv2d`` (torch) or a sliding-window ``einsum`` (NumPy); ``backward`` is
    ``conv_transpose2d`` with the output padding that restores ``in_shape`` (torch) or the
    matching scatter-add (NumPy). ``out_shape`` gives the postsynaptic layer's shape.
    """

    def __init__(self, kernel, in_shape, *, stride=1, padding=0):
        self.kernel = as_array(kernel, "kernel", ndim=4)
        if not isinstance(in_shape, tuple | list) or not all(
                isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in in_shape):
            raise TypeError(f"`in_shape` must be a tuple of ints (in_channels, height, width); "
                            f"got {in_shape!r}.")
        in_shape = tuple(int(s) for s in in_shape)
        if len(in_shape) != 3:
            raise ValueError(f"`in_shape` must be (channels, height, width); got {in_shape}.")
        c_out, c_in, kh, kw = (int(s) for s in self.kernel.shape)
        if in_shape[0] != c_in:
            raise ValueError(
                f"`kernel` expects {c_in} input channels but `in_shape` has {in_shape[0]}."
            )
        self.stride = int(check_scalar(stride, "stride", numbers.Integral, min_val=1))
        self.padding = int(check_scalar(padding, "padding", numbers.Integral, min_val=0))
        ho = (in_shape[1] + 2 * self.padding - kh) // self.stride + 1
        wo = (in_shape[2] + 2 * self.padding - kw) // self.stride + 1
        if ho < 1 or wo < 1:
            raise ValueError(f"kernel {kh}×{kw} does not fit the padded input {in_shape[1:]}.")
        self.in_shape, self.out_shape = in_shape, (c_out, ho, wo)
        self.n_pre, self.n_post = int(np.prod(in_shape)), int(np.prod(self.out_shape))

    def __repr__(self) -> str:
        return f"ConvSynapse(in_shape={self.in_shape}, out_shape={self.out_shape})"

    def forward(self, g_pre):
        b = g_pre.shape[0]
        x = g_pre.reshape((b, *self.in_shape))
        k = like(self.kernel, g_pre)
        if is_torch_array(g_pre):
            import torch.nn.functional as F

            y = F.conv2d(x, k, stride=self.stride, padding=self.padding)
        else:
            p, s = self.padding, self.stride
            xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
            win = np.lib.stride_tricks.sliding_window_view(xpad, k.shape[2:], axis=(2, 3))
            win = win[:, :, ::s, ::s][:, :, : self.out_shape[1], : self.out_shape[2]]
            y = np.einsum("bchwij,ocij->bohw", win, k, optimize=True)
        return y.reshape((b, self.n_post))

    def backward(self, g_post):
        b = g_post.shape[0]
        y = g_post.reshape((b, *self.out_shape))
        k = like(self.kernel, g_post)
        _, h, w = self.in_shape
        p, s = self.padding, self.stride
        kh, kw = int(k.shape[2]), int(k.shape[3])
        ho, wo = self.out_shape[1:]
        if is_torch_array(g_post):
            import torch.nn.functional as F

            op = (h + 2 * p - ((ho - 1) * s + kh), w + 2 * p - ((wo - 1) * s + kw))
            x = F.conv_transpose2d(y, k, stride=s, padding=p, output_padding=op)
        else:
            xpad = np.zeros((b, self.in_shape[0], h + 2 * p, w + 2 * p), dtype=np.result_type(y, k))
            for i in range(kh):
                for j in range(kw):
                    xpad[:, :, i : i + s * ho : s, j : j + s * wo : s] += np.einsum(
                        "bohw,oc->bchw", y, k[:, :, i, j], optimize=True
                    )
            x = xpad[:, :, p : p + h, p : p + w]
        return x.reshape((b, self.n_pre))


#: The result of :meth:`HAM.run`: the same class as every other ``run`` method returns.
HAMResult = IntegrationResult


class HAM:
    r"""Hierarchical associative memory: layers with Lagrangians, symmetric synapses, an energy.

    Parameters
    ----------
    layers : sequence of Layer
        The layers, in order.
    synapses : sequence of AbstractSynapse
        Synapses; with ``edges=None`` synapse ``k`` joins layer ``k`` (pre) to layer ``k + 1``
        (post), so ``len(synapses) == len(layers) - 1`` (the layered HAM of Theory reference §10).
    edges : sequence of (int, int), optional
        ``(pre, post)`` layer indices of each synapse, for other graphs (no self-loops).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ham = HAM([Layer(4, "identity"), Layer(3, "softmax", tau=0.1)],
    ...           [DenseSynapse(rng.normal(size=(3, 4)))])
    >>> result = ham.run([rng.normal(size=(2, 4)), np.zeros((2, 3))], dt=0.01, max_steps=50)
    >>> bool(np.all(np.diff(result.energy, axis=0) <= 1e-12))
    True

    References
    ----------
    Krotov (2021) — Theory reference §10.
    """

    def __init__(self, layers: Sequence[Layer], synapses: Sequence[AbstractSynapse], *,
                 edges: Sequence[tuple[int, int]] | None = None):
        layers, synapses = list(layers), list(synapses)
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise TypeError("`layers` must be a non-empty sequence of hf.lagrangian.Layer.")
        if not all(isinstance(s, AbstractSynapse) for s in synapses):
            raise TypeError("`synapses` must be a sequence of AbstractSynapse "
                            "(DenseSynapse, ConvSynapse).")
        if edges is None:
            if len(synapses) != len(layers) - 1:
                raise ValueError(
                    f"a layered HAM with {len(layers)} layers needs {len(layers) - 1} synapses "
                    f"(got {len(synapses)}); pass `edges` for another graph."
                )
            edges = [(k, k + 1) for k in range(len(synapses))]
        edges = [tuple(int(i) for i in e) for e in edges]
        if len(edges) != len(synapses):
            raise ValueError(f"`edges` has {len(edges)} entries for {len(synapses)} synapses.")
        for k, ((pre, post), syn) in enumerate(zip(edges, synapses, strict=True)):
            if not (0 <= pre < len(layers) and 0 <= post < len(layers)) or pre == post:
                raise ValueError(f"edge {k} = {(pre, post)} must join two different existing layers.")
            if syn.n_pre != layers[pre].size or syn.n_post != layers[post].size:
                raise ValueError(
                    f"synapse {k} maps {syn.n_pre} -> {syn.n_post} neurons but layers {pre} -> {post} "
                    f"have {layers[pre].size} -> {layers[post].size}."
                )
        self.layers, self.synapses, self.edges = layers, synapses, edges

    @property
    def n_layers(self) -> int:
        """Number of layers."""
        return len(self.layers)

    # ---- checks at the public edge -------------------------------------------------------
    def _check_states(self, xs, name="states"):
        if not isinstance(xs, list | tuple) or len(xs) != self.n_layers:
            raise ValueError(f"`{name}` must be a list of {self.n_layers} arrays, one per layer.")
        out, singles = [], set()
        for a, (x, layer) in enumerate(zip(xs, self.layers, strict=True)):
            arr, single = as_states(x, layer.size, f"{name}[{a}]")
            out.append(arr)
            singles.add(single)
        if len(singles) > 1 or len({int(x.shape[0]) for x in out}) > 1:
            raise ValueError(f"every array in `{name}` needs the same batch size.")
        ref = out[0]
        return [like(x, ref) for x in out], singles.pop()

    def _check_clamp(self, clamp, xs):
        return check_clamp(clamp, [layer.size for layer in self.layers], xs)

    # ---- the maths (clean input) -----------------------------------------------------------
    def _activations(self, xs):
        return [layer.lagrangian.activation(x) for layer, x in zip(self.layers, xs, strict=True)]

    def _interaction(self, gs):
        xp = xp_of(gs[0])
        e = 0.0
        for (pre, post), syn in zip(self.edges, self.synapses, strict=True):
            e = e + syn.energy(gs[pre], gs[post])
        for layer, g in zip(self.layers, gs, strict=True):
            if layer.bias is not None:
                e = e - xp.sum(like(layer.bias, g) * g, axis=-1)
        return e

    def _energy(self, xs):
        """One activation pass: the Legendre energies come with the activations."""
        pairs = [layer.lagrangian.energy_and_activation(x)
                 for layer, x in zip(self.layers, xs, strict=True)]
        e = self._interaction([g for _, g in pairs])
        for e_layer, _ in pairs:
            e = e + e_layer
        return e

    def _drives(self, gs, cache=None):
        r"""Drives :math:`\sum_{B\sim A}\xi^{(A,B)}g^B+b^A`; products of constant layers come
        from ``cache`` (``{"const": layers, (k, "forward"|"backward"): product}``) when given."""
        drives = [None] * self.n_layers
        for a, layer in enumerate(self.layers):
            if layer.bias is not None:
                drives[a] = like(layer.bias, gs[a])
        const = cache["const"] if cache is not None else ()
        for k, ((pre, post), syn) in enumerate(zip(self.edges, self.synapses, strict=True)):
            for into, src, way in ((post, pre, "forward"), (pre, post, "backward")):
                if src in const:  # a held layer's product is the same at every step
                    if (k, way) not in cache:
                        cache[(k, way)] = getattr(syn, way)(gs[src])
                    drives[into] = (cache[(k, way)] if drives[into] is None
                                    else drives[into] + cache[(k, way)])
                else:
                    drives[into] = syn.accumulate(drives[into], gs[src], way)
        return [gs[a] * 0.0 if d is None else d for a, d in enumerate(drives)]

    def _drives_into(self, gs, cache, work):
        r"""The drives of :meth:`_drives`, written into the buffers of ``work`` (one
        ``(batch, n_A)`` array per layer, made at the first step), with each synapse product
        accumulated in place (``addmm`` on torch): no array is allocated per step. The buffers
        are overwritten by the next call."""
        plan = work.get("plan")
        if plan is None:  # the order of the terms, once per run
            const = cache["const"] if cache is not None else ()
            outs = [_drive_buffer(g) for g in gs]
            fresh = [True] * self.n_layers  # the next term into the layer overwrites its buffer
            biases = []
            for a, layer in enumerate(self.layers):
                if layer.bias is not None:
                    biases.append((outs[a], like(layer.bias, gs[a])))
                    fresh[a] = False
            terms = []
            for k, ((pre, post), syn) in enumerate(zip(self.edges, self.synapses, strict=True)):
                for into, src, way in ((post, pre, "forward"), (pre, post, "backward")):
                    key = (k, way) if src in const else None  # a held layer: same product always
                    terms.append((outs[into], src, syn, way, fresh[into], key))
                    fresh[into] = False
            zeros = [outs[a] for a in range(self.n_layers) if fresh[a]]  # no synapse, no bias
            plan = work["plan"] = (outs, biases, terms, zeros, work.setdefault("weights", {}))
        outs, biases, terms, zeros, weights = plan
        for out, b in biases:
            out[...] = b
        for out, src, syn, way, first, key in terms:
            _add_term(out, syn, way, gs[src], first, key, cache, weights)
        for out in zeros:
            out[...] = 0.0
        return outs

    def _drives_and_energy(self, xs, want_energy, cache=None, work=None):
        r"""Drives of every layer and, if asked, the energy from the same activations:
        :math:`E=\sum_A E_A(x^A)-\tfrac12\sum_Ag^A\cdot(d^A+b^A)` (each synapse product appears
        in two drives, the bias once). With a ``cache`` the activations (and Legendre energies)
        of held layers are computed once. With ``work`` (a per-run dict; in-place Euler steps
        only) the activations and drives go into its buffers (:meth:`_drives_into`) and the
        returned drives are scratch that the caller may overwrite."""
        const = cache["const"] if cache is not None else ()
        if work is not None:
            _check_layout(work, xs)
        pairs = []
        for a, (layer, x) in enumerate(zip(self.layers, xs, strict=True)):
            key = ("g", a, want_energy)
            if a in const and key in cache:
                pairs.append(cache[key])
                continue
            if want_energy:
                pair = layer.lagrangian.energy_and_activation(x)
            elif work is not None and a not in const:
                buffers = work.setdefault("g", {})
                if a not in buffers:
                    buffers[a] = x.new_empty(x.shape) if is_torch_array(x) else np.empty_like(x)
                pair = (None, _activation_into(layer.lagrangian, x, buffers[a]))
            else:
                pair = (None, layer.lagrangian.activation(x))
            if a in const:
                cache[key] = pair
            pairs.append(pair)
        gs = [g for _, g in pairs]
        ds = self._drives(gs, cache) if work is None else self._drives_into(gs, cache, work)
        if not want_energy:
            return ds, None
        xp = xp_of(xs[0])
        e = 0.0
        for (e_layer, g), d, layer in zip(pairs, ds, self.layers, strict=True):
            dd = d if layer.bias is None else d + like(layer.bias, g)
            e = e + e_layer - 0.5 * xp.sum(g * dd, axis=-1)
        return ds, e

    def _fused_plan(self, xs, masks, const):
        """The order and form of the layer updates of :meth:`_fused_step`, or None where it
        does not apply (NumPy, clamping masks, or two identity layers joined to each other)."""
        if not all(is_torch_array(x) and x.ndim == 2 for x in xs):
            return None
        if masks is not None and any(m is not None and not isinstance(m, float) for m in masks):
            return None
        free = [a for a in range(self.n_layers) if a not in const]
        terms = {a: [] for a in free}
        for k, ((pre, post), syn) in enumerate(zip(self.edges, self.synapses, strict=True)):
            for into, src, way in ((post, pre, "forward"), (pre, post, "backward")):
                if into in terms:
                    terms[into].append((src, syn, way, (k, way) if src in const else None))
        # an identity layer's activation is its state: every layer reading it is updated first
        alias = {a for a in free if type(self.layers[a].lagrangian) is Identity}
        readers = {a: {into for into in free for src, *_ in terms[into] if src == a}
                   for a in alias}
        order, left = [], list(free)
        while left:
            ready = [a for a in left if a not in alias or readers[a] <= set(order)]
            if not ready:
                return None  # identity layers reading each other: the plain step
            order.append(ready[0])
            left.remove(ready[0])
        plan = []
        for a in order:
            x, bias = xs[a], self.layers[a].bias
            narrow = x.shape[1] <= _NARROW < x.shape[0]  # drive GEMM'd transposed, then lerp
            plan.append((a, self.layers[a].tau, terms[a],
                         None if bias is None else like(bias, x),
                         _drive_buffer(x) if narrow else None))
        return plan

    def _fused_step(self, xs, h, masks, cache, work):
        r"""One Euler step :math:`x^A\leftarrow(1-c_A)x^A+c_A(\sum_B\xi g^B+b^A)`,
        :math:`c_A=h/\tau_A`, with the update folded into the GEMMs (BLAS's
        :math:`C\leftarrow\beta C+\alpha AB`: ``x.addmm_(g, w, beta=1-c, alpha=c)``), so no drive
        array is formed and no separate pass updates the state. Every activation is taken
        before any state moves (identity layers, whose activation is the state, are updated
        after the layers that read them). Returns False, having done nothing, where the plan
        does not apply (:meth:`_fused_plan`)."""
        const = cache["const"] if cache is not None else ()
        _check_layout(work, xs)
        plan = work.get("fused")
        if plan is None:
            plan = work["fused"] = self._fused_plan(xs, masks, const) or False
        if plan is False:
            return False
        gs = list(xs)
        buffers = work.setdefault("g", {})
        for a, (layer, x) in enumerate(zip(self.layers, xs, strict=True)):
            if a in const:
                key = ("g", a, False)
                if key not in cache:
                    cache[key] = (None, layer.lagrangian.activation(x))
                gs[a] = cache[key][1]
                continue
            if a not in buffers:
                buffers[a] = x.new_empty(x.shape)
            gs[a] = _activation_into(layer.lagrangian, x, buffers[a])
        weights = work.setdefault("weights", {})
        for a, tau, terms, bias, narrow in plan:
            x, c = xs[a], h / tau
            if narrow is not None:  # the drive into its buffer, then x ← x + c (d − x)
                first = bias is None
                if not first:
                    narrow[...] = bias
                for src, syn, way, key in terms:
                    _add_term(narrow, syn, way, gs[src], first, key, cache, weights)
                    first = False
                if first:
                    narrow[...] = 0.0
                x.lerp_(narrow, c)
                continue
            scaled = False  # x holds (1 − c) x once the first term is in
            for src, syn, way, key in terms:
                if key is None and isinstance(syn, DenseSynapse):
                    w = syn._oriented(way, gs[src], weights)
                    x.addmm_(gs[src], w, beta=1.0 if scaled else 1.0 - c, alpha=c)
                else:
                    product = _product(syn, way, gs[src], key, cache)
                    if not scaled:
                        x.mul_(1.0 - c)
                    x.add_(product, alpha=c)
                scaled = True
            if not scaled:
                x.mul_(1.0 - c)
            if bias is not None:
                x.add_(bias, alpha=c)
        return True

    def _system(self, masks=None) -> LeakySystem:
        const = frozenset(a for a, m in enumerate(masks or ()) if isinstance(m, float))
        cache = {"const": const} if const else None
        work = {}  # buffers of the in-place Euler steps of one run
        return LeakySystem(lambda xs, want: self._drives_and_energy(xs, want, cache),
                           [layer.tau for layer in self.layers], masks=masks,
                           in_place=lambda xs, want: self._drives_and_energy(xs, want, cache, work),
                           fused_step=lambda xs, h: self._fused_step(xs, h, masks, cache, work))

    def _derivatives(self, xs, masks=None):
        return self._system(masks)(xs)

    # ---- public API -------------------------------------------------------------------------
    def init_states(self, batch=None, *, like_array=None):
        """Zero states for every layer, ``(batch, n_A)`` (or ``(n_A,)`` if ``batch`` is None).

        ``like_array`` gives the namespace, dtype and device (default: float64 NumPy).
        """
        shape = () if batch is None else (int(batch),)
        return [like(np.zeros((*shape, layer.size)), like_array) if like_array is not None
                else np.zeros((*shape, layer.size)) for layer in self.layers]

    def activations(self, states):
        """Activations :math:`g^A=\\nabla L^A(x^A)` of every layer."""
        xs, single = self._check_states(states)
        gs = self._activations(xs)
        return [g[0] for g in gs] if single else gs

    def energy(self, states):
        """Total energy :math:`E` (layers' Legendre energies plus synapses and biases).

        Returns shape ``(batch,)``, or a scalar for unbatched states.
        """
        xs, single = self._check_states(states)
        e = self._energy(xs)
        return e[0] if single else e

    def interaction_energy(self, activations):
        r"""The synapse and bias part of the energy as a function of the activations,
        :math:`-\sum_{(A,B)}g^B\cdot\xi g^A-\sum_Ab^A\cdot g^A`; its gradient with respect to
        :math:`g^A` is minus the drive of layer :math:`A`."""
        gs, single = self._check_states(activations, "activations")
        e = self._interaction(gs)
        return e[0] if single else e

    def drives(self, activations):
        r"""Input to every layer, :math:`\sum_{B\sim A}\xi^{(A,B)}g^B+b^A=-\partial E/\partial g^A`."""
        gs, single = self._check_states(activations, "activations")
        d = self._drives(gs)
        return [x[0] for x in d] if single else d

    def derivatives(self, states, *, clamp=None):
        r""":math:`\dot x^A=(\text{drive}^A-x^A)/\tau_A`, zero on clamped neurons."""
        xs, single = self._check_states(states)
        d = self._derivatives(xs, self._check_clamp(clamp, xs))
        return [x[0] for x in d] if single else d

    def run(self, states, *, method="euler", dt=None, max_steps=1000, t_max=None, tol=None,
            clamp=None, rtol=1e-5, atol=1e-8, record_energy=True) -> IntegrationResult:
        r"""Run the dynamics from ``states`` until a fixed point (``tol``) or the budget ends.

        Every ``run`` of :mod:`hopfield.lagrangian` (``HAM``, ``TwoLayerNetwork``, models A/B/C,
        ``GeneralNetwork``) takes these options and returns an
        :class:`~hopfield.lagrangian.IntegrationResult`.

        Parameters
        ----------
        states : list of arrays
            Initial :math:`x^A` per layer, ``(batch, n_A)`` or ``(n_A,)``; NumPy or torch (with
            torch, gradients flow through every step, so the HAM can be trained).
        method : str, default="euler"
            ``"euler"`` (fixed step ``dt``), ``"heun_euler"`` (adaptive, array API,
            torch-differentiable; first step ``dt``), ``"solve_ivp"`` (SciPy's ``RK45``) or any
            name in :data:`~hopfield.lagrangian.integrate.SCIPY_METHODS` (NumPy only).
        dt : float, optional
            Euler step, first trial step of the adaptive methods. Default
            ``0.1 × min_A τ_A``, well inside the regime where Euler descends the energy.
        max_steps : int, default=1000
            Largest number of (accepted) steps, for every method.
        t_max : float, optional
            End time, for every method (Euler takes ``ceil(t_max / dt)`` steps, the last one
            shortened); default: no time limit.
        tol : float, optional
            Stop at a fixed point: every :math:`|\dot x|<` ``tol``.
        clamp : dict, optional
            ``{layer: True}`` holds a whole layer at its initial state (``False`` leaves it
            free); ``{layer: mask}`` holds the neurons where the boolean mask (``(n_A,)`` or
            ``(batch, n_A)``) is True.
        rtol, atol : float
            Local error tolerances of the adaptive methods.
        record_energy : bool, default=True
            Record the energy at every step (computed from the step's own activations and
            synapse products, so it costs the Legendre terms only).

        Notes
        -----
        Without autograd (NumPy, or torch under ``no_grad``) Euler steps update the states in
        place. An Euler run without ``tol`` and ``clamp`` integrates an identity layer out
        exactly when that saves operations (the recurrence of
        :mod:`hopfield.lagrangian._linear_layer`: ``batch·m²`` instead of ``2·batch·n·m`` per
        step for an ``n``-neuron identity layer with ``m`` neighbouring neurons); the states
        are those of the plain loop up to rounding.

        Returns
        -------
        IntegrationResult
            ``states`` and ``activations`` one array per layer (1-D for a single 1-D state),
            ``energy`` of shape ``(n_steps + 1, batch)`` (``(n_steps + 1,)`` for one state).

        Raises
        ------
        FloatingPointError
            If a state or the energy becomes NaN or inf (step too large, overflowing
            exponential, a Lagrangian undefined at the state).
        """
        xs, single = self._check_states(states)
        options = check_run_options(method=method, dt=dt, max_steps=max_steps, t_max=t_max,
                                    tol=tol, rtol=rtol, atol=atol,
                                    taus=[layer.tau for layer in self.layers])
        masks = self._check_clamp(clamp, xs)
        system = self._system(masks)
        eliminate = None
        if (options["method"] == "euler" and options["tol"] is None
                and (masks is None or all(m is None for m in masks))
                and _can_work_in_place(system, xs)):
            steps = min(options["max_steps"], int(1e9) if options["t_max"] is None
                        else int(np.ceil(options["t_max"] / options["dt"])))
            eliminate = eliminable_layer(self, int(xs[0].shape[0]), steps)
        if eliminate is not None:
            res = run_eliminated(self, xs, eliminate, options, record_energy=record_energy)
        else:
            res = integrate_system(system, xs, options, record_energy=record_energy)
        return finish_run(res, self._activations, single)

    def to_general(self) -> GeneralNetwork:
        """The equivalent fully connected network with block weights (Theory reference §10).

        Every synapse is materialised as a matrix (a convolution by applying it to the identity),
        placed in the blocks ``W[post, pre]`` and ``W[pre, post] = W[post, pre]ᵀ``. NumPy only.
        """
        sizes = [layer.size for layer in self.layers]
        offsets = np.cumsum([0, *sizes]).tolist()
        n = offsets[-1]
        W = np.zeros((n, n))
        for (pre, post), syn in zip(self.edges, self.synapses, strict=True):
            eye = np.eye(syn.n_pre)
            m = np.asarray(like(syn.forward(eye), eye)).T  # (n_post, n_pre)
            W[offsets[post]:offsets[post + 1], offsets[pre]:offsets[pre + 1]] += m
            W[offsets[pre]:offsets[pre + 1], offsets[post]:offsets[post + 1]] += m.T
        tau = np.concatenate([np.full(s, layer.tau) for s, layer in zip(sizes, self.layers,
                                                                         strict=True)])
        biases = [np.zeros(s) if layer.bias is None else np.asarray(like(layer.bias, np.zeros(1)))
                  for s, layer in zip(sizes, self.layers, strict=True)]
        blocks: list[tuple[AbstractLagrangian, int]] = [
            (layer.lagrangian, layer.size) for layer in self.layers]
        return GeneralNetwork(W, blocks, tau=tau, bias=np.concatenate(biases))
