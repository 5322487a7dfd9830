/* The alliance page: search, filters, focus, bridges, legend, story and details panel over a vis-network.
 *
 * Globals, as in pyvis pages, for tests and users' own scripts: `network` (the vis.Network),
 * `nodes` and `edges` (its vis.DataSets), and `kg` (search, focusNode, applyFilters, state, ready...).
 * Every text from the graph goes into the page through textContent, never innerHTML.
 * The names on the canvas are drawn by this script at a fixed size on screen (vis.js would scale them
 * with the zoom), most central first, skipping any that would overlap one already drawn.
 */
var network, nodes, edges, kg;

(function () {
  "use strict";
  var t0 = performance.now();
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var data = json("kg-data"), meta = json("kg-meta"), details = json("kg-details");
  var byId = {}, adjacency = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; adjacency[n.id] = []; });
  data.edges.forEach(function (e) { adjacency[e.from].push(e.to); adjacency[e.to].push(e.from); });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function fold(s) {  // case- and accent-insensitive matching
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function metricName(k) { return k === "sector_reach" ? "cross-sector reach" : k.replace(/_/g, " "); }

  /* ---------- the view's state (what the URL fragment holds) ---------- */
  var DEFAULTS = { size: meta.sizeBy, color: meta.colorBy, hideKind: [], hideSector: [], theme: "", event: "",
                   since: "", focus: "", steps: 0, hide: false, step: 0, from: "", to: "" };
  var state = JSON.parse(JSON.stringify(DEFAULTS));

  /* ---------- the network ---------- */
  function sizeOf(n, metric) { var v = Number(n.m[metric]); return v > 0 && isFinite(v) ? Math.sqrt(v) : 0; }
  data.nodes.forEach(function (n) { n.value = sizeOf(n, state.size); });
  nodes = new vis.DataSet(data.nodes);
  edges = new vis.DataSet(data.edges);
  var container = $("kg-canvas");
  network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var tCreated = performance.now();
  kg = { ready: false, timings: { parsedAndCreatedMs: tCreated - t0 }, labels: [] };

  $("kg-title").textContent = meta.title;
  $("kg-subtitle").textContent = meta.subtitle;
  if (meta.notice) { $("kg-notice").textContent = meta.notice; $("kg-notice").hidden = false; }

  /* ---------- names on the canvas ---------- */
  var TOP = 10;            // the most central nodes: their names come first, in a bolder face
  var MAX_LABELS = 80;     // names drawn at most, so the picture stays readable
  var CANDIDATES = 600;    // nodes considered for a name, by rank (a 2,000-node page stays fast)
  var ranked = [];         // node ids, most central first under the current size metric
  function rank() {
    ranked = data.nodes.slice().sort(function (a, b) {
      return (Number(b.m[state.size]) || 0) - (Number(a.m[state.size]) || 0) || a.name.localeCompare(b.name);
    }).map(function (n) { return n.id; });
  }
  function central(k) { return ranked.filter(function (id) { return !hiddenNow[id]; }).slice(0, k || TOP); }
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
  function obstacles() {  // overlays on the canvas: no name is drawn under them
    var frame = container.getBoundingClientRect(), out = [];
    ["kg-legend-box", "kg-story", "kg-panel"].forEach(function (id) {
      var e = $(id);
      if (!e || e.hidden || !e.offsetParent) return;
      var r = e.getBoundingClientRect();
      out.push({ x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height, overlay: id });
    });
    return out;
  }
  function drawLabels(ctx) {
    var ratio = network.canvas.pixelRatio || 1, scale = network.getScale();
    var W = container.clientWidth, H = container.clientHeight;
    var taken = obstacles(), out = [], order = [];
    if (near) order = ranked.filter(function (id) { return near[id]; });
    order = order.concat(ranked.slice(0, CANDIDATES));
    var seen = {};
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (var i = 0; i < order.length && out.length < MAX_LABELS; i++) {
      var id = order[i];
      if (seen[id] || hiddenNow[id]) continue;
      seen[id] = true;
      var body = network.body.nodes[id], n = byId[id];
      if (!body || !n.text) continue;
      var p = network.canvasToDOM({ x: body.x, y: body.y });
      if (p.x < 0 || p.y < 0 || p.x > W || p.y > H) continue;
      var top = ranked.indexOf(id) < TOP || (near && near[id]);
      var size = top ? 14 : 12;
      ctx.font = (top ? "600 " : "") + size + "px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
      var w = ctx.measureText(n.text).width + 4, h = Math.ceil(size * 1.3);
      var r = (body.shape && body.shape.radius ? body.shape.radius : (body.options.size || 10)) * scale;
      var spots = [{ x: p.x - w / 2, y: p.y + r + 1 }, { x: p.x - w / 2, y: p.y - r - 1 - h },
                   { x: p.x + r + 2, y: p.y - h / 2 }, { x: p.x - r - 2 - w, y: p.y - h / 2 }];
      for (var s = 0; s < spots.length; s++) {
        var box = { x: spots[s].x, y: spots[s].y, w: w, h: h };
        if (box.x < 0 || box.y < 0 || box.x + w > W || box.y + h > H) continue;
        if (taken.some(function (t) { return overlaps(t, box); })) continue;
        var faded = near && !near[id];
        ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)";
        ctx.strokeText(n.text, box.x + 2, box.y + 1);
        ctx.fillStyle = faded ? "#b0b5bc" : "#1d2024";
        ctx.fillText(n.text, box.x + 2, box.y + 1);
        taken.push(box);
        out.push({ id: id, text: n.text, x: box.x, y: box.y, w: w, h: h, font: size, central: ranked.indexOf(id) < TOP });
        break;
      }
    }
    ctx.restore();
    kg.labels = out;
  }
  network.on("afterDrawing", drawLabels);
  network.once("afterDrawing", function () {
    kg.timings.firstDrawMs = performance.now() - t0;
    kg.timings.sinceNavigationMs = performance.now();
    setTimeout(function () { kg.ready = true; }, 0);
  });

  /* ---------- highlight, focus and the details panel ---------- */
  var DIM = { background: "#e9ebee", border: "#d5d8dc" };
  var near = null;  // id -> true for the nodes in focus (null: none)
  function within(id, steps) {
    var seen = {}, frontier = [id];
    seen[id] = true;
    for (var s = 0; s < steps; s++) {
      var next = [];
      frontier.forEach(function (a) { adjacency[a].forEach(function (b) { if (!seen[b]) { seen[b] = true; next.push(b); } }); });
      frontier = next;
    }
    return seen;
  }
  function paint() {  // colours: the scheme's, dimmed outside the focus
    var changes = data.nodes.map(function (n) {
      var keep = !near || near[n.id];
      return { id: n.id, color: keep ? n.colors[state.color] : DIM };
    });
    nodes.update(changes);
  }
  function highlight(id) { near = within(id, state.steps || 1); paint(); }
  function unhighlight() { if (!near) return; near = null; paint(); }

  var panel = $("kg-panel"), body = $("kg-panel-body");
  function factList(title, facts) {
    if (!facts.length) return null;
    var section = el("section");
    section.appendChild(el("h3", title));
    var ul = el("ul");
    facts.forEach(function (f) {
      var li = el("li", f.text);
      if (f.quote) li.appendChild(el("blockquote", "“" + f.quote + "”"));
      if (f.note) li.appendChild(el("p", "Curator's note: " + f.note, "kg-note"));
      if (f.source) {
        var src = el("div", "", "kg-source");
        src.appendChild(document.createTextNode("Source: "));
        if (f.url && /^https?:\/\//.test(f.url)) {
          var a = el("a", f.source);
          a.href = f.url; a.target = "_blank"; a.rel = "noopener noreferrer";
          src.appendChild(a);
        } else {
          src.appendChild(document.createTextNode(f.source));
        }
        li.appendChild(src);
      }
      ul.appendChild(li);
    });
    section.appendChild(ul);
    return section;
  }
  function showPanel(id) {
    var n = byId[id], d = details[id] || { facts: [], metrics: {} };
    body.replaceChildren();
    body.appendChild(el("h2", n.name));
    var kind = n.kind ? n.kind.charAt(0).toUpperCase() + n.kind.slice(1) : "";
    var sector = (meta.filters.sectors.filter(function (s) { return s.id === n.sector; })[0] || {}).label;
    body.appendChild(el("p", [kind, n.kind === "event" || n.kind === "theme" ? "" : sector].filter(Boolean).join(" · "), "kg-kind"));
    if (n.aliases.length) body.appendChild(el("p", "Also written: " + n.aliases.join("; ")));
    var steps = el("div", null, "kg-steps");
    steps.appendChild(el("span", "Show "));
    [1, 2, 3].forEach(function (k) {
      var b = el("button", String(k));
      b.type = "button"; b.dataset.steps = k;
      if (state.focus === id && state.steps === k) b.className = "on";
      b.addEventListener("click", function () { setFocus(id, k); });
      steps.appendChild(b);
    });
    steps.appendChild(el("span", " steps around this node"));
    body.appendChild(steps);
    var byKind = function (k) { return d.facts.filter(function (f) { return f.kind === k; }); };
    [["Titles", "title"], ["Events", "event"], ["Participants", "participant"], ["Sources", "source"],
     ["Curator's notes", "note"]].forEach(function (s) {
      var part = factList(s[0], byKind(s[1]));
      if (part) body.appendChild(part);
    });
    if (d.more) body.appendChild(el("p", "… and " + d.more.toLocaleString("en") + " more facts, not kept in this page: kg query --name provenance --param about=" + id.split("/").pop(), "kg-hint"));
    var neighbours = adjacency[id].map(function (x) { return byId[x]; })
      .sort(function (a, b) { return a.name.localeCompare(b.name); });
    if (neighbours.length) {
      var sec = el("section"), ul = el("ul");
      sec.appendChild(el("h3", "Connected to (" + neighbours.length + ")"));
      neighbours.slice(0, 60).forEach(function (m) {
        var li = el("li"), a = el("a", m.name);
        a.href = "#"; a.addEventListener("click", function (ev) { ev.preventDefault(); focusNode(m.id); });
        li.appendChild(a); ul.appendChild(li);
      });
      sec.appendChild(ul); body.appendChild(sec);
    }
    if (n.themes.length) {
      body.appendChild(el("h3", "Themes"));
      body.appendChild(el("p", n.themes.map(function (t) { return meta.themeLabels[t] || t; }).join(" · ")));
    }
    var values = Object.assign({}, d.metrics);
    if (n.m.sector_reach !== null && n.m.sector_reach !== undefined) values.sector_reach = n.m.sector_reach;
    var names = Object.keys(values).sort();
    if (names.length) {
      body.appendChild(el("h3", "Metrics"));
      var table = el("table");
      names.forEach(function (k) {
        var tr = el("tr"), v = values[k];
        tr.appendChild(el("td", metricName(k) + (k === state.size ? " (size)" : "")));
        tr.appendChild(el("td", Number.isInteger(v) ? v : Number(v).toPrecision(3)));
        table.appendChild(tr);
      });
      body.appendChild(table);
    }
    panel.hidden = false;
    panel.dataset.id = id;
    network.redraw();
  }
  function hidePanel() {
    panel.hidden = true; delete panel.dataset.id;
    if (state.focus) { state.focus = ""; state.steps = 0; applyFilters(); }
    unhighlight(); network.unselectAll(); writeHash(); network.redraw();
  }
  $("kg-panel-close").addEventListener("click", hidePanel);

  network.on("click", function (params) {
    if (params.nodes.length) {
      state.focus = params.nodes[0]; state.steps = 0;
      applyFilters(); highlight(params.nodes[0]); showPanel(params.nodes[0]); writeHash();
    } else if (!params.edges.length) hidePanel();
  });

  function focusNode(id) {
    if (!byId[id]) return false;
    if (hiddenNow[id]) resetFilters();
    var steps = Number($("kg-steps").value) || 0;
    if (steps) return setFocus(id, steps);
    state.focus = id; state.steps = 0;
    applyFilters();
    network.selectNodes([id]);
    highlight(id);
    showPanel(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    writeHash();
    return true;
  }
  // Show `steps` steps around `id`: the rest fades (or hides, with "hide the rest"); the view fits the focus.
  function setFocus(id, steps, quiet) {
    if (!byId[id]) return false;
    state.focus = id; state.steps = steps;
    applyFilters();
    network.selectNodes([id]);
    highlight(id);
    showPanel(id);
    var shown = Object.keys(near).filter(function (x) { return !hiddenNow[x]; });
    fitTo(shown);
    if (!quiet) writeHash();
    return true;
  }
  function fitTo(ids) {
    network.fit({ nodes: ids && ids.length ? ids : undefined, animation: false });
    if (network.getScale() > 1.6) network.moveTo({ scale: 1.6, animation: false });
  }

  /* ---------- search ---------- */
  var index = data.nodes.map(function (n) {
    return { id: n.id, name: n.name, keys: [n.name].concat(n.aliases).map(fold) };
  });
  function search(query) {
    var q = fold(query);
    if (!q) return [];
    var hits = [];
    index.forEach(function (e) {
      var best = 9;
      e.keys.forEach(function (k, i) {
        var pos = k.indexOf(q);
        if (pos < 0) return;
        var rank = (k === q ? 0 : pos === 0 ? 1 : 2) + (i ? 0.5 : 0);
        if (rank < best) best = rank;
      });
      if (best < 9) hits.push({ id: e.id, rank: best, name: e.name });
    });
    hits.sort(function (a, b) { return a.rank - b.rank || a.name.localeCompare(b.name); });
    return hits;
  }
  var input = $("kg-search"), results = $("kg-results");
  var current = [];
  function showResults() {
    current = search(input.value).slice(0, 12);
    results.replaceChildren();
    current.forEach(function (hit, i) {
      var n = byId[hit.id], li = el("li");
      li.setAttribute("role", "option");
      li.dataset.id = hit.id;
      if (i === 0) li.className = "active";
      li.appendChild(el("span", n.name));
      var q = fold(input.value);
      var alias = n.aliases.filter(function (a) { return fold(a).indexOf(q) >= 0; })[0];
      if (alias && fold(n.name).indexOf(q) < 0) li.appendChild(el("div", "also written " + alias, "kg-alias"));
      li.addEventListener("click", function () { focusNode(hit.id); });
      results.appendChild(li);
    });
    if (input.value && !current.length) results.appendChild(el("li", "No match"));
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      showResults();
      // A single match, or an exact name or alias, is focused at once.
      if (current.length === 1 || (current.length && current[0].rank === 0)) focusNode(current[0].id);
    }, 120);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { showResults(); if (current.length) focusNode(current[0].id); }
    if (ev.key === "Escape") { input.value = ""; results.replaceChildren(); hidePanel(); }
  });
  $("kg-steps").addEventListener("change", function () {
    if (state.focus) setFocus(state.focus, Number($("kg-steps").value) || 1);
  });
  $("kg-hide-rest").addEventListener("change", function () {
    state.hide = $("kg-hide-rest").checked;
    applyFilters(); writeHash();
  });

  /* ---------- filters ---------- */
  var f = meta.filters;
  function checks(containerId, items, name) {
    var box = $(containerId);
    items.forEach(function (item) {
      var label = el("label"), cb = el("input");
      cb.type = "checkbox"; cb.checked = true; cb.value = item.id; cb.name = name;
      cb.addEventListener("change", function () { readControls(); applyFilters(); writeHash(); });
      label.appendChild(cb); label.appendChild(document.createTextNode(item.label));
      box.appendChild(label);
    });
  }
  checks("kg-filter-kind", f.kinds, "kind");
  checks("kg-filter-sector", f.sectors, "sector");
  function options(selectId, items, text) {
    var sel = $(selectId);
    items.forEach(function (item) { var o = el("option", text(item)); o.value = item.id; sel.appendChild(o); });
    sel.addEventListener("change", function () { readControls(); applyFilters(); writeHash(); });
  }
  options("kg-filter-theme", f.themes, function (t) { return t.label; });
  options("kg-filter-event", f.events, function (e) { return (e.year ? e.year + " · " : "") + e.label; });
  options("kg-filter-year", f.years.map(function (y) { return { id: String(y) }; }), function (y) { return y.id; });

  function unchecked(name) {
    var out = [];
    document.querySelectorAll("input[name=" + name + "]").forEach(function (c) { if (!c.checked) out.push(c.value); });
    return out;
  }
  function readControls() {  // the filter controls -> state
    state.hideKind = unchecked("kind"); state.hideSector = unchecked("sector");
    state.theme = $("kg-filter-theme").value; state.event = $("kg-filter-event").value;
    state.since = $("kg-filter-year").value;
    if (years.length) {
      var a = years[Number($("kg-from").value)], b = years[Number($("kg-to").value)];
      state.from = a === years[0] && b === years[years.length - 1] ? "" : String(Math.min(a, b));
      state.to = state.from ? String(Math.max(a, b)) : "";
    }
  }
  function writeControls() {  // state -> the controls
    document.querySelectorAll("input[name=kind]").forEach(function (c) { c.checked = state.hideKind.indexOf(c.value) < 0; });
    document.querySelectorAll("input[name=sector]").forEach(function (c) { c.checked = state.hideSector.indexOf(c.value) < 0; });
    $("kg-filter-theme").value = state.theme; $("kg-filter-event").value = state.event;
    $("kg-filter-year").value = state.since;
    $("kg-size-by").value = state.size; $("kg-color-by").value = state.color;
    $("kg-steps").value = String(state.steps || 0); $("kg-hide-rest").checked = !!state.hide;
    if (years.length) {
      var p = period() || [years[0], years[years.length - 1]];
      $("kg-from").value = String(Math.max(0, years.indexOf(p[0]))); $("kg-to").value = String(Math.max(0, years.indexOf(p[1])));
      $("kg-from-v").textContent = p[0]; $("kg-to-v").textContent = p[1];
    }
  }
  function passes(n) {
    return state.hideKind.indexOf(n.kind) < 0 &&
      (n.kind === "event" || n.kind === "theme" || state.hideSector.indexOf(n.sector) < 0) &&
      (!state.theme || n.themes.indexOf(state.theme) >= 0) && (!state.event || n.events.indexOf(state.event) >= 0) &&
      (!state.since || n.years.some(function (y) { return y >= Number(state.since); })) &&
      (!period() || n.years.some(inPeriod));
  }
  // The period shown (null: all time): a node is in it when one of its events is; an edge when one of the
  // events behind it is (an edge with no event, a membership, whenever both its ends are shown).
  function period() { return state.from || state.to ? [Number(state.from || years[0]), Number(state.to || years[years.length - 1])] : null; }
  function inPeriod(y) { var p = period(); return !p || (y >= p[0] && y <= p[1]); }
  var years = f.years.slice(), edgeYears = {};
  data.edges.forEach(function (e) { edgeYears[e.id] = e.years || []; });
  var hiddenNow = {};  // node id -> hidden, kept here so a filter touches only the nodes that change
  function applyFilters() {
    if (arguments.length && arguments[0] && arguments[0].type) readControls();  // called as an event handler
    var focus = state.focus && state.steps && state.hide ? within(state.focus, state.steps) : null;
    var visible = {}, nodeChanges = [], shown = 0, passed = 0;
    data.nodes.forEach(function (n) {
      var pass = passes(n), ok = pass && (!focus || focus[n.id]);
      if (pass) passed++;
      visible[n.id] = !!ok;
      if (ok) shown++;
      if (!!hiddenNow[n.id] === !!ok) { nodeChanges.push({ id: n.id, hidden: !ok }); hiddenNow[n.id] = !ok; }
    });
    nodes.update(nodeChanges);
    var edgeChanges = [];
    edges.forEach(function (e) {
      var ok = visible[e.from] && visible[e.to] && (!edgeYears[e.id].length || !period() || edgeYears[e.id].some(inPeriod));
      if (!!e.hidden === !!ok) edgeChanges.push({ id: e.id, hidden: !ok });
    });
    edges.update(edgeChanges);
    $("kg-count").textContent = describe(shown, passed);
    var p = period();
    $("kg-title").textContent = meta.title + (p ? " · " + (p[0] === p[1] ? p[0] : p[0] + "–" + p[1]) : "");
    return shown;
  }
  // What the filters show, in words: a filter that hides nothing says so.
  function describe(shown, passed) {
    var total = data.nodes.length, what = [];
    if (state.theme) what.push("linked to the theme “" + (meta.themeLabels[state.theme] || state.theme) + "”");
    if (state.event) what.push("at “" + (meta.eventLabels[state.event] || state.event) + "”");
    if (state.since) what.push("with an event in or after " + state.since);
    var p = period();
    if (p) what.push("with an event in " + (p[0] === p[1] ? p[0] : p[0] + "–" + p[1]));
    if (state.hideKind.length) what.push("not of kind " + state.hideKind.join(", "));
    if (state.hideSector.length) what.push("outside " + state.hideSector.length + " unticked sector(s)");
    var text = "Showing " + shown.toLocaleString("en") + " of " + total.toLocaleString("en") + " nodes";
    if (what.length) {
      text += passed === total ? ". The filter (nodes " + what.join("; ") + ") hides nothing: every node matches it."
        : ": those " + what.join("; ") + " (" + (total - passed).toLocaleString("en") + " hidden).";
    }
    if (state.focus && state.steps) {
      text += (what.length ? "" : ".") + " Focus: " + state.steps + " step" + (state.steps > 1 ? "s" : "") + " around " + byId[state.focus].name +
        (state.hide ? " (the rest hidden)." : " (the rest faded).");
    }
    return text;
  }
  function resetFilters() {
    state.hideKind = []; state.hideSector = []; state.theme = ""; state.event = ""; state.since = "";
    state.from = ""; state.to = ""; stopPlay();
    writeControls();
    return applyFilters();
  }
  $("kg-reset").addEventListener("click", function () {
    state.focus = ""; state.steps = 0; resetFilters(); hidePanel(); network.fit(); writeHash();
  });

  /* ---------- the timeline: a range of years, and play ---------- */
  var playing = null;
  function stopPlay() { if (playing) { clearInterval(playing); playing = null; $("kg-play").textContent = "▶ Play"; } }
  // Play: the end of the range moves one year at a time, from the start year; nodes stay where they are.
  function play() {
    if (playing) { stopPlay(); return; }
    var p = period() || [years[0], years[years.length - 1]], start = p[0];
    var i = years.indexOf(start);
    $("kg-play").textContent = "❚❚ Pause";
    function tick() {
      state.from = String(start); state.to = String(years[i]);
      writeControls(); applyFilters(); writeHash();
      i++;
      if (i >= years.length) stopPlay();
    }
    tick();
    if (playing === null && i < years.length) playing = setInterval(tick, kg.playDelayMs || 1200);
  }
  if (years.length > 1) {
    ["kg-from", "kg-to"].forEach(function (id) {
      var r = $(id);
      r.min = "0"; r.max = String(years.length - 1); r.step = "1";
      r.addEventListener("input", function () { stopPlay(); readControls(); writeControls(); applyFilters(); writeHash(); });
    });
    $("kg-to").value = String(years.length - 1);
    $("kg-play").addEventListener("click", play);
  } else {
    $("kg-time-box").hidden = true;
  }

  /* ---------- size and colour ---------- */
  meta.sizeMetrics.forEach(function (k) { var o = el("option", metricName(k)); o.value = k; $("kg-size-by").appendChild(o); });
  meta.colorSchemes.forEach(function (k) { var o = el("option", { type: "kind", sector: "sector", community: "community" }[k]); o.value = k; $("kg-color-by").appendChild(o); });
  function setSize(metric) {
    state.size = metric;
    nodes.update(data.nodes.map(function (n) { return { id: n.id, value: sizeOf(n, metric) }; }));
    rank(); drawLegend();
  }
  function setColor(scheme) { state.color = scheme; paint(); drawLegend(); }
  $("kg-size-by").addEventListener("change", function () { setSize($("kg-size-by").value); writeHash(); });
  $("kg-color-by").addEventListener("change", function () { setColor($("kg-color-by").value); writeHash(); });

  /* ---------- legend ---------- */
  var legend = $("kg-legend");
  var glyph = { dot: "●", square: "■", diamond: "◆", hexagon: "⬢" };
  function legendItems() {
    return { colour: meta.legends[state.color], kinds: f.kinds.map(function (k) { return { label: k.label, glyph: glyph[k.shape] || "●" }; }) };
  }
  function drawLegend() {
    legend.replaceChildren();
    var items = legendItems();
    legend.appendChild(el("h2", "Colour: " + { type: "kind", sector: "sector", community: "community" }[state.color]));
    items.colour.forEach(function (item) {
      var row = el("div", null, "kg-legend-item"), sw = el("span", null, "kg-swatch");
      sw.style.background = item.color;
      row.appendChild(sw); row.appendChild(el("span", item.label));
      legend.appendChild(row);
    });
    legend.appendChild(el("h2", "Shape: kind"));
    items.kinds.forEach(function (k) {
      var row = el("div", null, "kg-legend-item");
      row.appendChild(el("span", k.glyph, "kg-shape"));
      row.appendChild(el("span", k.label));
      legend.appendChild(row);
    });
    legend.appendChild(el("h2", "Size: " + metricName(state.size)));
    legend.appendChild(el("div", "Bigger means higher. Lines: thicker for more shared facts.", "kg-legend-item"));
  }
  // The legend floats over the network; when it would cover too much of it, it starts folded.
  function fitLegend() {
    var box = $("kg-legend-box");
    box.open = true;
    if (box.getBoundingClientRect().height > 0.6 * container.clientHeight) box.open = false;
  }
  $("kg-legend-box").addEventListener("toggle", function () { network.redraw(); });

  /* ---------- bridges ---------- */
  (function () {
    var list = $("kg-bridges");
    if (!meta.bridges.length) { list.replaceWith(el("p", "No person or organization here meets another sector.", "kg-hint")); return; }
    meta.bridges.forEach(function (b) {
      var li = el("li"), a = el("a", b.name);
      a.href = "#"; a.dataset.id = b.id;
      a.addEventListener("click", function (ev) { ev.preventDefault(); setFocus(b.id, 1); });
      li.appendChild(a); li.appendChild(el("div", b.why, "kg-why"));
      list.appendChild(li);
    });
  })();

  /* ---------- the URL fragment: a link restores the view ---------- */
  var keys = {};  // short key (the IRI's last two segments) -> IRI, for nodes, themes and events
  function shortKey(iri) { return String(iri).split("/").slice(-2).join("/"); }
  Object.keys(byId).concat(Object.keys(meta.themeLabels), Object.keys(meta.eventLabels)).forEach(function (iri) { keys[shortKey(iri)] = iri; });
  function fromKey(k) { return keys[k] || (byId[k] || meta.themeLabels[k] || meta.eventLabels[k] ? k : ""); }
  var restoring = false;
  function hashOf(s) {
    var q = new URLSearchParams();
    if (s.size !== DEFAULTS.size) q.set("size", s.size);
    if (s.color !== DEFAULTS.color) q.set("color", s.color);
    if (s.hideKind.length) q.set("hide-kind", s.hideKind.join(","));
    if (s.hideSector.length) q.set("hide-sector", s.hideSector.join(","));
    if (s.theme) q.set("theme", shortKey(s.theme));
    if (s.event) q.set("event", shortKey(s.event));
    if (s.since) q.set("since", s.since);
    if (s.focus) q.set("focus", shortKey(s.focus));
    if (s.focus && s.steps) q.set("steps", String(s.steps));
    if (s.hide) q.set("hide", "1");
    if (s.from) q.set("from", s.from);
    if (s.to) q.set("to", s.to);
    if (s.step) q.set("step", String(s.step));
    return q.toString();
  }
  function writeHash() {
    if (restoring) return;
    var h = hashOf(state);
    if (location.hash.replace(/^#/, "") !== h) history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
  }
  function parseView(text) {
    var q = new URLSearchParams(String(text || "").replace(/^#/, "")), s = JSON.parse(JSON.stringify(DEFAULTS));
    if (meta.sizeMetrics.indexOf(q.get("size")) >= 0) s.size = q.get("size");
    if (meta.colorSchemes.indexOf(q.get("color")) >= 0) s.color = q.get("color");
    s.hideKind = (q.get("hide-kind") || "").split(",").filter(Boolean);
    s.hideSector = (q.get("hide-sector") || "").split(",").filter(Boolean);
    s.theme = fromKey(q.get("theme") || ""); s.event = fromKey(q.get("event") || "");
    s.since = /^\d{4}$/.test(q.get("since") || "") ? q.get("since") : "";
    s.focus = byId[fromKey(q.get("focus") || "")] ? fromKey(q.get("focus")) : "";
    s.steps = Math.max(0, Math.min(3, parseInt(q.get("steps") || "0", 10) || 0));
    s.hide = q.get("hide") === "1";
    s.step = Math.max(0, parseInt(q.get("step") || "0", 10) || 0);
    var a = parseInt(q.get("from"), 10), b = parseInt(q.get("to"), 10);
    if (years.indexOf(a) >= 0 || years.indexOf(b) >= 0) {
      a = years.indexOf(a) >= 0 ? a : years[0]; b = years.indexOf(b) >= 0 ? b : years[years.length - 1];
      s.from = String(Math.min(a, b)); s.to = String(Math.max(a, b));
    }
    return s;
  }
  // Put the page in the view `s` (as parsed from a fragment or a story step), all of it.
  function applyView(s) {
    restoring = true;
    var sizeChanged = s.size !== state.size, colorChanged = s.color !== state.color;
    state = s;
    writeControls();
    if (sizeChanged) setSize(s.size); else drawLegend();
    if (colorChanged) setColor(s.color);
    applyFilters();
    if (s.focus && s.steps) setFocus(s.focus, s.steps, true);
    else if (s.focus) { network.selectNodes([s.focus]); highlight(s.focus); showPanel(s.focus); network.fit({ animation: false }); }
    else { panel.hidden = true; near = null; paint(); network.unselectAll(); fitTo(Object.keys(byId).filter(function (id) { return !hiddenNow[id]; })); }
    showStep();
    restoring = false;
    writeHash();
    network.redraw();
  }
  window.addEventListener("hashchange", function () {
    if (location.hash.replace(/^#/, "") !== hashOf(state)) applyView(parseView(location.hash));
  });
  function copyLink() {
    var link = $("kg-link");
    link.value = location.href; link.hidden = false; link.select();
    var done = function () { $("kg-copy").textContent = "Link copied"; setTimeout(function () { $("kg-copy").textContent = "Copy link"; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(location.href).then(done, function () { document.execCommand("copy"); done(); });
    else { document.execCommand("copy"); done(); }
    return location.href;
  }
  $("kg-copy").addEventListener("click", copyLink);

  /* ---------- the picture: PNG at 2x with title and legend ---------- */
  function networkPixels(scale) {  // the network canvas redrawn at `scale` device pixels per CSS pixel
    var canvas = network.canvas, saved = canvas._determinePixelRatio;
    canvas._determinePixelRatio = function () { return scale; };
    canvas.setSize(); network.redraw(); network.renderer._redraw();
    var copy = document.createElement("canvas"), source = canvas.frame.canvas;
    copy.width = source.width; copy.height = source.height;
    copy.getContext("2d").drawImage(source, 0, 0);
    canvas._determinePixelRatio = saved;
    canvas.setSize(); network.redraw();
    return copy;
  }
  function snapshot(scale) {
    scale = scale || 2;
    var W = container.clientWidth, H = container.clientHeight, head = 58;
    var legendRows = meta.legends[state.color].length + f.kinds.length + 4;
    var legendW = 250, legendH = Math.max(H, 26 + legendRows * 19);
    var out = document.createElement("canvas");
    out.width = (W + legendW) * scale; out.height = (head + legendH) * scale;
    var ctx = out.getContext("2d");
    ctx.scale(scale, scale);
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, W + legendW, head + legendH);
    var pic = networkPixels(scale);
    ctx.drawImage(pic, 0, head, W, H);
    ctx.fillStyle = "#1d2024"; ctx.textBaseline = "top";
    ctx.font = "600 20px system-ui, sans-serif";
    ctx.fillText((storyStep() ? storyStep().title + " — " : "") + meta.title, 14, 10);
    ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = "#555";
    ctx.fillText($("kg-count").textContent.slice(0, 160), 14, 36);
    var x = W + 14, y = head + 6;
    function heading(t) { ctx.font = "600 13px system-ui, sans-serif"; ctx.fillStyle = "#222"; ctx.fillText(t, x, y); y += 20; }
    function row(t) { ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = "#222"; ctx.fillText(t, x + 20, y); y += 19; }
    ctx.strokeStyle = "#dddddd"; ctx.beginPath(); ctx.moveTo(W + 0.5, head); ctx.lineTo(W + 0.5, head + legendH); ctx.stroke();
    heading("Colour: " + state.color);
    meta.legends[state.color].forEach(function (item) {
      ctx.fillStyle = item.color; ctx.beginPath(); ctx.arc(x + 7, y + 7, 6, 0, 2 * Math.PI); ctx.fill();
      ctx.strokeStyle = "#666"; ctx.stroke(); row(item.label);
    });
    heading("Shape: kind");
    legendItems().kinds.forEach(function (k) { ctx.fillStyle = "#444"; ctx.fillText(k.glyph, x + 2, y); row(k.label); });
    heading("Size: " + metricName(state.size));
    return out;
  }
  function imageDataURL(scale) { return snapshot(scale).toDataURL("image/png"); }
  $("kg-save").addEventListener("click", function () {
    var a = document.createElement("a");
    a.href = imageDataURL(2); a.download = "alliance.png";
    document.body.appendChild(a); a.click(); a.remove();
  });
  // Print: the canvas is replaced by its picture, so the printed page does not depend on a redraw.
  window.addEventListener("beforeprint", function () {
    // (Chromium's print to PDF fires it again once the print layout has hidden the canvas: keep the picture.)
    if (container.clientWidth > 0 && container.clientHeight > 0 && network.canvas.frame.canvas.width > 0) {
      try { $("kg-print-image").src = imageDataURL(2); } catch (e) { /* keep the previous picture */ }
    }
  });
  $("kg-print").addEventListener("click", function () { window.print(); });

  /* ---------- the story ---------- */
  var story = meta.story;
  function storyStep() { return story && state.step ? story.steps[state.step - 1] : null; }
  function blocks(target, parts) {  // the caption's Markdown, already parsed and checked: text only
    parts.forEach(function (b) {
      var p = el(b.type === "li" ? "li" : "p");
      b.runs.forEach(function (r) {
        var node = r.href ? el("a", r.text) : el(r.code ? "code" : r.bold ? "strong" : r.em ? "em" : "span", r.text);
        if (r.href && /^https?:\/\//.test(r.href)) { node.href = r.href; node.target = "_blank"; node.rel = "noopener noreferrer"; }
        p.appendChild(node);
      });
      target.appendChild(p);
    });
  }
  function showStep() {
    var box = $("kg-story");
    if (!story) return;
    box.hidden = false;
    var s = storyStep(), n = story.steps.length;
    $("kg-story-title").textContent = s ? s.title : story.title;
    var caption = $("kg-story-caption");
    caption.replaceChildren();
    if (s) blocks(caption, s.caption); else caption.appendChild(el("p", n + " steps. Press Next or the → key to start."));
    $("kg-story-where").textContent = s ? "Step " + state.step + " of " + n : "";
    $("kg-story-back").disabled = !s; $("kg-story-next").disabled = state.step >= n;
  }
  function goToStep(i) {
    if (!story) return false;
    i = Math.max(0, Math.min(story.steps.length, i));
    var view = i ? parseView(story.steps[i - 1].view) : JSON.parse(JSON.stringify(DEFAULTS));
    view.step = i;
    applyView(view);
    return true;
  }
  if (story) {
    $("kg-story-next").addEventListener("click", function () { goToStep(state.step + 1); });
    $("kg-story-back").addEventListener("click", function () { goToStep(state.step - 1); });
    document.addEventListener("keydown", function (ev) {
      if (/^(INPUT|SELECT|TEXTAREA)$/.test((ev.target || {}).tagName || "")) return;
      if (ev.key === "ArrowRight") { ev.preventDefault(); goToStep(state.step + 1); }
      if (ev.key === "ArrowLeft") { ev.preventDefault(); goToStep(state.step - 1); }
    });
  }

  /* ---------- start ---------- */
  rank();
  drawLegend();
  fitLegend();
  var wantPng = /(^|[#&])png=1(&|$)/.test(location.hash);
  var first = parseView(location.hash);
  if (story && first.step && !location.hash.match(/(^|[#&])(focus|theme|event|since|hide-kind|hide-sector|size|color)=/)) {
    first = parseView(story.steps[Math.min(first.step, story.steps.length) - 1].view); first.step = parseView(location.hash).step;
  }
  applyView(first);
  if (wantPng) {  // kg viz --png: the picture, written into the page for --dump-dom
    document.body.classList.add("kg-export");
    network.setSize(); fitTo(Object.keys(byId).filter(function (id) { return !hiddenNow[id]; }));
    if (state.focus && state.steps) setFocus(state.focus, state.steps, true);
    setTimeout(function () { var pre = el("pre", imageDataURL(2)); pre.id = "kg-png"; document.body.appendChild(pre); }, 0);
  }

  kg.search = search;
  kg.focusNode = focusNode;
  kg.setFocus = setFocus;
  kg.applyFilters = applyFilters;
  kg.resetFilters = resetFilters;
  kg.setSize = setSize;
  kg.setColor = setColor;
  kg.central = central;
  kg.state = function () { return JSON.parse(JSON.stringify(state)); };
  kg.hash = function () { return hashOf(state); };
  kg.applyView = function (text) { applyView(parseView(text)); };
  kg.copyLink = copyLink;
  kg.imageDataURL = imageDataURL;
  kg.goToStep = goToStep;
  kg.play = play;
  kg.years = years;
})();
