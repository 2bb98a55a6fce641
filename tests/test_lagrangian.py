"""Layer Lagrangians: activation = gradient, Legendre energy, convexity, stability (THEORY §9–§10)."""

import math

import numpy as np
import pytest

import hopfield as hf
from hopfield.lagrangian import (
    Abs,
    Exponential,
    FunctionLagrangian,
    Identity,
    LayerNorm,
    Polynomial,
    RectifiedPolynomial,
    RePU,
    Sigmoid,
    Softmax,
    SphericalNorm,
    Tanh,
    make_lagrangian,
)


def _logcosh_fn(x):
    return np.sum(np.logaddexp(x, -x), axis=-1) if isinstance(x, np.ndarray) else (
        (x.exp() + (-x).exp()).log().sum(-1))


SMOOTH = [
    Identity(),
    Tanh(1.0),
    Tanh(2.5),
    Sigmoid(1.5),
    Softmax(1.0),
    Softmax(3.0),
    RePU(2),
    RePU(3),
    RectifiedPolynomial(3),
    Polynomial(3),
    Polynomial(4),
    Exponential(0.5),
    LayerNorm(gamma=1.3, delta=0.2),
    LayerNorm(gamma=0.7, delta=np.linspace(-0.5, 0.5, 6), eps=1e-3),
    SphericalNorm(eps=0.0),
    SphericalNorm(gamma=2.0, eps=1e-3),
]
IDS = [repr(L) for L in SMOOTH]


def _numerical_gradient(L, x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.shape[-1]):
        e = np.zeros_like(x)
        e[..., i] = h
        g[..., i] = (L.value(x + e) - L.value(x - e)) / (2 * h)
    return g


@pytest.mark.parametrize("L", SMOOTH, ids=IDS)
def test_activation_is_finite_difference_gradient(L, rng):
    x = rng.normal(size=(4, 6))
    np.testing.assert_allclose(L.activation(x), _numerical_gradient(L, x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("L", SMOOTH, ids=IDS)
def test_activation_is_torch_autograd_and_stays_torch(L, rng):
    torch = pytest.importorskip("torch")
    x = torch.tensor(rng.normal(size=(3, 6)), requires_grad=True)
    (grad,) = torch.autograd.grad(L.value(x).sum(), x)
    g = L.activation(x)
    assert isinstance(g, torch.Tensor) and g.dtype == torch.float64
    torch.testing.assert_close(g, grad, rtol=1e-10, atol=1e-12)
    # NumPy in -> NumPy out with the same numbers
    xn = x.detach().numpy()
    assert isinstance(L.activation(xn), np.ndarray)
    np.testing.assert_allclose(L.energy(xn), L.energy(x).detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("D", [1, 2, 7, 100])
@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_softmax_energy_at_zero_is_minus_log_D(D, beta):
    e = Softmax(beta).energy(np.zeros(D))
    assert e == pytest.approx(-math.log(D) / beta, abs=1e-14)


def test_closed_form_energies(rng):
    x = rng.normal(size=(5, 4))
    np.testing.assert_allclose(Identity().energy(x), 0.5 * np.sum(x**2, axis=1))
    np.testing.assert_allclose(SphericalNorm(eps=0.0).energy(x), 0.0, atol=1e-14)
    # with eps: E = x·g − L = −γ ε / sqrt(|x|² + ε)
    for eps in (1e-12, 1e-3):
        np.testing.assert_allclose(SphericalNorm(gamma=2.0, eps=eps).energy(x),
                                   -2.0 * eps / np.sqrt((x**2).sum(1) + eps), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(Abs().energy(x), 0.0, atol=1e-14)
    # tanh: E = Σ x tanh(λx) - log cosh(λx)/λ = Σ ∫_0^{V} g^{-1} (THEORY §5)
    lam = 2.0
    V = np.tanh(lam * x)
    integral = (V * np.arctanh(V) + 0.5 * np.log(1 - V**2)) / lam
    np.testing.assert_allclose(Tanh(lam).energy(x), integral.sum(axis=1), rtol=1e-10)
    # layer norm activation is γ·(x - mean)/std + δ
    ln = LayerNorm(gamma=1.5, delta=0.3, eps=1e-5)
    xc = x - x.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(ln.activation(x),
                               1.5 * xc / np.sqrt((xc**2).mean(axis=1, keepdims=True) + 1e-5) + 0.3)


@pytest.mark.parametrize("L", SMOOTH, ids=IDS)
def test_legendre_identity_dE_dg_is_x(L, rng):
    """E(x) = x·g − L has ∇_x E = H x, i.e. ∂E/∂g = x (H the Hessian of L), by autograd."""
    torch = pytest.importorskip("torch")
    x = torch.tensor(rng.normal(size=6), requires_grad=True)
    (grad_e,) = torch.autograd.grad(L.energy(x), x)
    H = torch.autograd.functional.hessian(lambda z: L.value(z), x.detach())
    torch.testing.assert_close(grad_e, H @ x.detach(), rtol=1e-9, atol=1e-10)
    if torch.linalg.matrix_rank(H) == H.shape[0]:  # invertible: ∂E/∂g = H^{-1} ∇_x E = x
        torch.testing.assert_close(torch.linalg.solve(H, grad_e), x.detach(), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("L", SMOOTH, ids=IDS)
def test_hessian_psd_exactly_for_convex(L, rng):
    torch = pytest.importorskip("torch")
    lowest = min(
        float(torch.linalg.eigvalsh(torch.autograd.functional.hessian(
            lambda z: L.value(z), torch.tensor(rng.normal(scale=2.0, size=6)))).min())
        for _ in range(20)
    )
    if L.convex:
        assert lowest >= -1e-9
    else:  # Polynomial(3): 6x < 0 for x < 0, so some point has a negative curvature
        assert lowest < -1e-3


def test_convexity_metadata():
    assert not Polynomial(3).convex and Polynomial(4).convex
    assert all(L.convex for L in (Tanh(), Softmax(), RePU(2), LayerNorm(), SphericalNorm()))
    assert Tanh().elementwise and not Softmax().elementwise and not LayerNorm().elementwise


STABLE = [Identity(), Tanh(1.0), Sigmoid(1.0), Softmax(1.0), RePU(2), LayerNorm(), SphericalNorm(),
          Tanh(10.0), Sigmoid(10.0), Softmax(10.0)]


@pytest.mark.parametrize("L", STABLE, ids=[repr(L) for L in STABLE])
def test_stable_at_large_inputs(L):
    beta = getattr(L, "beta", 1.0)
    x = np.array([[1000.0, -1000.0, 999.0, 0.0]]) / beta
    for out in (L.value(x), L.activation(x), L.energy(x)):
        assert np.all(np.isfinite(out))


def test_large_input_asymptotics():
    x = np.array([1000.0, -1000.0])
    assert Tanh(1.0).value(x) == pytest.approx(2000 - 2 * math.log(2), rel=1e-14)
    np.testing.assert_array_equal(Tanh(1.0).activation(x), [1.0, -1.0])
    assert Sigmoid(1.0).value(x) == pytest.approx(1000.0, rel=1e-14)
    np.testing.assert_array_equal(Sigmoid(1.0).activation(x), [1.0, 0.0])
    assert Softmax(1.0).value(x) == pytest.approx(1000.0, rel=1e-14)
    np.testing.assert_array_equal(Softmax(1.0).activation(x), [1.0, 0.0])
    assert Softmax(1.0).energy(x) == pytest.approx(0.0, abs=1e-12)
    # exponential genuinely overflows (documented), it is not in STABLE
    with np.errstate(over="ignore"):
        assert np.isinf(Exponential(1.0).value(x))


def test_user_defined_lagrangian_finite_differences_and_autograd(rng):
    L = FunctionLagrangian(_logcosh_fn)
    x = rng.normal(size=(3, 4))
    # log(e^x + e^-x) has gradient tanh(x): finite differences to ~1e-10
    np.testing.assert_allclose(L.activation(x), np.tanh(x), rtol=1e-9, atol=1e-10)
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, requires_grad=True)
    g = L.activation(xt)
    torch.testing.assert_close(g, torch.tanh(xt), rtol=1e-12, atol=1e-12)
    # the autograd activation is itself differentiable (create_graph=True): d/dx tanh = 1 - tanh²
    (gg,) = torch.autograd.grad(g.sum(), xt)
    torch.testing.assert_close(gg, 1 - torch.tanh(xt.detach()) ** 2)
    # a closed-form activation wins
    L2 = make_lagrangian(_logcosh_fn, activation=np.tanh, convex=True)
    assert L2.convex and np.allclose(L2.activation(x), np.tanh(x))
    np.testing.assert_allclose(L2.energy(x), np.sum(x * np.tanh(x), axis=1) - _logcosh_fn(x))


def test_registry_and_errors():
    assert isinstance(make_lagrangian("tanh", beta=2.0), Tanh)
    assert make_lagrangian("repu", n=3).n == 3
    L = Softmax()
    assert make_lagrangian(L) is L
    assert set(hf.lagrangian.LAGRANGIANS) >= {"identity", "tanh", "sigmoid", "softmax", "repu",
                                              "exponential", "layernorm", "spherical"}
    with pytest.raises(ValueError, match=r"valid names are.*'softmax'"):
        make_lagrangian("relu6")
    with pytest.raises(TypeError, match="bad parameters for Lagrangian 'tanh'"):
        make_lagrangian("tanh", n=2)
    with pytest.raises(ValueError, match="`beta` == -1"):
        Tanh(-1.0)
    with pytest.raises(ValueError, match=r"`n` == 0\.5"):
        RePU(0.5)
    with pytest.raises(TypeError, match="`n` must be an instance of Integral"):
        Polynomial(2.5)
    with pytest.raises(TypeError, match="must be a name"):
        make_lagrangian(3)
    with pytest.raises(TypeError, match="`fn` must be callable"):
        FunctionLagrangian("tanh")


def test_float32_and_batch_shapes(rng):
    x = rng.normal(size=(2, 3, 5)).astype(np.float32)
    for L in (Tanh(), Softmax(), LayerNorm(), SphericalNorm()):
        assert L.value(x).shape == (2, 3) and L.activation(x).shape == x.shape
        assert L.activation(x).dtype == np.float32


@pytest.mark.parametrize("name", sorted(hf.lagrangian.LAGRANGIANS))
def test_every_registry_entry_with_defaults(name, rng):
    L = make_lagrangian(name)
    x = rng.normal(size=(3, 5))
    np.testing.assert_allclose(L.activation(x), _numerical_gradient(L, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(L.energy(x), np.sum(x * L.activation(x), axis=1) - L.value(x))
    assert isinstance(L.convex, bool) and isinstance(L.elementwise, bool)


@pytest.mark.parametrize("L", [RePU(1), RectifiedPolynomial(1)], ids=repr)
def test_rectified_power_one_has_step_activation_and_zero_energy(L):
    """L = max(x, 0) (times 1 or 1/n): dL/dx is the Heaviside step, 0 for x < 0, so E = x·g − L = 0.

    ``clip(x, 0) ** 0`` is 1 for negative x (0**0 = 1): that gave g = 1 and E = x < 0 there."""
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    np.testing.assert_array_equal(L.activation(x), [[0.0, 0.0, 0.0, 1.0, 1.0]])
    np.testing.assert_allclose(L.energy(x), [0.0], atol=0)
    np.testing.assert_allclose(L.activation(x[:, [0, 1, 3, 4]]), _numerical_gradient(L, x[:, [0, 1, 3, 4]]),
                               atol=1e-9)
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(L.activation(torch.tensor(x)).numpy(), L.activation(x))


def test_softmax_energy_exponentiates_once(rng):
    """The Legendre energy needs log-sum-exp and softmax: one exponential serves both."""
    torch = pytest.importorskip("torch")
    from torch.overrides import TorchFunctionMode

    class CountExp(TorchFunctionMode):
        calls = 0

        def __torch_function__(self, func, types, args=(), kwargs=None):
            if func in (torch.exp, torch.Tensor.exp):
                CountExp.calls += 1
            return func(*args, **(kwargs or {}))

    x = torch.tensor(rng.normal(size=(4, 7)))
    with CountExp():
        e = Softmax(2.0).energy(x)
    assert CountExp.calls == 1
    p = torch.softmax(2.0 * x, dim=-1)
    torch.testing.assert_close(e, (x * p).sum(-1) - torch.logsumexp(2.0 * x, dim=-1) / 2.0)


@pytest.mark.parametrize("L", [Tanh(1.0), Tanh(3.0), Sigmoid(1.0), Sigmoid(0.5)], ids=repr)
def test_log_cosh_and_softplus_closed_forms(L, rng):
    """|a| + log1p(e^{−2|a|}) − log 2 and max(a, 0) + log1p(e^{−|a|}) agree with logaddexp at every
    scale, including float32."""
    x = np.concatenate([rng.normal(scale=s, size=50) for s in (1e-4, 1.0, 30.0, 1e3)])
    bx = L.beta * x
    ref = (np.logaddexp(bx, -bx) - math.log(2.0) if isinstance(L, Tanh)
           else np.logaddexp(0.0, bx)) / L.beta
    np.testing.assert_allclose(L.pointwise(x), ref, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(L.value(x), ref.sum(), rtol=1e-13)
    np.testing.assert_allclose(L.value(x.astype(np.float32)), ref.sum(), rtol=1e-5)


def test_finite_differences_never_build_a_d_by_d_array(rng, monkeypatch):
    """The finite-difference activation evaluates fn on blocks of coordinates that fit a budget
    (a single (..., D, D) array is ≈ 315 MB at D = 784, batch 64)."""
    from hopfield.lagrangian import lagrangians

    monkeypatch.setattr(lagrangians, "_FD_BUDGET", 1000)
    sizes = []

    def fn(z):
        sizes.append(z.size)
        return np.sum(np.logaddexp(z, -z), axis=-1)

    x = rng.normal(size=(4, 50))
    g = FunctionLagrangian(fn).activation(x)
    np.testing.assert_allclose(g, np.tanh(x), rtol=1e-8, atol=1e-9)
    assert max(sizes) <= 1000 < 4 * 50 * 50


def test_array_holding_dataclasses_compare_and_hash():
    """LayerNorm with an array delta and a Layer with a bias support == and hash (dataclass eq on
    arrays raised "truth value of an array is ambiguous" and made them unhashable)."""
    a = LayerNorm(gamma=1.5, delta=np.linspace(0, 1, 4))
    b = LayerNorm(gamma=1.5, delta=np.linspace(0, 1, 4))
    c = LayerNorm(gamma=1.5, delta=np.ones(4))
    assert a == b and a != c and hash(a) == hash(b)
    assert LayerNorm() == LayerNorm() and LayerNorm() != LayerNorm(gamma=2.0)
    assert len({a, b, c}) == 2
    delta = np.zeros(3)
    ln = LayerNorm(delta=delta)
    delta[0] = 5.0  # the Lagrangian holds its own copy
    assert float(ln.delta[0]) == 0.0
    from hopfield.lagrangian import Layer

    la, lb = Layer(3, "tanh", bias=np.ones(3)), Layer(3, "tanh", bias=np.ones(3))
    assert la == la and la != lb  # identity semantics: a layer may hold a trainable tensor
    assert len({la, lb}) == 2


def test_spherical_default_is_defined_at_zero():
    """The zero state (HAM.init_states) gives 0/0 with eps = 0; the default eps keeps it finite."""
    L = SphericalNorm()
    np.testing.assert_array_equal(L.activation(np.zeros((2, 3))), 0.0)
    assert np.all(np.isfinite(L.energy(np.zeros((2, 3)))))
    with np.errstate(invalid="ignore"):
        assert np.all(np.isnan(SphericalNorm(eps=0.0).activation(np.zeros(3))))
