/* The progress bar of a large MDM import (admin job page): asks the job's progress URL every
   second and moves the bar and its status text; reloads the page once the job has finished, so
   the result is shown. Without JavaScript the page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";

  var POLL_MS = 1000;

  function start(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = document.getElementById("import-progress");
    var status = document.getElementById("import-progress-status");

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (progress) {
          bar.max = progress.rows_total || 1;
          bar.value = progress.rows_done;
          bar.textContent = progress.text;
          status.textContent = progress.status_display + ": " + progress.text;
          if (progress.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () {
          window.setTimeout(poll, POLL_MS * 5); // a dropped request: try again a little later
        });
    }

    window.setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("import-job");
    if (box && box.getAttribute("data-finished") === "false") {
      start(box);
    }
  });
})();
