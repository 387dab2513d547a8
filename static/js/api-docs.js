/* Starts Swagger UI on the API docs page; the schema URL comes from a data attribute so the
   page needs no inline script (strict Content-Security-Policy). */
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.ui = window.SwaggerUIBundle({
      url: root.getAttribute("data-schema-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
      layout: "BaseLayout"
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
