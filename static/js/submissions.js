// Submission form: check for possible duplicates as soon as the URL or title is typed.
// Progressive enhancement only: without JavaScript the server shows the same list on submit.
// Results are built with textContent (never innerHTML), so titles stay inert text.
(function () {
  "use strict";
  var form = document.querySelector("form[data-duplicates-url]");
  if (!form || !window.fetch) { return; }
  var endpoint = form.getAttribute("data-duplicates-url");
  var url = form.querySelector("[name=url]");
  var title = form.querySelector("[name=title]");
  var box = document.getElementById("live-duplicates");
  if (!box || !url || !title) { return; }
  var last = "";

  function show(items) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!items.length) { box.hidden = true; return; }
    var heading = document.createElement("h2");
    heading.textContent = "Possibly already in the registry";
    box.appendChild(heading);
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      if (typeof item.link === "string" && item.link.charAt(0) === "/" && item.link.charAt(1) !== "/") {
        link.href = item.link;
      }
      link.textContent = item.title;
      var detail = document.createElement("span");
      detail.className = "muted";
      detail.textContent = " " + item.detail;
      li.appendChild(link);
      li.appendChild(detail);
      list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = false;
  }

  function check() {
    var params = new URLSearchParams();
    if (url.value.trim()) { params.set("url", url.value.trim()); }
    if (title.value.trim().length >= 6) { params.set("title", title.value.trim()); }
    var query = params.toString();
    if (!query || query === last) { return; }
    last = query;
    fetch(endpoint + "?" + query, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (items) { show(Array.isArray(items) ? items : []); })
      .catch(function () { /* the server-side check on submit still runs */ });
  }

  url.addEventListener("change", check);
  title.addEventListener("change", check);
})();
