// The Tech Bar counter: each scan (a barcode scanner types the code and presses Enter) is sent
// without reloading the page, and the lists come back from the server already sorted into
// "taking back", "handing over" and "refused". Without this script the same form posts normally.
// Also wires the receipts' Print buttons.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var form = document.getElementById("counter-form");
  var code = document.getElementById("counter-code");
  if (!form || !code || !window.fetch || !window.FormData) return;
  // Not form.action: the form's buttons are named "action", which shadows that property.
  var url = form.getAttribute("action");
  // Ready for the scanner without scrolling: a leaver's case above the field stays in view.
  if (document.activeElement !== code) code.focus({ preventScroll: true });
  var busy = false;
  var queue = [];

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

  function send(submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var typed = code.value;
    var down = false;
    code.value = "";
    busy = true;
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Counter-Fragment": "1" },
    })
      .then(function (response) {
        if (response.status === 503) {
          // The list on the page stays as it is; the code goes back in the box to send again.
          down = true;
          if (!code.value) code.value = typed;
          showUnavailable(true);
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        showUnavailable(false);
        var basket = document.getElementById("counter-basket");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#counter-basket");
        if (basket && fresh) basket.replaceWith(fresh);
      })
      .catch(function () {
        // The network failed: post the form the ordinary way so nothing scanned is lost.
        form.submit();
      })
      .finally(function () {
        busy = false;
        if (queue.length && !down) {
          code.value = queue.shift();
          send(null);
        } else {
          code.focus({ preventScroll: true });
        }
      });
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter || null;
    if (submitter && submitter.name === "action" && submitter.value === "confirm") return; // a real post
    // A leaver line's button (Received, Mark lost, Write off) posts the list to its own page, which
    // sends it back with the person; Enter in the scan field is a scan, whatever button is default.
    if (submitter && submitter.hasAttribute("formaction") && document.activeElement !== code) return;
    if (submitter && submitter.hasAttribute("formaction")) submitter = null;
    event.preventDefault();
    if (busy) {
      // A fast scanner: keep the code and send it when the last one comes back.
      if (code.value.trim()) queue.push(code.value);
      code.value = "";
      return;
    }
    send(submitter);
  });
})();
