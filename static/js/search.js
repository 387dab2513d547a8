// Search page, progressive enhancement only: the page works without this file.
// Changing "Show" or "Sort by" re-runs the search at once instead of waiting for the button.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form) {
    return;
  }
  ["search-type", "search-sort"].forEach(function (id) {
    var select = document.getElementById(id);
    if (select) {
      select.addEventListener("change", function () {
        form.submit();
      });
    }
  });
})();
