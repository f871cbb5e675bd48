// SPDX-License-Identifier: AGPL-3.0-or-later
// The CVSS calculator of the case page: buttons for every base metric of
// CVSS v3.1 and v4.0 that write the vector into the form's vector field.
// It only builds the string; the server parses, validates and scores it
// when the form is sent, so there is one scoring implementation. Without
// this script the field takes a typed or pasted vector as before.
(function () {
  "use strict";

  // The base metrics of each version, in the order the specifications
  // write them, with their values (first letter in the vector).
  var versions = {
    "3.1": [
      { key: "AV", name: "Attack Vector", values: [["N", "Network"], ["A", "Adjacent"], ["L", "Local"], ["P", "Physical"]] },
      { key: "AC", name: "Attack Complexity", values: [["L", "Low"], ["H", "High"]] },
      { key: "PR", name: "Privileges Required", values: [["N", "None"], ["L", "Low"], ["H", "High"]] },
      { key: "UI", name: "User Interaction", values: [["N", "None"], ["R", "Required"]] },
      { key: "S", name: "Scope", values: [["U", "Unchanged"], ["C", "Changed"]] },
      { key: "C", name: "Confidentiality", values: [["H", "High"], ["L", "Low"], ["N", "None"]] },
      { key: "I", name: "Integrity", values: [["H", "High"], ["L", "Low"], ["N", "None"]] },
      { key: "A", name: "Availability", values: [["H", "High"], ["L", "Low"], ["N", "None"]] }
    ],
    "4.0": [
      { key: "AV", name: "Attack Vector", values: [["N", "Network"], ["A", "Adjacent"], ["L", "Local"], ["P", "Physical"]] },
      { key: "AC", name: "Attack Complexity", values: [["L", "Low"], ["H", "High"]] },
      { key: "AT", name: "Attack Requirements", values: [["N", "None"], ["P", "Present"]] },
      { key: "PR", name: "Privileges Required", values: [["N", "None"], ["L", "Low"], ["H", "High"]] },
      { key: "UI", name: "User Interaction", values: [["N", "None"], ["P", "Passive"], ["A", "Active"]] },
      { key: "VC", name: "Vulnerable System Confidentiality", values: [["H", "High"], ["L", "Low"], ["N", "None"]] },
      { key: "VI", name: "Vulnerable System Integrity", values: [["H", "High"], ["L", "Low"], ["N", "None"]] },
      { key: "VA", name: "Vulnerable System Availability", values: [["H", "High"], ["L", "Low"], ["N", "None"]] },
      { key: "SC", name: "Subsequent System Confidentiality", values: [["H", "High"], ["L", "Low"], ["N", "None"]] },
      { key: "SI", name: "Subsequent System Integrity", values: [["H", "High"], ["L", "Low"], ["N", "None"]] },
      { key: "SA", name: "Subsequent System Availability", values: [["H", "High"], ["L", "Low"], ["N", "None"]] }
    ]
  };

  // parse splits a vector into its version and metrics, in order; it
  // returns null for anything that is not a CVSS 3.1 or 4.0 vector.
  function parse(text) {
    var parts = text.trim().split("/");
    var head = parts.shift();
    var m = /^CVSS:(3\.1|4\.0)$/.exec(head || "");
    if (!m) {
      return null;
    }
    var metrics = [];
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split(":");
      if (kv.length !== 2 || kv[0] === "" || kv[1] === "") {
        return null;
      }
      metrics.push(kv);
    }
    return { version: m[1], metrics: metrics };
  }

  function setUp(root) {
    var input = document.getElementById(root.getAttribute("data-input"));
    if (!input) {
      return;
    }
    var state = { version: "4.0", chosen: {}, extra: [] };
    var status = document.createElement("p");
    status.className = "hint";
    status.id = "cvss-calc-status";
    status.setAttribute("aria-live", "polite");

    // load takes the metrics of the vector in the field: base metrics
    // preselect buttons, the others (threat, environmental, supplemental)
    // are kept as they are after the base metrics.
    function load() {
      var v = parse(input.value);
      state.chosen = {};
      state.extra = [];
      if (!v) {
        return;
      }
      state.version = v.version;
      var base = {};
      versions[v.version].forEach(function (metric) { base[metric.key] = metric; });
      v.metrics.forEach(function (kv) {
        var metric = base[kv[0]];
        var known = metric && metric.values.some(function (val) { return val[0] === kv[1]; });
        if (known) {
          state.chosen[kv[0]] = kv[1];
        } else if (!metric) {
          state.extra.push(kv[0] + ":" + kv[1]);
        }
      });
    }

    // write puts the vector in the field once every base metric is chosen.
    function write() {
      var metrics = versions[state.version];
      var missing = metrics.filter(function (metric) { return !state.chosen[metric.key]; });
      if (missing.length > 0) {
        status.textContent = "Choose " + missing.map(function (m) { return m.name; }).join(", ") + ".";
        return;
      }
      var parts = ["CVSS:" + state.version];
      metrics.forEach(function (metric) { parts.push(metric.key + ":" + state.chosen[metric.key]); });
      input.value = parts.concat(state.extra).join("/");
      status.textContent = "Vector complete; save to score it.";
    }

    function render() {
      while (root.firstChild) {
        root.removeChild(root.firstChild);
      }
      var heading = document.createElement("h3");
      heading.textContent = "Calculator";
      root.appendChild(heading);
      var switcher = document.createElement("div");
      switcher.className = "versions";
      switcher.setAttribute("role", "group");
      switcher.setAttribute("aria-label", "CVSS version");
      Object.keys(versions).forEach(function (ver) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "btn btn-small";
        b.id = "cvss-version-" + ver.replace(".", "");
        b.textContent = "CVSS v" + ver;
        b.setAttribute("aria-pressed", String(state.version === ver));
        b.addEventListener("click", function () {
          if (state.version !== ver) {
            // Other metrics of the other version mean nothing here.
            state.version = ver;
            state.chosen = {};
            state.extra = [];
            render();
          }
        });
        switcher.appendChild(b);
      });
      root.appendChild(switcher);
      versions[state.version].forEach(function (metric) {
        var set = document.createElement("fieldset");
        var legend = document.createElement("legend");
        legend.textContent = metric.name + " (" + metric.key + ")";
        set.appendChild(legend);
        var opts = document.createElement("div");
        opts.className = "opts";
        metric.values.forEach(function (val) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "btn btn-small";
          b.id = "cvss-" + metric.key + "-" + val[0];
          b.textContent = val[1];
          b.title = metric.key + ":" + val[0];
          b.setAttribute("aria-pressed", String(state.chosen[metric.key] === val[0]));
          b.addEventListener("click", function () {
            state.chosen[metric.key] = val[0];
            opts.querySelectorAll("button").forEach(function (other) {
              other.setAttribute("aria-pressed", String(other === b));
            });
            write();
          });
          opts.appendChild(b);
        });
        set.appendChild(opts);
        root.appendChild(set);
      });
      root.appendChild(status);
      write();
      if (Object.keys(state.chosen).length === 0) {
        status.textContent = "Pick a value for each metric, or type a vector above.";
      }
    }

    input.addEventListener("change", function () {
      load();
      render();
    });
    load();
    render();
    root.hidden = false;
  }

  function start() {
    document.querySelectorAll(".cvss-calc[data-input]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
