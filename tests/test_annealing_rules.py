"""The annealers' acceptance rules and β schedule, checked against exact laws (THEORY.md §4).

Each annealing replica starts from a uniformly random state, makes one index-order sweep per β
of the schedule, and ends with a deterministic 1-flip descent in index order. On n = 7 spins the
test enumerates all 2^7 states and pushes the exact law of that chain through the same descent,
written here from the rules' definitions:

- Metropolis: flip spin i with probability min(1, e^{-βΔH}), ΔH = 2 s_i f_i, f = Js + h;
- Glauber (heat bath): set s_i = +1 with probability 1 / (1 + e^{-2β f_i}).

Independent replicas (fixed seeds) give a multinomial sample of the final law; a χ² test with
p > 1e-3 accepts it, and the same counts reject the law of the other rule and of a β off by 2.
"""

import numpy as np
import pytest
from scipy import stats

from hopfield.optimize import IsingModel, annealing

N = 7
REPLICAS = 40_000


def _model():
    rng = np.random.default_rng(42)
    j = rng.normal(size=(N, N))
    j = (j + j.T) / 2
    np.fill_diagonal(j, 0.0)
    return IsingModel(j, rng.normal(size=N) * 0.3)


def _states():
    k = np.arange(2**N)[:, None]
    return np.where((k >> np.arange(N)) & 1, 1, -1)


def _index(s):
    return ((np.asarray(s) > 0).astype(np.int64) * (1 << np.arange(N))).sum(axis=-1)


def _site_matrix(j, h, beta, i, rule):
    s = _states()
    f = s @ j.T + h
    flipped = s.copy()
    flipped[:, i] *= -1
    if rule == "metropolis":
        p_flip = np.minimum(1.0, np.exp(-beta * 2.0 * s[:, i] * f[:, i]))
    else:  # heat bath: P(+1) = σ(2βf_i), so P(flip) = P(new state = -s_i)
        p_plus = 1.0 / (1.0 + np.exp(-2.0 * beta * f[:, i]))
        p_flip = np.where(s[:, i] > 0, 1.0 - p_plus, p_plus)
    m = np.zeros((2**N, 2**N))
    rows = np.arange(2**N)
    m[rows, rows] += 1.0 - p_flip
    m[rows, _index(flipped)] += p_flip
    return m


def _descend(j, h, s):
    """Index-order sweeps flipping any spin with s_i f_i < 0, until none flips."""
    s = s.copy()
    while True:
        changed = False
        for i in range(N):
            if s[i] * (j[i] @ s + h[i]) < -1e-12:
                s[i] = -s[i]
                changed = True
        if not changed:
            return s


def _final_law(model, betas, rule):
    j, h = model.J, model.h
    law = np.full(2**N, 2.0**-N)
    for beta in betas:
        for i in range(N):
            law = law @ _site_matrix(j, h, beta, i, rule)
    final = np.zeros(2**N)
    for k, s in enumerate(_states()):
        final[_index(_descend(j, h, s))] += law[k]
    return final


def _pvalue(states, p):
    counts = np.bincount(_index(states), minlength=2**N)
    keep = p > 0
    assert counts[~keep].sum() == 0  # only 1-flip local minima can come out
    return stats.chisquare(counts[keep], p[keep] * counts.sum()).pvalue


def _run(method, beta_range, steps, seed):
    model = _model()
    csr = annealing._csr(model)
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    seeds = np.random.default_rng(seed).integers(0, 2**63 - 1, size=REPLICAS, dtype=np.int64)
    states, energies = annealing.METHODS[method].run(csr, h, steps, seeds.astype(np.uint64), 1e-9,
                                                     beta_range, 1.0)
    np.testing.assert_allclose(energies + model.offset, model.energy(states), atol=1e-9)
    return model, states


@pytest.mark.parametrize("method, other", [("metropolis", "glauber"), ("glauber", "metropolis")])
def test_acceptance_rule_gives_the_exact_law(method, other):
    beta = 0.7
    model, states = _run(method, (beta, beta), 2, seed=1)
    assert _pvalue(states, _final_law(model, [beta, beta], method)) > 1e-3
    assert _pvalue(states, _final_law(model, [beta, beta], other)) < 1e-6
    assert _pvalue(states, _final_law(model, [2 * beta, 2 * beta], method)) < 1e-6


def test_schedule_is_geometric_in_the_kernel():
    # three sweeps over beta_range = (0.1, 2.5): β = 0.1, 0.5, 2.5 (a linear schedule: 1.3 in the
    # middle); the sampled law is the exact law of the geometric schedule
    model, states = _run("metropolis", (0.1, 2.5), 3, seed=2)
    assert _pvalue(states, _final_law(model, [0.1, 0.5, 2.5], "metropolis")) > 1e-3
    assert _pvalue(states, _final_law(model, [0.1, 1.3, 2.5], "metropolis")) < 1e-6


def test_beta_schedule_shape():
    b = annealing._betas(6, (0.2, 5.0), 2.0)
    np.testing.assert_allclose(b[[0, -1]], [0.1, 2.5], rtol=1e-14)
    np.testing.assert_allclose(b[1:] / b[:-1], (25.0) ** (1 / 5), rtol=1e-12)  # constant ratio
