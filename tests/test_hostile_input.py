"""Regression tests for issue 14 items 4–12: hostile and careless input gets a clear error.

Each test pins one reported defect: the exact input that used to pass silently (or fail with a raw
internal error) and the argument the error must now name.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

import hopfield as hf
from hopfield import _validation as v

X = hf.patterns.random(3, 16, rng=0)


def _net() -> hf.HopfieldNetwork:
    net = hf.HopfieldNetwork(16)
    net.store(X)
    return net


# ---------------------------------------------------------------- item 4: complex input is refused
@pytest.mark.parametrize("call", [
    lambda: hf.HopfieldNetwork.from_weights(hf.rules.hebb(X) + 0j),
    lambda: hf.HopfieldNetwork.from_weights(hf.rules.hebb(X), thresholds=np.zeros(16) + 1j),
    lambda: hf.ContinuousHopfieldNetwork(hf.rules.hebb(X), bias=np.zeros(16) + 1j),
    lambda: hf.optimize.IsingModel(np.eye(3) * 0j),
    lambda: hf.optimize.QUBO(np.eye(3) + 1j),
    lambda: hf.patterns.gaussian_noise(np.ones(3) + 1j, 0.1),
])
def test_complex_arrays_are_refused_not_cast(call):
    with pytest.raises(TypeError, match="complex"):
        call()


def test_complex_scalar_names_the_argument():
    with pytest.raises(TypeError, match=r"`temperature`.*real"):
        _net().recall(X[0], temperature=1j)


# ---------------------------------------------------------------- item 5: finite scalars
@pytest.mark.parametrize(("call", "name"), [
    (lambda x: hf.rules.mackay(X, eta=x), "eta"),
    (lambda x: hf.rules.mackay(X, alpha=x), "alpha"),
    (lambda x: hf.patterns.gaussian_noise(np.ones(3), x), "sigma"),
    (lambda x: hf.dynamics.constant(x, 3), "temperature"),
    (lambda x: hf.lagrangian.Softmax(beta=x), "beta"),
    (lambda x: hf.optimize.solve_ising(hf.optimize.IsingModel(np.zeros((2, 2))), time_limit=x), "time_limit"),
])
@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_infinite_or_nan_scalars_are_refused(call, name, bad):
    with pytest.raises(ValueError, match=f"`{name}`"):
        call(bad)


def test_check_scalar_allows_inf_only_when_asked():
    with pytest.raises(ValueError, match="finite"):
        v.check_scalar(math.inf, "x", min_val=0)
    assert v.check_scalar(math.inf, "x", min_val=0, allow_inf=True) == math.inf
    with pytest.raises(ValueError, match="NaN"):
        v.check_scalar(math.nan, "x", allow_inf=True)


# ---------------------------------------------------------------- item 6: NaN is never a success
def test_mackay_divergence_is_an_error_not_nan_weights():
    with pytest.raises(ValueError, match=r"MacKay weights contain .*`eta`"):
        hf.rules.mackay(X, eta=1e300)
    net = hf.HopfieldNetwork(16, rule="mackay", eta=1e300)
    with pytest.raises(ValueError, match="`eta`"):
        net.store(X)


def test_euler_divergence_reports_failure():
    w = np.array([[0.0, 1e200], [1e200, 0.0]])
    r = hf.ContinuousHopfieldNetwork(w).run([0.5, 0.5], steps=50, dt=1e100)
    assert not r.success and r.energies is None


# ---------------------------------------------------------------- item 7
def test_mask_keeps_uint8_values():
    img = np.array([200, 10, 255, 0], dtype=np.uint8)
    out = hf.patterns.mask(img, block=(0, 2), value=0)
    assert out.tolist() == [0, 0, 255, 0]
    assert hf.patterns.mask(img, block=(2, 4), value=7).tolist() == [200, 10, 7, 7]


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"block": 1.5}, "block"), ({"block": (0.0, 2.0)}, "block"),
    ({"block": (0, 2), "value": math.nan}, "value"),
    ({"block": (0, 2), "value": "0"}, "value"), ({"block": (0, 2), "value": True}, "value"),
])
def test_mask_bad_block_or_value(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=f"`{name}`"):
        hf.patterns.mask(X, **kwargs)


def test_mask_states_with_nan_are_refused():
    with pytest.raises(ValueError, match=r"`states`.*NaN"):
        hf.patterns.mask([1.0, math.nan], block=(0, 1))


@pytest.mark.parametrize("spins", [[1, 0, 1], [0.5, 1, -1]])
def test_ising_energy_needs_pm1_spins(spins):
    with pytest.raises(ValueError, match="`spins`"):
        hf.ising.ising_energy(np.zeros((3, 3)), np.zeros(3), spins)


def test_noise_and_hamming_validate():
    with pytest.raises(ValueError, match=r"`x`.*NaN"):
        hf.patterns.gaussian_noise([1.0, math.nan], 0.1)
    with pytest.raises(ValueError, match=r"`a`.*NaN"):
        hf.patterns.hamming([1.0, math.nan], [1.0, 1.0])
    with pytest.raises(ValueError, match="`b`"):
        hf.patterns.hamming([1, 1], 3)
    assert hf.patterns.hamming([1, -1, 1], [1, 1, 1]) == 1


def test_hopfield_tank_weights_refuse_nan_coefficients():
    d = np.ones((4, 4)) - np.eye(4)
    for name in "ABCD":
        with pytest.raises(ValueError, match=f"`{name}`"):
            hf.optimize.hopfield_tank_weights(d, **{name: math.nan})


# ---------------------------------------------------------------- item 8: real bools, ints, numbers
@pytest.mark.parametrize("flag", ["false", "no", 1, None])
def test_flags_must_be_bools(flag):
    with pytest.raises(TypeError, match="`zero_diagonal`"):
        hf.rules.hebb(X, zero_diagonal=flag)
    with pytest.raises(TypeError, match="`trace`"):
        _net().recall(X[0], trace=flag)
    with pytest.raises(TypeError, match="`trace`"):
        hf.DenseAssociativeMemory(X).recall(X[0], trace=flag)


@pytest.mark.parametrize("rng", [True, 2.5, "0"])
def test_rng_must_be_a_seed_or_generator(rng):
    with pytest.raises(TypeError, match="`rng`"):
        hf.patterns.random(2, 3, rng=rng)


def test_negative_seed_names_rng():
    with pytest.raises(ValueError, match="`rng` == -1"):
        hf.patterns.random(2, 3, rng=-1)


@pytest.mark.parametrize("t", ["0.5", True, [0.1, "x"]])
def test_temperature_must_be_numbers(t):
    with pytest.raises((TypeError, ValueError), match="`temperature`"):
        _net().recall(X[0], temperature=t)


def test_float_index_is_not_truncated():
    net = hf.ModernHopfieldNetwork(X.astype(float), beta=8.0)
    with pytest.raises(TypeError, match="`index`"):
        net.retrieval_error_bound(X[0], 1.0)


# ---------------------------------------------------------------- item 9: budgets do not pre-allocate
@pytest.mark.parametrize("call", [
    lambda: _net().recall(X[0], max_sweeps=10**12),
    lambda: hf.DenseAssociativeMemory(X).recall(X[0], max_sweeps=10**12),
    lambda: hf.BidirectionalAssociativeMemory.from_weights(np.eye(16)).recall(x=X[0], max_iter=10**12),
    lambda: hf.ContinuousHopfieldNetwork(np.eye(3)).run(np.zeros(3), steps=10**12),
    lambda: hf.ContinuousHopfieldNetwork(np.eye(3)).iterate(np.zeros(3), max_steps=10**12),
    lambda: hf.dynamics.anneal(1.0, 0.1, 10**12),
])
def test_huge_budgets_are_refused_at_once(call):
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="budget"):
        call()
    assert time.perf_counter() - t0 < 1.0


def test_trace_over_the_memory_limit_is_refused():
    probes = np.ones((200, 16), dtype=np.int8)
    with pytest.raises(ValueError, match="`max_sweeps` or the batch size"):
        _net().recall(probes, max_sweeps=10**6, trace=True)


def test_budget_up_to_the_cap_still_converges_quickly():
    r = _net().recall(X[0], max_sweeps=v.MAX_BUDGET, update="sync")
    assert r.converged and r.sweeps <= 2


# ---------------------------------------------------------------- item 10: no unbounded work
def test_dense_power_overflow_is_refused_before_big_integers():
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="smaller `n`"):
        hf.DenseAssociativeMemory(X, n=400_000)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("call", [
    lambda: hf.rules.mackay(X, n_iter=10**12),
    lambda: hf.ModernHopfieldNetwork(X.astype(float)).retrieve(X[0], steps=10**12),
    lambda: hf.ContinuousHopfieldNetwork(np.eye(3)).run(np.zeros(3), t_span=(0, 1), dt=1e-12),
])
def test_unbounded_loops_are_refused(call):
    with pytest.raises(ValueError, match="budget"):
        call()


@pytest.mark.parametrize("tol", [{"rtol": math.nan}, {"atol": math.nan}, {"rtol": 0.0}])
def test_solve_ivp_tolerances_are_checked(tol):
    net = hf.ContinuousHopfieldNetwork(np.eye(3))
    with pytest.raises(ValueError, match=f"`{next(iter(tol))}`"):
        net.run(np.zeros(3), t_span=(0, 1), method="RK45", **tol)


# ---------------------------------------------------------------- item 12: clear errors
def test_letters_names():
    with pytest.raises(ValueError, match="`names` is empty"):
        hf.datasets.letters("")
    with pytest.raises(ValueError, match="`names`: no glyph"):
        hf.datasets.letters("a")
    with pytest.raises(TypeError, match="`names`"):
        hf.datasets.letters(3)


def test_orbit_of_a_dense_network_names_net():
    with pytest.raises(TypeError, match="`net` must be a HopfieldNetwork"):
        hf.dynamics.orbit(hf.DenseAssociativeMemory(X), X[0])


def test_lagrangian_layer_shape():
    with pytest.raises(TypeError, match="`shape`"):
        hf.lagrangian.Layer(2.5)


# ---------------------------------------------------------------- nn layers (item 7)
torch = pytest.importorskip("torch")


@pytest.mark.parametrize("use_sdpa", [True, False])
def test_nn_layers_never_turn_nan_into_a_finite_output(use_sdpa):
    """A NaN state row gives a NaN output row on both paths (the fused SDPA path used to return a
    finite row); checking instead would cost a host synchronisation per call."""
    from hopfield.nn import Hopfield

    torch.manual_seed(0)
    stored, state = torch.randn(2, 5, 4), torch.randn(2, 3, 4)
    bad = state.clone()
    bad[0, 0, 0] = math.nan
    out = Hopfield(input_size=4, use_sdpa=use_sdpa)(stored, bad)
    assert torch.isnan(out[0, 0]).all()
    assert torch.isfinite(out[0, 1:]).all() and torch.isfinite(out[1]).all()


def test_nn_layers_refuse_empty_stored_sets_and_wrong_sizes():
    from hopfield.nn import Hopfield

    stored, state = torch.randn(2, 5, 4), torch.randn(2, 3, 4)
    layer = Hopfield(input_size=4)
    with pytest.raises(ValueError, match="`stored` is empty"):
        layer(stored[:, :0], state)
    with pytest.raises(ValueError, match="`state` has 3 features"):
        layer(stored, state[..., :3])


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"steps": -1}, "steps"), ({"steps": 0}, "steps"), ({"beta": -1.0}, "beta"),
    ({"beta": math.nan}, "beta"), ({"beta": 0.0}, "beta"), ({"use_sdpa": "no"}, "use_sdpa"),
    ({"dropout": 1.0}, "dropout"),
])
def test_hopfield_retrieval_checks_its_options(kwargs, name):
    from hopfield.nn.functional import hopfield_retrieval

    q, k = torch.randn(1, 1, 3, 4), torch.randn(1, 1, 5, 4)
    args = {"beta": 1.0, **kwargs}
    with pytest.raises((TypeError, ValueError), match=f"`{name}`"):
        hopfield_retrieval(q, k, k, args.pop("beta"), **args)


def test_layer_flags_are_bools():
    from hopfield.nn import Hopfield, HopfieldPooling

    with pytest.raises(TypeError, match="`batch_first`"):
        Hopfield(input_size=4, batch_first="false")
    with pytest.raises(TypeError, match="`trainable`"):
        HopfieldPooling(4, trainable=0)
    with pytest.raises(ValueError, match="`beta`"):
        Hopfield.retrieval(beta=-2.0)


# ---------------------------------------------------------------- more flags and names (items 8, 12)
def test_optimize_flags_and_names():
    with pytest.raises(TypeError, match="`symmetrize`"):
        hf.optimize.IsingModel(np.eye(3), symmetrize="no")
    with pytest.raises(TypeError, match="`qubo`"):
        hf.optimize.solve_qubo(1j)
    with pytest.raises(TypeError, match="`spins`"):
        hf.optimize.IsingModel(np.zeros((2, 2))).energy([[1, 1], [1]])


def test_lagrangian_arguments_are_named():
    lg = hf.lagrangian
    with pytest.raises(ValueError, match="`L_v`: unknown Lagrangian"):
        lg.TwoLayerNetwork(np.eye(3), L_v="bogus")
    with pytest.raises(TypeError, match="`lagrangian`"):
        lg.Layer(3, lagrangian=1)
    with pytest.raises(TypeError, match="`record_energy`"):
        lg.ModelB(np.eye(3)).run(np.zeros(3), max_steps=2, record_energy="no")
    with pytest.raises(ValueError, match="`states`"):
        lg.TwoLayerNetwork(np.eye(3)).run(np.zeros(2))
    with pytest.raises(ValueError, match="`delta`"):
        lg.LayerNorm(delta=math.nan)


def test_analysis_arguments_are_named():
    net = _net()
    with pytest.raises(TypeError, match="`all_patterns`"):
        hf.analysis.mceliece_capacity(100, all_patterns="no")
    with pytest.raises(TypeError, match="`n_neurons`"):
        hf.analysis.one_step_error_rate("100", 3)
    with pytest.raises(TypeError, match="`rng`"):
        hf.analysis.symmetric_mixtures(X, 3, rng=True)
    with pytest.raises(TypeError, match="`orders`"):
        hf.analysis.mixture_table(net, orders=3)
    with pytest.raises(ValueError, match="`max_per_order`"):
        hf.analysis.mixture_table(net, max_per_order=0)
    with pytest.raises(ValueError, match="`pattern`"):
        hf.analysis.equilibrium_overlap(net, X[0, :5], temperature=0.5)
    with pytest.raises(ValueError, match="`rng` == -1"):
        hf.analysis.capacity_curve("hebb", 20, [0.05], trials=1, rng=-1)
    with pytest.raises(ValueError, match=r"`k`.*too many"):
        hf.analysis.symmetric_mixtures(hf.patterns.random(60, 8, rng=0), 9)


def test_boltzmann_divergence_is_an_error_and_keeps_the_machine():
    bm = hf.BoltzmannMachine(3)
    with pytest.raises(ValueError, match="`l2`"):
        bm.fit(hf.patterns.random(6, 3, rng=0), n_iter=5, l2=1e300)
    assert np.all(bm.couplings == 0)


def test_check_scalar_compares_float32_without_casting_bounds():
    assert v.check_scalar(np.float32(0.5), "t", max_val=1e100) == np.float32(0.5)


def test_newer_models_check_flags_budgets_and_names():
    from hopfield import human_memory, phasor

    z = phasor.random(2, 6, 4, rng=0)
    net = hf.PhasorHopfieldNetwork(6, K=4).store(z)
    with pytest.raises(TypeError, match="`trace`"):
        net.recall(z[0], trace="no")
    with pytest.raises(TypeError, match="`probes`"):
        net.recall(z[0].astype(str))  # numpy would parse the strings as complex numbers
    with pytest.raises(TypeError, match="`cyclic`"):
        hf.SequenceMemory(16).store(X, cyclic=1)
    with pytest.raises(ValueError, match="budget"):
        hf.SequenceMemory(16).store(X).run_delayed(X[0], n_sweeps=10**12)
    with pytest.raises(TypeError, match="`clamp_cue`"):
        hf.PairedAssociativeMemory(8, 8).store(X[:, :8], X[:, 8:]).recall(X[0, :8], clamp_cue="no")
    with pytest.raises(ValueError, match="`order`"):
        hf.dynamics.Asynchronous("bogus")
    with pytest.raises(ValueError, match="`rng` == -1"):
        human_memory.paired_associate_experiment(n_subjects=2, rng=-1)
    with pytest.raises(ValueError, match="budget"):
        human_memory.paired_associate_experiment(n_subjects=10**12)
