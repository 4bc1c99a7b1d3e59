// Sorts a table marked data-sortable when one of its column headers is clicked. Client side, so it
// is used only on tables shown whole: a list cut into pages sorts on the server (?sort=), since
// sorting one page in the browser would pretend to sort the list. A file of its own because the
// Content-Security-Policy refuses inline script and inline handlers.
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "id").toLowerCase();
  // Indonesian writes "2.889" and "37,5"; English "2,889" and "37.5".
  var thousands = lang.indexOf("en") === 0 ? "," : ".";
  var decimal = thousands === "." ? "," : ".";
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  var EMPTY = /^(|—|-|–)$/;

  function text(cell) {
    if (!cell) return "";
    var given = cell.getAttribute("data-sort-value");
    return (given !== null ? given : cell.textContent).replace(/\s+/g, " ").trim();
  }

  // A number written the page's way ("2.889", "Rp1.234.567", "37,5 %", "-4"), or null.
  function number(value) {
    var t = value.replace(/^Rp\s?/, "").replace(/\s?%$/, "").replace(/\u2212/g, "-");
    var grouped = new RegExp("^-?\\d{1,3}(\\" + thousands + "\\d{3})+(\\" + decimal + "\\d+)?$");
    var plain = new RegExp("^-?\\d+(\\" + decimal + "\\d+)?$");
    if (!grouped.test(t) && !plain.test(t)) return null;
    return parseFloat(t.split(thousands).join("").replace(decimal, "."));
  }

  function compare(a, b) {
    // Empty cells ("—") go last whichever way the column is sorted: handled by the caller.
    var x = number(a), y = number(b);
    if (x !== null && y !== null) return x - y;
    if (x !== null) return -1;
    if (y !== null) return 1;
    return collator.compare(a, b);
  }

  function sortBy(table, headers, index, header) {
    var descending = header.getAttribute("aria-sort") === "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, position) {
      return { row: row, value: text(row.cells[index]), position: position };
    });
    keyed.sort(function (a, b) {
      var ea = EMPTY.test(a.value), eb = EMPTY.test(b.value);
      if (ea !== eb) return ea ? 1 : -1;
      var order = ea ? 0 : compare(a.value, b.value);
      if (descending) order = -order;
      return order || a.position - b.position; // stable
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k.row); });
    body.appendChild(fragment);
    headers.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function prepare(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body || head.rows.length === 0) return;
    // A table whose only row is the empty state has nothing to sort.
    if (body.rows.length < 2) return;
    var headers = Array.prototype.slice.call(head.rows[head.rows.length - 1].cells);
    headers.forEach(function (header, index) {
      if (header.hasAttribute("data-nosort") || header.colSpan > 1 || header.querySelector("a, button, input")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () { sortBy(table, headers, index, header); });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), prepare);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
