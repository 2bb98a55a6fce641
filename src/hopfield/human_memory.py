r"""A Hopfield model of human paired-associate learning (Rizzuto & Kahana 2001; Polyn & Kahana 2008).

Each study event presents a word pair (A, B), two random ±1 vectors, in the current temporal
context c. The pair is stored as one auto-associative memory over :math:`x = [A; B]` (see
:mod:`hopfield.association`), and the context is associated with both words.

**Probabilistic Hebbian learning** (Rizzuto & Kahana 2001). At every study event each weight is
updated with probability p, independently. The item weights stay symmetric with zero diagonal:

.. math:: w_{ij} \mathrel{+}= \frac{m_{ij}}{M}\, x_i x_j,\quad m_{ij} = m_{ji} \sim \mathrm{Bern}(p),
          \qquad u_{ik} \mathrel{+}= \frac{m'_{ik}}{M}\, x_i \delta_k,\quad m'_{ik} \sim \mathrm{Bern}(p),

where :math:`M = 2n_{\rm item} + n_{\rm context}`. A pair studied r times has on average r p of
its Hebb increment, with relative spread :math:`\sqrt{(1-p)/(rp)}`, so **repetition raises
cued-recall accuracy** over pairs studied fewer times. No learning happens at test.

**Contextual drift** (Polyn & Kahana 2008). After every event (study, test, or a pause) a fraction
``drift`` = d of the context units is re-drawn at random. A re-drawn unit keeps its value half the
time, so contexts k events apart overlap by :math:`\langle c(t)\cdot c(t+k)\rangle/n_c = (1 - d)^k`.
The weights see the context through its deviation from its own running average,
:math:`\delta = c - \bar c` with :math:`\bar c \mathrel{+}= \tfrac d2 (c - \bar c)` (time constant
2/d events), a covariance rule for the context units. That
part of the context carries time. A context that never changes (d = 0) then has :math:`\delta = 0`:
it adds nothing and there is no contextual forgetting. Without the running average, every stored
event would share the same context units, a common component that mixes all memories.

**Cued recall.** The cue is A together with the current context. A is clamped, the context drives
every item unit through :math:`u\,\delta_{\rm test}` (an input field, i.e. a threshold
:math:`\theta = -u\,\delta_{\rm test}`), and the B part starts at 0, so its first update sees only
the cue. The item network then runs synchronous updates to a fixed point. Pairs studied long
before the test share less context with it than the pairs studied since, so **accuracy falls
with lag**. The later pairs win more often, and that is where within-list intrusions come from.

**Scoring.** The recalled B is compared with every B studied so far. The best match with overlap
≥ ``match`` is the response, and no match is an omission. The response is *correct* if it is the
cue's partner, a *within-list intrusion* if it is another pair's B from the current list, and a
*prior-list intrusion* if it comes from an earlier list. The article says "the Hopfield network
model is shown to confuse one stored item with that of another upon retrieval".

The parameters of :func:`paired_associate_experiment` are ours. The papers fit theirs to human
data, which this module does not attempt. What it reproduces is the qualitative pattern:

- accuracy rises with repetitions;
- with drift, accuracy falls with lag; without drift it falls much less, and only through the
  interference of the pairs stored before a long-lag test;
- accuracy falls with drift overall;
- there are intrusions, and within-list intrusions outnumber prior-list ones once the context
  drifts, because the context separates the lists.

References
----------
Theory reference §12 (docs/theory.md).
D. S. Rizzuto & M. J. Kahana, "An autoassociative neural network model of paired-associate
learning", Neural Computation 13:2075–2092 (2001).
S. M. Polyn & M. J. Kahana, "Memory search and the neural representation of context", Trends in
Cognitive Sciences 12:24–30 (2008).
"""

from __future__ import annotations

import heapq
import itertools
import numbers
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from ._results import SummaryRepr
from ._validation import check_budget, check_rng, check_scalar, check_seed_sequence, check_states
from .classical import HopfieldNetwork

__all__ = [
    "CORRECT",
    "OMISSION",
    "PRIOR_LIST",
    "WITHIN_LIST",
    "PairedAssociateModel",
    "PairedAssociateResult",
    "paired_associate_experiment",
]

#: outcome codes of a cued-recall trial
CORRECT, WITHIN_LIST, PRIOR_LIST, OMISSION = 0, 1, 2, 3
_TIE_RTOL = 1e-10


class PairedAssociateModel:
    """The network of one simulated participant: items, a drifting context, probabilistic Hebb.

    Parameters
    ----------
    n_item : int
        Units per word (A and B each); the network has 2 n_item item units.
    n_context : int
        Context units.
    p_learn : float, default=0.5
        Probability that a weight is updated at a study event.
    drift : float, default=0.1
        Fraction of context units re-drawn after every event.
    rng : int or numpy.random.Generator, optional
    """

    def __init__(self, n_item: int, n_context: int, *, p_learn: float = 0.5, drift: float = 0.1,
                 rng=None):
        check_scalar(n_item, "n_item", numbers.Integral, min_val=1)
        check_scalar(n_context, "n_context", numbers.Integral, min_val=0)
        check_scalar(p_learn, "p_learn", numbers.Real, min_val=0.0, max_val=1.0)
        check_scalar(drift, "drift", numbers.Real, min_val=0.0, max_val=1.0)
        self.n_item, self.n_context = int(n_item), int(n_context)
        self.p_learn, self.drift = float(p_learn), float(drift)
        self._rng = check_rng(rng)
        n = 2 * self.n_item
        self._w = np.zeros((n, n))  # item–item weights over [A; B]
        self._wc = np.zeros((n, self.n_context))  # context → item weights
        self.context = self._rng.choice(np.array([-1.0, 1.0]), size=self.n_context)
        self._mean = self.context.copy()  # running average of the context

    @property
    def weights(self) -> np.ndarray:
        """Item–item weights over [A; B] learned so far (a copy)."""
        return self._w.copy()

    @property
    def context_weights(self) -> np.ndarray:
        """Context-to-item weights, shape (2 n_item, n_context) (a copy)."""
        return self._wc.copy()

    def context_signal(self) -> np.ndarray:
        r"""The part of the context that carries time: :math:`\delta = c - \bar c`."""
        return self.context - self._mean

    def tick(self) -> None:
        """One event's drift: each context unit is re-drawn with probability ``drift``."""
        redraw = self._rng.random(self.n_context) < self.drift
        fresh = self._rng.choice(np.array([-1.0, 1.0]), size=self.n_context)
        self.context = np.where(redraw, fresh, self.context)
        self._mean += 0.5 * self.drift * (self.context - self._mean)

    def _word(self, x, name: str) -> np.ndarray:
        w, single = check_states(x, name, n_neurons=self.n_item)
        if not single:
            raise ValueError(f"`{name}` must be one word, a 1-D ±1 vector; got shape {np.shape(x)}.")
        return w[0]

    def study(self, a, b) -> None:
        """Store the event: probabilistic Hebb on [a; b] and on its context signal; then drift."""
        x = np.concatenate([self._word(a, "a"), self._word(b, "b")]).astype(np.float64)
        n = x.size + self.n_context
        upper = np.triu(self._rng.random((x.size, x.size)) < self.p_learn, 1)
        self._w += (upper | upper.T) * np.outer(x, x) / n
        learned = self._rng.random((x.size, self.n_context)) < self.p_learn
        self._wc += learned * np.outer(x, self.context_signal()) / n
        self.tick()

    def cued_recall(self, a, *, max_sweeps: int = 50) -> np.ndarray:
        """Recall B from the cue A and the current context (no learning); then drift. Returns B."""
        na = self.n_item
        a = self._word(a, "a")
        drive = self._wc @ self.context_signal()  # the context's input to every item unit
        field_b = self._w[na:, :na] @ a.astype(np.float64) + drive[na:]
        eps = _TIE_RTOL * (np.abs(self._w[na:]).sum(axis=1) + np.abs(drive[na:]))
        b0 = np.where(field_b < -eps, -1, 1).astype(np.int8)  # the B part's first update, from 0
        clamp = np.zeros(2 * na, dtype=bool)
        clamp[:na] = True
        net = HopfieldNetwork.from_weights(self._w, thresholds=-drive)
        out = net.recall(np.concatenate([a, b0]).astype(np.int8), update="sync", max_sweeps=max_sweeps,
                         clamp=clamp).states
        self.tick()
        return out[na:]


@dataclass(frozen=True, repr=False)
class PairedAssociateResult(SummaryRepr):
    """Outcome of :func:`paired_associate_experiment`.

    Every rate is the mean over participants; ``*_se`` is its standard error over participants
    (independent simulated subjects: ``std / sqrt(n_subjects)``).

    Attributes
    ----------
    repetitions : ndarray of int
        The repetition conditions 1..R.
    accuracy_by_repetition, accuracy_by_repetition_se : ndarray, shape (R,)
    lag_bins : ndarray, shape (n_bins + 1,)
        Edges of the lag bins (events between a pair's last study and its test).
    accuracy_by_lag, accuracy_by_lag_se : ndarray, shape (n_bins,)
        NaN where a bin holds no trial.
    intrusions : dict
        ``"within_list"``, ``"prior_list"``, ``"omission"``, ``"correct"``: fraction of all trials.
    intrusions_se : dict
        Their standard errors.
    trials : dict of ndarray
        One entry per trial: ``subject``, ``list``, ``repetitions``, ``lag``, ``outcome`` (see
        :data:`CORRECT`, :data:`WITHIN_LIST`, :data:`PRIOR_LIST`, :data:`OMISSION`) and
        ``list_distance`` (how many lists back a prior-list intrusion came from, 0 otherwise).
    """

    repetitions: np.ndarray
    accuracy_by_repetition: np.ndarray
    accuracy_by_repetition_se: np.ndarray
    lag_bins: np.ndarray
    accuracy_by_lag: np.ndarray
    accuracy_by_lag_se: np.ndarray
    intrusions: dict
    intrusions_se: dict
    trials: dict


def paired_associate_experiment(
    *,
    n_subjects: int = 20,
    n_lists: int = 3,
    pairs_per_list: int = 12,
    max_repetitions: int = 3,
    lags=(0, 2, 4, 8, 16, 24),
    n_item: int = 50,
    n_context: int = 100,
    p_learn: float = 0.5,
    drift: float = 0.1,
    list_break: int = 10,
    match: float = 0.5,
    lag_bins=(0, 1, 3, 5, 9, 17, 1000),
    executor: Executor | None = None,
    rng=None,
) -> PairedAssociateResult:
    """Simulate a continuous cued-recall experiment: mixed repetitions, controlled lags, several lists.

    Each participant works through ``n_lists`` lists of ``pairs_per_list`` new word pairs (random
    ±1 vectors of ``n_item`` units). In a list, pairs are studied one after another, each presented
    r times in a row, with r spread evenly over 1..``max_repetitions``. Each pair is tested
    (cue A, recall B) once the number of events since its last presentation reaches its lag,
    spread evenly over ``lags``. Study and test events are interleaved. When several tests fall
    due at once they queue, and the lag recorded is the one that actually elapsed. Between lists,
    ``list_break`` events of drift pass with nothing learned.

    Parameters
    ----------
    n_subjects : int, default=20
        Independent simulated participants (the unit of the standard errors).
    n_lists, pairs_per_list, max_repetitions : int
    lags : sequence of int, default=(0, 2, 4, 8, 16, 24)
        Intended study–test lags, in events.
    n_item, n_context : int
        Units per word, and context units.
    p_learn : float, default=0.5
        Probability that a weight is updated at a study event.
    drift : float, default=0.1
        Fraction of context units re-drawn per event (0: a context that never changes, so no
        contextual forgetting).
    list_break : int, default=10
    match : float, default=0.5
        Overlap with a studied B that counts as recalling it.
    lag_bins : array_like, default=(0, 1, 3, 5, 9, 17, 1000)
        Edges of the lag bins of ``accuracy_by_lag``.
    executor : concurrent.futures.Executor, optional
        Runs the participants, one task each (e.g. a ``ProcessPoolExecutor`` or
        ``dask.distributed.Client(...).get_executor()``); by default they run in this process.
    rng : int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Root of the participants' seeds (``SeedSequence.spawn``): the same ``rng`` gives the same
        result on any executor.

    Returns
    -------
    PairedAssociateResult

    Examples
    --------
    >>> r = paired_associate_experiment(n_subjects=4, n_lists=1, rng=0)
    >>> bool(r.accuracy_by_repetition[-1] >= r.accuracy_by_repetition[0])
    True
    """
    for name, value, lo in (("n_subjects", n_subjects, 2), ("n_lists", n_lists, 1),
                            ("pairs_per_list", pairs_per_list, 2), ("max_repetitions", max_repetitions, 1),
                            ("n_item", n_item, 1), ("n_context", n_context, 0),
                            ("list_break", list_break, 0)):
        check_budget(value, name, min_val=lo)  # each is work: bounded like every iteration budget
    if pairs_per_list % max_repetitions:
        raise ValueError(f"`pairs_per_list` ({pairs_per_list}) must be a multiple of `max_repetitions` "
                         f"({max_repetitions}) so that every repetition condition has as many pairs.")
    lag_values = np.asarray(lags)
    if lag_values.ndim != 1 or lag_values.size == 0 or not np.issubdtype(lag_values.dtype, np.integer) \
            or lag_values.min() < 0:
        raise ValueError(f"`lags` must be a non-empty sequence of non-negative ints; got {lags!r}.")
    check_scalar(match, "match", numbers.Real, min_val=0.0, max_val=1.0)
    PairedAssociateModel(n_item, n_context, p_learn=p_learn, drift=drift)  # checks the model's options
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(f"`executor` must be a concurrent.futures.Executor; got {type(executor).__name__}.")
    design = _Design(n_lists, pairs_per_list, max_repetitions, lag_values, list_break, match)
    seeds = check_seed_sequence(rng).spawn(n_subjects)
    tasks = [(s, design, n_item, n_context, float(p_learn), float(drift), seeds[s])
             for s in range(n_subjects)]
    if executor is None:
        per_subject = [_subject_task(t) for t in tasks]
    else:
        per_subject = [f.result() for f in [executor.submit(_subject_task, t) for t in tasks]]
    trials = {k: np.concatenate([r[k] for r in per_subject]) for k in per_subject[0]}
    return _summarise(trials, n_subjects, max_repetitions, lag_bins)



def _subject_task(task) -> dict:
    """One participant, start to finish (a module-level function, so process pools can run it)."""
    subject, design, n_item, n_context, p_learn, drift, seed = task
    gen = np.random.default_rng(seed)
    model = PairedAssociateModel(n_item, n_context, p_learn=p_learn, drift=drift, rng=gen)
    records = {k: [] for k in ("subject", "list", "repetitions", "lag", "outcome", "list_distance")}
    _run_subject(subject, model, design, gen, records)
    return {k: np.array(v, dtype=np.int64) for k, v in records.items()}


@dataclass(frozen=True)
class _Design:
    n_lists: int
    pairs_per_list: int
    max_repetitions: int
    lags: np.ndarray
    list_break: int
    match: float


def _run_subject(subject, model, design, gen, records):
    n_item, per_list = model.n_item, design.pairs_per_list
    studied_b, b_list = [], []  # every B studied so far, and its list
    for lst in range(design.n_lists):
        a = gen.choice(np.array([-1, 1], dtype=np.int8), size=(per_list, n_item))
        b = gen.choice(np.array([-1, 1], dtype=np.int8), size=(per_list, n_item))
        reps = np.repeat(np.arange(1, design.max_repetitions + 1), per_list // design.max_repetitions)
        gen.shuffle(reps)
        lags = np.resize(design.lags, per_list)
        gen.shuffle(lags)
        offset = len(studied_b)
        studied_b.extend(b)
        b_list.extend([lst] * per_list)
        candidates, owner = np.array(studied_b, dtype=np.float64), np.array(b_list)
        due: list[tuple[int, int]] = []  # (time the test falls due, pair)
        last = np.zeros(per_list, dtype=np.int64)
        clock, nxt = 0, 0
        while nxt < per_list or due:
            if due and due[0][0] <= clock:
                _, k = heapq.heappop(due)
                lag = clock - last[k] - 1
                outcome, distance = _score(model.cued_recall(a[k]), candidates, owner, offset + k, lst,
                                           design.match, n_item)
                for key, value in (("subject", subject), ("list", lst), ("repetitions", reps[k]),
                                   ("lag", lag), ("outcome", outcome), ("list_distance", distance)):
                    records[key].append(value)
            elif nxt < per_list:
                for _ in range(reps[nxt]):
                    model.study(a[nxt], b[nxt])
                    clock += 1
                last[nxt] = clock - 1
                heapq.heappush(due, (clock + int(lags[nxt]), nxt))
                nxt += 1
                continue
            else:
                model.tick()  # waiting for the last tests: time passes
            clock += 1
        for _ in range(design.list_break):
            model.tick()


def _score(recalled, candidates, owner, target, lst, match, n_item):
    """Outcome code of one recall, and how many lists back a prior-list intrusion came from."""
    overlaps = candidates @ recalled / n_item
    best = int(np.argmax(overlaps))
    if overlaps[best] < match:
        return OMISSION, 0
    if best == target:
        return CORRECT, 0
    if owner[best] == lst:
        return WITHIN_LIST, 0
    return PRIOR_LIST, lst - int(owner[best])


def _per_subject_mean(values, subjects, n_subjects, mask):
    """Mean of ``values[mask]`` per subject (NaN for subjects without a trial), then mean and SE."""
    per = np.full(n_subjects, np.nan)
    for s in range(n_subjects):
        sel = mask & (subjects == s)
        if sel.any():
            per[s] = values[sel].mean()
    ok = per[~np.isnan(per)]
    if ok.size == 0:
        return np.nan, np.nan
    se = ok.std(ddof=1) / np.sqrt(ok.size) if ok.size > 1 else np.nan
    return float(ok.mean()), float(se)


def _summarise(trials, n_subjects, max_reps, lag_bins) -> PairedAssociateResult:
    subj, outcome = trials["subject"], trials["outcome"]
    correct = (outcome == CORRECT).astype(np.float64)
    reps = np.arange(1, max_reps + 1)
    by_rep = np.array([_per_subject_mean(correct, subj, n_subjects, trials["repetitions"] == r)
                       for r in reps])
    lags = trials["lag"]
    edges = np.asarray(lag_bins, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError("`lag_bins` must be increasing edges, at least two of them.")
    by_lag = np.array([_per_subject_mean(correct, subj, n_subjects, (lags >= lo) & (lags < hi))
                       for lo, hi in itertools.pairwise(edges)])
    everything = np.ones(outcome.size, dtype=bool)
    names = {"correct": CORRECT, "within_list": WITHIN_LIST, "prior_list": PRIOR_LIST, "omission": OMISSION}
    rates = {k: _per_subject_mean((outcome == code).astype(float), subj, n_subjects, everything)
             for k, code in names.items()}
    return PairedAssociateResult(
        reps, by_rep[:, 0], by_rep[:, 1], edges, by_lag[:, 0], by_lag[:, 1],
        {k: v[0] for k, v in rates.items()}, {k: v[1] for k, v in rates.items()}, trials,
    )
