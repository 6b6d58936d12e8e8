// What both engines' drivers (drive.cjs for Chromium, drive-firefox.cjs for Firefox) do with one
// case on a page: send its request as a page's script would, and wait for the browser's own
// report of a failure.
'use strict';

// Runs in the page (the driver hands it to page.evaluate): the case's fetch, and how it ended.
async function sendCase(c) {
  try {
    await fetch(c.url, {
      method: c.method,
      headers: c.headers,
      credentials: c.credentials ? 'include' : 'same-origin',
      mode: 'cors',
      cache: 'no-store',
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

// The browser logs its message after the page's promise rejects: wait for one carrying `marker`
// (bounded, 5 s), then the messages that carry it.
async function reportsOf(messages, marker) {
  for (let i = 0; i < 50 && !messages.some((m) => m.includes(marker)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return messages.filter((m) => m.includes(marker));
}

module.exports = { sendCase, reportsOf };
