// Warden console: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Live updates: an element with data-live-url says when the number it shows has changed. It listens to the server-sent
  // events at data-live-events; without EventSource, or when the stream is refused, it polls the small JSON feed instead.
  var live = document.querySelector("[data-live-url]");
  if (live) {
    var url = live.getAttribute("data-live-url");
    var events = live.getAttribute("data-live-events");
    var field = live.getAttribute("data-live-field");
    var shown = Number(live.getAttribute("data-live-value"));
    var noun = live.getAttribute("data-live-noun") || "items";
    var polling = null;
    var show = function (body) {
      if (!body || typeof body[field] !== "number" || body[field] === shown) { return; }
      live.textContent = "";
      live.append(document.createTextNode("Now " + body[field] + " " + noun + " (this page shows " + shown + "). "));
      var reload = document.createElement("a");
      reload.href = window.location.pathname + window.location.search;
      reload.textContent = "Reload";
      live.append(reload);
      live.hidden = false;
    };
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(show)
        .catch(function () { /* offline or signed out: try again at the next tick */ });
    };
    var startPolling = function () {
      live.setAttribute("data-live-transport", "polling");
      if (polling === null) { polling = window.setInterval(poll, 15000); }
    };
    if (events && typeof window.EventSource === "function") {
      var source = new EventSource(events);
      live.setAttribute("data-live-transport", "events");
      source.addEventListener("count", function (event) {
        try { show(JSON.parse(event.data)); } catch (e) { /* a malformed event changes nothing */ }
      });
      // A dropped stream reconnects by itself (CONNECTING); a refused one (signed out, 403) is CLOSED: poll instead.
      source.onerror = function () { if (source.readyState === EventSource.CLOSED) { startPolling(); } };
    } else {
      startPolling();
    }
  }

  // A table wider than the screen scrolls in its own box (console.css); make that box reachable by keyboard.
  var focusableScrollers = function () {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  };
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);

  // Review shortcuts: 1–9 choose a label, Enter decides, c claims, j/k move between items.
  var decide = document.getElementById("decide-form");
  var claim = document.getElementById("claim-form");
  var links = Array.prototype.slice.call(document.querySelectorAll("[data-review-link]"));
  if (!decide && !claim && links.length === 0) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var typing = target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type === "text") || target.tagName === "SELECT");
    if (typing) { return; }
    if (decide && /^[1-9]$/.test(event.key)) {
      var radio = decide.querySelector("input[data-shortcut='" + event.key + "']");
      if (radio) { radio.checked = true; radio.focus(); event.preventDefault(); }
    } else if (decide && event.key === "Enter" && !(target && (target.tagName === "BUTTON" || target.tagName === "A"))) {
      event.preventDefault();
      decide.requestSubmit();
    } else if (claim && event.key === "c") {
      event.preventDefault();
      claim.requestSubmit();
    } else if ((event.key === "j" || event.key === "k") && links.length > 0) {
      var current = links.findIndex(function (a) { return a.getAttribute("aria-current") === "page"; });
      var next = links[Math.min(links.length - 1, Math.max(0, current + (event.key === "j" ? 1 : -1)))];
      if (next && next.getAttribute("aria-current") !== "page") { window.location.href = next.href; }
    }
  });
})();
