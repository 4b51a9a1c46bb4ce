import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { type KeyDef, tempDirs, writeKeys } from '../access/support.js';

/**
 * The web console driven in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; no browser is downloaded): create a group and publish through the
 * console and see the numbers change, pull, dead-letter a message and redrive it; a
 * read-only key finds the admin buttons disabled and the API refusing them anyway.
 * Screenshots go to a temporary folder (printed); STREAMGATE_CONSOLE_SCREENSHOT=<file> also
 * writes the group page with a dead letter there (docs/console.png is made that way).
 */

const CHROMIUM = process.env.STREAMGATE_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set STREAMGATE_CHROMIUM)`);

const ADMIN: KeyDef = { name: 'ops', secret: 'ops-secret', grants: [{ scopes: ['admin', 'consume', 'publish'], streams: ['*'] }] };
const READER: KeyDef = { name: 'viewer', secret: 'viewer-secret', grants: [{ scopes: ['consume'], streams: ['*'] }] };
const newDir = tempDirs('streamgate-console-');
const shots = mkdtempSync(join(tmpdir(), 'streamgate-console-shots-'));
const stream = uniq('console');

let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  t = await testApp({ STREAMGATE_AUTH_FILE: writeKeys(newDir(), [ADMIN, READER]) });
  base = `${await t.listen()}/console/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  console.info(`console screenshots: ${shots}`);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A fresh tab (its own sessionStorage) with `key` typed into the key box, at `hash`. */
async function openWith(secret: string, hash: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => msg.type() === 'error' && !/Failed to load resource/.test(msg.text()) && errors.push(msg.text()));
  (page as Page & { jsErrors?: string[] }).jsErrors = errors;
  await page.goto(base + hash);
  await page.fill('#key', secret);
  await page.click('#key-use');
  await poll(() => page.textContent('#whoami')).toMatch(/^key: /);
  return page;
}
/** Generous: the suite runs two files at once on two shared cores. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 8000, interval: 50 });
const jsErrors = (page: Page) => (page as Page & { jsErrors?: string[] }).jsErrors ?? [];
const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
const groupHash = `#/streams/${encodeURIComponent(stream)}/groups/workers`;

describe.skipIf(!HAVE_CHROMIUM)('web console in Chromium', () => {
  it('creates a group, publishes, pulls, dead-letters and redrives, with the numbers following', async () => {
    const page = await openWith(ADMIN.secret, '#/streams');
    // A stream that does not exist yet: the page says so, nothing breaks.
    await page.fill('[data-testid=open-stream]', stream);
    await page.press('[data-testid=open-stream]', 'Enter');
    await page.waitForSelector('[data-testid=stream-missing]');
    expect(await page.isVisible('#error')).toBe(false);

    // Create the group (createStream: an empty stream), then publish two messages.
    await page.fill('[data-testid=create-group-form] input[name=group]', 'workers');
    await page.fill('[data-testid=create-group-form] input[name=start]', '0');
    await page.click('[data-testid=create-group]');
    await page.waitForSelector('[data-testid=groups] tr[data-row=workers]');
    expect(await text(page, '[data-testid=stream-length]')).toBe('0');
    for (const n of [1, 2]) {
      await page.fill('[data-testid=publish-form] textarea', JSON.stringify({ order: String(n) }));
      await page.click('[data-testid=publish]');
      await poll(() => text(page, '[data-testid=stream-length]')).toBe(String(n));
    }
    await poll(() => text(page, '[data-testid=groups] tr[data-row=workers] td:nth-child(2)')).toBe('2');
    // The chart has samples by now (one per refresh).
    await poll(() => page.locator('svg.chart path').count()).toBeGreaterThan(0);
    await shot(page, '1-stream');

    // The group page: lag 2, nothing pending; a pull leases both to the consumer "console".
    await page.click('[data-testid=groups] tr[data-row=workers] a');
    await page.waitForSelector('[data-testid=group-lag]');
    expect(page.url()).toContain(groupHash);
    expect(await text(page, '[data-testid=group-lag]')).toBe('2');
    await page.fill('input[name=count]', '2');
    await page.click('[data-testid=pull]');
    await poll(() => text(page, '[data-testid=group-pending]')).toBe('2');
    expect(await text(page, '[data-testid=group-lag]')).toBe('0');
    expect(await page.locator('[data-testid=pending] tbody tr[data-row]').count()).toBe(2);
    expect(await text(page, '[data-testid=consumers] tr[data-row=console] td:nth-child(2)')).toBe('2');
    await shot(page, '2-group-pulled');

    // Dead-letter the first pending entry from the console.
    const first = await page.locator('[data-testid=pending] tbody tr[data-row]').first().getAttribute('data-row');
    await page.locator('[data-testid=pending] tbody tr[data-row] input[type=checkbox]').first().check();
    await page.click('[data-testid=term]');
    await poll(() => text(page, '[data-testid=group-pending]')).toBe('1');
    const dead = page.locator('[data-testid=dead-letters] tbody tr[data-row]');
    expect(await dead.count()).toBe(1);
    const deadText = await dead.first().textContent();
    expect(deadText).toContain(`x-original-id ${first}`);
    expect(deadText).toContain(`x-original-stream ${stream}`);
    expect(deadText).toContain('x-group workers');
    expect(deadText).toContain('x-reason terminated from the web console');
    await shot(page, '3-dead-letter');
    const file = process.env.STREAMGATE_CONSOLE_SCREENSHOT;
    if (file) await page.screenshot({ path: file, fullPage: true });

    // Redrive it: the dead letter goes, the stream gets it back as a new entry (lag 1).
    await page.click('[data-testid=dead-letters] [data-testid=redrive]');
    await poll(() => text(page, '#notice')).toMatch(/^redriven: 1 /);
    await poll(() => page.locator('[data-testid=dead-letters] tbody tr[data-row]').count()).toBe(0);
    await poll(() => text(page, '[data-testid=group-lag]')).toBe('1');
    expect(await page.isVisible('#error')).toBe(false);
    await shot(page, '4-redriven');

    // Extend and nack the message still pending (one call per holding consumer).
    for (const [button, done] of [['extend', 'extend: 1 of 1'], ['nack', 'nack: 1 of 1']] as const) {
      await page.locator('[data-testid=pending] tbody tr[data-row] input[type=checkbox]').first().check();
      await page.click(`[data-testid=${button}]`);
      await poll(() => text(page, '#notice')).toBe(done);
    }
    expect(await text(page, '[data-testid=group-pending]')).toBe('1');

    // An API error shows the problem's title and code: a position that is not an ID.
    await page.fill('[data-testid=position-id]', 'not-an-id');
    await page.click('[data-testid=set-position]');
    await poll(() => text(page, '[data-testid=error-code]')).toBe('INVALID_ID');
    expect(await text(page, '[data-testid=error-title]')).not.toBe('');
    expect(jsErrors(page)).toEqual([]);

    await page.context().close();
  }, 30_000);

  it('a read-only key finds the admin buttons disabled, and the API refuses them anyway', async () => {
    // The shared link of the group page opens straight on it.
    const page = await openWith(READER.secret, groupHash);
    await page.waitForSelector('[data-testid=group-lag]');
    // It may look and pull (consume), not administer.
    for (const id of ['set-position', 'delete-consumer']) {
      const button = page.locator(`[data-testid=${id}]`).first();
      expect(await button.isDisabled(), id).toBe(true);
      expect(await button.getAttribute('title'), id).toMatch(/lacks the admin scope/);
    }
    expect(await page.locator('[data-testid=pull]').isDisabled()).toBe(false);
    // Enabled by hand, the button's call is refused by the API, and the page says why.
    await page.locator('[data-testid=set-position]').evaluate((el: { removeAttribute(name: string): void }) => el.removeAttribute('disabled'));
    await page.fill('[data-testid=position-id]', '0');
    await page.click('[data-testid=set-position]');
    await poll(() => text(page, '[data-testid=error-code]')).toBe('PERMISSION_DENIED');
    await shot(page, '5-read-only');
    // The stream page: no publishing, no group creation.
    await page.goto(`${base}#/streams/${encodeURIComponent(stream)}`);
    await page.waitForSelector('[data-testid=groups] tr[data-row=workers]');
    expect(await page.locator('[data-testid=publish]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=create-group]').isDisabled()).toBe(true);
    expect(jsErrors(page)).toEqual([]);
    // The stale-consumer threshold is part of the link too: "console" holds a message.
    await page.goto(`${base}${groupHash}?staleMs=50`);
    await poll(() => page.locator('[data-testid=consumers] tr[data-row=console] [data-testid=stale]').count()).toBe(1);
    await page.goto(`${base}${groupHash}`);
    await poll(() => page.locator('[data-testid=stale]').count()).toBe(0);
    expect(await page.locator('[data-testid=consumers] tr[data-row=console]').count()).toBe(1);
    await page.context().close();
  }, 20_000);
});
