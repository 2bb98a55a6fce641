"""Classic results of the Hopfield literature, regenerated with this library and checked against
the papers (``hopfield reproduce``).

Each reproduction is one module named after the paper result, with a ``run(ctx) -> Result``
function, a ``TITLE`` and ``PARAMETERS = {"quick": {...}, "full": {...}}``. Every row of a
:class:`Result` sets a published value beside the measured one with its Monte-Carlo error, and its
verdict is computed from them (:func:`~hopfield.reproduce.result.verdict`).

Examples
--------
>>> from hopfield import reproduce
>>> "ags1985" in reproduce.REPRODUCTIONS
True
"""

from __future__ import annotations

import importlib
import time
from concurrent.futures import Executor
from pathlib import Path

from ._context import Context
from .report import index_markdown, report_markdown, write_index, write_report
from .result import Result, Row, binomial_error, verdict

__all__ = [
    "REPRODUCTIONS",
    "Context",
    "Result",
    "Row",
    "binomial_error",
    "describe",
    "index_markdown",
    "report_markdown",
    "run",
    "verdict",
    "write_index",
    "write_report",
]

#: name -> module (relative to this package); modules are imported only when run or described
REPRODUCTIONS = {
    "hopfield1982": ".hopfield1982",
    "ags1985": ".ags1985",
    "mceliece1987": ".mceliece1987",
    "learning_rules": ".learning_rules",
    "mixtures": ".mixtures",
    "glauber": ".glauber",
    "krotov_hopfield2016": ".krotov_hopfield2016",
    "demircigil2017": ".demircigil2017",
    "ramsauer2021": ".ramsauer2021",
    "hopfield_tank1985": ".hopfield_tank1985",
    "potts_tsplib": ".potts_tsplib",
    "model_b_attention": ".model_b_attention",
    "ham_energy": ".ham_energy",
}


def _module(name: str):
    if name not in REPRODUCTIONS:
        raise KeyError(f"unknown reproduction {name!r}; choose from {', '.join(REPRODUCTIONS)} "
                       "(or see `hopfield reproduce --list`)")
    return importlib.import_module(REPRODUCTIONS[name], __name__)


def describe(name: str) -> str:
    """One-line title of a reproduction."""
    return _module(name).TITLE


def run(name: str, *, quick: bool = False, seed: int = 0, out=None,
        executor: Executor | None = None, progress=None, formats=("png", "svg")) -> Result:
    """Run one reproduction; with ``out``, also write its figures and Markdown report there.

    Parameters
    ----------
    name : str
        A key of :data:`REPRODUCTIONS`.
    quick : bool, default=False
        Small sizes and few trials (what the test suite runs).
    seed : int, default=0
    out : path, optional
        Directory for figures and ``<name>.md`` (None: no files).
    executor : concurrent.futures.Executor, optional
        Runs the independent trials (a ``ProcessPoolExecutor``, or a Dask client's
        ``get_executor()``); results do not depend on it.
    progress : callable(label) -> callable(done, total), optional
    formats : tuple of str, default=("png", "svg")

    Returns
    -------
    Result
    """
    mod = _module(name)
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(f"`executor` must be a concurrent.futures.Executor; got {type(executor).__name__}.")
    outp = None if out is None else Path(out)
    ctx = Context(quick=bool(quick), seed=int(seed), out=outp, executor=executor, progress=progress,
                  formats=tuple(formats))
    t0 = time.perf_counter()
    res = mod.run(ctx)
    import dataclasses

    res = dataclasses.replace(res, run_time=time.perf_counter() - t0)
    if outp is not None:
        write_report(res, outp)
    return res
