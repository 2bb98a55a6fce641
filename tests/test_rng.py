"""``rng=None`` draws fresh randomness (two calls differ); an int or a Generator reproduces."""

import numpy as np
import pytest

import hopfield as hf
from hopfield import analysis as an
from hopfield.optimize import IsingModel, solve_ising, solve_tsp


def _net():
    x = hf.patterns.random(3, 64, rng=0)
    net = hf.HopfieldNetwork(64)
    net.store(x)
    return net, x


def _random():
    return hf.patterns.random(4, 64, rng=None)


def _flip():
    return hf.patterns.flip(np.ones((4, 64), dtype=np.int8), 0.25, rng=None)


def _hot_recall():
    net, x = _net()
    return net.recall(np.tile(x[0], (4, 1)), temperature=2.0, max_sweeps=3, rng=None).states


def _async_order():
    # zero temperature: only the random update order is random; from many random probes some
    # end in different attractors depending on the order
    net, _ = _net()
    probes = hf.patterns.random(64, 64, rng=1)
    return net.recall(probes, update="async", max_sweeps=1, rng=None).states


def _sample():
    net, _ = _net()
    return an.sample(net, 3, temperature=1.5, burn_in=2, n_chains=4, rng=None)


def _ising():
    rng = np.random.default_rng(2)
    j = rng.normal(size=(40, 40))
    return solve_ising(IsingModel((j + j.T) / 2 - np.diag(np.diag(j))), steps=5, replicas=4,
                       rng=None).replica_values


def _tsp():
    return solve_tsp(np.random.default_rng(3).random((8, 2)), replicas=1, rng=None).V


def _capacity():
    return an.capacity_curve("hebb", 64, [0.3], trials=3, noise=0.2, rng=None,
                             executor=an.InProcessExecutor()).overlap


@pytest.mark.parametrize("draw", [_random, _flip, _hot_recall, _async_order, _sample, _ising, _tsp,
                                  _capacity])
def test_rng_none_gives_fresh_randomness(draw):
    first, second = draw(), draw()
    assert not np.array_equal(first, second)


def _splitmix_uniform(state):
    """splitmix64 (Steele, Lea & Flood 2014) in Python integers: the next state and u in [0, 1)."""
    mask = 2**64 - 1
    state = (state + 0x9E3779B97F4A7C15) & mask
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    z ^= z >> 31
    return state, (z >> 11) / 2**53


@pytest.mark.parametrize("n", [1, 2, 3, 17, 500])
def test_kernel_shuffle_is_fisher_yates_on_the_splitmix_stream(n):
    # the kernels' shuffle (draws made ahead in one loop) against the textbook one draw per swap
    from hopfield._rng_kernels import shuffle

    for seed in (0, 12345, 2**64 - 7):
        order = np.arange(n, dtype=np.int32)
        out = int(shuffle(order, np.uint64(seed)))
        ref, state = list(range(n)), seed
        for k in range(n - 1, 0, -1):
            state, u = _splitmix_uniform(state)
            j = int(u * (k + 1))
            ref[k], ref[j] = ref[j], ref[k]
        assert order.tolist() == ref
        assert out == state


def test_kernel_heat_bath_decision_is_u_below_p_on_the_splitmix_stream(rng):
    # one free neuron (no coupling, field h = −θ) and one Glauber sweep per probe: the kernel takes
    # its probe's next splitmix draw u and sets s = +1 iff u < 1 / (1 + exp(−2βh)). The same rule
    # with u > 1 − p has the same law but other draws: only the stream itself tells them apart
    from hopfield.dynamics import _kernels as k

    b, beta, h = 300, 1.0, -0.4
    seeds = rng.integers(0, 2**63, size=b, dtype=np.uint64)
    states = np.ones((b, 1), dtype=np.int8)
    fields = np.full((b, 1), h)
    out = [np.zeros(b, np.int64), np.zeros(b, np.bool_), np.zeros(b, np.int64)]
    k.async_sweeps_serial(np.zeros((1, 1)), np.zeros(1), np.zeros(1), 1.0, states, fields,
                          np.zeros((b, 1), np.bool_), k.ORDER_FIXED, k.TIE_KEEP, np.array([beta]),
                          seeds, np.zeros(b), np.zeros((b, 0)), *out)
    p = 1.0 / (1.0 + np.exp(-2.0 * beta * h))
    want = [1 if _splitmix_uniform(int(seed))[1] < p else -1 for seed in seeds]
    assert states[:, 0].tolist() == want
