"""Potts mean-field annealing (Peterson & Söderberg 1989) on TSPLIB instances against their known
optima (theory §6).

The TSPLIB files are public benchmark data that the repository does not ship: they are read from
``$HOPFIELD_DATA/tsplib`` or from ``shared/data/tsplib`` beside the repository (searched upwards
from the package and from the working directory). Without them the TSPLIB part is skipped and the
report says so; the quick version always uses a generated 10-city instance solved exactly.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .result import Result, Row

TITLE = "Potts mean-field TSP on TSPLIB instances against their optima"
REFERENCE = ("Peterson & Söderberg, Int. J. Neural Syst. 1:3 (1989); TSPLIB optima (Reinelt, ORSA J. "
             "Comput. 3:376, 1991)")
#: TSPLIB optimal tour lengths (nint Euclidean distances)
OPTIMA = {"eil51": 426, "berlin52": 7542, "st70": 675, "kroA100": 21282}
PARAMETERS = {
    "quick": {"replicas": 4, "generated_cities": 10, "instances": ()},
    "full": {"replicas": 8, "generated_cities": 10, "instances": ("eil51", "berlin52", "st70", "kroA100")},
}


def tsplib_dir() -> Path | None:
    """The folder holding the TSPLIB files, or None (see the module docstring)."""
    env = os.environ.get("HOPFIELD_DATA")
    candidates = [Path(env) / "tsplib"] if env else []
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        candidates += [parent / "shared" / "data" / "tsplib" for parent in start.parents]
    for c in candidates:
        if (c / "eil51.tsp").is_file():
            return c
    return None


def _solve(args):
    """Potts runs on one instance: (best raw length, best polished length, raw lengths)."""
    import hopfield as hf

    d, replicas, seed = args
    res = hf.optimize.solve_tsp(distances=d, method="potts", replicas=replicas, polish="2opt+oropt",
                                rng=np.random.default_rng(seed))
    return res.length, res.polished_length, res.run_lengths


def run(ctx) -> Result:
    """The generated instance (exact optimum by brute force), then each TSPLIB instance found."""
    import hopfield as hf

    from .hopfield_tank1985 import exact_tour_lengths

    p = ctx.params(PARAMETERS)
    gen = np.random.default_rng(ctx.seeds(1)[0])
    xy = gen.random((p["generated_cities"], 2))
    d_gen = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    instances = {f"random{p['generated_cities']}": (d_gen, float(exact_tour_lengths(d_gen)[0]),
                                                    "brute force over all tours [N]")}
    notes = []
    folder = tsplib_dir() if p["instances"] else None
    if p["instances"] and folder is None:
        notes.append("TSPLIB part skipped: no tsplib/ folder with eil51.tsp was found in $HOPFIELD_DATA "
                     "or in shared/data beside the repository (the instances are not shipped).")
    for name in p["instances"] if folder is not None else ():
        inst = hf.optimize.read_tsplib(folder / f"{name}.tsp")
        instances[name] = (inst.distances, float(OPTIMA[name]), "TSPLIB optimum [P]")
    tasks = [(d, p["replicas"], s) for (d, _, _), s in
             zip(instances.values(), ctx.seeds(len(instances), key=2), strict=True)]
    out = ctx.map(_solve, tasks, "Potts TSP")
    rows, gaps = [], {}
    for (name, (d, opt, src)), (raw, pol, _lengths) in zip(instances.items(), out, strict=True):
        gaps[name] = (raw / opt - 1.0, pol / opt - 1.0)
        rows.append(Row(f"{name} ({d.shape[0]} cities): best raw Potts tour / optimum", 1.0, src, raw / opt,
                        0.0, 0.10, "≈", published_text=f"1 (optimum {opt:g})",
                        note="Mean-field annealing is a heuristic; 10 % above the optimum is our "
                        "acceptance (Peterson & Söderberg give no figure for these instances)."))
        rows.append(Row(f"{name}: after 2-opt + Or-opt polishing / optimum", 1.0, src, pol / opt, 0.0, 0.05,
                        "≈", published_text=f"1 (optimum {opt:g})"))
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(figsize=(7, 3.6))
        names = list(gaps)
        k = np.arange(len(names))
        ax.bar(k - 0.2, [100 * gaps[n][0] for n in names], 0.4, label="Potts mean field (raw)")
        ax.bar(k + 0.2, [100 * gaps[n][1] for n in names], 0.4, label="+ 2-opt / Or-opt")
        ax.set_xticks(k, names)
        ax.set(ylabel="% above the optimum", title=f"best of {p['replicas']} Potts runs per instance")
        ax.legend(fontsize=8)
        figures = ctx.save_figure(fig, "potts_tsplib")
    return Result(
        name="potts_tsplib", title=TITLE, reference=REFERENCE,
        setup=(f"hf.optimize.solve_tsp(method='potts'): Potts mean-field annealing with the library's "
               f"default schedule, {p['replicas']} seeded runs per instance, Hungarian decoding of the "
               "final V; the best raw network tour and the best after 2-opt + Or-opt are compared "
               "with the optimum. A random 10-city instance (exact optimum by brute force) always "
               "runs; the TSPLIB instances (nint Euclidean distances) run in the full version when "
               "the data are found."),
        rows=tuple(rows), parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures,
        notes=tuple(notes))
