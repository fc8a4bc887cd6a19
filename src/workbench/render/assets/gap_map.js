/* Evidence and gap map: builds the matrix from the inline JSON. Data is only ever inserted with
 * textContent or attributes, never as HTML; strings from the address are looked up in Maps,
 * never as keys of plain objects. No network access. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gap-data").textContent);
  var CH = D.channels.map(function (c) { return c.id; });
  var FRAMEWORK = CH.indexOf("framework");
  var rowIndex = new Map(), topicIndex = new Map(), statusIndex = new Map();
  D.rows.forEach(function (r, i) { rowIndex.set(r.id, i); });
  D.topics.forEach(function (t, i) { topicIndex.set(t.id, i); });
  D.statuses.forEach(function (s, i) { statusIndex.set(s.id, i); });
  var S = function (i) { return i < 0 ? "" : D.strings[i]; };
  var WORK_CH = ["academic", "unlisted"].map(function (id) { return CH.indexOf(id); });
  var DESIGNS = D.designClasses.map(function (d) { return d.id; });
  var COUNTRIES = D.countryClasses.map(function (c) { return c.id; });
  var STANDARDS = D.rows.filter(function (r) { return r.level === "standard"; }).map(function (r) { return r.id; });
  var ST = CH.length; /* a cell: counts per channel, then status, demand, how, note, works */
  var guidelinesOf = new Map();
  D.rows.forEach(function (r, i) {
    if (r.level !== "guideline") return;
    if (!guidelinesOf.has(r.standard)) guidelinesOf.set(r.standard, []);
    guidelinesOf.get(r.standard).push(i);
  });

  function push(map, key, value) {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(value);
  }
  /* The sources' stated gaps, by "row|topic" cell, by row and by topic (indices). */
  var statedByCell = new Map(), statedByRow = new Map(), statedByTopic = new Map();
  D.statedCells.forEach(function (s) {
    push(statedByCell, s[0] + "|" + s[1], { gap: D.statements[s[2]], against: s[3] === 1, why: S(s[4]) });
  });
  D.statedRows.forEach(function (s) { push(statedByRow, s[0], D.statements[s[1]]); });
  D.statedTopics.forEach(function (s) { push(statedByTopic, s[0], D.statements[s[1]]); });

  /* Evidence grouped by "row|topic"; guideline rows keep only their own framework items. */
  var byCell = new Map();
  D.evidence.forEach(function (e, i) { push(byCell, e[0] + "|" + e[1], i); });
  /* What the search looks in: the citation, the linking sentence, the citing clause, the work. */
  var HAY = D.evidence.map(function (e) { return [S(e[4]), S(e[5]), S(e[9]), S(e[3])].join("\u0001").toLowerCase(); });

  var state = { dims: [], channels: [], designs: [], countries: [], open: [], cell: null, q: "" };
  var focus = { row: null, topic: null };
  var search = null; /* { terms, cells: Map "r|t" -> entries, entries } while a query is set */

  /* Styles go through the CSSOM: the page's CSP allows no inline style attribute. */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "style") node.style.cssText = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* ---------------- URL fragment <-> state ---------------- */
  var PARTS = ["dims", "channels", "designs", "countries", "open", "cell", "q"];
  function showNotice(problems) {
    var notice = document.getElementById("notice");
    if (!problems.length) { notice.hidden = true; notice.textContent = ""; return; }
    notice.hidden = false;
    notice.textContent = "This link could not be followed in full: " + problems.join("; ") +
      ". The map shows what the rest of the link asks for.";
  }
  function readFragment() {
    var problems = [];
    var params;
    try { params = new URLSearchParams(location.hash.replace(/^#/, "")); } catch (err) { params = new URLSearchParams(""); }
    params.forEach(function (value, name) {
      if (PARTS.indexOf(name) < 0) problems.push("“" + name + "” is not a part of this map's links");
    });
    var list = function (name, all, what) {
      if (!params.has(name)) return all.slice();
      var v = params.get(name);
      if (v === "") return [];
      var asked = v.split(","), good = asked.filter(function (x) { return all.indexOf(x) >= 0; });
      var bad = asked.filter(function (x) { return all.indexOf(x) < 0; });
      if (bad.length) problems.push("no " + what + " “" + bad.join("”, “") + "”");
      return good.length || !bad.length ? good : all.slice();
    };
    state.dims = list("dims", D.dimensions.map(function (d) { return d.id; }), "dimension");
    state.channels = list("channels", CH, "evidence channel");
    state.designs = list("designs", DESIGNS, "design");
    state.countries = list("countries", COUNTRIES, "country");
    state.open = params.has("open") ? list("open", STANDARDS, "standard") : [];
    if (!params.has("open") || params.get("open") === "") state.open = [];
    state.q = (params.get("q") || "").trim();
    state.cell = null;
    var cell = params.get("cell");
    if (cell !== null) {
      var parts = cell.split("~");
      if (parts.length === 2 && rowIndex.has(parts[0]) && topicIndex.has(parts[1])) {
        state.cell = parts;
        var row = D.rows[rowIndex.get(parts[0])], topic = D.topics[topicIndex.get(parts[1])];
        /* A deep link shows its cell: its standard opens and its dimension is shown. */
        if (row.level === "guideline" && state.open.indexOf(row.standard) < 0) state.open.push(row.standard);
        if (state.dims.indexOf(topic.dimension) < 0) state.dims.push(topic.dimension);
      } else problems.push("no cell “" + cell + "” on the map");
    }
    showNotice(problems);
    /* Filters in force are shown open, so the view says what it counts. */
    if (filtered() || state.dims.length < D.dimensions.length) document.getElementById("filters").open = true;
  }
  function writeFragment() {
    var parts = ["dims=" + state.dims.join(","), "channels=" + state.channels.join(","),
      "designs=" + state.designs.join(","), "countries=" + state.countries.join(","),
      "open=" + state.open.join(",")];
    if (state.cell) parts.push("cell=" + state.cell.join("~"));
    if (state.q) parts.push("q=" + encodeURIComponent(state.q));
    var hash = "#" + parts.map(function (p) { return p.replace(/ /g, "%20"); }).join("&");
    if (location.hash !== hash) {
      try { history.replaceState(null, "", hash); } catch (err) { location.hash = hash; }
    }
  }

  /* ---------------- what is visible and counted ---------------- */
  function visibleTopics() {
    return D.topics.filter(function (t) { return state.dims.indexOf(t.dimension) >= 0; });
  }
  function visibleRows() {
    return D.rows.filter(function (r) {
      return r.level === "standard" || state.open.indexOf(r.standard) >= 0;
    });
  }
  function cellData(rowId, topicId) { return D.cells[rowIndex.get(rowId)][topicIndex.get(topicId)]; }
  function workShown(w) {
    return state.channels.indexOf(CH[w[0]]) >= 0 && state.designs.indexOf(DESIGNS[w[1]]) >= 0 &&
      state.countries.indexOf(COUNTRIES[w[2]]) >= 0;
  }
  /* Count of a channel under the filters: cited works must also match the design and country. */
  function channelCount(c, i) {
    if (WORK_CH.indexOf(i) < 0) return state.channels.indexOf(CH[i]) >= 0 ? c[i] : 0;
    return c[ST + 4].filter(function (w) { return w[0] === i && workShown(w); }).length;
  }
  function shownCount(c) {
    var n = 0;
    CH.forEach(function (ch, i) { n += channelCount(c, i); });
    return n;
  }
  var filtered = function () {
    return state.channels.length < CH.length || state.designs.length < DESIGNS.length ||
      state.countries.length < COUNTRIES.length;
  };
  /* The status of the evidence counted under the filters, by the map's thresholds (the rules
   * of workbench.gaps.gap_status): nothing -> absolute gap; no cited work -> practice only;
   * too few works, UK works or evaluations -> thin; else covered. Unfiltered, it is the
   * map's own status. */
  var T = D.thresholds, UK = COUNTRIES.indexOf("uk"), EVALUATION = DESIGNS.indexOf("evaluation");
  function shownStatus(c) {
    if (!filtered()) return D.statuses[c[ST]];
    var counted = T.count_unlisted ? WORK_CH : [WORK_CH[0]];
    var works = c[ST + 4].filter(function (w) { return counted.indexOf(w[0]) >= 0 && workShown(w); });
    var uk = works.filter(function (w) { return w[2] === UK; }).length;
    var ev = works.filter(function (w) { return w[1] === EVALUATION; }).length;
    var id = shownCount(c) === 0 ? "absolute_gap" : works.length === 0 ? "practice_only" :
      (works.length < T.covered_min_references || uk < T.covered_min_uk || ev < T.covered_min_evaluations) ? "thin" : "covered";
    return statusIndex.has(id) ? D.statuses[statusIndex.get(id)] : D.statuses[c[ST]];
  }
  function statedOf(row, topic) {
    return statedByCell.get(rowIndex.get(row.id) + "|" + topicIndex.get(topic.id)) || [];
  }

  function describeCell(row, topic, c, st, n) {
    var parts = [row.label + " × " + topic.label + ": " + st.label.toLowerCase() + ", " + n + (n === 1 ? " item" : " items") + " counted."];
    if (c[ST + 1] === 2) parts.push("The guideline's own text names this topic, without enough evidence behind it.");
    else if (c[ST + 1] === 1) parts.push("The row's own text names this topic.");
    var stated = statedOf(row, topic);
    if (stated.length) parts.push("The sources state a gap here" + (stated.some(function (s) { return s.against; }) ?
      ", and the map disagrees." : ", and the map agrees."));
    if (search && search.cells.has(rowIndex.get(row.id) + "|" + topicIndex.get(topic.id))) parts.push("Holds evidence matching the search.");
    return parts.join(" ");
  }

  /* ---------------- controls ---------------- */
  function checkboxes(boxId, kind, items, key, chip) {
    var box = document.getElementById(boxId);
    items.forEach(function (d) {
      var label = el("label");
      var input = el("input", { type: "checkbox", value: d.id, "data-filter": kind });
      input.addEventListener("change", function () {
        state[key] = items.map(function (x) { return x.id; }).filter(function (id) {
          var b = box.querySelector('input[value="' + id + '"]');
          return b && b.checked;
        });
        update();
      });
      label.appendChild(input);
      if (chip) label.appendChild(el("span", { class: "chip c-" + d.id, "aria-hidden": "true" }, d.symbol));
      label.appendChild(document.createTextNode(d.label));
      box.appendChild(label);
    });
  }
  function buildFilters() {
    checkboxes("dimension-filter", "dimension", D.dimensions, "dims", false);
    checkboxes("channel-filter", "channel", D.channels, "channels", true);
    checkboxes("design-filter", "design", D.designClasses, "designs", false);
    checkboxes("country-filter", "country", D.countryClasses, "countries", false);
    document.getElementById("expand-all").addEventListener("click", function () {
      state.open = STANDARDS.slice();
      update();
    });
    document.getElementById("collapse-all").addEventListener("click", function () {
      state.open = [];
      update();
    });
    var input = document.getElementById("search"), timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = input.value.trim(); writeFragment(); applySearch(); renderEvidence(); }, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { input.value = ""; state.q = ""; writeFragment(); applySearch(); renderEvidence(); }
    });
  }
  function syncFilters() {
    [["dimension", "dims"], ["channel", "channels"], ["design", "designs"], ["country", "countries"]].forEach(function (spec) {
      document.querySelectorAll('input[data-filter="' + spec[0] + '"]').forEach(function (b) {
        b.checked = state[spec[1]].indexOf(b.value) >= 0;
      });
    });
    var input = document.getElementById("search");
    if (input.value.trim() !== state.q) input.value = state.q;
  }

  function buildLegend() {
    var ul = document.getElementById("status-legend");
    D.statuses.forEach(function (s) {
      var li = el("li", { "data-status": s.id });
      li.appendChild(el("span", { class: "swatch s-" + s.id, "aria-hidden": "true" }, s.symbol));
      li.appendChild(el("span", null, s.description));
      ul.appendChild(li);
    });
    var dl = el("li");
    dl.appendChild(el("span", { class: "demand", "aria-hidden": "true" }, "!"));
    dl.appendChild(el("span", null, "a guideline names the topic without enough evidence; • the row names it"));
    ul.appendChild(dl);
    var sl = el("li");
    sl.appendChild(el("span", { class: "stated against", "aria-hidden": "true" }, D.statedSymbol));
    sl.appendChild(el("span", null, "the sources state a gap here (circled: the map disagrees)"));
    ul.appendChild(sl);
    var cl = document.getElementById("channel-legend");
    cl.appendChild(el("li", null, "Bar: the evidence counted, by channel:"));
    D.channels.forEach(function (ch) {
      var li = el("li", { "data-channel": ch.id });
      li.appendChild(el("span", { class: "chip c-" + ch.id, "aria-hidden": "true" }, ch.symbol));
      li.appendChild(el("span", null, ch.label));
      cl.appendChild(li);
    });
    document.getElementById("threshold-note").textContent = D.thresholdNote;
    document.getElementById("footer").textContent = D.footer;
  }

  /* ---------------- the search ---------------- */
  function evidenceShown(e) {
    if (state.channels.indexOf(CH[e[2]]) < 0) return false;
    if (WORK_CH.indexOf(e[2]) < 0) return true;
    return state.designs.indexOf(DESIGNS[e[13]]) >= 0 && state.countries.indexOf(COUNTRIES[e[14]]) >= 0;
  }
  function termsOf(q) { return q.toLowerCase().split(/\s+/).filter(Boolean); }
  function matches(text, terms) { return terms.every(function (t) { return text.indexOf(t) >= 0; }); }
  /* Every cell holding counted evidence that matches every word of the query (a guideline
   * holds the narrative evidence of its standard). */
  function runSearch() {
    if (!state.q) return null;
    var terms = termsOf(state.q), cells = new Map(), entries = 0;
    var add = function (key) { cells.set(key, (cells.get(key) || 0) + 1); };
    D.evidence.forEach(function (e, i) {
      if (!evidenceShown(e) || !matches(HAY[i], terms)) return;
      entries += 1;
      add(e[0] + "|" + e[1]);
      var row = D.rows[e[0]];
      if (row.level === "standard" && e[2] !== FRAMEWORK) (guidelinesOf.get(row.id) || []).forEach(function (g) { add(g + "|" + e[1]); });
    });
    return { terms: terms, cells: cells, entries: entries };
  }
  function applySearch() {
    search = runSearch();
    var count = document.getElementById("search-count"), details = document.getElementById("search-details");
    var results = document.getElementById("search-results");
    results.replaceChildren();
    document.querySelectorAll("#grid td.hit").forEach(function (td) { td.classList.remove("hit"); });
    if (!search) { count.textContent = ""; details.hidden = true; refreshLabels(); return; }
    var keys = Array.from(search.cells.keys()).sort(function (a, b) {
      var x = a.split("|").map(Number), y = b.split("|").map(Number);
      return x[0] - y[0] || x[1] - y[1];
    });
    count.textContent = search.entries + (search.entries === 1 ? " evidence entry matches" : " evidence entries match") +
      " “" + state.q + "”, in " + keys.length + (keys.length === 1 ? " cell" : " cells") + " (outlined on the map).";
    details.hidden = keys.length === 0;
    document.getElementById("search-summary").textContent = "List the " + keys.length + " matching cells";
    keys.slice(0, 300).forEach(function (key) {
      var p = key.split("|").map(Number), row = D.rows[p[0]], topic = D.topics[p[1]];
      var li = el("li"), b = el("button", { type: "button", "data-row": row.id, "data-topic": topic.id },
        row.label + " × " + topic.label + " (" + search.cells.get(key) + ")");
      b.addEventListener("click", function () { reveal(row.id, topic.id); select(row.id, topic.id, "pointer"); });
      li.appendChild(b);
      results.appendChild(li);
    });
    document.querySelectorAll("#grid td[role=gridcell]").forEach(function (td) {
      var key = rowIndex.get(td.getAttribute("data-row")) + "|" + topicIndex.get(td.getAttribute("data-topic"));
      if (search.cells.has(key)) td.classList.add("hit");
    });
    refreshLabels();
  }

  /* ---------------- the grid ---------------- */
  var labelOf = new Map();
  function refreshLabels() {
    document.querySelectorAll("#grid td[role=gridcell]").forEach(function (td) {
      var info = labelOf.get(td);
      if (info) td.setAttribute("aria-label", info.visible + ". " + describeCell(info.row, info.topic, info.c, info.st, info.n));
    });
  }
  function buildGrid() {
    var topics = visibleTopics(), rows = visibleRows();
    var grid = document.getElementById("grid"), scroll = document.getElementById("map");
    var old = scroll.querySelector(".empty-grid");
    if (old) old.remove();
    grid.setAttribute("aria-rowcount", String(rows.length + 2));
    grid.setAttribute("aria-colcount", String(topics.length + 1));
    var thead = grid.querySelector("thead"), tbody = grid.querySelector("tbody");
    thead.replaceChildren();
    tbody.replaceChildren();
    labelOf = new Map();
    if (!topics.length) {
      grid.hidden = true;
      scroll.appendChild(el("p", { class: "empty-grid" }, "No topic is shown: tick a dimension under “Dimensions” to see the map."));
      document.getElementById("view-summary").textContent = "No topic is shown.";
      return;
    }
    grid.hidden = false;
    var top = el("tr", { role: "row" }), second = el("tr", { role: "row" });
    var corner = el("th", { class: "corner", role: "columnheader", rowspan: "2", scope: "col" });
    corner.appendChild(el("span", { class: "label-long" }, "Standard / guideline"));
    corner.appendChild(el("span", { class: "label-short", "aria-hidden": "true" }, "Row"));
    top.appendChild(corner);
    var starts = new Set();
    D.dimensions.forEach(function (d) {
      var n = topics.filter(function (t) { return t.dimension === d.id; }).length;
      if (!n) return;
      top.appendChild(el("th", { class: "dimension dim-start", role: "columnheader", colspan: String(n), scope: "colgroup" }, d.label));
    });
    var prev = null;
    topics.forEach(function (t) {
      var th = el("th", { class: "topic", role: "columnheader", scope: "col", "data-topic": t.id, title: t.definition || t.label });
      if (t.dimension !== prev) { th.classList.add("dim-start"); starts.add(t.id); }
      prev = t.dimension;
      th.appendChild(el("span", { class: "topic-label" }, t.label));
      var onTopic = statedByTopic.get(topicIndex.get(t.id));
      if (onTopic) {
        th.setAttribute("title", (t.definition || t.label) + "\nStated gaps: " + onTopic.map(function (g) { return "“" + g.quote + "” (" + g.where + ")"; }).join("\n"));
        th.appendChild(el("span", { class: "stated-mark", role: "img", "aria-label": "the sources state a gap on this topic" }, D.statedSymbol));
      }
      second.appendChild(th);
    });
    thead.appendChild(top);
    thead.appendChild(second);

    var rowIds = rows.map(function (r) { return r.id; }), topicIds = topics.map(function (t) { return t.id; });
    if (focus.row === null || rowIds.indexOf(focus.row) < 0) focus.row = rows.length ? rows[0].id : null;
    if (focus.topic === null || topicIds.indexOf(focus.topic) < 0) focus.topic = topics.length ? topics[0].id : null;

    rows.forEach(function (row) {
      var tr = el("tr", { role: "row", class: row.level, "data-row": row.id });
      var th = el("th", { role: "rowheader", scope: "row", title: row.label + ": " + row.text });
      if (row.level === "standard") {
        var open = state.open.indexOf(row.id) >= 0;
        var toggle = el("button", { type: "button", class: "row-toggle", tabindex: "-1", "aria-expanded": String(open),
          "aria-label": (open ? "Close " : "Open ") + row.label + " to " + (open ? "hide" : "show") + " its guidelines" }, open ? "−" : "+");
        toggle.addEventListener("click", function () {
          var i = state.open.indexOf(row.id);
          if (i >= 0) state.open.splice(i, 1); else state.open.push(row.id);
          update();
          var again = document.querySelector('tr[data-row="' + row.id + '"] .row-toggle');
          if (again) again.focus();
        });
        th.appendChild(toggle);
      }
      th.appendChild(el("span", { class: "label-long" }, row.label));
      th.appendChild(el("span", { class: "label-short", "aria-hidden": "true" }, row.short));
      var onRow = statedByRow.get(rowIndex.get(row.id));
      if (onRow) th.appendChild(el("span", { class: "stated-mark", role: "img", title: onRow.map(function (g) { return "“" + g.quote + "” (" + g.where + ")"; }).join("\n"),
        "aria-label": "the sources state a gap on this row" }, D.statedSymbol));
      th.appendChild(el("span", { class: "row-text" }, row.text));
      tr.appendChild(th);
      topics.forEach(function (topic) {
        var c = cellData(row.id, topic.id), st = shownStatus(c), n = shownCount(c);
        var selected = state.cell && state.cell[0] === row.id && state.cell[1] === topic.id;
        var td = el("td", { role: "gridcell", class: "s-" + st.id + (starts.has(topic.id) ? " dim-start" : ""),
          "data-row": row.id, "data-topic": topic.id, "data-status": st.id,
          tabindex: (row.id === focus.row && topic.id === focus.topic) ? "0" : "-1",
          "aria-selected": selected ? "true" : "false" });
        var visible = [st.symbol, String(n)];
        var top2 = el("div", { class: "cell-top" });
        /* spaces between the parts, so the text read (and the name's start) is "T 2 ◆" */
        top2.appendChild(el("span", { class: "sym" }, st.symbol));
        top2.appendChild(document.createTextNode(" "));
        top2.appendChild(el("span", { class: "count" }, n));
        td.appendChild(top2);
        var bar = el("div", { class: "bar", "aria-hidden": "true" });
        if (n) CH.forEach(function (ch, i) {
          var k = channelCount(c, i);
          if (k) bar.appendChild(el("span", { class: "c-" + ch, style: "flex:" + k }));
        });
        td.appendChild(bar);
        var stated = statedOf(row, topic);
        if (stated.length) {
          td.appendChild(document.createTextNode(" "));
          td.appendChild(el("span", { class: "stated" + (stated.some(function (s) { return s.against; }) ? " against" : "") }, D.statedSymbol));
          visible.push(D.statedSymbol);
        }
        var demand = c[ST + 1];
        if (demand) {
          td.appendChild(document.createTextNode(" "));
          td.appendChild(el("span", { class: "demand" + (demand === 2 ? " unmet" : "") }, demand === 2 ? "!" : "•"));
          visible.push(demand === 2 ? "!" : "•");
        }
        labelOf.set(td, { visible: visible.join(" "), row: row, topic: topic, c: c, st: st, n: n });
        td.addEventListener("click", function () { select(row.id, topic.id, "pointer"); });
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    var guidelines = rows.filter(function (r) { return r.level === "guideline"; }).length;
    document.getElementById("view-summary").textContent = (rows.length - guidelines) + " standards and " +
      guidelines + " guidelines × " + topics.length + " topics; counting " +
      (state.channels.length === CH.length ? "every channel" : state.channels.length ? state.channels.map(function (ch) { return D.channels[CH.indexOf(ch)].label.toLowerCase(); }).join(", ") : "no channel") +
      (state.designs.length < DESIGNS.length || state.countries.length < COUNTRIES.length ? "; cited works of " +
        D.designClasses.filter(function (d) { return state.designs.indexOf(d.id) >= 0; }).map(function (d) { return d.label.toLowerCase(); }).join(", ") +
        " from " + D.countryClasses.filter(function (d) { return state.countries.indexOf(d.id) >= 0; }).map(function (d) { return d.label; }).join(", ") +
        " only" : "") + ". Symbols and colours give the status of the evidence counted.";
    refreshLabels();
  }

  function cellElement(rowId, topicId) {
    return document.querySelector('td[data-row="' + CSS.escape(rowId) + '"][data-topic="' + CSS.escape(topicId) + '"]');
  }

  function moveFocus(node) {
    document.querySelectorAll('#grid td[tabindex="0"]').forEach(function (x) { x.setAttribute("tabindex", "-1"); });
    var td = node.tagName === "TD" ? node : null;
    if (td) {
      td.setAttribute("tabindex", "0");
      focus.row = td.getAttribute("data-row");
      focus.topic = td.getAttribute("data-topic");
    } else {
      var first = cellElement(focus.row, focus.topic);
      if (first) first.setAttribute("tabindex", "0");
    }
    node.focus();
  }

  document.getElementById("grid").addEventListener("keydown", function (ev) {
    var rowsEls = Array.prototype.slice.call(document.querySelectorAll("#grid tbody tr"));
    var toggle = ev.target.closest ? ev.target.closest("button.row-toggle") : null;
    if (toggle) {
      var tRow = rowsEls.indexOf(toggle.closest("tr")), next = null;
      if (ev.key === "ArrowRight") next = rowsEls[tRow].querySelector("td");
      else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        var step = ev.key === "ArrowDown" ? 1 : -1;
        for (var k = tRow + step; k >= 0 && k < rowsEls.length && !next; k += step) next = rowsEls[k].querySelector(".row-toggle");
      } else return;
      ev.preventDefault();
      if (next) moveFocus(next);
      return;
    }
    var td = ev.target.closest ? ev.target.closest("td[role=gridcell]") : null;
    if (!td) return;
    var tr = td.parentElement, cells = Array.prototype.slice.call(tr.querySelectorAll("td"));
    var col = cells.indexOf(td), r = rowsEls.indexOf(tr), target = null;
    switch (ev.key) {
      case "ArrowRight": target = cells[col + 1]; break;
      case "ArrowLeft": target = col > 0 ? cells[col - 1] : tr.querySelector(".row-toggle"); break;
      case "ArrowDown": if (rowsEls[r + 1]) target = rowsEls[r + 1].querySelectorAll("td")[col]; break;
      case "ArrowUp": if (rowsEls[r - 1]) target = rowsEls[r - 1].querySelectorAll("td")[col]; break;
      case "Home": target = cells[0]; break;
      case "End": target = cells[cells.length - 1]; break;
      case "Enter": case " ":
        ev.preventDefault();
        select(td.getAttribute("data-row"), td.getAttribute("data-topic"), "keyboard");
        return;
      default: return;
    }
    ev.preventDefault();
    if (target) moveFocus(target);
  });

  /* ---------------- the evidence panel ---------------- */
  function evidenceFor(rowId, topicId) {
    var row = D.rows[rowIndex.get(rowId)], r = rowIndex.get(rowId), t = topicIndex.get(topicId);
    var own = (byCell.get(r + "|" + t) || []);
    var list;
    if (row.level === "guideline") {
      var inherited = (byCell.get(rowIndex.get(row.standard) + "|" + t) || []).filter(function (i) { return D.evidence[i][2] !== FRAMEWORK; });
      list = inherited.concat(own.filter(function (i) { return D.evidence[i][2] === FRAMEWORK; }));
    } else list = own;
    return list.filter(function (i) { return evidenceShown(D.evidence[i]); }).map(function (i) {
      var e = D.evidence[i], work = WORK_CH.indexOf(e[2]) >= 0;
      return { channel: CH[e[2]], channelLabel: D.channels[e[2]].label, id: S(e[3]), citation: S(e[4]),
        sentence: S(e[5]), location: S(e[6]), codedBy: S(e[7]), codedOn: S(e[8]),
        clause: work ? S(e[9]) : "", line: S(e[10]), hay: HAY[i],
        design: work ? labelFrom(D.designLabels, S(e[11])) : "",
        country: work ? labelFrom(D.countryLabels, S(e[12])) : "" };
    });
  }
  function labelFrom(labels, value) {
    return Object.prototype.hasOwnProperty.call(labels, value) ? labels[value] : (value.replace(/_/g, " ") || "unknown");
  }

  /* The source-viewer line of a location, only where its source is shipped (else none). */
  function linkOf(location) {
    var links = D.whereLinks || {};
    return Object.prototype.hasOwnProperty.call(links, location) ? links[location] : null;
  }

  /* The list is for a spreadsheet: as OWASP's CSV-injection guidance says, a cell that a
   * spreadsheet would read as a formula (= + - @ tab CR first) gets a leading single quote,
   * and every field is quoted. (workbench.render.spreadsheet does the same in Python.) */
  function csvField(v) {
    v = String(v);
    if (/^[=+\-@\t\r]/.test(v)) v = "'" + v;
    return '"' + v.replace(/"/g, '""') + '"';
  }

  /* Text with every occurrence of the search words marked (as text nodes and <mark>s). */
  function marked(node, text) {
    if (!search || !text) { node.textContent = text; return node; }
    var lower = text.toLowerCase(), spans = [];
    search.terms.forEach(function (t) {
      for (var at = lower.indexOf(t); at >= 0; at = lower.indexOf(t, at + t.length)) spans.push([at, at + t.length]);
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    spans.forEach(function (s) {
      if (s[0] < pos) return;
      if (s[0] > pos) node.appendChild(document.createTextNode(text.slice(pos, s[0])));
      node.appendChild(el("mark", null, text.slice(s[0], s[1])));
      pos = s[1];
    });
    if (pos < text.length) node.appendChild(document.createTextNode(text.slice(pos)));
    return node;
  }

  /* Scroll the map's own box (not the page) so that the cell stands in its middle, clear of
   * the sticky headers. */
  function showInGrid(td) {
    var box = document.getElementById("map"), b = box.getBoundingClientRect(), r = td.getBoundingClientRect();
    box.scrollLeft += (r.left + r.width / 2) - (b.left + b.width / 2);
    box.scrollTop += (r.top + r.height / 2) - (b.top + b.height / 2);
  }

  function backToMap() {
    if (!state.cell) return;
    var td = cellElement(state.cell[0], state.cell[1]);
    if (td) { showInGrid(td); td.scrollIntoView({ block: "nearest" }); moveFocus(td); }
  }

  function renderEvidence() {
    var panel = document.getElementById("evidence");
    var heading = el("h2", { id: "evidence-heading", tabindex: "-1" }, "Evidence behind a cell");
    panel.replaceChildren(heading);
    if (!state.cell) { panel.appendChild(el("p", { class: "muted", id: "evidence-empty" }, "Select a cell to list its evidence.")); return; }
    var row = D.rows[rowIndex.get(state.cell[0])], topic = D.topics[topicIndex.get(state.cell[1])];
    heading.textContent = "Evidence behind " + row.label + " × " + topic.label;
    var c = cellData(row.id, topic.id), st = shownStatus(c), all = D.statuses[c[ST]], items = evidenceFor(row.id, topic.id);
    var actions = el("div", { class: "actions" });
    var back = el("button", { type: "button", id: "evidence-back" }, "Back to the map");
    back.addEventListener("click", backToMap);
    actions.appendChild(back);
    panel.appendChild(actions);
    panel.appendChild(el("h3", { id: "evidence-title" }, row.label + " × " + topic.label + ": " + st.description));
    if (filtered() && st.id !== all.id) panel.appendChild(el("p", { class: "muted", id: "status-unfiltered" },
      "Over every channel and cited work (no filter), the cell is " + all.label.toLowerCase() + "."));
    panel.appendChild(el("blockquote", { class: "row-quote" }, row.text));
    if (row.level === "guideline") panel.appendChild(el("p", { class: "muted" },
      "This guideline inherits the narrative evidence of " + D.rows[rowIndex.get(row.standard)].label +
      "; its framework items are its own (from the crosswalk)."));
    if (c[ST + 1]) panel.appendChild(el("p", { class: "demand-note" }, (c[ST + 1] === 2 ?
      "Demand without evidence: the guideline's own text names this topic (" : "The row's own text names this topic (") + S(c[ST + 2]) + ")."));
    panel.appendChild(el("p", { class: "status-note" }, "Why " + all.label.toLowerCase() + " over every channel: " + S(c[ST + 3]) + "."));
    var stated = statedOf(row, topic).map(function (s) { return { gap: s.gap, against: s.against, why: s.why }; });
    (statedByRow.get(rowIndex.get(row.id)) || []).forEach(function (g) { stated.push({ gap: g, against: false, why: "stated on the whole row" }); });
    var listed = stated.map(function (s) { return s.gap.id; });
    if (row.level === "standard") (statedByTopic.get(topicIndex.get(topic.id)) || []).forEach(function (g) {
      if (listed.indexOf(g.id) < 0) stated.push({ gap: g, against: false, why: "stated on the topic as a whole; " + S(c[ST + 3]) });
    });
    if (stated.length) {
      panel.appendChild(el("h3", { id: "stated-heading" }, "What the sources say about evidence here"));
      var ol = el("ul", { class: "stated-list", id: "stated-list" });
      stated.forEach(function (s) {
        var li = el("li", { class: s.against ? "against" : "", "data-gap": s.gap.id });
        li.appendChild(el("q", null, s.gap.quote));
        li.appendChild(document.createTextNode(" (" + s.gap.says + "; " + s.gap.where + "). " +
          (s.against ? "The map disagrees: " : "The map agrees: ") + s.why + "."));
        ol.appendChild(li);
      });
      panel.appendChild(ol);
    }
    var counts = el("ul", { class: "counts" });
    D.channels.forEach(function (ch, i) {
      var k = channelCount(c, i);
      counts.appendChild(el("li", { "data-channel": ch.id }, ch.label + ": " + k + (k !== c[i] ? " counted (of " + c[i] + ")" : "")));
    });
    var works = c[ST + 4];
    if (works.length) {
      counts.appendChild(el("li", null, "Cited works by design: " + D.designClasses.map(function (d, i) {
        return d.label.toLowerCase() + " " + works.filter(function (w) { return w[1] === i; }).length; }).join(", ")));
      counts.appendChild(el("li", null, "by country: " + D.countryClasses.map(function (d, i) {
        return d.label + " " + works.filter(function (w) { return w[2] === i; }).length; }).join(", ")));
    }
    panel.appendChild(counts);
    var shown = search ? items.filter(function (e) { return matches(e.hay, search.terms); }) : items;
    var groups = [], byKey = new Map();
    shown.forEach(function (e) {
      var key = [e.channel, e.id, e.sentence, e.location].join("\u0000");
      if (!byKey.has(key)) { byKey.set(key, { item: e, codes: [] }); groups.push(byKey.get(key)); }
      byKey.get(key).codes.push(e.codedBy + " (on " + e.codedOn + ")");
    });
    var distinct = new Set();
    items.forEach(function (e) { distinct.add(e.channel + " " + e.id); });
    var n = distinct.size;
    panel.appendChild(el("p", { id: "evidence-count" }, n + (n === 1 ? " item" : " items") +
      " of evidence for the selected channels, in " + byKeyCount(items) +
      " (one per item and linking sentence)" + (search ? "; " + groups.length + " of them match the search “" + state.q + "”" : "") + "."));
    if (items.length) {
      var button = el("button", { type: "button", id: "evidence-csv" }, "Download this list as CSV");
      button.addEventListener("click", function () {
        var head = ["row_id", "topic_id", "channel", "evidence_id", "citation", "sentence", "location", "coded_by", "coded_on", "clause", "line", "design", "country"];
        var lines = [head.map(csvField).join(",")].concat(items.map(function (e) {
          return [row.id, topic.id, e.channel, e.id, e.citation, e.sentence, e.location, e.codedBy, e.codedOn, e.clause, e.line, e.design, e.country].map(csvField).join(",");
        }));
        var blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
        var a = el("a", { href: URL.createObjectURL(blob), download: "evidence_" + (row.id + "_" + topic.id).replace(/[^A-Za-z0-9_.-]+/g, "_") + ".csv" });
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
      actions.appendChild(button);
    }
    if (groups.length) {
      var table = el("table", { id: "evidence-table" });
      var thead = el("thead"), htr = el("tr");
      var heads = ["Channel", "Evidence", "Design", "Country", "Sentence that links it", "Clause that cites it", "Where", "How coded"];
      heads.forEach(function (h) { htr.appendChild(el("th", { scope: "col" }, h)); });
      thead.appendChild(htr);
      table.appendChild(thead);
      var tbody = el("tbody");
      groups.forEach(function (g) {
        var e = g.item, tr = el("tr", { "data-evidence": e.id, "data-channel": e.channel });
        tr.appendChild(el("td", { "data-label": heads[0] }, e.channelLabel));
        tr.appendChild(marked(el("td", { class: "citation" + (e.channel === "unlisted" ? " unlisted-flag" : ""), "data-label": heads[1] }), e.citation));
        tr.appendChild(el("td", { class: "design", "data-label": heads[2] }, e.design));
        tr.appendChild(el("td", { class: "country", "data-label": heads[3] }, e.country));
        tr.appendChild(marked(el("td", { class: "sentence", "data-label": heads[4] }), e.sentence));
        tr.appendChild(marked(el("td", { class: "clause", "data-label": heads[5] }), e.clause));
        var where = el("td", { class: "location", "data-label": heads[6] }), href = linkOf(e.location);
        if (href) where.appendChild(el("a", { href: href, class: "source-line" }, e.location));
        else where.textContent = e.location;
        tr.appendChild(where);
        var coded = el("td", { class: "coded", "data-label": heads[7] });
        g.codes.forEach(function (code) { coded.appendChild(el("div", { class: "code" }, code)); });
        tr.appendChild(coded);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      panel.appendChild(table);
    }
  }
  function byKeyCount(items) {
    var keys = new Set();
    items.forEach(function (e) { keys.add([e.channel, e.id, e.sentence, e.location].join("\u0000")); });
    return keys.size + (keys.size === 1 ? " row" : " rows");
  }

  document.getElementById("evidence").addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); backToMap(); }
  });

  /* Open the standard of a guideline's cell and show the cell's dimension. */
  function reveal(rowId, topicId) {
    var row = D.rows[rowIndex.get(rowId)], topic = D.topics[topicIndex.get(topicId)], changed = false;
    if (row.level === "guideline" && state.open.indexOf(row.standard) < 0) { state.open.push(row.standard); changed = true; }
    if (state.dims.indexOf(topic.dimension) < 0) { state.dims.push(topic.dimension); changed = true; }
    if (changed) { syncFilters(); buildGrid(); applySearch(); }
  }

  /* how: "pointer" or "keyboard" (the evidence comes into view and takes focus), or "link". */
  function select(rowId, topicId, how) {
    state.cell = [rowId, topicId];
    focus.row = rowId; focus.topic = topicId;
    writeFragment();
    document.querySelectorAll('#grid td[aria-selected="true"]').forEach(function (x) { x.setAttribute("aria-selected", "false"); });
    var td = cellElement(rowId, topicId);
    if (td) {
      td.setAttribute("aria-selected", "true");
      document.querySelectorAll('#grid td[tabindex="0"]').forEach(function (x) { x.setAttribute("tabindex", "-1"); });
      td.setAttribute("tabindex", "0");
    }
    renderEvidence();
    if (how === "link") { if (td) showInGrid(td); return; }
    var heading = document.getElementById("evidence-heading");
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  }

  function update() {
    writeFragment();
    syncFilters();
    buildGrid();
    applySearch();
    renderEvidence();
  }
  function load() {
    readFragment();
    update();
    if (state.cell) select(state.cell[0], state.cell[1], "link");
  }

  buildFilters();
  buildLegend();
  load();
  window.addEventListener("hashchange", load);
})();
