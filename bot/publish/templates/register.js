// Sorting and filtering for the published register: no server, no network, no libraries.
// Without JavaScript the full table still shows; the controls appear only when this runs.
(function () {
  "use strict";
  var table = document.getElementById("register");
  if (!table || !table.tHead || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var form = document.getElementById("filters");
  var text = document.getElementById("filter-text");
  var kind = document.getElementById("filter-kind");
  var kindColumn = kind ? Number(kind.getAttribute("data-column")) : -1;
  var status = document.getElementById("row-count");
  var collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });

  function key(cell) {
    var sortKey = cell.getAttribute("data-sort");
    return sortKey !== null ? sortKey : cell.textContent.trim();
  }

  function compare(column, numeric) {
    return function (a, b) {
      var x = key(a.cells[column]);
      var y = key(b.cells[column]);
      if (x === "" || y === "") { return x === y ? 0 : (x === "" ? 1 : -1); }  // blanks last
      return numeric ? Number(x) - Number(y) : collator.compare(x, y);
    };
  }

  function sortBy(column) {
    var head = heads[column];
    var direction = head.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var numeric = head.getAttribute("data-type") === "number";
    // Array.prototype.sort is stable, so equal keys keep the order they had.
    var sorted = rows.slice().sort(compare(column, numeric));
    if (direction === "descending") { sorted.reverse(); }
    heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
    head.setAttribute("aria-sort", direction);
    var fragment = document.createDocumentFragment();
    sorted.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
  }

  heads.forEach(function (head, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (head.firstChild) { button.appendChild(head.firstChild); }
    var arrow = document.createElement("span");
    arrow.className = "arrow";
    arrow.setAttribute("aria-hidden", "true");
    button.appendChild(arrow);
    button.addEventListener("click", function () { sortBy(column); });
    head.appendChild(button);
  });

  function filter() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = kind ? kind.value : "";
    var shown = 0;
    rows.forEach(function (row) {
      var haystack = row.textContent.toLowerCase();
      var match = words.every(function (word) { return haystack.indexOf(word) !== -1; });
      if (match && wanted) { match = row.cells[kindColumn].textContent.trim() === wanted; }
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    var noun = rows.length === 1 ? "entry" : "entries";
    status.textContent = shown === rows.length
      ? "Showing all " + rows.length + " " + noun + "."
      : "Showing " + shown + " of " + rows.length + " " + noun + ".";
  }

  if (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
    text.addEventListener("input", filter);
    if (kind) { kind.addEventListener("change", filter); }
    form.hidden = false;
  }
})();
