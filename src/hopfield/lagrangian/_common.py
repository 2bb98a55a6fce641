"""Input checks and backend helpers shared by the Lagrangian models (NumPy or torch arrays)."""

from __future__ import annotations

import numbers

import numpy as np
from array_api_compat import array_namespace, is_torch_array

from .._validation import check_finite_array, check_scalar

__all__ = ["as_array", "as_states", "check_tau", "like", "restore", "xp_of"]


def as_array(x, name: str, *, ndim=None, shape=None):
    """A float array: a torch tensor is kept (checked), anything else becomes a new float array
    (float32 input stays float32, everything else is float64)."""
    if is_torch_array(x):
        import torch

        if not torch.is_floating_point(x):
            x = x.to(torch.get_default_dtype())
        if ndim is not None:
            ndims = (ndim,) if isinstance(ndim, int) else ndim
            if x.ndim not in ndims:
                wanted = " or ".join(f"{d}-D" for d in ndims)
                raise ValueError(f"`{name}` must be {wanted}; got shape {tuple(x.shape)}.")
        if not bool(torch.isfinite(x.detach()).all()):
            raise ValueError(f"`{name}` contains NaN or inf; every entry must be finite.")
        arr = x
    else:  # float32 stays float32 (speed); everything else becomes float64
        dtype = np.float32 if getattr(x, "dtype", None) == np.float32 else np.float64
        arr = check_finite_array(x, name, ndim=ndim, dtype=dtype)
    if shape is not None and tuple(arr.shape) != tuple(shape):
        raise ValueError(f"`{name}` must have shape {tuple(shape)}; got {tuple(arr.shape)}.")
    return arr


def as_states(x, n_neurons: int, name: str):
    """States as (batch, n_neurons) and whether the input was a single 1-D state."""
    arr = as_array(x, name, ndim=(1, 2))
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.shape[-1] != n_neurons:
        raise ValueError(
            f"`{name}` has {arr.shape[-1]} neurons per state but the layer has {n_neurons} "
            f"(got shape {tuple(arr.shape)})."
        )
    return arr, single


def restore(x, single: bool):
    """Undo the batch axis added by :func:`as_states`."""
    return x[0] if single else x


def like(arr, ref):
    """``arr`` in the namespace, dtype and device of ``ref`` (NumPy -> torch when ``ref`` is torch)."""
    if arr is None:
        return None
    if is_torch_array(ref) and not is_torch_array(arr):
        import torch

        return torch.as_tensor(np.asarray(arr), dtype=ref.dtype, device=ref.device)
    if is_torch_array(ref) and (arr.dtype != ref.dtype or arr.device != ref.device):
        return arr.to(dtype=ref.dtype, device=ref.device)
    if not is_torch_array(ref) and is_torch_array(arr):
        return arr.detach().cpu().numpy()
    return arr


def check_tau(tau, name: str = "tau") -> float:
    """A positive time constant."""
    return float(check_scalar(tau, name, numbers.Real, min_val=0.0, include_min=False))


def xp_of(*arrays):
    """The array namespace of the given arrays."""
    return array_namespace(*arrays)
