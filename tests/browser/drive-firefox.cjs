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
const { sendCase, reportsOf } = require('./case.cjs');

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
  const version = await browser.version();
  process.stdout.write(JSON.stringify({ version }) + '\n');
  // With `"har": PATH`, a HAR of the run in the shape Firefox's devtools export (puppeteer has no
  // HAR recorder): one entry per request, the preflight its own entry, a blocked request status 0.
  const entries = [];
  const headerList = (headers) => Object.entries(headers).map(([name, value]) => ({ name, value }));
  const record = (request, response) => {
    const started = new Date().toISOString();
    entries.push({
      pageref: 'page_1',
      startedDateTime: started,
      time: 0,
      request: {
        bodySize: 0,
        method: request.method(),
        url: request.url(),
        httpVersion: 'HTTP/1.1',
        headers: headerList(request.headers()),
        cookies: [],
        queryString: [],
        headersSize: -1,
      },
      response: {
        status: response ? response.status() : 0,
        statusText: response ? response.statusText() : '',
        httpVersion: 'HTTP/1.1',
        headers: response ? headerList(response.headers()) : [],
        cookies: [],
        content: { mimeType: '', size: 0 },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 },
      _securityState: 'insecure',
    });
  };
  for (const group of plan.pages) {
    const page = await browser.newPage();
    if (plan.har) {
      page.on('requestfinished', (request) => record(request, request.response()));
      page.on('requestfailed', (request) => record(request, request.response()));
    }
    // Firefox reports CORS failures as page errors over BiDi (not console messages).
    let messages = [];
    page.on('pageerror', (error) => messages.push(String(error && error.message || error)));
    page.on('console', (message) => messages.push(message.text()));
    await page.goto(group.page);
    for (const c of group.cases) {
      messages = [];
      const outcome = await page.evaluate(sendCase, c);
      if (plan.capture && !outcome.ok) {
        outcome.messages = await reportsOf(messages, 'Cross-Origin Request Blocked');
      }
      if (plan.har && !outcome.ok) {
        // Firefox's export shows a request CORS blocked with status 0 and no response headers,
        // even when the answer arrived (BiDi reports it as finished); its preflight keeps its own.
        for (const entry of entries) {
          if (entry.request.url === c.url && entry.request.method !== 'OPTIONS') {
            entry.response.status = 0;
            entry.response.statusText = '';
            entry.response.headers = [];
          }
        }
      }
      process.stdout.write(JSON.stringify({ id: c.id, ...outcome }) + '\n');
    }
    await page.close();
  }
  await browser.close();
  if (plan.har) {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'Firefox', version },
        browser: { name: 'Firefox', version },
        pages: [{ id: 'page_1', title: 'cors-sync', startedDateTime: new Date().toISOString(), pageTimings: {} }],
        entries,
      },
    };
    fs.writeFileSync(plan.har, JSON.stringify(har, null, 2));
  }
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
