// SPDX-License-Identifier: Apache-2.0
// Opens URL in Debian's headless Chromium (driven by playwright-core, which downloads no browser)
// and waits until the page's body holds EXPECTED_MARKER. Behind the shield's under-attack mode that
// means the browser met the challenge page, ran its proof of work, got the pass cookie and landed
// on the real page.
//
// Usage: node challenge.mjs URL EXPECTED_MARKER [TIMEOUT_MS (default and at most 20000)]
// Prints one JSON line and exits 0 when ok, 1 otherwise (2: bad usage):
//   {"ok", "ms", "final_url", "saw_challenge", "cookie_set", "documents", "error" (when not ok)}
//   saw_challenge  the first document of the visit carried <meta name="rampart-challenge">
//   cookie_set     the browser holds the pass cookie (env COOKIE_NAME, default rampart_pass) for URL
//   documents      each main-frame document loaded: [url, was it the challenge page, ms since start]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, marker, limitArg] = process.argv.slice(2);
if (!url || !marker) {
  console.error('usage: node challenge.mjs URL EXPECTED_MARKER [TIMEOUT_MS]');
  process.exit(2);
}
const limit = Math.min(Number(limitArg) || 20000, 20000);
const cookieName = process.env.COOKIE_NAME || 'rampart_pass';
// From /work/shared/PEERS.md. The host-resolver rule is required: without it Chromium reaches for
// outside hosts as it starts.
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-extensions',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

const result = { ok: false, ms: 0, final_url: '', saw_challenge: false, cookie_set: false, documents: [] };
const start = Date.now();
const profile = mkdtempSync(join(tmpdir(), 'rampart-chromium-'));
let context;
let done = false;

async function finish(error) {
  if (done) return;
  done = true;
  if (error) result.error = String(error).split('\n')[0];
  result.ms = Date.now() - start;
  result.saw_challenge = result.documents.length > 0 && result.documents[0][1];
  try {
    if (context) await Promise.race([context.close(), new Promise((r) => setTimeout(r, 3000))]);
  } catch { /* the browser is gone already */ }
  rmSync(profile, { recursive: true, force: true });
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

// Bounded whatever Chromium does.
setTimeout(() => finish(`no result within ${limit + 8000} ms`), limit + 8000).unref();

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/lib/chromium/chromium', headless: true, args, timeout: 10000,
  });
  // Every document tells, as soon as its parser has inserted the <meta> (or at DOMContentLoaded,
  // when it has none), whether it is the challenge page; the challenge replaces itself within
  // milliseconds at a low difficulty, so its body may be gone before anyone could read it.
  await context.exposeBinding('__rampartDocument', ({ page, frame }, isChallenge) => {
    if (frame === page.mainFrame()) result.documents.push([frame.url(), isChallenge, Date.now() - start]);
  });
  await context.addInitScript(() => {
    if (window.top !== window) return;
    let sent = false;
    const report = (isChallenge) => {
      if (sent) return;
      sent = true;
      window.__rampartDocument(isChallenge);
    };
    const seen = () => document.querySelector('meta[name="rampart-challenge"]') !== null;
    const observer = new MutationObserver(() => { if (seen()) { observer.disconnect(); report(true); } });
    observer.observe(document, { childList: true, subtree: true });
    document.addEventListener('DOMContentLoaded', () => { observer.disconnect(); report(seen()); });
  });
  const page = context.pages()[0] || await context.newPage();
  await page.goto(url, { waitUntil: 'commit', timeout: limit });
  // Poll rather than page.waitForFunction: each navigation destroys the context it runs in.
  const deadline = start + limit;
  for (;;) {
    const found = await page.evaluate((m) => !!document.body && document.body.textContent.includes(m), marker)
      .catch(() => false);
    if (found) break;
    if (Date.now() > deadline) throw new Error(`"${marker}" not seen within ${limit} ms (at ${page.url()})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  result.ok = true;
  result.final_url = page.url();
  result.cookie_set = (await context.cookies(url)).some((c) => c.name === cookieName);
  await finish();
} catch (e) {
  try { result.final_url = context?.pages()[0]?.url() || ''; } catch { /* closed */ }
  await finish(e);
}
