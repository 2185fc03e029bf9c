/* The History view's strips: a row per scenario, a cell per run, drawn from the section's JSON
   data (a letter per run), the first rows at once and the rest on "Show all", so a page of
   5,000 scenarios opens at once. Everything is built with textContent: no markup from data. */
(function () {
  "use strict";
  var source = document.getElementById("history-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  // a row: [feature index, scenario, strip, switches, failed runs, last failure], least stable
  // first; its label is added here
  var runs = data.runs, rows = data.rows.map(function (r) {
    return r.concat([data.features[r[0]] + ": " + r[1]]);
  });
  var STATUS = {p: "passed", f: "failed", u: "undefined", a: "ambiguous", s: "skipped", "-": "not run"};
  var FIRST = 100;
  var body = document.querySelector("#history-strips tbody");
  var more = document.getElementById("history-more");
  var shown = document.getElementById("history-shown");
  var sort = document.getElementById("history-sort");
  var all = false;

  function cell(text) { var td = document.createElement("td"); td.textContent = String(text); return td; }
  function strip(letters) {
    var span = document.createElement("span");
    span.className = "strip";
    for (var i = 0; i < letters.length; i++) {
      var c = letters.charAt(i), mark = document.createElement("i");
      mark.className = c === "-" ? "none" : c;
      mark.title = runs[i] + ": " + STATUS[c];
      span.appendChild(mark);
    }
    return span;
  }
  function ordered() {
    if (sort.value === "name") {
      return rows.slice().sort(function (a, b) { return a[6] < b[6] ? -1 : a[6] > b[6] ? 1 : 0; });
    }
    return rows;  // the writer's order
  }
  function draw() {
    var list = ordered(), count = all ? list.length : Math.min(FIRST, list.length);
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < count; i++) {
      var r = list[i], tr = document.createElement("tr"), td = cell(r[6]);
      tr.className = "history-row";
      if (r[5]) { td.title = "last failure: " + r[5]; }
      tr.appendChild(td);
      var strips = document.createElement("td");
      strips.appendChild(strip(r[2]));
      tr.appendChild(strips);
      tr.appendChild(cell(r[3]));
      tr.appendChild(cell(r[4]));
      fragment.appendChild(tr);
    }
    body.textContent = "";
    body.appendChild(fragment);
    shown.textContent = count + " of " + list.length + " scenarios";
    more.classList.toggle("hidden", count >= list.length);
  }
  sort.addEventListener("change", draw);
  more.addEventListener("click", function () { all = true; draw(); });
  draw();
}());
