// acutesim closure explorer. Hand-written, no libraries; see acutesim/report/explorer.py.
// Call-to-door = ((nearest post drive + dispatch) + on scene) + drive to the nearest open
// counted SEH, in this order of additions (as acutesim.geo.norm), beyond = > norm.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("explorer-data").textContent);
  const SVGNS = "http://www.w3.org/2000/svg";

  function decode(b64) {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Float64Array(bytes.buffer);
  }

  const postDrive = decode(D.post_drive_b64);
  const matrix = decode(D.area_to_site_b64);
  const nAreas = D.areas.length;
  const nCols = D.n_site_columns;
  const population = Float64Array.from(D.areas.map((a) => a.population));
  const siteByColumn = new Array(nCols);
  D.sites.forEach((s) => { if (s.column >= 0) siteByColumn[s.column] = s; });
  const byId = new Map(D.sites.map((s) => [s.id, s]));

  const state = {
    closed: new Set(),
    dispatch: D.defaults.dispatch_minutes,
    onScene: D.defaults.on_scene_minutes,
    norm: D.defaults.norm_minutes,
  };

  // -- URL hash: #closed=a,b&dispatch=3&onscene=20&norm=45 -----------------------------
  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    state.closed = new Set(
      (params.get("closed") || "").split(",").filter((id) => byId.has(id) && byId.get(id).column >= 0)
    );
    const num = (key, fallback) => {
      const v = parseFloat(params.get(key));
      return Number.isFinite(v) && v >= 0 ? v : fallback;
    };
    state.dispatch = num("dispatch", D.defaults.dispatch_minutes);
    state.onScene = num("onscene", D.defaults.on_scene_minutes);
    state.norm = num("norm", D.defaults.norm_minutes);
  }

  function writeHash() {
    const closed = Array.from(state.closed).sort().join(",");
    const hash = `closed=${closed}&dispatch=${state.dispatch}&onscene=${state.onScene}&norm=${state.norm}`;
    if (location.hash.replace(/^#/, "") !== hash) history.replaceState(null, "", "#" + hash);
  }

  // -- the norm -----------------------------------------------------------------------
  function compute() {
    const open = new Uint8Array(nCols);
    for (let j = 0; j < nCols; j++) open[j] = state.closed.has(siteByColumn[j].id) ? 0 : 1;
    const minutes = new Float64Array(nAreas);
    const nearest = new Int32Array(nAreas);
    const extra = new Float64Array(nCols);
    let beyond = 0;
    let total = 0;
    for (let i = 0; i < nAreas; i++) {
      const base = postDrive[i] + state.dispatch + state.onScene;
      let best = Infinity, bestJ = -1, second = Infinity;
      const row = i * nCols;
      for (let j = 0; j < nCols; j++) {
        if (!open[j]) continue;
        const v = matrix[row + j];
        if (v < best) { second = best; best = v; bestJ = j; }
        else if (v < second) second = v;
      }
      const m = base + best;
      minutes[i] = m;
      nearest[i] = Number.isFinite(best) ? bestJ : -1;
      total += population[i];
      if (m > state.norm) beyond += population[i];
      else if (bestJ >= 0 && base + second > state.norm) extra[bestJ] += population[i];
    }
    return { minutes, nearest, extra, beyond, total };
  }

  // -- colours: YlOrRd steps of 5 minutes up to the norm, dark red beyond ---------------
  const STEPS = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a"];
  const BEYOND = ["#bd0026", "#800026"];
  function colour(m) {
    if (!Number.isFinite(m)) return "#d9d9d9";
    if (m > state.norm + 15) return BEYOND[1];
    if (m > state.norm) return BEYOND[0];
    const k = Math.floor((state.norm - m) / 5);
    return STEPS[Math.max(0, STEPS.length - 1 - k)];
  }

  // -- drawing ------------------------------------------------------------------------
  const svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("viewBox", `-20 -20 ${D.view[0] + 40} ${D.view[1] + 40}`);
  const areaLayer = document.createElementNS(SVGNS, "g");
  const outline = document.createElementNS(SVGNS, "path");
  outline.setAttribute("d", D.outline);
  outline.setAttribute("class", "outline");
  const siteLayer = document.createElementNS(SVGNS, "g");
  const labelLayer = document.createElementNS(SVGNS, "g");
  const areaPaths = D.areas.map((a, i) => {
    const p = document.createElementNS(SVGNS, "path");
    p.setAttribute("d", a.d);
    p.setAttribute("class", "area");
    p.dataset.area = a.id;
    const t = document.createElementNS(SVGNS, "title");
    p.appendChild(t);
    // the tooltip is written when the pointer arrives, not on every recompute
    p.addEventListener("mouseenter", () => {
      const m = last.minutes[i];
      const j = last.nearest[i];
      const site = j >= 0 ? siteByColumn[j].name : "no open SEH";
      t.textContent =
        `${a.name}: ${Number.isFinite(m) ? m.toFixed(1) : "no access"} min to ${site}; ` +
        `${fmt(population[i])} inhabitants`;
    });
    areaLayer.appendChild(p);
    return p;
  });
  let last = { minutes: new Float64Array(nAreas), nearest: new Int32Array(nAreas) };
  const shownFill = new Array(nAreas).fill("");
  const shownBeyond = new Uint8Array(nAreas).fill(2);
  const siteNodes = new Map();
  D.sites.forEach((s) => {
    const g = document.createElementNS(SVGNS, "g");
    g.setAttribute("class", "site" + (s.column >= 0 ? " counted" : ""));
    g.setAttribute("transform", `translate(${s.x},${s.y})`);
    g.dataset.site = s.id;
    g.setAttribute("id", "site-" + s.id);
    if (s.column >= 0) {
      const r = document.createElementNS(SVGNS, "rect");
      r.setAttribute("x", -6); r.setAttribute("y", -6);
      r.setAttribute("width", 12); r.setAttribute("height", 12);
      g.appendChild(r);
      for (const [a, b, c, d] of [[-4, -4, 4, 4], [-4, 4, 4, -4]]) {
        const l = document.createElementNS(SVGNS, "line");
        l.setAttribute("x1", a); l.setAttribute("y1", b);
        l.setAttribute("x2", c); l.setAttribute("y2", d);
        l.setAttribute("visibility", "hidden");
        g.appendChild(l);
      }
      g.addEventListener("click", () => toggle(s.id));
    } else {
      const c = document.createElementNS(SVGNS, "circle");
      c.setAttribute("r", 4);
      g.appendChild(c);
    }
    const t = document.createElementNS(SVGNS, "title");
    t.textContent = s.column >= 0
      ? `${s.name} (${s.id}): click to close or reopen`
      : `${s.name} (${s.id}): SEH '${s.seh}', does not count for the norm`;
    g.appendChild(t);
    siteLayer.appendChild(g);
    siteNodes.set(s.id, g);
  });
  svg.append(areaLayer, outline, siteLayer, labelLayer);
  document.getElementById("map").appendChild(svg);

  // -- panel --------------------------------------------------------------------------
  const panel = document.getElementById("panel");
  panel.innerHTML = `
    <h2>Population beyond the norm</h2>
    <div><span class="big" id="beyond" data-value="0">0</span> inhabitants
      (<span id="share">0</span>)</div>
    <div class="note">of <span id="total"></span> inhabitants; call to door by ambulance
      to the nearest open 24/7 SEH over <span id="norm-text"></span> minutes.</div>
    <h2>Closed SEHs</h2>
    <div id="closed-list">none</div>
    <button id="reset" type="button">Reopen all</button>
    <h2>Assumptions</h2>
    <label>Dispatch (call handling and turnout): <b><span id="dispatch-v"></span> min</b>
      <input type="range" id="dispatch" min="0" max="15" step="0.5"></label>
    <label>On scene: <b><span id="onscene-v"></span> min</b>
      <input type="range" id="onscene" min="0" max="45" step="1"></label>
    <label>Norm: <b><span id="norm-v"></span> min</b>
      <input type="range" id="norm" min="15" max="90" step="1"></label>
    <h2>Sensitivity of the open SEHs</h2>
    <div class="note">Extra inhabitants beyond the norm if this SEH closed as well
      (gevoelig when above 0).</div>
    <table><thead><tr><th>SEH</th><th class="r">extra [persons]</th></tr></thead>
      <tbody id="sensitivity"></tbody></table>
    <h2>Legend</h2>
    <div id="legend"></div>
    <p class="note">Recomputed in <span id="recompute-ms" data-value="0">0</span> ms in
      this browser. Click a red square to close or reopen an SEH; the address (URL) keeps
      the selection, so it can be shared. Grey dots: sites whose SEH does not count
      (day-only or none). Outlined areas are beyond the norm.</p>`;

  const fmt = (v) => Math.round(v).toLocaleString("en-GB");
  const sliders = { dispatch: "dispatch", onscene: "onScene", norm: "norm" };
  for (const [id, key] of Object.entries(sliders)) {
    const input = document.getElementById(id);
    input.addEventListener("input", () => {
      state[key] = parseFloat(input.value);
      update();
    });
  }
  document.getElementById("reset").addEventListener("click", () => {
    state.closed.clear();
    update();
  });

  function toggle(id) {
    if (state.closed.has(id)) state.closed.delete(id);
    else state.closed.add(id);
    update();
  }

  function placeLabels(ids) {
    labelLayer.replaceChildren();
    const boxes = [];
    for (const id of ids) {
      const s = byId.get(id);
      const w = 6.2 * s.name.length, h = 12;
      const candidates = [[9, -4], [9, 12], [-9 - w, -4], [-9 - w, 12], [-w / 2, -12], [-w / 2, 22]];
      for (const [dx, dy] of candidates) {
        const box = [s.x + dx, s.y + dy - h, s.x + dx + w, s.y + dy];
        const clash = boxes.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]);
        if (clash) continue;
        boxes.push(box);
        const t = document.createElementNS(SVGNS, "text");
        t.setAttribute("class", "label");
        t.setAttribute("x", box[0]);
        t.setAttribute("y", box[3] - 2);
        t.textContent = s.name;
        labelLayer.appendChild(t);
        break;
      }
    }
  }

  function update() {
    const t0 = performance.now();
    const r = compute();
    last = r;
    for (let i = 0; i < nAreas; i++) {
      // touch the DOM only where something changed: a closure moves a few areas
      const m = r.minutes[i];
      const fill = colour(m);
      if (fill !== shownFill[i]) { areaPaths[i].setAttribute("fill", fill); shownFill[i] = fill; }
      const beyond = m > state.norm ? 1 : 0;
      if (beyond !== shownBeyond[i]) {
        areaPaths[i].setAttribute("class", beyond ? "area beyond" : "area");
        shownBeyond[i] = beyond;
      }
    }
    const sens = [];
    for (let j = 0; j < nCols; j++) {
      const s = siteByColumn[j];
      const closed = state.closed.has(s.id);
      const g = siteNodes.get(s.id);
      g.setAttribute("class", "site counted" + (closed ? " closed" : ""));
      g.querySelectorAll("line").forEach((l) => l.setAttribute("visibility", closed ? "visible" : "hidden"));
      if (!closed) sens.push([s, r.extra[j]]);
    }
    sens.sort((a, b) => b[1] - a[1] || (a[0].id < b[0].id ? -1 : 1));
    document.getElementById("beyond").textContent = fmt(r.beyond);
    document.getElementById("beyond").dataset.value = String(Math.round(r.beyond));
    document.getElementById("share").textContent =
      r.total > 0 ? (100 * r.beyond / r.total).toFixed(2) + "%" : "n/a";
    document.getElementById("total").textContent = fmt(r.total);
    document.getElementById("norm-text").textContent = state.norm;
    const closedIds = Array.from(state.closed).sort();
    document.getElementById("closed-list").textContent = closedIds.length
      ? closedIds.map((id) => `${byId.get(id).name} (${id})`).join(", ")
      : "none";
    document.getElementById("sensitivity").innerHTML = sens
      .map(([s, v]) => `<tr data-site="${s.id}"><td>${s.name.replace(/</g, "&lt;")} (${s.id})</td>` +
        `<td class="r">${fmt(v)}</td></tr>`)
      .join("");
    for (const [id, key] of Object.entries(sliders)) {
      document.getElementById(id).value = state[key];
      document.getElementById(id + "-v").textContent = state[key];
    }
    const sensitive = sens.filter(([, v]) => v > 0).slice(0, 8).map(([s]) => s.id);
    placeLabels([...closedIds, ...sensitive]);
    drawLegend(r);
    writeHash();
    const ms = performance.now() - t0;
    const out = document.getElementById("recompute-ms");
    out.textContent = ms.toFixed(1);
    out.dataset.value = String(ms);
  }

  function drawLegend(r) {
    const used = new Set();
    for (let i = 0; i < nAreas; i++) used.add(colour(r.minutes[i]));
    const n = state.norm;
    const rows = [];
    STEPS.forEach((c, k) => {
      const hi = n - 5 * (STEPS.length - 1 - k);
      const label = k === 0 ? `up to ${hi} min` : `${hi - 5} to ${hi} min`;
      rows.push([c, label]);
    });
    rows.push([BEYOND[0], `${n} to ${n + 15} min (beyond the norm)`]);
    rows.push([BEYOND[1], `over ${n + 15} min (beyond the norm)`]);
    rows.push(["#d9d9d9", "no ambulance access"]);
    document.getElementById("legend").innerHTML = rows
      .filter(([c]) => used.has(c))
      .map(([c, label]) => `<div><span class="swatch" style="background:${c}"></span>${label}</div>`)
      .join("");
  }

  readHash();
  window.addEventListener("hashchange", () => { readHash(); update(); });
  update();
  window.acutesimExplorer = { state, compute, update, toggle };
})();
