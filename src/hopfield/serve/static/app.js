// hopfield serve: the recall page. Plain JavaScript, no libraries; talks to the JSON API of
// hopfield.serve.app. States are arrays of ±1 (or floats for the modern network), row-major.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG_NS = "http://www.w3.org/2000/svg";
const DEFAULT_STORED = { letters: ["T", "I", "U", "Z"] };
const INK = [29, 36, 51];
const PAPER = [238, 241, 245];
const POSITIVE = [47, 111, 222];  // weights > 0
const NEGATIVE = [224, 138, 60];  // weights < 0
const FRAME_MS = { flip: 90, step: 450 };

const state = {
  models: [],
  params: {},          // model name -> {param: value}
  limits: {},
  set: null,           // {name, names, shape, patterns}
  uploads: [],         // [{name, pattern}] added to the current set
  stored: new Set(),   // names of the stored patterns
  probe: [],
  traj: null,          // last /api/recall answer, with .frames
  frame: 0,
  timer: null,
  weights: null,       // {n, levels, max, shape} of the last classical run
  hoverRow: null,      // row of the weight matrix under the pointer
};

// ------------------------------------------------------------------------------ API and errors
class PageError extends Error {
  constructor(message, input) { super(message); this.input = input || null; }
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  let data;
  try { data = await res.json(); } catch (e) { data = { error: `HTTP ${res.status}` }; }
  if (!res.ok) {
    const err = new PageError(data.error || `HTTP ${res.status}`);
    err.param = data.param || null;
    throw err;
  }
  return data;
}

function showError(el, err) {
  document.querySelectorAll(".invalid").forEach((x) => { x.classList.remove("invalid"); x.removeAttribute("aria-invalid"); });
  el.textContent = err ? String(err.message || err) : "";
  el.className = "message " + (err ? "error" : "");
  if (err && err.input) { err.input.classList.add("invalid"); err.input.setAttribute("aria-invalid", "true"); }
}

// A number from an <input type=number>, or a PageError that names the control by its label.
function readNumber(input, label, { integer = false } = {}) {
  const raw = input.value.trim();
  const v = Number(raw);
  if (raw === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new PageError(`${label}: enter ${integer ? "a whole number" : "a number"}` +
      (input.min !== "" && input.max !== "" ? ` from ${input.min} to ${input.max}` : input.min !== "" ? ` of at least ${input.min}` : "") + ".", input);
  }
  return v;
}

// ------------------------------------------------------------------------------ drawing
function mix(from, to, t) {
  return from.map((p, i) => Math.round(p + t * (to[i] - p)));
}

function shade(v) {
  // v in [-1, 1]: -1 paper, +1 ink
  const t = Math.max(0, Math.min(1, (v + 1) / 2));
  return `rgb(${mix(PAPER, INK, t).join(",")})`;
}

function drawGrid(canvas, values, shape, opts = {}) {
  const [rows, cols] = shape;
  const ctx = canvas.getContext("2d");
  const cell = opts.cell || Math.max(1, Math.floor(Math.min(canvas.width / cols, canvas.height / rows)));
  const w = cell * cols, h = cell * rows;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      ctx.fillStyle = shade(values[r * cols + c]);
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
  if (opts.lines && cell >= 6) {
    ctx.strokeStyle = "rgba(140,150,170,0.45)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let c = 0; c <= cols; c++) { ctx.moveTo(c * cell + 0.5, 0); ctx.lineTo(c * cell + 0.5, h); }
    for (let r = 0; r <= rows; r++) { ctx.moveTo(0, r * cell + 0.5); ctx.lineTo(w, r * cell + 0.5); }
    ctx.stroke();
  }
  return cell;
}

function outlineCell(canvas, index, shape, cell, color, width) {
  const ctx = canvas.getContext("2d");
  const [, cols] = shape;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  const inset = width / 2;
  ctx.strokeRect((index % cols) * cell + inset, Math.floor(index / cols) * cell + inset, cell - width, cell - width);
}

function thumbCanvas(values, shape) {
  const c = document.createElement("canvas");
  c.width = shape[1]; c.height = shape[0];
  drawGrid(c, values, shape, { cell: 1 });
  return c;
}

// ------------------------------------------------------------------------------ stale results
// Any change to what a run depends on (probe, stored patterns, model, parameters, seed) greys
// the last result out: it no longer describes what is on the page.
function markStale() {
  if (!state.traj || $("result").dataset.state === "stale") return;
  stop();
  $("result").dataset.state = "stale";
  $("panel-recall").classList.add("stale");
  $("stale-note").hidden = false;
  document.querySelectorAll(".thumb.recalled").forEach((t) => t.classList.remove("recalled"));
}

// ------------------------------------------------------------------------------ patterns
function allPatterns() {
  const s = state.set;
  const names = s.names.concat(state.uploads.map((u) => u.name));
  const patterns = s.patterns.concat(state.uploads.map((u) => u.pattern));
  return { names, patterns };
}

function storedPatterns() {
  const { names, patterns } = allPatterns();
  const out = { names: [], patterns: [] };
  names.forEach((n, i) => { if (state.stored.has(n)) { out.names.push(n); out.patterns.push(patterns[i]); } });
  return out;
}

function renderStrip() {
  const strip = $("pattern-strip");
  strip.replaceChildren();
  const { names, patterns } = allPatterns();
  names.forEach((name, i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "thumb" + (state.stored.has(name) ? " stored" : "");
    b.dataset.name = name;
    b.title = state.stored.has(name) ? `${name}: stored (click to leave out)` : `${name}: click to store`;
    const label = document.createElement("span");
    label.textContent = name;
    b.append(thumbCanvas(patterns[i], state.set.shape), label);
    b.addEventListener("click", () => {
      if (state.stored.has(name)) state.stored.delete(name); else state.stored.add(name);
      renderStrip();
      markStale();
    });
    strip.append(b);
  });
  const k = state.stored.size;
  $("stored-count").textContent = `${k} stored, ${state.set.shape[0]}×${state.set.shape[1]} = ` +
    `${state.set.shape[0] * state.set.shape[1]} neurons.`;
  const sel = $("start-from");
  const keep = sel.value;
  sel.replaceChildren(...names.map((n) => new Option(n, n)));
  if (names.includes(keep)) sel.value = keep;
  else { const st = storedPatterns().names; if (st.length) sel.value = st[0]; }
}

async function loadDataset() {
  const name = $("dataset").value;
  const info = state.datasets.find((d) => d.name === name);
  showError($("error"), null);
  try {
    const opt = readNumber($("dataset-option"), info.option.label, { integer: true });
    const set = await api(`/api/datasets/${name}?${info.option.name}=${encodeURIComponent(opt)}`);
    state.set = set;
    state.uploads = [];
    const wanted = DEFAULT_STORED[name] || set.names.slice(0, 4);
    state.stored = new Set(wanted.filter((n) => set.names.includes(n)));
    renderStrip();
    const first = set.names.indexOf(wanted[0]);
    setProbe(set.patterns[Math.max(0, first)].slice(), { quiet: true });
    $("start-from").value = set.names[Math.max(0, first)];
    clearResult();
  } catch (err) {
    if (!err.input && err.param) err.input = $("dataset-option");
    showError($("error"), err);
  }
}

function setupDatasets(datasets) {
  state.datasets = datasets;
  const sel = $("dataset");
  sel.replaceChildren(...datasets.map((d) => new Option(d.label, d.name)));
  const sync = () => {
    const d = datasets.find((x) => x.name === sel.value);
    $("dataset-option-name").textContent = d.option.label;
    const opt = $("dataset-option");
    opt.min = d.option.min; opt.max = d.option.max; opt.value = d.option.default;
    opt.title = d.option.help;
  };
  sel.addEventListener("change", () => { sync(); loadDataset(); });
  $("dataset-option").addEventListener("change", loadDataset);
  sync();
}

// ------------------------------------------------------------------------------ probe editor
let paint = null;   // value being painted during a drag, or null
let lastCell = -1;  // cell painted last during a drag (the line continues from it)
let hover = -1;     // cell under the pointer: the brush, one pixel wide
let cursor = -1;    // keyboard cursor on the probe grid (arrow keys move it, space toggles), or -1

function setProbe(values, { quiet = false } = {}) {
  state.probe = values.map((v) => (v > 0 ? 1 : -1));
  drawProbe();
  if (!quiet) markStale();
}

function probeCell() {
  const shape = state.set.shape;
  return Math.max(4, Math.floor(300 / Math.max(shape[0], shape[1])));
}

function drawProbe() {
  const canvas = $("probe-grid");
  const shape = state.set.shape;
  const cell = probeCell();
  canvas.width = cell * shape[1];
  canvas.height = cell * shape[0];
  drawGrid(canvas, state.probe, shape, { cell, lines: true });
  if (hover >= 0 && hover < state.probe.length) outlineCell(canvas, hover, shape, cell, "#e08a3c", 2);
  if (cursor >= 0 && cursor < state.probe.length && document.activeElement === canvas) {
    outlineCell(canvas, cursor, shape, cell, "#2f6fde", 3);
  }
  canvas.dataset.rows = shape[0];
  canvas.dataset.cols = shape[1];
  canvas.dataset.hover = hover;
  canvas.dataset.state = state.probe.map((v) => (v > 0 ? "+" : "-")).join("");
}

function cellAt(ev) {
  const canvas = $("probe-grid");
  const rect = canvas.getBoundingClientRect();
  const [rows, cols] = state.set.shape;
  const c = Math.floor(((ev.clientX - rect.left) / rect.width) * cols);
  const r = Math.floor(((ev.clientY - rect.top) / rect.height) * rows);
  return r >= 0 && r < rows && c >= 0 && c < cols ? r * cols + c : -1;
}

// The cells of a one-pixel-wide line from a to b (Bresenham), so that a fast drag leaves no gaps.
function lineCells(a, b, cols) {
  let r0 = Math.floor(a / cols), c0 = a % cols;
  const r1 = Math.floor(b / cols), c1 = b % cols;
  const dr = Math.abs(r1 - r0), dc = Math.abs(c1 - c0);
  const sr = r0 < r1 ? 1 : -1, sc = c0 < c1 ? 1 : -1;
  let err = dc - dr;
  const out = [];
  for (;;) {
    out.push(r0 * cols + c0);
    if (r0 === r1 && c0 === c1) return out;
    const e2 = 2 * err;
    if (e2 > -dr) { err -= dr; c0 += sc; }
    if (e2 < dc) { err += dc; r0 += sr; }
  }
}

function setupEditor() {
  const canvas = $("probe-grid");
  canvas.addEventListener("pointerdown", (ev) => {
    const i = cellAt(ev);
    if (i < 0) return;
    canvas.setPointerCapture(ev.pointerId);
    paint = -state.probe[i];
    lastCell = i;
    state.probe[i] = paint;
    drawProbe();
    markStale();
  });
  canvas.addEventListener("pointermove", (ev) => {
    const i = cellAt(ev);
    if (paint === null) {
      if (i !== hover) { hover = i; drawProbe(); }
      return;
    }
    if (i < 0 || i === lastCell) return;
    let changed = false;
    for (const j of lineCells(lastCell, i, state.set.shape[1])) {
      if (state.probe[j] !== paint) { state.probe[j] = paint; changed = true; }
    }
    lastCell = i;
    hover = i;
    drawProbe();
    if (changed) markStale();
  });
  canvas.addEventListener("pointerleave", () => { if (paint === null && hover >= 0) { hover = -1; drawProbe(); } });
  canvas.addEventListener("keydown", (ev) => {
    const [rows, cols] = state.set.shape;
    if (cursor < 0 || cursor >= rows * cols) cursor = 0;
    const r = Math.floor(cursor / cols), c = cursor % cols;
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (ev.key in moves) {
      const [dr, dc] = moves[ev.key];
      cursor = Math.min(rows - 1, Math.max(0, r + dr)) * cols + Math.min(cols - 1, Math.max(0, c + dc));
    } else if (ev.key === " " || ev.key === "Enter") {
      state.probe[cursor] = -state.probe[cursor];
      markStale();
    } else {
      return;
    }
    ev.preventDefault();
    drawProbe();
  });
  canvas.addEventListener("focus", drawProbe);
  canvas.addEventListener("blur", drawProbe);
  const stopPaint = () => { paint = null; lastCell = -1; };
  canvas.addEventListener("pointerup", stopPaint);
  canvas.addEventListener("pointercancel", stopPaint);

  $("load-pattern").addEventListener("click", () => {
    const { names, patterns } = allPatterns();
    const i = names.indexOf($("start-from").value);
    if (i >= 0) setProbe(patterns[i].slice());
  });
  $("invert").addEventListener("click", () => setProbe(state.probe.map((v) => -v)));
  $("clear").addEventListener("click", () => setProbe(state.probe.map(() => -1)));
  $("corrupt").addEventListener("click", async () => {
    showError($("error"), null);
    try {
      const percent = readNumber($("corrupt-percent"), "corruption %");
      const seed = readNumber($("corrupt-seed"), "corruption seed", { integer: true });
      let res;
      try {
        res = await api("/api/corrupt", { state: state.probe, percent, seed });
      } catch (err) {
        err.input = { percent: $("corrupt-percent"), seed: $("corrupt-seed") }[err.param] || null;
        throw err;
      }
      setProbe(res.state);
      $("corrupt-seed").value = seed + 1; // a new corruption next time
    } catch (err) { showError($("error"), err); }
  });
}

// ------------------------------------------------------------------------------ uploads
function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function setupUpload() {
  const input = $("upload");
  input.addEventListener("change", async () => {
    const msg = $("upload-message");
    const file = input.files[0];
    input.value = "";
    if (!file) return;
    msg.className = "message"; msg.textContent = `reading ${file.name}…`;
    try {
      if (file.size > 4 * 1024 * 1024) {
        throw new Error(`bad upload: the file is too large: ${file.size} bytes, at most ${state.limits.max_image_bytes} are allowed.`);
      }
      const data = toBase64(await file.arrayBuffer());
      const res = await api("/api/upload", { filename: file.name, data, shape: state.set.shape });
      let name = res.name;
      const taken = new Set(allPatterns().names);
      for (let k = 2; taken.has(name); k++) name = `${res.name} (${k})`;
      state.uploads.push({ name, pattern: res.pattern });
      state.stored.add(name);
      renderStrip();
      markStale();
      msg.className = "message ok";
      msg.textContent = `added “${name}” (${res.shape[0]}×${res.shape[1]}) and stored it.`;
    } catch (err) {
      msg.className = "message bad";
      msg.textContent = String(err.message || err);
    }
  });
}

// ------------------------------------------------------------------------------ models
function currentModel() {
  return state.models.find((x) => x.name === $("model").value);
}

function conditionHolds(when, values) {
  return Object.entries(when || {}).every(([name, allowed]) => allowed.includes(values[name]));
}

function singleNeuron(model, values) {
  return (model.params.some((p) => p.name === "update")) && values.update !== "sync";
}

function setupModels(models) {
  state.models = models;
  for (const m of models) {
    state.params[m.name] = Object.fromEntries(m.params.map((p) => [p.name, p.default]));
  }
  const sel = $("model");
  sel.replaceChildren(...models.map((m) => new Option(m.label, m.name)));
  sel.addEventListener("change", () => { renderParams(); markStale(); });
  $("seed").addEventListener("input", markStale);
  renderParams();
}

function renderParams() {
  const m = currentModel();
  $("model-description").textContent = m.description;
  const box = $("model-params");
  box.replaceChildren();
  for (const p of m.params) {
    const label = document.createElement("label");
    label.className = "block";
    label.id = `param-label-${p.name}`;
    label.title = p.help;
    label.append(document.createTextNode(p.label));
    let input;
    if (p.kind === "choice") {
      input = document.createElement("select");
      input.append(...p.choices.map((c) => new Option(c, c)));
    } else {
      input = document.createElement("input");
      input.type = "number";
      input.min = p.min; input.max = p.max;
      input.step = p.kind === "int" ? 1 : "any";
    }
    input.id = `param-${p.name}`;
    input.value = state.params[m.name][p.name];
    const update = () => {
      state.params[m.name][p.name] = input.value;  // numbers are read (and checked) at Recall
      applyConditions();
      markStale();
    };
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    label.append(input);
    box.append(label);
  }
  applyConditions();
}

// Show each control only where it applies: n for a polynomial F, β for the exponential one, the
// seed for a random update order, the frame size for single-neuron updates.
function applyConditions() {
  const m = currentModel();
  const values = state.params[m.name];
  for (const p of m.params) $(`param-label-${p.name}`).hidden = !conditionHolds(p.when, values);
  $("seed-label").hidden = !(m.uses_rng && conditionHolds(m.rng_when, values));
  $("frame-every-label").hidden = !singleNeuron(m, values);
}

function paramValues(m) {
  const out = {};
  for (const p of m.params) {
    const input = $(`param-${p.name}`);
    if (p.kind === "choice") out[p.name] = input.value;
    else if (conditionHolds(p.when, state.params[m.name])) out[p.name] = readNumber(input, p.label, { integer: p.kind === "int" });
  }
  return out;
}

// ------------------------------------------------------------------------------ recall
async function recall() {
  showError($("error"), null);
  const btn = $("recall");
  try {
    const stored = storedPatterns();
    if (!stored.patterns.length) throw new PageError("store at least one pattern (click one in panel 1).");
    const m = currentModel();
    const params = paramValues(m);
    const body = { patterns: stored.patterns, names: stored.names, probe: state.probe, shape: state.set.shape, model: m.name, params };
    if (!$("seed-label").hidden) body.seed = readNumber($("seed"), "seed", { integer: true });
    btn.disabled = true;
    btn.textContent = "Computing…";
    $("result").dataset.state = "running";
    let res;
    try {
      res = await api("/api/recall", body);
    } catch (err) {
      err.input = err.param === "seed" ? $("seed") : (err.param && $(`param-${err.param}`)) || null;
      throw err;
    }
    res.patterns = stored.patterns;
    res.shape = state.set.shape.slice();
    showResult(res);
  } catch (err) {
    if ($("result").dataset.state === "running") $("result").dataset.state = state.traj ? "stale" : "error";
    showError($("error"), err);
  } finally {
    btn.disabled = false;
    btn.textContent = "Recall";
  }
}

function setPlayerEnabled(on) {
  for (const id of ["play", "step-slider", "to-start", "step-back", "step-forward", "to-end"]) $(id).disabled = !on;
}

function clearResult() {
  stop();
  state.traj = null;
  $("result").dataset.state = "empty";
  $("panel-recall").classList.remove("stale");
  $("stale-note").hidden = true;
  $("result-name").textContent = "–";
  $("result-label").textContent = "recalled";
  $("result-overlap").textContent = "–";
  $("result-status").textContent = "";
  $("result-message").textContent = "";
  $("overlaps").tBodies[0].replaceChildren();
  setPlayerEnabled(false);
  $("step-label").textContent = "Press Recall to run the network.";
  drawEnergy(null);
  const view = $("state-view");
  view.getContext("2d").clearRect(0, 0, view.width, view.height);
  delete view.dataset.frame;
  clearWeights();
  document.querySelectorAll(".thumb.recalled").forEach((t) => t.classList.remove("recalled"));
}

// One frame per single-neuron flip (async and sequential updates), or per step (synchronous
// updates flip many neurons at once; the modern network's states are continuous).
function buildFrames(res) {
  const frames = [];
  if (res.single_neuron) {
    const s = res.states[0].slice();
    let e = 0;
    frames.push({ state: s.slice(), energy: res.flip_energies[0], step: 0, neuron: null });
    res.flips.forEach((flips, k) => {
      for (const i of flips) {
        s[i] = -s[i];
        e += 1;
        frames.push({ state: s.slice(), energy: res.flip_energies[e], step: k + 1, neuron: i, value: s[i] });
      }
    });
  } else {
    res.states.forEach((st, k) => frames.push({ state: st, energy: res.energies[k], step: k, neuron: null,
      changed: k > 0 && res.flips ? res.flips[k - 1] : null }));
  }
  return frames;
}

function showResult(res) {
  stop();
  res.frames = buildFrames(res);
  state.traj = res;
  state.frame = 0;
  const r = res.recalled;
  const box = $("result");
  $("panel-recall").classList.remove("stale");
  $("stale-note").hidden = true;
  $("result-name").textContent = r.name;
  $("result-overlap").textContent = r.overlap.toFixed(2);
  $("result-status").textContent = r.exact && r.overlap > 0 ? `The final state is the stored pattern ${r.name}.` : `${r.status[0].toUpperCase()}${r.status.slice(1)}.`;
  const nflips = res.flips ? res.flips.reduce((a, f) => a + f.length, 0) : null;
  const after = res.converged ? ` after ${res.steps} step${res.steps === 1 ? "" : "s"}` : "";
  const flipsText = nflips === null ? "" : ` (${nflips} neuron flip${nflips === 1 ? "" : "s"})`;
  $("result-message").textContent = `The ${res.model} network ${res.message}${after}${flipsText}.`;
  $("result-label").textContent = r.exact ? "recalled" : "closest";
  box.dataset.exact = String(r.exact);
  box.dataset.recalled = r.name;
  box.dataset.state = "done";
  document.querySelectorAll(".thumb").forEach((t) => t.classList.toggle("recalled", r.exact && t.dataset.name === r.name));
  const slider = $("step-slider");
  slider.max = res.frames.length - 1;
  setPlayerEnabled(true);
  $("energy-caption").textContent = res.single_neuron
    ? "Energy after each single neuron flip; dashed lines end the sweeps (every neuron visited once)."
    : res.model === "modern" ? "Energy after each update ξ ← X softmax(β Xᵀξ)." : "Energy after each synchronous step (all neurons at once).";
  renderOverlapRows(res);
  drawEnergy(res);
  drawWeights(res);
  showFrame(0);
  play();
}

function overlapsAt(res, s) {
  return res.patterns.map((p) => p.reduce((acc, v, i) => acc + v * s[i], 0) / s.length);
}

function renderOverlapRows(res) {
  const body = $("overlaps").tBodies[0];
  body.replaceChildren();
  res.names.forEach((name, k) => {
    const tr = document.createElement("tr");
    tr.dataset.name = name;
    const td0 = document.createElement("td");
    td0.append(thumbCanvas(res.patterns[k], res.shape), document.createTextNode(name));
    const td1 = document.createElement("td");
    td1.textContent = res.initial_overlaps[k].toFixed(2);
    const td2 = document.createElement("td");
    td2.className = "overlap-now";
    tr.append(td0, td1, td2);
    body.append(tr);
  });
}

function frameLabel(res, f, j) {
  const n = res.frames.length - 1;
  const energy = f.energy === null ? "" : `, energy ${fmt(f.energy)}`;
  if (j === 0) return `${res.single_neuron ? "flip" : "step"} 0 / ${n}: the probe${energy}`;
  if (res.single_neuron) {
    const cols = res.shape[1];
    return `flip ${j} / ${n} (sweep ${f.step}): neuron ${f.neuron} (row ${Math.floor(f.neuron / cols) + 1}, ` +
      `column ${(f.neuron % cols) + 1}) → ${f.value > 0 ? "+1" : "−1"}${energy}`;
  }
  const changed = f.changed ? `, ${f.changed.length} neuron${f.changed.length === 1 ? "" : "s"} changed` : "";
  return `step ${j} / ${n}${changed}${energy}`;
}

function showFrame(j) {
  const res = state.traj;
  if (!res) return;
  j = Math.max(0, Math.min(res.frames.length - 1, j));
  state.frame = j;
  const f = res.frames[j];
  $("step-slider").value = j;
  $("step-label").textContent = frameLabel(res, f, j);
  const view = $("state-view");
  const shape = res.shape;
  const cell = Math.max(1, Math.floor(220 / Math.max(shape[0], shape[1])));
  view.width = cell * shape[1]; view.height = cell * shape[0];
  drawGrid(view, f.state, shape, { cell });
  if (f.neuron !== null && cell >= 3) outlineCell(view, f.neuron, shape, cell, "#e08a3c", Math.min(3, cell / 2));
  view.dataset.frame = j;
  view.dataset.neuron = f.neuron === null ? "" : f.neuron;
  view.dataset.state = f.state.map((v) => (v > 0 ? "+" : "-")).join("");
  const m = overlapsAt(res, f.state);
  const best = m.reduce((b, v, i) => (Math.abs(v) > Math.abs(m[b]) ? i : b), 0);
  $("overlap-step").textContent = j;
  [...$("overlaps").tBodies[0].rows].forEach((tr, k) => {
    const td = tr.cells[2];
    const v = m[k];
    const bar = `<span class="bar"><i class="${v < 0 ? "neg" : ""}" style="left:${v < 0 ? 50 + 50 * v : 50}%;width:${50 * Math.abs(v)}%"></i></span>`;
    td.innerHTML = `${v.toFixed(2)}${bar}`;
    tr.classList.toggle("best", k === best);
  });
  moveEnergyMarker(j);
  if (f.neuron !== null && state.hoverRow === null) drawNeuronWeights(f.neuron);
}

const ICONS = {
  play: '<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M2 1 L11 6 L2 11 Z" fill="currentColor"/></svg>',
  pause: '<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><rect x="2" y="1" width="3" height="10" fill="currentColor"/><rect x="7" y="1" width="3" height="10" fill="currentColor"/></svg>',
};

function frameEvery() {
  const input = $("frame-every");
  const k = Math.floor(Number(input.value));
  return state.traj && state.traj.single_neuron && Number.isFinite(k) && k >= 1 ? k : 1;
}

function play() {
  stop();
  const res = state.traj;
  if (!res || $("result").dataset.state === "stale") return;
  if (state.frame >= res.frames.length - 1) showFrame(0);
  $("play").innerHTML = ICONS.pause;
  $("play").setAttribute("aria-label", "pause");
  $("play").title = "pause";
  state.timer = setInterval(() => {
    showFrame(state.frame + frameEvery());
    if (state.frame >= res.frames.length - 1) stop();
  }, res.single_neuron ? FRAME_MS.flip : FRAME_MS.step);
}

function stop() {
  if (state.timer !== null) clearInterval(state.timer);
  state.timer = null;
  $("play").innerHTML = ICONS.play;
  $("play").setAttribute("aria-label", "play");
  $("play").title = "play";
}

// Keys on the state view: arrows step one update, Home / End jump, space plays or pauses.
function playerKeys(ev) {
  if (!state.traj) return;
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (ev.key in moves) { stop(); showFrame(state.frame + moves[ev.key]); }
  else if (ev.key === "Home") { stop(); showFrame(0); }
  else if (ev.key === "End") { stop(); showFrame(state.traj.frames.length - 1); }
  else if (ev.key === " ") { if (state.timer === null) play(); else stop(); }
  else return;
  ev.preventDefault();
}

// ------------------------------------------------------------------------------ energy plot
function fmt(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-2)) return v.toExponential(2).replace("e+", "e");
  return a >= 100 ? v.toFixed(1) : v.toFixed(2);
}

// Round tick values covering [lo, hi]: multiples of 1, 2, 2.5 or 5 × 10^k, about `count` of them.
// Large or tiny values share one power of ten (`exponent`), shown once in the axis title.
function niceTicks(lo, hi, count = 5) {
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) || 10 * mag;
  const first = Math.ceil(lo / step - 1e-9), last = Math.floor(hi / step + 1e-9);
  const top = Math.max(Math.abs(first * step), Math.abs(last * step));
  const exponent = top >= 1e4 || (top > 0 && top < 1e-2) ? Math.floor(Math.log10(top)) : 0;
  const unit = Math.pow(10, exponent);
  const digits = Math.max(0, Math.ceil(-Math.log10(step / unit) - 1e-9) + (Math.abs((step / mag) - 2.5) < 1e-9 ? 1 : 0));
  const ticks = [];
  for (let k = first; k <= last; k++) {
    const value = k * step;
    const label = (value / unit).toFixed(digits).replace(/^-(0(\.0+)?)$/, "$1").replace("-", "−");
    ticks.push({ value, label });
  }
  return { ticks, step, exponent };
}

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

const PLOT = { W: 440, H: 250, L: 64, R: 14, T: 14, B: 38 };

function drawEnergy(res) {
  const plot = $("energy-plot");
  plot.replaceChildren();
  const { W, H, L, R, T, B } = PLOT;
  const frames = res ? res.frames : [];
  const pts = frames.map((f, i) => [i, f.energy]).filter(([, e]) => e !== null);
  if (!pts.length) {
    plot.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, "no recall yet"));
    return;
  }
  const n = Math.max(1, frames.length - 1);
  let lo = Math.min(...pts.map((p) => p[1])), hi = Math.max(...pts.map((p) => p[1]));
  if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) { lo -= 1; hi += 1; }
  let yt = niceTicks(lo, hi, 5);
  if (yt.ticks.length < 3) yt = niceTicks(lo, hi, 9);
  lo = Math.min(lo, yt.ticks[0].value); hi = Math.max(hi, yt.ticks[yt.ticks.length - 1].value);
  const pad = 0.04 * (hi - lo);
  lo -= pad; hi += pad;
  const x = (i) => L + ((W - L - R) * i) / n;
  const y = (e) => T + ((H - T - B) * (hi - e)) / (hi - lo);
  plot.dataset.frames = frames.length;
  for (const t of yt.ticks) {
    plot.append(svg("line", { x1: L, x2: W - R, y1: y(t.value), y2: y(t.value), class: "gridline" }));
    plot.append(svg("text", { x: L - 6, y: y(t.value) + 4, "text-anchor": "end", class: "tick tick-y", "data-value": t.value }, t.label));
  }
  const xt = niceTicks(0, n, 6);
  for (const t of xt.ticks) {
    if (!Number.isInteger(t.value)) continue;
    plot.append(svg("text", { x: x(t.value), y: H - B + 16, "text-anchor": "middle", class: "tick tick-x" }, String(t.value)));
  }
  plot.append(svg("line", { x1: L, x2: L, y1: T, y2: H - B, class: "axis" }));
  plot.append(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
  plot.append(svg("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", class: "axis-title" },
    res.single_neuron ? "neuron flips" : "step"));
  const scale = yt.exponent ? ` (× 10${String(yt.exponent).split("").map((ch) => SUPERSCRIPT[ch]).join("")})` : "";
  plot.append(svg("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", class: "axis-title y-title",
    transform: `rotate(-90 12 ${(T + H - B) / 2})` }, `energy${scale}`));
  // the end of each step: a sweep boundary (single-neuron updates) and a point
  let end = 0;
  const ends = [0];
  if (res.single_neuron) res.flips.forEach((f) => { end += f.length; ends.push(end); });
  else frames.forEach((_, i) => { if (i) ends.push(i); });
  if (res.single_neuron) {
    for (const i of ends.slice(1, -1)) plot.append(svg("line", { x1: x(i), x2: x(i), y1: T, y2: H - B, class: "sweep-line" }));
  }
  plot.append(svg("polyline", { points: pts.map(([i, e]) => `${x(i)},${y(e)}`).join(" "), class: "energy-line" }));
  ends.forEach((i, step) => {
    const e = frames[i].energy;
    if (e === null) return;
    const c = svg("circle", { cx: x(i), cy: y(e), r: 4, class: "energy-point", "data-step": step, "data-frame": i, "data-energy": e });
    c.append(svg("title", {}, `${res.single_neuron ? `after sweep ${step}` : `step ${step}`}: E = ${fmt(e)}`));
    c.addEventListener("click", () => { stop(); showFrame(i); });
    plot.append(c);
  });
  const marker = svg("circle", { r: 5, class: "energy-current" });
  plot.append(marker);
  plot.scale = { x, y };
}

function moveEnergyMarker(j) {
  const plot = $("energy-plot");
  const marker = plot.querySelector(".energy-current");
  const f = state.traj.frames[j];
  if (!marker || !plot.scale || f.energy === null) return;
  marker.setAttribute("cx", plot.scale.x(j));
  marker.setAttribute("cy", plot.scale.y(f.energy));
  marker.dataset.frame = j;
  marker.dataset.energy = f.energy;
}

// ------------------------------------------------------------------------------ weights view
function weightColor(level) {
  // level in [-127, 127] -> white .. blue (positive) or orange (negative)
  const t = Math.min(1, Math.abs(level) / 127);
  return mix([255, 255, 255], level >= 0 ? POSITIVE : NEGATIVE, t);
}

function clearWeights() {
  state.weights = null;
  $("weights-title").textContent = "Weights";
  $("weights-hint").textContent = "Press Recall to see the network's weights.";
  for (const id of ["weights-view", "neuron-weights"]) {
    const c = $(id);
    c.width = 1; c.height = 1;
    c.getContext("2d").clearRect(0, 0, 1, 1);
  }
  $("weights-view").dataset.kind = "";
  $("weights-layout").hidden = true;
  $("weights-info").textContent = "";
  $("neuron-weights-caption").textContent = "";
}

function drawWeights(res) {
  const view = $("weights-view");
  $("weights-layout").hidden = false;
  const ctx = () => view.getContext("2d");
  if (res.weights) {
    const n = res.weights.n;
    const bytes = Uint8Array.from(atob(res.weights.levels), (ch) => ch.charCodeAt(0));
    const levels = new Int8Array(bytes.buffer);
    state.weights = { n, levels, max: res.weights.max_abs, shape: res.shape };
    view.width = n; view.height = n;
    const img = ctx().createImageData(n, n);
    for (let k = 0; k < n * n; k++) {
      const [r, g, b] = weightColor(levels[k]);
      img.data.set([r, g, b, 255], 4 * k);
    }
    ctx().putImageData(img, 0, 0);
    view.dataset.kind = "weights";
    $("neuron-weights-box").hidden = false;
    view.dataset.n = n;
    view.dataset.maxAbs = res.weights.max_abs;
    $("weights-title").textContent = `Weight matrix W (${n} × ${n})`;
    $("weights-hint").textContent = `Row i holds the weights into neuron i; blue w > 0, orange w < 0, ` +
      `white 0 (largest |w| = ${fmt(res.weights.max_abs)}). Hover to read a weight; the image on the right is row i laid out as the picture, for the neuron that flipped last.`;
    drawNeuronWeights(res.frames.find((f) => f.neuron !== null)?.neuron ?? 0);
  } else {
    // no pairwise weights: the memory matrix Ξ, one stored pattern per row
    state.weights = null;
    const k = res.patterns.length, n = res.patterns[0].length;
    view.width = n; view.height = k;
    const img = ctx().createImageData(n, k);
    res.patterns.forEach((p, r) => p.forEach((v, c) => img.data.set([...mix(PAPER, INK, v > 0 ? 1 : 0), 255], 4 * (r * n + c))));
    ctx().putImageData(img, 0, 0);
    view.dataset.kind = "memories";
    view.dataset.n = n;
    $("weights-title").textContent = `Memory matrix Ξ (${k} × ${n})`;
    $("weights-hint").textContent = `The ${res.model} network has no pairwise weights: its energy is a function of the ` +
      "overlaps ξ·σ with the stored patterns, one per row here (dark = +1).";
    $("neuron-weights-box").hidden = true;
  }
  view.style.height = res.weights ? "" : `${Math.min(240, Math.max(24, 12 * view.height))}px`;
}

function drawNeuronWeights(i) {
  const w = state.weights;
  if (!w || i === null || i === undefined) return;
  const [rows, cols] = w.shape;
  const canvas = $("neuron-weights");
  const cell = Math.max(1, Math.floor(160 / Math.max(rows, cols)));
  canvas.width = cols * cell; canvas.height = rows * cell;
  const ctx = canvas.getContext("2d");
  for (let j = 0; j < w.n; j++) {
    const [r, g, b] = weightColor(w.levels[i * w.n + j]);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect((j % cols) * cell, Math.floor(j / cols) * cell, cell, cell);
  }
  outlineCell(canvas, i, w.shape, cell, "#1d2433", Math.min(2, cell / 2));
  canvas.dataset.neuron = i;
  $("neuron-weights-caption").textContent = `weights into neuron ${i} (row ${Math.floor(i / cols) + 1}, ` +
    `column ${(i % cols) + 1}), laid out as the image.`;
}

function setupWeights() {
  const view = $("weights-view");
  view.addEventListener("pointerleave", () => { state.hoverRow = null; });
  view.addEventListener("pointermove", (ev) => {
    const w = state.weights;
    if (!w) return;
    const rect = view.getBoundingClientRect();
    const j = Math.floor(((ev.clientX - rect.left) / rect.width) * w.n);
    const i = Math.floor(((ev.clientY - rect.top) / rect.height) * w.n);
    if (i < 0 || j < 0 || i >= w.n || j >= w.n) return;
    state.hoverRow = i;  // the animation leaves this row on show while the pointer is here
    drawNeuronWeights(i);
    const value = Number(((w.levels[i * w.n + j] * w.max) / 127).toPrecision(3));
    $("weights-info").textContent = `w[${i}][${j}] ≈ ${String(value).replace("-", "−")}: from neuron ${j} into neuron ${i}.`;
  });
}

// ------------------------------------------------------------------------------ start
async function main() {
  try {
    const [ds, ms] = await Promise.all([api("/api/datasets"), api("/api/models")]);
    state.limits = ds.limits;
    setupDatasets(ds.datasets);
    setupModels(ms.models);
    setupEditor();
    setupUpload();
    setupWeights();
    $("store-all").addEventListener("click", () => { state.stored = new Set(allPatterns().names); renderStrip(); markStale(); });
    $("store-none").addEventListener("click", () => { state.stored = new Set(); renderStrip(); markStale(); });
    $("recall").addEventListener("click", recall);
    $("play").addEventListener("click", () => (state.timer === null ? play() : stop()));
    $("step-forward").addEventListener("click", () => { stop(); showFrame(state.frame + 1); });
    $("step-back").addEventListener("click", () => { stop(); showFrame(state.frame - 1); });
    $("to-start").addEventListener("click", () => { stop(); showFrame(0); });
    $("to-end").addEventListener("click", () => { stop(); if (state.traj) showFrame(state.traj.frames.length - 1); });
    $("step-slider").addEventListener("input", (ev) => { stop(); showFrame(Number(ev.target.value)); });
    $("state-view").addEventListener("keydown", playerKeys);
    stop();
    await loadDataset();
    document.body.dataset.ready = "true";
  } catch (err) {
    showError($("error"), err);
  }
}

main();
