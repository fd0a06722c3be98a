/**
 * The dashboard against the real stack: two people sign up in separate browser contexts, each starts a paper bot
 * on replayed real candles and watches its trades and equity curve arrive live; neither ever sees the other's
 * data; a bad form says what is wrong; the kill switch stops a bot. Screenshots of every main page, at desktop and
 * mobile width, go to artifacts/screenshots/. It starts `keel start` itself (see stack.ts); skipped only without Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newUserContext, screenshotBothWidths } from './browser.ts';
import {
  type DashboardUser,
  documentIsMarked,
  equityPoints,
  markDocument,
  signUp,
  startFirstPaperBot,
} from './dashboard-user.ts';
import { type E2EStack, LIVE_TIMEOUT_MS, missingForStack, stackFromEnvironment, startStack } from './stack.ts';

const missing = missingForStack();
const STEP_TIMEOUT_MS = 60_000;

if (missing !== null) console.warn(`dashboard e2e skipped: ${missing}`);

describe.skipIf(missing !== null)('the dashboard, end to end on the real stack', () => {
  let stack: E2EStack | undefined;
  let appUrl = '';
  let browser: Browser;
  let alice: DashboardUser;
  let bob: DashboardUser;

  beforeAll(async () => {
    stack = stackFromEnvironment() ?? (await startStack());
    appUrl = stack.appUrl;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it(
    'two people sign up in separate browser contexts and each starts a paper bot',
    async () => {
      [alice, bob] = await Promise.all([signUp(browser, appUrl, 'alice'), signUp(browser, appUrl, 'bob')]);
      await Promise.all([
        startFirstPaperBot(alice, appUrl, 'Alice trend bot'),
        startFirstPaperBot(bob, appUrl, 'Bob swing bot'),
      ]);
      expect(alice.botId).toMatch(/^[0-9a-f-]{36}$/);
      expect(bob.botId).toMatch(/^[0-9a-f-]{36}$/);
      expect(alice.botId).not.toBe(bob.botId);
    },
    STEP_TIMEOUT_MS * 2,
  );

  it(
    'each sees trades and the equity curve appear live, without reloading the page',
    async () => {
      await Promise.all(
        [alice, bob].map(async (user) => {
          const { page } = user;
          await page.goto(`${appUrl}/bots/${user.botId}`);
          // The live indicator says the stream is open (one in the sidebar, one in the mobile top bar).
          await page
            .locator('[data-testid="live-status"][data-status="open"]')
            .filter({ visible: true })
            .first()
            .waitFor({ timeout: STEP_TIMEOUT_MS });
          await markDocument(page);
          await page.getByTestId('equity-chart').waitFor({ timeout: LIVE_TIMEOUT_MS });
          const pointsAtFirst = await equityPoints(page);
          await expect
            .poll(() => equityPoints(page), { timeout: LIVE_TIMEOUT_MS, interval: 500 })
            .toBeGreaterThan(pointsAtFirst);
          await page.getByTestId('trade-row').first().waitFor({ timeout: LIVE_TIMEOUT_MS });
          expect(await documentIsMarked(page)).toBe(true);
          // The dashboard shows the same bot's trades and portfolio.
          await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
          await page.getByTestId('portfolio-value').waitFor();
          await page.getByTestId('trade-row').first().waitFor({ timeout: STEP_TIMEOUT_MS });
        }),
      );
    },
    LIVE_TIMEOUT_MS * 2 + STEP_TIMEOUT_MS,
  );

  it(
    "never shows one person the other's data",
    async () => {
      for (const [me, other] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        const { page } = me;
        await page.goto(`${appUrl}/bots`);
        await page.getByTestId('bot-card').first().waitFor();
        const names = await page.getByTestId('bot-card').locator('a').first().allTextContents();
        expect(names.join(' ')).toContain(me.botName);
        await expect.poll(() => page.getByText(other.botName).count()).toBe(0);

        // Every bot the dashboard links to is mine.
        await page.goto(`${appUrl}/`);
        await page.getByTestId('trade-row').first().waitFor({ timeout: STEP_TIMEOUT_MS });
        const linked = await page
          .locator('main a[href^="/bots/"]')
          .evaluateAll((links) =>
            links.map((link) => link.getAttribute('href')).filter((href) => href !== '/bots/new'),
          );
        expect(new Set(linked)).toEqual(new Set([`/bots/${me.botId}`]));

        // The other's bot, asked for by its id, does not exist for me.
        await page.goto(`${appUrl}/bots/${other.botId}`);
        await page.getByTestId('error-state').waitFor();
        await expect.poll(() => page.getByText(other.botName).count()).toBe(0);
      }
    },
    STEP_TIMEOUT_MS * 2,
  );

  it(
    'a bad form shows what is wrong, from the shared schema and from the API',
    async () => {
      const { page } = alice;
      await page.goto(`${appUrl}/bots/new`);
      await page.getByLabel('Name').fill('');
      await page.getByLabel('Markets').fill('btc');
      await page.getByLabel('Largest position %').fill('50');
      await page.getByRole('button', { name: 'Create bot' }).click();
      await expect.poll(() => page.getByText('give the bot a name').count()).toBe(1);
      await expect.poll(() => page.getByText('a market such as BTC-USDT (BASE-QUOTE, upper case)').count()).toBe(1);
      await expect.poll(() => page.getByText('at most 10%').count()).toBeGreaterThan(0);
      expect(page.url()).toBe(`${appUrl}/bots/new`);
      await expect.poll(() => page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');

      // The API's own refusal (the address is taken) shows on the form too.
      const context = await newUserContext(browser);
      const stranger = await context.newPage();
      await stranger.goto(`${appUrl}/signup`);
      await stranger.getByLabel('Email').fill(alice.email);
      await stranger.getByLabel('Password').fill('another long password');
      await stranger.getByRole('button', { name: 'Create account' }).click();
      await stranger.getByTestId('form-error').waitFor();
      expect(stranger.url()).toBe(`${appUrl}/signup`);
      await context.close();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'the kill switch stops the bot',
    async () => {
      const { page } = bob;
      await page.goto(`${appUrl}/bots/${bob.botId}`);
      await page.getByTestId('kill-bot').click();
      await page.getByTestId('kill-bot-confirm').click();
      await expect
        .poll(() => page.getByTestId('bot-status').first().textContent(), { timeout: STEP_TIMEOUT_MS, interval: 500 })
        .toMatch(/killed|stopped|halted/);
      await expect.poll(() => page.getByTestId('kill-bot').count()).toBe(0);
      // Stopped for good: it stays stopped after a reload.
      await page.reload();
      await expect
        .poll(() => page.getByTestId('bot-status').first().textContent(), { timeout: STEP_TIMEOUT_MS })
        .toMatch(/killed|stopped|halted/);
    },
    STEP_TIMEOUT_MS * 2,
  );

  it(
    'the platform kill switch halts every bot',
    async (test) => {
      const admin = stack?.admin;
      if (!admin) test.skip('the stack named by the environment has no KEEL_E2E_ADMIN_EMAIL/PASSWORD');
      const context = await newUserContext(browser);
      const page = await context.newPage();
      await page.goto(`${appUrl}/login`);
      await page.getByLabel('Email').fill(admin?.email ?? '');
      await page.getByLabel('Password').fill(admin?.password ?? '');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${appUrl}/`);
      await page.goto(`${appUrl}/admin`);
      await page.getByLabel('Reason (recorded in the audit log)').fill('end-to-end test of the platform kill switch');
      await page.getByTestId('engage-kill-switch').click();
      await page.getByTestId('engage-kill-switch-confirm').click();
      await expect.poll(() => page.getByTestId('kill-switch-state').textContent()).toBe('engaged');
      try {
        await alice.page.goto(`${appUrl}/`);
        await alice.page.getByTestId('platform-kill-switch-banner').waitFor({ timeout: STEP_TIMEOUT_MS });
        await alice.page.goto(`${appUrl}/bots/${alice.botId}`);
        await expect
          .poll(() => alice.page.getByTestId('bot-status').first().textContent(), { timeout: STEP_TIMEOUT_MS })
          .not.toBe('running');
      } finally {
        await page.getByLabel('Reason (recorded in the audit log)').fill('end-to-end test done');
        await page.getByRole('button', { name: 'Release kill switch' }).click();
        await page.getByRole('button', { name: 'Yes, release kill switch' }).click();
        await context.close();
      }
    },
    STEP_TIMEOUT_MS * 3,
  );

  it(
    'runs backtests submitted from the dashboard and compares their results',
    async () => {
      const { page } = alice;
      await page.goto(`${appUrl}/backtests`);
      const form = page.getByTestId('backtest-form');
      await form.getByRole('button', { name: 'Run 3 backtests' }).click();
      // The worker runs them (a thread each, in turn); the page polls until none is queued or running.
      const rows = page.locator('table.data tbody tr');
      await expect.poll(() => rows.count(), { timeout: STEP_TIMEOUT_MS }).toBe(3);
      await expect
        .poll(async () => (await rows.allTextContents()).filter((text) => text.includes('succeeded')).length, {
          timeout: STEP_TIMEOUT_MS * 2,
          interval: 500,
        })
        .toBe(3);
      const results = page.getByTestId('backtest-results');
      await results.waitFor({ timeout: STEP_TIMEOUT_MS });
      for (const strategy of ['balanced', 'conservative', 'aggressive']) {
        await expect.poll(() => results.textContent()).toContain(strategy);
      }
      await expect.poll(() => results.textContent()).toMatch(/Max drawdown/);
    },
    STEP_TIMEOUT_MS * 4,
  );

  it(
    'saves screenshots of every main page at desktop and mobile width',
    async () => {
      const { page } = alice;
      const pages: Array<[string, string, (page: Page) => Promise<void>]> = [
        ['dashboard', '/', (p) => p.getByTestId('equity-chart').waitFor()],
        ['bots', '/bots', (p) => p.getByTestId('bot-card').first().waitFor()],
        ['bot', `/bots/${alice.botId}`, (p) => p.getByTestId('decision-log').waitFor()],
        ['bot-new', '/bots/new', (p) => p.getByTestId('bot-form').waitFor()],
        ['onboarding', '/onboarding', (p) => p.getByRole('button', { name: 'Continue' }).waitFor()],
        ['backtests', '/backtests', (p) => p.getByTestId('backtest-form').waitFor()],
        ['keys', '/settings/keys', (p) => p.getByTestId('credential-form').waitFor()],
        ['notifications', '/settings/notifications', (p) => p.getByTestId('email-channel-form').waitFor()],
        ['api', '/settings/api', (p) => p.getByTestId('token-form').waitFor()],
        ['account', '/settings/account', (p) => p.getByTestId('password-form').waitFor()],
        ['admin', '/admin', (p) => p.getByRole('heading', { name: 'Admin' }).waitFor()],
      ];
      const saved: string[] = [];
      for (const [name, path, ready] of pages) {
        await page.goto(`${appUrl}${path}`);
        await ready(page);
        await page.waitForLoadState('networkidle').catch(() => {});
        saved.push(...(await screenshotBothWidths(page, name)));
      }
      const context = await newUserContext(browser);
      const signedOut = await context.newPage();
      for (const name of ['login', 'signup']) {
        await signedOut.goto(`${appUrl}/${name}`);
        saved.push(...(await screenshotBothWidths(signedOut, name)));
      }
      await context.close();
      expect(saved).toHaveLength((pages.length + 2) * 2);
    },
    STEP_TIMEOUT_MS * 4,
  );
});
