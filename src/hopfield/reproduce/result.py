"""The common result of a reproduction: a table of published against measured values, each with a
verdict computed from the measured value, its Monte-Carlo error and a stated tolerance."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

__all__ = ["RELATIONS", "Z_SCORE", "Result", "Row", "binomial_error", "verdict"]

#: error bars counted as agreement: a measurement within Z_SCORE standard errors (plus the stated
#: tolerance) of the published value reproduces it
Z_SCORE = 3.0

#: relation -> what the published value claims about the quantity
RELATIONS = {
    "≈": "equals the published value within the tolerance",
    "≤": "is at most the published value (plus the tolerance)",
    "≥": "is at least the published value (minus the tolerance)",
}

REPRODUCED, NOT_REPRODUCED = "reproduced", "not reproduced"


def verdict(measured: float, error: float, published: float, tolerance: float,
            relation: str = "≈") -> str:
    """``"reproduced"`` if the measurement agrees with the published claim, else ``"not reproduced"``.

    With slack :math:`s = \\text{tolerance} + z\\,\\sigma` (:data:`Z_SCORE` = 3 standard errors):
    ``"≈"`` needs :math:`|x - p| \\le s`, ``"≤"`` needs :math:`x \\le p + s` and ``"≥"`` needs
    :math:`x \\ge p - s`. A non-finite measurement is never a reproduction.

    Parameters
    ----------
    measured, error : float
        Measured value and its Monte-Carlo standard error (0 for an exact computation).
    published : float
        The published (or closed-form) value.
    tolerance : float
        Absolute tolerance stated with the row (e.g. the finite-size shift or the paper's "about").
    relation : {"≈", "≤", "≥"}, default="≈"
    """
    if relation not in RELATIONS:
        raise ValueError(f"`relation` must be one of {', '.join(RELATIONS)}; got {relation!r}.")
    if not (math.isfinite(measured) and math.isfinite(published)):
        return NOT_REPRODUCED
    slack = tolerance + Z_SCORE * (error if math.isfinite(error) else math.inf)
    if relation == "≈":
        ok = abs(measured - published) <= slack
    elif relation == "≤":
        ok = measured <= published + slack
    else:
        ok = measured >= published - slack
    return REPRODUCED if ok else NOT_REPRODUCED


def binomial_error(successes: float, trials: int) -> float:
    """Standard error of a success fraction, :math:`\\sqrt{\\hat p(1-\\hat p)/n}` with
    :math:`\\hat p = (k + \\tfrac12)/(n + 1)` so that 0/n and n/n keep a non-zero error bar."""
    p = (successes + 0.5) / (trials + 1.0)
    return math.sqrt(p * (1.0 - p) / trials)


@dataclass(frozen=True)
class Row:
    """One quantity: published against measured.

    Attributes
    ----------
    quantity : str
        What is measured, with the conditions (N, load, temperature, …).
    published : float
        The published value (or the closed form the paper states).
    source : str
        Where it comes from, with the Theory reference (docs)'s tag ([P] paper, [A] abstract / author source,
        [S] secondary, [N] re-computed, [U] unverified).
    measured, error : float
        Measured value and its Monte-Carlo standard error (0 for an exact computation).
    tolerance : float
        Absolute tolerance of the comparison (see :func:`verdict`), stated in the report.
    relation : {"≈", "≤", "≥"}, default="≈"
    published_text : str, optional
        How the published value reads in the paper (e.g. "16/20", "about 0.15 N").
    note : str, default=""
        Interpretation of a vague statement, or why the number is not reproduced.
    """

    quantity: str
    published: float
    source: str
    measured: float
    error: float
    tolerance: float
    relation: str = "≈"
    published_text: str | None = None
    note: str = ""

    def __post_init__(self):
        for key in ("published", "measured", "error", "tolerance"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"Row `{key}` must be a real number; got {type(v).__name__}.")
            object.__setattr__(self, key, float(v))
        if self.error < 0 or self.tolerance < 0:
            raise ValueError(f"Row {self.quantity!r}: `error` and `tolerance` must be >= 0.")
        if self.relation not in RELATIONS:
            raise ValueError(f"Row `relation` must be one of {', '.join(RELATIONS)}; got {self.relation!r}.")

    @property
    def verdict(self) -> str:
        """:func:`verdict` of this row."""
        return verdict(self.measured, self.error, self.published, self.tolerance, self.relation)

    @property
    def reproduced(self) -> bool:
        """Whether :attr:`verdict` is ``"reproduced"``."""
        return self.verdict == REPRODUCED


@dataclass(frozen=True)
class Result:
    """Outcome of one reproduction.

    Attributes
    ----------
    name : str
        Registry name (``hopfield reproduce NAME``).
    title : str
    reference : str
        The paper(s) reproduced.
    setup : str
        The paper's protocol as followed here, and how it was scaled down (if it was).
    rows : tuple of Row
    parameters : dict
        Every parameter of the run (sizes, trials, loads, temperatures, …).
    seed : int
        Root seed; the same seed gives the same table on any executor.
    quick : bool
        Whether the quick (test-suite) version ran.
    run_time : float
        Wall time in seconds.
    figures : tuple of str
        Figure file names (PNG and/or SVG, relative to the output directory).
    notes : tuple of str
        Remarks on the whole result (what is not reproduced and why, skipped parts).
    """

    name: str
    title: str
    reference: str
    setup: str
    rows: tuple
    parameters: dict
    seed: int
    quick: bool
    run_time: float
    figures: tuple = ()
    notes: tuple = field(default=())

    @property
    def n_reproduced(self) -> int:
        """Rows whose verdict is ``"reproduced"``."""
        return sum(r.reproduced for r in self.rows)

    @property
    def reproduced(self) -> bool:
        """Whether every row is reproduced."""
        return self.n_reproduced == len(self.rows)

    @property
    def command(self) -> str:
        """The command line that regenerates this result."""
        return f"hopfield reproduce {self.name}{' --quick' if self.quick else ''} --seed {self.seed}"
