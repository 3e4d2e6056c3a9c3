// vpslink web UI: the few things the server cannot do. Times in the
// browser's own zone, the contact picker's keyboard and clicks. No inline
// script anywhere: the Content-Security-Policy forbids it.
"use strict";

(function () {
  var yourZone = "";
  try { yourZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser: UTC */ }

  var fmt = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"
  });

  // localTimes shows every <time data-local> in the browser's zone; the
  // server's UTC text stays as the tooltip.
  function localTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) { return; }
      if (!el.title) { el.title = el.textContent; }
      el.textContent = fmt.format(d);
    });
  }

  function fillYours(root) {
    root.querySelectorAll("#yours").forEach(function (el) { el.value = yourZone; });
  }

  function setup(root) {
    localTimes(root);
    fillYours(root);
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:load", function (e) { setup(e.target); });

  // A poll that would replace what holds the keyboard focus waits until
  // the focus moves on: the swap would throw it back to the top of the page.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var el = e.detail.elt;
    var focus = document.activeElement;
    var polls = /^every /.test(el.getAttribute("hx-trigger") || "");
    if (polls && focus && focus !== document.body && el.contains(focus)) { e.preventDefault(); }
  });

  // A form is sent once: a second click while the first is on its way
  // would schedule the same message twice. data-confirm asks first.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.method !== "post" || form.hasAttribute("hx-post")) { return; }
    if (form.dataset.sending || (form.dataset.confirm && !window.confirm(form.dataset.confirm))) {
      e.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
  });

  // Back to a page kept in the browser's cache: its forms may go again,
  // and the menu it was left by is closed.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) { return; }
    closeMore(null);
    document.querySelectorAll("form[data-sending]").forEach(function (f) {
      delete f.dataset.sending;
      f.removeAttribute("aria-busy");
    });
  });

  // Contact picker: choosing a contact puts its phone in the To field, its
  // name beside it and its time zone in the time zone field.
  function choose(btn) {
    if (btn.closest(".job-picker")) { addRecipient(btn); return; }
    var to = document.getElementById("to_phone");
    var picks = document.getElementById("picks");
    to.value = btn.dataset.phone;
    var name = document.getElementById("to-name");
    if (name) { name.textContent = btn.dataset.name; }
    var tz = document.getElementById("timezone");
    if (tz && btn.dataset.tz) {
      tz.value = btn.dataset.tz;
      tz.dispatchEvent(new Event("change", { bubbles: true }));
    }
    picks.innerHTML = "";
    to.setAttribute("aria-expanded", "false");
    to.focus();
  }

  // In the broadcast form a chosen contact is added to the recipients.
  function addRecipient(btn) {
    var list = document.getElementById("recipients");
    var lines = list.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    if (lines.indexOf(btn.dataset.phone) < 0) { lines.push(btn.dataset.phone); }
    list.value = lines.join("\n") + "\n";
    document.getElementById("job-picks").innerHTML = "";
    var input = document.getElementById("job-pick");
    input.value = "";
    input.focus();
  }

  // The phone's "More" menu is a <details>: it opens and closes without
  // script; this only closes it on a click elsewhere or on Escape, as a
  // menu does.
  function closeMore(except) {
    document.querySelectorAll("details.nav-more[open]").forEach(function (d) {
      if (d !== except) { d.open = false; }
    });
  }

  document.addEventListener("click", function (e) {
    closeMore(e.target.closest("details.nav-more"));
    var btn = e.target.closest(".pick");
    if (btn) { choose(btn); return; }
    if (!e.target.closest(".picker")) {
      document.querySelectorAll(".picks").forEach(function (p) { p.innerHTML = ""; });
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.classList && e.target.classList.contains("picks")) {
      var input = e.target.closest(".picker").querySelector("input[role=combobox]");
      input.setAttribute("aria-expanded", e.target.children.length ? "true" : "false");
    }
  });

  // Arrow keys move between the field and its matches, Escape closes
  // them, Enter takes the only match.
  document.addEventListener("keydown", function (e) {
    var more = e.key === "Escape" && e.target.closest && e.target.closest("details.nav-more[open]");
    if (more) {
      more.open = false;
      more.querySelector("summary").focus();
      return;
    }
    var picker = e.target.closest && e.target.closest(".picker");
    if (!picker) { return; }
    var input = picker.querySelector("input[role=combobox]");
    var picks = picker.querySelector(".picks");
    var items = Array.prototype.slice.call(picks.querySelectorAll(".pick"));
    if (!items.length) { return; }
    var i = items.indexOf(e.target);
    if (e.key === "ArrowDown") {
      e.preventDefault();
      items[Math.min(i + 1, items.length - 1)].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (i <= 0) { input.focus(); } else { items[i - 1].focus(); }
    } else if (e.key === "Escape") {
      picks.innerHTML = "";
      input.focus();
    } else if (e.key === "Enter" && e.target === input && items.length === 1) {
      e.preventDefault();
      choose(items[0]);
    }
  });
})();
