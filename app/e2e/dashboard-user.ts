/**
 * One person using the dashboard, in their own browser context: the steps the end-to-end tests are made of, written
 * against what people see (labels, roles, the few test ids on live values), not against the markup.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newUserContext } from './browser.ts';
import { E2E_SYMBOL, E2E_TIMEFRAME } from './stack.ts';

export interface DashboardUser {
  context: BrowserContext;
  page: Page;
  email: string;
  password: string;
  botName: string;
  botId: string;
}

export async function signUp(browser: Browser, appUrl: string, name: string): Promise<DashboardUser> {
  const context = await newUserContext(browser);
  const page = await context.newPage();
  const email = `${name}+${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.keel.test`;
  const password = `${name} plays it safe 42`;
  await page.goto(`${appUrl}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  // Either onboarding, or the form says why not (e.g. the API's sign-in rate limit): fail with its words.
  const refused = page.getByTestId('form-error');
  await Promise.race([page.waitForURL('**/onboarding'), refused.waitFor()]);
  if (await refused.isVisible()) throw new Error(`sign-up refused: ${await refused.textContent()}`);
  return { context, page, email, password, botName: '', botId: '' };
}

/** Onboarding: risk tolerance, then the first paper bot, created and started; back on the dashboard. */
export async function startFirstPaperBot(user: DashboardUser, appUrl: string, botName: string): Promise<void> {
  const { page } = user;
  await page.getByRole('radio', { name: /Moderate/ }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Bot name').fill(botName);
  await page.getByLabel('Market').selectOption(E2E_SYMBOL);
  await page.getByLabel('Candle timeframe').selectOption(E2E_TIMEFRAME);
  await page.getByTestId('create-first-bot').click();
  await page.waitForURL(`${appUrl}/`);
  await page.goto(`${appUrl}/bots`);
  const card = page.getByTestId('bot-card').filter({ hasText: botName });
  await card.waitFor();
  user.botName = botName;
  user.botId = (await card.getAttribute('data-bot-id')) ?? '';
}

/** Number of points the equity chart on the page draws. */
export async function equityPoints(page: Page): Promise<number> {
  return Number((await page.getByTestId('equity-chart').getAttribute('data-points')) ?? 0);
}

/** Marks the document, so a later check can tell that the page was never reloaded. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { keelE2eMark: boolean }).keelE2eMark = true;
  });
}

export async function documentIsMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { keelE2eMark?: boolean }).keelE2eMark === true);
}
