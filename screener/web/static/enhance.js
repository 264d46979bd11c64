// Progressive enhancement only: every page works the same without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A print button where a script can press it; without scripts the page says how to print.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll(".no-script-print").forEach(function (text) { text.hidden = true; });

  // The result's reasoning stays folded when the page is printed: the printout is the short form
  // (web.css says on paper where the reasons are); the PDF report has them all.

  // "None of these" and the other boxes exclude each other (the server checks this too).
  document.querySelectorAll("input[type=checkbox][data-exclusive]").forEach(function (none) {
    var others = Array.prototype.filter.call(
      document.querySelectorAll("input[type=checkbox][name='" + none.name + "']"),
      function (box) { return box !== none; });
    none.addEventListener("change", function () {
      if (none.checked) { others.forEach(function (box) { box.checked = false; }); }
    });
    others.forEach(function (box) {
      box.addEventListener("change", function () { if (box.checked) { none.checked = false; } });
    });
  });

  // Shortly before the answers are forgotten (the server forgets a session after a time without
  // use), say so and offer to keep them: asking the server for /still-here restarts that time.
  var idle = document.querySelector("[data-idle-seconds]");
  if (idle) {
    var limit = Number(idle.getAttribute("data-idle-seconds")) * 1000;
    var lead = Math.min(5 * 60 * 1000, limit / 6);  // five minutes' warning, less for a short limit
    var warnTimer, endTimer;
    var keep = idle.querySelector("[data-keep-answers]");
    var arm = function () {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(function () { idle.hidden = false; }, limit - lead);
      endTimer = setTimeout(ended, limit);
    };
    var ended = function () {
      idle.hidden = false;
      keep.hidden = true;
      idle.querySelector("[data-idle-text]").hidden = true;
      idle.querySelector("[data-idle-ended]").hidden = false;
    };
    keep.addEventListener("click", function () {
      fetch("/still-here", { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.status === 204) { idle.hidden = true; arm(); } else { ended(); }
      }, ended);
    });
    arm();
  }

  // After an error, move focus to the summary so that it is read first (it is also role=alert and
  // has autofocus, which moves it there without this script in browsers that honour it).
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
