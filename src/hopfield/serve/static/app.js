// hopfield serve: the recall page. Plain JavaScript, no libraries; talks to the JSON API of
// hopfield.serve.app. States are arrays of ±1 (or floats for the modern network), row-major.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG_NS = "http://www.w3.org/2000/svg";
const DEFAULT_STORED = { letters: ["T", "I", "U", "Z"] };
const INK = [29, 36, 51];
const PAPER = [238, 241, 245];

const state = {
  models: [],
  params: {},          // model name -> {param: value}
  limits: {},
  set: null,           // {name, names, shape, patterns}
  uploads: [],         // [{name, pattern}] added to the current set
  stored: new Set(),   // names of the stored patterns
  probe: [],
  traj: null,          // last /api/recall answer
  step: 0,
  timer: null,
};

// ------------------------------------------------------------------------------ API
async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  let data;
  try { data = await res.json(); } catch (e) { data = { error: `HTTP ${res.status}` }; }
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

function showError(el, err) {
  el.textContent = err ? String(err.message || err) : "";
  el.className = "message " + (err ? "error" : "");
}

// ------------------------------------------------------------------------------ drawing
function shade(v) {
  // v in [-1, 1]: -1 paper, +1 ink
  const t = Math.max(0, Math.min(1, (v + 1) / 2));
  return `rgb(${PAPER.map((p, i) => Math.round(p + t * (INK[i] - p))).join(",")})`;
}

function drawGrid(canvas, values, shape, opts = {}) {
  const [rows, cols] = shape;
  const ctx = canvas.getContext("2d");
  const cell = opts.cell || Math.max(1, Math.floor(Math.min(canvas.width / cols, canvas.height / rows)));
  const w = cell * cols, h = cell * rows;
  if (opts.fit) { canvas.width = w; canvas.height = h; }
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

function thumbCanvas(values, shape) {
  const c = document.createElement("canvas");
  c.width = shape[1]; c.height = shape[0];
  drawGrid(c, values, shape, { cell: 1 });
  return c;
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
  const opt = $("dataset-option");
  const info = state.datasets.find((d) => d.name === name);
  showError($("error"), null);
  try {
    const set = await api(`/api/datasets/${name}?${info.option.name}=${encodeURIComponent(opt.value)}`);
    state.set = set;
    state.uploads = [];
    const wanted = DEFAULT_STORED[name] || set.names.slice(0, 4);
    state.stored = new Set(wanted.filter((n) => set.names.includes(n)));
    renderStrip();
    const first = set.names.indexOf(wanted[0]);
    setProbe(set.patterns[Math.max(0, first)].slice());
    $("start-from").value = set.names[Math.max(0, first)];
    clearResult();
  } catch (err) {
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
let paint = null; // value being painted during a drag, or null
let cursor = -1;  // keyboard cursor on the probe grid (arrow keys move it, space toggles), or -1

function setProbe(values) {
  state.probe = values.map((v) => (v > 0 ? 1 : -1));
  drawProbe();
}

function drawProbe() {
  const canvas = $("probe-grid");
  const shape = state.set.shape;
  const cell = Math.max(4, Math.floor(300 / Math.max(shape[0], shape[1])));
  canvas.width = cell * shape[1];
  canvas.height = cell * shape[0];
  drawGrid(canvas, state.probe, shape, { cell, lines: true });
  if (cursor >= 0 && cursor < state.probe.length && document.activeElement === canvas) {
    const ctx = canvas.getContext("2d");
    ctx.strokeStyle = "#2f6fde";
    ctx.lineWidth = 3;
    ctx.strokeRect((cursor % shape[1]) * cell + 1.5, Math.floor(cursor / shape[1]) * cell + 1.5, cell - 3, cell - 3);
  }
  canvas.dataset.rows = shape[0];
  canvas.dataset.cols = shape[1];
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

function setupEditor() {
  const canvas = $("probe-grid");
  canvas.addEventListener("pointerdown", (ev) => {
    const i = cellAt(ev);
    if (i < 0) return;
    canvas.setPointerCapture(ev.pointerId);
    paint = -state.probe[i];
    state.probe[i] = paint;
    drawProbe();
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (paint === null) return;
    const i = cellAt(ev);
    if (i >= 0 && state.probe[i] !== paint) { state.probe[i] = paint; drawProbe(); }
  });
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
    } else {
      return;
    }
    ev.preventDefault();
    drawProbe();
  });
  canvas.addEventListener("focus", drawProbe);
  canvas.addEventListener("blur", drawProbe);
  const stop = () => { paint = null; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

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
      const res = await api("/api/corrupt", {
        state: state.probe, percent: Number($("corrupt-percent").value), seed: Number($("corrupt-seed").value),
      });
      setProbe(res.state);
      $("corrupt-seed").value = Number($("corrupt-seed").value) + 1; // a new corruption next time
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
      msg.className = "message ok";
      msg.textContent = `added “${name}” (${res.shape[0]}×${res.shape[1]}) and stored it.`;
    } catch (err) {
      msg.className = "message bad";
      msg.textContent = String(err.message || err);
    }
  });
}

// ------------------------------------------------------------------------------ models
function setupModels(models) {
  state.models = models;
  for (const m of models) {
    state.params[m.name] = Object.fromEntries(m.params.map((p) => [p.name, p.default]));
  }
  const sel = $("model");
  sel.replaceChildren(...models.map((m) => new Option(m.label, m.name)));
  sel.addEventListener("change", renderParams);
  renderParams();
}

function renderParams() {
  const m = state.models.find((x) => x.name === $("model").value);
  $("model-description").textContent = m.description;
  $("seed-label").hidden = !m.uses_rng;
  const box = $("model-params");
  box.replaceChildren();
  for (const p of m.params) {
    const label = document.createElement("label");
    label.className = "block";
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
      state.params[m.name][p.name] = p.kind === "choice" ? input.value : Number(input.value);
    };
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    label.append(input);
    box.append(label);
  }
}

// ------------------------------------------------------------------------------ recall
async function recall() {
  showError($("error"), null);
  const stored = storedPatterns();
  if (!stored.patterns.length) { showError($("error"), new Error("store at least one pattern (click one in panel 1).")); return; }
  const model = $("model").value;
  const btn = $("recall");
  btn.disabled = true;
  btn.textContent = "Computing…";
  $("result").dataset.state = "running";
  try {
    const res = await api("/api/recall", {
      patterns: stored.patterns, names: stored.names, probe: state.probe, shape: state.set.shape,
      model, params: state.params[model], seed: Number($("seed").value),
    });
    res.patterns = stored.patterns;
    showResult(res);
  } catch (err) {
    $("result").dataset.state = "error";
    showError($("error"), err);
  } finally {
    btn.disabled = false;
    btn.textContent = "Recall";
  }
}

function clearResult() {
  stop();
  state.traj = null;
  $("result").dataset.state = "empty";
  $("result-name").textContent = "–";
  $("result-label").textContent = "recalled";
  $("result-overlap").textContent = "–";
  $("result-status").textContent = "";
  $("result-message").textContent = "";
  $("overlaps").tBodies[0].replaceChildren();
  $("play").disabled = true;
  $("step-slider").disabled = true;
  $("step-label").textContent = "Press Recall to run the network.";
  drawEnergy(null);
  const view = $("state-view");
  view.getContext("2d").clearRect(0, 0, view.width, view.height);
  document.querySelectorAll(".thumb.recalled").forEach((t) => t.classList.remove("recalled"));
}

function showResult(res) {
  stop();
  state.traj = res;
  const r = res.recalled;
  const box = $("result");
  $("result-name").textContent = r.name;
  $("result-overlap").textContent = r.overlap.toFixed(2);
  $("result-status").textContent = r.exact && r.overlap > 0 ? `The final state is the stored pattern ${r.name}.` : `${r.status[0].toUpperCase()}${r.status.slice(1)}.`;
  const after = res.converged ? ` after ${res.steps} step${res.steps === 1 ? "" : "s"}` : "";
  $("result-message").textContent = `The ${res.model} network ${res.message}${after}.`;
  $("result-label").textContent = r.exact ? "recalled" : "closest";
  box.dataset.exact = String(r.exact);
  box.dataset.recalled = r.name;
  box.dataset.state = "done";
  document.querySelectorAll(".thumb").forEach((t) => t.classList.toggle("recalled", r.exact && t.dataset.name === r.name));
  const slider = $("step-slider");
  slider.max = res.states.length - 1;
  slider.disabled = false;
  $("play").disabled = false;
  renderOverlapRows(res);
  drawEnergy(res.energies);
  showStep(0);
  play();
}

function overlapsAt(res, step) {
  const s = res.states[step];
  return res.patterns.map((p) => p.reduce((acc, v, i) => acc + v * s[i], 0) / s.length);
}

function renderOverlapRows(res) {
  const body = $("overlaps").tBodies[0];
  body.replaceChildren();
  res.names.forEach((name, k) => {
    const tr = document.createElement("tr");
    tr.dataset.name = name;
    const td0 = document.createElement("td");
    td0.append(thumbCanvas(res.patterns[k], state.set.shape), document.createTextNode(name));
    const td1 = document.createElement("td");
    td1.textContent = res.initial_overlaps[k].toFixed(2);
    const td2 = document.createElement("td");
    td2.className = "overlap-now";
    tr.append(td0, td1, td2);
    body.append(tr);
  });
}

function showStep(step) {
  const res = state.traj;
  if (!res) return;
  state.step = step;
  const n = res.states.length - 1;
  $("step-slider").value = step;
  $("step-label").textContent = step === 0 ? `step 0 / ${n} (the probe)` : `step ${step} / ${n}` +
    (res.energies[step] === null ? "" : `, energy ${fmt(res.energies[step])}`);
  const view = $("state-view");
  const shape = state.set.shape;
  const cell = Math.max(1, Math.floor(220 / Math.max(shape[0], shape[1])));
  view.width = cell * shape[1]; view.height = cell * shape[0];
  drawGrid(view, res.states[step], shape, { cell });
  const m = overlapsAt(res, step);
  const best = m.reduce((b, v, i) => (Math.abs(v) > Math.abs(m[b]) ? i : b), 0);
  $("overlap-step").textContent = step;
  [...$("overlaps").tBodies[0].rows].forEach((tr, k) => {
    const td = tr.cells[2];
    const v = m[k];
    const bar = `<span class="bar"><i class="${v < 0 ? "neg" : ""}" style="left:${v < 0 ? 50 + 50 * v : 50}%;width:${50 * Math.abs(v)}%"></i></span>`;
    td.innerHTML = `${v.toFixed(2)}${bar}`;
    tr.classList.toggle("best", k === best);
  });
  document.querySelectorAll("#energy-plot .energy-point").forEach((c) => c.classList.toggle("current", Number(c.dataset.step) === step));
}

const ICONS = {
  play: '<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M2 1 L11 6 L2 11 Z" fill="currentColor"/></svg>',
  pause: '<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><rect x="2" y="1" width="3" height="10" fill="currentColor"/><rect x="7" y="1" width="3" height="10" fill="currentColor"/></svg>',
};

function play() {
  stop();
  const res = state.traj;
  if (!res) return;
  if (state.step >= res.states.length - 1) showStep(0);
  $("play").innerHTML = ICONS.pause;
  $("play").setAttribute("aria-label", "pause");
  state.timer = setInterval(() => {
    if (state.step >= res.states.length - 1) { stop(); return; }
    showStep(state.step + 1);
  }, 450);
}

function stop() {
  if (state.timer !== null) clearInterval(state.timer);
  state.timer = null;
  $("play").innerHTML = ICONS.play;
  $("play").setAttribute("aria-label", "play");
}

// ------------------------------------------------------------------------------ energy plot
function fmt(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-2)) return v.toExponential(2).replace("e+", "e");
  return a >= 100 ? v.toFixed(1) : v.toFixed(2);
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function drawEnergy(energies) {
  const plot = $("energy-plot");
  plot.replaceChildren();
  const W = 440, H = 250, L = 70, R = 14, T = 14, B = 38;
  const pts = (energies || []).map((e, i) => [i, e]).filter(([, e]) => e !== null);
  if (!pts.length) {
    plot.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, "no recall yet"));
    return;
  }
  const n = Math.max(1, energies.length - 1);
  let lo = Math.min(...pts.map((p) => p[1])), hi = Math.max(...pts.map((p) => p[1]));
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const pad = 0.08 * (hi - lo);
  lo -= pad; hi += pad;
  const x = (i) => L + ((W - L - R) * i) / n;
  const y = (e) => T + ((H - T - B) * (hi - e)) / (hi - lo);
  for (let k = 0; k <= 4; k++) {
    const e = lo + ((hi - lo) * k) / 4;
    plot.append(svg("line", { x1: L, x2: W - R, y1: y(e), y2: y(e), class: "gridline" }));
    plot.append(svg("text", { x: L - 6, y: y(e) + 4, "text-anchor": "end", class: "tick" }, fmt(e)));
  }
  const every = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i <= n; i += every) {
    plot.append(svg("text", { x: x(i), y: H - B + 16, "text-anchor": "middle", class: "tick" }, String(i)));
  }
  plot.append(svg("line", { x1: L, x2: L, y1: T, y2: H - B, class: "axis" }));
  plot.append(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }));
  plot.append(svg("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", class: "axis-title" }, "step"));
  plot.append(svg("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", class: "axis-title",
    transform: `rotate(-90 12 ${(T + H - B) / 2})` }, "energy"));
  plot.append(svg("polyline", { points: pts.map(([i, e]) => `${x(i)},${y(e)}`).join(" "), class: "energy-line" }));
  for (const [i, e] of pts) {
    const c = svg("circle", { cx: x(i), cy: y(e), r: 4, class: "energy-point", "data-step": i, "data-energy": e });
    c.append(svg("title", {}, `step ${i}: E = ${fmt(e)}`));
    c.addEventListener("click", () => { stop(); showStep(i); });
    plot.append(c);
  }
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
    $("store-all").addEventListener("click", () => { state.stored = new Set(allPatterns().names); renderStrip(); });
    $("store-none").addEventListener("click", () => { state.stored = new Set(); renderStrip(); });
    $("recall").addEventListener("click", recall);
    $("play").addEventListener("click", () => (state.timer === null ? play() : stop()));
    $("step-slider").addEventListener("input", (ev) => { stop(); showStep(Number(ev.target.value)); });
    await loadDataset();
    document.body.dataset.ready = "true";
  } catch (err) {
    showError($("error"), err);
  }
}

main();
