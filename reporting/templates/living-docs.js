/* The living documentation's script: scenarios rendered from the page's JSON data when their
   feature is open (every feature is, in a report of a few hundred scenarios), the HTTP evidence
   of an exchange when it is first expanded, and the filters, which work on the data so they
   also cover features not rendered yet. Everything is built with textContent: no markup from
   the data.

   The specification view: a scenario's Background steps fold into one line (its result of
   them, opened on a click), a Scenario Outline's rows become one outline with its Examples
   table (each row's status in its own column; a row opens its own evidence), each step shows
   the values it used and remembered, and an answer a step asked for (a 404 after a delete) is
   neutral, not red. The tabs: a [data-tab] button shows its [data-tab-panel]. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("living-docs-data").textContent);
  var ICONS = {passed: "✓", failed: "✗", undefined: "?", ambiguous: "?", skipped: "−", pending: "…"};
  function plural(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function tags(list) { return el("span", "tags", list.map(function (t) { return "@" + t + " "; }).join("")); }

  // -- one exchange: its summary line now, its evidence on first expand --------------------------
  function headers(map) {
    return Object.keys(map).map(function (k) { return k + ": " + map[k] + "\n"; }).join("");
  }
  function attempts(ex) {
    var table = el("table", "attempts");
    var head = table.insertRow();
    ["#", "outcome", "took", "then waited", "why retried"].forEach(function (h) { add(head, el("th", "", h)); });
    ex.attempts.forEach(function (a) {
      var row = table.insertRow();
      var wait = a.wait.toFixed(3) + " s" + (a.retry_after === null ? "" : " (Retry-After " + a.retry_after.toFixed(1) + " s)");
      [a.number, a.outcome, a.elapsed.toFixed(3) + " s", wait, a.reason].forEach(function (c) { add(row, el("td", "", c)); });
    });
    return table;
  }
  function hops(ex) {  // a redirect chain: each hop as it was sent, and what it answered
    var list = el("ol", "hops");
    ex.hops.forEach(function (h) {
      var item = add(list, el("li", "", h.method + " " + h.url + " → " + h.status));
      add(item, el("pre", "curl", h.curl));
    });
    return list;
  }
  function indented(body) {  // JSON bodies are recorded on one line: indent them to read
    var first = body.charAt(0);
    if (first !== "{" && first !== "[") { return body; }
    try { return JSON.stringify(JSON.parse(body), null, 2); } catch (e) { return body; }
  }
  function evidence(ex, box) {
    if (ex.error) { add(box, el("div", "error", ex.error)); }
    if (ex.attempts.length > 1) { add(box, attempts(ex)); }
    if (ex.hops && ex.hops.length) {
      add(box, el("div", "meta", "Redirects, each hop as sent:"));
      add(box, hops(ex));
    }
    add(box, el("div", "meta", "Reproduce:"));
    add(box, el("pre", "curl", ex.curl));
    Object.keys(ex.curl_variables || {}).forEach(function (name) {
      add(box, el("div", "curl-variable", "$" + name + ": " + ex.curl_variables[name]));
    });
    add(box, el("div", "meta", "Request headers"));
    add(box, el("pre", "request-headers", headers(ex.request_headers)));
    if (ex.request_body) {
      add(box, el("div", "meta", "Request body"));
      add(box, el("pre", "request-body", indented(ex.request_body)));
    }
    add(box, el("div", "meta", "Response " + ex.status + " " + ex.reason));
    add(box, el("pre", "response-headers", headers(ex.response_headers)));
    if (ex.response_body) { add(box, el("pre", "response-body", indented(ex.response_body))); }
  }
  function exchange(ex) {
    var details = el("details", "exchange");
    details.dataset.status = ex.status;
    var summary = add(details, el("summary"));
    var code = add(summary, el("span", "status-" + Math.floor(ex.status / 100) + (ex.expected ? " status-expected" : ""), ex.status || "no response"));
    if (ex.expected) { code.title = "expected: the step asked for this status"; }
    summary.appendChild(document.createTextNode(" " + ex.method + " " + ex.url + " "));
    add(summary, el("span", "duration", ex.elapsed.toFixed(3) + " s"));
    if (ex.retried) {
      var tries = ex.attempts.length - 1;
      var badge = add(summary, el("span", "badge retry", "↻ " + tries + " retr" + (tries === 1 ? "y" : "ies") + ": " +
        ex.attempts.slice(0, -1).map(function (a) { return a.outcome; }).join(", ")));
      badge.title = ex.attempts.map(function (a) { return a.reason; }).filter(Boolean).join("; ");
    }
    var box = add(details, el("div", "evidence"));
    details.addEventListener("toggle", function () {
      if (details.open && box.childNodes.length === 0) { evidence(ex, box); }
    });
    return details;
  }

  // -- a scenario -----------------------------------------------------------------------------
  function value(v) {  // `${id} = "c906…"`: short beside the step, whole on hover
    var shown = v.value.length > 24 ? v.value.slice(0, 20) + "…" + (v.value.charAt(0) === '"' ? '"' : "") : v.value;
    var span = el("span", "value" + (v.remembered ? " remembered" : ""), (v.remembered ? "remembered " : "") + v.name + " = " + shown);
    span.title = v.name + " = " + v.value;
    return span;
  }
  function backgroundResult(steps) {  // a scenario's run of the Background, one click away
    var statuses = steps.map(function (s) { return s.status; });
    var worst = ["failed", "undefined", "ambiguous", "skipped", "passed"].filter(function (x) { return statuses.indexOf(x) >= 0; })[0] || "passed";
    var details = el("details", "bg-result " + worst);
    var summary = add(details, el("summary"));
    add(summary, el("span", "kw", "Background "));
    add(summary, el("span", "pill " + worst, worst));
    summary.appendChild(document.createTextNode(" " + plural(steps.length, "step")));
    var list = add(details, el("ol", "steps"));
    details.addEventListener("toggle", function () {
      if (details.open && list.childNodes.length === 0) { steps.forEach(function (s) { add(list, step(s)); }); }
    });
    return details;
  }
  function step(s) {
    var li = el("li", "step " + s.status);
    li.dataset.status = s.status;
    var line = add(li, el("div", "step-line"));
    add(line, el("span", "icon", ICONS[s.status]));
    var text = add(line, el("span", "text"));
    add(text, el("span", "kw", s.keyword));
    text.appendChild(document.createTextNode(" " + s.text));
    (s.values || []).forEach(function (v) { add(line, value(v)); });
    if (s.background) { add(line, el("span", "bg", "background")); }
    if (s.status === "undefined" || s.status === "ambiguous") { add(line, el("span", "pill " + s.status, s.status)); }
    add(line, el("span", "duration", s.duration.toFixed(3) + " s")).title = s.function || "no step definition";
    if (s.datatable) {
      var table = add(li, el("table", "data"));
      s.datatable.forEach(function (row) {
        var tr = table.insertRow();
        row.forEach(function (cell) { add(tr, el("td", "", cell)); });
      });
    }
    if (s.docstring) { add(li, el("pre", "docstring", s.docstring)); }
    if (s.error) { add(li, el("div", "error", s.error)); }
    s.exchanges.forEach(function (ex) { add(li, exchange(ex)); });
    return li;
  }
  function retried(sc) {
    var all = [];
    sc.steps.forEach(function (s) { all = all.concat(s.exchanges); });
    return all.concat(sc.after).filter(function (e) { return e.retried; }).length;
  }
  function scenario(sc, feature, rule) {
    var article = el("article", "scenario " + sc.status);
    article.id = sc.id;
    article.dataset.status = sc.status;
    article.dataset.tags = sc.tags.concat(feature.tags, rule ? rule.tags : []).join(" ");
    var h3 = add(article, el("h3"));
    if (sc.tags.length) { add(h3, tags(sc.tags)); add(h3, el("br")); }
    add(h3, el("span", "kw", sc.keyword + ":"));
    h3.appendChild(document.createTextNode(" " + sc.name + " "));
    add(h3, el("span", "pill " + sc.status, sc.interrupted ? "interrupted" : sc.status));
    var tries = retried(sc);
    if (tries) { add(h3, el("span", "badge retry", "↻ " + tries + " retried")).title = "requests retried in this scenario"; }
    add(h3, el("span", "duration", sc.duration.toFixed(2) + " s"));
    if (sc.example) {
      var values = sc.example.values;
      add(article, el("div", "meta", "Example " + (sc.example.index + 1) + ": " +
        Object.keys(values).map(function (k) { return k + " = " + values[k]; }).join(", ")));
    }
    if (sc.description) { add(article, el("div", "description", sc.description)); }
    var background = sc.steps.filter(function (s) { return s.background; });
    if (background.length) { add(article, backgroundResult(background)); }
    var steps = add(article, el("ol", "steps"));
    sc.steps.forEach(function (s) { if (!s.background) { add(steps, step(s)); } });
    if (sc.error) { add(article, el("div", "error", sc.error)); }
    if (sc.after.length) {
      add(article, el("div", "meta", "After the scenario (clean-up):"));
      sc.after.forEach(function (ex) { add(article, exchange(ex)); });
    }
    if (sc.teardown_error) { add(article, el("div", "error teardown", "Teardown failed: " + sc.teardown_error)); }
    return article;
  }
  function outline(rows, feature, group) {  // one Scenario Outline: its steps as written, its Examples
    var first = rows[0];
    var article = el("article", "scenario outline " + worstOf(rows));
    article.dataset.line = first.line;
    var h3 = add(article, el("h3"));
    if (first.tags.length) { add(h3, tags(first.tags)); add(h3, el("br")); }
    add(h3, el("span", "kw", first.keyword + ":"));
    h3.appendChild(document.createTextNode(" " + first.name + " "));
    add(h3, el("span", "pill " + worstOf(rows), worstOf(rows)));
    add(h3, el("span", "meta", " " + plural(rows.length, "example")));
    if (first.description) { add(article, el("div", "description", first.description)); }
    var steps = add(article, el("ol", "steps"));
    first.steps.forEach(function (s) {
      if (s.background) { return; }
      var li = add(steps, el("li", "step skipped"));
      var line = add(li, el("div", "step-line"));
      add(line, el("span", "icon", "·"));
      var text = add(line, el("span", "text"));
      add(text, el("span", "kw", s.keyword));
      text.appendChild(document.createTextNode(" " + (s.outline_text || s.text)));
      if (s.outline_docstring) { add(li, el("pre", "docstring", s.outline_docstring)); }
    });
    add(article, el("div", "kw", "Examples:"));
    var table = add(article, el("table", "examples"));
    var names = Object.keys(first.example.values);
    var head = table.insertRow();
    names.concat(["result"]).forEach(function (n) { add(head, el("th", "", n)); });
    var trs = rows.map(function (sc) {
      var tr = table.insertRow();
      tr.className = "row " + sc.status;
      tr.id = sc.id;
      tr.title = "open this example's steps and evidence";
      names.forEach(function (n) { add(tr, el("td", "", sc.example.values[n])); });
      var cell = add(tr, el("td", "status-cell"));
      add(cell, el("span", "pill " + sc.status, sc.status));
      var open = null;
      tr.addEventListener("click", function () {
        if (open === null) {
          open = document.createElement("tr");
          open.className = "evidence-row";
          var td = add(open, el("td", "evidence-cell"));
          td.colSpan = names.length + 1;
          add(td, scenario(sc, feature, group.rule));
          tr.parentNode.insertBefore(open, tr.nextSibling);
        } else {
          open.classList.toggle("hidden");
        }
      });
      return tr;
    });
    return {article: article, rows: trs};
  }
  function worstOf(rows) {
    var statuses = rows.map(function (r) { return r.status; });
    return ["failed", "undefined", "ambiguous", "pending", "passed", "skipped"].filter(function (x) { return statuses.indexOf(x) >= 0; })[0];
  }
  function rule(r) {
    var div = el("div", "rule");
    if (r.tags.length) { add(div, tags(r.tags)); }
    add(div, el("span", "kw", r.keyword + ":"));
    div.appendChild(document.createTextNode(" " + r.name));
    if (r.description) { add(div, el("div", "description prose", r.description)); }
    return div;
  }
  function ruleBackground(steps) {  // a Rule's own Background, shown once
    var div = el("div", "background rule-background");
    add(div, el("span", "kw", "Background:"));
    var list = add(div, el("ol", "steps"));
    steps.forEach(function (s) {
      var li = add(list, el("li", "skipped"));
      var line = add(li, el("div", "step-line"));
      add(line, el("span", "icon", "·"));
      var text = add(line, el("span", "text"));
      add(text, el("span", "kw", s.keyword));
      text.appendChild(document.createTextNode(" " + s.text));
    });
    return div;
  }

  // -- features: rendered when open ---------------------------------------------------------
  var sections = data.features.map(function () { return null; });
  Array.prototype.forEach.call(document.querySelectorAll("section.spec"), function (section) {
    sections[Number(section.dataset.f)] = section;
  });
  // per feature, once rendered: each scenario's element (an outline's row for an outline's
  // example) and the outlines, hidden when all their rows are
  var articles = data.features.map(function () { return null; });
  var outlines = data.features.map(function () { return []; });
  function render(fi, quiet) {
    if (articles[fi] !== null) { return; }
    var feature = data.features[fi];
    var box = sections[fi].querySelector(".scenarios");
    var fragment = document.createDocumentFragment();
    articles[fi] = [];
    feature.groups.forEach(function (group) {
      if (group.rule) { add(fragment, rule(group.rule)); }
      if (group.background && group.background.length) { add(fragment, ruleBackground(group.background)); }
      var list = group.scenarios;
      for (var i = 0; i < list.length;) {
        var sc = list[i];
        if (!sc.example) {
          articles[fi].push(add(fragment, scenario(sc, feature, group.rule)));
          i += 1;
          continue;
        }
        var j = i;
        while (j < list.length && list[j].example && list[j].line === sc.line) { j += 1; }
        var made = outline(list.slice(i, j), feature, group);
        add(fragment, made.article);
        outlines[fi].push(made);
        articles[fi] = articles[fi].concat(made.rows);
        i = j;
      }
    });
    box.appendChild(fragment);
    if (!quiet) { apply(); }
  }

  // -- filters, on the data -----------------------------------------------------------------
  var search = document.getElementById("search");
  var tag = document.getElementById("tag-filter");
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".status-filter"));
  var shown = document.getElementById("shown");
  var haystacks = null;
  function haystack(sc, feature) {
    var parts = [feature.name, sc.keyword, sc.name].concat(sc.tags);
    sc.steps.forEach(function (s) {
      parts.push(s.keyword + " " + s.text, s.error || "");
      s.exchanges.forEach(function (e) { parts.push(e.status + " " + e.method + " " + e.url); });
    });
    return parts.join("\n").toLowerCase();
  }
  function apply() {
    var statuses = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var wanted = tag.value;
    var text = search.value.trim().toLowerCase();
    if (text && haystacks === null) {
      haystacks = data.features.map(function (f) {
        var out = [];
        f.groups.forEach(function (g) { g.scenarios.forEach(function (sc) { out.push(haystack(sc, f)); }); });
        return out;
      });
    }
    var count = 0, total = 0;
    data.features.forEach(function (feature, fi) {
      var k = 0, any = false;
      feature.groups.forEach(function (group) {
        var ruleTags = group.rule ? group.rule.tags : [];
        group.scenarios.forEach(function (sc) {
          var ok = statuses.indexOf(sc.status) >= 0;
          if (ok && wanted) { ok = sc.tags.indexOf(wanted) >= 0 || feature.tags.indexOf(wanted) >= 0 || ruleTags.indexOf(wanted) >= 0; }
          if (ok && text) { ok = haystacks[fi][k].indexOf(text) >= 0; }
          if (articles[fi] !== null) { articles[fi][k].classList.toggle("hidden", !ok); }
          if (ok) { count += 1; any = true; }
          k += 1; total += 1;
        });
      });
      outlines[fi].forEach(function (o) {
        o.article.classList.toggle("hidden", o.rows.every(function (r) { return r.classList.contains("hidden"); }));
      });
      sections[fi].classList.toggle("hidden", !any);
    });
    shown.textContent = count + " of " + plural(total, "scenario") + " shown";
  }
  sections.forEach(function (section, fi) {
    var details = section.querySelector("details");
    details.addEventListener("toggle", function () { if (details.open) { render(fi); } });
    if (details.open) { render(fi, true); }
  });
  // -- tabs: a [data-tab] button shows the [data-tab-panel] of the same name --------------------
  var tabs = Array.prototype.slice.call(document.querySelectorAll("[data-tab]"));
  function show(name) {
    tabs.forEach(function (t) { t.setAttribute("aria-selected", String(t.dataset.tab === name)); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-tab-panel]"), function (panel) {
      panel.classList.toggle("hidden", panel.dataset.tabPanel !== name);
    });
  }
  tabs.forEach(function (t) {
    t.addEventListener("click", function () { show(t.dataset.tab); history.replaceState(null, "", "#" + t.dataset.tab); });
  });
  var wantedTab = location.hash.slice(1);
  if (tabs.some(function (t) { return t.dataset.tab === wantedTab; })) { show(wantedTab); }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  tag.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
})();
