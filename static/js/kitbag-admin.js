/* Kitbag's fixes to admin markup, some of it built by the admin's own scripts, for what axe
   (WCAG 2.2 A and AA) finds. Applied once the page is parsed, then by a MutationObserver as those
   scripts add their widgets (select2 on jQuery's ready, SelectFilter on load, inline rows later). */
(function () {
  "use strict";

  function labelId(label) {
    if (!label.id) {
      label.id = "kitbag-label-" + label.htmlFor;
    }
    return label.id;
  }

  function fix(root) {
    // aria-prohibited-attr: SelectFilter2's search icon is a <span aria-label> with no role. As an
    // image it may carry the name, and it names the filter box its <label> holds.
    root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });

    // aria-input-field-name: select2 (autocomplete_fields) names its combobox after the chosen
    // value only, so an empty one has no name. Name it by the field's own <label> as well.
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) {
        return;
      }
      var id = labelId(label);
      container.querySelectorAll('[role="combobox"]').forEach(function (combobox) {
        var rendered = combobox.getAttribute("aria-labelledby") || "";
        if (rendered.split(" ").indexOf(id) === -1) {
          combobox.setAttribute("aria-labelledby", (id + " " + rendered).trim());
        }
      });
      container.querySelectorAll('[role="textbox"]').forEach(function (textbox) {
        textbox.setAttribute("aria-labelledby", id);
      });
    });

    // scrollable-region-focusable: on a narrow screen an inline group scrolls sideways; a keyboard
    // must be able to reach it, so it becomes a focusable region named by its heading.
    root.querySelectorAll(".inline-group:not([tabindex])").forEach(function (group) {
      var heading = group.querySelector(".inline-heading[id]");
      group.setAttribute("tabindex", "0");
      group.setAttribute("role", "region");
      if (heading) {
        group.setAttribute("aria-labelledby", heading.id);
      }
    });
  }

  // django-import-export's export page wires its "Select all" box with an inline onchange="",
  // which the Content-Security-Policy refuses: the same handler, attached from here.
  document.addEventListener("change", function (event) {
    if (event.target.matches("input.select-toggle") && typeof window.onSelectToggleChange === "function") {
      window.onSelectToggleChange(event);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
    new MutationObserver(function () {
      fix(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
