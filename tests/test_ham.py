"""Hierarchical associative memory (THEORY §10): energy descent, model B limit, general-network
equivalence, drive = -∂E/∂g, convolutional synapses, clamping, integrators, torch autograd."""

import itertools
import math

import numpy as np
import pytest

from hopfield.lagrangian import (
    HAM,
    ConvSynapse,
    DenseSynapse,
    Layer,
    ModelB,
    RePU,
    Softmax,
    Tanh,
)


def _three_layer(rng, lagrangians, *, sizes=(12, 10, 6), scale=0.5, taus=(1.0, 1.0, 1.0)):
    layers = [Layer(n, L, tau=t) for n, L, t in zip(sizes, lagrangians, taus, strict=True)]
    synapses = [DenseSynapse(scale * rng.normal(size=(b, a)) / math.sqrt(a))
                for a, b in itertools.pairwise(sizes)]
    return HAM(layers, synapses)


COMBOS = [("tanh", "softmax", "repu"), ("repu", "tanh", "softmax"), ("softmax", "repu", "tanh")]


@pytest.mark.parametrize("dt", [0.001, 0.01, 0.1])
@pytest.mark.parametrize("combo", COMBOS, ids="-".join)
def test_ten_euler_steps_never_increase_energy(combo, dt, rng):
    """τ = 1, weights of spectral scale ~0.5: E(x + dt ẋ) = E - dt Σ τ ẋHẋ + O(dt²), and dt = 0.1
    is well inside the small-step regime (the curvatures of these Lagrangians are ≤ 1 here), so
    every step must descend. The drop is checked to be of the size the first-order term predicts."""
    ham = _three_layer(rng, [RePU(2) if c == "repu" else c for c in combo])
    xs = [rng.normal(size=(8, layer.size)) for layer in ham.layers]
    res = ham.run(xs, dt=dt, max_steps=10)
    e = np.asarray(res.energy)
    assert e.shape == (11, 8)
    assert np.all(np.diff(e, axis=0) <= 1e-13 * (1 + np.abs(e[:-1])))
    # first step: the drop agrees with -dt Σ_A τ_A ẋHẋ to O(dt²)
    speed = ham.derivatives(xs)
    eps = 1e-6
    rate = (ham.energy([x + eps * v for x, v in zip(xs, speed, strict=True)])
            - ham.energy([x - eps * v for x, v in zip(xs, speed, strict=True)])) / (2 * eps)
    assert np.all(rate < 0)
    np.testing.assert_allclose((e[1] - e[0]) / dt, rate, rtol=10 * dt, atol=1e-9)


def test_euler_can_overshoot_with_a_large_step(rng):
    """Descent is a property of the flow; with dt far beyond τ Euler may raise E (documented)."""
    ham = _three_layer(rng, ["tanh", "softmax", "repu"], scale=3.0, taus=(0.05, 0.05, 0.05))
    xs = [rng.normal(size=(8, layer.size)) for layer in ham.layers]
    res = ham.run(xs, dt=0.5, max_steps=10)
    assert np.any(np.diff(res.energy, axis=0) > 0)


def test_fast_softmax_layer_reproduces_model_b(rng):
    n_f, n_h = 10, 15
    xi = rng.normal(size=(n_h, n_f)) / 1.5
    v0 = rng.normal(size=(4, n_f))
    model = ModelB(xi, beta=2.0)
    errors = []
    for tau_h in (1e-2, 1e-3):
        ham = HAM([Layer(n_f, "identity", tau=1.0), Layer(n_h, Softmax(2.0), tau=tau_h)],
                  [DenseSynapse(xi)])
        dt, steps = tau_h / 2, round(0.5 / (tau_h / 2))
        h0 = v0 @ xi.T  # memory layer starts at its equilibrium
        res = ham.run([v0, h0], dt=dt, max_steps=steps, record_energy=False)
        ref = model.run(v0, dt=dt, max_steps=steps)
        errors.append(np.max(np.abs(res.states[0] - ref.states[0])))
    assert errors[1] < 0.3 * errors[0] and errors[1] < 5e-3, errors
    # fixed points agree: the HAM's feature layer ends where iterating Ramsauer's update ends
    ham = HAM([Layer(n_f, "identity"), Layer(n_h, Softmax(2.0), tau=0.01)], [DenseSynapse(xi)])
    res = ham.run([v0, v0 @ xi.T], dt=0.005, max_steps=20000, tol=1e-10, record_energy=False)
    assert res.converged
    v = v0
    for _ in range(500):
        v = model.step(v)
    np.testing.assert_allclose(res.states[0], v, atol=1e-8)


def _conv_ham(rng):
    conv = ConvSynapse(0.3 * rng.normal(size=(3, 2, 3, 3)), (2, 6, 6), stride=2, padding=1)
    layers = [Layer((2, 6, 6), "tanh", bias=0.1 * rng.normal(size=72)),
              Layer(conv.out_shape, RePU(2), tau=0.5),
              Layer(5, "softmax", tau=0.2)]
    return HAM(layers, [conv, DenseSynapse(0.3 * rng.normal(size=(5, conv.n_post)))])


def test_energy_equals_general_network_with_block_weights(rng):
    for ham in (_three_layer(rng, ["tanh", "softmax", RePU(3)]), _conv_ham(rng)):
        net = ham.to_general()
        xs = [rng.normal(size=(5, layer.size)) for layer in ham.layers]
        x = np.concatenate(xs, axis=1)
        np.testing.assert_allclose(ham.energy(xs), net.energy(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np.concatenate(ham.derivatives(xs), axis=1), net.derivatives(x),
                                   rtol=1e-12, atol=1e-12)
        assert np.allclose(net.weights, net.weights.T)


def test_energy_gradient_wrt_activations_is_minus_drive(rng):
    torch = pytest.importorskip("torch")
    ham = _conv_ham(rng)
    gs = [torch.tensor(rng.normal(size=(3, layer.size)), requires_grad=True) for layer in ham.layers]
    grads = torch.autograd.grad(ham.interaction_energy(gs).sum(), gs)
    for g, d in zip(grads, ham.drives([g.detach() for g in gs]), strict=True):
        torch.testing.assert_close(-g, d, rtol=1e-12, atol=1e-12)
    # and the full chain: ∂E/∂x^A = H^A (x^A - drive^A), so ẋ = -H^{-1}∂E/∂x / τ
    xs = [torch.tensor(rng.normal(size=(1, layer.size)), requires_grad=True) for layer in ham.layers]
    grads = torch.autograd.grad(ham.energy(xs).sum(), xs)
    speeds = ham.derivatives([x.detach() for x in xs])
    for layer, x, g, v in zip(ham.layers, xs, grads, speeds, strict=True):
        H = torch.autograd.functional.hessian(lambda z, L=layer.lagrangian: L.value(z), x[0].detach())
        torch.testing.assert_close(g[0], -layer.tau * (H @ v[0]), rtol=1e-9, atol=1e-10)


def test_conv_synapse_adjoint_and_torch_agree(rng):
    torch = pytest.importorskip("torch")
    for stride, padding, shape in ((1, 0, (2, 5, 5)), (2, 1, (2, 6, 6)), (2, 0, (1, 7, 6))):
        syn = ConvSynapse(rng.normal(size=(3, shape[0], 3, 2)), shape, stride=stride,
                          padding=padding)
        a = rng.normal(size=(4, syn.n_pre))
        b = rng.normal(size=(4, syn.n_post))
        fa, bb = syn.forward(a), syn.backward(b)
        np.testing.assert_allclose(np.sum(fa * b), np.sum(a * bb), rtol=1e-12)
        np.testing.assert_allclose(syn.forward(torch.tensor(a)).numpy(), fa, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(syn.backward(torch.tensor(b)).numpy(), bb, rtol=1e-12, atol=1e-12)
        # cross-check with torch's own conv2d
        ref = torch.nn.functional.conv2d(torch.tensor(a).reshape(4, *shape),
                                         torch.tensor(syn.kernel), stride=stride, padding=padding)
        np.testing.assert_allclose(fa, ref.reshape(4, -1).numpy(), rtol=1e-12, atol=1e-12)


def test_clamped_pattern_completion(rng):
    ham = _three_layer(rng, [Tanh(1.0), RePU(2), "softmax"], scale=1.0)
    xs = [rng.normal(size=(4, layer.size)) for layer in ham.layers]
    mask = np.zeros(12, dtype=bool)
    mask[:6] = True
    res = ham.run(xs, dt=0.05, max_steps=4000, tol=1e-8, clamp={0: mask})
    assert res.converged
    np.testing.assert_array_equal(res.states[0][:, :6], xs[0][:, :6])
    assert not np.allclose(res.states[0][:, 6:], xs[0][:, 6:])
    assert np.all(np.diff(res.energy, axis=0) <= 1e-12)
    # clamping a whole layer
    res = ham.run(xs, dt=0.05, max_steps=200, clamp={0: True, 2: np.ones((4, 6), dtype=bool)})
    np.testing.assert_array_equal(res.states[0], xs[0])
    np.testing.assert_array_equal(res.states[2], xs[2])
    assert np.all(np.diff(res.energy, axis=0) <= 1e-12)


def test_adaptive_integrators_reach_the_euler_fixed_point(rng):
    """SciPy RK45 and the torch-ready Heun–Euler pair stop at the same fixed point as Euler.

    Explicit adaptive methods hover at their stability limit near an attractor, so the residual
    they can reach scales with their tolerances: tol is matched to rtol/atol here."""
    ham = _three_layer(rng, ["tanh", "softmax", RePU(2)], taus=(1.0, 0.5, 0.5))
    xs = [rng.normal(size=(3, layer.size)) for layer in ham.layers]
    euler = ham.run(xs, dt=0.05, max_steps=20000, tol=1e-9, record_energy=False)
    ivp = ham.run(xs, method="solve_ivp", t_max=100.0, tol=1e-6, rtol=1e-6, atol=1e-9)
    heun = ham.run(xs, method="heun_euler", dt=0.01, t_max=100.0, tol=1e-4, rtol=1e-4, atol=1e-7,
                   max_steps=5000)
    for res, atol in ((euler, 0), (ivp, 1e-5), (heun, 1e-3)):
        assert res.converged, res.message
        for a, b in zip(res.states, euler.states, strict=True):
            np.testing.assert_allclose(a, b, atol=atol)
    for res in (ivp, heun):
        assert np.all(np.diff(res.energy, axis=0) <= 1e-9)
        steps = np.diff(res.times)
        assert steps.max() > 5 * steps[0]  # the step size adapts as the state settles
    assert ivp.nfev < euler.nfev


def test_batched_equals_one_by_one(rng):
    ham = _conv_ham(rng)
    xs = [rng.normal(size=(3, layer.size)) for layer in ham.layers]
    batch = ham.run(xs, dt=0.05, max_steps=30)
    for i in range(3):
        one = ham.run([x[i] for x in xs], dt=0.05, max_steps=30)
        assert one.states[0].shape == (72,)
        for a, b in zip(one.states, batch.states, strict=True):
            np.testing.assert_allclose(a, b[i], rtol=1e-12, atol=1e-13)


def test_torch_autograd_through_dynamics(rng):
    torch = pytest.importorskip("torch")
    w0 = rng.normal(size=(6, 12)) * 0.4
    w1 = rng.normal(size=(4, 6)) * 0.4
    x0 = rng.normal(size=(2, 12))

    def loss(w0t, method="euler"):
        ham = HAM([Layer(12, "tanh"), Layer(6, RePU(2), tau=0.5), Layer(4, "softmax", tau=0.2)],
                  [DenseSynapse(w0t), DenseSynapse(torch.tensor(w1))])
        xs = [torch.tensor(x0), torch.zeros(2, 6, dtype=torch.float64),
              torch.zeros(2, 4, dtype=torch.float64)]
        res = ham.run(xs, method=method, dt=0.05, max_steps=40, t_max=2.0, clamp={0: True})
        return res.activations[2][:, 1].sum(), res

    w = torch.tensor(w0, requires_grad=True)
    value, res = loss(w)
    assert isinstance(res.energy, torch.Tensor) and res.energy.shape == (41, 2)
    (grad,) = torch.autograd.grad(value, w)
    eps = 1e-6
    bump = torch.zeros_like(w)
    bump[2, 3] = eps
    fd = (loss(w.detach() + bump)[0] - loss(w.detach() - bump)[0]) / (2 * eps)
    assert float(grad[2, 3]) == pytest.approx(float(fd), rel=1e-5, abs=1e-9)
    # the adaptive torch path is differentiable too
    value, res = loss(w, "heun_euler")
    (grad,) = torch.autograd.grad(value, w)
    assert torch.isfinite(grad).all() and float(grad.abs().sum()) > 0
    # numpy and torch give the same trajectory
    ham = HAM([Layer(12, "tanh"), Layer(6, RePU(2), tau=0.5), Layer(4, "softmax", tau=0.2)],
              [DenseSynapse(w0), DenseSynapse(w1)])
    xs = [x0, np.zeros((2, 6)), np.zeros((2, 4))]
    a = ham.run(xs, dt=0.05, max_steps=40)
    b = ham.run([torch.tensor(x) for x in xs], dt=0.05, max_steps=40)
    np.testing.assert_allclose(b.energy.numpy(), a.energy, rtol=1e-12, atol=1e-12)


def test_validation(rng):
    ham = _three_layer(rng, ["tanh", "softmax", "tanh"])
    xs = [np.zeros((2, layer.size)) for layer in ham.layers]
    with pytest.raises(ValueError, match="needs 2 synapses"):
        HAM(ham.layers, ham.synapses[:1])
    with pytest.raises(ValueError, match="synapse 0 maps 12 -> 10 neurons but layers 0 -> 1 have 12 -> 9"):
        HAM([Layer(12), Layer(9)], ham.synapses[:1])
    with pytest.raises(ValueError, match="must join two different existing layers"):
        HAM(ham.layers, ham.synapses, edges=[(0, 0), (1, 2)])
    with pytest.raises(ValueError, match="list of 3 arrays"):
        ham.energy(xs[:2])
    with pytest.raises(ValueError, match=r"`states\[1\]` has 7 neurons"):
        ham.energy([xs[0], np.zeros((2, 7)), xs[2]])
    with pytest.raises(ValueError, match="same batch size"):
        ham.energy([xs[0], np.zeros((3, 10)), xs[2]])
    with pytest.raises(ValueError, match=r"`states\[0\]` contains NaN"):
        ham.energy([np.full((2, 12), np.nan), xs[1], xs[2]])
    with pytest.raises(ValueError, match="`method` must be one of"):
        ham.run(xs, method="rk4")
    with pytest.raises(ValueError, match=r"`clamp\[0\]` must be True, False or a boolean mask"):
        ham.run(xs, clamp={0: np.ones(3, dtype=bool)})
    with pytest.raises(ValueError, match="`clamp` key 5"):
        ham.run(xs, clamp={5: True})
    with pytest.raises(ValueError, match="`tau` == 0"):
        Layer(3, "tanh", tau=0.0)
    with pytest.raises(ValueError, match="`shape` must be a positive int"):
        Layer(0)
    with pytest.raises(ValueError, match="does not fit"):
        ConvSynapse(np.ones((1, 1, 5, 5)), (1, 3, 3))
    with pytest.raises(ValueError, match="expects 2 input channels"):
        ConvSynapse(np.ones((1, 2, 3, 3)), (1, 3, 3))
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="needs NumPy states"):
        ham.run([torch.tensor(x) for x in xs], method="solve_ivp")


def test_inputs_are_not_modified(rng):
    ham = _conv_ham(rng)
    xs = [rng.normal(size=(2, layer.size)) for layer in ham.layers]
    before = [x.copy() for x in xs]
    ham.run(xs, dt=0.1, max_steps=5, clamp={0: np.ones(72, dtype=bool)})
    for a, b in zip(xs, before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_float32_numpy_stays_float32(rng):
    ham = HAM([Layer(5, "tanh"), Layer(3, "softmax", tau=0.5)],
              [DenseSynapse(rng.normal(size=(3, 5)).astype(np.float32))])
    xs = [rng.normal(size=(2, 5)).astype(np.float32), np.zeros((2, 3), dtype=np.float32)]
    res = ham.run(xs, dt=0.1, max_steps=20)
    assert res.states[0].dtype == np.float32 and res.energy.dtype == np.float32
    ref = ham.run([x.astype(np.float64) for x in xs], dt=0.1, max_steps=20)
    np.testing.assert_allclose(res.energy, ref.energy, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------- clamp masks
def test_clamp_scalars_false_numpy_bool_and_torch_masks(rng):
    """`{0: False}` leaves the layer free, `np.True_` and a 0-d bool tensor clamp it like True
    (they raised IndexError before), a torch bool mask works like a NumPy one."""
    ham = _three_layer(rng, ["tanh", "softmax", RePU(2)])
    xs = [rng.normal(size=(3, layer.size)) for layer in ham.layers]
    free = ham.run(xs, dt=0.1, max_steps=20)
    held = ham.run(xs, dt=0.1, max_steps=20, clamp={0: True})
    for clamp, ref in (({0: False}, free), ({0: np.False_}, free), ({0: np.True_}, held),
                       ({0: np.array(True)}, held), ({1: False, 0: True}, held),
                       ({0: np.zeros(12, dtype=bool)}, free)):
        res = ham.run(xs, dt=0.1, max_steps=20, clamp=clamp)
        for a, b in zip(res.states, ref.states, strict=True):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(held.states[0], xs[0])
    torch = pytest.importorskip("torch")
    mask = rng.random(12) < 0.5
    ref = ham.run(xs, dt=0.1, max_steps=20, clamp={0: mask})
    for m in (torch.tensor(mask), torch.tensor(True)):
        res = ham.run(xs, dt=0.1, max_steps=20, clamp={0: m})
        expected = ref if m.ndim else held
        np.testing.assert_array_equal(res.states[0], expected.states[0])


def test_clamp_mask_batch_mismatch_and_bad_keys_are_clear_errors(rng):
    ham = _three_layer(rng, ["tanh", "softmax", RePU(2)])
    xs = [rng.normal(size=(3, layer.size)) for layer in ham.layers]
    with pytest.raises(ValueError, match=r"`clamp\[0\]` has a batch of 5 masks but the states "
                                         r"have a batch of 3"):
        ham.run(xs, clamp={0: np.ones((5, 12), dtype=bool)})
    with pytest.raises(ValueError, match=r"`clamp\[2\]` must be True, False or a boolean mask of "
                                         r"shape \(6,\)"):
        ham.run(xs, clamp={2: np.ones(6)})  # float, not bool
    with pytest.raises(ValueError, match="`clamp` key True is not a layer index"):
        ham.run(xs, clamp={True: True})
    with pytest.raises(TypeError, match="`clamp` must be a dict"):
        ham.run(xs, clamp=[0])
    # a (batch, n) mask with the right batch clamps row by row
    mask = np.zeros((3, 12), dtype=bool)
    mask[1] = True
    res = ham.run(xs, dt=0.1, max_steps=20, clamp={0: mask})
    np.testing.assert_array_equal(res.states[0][1], xs[0][1])
    assert not np.allclose(res.states[0][0], xs[0][0])


# ---------------------------------------------------------------------------- non-finite states
def _spherical_ham(rng, eps):
    from hopfield.lagrangian import SphericalNorm

    return HAM([Layer(6, SphericalNorm(eps=eps)), Layer(4, "softmax", tau=0.5)],
               [DenseSynapse(rng.normal(size=(4, 6)))])


@pytest.mark.parametrize("method", ["euler", "heun_euler", "solve_ivp", "LSODA"])
def test_zero_state_with_exact_spherical_norm_raises_instead_of_returning_nan(method, rng):
    """SphericalNorm(eps=0) at the zero state of init_states is 0/0: every integrator stops with
    a FloatingPointError naming the cause (it returned NaN and "reached max_steps")."""
    ham = _spherical_ham(rng, 0.0)
    with pytest.raises(FloatingPointError, match=r"non-finite.*SphericalNorm\(eps=0\) at x = 0"):
        ham.run(ham.init_states(2), method=method, max_steps=50)
    # the default eps keeps the zero state defined: the run is finite and descends
    ham = _spherical_ham(rng, 1e-12)
    res = ham.run(ham.init_states(2), method=method, max_steps=50)
    assert all(np.all(np.isfinite(s)) for s in res.states)
    assert np.all(np.isfinite(res.energy))


def test_model_c_from_zero_is_finite(rng):
    from hopfield.lagrangian import ModelC

    model = ModelC(rng.normal(size=(5, 8)))
    res = model.run(np.zeros((2, 8)), max_steps=20)
    assert np.all(np.isfinite(res.states[0])) and np.all(np.isfinite(res.energy))


def test_overflowing_exponential_raises(rng):
    from hopfield.lagrangian import Exponential

    ham = HAM([Layer(3, Exponential(1.0)), Layer(2, "identity")],
              [DenseSynapse(np.full((2, 3), 30.0))])
    xs = [np.full((1, 3), 5.0), np.zeros((1, 2))]
    with pytest.raises(FloatingPointError, match="Exponential Lagrangian"):
        ham.run(xs, dt=0.5, max_steps=100)
    with pytest.raises(FloatingPointError, match="non-finite"):
        ham.run(xs, dt=0.5, max_steps=100, record_energy=False)


# ---------------------------------------------------------------------------- fused / in-place path
def _reference_run(ham, xs, dt, steps, masks=None):
    """The functional Euler path: x ← x + dt·ẋ with ẋ from `derivatives`, the energy from
    `energy` at every state (independent of the fused drive-energy form)."""
    xs = [np.array(x, dtype=np.float64) for x in xs]
    energies = [ham.energy(xs)]
    for _ in range(steps):
        xs = [x + dt * v for x, v in zip(xs, ham.derivatives(xs, clamp=masks), strict=True)]
        energies.append(ham.energy(xs))
    return xs, np.stack(energies)


@pytest.mark.parametrize("backend", ["numpy", "numpy32", "torch", "torch_grad"])
def test_fast_path_equals_the_functional_path(backend, rng):
    """The in-place Euler step (NumPy, torch without autograd) and the energy computed from the
    step's own drives, E = Σ_A E_A − ½ Σ_A g·(d + b), give the states and energies of the plain
    x + dt·ẋ loop with the public energy (biases and a convolution included)."""
    ham = _conv_ham(rng)
    xs = [rng.normal(size=(3, layer.size)) for layer in ham.layers]
    ref_states, ref_energy = _reference_run(ham, xs, 0.05, 25)
    tol = {"rtol": 1e-11, "atol": 1e-12}
    if backend == "numpy":
        res = ham.run(xs, dt=0.05, max_steps=25)
    elif backend == "numpy32":
        res = ham.run([x.astype(np.float32) for x in xs], dt=0.05, max_steps=25)
        tol = {"rtol": 2e-5, "atol": 2e-5}
    else:
        torch = pytest.importorskip("torch")
        ts = [torch.tensor(x) for x in xs]
        if backend == "torch":
            with torch.no_grad():
                res = ham.run(ts, dt=0.05, max_steps=25)
        else:
            ts[0].requires_grad_(True)
            res = ham.run(ts, dt=0.05, max_steps=25)
            assert res.energy.requires_grad
        res = type(res)(states=[s.detach().numpy() for s in res.states],
                        energy=res.energy.detach().numpy())
    for a, b in zip(res.states, ref_states, strict=True):
        np.testing.assert_allclose(a, b, **tol)
    np.testing.assert_allclose(res.energy, ref_energy, **tol)


def test_energy_reuses_the_step_activations(rng):
    """Recording the energy costs no second activation pass: n steps evaluate each layer's
    activation n + 1 times in the dynamics (+1 for the final activations), not 2n + 2."""
    from hopfield.lagrangian import FunctionLagrangian

    calls = {"n": 0}

    def act(x):
        calls["n"] += 1
        return np.tanh(x)

    L = FunctionLagrangian(lambda x: np.sum(np.logaddexp(x, -x) - np.log(2.0), axis=-1), act,
                           convex=True, elementwise=True)
    ham = HAM([Layer(5, L), Layer(3, "softmax")], [DenseSynapse(rng.normal(size=(3, 5)))])
    xs = [rng.normal(size=(2, 5)), np.zeros((2, 3))]
    res = ham.run(xs, dt=0.1, max_steps=10)
    assert res.energy.shape == (11, 2) and res.nfev == 11
    assert calls["n"] == 12


# ---------------------------------------------------------------------------- one run vocabulary
def test_every_run_method_shares_signature_and_result_type(rng):
    """HAM, TwoLayerNetwork, models A/B/C and GeneralNetwork: same options, one result type,
    states a list per layer, 1-D input → 1-D states and a 1-D energy trace."""
    from hopfield.lagrangian import (
        GeneralNetwork,
        HAMResult,
        IntegrationResult,
        ModelA,
        ModelC,
        TwoLayerNetwork,
    )

    assert HAMResult is IntegrationResult
    xi = rng.normal(size=(5, 4)) / 2
    models = {
        "ham": (HAM([Layer(4, "identity"), Layer(5, "softmax")], [DenseSynapse(xi)]),
                [rng.normal(size=4), np.zeros(5)], 2),
        "two_layer": (TwoLayerNetwork(xi), [rng.normal(size=4), np.zeros(5)], 2),
        "A": (ModelA(xi, F="rectified", L_v=Tanh(1.0)), rng.normal(size=4), 1),
        "B": (ModelB(xi), rng.normal(size=4), 1),
        "C": (ModelC(xi), rng.normal(size=4), 1),
        "general": (GeneralNetwork(np.eye(4) * 0.1, "tanh"), rng.normal(size=4), 1),
    }
    for name, (model, x0, n_layers) in models.items():
        for method in ("euler", "heun_euler", "solve_ivp"):
            res = model.run(x0, method=method, dt=0.05, max_steps=7, t_max=100.0, tol=None,
                            clamp={0: False}, rtol=1e-3, atol=1e-6, record_energy=True)
            assert type(res) is IntegrationResult, name
            assert len(res.states) == n_layers and res.states[0].shape == (4,), (name, method)
            assert len(res.activations) == n_layers
            assert res.n_steps == 7 and res.energy.shape == (8,), (name, method, res.message)
            assert res.times.shape == (8,) and "max_steps=7" in res.message
        batch = np.stack([x0, x0]) if n_layers == 1 else [np.stack([x, x]) for x in x0]
        res = model.run(batch, dt=0.05, max_steps=3)
        assert res.states[0].shape == (2, 4) and res.energy.shape == (4, 2)
        np.testing.assert_allclose(res.energy[0, 0], res.energy[0, 1])


def test_t_max_and_dt_are_honoured_by_every_method(rng):
    ham = _three_layer(rng, ["tanh", "softmax", RePU(2)])
    xs = [rng.normal(size=(2, layer.size)) for layer in ham.layers]
    euler = ham.run(xs, dt=0.3, t_max=1.0, max_steps=1000)
    assert euler.n_steps == 4 and euler.t == pytest.approx(1.0)
    np.testing.assert_allclose(euler.times, [0.0, 0.3, 0.6, 0.9, 1.0])
    assert "reached t_max=1" in euler.message
    for method in ("heun_euler", "solve_ivp"):
        res = ham.run(xs, method=method, dt=1e-3, t_max=1.0, max_steps=1000)
        assert res.t == pytest.approx(1.0) and "t_max" in res.message
        assert res.times[1] == pytest.approx(1e-3)  # dt is the first trial step
        short = ham.run(xs, method=method, dt=1e-3, max_steps=3)
        assert short.n_steps == 3 and short.t < 1.0  # max_steps is the budget
    # the default dt is a tenth of the smallest time constant
    fast = HAM([Layer(3, "tanh"), Layer(2, "softmax", tau=0.2)],
               [DenseSynapse(rng.normal(size=(2, 3)))])
    res = fast.run([np.ones(3), np.zeros(2)], max_steps=5)
    np.testing.assert_allclose(res.times, 0.02 * np.arange(6))


def test_old_names_still_work_with_a_deprecation_warning(rng):
    from hopfield.lagrangian import GeneralNetwork

    model = ModelB(rng.normal(size=(5, 4)))
    v = rng.normal(size=(2, 4))
    with pytest.warns(DeprecationWarning, match="`n_steps` is deprecated"):
        res = model.run(v, dt=0.1, n_steps=4)
    assert res.n_steps == 4
    with pytest.warns(DeprecationWarning, match="`IntegrationResult.y` is deprecated"):
        assert res.y is res.states
    with pytest.warns(DeprecationWarning, match="velocity` is deprecated"):
        np.testing.assert_array_equal(model.velocity(v), model.derivatives(v))
    net = GeneralNetwork(np.eye(4) * 0.1, "tanh")
    with pytest.warns(DeprecationWarning, match="velocity` is deprecated"):
        np.testing.assert_array_equal(net.velocity(v), net.derivatives(v))


def _identity_hub_ham(rng, dtype=np.float64):
    """An identity layer of 64 neurons between a tanh (12) and a softmax (6) layer, with a bias,
    plus a synapse between the two others: the identity layer can be integrated out."""
    layers = [Layer(12, "tanh"), Layer(64, "identity", tau=0.7, bias=0.2 * rng.normal(size=64)),
              Layer(6, "softmax", tau=0.5)]
    synapses = [DenseSynapse((0.3 * rng.normal(size=(64, 12)) / 2).astype(dtype)),
                DenseSynapse((0.3 * rng.normal(size=(6, 64)) / 2).astype(dtype)),
                DenseSynapse((0.3 * rng.normal(size=(6, 12))).astype(dtype))]
    return HAM(layers, synapses, edges=[(0, 1), (1, 2), (0, 2)])


@pytest.mark.parametrize("backend", ["numpy", "numpy32", "torch"])
def test_identity_layer_elimination_equals_the_plain_euler_loop(backend, rng):
    """x^A_{k+1} = (1−c)x^A_k + c d^A_k is linear: the run that tracks P = x^A M with the Gram
    matrix MᵀM (and rebuilds x^A at the end) gives the plain loop's states (t_max included)."""
    from hopfield.lagrangian import _linear_layer, integrate

    dtype = np.float32 if backend == "numpy32" else np.float64
    ham = _identity_hub_ham(rng, dtype)
    assert _linear_layer.eliminable_layer(ham, batch=64, steps=30) == 1
    assert _linear_layer.eliminable_layer(ham, batch=8, steps=30) is None  # too small to pay
    xs = [rng.normal(size=(64, layer.size)).astype(dtype) for layer in ham.layers]
    x64 = [x.astype(np.float64) for x in xs]
    ham64 = HAM(ham.layers, [DenseSynapse(np.asarray(s.weight, dtype=np.float64))
                             for s in ham.synapses], edges=ham.edges)
    ref = integrate.euler(lambda y: ham64.derivatives(y), x64, dt=0.05, max_steps=1000,
                          t_max=1.47, energy=ham64.energy)  # 30 steps, the last one shorter
    assert ref.n_steps == 30
    tol = {"rtol": 1e-10, "atol": 1e-11} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-4}
    for record in (False, True):
        if backend == "torch":
            torch = pytest.importorskip("torch")
            with torch.no_grad():
                res = ham.run([torch.tensor(x) for x in xs], dt=0.05, t_max=1.47,
                              record_energy=record)
            states = [s.numpy() for s in res.states]
            energy = None if res.energy is None else res.energy.numpy()
        else:
            res = ham.run(xs, dt=0.05, t_max=1.47, record_energy=record)
            states, energy = res.states, res.energy
        assert res.n_steps == 30 and res.t == pytest.approx(1.47)
        for a, b in zip(states, ref.states, strict=True):
            np.testing.assert_allclose(a, b, **tol)
        np.testing.assert_allclose(res.times, ref.times)
        assert "t_max=1.47" in res.message
        if record:  # the energy from the tracked |x^A|², x^A·b^A and P·g^N
            np.testing.assert_allclose(energy, ref.energy, **tol)
        else:
            assert energy is None


def test_identity_layer_elimination_only_where_it_saves_work(rng):
    from hopfield.lagrangian import _linear_layer

    ham = HAM([Layer(784, "identity"), Layer(512, "tanh"), Layer(10, "softmax")],
              [DenseSynapse(np.zeros((512, 784))), DenseSynapse(np.zeros((10, 512)))])
    assert _linear_layer.eliminable_layer(ham, batch=256, steps=100) == 0
    assert _linear_layer.eliminable_layer(ham, batch=256, steps=1) is None  # Gram costs a step
    wide = HAM([Layer(50, "identity"), Layer(200, "tanh")], [DenseSynapse(np.zeros((200, 50)))])
    assert _linear_layer.eliminable_layer(wide, batch=256, steps=100) is None  # m > 2 n_A
    conv = _conv_ham(rng)
    assert _linear_layer.eliminable_layer(conv, batch=4, steps=100) is None  # no identity layer


# ---------------------------------------------------------------------------- the general in-place loop
def _hub_free_ham(rng, dtype=np.float64, variant="tanh"):
    """Every Euler run takes the general in-place loop (no identity layer, or identity layers
    too small to integrate out): a layer of 24 and a softmax layer (β = 2, 6 neurons), both
    with a bias, and tanh (β = 0.7, 20 neurons) joined in a triangle, and two unconnected tanh
    layers of 18 and 2 without bias (zero drives). ``variant`` "identity" makes the softmax
    layer an identity layer (read by both others, so it is updated last), "identities" the
    first two."""
    first = "identity" if variant == "identities" else Tanh(1.0)
    second = Softmax(2.0) if variant == "tanh" else "identity"
    layers = [Layer(24, first, bias=0.3 * rng.normal(size=24)),
              Layer(6, second, tau=0.5, bias=0.3 * rng.normal(size=6)),
              Layer(20, Tanh(0.7), tau=0.8), Layer(18, Tanh(1.0)), Layer(2, Tanh(1.0), tau=0.7)]
    edges = [(0, 1), (1, 2), (0, 2)]
    weights = [(0.5 * rng.normal(size=(layers[post].size, layers[pre].size))
                / np.sqrt(layers[pre].size)).astype(dtype) for pre, post in edges]
    return HAM(layers, [DenseSynapse(w) for w in weights], edges=edges), edges, weights


def _plain_euler(layers, edges, weights, xs, *, dt, steps, mask=None, tol=None):
    """x ← x + dt·ẋ with ẋ = m ⊙ (Σ W g + b − x)/τ, and the energy
    E = Σ_A [x·g − L(x) − b·g] − Σ_(pre,post) g_post·W g_pre, written out with NumPy float64 and
    the closed-form activations, independently of the library's code. Returns the states, the
    energy trace and the number of steps (fewer if max|ẋ| < tol first)."""
    xs = [np.array(x, dtype=np.float64) for x in xs]
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    betas = [getattr(layer.lagrangian, "beta", None) for layer in layers]
    biases = [np.zeros(layer.size) if layer.bias is None else np.asarray(layer.bias)
              for layer in layers]
    mask = mask or [1.0] * len(layers)

    def act(layer, x, beta):
        if beta is None:  # identity
            return x
        if isinstance(layer.lagrangian, Softmax):
            e = np.exp(beta * x - np.max(beta * x, axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        return np.tanh(beta * x)

    def lagrangian(layer, x, beta):
        if beta is None:
            return 0.5 * np.sum(x * x, axis=-1)
        if isinstance(layer.lagrangian, Softmax):
            m = np.max(beta * x, axis=-1)
            return (m + np.log(np.exp(beta * x - m[:, None]).sum(axis=-1))) / beta
        return np.sum(np.logaddexp(beta * x, -beta * x) - np.log(2.0), axis=-1) / beta

    energies, k = [], 0
    while True:
        gs = [act(layer, x, b) for layer, x, b in zip(layers, xs, betas, strict=True)]
        ds = [np.broadcast_to(b, x.shape).copy() for b, x in zip(biases, xs, strict=True)]
        e = sum(np.sum(x * g, axis=-1) - lagrangian(layer, x, b) - g @ bias
                for layer, x, g, b, bias in zip(layers, xs, gs, betas, biases, strict=True))
        for (pre, post), w in zip(edges, ws, strict=True):
            ds[post] += gs[pre] @ w.T
            ds[pre] += gs[post] @ w
            e = e - np.sum(gs[post] * (gs[pre] @ w.T), axis=-1)
        energies.append(e)
        speeds = [m * (d - x) / layer.tau
                  for m, d, x, layer in zip(mask, ds, xs, layers, strict=True)]
        if (tol is not None and max(np.max(np.abs(v)) for v in speeds) < tol) or k == steps:
            return xs, np.stack(energies), k
        xs = [x + dt * v for x, v in zip(xs, speeds, strict=True)]
        k += 1


@pytest.fixture
def one_torch_thread():
    """These runs take thousands of tiny GEMMs: with two BLAS threads on a shared, loaded
    machine a call can wait milliseconds for its second thread, so they run on one."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@pytest.mark.usefixtures("one_torch_thread")
@pytest.mark.parametrize("variant", ["tanh", "identity", "identities"])
@pytest.mark.parametrize("backend", ["numpy", "numpy32", "torch", "torch32", "torch_grad"])
def test_general_in_place_loop_equals_the_plain_euler_loop(backend, variant, rng):
    """The general Euler loop of a HAM without an identity layer (drives GEMM'd into per-run
    buffers, activations written in place, torch's tanh as 2σ(2βx) − 1) gives the states and
    energies of the plain x + dt·ẋ loop written out in the test: free, with clamped neurons and
    a clamped layer, and stopping at `tol`; with and without the energy trace (which takes the
    activations from `energy_and_activation` instead). On torch without autograd, runs without
    energy and `tol` take whole fused steps, x.addmm_(g, w, beta=1−c, alpha=c), with identity
    layers updated after their readers ("identities": two joined identity layers, the plain
    step) and the drives of narrow layers (≤ 16 neurons) GEMM'd transposed."""
    from hopfield.lagrangian import _linear_layer

    f32 = backend.endswith("32")
    dtype = np.float32 if f32 else np.float64
    ham, edges, weights = _hub_free_ham(rng, dtype, variant)
    assert _linear_layer.eliminable_layer(ham, batch=20, steps=4000) is None
    xs = [rng.normal(size=(20, layer.size)).astype(dtype) for layer in ham.layers]
    inputs = [x.copy() for x in xs]
    mask = np.zeros(24, dtype=bool)
    mask[::3] = True
    cases = {"free": ({}, {}), "clamped": ({"clamp": {0: mask, 2: True}},
                                           {"mask": [(~mask).astype(float), 1.0, 0.0, 1.0, 1.0]}),
             "layer clamped": ({"clamp": {2: True}}, {"mask": [1.0, 1.0, 0.0, 1.0, 1.0]}),
             "tol": ({"tol": 2e-2}, {"tol": 2e-2})}
    tol = {"rtol": 3e-5, "atol": 3e-5} if f32 else {"rtol": 1e-11, "atol": 1e-12}
    for name, (options, ref_options) in cases.items():
        steps = 4000 if name == "tol" else 40
        ref_states, ref_energy, ref_steps = _plain_euler(ham.layers, edges, weights, xs, dt=0.05,
                                                         steps=steps, **ref_options)
        assert (ref_steps < steps) == (name == "tol")
        for record in (False, True):
            if backend.startswith("torch"):
                torch = pytest.importorskip("torch")
                ham_t = HAM(ham.layers, [DenseSynapse(torch.tensor(w)) for w in weights],
                            edges=edges)
                ts = [torch.tensor(x) for x in xs]
                if backend == "torch_grad":  # the functional (autograd) path, for comparison
                    ts[1].requires_grad_(True)
                    res = ham_t.run(ts, dt=0.05, max_steps=steps, record_energy=record, **options)
                else:
                    with torch.no_grad():
                        res = ham_t.run(ts, dt=0.05, max_steps=steps, record_energy=record,
                                        **options)
                states = [s.detach().numpy() for s in res.states]
                energy = None if res.energy is None else res.energy.detach().numpy()
            else:
                res = ham.run(xs, dt=0.05, max_steps=steps, record_energy=record, **options)
                states, energy = res.states, res.energy
            assert res.n_steps == ref_steps and res.converged == (name == "tol"), (name, record)
            assert all(s.dtype == dtype for s in states)
            for a, b in zip(states, ref_states, strict=True):
                np.testing.assert_allclose(a, b, **tol, err_msg=f"{name}, record={record}")
            if record:
                np.testing.assert_allclose(energy, ref_energy, **tol, err_msg=name)
            if name == "clamped":
                np.testing.assert_array_equal(states[0][:, mask], xs[0][:, mask])
            if "clamped" in name:
                np.testing.assert_array_equal(states[2], xs[2])
    for x, x0 in zip(xs, inputs, strict=True):  # the in-place steps work on copies
        np.testing.assert_array_equal(x, x0)


def test_general_in_place_loop_raises_at_the_step_a_state_overflows():
    """The per-step finiteness check still names the step where a state stopped being finite:
    the first step at which the plain loop (in the same dtype) leaves the finite numbers."""
    from hopfield.lagrangian import Exponential

    torch = pytest.importorskip("torch")
    w = np.full((2, 3), 30.0)
    ham = HAM([Layer(3, Exponential(1.0)), Layer(2, "identity")], [DenseSynapse(w)])
    for dtype in (np.float64, np.float32):
        xs = [np.full((1, 3), 5.0, dtype=dtype), np.zeros((1, 2), dtype=dtype)]
        x0, x1 = (x.copy() for x in xs)
        wd = w.astype(dtype)
        bad = None
        with np.errstate(over="ignore", invalid="ignore"):
            for step in range(1, 100):  # x ← x + dt (drive − x), dt = 0.5
                x0, x1 = x0 + 0.5 * (x1 @ wd - x0), x1 + 0.5 * (np.exp(x0) @ wd.T - x1)
                if not (np.all(np.isfinite(x0)) and np.all(np.isfinite(x1))):
                    bad = step
                    break
        assert bad is not None
        layer = 0 if not np.all(np.isfinite(x0)) else 1
        for states in (xs, [torch.tensor(x) for x in xs]):
            with torch.no_grad(), pytest.raises(FloatingPointError, match=(
                    rf"state of layer {layer} became non-finite \(NaN or inf\) at step {bad} ")):
                ham.run(states, dt=0.5, max_steps=100, record_energy=False)
