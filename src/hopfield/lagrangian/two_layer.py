r"""Feature/memory two-layer network of Krotov & Hopfield (2021) and its effective models A, B, C.

Feature neurons :math:`v_i` (:math:`N_f`), memory (hidden) neurons :math:`h_\mu` (:math:`N_h`),
symmetric synapses :math:`\xi_{\mu i}`, no connections inside a layer:

.. math::
    \tau_f\frac{dv_i}{dt}=\sum_\mu\xi_{\mu i}f_\mu-\alpha v_i+I_i,\qquad
    \tau_h\frac{dh_\mu}{dt}=\sum_i\xi_{\mu i}g_i-h_\mu,\qquad
    f=\nabla L_h(h),\ g=\nabla L_v(v),

.. math::
    E=\Big[\sum_i(v_i-I_i)g_i-L_v\Big]+\Big[\sum_\mu h_\mu f_\mu-L_h\Big]-\sum_{\mu,i}f_\mu\xi_{\mu i}g_i,

.. math::
    \frac{dE}{dt}=-\tau_f\,\dot v^\top\nabla^2L_v\,\dot v-\tau_h\,\dot h^\top\nabla^2L_h\,\dot h\le0
    \quad\text{if both Hessians are PSD (and }\alpha=1\text{, or }\nabla^2L_v\,v=0\text{)}.

With a fast memory layer (:math:`\tau_h\to0`, :math:`h=\xi g(v)`) the feature layer alone follows

.. math::
    \tau_f\dot v=\xi^\top f(\xi g(v))-\alpha v+I,\qquad
    E_{\rm eff}(v)=\sum_i(v_i-I_i)g_i-L_v(v)-L_h(\xi g(v)),

and the three effective theories are

- **model A** (:class:`ModelA`): :math:`L_h=\sum_\mu F(h_\mu)`, :math:`L_v=\sum_i|v_i|`:
  :math:`E=-\sum_iI_i\sigma_i-\sum_\mu F(\sum_i\xi_{\mu i}\sigma_i)`, the dense associative memory;
  with :math:`L_h=\tfrac12\sum h^2` and :math:`L_v=\sum\int g` the 1984 continuous network
  (:math:`T=\xi^\top\xi`);
- **model B** (:class:`ModelB`): :math:`L_h=\beta^{-1}\log\sum_\mu e^{\beta h_\mu}`,
  :math:`L_v=\tfrac12\|v\|^2`: :math:`E=\tfrac12\|v\|^2-\beta^{-1}\log\sum_\mu e^{\beta\xi_\mu\cdot v}`,
  and one Euler step with :math:`\Delta t=\tau_f` is Ramsauer's update
  :math:`v\leftarrow\xi^\top\mathrm{softmax}(\beta\xi v)`;
- **model C** (:class:`ModelC`): :math:`L_h=\sum_\mu F(h_\mu)`, :math:`L_v=\|v\|`:
  :math:`E=-\sum_\mu F(\xi_\mu\cdot v/\|v\|)`, any :math:`\alpha\ge0`.

References
----------
Krotov & Hopfield, "Large associative memory problem in neurobiology and machine learning",
ICLR 2021 (arXiv 2008.06996), §2–§4 and App. B — Theory reference §9 (and §5, §7, §8 for the models
they reduce to).
"""

from __future__ import annotations

import abc
import numbers
import warnings

from .._validation import check_scalar
from ._common import (
    LeakySystem,
    as_array,
    as_states,
    check_clamp,
    check_run_options,
    check_tau,
    finish_run,
    integrate_system,
    like,
    restore,
    xp_of,
)
from .integrate import IntegrationResult
from .lagrangians import (
    AbstractLagrangian,
    Exponential,
    Identity,
    Polynomial,
    RectifiedPolynomial,
    Softmax,
    SphericalNorm,
    make_lagrangian,
    resolve_lagrangian,
)

__all__ = [
    "AbstractEffectiveModel",
    "ModelA",
    "ModelB",
    "ModelC",
    "TwoLayerNetwork",
    "separation_lagrangian",
]


def separation_lagrangian(F, n=3) -> AbstractLagrangian:
    r"""The memory-layer Lagrangian :math:`L_h=\sum_\mu F(h_\mu)` of a dense-memory separation ``F``.

    Parameters
    ----------
    F : {"polynomial", "rectified", "exponential"} or Lagrangian spec
        :math:`F(x)=x^n`, :math:`\max(x,0)^n` or :math:`e^x` (Theory reference §7); anything else is
        passed to :func:`~hopfield.lagrangian.make_lagrangian` (e.g. ``"identity"`` for
        :math:`\tfrac12\sum h^2`).
    n : int, default=3
        Power of the polynomial separations.
    """
    if F == "polynomial":
        return Polynomial(n)
    if F == "rectified":
        return RectifiedPolynomial(n)
    if F == "exponential":
        return Exponential(1.0)
    try:
        return resolve_lagrangian(F, "F")
    except ValueError:
        raise ValueError(
            f"`F` must be 'polynomial', 'rectified', 'exponential', another Lagrangian name or an "
            f"AbstractLagrangian; got {F!r}."
        ) from None


class _Synapses:
    """Holds ξ (n_hidden, n_features) and the input current I; validates states."""

    def _init_synapses(self, xi, current, tau_f, tau_h, alpha):
        self.xi = as_array(xi, "xi", ndim=2)
        self.n_hidden, self.n_features = (int(s) for s in self.xi.shape)
        self.current = None if current is None else as_array(current, "current",
                                                               shape=(self.n_features,))
        self.tau_f = check_tau(tau_f, "tau_f")
        self.tau_h = check_tau(tau_h, "tau_h")
        self.alpha = float(check_scalar(alpha, "alpha", numbers.Real, min_val=0.0))

    def _xi(self, ref):
        return like(self.xi, ref)

    def _input_term(self, g):
        """Σ_i I_i g_i per batch row (0 without input)."""
        if self.current is None:
            return 0.0
        xp = xp_of(g)
        return xp.sum(like(self.current, g) * g, axis=-1)

    def _add_input(self, x):
        return x if self.current is None else x + like(self.current, x)


class TwoLayerNetwork(_Synapses):
    r"""The two-layer (feature/memory) network with Lagrangians ``L_v`` and ``L_h``.

    Parameters
    ----------
    xi : array_like, shape (n_hidden, n_features)
        Symmetric synapses :math:`\xi_{\mu i}=\xi_{i\mu}`; row :math:`\mu` is memory :math:`\mu`.
    L_v, L_h : Lagrangian spec
        Feature and memory Lagrangians (name, instance or function; see ``make_lagrangian``).
    tau_f, tau_h : float, default=1.0
        Time constants.
    current : array_like, shape (n_features,), optional
        Input current :math:`I` of the feature neurons.
    alpha : float, default=1.0
        Leak of the feature neurons (model C allows any :math:`\alpha`; descent needs
        :math:`\alpha=1` unless :math:`\nabla^2L_v\,v=0`).

    Notes
    -----
    States are ``(n_features,)``/``(n_hidden,)`` or batches ``(batch, n)``; NumPy or torch.
    Energy descent holds for the exact flow when both Lagrangians are convex; Euler needs a step
    small against :math:`\tau_f,\tau_h`.

    References
    ----------
    Krotov & Hopfield (2021), eqs. 1–5 — Theory reference §9.
    """

    def __init__(self, xi, *, L_v="identity", L_h="softmax", tau_f=1.0, tau_h=1.0, current=None,
                 alpha=1.0):
        self._init_synapses(xi, current, tau_f, tau_h, alpha)
        self.L_v = resolve_lagrangian(L_v, "L_v")
        self.L_h = resolve_lagrangian(L_h, "L_h")

    def _states(self, v, h):
        v, single = as_states(v, self.n_features, "v")
        h, single_h = as_states(h, self.n_hidden, "h")
        if single != single_h or v.shape[0] != h.shape[0]:
            raise ValueError(f"`v` and `h` must have the same batch; got shapes {tuple(v.shape)} and "
                             f"{tuple(h.shape)}.")
        return v, like(h, v), single

    def _energy(self, v, h):
        xp = xp_of(v)
        e_v, g = self.L_v.energy_and_activation(v)
        e_h, f = self.L_h.energy_and_activation(h)
        coupling = xp.sum((g @ xp.matrix_transpose(self._xi(v))) * f, axis=-1)
        return e_v - self._input_term(g) + e_h - coupling

    def _drives_and_energy(self, xs, want_energy):
        r"""Drives :math:`(\xi^\top f+I,\ \xi g)` and, if asked, the energy from the same
        activations and products (the coupling is :math:`\sum_\mu(\xi g)_\mu f_\mu`)."""
        v, h = xs
        xp = xp_of(v)
        xi = self._xi(v)
        if want_energy:
            e_v, g = self.L_v.energy_and_activation(v)
            e_h, f = self.L_h.energy_and_activation(h)
        else:
            g, f = self.L_v.activation(v), self.L_h.activation(h)
        drive_h = g @ xp.matrix_transpose(xi)
        drive_v = self._add_input(f @ xi)
        e = None
        if want_energy:
            e = e_v - self._input_term(g) + e_h - xp.sum(drive_h * f, axis=-1)
        return [drive_v, drive_h], e

    def _system(self, masks=None) -> LeakySystem:
        return LeakySystem(self._drives_and_energy, [self.tau_f, self.tau_h],
                           leaks=[self.alpha, 1.0], masks=masks)

    def _derivatives(self, v, h):
        dv, dh = self._system()([v, h])
        return dv, dh

    def energy(self, v, h):
        """Full energy :math:`E(v,h)` of Theory reference §9; shape ``(batch,)`` or scalar."""
        v, h, single = self._states(v, h)
        return restore(self._energy(v, h), single)

    def derivatives(self, v, h):
        r"""Time derivatives :math:`(\dot v,\dot h)` of the two-layer dynamics."""
        v, h, single = self._states(v, h)
        dv, dh = self._derivatives(v, h)
        return restore(dv, single), restore(dh, single)

    def hidden_equilibrium(self, v):
        r"""The fast-memory state :math:`h=\xi g(v)` (the :math:`\tau_h\to0` limit)."""
        v, single = as_states(v, self.n_features, "v")
        xp = xp_of(v)
        return restore(self.L_v.activation(v) @ xp.matrix_transpose(self._xi(v)), single)

    def run(self, states, h0=None, *, method="euler", dt=None, max_steps=1000, t_max=None,
            tol=None, clamp=None, rtol=1e-5, atol=1e-8, record_energy=True, n_steps=None
            ) -> IntegrationResult:
        """Integrate both layers from ``states = [v0, h0]`` (or ``v0`` alone, with ``h0``
        defaulting to the fast-memory state ``ξ g(v0)``).

        The options and the result are those of :meth:`HAM.run
        <hopfield.lagrangian.HAM.run>`: ``result.states == [v, h]``, ``clamp={0: ..., 1: ...}``
        indexes the feature (0) and memory (1) layers, the default ``dt`` is
        ``0.1 × min(τ_f, τ_h)``. ``n_steps`` is the deprecated name of ``max_steps``; ``h0`` as a
        second argument is kept for compatibility.
        """
        if isinstance(states, list | tuple):
            if len(states) != 2 or h0 is not None:
                raise ValueError("`states` must be [v0, h0], or v0 alone (with `h0` optional).")
            v0, h0 = states
        else:
            v0 = states
        as_states(v0, self.n_features, "states")  # so that errors name the argument
        if h0 is None:
            h0 = self.hidden_equilibrium(v0)
        v, h, single = self._states(v0, h0)
        options = check_run_options(method=method, dt=dt, max_steps=max_steps, t_max=t_max,
                                    tol=tol, rtol=rtol, atol=atol,
                                    taus=[self.tau_f, self.tau_h], leaks=[self.alpha, 1.0],
                                    n_steps=n_steps)
        system = self._system(check_clamp(clamp, [self.n_features, self.n_hidden], [v, h]))
        res = integrate_system(system, [v, h], options, record_energy=record_energy)
        return finish_run(res, lambda ys: [self.L_v.activation(ys[0]),
                                           self.L_h.activation(ys[1])], single)


class AbstractEffectiveModel(_Synapses, abc.ABC):
    r"""Effective one-layer theory of the two-layer network with a fast memory layer.

    Subclasses fix ``L_v`` and ``L_h``. All share

    .. math:: \tau_f\dot v=\xi^\top f(\xi g(v))-\alpha v+I,\qquad
       E(v)=\sum_i(v_i-I_i)g_i-L_v(v)-L_h(\xi g(v)).
    """

    L_v: AbstractLagrangian
    L_h: AbstractLagrangian

    @property
    def network(self) -> TwoLayerNetwork:
        """The full two-layer network (with this model's ``tau_h``) that this model is the limit of."""
        return TwoLayerNetwork(self.xi, L_v=self.L_v, L_h=self.L_h, tau_f=self.tau_f,
                               tau_h=self.tau_h, current=self.current, alpha=self.alpha)

    def _drive_and_energy(self, v, want_energy):
        r"""Drive :math:`\xi^\top f(\xi g(v))+I` and, if asked, the effective energy from the same
        activations and products."""
        xp = xp_of(v)
        xi = self._xi(v)
        if want_energy:
            e_v, g = self.L_v.energy_and_activation(v)
        else:
            g = self.L_v.activation(v)
        h = g @ xp.matrix_transpose(xi)
        if want_energy:
            l_h, f = self.L_h.value_and_activation(h)
        else:
            f = self.L_h.activation(h)
        drive = self._add_input(f @ xi)
        e = e_v - self._input_term(g) - l_h if want_energy else None
        return drive, e

    def _drive(self, v):
        return self._drive_and_energy(v, False)[0]

    def _energy(self, v):
        xp = xp_of(v)
        e_v, g = self.L_v.energy_and_activation(v)
        h = g @ xp.matrix_transpose(self._xi(v))
        return e_v - self._input_term(g) - self.L_h.value(h)

    def _system(self, masks=None) -> LeakySystem:
        def drives(xs, want_energy):
            d, e = self._drive_and_energy(xs[0], want_energy)
            return [d], e

        return LeakySystem(drives, [self.tau_f], leaks=[self.alpha], masks=masks)

    def _step(self, v, dt):
        c = dt / self.tau_f
        return (1.0 - c * self.alpha) * v + c * self._drive(v)

    def energy(self, v):
        """Effective energy :math:`E(v)`; shape ``(batch,)`` or scalar for one state."""
        v, single = as_states(v, self.n_features, "v")
        return restore(self._energy(v), single)

    def drive(self, v):
        r"""Input to the feature neurons, :math:`\xi^\top f(\xi g(v))+I`."""
        v, single = as_states(v, self.n_features, "v")
        return restore(self._drive(v), single)

    def derivatives(self, v):
        r""":math:`\dot v=(\xi^\top f(\xi g(v))-\alpha v+I)/\tau_f`."""
        v, single = as_states(v, self.n_features, "v")
        return restore(self._system()([v])[0], single)

    def velocity(self, v):
        """Deprecated name of :meth:`derivatives`."""
        warnings.warn(f"`{type(self).__name__}.velocity` is deprecated; use `derivatives`.",
                      DeprecationWarning, stacklevel=2)
        return self.derivatives(v)

    def step(self, v, dt=None):
        r"""One Euler step, :math:`v+\frac{\Delta t}{\tau_f}(\text{drive}-\alpha v)`.

        The default ``dt = τ_f/α`` jumps to the fixed-point map :math:`v\leftarrow\text{drive}/\alpha`
        (written so that the :math:`v` term cancels exactly).
        """
        v, single = as_states(v, self.n_features, "v")
        if dt is None:
            dt = self.tau_f / self.alpha if self.alpha > 0 else self.tau_f
        check_scalar(dt, "dt", numbers.Real, min_val=0.0, include_min=False)
        return restore(self._step(v, float(dt)), single)

    def run(self, states, *, method="euler", dt=None, max_steps=1000, t_max=None, tol=None,
            clamp=None, rtol=1e-5, atol=1e-8, record_energy=True, n_steps=None
            ) -> IntegrationResult:
        """Integrate the effective dynamics from ``states`` (``v0``, one or a batch).

        The options and the result are those of :meth:`HAM.run
        <hopfield.lagrangian.HAM.run>` (one layer: ``result.states[0]`` is ``v``,
        ``clamp={0: mask}``); ``energy`` is the effective energy; the default ``dt`` is
        ``0.1 × τ_f / max(1, α)``. ``n_steps`` is the deprecated name of ``max_steps``.
        """
        if isinstance(states, list | tuple) and len(states) == 1:
            states = states[0]
        v, single = as_states(states, self.n_features, "states")
        options = check_run_options(method=method, dt=dt, max_steps=max_steps, t_max=t_max,
                                    tol=tol, rtol=rtol, atol=atol, taus=[self.tau_f],
                                    leaks=[self.alpha], n_steps=n_steps)
        system = self._system(check_clamp(clamp, [self.n_features], [v]))
        res = integrate_system(system, [v], options, record_energy=record_energy)
        return finish_run(res, lambda ys: [self.L_v.activation(ys[0])], single)


class ModelA(AbstractEffectiveModel):
    r"""Model A: :math:`L_h=\sum_\mu F(h_\mu)`, :math:`L_v=\sum_i|v_i|` — the dense associative memory.

    .. math:: E=-\sum_iI_i\sigma_i-\sum_\mu F\Big(\sum_i\xi_{\mu i}\sigma_i\Big),\quad\sigma=\mathrm{sign}(v),
       \qquad v\leftarrow\xi^\top F'(\xi\sigma)+I .

    Parameters
    ----------
    xi : array_like, shape (n_memories, n_features)
        Memories as rows.
    F : {"polynomial", "rectified", "exponential"} or Lagrangian spec, default="rectified"
        Separation function (see :func:`separation_lagrangian`); ``"identity"`` with
        ``L_v=Tanh(λ)`` gives the 1984 continuous network with :math:`T=\xi^\top\xi`.
    n : int, default=3
    L_v : Lagrangian spec, default="abs"
        Feature Lagrangian; a smooth choice such as ``Tanh(beta)`` is needed to integrate the
        two-layer ODE.
    current : array_like, shape (n_features,), optional
        Input current :math:`I`.
    tau_f, tau_h : float, default=1.0, 0.1

    References
    ----------
    Krotov & Hopfield (2021) §3 and App. B; Krotov & Hopfield (2016) — Theory reference §9, §7, §5.
    """

    def __init__(self, xi, F="rectified", n=3, *, L_v="abs", current=None, tau_f=1.0, tau_h=0.1):
        self._init_synapses(xi, current, tau_f, tau_h, 1.0)
        self.L_h = separation_lagrangian(F, n)
        self.L_v = make_lagrangian(L_v)


class ModelB(AbstractEffectiveModel):
    r"""Model B: :math:`L_h=\beta^{-1}\log\sum_\mu e^{\beta h_\mu}`, :math:`L_v=\tfrac12\|v\|^2`.

    .. math:: E=\tfrac12\|v\|^2-I\cdot v-\beta^{-1}\log\sum_\mu e^{\beta\,\xi_\mu\cdot v},\qquad
       v\leftarrow\xi^\top\mathrm{softmax}(\beta\,\xi v)+I\ \ (\Delta t=\tau_f).

    Ramsauer et al.'s energy is this plus the constant :math:`\beta^{-1}\log N+\tfrac12M^2`
    (Theory reference §8) and :meth:`step` with the default ``dt = τ_f`` is their update.

    Parameters
    ----------
    xi : array_like, shape (n_memories, n_features)
    beta : float, default=1.0
    current : array_like, shape (n_features,), optional
        Input current :math:`I`.
    tau_f, tau_h : float, default=1.0, 0.1

    References
    ----------
    Krotov & Hopfield (2021) §3; Ramsauer et al. (2021) eq. 3 — Theory reference §9, §8.
    """

    def __init__(self, xi, beta=1.0, *, current=None, tau_f=1.0, tau_h=0.1):
        self._init_synapses(xi, current, tau_f, tau_h, 1.0)
        self.beta = float(check_scalar(beta, "beta", numbers.Real, min_val=0.0, include_min=False))
        self.L_v = Identity()
        self.L_h = Softmax(self.beta)


class ModelC(AbstractEffectiveModel):
    r"""Model C (spherical memory): :math:`L_h=\sum_\mu F(h_\mu)`, :math:`L_v=\|v\|`.

    .. math:: E=-\sum_\mu F\Big(\sum_i\xi_{\mu i}\frac{v_i}{\|v\|}\Big),\qquad
       \tau_f\dot v=\xi^\top F'(\xi v/\|v\|)-\alpha v .

    The leak :math:`\alpha\ge0` is arbitrary because :math:`\nabla^2L_v` annihilates :math:`v`.
    No input current (it would break the scale invariance).

    Parameters
    ----------
    xi : array_like, shape (n_memories, n_features)
    F : {"polynomial", "rectified", "exponential"} or Lagrangian spec, default="rectified"
    n : int, default=3
    alpha : float, default=1.0
    tau_f, tau_h : float, default=1.0, 0.1

    References
    ----------
    Krotov & Hopfield (2021) §3 — Theory reference §9.
    """

    def __init__(self, xi, F="rectified", n=3, *, alpha=1.0, tau_f=1.0, tau_h=0.1):
        self._init_synapses(xi, None, tau_f, tau_h, alpha)
        self.L_h = separation_lagrangian(F, n)
        self.L_v = SphericalNorm()
