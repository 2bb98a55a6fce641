"""hopfield.nn and tests/hflayers_reference.py against the real hflayers, when it is importable.

hflayers (ml-jku/hopfield-layers) is not on PyPI, so CI cannot install it and skips this module.
To run it, point ``HFLAYERS_PATH`` at a directory that holds the ``hflayers`` package (a
checkout of ml-jku/hopfield-layers; these comparisons were made at commit 5231d29)::

    HFLAYERS_PATH=/path/to/hopfield-layers pytest tests/test_nn_hflayers_real.py

What is compared, in float64 with shared seeds:

* the re-implementation the CI tests rely on (``hflayers_reference``) against hflayers on every
  configuration of ``test_nn_hflayers.py``: outputs, gradients, association and projected
  pattern matrices, pooling and lookup layers, the data sets;
* hflayers' README snippets and transformer blocks run with ``from hflayers import ...`` and with
  ``from hopfield.nn import ...`` under the same seed, without moving any weights: the weights,
  the state of the global random generator afterwards, outputs, input and parameter gradients;
* the BitPatternSet multiple-instance demo (the configuration of hflayers'
  ``examples/bit_pattern/bit_pattern_demo.ipynb``: data set, split, batches, seeding,
  optimiser) for a few epochs with each library: the losses and accuracies per epoch;
* the deliberate differences of the migration table (docs/models/modern.md) still hold.
"""

from __future__ import annotations

import copy
import importlib
import os
import sys

import pytest

torch = pytest.importorskip("torch")

_PATH = os.environ.get("HFLAYERS_PATH")
if not _PATH:
    pytest.skip("the real hflayers is not available: set HFLAYERS_PATH to a directory holding "
                "the `hflayers` package (ml-jku/hopfield-layers, not on PyPI)",
                allow_module_level=True)
sys.path.insert(0, _PATH)
hflayers = importlib.import_module("hflayers")          # set but broken: fail, do not skip
hft = importlib.import_module("hflayers.transformer")
hfdata = importlib.import_module("hflayers.auxiliary.data")

import hflayers_reference as ref  # noqa: E402
import hopfield.nn as hn  # noqa: E402
from test_nn_hflayers import CASES, _inputs  # noqa: E402

F64 = torch.float64
TOL = dict(atol=1e-10, rtol=0)          # hopfield.nn vs hflayers (other operation order)
EXACT = dict(atol=1e-12, rtol=0)        # the re-implementation vs hflayers (same operations)


def _real_kwargs(kw):
    kw = dict(kw)
    if kw.get("normalize_hopfield_space_affine") and not kw.get("hidden_size"):
        # hflayers sizes its Hopfield-space LayerNorm by the *argument* hidden_size and fails
        # without it (hopfield.nn derives it); give it explicitly, the same size
        kw["hidden_size"] = kw["input_size"] // kw.get("num_heads", 1)
    return kw


def _masks(batch):
    kpm = torch.zeros(batch, 7, dtype=torch.bool)
    kpm[0, 5:] = True
    am = torch.zeros(5, 7, dtype=torch.bool)
    am[1, :3] = True
    return kpm, am


def _grads(out, tensors):
    return torch.autograd.grad(out.square().sum(), tensors, allow_unused=True)


def _close_or_unused(got, want, tol):
    for a, b in zip(got, want, strict=True):
        if a is None or b is None:
            assert all(t is None or torch.all(t == 0) for t in (a, b))
        else:
            torch.testing.assert_close(a, b, **tol)


def _param_grads_in_our_layout(ours, real):
    """The real layer's parameter gradients mapped onto our layout (unused ones as zeros)."""
    grads = {n: (p.grad if p.grad is not None else torch.zeros_like(p))
             for n, p in real.named_parameters()}
    grads.update({n: b for n, b in real.named_buffers()})
    holder = copy.deepcopy(ours)
    hn.load_hflayers_state_dict(holder, grads)
    return dict(holder.named_parameters())


# ------------------------------------------------------------------ (c) the re-implementation
@pytest.mark.parametrize("name", list(CASES))
def test_reference_and_hopfield_nn_match_real_hflayers(name):
    kw = CASES[name]
    gen = torch.Generator().manual_seed(3)
    cfg = ref.config(**kw)
    sd = ref.state_dict(cfg, gen)
    real = hflayers.Hopfield(**_real_kwargs(kw)).double()
    real.load_state_dict(sd, strict=True)            # the reference's names and shapes are hflayers'
    ours = hn.load_hflayers_state_dict(hn.Hopfield(**kw, dtype=F64), real.state_dict())
    y, r, p = _inputs(kw, gen)
    kpm, am = _masks(y.shape[0])
    want = real((y, r, p), stored_pattern_padding_mask=kpm, association_mask=am)
    mine = ref.forward(sd, cfg, y, r, p, key_padding_mask=kpm, attn_mask=am)
    got = ours((y, r, p), stored_pattern_padding_mask=kpm, association_mask=am)
    torch.testing.assert_close(mine, want, **EXACT)
    torch.testing.assert_close(got, want, **TOL)
    g_want = _grads(want, (y, r, p))
    _close_or_unused(_grads(mine, (y, r, p)), g_want, EXACT)
    _close_or_unused(_grads(got, (y, r, p)), g_want, TOL)
    # parameter gradients
    real.zero_grad()
    real((y, r, p), stored_pattern_padding_mask=kpm, association_mask=am).square().sum().backward()
    ours((y, r, p), stored_pattern_padding_mask=kpm, association_mask=am).square().sum().backward()
    mapped = _param_grads_in_our_layout(ours, real)
    for n, prm in ours.named_parameters():
        torch.testing.assert_close(prm.grad, mapped[n], **TOL, msg=n)
    # hflayers' getters
    with torch.no_grad():
        assoc = real.get_association_matrix((y, r, p), stored_pattern_padding_mask=kpm,
                                            association_mask=am)
        proj = real.get_projected_pattern_matrix((y, r, p))
        _, raw, vals = ref.forward(sd, cfg, y, r, p, key_padding_mask=kpm, attn_mask=am,
                                   return_raw=True)
    torch.testing.assert_close(raw, assoc, **EXACT)
    torch.testing.assert_close(vals, proj, **EXACT)
    torch.testing.assert_close(ours.get_association_matrix(
        (y, r, p), stored_pattern_padding_mask=kpm, association_mask=am), assoc, **TOL)
    torch.testing.assert_close(ours.get_projected_pattern_matrix((y, r, p)), proj, **TOL)


def test_reference_pooling_lookup_and_convergence_match_real_hflayers():
    gen = torch.Generator().manual_seed(11)
    kw = dict(input_size=6, num_heads=2, hidden_size=4, output_size=5)
    cfg = ref.config(**kw)
    x = torch.randn(4, 7, 6, generator=gen, dtype=F64)
    kpm = torch.zeros(4, 7, dtype=torch.bool)
    kpm[2, 3:] = True
    sd = {"hopfield." + k: v for k, v in ref.state_dict(cfg, gen).items()}
    sd["pooling_weights"] = torch.randn(1, 3, 6, generator=gen, dtype=F64)
    pool = hflayers.HopfieldPooling(**kw, quantity=3).double()
    pool.load_state_dict(sd, strict=True)
    torch.testing.assert_close(ref.pooling_forward(sd, cfg, x, kpm), pool(x, kpm), **EXACT)
    for separated in (False, True):
        sd = {"hopfield." + k: v for k, v in ref.state_dict(cfg, gen).items()}
        sd["lookup_weights"] = torch.randn(1, 10, 6, generator=gen, dtype=F64)
        if separated:
            sd["target_weights"] = torch.randn(1, 10, 6, generator=gen, dtype=F64)
        lay = hflayers.HopfieldLayer(**kw, quantity=10,
                                     lookup_weights_as_separated=separated).double()
        lay.load_state_dict(sd, strict=True)
        torch.testing.assert_close(ref.lookup_forward(sd, cfg, x), lay(x), **EXACT)
    # until converged: the reference iterates exactly as hflayers; hopfield.nn to its tolerance
    kw = dict(input_size=8, num_heads=2, update_steps_max=None, update_steps_eps=1e-9,
              scaling=2.0)
    gen = torch.Generator().manual_seed(5)
    cfg = ref.config(**kw)
    sd = ref.state_dict(cfg, gen)
    real = hflayers.Hopfield(**kw).double()
    real.load_state_dict(sd)
    y, r, p = _inputs(kw, gen)
    want = real((y, r, p))
    torch.testing.assert_close(ref.forward(sd, cfg, y, r, p), want, **EXACT)
    ours = hn.load_hflayers_state_dict(hn.Hopfield(**kw, dtype=F64), real.state_dict())
    torch.testing.assert_close(ours((y, r, p)), want, atol=1e-6, rtol=0)


@pytest.mark.parametrize("args", [
    dict(num_bags=2048, num_instances=16, num_signals=8, num_signals_per_bag=1, num_bits=8),
    dict(num_bags=40, num_instances=12, num_signals=6, num_signals_per_bag=2, num_bits=6,
         seed_signals=7, seed_data=8),
    dict(num_bags=33, num_instances=5, num_signals=3, num_signals_per_bag=5, num_bits=3,
         fraction_targets=0.3, seed_signals=1, seed_data=2),
])
def test_bit_pattern_set_matches_real_hflayers(args):
    real = hfdata.BitPatternSet(**args)
    ours = hn.BitPatternSet(**args)
    data, targets, signals = ref.bit_pattern_set(**args)
    for got in (ours, (data, targets, signals)):
        bags, tg, sig = (got.bags, got.targets, got.signals) if got is ours else got
        assert torch.equal(bags, real.bags) and torch.equal(tg, real.targets)
        assert torch.equal(sig, real.signals)
    for i in (0, len(real) - 1):
        for key in ("data", "target"):
            assert torch.equal(ours[i][key], real[i][key])
            assert ours[i][key].dtype == real[i][key].dtype


def test_latch_sequence_set_matches_real_hflayers():
    for args in (dict(num_samples=30, num_instances=9, num_characters=5, seed=4),
                 dict(num_samples=7)):
        real = hfdata.LatchSequenceSet(**args)
        ours = hn.LatchSequenceSet(**args)
        data, signal = ref.latch_sequence_set(**args)
        assert torch.equal(ours.targets, real.targets) and torch.equal(signal, real.targets)
        for i in range(len(real)):
            assert torch.equal(ours[i]["data"], real[i]["data"])
            assert torch.equal(data[i].float(), real[i]["data"])
            assert torch.equal(ours[i]["target"], real[i]["target"])


# ------------------------------------------------------------------ (a) the README snippets
def _same_seed(make, seed=0):
    """(hflayers module, hopfield.nn module, RNG states after each) built under one seed."""
    torch.manual_seed(seed)
    real = make(hflayers, hft)
    after_real = torch.get_rng_state()
    torch.manual_seed(seed)
    ours = make(hn, hn)
    return real, ours, after_real, torch.get_rng_state()


SNIPPETS = {
    # README "Usage": the three one-argument layers, then typical variations
    "Hopfield(input_size=...)": lambda m, t: m.Hopfield(input_size=16),
    "HopfieldPooling(input_size=...)": lambda m, t: m.HopfieldPooling(input_size=16),
    "HopfieldLayer(input_size=...)": lambda m, t: m.HopfieldLayer(input_size=16),
    "Hopfield, 4 heads, hidden 3, pattern 5, output 6, 2 steps": lambda m, t: m.Hopfield(
        input_size=16, hidden_size=3, pattern_size=5, output_size=6, num_heads=4,
        update_steps_max=2, update_steps_eps=1e-12),
    "HopfieldPooling, 2 heads, quantity 3": lambda m, t: m.HopfieldPooling(
        input_size=16, num_heads=2, quantity=3),
    "HopfieldLayer, separated targets, quantity 10": lambda m, t: m.HopfieldLayer(
        input_size=16, quantity=10, lookup_weights_as_separated=True),
    "HopfieldEncoderLayer": lambda m, t: t.HopfieldEncoderLayer(
        m.Hopfield(input_size=16, num_heads=2), dim_feedforward=32),
}


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_readme_snippets_give_the_same_numbers_with_only_the_import_changed(name):
    real, ours, rng_real, rng_ours = _same_seed(SNIPPETS[name])
    # the same draws in the same order: equal weights and the same random stream afterwards
    assert torch.equal(rng_real, rng_ours)
    mapped = hn.load_hflayers_state_dict(copy.deepcopy(ours), real.state_dict())
    for (n, a), b in zip(ours.state_dict().items(), mapped.state_dict().values(), strict=True):
        assert torch.equal(a, b), n
    real, ours = real.double(), ours.double()
    for mode in ("eval", "train"):          # train: the encoder's dropout draws as well
        getattr(real, mode)()
        getattr(ours, mode)()
        x = torch.randn(4, 10, 16, dtype=F64, generator=torch.Generator().manual_seed(1),
                        requires_grad=True)
        torch.manual_seed(5)
        want = real(x)
        torch.manual_seed(5)
        got = ours(x)
        torch.testing.assert_close(got, want, **TOL)
        real.zero_grad()
        ours.zero_grad()
        (g_want,) = _grads(want, (x,))
        (g_got,) = _grads(got, (x,))
        torch.testing.assert_close(g_got, g_want, **TOL)
        torch.manual_seed(5)
        real(x).square().sum().backward()
        torch.manual_seed(5)
        ours(x).square().sum().backward()
        mapped = _param_grads_in_our_layout(ours, real)
        for n, prm in ours.named_parameters():
            if prm.grad is None:            # a LayerNorm hflayers does not read either
                assert torch.all(mapped[n] == 0), n
            else:
                torch.testing.assert_close(prm.grad, mapped[n], **TOL, msg=n)
        unused_real = sorted(n for n, p in real.named_parameters() if p.grad is None)
        unused_ours = sorted(n for n, p in ours.named_parameters() if p.grad is None)
        assert len(unused_real) == len(unused_ours), (unused_real, unused_ours)


def test_decoder_block_gives_the_same_numbers_with_only_the_import_changed():
    def make(m, t):
        return t.HopfieldDecoderLayer(m.Hopfield(input_size=16, num_heads=2),
                                      m.Hopfield(input_size=16, num_heads=4), dim_feedforward=32)

    real, ours, rng_real, rng_ours = _same_seed(make)
    assert torch.equal(rng_real, rng_ours)
    real, ours = real.double().train(), ours.double().train()      # dropout 0.1 in training
    gen = torch.Generator().manual_seed(4)
    tgt = torch.randn(3, 6, 16, dtype=F64, generator=gen, requires_grad=True)
    memory = torch.randn(3, 9, 16, dtype=F64, generator=gen, requires_grad=True)
    causal = torch.triu(torch.ones(6, 6, dtype=torch.bool), diagonal=1)
    torch.manual_seed(8)
    want = real(tgt, memory, tgt_mask=causal)
    torch.manual_seed(8)
    got = ours(tgt, memory, tgt_mask=causal)
    torch.testing.assert_close(got, want, **TOL)
    _close_or_unused(_grads(got, (tgt, memory)), _grads(want, (tgt, memory)), TOL)


# ------------------------------------------------------------------ (b) the MIL demo
def run_bit_pattern_demo(lib, variant, epochs=2, dtype=torch.float64):
    """The configuration of hflayers' bit-pattern MIL demo (examples/bit_pattern): 2048 bags of
    16 instances of 8 bits, 8 signals, one per positive bag; bags 256..1791 train, the others
    evaluate; random batches of 32; seed 42 set before the model; AdamW (lr 1e-3), binary
    cross-entropy on logits, gradient norm clipped to 1. ``lib`` picks the import; ``variant``
    the model. Returns (train loss, train accuracy, eval loss, eval accuracy) per epoch, each
    the mean over the epoch's batches."""
    from torch.utils.data import DataLoader, SubsetRandomSampler

    mod = hflayers if lib == "hflayers" else hn
    dataset_cls = hfdata.BitPatternSet if lib == "hflayers" else hn.BitPatternSet
    bags = dataset_cls(num_bags=2048, num_instances=16, num_signals=8, num_signals_per_bag=1,
                       num_bits=8, dtype=dtype)
    train_ids = list(range(256, 1792))
    eval_ids = [*range(256), *range(1792, 2048)]
    loaders = {split: DataLoader(bags, batch_size=32, sampler=SubsetRandomSampler(ids))
               for split, ids in (("train", train_ids), ("eval", eval_ids))}
    torch.manual_seed(42)
    n_bits, n_inst = bags.num_bits, bags.num_instances
    flat = torch.nn.Flatten
    if variant == "Hopfield":
        core = mod.Hopfield(input_size=n_bits)
        layers = [core, flat(), torch.nn.Linear(core.output_size * n_inst, 1)]
    elif variant == "HopfieldLayer":
        core = mod.HopfieldLayer(input_size=n_bits, quantity=n_inst)
        layers = [core, flat(), torch.nn.Linear(core.output_size * n_inst, 1)]
    else:
        extra = {} if variant == "HopfieldPooling" else dict(hidden_size=8, num_heads=2,
                                                            scaling=0.25, dropout=0.5)
        core = mod.HopfieldPooling(input_size=n_bits, **extra)
        layers = [core, torch.nn.Linear(core.output_size, 1)]
    model = torch.nn.Sequential(*layers, flat(start_dim=0)).to(dtype=dtype)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def one_pass(split):
        training = split == "train"
        model.train(training)
        stats = []
        with torch.set_grad_enabled(training):
            for batch in loaders[split]:
                logits = model(batch["data"])
                loss = bce(logits, batch["target"])
                if training:
                    opt.zero_grad()
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
                    opt.step()
                hits = (logits.sigmoid().round() == batch["target"]).float().mean()
                stats.append((loss.item(), hits.item()))
        return [sum(col) / len(stats) for col in zip(*stats, strict=True)]

    return [one_pass("train") + one_pass("eval") for _ in range(epochs)]


DEMO_VARIANTS = ("Hopfield", "HopfieldPooling", "HopfieldPooling (2 heads, dropout 0.5)",
                 "HopfieldLayer")


@pytest.mark.parametrize("variant", DEMO_VARIANTS)
def test_bit_pattern_demo_gives_the_same_numbers(variant):
    want = run_bit_pattern_demo("hflayers", variant)
    got = run_bit_pattern_demo("hopfield.nn", variant)
    for epoch, (a, b) in enumerate(zip(got, want, strict=True)):
        assert a[1] == b[1] and a[3] == b[3], (epoch, a, b)          # accuracies: equal
        for x, y in ((a[0], b[0]), (a[2], b[2])):                  # losses: to rounding
            assert abs(x - y) <= 1e-9, (epoch, a, b)


# ------------------------------------------------------------------ the migration table
def test_documented_differences_hold_against_real_hflayers():
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(3, 7, 8, generator=gen, dtype=F64)
    q = torch.randn(3, 5, 4, generator=gen, dtype=F64)

    def pair(**kw):
        """An hflayers layer with spread weights (as the reference draws them) and ours."""
        real = hflayers.Hopfield(**kw).double()
        sd = ref.state_dict(ref.config(**{k: v for k, v in kw.items()
                                          if k != "concat_bias_pattern"}), gen)
        real.load_state_dict(sd, strict=False)
        with torch.no_grad():
            for p in (real.association_core.bias_k, real.association_core.bias_v):
                if p is not None:
                    p.normal_(generator=gen)
        ours = hn.load_hflayers_state_dict(hn.Hopfield(**kw, dtype=F64), real.state_dict())
        return real, ours

    # β per head: hflayers interleaves the per-head factors over the features; the reference
    # reproduces it, hopfield.nn gives head h its own β_h
    kw = dict(input_size=8, num_heads=2, scaling=torch.tensor([0.3, 3.0], dtype=F64))
    real, ours = pair(**kw)
    sd = real.state_dict()
    want = real(x)
    torch.testing.assert_close(ref.forward(sd, ref.config(**kw), x, x, x), want, **EXACT)
    assert not torch.allclose(ours(x), want, atol=1e-2)
    # static state with several heads and a batch > 1: hflayers pairs bags across the batch
    kw = dict(input_size=8, hidden_size=4, num_heads=2, state_pattern_as_static=True,
              normalize_state_pattern=False, normalize_state_pattern_affine=False)
    real, ours = pair(**kw)
    torch.testing.assert_close(ours((x[:1], q[:1], x[:1])), real((x[:1], q[:1], x[:1])), **TOL)
    assert not torch.allclose(ours((x, q, x)), real((x, q, x)), atol=1e-2)
    # concat_bias_pattern: hflayers builds bias_k / bias_v (size num_heads·hidden_size) but
    # never appends them
    kw = dict(input_size=8, num_heads=2, concat_bias_pattern=True)
    real, ours = pair(**kw)
    assert real.association_core.bias_k is not None
    plain = hflayers.Hopfield(input_size=8, num_heads=2).double()
    plain.load_state_dict({k: v for k, v in real.state_dict().items() if "bias_" not in k})
    torch.testing.assert_close(real(x), plain(x), atol=0, rtol=0)
    assert not torch.allclose(ours(x), real(x), atol=1e-2)
    kw = dict(input_size=8, hidden_size=3, pattern_size=5, num_heads=2, concat_bias_pattern=True)
    assert hflayers.Hopfield(**kw).association_core.bias_v.shape[-1] == 2 * 3
    assert hn.Hopfield(**kw).bias_v.shape[-1] == 2 * 5
    # a fully masked query: NaN in hflayers, the output bias here (the other queries agree)
    real, ours = pair(input_size=8, num_heads=2)
    with torch.no_grad():
        real.association_core.out_proj.bias.normal_(generator=gen)
    ours = hn.load_hflayers_state_dict(ours, real.state_dict())
    am = torch.zeros(7, 7, dtype=torch.bool)
    am[2] = True
    want, got = real(x, association_mask=am), ours(x, association_mask=am)
    assert torch.isnan(want[:, 2]).all()
    torch.testing.assert_close(got[:, 2], ours.out_proj.bias.expand(3, 8))
    rest = [0, 1, 3, 4, 5, 6]
    torch.testing.assert_close(got[:, rest], want[:, rest], **TOL)
    # masks: positional in hflayers' Hopfield; here a second positional tensor is the state
    kpm = torch.zeros(3, 7, dtype=torch.bool)
    torch.testing.assert_close(real(x, kpm, None), real(x), atol=0, rtol=0)
    with pytest.raises(TypeError, match="floating point"):
        ours(x, kpm)
    torch.testing.assert_close(ours(x, stored_pattern_padding_mask=kpm), real(x, kpm), **TOL)
    # arguments after num_heads: positional in hflayers, keyword-only here
    hflayers.Hopfield(8, 8, 8, 8, 1, 0.5)
    with pytest.raises(TypeError):
        hn.Hopfield(8, 8, 8, 8, 1, 0.5)
    # HopfieldPooling(batch_first=False): hflayers flattens (quantity, batch·out)
    torch.manual_seed(0)
    real_pool = hflayers.HopfieldPooling(8, quantity=2, batch_first=False).double()
    ours_pool = hn.load_hflayers_state_dict(hn.HopfieldPooling(8, quantity=2, batch_first=False,
                                                               dtype=F64), real_pool.state_dict())
    xs = x.transpose(0, 1)                                  # (length, batch, features)
    assert real_pool(xs).shape == (2, 3 * 8)
    got = ours_pool(xs)
    assert got.shape == (3, 2 * 8)
    torch.testing.assert_close(got.reshape(3, 2, 8).transpose(0, 1).reshape(2, 3 * 8),
                               real_pool(xs), **TOL)
    # output_size without an output projection
    kw = dict(input_size=8, num_heads=2, pattern_size=3, disable_out_projection=True)
    real, ours = hflayers.Hopfield(**kw).double(), hn.Hopfield(**kw, dtype=F64)
    assert real.output_size == 8 and real(x).shape[-1] == 6
    assert ours.output_size is None and ours(x).shape[-1] == 6
    # equal LayerNorms: one tensor is normalised once in both; distinct equal tensors only in
    # hflayers
    torch.manual_seed(0)
    real = hflayers.Hopfield(8).double()
    torch.manual_seed(0)
    ours = hn.Hopfield(8, dtype=F64)
    for inputs, same in ((x, True), ((x, x.clone(), x.clone()), False)):
        real.zero_grad()
        ours.zero_grad()
        real(inputs).sum().backward()
        ours(inputs).sum().backward()
        assert real.norm_stored_pattern.weight.grad is None
        assert (ours.norm_stored.weight.grad is None) == same
    # hflayers' own errors that work here: its Hopfield-space LayerNorm needs hidden_size, two
    # properties name a missing attribute
    with pytest.raises(TypeError):
        hflayers.Hopfield(8, normalize_hopfield_space=True, normalize_hopfield_space_affine=True)
    assert hn.Hopfield(8, normalize_hopfield_space=True,
                       normalize_hopfield_space_affine=True).normalize_hopfield_space_affine
    with pytest.raises(AttributeError):
        hflayers.Hopfield(8).normalize_hopfield_space      # noqa: B018
    dec = hft.HopfieldDecoderLayer(hflayers.Hopfield(8), hflayers.Hopfield(8), 16)
    with pytest.raises(AttributeError):
        dec.output_size                                    # noqa: B018
    assert hn.HopfieldDecoderLayer(hn.Hopfield(8), hn.Hopfield(8), 16).output_size == 8
