// Drives headless Chromium for tests/e2e/browser.rs: opens each page (an origin), runs each of its
// cases as a fetch() from that page, and prints one JSON line per case: did the browser let the
// page read the answer, and (with `"capture": true` in the plan) the CORS messages Chromium logged
// for it, with the line DevTools' console shows for the failed request (`GET <url> net::ERR_FAILED
// 403 (Forbidden)`: DevTools makes it from the protocol's network events, which playwright's console
// events do not carry, so this driver makes it from the same events). With `"public_addresses":
// ["127.0.0.1:PORT", ...]`, Chromium treats pages served there as public (Private/Local Network
// Access). What Chromium sent on the wire is recorded by the Rust test's server.
//
// Usage: node drive.cjs PLAYWRIGHT_CORE_DIR CHROMIUM CASES.json
'use strict';

const [playwrightDir, chromiumPath, casesPath] = process.argv.slice(2);
const { chromium } = require(playwrightDir);
const fs = require('fs');
const { sendCase, reportsOf } = require('./case.cjs');

async function main() {
  const plan = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Every test host is this machine; nothing leaves the loopback.
      '--host-resolver-rules=MAP *.test 127.0.0.1, MAP *.amazonaws.com 127.0.0.1, MAP *.cloudfront.net 127.0.0.1',
      '--ignore-certificate-errors',
      // Otherwise http:// pages are upgraded to https and their origin is not the case's.
      '--disable-features=HttpsUpgrades',
      ...(plan.public_addresses && plan.public_addresses.length
        ? ['--ip-address-space-overrides=' + plan.public_addresses.map((a) => a + '=public').join(',')]
        : []),
    ],
  });
  process.stdout.write(JSON.stringify({ version: browser.version() }) + '\n');
  // With `"har": PATH`, playwright records a HAR of the run (written when the context closes).
  const context = await browser.newContext(plan.har ? { recordHar: { path: plan.har } } : {});
  for (const group of plan.pages) {
    const page = await context.newPage();
    let messages = [];
    page.on('console', (message) => messages.push(message.text()));
    // Each request's method and URL, and the status line of its answer, by the protocol's ID.
    const sent = new Map();
    const answered = new Map();
    if (plan.capture) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      cdp.on('Network.requestWillBeSent', (e) => sent.set(e.requestId, e.request));
      cdp.on('Network.responseReceivedExtraInfo', (e) => {
        const line = (e.headersText || '').split('\r\n')[0];
        answered.set(e.requestId, { status: e.statusCode, text: line.split(' ').slice(2).join(' ') });
      });
    }
    await page.goto(group.page);
    for (const c of group.cases) {
      messages = [];
      const outcome = await page.evaluate(sendCase, c);
      if (plan.capture && !outcome.ok) {
        outcome.messages = await reportsOf(messages, 'blocked by CORS policy');
        const failed = [...sent.entries()].filter(([, r]) => r.url === c.url && r.method !== 'OPTIONS').pop();
        if (failed) {
          const [id, request] = failed;
          const answer = answered.get(id);
          outcome.messages.push(`${request.method} ${request.url} net::ERR_FAILED` + (answer ? ` ${answer.status} (${answer.text})` : ''));
        }
      }
      process.stdout.write(JSON.stringify({ id: c.id, ...outcome }) + '\n');
    }
    await page.close();
  }
  await context.close();
  await browser.close();
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
