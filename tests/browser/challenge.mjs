// SPDX-License-Identifier: Apache-2.0
// Opens URL in Debian's headless Chromium (through playwright-core, which downloads no browser)
// and waits until the page holds MARKER: through the shield's under-attack challenge, that means
// the browser ran the proof of work, got its pass and landed on the real page.
// Prints one JSON line {ok, ms, final_url, saw_challenge, cookie_set}; exit 0 when ok.
// Usage: node challenge.mjs URL MARKER [TIMEOUT_MS=20000]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, marker, timeoutArg] = process.argv.slice(2);
const timeout = Number(timeoutArg || 20000);
const profile = mkdtempSync(join(tmpdir(), 'rampart-chromium-'));
// The host-resolver rule keeps Chromium from reaching any outside host when it starts.
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-extensions',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];
const result = { ok: false, ms: 0, final_url: '', saw_challenge: false, cookie_set: false };
const start = Date.now();
let context;
try {
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/lib/chromium/chromium', headless: true, args });
  const page = context.pages()[0] || await context.newPage();
  // The challenge is a 503 from the shield itself; its body is gone once the script moves on.
  page.on('response', (r) => {
    if (r.status() === 503 && r.headers()['server'] === 'rampart-shield') result.saw_challenge = true;
  });
  await page.goto(url, { waitUntil: 'commit', timeout });
  await page.waitForFunction((m) => document.body && document.body.innerText.includes(m), marker, { timeout, polling: 100 });
  result.ok = true;
  result.final_url = page.url();
  result.cookie_set = (await context.cookies()).some((c) => c.name === 'rampart_pass');
} catch (e) {
  result.error = String(e).split('\n')[0];
} finally {
  result.ms = Date.now() - start;
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
