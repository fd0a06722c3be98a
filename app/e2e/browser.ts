/**
 * Debian's Chromium driven by playwright-core (never `npx playwright install`: it downloads its own browser, which
 * cannot work here). Each context is a separate browser profile: separate cookies, separate users.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where screenshots go: artifacts/ at the repository root (gitignored). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 375, height: 812 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export function newUserContext(browser: Browser, viewport: ViewportName = 'desktop'): Promise<BrowserContext> {
  return browser.newContext({
    viewport: VIEWPORTS[viewport],
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'dark',
    ...(viewport === 'mobile' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
}

/** Saves `page` at both widths as artifacts/screenshots/<name>-desktop.png and -mobile.png. */
export async function screenshotBothWidths(
  page: Page,
  name: string,
  settle: (page: Page) => Promise<void> = async () => {},
): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const saved: string[] = [];
  // A full-page capture would show the sticky sidebar wherever the capture scrolled to: pin it to the top.
  await page.addStyleTag({ content: '#main-nav, .topbar { position: static !important; }' });
  for (const [viewport, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await settle(page);
    // Charts resize on the next frame.
    await page.waitForTimeout(400);
    const path = join(SCREENSHOT_DIR, `${name}-${viewport}.png`);
    await page.screenshot({ path, fullPage: true });
    saved.push(path);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  return saved;
}
