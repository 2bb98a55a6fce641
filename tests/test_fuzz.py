"""Hostile-input fuzz test over every public entry point (issue 14, "Done means").

One argument at a time is replaced by a hostile value (NaN, ±inf, complex, a string, a bool where a
number is wanted, a huge budget, an empty or wrongly shaped array, ...). The contract:

* either a ``ValueError``/``TypeError`` whose message names the replaced argument,
* or a result, which must then hold no NaN, and must not have accepted a value that is never valid
  for that argument (complex, a string for a number, a non-bool for a flag, NaN, ...);
* never a warning (warnings are errors in this suite), a hang (each call has a wall-clock alarm),
  or any other exception (IndexError, MemoryError, OverflowError, a raw NumPy/Numba error, ...).

The hypothesis test draws 400 of the ~5,600 entry/argument/value triples, each bounded by a
10 s deadline (and a 20 s alarm for hangs); ``-m slow`` runs every triple (about 15 s). Run
``python tests/test_fuzz.py [name-prefix]`` to print every defect instead of stopping at one.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
import signal
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_entries import Entry, entries, nn_entries, plot_entries

#: a call that takes longer than this is a hang (the valid calls take milliseconds once compiled)
TIMEOUT = 20.0

#: sizes of a result: asking for 10**12 patterns may honestly end in numpy's "Unable to allocate"
#: MemoryError (budgets, by contrast, must be refused or allocated as the run goes)
#: results where NaN is a documented "not measured" marker, not a number presented as a result
NAN_MARKERS = {"TSPResult": {"polished_length"}, "BasinRadii": {"success"},
               # a lag bin or repetition condition that no trial fell into, and its standard error
               "PairedAssociateResult": {"accuracy_by_lag", "accuracy_by_lag_se",
                                         "accuracy_by_repetition", "accuracy_by_repetition_se"}}
#: functions documented to return NaN where no solution exists (above the critical load)
NAN_RESULTS = frozenset({"analysis.rs_retrieval_overlap"})

SIZE_ARGS = frozenset({"n_patterns", "n_neurons", "n_x", "n_y", "n_units", "n_samples", "n_chains",
                       "n_nodes", "n_starts", "trials", "replicas", "n_memories", "quantity",
                       "input_size", "K", "n_a", "n_b", "n_item", "n_context", "pairs_per_list",
                       "tau"})
#: how the allocators refuse an impossible size (torch raises RuntimeError)
_ALLOCATION = re.compile(r"array is too big|can't allocate memory|Storage size calculation overflowed")


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


@dataclasses.dataclass(frozen=True)
class Hostile:
    label: str
    value: object
    never_valid: bool  # accepting it is a defect whatever the argument


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "int"
    if isinstance(value, numbers.Real):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, np.ndarray) or (isinstance(value, list) and value and
                                         isinstance(value[0], numbers.Number)):
        return "array"
    return "other"


def hostile_values(arg: str, value, complex_ok=frozenset()) -> list[Hostile]:
    """Hostile replacements for ``value``, chosen by its kind."""
    H = Hostile
    kind = _kind(value)
    complex_domain = arg in complex_ok or (kind == "array" and np.iscomplexobj(value))
    common = [H("complex", 1 + 1j, not complex_domain), H("object", object(), True)]
    if arg == "rng":
        return [*common, H("True", True, True), H("-1", -1, False), H("2.5", 2.5, True),
                H("'0'", "0", True)]
    if kind == "bool":
        return [*common, H("'false'", "false", True), H("'no'", "no", True), H("1", 1, True),
                H("0.0", 0.0, True), H("None", None, True)]
    if kind == "int":
        return [*common, H("2.5", 2.5, True), H("2.0", 2.0, True), H("'3'", "3", True),
                H("True", True, True), H("nan", math.nan, True), H("-1", -1, False),
                H("0", 0, False), H("10**12", 10**12, False), H("-10**12", -(10**12), False),
                H("np.int64(3)", np.int64(3), False)]
    if kind == "float":
        return [*common, H("nan", math.nan, True), H("inf", math.inf, True), H("-inf", -math.inf, True),
                H("'0.5'", "0.5", True), H("True", True, True), H("-1.0", -1.0, False),
                H("0.0", 0.0, False), H("1e300", 1e300, False), H("np.float32(0.5)", np.float32(0.5), False)]
    if kind == "str":
        return [*common, H("'bogus'", "bogus", False), H("1", 1, True), H("''", "", False),
                H("None", None, False)]
    if kind == "array":
        arr = np.asarray(value)
        is_complex = complex_domain  # phasor states and Hermitian weights: complex is their domain
        out = [*common, H("complex array", arr.astype(complex) + 1j, not is_complex),
               H("string array", arr.astype(str), True), H("empty", arr[..., :0], False),
               H("scalar", 1.0, False), H("3-D", arr[None, None], False),
               H("ragged", [[1.0, 2.0], [3.0]], True), H("None", None, False)]
        if arr.size:
            nan = arr.astype(complex if is_complex else float)
            nan.flat[0] = math.nan
            inf = arr.astype(complex if is_complex else float)
            inf.flat[-1] = math.inf
            out += [H("NaN entry", nan, True), H("inf entry", inf, True),
                    H("truncated", arr[..., :-1], False), H("0.5 entries", arr * 0.5, False)]
            if arr.dtype.kind in "iu":
                out.append(H("uint8", np.abs(arr).astype(np.uint8) * 200, False))
        return out
    if type(value).__module__.startswith("torch"):
        import torch

        nan, inf = value.clone(), value.clone()
        nan.view(-1)[0] = math.nan
        inf.view(-1)[-1] = math.inf
        return [*common, H("NaN tensor", nan, False), H("inf tensor", inf, False),
                H("complex tensor", value.to(torch.complex64), True),
                H("int tensor", value.to(torch.int64), True),
                H("empty set", value[..., :0, :], False), H("no features", value[..., :0], False),
                H("1-D", value.reshape(-1), False), H("None", None, False),
                H("truncated", value[..., :-1], False), H("numpy", value.numpy(), False)]
    return [*common, H("None", None, False), H("1.5", 1.5, False)]


def _has_nan(x, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, np.ndarray):
        return np.issubdtype(x.dtype, np.inexact) and bool(np.isnan(x).any())
    if type(x).__module__.startswith("torch") and hasattr(x, "isnan"):
        return bool(x.isnan().any())
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        skip = NAN_MARKERS.get(type(x).__name__, set())
        return any(_has_nan(getattr(x, f.name), depth + 1) for f in dataclasses.fields(x)
                   if f.name not in skip)
    if isinstance(x, tuple | list):
        return any(_has_nan(v, depth + 1) for v in x[:100])
    if isinstance(x, dict):
        return any(_has_nan(v, depth + 1) for v in list(x.values())[:100])
    return False


def outcome(entry: Entry, arg: str, h: Hostile) -> str | None:
    """None if the contract holds for this call, else a description of the defect."""
    kwargs = dict(entry.kwargs)
    kwargs[arg] = h.value
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    try:
        result = entry.call(**kwargs)
    except Hang:
        return f"hang (> {TIMEOUT:.0f} s)"
    except (ValueError, TypeError, FloatingPointError) as exc:  # FloatingPointError: divergence
        msg = str(exc)
        if arg in SIZE_ARGS and _ALLOCATION.search(msg):  # numpy's own refusal of a huge size
            return None
        if not re.search(rf"(?<![A-Za-z_]){re.escape(arg)}(?![A-Za-z_])", msg):
            return f"{type(exc).__name__} not naming `{arg}`: {msg[:200]}"
        return None
    except OSError as exc:  # a path that cannot be written is the operating system's error to give
        return None if arg == "path" else f"raw {type(exc).__name__}: {str(exc)[:200]}"
    except (MemoryError, RuntimeError) as exc:
        if arg in SIZE_ARGS and (isinstance(exc, MemoryError) or _ALLOCATION.search(str(exc))):
            return None
        return f"raw {type(exc).__name__}: {str(exc)[:200]}"
    except Exception as exc:  # the point of the test: anything else is a raw internal error
        return f"raw {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if h.never_valid and not (arg in entry.labels and h.label == "string array"):
        return f"accepted {h.label}"
    if entry.name in NAN_RESULTS:
        return None
    failed = getattr(result, "valid", True) is False or getattr(result, "success", True) is False
    if h.label in ("NaN tensor", "inf tensor"):  # no host sync to check: NaN must propagate
        out = result[0] if isinstance(result, tuple) else result
        return None if not bool(out.isfinite().all()) else f"turned a {h.label} into a finite result"
    if _has_nan(result) and not failed:  # NaN is fine only in a result that reports a failure
        return "returned NaN as a result"
    return None


ENTRIES = entries() + plot_entries() + nn_entries()
CASES = [(e, a, h) for e in ENTRIES for a in e.arguments()
         for h in hostile_values(a, e.kwargs[a], e.complex_ok)]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_baseline_arguments_are_valid(entry):
    """The registry's own arguments must work, or the fuzz test would test nothing."""
    entry.call(**entry.kwargs)


@pytest.fixture(scope="module", autouse=True)
def _in_a_scratch_folder(tmp_path_factory):
    """Hostile paths such as 'bogus' are written by `save`: keep them out of the working tree."""
    import os

    old = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz-cwd"))
    try:
        yield
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def compiled():
    """Run every entry point once so that Numba compiles its kernels before anything is timed
    (not the figures: they compile nothing, and drawing each again would cost seconds)."""
    for entry in ENTRIES:
        if not entry.name.startswith("plot."):
            entry.call(**entry.kwargs)


@settings(max_examples=400, deadline=timedelta(seconds=10), suppress_health_check=list(HealthCheck),
          database=None)
@given(case=st.sampled_from(CASES))
def test_hostile_argument(compiled, case):
    entry, arg, h = case
    problem = outcome(entry, arg, h)
    assert problem is None, f"{entry.name}({arg}={h.label}): {problem}"


@pytest.mark.slow
def test_every_hostile_argument(compiled):
    problems = [f"{e.name}({a}={h.label}): {p}" for e, a, h in CASES if (p := outcome(e, a, h))]
    assert not problems, "\n".join(problems)


if __name__ == "__main__":  # python tests/test_fuzz.py [name-prefix]: print every defect
    import os
    import sys
    import tempfile
    import time
    import warnings

    warnings.simplefilter("error")
    os.chdir(tempfile.mkdtemp(prefix="hopfield-fuzz-cwd-"))  # hostile paths ('bogus') are written here
    prefix = sys.argv[1] if len(sys.argv) > 1 else ""
    for e in ENTRIES:
        if e.name.startswith(prefix):
            e.call(**e.kwargs)  # compile the kernels before timing anything
    t0 = time.perf_counter()
    n = 0
    for e, a, h in CASES:
        if e.name.startswith(prefix):
            n += 1
            if p := outcome(e, a, h):
                print(f"{e.name}({a}={h.label}): {p}", flush=True)
    print(f"{n} cases in {time.perf_counter() - t0:.1f} s")
