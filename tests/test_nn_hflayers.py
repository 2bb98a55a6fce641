"""hopfield.nn as a drop-in replacement for hflayers (ml-jku/hopfield-layers), issue 15.

hflayers is not installable here (not on PyPI), so the reference is the independent
re-implementation of its forward pass and parameter layout in tests/hflayers_reference.py;
weights are created with hflayers' names and shapes, saved with ``torch.save``, loaded with
``weights_only=True`` and converted by ``load_hflayers_state_dict``.
"""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

import hflayers_reference as ref  # noqa: E402
from hopfield.nn import (  # noqa: E402
    BitPatternSet,
    Hopfield,
    HopfieldDecoderLayer,
    HopfieldEncoderLayer,
    HopfieldLayer,
    HopfieldPooling,
    LatchSequenceSet,
    load_hflayers_state_dict,
)

F64 = torch.float64


def _saved(sd, tmp_path):
    path = tmp_path / "hflayers.pt"
    torch.save(sd, path)
    return torch.load(path, weights_only=True)


def _ours(kw, sd, tmp_path, cls=Hopfield):
    layer = cls(**kw, dtype=F64)
    return load_hflayers_state_dict(layer, _saved(sd, tmp_path))


CASES = {
    "default self-association (fused in_proj_weight)": dict(input_size=8, num_heads=2),
    "cross sizes, separate q/k/v weights, 2 extra steps": dict(
        input_size=6, hidden_size=3, pattern_size=4, output_size=7, num_heads=2,
        stored_pattern_size=5, pattern_projection_size=9, scaling=0.7, update_steps_max=2,
        update_steps_eps=1e-12),
    # batch 1: hflayers' `repeat(1, num_heads, 1)` tiles the *batch* axis, which mixes batches
    # and heads once both exceed 1 (see the migration table); with one bag it is exact
    "static state repeated into each head (batch 1)": dict(
        input_size=8, hidden_size=4, num_heads=2, state_pattern_as_static=True,
        normalize_state_pattern=False, normalize_state_pattern_affine=False),
    "connected pattern projection (blog eq. 32)": dict(
        input_size=8, num_heads=2, pattern_projection_as_connected=True, update_steps_max=1,
        update_steps_eps=1e-12),
    "zero association, tanh activation, no input bias": dict(
        input_size=8, num_heads=4, add_zero_association=True, association_activation="tanh",
        input_bias=False),
    "Hopfield-space LayerNorm, no affine input norms": dict(
        input_size=8, num_heads=2, normalize_hopfield_space=True,
        normalize_hopfield_space_affine=True, normalize_stored_pattern_affine=False,
        normalize_pattern_projection_affine=False),
    "no projections at all (beta defaults to 1)": dict(
        stored_pattern_as_static=True, state_pattern_as_static=True,
        pattern_projection_as_static=True, disable_out_projection=True,
        normalize_stored_pattern=False, normalize_stored_pattern_affine=False,
        normalize_state_pattern=False, normalize_state_pattern_affine=False,
        normalize_pattern_projection=False, normalize_pattern_projection_affine=False,
        update_steps_max=3, update_steps_eps=1e-12),
    "per-head update_steps_max": dict(input_size=8, num_heads=2,
                                      update_steps_max=torch.tensor([0, 3]),
                                      update_steps_eps=1e-12),
}


def _inputs(kw, gen, b=3, s=7, length=5):
    if "static" in str(kw) and kw.get("num_heads", 1) > 1:
        b = 1
    e = kw.get("input_size") or 4
    ks = kw.get("stored_pattern_size") or e
    vs = kw.get("pattern_projection_size") or e
    if kw.get("state_pattern_as_static"):
        e = kw.get("hidden_size") or e
    if kw.get("pattern_projection_as_static") and not kw.get("disable_out_projection"):
        vs = kw.get("pattern_size") or vs
    def mk(*shape):
        return torch.randn(*shape, generator=gen, dtype=F64, requires_grad=True)

    return mk(b, s, ks), mk(b, length, e), mk(b, s, vs)


@pytest.mark.parametrize("name", list(CASES))
def test_forward_and_gradients_match_hflayers(name, tmp_path):
    kw = CASES[name]
    gen = torch.Generator().manual_seed(3)
    cfg = ref.config(**kw)
    sd = ref.state_dict(cfg, gen)
    layer = _ours(kw, sd, tmp_path)
    y, r, p = _inputs(kw, gen)
    kpm = torch.zeros(y.shape[0], 7, dtype=torch.bool)
    kpm[0, 5:] = True
    am = torch.zeros(5, 7, dtype=torch.bool)
    am[1, :3] = True
    want = ref.forward(sd, cfg, y, r, p, key_padding_mask=kpm, attn_mask=am)
    got = layer((y, r, p), stored_pattern_padding_mask=kpm, association_mask=am)
    torch.testing.assert_close(got, want, atol=1e-10, rtol=0)
    g_want = torch.autograd.grad(want.square().sum(), (y, r, p), allow_unused=True)
    g_got = torch.autograd.grad(got.square().sum(), (y, r, p), allow_unused=True)
    for a, b in zip(g_got, g_want, strict=True):
        if b is None:
            assert a is None or torch.all(a == 0)
        else:
            torch.testing.assert_close(a, b, atol=1e-10, rtol=0)
    # the association and projected-pattern matrices of hflayers' getters
    _, raw, proj = ref.forward(sd, cfg, y, r, p, key_padding_mask=kpm, attn_mask=am,
                               return_raw=True)
    torch.testing.assert_close(layer.get_association_matrix(
        (y, r, p), stored_pattern_padding_mask=kpm, association_mask=am), raw, atol=1e-10, rtol=0)
    torch.testing.assert_close(layer.get_projected_pattern_matrix((y, r, p)), proj,
                               atol=1e-10, rtol=0)


def test_static_multihead_batches_are_not_mixed():
    """Each bag's static query meets only that bag's keys, in every head (hflayers mixes them)."""
    layer = Hopfield(8, hidden_size=4, num_heads=2, state_pattern_as_static=True,
                     normalize_state_pattern=False, normalize_state_pattern_affine=False)
    y, r = torch.randn(3, 7, 8), torch.randn(3, 5, 4)
    both = layer(y, r)
    for b in range(3):
        torch.testing.assert_close(both[b], layer(y[b:b + 1], r[b:b + 1])[0])


def test_until_converged_matches_hflayers_to_its_tolerance(tmp_path):
    """update_steps_max=None: both iterate to the fixed point (stopping rules differ, see docs)."""
    kw = dict(input_size=8, num_heads=2, update_steps_max=None, update_steps_eps=1e-9,
              scaling=2.0)
    gen = torch.Generator().manual_seed(5)
    cfg = ref.config(**kw)
    sd = ref.state_dict(cfg, gen)
    layer = _ours(kw, sd, tmp_path)
    y, r, p = _inputs(kw, gen)
    torch.testing.assert_close(layer((y, r, p)), ref.forward(sd, cfg, y, r, p), atol=1e-6,
                               rtol=0)


def test_update_steps_max_counts_like_hflayers():
    """0 is one association (attention); k adds k Hopfield-space updates."""
    x = torch.randn(2, 9, 4, dtype=F64)
    q = torch.randn(2, 3, 4, dtype=F64)
    kw = dict(projections=False, scaling=0.8, update_steps_eps=None)
    one = Hopfield(update_steps_max=0, **kw)(x, q)
    s = torch.softmax(0.8 * q @ x.transpose(1, 2), -1)
    torch.testing.assert_close(one, s @ x)
    two = Hopfield(update_steps_max=1, **kw)(x, q)
    torch.testing.assert_close(two, torch.softmax(0.8 * (s @ x) @ x.transpose(1, 2), -1) @ x)


def test_pooling_and_lookup_defaults_and_weights_match_hflayers(tmp_path):
    gen = torch.Generator().manual_seed(11)
    # HopfieldPooling: the pooling patterns live in input space, normalised and projected
    kw = dict(input_size=6, num_heads=2, hidden_size=4, output_size=5)
    cfg = ref.config(**kw)
    sd = {"hopfield." + k: v for k, v in ref.state_dict(cfg, gen).items()}
    sd["pooling_weights"] = torch.randn(1, 3, 6, generator=gen, dtype=F64)
    pool = _ours(dict(kw, quantity=3), sd, tmp_path, HopfieldPooling)
    assert pool.pooling_weights.shape == (1, 3, 6)
    x = torch.randn(4, 7, 6, generator=gen, dtype=F64)
    kpm = torch.zeros(4, 7, dtype=torch.bool)
    kpm[2, 3:] = True
    torch.testing.assert_close(pool(x, kpm), ref.pooling_forward(sd, cfg, x, kpm), atol=1e-10,
                               rtol=0)
    # HopfieldLayer: lookup patterns are the stored patterns and (by default) the projections
    sd = {"hopfield." + k: v for k, v in ref.state_dict(cfg, gen).items()}
    sd["lookup_weights"] = torch.randn(1, 10, 6, generator=gen, dtype=F64)
    lay = _ours(dict(kw, quantity=10), sd, tmp_path, HopfieldLayer)
    assert lay.target_weights is None
    torch.testing.assert_close(lay(x), ref.lookup_forward(sd, cfg, x), atol=1e-10, rtol=0)
    sd["target_weights"] = torch.randn(1, 10, 6, generator=gen, dtype=F64)
    sep = _ours(dict(kw, quantity=10, lookup_weights_as_separated=True), sd, tmp_path,
                HopfieldLayer)
    torch.testing.assert_close(sep(x), ref.lookup_forward(sd, cfg, x), atol=1e-10, rtol=0)


def test_initialisation_as_hflayers():
    torch.manual_seed(0)
    layer = Hopfield(64, num_heads=4, concat_bias_pattern=True)
    for w in (layer.q_proj.weight, layer.k_proj.weight, layer.v_proj.weight,
              layer.out_proj.weight):
        assert abs(float(w.detach().std()) - 0.02) < 0.002 and abs(float(w.detach().mean())) < 0.002
    for b in (layer.q_proj.bias, layer.out_proj.bias):
        assert torch.all(b == 0)
    pool = HopfieldPooling(64, quantity=400)
    assert abs(float(pool.pooling_weights.detach().std()) - 0.02) < 0.002
    lay = HopfieldLayer(64, quantity=400)
    assert abs(float(lay.lookup_weights.detach().std()) - 0.02) < 0.002
    with torch.no_grad():
        lay.lookup_weights.fill_(1.0)
        layer.q_proj.weight.fill_(1.0)
    lay.reset_parameters()
    layer.reset_parameters()
    assert abs(float(lay.lookup_weights.detach().std()) - 0.02) < 0.002
    assert abs(float(layer.q_proj.weight.detach().std()) - 0.02) < 0.002
    # normalize_*_eps reach the LayerNorms
    eps = Hopfield(8, normalize_stored_pattern_eps=1e-3, normalize_hopfield_space=True,
                   normalize_hopfield_space_eps=1e-2)
    assert eps.norm_stored.eps == 1e-3 and eps.norm_hopfield.eps == 1e-2
    assert eps.norm_state.eps == 1e-5


def test_concat_bias_pattern_is_multihead_attention_add_bias_kv():
    """hflayers builds bias_k/bias_v but never concatenates them (its check compares a bool with
    None); here they are appended as in torch's MultiheadAttention(add_bias_kv=True)."""
    e, h = 8, 2
    mha = torch.nn.MultiheadAttention(e, h, add_bias_kv=True, batch_first=True, dtype=F64)
    layer = Hopfield(e, num_heads=h, concat_bias_pattern=True, normalize_stored_pattern=False,
                     normalize_state_pattern=False, normalize_pattern_projection=False,
                     normalize_stored_pattern_affine=False, normalize_state_pattern_affine=False,
                     normalize_pattern_projection_affine=False, dtype=F64)
    with torch.no_grad():
        for i, pr in enumerate((layer.q_proj, layer.k_proj, layer.v_proj)):
            pr.weight.copy_(mha.in_proj_weight[i * e:(i + 1) * e])
            pr.bias.copy_(mha.in_proj_bias[i * e:(i + 1) * e])
        layer.out_proj.load_state_dict(mha.out_proj.state_dict())
        layer.bias_k.copy_(mha.bias_k)
        layer.bias_v.copy_(mha.bias_v)
    q, k = torch.randn(2, 3, e, dtype=F64), torch.randn(2, 5, e, dtype=F64)
    kpm = torch.zeros(2, 5, dtype=torch.bool)
    kpm[1, 2:] = True
    want = mha(q, k, k, key_padding_mask=kpm, need_weights=False)[0]
    torch.testing.assert_close(layer(k, q, stored_pattern_padding_mask=kpm), want,
                               atol=1e-12, rtol=0)


# ------------------------------------------------------------------ item 3: bugs
def test_fully_masked_query_agrees_on_every_path():
    """All associations masked: association row 0, read-out 0, output = the output bias."""
    layer = Hopfield(8, num_heads=2, dtype=F64, update_steps_max=2)
    with torch.no_grad():
        layer.out_proj.bias.normal_()
    y, r = torch.randn(2, 6, 8, dtype=F64), torch.randn(2, 4, 8, dtype=F64)
    am = torch.zeros(4, 6, dtype=torch.bool)
    am[2] = True
    fast = layer(y, r, association_mask=am)
    explicit, assoc = layer(y, r, association_mask=am, return_association=True)
    layer.use_sdpa = False
    slow = layer(y, r, association_mask=am)
    for out in (fast, explicit, slow):
        assert torch.isfinite(out).all()
        torch.testing.assert_close(out[:, 2], layer.out_proj.bias.expand(2, 8))
    torch.testing.assert_close(explicit, fast, atol=1e-12, rtol=0)
    torch.testing.assert_close(slow, fast, atol=1e-12, rtol=0)
    assert torch.all(assoc[:, :, 2] == 0) and torch.allclose(assoc[:, :, 0].sum(-1),
                                                             torch.ones(2, 2, dtype=F64))


def test_static_pattern_projection_with_its_size():
    layer = Hopfield(8, num_heads=2, pattern_projection_as_static=True, pattern_projection_size=6)
    assert layer.pattern_size == 6                 # the static values' width, in every head
    out = layer(torch.randn(2, 5, 8), torch.randn(2, 3, 8), torch.randn(2, 5, 6))
    assert out.shape == (2, 3, 8)
    with pytest.raises(ValueError, match="pattern_size"):
        Hopfield(8, pattern_projection_as_static=True, pattern_projection_size=6, pattern_size=5)


def test_clear_errors_and_scalars():
    x = torch.randn(2, 5, 8)
    beta = Hopfield(8, scaling=torch.tensor(0.5))      # a 0-d tensor is one β for every head
    assert beta.scaling == 0.5
    other = Hopfield(8, scaling=0.5)
    other.load_state_dict(beta.state_dict())
    torch.testing.assert_close(beta(x), other(x))
    with pytest.raises(ValueError, match="one β per head"):
        Hopfield(8, num_heads=2, scaling=torch.ones(2, 1))
    with pytest.raises(ValueError, match="steps"):
        Hopfield(8).energy(x, steps=-1)
    with pytest.raises(TypeError, match=r"dtype torch\.float64 but the layer's parameters are "
                                        r"torch\.float32"):
        Hopfield(8)(x.double())
    with pytest.raises(TypeError, match="`state` has dtype"):
        Hopfield(projections=False)(x, x[:, :2].double())
    with pytest.raises(ValueError, match="association_activation"):
        Hopfield(8, association_activation="no_such_function")
    with pytest.raises(ValueError, match="update_steps_max"):
        Hopfield(8, num_heads=2, update_steps_max=torch.tensor([1, 2, 3]))
    with pytest.raises(ValueError, match="tolerance"):
        Hopfield(8, update_steps_max=None, update_steps_eps=None)(x)


def test_extra_repr_names_the_configuration():
    text = repr(Hopfield(8, num_heads=2, update_steps_max=3, add_zero_association=True))
    for part in ("input_size=8", "num_heads=2", "update_steps_max=3", "scaling=0.5",
                 "add_zero_association=True"):
        assert part in text
    assert "quantity=4" in repr(HopfieldPooling(8, quantity=4))


# ------------------------------------------------------------------ transformer blocks
def test_encoder_and_decoder_layers_stack_in_torch_transformers():
    torch.manual_seed(2)
    enc_layer = HopfieldEncoderLayer(Hopfield(8, num_heads=2), dim_feedforward=16, dropout=0.0)
    enc = torch.nn.TransformerEncoder(enc_layer, num_layers=2, enable_nested_tensor=False)
    src = torch.randn(3, 5, 8)
    kpm = torch.zeros(3, 5, dtype=torch.bool)
    kpm[0, 3:] = True
    mask = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)       # causal
    out = enc(src, mask=mask, src_key_padding_mask=kpm)
    manual = src
    for layer in enc.layers:
        manual = layer(manual, src_mask=mask, src_key_padding_mask=kpm)
    torch.testing.assert_close(out, manual)
    # the association inside sees exactly the masks: future positions get no weight
    a = enc.layers[0].hopfield_association.get_association_matrix(src, association_mask=mask)
    assert torch.all(a[:, :, 0, 1:] == 0)
    assert torch.allclose(enc(src, mask=mask, is_causal=True), enc(src, mask=mask))
    dec_layer = HopfieldDecoderLayer(Hopfield(8, num_heads=2), Hopfield(8, num_heads=2),
                                     dim_feedforward=16, dropout=0.0)
    dec = torch.nn.TransformerDecoder(dec_layer, num_layers=2)
    tgt = torch.randn(3, 4, 8)
    y = dec(tgt, out, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(4))
    assert y.shape == (3, 4, 8) and torch.isfinite(y).all()
    with pytest.raises(ValueError, match="residual"):
        HopfieldEncoderLayer(Hopfield(8, output_size=4))


# ------------------------------------------------------------------ data sets
def test_bit_pattern_set_draws_hflayers_numbers_without_touching_global_rng():
    torch.manual_seed(99)
    before = torch.get_rng_state()
    ds = BitPatternSet(num_bags=40, num_instances=12, num_signals=6, num_signals_per_bag=2,
                       num_bits=6, seed_signals=7, seed_data=8)
    assert torch.equal(torch.get_rng_state(), before)
    data, targets, signals = ref.bit_pattern_set(40, 12, 6, num_signals_per_bag=2, num_bits=6,
                                                 seed_signals=7, seed_data=8)
    assert torch.equal(ds.bags, data) and torch.equal(ds.targets, targets)
    assert torch.equal(ds.signals, signals)
    assert len(ds) == 40 and ds[3]["data"].shape == (12, 6) and ds[3]["target"] == 1
    # positives hold a signal, negatives none
    has = torch.stack([(ds.bags == s).all(-1).any(-1) for s in ds.signals]).any(0)
    assert torch.equal(has, ds.targets.bool())
    with pytest.raises(ValueError, match="num_signals"):
        BitPatternSet(4, 3, num_signals=3, num_bits=2)


def test_latch_sequence_set_draws_hflayers_numbers():
    ds = LatchSequenceSet(num_samples=30, num_instances=9, num_characters=5, seed=4)
    data, signal = ref.latch_sequence_set(30, 9, 5, seed=4)
    assert torch.equal(torch.stack([ds[i]["data"] for i in range(30)]), data.float())
    assert torch.equal(ds.targets, signal)
    assert torch.equal(ds[0]["data"][0].argmax(), signal[0])


def test_scaling_default_per_head_and_state_dict_round_trip(tmp_path):
    layer = Hopfield(12, num_heads=3)
    assert math.isclose(layer.scaling, 0.5)
    copy = Hopfield(12, num_heads=3)
    copy.load_state_dict(layer.state_dict())
    x = torch.randn(2, 4, 12)
    torch.testing.assert_close(copy(x), layer(x))


@pytest.mark.filterwarnings("ignore")    # torch 2.13 deprecates torch.jit; tracer notes
def test_torch_jit_trace_works_and_script_is_refused_loudly():
    """Documented: trace (and torch.compile) work; TorchScript's script cannot compile the core."""
    layer = Hopfield(8, num_heads=2)
    x = torch.randn(2, 5, 8)
    traced = torch.jit.trace(layer, (x,))
    torch.testing.assert_close(traced(x), layer(x))
    with pytest.raises(Exception):  # noqa: B017 - torch raises its own frontend error types
        torch.jit.script(layer)
