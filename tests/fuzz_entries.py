"""Every public entry point with one set of valid arguments, for the hostile-input fuzz test.

Each :class:`Entry` calls one public function or method with keyword arguments; the fuzz test
(tests/test_fuzz.py) replaces one argument at a time with a hostile value and checks the contract of
issue 14: a clear ValueError/TypeError naming the argument, or a correct result — never a warning,
a NaN presented as success, a hang or a raw internal error.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("MPLBACKEND", "Agg")  # hf.plot never imports pyplot; if anything does, stay headless

import hopfield as hf
from hopfield import cuts, human_memory, phasor
from hopfield import lagrangian as lg
from hopfield import optimize as opt


@dataclass(frozen=True)
class Entry:
    """``call(**kwargs)`` runs the entry point; ``fuzz`` lists the arguments to replace."""

    name: str
    call: Callable
    kwargs: dict
    fuzz: tuple[str, ...] = field(default=())
    #: arguments that are class labels, for which strings are valid values
    labels: frozenset = field(default=frozenset())
    #: arguments whose domain includes complex numbers (Hermitian weights of the phasor network)
    complex_ok: frozenset = field(default=frozenset())

    def arguments(self) -> tuple[str, ...]:
        return self.fuzz or tuple(self.kwargs)


X = hf.patterns.random(3, 16, rng=0)
S = hf.patterns.flip(X[0], 0.1, rng=1)
XB = hf.patterns.to_binary(X)
W = hf.rules.hebb(X)
XR = np.random.default_rng(0).normal(size=(4, 6))
Q6 = XR[0] + 0.1
J4 = -np.ones((4, 4)) + np.eye(4)
RING = np.roll(np.eye(6), 1, axis=1) + np.roll(np.eye(6), -1, axis=1)
XY = np.random.default_rng(0).random((5, 2))
D5 = np.sqrt(((XY[:, None] - XY[None]) ** 2).sum(-1))
V5 = np.full((5, 5), 0.2)
_SCRATCH = Path(tempfile.mkdtemp(prefix="hopfield-fuzz-"))
_SAVE_PATH = str(_SCRATCH / "model.npz")


def _net(**kw):
    net = hf.HopfieldNetwork(16, **kw)
    net.store(X)
    return net


def _bm():
    return hf.BoltzmannMachine(4, couplings=J4 * 0.1, fields=np.zeros(4))


def _bam():
    b = hf.BidirectionalAssociativeMemory(16, 6)
    b.store(X, np.sign(XR[:3]).astype(int))
    return b


def _ham():
    return lg.HAM([lg.Layer(4, "identity"), lg.Layer(3, "softmax", tau=0.1)],
                  [lg.DenseSynapse(np.random.default_rng(0).normal(size=(3, 4)))])


ZP = phasor.random(2, 12, 4, rng=0)


def _phasor():
    return hf.PhasorHopfieldNetwork(12, K=4).store(ZP)


def _dam_clf():
    return hf.DAMClassifier(n_memories=4, n=3, anneal_epochs=2, batch_size=4, rng=0)


def _net_with(states="bipolar"):
    return _net(states=states)


def _clf_data():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, size=(12, 5)), np.arange(12) % 3


CX, CY = _clf_data()


def entries() -> list[Entry]:
    """The registry (built lazily so that importing it stays cheap)."""
    E = Entry
    return [
        # patterns
        E("patterns.random", hf.patterns.random, dict(n_patterns=3, n_neurons=8, bias=0.0, rng=0)),
        E("patterns.flip", hf.patterns.flip, dict(states=X, fraction=0.2, rng=0)),
        E("patterns.flip(n_flips)", hf.patterns.flip, dict(states=X, n_flips=2, rng=0)),
        E("patterns.mask", hf.patterns.mask, dict(states=X, fraction=0.25, value=-1.0, rng=0)),
        E("patterns.mask(block)", hf.patterns.mask, dict(states=X, block=(0, 8), value=0),
          fuzz=("states", "block")),
        E("patterns.gaussian_noise", hf.patterns.gaussian_noise, dict(x=XR, sigma=0.1, rng=0)),
        E("patterns.to_binary", hf.patterns.to_binary, dict(states=X)),
        E("patterns.to_bipolar", hf.patterns.to_bipolar, dict(states=XB)),
        E("patterns.overlap", hf.patterns.overlap, dict(a=X, b=X)),
        E("patterns.overlaps", hf.patterns.overlaps, dict(patterns=X, states=S)),
        E("patterns.hamming", hf.patterns.hamming, dict(a=X, b=X)),
        # datasets
        E("datasets.letters", hf.datasets.letters, dict(names="TI", scale=1)),
        E("datasets.digits", hf.datasets.digits, dict(names="01", scale=1)),
        E("datasets.shapes", hf.datasets.shapes, dict(size=8)),
        # rules
        E("rules.hebb", hf.rules.hebb, dict(patterns=X, normalize="n", zero_diagonal=True)),
        E("rules.storkey", hf.rules.storkey, dict(patterns=X, zero_diagonal=True)),
        E("rules.pseudoinverse", hf.rules.pseudoinverse, dict(patterns=X, zero_diagonal=False)),
        E("rules.mackay", hf.rules.mackay, dict(patterns=X, eta=0.01, alpha=0.01, n_iter=20)),
        E("rules.get_rule", hf.rules.get_rule, dict(rule="storkey", zero_diagonal=True)),
        # classical
        E("HopfieldNetwork", lambda **k: _net(**k), dict(rule="hebb", states="bipolar", thresholds=None)),
        E("HopfieldNetwork.from_weights", hf.HopfieldNetwork.from_weights,
          dict(weights=W, thresholds=np.zeros(16), states="bipolar")),
        E("HopfieldNetwork.store", lambda **k: hf.HopfieldNetwork(16).store(**k), dict(patterns=X)),
        E("HopfieldNetwork.energy", lambda **k: _net().energy(**k), dict(states=S)),
        E("HopfieldNetwork.local_field", lambda **k: _net().local_field(**k), dict(states=S)),
        E("HopfieldNetwork.is_fixed_point", lambda **k: _net().is_fixed_point(**k),
          dict(states=X, tie="keep")),
        E("HopfieldNetwork.recall", lambda **k: _net().recall(**k),
          dict(probes=S, update="async", max_sweeps=20, temperature=0.0, tie="keep", clamp=None,
               trace=False, rng=0)),
        E("HopfieldNetwork.recall(trace)", lambda **k: _net().recall(S, trace=True, **k),
          dict(update="sync", max_sweeps=20, rng=0)),
        # dynamics
        E("dynamics.orbit", lambda **k: hf.dynamics.orbit(_net(), **k),
          dict(state=S, update="sync", tie="keep", max_steps=100)),
        E("dynamics.orbit(net)", hf.dynamics.orbit, dict(net=_net(), state=S), fuzz=("net",)),
        E("dynamics.constant", hf.dynamics.constant, dict(temperature=0.5, n_sweeps=4)),
        E("dynamics.anneal", hf.dynamics.anneal,
          dict(t_start=1.0, t_end=0.1, n_sweeps=4, kind="geometric", hold=0)),
        # ising
        E("ising.ising_energy", hf.ising.ising_energy,
          dict(couplings=J4, fields=np.zeros(4), spins=[1, -1, 1, -1])),
        E("ising.from_ising", hf.ising.from_ising, dict(couplings=J4, fields=np.ones(4), states="bipolar")),
        E("ising.to_ising", hf.ising.to_ising, dict(net=_net())),
        E("ising.binary_temperature", hf.ising.binary_temperature, dict(bipolar_temperature=1.0)),
        E("ising.bipolar_temperature", hf.ising.bipolar_temperature, dict(binary_temperature=1.0)),
        # continuous
        E("ContinuousHopfieldNetwork", hf.ContinuousHopfieldNetwork,
          dict(weights=W, bias=np.zeros(16), activation="tanh", gain=1.0, tau=None, capacitance=None,
               resistance=1.0)),
        E("ContinuousHopfieldNetwork.run", lambda **k: hf.ContinuousHopfieldNetwork(W).run(**k),
          dict(u0=S * 0.1, steps=50, dt=0.05, method="euler", save_every=1)),
        E("ContinuousHopfieldNetwork.run(RK45)", lambda **k: hf.ContinuousHopfieldNetwork(W).run(
            S * 0.1, method="RK45", **k), dict(t_span=(0.0, 1.0), rtol=1e-6, atol=1e-9)),
        E("ContinuousHopfieldNetwork.relax", lambda **k: hf.ContinuousHopfieldNetwork(W).relax(**k),
          dict(x0=S * 0.1, steps=20, dt=0.05)),
        E("ContinuousHopfieldNetwork.iterate", lambda **k: hf.ContinuousHopfieldNetwork(W).iterate(**k),
          dict(V0=S * 0.5, max_steps=20, update="sync", tol=1e-10, rng=0)),
        E("ContinuousHopfieldNetwork.energy", lambda **k: hf.ContinuousHopfieldNetwork(W).energy(**k),
          dict(u=S * 0.1)),
        E("ContinuousHopfieldNetwork.output", lambda **k: hf.ContinuousHopfieldNetwork(W).output(**k),
          dict(u=S * 0.1)),
        E("ContinuousHopfieldNetwork.inverse", lambda **k: hf.ContinuousHopfieldNetwork(W).inverse(**k),
          dict(V=S * 0.5)),
        # dense
        E("DenseAssociativeMemory", hf.DenseAssociativeMemory,
          dict(patterns=X, F="polynomial", n=3, beta=1.0)),
        E("DenseAssociativeMemory.recall", lambda **k: hf.DenseAssociativeMemory(X).recall(**k),
          dict(probes=S, update="async", max_sweeps=20, tie="keep", clamp=None, trace=False, rng=0)),
        E("DenseAssociativeMemory.energy", lambda **k: hf.DenseAssociativeMemory(X).energy(**k),
          dict(states=S)),
        E("DenseAssociativeMemory.is_fixed_point",
          lambda **k: hf.DenseAssociativeMemory(X).is_fixed_point(**k), dict(states=X, tie="keep")),
        # modern
        E("ModernHopfieldNetwork", hf.ModernHopfieldNetwork, dict(patterns=XR, beta=1.0)),
        E("ModernHopfieldNetwork.retrieve", lambda **k: hf.ModernHopfieldNetwork(XR).retrieve(**k),
          dict(queries=Q6, steps=None, tol=1e-6, max_steps=50, chunk_size=None, check_every=None)),
        E("ModernHopfieldNetwork.energy", lambda **k: hf.ModernHopfieldNetwork(XR).energy(**k),
          dict(states=Q6, chunk_size=2)),
        E("ModernHopfieldNetwork.update", lambda **k: hf.ModernHopfieldNetwork(XR).update(**k),
          dict(states=Q6)),
        E("ModernHopfieldNetwork.attention", lambda **k: hf.ModernHopfieldNetwork(XR).attention(**k),
          dict(queries=Q6)),
        E("ModernHopfieldNetwork.separation", lambda **k: hf.ModernHopfieldNetwork(XR).separation(**k),
          dict(block=2)),
        E("ModernHopfieldNetwork.classify", lambda **k: hf.ModernHopfieldNetwork(XR).classify(**k),
          dict(queries=Q6, mass=0.9, steps=0, max_steps=50)),
        E("ModernHopfieldNetwork.retrieval_error_bound",
          lambda **k: hf.ModernHopfieldNetwork(XR, beta=8.0).retrieval_error_bound(**k),
          dict(queries=XR[0], index=0, fixed_point_distance=0.0)),
        # BAM, Boltzmann, classifier
        E("BidirectionalAssociativeMemory", hf.BidirectionalAssociativeMemory, dict(n_x=4, n_y=3)),
        E("BidirectionalAssociativeMemory.store",
          lambda **k: hf.BidirectionalAssociativeMemory(16, 6).store(**k),
          dict(x=X, y=np.sign(XR[:3]).astype(int))),
        E("BidirectionalAssociativeMemory.recall", lambda **k: _bam().recall(**k), dict(x=S, max_iter=20)),
        E("BidirectionalAssociativeMemory.from_weights", hf.BidirectionalAssociativeMemory.from_weights,
          dict(weights=XR)),
        E("BoltzmannMachine", hf.BoltzmannMachine, dict(n_units=4, couplings=J4 * 0.1, fields=np.zeros(4))),
        E("BoltzmannMachine.sample", lambda **k: _bm().sample(**k),
          dict(n_samples=5, burn_in=2, thin=1, n_chains=2, rng=0)),
        E("BoltzmannMachine.fit", lambda **k: _bm().fit(**k),
          dict(data=hf.patterns.random(8, 4, rng=0), method="auto", n_iter=5, learning_rate=0.2, tol=1e-6,
               l2=0.0, rng=0)),
        E("BoltzmannMachine.log_prob", lambda **k: _bm().log_prob(**k), dict(states=[1, -1, 1, -1])),
        E("DAMClassifier.fit", lambda **k: hf.DAMClassifier(**k).fit(CX, CY),
          dict(n_memories=4, n=3, form="dual", loss_power=None, temperature=None, anneal_epochs=2,
               epochs=2, learning_rate=0.04, decay=0.998, momentum=0.6, batch_size=4, init_mean=-0.3,
               init_std=0.3, input_scaling="none", rng=0)),
        E("DAMClassifier.fit(data)", lambda **k: _dam_clf().fit(**k), dict(X=CX, y=CY, epochs=2),
          labels=frozenset({"y"})),
        # lagrangian
        E("lagrangian.make_lagrangian", lg.make_lagrangian, dict(spec="softmax", beta=1.0)),
        E("lagrangian.Softmax", lg.Softmax, dict(beta=1.0)),
        E("lagrangian.Tanh", lg.Tanh, dict(beta=1.0)),
        E("lagrangian.Sigmoid", lg.Sigmoid, dict(beta=1.0)),
        E("lagrangian.Exponential", lg.Exponential, dict(beta=1.0)),
        E("lagrangian.Polynomial", lg.Polynomial, dict(n=3)),
        E("lagrangian.RePU", lg.RePU, dict(n=2.0)),
        E("lagrangian.RectifiedPolynomial", lg.RectifiedPolynomial, dict(n=3.0)),
        E("lagrangian.LayerNorm", lg.LayerNorm, dict(gamma=1.0, delta=0.0, eps=1e-5)),
        E("lagrangian.SphericalNorm", lg.SphericalNorm, dict(gamma=1.0, eps=0.0)),
        E("lagrangian.Softmax.energy", lambda **k: lg.Softmax().energy(**k), dict(x=XR[0])),
        E("lagrangian.Layer", lg.Layer, dict(shape=4, lagrangian="identity", tau=1.0, bias=None)),
        E("lagrangian.DenseSynapse", lg.DenseSynapse, dict(weight=XR[:3, :4])),
        E("lagrangian.HAM.run", lambda **k: _ham().run(**k),
          dict(states=[XR[:2, :4], np.zeros((2, 3))], method="euler", dt=0.01, max_steps=20, tol=None),
          fuzz=("method", "dt", "max_steps", "tol")),
        E("lagrangian.GeneralNetwork", lg.GeneralNetwork,
          dict(weights=np.zeros((3, 3)), lagrangians=[("tanh", 2), ("identity", 1)], tau=1.0, bias=None)),
        E("lagrangian.GeneralNetwork.run",
          lambda **k: lg.GeneralNetwork(np.eye(3) * 0.1, [("tanh", 2), ("identity", 1)]).run(**k),
          dict(states=np.zeros(3), method="euler", dt=0.01, max_steps=20, tol=None, rtol=1e-5,
               atol=1e-8, record_energy=True)),
        E("lagrangian.ModelA", lg.ModelA, dict(xi=XR, F="rectified", n=3.0, tau_f=1.0, tau_h=0.1)),
        E("lagrangian.ModelB", lg.ModelB, dict(xi=XR, beta=1.0, tau_f=1.0, tau_h=0.1)),
        E("lagrangian.ModelC", lg.ModelC, dict(xi=XR, F="rectified", n=3.0, alpha=1.0, tau_f=1.0, tau_h=0.1)),
        E("lagrangian.ModelB.run", lambda **k: lg.ModelB(XR).run(**k),
          dict(states=Q6, dt=0.01, max_steps=20, tol=None)),
        E("lagrangian.TwoLayerNetwork", lg.TwoLayerNetwork,
          dict(xi=XR, L_v="identity", L_h="softmax", tau_f=1.0, tau_h=1.0, alpha=1.0)),
        E("lagrangian.TwoLayerNetwork.run", lambda **k: lg.TwoLayerNetwork(XR).run(**k),
          dict(states=Q6, method="heun_euler", dt=0.01, max_steps=20, t_max=None, tol=None)),
        # optimize
        E("optimize.IsingModel", opt.IsingModel, dict(J=J4, h=np.zeros(4), offset=0.0, symmetrize=False)),
        E("optimize.IsingModel.energy", lambda **k: opt.IsingModel(J4).energy(**k),
          dict(spins=[1, -1, 1, -1])),
        E("optimize.QUBO", opt.QUBO, dict(Q=J4, offset=0.0, symmetrize=False)),
        E("optimize.QUBO.energy", lambda **k: opt.QUBO(J4).energy(**k), dict(x=[1, 0, 1, 0])),
        E("optimize.solve_ising", opt.solve_ising,
          dict(model=opt.IsingModel(J4), method="metropolis", steps=20, time_limit=None, replicas=2,
               beta_range=None, rng=0)),
        E("optimize.solve_qubo", opt.solve_qubo,
          dict(qubo=opt.QUBO(J4), steps=20, replicas=2, rng=0)),
        E("optimize.solve_maxcut", opt.solve_maxcut, dict(graph=RING, steps=20, replicas=2, rng=0)),
        E("optimize.cut_value", opt.cut_value, dict(graph=RING, partition=[1, -1, 1, -1, 1, -1])),
        E("optimize.adjacency", opt.adjacency, dict(graph=RING)),
        E("optimize.maxcut_ising", opt.maxcut_ising, dict(graph=RING)),
        E("optimize.random_graph", opt.random_graph, dict(n_nodes=6, density=0.5, weights="unit", rng=0)),
        E("optimize.hopfield_tank_weights", opt.hopfield_tank_weights,
          dict(distances=D5, A=500.0, B=500.0, C=200.0, D=500.0, n_tilde=15.0)),
        E("optimize.hopfield_tank_energy", opt.hopfield_tank_energy,
          dict(V=V5, distances=D5, A=500.0, B=500.0, C=200.0, D=500.0, n_tilde=15.0)),
        E("optimize.tour_length", opt.tour_length, dict(tour=[0, 1, 2, 3, 4], distances=D5)),
        E("optimize.polish_tour", opt.polish_tour, dict(tour=[0, 2, 1, 3, 4], distances=D5, method="2opt")),
        E("optimize.solve_tsp", opt.solve_tsp,
          dict(coords=XY, method="potts", polish=None, replicas=1, time_limit=None, rng=0)),
        E("optimize.HopfieldTank", opt.HopfieldTank,
          dict(A=500.0, B=500.0, C=200.0, D=500.0, n_tilde=15.0, u0=0.02, tau=1.0, dt=1e-6, t_max=0.05,
               noise=0.1, record_every=1000, saturation_tol=0.01)),
        E("optimize.PottsMeanField", opt.PottsMeanField,
          dict(alpha=2.0, gamma=-0.8, t_start=0.9, cooling=0.998, saturation=0.95, max_sweeps=3000,
               noise=0.01)),
        # rule objects
        E("rules.Hebb", hf.rules.Hebb, dict(normalize="n", zero_diagonal=True)),
        E("rules.Storkey", hf.rules.Storkey, dict(zero_diagonal=True)),
        E("rules.PseudoInverse", hf.rules.PseudoInverse, dict(zero_diagonal=False)),
        E("rules.MacKay", hf.rules.MacKay, dict(eta=0.01, alpha=0.01, n_iter=20)),
        E("dynamics.Asynchronous", hf.dynamics.Asynchronous, dict(order="random")),
        # phasor networks and cuts
        E("PhasorHopfieldNetwork", lambda **k: hf.PhasorHopfieldNetwork(12, **k).store(ZP),
          dict(K=4, rule="hebb")),
        E("PhasorHopfieldNetwork.recall", lambda **k: _phasor().recall(**k),
          dict(probes=ZP[0], update="async", max_sweeps=20, tol=1e-9, clamp=None, trace=False, rng=0)),
        E("PhasorHopfieldNetwork.from_weights", hf.PhasorHopfieldNetwork.from_weights,
          dict(weights=_phasor().weights, K=4)),
        E("phasor.random", phasor.random, dict(n_patterns=2, n_neurons=6, K=4, rng=0)),
        E("phasor.roots", phasor.roots, dict(K=4)),
        E("phasor.csign", phasor.csign, dict(h=ZP[0] * 0.7, K=4)),
        E("phasor.phase_noise", phasor.phase_noise, dict(z=ZP, sigma=0.1, K=4, rng=0)),
        E("phasor.to_levels", phasor.to_levels, dict(z=ZP, K=4)),
        E("phasor.from_levels", phasor.from_levels, dict(levels=[0, 1, 2, 3], K=4)),
        E("cuts.pseudo_cut", cuts.pseudo_cut, dict(weights=W, states=S, thresholds=None)),
        E("cuts.pseudo_cut_change", cuts.pseudo_cut_change, dict(weights=W, states=S, thresholds=None)),
        E("cuts.energy_offset", cuts.energy_offset, dict(weights=W, thresholds=None),
          complex_ok=frozenset({"weights"})),
        # sequences and human memory
        E("SequenceMemory.store", lambda **k: hf.SequenceMemory(16).store(**k),
          dict(sequence=X, cyclic=True)),
        E("SequenceMemory.replay", lambda **k: hf.SequenceMemory(16).store(X).replay(**k),
          dict(cue=X[0], n_steps=None, max_steps=100, match=0.9, tie="keep")),
        E("SequenceMemory.run_delayed", lambda **k: hf.SequenceMemory(16).store(X).run_delayed(**k),
          dict(cue=X[0], lam=2.0, tau=2, n_sweeps=20, memory="delay", match=0.9, rng=0)),
        E("PairedAssociativeMemory", hf.PairedAssociativeMemory, dict(n_a=8, n_b=8, auto=1.0, hetero=1.0)),
        E("PairedAssociativeMemory.recall",
          lambda **k: hf.PairedAssociativeMemory(8, 8).store(X[:, :8], X[:, 8:]).recall(**k),
          dict(a=X[0, :8], update="sync", clamp_cue=True, max_sweeps=20, rng=0)),
        E("human_memory.PairedAssociateModel", human_memory.PairedAssociateModel,
          dict(n_item=8, n_context=8, p_learn=0.5, drift=0.1, rng=0)),
        E("human_memory.paired_associate_experiment", human_memory.paired_associate_experiment,
          dict(n_subjects=2, n_lists=1, pairs_per_list=2, max_repetitions=1, lags=(0,), n_item=8,
               n_context=8, p_learn=0.5, drift=0.1, list_break=2, match=0.5, rng=0)),
        # more Lagrangian pieces
        E("lagrangian.separation_lagrangian", lg.separation_lagrangian, dict(F="rectified", n=3.0)),
        E("lagrangian.ConvSynapse", lg.ConvSynapse,
          dict(kernel=np.ones((1, 1, 2, 2)), in_shape=(1, 4, 4), stride=1, padding=0)),
        # files (hostile files for load: tests/test_load_hostile.py)
        E("save", hf.save, dict(model=hf.DenseAssociativeMemory(X), path=_SAVE_PATH)),
        # analysis
        E("analysis.basin_radius", lambda **k: hf.analysis.basin_radius(_net(), **k),
          dict(probability=0.9, trials=2, update="async", max_sweeps=20, rng=0)),
        E("analysis.capacity_curve", hf.analysis.capacity_curve,
          dict(rule="hebb", n_neurons=20, loads=(0.05,), trials=1, noise=0.0, update="async", max_sweeps=20,
               rng=0)),
        E("analysis.classify", hf.analysis.classify, dict(states=X, patterns=X, max_order=3, tol=0.0)),
        E("analysis.equilibrium_overlap", lambda **k: hf.analysis.equilibrium_overlap(_net(), **k),
          dict(pattern=X[0], temperature=0.5, n_samples=4, burn_in=2, thin=1, n_chains=2, rng=0)),
        E("analysis.sample", lambda **k: hf.analysis.sample(_net(), **k),
          dict(n_samples=3, temperature=0.5, burn_in=2, thin=1, n_chains=1, update="async", rng=0)),
        E("analysis.boltzmann_distribution",
          lambda **k: hf.analysis.boltzmann_distribution(hf.HopfieldNetwork.from_weights(J4), **k),
          dict(temperature=1.0)),
        E("analysis.hopfield1982_error_rate", hf.analysis.hopfield1982_error_rate,
          dict(n_neurons=100.0, n_memories=10)),
        E("analysis.mattis_overlap", hf.analysis.mattis_overlap, dict(temperature=0.5)),
        E("analysis.mceliece_capacity", hf.analysis.mceliece_capacity,
          dict(n_neurons=200.0, all_patterns=False)),
        E("analysis.mixture_energy", hf.analysis.mixture_energy, dict(k=3)),
        E("analysis.mixture_overlap", hf.analysis.mixture_overlap, dict(k=3)),
        E("analysis.mixture_state", hf.analysis.mixture_state, dict(patterns=X, indices=None, signs=None)),
        E("analysis.mixture_table", lambda **k: hf.analysis.mixture_table(_net(), **k),
          dict(orders=(1, 3), max_per_order=4, rng=0)),
        E("analysis.one_step_error_rate", hf.analysis.one_step_error_rate,
          dict(n_neurons=100.0, n_patterns=10.0)),
        E("analysis.random_start_survey", lambda **k: hf.analysis.random_start_survey(_net(), **k),
          dict(n_starts=5, update="async", max_sweeps=20, near=None, max_order=3, rng=0)),
        E("analysis.rs_finite_temperature", hf.analysis.rs_finite_temperature,
          dict(alpha=0.05, temperature=0.1, m0=1.0, max_iter=200, tol=1e-10)),
        E("analysis.rs_retrieval_overlap", hf.analysis.rs_retrieval_overlap, dict(alpha=0.05)),
        E("analysis.spin_glass_temperature", hf.analysis.spin_glass_temperature, dict(alpha=0.05)),
        E("analysis.storkey_capacity", hf.analysis.storkey_capacity, dict(n_neurons=100.0)),
        E("analysis.symmetric_mixtures", hf.analysis.symmetric_mixtures,
          dict(patterns=X, k=3, signs=True, max_count=4, rng=0)),
    ]


def _drawn(plot):
    """``plot`` (a figure function), checked to return a Figure, which is cleared at once: hf.plot
    builds figures without pyplot, so nothing else holds them and memory stays flat over the
    thousands of calls of the fuzz test."""
    from matplotlib.figure import Figure

    def call(**kwargs):
        out = plot(**kwargs)
        fig = out[0] if isinstance(out, tuple) else out  # new_figure returns (fig, axes)
        if not isinstance(fig, Figure):
            raise AssertionError(f"{plot.__name__} returned {type(out).__name__}, not a Figure")
        fig.clear()

    return call


def plot_entries() -> list[Entry]:
    """The figure functions of hf.plot, each on small real results of the library.

    Each figure has a second entry that fuzzes only ``path``, so that the many hostile values of the
    other arguments never write a PNG (drawing takes ~0.1-0.3 s, writing it as long again). Names
    start with ``plot.``: the figures have no kernels for the fuzz test's warm-up to compile.
    """
    data = hf.datasets.letters("TIL", scale=1)  # 3 images of 7 × 7
    probes = hf.patterns.flip(data.patterns, 0.1, rng=0)
    net = hf.HopfieldNetwork(data.patterns.shape[1]).store(data.patterns)
    res = net.recall(probes, update="sync", max_sweeps=5, trace=True, rng=0)
    maxcut = opt.solve_maxcut(RING, steps=20, replicas=2, rng=0)
    curve = hf.analysis.capacity_curve("hebb", n_neurons=20, loads=(0.05, 0.1), trials=1, rng=0)
    tsp = opt.solve_tsp(XY, method="potts", polish="2opt", replicas=1, rng=0)
    tours = np.array([tsp.tour, tsp.polished_tour])
    survey = hf.analysis.random_start_survey(_net(), n_starts=5, rng=0)
    basins = hf.analysis.basin_radius(_net(), trials=2, max_sweeps=20, rng=0)
    paired = human_memory.paired_associate_experiment(
        n_subjects=2, n_lists=1, pairs_per_list=2, max_repetitions=1, lags=(0,), n_item=8,
        n_context=8, rng=0)
    png = str(_SCRATCH / "figure.png")
    E, P = Entry, hf.plot
    recall = dict(targets=data.patterns, probes=probes, recalled=res.states, shape=list(data.shape),
                  names=list(data.names), energy_traces=res.energy_trace)
    tsp_kw = dict(coords=XY, tours=tours, labels=["network", "2-opt"], energy_trace=tsp.energy_trace,
                  title="5 cities", V=tsp.V)
    return [
        E("plot.new_figure", _drawn(P.new_figure), dict(nrows=2, ncols=2, figsize=[4.0, 3.0], squeeze=True)),
        E("plot.figure_path", P.figure_path, dict(output=str(_SCRATCH / "figures"), name="letters")),
        E("plot.recall_figure", _drawn(P.recall_figure), recall),
        E("plot.recall_figure(path)", _drawn(P.recall_figure),  # one image, given 1-D: a cheap figure
          dict(targets=data.patterns[0], probes=probes[0], recalled=res.states[0], shape=data.shape,
               path=png), fuzz=("path",)),
        E("plot.maxcut_figure", _drawn(P.maxcut_figure),
          dict(result=maxcut, graph=RING, best_known=6.0, max_drawn_nodes=150)),
        E("plot.maxcut_figure(path)", _drawn(P.maxcut_figure), dict(result=maxcut, path=png),
          fuzz=("path",)),
        E("plot.capacity_figure", _drawn(P.capacity_figure), dict(curves=[curve])),
        E("plot.capacity_figure(path)", _drawn(P.capacity_figure), dict(curves=curve, path=png),
          fuzz=("path",)),
        E("plot.tsp_figure", _drawn(P.tsp_figure), tsp_kw),
        E("plot.tsp_figure(path)", _drawn(P.tsp_figure), dict(coords=XY, tours=[tsp.tour], path=png),
          fuzz=("path",)),
        E("plot.basins_figure", _drawn(P.basins_figure), dict(survey=survey, basins=basins, probability=0.9)),
        E("plot.basins_figure(path)", _drawn(P.basins_figure), dict(survey=survey, basins=basins, path=png),
          fuzz=("path",)),
        E("plot.paired_associate_figure", _drawn(P.paired_associate_figure), dict(results={"drift": paired})),
        E("plot.paired_associate_figure(path)", _drawn(P.paired_associate_figure),
          dict(results={"drift": paired}, path=png), fuzz=("path",)),
    ]


def nn_entries() -> list[Entry]:
    """The torch layers and their functional core (empty when torch is not installed)."""
    try:
        import torch
    except ImportError:
        return []
    from hopfield.nn import Hopfield, HopfieldLayer, HopfieldPooling
    from hopfield.nn.functional import hopfield_energy, hopfield_retrieval

    gen = torch.Generator().manual_seed(0)
    stored = torch.randn(2, 5, 4, generator=gen)
    state = torch.randn(2, 3, 4, generator=gen)
    q, k = torch.randn(1, 1, 3, 4, generator=gen), torch.randn(1, 1, 5, 4, generator=gen)
    E = Entry
    return [
        E("nn.Hopfield", lambda **kw: Hopfield(**kw)(stored, state),
          dict(input_size=4, hidden_size=None, num_heads=1, scaling=None, update_steps_max=1,
               update_steps_eps=1e-4, dropout=0.0, batch_first=True, use_sdpa=True),
          fuzz=("input_size", "num_heads", "scaling", "update_steps_max", "update_steps_eps", "dropout",
                "batch_first", "use_sdpa")),
        E("nn.Hopfield.forward", lambda stored, **kw: Hopfield(input_size=4)(stored, **kw),
          dict(stored=stored, state=state)),  # forward's `input` is the stored set: errors say `stored`
        E("nn.Hopfield.retrieval", lambda **kw: Hopfield.retrieval(**kw)(stored, state),
          dict(beta=1.0, steps=2, update_steps_eps=1e-4)),
        E("nn.Hopfield.energy", lambda stored, **kw: Hopfield(input_size=4).energy(stored, **kw),
          dict(stored=stored, state=state)),
        E("nn.HopfieldPooling", lambda **kw: HopfieldPooling(**kw)(stored),
          dict(input_size=4, quantity=1, trainable=True)),
        E("nn.HopfieldPooling.forward", lambda **kw: HopfieldPooling(4)(**kw), dict(input=stored)),
        E("nn.HopfieldLayer", lambda **kw: HopfieldLayer(**kw)(state),
          dict(input_size=4, quantity=3, lookup_weights_as_separated=True,
               lookup_targets_as_trainable=True, trainable=True)),
        E("nn.HopfieldLayer.forward", lambda **kw: HopfieldLayer(4, quantity=3)(**kw), dict(input=state)),
        E("nn.functional.hopfield_retrieval", hopfield_retrieval,
          dict(state=q, stored=k, projection=k, beta=1.0, steps=1, tol=None, check_every=None,
               dropout=0.0, training=False, need_association=False, use_sdpa=True)),
        E("nn.functional.hopfield_energy", hopfield_energy, dict(state=q, stored=k, beta=1.0)),
    ]
