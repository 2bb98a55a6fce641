"""Two-layer feature/memory network and models A, B, C (THEORY §9; agreement with §5, §7, §8)."""

import math

import numpy as np
import pytest

import hopfield as hf
from hopfield.lagrangian import ModelA, ModelB, ModelC, Tanh, TwoLayerNetwork


def _assert_non_increasing(energy, *, rel=1e-12):
    e = np.asarray(energy)
    steps = np.diff(e, axis=0)
    scale = np.max(np.abs(e)) + 1.0
    assert np.all(steps <= rel * scale), f"energy rose by {steps.max():.3g}"
    return e


@pytest.fixture
def xi(rng):
    return rng.normal(size=(8, 20)) / math.sqrt(20)


MODELS = {
    "A": lambda xi: ModelA(xi, F="rectified", n=3, L_v=Tanh(3.0), tau_h=0.2),
    "B": lambda xi: ModelB(3.0 * xi, beta=1.0, tau_h=0.2),
    "C": lambda xi: ModelC(3.0 * xi, F="rectified", n=3, tau_h=0.2),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_full_energy_non_increasing_along_two_layer_ode(name, xi, rng):
    model = MODELS[name](xi)
    net = model.network
    v0 = rng.normal(size=(5, 20))
    h0 = rng.normal(size=(5, 8))
    res = net.run(v0, h0, dt=0.005, max_steps=600)
    e = _assert_non_increasing(res.energy)
    assert e.shape == (601, 5)
    assert np.all(e[0] - e[-1] > 1e-3)  # it really moved
    # the energy the trajectory reports is the public one
    np.testing.assert_allclose(net.energy(*res.states), e[-1], rtol=1e-12)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_effective_energy_non_increasing_and_limit_of_fast_memory(name, xi, rng):
    model = MODELS[name](xi)
    v0 = rng.normal(size=(3, 20))
    eff = model.run(v0, dt=0.002, max_steps=500)
    _assert_non_increasing(eff.energy)
    # with h started at ξg(v0) the full energy equals the effective one ...
    net = model.network
    np.testing.assert_allclose(net.energy(v0, net.hidden_equilibrium(v0)), model.energy(v0),
                               rtol=1e-12, atol=1e-12)
    # ... and a fast memory layer makes the feature trajectory follow the effective dynamics
    errors = []
    for tau_h in (1e-2, 1e-3):
        fast = TwoLayerNetwork(model.xi, L_v=model.L_v, L_h=model.L_h, tau_f=1.0, tau_h=tau_h)
        steps = round(0.25 / (tau_h / 4))
        full = fast.run(v0, dt=tau_h / 4, max_steps=steps)
        limit = model.run(v0, dt=tau_h / 4, max_steps=steps)
        errors.append(np.max(np.abs(full.states[0] - limit.states[0])) / np.max(np.abs(limit.states[0])))
    assert errors[1] < 0.3 * errors[0] and errors[1] < 0.02, errors  # O(tau_h)


def test_model_b_step_is_ramsauer_update_to_machine_precision(rng):
    X = rng.normal(size=(30, 16))
    q = X[:5] + 0.5 * rng.normal(size=(5, 16))
    for beta in (1.0, 0.3):
        model = ModelB(X, beta=beta)
        mine = model.step(q)  # dt = tau_f
        direct = X.T @ (np.exp(beta * q @ X.T - np.max(beta * q @ X.T, axis=1, keepdims=True))
                        / np.exp(beta * q @ X.T - np.max(beta * q @ X.T, axis=1,
                                                         keepdims=True)).sum(1, keepdims=True)).T
        np.testing.assert_allclose(mine, direct.T, rtol=0, atol=1e-13)
        ref = hf.ModernHopfieldNetwork(X, beta=beta).retrieve(q, steps=1).states
        np.testing.assert_allclose(mine, ref, rtol=0, atol=1e-13)
        # with tau_f = 2 the step dt = tau_f is the same map
        np.testing.assert_allclose(ModelB(X, beta=beta, tau_f=2.0).step(q), ref, rtol=0, atol=1e-13)
    # several steps = several updates
    model, net = ModelB(X), hf.ModernHopfieldNetwork(X, beta=1.0)
    v = q
    for _ in range(4):
        v = model.step(v)
    np.testing.assert_allclose(v, net.retrieve(q, steps=4).states, rtol=0, atol=1e-12)


def test_model_b_energy_is_ramsauer_minus_constants(rng):
    X = rng.normal(size=(12, 6))
    v = rng.normal(size=(4, 6))
    for beta in (1.0, 2.5):
        mine = ModelB(X, beta=beta).energy(v)
        m = np.max(np.linalg.norm(X, axis=1))
        lse = np.log(np.exp(beta * v @ X.T).sum(axis=1)) / beta
        np.testing.assert_allclose(mine, 0.5 * (v**2).sum(1) - lse, rtol=1e-12)
        ramsauer = hf.ModernHopfieldNetwork(X, beta=beta).energy(v)
        np.testing.assert_allclose(mine, ramsauer - math.log(12) / beta - 0.5 * m**2, rtol=1e-12)


def _dam():
    return getattr(hf, "DenseAssociativeMemory", None)


@pytest.mark.parametrize("F", ["polynomial", "rectified", "exponential"])
def test_model_a_energy_is_dense_associative_memory_energy(F, rng):
    X = hf.patterns.random(6, 12, rng=rng)
    sigma = hf.patterns.random(5, 12, rng=rng).astype(float)
    model = ModelA(X, F=F, n=3)
    fns = {"polynomial": lambda x: x**3, "rectified": lambda x: np.maximum(x, 0) ** 3,
           "exponential": np.exp}
    np.testing.assert_allclose(model.energy(sigma), -fns[F](sigma @ X.T.astype(float)).sum(1),
                               rtol=1e-12)
    current = rng.normal(size=12)
    with_input = ModelA(X, F=F, n=3, current=current).energy(sigma)
    np.testing.assert_allclose(with_input, model.energy(sigma) - sigma @ current, rtol=1e-12)
    DAM = _dam()
    if DAM is None:
        pytest.skip("hf.DenseAssociativeMemory (dense.py) is not in the package yet")
    np.testing.assert_allclose(model.energy(sigma), DAM(X, F=F, n=3).energy(sigma.astype(np.int8)),
                               rtol=1e-12)


@pytest.mark.parametrize("F", ["polynomial", "rectified"])
def test_model_a_fixed_points_are_dense_memory_fixed_points(F, rng):
    """Krotov–Hopfield (2016) recall ends at σ*; σ* is a fixed point of model A: sign(drive) = σ*."""
    DAM = _dam()
    if DAM is None:
        pytest.skip("hf.DenseAssociativeMemory (dense.py) is not in the package yet")
    X = hf.patterns.random(10, 60, rng=rng)
    probes = hf.patterns.flip(np.repeat(X, 3, axis=0), 0.15, rng=rng)
    dam = DAM(X, F=F, n=3)
    r = dam.recall(probes, rng=rng)
    assert np.all(r.converged)
    model = ModelA(X, F=F, n=3)
    drive = model.drive(r.states.astype(float))
    np.testing.assert_array_equal(np.sign(drive), r.states)
    # and the effective update (dt = tau_f) maps the sign state onto itself in sign
    np.testing.assert_array_equal(np.sign(model.step(r.states.astype(float))), r.states)
    # the energies agree at the fixed points
    np.testing.assert_allclose(model.energy(r.states.astype(float)), dam.energy(r.states),
                               rtol=1e-12)
    # the memories themselves are fixed points of both (n = 3, K = 10 << N^2)
    assert np.all(dam.is_fixed_point(X))
    np.testing.assert_array_equal(np.sign(model.drive(X.astype(float))), X)


def test_model_a_with_quadratic_hidden_is_1984_continuous_network(rng):
    n_f, n_h, lam = 10, 4, 2.5
    xi = rng.normal(size=(n_h, n_f)) / 2
    current = rng.normal(size=n_f) * 0.3
    model = ModelA(xi, F="identity", L_v=Tanh(lam), current=current)
    u = rng.normal(size=(6, n_f))
    V = np.tanh(lam * u)
    T = xi.T @ xi
    integral = (u * V - np.logaddexp(lam * u, -lam * u) / lam + math.log(2) / lam).sum(1)
    e_1984 = -0.5 * np.einsum("bi,ij,bj->b", V, T, V) - V @ current + integral
    np.testing.assert_allclose(model.energy(u), e_1984, rtol=1e-12, atol=1e-12)
    # the effective dynamics are the 1984 ones with R = C = 1: du/dt = T V - u + I
    np.testing.assert_allclose(model.derivatives(u), V @ T - u + current, rtol=1e-12, atol=1e-12)
    chn = getattr(hf, "ContinuousHopfieldNetwork", None)
    if chn is None:
        pytest.skip("hf.ContinuousHopfieldNetwork (continuous.py) is not in the package yet")
    net = chn(T, current, activation="tanh", gain=lam, tau=1.0)
    np.testing.assert_allclose(net.energy(u), model.energy(u), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(net.derivative(u), model.derivatives(u), rtol=1e-10, atol=1e-10)
    # and along the model's own trajectory the two energies stay equal and descend
    res = model.run(u, dt=0.01, max_steps=200)
    np.testing.assert_allclose(net.energy(res.states[0]), res.energy[-1], rtol=1e-10, atol=1e-10)
    _assert_non_increasing(res.energy)


def test_model_c_energy_and_scale_invariance(rng):
    X = rng.normal(size=(7, 9))
    v = rng.normal(size=(3, 9))
    model = ModelC(X, F="rectified", n=3, alpha=0.0)
    vn = v / np.linalg.norm(v, axis=1, keepdims=True)
    # (the default SphericalNorm eps = 1e-12 moves E by a relative ~eps/|v|²)
    np.testing.assert_allclose(model.energy(v), -(np.maximum(vn @ X.T, 0) ** 3).sum(1), rtol=1e-10)
    np.testing.assert_allclose(model.energy(5.0 * v), model.energy(v), rtol=1e-10)
    # alpha = 0: the dynamics still descend E (the Hessian of ||v|| annihilates v)
    res = model.run(v, dt=0.001, max_steps=300)
    _assert_non_increasing(res.energy)


def test_torch_in_torch_out(rng):
    torch = pytest.importorskip("torch")
    X = rng.normal(size=(6, 5))
    q = rng.normal(size=(2, 5))
    model = ModelB(X)
    out = model.step(torch.tensor(q))
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), model.step(q), atol=1e-14)
    net = ModelA(X, F="rectified", L_v=Tanh(2.0)).network
    e = net.energy(torch.tensor(q), torch.tensor(rng.normal(size=(2, 6))))
    assert isinstance(e, torch.Tensor) and e.shape == (2,)


def test_single_state_and_validation(rng):
    X = rng.normal(size=(4, 3))
    model = ModelB(X)
    assert np.ndim(model.energy(np.ones(3))) == 0
    assert model.step(np.ones(3)).shape == (3,)
    with pytest.raises(ValueError, match="`v` has 4 neurons"):
        model.energy(np.ones(4))
    with pytest.raises(ValueError, match="`xi` must be 2-D"):
        ModelB(np.ones(3))
    with pytest.raises(ValueError, match="`xi` contains NaN"):
        ModelB(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="`tau_h` == 0"):
        ModelA(X, tau_h=0)
    with pytest.raises(ValueError, match="`current` must have shape"):
        ModelA(X, current=np.ones(5))
    with pytest.raises(ValueError, match="`F` must be 'polynomial'"):
        ModelC(X, F="cubic")
    net = model.network
    with pytest.raises(ValueError, match="same batch"):
        net.energy(np.ones((2, 3)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="`dt` == -1"):
        net.run(np.ones(3), dt=-1)
