// Drives headless Firefox (Debian's firefox-esr) over WebDriver BiDi with puppeteer-core, for
// tests/e2e/browser/: the same plan and the same output as drive.cjs (Chromium), so the Rust tests
// run their cases in both engines. Opens each page (an origin), runs each of its cases as a fetch()
// from that page, and prints one JSON line per case: did the browser let the page read the answer,
// and the CORS messages Firefox logged for it (with `"capture": true` in the plan).
//
// Usage: node drive-firefox.cjs PUPPETEER_CORE_DIR FIREFOX CASES.json
'use strict';

const [puppeteerDir, firefoxPath, casesPath] = process.argv.slice(2);
const puppeteer = require(puppeteerDir);
const fs = require('fs');

function hostsOf(plan) {
  const hosts = new Set();
  for (const group of plan.pages) {
    hosts.add(new URL(group.page).hostname);
    for (const c of group.cases) hosts.add(new URL(c.url).hostname);
  }
  return [...hosts].join(',');
}

async function main() {
  const plan = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: {
      // Every test host is this machine; nothing leaves the loopback.
      'network.dns.localDomains': hostsOf(plan),
      'network.proxy.type': 0,
      'dom.security.https_first': false,
      'dom.security.https_only_mode': false,
      'network.captive-portal-service.enabled': false,
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
    },
  });
  process.stdout.write(JSON.stringify({ version: await browser.version() }) + '\n');
  for (const group of plan.pages) {
    const page = await browser.newPage();
    // Firefox reports CORS failures as page errors over BiDi (not console messages).
    let messages = [];
    page.on('pageerror', (error) => messages.push(String(error && error.message || error)));
    page.on('console', (message) => messages.push(message.text()));
    await page.goto(group.page);
    for (const c of group.cases) {
      messages = [];
      const outcome = await page.evaluate(async (c) => {
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
      }, c);
      if (plan.capture && !outcome.ok) {
        // The message is logged after the page's promise rejects: wait for it (bounded).
        for (let i = 0; i < 50 && !messages.some((m) => m.includes('Cross-Origin Request Blocked')); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        outcome.messages = messages.filter((m) => m.includes('Cross-Origin Request Blocked'));
      }
      process.stdout.write(JSON.stringify({ id: c.id, ...outcome }) + '\n');
    }
    await page.close();
  }
  await browser.close();
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
