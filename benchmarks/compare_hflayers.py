"""Side-by-side numbers of hopfield.nn and the real hflayers (ml-jku/hopfield-layers).

Not a timing benchmark: it prints what tests/test_nn_hflayers_real.py asserts, for a reader.
hflayers is not on PyPI; pass the directory that holds its ``hflayers`` package::

    python benchmarks/compare_hflayers.py /path/to/hopfield-layers [--epochs 3]

Prints, for the layers of hflayers' README built under one seed with each import, whether the
weights and the random stream afterwards are equal and the largest output and gradient
differences (float64); the reference re-implementation's and hopfield.nn's largest differences
from hflayers on the configurations of tests/test_nn_hflayers.py; and the bit-pattern MIL demo's
losses and accuracies per epoch with each import, in float64 and in float32.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("hflayers_path", help="directory holding the `hflayers` package")
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args(argv)
    os.environ["HFLAYERS_PATH"] = args.hflayers_path
    sys.path.insert(0, str(ROOT / "tests"))
    import torch

    import test_nn_hflayers_real as T

    hn, ref, F64 = T.hn, T.ref, torch.float64
    print(f"torch {torch.__version__}, Python {platform.python_version()}, "
          f"hflayers from {args.hflayers_path}")

    print("\nREADME snippets, same seed, only the import changed (float64 forward/backward):")
    print(f"  {'layer':58s} {'weights':>7s} {'rng':>5s} {'max|Δout|':>10s} {'max|Δgrad x|':>12s}")
    for name, make in T.SNIPPETS.items():
        real, ours, rng_real, rng_ours = T._same_seed(make)
        mapped = hn.load_hflayers_state_dict(copy.deepcopy(ours), real.state_dict())
        same_w = all(torch.equal(a, b) for a, b in zip(ours.state_dict().values(),
                                                       mapped.state_dict().values(), strict=True))
        real, ours = real.double().eval(), ours.double().eval()
        x = torch.randn(4, 10, 16, dtype=F64, generator=torch.Generator().manual_seed(1),
                        requires_grad=True)
        want, got = real(x), ours(x)
        (gw,), (gg,) = T._grads(want, (x,)), T._grads(got, (x,))
        print(f"  {name:58s} {same_w!s:>7s} {torch.equal(rng_real, rng_ours)!s:>5s} "
              f"{float((got - want).abs().max()):10.1e} {float((gg - gw).abs().max()):12.1e}")

    print("\ntests/hflayers_reference.py and hopfield.nn vs hflayers (float64, max |Δ| output):")
    for name, kw in T.CASES.items():
        gen = torch.Generator().manual_seed(3)
        cfg = ref.config(**kw)
        sd = ref.state_dict(cfg, gen)
        real = T.hflayers.Hopfield(**T._real_kwargs(kw)).double()
        real.load_state_dict(sd, strict=True)
        ours = hn.load_hflayers_state_dict(hn.Hopfield(**kw, dtype=F64), real.state_dict())
        y, r, p = T._inputs(kw, gen)
        kpm, am = T._masks(y.shape[0])
        with torch.no_grad():
            want = real((y, r, p), stored_pattern_padding_mask=kpm, association_mask=am)
            mine = ref.forward(sd, cfg, y, r, p, key_padding_mask=kpm, attn_mask=am)
            got = ours((y, r, p), stored_pattern_padding_mask=kpm, association_mask=am)
        print(f"  {name:58s} reference {float((mine - want).abs().max()):8.1e}  "
              f"hopfield.nn {float((got - want).abs().max()):8.1e}")

    for dtype in (torch.float64, torch.float32):
        print(f"\nbit-pattern MIL demo, {args.epochs} epochs, {str(dtype)[6:]}: "
              "train loss / accuracy, eval loss / accuracy")
        for variant in T.DEMO_VARIANTS:
            runs = {lib: T.run_bit_pattern_demo(lib, variant, args.epochs, dtype)
                    for lib in ("hflayers", "hopfield.nn")}
            print(f"  {variant}")
            for e in range(args.epochs):
                for lib, hist in runs.items():
                    row = hist[e]
                    print(f"    epoch {e + 1} {lib:12s} {row[0]:.12f} {row[1]:.6f}  "
                          f"{row[2]:.12f} {row[3]:.6f}")


if __name__ == "__main__":
    main()
