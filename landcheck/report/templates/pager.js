(function () {
  "use strict";
  var block = document.getElementById("summary-data");
  var body = document.getElementById("summary-rows");
  if (!block || !body) { return; }
  var data = JSON.parse(block.textContent);
  var texts = data.texts, columns = data.columns, size = data.page_rows;
  var info = document.getElementById("summary-page");
  var find = document.getElementById("summary-find");
  var previous = document.getElementById("summary-previous");
  var next = document.getElementById("summary-next");
  var shown = data.rows, page = 0;
  document.getElementById("summary-pager").hidden = false;

  function cell(row, i) {
    var td = document.createElement("td"), column = columns[i], text = row[i + 2];
    td.className = (i === 0 ? "first " : "") + (column.numeric ? "num" : "") +
      (column.wide ? " wide" : "");
    var inner = null;
    if (i === 0 && row[0] && row[0].indexOf(data.link_prefix) === 0) {
      inner = document.createElement("a");
      inner.setAttribute("href", row[0]);
    } else if (column.status && data.statuses.indexOf(row[1]) >= 0) {
      inner = document.createElement("span");
      inner.className = "badge status-" + row[1];
    }
    if (inner) { inner.textContent = text; td.appendChild(inner); } else { td.textContent = text; }
    return td;
  }

  function draw() {
    var pages = Math.max(1, Math.ceil(shown.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    var rows = document.createDocumentFragment();
    shown.slice(page * size, (page + 1) * size).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.className = "row";
      for (var i = 0; i < columns.length; i++) { tr.appendChild(cell(row, i)); }
      rows.appendChild(tr);
    });
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(rows);
    info.textContent = shown.length ? texts.page.replace("{page}", page + 1)
      .replace("{pages}", pages).replace("{rows}", shown.length) : texts.none;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
    body.setAttribute("data-page", String(page + 1));
  }

  function go(to) {
    page = to;
    draw();
    if (!find.value && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#page=" + (page + 1));
    }
  }

  find.addEventListener("input", function () {
    var needle = find.value.trim().toLowerCase();
    shown = !needle ? data.rows : data.rows.filter(function (row) {
      return (row[2] + "\n" + row[3]).toLowerCase().indexOf(needle) >= 0;
    });
    go(0);
  });
  previous.addEventListener("click", function () { go(page - 1); });
  next.addEventListener("click", function () { go(page + 1); });
  var asked = /^#page=(\d+)$/.exec(window.location.hash);
  if (asked) { page = parseInt(asked[1], 10) - 1; draw(); }
  previous.disabled = page === 0;
  next.disabled = false;
}());
