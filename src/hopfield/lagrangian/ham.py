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
Krotov, "Hierarchical associative memory", arXiv 2107.06446 (2021) — THEORY.md §10;
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

from .._validation import check_option, check_scalar
from ._common import as_array, as_states, check_tau, like, xp_of
from .general import GeneralNetwork
from .integrate import INTEGRATORS, IntegrationResult
from .lagrangians import AbstractLagrangian, make_lagrangian

__all__ = [
    "HAM",
    "AbstractSynapse",
    "ConvSynapse",
    "DenseSynapse",
    "HAMResult",
    "Layer",
]


@dataclass(frozen=True)
class Layer:
    """A layer of neurons: its shape, Lagrangian, time constant and optional bias.

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
        shape = (self.shape,) if isinstance(self.shape, numbers.Integral) else tuple(self.shape)
        if not shape or any(not isinstance(s, numbers.Integral) or s < 1 for s in shape):
            raise ValueError(f"`shape` must be a positive int or a tuple of them; got {self.shape!r}.")
        object.__setattr__(self, "shape", tuple(int(s) for s in shape))
        object.__setattr__(self, "lagrangian", make_lagrangian(self.lagrangian))
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

    def energy(self, g_pre, g_post):
        """:math:`-g_{\\rm post}\\cdot\\xi g_{\\rm pre}` per batch row."""
        xp = xp_of(g_post)
        return -xp.sum(g_post * self.forward(g_pre), axis=-1)


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


@dataclass(frozen=True)
class HAMResult:
    """Outcome of :meth:`HAM.run`.

    Attributes
    ----------
    states : list of arrays
        Final internal states :math:`x^A`, one ``(batch, n_A)`` array per layer (1-D if the input
        was a single state).
    activations : list of arrays
        :math:`g^A=\\nabla L^A(x^A)` at the final states.
    energy : array
        Energy after each accepted step, shape ``(n_steps + 1, batch)``.
    times : numpy.ndarray
        Times of the rows of ``energy``.
    converged : bool
        Every neuron's speed fell below ``tol``.
    n_steps, nfev : int
        Accepted steps and right-hand-side evaluations.
    message : str
    """

    states: list
    activations: list
    energy: Any
    times: Any
    converged: bool
    n_steps: int
    nfev: int
    message: str


class HAM:
    r"""Hierarchical associative memory: layers with Lagrangians, symmetric synapses, an energy.

    Parameters
    ----------
    layers : sequence of Layer
        The layers, in order.
    synapses : sequence of AbstractSynapse
        Synapses; with ``edges=None`` synapse ``k`` joins layer ``k`` (pre) to layer ``k + 1``
        (post), so ``len(synapses) == len(layers) - 1`` (the layered HAM of THEORY.md §10).
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
    Krotov (2021) — THEORY.md §10.
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
        if clamp is None:
            return None
        if not isinstance(clamp, dict):
            raise TypeError("`clamp` must be a dict {layer index: True or boolean mask}.")
        masks = [None] * self.n_layers
        for a, mask in clamp.items():
            if not (isinstance(a, numbers.Integral) and 0 <= a < self.n_layers):
                raise ValueError(f"`clamp` key {a!r} is not a layer index in [0, {self.n_layers}).")
            if mask is True:
                masks[a] = 0.0
                continue
            m = np.asarray(mask.detach().cpu() if is_torch_array(mask) else mask)
            if m.dtype != bool or m.shape[-1] != self.layers[a].size or m.ndim > 2:
                raise ValueError(
                    f"`clamp[{a}]` must be True or a boolean mask of shape ({self.layers[a].size},) "
                    f"or (batch, {self.layers[a].size}); got dtype {m.dtype}, shape {m.shape}."
                )
            masks[a] = like((~m).astype(float), xs[a])
        return masks

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
        gs = self._activations(xs)
        e = self._interaction(gs)
        for layer, x in zip(self.layers, xs, strict=True):
            e = e + layer.lagrangian.energy(x)
        return e

    def _drives(self, gs):
        drives = [0.0] * self.n_layers
        for (pre, post), syn in zip(self.edges, self.synapses, strict=True):
            drives[post] = drives[post] + syn.forward(gs[pre])
            drives[pre] = drives[pre] + syn.backward(gs[post])
        for a, layer in enumerate(self.layers):
            if layer.bias is not None:
                drives[a] = drives[a] + like(layer.bias, gs[a])
            if isinstance(drives[a], float):
                drives[a] = gs[a] * 0.0
        return drives

    def _derivatives(self, xs, masks=None):
        drives = self._drives(self._activations(xs))
        out = []
        for a, (layer, x, d) in enumerate(zip(self.layers, xs, drives, strict=True)):
            v = (d - x) / layer.tau
            if masks is not None and masks[a] is not None:
                v = v * masks[a]
            out.append(v)
        return out

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

    def run(self, states, *, method="euler", dt=0.1, max_steps=1000, t_max=None, tol=None,
            clamp=None, rtol=1e-5, atol=1e-8, record_energy=True) -> HAMResult:
        """Run the dynamics from ``states`` until a fixed point (``tol``) or the budget ends.

        Parameters
        ----------
        states : list of arrays
            Initial :math:`x^A` per layer, ``(batch, n_A)`` or ``(n_A,)``; NumPy or torch (with
            torch, gradients flow through every step, so the HAM can be trained).
        method : {"euler", "heun_euler", "solve_ivp"}, default="euler"
            Fixed-step Euler (``dt``, ``max_steps``), the adaptive Heun–Euler pair (array API,
            torch-differentiable; ``t_max``, first step ``dt``), or SciPy's adaptive ``RK45``
            (NumPy only; ``t_max``).
        dt : float, default=0.1
        max_steps : int, default=1000
        t_max : float, optional
            End time of the adaptive methods (default ``dt * max_steps``).
        tol : float, optional
            Stop at a fixed point: every :math:`|\\dot x|<` ``tol``.
        clamp : dict, optional
            ``{layer: True}`` holds a whole layer at its initial state; ``{layer: mask}`` holds the
            neurons where the boolean mask (``(n_A,)`` or ``(batch, n_A)``) is True.
        rtol, atol : float
            Local error tolerances of the adaptive methods.
        record_energy : bool, default=True
            Record the energy after every step (one extra energy evaluation per step).

        Returns
        -------
        HAMResult
        """
        method = check_option(method, "method", INTEGRATORS)
        xs, single = self._check_states(states)
        check_scalar(dt, "dt", numbers.Real, min_val=0.0, include_min=False)
        check_scalar(max_steps, "max_steps", numbers.Integral, min_val=0)
        if tol is not None:
            check_scalar(tol, "tol", numbers.Real, min_val=0.0, include_min=False)
        masks = self._check_clamp(clamp, xs)
        fun = lambda y: self._derivatives(y, masks)  # noqa: E731
        energy = self._energy if record_energy else None
        t_end = float(t_max) if t_max is not None else float(dt) * int(max_steps)
        if method == "euler":
            res: IntegrationResult = INTEGRATORS["euler"](
                fun, xs, dt=float(dt), max_steps=int(max_steps), tol=tol, energy=energy)
        elif method == "heun_euler":
            res = INTEGRATORS["heun_euler"](
                fun, xs, t_max=t_end, dt0=float(dt), rtol=rtol, atol=atol,
                max_steps=max(int(max_steps), 1), tol=tol, energy=energy)
        else:
            if is_torch_array(xs[0]):
                raise TypeError("method='solve_ivp' needs NumPy states; use 'heun_euler' or "
                                "'euler' for torch tensors.")
            res = INTEGRATORS["solve_ivp"](fun, xs, t_max=t_end, rtol=rtol, atol=atol, tol=tol,
                                           energy=energy)
        ys = res.y
        gs = self._activations(ys)
        if single:
            ys, gs = [y[0] for y in ys], [g[0] for g in gs]
        return HAMResult(states=ys, activations=gs, energy=res.energy, times=res.times,
                         converged=res.converged, n_steps=res.n_steps, nfev=res.nfev,
                         message=res.message)

    def to_general(self) -> GeneralNetwork:
        """The equivalent fully connected network with block weights (THEORY.md §10).

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
