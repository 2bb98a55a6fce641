"""Continuous (graded-response) Hopfield network, Hopfield 1984 (THEORY.md §5)."""

import itertools

import numpy as np
import pytest

import hopfield as hf
from hopfield.continuous import ACTIVATIONS


def _sym(rng, n, scale=1.0):
    T = rng.normal(scale=scale, size=(n, n))
    T = (T + T.T) / 2
    np.fill_diagonal(T, 0.0)
    return T


def _energy_descent(rng, steps):
    """THEORY §5 test: N=20, random symmetric T (zero diag), g = tanh(5u), Euler dt = 1e-3."""
    n = 20
    net = hf.ContinuousHopfieldNetwork(_sym(rng, n), gain=5.0)
    r = net.run(rng.normal(scale=0.1, size=(3, n)), steps=steps, dt=1e-3)
    assert r.success and r.energies.shape == (steps + 1, 3)
    assert np.max(np.diff(r.energies, axis=0)) <= 1e-10
    assert r.energies[-1].max() < r.energies[0].min()
    return net, r


def test_energy_non_increasing_euler_fast(rng):
    _energy_descent(rng, 2000)


@pytest.mark.slow
def test_energy_non_increasing_euler_theory_20000_steps(rng):
    net, r = _energy_descent(rng, 20000)
    # and increasing gain drives |V| -> 1 (THEORY §5)
    hi = hf.ContinuousHopfieldNetwork(net.weights, gain=50.0)
    r_hi = hi.run(r.states[-1], steps=5000, dt=1e-3)
    assert np.abs(r_hi.final_outputs).min() > np.abs(r.final_outputs).min()
    assert np.abs(r_hi.final_outputs).min() > 0.99


def test_energy_u_form_matches_closed_form_and_is_stable(rng):
    n = 6
    for name in ACTIVATIONS:
        net = hf.ContinuousHopfieldNetwork(_sym(rng, n), rng.normal(size=n), activation=name,
                                           gain=rng.uniform(0.5, 3, size=n),
                                           resistance=rng.uniform(0.5, 2, size=n))
        u = rng.normal(scale=2, size=(5, n))
        assert np.allclose(net.energy(u), net.energy_of_outputs(net.output(u)), atol=1e-10)
        # explicit integral by quadrature for one neuron: ∫_0^V g^{-1}
        g, lam = net.activation, net.gain[0]
        V = float(net.output(u[0])[0])
        ref = 0.0 if name == "tanh" else 1e-12
        grid = np.linspace(ref, V, 20001) if V > ref else np.linspace(V, ref, 20001)
        vals = g.inverse(grid[1:-1], lam)
        quad = np.trapezoid(np.concatenate([[vals[0]], vals, [vals[-1]]]), grid)
        if V < ref:
            quad = -quad
        closed = V * u[0, 0] - g.lagrangian(u[0, 0], lam)
        assert closed == pytest.approx(quad, abs=2e-3)
    # saturated potentials: V == ±1 in floating point, artanh would be inf; the u-form is finite
    net = hf.ContinuousHopfieldNetwork(_sym(rng, 3), gain=10.0)
    u = np.array([50.0, -60.0, 70.0])
    assert np.all(np.abs(net.output(u)) == 1.0)
    e = net.energy(u)
    assert np.isfinite(e)
    assert e == pytest.approx(net.energy_of_outputs(np.sign(u)), abs=1e-12)


def test_energy_derivative_is_minus_weighted_speed_squared(rng):
    # dE/dt = -Σ C_i (g^{-1})'(V_i) (dV_i/dt)^2 = -Σ C_i g'(u_i) (du_i/dt)^2
    n = 7
    net = hf.ContinuousHopfieldNetwork(_sym(rng, n), rng.normal(size=n), gain=2.0,
                                       capacitance=rng.uniform(0.5, 2, size=n))
    u = rng.normal(size=n)
    du = net.derivative(u)
    h = 1e-6
    numeric = (net.energy(u + h * du) - net.energy(u - h * du)) / (2 * h)
    exact = -np.sum(net.capacitance * net.activation.derivative(u, net.gain) * du**2)
    assert numeric == pytest.approx(exact, rel=1e-6)
    assert exact < 0


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_solve_ivp_methods_agree_with_euler_and_descend(rng, activation):
    n = 8
    net = hf.ContinuousHopfieldNetwork(_sym(rng, n), rng.normal(size=n), activation=activation,
                                       gain=2.0, tau=0.5)
    u0 = rng.normal(size=(2, n))
    e = net.run(u0, t_span=(0, 1), dt=2e-4, save_every=500)
    k = net.run(u0, t_span=(0, 1), dt=0.1, method="RK45", rtol=1e-8, atol=1e-10)
    assert k.success and k.status == 0 and k.nfev > 0
    assert np.allclose(e.times, k.times)
    assert np.allclose(e.states, k.states, atol=2e-3)
    assert np.all(np.diff(k.energies, axis=0) <= 1e-9)


def test_high_gain_fixed_points_match_binary_network(rng):
    # every corner: the continuous net stays at s iff s is a fixed point of the binary net
    n = 8
    W = _sym(rng, n)
    bias = rng.normal(scale=0.3, size=n)
    binary = hf.HopfieldNetwork.from_weights(W, thresholds=-bias)
    S = np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)
    fixed = binary.is_fixed_point(S)
    assert 0 < fixed.sum() < len(S)
    cont = hf.ContinuousHopfieldNetwork(W, bias, gain=200.0)
    r = cont.run(0.05 * S, steps=1500, dt=0.01, save_every=1500)
    stays = np.all(np.sign(r.final_outputs) == S, axis=1)
    assert np.array_equal(stays, fixed)
    # where it stays, the outputs saturate and the energy tends to the binary energy
    Vf = r.final_outputs[fixed]
    assert np.abs(Vf).min() > 0.999
    assert np.allclose(cont.energy(r.states[-1][fixed]), binary.energy(S[fixed]), atol=0.05)
    # and every converged run from a random start ends at a binary fixed point
    r2 = cont.run(rng.normal(scale=0.01, size=(20, n)), steps=1500, dt=0.01, save_every=1500)
    assert np.all(binary.is_fixed_point(np.sign(r2.final_outputs).astype(np.int8)))


def test_logistic_high_gain_matches_binary_01_network(rng):
    n = 6
    W = _sym(rng, n)
    bias = rng.normal(scale=0.3, size=n)
    binary = hf.HopfieldNetwork.from_weights(W, thresholds=-bias, states="binary")
    cont = hf.ContinuousHopfieldNetwork(W, bias, activation="logistic", gain=200.0)
    r = cont.run(rng.normal(scale=0.01, size=(16, n)), steps=2000, dt=0.01, save_every=2000)
    V = np.round(r.final_outputs).astype(np.int8)
    assert np.all(binary.is_fixed_point(V))
    # outputs saturate to 0/1 wherever the field is not a near-tie (|Σ_j w_ij V_j + I_i| > 0.05;
    # at a near-tie the fixed point sits inside (0, 1) until the gain is larger still)
    field = V @ W.T + bias
    clear = np.abs(field) > 0.05
    assert clear.mean() > 0.5
    assert np.all(np.abs(r.final_outputs - V)[clear] < 1e-3)


def test_discrete_graded_network_and_relaxation_share_fixed_points(rng):
    n = 10
    W = _sym(rng, n, scale=0.5)
    net = hf.ContinuousHopfieldNetwork(W, gain=3.0)
    V0 = rng.uniform(-0.5, 0.5, size=(4, n))
    it = net.iterate(V0, update="async", max_steps=500, tol=1e-13, rng=0)
    assert np.all(it.converged)
    # x = tanh(β W x) at the fixed point
    assert np.allclose(it.outputs, np.tanh(3.0 * it.outputs @ W.T), atol=1e-10)
    # asynchronous updates never raise the energy (exact coordinate minimisation)
    assert np.all(np.diff(it.energies, axis=1) <= 1e-12)
    rel = net.relax(it.outputs, steps=200, dt=0.05)
    assert np.allclose(rel.final_outputs, it.outputs, atol=1e-8)       # a fixed point of relax
    run = net.run(V0=it.outputs, steps=200, dt=0.05)
    assert np.allclose(run.final_outputs, it.outputs, atol=1e-8)       # and of the u-dynamics
    # the relaxation descends E from elsewhere too, and ends at a graded fixed point
    rel2 = net.relax(V0, steps=4000, dt=0.02)
    assert np.all(np.diff(rel2.energies, axis=0) <= 1e-10)
    x = rel2.final_outputs
    assert np.allclose(x, np.tanh(3.0 * x @ W.T), atol=1e-6)


def test_sync_iterate_lecture_form(rng):
    n = 5
    W = _sym(rng, n)
    net = hf.ContinuousHopfieldNetwork(W, gain=0.1)      # low gain: unique fixed point 0
    it = net.iterate(rng.uniform(-1, 1, size=n), max_steps=300)
    assert it.converged and np.allclose(it.outputs, 0.0, atol=1e-8)


def test_asymmetric_weights_energy_errors_but_dynamics_run(rng):
    W = rng.normal(size=(4, 4))
    net = hf.ContinuousHopfieldNetwork(W)
    assert not net.is_symmetric
    with pytest.raises(ValueError, match="symmetric `weights`"):
        net.energy(np.zeros(4))
    with pytest.raises(ValueError, match="symmetric"):
        net.energy_of_outputs(np.zeros(4))
    r = net.run(np.zeros(4), steps=10)
    assert r.energies is None and r.states.shape == (11, 4)
    assert net.iterate(np.zeros(4), max_steps=3).energies is None


def test_bad_inputs(rng):
    W = _sym(rng, 3)
    with pytest.raises(ValueError, match="activation"):
        hf.ContinuousHopfieldNetwork(W, activation="relu")
    with pytest.raises(ValueError, match="`gain` must be > 0"):
        hf.ContinuousHopfieldNetwork(W, gain=0.0)
    with pytest.raises(ValueError, match="`gain` has length"):
        hf.ContinuousHopfieldNetwork(W, gain=[1.0, 2.0])
    with pytest.raises(ValueError, match="not both"):
        hf.ContinuousHopfieldNetwork(W, tau=1.0, capacitance=1.0)
    with pytest.raises(ValueError, match="NaN"):
        hf.ContinuousHopfieldNetwork(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="square"):
        hf.ContinuousHopfieldNetwork(np.zeros((2, 3)))
    net = hf.ContinuousHopfieldNetwork(W)
    with pytest.raises(ValueError, match="exactly one"):
        net.run(steps=5)
    with pytest.raises(ValueError, match="exactly one"):
        net.run(np.zeros(3), V0=np.zeros(3), steps=5)
    with pytest.raises(ValueError, match="t_span"):
        net.run(np.zeros(3))
    with pytest.raises(ValueError, match="`V0` must lie in"):
        net.run(V0=np.array([1.0, 0.0, 0.0]), steps=5)
    with pytest.raises(ValueError, match="has 4 neurons but the network has 3"):
        net.run(np.zeros(4), steps=5)
    with pytest.raises(ValueError, match="`method`"):
        net.run(np.zeros(3), steps=5, method="nope")
    with pytest.raises(ValueError, match="`dt`"):
        net.run(np.zeros(3), steps=5, dt=0.0)
    with pytest.raises(ValueError, match="`update`"):
        net.iterate(np.zeros(3), update="random")


def test_never_mutates_inputs(rng):
    W = _sym(rng, 4)
    W0 = W.copy()
    u0 = rng.normal(size=(2, 4))
    u_before = u0.copy()
    net = hf.ContinuousHopfieldNetwork(W)
    net.run(u0, steps=5)
    net.iterate(np.tanh(u0), max_steps=3, update="async", rng=0)
    assert np.array_equal(W, W0) and np.array_equal(u0, u_before)


def test_save_load_round_trip(tmp_path, rng):
    n = 5
    net = hf.ContinuousHopfieldNetwork(_sym(rng, n), rng.normal(size=n), activation="logistic",
                                       gain=rng.uniform(1, 2, size=n), tau=2.0, resistance=0.5)
    hf.save(net, tmp_path / "c.npz")
    back = hf.load(tmp_path / "c.npz")
    assert isinstance(back, hf.ContinuousHopfieldNetwork)
    assert back.activation.name == "logistic"
    for a in ("weights", "bias", "gain", "capacitance", "resistance", "tau"):
        assert np.array_equal(getattr(back, a), getattr(net, a))
    u = rng.normal(size=n)
    assert back.energy(u) == net.energy(u)


class _ScaledTanh(hf.continuous.AbstractActivation):
    """g(u) = tanh(λu) again, written out: a user activation through the abstract interface."""

    name = "scaled-tanh"

    def output(self, u, gain):
        return np.tanh(gain * u)

    def derivative(self, u, gain):
        return gain / np.cosh(gain * u) ** 2

    def inverse(self, V, gain):
        return np.arctanh(V) / gain

    def lagrangian(self, u, gain):
        return np.log(np.cosh(gain * u)) / gain

    def integral(self, V, gain):
        return (V * np.arctanh(V) + 0.5 * np.log1p(-V**2)) / gain


def test_user_activation_object_runs_but_is_not_saved(tmp_path, rng):
    W = _sym(rng, 4)
    mine = hf.ContinuousHopfieldNetwork(W, activation=_ScaledTanh(), gain=2.0)
    ref = hf.ContinuousHopfieldNetwork(W, activation="tanh", gain=2.0)
    u0 = rng.normal(size=4)
    assert np.allclose(mine.run(u0, steps=50).energies, ref.run(u0, steps=50).energies)
    with pytest.raises(TypeError, match="custom activation"):
        hf.save(mine, tmp_path / "x.npz")


def test_activations_are_the_lagrangian_frameworks_own():
    """One set of activations and Lagrangians serves the 1984 network and the Lagrangian
    framework: tanh / logistic are hf.lagrangian.Tanh / Sigmoid at β = 1 scaled by the gain."""
    from hopfield.lagrangian import Sigmoid, Tanh

    tanh, logistic = ACTIVATIONS["tanh"], ACTIVATIONS["logistic"]
    assert type(tanh.base) is Tanh and type(logistic.base) is Sigmoid
    rng = np.random.default_rng(0)
    u = rng.normal(scale=3.0, size=(4, 5))
    lam = 2.5
    for act, L in ((tanh, Tanh(lam)), (logistic, Sigmoid(lam))):
        np.testing.assert_allclose(act.output(u, lam), L.activation(u), rtol=1e-15)
        np.testing.assert_allclose(act.lagrangian(u, lam).sum(-1), L.value(u), rtol=1e-13)
        V = act.output(u, lam)
        # g' by central differences, the inverse, and ∫_0^V g^{-1} = V u − L(u)
        h = 1e-6
        np.testing.assert_allclose(act.derivative(u, lam),
                                   (act.output(u + h, lam) - act.output(u - h, lam)) / (2 * h),
                                   rtol=1e-6, atol=1e-9)
        inside = (V > act.low + 1e-9) & (V < act.high - 1e-9)
        np.testing.assert_allclose(act.inverse(V[inside], lam), u[inside], rtol=1e-6)
        np.testing.assert_allclose(act.integral(V, lam), V * u - act.lagrangian(u, lam),
                                   rtol=1e-7, atol=1e-9)
    # sech² is evaluated without cancellation where tanh saturates
    assert tanh.derivative(np.array([30.0]), 1.0)[0] == pytest.approx(4 * np.exp(-60.0), rel=1e-12)


def test_diverging_euler_run_says_why():
    """A step far beyond 2RC makes explicit Euler blow up: the result says so (not a bare NaN)."""
    net = hf.ContinuousHopfieldNetwork(np.array([[0.0, 1.0], [1.0, 0.0]]), tau=0.01)
    r = net.run(np.array([0.1, 0.2]), steps=2000, dt=1.0)
    assert not r.success and r.status == -1
    assert "non-finite" in r.message and "dt > 2 R C" in r.message
