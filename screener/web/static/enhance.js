// Progressive enhancement only: every page works the same without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A print button where a script can press it; without scripts the page says how to print.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll(".no-script-print").forEach(function (text) { text.hidden = true; });

  // When a result was made, in the reader's own time zone: the server writes its own, named
  // ("1 December 2026, 08:45 UTC"), which is another day for some readers. Every <time> with a
  // time of day is said again in the browser's zone, in the same words (screener/reports/when.py),
  // and the PDF links ask for that zone (without this script, the server's zone, named, stays).
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
  document.querySelectorAll("time[datetime*='T']").forEach(function (time) {
    var moment = new Date(time.getAttribute("datetime"));
    if (!isNaN(moment.getTime())) { time.textContent = momentText(moment); }
  });
  if (zone) {
    document.querySelectorAll("a[href^='/result.pdf']").forEach(function (link) {
      link.href = link.getAttribute("href") + "&zone=" + encodeURIComponent(zone);
    });
  }

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

// "1 December 2026, 09:45 UTC+01:00", or "30 November 2026, 22:45 UTC-05:00 (EST)": the moment in
// the browser's zone, as screener/reports/when.py words one (an abbreviation only after the offset).
function momentText(moment) {
  var two = function (number) { return (number < 10 ? "0" : "") + number; };
  var month = moment.toLocaleString("en-GB", { month: "long" });
  var east = -moment.getTimezoneOffset();
  var offset = "UTC";
  if (east !== 0) {
    offset += (east > 0 ? "+" : "-") + two(Math.floor(Math.abs(east) / 60)) + ":" + two(Math.abs(east) % 60);
  }
  var name = "";
  try {
    var parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(moment);
    parts.forEach(function (part) { if (part.type === "timeZoneName") { name = part.value; } });
  } catch (error) { name = ""; }
  var named = /^[A-Za-z]+$/.test(name) && ["UTC", "GMT", "Z"].indexOf(name.toUpperCase()) < 0 ? " (" + name + ")" : "";
  return moment.getDate() + " " + month + " " + moment.getFullYear() + ", " + two(moment.getHours()) + ":" +
    two(moment.getMinutes()) + " " + offset + named;
}
