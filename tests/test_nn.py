"""PyTorch Hopfield layers (hopfield.nn), THEORY.md §8 (eq. 10: attention is one Ramsauer update)."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import hopfield as hf  # noqa: E402
from hopfield.nn import Hopfield, HopfieldLayer, HopfieldPooling  # noqa: E402
from hopfield.nn import functional as hnf  # noqa: E402

E, H = 16, 4


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(1234)


def plain(**kw):
    """Keyword arguments for a layer with MHA's structure (no input LayerNorms)."""
    return dict(normalize_stored_pattern=False, normalize_state_pattern=False,
                normalize_pattern_projection=False, **kw)


def from_mha(mha, dtype, **kw):
    e = mha.embed_dim
    layer = Hopfield(e, num_heads=mha.num_heads, dtype=dtype, **plain(**kw))
    w, b = mha.in_proj_weight, mha.in_proj_bias
    with torch.no_grad():
        for i, proj in enumerate((layer.q_proj, layer.k_proj, layer.v_proj)):
            proj.weight.copy_(w[i * e:(i + 1) * e])
            proj.bias.copy_(b[i * e:(i + 1) * e])
        layer.out_proj.weight.copy_(mha.out_proj.weight)
        layer.out_proj.bias.copy_(mha.out_proj.bias)
    return layer


def inputs(dtype, b=3, lq=5, s=7):
    return (torch.randn(b, lq, E, dtype=dtype), torch.randn(b, s, E, dtype=dtype),
            torch.randn(b, s, E, dtype=dtype))


# ------------------------------------------------------------------ equals MultiheadAttention
@pytest.mark.parametrize("dtype, atol", [(torch.float32, 1e-5), (torch.float64, 1e-10)])
@pytest.mark.parametrize("masks", ["none", "padding", "assoc", "assoc3d", "both", "float"])
def test_equals_multihead_attention(dtype, atol, masks):
    mha = torch.nn.MultiheadAttention(E, H, batch_first=True, dtype=dtype)
    layer = from_mha(mha, dtype)
    q, k, v = inputs(dtype)
    kpm = am = None
    if masks in ("padding", "both"):
        kpm = torch.zeros(3, 7, dtype=torch.bool)
        kpm[0, 4:] = True
        kpm[2, :2] = True
    if masks in ("assoc", "both"):
        am = torch.rand(5, 7) > 0.6
        am[:, 3] = False
    if masks == "assoc3d":
        am = torch.rand(3 * H, 5, 7) > 0.6
        am[..., 3] = False
    if masks == "float":
        am = torch.randn(5, 7, dtype=dtype)
    ref, ref_w = mha(q, k, v, key_padding_mask=kpm, attn_mask=am, average_attn_weights=False)
    out = layer(k, q, v, stored_pattern_padding_mask=kpm, association_mask=am)   # SDPA path
    out2, assoc = layer((k, q, v), stored_pattern_padding_mask=kpm, association_mask=am,
                        return_association=True)                                   # explicit path
    torch.testing.assert_close(out, ref, atol=atol, rtol=0)
    torch.testing.assert_close(out2, ref, atol=atol, rtol=0)
    torch.testing.assert_close(assoc, ref_w, atol=atol, rtol=0)


def test_equals_mha_sequence_first_and_unbatched():
    dtype = torch.float64
    mha = torch.nn.MultiheadAttention(E, H, batch_first=False, dtype=dtype)
    layer = from_mha(mha, dtype, batch_first=False)
    q, k, v = (t.transpose(0, 1) for t in inputs(dtype))
    ref, _ = mha(q, k, v)
    torch.testing.assert_close(layer(k, q, v), ref, atol=1e-10, rtol=0)
    ref1, _ = mha(q[:, 0], k[:, 0], v[:, 0])
    torch.testing.assert_close(layer(k[:, 0], q[:, 0], v[:, 0]), ref1, atol=1e-10, rtol=0)


def test_self_association_default():
    dtype = torch.float64
    mha = torch.nn.MultiheadAttention(E, H, batch_first=True, dtype=dtype)
    layer = from_mha(mha, dtype)
    x = torch.randn(2, 6, E, dtype=dtype)
    torch.testing.assert_close(layer(x), mha(x, x, x)[0], atol=1e-10, rtol=0)


# ------------------------------------------------------------------ pure Ramsauer retrieval
def test_retrieval_layer_is_ramsauer_network(rng):
    x = rng.normal(size=(60, 12))
    q = x[:4] + 0.2 * rng.normal(size=(4, 12))
    net = hf.ModernHopfieldNetwork(x, beta=2.0)
    layer = Hopfield.retrieval(beta=2.0)
    out = layer(torch.tensor(x), torch.tensor(q))
    np.testing.assert_allclose(out.numpy(), net.update(q), atol=1e-12)
    # several steps without freezing: the network's iterates; and with projections=False too
    layer3 = Hopfield.retrieval(beta=0.3, steps=3, update_steps_eps=None)
    net3 = hf.ModernHopfieldNetwork(x, beta=0.3)
    np.testing.assert_allclose(layer3(torch.tensor(x), torch.tensor(q)).numpy(),
                               net3.retrieve(q, steps=3).states, atol=1e-12)
    same = Hopfield(projections=False, scaling=0.3, update_steps_max=2, update_steps_eps=None)
    torch.testing.assert_close(same(torch.tensor(x), torch.tensor(q)),
                               layer3(torch.tensor(x), torch.tensor(q)))
    # a batch of memories with padding = separate networks on the unpadded patterns
    xb = torch.tensor(np.stack([x, x]))
    pad = torch.zeros(2, 60, dtype=torch.bool)
    pad[1, 30:] = True
    outb = layer(xb, torch.tensor(np.stack([q, q])), stored_pattern_padding_mask=pad)
    np.testing.assert_allclose(outb[1].numpy(), hf.ModernHopfieldNetwork(x[:30], beta=2.0).update(q),
                               atol=1e-12)
    # the energy matches the network's
    e = layer.energy(torch.tensor(x), torch.tensor(q), steps=2)
    np.testing.assert_allclose(e[0, 0].numpy(), net.energy(q), atol=1e-10)
    np.testing.assert_allclose(e[1, 0].numpy(), net.energy(net.update(q)), atol=1e-10)


def test_stopping_tolerance_freezes_rows_and_needs_no_host_sync(rng, monkeypatch):
    x = rng.normal(size=(40, 10))
    q = np.vstack([x[:2] + 0.05, 0.01 * rng.normal(size=(2, 10))])
    tol = 1e-6
    layer = Hopfield.retrieval(beta=0.5, steps=61, update_steps_eps=tol)
    net = hf.ModernHopfieldNetwork(x, beta=0.5)

    def forbidden(*_a, **_k):
        raise AssertionError("host synchronisation inside the update loop")

    xt, qt = torch.tensor(x), torch.tensor(q)
    with monkeypatch.context() as m:
        m.setattr(torch.Tensor, "item", forbidden)
        m.setattr(torch.Tensor, "__bool__", forbidden)
        out = layer(xt, qt)
    ref = net.retrieve(q, steps=None, tol=tol)
    assert ref.success
    np.testing.assert_allclose(out.numpy(), ref.states, atol=1e-5)
    # the last update of each row moved it by ≤ tol, so one more step hardly moves it
    np.testing.assert_allclose(net.update(out.numpy()), out.numpy(), atol=1e-5)
    # early exit every k steps reads one flag (a sync), and gives the same answer
    early = Hopfield.retrieval(beta=0.5, steps=61, update_steps_eps=tol,
                               update_steps_check_every=4)
    torch.testing.assert_close(early(xt, qt), out)


def test_sdpa_and_explicit_paths_agree_multistep():
    layer = Hopfield(E, num_heads=H, update_steps_max=4, scaling=[0.2, 0.4, 0.6, 0.8],
                     dtype=torch.float64, **plain())
    q, k, v = inputs(torch.float64)
    kpm = torch.zeros(3, 7, dtype=torch.bool)
    kpm[1, 5:] = True
    fast = layer(k, q, v, stored_pattern_padding_mask=kpm)
    slow, _ = layer(k, q, v, stored_pattern_padding_mask=kpm, return_association=True)
    layer.use_sdpa = False
    slower = layer(k, q, v, stored_pattern_padding_mask=kpm)
    torch.testing.assert_close(fast, slow, atol=1e-12, rtol=0)
    torch.testing.assert_close(fast, slower, atol=1e-12, rtol=0)


def test_per_head_beta_matches_manual():
    layer = Hopfield(E, num_heads=2, scaling=[0.1, 2.0], dtype=torch.float64, **plain())
    q, k, v = inputs(torch.float64)
    _, assoc = layer(k, q, v, return_association=True)
    qp = layer.q_proj(q).reshape(3, 5, 2, 8).transpose(1, 2)
    kp = layer.k_proj(k).reshape(3, 7, 2, 8).transpose(1, 2)
    beta = torch.tensor([0.1, 2.0], dtype=torch.float64).reshape(1, 2, 1, 1)
    torch.testing.assert_close(assoc, torch.softmax(beta * qp @ kp.transpose(-1, -2), -1))


# ------------------------------------------------------------------ energy
@pytest.mark.parametrize("heads, masked", [(1, False), (4, True)])
def test_energy_decreases_along_layer_updates(heads, masked):
    layer = Hopfield(E, num_heads=heads, update_steps_max=6, scaling=0.7, dtype=torch.float64,
                     normalize_hopfield_space=True)
    q, k, _ = inputs(torch.float64)
    kpm = None
    if masked:
        kpm = torch.zeros(3, 7, dtype=torch.bool)
        kpm[0, 3:] = True
    e = layer.energy(k, q, stored_pattern_padding_mask=kpm)
    assert e.shape == (7, 3, heads, 5)
    assert torch.all(torch.diff(e, dim=0) <= 1e-10)
    assert torch.any(torch.diff(e, dim=0) < -1e-6)   # it really moves
    m2 = 2 * torch.amax(torch.sum(layer.norm_hopfield(
        layer.k_proj(k).reshape(3, 7, heads, -1)) ** 2, -1))
    assert torch.all(e[1:] >= -1e-10) and torch.all(e[1:] <= m2)   # Lemma A1


def test_functional_energy_with_mask_counts_only_unmasked():
    st = torch.randn(1, 1, 2, 5, dtype=torch.float64)
    keys = torch.randn(1, 1, 9, 5, dtype=torch.float64)
    pad = torch.zeros(1, 9, dtype=torch.bool)
    pad[0, 4:] = True
    bias = hnf.association_bias(pad, batch=1, heads=1, n_queries=2, n_keys=9,
                                dtype=torch.float64, device="cpu")
    e = hnf.hopfield_energy(st, keys, 0.8, bias=bias)
    net = hf.ModernHopfieldNetwork(keys[0, 0, :4], beta=0.8)
    torch.testing.assert_close(e[0, 0], net.energy(st[0, 0]))


# ------------------------------------------------------------------ gradients, options
def test_gradients_flow_to_all_parameters():
    layer = Hopfield(E, num_heads=H, update_steps_max=3, scaling_learnable=True,
                     normalize_hopfield_space=True, normalize_hopfield_space_affine=True)
    q, k, v = inputs(torch.float32)
    out = layer(k, q, v)
    (out ** 2).sum().backward()
    names = [n for n, p in layer.named_parameters()]
    assert "scaling" in names and any(n.startswith("norm_hopfield") for n in names)
    for n, p in layer.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), n
        assert p.grad.abs().sum() > 0, n
    pool = HopfieldPooling(E, num_heads=2, quantity=2, scaling_learnable=True)
    lay = HopfieldLayer(E, num_heads=2, quantity=5)
    (pool(k).sum() + lay(q).pow(2).sum()).backward()
    for mod in (pool, lay):
        for n, p in mod.named_parameters():
            if n.startswith("hopfield.norm_projection"):
                # as hflayers: stored patterns and projection are one tensor with equal
                # LayerNorms, so the projection is the normalised stored patterns and its own
                # LayerNorm is not read (no gradient, hence no optimiser step)
                assert p.grad is None, n
            else:
                assert p.grad is not None and p.grad.abs().sum() > 0, n


def test_dropout_on_association():
    layer = Hopfield(E, num_heads=H, dropout=0.5, **plain())
    q, k, v = inputs(torch.float32)
    layer.eval()
    _, a = layer(k, q, v, return_association=True)
    torch.testing.assert_close(a.sum(-1), torch.ones_like(a.sum(-1)))
    torch.testing.assert_close(layer(k, q, v), layer(k, q, v))
    layer.train()
    _, a = layer(k, q, v, return_association=True)
    assert (a == 0).float().mean() > 0.3          # entries dropped, the others scaled by 2
    assert not torch.allclose(layer(k, q, v), layer(k, q, v))  # SDPA path drops too


def test_shapes_of_pooling_and_layer():
    x = torch.randn(4, 9, E)
    pool = HopfieldPooling(E, output_size=6, num_heads=2, quantity=3)
    assert pool(x).shape == (4, 18)
    _, a = pool(x, return_association=True)
    assert a.shape == (4, 2, 3, 9)
    pool_sf = HopfieldPooling(E, quantity=2, batch_first=False)
    assert pool_sf(x.transpose(0, 1)).shape == (4, 2 * E)
    lay = HopfieldLayer(E, output_size=5, quantity=11)
    assert lay(x).shape == (4, 9, 5) and lay(x[0]).shape == (9, 5)
    _, a = lay(x, return_association=True)
    assert a.shape == (4, 1, 9, 11)
    static = Hopfield(E, num_heads=2, stored_pattern_as_static=True, **plain())
    # a static input has hidden_size features, repeated into every head (as hflayers)
    assert static(torch.randn(4, 3, E // 2), x, torch.randn(4, 3, E)).shape == (4, 9, E)


# ------------------------------------------------------------------ training
def _bags(n, gen, signal, size=8):
    d = signal.shape[0]
    x = (torch.rand(n, size, d, generator=gen) < 0.5).float() * 2 - 1
    y = torch.rand(n, generator=gen) < 0.5
    where = torch.randint(0, size, (n,), generator=gen)
    x[y, where[y]] = signal
    return x, y.float()


def test_hopfield_pooling_learns_multiple_instance_task():
    """A bag is positive iff it contains one specific signal pattern (MIL); chance is 50 %."""
    gen = torch.Generator().manual_seed(7)
    signal = (torch.rand(16, generator=gen) < 0.5).float() * 2 - 1
    x_train, y_train = _bags(256, gen, signal)
    x_test, y_test = _bags(512, gen, signal)
    pool = HopfieldPooling(16, hidden_size=16, output_size=8, scaling=1.0,
                           normalize_stored_pattern=False, normalize_pattern_projection=False)
    model = torch.nn.Sequential(pool, torch.nn.Tanh(), torch.nn.Linear(8, 1))
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    for _ in range(60):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x_train)[:, 0], y_train)
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = ((model(x_test)[:, 0] > 0).float() == y_test).float().mean().item()
    assert acc > 0.85


# ------------------------------------------------------------------ validation
def test_layer_validation_errors():
    with pytest.raises(ValueError, match="divisible"):
        Hopfield(10, num_heads=3)
    with pytest.raises(ValueError, match="input_size"):
        Hopfield()
    with pytest.raises(ValueError, match="scaling"):
        Hopfield(E, scaling=-1.0)
    with pytest.raises(ValueError, match="2 values but there are 4 heads"):
        Hopfield(E, num_heads=4, scaling=[1.0, 2.0])
    with pytest.raises(ValueError, match="dropout"):
        Hopfield(E, dropout=1.0)
    with pytest.raises(ValueError, match="update_steps_max"):
        Hopfield(E, update_steps_max=-1)
    layer = Hopfield(E, num_heads=H)
    q, k, v = inputs(torch.float32)
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        layer(k.numpy(), q)
    with pytest.raises(ValueError, match="3-D"):
        layer(k[None], q)
    with pytest.raises(ValueError, match="patterns but `projection`"):
        layer(k, q, v[:, :3])
    with pytest.raises(ValueError, match="stored_pattern_padding_mask"):
        layer(k, q, stored_pattern_padding_mask=torch.zeros(3, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match="association_mask"):
        layer(k, q, association_mask=torch.zeros(2, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match="`stored` has 8 features but the layer expects 16"):
        layer(k[..., :8], q)
    with pytest.raises(ValueError, match="static `stored` has 4 features"):
        Hopfield.retrieval()(torch.randn(5, 4), torch.randn(2, 3))


def test_default_beta_is_inverse_sqrt_head_dim():
    layer = Hopfield(E, num_heads=H, **plain())
    assert math.isclose(layer.scaling, 1 / math.sqrt(E // H))
    # hflayers: a layer without any projection defaults to β = 1, not 1/√d
    assert Hopfield(projections=False).scaling == 1.0
    assert Hopfield(E, hidden_size=5, num_heads=H).scaling == 1 / math.sqrt(5)
