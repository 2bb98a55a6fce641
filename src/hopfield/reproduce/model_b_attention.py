"""Krotov & Hopfield (2021), model B: the two-layer network with a log-sum-exp memory layer is the
modern Hopfield network, and one update of it is transformer attention (theory §8–§9)."""

from __future__ import annotations

import numpy as np

from .result import Result, Row

TITLE = "Krotov–Hopfield 2021 model B = Ramsauer update = attention"
REFERENCE = ("Krotov & Hopfield, ICLR 2021 (arXiv 2008.06996) §3, model B; Ramsauer et al., "
             "ICLR 2021 (arXiv 2008.02217) eq. 3 and eq. 10")
PARAMETERS = {
    "quick": {"n_memories": 64, "n_features": 16, "batch": 8, "beta": 1.0, "d_k": 16,
              "tau_h": (0.02, 0.01), "dt": 0.002, "t_end": 2.0},
    "full": {"n_memories": 256, "n_features": 64, "batch": 16, "beta": 1.0, "d_k": 64,
             "tau_h": (0.02, 0.01), "dt": 0.002, "t_end": 2.0},
}


def _softmax(a: np.ndarray) -> np.ndarray:
    """Row softmax written out (an independent reference, not the library's)."""
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def run(ctx) -> Result:
    """Measure the three identities and the adiabatic limit; draw the energy traces."""
    import hopfield as hf

    p = ctx.params(PARAMETERS)
    gen = np.random.default_rng(ctx.seeds(1)[0])
    K, d, b = p["n_memories"], p["n_features"], p["batch"]
    xi = gen.normal(size=(K, d)) / np.sqrt(d) * 2.0
    v0 = gen.normal(size=(b, d))
    model = hf.lagrangian.ModelB(xi, beta=p["beta"])
    mhn = hf.ModernHopfieldNetwork(xi, beta=p["beta"])
    # (1) model B's Euler step with dt = τ_f is Ramsauer's update ξ ← X softmax(β Xᵀξ)
    step_b = np.asarray(model.step(v0))
    step_r = np.asarray(mhn.retrieve(v0, steps=1).states)
    d_update = float(np.max(np.abs(step_b - step_r)))
    # (2) the effective energy equals Ramsauer's energy minus the constant β⁻¹ log N + M²/2
    e_b = np.asarray(model.energy(v0))
    e_r = np.asarray(mhn.energy(v0))
    const = np.log(K) / p["beta"] + 0.5 * float(np.max(np.sum(xi * xi, axis=1)))
    d_energy = float(np.max(np.abs(e_r - e_b - const)))
    # (3) attention: softmax(Q Kᵀ/√d_k) V from the Hopfield weights with β = 1/√d_k
    dk = p["d_k"]
    Wq, Wk, Wv = (gen.normal(size=(d, dk)) / np.sqrt(d) for _ in range(3))
    R, Y = gen.normal(size=(b, d)), gen.normal(size=(K, d))
    Q, Kmat, V = R @ Wq, Y @ Wk, Y @ Wv
    reference = _softmax(Q @ Kmat.T / np.sqrt(dk)) @ V
    heads = hf.ModernHopfieldNetwork(Kmat, beta=1.0 / np.sqrt(dk))
    z = np.asarray(heads.attention(Q)) @ V
    d_attention = float(np.max(np.abs(z - reference)))
    # (4) adiabatic limit: the two-layer ODE with a fast memory layer follows the effective
    # dynamics, with a deviation first order in τ_h (so halving τ_h halves it)
    n_steps = round(p["t_end"] / p["dt"])
    eff = model.run(v0, dt=p["dt"], max_steps=n_steps)
    devs, traces = [], []
    for tau_h in p["tau_h"]:
        mb = hf.lagrangian.ModelB(xi, beta=p["beta"], tau_h=tau_h)
        full = mb.network.run(v0, dt=p["dt"], max_steps=n_steps)
        devs.append(float(np.max(np.abs(np.asarray(full.states[0]) - np.asarray(eff.states[0])))))
        traces.append(np.asarray(full.energy))
    ratio = devs[0] / devs[1]
    rise = max(float(np.max(np.diff(t, axis=0))) for t in traces)
    scale = max(float(np.max(np.abs(t))) for t in traces)

    rows = (
        Row("max |model-B Euler step (dt = τ_f) − Ramsauer update|", 0.0,
            "Krotov & Hopfield 2021 §3 [P]", d_update, 0.0, 1e-12, "≈",
            published_text="0 (identical)"),
        Row("max |Ramsauer energy − model-B energy − (β⁻¹ log N + M²/2)|", 0.0,
            "Ramsauer et al. eq. 2 vs Krotov & Hopfield 2021 [P]", d_energy, 0.0, 1e-10, "≈",
            published_text="0 (a constant shift)"),
        Row("max |Hopfield update with β = 1/√d_k − softmax(QKᵀ/√d_k)V|", 0.0,
            "Ramsauer et al. eq. 10 [P]", d_attention, 0.0, 1e-12, "≈",
            published_text="0 (identical)"),
        Row(f"deviation ratio two-layer vs effective, τ_h = {p['tau_h'][0]} / {p['tau_h'][1]}", 2.0,
            "adiabatic elimination, first order in τ_h (Krotov & Hopfield 2021 §3) [N]", ratio, 0.0,
            0.25, "≈", note="The effective theory is the τ_h → 0 limit; at first order the deviation "
            "is proportional to τ_h, so halving τ_h should halve it."),
        Row("largest energy increase per step of the two-layer ODE (relative)", 0.0,
            "dE/dt ≤ 0, Krotov & Hopfield 2021 eq. 5 [P]", max(rise, 0.0) / scale, 0.0, 1e-9, "≤"),
    )
    figures = ()
    if ctx.out is not None:
        fig, ax = hf.plot.new_figure(1, 2, figsize=(9, 3.4))
        t = np.arange(traces[-1].shape[0]) * p["dt"]
        ax[0].plot(t, traces[-1][:, :4])
        ax[0].set(xlabel="t / τ_f", ylabel="energy E(v, h)",
                  title=f"two-layer model B, τ_h = {p['tau_h'][-1]}")
        ax[1].bar(["update", "energy", "attention"], [max(d_update, 1e-18), max(d_energy, 1e-18),
                                                     max(d_attention, 1e-18)])
        ax[1].set_yscale("log")
        ax[1].set(ylabel="max abs difference", title="model B = Ramsauer = attention")
        figures = ctx.save_figure(fig, "model_b_attention")
    return Result(
        name="model_b_attention", title=TITLE, reference=REFERENCE,
        setup=(f"{K} random memories in d = {d} (Gaussian, norm ≈ 2), {b} random states, β = {p['beta']}. "
               "Model B (L_v = ½‖v‖², L_h = log Σ exp) of hf.lagrangian is compared with "
               "hf.ModernHopfieldNetwork: one Euler step with dt = τ_f against one Ramsauer update, "
               "and the energies. Attention: random W_Q, W_K, W_V (d_k = "
               f"{dk}); the Hopfield weights with keys as patterns and β = 1/√d_k, times V, against "
               "softmax(QKᵀ/√d_k)V written out in NumPy. The two-layer ODE (Euler, dt = "
               f"{p['dt']}, t = {p['t_end']}) is integrated with two hidden time constants."),
        rows=rows, parameters=p, seed=ctx.seed, quick=ctx.quick, run_time=0.0, figures=figures)
