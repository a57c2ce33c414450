// The full report saves itself as it is typed, so nothing is lost to a timeout or a closed tab.
// Progressive enhancement: without JavaScript the "Save and come back later" button does the same.
//
// Each save sends the draft version this page shows (the hidden draft_version field). The server
// refuses a save from a page that is behind (409: saved from another tab or device since), answers
// 409 too once the report is submitted, and 429 when saves come too fast (Retry-After: seconds).
const form = document.getElementById("full-report");

if (form) {
  const status = document.getElementById("autosave-status");
  const version = form.elements.namedItem("draft_version");
  const key = `kitbag-incident-${form.dataset.incident}-unsaved`;
  const SKIP = new Set(["csrfmiddlewaretoken", "submit", "save", "draft_version"]);
  const minGap = Number(form.dataset.autosaveMinSeconds || 0) * 1000;
  let timer = null;
  let dirty = false;
  let saving = false;
  let stopped = false; // the server will take no more saves from this page
  let lastSent = 0;
  let pendingSubmit = null; // a button pressed while a save was on its way

  const say = (text, action) => {
    if (!status) return;
    status.textContent = text;
    if (action) {
      status.append(" ");
      status.append(action);
    }
  };

  const reloadButton = () => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
    button.textContent = "Reload the page";
    button.addEventListener("click", () => window.location.reload());
    return button;
  };

  const link = (href, text) => {
    const a = document.createElement("a");
    a.className = "govuk-link";
    a.href = href;
    a.textContent = text;
    return a;
  };

  const snapshot = () => {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (!SKIP.has(name)) (data[name] ||= []).push(value);
    }
    return data;
  };

  const restore = (data) => {
    for (const element of form.elements) {
      if (!element.name || SKIP.has(element.name) || element.type === "hidden") continue;
      const values = data[element.name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else {
        element.value = values[0] ?? "";
      }
    }
  };

  // Keep a copy on this device until the server has it. It belongs to the draft it started from:
  // if the server has a newer save (another device, the button), the copy is stale and dropped.
  const keepLocally = () => {
    try {
      localStorage.setItem(key, JSON.stringify({ version: version ? version.value : "", data: snapshot() }));
    } catch {
      // Storage full or disabled: the server save still runs.
    }
  };

  const schedule = (delay = Number(form.dataset.autosaveDelay || 2000)) => {
    if (stopped) return;
    clearTimeout(timer);
    // Never sooner than the server's limit allows (one save per minGap per person).
    const wait = Math.max(delay, lastSent + minGap - Date.now());
    timer = setTimeout(save, wait);
  };

  const readJson = async (response) => {
    if (!(response.headers.get("content-type") || "").includes("application/json")) return null;
    try {
      return await response.json();
    } catch {
      return null;
    }
  };

  const save = async () => {
    if (saving || !dirty || stopped) return;
    saving = true;
    dirty = false;
    lastSent = Date.now();
    const body = new FormData(form);
    body.delete("submit");
    body.delete("save");
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      });
      const result = await readJson(response);
      if (response.ok && result) {
        if (version && result.version !== undefined) version.value = result.version;
        if (dirty) keepLocally();
        else localStorage.removeItem(key);
        const problems = Object.keys(result.errors || {}).length;
        say(
          (result.saved_at_display ? `Saved at ${result.saved_at_display}.` : "Nothing new to save.") +
            (problems ? " Some answers need correcting before they can be saved." : ""),
        );
      } else if (response.status === 429) {
        dirty = true;
        const seconds = Number(response.headers.get("Retry-After") || (result && result.retry_after) || 5);
        say("What you typed is kept on this device and will be saved in a moment.");
        schedule(seconds * 1000);
      } else if (response.status === 409 && result) {
        stopped = true;
        if (result.url) {
          localStorage.removeItem(key);
          say(result.message, link(result.url, "Go to the report"));
        } else {
          say(result.message, reloadButton());
        }
      } else {
        dirty = true;
        say(
          response.type === "opaqueredirect"
            ? "You have been signed out. What you typed is kept on this device: sign in again and come back to this page."
            : (result && result.message) ||
                "Could not save just now. What you typed is kept on this device and will be saved when the connection is back.",
        );
      }
    } catch {
      dirty = true;
      say("Could not reach Kitbag. What you typed is kept on this device and will be saved when the connection is back.");
    } finally {
      saving = false;
      if (pendingSubmit) {
        // The button was pressed while this save was on its way: send the form now, with the
        // version that save produced, so the page does not look behind its own save.
        const submitter = pendingSubmit;
        pendingSubmit = null;
        form.requestSubmit(submitter);
      }
    }
  };

  try {
    const kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && kept.version === (version ? version.value : "")) {
      restore(kept.data);
      dirty = true;
      say("We put back what you typed earlier on this device. Saving it now.");
      schedule();
    } else if (kept) {
      localStorage.removeItem(key);
    }
  } catch {
    localStorage.removeItem(key);
  }

  const changed = () => {
    dirty = true;
    keepLocally();
    schedule();
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (saving) {
      event.preventDefault();
      pendingSubmit = event.submitter || null;
    }
  });
}
