"""Matplotlib figures. Matplotlib is imported inside each function, never at package import."""

from __future__ import annotations

import numpy as np

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


def figure_path(output, name: str):
    """Where a script writes its figure: ``output`` itself if it names a ``.png``, else
    ``output/<name>.png``; the folder is created."""
    from pathlib import Path

    out = Path(output)
    if out.suffix.lower() == ".png":
        out.parent.mkdir(parents=True, exist_ok=True)
        return out
    out.mkdir(parents=True, exist_ok=True)
    return out / f"{name}.png"


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
        _mark_recall(axes[r, 1], recalled[r], targets[r])
        if names is not None:
            axes[r, 0].set_ylabel(str(names[r]))
        if energy_traces is not None:
            ax = axes[r, 3]
            ax.plot(np.asarray(energy_traces[r]), marker="o", ms=3)
            ax.set_xlabel("sweep")
            ax.xaxis.get_major_locator().set_params(integer=True)
            if r == 0:
                ax.set_title(titles[3])
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


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
    graph : ndarray or scipy.sparse matrix, shape (n, n), optional
        The adjacency of a max-cut result; drawn (each side on its own half circle, cut edges in
        red) when it has at most ``max_drawn_nodes`` nodes.
    best_known : float, optional
        Drawn as a horizontal line on the trace.
    path : str or path-like, optional
        Where to write the figure (PNG by suffix).
    """
    n = 0 if graph is None else graph.shape[0]
    draw = graph is not None and n <= max_drawn_nodes and result.sense == "max"
    fig, axes = new_figure(1, 2 if draw else 1, figsize=(10 if draw else 5.5, 4.5), squeeze=False)
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

        a = sp.coo_array(sp.triu(sp.csr_array(graph), k=1))
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
        Where to write the figure (PNG by suffix); the figure is returned either way.

    References
    ----------
    Theory reference §2.1–§2.3.
    """
    from .analysis import ags_capacity, mceliece_capacity, storkey_capacity

    curves = [curves] if hasattr(curves, "load") else list(curves)
    if not curves:
        raise ValueError("`curves` is empty; pass at least one CapacityCurve.")
    n = curves[0].n_neurons
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(11, 4.2))
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
    """Tours drawn over the cities, one panel per tour, the network state and its energy trace.

    Parameters
    ----------
    coords : array_like, shape (n, 2)
        City coordinates.
    tours : sequence of int arrays of shape (n,)
        Closed tours to draw (e.g. the raw network tour and the polished one); None entries are
        skipped.
    labels : sequence of str, optional
        A title per tour (e.g. with its length).
    energy_trace : 1-D array, optional
        Plotted in an extra panel.
    title : str, optional
        Title of the whole figure (instance, method, gap).
    V : array_like, shape (n, n), optional
        The network's final activity :math:`V_{Xi}` (city X at position i), drawn as an image:
        a valid tour is a permutation matrix.
    path : str or path-like, optional
        Where to write the figure (PNG by suffix); the figure is returned either way.
    """
    xy = np.asarray(coords, dtype=float)
    pairs = [(t, None if labels is None else labels[k]) for k, t in enumerate(tours) if t is not None]
    n_extra = (energy_trace is not None) + (V is not None)
    ncol = max(len(pairs) + n_extra, 1)
    fig, axes = new_figure(1, ncol, figsize=(4.2 * ncol, 4.6), squeeze=False)
    for k, (tour, label) in enumerate(pairs):
        ax = axes[0, k]
        t = np.append(np.asarray(tour), tour[0])
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
        im = ax.imshow(np.asarray(V, dtype=float), cmap="gray_r", vmin=0, vmax=1)
        ax.set(xlabel="tour position i", ylabel="city X")
        ax.set_title("network state V (a tour is a permutation matrix)", fontsize=9)
        fig.colorbar(im, ax=ax, fraction=0.046)
        col += 1
    if energy_trace is not None:
        ax = axes[0, ncol - 1]
        ax.plot(np.asarray(energy_trace, dtype=float), label="energy")
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
        The recall probability that defines the basin radius, drawn as a horizontal line.
    path : str or path-like, optional
        Where to write the figure (PNG by suffix); the figure is returned either way.
    """
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(11, 4.2))
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
        Where to write the figure; the figure is returned either way.
    """
    fig, ax = new_figure(1, 3, figsize=(13, 4))
    kinds = ("correct", "within_list", "prior_list", "omission")
    width = 0.8 / max(1, len(results))
    for k, (label, r) in enumerate(results.items()):
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
