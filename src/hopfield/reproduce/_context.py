"""What a reproduction module gets to run with: quick or full, the seed, where figures go, an
executor for its trials and a progress callback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Context"]


@dataclass(frozen=True)
class Context:
    """Run settings handed to each reproduction's ``run(ctx)``.

    Attributes
    ----------
    quick : bool
        Small sizes and few trials (the test-suite version).
    seed : int
        Root seed; each module spawns its per-trial seeds from it.
    out : Path or None
        Directory for figures (None: draw no figures).
    executor : concurrent.futures.Executor or None
        Runs independent trials (None: in this process).
    progress : callable(label) -> callable(done, total), optional
        Makes a progress bar for a labelled batch of trials.
    formats : tuple of str
        Figure formats written by :meth:`save_figure`.
    """

    quick: bool = True
    seed: int = 0
    out: Path | None = None
    executor: Executor | None = None
    progress: Callable | None = None
    formats: tuple = ("png", "svg")

    def params(self, parameters: dict) -> dict:
        """The ``"quick"`` or ``"full"`` entry of a module's ``PARAMETERS``."""
        return dict(parameters["quick" if self.quick else "full"])

    def seeds(self, count: int, *, key: int = 0) -> list:
        """``count`` independent SeedSequences from the root seed (``key`` separates sub-experiments)."""
        return np.random.SeedSequence([self.seed, key]).spawn(count)

    def map(self, fn, tasks: Sequence, label: str) -> list:
        """``[fn(t) for t in tasks]`` on the executor (in task order), with a progress bar.

        ``fn`` must be a module-level function (picklable) when the executor is a process pool or
        a Dask client's executor.
        """
        from ..analysis.capacity import InProcessExecutor, _map

        bar = None if self.progress is None else self.progress(label)
        executor = InProcessExecutor() if self.executor is None else self.executor
        return _map(list(tasks), executor, work=0.0, progress=bar, fn=fn)

    def save_figure(self, fig, stem: str) -> tuple:
        """Write ``fig`` as ``<out>/<stem>.<fmt>`` for each format; returns the file names."""
        if self.out is None:
            return ()
        self.out.mkdir(parents=True, exist_ok=True)
        names = []
        for fmt in self.formats:
            name = f"{stem}.{fmt}"
            fig.savefig(self.out / name, dpi=110, bbox_inches="tight")
            names.append(name)
        return tuple(names)
