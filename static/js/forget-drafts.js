// On the sign-in page, where sign-out and session timeouts land: forget every Kitbag draft this
// browser keeps (an incident report typed while offline, say), so that the next person at a
// shared terminal cannot read it. Kitbag's keys start with "kitbag-".
for (const storage of [window.localStorage, window.sessionStorage]) {
  try {
    for (const key of Object.keys(storage)) {
      if (key.startsWith("kitbag-")) storage.removeItem(key);
    }
  } catch {
    // Storage disabled: nothing was kept.
  }
}
