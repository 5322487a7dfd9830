/* The alliance page: search, filters, legend and details panel over a vis-network.
 *
 * Globals, as in pyvis pages, for tests and users' own scripts: `network` (the vis.Network),
 * `nodes` and `edges` (its vis.DataSets), and `kg` (search, focusNode, applyFilters, ready).
 * Every text from the graph goes into the page through textContent, never innerHTML.
 */
var network, nodes, edges, kg;

(function () {
  "use strict";
  var t0 = performance.now();
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var data = json("kg-data"), meta = json("kg-meta"), details = json("kg-details");
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fold(s) {  // case- and accent-insensitive matching
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  /* ---------- the network ---------- */
  nodes = new vis.DataSet(data.nodes);
  edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var tCreated = performance.now();
  kg = { ready: false, timings: { parsedAndCreatedMs: tCreated - t0 } };
  network.once("afterDrawing", function () {
    kg.timings.firstDrawMs = performance.now() - t0;
    kg.timings.sinceNavigationMs = performance.now();
    kg.ready = true;
  });

  document.getElementById("kg-title").textContent = meta.title;
  document.getElementById("kg-subtitle").textContent = meta.subtitle;

  /* ---------- highlight and details panel ---------- */
  var DIM = { background: "#e9ebee", border: "#d5d8dc" };
  var dimmed = false;
  function highlight(id) {
    var near = {};
    near[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { near[n] = true; });
    var changes = nodes.get({ fields: ["id"] }).map(function (n) {
      var keep = near[n.id];
      return { id: n.id, color: keep ? byId[n.id].color : DIM, font: { color: keep ? "#222222" : "#c0c4ca" } };
    });
    nodes.update(changes);
    dimmed = true;
  }
  function unhighlight() {
    if (!dimmed) return;
    nodes.update(nodes.get({ fields: ["id"] }).map(function (n) {
      return { id: n.id, color: byId[n.id].color, font: { color: "#222222" } };
    }));
    dimmed = false;
  }

  var panel = document.getElementById("kg-panel"), body = document.getElementById("kg-panel-body");
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
    var byKind = function (k) { return d.facts.filter(function (f) { return f.kind === k; }); };
    [["Titles", "title"], ["Events", "event"], ["Participants", "participant"], ["Sources", "source"],
     ["Curator's notes", "note"]].forEach(function (s) {
      var part = factList(s[0], byKind(s[1]));
      if (part) body.appendChild(part);
    });
    var neighbours = network.getConnectedNodes(id).map(function (x) { return byId[x]; })
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
    var names = Object.keys(d.metrics);
    if (names.length) {
      body.appendChild(el("h3", "Metrics"));
      var table = el("table");
      names.forEach(function (k) {
        var tr = el("tr"), v = d.metrics[k];
        tr.appendChild(el("td", k.replace(/_/g, " ") + (k === meta.sizeBy ? " (size)" : "")));
        tr.appendChild(el("td", Number.isInteger(v) ? v : Number(v).toPrecision(3)));
        table.appendChild(tr);
      });
      body.appendChild(table);
    }
    panel.hidden = false;
    network.redraw();
  }
  function hidePanel() { panel.hidden = true; unhighlight(); network.unselectAll(); }
  document.getElementById("kg-panel-close").addEventListener("click", hidePanel);

  network.on("click", function (params) {
    if (params.nodes.length) { highlight(params.nodes[0]); showPanel(params.nodes[0]); }
    else if (!params.edges.length) hidePanel();
  });

  function focusNode(id) {
    if (!byId[id]) return false;
    if (hiddenNow[id]) resetFilters();
    network.selectNodes([id]);
    highlight(id);
    showPanel(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    return true;
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
  var input = document.getElementById("kg-search"), results = document.getElementById("kg-results");
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

  /* ---------- filters ---------- */
  var f = meta.filters;
  function checks(containerId, items, name) {
    var box = document.getElementById(containerId);
    items.forEach(function (item) {
      var label = el("label"), cb = el("input");
      cb.type = "checkbox"; cb.checked = true; cb.value = item.id; cb.name = name;
      cb.addEventListener("change", applyFilters);
      label.appendChild(cb); label.appendChild(document.createTextNode(item.label));
      box.appendChild(label);
    });
  }
  checks("kg-filter-kind", f.kinds, "kind");
  checks("kg-filter-sector", f.sectors, "sector");
  function options(selectId, items, text) {
    var sel = document.getElementById(selectId);
    items.forEach(function (item) { var o = el("option", text(item)); o.value = item.id; sel.appendChild(o); });
    sel.addEventListener("change", applyFilters);
  }
  options("kg-filter-theme", f.themes, function (t) { return t.label; });
  options("kg-filter-event", f.events, function (e) { return (e.year ? e.year + " · " : "") + e.label; });
  options("kg-filter-year", f.years.map(function (y) { return { id: String(y) }; }), function (y) { return y.id; });

  function checked(name) {
    var out = {};
    document.querySelectorAll("input[name=" + name + "]").forEach(function (c) { if (c.checked) out[c.value] = true; });
    return out;
  }
  var hiddenNow = {};  // node id -> hidden, kept here so a filter touches only the nodes that change
  function applyFilters() {
    var kinds = checked("kind"), sectors = checked("sector");
    var theme = document.getElementById("kg-filter-theme").value;
    var event = document.getElementById("kg-filter-event").value;
    var since = document.getElementById("kg-filter-year").value;
    since = since ? Number(since) : null;
    var visible = {}, nodeChanges = [], shown = 0;
    data.nodes.forEach(function (n) {
      var ok = kinds[n.kind] && (n.kind === "event" || n.kind === "theme" || sectors[n.sector]) &&
        (!theme || n.themes.indexOf(theme) >= 0) && (!event || n.events.indexOf(event) >= 0) &&
        (since === null || n.years.some(function (y) { return y >= since; }));
      visible[n.id] = !!ok;
      if (ok) shown++;
      if (!!hiddenNow[n.id] === !!ok) { nodeChanges.push({ id: n.id, hidden: !ok }); hiddenNow[n.id] = !ok; }
    });
    nodes.update(nodeChanges);
    var edgeChanges = [];
    edges.forEach(function (e) {
      var ok = visible[e.from] && visible[e.to];
      if (!!e.hidden === !!ok) edgeChanges.push({ id: e.id, hidden: !ok });
    });
    edges.update(edgeChanges);
    document.getElementById("kg-count").textContent =
      "Showing " + shown.toLocaleString("en") + " of " + data.nodes.length.toLocaleString("en") + " nodes";
    return shown;
  }
  function resetFilters() {
    document.querySelectorAll("#kg-sidebar input[type=checkbox]").forEach(function (c) { c.checked = true; });
    document.querySelectorAll("#kg-sidebar select").forEach(function (s) { s.value = ""; });
    return applyFilters();
  }
  document.getElementById("kg-reset").addEventListener("click", function () { resetFilters(); hidePanel(); network.fit(); });

  /* ---------- legend ---------- */
  var legend = document.getElementById("kg-legend");
  var colourTitle = { type: "Colour: kind", sector: "Colour: sector", community: "Colour: community" }[meta.colorBy];
  legend.appendChild(el("h2", colourTitle));
  meta.legend.forEach(function (item) {
    var row = el("div", null, "kg-legend-item"), sw = el("span", null, "kg-swatch");
    sw.style.background = item.color;
    row.appendChild(sw); row.appendChild(el("span", item.label));
    legend.appendChild(row);
  });
  legend.appendChild(el("h2", "Shape: kind"));
  var glyph = { dot: "●", square: "■", diamond: "◆", hexagon: "⬢" };
  f.kinds.forEach(function (k) {
    var row = el("div", null, "kg-legend-item");
    row.appendChild(el("span", glyph[k.shape] || "●", "kg-shape"));
    row.appendChild(el("span", k.label));
    legend.appendChild(row);
  });
  legend.appendChild(el("h2", "Size: " + meta.sizeBy.replace(/_/g, " ")));
  legend.appendChild(el("div", "Bigger means higher. Lines: thicker for more shared facts. Hover a line for the role, the event and the source sentence.", "kg-legend-item"));

  applyFilters();
  kg.search = search;
  kg.focusNode = focusNode;
  kg.applyFilters = applyFilters;
  kg.resetFilters = resetFilters;
})();
