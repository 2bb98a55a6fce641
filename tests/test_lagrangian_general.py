"""General fully connected Lagrangian network (THEORY §10, first paragraph)."""

import numpy as np
import pytest

from hopfield.lagrangian import GeneralNetwork, LayerNorm, Softmax, Tanh, make_lagrangian

BLOCKS = ((Tanh(2.0), 5), (Softmax(1.5), 4), ("sigmoid", 3), (LayerNorm(), 4))


def _network(rng, n_blocks=BLOCKS):
    """Per-neuron τ in the additive blocks, one τ per non-additive block (the descent condition)."""
    n = sum(size for _, size in n_blocks)
    a = rng.normal(size=(n, n)) / np.sqrt(n)
    tau = np.concatenate([
        rng.uniform(0.5, 2.0, size=size) if make_lagrangian(L).elementwise
        else np.full(size, rng.uniform(0.5, 2.0)) for L, size in n_blocks])
    net = GeneralNetwork(a + a.T, list(n_blocks), tau=tau, bias=rng.normal(size=n) * 0.1)
    assert net.descends_energy
    return net


def test_energy_rate_is_minus_tau_hessian_quadratic_form(rng):
    """dE/dt = ∇E·ẋ = -Σ ẋ_I τ_I ∂²L/∂x_I∂x_K ẋ_K ≤ 0 at random states (autograd)."""
    torch = pytest.importorskip("torch")
    net = _network(rng)
    for _ in range(10):
        x = torch.tensor(rng.normal(scale=2.0, size=net.n_neurons), requires_grad=True)
        (grad,) = torch.autograd.grad(net.energy(x), x)
        xdot = net.derivatives(x.detach())
        rate = float(grad @ xdot)

        def lagrangian(z):
            parts = net._split(z)
            return sum(L.value(p) for (L, _), p in zip(net.blocks, parts, strict=True))

        H = torch.autograd.functional.hessian(lagrangian, x.detach())
        M = torch.as_tensor(net.tau)[:, None] * H
        assert rate == pytest.approx(-float(xdot @ M @ xdot), rel=1e-8, abs=1e-12)
        assert rate <= 1e-12


def test_energy_rate_finite_difference_numpy(rng):
    net = _network(rng)
    x = rng.normal(size=(6, net.n_neurons))
    v = net.derivatives(x)
    eps = 1e-6
    rate = (net.energy(x + eps * v) - net.energy(x - eps * v)) / (2 * eps)
    assert np.all(rate <= 1e-8)
    assert np.all(rate < -1e-6)  # not at a fixed point: strictly descending


def test_euler_descends_and_finds_fixed_point(rng):
    net = _network(rng)
    res = net.run(rng.normal(size=(3, net.n_neurons)), dt=0.05, max_steps=5000, tol=1e-9)
    assert res.converged
    assert np.all(np.diff(res.energy, axis=0) <= 1e-12)
    np.testing.assert_allclose(net.derivatives(res.states[0]), 0.0, atol=1e-9)


def test_validation(rng):
    with pytest.raises(ValueError, match="`weights` must be symmetric"):
        GeneralNetwork(rng.normal(size=(3, 3)), "tanh")
    with pytest.raises(ValueError, match="add up to 4 but `weights` has 3"):
        GeneralNetwork(np.eye(3), [("tanh", 2), ("softmax", 2)])
    with pytest.raises(ValueError, match="`tau` must be > 0"):
        GeneralNetwork(np.eye(3), "tanh", tau=[1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="`tau` has length 2"):
        GeneralNetwork(np.eye(3), "tanh", tau=[1.0, 1.0])
    with pytest.raises(ValueError, match="`x` has 4 neurons"):
        GeneralNetwork(np.eye(3), "tanh").energy(np.ones(4))
    with pytest.raises(TypeError, match="sequence of \\(spec, size\\) pairs"):
        GeneralNetwork(np.eye(3), [("tanh",)])


def _softmax_counterexample():
    return GeneralNetwork(np.zeros((2, 2)), Softmax(1.0), tau=[1.0, 0.1], bias=[1.0, 0.5])


def test_per_neuron_tau_inside_a_softmax_block_warns_and_can_raise_the_energy():
    """dE/dt = −ẋᵀ diag(τ) H ẋ: with τ varying inside a non-additive block the symmetric part of
    diag(τ)H need not be PSD. Issue 13's counterexample: 2-neuron softmax, W = 0, b = (1, 0.5),
    τ = (1, 0.1): from x = 0 the energy climbs from −1.443."""
    with pytest.warns(UserWarning, match=r"`tau` varies inside the non-additive block\(s\) \[0\]"):
        net = _softmax_counterexample()
    assert not net.descends_energy
    e0 = float(net.energy(np.zeros(2)))
    assert e0 == pytest.approx(-np.log(2) - 0.75, abs=1e-12)  # -1.443
    res = net.run(np.zeros(2), dt=0.001, max_steps=2000)
    assert res.energy.shape == (2001,)
    assert np.max(res.energy) > e0 + 0.03  # rises to about -1.40 (an exact-flow effect, dt small)
    # the rate is still −ẋᵀ diag(τ) H ẋ, and it is positive at x = 0
    x = np.zeros(2)
    g = np.exp(x) / np.exp(x).sum()
    H = np.diag(g) - np.outer(g, g)
    xdot = net.derivatives(x)
    eps = 1e-6
    rate = (net.energy(x + eps * xdot) - net.energy(x - eps * xdot)) / (2 * eps)
    assert rate == pytest.approx(-xdot @ np.diag(net.tau) @ H @ xdot, rel=1e-6)
    assert rate > 0
    # one τ for the block: no warning, and the energy descends
    net = GeneralNetwork(np.zeros((2, 2)), Softmax(1.0), tau=0.1, bias=[1.0, 0.5])
    assert net.descends_energy
    res = net.run(np.zeros(2), dt=0.001, max_steps=2000)
    assert np.all(np.diff(res.energy) <= 1e-15)
    # per-neuron τ in additive blocks is fine
    assert GeneralNetwork(np.zeros((2, 2)), "tanh", tau=[1.0, 0.1]).descends_energy
