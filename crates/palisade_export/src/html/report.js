"use strict";
// Sorting and filtering for the report's tables. Without it, the report shows everything.
(function () {
  document.documentElement.classList.add("js");

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a.trim() && String(y) === b.trim()) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var body = table.tBodies[0];
    if (!head || !body) return;
    Array.prototype.forEach.call(head.cells, function (th, index) {
      // The header itself is the control (its text stays in the cell, which print needs).
      th.tabIndex = 0;
      th.classList.add("sorts");
      th.setAttribute("title", "Sort by this column");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1, index), cellValue(r2, index));
          return ascending ? c : -c;
        });
        rows.forEach(function (row) {
          row.classList.remove("group-start");
          Array.prototype.forEach.call(row.cells, function (cell) { cell.classList.remove("same"); });
          body.appendChild(row);
        });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sort();
        }
      });
    });
  });

  document.querySelectorAll(".filters").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var q = box.querySelector(".q"), sev = box.querySelector(".sev-filter");
    var status = box.querySelector(".status-filter"), shown = box.querySelector(".shown");
    function apply() {
      var text = q.value.trim().toLowerCase(), s = sev.value, st = status.value, n = 0;
      rows.forEach(function (row) {
        var ok = (!text || row.textContent.toLowerCase().indexOf(text) >= 0) &&
          (!s || row.getAttribute("data-severity") === s) &&
          (!st || row.getAttribute("data-status") === st || row.getAttribute("data-resolved") === st);
        row.hidden = !ok;
        if (ok) n += 1;
      });
      shown.textContent = n + " of " + rows.length + " shown";
    }
    [q, sev, status].forEach(function (input) { input.addEventListener("input", apply); });
    box.hidden = false;
    apply();
  });

  document.querySelectorAll("figure.diagram").forEach(function (figure) {
    var svg = figure.querySelector("svg");
    if (svg) svg.addEventListener("click", function () { figure.classList.toggle("fit"); });
  });
})();
