"""Capacity curves: recall quality of the classical network against the load α = P/N.

In each trial P random patterns are stored, every stored pattern (with ``noise`` of its bits
flipped) is used as a probe in one batched recall, and five measures are recorded: exact-recall
rate, mean final overlap, fraction of wrong bits, fraction of the stored patterns that are fixed
points, and whether all of them are. By default (``nested=True``) a trial draws one pattern set
and measures every load on its first P patterns; with ``nested=False`` each (load, trial) pair
draws fresh patterns. Trials are independent tasks seeded by ``SeedSequence.spawn``, so a curve
is identical for a given seed whichever executor runs it.

With fresh patterns per (load, trial) and Hebb's rule, the trials of one load run as one task
and one kernel call: each trial draws its patterns, probes and update orders from its own seed
exactly as a single trial would, and the pattern-form kernel (:mod:`hopfield.dynamics.coupling`)
recalls every probe of every trial on its own trial's patterns, without forming any N×N matrix.
The results are those of the per-trial runs, bit for bit.
"""

from __future__ import annotations

import io
import numbers
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, fields

import numpy as np

from .._results import SummaryRepr
from .._validation import check_budget, check_finite_array, check_option, check_scalar, check_seed_sequence
from ..rules import RULES, AbstractRule

__all__ = ["CapacityCurve", "InProcessExecutor", "capacity_curve"]

#: per-trial measures, in the order the columns appear
_MEASURES = ("recall_rate", "overlap", "bit_error", "fixed_fraction", "all_fixed_rate")
#: above this many multiply-adds (Σ P·N²·trials) a local process pool pays for its start-up
_POOL_WORK = 5e10


@dataclass(frozen=True, repr=False)
class CapacityCurve(SummaryRepr):
    """A capacity curve: one row per load, NumPy columns, spreads over trials.

    Attributes
    ----------
    rule : str
        Learning rule name.
    n_neurons : int
    noise : float
        Fraction of bits flipped in each probe.
    update : str
    trials : int
    load : ndarray of float
        Actual load :math:`\\alpha = P/N`.
    n_patterns : ndarray of int
    recall_rate, recall_rate_std : ndarray of float
        Fraction of probes that end exactly on their pattern; mean and std over trials.
    overlap, overlap_std : ndarray of float
        Mean final overlap :math:`m = \\xi \\cdot s / N` with the probe's pattern.
    bit_error, bit_error_std : ndarray of float
        Mean fraction of wrong bits, :math:`(1 - m)/2`.
    fixed_fraction, fixed_fraction_std : ndarray of float
        Fraction of stored patterns that are exact fixed points: the probability that a given
        pattern is stable, McEliece et al.'s "most memories" criterion (:math:`N/(2\\ln N)`).
    all_fixed_rate, all_fixed_rate_std : ndarray of float
        Fraction of trials in which every probed stored pattern is a fixed point: McEliece et
        al.'s "every memory" criterion (:math:`N/(4\\ln N)`; of the probed patterns only, when
        ``probes_per_trial`` subsamples).
    nested : bool
        Whether each trial measured all loads on one growing pattern set.
    probes_per_trial : int or None
        Patterns probed per trial (None: all P).
    """

    rule: str
    n_neurons: int
    noise: float
    update: str
    trials: int
    load: np.ndarray
    n_patterns: np.ndarray
    recall_rate: np.ndarray
    recall_rate_std: np.ndarray
    overlap: np.ndarray
    overlap_std: np.ndarray
    bit_error: np.ndarray
    bit_error_std: np.ndarray
    fixed_fraction: np.ndarray
    fixed_fraction_std: np.ndarray
    all_fixed_rate: np.ndarray
    all_fixed_rate_std: np.ndarray
    nested: bool = True
    probes_per_trial: int | None = None

    #: names of the per-load columns
    COLUMNS = ("load", "n_patterns", "recall_rate", "recall_rate_std", "overlap", "overlap_std",
               "bit_error", "bit_error_std", "fixed_fraction", "fixed_fraction_std",
               "all_fixed_rate", "all_fixed_rate_std")

    def __len__(self) -> int:
        return int(self.load.shape[0])

    def sem(self, measure: str) -> np.ndarray:
        """Standard error of the mean of ``measure`` over trials (std / √trials)."""
        check_option(measure, "measure", _MEASURES)
        return getattr(self, f"{measure}_std") / np.sqrt(self.trials)

    def to_csv(self, path=None) -> str:
        """The table as CSV (header row; the run's settings repeated on each row); written to
        ``path`` if given, and returned as a string."""
        buf = io.StringIO()
        head = ("rule", "n_neurons", "noise", "update", "trials", *self.COLUMNS, "nested",
                "probes_per_trial")
        buf.write(",".join(head) + "\n")
        for r in range(len(self)):
            vals = [self.rule, str(self.n_neurons), repr(self.noise), self.update, str(self.trials)]
            for c in self.COLUMNS:
                v = getattr(self, c)[r]
                vals.append(str(int(v)) if c == "n_patterns" else f"{float(v):.10g}")
            vals += [str(self.nested), "" if self.probes_per_trial is None else str(self.probes_per_trial)]
            buf.write(",".join(vals) + "\n")
        text = buf.getvalue()
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text

    def as_dict(self) -> dict:
        """The fields as a dict of scalars and arrays."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class InProcessExecutor(Executor):
    """An executor that runs each task at once in the calling process (no pool, no pickling)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Run ``fn(*args, **kwargs)`` now and return its completed future."""
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            fut.set_exception(exc)
        return fut


def _trial(rule, n_neurons: int, n_patterns: int, noise: float, update: str, max_sweeps: int,
           n_probes: int, seed: np.random.SeedSequence) -> np.ndarray:
    """One trial (clean input assumed): returns the measures of :data:`_MEASURES`, over the
    first ``n_probes`` stored patterns (random patterns: an unbiased subsample)."""
    from .. import patterns as pat
    from ..classical import HopfieldNetwork

    gen = np.random.default_rng(seed)
    x = pat.random(n_patterns, n_neurons, rng=gen)
    net = HopfieldNetwork(n_neurons, rule=rule)
    net.store(x)
    targets = x[:n_probes]
    probes = pat.flip(targets, noise, rng=gen) if noise > 0 else targets
    res = net.recall(probes, update=update, max_sweeps=max_sweeps, rng=gen)
    m = np.einsum("bi,bi->b", res.states.astype(np.float64), targets) / n_neurons
    exact = np.all(res.states == targets, axis=1)
    fixed = res.flips == 0 if noise == 0 else net.is_fixed_point(targets)
    return np.array([exact.mean(), m.mean(), ((1.0 - m) / 2.0).mean(), np.mean(fixed),
                     float(np.all(fixed))])


def _nested_trial(rule, n_neurons: int, counts: np.ndarray, noise: float, update: str,
                  max_sweeps: int, probed: np.ndarray, seed: np.random.SeedSequence) -> np.ndarray:
    """One trial over all loads on one growing pattern set (clean input; ``counts`` increasing):
    the patterns of load k are the first ``counts[k]`` of one random set, stored incrementally
    where the rule allows. Returns (n_loads, len(_MEASURES)) measures."""
    from .. import patterns as pat
    from ..classical import HopfieldNetwork

    gen = np.random.default_rng(seed)
    x = pat.random(int(counts[-1]), n_neurons, rng=gen)
    net = HopfieldNetwork(n_neurons, rule=rule)
    out = np.empty((len(counts), len(_MEASURES)))
    for k, p in enumerate(counts):
        if p > net.n_patterns:
            net.store(x[net.n_patterns:p])
        targets = x[:probed[k]]
        probes = pat.flip(targets, noise, rng=gen) if noise > 0 else targets
        res = net.recall(probes, update=update, max_sweeps=max_sweeps, rng=gen)
        m = np.einsum("bi,bi->b", res.states.astype(np.float64), targets) / n_neurons
        exact = np.all(res.states == targets, axis=1)
        # from the stored pattern, a zero-temperature run makes no flip iff it is a fixed point
        fixed = res.flips == 0 if noise == 0 else net.is_fixed_point(targets)
        out[k] = [exact.mean(), m.mean(), ((1.0 - m) / 2.0).mean(), np.mean(fixed),
                  float(np.all(fixed))]
    return out


def _batched_hebb(rule, n_neurons: int, n_probes: int, n_patterns: int, noise: float) -> bool:
    """Whether the trials of one load run as one pattern-form kernel call: Hebb weights (kept as
    integers), and the pattern form cheaper than forming K (see ``coupling.choose_form``)."""
    from ..dynamics.coupling import cheaper_form

    if not (rule == "hebb" or isinstance(rule, RULES["hebb"])):
        return False
    unstable = round(noise * n_neurons) * n_probes
    return cheaper_form(n_neurons, n_patterns, n_probes, unstable, False) == "patterns"


def _load_trials(rule, n_neurons: int, n_patterns: int, noise: float, update: str,
                 max_sweeps: int, n_probes: int, seeds: list) -> np.ndarray:
    """All trials of one load (fresh patterns each, Hebb's rule) in one kernel call; returns
    (trials, len(_MEASURES)) measures, equal to :func:`_trial` on each seed (clean input)."""
    from .. import patterns as pat
    from ..dynamics._kernels import TIE_KEEP
    from ..dynamics.coupling import Coupling, exact_product, transpose
    from ..dynamics.updates import async_kernel
    from ..rules import Hebb, _hebb_scale

    hebb = rule if isinstance(rule, Hebb) else Hebb()
    n, p, t = n_neurons, n_patterns, len(seeds)
    xs, targets, probes, orders = [], [], [], []
    for seed in seeds:  # the draws of _trial, in its order
        gen = np.random.default_rng(seed)
        x = pat.random(p, n, rng=gen)
        xs.append(x)
        targets.append(x[:n_probes])
        probes.append(pat.flip(x[:n_probes], noise, rng=gen) if noise > 0 else x[:n_probes].copy())
        orders.append(gen.integers(0, 2**63, size=n_probes, dtype=np.uint64))
    xt = np.empty((t, n, p), dtype=np.int8)  # each trial's Ξᵀ
    for g, x in enumerate(xs):
        xt[g] = transpose(x)
    states = np.concatenate(probes)
    group = np.repeat(np.arange(t), n_probes)
    stack = Coupling.hebb_stack(xt, _hebb_scale(hebb.normalize, n, p), hebb.zero_diagonal)
    cdiag = stack.cdiag
    overlaps = np.concatenate([exact_product(probes[g], xt[g], n) for g in range(t)])
    energies = np.zeros(states.shape[0])  # energies are not measured: any start value will do
    _, _, flips = async_kernel(
        stack, "patterns", None, overlaps, states, np.zeros(states.shape, np.bool_),
        "random" if update == "async" else "fixed", TIE_KEEP, np.full(max_sweeps, np.inf),
        np.concatenate(orders), energies, np.zeros((states.shape[0], 0)), group=group,
    )
    out = np.empty((t, len(_MEASURES)))
    for g in range(t):
        rows = slice(g * n_probes, (g + 1) * n_probes)
        s, tg = states[rows], targets[g]
        m = np.einsum("bi,bi->b", s.astype(np.float64), tg) / n
        exact = np.all(s == tg, axis=1)
        if noise == 0:  # from the stored pattern, no flip iff it is a fixed point
            fixed = flips[rows] == 0
        else:  # tie "keep": a zero field is stable
            h = exact_product(exact_product(tg, xt[g], n), xs[g], n * p) - cdiag * tg.astype(np.int64)
            fixed = np.all(h * tg >= 0, axis=1)
        out[g] = [exact.mean(), m.mean(), ((1.0 - m) / 2.0).mean(), np.mean(fixed),
                  float(np.all(fixed))]
    return out


def _run_task(args) -> np.ndarray:
    if args[0] == "load":
        return _load_trials(*args[1:])
    if isinstance(args[2], np.ndarray):
        return _nested_trial(*args)
    return _trial(*args)


def capacity_curve(
    rule="hebb",
    n_neurons: int = 1000,
    loads: Sequence[float] = (0.05, 0.1, 0.138, 0.2),
    *,
    trials: int = 10,
    noise: float = 0.0,
    update: str = "async",
    max_sweeps: int = 100,
    probes_per_trial: int | None = None,
    nested: bool = True,
    rng=None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CapacityCurve:
    """Measure recall against the load :math:`\\alpha = P/N` for one learning rule.

    For each load, :math:`P = \\max(1, \\mathrm{round}(\\alpha N))`; in each of ``trials`` trials
    P random patterns are stored (by default the first P of the trial's one pattern set, see
    ``nested``), each pattern with a fraction ``noise`` of its bits flipped is a probe (all P
    probes in one batched recall), and the run ends at a fixed point or after ``max_sweeps``
    sweeps.

    Parameters
    ----------
    rule : str or rules.AbstractRule, default="hebb"
        ``"hebb"``, ``"storkey"``, ``"pseudoinverse"``, ``"mackay"`` or a (picklable) rule object.
    n_neurons : int, default=1000
    loads : sequence of float
        Loads α > 0.
    trials : int, default=10
    noise : float, default=0.0
        Fraction of bits flipped in each probe (0: start on the stored pattern).
    update : {"async", "sequential", "sync"}, default="async"
    max_sweeps : int, default=100
    probes_per_trial : int, optional
        Probe (and test for stability) only the first this many stored patterns of each trial
        (default: all P). The patterns are independent, so this is an unbiased subsample that
        trades precision for time at large P.
    nested : bool, default=True
        True: each trial draws one random set of :math:`P_{\\max}` patterns and measures every
        load on its first P patterns, storing them incrementally (one task per trial; loads of
        one trial share patterns, which smooths the curve and, for incremental rules such as
        Hebb and Storkey, costs one storage of :math:`P_{\\max}` patterns instead of one per
        load). False: fresh patterns for every (load, trial) pair (one task each).
    rng : int, numpy.random.SeedSequence or Generator, optional
        Root of the per-task seeds (``SeedSequence.spawn``); the same seed gives the same curve on
        any executor.
    executor : concurrent.futures.Executor, optional
        Runs the trials (e.g. ``dask.distributed.Client(...).get_executor()``, or
        :class:`InProcessExecutor`). By default a local ``ProcessPoolExecutor`` (spawned workers)
        when the work is large, else in-process.
    progress : callable(done, total), optional
        Called after each finished trial.

    Returns
    -------
    CapacityCurve

    Notes
    -----
    McEliece et al. give two criteria, and the curve reports both: ``fixed_fraction``, the
    fraction of stored patterns that are fixed points, tests "most memories are stable" (each
    given pattern is stable w.h.p. below :math:`N/(2\\ln N)`); ``all_fixed_rate``, the fraction
    of trials in which every pattern is, tests "every memory is stable" (w.h.p. below
    :math:`N/(4\\ln N)`). The bit-error rate from the stored
    pattern measures the Amit–Gutfreund–Sompolinsky transition: about 1.6% wrong bits just below
    :math:`\\alpha_c = 0.138`, collapse above (Theory reference §2.1–§2.2).

    References
    ----------
    Amit, Gutfreund & Sompolinsky, PRL 55:1530 (1985); McEliece et al., IEEE Trans. IT 33:461
    (1987); Storkey, ICANN'97 (1997); Kanter & Sompolinsky, PRA 35:380 (1987).

    Examples
    --------
    >>> import hopfield as hf
    >>> c = hf.analysis.capacity_curve("hebb", 200, [0.05], trials=2, rng=0)
    >>> float(c.bit_error[0]) < 0.01
    True
    """
    rule_spec = _check_rule(rule)
    check_scalar(n_neurons, "n_neurons", numbers.Integral, min_val=2)
    n = int(n_neurons)
    alphas = check_finite_array(loads, "loads", allow_empty=True)
    if alphas.ndim != 1 or alphas.size == 0:
        raise ValueError(f"`loads` must be a non-empty 1-D sequence of floats; got shape {alphas.shape}.")
    if not np.all(np.isfinite(alphas)) or np.any(alphas <= 0):
        raise ValueError("`loads` must be finite and > 0.")
    check_budget(trials, "trials")
    check_scalar(noise, "noise", numbers.Real, min_val=0.0, max_val=1.0)
    check_option(update, "update", ("async", "sequential", "sync"))
    check_budget(max_sweeps, "max_sweeps")
    if probes_per_trial is not None:
        check_budget(probes_per_trial, "probes_per_trial")
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(f"`executor` must be a concurrent.futures.Executor; got {type(executor).__name__}.")
    if not isinstance(nested, bool):
        raise TypeError(f"`nested` must be a bool; got {type(nested).__name__}.")
    root = check_seed_sequence(rng)
    counts = np.maximum(1, np.rint(alphas * n)).astype(np.int64)
    probed = counts if probes_per_trial is None else np.minimum(counts, probes_per_trial)
    work = float(probed.sum() + counts.sum()) * n * n * trials
    if nested:
        order = np.argsort(counts, kind="stable")
        seeds = root.spawn(trials)
        tasks = [(rule_spec, n, counts[order], float(noise), update, int(max_sweeps),
                  probed[order], seeds[t]) for t in range(trials)]
        results = np.asarray(_map(tasks, executor, work=work, progress=progress))
        per = np.empty((len(counts), trials, len(_MEASURES)))
        per[order] = results.transpose(1, 0, 2)
    else:
        seeds = root.spawn(len(counts) * trials)
        tasks = []
        for k, p in enumerate(counts):
            spec = (rule_spec, n, int(p), float(noise), update, int(max_sweeps), int(probed[k]))
            mine = seeds[k * trials:(k + 1) * trials]
            if update != "sync" and _batched_hebb(rule_spec, n, int(probed[k]), int(p), noise):
                tasks.append(("load", *spec, mine))  # one task and one kernel call per load
            else:
                tasks.extend((*spec, sd) for sd in mine)
        results = _map(tasks, executor, work=work, progress=progress)
        per = np.concatenate([np.atleast_2d(r) for r in results]).reshape(
            len(counts), trials, len(_MEASURES))
    mean, std = per.mean(axis=1), per.std(axis=1, ddof=1) if trials > 1 else np.zeros_like(per[:, 0])
    cols = {}
    for j, name in enumerate(_MEASURES):
        cols[name], cols[f"{name}_std"] = mean[:, j], std[:, j]
    name = rule_spec if isinstance(rule_spec, str) else rule_spec.name
    return CapacityCurve(rule=name, n_neurons=n, noise=float(noise), update=update,
                         trials=int(trials), load=counts / n, n_patterns=counts, **cols,
                         nested=nested,
                         probes_per_trial=None if probes_per_trial is None else int(probes_per_trial))


def _check_rule(rule):
    if isinstance(rule, AbstractRule):
        return rule
    if isinstance(rule, str):
        return check_option(rule, "rule", RULES)
    raise TypeError(f"`rule` must be a rule name ({', '.join(RULES)}) or a rules.AbstractRule; "
                    f"got {type(rule).__name__}.")



def _map(tasks, executor, *, work: float, progress, fn=None) -> list:
    """Run ``fn(task)`` for each task (default: a capacity trial), on ``executor`` or a default
    local pool when ``work`` is large; results in task order. ``fn`` must be picklable (a
    module-level function) for a process pool or a Dask executor."""
    fn = _run_task if fn is None else fn
    own = None
    if executor is None and work >= _POOL_WORK and len(tasks) >= 4 and (os.cpu_count() or 1) > 1:
        import multiprocessing

        # spawn: Numba's threading layers are not fork-safe
        own = executor = ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, len(tasks)),
                                             mp_context=multiprocessing.get_context("spawn"))
    if executor is None or isinstance(executor, InProcessExecutor):
        out = []
        for k, t in enumerate(tasks):  # in order, reporting progress as each trial ends
            out.append(fn(t))
            if progress is not None:
                progress(k + 1, len(tasks))
        return out
    try:
        futures = [executor.submit(fn, t) for t in tasks]
        if progress is not None:
            for k, _ in enumerate(as_completed(futures)):
                progress(k + 1, len(tasks))
        return [f.result() for f in futures]
    finally:
        if own is not None:
            own.shutdown()
