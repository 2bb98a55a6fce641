r"""Transformer encoder and decoder layers built on a :class:`~hopfield.nn.Hopfield` association.

As ``hflayers.transformer``: the association replaces multi-head attention in a post-norm
transformer block,

.. math:: x \leftarrow \mathrm{LN}(x + \mathrm{Drop}(\mathrm{Hopfield}(x))),\qquad
          x \leftarrow \mathrm{LN}(x + \mathrm{Drop}(W_2\,\mathrm{Drop}(\sigma(W_1 x)))),

(the decoder adds a cross-association with the memory in between). The layers take the same
arguments as :class:`torch.nn.TransformerEncoderLayer` / ``DecoderLayer`` in ``forward``
(``src_mask``, ``src_key_padding_mask``, ``is_causal``), so they stack in
:class:`torch.nn.TransformerEncoder` and :class:`torch.nn.TransformerDecoder`.

References
----------
H. Ramsauer et al., ICLR 2021; A. Vaswani et al., "Attention Is All You Need", NeurIPS 2017;
reference implementation ml-jku/hopfield-layers (``hflayers/transformer.py``).
"""

from __future__ import annotations

import copy
import numbers

import torch
from torch import nn

from .._validation import check_scalar
from .layers import Hopfield

__all__ = ["HopfieldDecoderLayer", "HopfieldEncoderLayer"]


def _activation(name: str):
    fn = getattr(torch, name, None) if isinstance(name, str) else None
    if not callable(fn):
        raise ValueError(f"`activation` must name a torch function (e.g. 'relu', 'tanh'); got "
                         f"{name!r}.")
    return fn


def _check_association(h, name: str) -> int:
    if not isinstance(h, Hopfield):
        raise TypeError(f"`{name}` must be a hopfield.nn.Hopfield; got {type(h).__name__}.")
    if h.input_size is None:
        raise ValueError(f"`{name}` needs an `input_size` (the model width).")
    out = h.output_size if h.output_size is not None else h.num_heads * (h.pattern_size or 0)
    if out != h.input_size:
        raise ValueError(f"`{name}` must map input_size={h.input_size} features to as many "
                         f"(residual connection); its output has {out}.")
    return h.input_size


def _causal(mask, is_causal: bool, n: int, like: torch.Tensor):
    if is_causal and mask is None:
        return torch.triu(torch.ones(n, n, dtype=torch.bool, device=like.device), diagonal=1)
    return mask


class HopfieldEncoderLayer(nn.Module):
    """Post-norm transformer encoder block with a Hopfield self-association (as ``hflayers``).

    Parameters
    ----------
    hopfield_association : Hopfield
        The association (copied); it must map ``input_size`` features to as many.
    dim_feedforward : int, default=2048
    dropout : float, default=0.1
    activation : str, default="relu"
        Name of a torch function.
    """

    def __init__(self, hopfield_association: Hopfield, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str = "relu"):
        super().__init__()
        d = _check_association(hopfield_association, "hopfield_association")
        check_scalar(dim_feedforward, "dim_feedforward", numbers.Integral, min_val=1)
        check_scalar(dropout, "dropout", numbers.Real, min_val=0.0, max_val=1.0, include_max=False)
        self.hopfield_association = copy.deepcopy(hopfield_association)
        ref = next(iter(self.hopfield_association.parameters()), None)
        fk = {} if ref is None else {"device": ref.device, "dtype": ref.dtype}
        self.linear_residual = nn.Linear(d, int(dim_feedforward), **fk)
        self.dropout_residual = nn.Dropout(dropout)
        self.linear_output = nn.Linear(int(dim_feedforward), d, **fk)
        self.norm_residual = nn.LayerNorm(d, **fk)
        self.norm_output = nn.LayerNorm(d, **fk)
        self.dropout_hopfield_association = nn.Dropout(dropout)
        self.dropout_output = nn.Dropout(dropout)
        self.activation = activation
        self.activation_residual = _activation(activation)
        self.reset_parameters()

    @property
    def self_attn(self) -> Hopfield:
        """The association, under the name :class:`torch.nn.TransformerEncoder` looks for."""
        return self.hopfield_association

    @property
    def batch_first(self) -> bool:
        return self.hopfield_association.batch_first

    @property
    def input_size(self) -> int:
        return self.hopfield_association.input_size

    @property
    def output_size(self) -> int:
        return self.linear_output.out_features

    def reset_parameters(self) -> None:
        """Reset the association and the feed-forward and normalisation layers."""
        for m in (self.hopfield_association, self.linear_residual, self.linear_output,
                  self.norm_residual, self.norm_output):
            m.reset_parameters()

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal: bool = False):
        """Encode ``src`` (batch, L, input_size); masks as :class:`torch.nn.TransformerEncoderLayer`."""
        n = src.shape[-2] if (src.ndim == 2 or self.batch_first) else src.shape[0]
        mask = _causal(src_mask, is_causal, n, src)
        a = self.hopfield_association(src, stored_pattern_padding_mask=src_key_padding_mask,
                                      association_mask=mask)
        src = self.norm_residual(src + self.dropout_hopfield_association(a))
        inner = self.activation_residual(self.linear_residual(src))
        src = src + self.dropout_output(self.linear_output(self.dropout_residual(inner)))
        return self.norm_output(src)

    def get_association_matrix(self, input):
        """The self-association matrix (batch, heads, L, L) (no gradient)."""
        return self.hopfield_association.get_association_matrix(input)


class HopfieldDecoderLayer(nn.Module):
    """Post-norm transformer decoder block: Hopfield self- and cross-association (as ``hflayers``).

    Parameters
    ----------
    hopfield_association_self, hopfield_association_cross : Hopfield
        The associations (copied); each maps ``input_size`` features to as many.
    dim_feedforward : int, default=2048
    dropout : float, default=0.1
    activation : str, default="relu"
    """

    def __init__(self, hopfield_association_self: Hopfield,
                 hopfield_association_cross: Hopfield, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str = "relu"):
        super().__init__()
        d = _check_association(hopfield_association_self, "hopfield_association_self")
        _check_association(hopfield_association_cross, "hopfield_association_cross")
        check_scalar(dim_feedforward, "dim_feedforward", numbers.Integral, min_val=1)
        check_scalar(dropout, "dropout", numbers.Real, min_val=0.0, max_val=1.0, include_max=False)
        self.hopfield_association_self = copy.deepcopy(hopfield_association_self)
        self.hopfield_association_cross = copy.deepcopy(hopfield_association_cross)
        ref = next(iter(self.hopfield_association_self.parameters()), None)
        fk = {} if ref is None else {"device": ref.device, "dtype": ref.dtype}
        self.linear_residual = nn.Linear(d, int(dim_feedforward), **fk)
        self.dropout_residual = nn.Dropout(dropout)
        self.linear_output = nn.Linear(int(dim_feedforward), d, **fk)
        self.norm_residual_self = nn.LayerNorm(d, **fk)
        self.norm_residual_cross = nn.LayerNorm(d, **fk)
        self.norm_output = nn.LayerNorm(d, **fk)
        self.dropout_hopfield_association_self = nn.Dropout(dropout)
        self.dropout_hopfield_association_cross = nn.Dropout(dropout)
        self.dropout_output = nn.Dropout(dropout)
        self.activation = activation
        self.activation_residual = _activation(activation)
        self.reset_parameters()

    @property
    def self_attn(self) -> Hopfield:
        return self.hopfield_association_self

    @property
    def multihead_attn(self) -> Hopfield:
        return self.hopfield_association_cross

    @property
    def batch_first(self) -> bool:
        return self.hopfield_association_self.batch_first

    @property
    def input_size(self) -> int:
        return self.hopfield_association_self.input_size

    @property
    def output_size(self) -> int:
        return self.linear_output.out_features

    def reset_parameters(self) -> None:
        """Reset both associations and the feed-forward and normalisation layers."""
        for m in (self.hopfield_association_self, self.hopfield_association_cross,
                  self.linear_residual, self.linear_output, self.norm_residual_self,
                  self.norm_residual_cross, self.norm_output):
            m.reset_parameters()

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False):
        """Decode ``tgt`` against ``memory``; masks as :class:`torch.nn.TransformerDecoderLayer`."""
        n = tgt.shape[-2] if (tgt.ndim == 2 or self.batch_first) else tgt.shape[0]
        mask = _causal(tgt_mask, tgt_is_causal, n, tgt)
        a = self.hopfield_association_self(tgt, stored_pattern_padding_mask=tgt_key_padding_mask,
                                           association_mask=mask)
        tgt = self.norm_residual_self(tgt + self.dropout_hopfield_association_self(a))
        a = self.hopfield_association_cross((memory, tgt, memory),
                                            stored_pattern_padding_mask=memory_key_padding_mask,
                                            association_mask=memory_mask)
        tgt = self.norm_residual_cross(tgt + self.dropout_hopfield_association_cross(a))
        inner = self.activation_residual(self.linear_residual(tgt))
        tgt = tgt + self.dropout_output(self.linear_output(self.dropout_residual(inner)))
        return self.norm_output(tgt)

    def get_association_matrix_self(self, input):
        return self.hopfield_association_self.get_association_matrix(input)

    def get_association_matrix_cross(self, input):
        return self.hopfield_association_cross.get_association_matrix(input)
