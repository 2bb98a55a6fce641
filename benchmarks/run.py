"""Run every benchmark and rewrite the measured blocks of BENCHMARKS.md from their output.

    python benchmarks/run.py                 # every benchmark, full settings
    python benchmarks/run.py --quick         # every benchmark, smoke-test settings
    python benchmarks/run.py --only tsp,ham  # some of them
    python benchmarks/run.py --list

Each benchmark's section of BENCHMARKS.md holds a generated block between the markers
``<!-- run.py: NAME -->`` and ``<!-- /run.py: NAME -->``: the command, the date, the machine (cores,
CPU, memory), the load average before and after the run, the versions of Python and the numerical
libraries, and the script's own output, verbatim. Nothing in a block is typed by hand; the prose
around it says what is measured and states the targets.

The peer packages run in one environment of their own (``--env``, default ``.venv-bench`` in the
repository, created on first use): ``hopfield`` installed from this checkout plus hopfieldnetwork,
hopfieldkit, dwave-samplers, elkai, OR-Tools, networkx, hamux and JAX, from the package registry.
They are never dependencies of ``hopfield``. ``--python`` runs the scripts with another interpreter
instead (then the peers it lacks are skipped by the scripts, which say so).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
REPORT = ROOT / "BENCHMARKS.md"

#: peers of the benchmarks, installed together in the benchmark environment
PEERS = ["hopfieldnetwork", "hopfieldkit", "dwave-samplers", "elkai", "ortools", "networkx", "hamux",
         "jax", "fastcore"]
#: the CPU build of torch that lies on this machine class's disk (see .ci/run)
TORCH = "torch==2.13.0"


@dataclasses.dataclass(frozen=True)
class Benchmark:
    """One script: its arguments (full and quick) and the environment variables it runs with.

    ``{python}`` in an argument is replaced by the benchmark environment's interpreter (the scripts
    that drive a peer in a subprocess take its path), ``{data}`` by the folder of the benchmark
    instances (``../shared/data``).
    """

    name: str
    script: str
    full: tuple[str, ...] = ()
    quick: tuple[str, ...] = ("--quick",)
    env: tuple[tuple[str, str], ...] = ()


ONE_THREAD = (("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "1"))

BENCHMARKS = [
    Benchmark("classical", "bench_classical.py"),
    Benchmark("scale", "bench_scale.py"),
    Benchmark("phasor", "bench_phasor.py", env=ONE_THREAD),
    Benchmark("capacity", "bench_capacity.py", ("--peer-python", "{python}"),
              ("--quick", "--peer-python", "{python}"), env=(*ONE_THREAD, ("NUMBA_NUM_THREADS", "1"))),
    Benchmark("maxcut", "bench_maxcut.py", ("--data", "{data}"), ("--quick", "--data", "{data}")),
    Benchmark("tsp", "bench_tsp.py", ("--data", "{data}"), ("--quick", "--data", "{data}")),
    Benchmark("dense", "bench_dense.py"),
    Benchmark("modern", "bench_modern.py"),
    Benchmark("ham", "bench_ham.py", ("--hamux-python", "{python}"),
              ("--quick", "--hamux-python", "{python}")),
]
BY_NAME = {b.name: b for b in BENCHMARKS}


# ------------------------------------------------------------------ environment
def ensure_env(env: Path) -> Path:
    """The benchmark environment's interpreter, creating the environment on first use."""
    python = env / "bin" / "python"
    if python.exists():
        return python
    print(f"creating the benchmark environment {env} (once)...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, TORCH], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[torch,dask]", *PEERS], check=True)
    return python


def _versions(python: Path) -> str:
    code = ("import importlib.metadata as m, platform\n"
            "out = ['Python ' + platform.python_version()]\n"
            "for p in ('numpy', 'scipy', 'numba', 'torch', 'hopfield'):\n"
            "    try: out.append(f'{p} {m.version(p)}')\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(', '.join(out))")
    res = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    return res.stdout.strip() or "unknown"


def machine() -> str:
    """Cores, CPU model and memory of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                       if x.startswith("MemTotal")).split()[1])
        mem = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.machine()}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# ------------------------------------------------------------------ running and rewriting
def run_one(bench: Benchmark, python: Path, quick: bool, data: Path) -> str:
    """Run one benchmark; returns the Markdown block that replaces its previous one."""
    args = [a.replace("{python}", str(python)).replace("{data}", str(data))
            for a in (bench.quick if quick else bench.full)]
    shown = " ".join([*(f"{k}={v}" for k, v in bench.env), "python", f"benchmarks/{bench.script}", *args])
    # the checkout's own source, whatever the environment has installed
    env = {**os.environ, **dict(bench.env),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    before, start = load_average(), time.perf_counter()
    proc = subprocess.run([str(python), str(BENCH / bench.script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = load_average()
    output = proc.stdout.rstrip()
    if proc.returncode != 0:
        output += f"\n\n[exit status {proc.returncode}]\n" + proc.stderr.strip()[-3000:]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = (f"Measured by `python benchmarks/run.py{' --quick' if quick else ''}` on {stamp}: "
            f"`{shown}` ({seconds:.0f} s). Machine: {machine()}. Load average (1, 5, 15 min) "
            f"{before} before, {after} after. {_versions(python)}.")
    return f"{head}\n\n{as_markdown(output)}"


def as_markdown(output: str) -> str:
    """The script's output: its Markdown tables as tables, every other run of lines fenced as text."""
    parts, run, in_table = [], [], None
    for line in [*output.splitlines(), None]:
        table = line is not None and line.lstrip().startswith("|")
        if line is None or (in_table is not None and table != in_table):
            if run:
                body = "\n".join(run).strip("\n")
                if body:
                    parts.append(body if in_table else f"```text\n{body}\n```")
            run = []
        if line is not None:
            run.append(line)
            in_table = table
    return "\n\n".join(parts)


def _marker(name: str) -> tuple[str, str]:
    return f"<!-- run.py: {name} -->", f"<!-- /run.py: {name} -->"


def rewrite(text: str, name: str, block: str) -> str:
    """``text`` with the block of ``name`` replaced (appended as a new section if it has none)."""
    begin, end = _marker(name)
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    new = f"{begin}\n{block}\n{end}"
    if pattern.search(text):
        return pattern.sub(lambda _: new, text, count=1)
    return text.rstrip() + f"\n\n## {name}\n\n{new}\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke-test settings of every script")
    parser.add_argument("--only", default=None, help="comma-separated benchmark names (see --list)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--env", default=str(ROOT / ".venv-bench"),
                        help="the peers' environment (created on first use)")
    parser.add_argument("--python", default=None,
                        help="run the scripts with this interpreter instead of --env's")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"),
                        help="folder of the benchmark instances (gset/, beasley/, tsplib/)")
    parser.add_argument("--dry-run", action="store_true", help="print the report instead of writing it")
    args = parser.parse_args(argv)
    if args.list:
        for b in BENCHMARKS:
            print(f"{b.name:<10} benchmarks/{b.script} {' '.join(b.full)}")
        return 0
    names = [n.strip() for n in args.only.split(",")] if args.only else [b.name for b in BENCHMARKS]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {sorted(BY_NAME)}")
    python = Path(args.python) if args.python else ensure_env(Path(args.env))
    text = REPORT.read_text(encoding="utf-8")
    for name in names:
        print(f"running {name}...", file=sys.stderr, flush=True)
        block = run_one(BY_NAME[name], python, args.quick, Path(args.data))
        text = rewrite(text, name, block)
        if not args.dry_run:
            REPORT.write_text(text, encoding="utf-8")  # after each benchmark: a stop loses nothing
    if args.dry_run:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
