"""Matplotlib figures. Matplotlib is imported inside each function, never at package import."""

from __future__ import annotations

import numpy as np

__all__ = ["new_figure", "recall_figure"]


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=None, squeeze: bool = True):
    """A Matplotlib figure and axes built without pyplot, so no GUI backend is ever needed."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    axes = fig.subplots(nrows, ncols, squeeze=squeeze)
    return fig, axes


def recall_figure(targets, probes, recalled, shape, *, names=None, energy_traces=None, path=None):
    """Rows of (probe, recalled, target) images, with an optional energy trace per row.

    Parameters
    ----------
    targets, probes, recalled : array_like, shape (batch, height * width)
        ±1 or 0/1 images.
    shape : (height, width)
    names : sequence of str, optional
    energy_traces : sequence of 1-D arrays, optional
        Energy after each sweep, plotted in a fourth column.
    path : str or path-like, optional
        Where to write the figure (PNG by suffix); the figure is returned either way.
    """
    targets, probes, recalled = (np.atleast_2d(np.asarray(a)) for a in (targets, probes, recalled))
    n = targets.shape[0]
    ncol = 4 if energy_traces is not None else 3
    fig, axes = new_figure(n, ncol, figsize=(2.2 * ncol, 2.2 * n), squeeze=False)
    titles = ("probe", "recalled", "target", "energy")
    for r in range(n):
        for c, img in enumerate((probes[r], recalled[r], targets[r])):
            ax = axes[r, c]
            ax.imshow(np.asarray(img, dtype=float).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(titles[c])
        if names is not None:
            axes[r, 0].set_ylabel(str(names[r]))
        if energy_traces is not None:
            ax = axes[r, 3]
            ax.plot(np.asarray(energy_traces[r]), marker="o", ms=3)
            ax.set_xlabel("sweep")
            if r == 0:
                ax.set_title(titles[3])
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig
