// SPDX-License-Identifier: AGPL-3.0-or-later
// Conveniences for the case list's bulk form: a box that selects every
// case on the page, and only the fields the chosen action uses. Without
// this script every field shows and each case is ticked by hand; the
// server ignores the fields an action does not use.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("bulk-form");
    if (!form) {
      return;
    }
    var all = document.getElementById("select-all");
    var boxes = form.querySelectorAll('input[type="checkbox"][name="key"]');
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
      });
      boxes.forEach(function (box) {
        box.addEventListener("change", function () {
          all.checked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
        });
      });
    }
    var action = document.getElementById("bulk-action");
    if (!action) {
      return;
    }
    function show() {
      form.querySelectorAll("[data-bulk]").forEach(function (el) {
        el.hidden = el.getAttribute("data-bulk").split(" ").indexOf(action.value) < 0;
      });
    }
    action.addEventListener("change", show);
    action.addEventListener("input", show);
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
