"""Matplotlib figures. Matplotlib is imported inside each function, never at package import.

Every figure function checks its arguments first (shapes, lengths, the result objects' types, the
destination ``path``), so a mistake is reported by name before anything is drawn.
"""

from __future__ import annotations

import io
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ._validation import check_bool, check_finite_array, check_scalar

__all__ = [
    "basins_figure",
    "capacity_figure",
    "figure_path",
    "maxcut_figure",
    "new_figure",
    "paired_associate_figure",
    "recall_figure",
    "tsp_figure",
]


#: the most panels one figure may hold: far beyond a readable grid, small enough that a typo
#: (``nrows=10**6``) is refused at once instead of building axes for minutes
MAX_PANELS = 1000


def figure_path(output, name: str):
    """Where a script writes its figure: ``output`` itself if it names a ``.png``, else
    ``output/<name>.png``; the folder is created.

    Parameters
    ----------
    output : str or path-like
        A ``.png`` file name, or a folder.
    name : str
        The file stem used when ``output`` is a folder (no folder part, no suffix needed).
    """
    if not isinstance(output, str | os.PathLike):
        raise TypeError(f"`output` must be a str or path-like (a folder or a .png file); got "
                        f"{type(output).__name__}.")
    if os.fspath(output) in ("", b""):
        raise ValueError("`output` is an empty string; pass a folder (e.g. '.') or a .png file name.")
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a str (the figure's file stem); got {type(name).__name__}.")
    if name in ("", ".", "..") or Path(name).name != name:
        raise ValueError(f"`name` must be a file stem without a folder, e.g. 'letters_ti'; got {name!r}.")
    out = Path(output)
    if out.suffix.lower() == ".png":
        out.parent.mkdir(parents=True, exist_ok=True)
        return out
    if out.exists() and not out.is_dir():
        raise ValueError(f"`output` {os.fspath(output)!r} is a file, not a folder; pass a folder or a "
                         ".png file name.")
    out.mkdir(parents=True, exist_ok=True)
    return out / f"{name}.png"


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=None, squeeze: bool = True):
    """A Matplotlib figure and axes built without pyplot, so no GUI backend is ever needed.

    Parameters
    ----------
    nrows, ncols : int, default=1
        The grid of axes, at most :data:`MAX_PANELS` panels in all.
    figsize : (float, float), optional
        Width and height in inches, both positive; Matplotlib's default when None.
    squeeze : bool, default=True
        As in :meth:`matplotlib.figure.Figure.subplots`: drop the grid's unit dimensions.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    check_scalar(nrows, "nrows", numbers.Integral, min_val=1)
    check_scalar(ncols, "ncols", numbers.Integral, min_val=1)
    if nrows * ncols > MAX_PANELS:
        raise ValueError(f"`nrows` × `ncols` = {nrows} × {ncols} panels is more than the {MAX_PANELS} "
                         "a figure may hold; split the grid over several figures.")
    if figsize is not None:
        size = check_finite_array(figsize, "figsize", ndim=1)
        if size.shape != (2,) or np.any(size <= 0):
            raise ValueError(f"`figsize` must be (width, height) in inches, two positive numbers; got "
                             f"{size.tolist()}.")
        figsize = (float(size[0]), float(size[1]))
    squeeze = check_bool(squeeze, "squeeze")
    return _new_figure(int(nrows), int(ncols), figsize=figsize, squeeze=squeeze)


def _new_figure(nrows: int, ncols: int, *, figsize=None, squeeze: bool = True):
    """:func:`new_figure` without the checks (the figure functions pass their own constants)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    axes = fig.subplots(nrows, ncols, squeeze=squeeze)
    return fig, axes


def _check_path(path):
    """``path`` for ``savefig``: None (no file), an open binary file, or a str / path-like whose
    folder exists and whose suffix, if any, is a format Matplotlib writes (none means PNG, and
    Matplotlib adds ``.png``)."""
    if path is None or isinstance(path, io.IOBase):
        return path
    if not isinstance(path, str | os.PathLike) or not isinstance(os.fspath(path), str):
        raise TypeError(f"`path` must be a str or path-like (or None to write no file); got "
                        f"{type(path).__name__}.")
    where = os.fspath(path)
    if where == "":
        raise ValueError("`path` is an empty string; pass a file name such as 'figure.png', or None "
                         "to write no file.")
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    p = Path(where)
    suffix = p.suffix[1:].lower()
    if suffix and suffix not in formats:
        raise ValueError(f"`path` {where!r} ends in '.{suffix}', a format Matplotlib cannot write; "
                         f"use one of {', '.join('.' + f for f in sorted(formats))}.")
    if p.is_dir():
        raise ValueError(f"`path` {where!r} is a folder; name a file in it, e.g. with "
                         f"hf.plot.figure_path({where!r}, 'figure').")
    if not p.parent.is_dir():
        raise FileNotFoundError(f"`path` {where!r}: the folder {os.fspath(p.parent)!r} does not exist; "
                                "create it first (hf.plot.figure_path creates it).")
    return path


def _check_entries(x, name: str, n: int, what: str) -> list:
    """``x`` as a list of exactly ``n`` entries: a list, tuple, range or array, never a str."""
    if (isinstance(x, str | bytes) or not isinstance(x, Sequence | np.ndarray)
            or (isinstance(x, np.ndarray) and x.ndim == 0)):
        raise TypeError(f"`{name}` must be a sequence with one entry per {what} ({n} here); got "
                        f"{type(x).__name__}.")
    if len(x) != n:
        raise ValueError(f"`{name}` has {len(x)} entries but there are {n} {what}s; pass one per {what}.")
    return list(x)


def recall_figure(targets, probes, recalled, shape, *, names=None, energy_traces=None, path=None):
    """Rows of (probe, recalled, target) images, with an optional energy trace per row.

    Parameters
    ----------
    targets, probes, recalled : array_like, shape (batch, height * width) or (height * width,)
        ±1 or 0/1 images (values in [-1, 1]: a masked probe's 0 is drawn grey), all of one shape.
    shape : (int, int)
        (height, width) of every image, e.g. ``data.shape`` of a dataset.
    names : sequence of str, optional
        One per image.
    energy_traces : sequence of 1-D arrays, optional
        One per image: the energy after each sweep, plotted in a fourth column.
    path : str or path-like, optional
        Where to write the figure (format by suffix, PNG if none); the figure is returned either
        way. Its folder must exist (:func:`figure_path` creates it).
    """
    path = _check_path(path)
    images = []
    for name, x in (("targets", targets), ("probes", probes), ("recalled", recalled)):
        arr = check_finite_array(x, name, ndim=(1, 2))
        if arr.min() < -1 or arr.max() > 1:
            raise ValueError(f"`{name}` must hold pixel values in [-1, 1] (±1 or 0/1 images); found "
                             f"values from {arr.min():g} to {arr.max():g}.")
        images.append(np.atleast_2d(arr))
    targets, probes, recalled = images
    if not targets.shape == probes.shape == recalled.shape:
        raise ValueError("`targets`, `probes` and `recalled` must have the same shape (batch, "
                         f"height * width), one row per image; got targets {targets.shape}, probes "
                         f"{probes.shape}, recalled {recalled.shape}.")
    n, n_pixels = targets.shape
    shape = _check_image_shape(shape, n_pixels)
    if names is not None:
        names = [str(x) for x in _check_entries(names, "names", n, "image")]
    if energy_traces is not None:
        energy_traces = [check_finite_array(t, f"energy_traces[{r}]", ndim=1, allow_empty=True)
                         for r, t in enumerate(_check_entries(energy_traces, "energy_traces", n, "image"))]
    ncol = 4 if energy_traces is not None else 3
    if n * ncol > MAX_PANELS:
        raise ValueError(f"`targets` holds {n} images, more rows than one figure may hold "
                         f"({MAX_PANELS} panels); draw them in several figures.")
    fig, axes = _new_figure(n, ncol, figsize=(2.2 * ncol, 2.2 * n), squeeze=False)
    titles = ("probe", "recalled", "target", "energy")
    for r in range(n):
        for c, img in enumerate((probes[r], recalled[r], targets[r])):
            ax = axes[r, c]
            ax.imshow(img.reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(titles[c])
        _mark_recall(axes[r, 1], recalled[r], targets[r])
        if names is not None:
            axes[r, 0].set_ylabel(names[r])
        if energy_traces is not None:
            ax = axes[r, 3]
            ax.plot(energy_traces[r], marker="o", ms=3)
            ax.set_xlabel("sweep")
            ax.xaxis.get_major_locator().set_params(integer=True)
            if r == 0:
                ax.set_title(titles[3])
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def _check_image_shape(shape, n_pixels: int) -> tuple[int, int]:
    """``shape`` as (height, width), two positive ints whose product is the images' length."""
    dims = None
    if (isinstance(shape, np.ndarray) and shape.ndim == 1) or (
            isinstance(shape, Sequence) and not isinstance(shape, str | bytes)):
        dims = list(shape)
    if dims is None or len(dims) != 2 or not all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool | np.bool_) for d in dims):
        raise TypeError(f"`shape` must be (height, width), two positive ints; got {shape!r:.80}.")
    height, width = int(dims[0]), int(dims[1])
    if height < 1 or width < 1:
        raise ValueError(f"`shape` must be (height, width), two positive ints; got {(height, width)}.")
    if height * width != n_pixels:
        raise ValueError(f"`shape` {(height, width)} holds {height * width} pixels but each image has "
                         f"{n_pixels} entries; pass the images' own (height, width), e.g. `data.shape`.")
    return height, width


def _mark_recall(ax, recalled, target) -> None:
    """Frame and caption the recalled image: green when it is the target, red otherwise."""
    wrong = int(np.sum(np.asarray(recalled) != np.asarray(target)))
    if wrong == 0:
        colour, text = "tab:green", "recalled"
    elif wrong == np.asarray(target).size:
        colour, text = "tab:orange", "negated target"
    else:
        colour, text = "tab:red", f"not recalled ({wrong} px wrong)"
    for spine in ax.spines.values():
        spine.set_edgecolor(colour)
        spine.set_linewidth(3)
    ax.set_xlabel(text, color=colour, fontsize=8)


def maxcut_figure(result, graph=None, *, best_known=None, max_drawn_nodes: int = 150, path=None):
    """Max-cut / QUBO solver figure: best value against time, and the cut drawn on the graph.

    Parameters
    ----------
    result : hopfield.optimize.OptimizeResult
        From :func:`~hopfield.optimize.solve_maxcut`, :func:`~hopfield.optimize.solve_ising` or
        :func:`~hopfield.optimize.solve_qubo`.
    graph : ndarray, scipy.sparse matrix or networkx.Graph, shape (n, n), optional
        The adjacency of a max-cut result (the graph that was solved, n = ``result.x.size``);
        drawn (each side on its own half circle, cut edges in red) when it has at most
        ``max_drawn_nodes`` nodes.
    best_known : float, optional
        Drawn as a horizontal line on the trace.
    max_drawn_nodes : int, default=150
        Larger graphs are not drawn (only the trace is).
    path : str or path-like, optional
        Where to write the figure (format by suffix, PNG if none); its folder must exist.
    """
    from .optimize import OptimizeResult, adjacency

    path = _check_path(path)
    if not isinstance(result, OptimizeResult):
        raise TypeError("`result` must be an OptimizeResult (from hf.optimize.solve_maxcut, solve_ising "
                        f"or solve_qubo); got {type(result).__name__}.")
    if graph is not None:
        if result.sense != "max":
            raise ValueError(f"`graph` is drawn only for a max-cut result; this `result` minimises "
                             f"({result.method}, sense 'min'), so leave `graph` out.")
        graph = adjacency(graph)
        if graph.shape[0] != result.x.size:
            raise ValueError(f"`graph` has {graph.shape[0]} nodes but `result` partitions "
                             f"{result.x.size}; pass the graph that was solved.")
    if best_known is not None:
        best_known = float(check_scalar(best_known, "best_known"))
    max_drawn_nodes = check_scalar(max_drawn_nodes, "max_drawn_nodes", numbers.Integral, min_val=0)
    n = 0 if graph is None else graph.shape[0]
    draw = graph is not None and n <= max_drawn_nodes
    fig, axes = _new_figure(1, 2 if draw else 1, figsize=(10 if draw else 5.5, 4.5), squeeze=False)
    ax = axes[0, 0]
    t = np.asarray(result.trace_time)
    v = np.asarray(result.trace_value, dtype=float)
    ax.step(t, v, where="post", marker="o", ms=3, label="best so far (end of each round)")
    reps = np.asarray(result.replica_values, dtype=float)
    if reps.size:
        # every replica's final value, spread a little in time so that equal values stay visible
        x_end = float(t[-1]) if t.size else float(result.elapsed)
        jitter = np.linspace(-0.02, 0.02, reps.size) * max(x_end, 1e-3)
        ax.plot(x_end + jitter, reps, "x", color="tab:gray", ms=4,
                label=f"each of the {reps.size} replicas (final)")
    if best_known is not None:
        ax.axhline(best_known, color="k", ls="--", lw=1, label=f"best known {best_known:g}")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("cut" if result.sense == "max" else "objective")
    ax.set_title(f"{result.method}: {result.n_replicas} replicas, best {result.value:g}")
    ax.legend(loc="best")
    if draw:
        import scipy.sparse as sp

        ax = axes[0, 1]
        from matplotlib.collections import LineCollection

        a = sp.coo_array(sp.triu(sp.csr_array(graph), k=1))  # adjacency() dropped the diagonal
        side = np.asarray(result.x) > 0
        # each side on its own half circle, so cut edges cross the middle
        xy = np.empty((n, 2))
        for flag, centre in ((True, np.pi), (False, 0.0)):
            idx = np.flatnonzero(side == flag)
            ang = centre + np.linspace(-0.42 * np.pi, 0.42 * np.pi, max(idx.size, 1))[: idx.size]
            xy[idx] = np.column_stack([np.cos(ang), np.sin(ang)])
        cut = side[a.row] != side[a.col]
        for mask, colour, lw in ((~cut, "0.8", 0.5), (cut, "tab:red", 0.8)):
            segments = np.stack([xy[a.row[mask]], xy[a.col[mask]]], axis=1)
            ax.add_collection(LineCollection(segments, colors=colour, linewidths=lw, zorder=1))
        ax.scatter(*xy.T, c=np.where(side, "tab:blue", "tab:orange"), s=25, zorder=2,
                   edgecolors="k", linewidths=0.5)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(f"partition ({int(side.sum())} / {int((~side).sum())}); cut edges in red")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def capacity_figure(curves, *, path=None):
    """Capacity curves with the theory lines drawn in.

    Left: fraction of stored patterns that are fixed points (solid) and exact-recall rate
    (dashed) against the load :math:`\\alpha = P/N`, with vertical lines at McEliece et al.'s
    :math:`N/(4\\ln N)` ("all" stable) and :math:`N/(2\\ln N)` ("most" stable) and Storkey's
    :math:`N/\\sqrt{2\\ln N}` (in units of N). Right: fraction of correct bits,
    :math:`1 - \\text{bit error}`, with the Amit–Gutfreund–Sompolinsky :math:`\\alpha_c = 0.138`
    and its RS retrieval quality (1 − 1.6%). Error bars: standard error over trials.

    Parameters
    ----------
    curves : CapacityCurve or sequence of CapacityCurve
        From :func:`hopfield.analysis.capacity_curve` (one per rule), with equal ``n_neurons``.
    path : str or path-like, optional
        Where to write the figure (format by suffix, PNG if none); the figure is returned either
        way. Its folder must exist.

    References
    ----------
    Theory reference §2.1–§2.3.
    """
    from .analysis import CapacityCurve, ags_capacity, mceliece_capacity, storkey_capacity

    path = _check_path(path)
    if isinstance(curves, CapacityCurve):
        curves = [curves]
    elif isinstance(curves, str | bytes) or not isinstance(curves, Sequence):
        raise TypeError("`curves` must be a CapacityCurve or a list of them (from "
                        f"hf.analysis.capacity_curve); got {type(curves).__name__}.")
    curves = list(curves)
    if not curves:
        raise ValueError("`curves` is empty; pass at least one CapacityCurve.")
    for k, c in enumerate(curves):
        if not isinstance(c, CapacityCurve):
            raise TypeError(f"`curves[{k}]` is a {type(c).__name__}, not a CapacityCurve (from "
                            "hf.analysis.capacity_curve).")
    sizes = sorted({c.n_neurons for c in curves})
    if len(sizes) > 1:
        raise ValueError(f"`curves` mix n_neurons {sizes}; the theory lines are drawn for one N, so "
                         "plot each size in its own figure.")
    n = sizes[0]
    fig, (ax1, ax2) = _new_figure(1, 2, figsize=(11, 4.2))
    for c in curves:
        (line,) = ax1.plot(c.load, c.fixed_fraction, marker="o", ms=3, label=f"{c.rule}: fixed points")
        ax1.errorbar(c.load, c.recall_rate, yerr=c.sem("recall_rate"), ls="--", marker=".",
                     color=line.get_color(), alpha=0.7, label=f"{c.rule}: exact recall")
        ax2.errorbar(c.load, 1.0 - c.bit_error, yerr=c.sem("bit_error"), marker="o", ms=3,
                     color=line.get_color(), label=c.rule)
    cap = ags_capacity()
    lines = [
        (mceliece_capacity(n, all_patterns=True) / n, ":", "N/(4 ln N): all stable"),
        (mceliece_capacity(n) / n, "-.", "N/(2 ln N): most stable"),
        (storkey_capacity(n) / n, (0, (5, 1)), "Storkey N/√(2 ln N)"),
        (cap.alpha_c, "-", "AGS α_c = 0.138"),
    ]
    for x, style, label in lines:
        for ax in (ax1, ax2):
            ax.axvline(x, color="gray", ls=style, lw=1, label=label if ax is ax1 or x == cap.alpha_c
                       else None)
    ax2.axhline(1.0 - cap.bit_error, color="gray", ls="--", lw=0.8, label="RS m(α_c): 98.4% bits")
    ax1.set(xlabel="load α = P/N", ylabel="fraction", title=f"stability and recall, N = {n}",
            ylim=(-0.03, 1.03))
    ax2.set(xlabel="load α = P/N", ylabel="fraction of correct bits",
            title="retrieval quality (AGS transition)")
    ax1.legend(fontsize=7, loc="best")
    ax2.legend(fontsize=7, loc="best")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def tsp_figure(coords, tours, *, labels=None, energy_trace=None, title=None, V=None, path=None):
    r"""Tours drawn over the cities, one panel per tour, the network state and its energy trace.

    Parameters
    ----------
    coords : array_like, shape (n, 2)
        City coordinates (finite).
    tours : sequence of int arrays of shape (n,), or an int array of shape (n_tours, n)
        Closed tours to draw (e.g. the raw network tour and the polished one), each a permutation
        of 0..n-1; None entries are skipped. One tour goes in a list: ``[tour]``.
    labels : sequence of str, optional
        A title per entry of ``tours`` (e.g. with its length; None for no title).
    energy_trace : 1-D array, optional
        Plotted in an extra panel.
    title : str, optional
        Title of the whole figure (instance, method, gap).
    V : array_like, shape (n, n), optional
        The network's final activity :math:`V_{Xi} \in [0, 1]` (city X at position i), drawn as an
        image: a valid tour is a permutation matrix.
    path : str or path-like, optional
        Where to write the figure (format by suffix, PNG if none); the figure is returned either
        way. Its folder must exist.
    """
    from .optimize.tsp import _check_tour

    path = _check_path(path)
    xy = check_finite_array(coords, "coords", ndim=2)
    if xy.shape[1] != 2:
        raise ValueError(f"`coords` must have shape (n_cities, 2); got {xy.shape}.")
    n = xy.shape[0]
    single = "`tours` is a single tour; pass a list of tours: tours=[tour]."
    if isinstance(tours, np.ndarray):
        if tours.ndim == 1:
            raise TypeError(single)
        if tours.ndim != 2:
            raise ValueError(f"`tours` as an array must be 2-D (n_tours, n_cities); got shape {tours.shape}.")
    elif isinstance(tours, str | bytes) or not isinstance(tours, Sequence):
        raise TypeError("`tours` must be a list of tours (int arrays of shape (n_cities,)) or a 2-D "
                        f"array of them; got {type(tours).__name__}.")
    tours = list(tours)
    if tours and all(isinstance(t, numbers.Number) for t in tours):
        raise TypeError(single)
    tours = [None if t is None else _check_tour(t, n, name=f"tours[{k}]", against="coords")
             for k, t in enumerate(tours)]
    if labels is not None:
        labels = [None if x is None else str(x) for x in _check_entries(labels, "labels", len(tours), "tour")]
    if energy_trace is not None:
        energy_trace = check_finite_array(energy_trace, "energy_trace", ndim=1, allow_empty=True)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"`title` must be a str or None; got {type(title).__name__}.")
    if V is not None:
        V = check_finite_array(V, "V", ndim=2)
        if V.shape != (n, n):
            raise ValueError(f"`V` must have shape ({n}, {n}) (city × tour position) to match `coords`; "
                             f"got {V.shape}.")
        if V.min() < 0 or V.max() > 1:
            raise ValueError(f"`V` must hold activities in [0, 1]; found values from {V.min():g} to "
                             f"{V.max():g}.")
    pairs = [(t, None if labels is None else labels[k]) for k, t in enumerate(tours) if t is not None]
    n_extra = (energy_trace is not None) + (V is not None)
    ncol = max(len(pairs) + n_extra, 1)
    if ncol > MAX_PANELS:
        raise ValueError(f"`tours` holds {len(pairs)} tours, more panels than one figure may hold "
                         f"({MAX_PANELS}); draw them in several figures.")
    fig, axes = _new_figure(1, ncol, figsize=(4.2 * ncol, 4.6), squeeze=False)
    for k, (tour, label) in enumerate(pairs):
        ax = axes[0, k]
        t = np.append(tour, tour[0])
        ax.plot(xy[t, 0], xy[t, 1], "-", color="tab:blue", lw=1.2, label="tour")
        ax.plot(xy[:, 0], xy[:, 1], "o", color="tab:red", ms=3.5, label="city")
        ax.plot(xy[tour[0], 0], xy[tour[0], 1], "s", color="black", ms=5, label="first city")
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(fontsize=7, loc="best")
        if label:
            ax.set_title(label, fontsize=9)
    if not pairs:
        axes[0, 0].plot(xy[:, 0], xy[:, 1], "o", color="tab:red", ms=3.5, label="city")
        axes[0, 0].set_title("no valid tour", fontsize=9)
        axes[0, 0].legend(fontsize=7, loc="best")
    col = len(pairs) if pairs else 1
    if V is not None:
        ax = axes[0, min(col, ncol - 1)]
        im = ax.imshow(V, cmap="gray_r", vmin=0, vmax=1)
        ax.set(xlabel="tour position i", ylabel="city X")
        ax.set_title("network state V (a tour is a permutation matrix)", fontsize=9)
        fig.colorbar(im, ax=ax, fraction=0.046)
        col += 1
    if energy_trace is not None:
        ax = axes[0, ncol - 1]
        ax.plot(energy_trace, label="energy")
        ax.set_xlabel("record")
        ax.set_title("network energy", fontsize=9)
        ax.legend(fontsize=7, loc="best")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def basins_figure(survey, basins, *, probability=None, path=None):
    """Where random starts end (bars) and each pattern's recall probability against distance.

    Parameters
    ----------
    survey : hopfield.analysis.Survey
        From :func:`hopfield.analysis.random_start_survey`.
    basins : hopfield.analysis.BasinRadii
        From :func:`hopfield.analysis.basin_radius`.
    probability : float, optional
        The recall probability in [0, 1] that defines the basin radius, drawn as a horizontal line.
    path : str or path-like, optional
        Where to write the figure (format by suffix, PNG if none); the figure is returned either
        way. Its folder must exist.
    """
    from .analysis import BasinRadii, Survey

    path = _check_path(path)
    if not isinstance(survey, Survey):
        raise TypeError("`survey` must be a Survey (from hf.analysis.random_start_survey); got "
                        f"{type(survey).__name__}.")
    if not isinstance(basins, BasinRadii):
        raise TypeError("`basins` must be a BasinRadii (from hf.analysis.basin_radius); got "
                        f"{type(basins).__name__}.")
    if probability is not None:
        probability = float(check_scalar(probability, "probability", min_val=0.0, max_val=1.0))
    fig, (ax1, ax2) = _new_figure(1, 2, figsize=(11, 4.2))
    kinds = [k for k in survey.counts if survey.counts[k] > 0]
    fractions = [survey.counts[k] / survey.n_starts for k in kinds]
    bars = ax1.bar(range(len(kinds)), fractions, color="tab:blue")
    ax1.bar_label(bars, labels=[f"{f:.0%}" for f in fractions], fontsize=8)
    ax1.set_xticks(range(len(kinds)), kinds, rotation=30, ha="right")
    ax1.set(ylabel="fraction of random starts", ylim=(0, 1.08),
            title=f"where {survey.n_starts} random starts end")
    success = np.asarray(basins.success, dtype=float)
    radii = np.asarray(basins.radii)
    for mu in range(success.shape[0]):
        ok = ~np.isnan(success[mu])
        ax2.plot(radii[ok], success[mu, ok], marker="o", ms=3,
                 label=f"pattern {mu} (radius {basins.radius[mu]})")
    if probability is not None:
        ax2.axhline(probability, color="gray", ls="--", lw=1, label=f"p = {probability:g}")
    ax2.set(xlabel="Hamming distance of the probe", ylabel="exact recall probability",
            ylim=(-0.03, 1.03), title="basins of attraction")
    ax2.legend(fontsize=7, loc="best", ncol=1 if success.shape[0] <= 8 else 2)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def paired_associate_figure(results, *, path=None):
    """Accuracy against repetitions and against lag, and the intrusion rates, with error bars.

    Parameters
    ----------
    results : dict of str -> hopfield.human_memory.PairedAssociateResult
        One result per condition (the legend labels), e.g. ``{"drift 0.1": r1, "no drift": r0}``.
    path : str or path-like, optional
        Where to write the figure (format by suffix, PNG if none); the figure is returned either
        way. Its folder must exist.
    """
    from .human_memory import PairedAssociateResult

    path = _check_path(path)
    if not isinstance(results, Mapping):
        raise TypeError("`results` must be a dict of condition label -> PairedAssociateResult, e.g. "
                        f"{{'drift 0.1': result}}; got {type(results).__name__}.")
    if not results:
        raise ValueError("`results` is empty; pass at least one PairedAssociateResult.")
    for label, r in results.items():
        if not isinstance(r, PairedAssociateResult):
            raise TypeError(f"`results[{label!r}]` is a {type(r).__name__}, not a PairedAssociateResult "
                            "(from hf.human_memory.paired_associate_experiment).")
    fig, ax = _new_figure(1, 3, figsize=(13, 4))
    kinds = ("correct", "within_list", "prior_list", "omission")
    width = 0.8 / max(1, len(results))
    for k, (label, r) in enumerate(results.items()):
        label = str(label)
        ax[0].errorbar(r.repetitions, r.accuracy_by_repetition, yerr=r.accuracy_by_repetition_se,
                       marker="o", capsize=3, label=label)
        edges = np.asarray(r.lag_bins, dtype=float)
        upper = np.minimum(edges[1:], np.nanmax(r.trials["lag"]) + 1)
        centres = 0.5 * (edges[:-1] + upper - 1)
        ax[1].errorbar(centres, r.accuracy_by_lag, yerr=r.accuracy_by_lag_se, marker="s", capsize=3,
                       label=label)
        ax[2].bar(np.arange(len(kinds)) + k * width, [r.intrusions[x] for x in kinds], width,
                  yerr=[r.intrusions_se[x] for x in kinds], capsize=3, label=label)
    ax[0].set(xlabel="study repetitions", ylabel="cued-recall accuracy", title="repetition", ylim=(0, 1.05))
    ax[0].xaxis.get_major_locator().set_params(integer=True)
    ax[1].set(xlabel="lag (events since the last study)", ylabel="cued-recall accuracy",
              title="forgetting with lag", ylim=(0, 1.05))
    ax[2].set_xticks(np.arange(len(kinds)) + width * (len(results) - 1) / 2)
    ax[2].set_xticklabels(["correct", "within-list\nintrusion", "prior-list\nintrusion", "omission"])
    ax[2].set(ylabel="fraction of trials", title="responses")
    for a in ax:
        a.legend(fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
