/**
 * A real browser for the page tests: Debian's Chromium (`apt-get install chromium`, which `.ci/run`
 * does when it is missing) driven by playwright-core — never a browser downloaded by a test tool, which
 * this network refuses. Plus axe-core, injected into the page, for the accessibility check, and a folder
 * of screenshots (`test-output/screenshots/`, not committed) for a person to look at.
 *
 * Where no Chromium is installed, `browserOrSkip` skips the suite and says so — unless
 * `REQUIRE_BROWSER=1` (set by `.ci/run`), where a missing browser fails the run instead of passing
 * quietly.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser's executable: CHROMIUM_PATH, or the first of Debian's usual paths that exists. */
export function chromiumPath(): string | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * Flags for a headless Chromium on a machine with a closed network: no sandbox (CI runs as root), and
 * none of the background connections (updates, sync, safe browsing) that would be refused at every start.
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new Error('no Chromium installed: apt-get install chromium, or set CHROMIUM_PATH');
  return chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 120_000 });
}

/**
 * In a mocha `describe`: launches one browser for the suite (closed after it), or skips the suite when
 * there is none and REQUIRE_BROWSER is not set. Returns a getter, since the browser starts in `before`.
 */
export function browserOrSkip(): () => Browser {
  let browser: Browser | undefined;
  before(async function () {
    this.timeout(180_000);
    if (!chromiumPath()) {
      if (process.env.REQUIRE_BROWSER === '1')
        throw new Error('REQUIRE_BROWSER=1 but no Chromium is installed');
      console.log('    (skipped: no Chromium installed — apt-get install chromium, or set CHROMIUM_PATH)');
      this.skip();
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser has not started');
    return browser;
  };
}

/** The two viewports every journey is checked on. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 900 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

/**
 * A fresh context (own cookies) at a viewport. The gateway under test serves plain HTTP on loopback,
 * so a `Secure` cookie is kept by Chromium only because localhost counts as a secure context.
 */
export async function newContext(browser: Browser, viewport: ViewportName): Promise<BrowserContext> {
  return browser.newContext({
    viewport: VIEWPORTS[viewport],
    deviceScaleFactor: 1,
    isMobile: viewport === 'phone',
    hasTouch: viewport === 'phone',
    javaScriptEnabled: true,
  });
}

export const SCREENSHOT_DIR = resolve(process.env.SCREENSHOT_DIR ?? 'test-output/screenshots');

/** Writes a full-page screenshot `<dir>/<name>.png` (the name made file-safe) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  targets: string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core in the page and returns its violations at `serious` or `critical` impact (or from
 * `minImpact` up). axe's source is evaluated through the DevTools protocol, which the page's strict
 * Content-Security-Policy does not govern — a `<script>` tag would be refused by it, as it should be.
 */
export async function axeViolations(
  page: Page,
  minImpact: 'minor' | 'moderate' | 'serious' | 'critical' = 'serious',
): Promise<AxeViolation[]> {
  const order = ['minor', 'moderate', 'serious', 'critical'];
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, evaluated in the page: this project compiles without the DOM's types.
  const result: unknown = await page.evaluate('window.axe.run(document)');
  const { violations } = result as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return violations
    .filter((v) => order.indexOf(v.impact ?? 'minor') >= order.indexOf(minImpact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}
