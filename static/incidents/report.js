// The full report saves itself as it is typed, so nothing is lost to a timeout or a closed tab.
// Progressive enhancement: without JavaScript the "Save and come back later" button does the same.
const form = document.getElementById("full-report");

if (form) {
  const status = document.getElementById("autosave-status");
  const key = `kitbag-incident-${form.dataset.incident}-unsaved`;
  const SKIP = new Set(["csrfmiddlewaretoken", "submit", "save"]);
  let timer = null;
  let dirty = false;
  let saving = false;

  const say = (text) => {
    if (status) status.textContent = text;
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
      localStorage.setItem(key, JSON.stringify({ version: form.dataset.savedAt || "", data: snapshot() }));
    } catch {
      // Storage full or disabled: the server save still runs.
    }
  };

  const save = async () => {
    if (saving || !dirty) return;
    saving = true;
    dirty = false;
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
      const json = (response.headers.get("content-type") || "").includes("application/json");
      if (response.ok && json) {
        const result = await response.json();
        form.dataset.savedAt = result.version;
        if (dirty) keepLocally();
        else localStorage.removeItem(key);
        const problems = Object.keys(result.errors || {}).length;
        say(`Saved at ${result.saved_at_display}.` + (problems ? " Some answers need correcting before they can be saved." : ""));
      } else {
        dirty = true;
        say(
          response.type === "opaqueredirect"
            ? "You have been signed out. What you typed is kept on this device: sign in again and come back to this page."
            : "Could not save just now. What you typed is kept on this device and will be saved when the connection is back.",
        );
      }
    } catch {
      dirty = true;
      say("Could not reach Kitbag. What you typed is kept on this device and will be saved when the connection is back.");
    } finally {
      saving = false;
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(save, Number(form.dataset.autosaveDelay || 2000));
  };

  try {
    const kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && kept.version === (form.dataset.savedAt || "")) {
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

  form.addEventListener("input", () => {
    dirty = true;
    keepLocally();
    schedule();
  });
  form.addEventListener("change", () => {
    dirty = true;
    keepLocally();
    schedule();
  });
  form.addEventListener("submit", () => clearTimeout(timer));
}
