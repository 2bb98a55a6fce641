"""Readable reprs for the library's result dataclasses.

A result holds arrays of any size (states of a thousand probes, an energy trace per sweep): its
repr summarises each field instead of printing it whole. A result class inherits
:class:`SummaryRepr` and is declared ``@dataclass(frozen=True, repr=False)`` so that the dataclass
keeps this repr instead of generating its own.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["SummaryRepr", "summarise"]

#: arrays up to this many entries are shown whole
_SMALL = 6


def summarise(value) -> str:
    """A one-line description of a field: small values whole, arrays by shape, dtype and range."""
    if isinstance(value, np.ndarray) or type(value).__module__.startswith("torch"):
        arr = value
        shape = tuple(arr.shape)
        dtype = str(arr.dtype).removeprefix("torch.")
        if arr.ndim == 0 or (int(np.prod(shape)) <= _SMALL and arr.ndim <= 1):
            return np.array2string(np.asarray(arr.tolist()), precision=4, separator=", ") \
                if arr.ndim else repr(arr.item())
        a = np.asarray(arr.detach().cpu() if hasattr(arr, "detach") else arr)
        head = f"array(shape={shape}, dtype={dtype}"
        if a.size == 0:
            return head + ")"
        if a.dtype == bool:
            return head + f", {int(a.sum())}/{a.size} True)"
        if np.issubdtype(a.dtype, np.number) and not np.iscomplexobj(a):
            finite = a[np.isfinite(a)] if np.issubdtype(a.dtype, np.floating) else a
            if finite.size:
                return head + f", min={_num(finite.min())}, max={_num(finite.max())})"
        return head + ")"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    if isinstance(value, (list, tuple)) and len(value) > _SMALL:
        return f"{type(value).__name__} of {len(value)}"
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, dict) and len(value) > _SMALL:
        return f"dict of {len(value)}"
    return repr(value)


def _num(x) -> str:
    return f"{float(x):.6g}" if isinstance(x, (float, np.floating)) else str(x)


class SummaryRepr:
    """Mixin: ``Name(field=summary, ...)``, one summarised field after another."""

    def __repr__(self) -> str:
        fields = [f for f in dataclasses.fields(self) if f.repr]
        body = ", ".join(f"{f.name}={summarise(getattr(self, f.name))}" for f in fields)
        return f"{type(self).__name__}({body})"
