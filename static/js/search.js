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

// Wide screens show the facets beside the results: open their panel (CSS does the same where
// the browser supports ::details-content).
(function () {
  "use strict";
  var panel = document.querySelector(".facet-panel");
  if (panel && window.matchMedia("(min-width: 52rem)").matches) {
    panel.open = true;
  }
})();
