"""Load weights saved from ``hflayers`` (ml-jku/hopfield-layers) into :mod:`hopfield.nn` layers.

``hflayers`` keeps the three input projections of an association in one fused
``association_core.in_proj_weight`` (rows: state, stored, projection maps, each present only if
that input is not static) or in separate ``q/k/v_proj_weight`` tensors, one fused
``in_proj_bias``, and its input LayerNorms as ``norm_stored_pattern`` / ``norm_state_pattern`` /
``norm_pattern_projection``. :func:`load_hflayers_state_dict` splits and renames them onto the
``q_proj`` / ``k_proj`` / ``v_proj`` / ``out_proj`` / ``norm_*`` modules of every
:class:`~hopfield.nn.Hopfield` inside a model (at the same attribute path as in the ``hflayers``
model, e.g. ``hopfield.`` inside ``HopfieldPooling``); every other entry (pooling and lookup
patterns, feed-forward layers of the transformer blocks) keeps its name.
"""

from __future__ import annotations

import torch
from torch import nn

from .layers import Hopfield

__all__ = ["load_hflayers_state_dict"]

_NORMS = {"norm_stored_pattern": "norm_stored", "norm_state_pattern": "norm_state",
          "norm_pattern_projection": "norm_projection"}


def _split_rows(t: torch.Tensor, layer: Hopfield, name: str, *, bias: bool) -> dict:
    """Rows of a fused tensor, in hflayers' order q, k, v, for the projections that exist."""
    out, start = {}, 0
    for key, proj in (("q_proj", layer.q_proj), ("k_proj", layer.k_proj), ("v_proj", layer.v_proj)):
        if proj is None:
            continue
        n = proj.out_features
        if start + n > t.shape[0]:
            raise ValueError(f"`{name}` has {t.shape[0]} rows, too few for the layer's "
                             f"projections; was it saved from a layer with the same sizes and "
                             f"static flags?")
        out[f"{key}.{'bias' if bias else 'weight'}"] = t[start:start + n]
        start += n
    # hflayers' bias always carries a (possibly unused) part for the pattern projection
    if not bias and start != t.shape[0]:
        raise ValueError(f"`{name}` has {t.shape[0]} rows; the layer's projections need {start}.")
    return out


def _translate(layer: Hopfield, sd: dict, prefix: str) -> tuple[dict, set]:
    """Our entries for the hflayers entries of one association at ``prefix``; keys consumed."""
    ours, used = {}, set()
    core = prefix + "association_core."
    for key, value in sd.items():
        if key.startswith(core):
            rest = key[len(core):]
            if rest == "in_proj_weight":
                ours.update(_split_rows(value, layer, key, bias=False))
            elif rest == "in_proj_bias":
                ours.update(_split_rows(value, layer, key, bias=True))
            elif rest in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                ours[rest[:6] + ".weight"] = value
            elif rest.startswith("out_proj."):
                ours[rest] = value
            elif rest in ("bias_k", "bias_v"):
                ours[rest] = value
            elif rest in ("p_norm_weight", "p_norm_bias"):
                ours["norm_hopfield." + rest[7:]] = value
            else:
                raise ValueError(f"unknown hflayers entry `{key}`.")
            used.add(key)
            continue
        for theirs, mine in _NORMS.items():
            if key.startswith(prefix + theirs + "."):
                ours[mine + key[len(prefix + theirs):]] = value
                used.add(key)
    return {prefix + k: v for k, v in ours.items()}, used


def load_hflayers_state_dict(model: nn.Module, state_dict: dict, *, strict: bool = True):
    """Load an ``hflayers`` state dict into ``model`` (built with :mod:`hopfield.nn` layers).

    Parameters
    ----------
    model : torch.nn.Module
        A :class:`~hopfield.nn.Hopfield`, ``HopfieldPooling``, ``HopfieldLayer``, transformer
        block or any module containing them, built with the same arguments as the ``hflayers``
        model that produced ``state_dict``.
    state_dict : dict of str to tensor
        ``hflayers_model.state_dict()`` (e.g. from ``torch.load(path, weights_only=True)``).
    strict : bool, default=True
        Require every entry to be used and every parameter of ``model`` to be set (β, which
        ``hflayers`` does not save, excepted).

    Returns
    -------
    model
        The same module, with the weights copied in.

    Examples
    --------
    >>> import torch
    >>> from hopfield.nn import Hopfield, load_hflayers_state_dict
    >>> sd = {"association_core.in_proj_weight": torch.randn(24, 8),
    ...       "association_core.in_proj_bias": torch.zeros(24),
    ...       "association_core.out_proj.weight": torch.randn(8, 8),
    ...       "association_core.out_proj.bias": torch.zeros(8),
    ...       "norm_stored_pattern.weight": torch.ones(8), "norm_stored_pattern.bias": torch.zeros(8),
    ...       "norm_state_pattern.weight": torch.ones(8), "norm_state_pattern.bias": torch.zeros(8),
    ...       "norm_pattern_projection.weight": torch.ones(8),
    ...       "norm_pattern_projection.bias": torch.zeros(8)}
    >>> layer = load_hflayers_state_dict(Hopfield(input_size=8), sd)
    >>> bool(torch.equal(layer.k_proj.weight, sd["association_core.in_proj_weight"][8:16]))
    True
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module; got {type(model).__name__}.")
    sd = dict(state_dict)
    ours, used = {}, set()
    layers = [(name, m) for name, m in model.named_modules() if isinstance(m, Hopfield)]
    for name, layer in sorted(layers, key=lambda x: -len(x[0])):     # innermost first
        prefix = f"{name}." if name else ""
        mapped, consumed = _translate(layer, {k: v for k, v in sd.items() if k not in used},
                                      prefix)
        ours.update(mapped)
        used |= consumed
    ours.update({k: v for k, v in sd.items() if k not in used})
    target = model.state_dict()
    unexpected = sorted(set(ours) - set(target))
    if unexpected and strict:
        raise ValueError(f"entries of the hflayers state dict match nothing in the model: "
                         f"{unexpected}; was it built with the same arguments?")
    for k, v in ours.items():
        if k in target and tuple(target[k].shape) != tuple(v.shape):
            raise ValueError(f"`{k}` has shape {tuple(v.shape)} in the state dict but "
                             f"{tuple(target[k].shape)} in the model.")
    missing = sorted(k for k in set(target) - set(ours) if not k.endswith("scaling"))
    if missing and strict:
        raise ValueError(f"the hflayers state dict has no value for {missing}.")
    model.load_state_dict({k: v for k, v in ours.items() if k in target}, strict=False)
    return model
