"""Glauber (heat-bath) dynamics of the classical network against exact transition matrices.

THEORY.md §4. The energy :math:`E(s) = -\\tfrac12 s^\\top W s + \\theta^\\top s` depends on the
self-couplings :math:`w_{ii}` only through the constant :math:`-\\tfrac12\\sum_i w_{ii}` (since
:math:`s_i^2 = 1`), so every law below must be the same with and without a diagonal.

The references are built here from energy differences alone, never from the library's fields:
neuron i is redrawn from its conditional Boltzmann law
:math:`P(s_i = +1 \\mid s_{\\setminus i}) = 1/(1 + e^{\\beta[E(s^{i+}) - E(s^{i-})]})`.

Sampling design (fixed seeds, so each test is deterministic): many independent chains, each
started from an exactly known law, run a few sweeps, and only their final states are counted.
The counts are then an exact multinomial sample of the law the chain has after those sweeps (no
autocorrelation), which the test computes from the exact 2^N × 2^N transition matrix; a χ² test
with p > 1e-3 accepts. The kernels that used the field with :math:`w_{ii} s_i` included give
p < 1e-30 in these tests.
"""

import numpy as np
import pytest
from scipy import stats

import hopfield as hf
from hopfield import analysis as an
from hopfield import ising
from naive import all_states, energy

N = 8
BETA = 1.0
CHAINS = 40_000


def _index(states):
    """Row of each ±1 state in :func:`naive.all_states` (neuron i is bit i, +1 = 1)."""
    v = (np.asarray(states) > 0).astype(np.int64)
    return v @ (1 << np.arange(v.shape[-1], dtype=np.int64))


def _network(seed, diag):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(N, N)) * 0.6
    w = (w + w.T) / 2
    if diag == "zero":
        np.fill_diagonal(w, 0.0)
    elif diag == "positive":  # as the pseudo-inverse rule, Storkey/Hebb without zeroing
        np.fill_diagonal(w, rng.uniform(0.8, 1.6, size=N))
    else:  # "mixed": any sign is only a constant in E
        np.fill_diagonal(w, rng.uniform(-1.5, 1.5, size=N))
    return w, rng.normal(size=N) * 0.4


def _energies(w, theta, s):
    """E(s) = -½ sᵀWs + θᵀs for every row (checked against naive.energy below)."""
    s = np.asarray(s, dtype=float)
    return -0.5 * np.einsum("bi,ij,bj->b", s, w, s) + s @ theta


def _boltzmann(w, theta, beta):
    s = all_states(N)
    e = _energies(w, theta, s)
    p = np.exp(-beta * (e - e.min()))
    return p / p.sum()


def _p_plus(w, theta, beta, s, i):
    """Conditional Boltzmann probability of s_i = +1 for every row of ``s``, from E alone."""
    up, down = s.copy(), s.copy()
    up[:, i], down[:, i] = 1, -1
    return 1.0 / (1.0 + np.exp(beta * (_energies(w, theta, up) - _energies(w, theta, down))))


def _site_matrix(w, theta, beta, i):
    """Heat-bath update of neuron i alone: P[a, b] = P(state b after | state a before)."""
    s = all_states(N)
    p = _p_plus(w, theta, beta, s, i)
    up, down = s.copy(), s.copy()
    up[:, i], down[:, i] = 1, -1
    m = np.zeros((2**N, 2**N))
    rows = np.arange(2**N)
    m[rows, _index(up)] += p
    m[rows, _index(down)] += 1.0 - p
    return m


def _sequential_sweep(w, theta, beta):
    m = np.eye(2**N)
    for i in range(N):
        m = m @ _site_matrix(w, theta, beta, i)
    return m


def _sync_step(w, theta, beta):
    """All neurons redrawn at once, each from its conditional law given the current state."""
    s = all_states(N)
    p = np.stack([_p_plus(w, theta, beta, s, i) for i in range(N)], axis=1)  # (2^N, N)
    plus = s > 0  # target states b, as rows
    # P[a, b] = Π_i (p_i(a) if b_i = +1 else 1 - p_i(a))
    logp, log1mp = np.log(p), np.log1p(-p)
    return np.exp(logp @ plus.T + log1mp @ (~plus).T)


def _stationary(m):
    vals, vecs = np.linalg.eig(m.T)
    v = np.real(vecs[:, np.argmin(np.abs(vals - 1.0))])
    return v / v.sum()


def _draw(p, size, seed):
    """``size`` independent states from the law ``p`` over :func:`naive.all_states`."""
    return all_states(N)[np.random.default_rng(seed).choice(2**N, size=size, p=p)]


def _pvalue(states, p):
    counts = np.bincount(_index(states), minlength=2**N)
    exp = p * counts.sum()
    big = exp >= 5  # pool the rare states so the χ² approximation holds
    obs = np.append(counts[big], counts[~big].sum())
    ex = np.append(exp[big], exp[~big].sum())
    if ex[-1] == 0:  # nothing to pool
        obs, ex = obs[:-1], ex[:-1]
    return stats.chisquare(obs, ex).pvalue


def test_references_are_consistent():
    """The test's own matrices: stochastic, Boltzmann-stationary single-site updates."""
    w, theta = _network(0, "positive")
    s = all_states(N)
    np.testing.assert_allclose(_energies(w, theta, s[::17]), [energy(w, theta, x) for x in s[::17]])
    pi = _boltzmann(w, theta, BETA)
    for i in (0, N - 1):
        m = _site_matrix(w, theta, BETA, i)
        np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_allclose(pi @ m, pi, atol=1e-12)
    sync = _sync_step(w, theta, BETA)
    np.testing.assert_allclose(sync.sum(axis=1), 1.0, atol=1e-12)
    # the diagonal is a constant in E: the laws do not see it
    w0 = w.copy()
    np.fill_diagonal(w0, 0.0)
    np.testing.assert_allclose(_boltzmann(w0, theta, BETA), pi, atol=1e-12)
    np.testing.assert_allclose(_sync_step(w0, theta, BETA), sync, atol=1e-12)


@pytest.mark.parametrize("diag", ["zero", "positive", "mixed"])
@pytest.mark.parametrize("update", ["async", "sequential"])
def test_async_glauber_leaves_boltzmann_stationary(update, diag):
    # chains started from the exact Boltzmann law keep it exactly, whatever the sweep order
    w, theta = _network(1, diag)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    pi = _boltzmann(w, theta, BETA)
    start = _draw(pi, CHAINS, seed=2)
    r = net.recall(start, update=update, temperature=1.0 / BETA, max_sweeps=3, rng=3)
    assert not r.converged.any() and np.all(r.sweeps == 3)
    assert _pvalue(r.states, pi) > 1e-3
    # power: the same counts reject the law at a 20 % higher temperature
    assert _pvalue(r.states, _boltzmann(w, theta, BETA / 1.2)) < 1e-6


@pytest.mark.parametrize("diag", ["zero", "positive"])
def test_sequential_glauber_law_after_each_sweep(diag):
    # from one fixed state the law after k sequential sweeps is δ · S^k exactly
    w, theta = _network(4, diag)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    sweep = _sequential_sweep(w, theta, BETA)
    start = np.ones((CHAINS, N), dtype=np.int8)
    law = np.zeros(2**N)
    law[-1] = 1.0  # all +1
    for k in (1, 2):
        law = law @ sweep
        r = net.recall(start, update="sequential", temperature=1.0 / BETA, max_sweeps=k, rng=10 + k)
        assert _pvalue(r.states, law) > 1e-3


@pytest.mark.parametrize("diag", ["zero", "positive"])
def test_sync_glauber_follows_its_exact_transition_matrix(diag):
    w, theta = _network(5, diag)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    step = _sync_step(w, theta, BETA)
    rng = np.random.default_rng(6)
    start_index = rng.integers(2**N)
    start = np.tile(all_states(N)[start_index], (CHAINS, 1))
    law = np.zeros(2**N)
    law[start_index] = 1.0
    for k in (1, 2):
        law = law @ step
        r = net.recall(start, update="sync", temperature=1.0 / BETA, max_sweeps=k, rng=20 + k)
        assert _pvalue(r.states, law) > 1e-3


@pytest.mark.parametrize("diag", ["zero", "positive"])
def test_sync_glauber_stationary_law_is_peretto_not_boltzmann(diag):
    r"""Synchronous heat-bath (Little's model) has its own stationary law (Peretto 1984),

    .. math:: \pi(s) \propto e^{-\beta\theta^\top s} \prod_i \cosh(\beta \tilde h_i(s)),
              \qquad \tilde h_i = \sum_{j \ne i} w_{ij} s_j - \theta_i,

    which is not :math:`e^{-\beta E}`. The sampled law after the chains start from it and take
    three synchronous steps is that law.
    """
    w, theta = _network(7, diag)
    net = hf.HopfieldNetwork.from_weights(w, theta)
    pi = _stationary(_sync_step(w, theta, BETA))
    s = all_states(N).astype(float)
    h_tilde = s @ (w - np.diag(np.diag(w))).T - theta
    log_peretto = -BETA * s @ theta + np.sum(np.log(np.cosh(BETA * h_tilde)), axis=1)
    peretto = np.exp(log_peretto - log_peretto.max())
    np.testing.assert_allclose(pi, peretto / peretto.sum(), rtol=1e-8, atol=1e-14)
    boltzmann = _boltzmann(w, theta, BETA)
    assert 0.5 * np.abs(pi - boltzmann).sum() > 0.05  # a real difference, not rounding
    start = _draw(pi, CHAINS, seed=8)
    r = net.recall(start, update="sync", temperature=1.0 / BETA, max_sweeps=3, rng=9)
    assert _pvalue(r.states, pi) > 1e-3
    assert _pvalue(r.states, boltzmann) < 1e-6


def test_sample_draws_the_boltzmann_law_with_a_diagonal():
    # analysis.sample from uniformly random starts: after 40 sweeps the chain has mixed
    # (the exact law after 40 sequential sweeps is within 1e-6 of Boltzmann in total variation)
    w, theta = _network(11, "positive")
    net = hf.HopfieldNetwork.from_weights(w, theta)
    pi = _boltzmann(w, theta, BETA)
    law = np.full(2**N, 2.0**-N) @ np.linalg.matrix_power(_sequential_sweep(w, theta, BETA), 40)
    assert 0.5 * np.abs(law - pi).sum() < 1e-6
    for update, seed in (("sequential", 12), ("async", 13)):
        x = an.sample(net, 1, temperature=1.0 / BETA, burn_in=39, n_chains=CHAINS, update=update,
                      rng=seed)
        assert _pvalue(x[0], pi) > 1e-3


def test_binary_network_with_a_diagonal_samples_its_own_boltzmann_law():
    # a 0/1 network at its own temperature T' samples exp(-E01/T') = the ±1 network at 2T'
    w, theta = _network(14, "positive")
    bip = hf.HopfieldNetwork.from_weights(w, theta)
    binary = hf.HopfieldNetwork.from_weights(2 * w, theta + w.sum(axis=1), states="binary")
    t_binary = 0.5
    pi = _boltzmann(w, theta, 1.0 / (2 * t_binary))
    start = (_draw(pi, CHAINS, seed=15) + 1) // 2
    x = an.sample(binary, 1, temperature=t_binary, burn_in=2, n_chains=CHAINS, initial=start, rng=16)
    assert set(np.unique(x)) <= {0, 1}
    assert _pvalue(2 * x[0].astype(np.int8) - 1, pi) > 1e-3
    # the trap: the same T in both spaces is a different law
    assert _pvalue(2 * x[0].astype(np.int8) - 1, _boltzmann(w, theta, 1.0 / t_binary)) < 1e-6
    # and the library's own enumeration agrees: the 0/1 law at T' is the ±1 law at 2T'
    _, p_own = an.boltzmann_distribution(binary, t_binary)
    _, p_bip = an.boltzmann_distribution(bip, ising.bipolar_temperature(t_binary))
    np.testing.assert_allclose(p_own, p_bip, atol=1e-12)


def test_equilibrium_overlap_with_a_diagonal_matches_enumeration():
    # pseudo-inverse weights keep their diagonal (0 <= w_ii <= 1); the exact <|m|> from
    # enumeration of all 2^10 states is the target
    n = 10
    x = hf.patterns.random(3, n, rng=17)
    net = hf.HopfieldNetwork(n, rule="pseudoinverse")
    net.store(x)
    assert np.diag(net.weights).min() > 0.1
    temp = 0.3
    s, p = an.boltzmann_distribution(net, temp)
    exact = float(p @ np.abs(s.astype(float) @ x[0]) / n)
    r = an.equilibrium_overlap(net, x[0], temperature=temp, n_samples=200, burn_in=50,
                               n_chains=64, rng=18)
    assert abs(r.m - exact) < max(5 * r.stderr, 0.01)
