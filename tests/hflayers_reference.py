"""An independent re-implementation of ``hflayers`` (ml-jku/hopfield-layers) for the tests.

``hflayers`` is not on PyPI, so the tests cannot install it. This module re-implements, from
its source (``hflayers/__init__.py``, ``activation.py``, ``functional.py`` and
``auxiliary/data.py`` at commit 5231d29), what the tests compare against: the parameter layout
of an ``hflayers.Hopfield`` (``state_dict`` names and shapes: one fused ``in_proj_weight`` when
all inputs share the width, else ``q/k/v_proj_weight``; one ``in_proj_bias`` that always carries
the pattern-projection part), its forward pass (sequence-first, inputs normalised, projected or
repeated into the heads, β applied to the queries at every step, associations iterated while a
head is active: step < ``update_steps_max`` and the association matrix still moves by more
than ``update_steps_eps`` in Frobenius norm, maximised over the batch) and the data sets'
generators with torch's *global* seeding. It does not import :mod:`hopfield`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

DEFAULTS = dict(input_size=None, hidden_size=None, output_size=None, pattern_size=None,
                num_heads=1, scaling=None, update_steps_max=0, update_steps_eps=1e-4,
                normalize_stored_pattern=True, normalize_stored_pattern_affine=True,
                normalize_state_pattern=True, normalize_state_pattern_affine=True,
                normalize_pattern_projection=True, normalize_pattern_projection_affine=True,
                normalize_hopfield_space=False, normalize_hopfield_space_affine=False,
                stored_pattern_as_static=False, state_pattern_as_static=False,
                pattern_projection_as_static=False, pattern_projection_as_connected=False,
                stored_pattern_size=None, pattern_projection_size=None,
                association_activation=None, input_bias=True, add_zero_association=False,
                disable_out_projection=False)


def _dims(c):
    ks, qs, vs = (c["stored_pattern_as_static"], c["state_pattern_as_static"],
                  c["pattern_projection_as_static"])
    static_exec = all((ks, qs, vs, not c["pattern_projection_as_connected"],
                       not c["normalize_hopfield_space"], not c["normalize_hopfield_space_affine"],
                       c["disable_out_projection"]))
    e = None if static_exec else c["input_size"]
    kdim = None if static_exec else (c["stored_pattern_size"] or e)
    vdim = None if static_exec else (c["pattern_projection_size"] or e)
    h = c["num_heads"]
    hd = pd = None
    if not static_exec:
        hd = c["hidden_size"] or e // h
        pd = c["pattern_size"] or hd
    same = (kdim == e and vdim == e and c["pattern_size"] is None
            and not c["pattern_projection_as_connected"])
    return dict(static_exec=static_exec, e=e, kdim=kdim, vdim=vdim, h=h, hd=hd, pd=pd,
                same=same, ks=ks, qs=qs, vs=vs, out=(e if c["output_size"] is None
                                                      else c["output_size"]))


def config(**kw):
    c = dict(DEFAULTS)
    c.update(kw)
    return c


def state_dict(c, gen, dtype=torch.float64):
    """Random parameters with hflayers' names and shapes (values spread, to exercise the maps)."""
    d = _dims(c)
    h, hd, pd = d["h"], d["hd"], d["pd"]

    def rnd(*shape, loc=0.0):
        return loc + 0.4 * torch.randn(*shape, generator=gen, dtype=dtype)

    sd = {}
    core = "association_core."
    n_non_static = 3 - (d["ks"] + d["qs"] + d["vs"])
    if c["normalize_hopfield_space_affine"]:
        sd[core + "p_norm_weight"] = rnd(hd, loc=1.0)
        sd[core + "p_norm_bias"] = rnd(hd)
    if not d["same"]:
        if not d["qs"]:
            sd[core + "q_proj_weight"] = rnd(h * hd, d["e"])
        if not d["ks"]:
            sd[core + "k_proj_weight"] = rnd(h * hd, d["kdim"])
        if not d["vs"]:
            cols = h * hd if (c["pattern_projection_as_connected"] and not d["ks"]) else d["vdim"]
            sd[core + "v_proj_weight"] = rnd(h * pd, cols)
    elif n_non_static > 0:
        rows = (not d["qs"]) * h * hd + (not d["ks"]) * h * hd + (not d["vs"]) * h * pd
        sd[core + "in_proj_weight"] = rnd(rows, d["e"])
    if c["input_bias"] and n_non_static > 0:
        sd[core + "in_proj_bias"] = rnd((not d["qs"]) * h * hd + (not d["ks"]) * h * hd + h * pd)
    if not c["disable_out_projection"]:
        sd[core + "out_proj.weight"] = rnd(d["out"], h * pd)
        if c["input_bias"]:
            sd[core + "out_proj.bias"] = rnd(d["out"])
    for flag, name, size in (("normalize_stored_pattern", "norm_stored_pattern",
                              c["stored_pattern_size"] or c["input_size"]),
                             ("normalize_state_pattern", "norm_state_pattern", c["input_size"]),
                             ("normalize_pattern_projection", "norm_pattern_projection",
                              c["pattern_projection_size"] or c["input_size"])):
        if c[flag] and c[flag + "_affine"]:
            sd[name + ".weight"] = rnd(size, loc=1.0)
            sd[name + ".bias"] = rnd(size)
    return sd


def _norm(x, sd, name, c, flag):
    if not c[flag]:
        return x
    return F.layer_norm(x, (x.shape[-1],), sd.get(name + ".weight"), sd.get(name + ".bias"),
                        1e-5)


def forward(sd, c, stored, state, projection, key_padding_mask=None, attn_mask=None,
            return_raw=False):
    """hflayers' ``Hopfield.forward`` on batch-first (B, N, D) inputs; returns (B, L, out)."""
    d = _dims(c)
    h = d["h"]
    core = "association_core."
    key, query, value = (t.transpose(0, 1) for t in (stored, state, projection))  # (N, B, D)
    key = _norm(key, sd, "norm_stored_pattern", c, "normalize_stored_pattern")
    query = _norm(query, sd, "norm_state_pattern", c, "normalize_state_pattern")
    value = _norm(value, sd, "norm_pattern_projection", c, "normalize_pattern_projection")
    if d["qs"] and d["ks"]:
        hd = query.shape[2]
    else:
        hd = d["hd"]
    pd = d["pd"] if d["pd"] is not None else value.shape[2]
    tgt, bsz, src = query.shape[0], value.shape[1], key.shape[0]
    bias = sd.get(core + "in_proj_bias")
    start = 0

    def take(w, n):
        nonlocal start
        b = None if bias is None else bias[start:start + n]
        start += n
        return w, b

    if d["same"]:
        w_all = sd.get(core + "in_proj_weight")
        rows = 0

        def fused(n):
            nonlocal rows
            w = w_all[rows:rows + n]
            rows += n
            return take(w, n)

        q = query.repeat(1, h, 1) if d["qs"] else F.linear(query, *fused(h * hd))
        k = key.repeat(1, h, 1) if d["ks"] else F.linear(key, *fused(h * hd))
        v = value.repeat(1, h, 1) if d["vs"] else F.linear(value, *fused(h * pd))
    else:
        q = query.repeat(1, h, 1) if d["qs"] else F.linear(query, *take(
            sd[core + "q_proj_weight"], h * hd))
        v = value
        if d["ks"]:
            k = key.repeat(1, h, 1)
        else:
            wk, bk = take(sd[core + "k_proj_weight"], h * hd)
            k = F.linear(key, wk, bk)
            if c["pattern_projection_as_connected"]:
                v = F.linear(v, wk, bk)
        if d["vs"]:
            if not (c["pattern_projection_as_connected"] or d["ks"]):
                v = v.repeat(1, h, 1)
        else:
            wv = sd[core + "v_proj_weight"]
            v = F.linear(v, wv, None if bias is None else bias[start:])
    if c["normalize_hopfield_space"]:
        pw, pb = sd.get(core + "p_norm_weight"), sd.get(core + "p_norm_bias")
        q = F.layer_norm(q.reshape(-1, hd), (hd,), pw, pb, 1e-5).reshape(q.shape)
        k = F.layer_norm(k.reshape(-1, hd), (hd,), pw, pb, 1e-5).reshape(k.shape)
    if attn_mask is not None and attn_mask.dim() == 2:
        attn_mask = attn_mask.unsqueeze(0)
    scaling = c["scaling"]
    if scaling is None:
        scaling = 1.0 if d["static_exec"] else 1.0 / math.sqrt(hd)
    steps_max = c["update_steps_max"]
    if steps_max is None:
        steps_max = -torch.ones(h, dtype=torch.int32)
    elif isinstance(steps_max, int):
        steps_max = torch.tensor([steps_max] * h, dtype=torch.int32)
    eps = c["update_steps_eps"]
    xi = xi_old = None
    active = torch.ones(h * bsz, 1, 1, dtype=torch.bool)
    step = 0
    prev_q = None                  # the unscaled Hopfield-space state of the last step
    while active.any():
        qq = q if step == 0 else torch.where(active, torch.bmm(xi, k), prev_q)
        prev_q = qq
        if isinstance(scaling, float):
            qs_ = qq * scaling
        else:                       # hflayers' per-head scaling: an interleaved repeat
            qs_ = qq * scaling.view(1, 1, -1).repeat(1, 1, qq.shape[2] // scaling.shape[0])
        if step == 0:
            qs_ = qs_.contiguous().view(tgt, bsz * h, hd).transpose(0, 1)
            prev_q = qq.contiguous().view(tgt, bsz * h, hd).transpose(0, 1)
            k = k.contiguous().view(src, bsz * h, hd).transpose(0, 1)
            v = v.contiguous().view(v.shape[0], bsz * h, -1).transpose(0, 1)
            if c["add_zero_association"]:
                k = torch.cat([k, k.new_zeros(k.shape[0], 1, k.shape[2])], dim=1)
                v = torch.cat([v, v.new_zeros(v.shape[0], 1, v.shape[2])], dim=1)
                if attn_mask is not None:
                    attn_mask = F.pad(attn_mask, [0, 1])
                if key_padding_mask is not None:
                    key_padding_mask = F.pad(key_padding_mask, [0, 1])
        s_len = k.shape[1]
        w = torch.bmm(qs_, k.transpose(1, 2))
        if attn_mask is not None:
            w = w.masked_fill(attn_mask, float("-inf")) if attn_mask.dtype == torch.bool \
                else w + attn_mask
        if key_padding_mask is not None:
            w = w.view(bsz, h, tgt, s_len).masked_fill(key_padding_mask[:, None, None, :],
                                                      float("-inf")).view(bsz * h, tgt, s_len)
        new_xi = torch.softmax(w, dim=-1)
        xi = new_xi if xi is None else torch.where(active, new_xi, xi)
        with torch.no_grad():
            cur = xi.view(bsz, h, tgt, s_len)
            act_h = (step < steps_max) | (steps_max < 0)
            if xi_old is not None:
                act_h &= (xi_old - cur).norm(p=2, dim=(2, 3)).max(dim=0)[0] > eps
            active = act_h.view(1, h, 1, 1).repeat(bsz, 1, 1, 1).view(bsz * h, 1, 1)
            xi_old = cur
        step += 1
    out = torch.bmm(xi, v).transpose(0, 1).contiguous().view(tgt, bsz, -1)
    if not c["disable_out_projection"]:
        out = F.linear(out, sd[core + "out_proj.weight"], sd.get(core + "out_proj.bias"))
    out = out.transpose(0, 1)
    if c["association_activation"] is not None:
        out = getattr(torch, c["association_activation"])(out)
    if return_raw:
        return out, xi.view(bsz, h, tgt, -1), v.view(bsz, h, v.shape[1], -1)
    return out


def pooling_forward(sd, c, x, kpm=None):
    """hflayers' ``HopfieldPooling`` (batch first): the pooling patterns are the state."""
    inner = {k[len("hopfield."):]: v for k, v in sd.items() if k.startswith("hopfield.")}
    state = sd["pooling_weights"].expand(x.shape[0], -1, -1)
    return forward(inner, c, x, state, x, key_padding_mask=kpm).flatten(start_dim=1)


def lookup_forward(sd, c, x):
    """hflayers' ``HopfieldLayer`` (batch first): the lookup patterns are stored (and values)."""
    inner = {k[len("hopfield."):]: v for k, v in sd.items() if k.startswith("hopfield.")}
    stored = sd["lookup_weights"].expand(x.shape[0], -1, -1)
    targets = sd.get("target_weights")
    proj = stored if targets is None else targets.expand(x.shape[0], -1, -1)
    return forward(inner, c, stored, x, proj)


def bit_pattern_set(num_bags, num_instances, num_signals, num_signals_per_bag=1,
                    fraction_targets=0.5, num_bits=8, seed_signals=43, seed_data=44):
    """hflayers' ``BitPatternSet`` generator (global torch seeding): (data, targets, signals)."""
    torch.random.manual_seed(seed_signals)
    sig = torch.randint(low=0, high=2, size=(num_signals, num_bits))
    while True:
        sig = torch.unique(sig, dim=0)
        sig = sig[sig.sum(axis=1) != 0]
        missing = num_signals - sig.shape[0]
        if missing > 0:
            sig = torch.cat((sig, torch.randint(low=0, high=2, size=(missing, num_bits))), dim=0)
        else:
            break
    torch.random.manual_seed(seed_data)
    data = torch.randint(low=0, high=2, size=(num_bags, num_instances, num_bits))
    n_targets = min(num_bags, max(1, math.ceil(num_bags * fraction_targets)))
    targets = torch.zeros(num_bags, dtype=data.dtype)
    targets[:n_targets] = 1
    while True:
        bad = (data.sum(axis=2) == 0).logical_or(
            torch.sum(torch.stack([(data == s).all(axis=2) for s in sig]), axis=0))
        if bad.sum() > 0:
            data[bad] = torch.randint(low=0, high=2, size=(int(bad.sum()), num_bits))
        else:
            break
    for i in range(n_targets):
        used = []
        for _ in range(num_signals_per_bag):
            while True:
                pos = torch.randint(low=0, high=data.shape[1], size=(1,))
                if pos not in used:
                    used.append(pos)
                    break
            which = torch.randint(low=0, high=sig.shape[0], size=(1,))
            data[i, pos] = sig[which]
    return data, targets, sig


def latch_sequence_set(num_samples, num_instances=20, num_characters=6, seed=43):
    """hflayers' ``LatchSequenceSet`` generator (global torch seeding): (one-hot data, targets)."""
    torch.random.manual_seed(seed)
    data = torch.randint(low=2, high=num_characters, size=(num_samples, num_instances))
    signal = torch.randint(low=0, high=2, size=(num_samples,))
    data[:, 0] = signal
    return F.one_hot(data, num_classes=num_characters), signal
