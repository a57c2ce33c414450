// The Tech Bar counter: each scan (a barcode scanner types the code and presses Enter) is sent
// without reloading the page, and the lists come back from the server already sorted into
// "taking back", "handing over" and "refused". Without this script the same form posts normally.
// A scanner types faster than the server answers: every Enter queues its code and the field is
// cleared at once, free for the next; the queue is sent one request at a time, in order, each with
// the list as the last answer left it, so nothing is lost, sent twice or overtaken.
// Also wires the receipts' Print buttons.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var form = document.getElementById("counter-form");
  var code = document.getElementById("counter-code");
  // The payroll scan answers with the person's screen at once (no redirect): show the screen's own
  // address, so a reload, a bookmark or Back comes to this person's screen.
  var home = form && form.getAttribute("action");
  if (home && window.history && history.replaceState && location.pathname !== home) {
    history.replaceState(null, "", home);
  }
  if (!form || !code || !window.fetch || !window.FormData) return;
  // Not form.action: the form's buttons are named "action", which shadows that property.
  var url = form.getAttribute("action");
  // Ready for the scanner without scrolling: a leaver's case above the field stays in view.
  if (document.activeElement !== code) code.focus({ preventScroll: true });
  var queue = []; // {code, extra: [name, value] or null}, oldest first
  var busy = false; // a request is out
  var paused = false; // the database is down: wait for the next Enter
  var retryInField = false; // the code refused by the outage is back in the field
  var confirmAfter = null; // "Confirm" pressed while scans were still queued
  var log = null;

  // The database is down (the server answers 503, portal/unavailable.py): say so above the form.
  function showUnavailable(show) {
    var note = document.getElementById("counter-unavailable");
    if (!show) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = "counter-unavailable";
      note.className = "errornote";
      note.setAttribute("role", "alert");
      form.parentNode.insertBefore(note, form);
    }
    note.textContent = "The database is unavailable. Try again in a moment: nothing on the list is lost.";
  }

  // Every scan and what became of it, oldest first: with a burst of scans the status line shows
  // only the last one, and the refused list only the last few.
  function logScan(scanned, outcome) {
    if (!log) {
      var section = document.createElement("section");
      section.className = "counter-scan-log counter-no-print";
      section.setAttribute("aria-labelledby", "counter-scan-log-heading");
      var heading = document.createElement("h2");
      heading.id = "counter-scan-log-heading";
      heading.textContent = "Scans this visit";
      log = document.createElement("ol");
      log.id = "counter-scan-log";
      section.appendChild(heading);
      section.appendChild(log);
      form.parentNode.insertBefore(section, form.nextSibling);
    }
    var item = document.createElement("li");
    var strong = document.createElement("strong");
    strong.textContent = scanned;
    item.appendChild(strong);
    item.appendChild(document.createTextNode(": " + outcome));
    log.appendChild(item);
  }

  function setPending() {
    var count = queue.length + (busy ? 1 : 0);
    form.setAttribute("data-scans-pending", String(count));
    if (count) form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  }

  // The values of the list's fields (reason, condition) as they were sent: one changed while the
  // answer was on its way is kept when the answer replaces the list.
  function controlsOf(basket) {
    return basket ? basket.querySelectorAll("select[name], input[name]:not([type=hidden]):not([type=checkbox])") : [];
  }

  function snapshot() {
    var sent = {};
    Array.prototype.forEach.call(controlsOf(document.getElementById("counter-basket")), function (el) {
      sent[el.name] = el.value;
    });
    return sent;
  }

  function replaceBasket(fresh, sent) {
    var basket = document.getElementById("counter-basket");
    if (!basket) return;
    var active = document.activeElement;
    var activeName = active && basket.contains(active) ? active.name : null;
    Array.prototype.forEach.call(controlsOf(basket), function (el) {
      if (!(el.name in sent) || sent[el.name] === el.value) return;
      var twin = fresh.querySelector('[name="' + CSS.escape(el.name) + '"]');
      if (twin) twin.value = el.value;
    });
    // A scan's answer holds the lists alone: the confirm section (the conditions of use shown, the
    // tick) moves across as it is, unticked, since the list it confirms has changed.
    var confirm = basket.querySelector(".counter-confirm");
    if (confirm && !fresh.querySelector(".counter-confirm")) {
      var tick = confirm.querySelector("input[name=confirmed]");
      if (tick) tick.checked = false;
      if (fresh.querySelector("input[name=give]")) {
        confirm.querySelectorAll("details.counter-policy").forEach(function (d) { d.open = true; });
      }
      fresh.appendChild(confirm);
    }
    basket.replaceWith(fresh);
    if (activeName) {
      var again = fresh.querySelector('[name="' + CSS.escape(activeName) + '"]');
      if (again) again.focus({ preventScroll: true });
    }
  }

  function finished() {
    setPending();
    if (confirmAfter && !paused) {
      var button = confirmAfter;
      confirmAfter = null;
      form.requestSubmit(button);
      return;
    }
    var active = document.activeElement;
    var basket = document.getElementById("counter-basket");
    // Back to the scan field for the next code, unless the staff member is typing a condition.
    if (!active || active === document.body || !(basket && basket.contains(active))) {
      code.focus({ preventScroll: true });
    }
  }

  function pump() {
    if (busy || paused) return;
    if (!queue.length) {
      finished();
      return;
    }
    var entry = queue.shift();
    busy = true;
    setPending();
    var data = new FormData(form);
    data.set("code", entry.code);
    if (entry.extra) data.append(entry.extra[0], entry.extra[1]);
    var sent = snapshot();
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Counter-Fragment": "1" },
    })
      .then(function (response) {
        if (response.status === 503) {
          // The list on the page stays as it is; the code goes back in the box to send again
          // (or first in the queue, when the next code is already being typed).
          paused = true;
          if (!code.value) {
            code.value = entry.code;
            retryInField = true;
          } else {
            queue.unshift(entry);
          }
          showUnavailable(true);
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        showUnavailable(false);
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#counter-basket");
        if (!fresh) {
          // Not the lists (signed out, or the person is gone): post the form the ordinary way.
          form.submit();
          return;
        }
        replaceBasket(fresh, sent);
        if (entry.code) {
          var status = fresh.querySelector("#counter-last-scan");
          logScan(entry.code, status ? status.textContent.trim() : "sent");
        }
      })
      .catch(function () {
        // The network failed: post the form the ordinary way so nothing scanned is lost.
        if (entry.code) code.value = entry.code;
        form.submit();
      })
      .finally(function () {
        busy = false;
        pump();
      });
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter || null;
    if (submitter && submitter.name === "action" && submitter.value === "confirm") {
      if (!busy && !queue.length) return; // a real post, of the list as shown
      event.preventDefault(); // after the scans still on their way
      confirmAfter = submitter;
      return;
    }
    // A leaver line's button (Received, Mark lost, Write off) posts the list to its own page, which
    // sends it back with the person; Enter in the scan field is a scan, whatever button is default.
    if (submitter && submitter.hasAttribute("formaction") && document.activeElement !== code) return;
    event.preventDefault();
    var entry;
    // "Remove" and "Add accessory" change the list without a code: sent like a scan, the button's
    // name and value with the form (the accessory chosen and its quantity travel in the form).
    var addAccessory = submitter && submitter.name === "action" && submitter.value === "add_accessory";
    if (submitter && (submitter.name === "remove" || addAccessory)) {
      entry = { code: "", extra: [submitter.name, submitter.value] };
    } else {
      var typed = code.value;
      code.value = "";
      if (!typed.trim()) return;
      entry = { code: typed, extra: null };
    }
    if (paused) {
      paused = false;
      if (retryInField && entry.code) queue.unshift(entry);
      else queue.push(entry);
      retryInField = false;
    } else {
      queue.push(entry);
    }
    setPending();
    pump();
  });
})();
