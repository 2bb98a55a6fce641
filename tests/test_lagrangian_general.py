"""General fully connected Lagrangian network (THEORY §10, first paragraph)."""

import numpy as np
import pytest

from hopfield.lagrangian import GeneralNetwork, LayerNorm, Softmax, Tanh

BLOCKS = ((Tanh(2.0), 5), (Softmax(1.5), 4), ("sigmoid", 3), (LayerNorm(), 4))


def _network(rng, n_blocks=BLOCKS):
    n = sum(size for _, size in n_blocks)
    a = rng.normal(size=(n, n)) / np.sqrt(n)
    tau = rng.uniform(0.5, 2.0, size=n)
    return GeneralNetwork(a + a.T, list(n_blocks), tau=tau, bias=rng.normal(size=n) * 0.1)


def test_energy_rate_is_minus_tau_hessian_quadratic_form(rng):
    """dE/dt = ∇E·ẋ = -Σ ẋ_I τ_I ∂²L/∂x_I∂x_K ẋ_K ≤ 0 at random states (autograd)."""
    torch = pytest.importorskip("torch")
    net = _network(rng)
    for _ in range(10):
        x = torch.tensor(rng.normal(scale=2.0, size=net.n_neurons), requires_grad=True)
        (grad,) = torch.autograd.grad(net.energy(x), x)
        xdot = net.velocity(x.detach())
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
    v = net.velocity(x)
    eps = 1e-6
    rate = (net.energy(x + eps * v) - net.energy(x - eps * v)) / (2 * eps)
    assert np.all(rate <= 1e-8)
    assert np.all(rate < -1e-6)  # not at a fixed point: strictly descending


def test_euler_descends_and_finds_fixed_point(rng):
    net = _network(rng)
    res = net.run(rng.normal(size=(3, net.n_neurons)), dt=0.05, n_steps=5000, tol=1e-9)
    assert res.converged
    assert np.all(np.diff(res.energy, axis=0) <= 1e-12)
    np.testing.assert_allclose(net.velocity(res.y[0]), 0.0, atol=1e-9)


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
