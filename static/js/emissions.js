// Live footprint preview for the disclosure form (progressive enhancement).
// Without JavaScript the form's "Preview" button re-renders the page with the estimate;
// with it, the preview updates as the researcher types, from POST /api/v1/estimate/.
(function () {
  "use strict";
  var form = document.getElementById("disclosure-form");
  if (!form || !window.fetch) { return; }
  var target = document.getElementById("footprint-preview");
  var url = form.getAttribute("data-estimate-url");
  var timer = null;
  var RUN_FIELDS = ["name", "accelerator", "count", "hours", "device_hours", "power_w",
    "power_basis", "energy_kwh", "pue", "intensity_g_per_kwh", "cfe_fraction",
    "idle_energy_kwh", "embodied_tco2e"];
  var INTEGER_FIELDS = { count: true };

  function value(name) {
    var input = form.elements[name];
    return input ? input.value.trim() : "";
  }

  function runs() {
    var total = parseInt(value("runs-TOTAL_FORMS"), 10) || 0;
    var out = [];
    for (var i = 0; i < total; i++) {
      var run = {};
      RUN_FIELDS.forEach(function (field) {
        var raw = value("runs-" + i + "-" + field);
        if (raw === "") { return; }
        var number = Number(raw);
        run[field] = (field === "name" || field === "accelerator" || field === "power_basis" || isNaN(number))
          ? raw : (INTEGER_FIELDS[field] ? Math.round(number) : number);
      });
      var location = {};
      ["country", "cloud_provider", "cloud_region"].forEach(function (field) {
        var raw = value("runs-" + i + "-" + field);
        if (raw !== "") { location[field] = raw; }
      });
      if (Object.keys(location).length) { run.location = location; }
      if (Object.keys(run).length) { out.push(run); }
    }
    return out;
  }

  function claim() {
    var out = { basis: value("claim_basis") || "location" };
    if (value("claim_tco2e") !== "") { out.tco2e = Number(value("claim_tco2e")); }
    if (value("claim_energy_kwh") !== "") { out.energy_kwh = Number(value("claim_energy_kwh")); }
    return out;
  }

  function tonnes(t) {
    if (t === 0) { return "0 t"; }
    if (Math.abs(t) < 1) { return (t * 1000).toPrecision(3) + " kg"; }
    return t >= 1000 ? Math.round(t).toLocaleString("en") + " t" : t.toPrecision(3) + " t";
  }

  function energy(kwh) {
    if (kwh >= 1e6) { return (kwh / 1e6).toPrecision(3) + " GWh"; }
    if (kwh >= 1e3) { return (kwh / 1e3).toPrecision(3) + " MWh"; }
    return kwh.toPrecision(3) + " kWh";
  }

  function show(lines, isError) {
    var heading = document.createElement("h2");
    heading.id = "preview-heading";
    heading.textContent = "Footprint preview";
    var body = document.createElement(isError ? "p" : "dl");
    body.className = isError ? "notice notice-warn" : "facts";
    lines.forEach(function (pair) {
      if (isError) { body.textContent = pair; return; }
      var dt = document.createElement("dt"); dt.textContent = pair[0];
      var dd = document.createElement("dd"); dd.textContent = pair[1];
      body.appendChild(dt); body.appendChild(dd);
    });
    target.replaceChildren(heading, body);
  }

  function update() {
    var payload = { runs: runs() };
    if (!payload.runs.length) { return; }
    var c = claim();
    if (c.tco2e !== undefined || c.energy_kwh !== undefined) { payload.claim = c; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": value("csrfmiddlewaretoken") },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) {
        var errors = (result.data.errors || []).map(function (e) {
          return (e.field ? e.field + ": " : "") + e.message;
        });
        show([errors.join("; ") || "The estimator could not read these runs."], true);
        return;
      }
      var fp = result.data.footprint;
      var lines = [
        ["Energy (facility)", energy(fp.energy_kwh)],
        ["Emissions, gross", tonnes(fp.gross_tco2e) + " (range " + tonnes(fp.low_tco2e) + " – " + tonnes(fp.high_tco2e) + ")"]
      ];
      if (fp.net_tco2e !== fp.gross_tco2e) { lines.push(["Emissions, net", tonnes(fp.net_tco2e)]); }
      if (result.data.verification) {
        lines.push(["Your claim", result.data.verification.summary]);
      }
      show(lines, false);
    }).catch(function () { /* the Preview button still works */ });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 600);
  });
})();
