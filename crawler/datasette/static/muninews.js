// muninews: a row page (one article, one page, …) reads as a record, label beside value, instead
// of one very wide table row; long bodies get a readable line length.
document.addEventListener("DOMContentLoaded", function () {
  if (!document.body.classList.contains("row")) return;
  var table = document.querySelector("table.rows-and-columns");
  if (!table) return;
  var labels = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
    return th.getAttribute("data-column") || th.textContent.trim();
  });
  table.querySelectorAll("tbody tr").forEach(function (tr) {
    Array.prototype.forEach.call(tr.children, function (td, i) { td.setAttribute("data-label", labels[i] || ""); });
  });
  table.classList.add("muninews-record");
});
