/**
 * Headless Debian Chromium for the browser tests (browser.test.ts, plot-layout.test.ts): launch with
 * the flags this machine needs, pages that log the console and block the network, and waiting for
 * plotly to draw every `.nnlab-figure`.
 */
import * as fs from 'fs';
import * as assert from 'node:assert/strict';
import { Browser, chromium, ConsoleMessage, Page } from 'playwright-core';

export const CHROMIUM = process.env.NNLAB_CHROMIUM ?? '/usr/bin/chromium';
/** Without the background-networking flags Chromium keeps dialling Google on a closed network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Logs how long each phase took (shown as a TAP diagnostic under the test). */
export function phaseTimer(t: { diagnostic(message: string): void }): (phase: string) => void {
  let last = Date.now();
  return (phase) => {
    const now = Date.now();
    t.diagnostic(`${phase}: ${((now - last) / 1000).toFixed(1)} s`);
    last = now;
  };
}

/** A folder emptied and created afresh. */
export function freshDir(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Chromium

export interface BrowserLog { lines: string[]; pageErrors: string[]; blocked: string[] }

/** Headless Debian Chromium with the flags this machine needs; fails with a hint when it is missing. */
export async function launchChromium(): Promise<Browser> {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (Debian: apt-get install chromium; or set NNLAB_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * A page that records console messages and uncaught errors, and aborts every request whose URL
 * `allowed` rejects (so nothing can come from a CDN).
 */
export async function openLoggedPage(browser: Browser, allowed: (url: string) => boolean): Promise<{ page: Page; log: BrowserLog }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const log: BrowserLog = { lines: [], pageErrors: [], blocked: [] };
  page.on('console', (m: ConsoleMessage) => log.lines.push(`[console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e: Error) => {
    log.pageErrors.push(e.message);
    log.lines.push(`[pageerror] ${e.message}`);
  });
  page.on('requestfailed', (r) => log.lines.push(`[requestfailed] ${r.url().slice(0, 300)} ${r.failure()?.errorText ?? ''}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    log.blocked.push(url);
    log.lines.push(`[blocked] ${url.slice(0, 300)}`);
    return route.abort('blockedbyclient');
  });
  return { page, log };
}

export function writeLog(file: string, log: BrowserLog): void {
  fs.writeFileSync(file, log.lines.join('\n') + '\n');
}

/** Waits (bounded) until every `.nnlab-figure` holds plotly's SVG; the caller asserts afterwards. */
export async function waitForFigures(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(() => {
    const figures = Array.from(document.querySelectorAll('.nnlab-figure'));
    return figures.length > 0 && figures.every((f) => f.querySelector('svg.main-svg'));
  }, null, { timeout, polling: 250 }).catch(() => undefined);
}
