/* Evidence and gap map: builds the matrix from the inline JSON. Data is only ever inserted with
 * textContent or attributes, never as HTML. No network access. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gap-data").textContent);
  var CH = D.channels.map(function (c) { return c.id; });
  var FRAMEWORK = CH.indexOf("framework");
  var rowIndex = {}, topicIndex = {};
  D.rows.forEach(function (r, i) { rowIndex[r.id] = i; });
  D.topics.forEach(function (t, i) { topicIndex[t.id] = i; });
  var S = function (i) { return i < 0 ? "" : D.strings[i]; };
  var WORK_CH = ["academic", "unlisted"].map(function (id) { return CH.indexOf(id); });
  var DESIGNS = D.designClasses.map(function (d) { return d.id; });
  var COUNTRIES = D.countryClasses.map(function (c) { return c.id; });
  var ST = CH.length; /* a cell: counts per channel, then status, demand, how, note, works */

  /* The sources' stated gaps, by "row|topic" cell, by row and by topic. */
  var statedByCell = {}, statedByRow = {}, statedByTopic = {};
  D.statedCells.forEach(function (s) {
    var key = s[0] + "|" + s[1];
    (statedByCell[key] = statedByCell[key] || []).push({ gap: D.statements[s[2]], against: s[3] === 1, why: S(s[4]) });
  });
  D.statedRows.forEach(function (s) { (statedByRow[s[0]] = statedByRow[s[0]] || []).push(D.statements[s[1]]); });
  D.statedTopics.forEach(function (s) { (statedByTopic[s[0]] = statedByTopic[s[0]] || []).push(D.statements[s[1]]); });

  /* Evidence grouped by "row|topic"; guideline rows keep only their own framework items. */
  var byCell = {};
  D.evidence.forEach(function (e) {
    var key = e[0] + "|" + e[1];
    (byCell[key] = byCell[key] || []).push(e);
  });

  var state = { dims: [], channels: [], designs: [], countries: [], open: [], cell: null };
  var focus = { row: null, topic: null };

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
  function readFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var list = function (name, all) {
      if (!params.has(name)) return all.slice();
      var v = params.get(name);
      return v === "" ? [] : v.split(",").filter(function (x) { return all.indexOf(x) >= 0; });
    };
    state.dims = list("dims", D.dimensions.map(function (d) { return d.id; }));
    state.channels = list("channels", CH);
    state.designs = list("designs", DESIGNS);
    state.countries = list("countries", COUNTRIES);
    state.open = list("open", D.rows.filter(function (r) { return r.level === "standard"; })
      .map(function (r) { return r.id; }));
    if (!params.has("open")) state.open = [];
    var cell = params.get("cell");
    state.cell = null;
    if (cell && cell.indexOf("~") > 0) {
      var parts = cell.split("~");
      if (parts[0] in rowIndex && parts[1] in topicIndex) state.cell = parts;
    }
  }
  function writeFragment() {
    var parts = ["dims=" + state.dims.join(","), "channels=" + state.channels.join(","),
      "designs=" + state.designs.join(","), "countries=" + state.countries.join(","),
      "open=" + state.open.join(",")];
    if (state.cell) parts.push("cell=" + state.cell.join("~"));
    var hash = "#" + parts.map(function (p) { return p.replace(/ /g, "%20"); }).join("&");
    if (location.hash !== hash) {
      try { history.replaceState(null, "", hash); } catch (err) { location.hash = hash; }
    }
  }

  /* ---------------- what is visible ---------------- */
  function visibleTopics() {
    return D.topics.filter(function (t) { return state.dims.indexOf(t.dimension) >= 0; });
  }
  function visibleRows() {
    return D.rows.filter(function (r) {
      return r.level === "standard" || state.open.indexOf(r.standard) >= 0;
    });
  }
  function cellData(rowId, topicId) { return D.cells[rowIndex[rowId]][topicIndex[topicId]]; }
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
  function statusOf(c) { return D.statuses[c[ST]]; }
  function statedOf(row, topic) {
    return statedByCell[rowIndex[row.id] + "|" + topicIndex[topic.id]] || [];
  }

  function describeCell(row, topic, c) {
    var st = statusOf(c);
    var parts = [row.label + ", " + topic.label + ": " + st.label + "."];
    parts.push(D.channels.map(function (ch, i) { return c[i] + " " + ch.label.toLowerCase(); })
      .join(", ") + ".");
    if (c[ST + 1] === 2) parts.push("The guideline's own text names this topic, without enough evidence behind it.");
    else if (c[ST + 1] === 1) parts.push("The row's own text names this topic.");
    var stated = statedOf(row, topic);
    if (stated.length) parts.push("The sources state a gap here" + (stated.some(function (s) { return s.against; }) ?
      ", and the map disagrees." : ", and the map agrees."));
    return parts.join(" ");
  }

  /* ---------------- controls ---------------- */
  function buildFilters() {
    var dimBox = document.getElementById("dimension-filter");
    D.dimensions.forEach(function (d) {
      var label = el("label");
      var box = el("input", { type: "checkbox", value: d.id, "data-filter": "dimension" });
      box.addEventListener("change", function () {
        state.dims = D.dimensions.map(function (x) { return x.id; }).filter(function (id) {
          var b = dimBox.querySelector('input[value="' + id + '"]');
          return b && b.checked;
        });
        update();
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(d.label));
      dimBox.appendChild(label);
    });
    var chBox = document.getElementById("channel-filter");
    D.channels.forEach(function (ch) {
      var label = el("label");
      var box = el("input", { type: "checkbox", value: ch.id, "data-filter": "channel" });
      box.addEventListener("change", function () {
        state.channels = CH.filter(function (id) {
          var b = chBox.querySelector('input[value="' + id + '"]');
          return b && b.checked;
        });
        update();
      });
      label.appendChild(box);
      label.appendChild(el("span", { class: "chip", style: "background:var(--" + ch.id + ")", "aria-hidden": "true" }));
      label.appendChild(document.createTextNode(ch.label));
      chBox.appendChild(label);
    });
    [["design-filter", "design", D.designClasses, "designs"],
     ["country-filter", "country", D.countryClasses, "countries"]].forEach(function (spec) {
      var box = document.getElementById(spec[0]);
      spec[2].forEach(function (d) {
        var label = el("label");
        var input = el("input", { type: "checkbox", value: d.id, "data-filter": spec[1] });
        input.addEventListener("change", function () {
          state[spec[3]] = spec[2].map(function (x) { return x.id; }).filter(function (id) {
            var b = box.querySelector('input[value="' + id + '"]');
            return b && b.checked;
          });
          update();
        });
        label.appendChild(input);
        label.appendChild(document.createTextNode(d.label));
        box.appendChild(label);
      });
    });
    document.getElementById("expand-all").addEventListener("click", function () {
      state.open = D.rows.filter(function (r) { return r.level === "standard"; }).map(function (r) { return r.id; });
      update();
    });
    document.getElementById("collapse-all").addEventListener("click", function () {
      state.open = [];
      update();
    });
  }
  function syncFilters() {
    document.querySelectorAll('input[data-filter="dimension"]').forEach(function (b) {
      b.checked = state.dims.indexOf(b.value) >= 0;
    });
    document.querySelectorAll('input[data-filter="channel"]').forEach(function (b) {
      b.checked = state.channels.indexOf(b.value) >= 0;
    });
    document.querySelectorAll('input[data-filter="design"]').forEach(function (b) {
      b.checked = state.designs.indexOf(b.value) >= 0;
    });
    document.querySelectorAll('input[data-filter="country"]').forEach(function (b) {
      b.checked = state.countries.indexOf(b.value) >= 0;
    });
  }

  function buildLegend() {
    var ul = document.getElementById("status-legend");
    D.statuses.forEach(function (s) {
      var li = el("li", { class: "s-" + s.id });
      li.appendChild(el("span", { class: "sym", "aria-hidden": "true" }, s.symbol));
      li.appendChild(el("span", null, s.label));
      ul.appendChild(li);
    });
    var dl = el("li");
    dl.appendChild(el("span", { class: "demand unmet", style: "position:static" }, "!"));
    dl.appendChild(el("span", null, "a guideline's own text names the topic but the evidence is missing or thin (demand without evidence); • the row's text names it"));
    ul.appendChild(dl);
    var sl = el("li");
    sl.appendChild(el("span", { class: "stated", style: "position:static" }, D.statedSymbol));
    sl.appendChild(el("span", null, "the sources state a gap on this cell (on a row or topic header: on the whole row or topic); circled where the map disagrees with the statement"));
    ul.appendChild(sl);
    var cl = document.getElementById("channel-legend");
    D.channels.forEach(function (ch) {
      var li = el("li");
      li.appendChild(el("span", { class: "chip", style: "background:var(--" + ch.id + ")", "aria-hidden": "true" }));
      li.appendChild(el("span", null, ch.label));
      cl.appendChild(li);
    });
    document.getElementById("threshold-note").textContent = D.thresholdNote;
    document.getElementById("footer").textContent = D.footer;
  }

  /* ---------------- the grid ---------------- */
  function buildGrid() {
    var topics = visibleTopics(), rows = visibleRows();
    var grid = document.getElementById("grid");
    grid.setAttribute("aria-rowcount", String(rows.length + 2));
    grid.setAttribute("aria-colcount", String(topics.length + 1));
    var thead = grid.querySelector("thead"), tbody = grid.querySelector("tbody");
    thead.replaceChildren();
    tbody.replaceChildren();
    var top = el("tr", { role: "row" }), second = el("tr", { role: "row" });
    top.appendChild(el("th", { class: "corner", role: "columnheader", rowspan: "2", scope: "col" }, "Standard / guideline"));
    var starts = {};
    D.dimensions.forEach(function (d) {
      var n = topics.filter(function (t) { return t.dimension === d.id; }).length;
      if (!n) return;
      top.appendChild(el("th", { class: "dimension dim-start", role: "columnheader", colspan: String(n), scope: "colgroup" }, d.label));
    });
    var prev = null;
    topics.forEach(function (t) {
      var th = el("th", { class: "topic", role: "columnheader", scope: "col", title: t.definition || t.label });
      if (t.dimension !== prev) { th.classList.add("dim-start"); starts[t.id] = true; }
      prev = t.dimension;
      th.appendChild(el("span", null, t.label));
      var onTopic = statedByTopic[topicIndex[t.id]];
      if (onTopic) {
        th.setAttribute("title", (t.definition || t.label) + "\nStated gaps: " + onTopic.map(function (g) { return "“" + g.quote + "” (" + g.where + ")"; }).join("\n"));
        th.appendChild(el("span", { class: "stated-mark", "aria-label": "the sources state a gap on this topic" }, D.statedSymbol));
      }
      second.appendChild(th);
    });
    thead.appendChild(top);
    thead.appendChild(second);

    if (focus.row === null || rows.map(function (r) { return r.id; }).indexOf(focus.row) < 0) focus.row = rows.length ? rows[0].id : null;
    if (focus.topic === null || topics.map(function (t) { return t.id; }).indexOf(focus.topic) < 0) focus.topic = topics.length ? topics[0].id : null;

    rows.forEach(function (row) {
      var tr = el("tr", { role: "row", class: row.level, "data-row": row.id });
      var th = el("th", { role: "rowheader", scope: "row" });
      if (row.level === "standard") {
        var open = state.open.indexOf(row.id) >= 0;
        var toggle = el("button", { type: "button", class: "row-toggle", "aria-expanded": String(open),
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
      th.appendChild(el("span", null, row.label));
      var onRow = statedByRow[rowIndex[row.id]];
      if (onRow) th.appendChild(el("span", { class: "stated-mark", title: onRow.map(function (g) { return "“" + g.quote + "” (" + g.where + ")"; }).join("\n"),
        "aria-label": "the sources state a gap on this row" }, D.statedSymbol));
      th.appendChild(el("span", { class: "row-text", title: row.text }, row.text));
      tr.appendChild(th);
      topics.forEach(function (topic) {
        var c = cellData(row.id, topic.id), st = statusOf(c);
        var selected = state.cell && state.cell[0] === row.id && state.cell[1] === topic.id;
        var td = el("td", { role: "gridcell", class: "s-" + st.id + (starts[topic.id] ? " dim-start" : ""),
          "data-row": row.id, "data-topic": topic.id, "data-status": st.id,
          tabindex: (row.id === focus.row && topic.id === focus.topic) ? "0" : "-1",
          "aria-selected": selected ? "true" : "false", "aria-label": describeCell(row, topic, c) });
        var top2 = el("div", { class: "cell-top", "aria-hidden": "true" });
        top2.appendChild(el("span", { class: "sym" }, st.symbol));
        top2.appendChild(el("span", { class: "count" }, shownCount(c)));
        td.appendChild(top2);
        var total = shownCount(c), bar = el("div", { class: "bar", "aria-hidden": "true" });
        if (total) CH.forEach(function (ch, i) {
          var n = channelCount(c, i);
          if (n) bar.appendChild(el("span", { style: "flex:" + n + ";background:var(--" + ch + ")" }));
        });
        td.appendChild(bar);
        var stated = statedOf(row, topic);
        if (stated.length) td.appendChild(el("span", { class: "stated" + (stated.some(function (s) { return s.against; }) ? " against" : ""),
          "aria-hidden": "true" }, D.statedSymbol));
        var demand = c[ST + 1];
        if (demand) td.appendChild(el("span", { class: "demand" + (demand === 2 ? " unmet" : ""), "aria-hidden": "true" }, demand === 2 ? "!" : "•"));
        td.addEventListener("click", function () { select(row.id, topic.id, false); });
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    var shownRows = rows.length, guidelines = rows.filter(function (r) { return r.level === "guideline"; }).length;
    document.getElementById("view-summary").textContent = "Showing " + (shownRows - guidelines) + " standards and " +
      guidelines + " guidelines against " + topics.length + " topics; counting " +
      (state.channels.length ? state.channels.map(function (ch) { return D.channels[CH.indexOf(ch)].label.toLowerCase(); }).join(", ") : "no channel") +
      (state.designs.length < DESIGNS.length || state.countries.length < COUNTRIES.length ? "; cited works of " +
        D.designClasses.filter(function (d) { return state.designs.indexOf(d.id) >= 0; }).map(function (d) { return d.label.toLowerCase(); }).join(", ") +
        " from " + D.countryClasses.filter(function (d) { return state.countries.indexOf(d.id) >= 0; }).map(function (d) { return d.label; }).join(", ") +
        " only" : "") + ". Symbols give the status over all channels and all cited works.";
  }

  function cellElement(rowId, topicId) {
    return document.querySelector('td[data-row="' + rowId + '"][data-topic="' + topicId + '"]');
  }

  function moveFocus(td) {
    document.querySelectorAll('#grid td[tabindex="0"]').forEach(function (x) { x.setAttribute("tabindex", "-1"); });
    td.setAttribute("tabindex", "0");
    focus.row = td.getAttribute("data-row");
    focus.topic = td.getAttribute("data-topic");
    td.focus();
  }

  document.getElementById("grid").addEventListener("keydown", function (ev) {
    var td = ev.target.closest ? ev.target.closest("td[role=gridcell]") : null;
    if (!td) return;
    var tr = td.parentElement, cells = Array.prototype.slice.call(tr.querySelectorAll("td"));
    var col = cells.indexOf(td), rowsEls = Array.prototype.slice.call(document.querySelectorAll("#grid tbody tr"));
    var r = rowsEls.indexOf(tr), target = null;
    switch (ev.key) {
      case "ArrowRight": target = cells[col + 1]; break;
      case "ArrowLeft": target = cells[col - 1]; break;
      case "ArrowDown": if (rowsEls[r + 1]) target = rowsEls[r + 1].querySelectorAll("td")[col]; break;
      case "ArrowUp": if (rowsEls[r - 1]) target = rowsEls[r - 1].querySelectorAll("td")[col]; break;
      case "Home": target = cells[0]; break;
      case "End": target = cells[cells.length - 1]; break;
      case "Enter": case " ":
        ev.preventDefault();
        select(td.getAttribute("data-row"), td.getAttribute("data-topic"), true);
        return;
      default: return;
    }
    ev.preventDefault();
    if (target) moveFocus(target);
  });

  /* ---------------- the evidence panel ---------------- */
  function evidenceFor(rowId, topicId) {
    var row = D.rows[rowIndex[rowId]], r = rowIndex[rowId], t = topicIndex[topicId];
    var own = byCell[r + "|" + t] || [];
    var list;
    if (row.level === "guideline") {
      var inherited = (byCell[rowIndex[row.standard] + "|" + t] || []).filter(function (e) { return e[2] !== FRAMEWORK; });
      list = inherited.concat(own.filter(function (e) { return e[2] === FRAMEWORK; }));
    } else list = own;
    return list.filter(function (e) {
      if (state.channels.indexOf(CH[e[2]]) < 0) return false;
      if (WORK_CH.indexOf(e[2]) < 0) return true;
      return state.designs.indexOf(DESIGNS[e[13]]) >= 0 && state.countries.indexOf(COUNTRIES[e[14]]) >= 0;
    }).map(function (e) {
      var work = WORK_CH.indexOf(e[2]) >= 0;
      return { channel: CH[e[2]], channelLabel: D.channels[e[2]].label, id: S(e[3]), citation: S(e[4]),
        sentence: S(e[5]), location: S(e[6]), codedBy: S(e[7]), codedOn: S(e[8]),
        clause: work ? S(e[9]) : "", line: S(e[10]),
        design: work ? (D.designLabels[S(e[11])] || S(e[11]) || "unknown") : "",
        country: work ? (D.countryLabels[S(e[12])] || S(e[12]) || "unknown") : "" };
    });
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

  function renderEvidence() {
    var panel = document.getElementById("evidence");
    panel.replaceChildren(el("h2", { id: "evidence-heading" }, "Evidence behind a cell"));
    if (!state.cell) { panel.appendChild(el("p", { class: "muted", id: "evidence-empty" }, "Select a cell to list its evidence.")); return; }
    var row = D.rows[rowIndex[state.cell[0]]], topic = D.topics[topicIndex[state.cell[1]]];
    var c = cellData(row.id, topic.id), st = statusOf(c), items = evidenceFor(row.id, topic.id);
    panel.appendChild(el("h3", { id: "evidence-title" }, row.label + " × " + topic.label + ": " + st.label));
    panel.appendChild(el("blockquote", { class: "row-quote" }, row.text));
    if (row.level === "guideline") panel.appendChild(el("p", { class: "muted" },
      "This guideline inherits the narrative evidence of " + D.rows[rowIndex[row.standard]].label +
      "; its framework items are its own (from the crosswalk)."));
    if (c[ST + 1]) panel.appendChild(el("p", { class: "demand-note" }, (c[ST + 1] === 2 ?
      "Demand without evidence: the guideline's own text names this topic (" : "The row's own text names this topic (") + S(c[ST + 2]) + ")."));
    panel.appendChild(el("p", { class: "status-note" }, "Why " + st.label.split(":")[0].toLowerCase() + ": " + S(c[ST + 3]) + "."));
    var stated = statedOf(row, topic).map(function (s) { return { gap: s.gap, against: s.against, why: s.why }; });
    (statedByRow[rowIndex[row.id]] || []).forEach(function (g) { stated.push({ gap: g, against: false, why: "stated on the whole row" }); });
    var listed = stated.map(function (s) { return s.gap.id; });
    if (row.level === "standard") (statedByTopic[topicIndex[topic.id]] || []).forEach(function (g) {
      if (listed.indexOf(g.id) < 0) stated.push({ gap: g, against: false, why: "stated on the topic as a whole; " + S(c[ST + 3]) });
    });
    if (stated.length) {
      panel.appendChild(el("h3", { id: "stated-heading" }, "What the sources say about evidence here"));
      var ol = el("ul", { class: "stated-list", id: "stated-list" });
      stated.forEach(function (s) {
        var li = el("li", { class: s.against ? "against" : "", "data-gap": s.gap.id });
        li.appendChild(el("q", null, s.gap.quote));
        li.appendChild(document.createTextNode(" (" + s.gap.id + ", " + s.gap.kind + "; " + s.gap.where + "). " +
          (s.against ? "The map disagrees: " : "The map agrees: ") + s.why + "."));
        ol.appendChild(li);
      });
      panel.appendChild(ol);
    }
    var counts = el("ul", { class: "counts" });
    D.channels.forEach(function (ch, i) { counts.appendChild(el("li", null, ch.label + ": " + c[i])); });
    var works = c[ST + 4];
    if (works.length) {
      counts.appendChild(el("li", null, "Cited works by design: " + D.designClasses.map(function (d, i) {
        return d.label.toLowerCase() + " " + works.filter(function (w) { return w[1] === i; }).length; }).join(", ")));
      counts.appendChild(el("li", null, "by country: " + D.countryClasses.map(function (d, i) {
        return d.label + " " + works.filter(function (w) { return w[2] === i; }).length; }).join(", ")));
    }
    panel.appendChild(counts);
    var groups = [], byKey = {};
    items.forEach(function (e) {
      var key = [e.channel, e.id, e.sentence, e.location].join("\u0000");
      if (!(key in byKey)) { byKey[key] = { item: e, codes: [] }; groups.push(byKey[key]); }
      byKey[key].codes.push(e.codedBy + " (on " + e.codedOn + ")");
    });
    var distinct = {};
    items.forEach(function (e) { distinct[e.channel + " " + e.id] = true; });
    var n = Object.keys(distinct).length;
    panel.appendChild(el("p", { id: "evidence-count" }, n + (n === 1 ? " item" : " items") +
      " of evidence for the selected channels, in " + groups.length +
      (groups.length === 1 ? " row" : " rows") + " (one per item and linking sentence)."));
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
      panel.appendChild(button);
      var table = el("table", { id: "evidence-table" });
      var thead = el("thead"), htr = el("tr");
      ["Channel", "Evidence", "Design", "Country", "Sentence that links it", "Clause that cites it", "Where", "How coded"].forEach(function (h) { htr.appendChild(el("th", { scope: "col" }, h)); });
      thead.appendChild(htr);
      table.appendChild(thead);
      var tbody = el("tbody");
      groups.forEach(function (g) {
        var e = g.item, tr = el("tr", { "data-evidence": e.id, "data-channel": e.channel });
        tr.appendChild(el("td", null, e.channelLabel));
        tr.appendChild(el("td", { class: "citation" + (e.channel === "unlisted" ? " unlisted-flag" : "") }, e.citation));
        tr.appendChild(el("td", { class: "design" }, e.design));
        tr.appendChild(el("td", { class: "country" }, e.country));
        tr.appendChild(el("td", { class: "sentence" }, e.sentence));
        tr.appendChild(el("td", { class: "clause" }, e.clause));
        var where = el("td", { class: "location" }), href = linkOf(e.location);
        if (href) where.appendChild(el("a", { href: href, class: "source-line" }, e.location));
        else where.textContent = e.location;
        tr.appendChild(where);
        var coded = el("td", { class: "coded" });
        g.codes.forEach(function (c) { coded.appendChild(el("div", { class: "code" }, c)); });
        tr.appendChild(coded);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      panel.appendChild(table);
    }
  }

  function select(rowId, topicId, fromKeyboard) {
    state.cell = [rowId, topicId];
    focus.row = rowId; focus.topic = topicId;
    writeFragment();
    document.querySelectorAll('#grid td[aria-selected="true"]').forEach(function (x) { x.setAttribute("aria-selected", "false"); });
    var td = cellElement(rowId, topicId);
    if (td) { td.setAttribute("aria-selected", "true"); moveFocus(td); }
    renderEvidence();
  }

  function update() {
    writeFragment();
    syncFilters();
    buildGrid();
    renderEvidence();
  }

  buildFilters();
  buildLegend();
  readFragment();
  update();
  window.addEventListener("hashchange", function () { readFragment(); syncFilters(); buildGrid(); renderEvidence(); });
})();
