// The drills' people picker: narrow the roster list by department and by name or post, tick
// everyone shown, and count who is picked. Without this script every person is listed.
(function () {
  "use strict";
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var dept = picker.querySelector("[data-picker-department]");
    var search = picker.querySelector("[data-picker-search]");
    var all = picker.querySelector("[data-picker-all]");
    var count = picker.querySelector("[data-picker-count]");
    var items = Array.prototype.slice.call(picker.querySelectorAll("li[data-text]"));

    function shown(item) {
      var d = dept.value;
      var q = search.value.trim().toLowerCase();
      return (!d || item.dataset.department === d) &&
        (!q || item.dataset.text.toLowerCase().indexOf(q) !== -1);
    }
    function refresh() {
      items.forEach(function (item) { item.hidden = !shown(item); });
      count.textContent = picker.querySelectorAll("input[type=checkbox]:checked").length;
    }
    dept.addEventListener("change", refresh);
    search.addEventListener("input", refresh);
    picker.addEventListener("change", refresh);
    all.addEventListener("click", function () {
      items.forEach(function (item) {
        if (!item.hidden) { item.querySelector("input").checked = true; }
      });
      refresh();
    });
    refresh();
  });
}());
