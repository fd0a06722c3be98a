/**
 * The dashboard's weight and speed. Builds the app (production), serves the build, and measures for the pages a
 * visitor opens first the JavaScript the browser must download before the page works: every module the server-
 * rendered HTML preloads, gzipped, against the 150 kB budget. Chart and Supabase code load on demand and are listed
 * apart. Then, in Debian's Chromium (when installed), the first contentful paint of the sign-in page; and on the
 * real stack — `keel start` started here as the end-to-end suite does, or the one KEEL_E2E_API_URL + KEEL_E2E_APP_URL
 * name — the time to the first meaningful paint of the dashboard (the portfolio's numbers on screen) and to the
 * first live update from the stream, for a fresh user's paper bot.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { printTable, verdict } from './table.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const appDir = join(repoRoot, 'app');
/** The build goes to a folder of its own (made by benchApp): a dashboard server may be running from app/build. */
let outDir = '';
const clientDir = () => join(outDir, 'client');
/** The budget for the first load, gzipped (kB as bundlers count them: 1,000 bytes). */
const FIRST_LOAD_BUDGET_BYTES = 150_000;
const KB = 1_000;
/** Pages measured: the first a visitor sees, the dashboard, and the heaviest form page. */
const ROUTES = [
  { path: '/login', label: 'sign in (first visit)', signedIn: false },
  { path: '/', label: 'dashboard', signedIn: true },
  { path: '/bots/new', label: 'new bot (form, zod)', signedIn: true },
  { path: '/backtests', label: 'backtests', signedIn: true },
];
/** Timed runs per browser measurement; the median is reported. */
const RUNS = 3;

const gzipped = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} kB`;
const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function build(): number {
  const started = performance.now();
  const vite = join(repoRoot, 'node_modules', '.bin', 'vite');
  const result = spawnSync(vite, ['build', '--logLevel', 'warn'], {
    cwd: appDir,
    stdio: 'inherit',
    env: { ...process.env, KEEL_APP_OUT: outDir },
  });
  if (result.status !== 0) throw new Error('the dashboard build failed (npm run build --workspace app)');
  return (performance.now() - started) / 1000;
}

async function serveBuild(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const server = spawn(process.execPath, [join(outDir, 'index.js')], {
    cwd: appDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`${url}/login`);
      return { url, stop: () => server.kill() };
    } catch {
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
  server.kill();
  throw new Error('the built dashboard did not start');
}

/** The JavaScript a page's HTML makes the browser load at once: its modulepreloads and its inline entry imports. */
async function firstLoadScripts(baseUrl: string, path: string, signedIn: boolean): Promise<string[]> {
  // Any refresh cookie gets past the sign-in redirect; the page then renders its loading state.
  const response = await fetch(`${baseUrl}${path}`, {
    headers: signedIn ? { cookie: 'keel_refresh=bench' } : {},
    redirect: 'manual',
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  const html = await response.text();
  const pageUrl = new URL(path, baseUrl);
  const found = new Set<string>();
  for (const match of html.matchAll(
    /<link[^>]+href="([^"]+\.js)"[^>]*rel="modulepreload"|<link[^>]+rel="modulepreload"[^>]*href="([^"]+\.js)"/g,
  )) {
    found.add(new URL((match[1] ?? match[2]) as string, pageUrl).pathname);
  }
  for (const match of html.matchAll(/import\("([^"]+\.js)"\)/g))
    found.add(new URL(match[1] as string, pageUrl).pathname);
  return [...found];
}

function clientFile(pathname: string): string {
  return join(clientDir(), decodeURIComponent(pathname));
}

/** Chunks no first load includes: what they are, from what they contain. */
function onDemandChunks(firstLoad: Set<string>): Array<[string, number]> {
  const dir = join(clientDir(), '_app', 'immutable', 'chunks');
  const chunks: Array<[string, number]> = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
    const pathname = `/_app/immutable/chunks/${name}`;
    if (firstLoad.has(pathname)) continue;
    const bytes = readFileSync(join(dir, name));
    const text = bytes.toString('utf8');
    const what = text.includes('supabase')
      ? 'Supabase sign-in (Supabase mode only)'
      : text.includes('lightweight-charts') || text.includes('createChart')
        ? 'lightweight-charts (pages with charts)'
        : null;
    if (what) chunks.push([what, (chunks.find(([known]) => known === what)?.[1] ?? 0) + gzipped(bytes)]);
  }
  return [...new Map(chunks)];
}

interface Timings {
  fcp: number | null;
  meaningful: number | null;
  liveUpdate: number | null;
}

async function measureInBrowser(baseUrl: string): Promise<void> {
  const { launchBrowser, newUserContext } = await import('../app/e2e/browser.ts');
  const { stackFromEnvironment, startStack, LIVE_TIMEOUT_MS } = await import('../app/e2e/stack.ts');
  const browser = await launchBrowser();
  try {
    const signInPaints: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await newUserContext(browser);
      const page = await context.newPage();
      await page.goto(`${baseUrl}/login`, { waitUntil: 'load' });
      const fcp = await page
        .waitForFunction(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? false, null, {
          timeout: 10_000,
        })
        .then((handle) => handle.jsonValue() as Promise<number>)
        .catch(() => null);
      if (fcp !== null) signInPaints.push(fcp);
      await context.close();
    }
    const rows = [
      [
        'sign-in page, first contentful paint (fresh profile)',
        ms(median(signInPaints)),
        'this build, no API',
        String(RUNS),
      ],
    ];

    // The stack named by the environment, else `keel start` on free ports, as the end-to-end suite does.
    const stack = stackFromEnvironment() ?? (await startStack());
    try {
      await measureLiveStack(browser, stack, rows, LIVE_TIMEOUT_MS);
    } finally {
      await stack.close();
    }
  } finally {
    await browser.close();
  }
}

/** Time to the first meaningful paint and to the first live update, for a fresh user's paper bot. */
async function measureLiveStack(
  browser: import('playwright-core').Browser,
  stack: import('../app/e2e/stack.ts').E2EStack,
  rows: string[][],
  liveTimeoutMs: number,
): Promise<void> {
  const { signUp, startFirstPaperBot } = await import('../app/e2e/dashboard-user.ts');
  const user = await signUp(browser, stack.appUrl, 'bench');
  await startFirstPaperBot(user, stack.appUrl, 'Bench bot');
  const { page } = user;
  // Measure once the bot trades: its dashboard has an equity curve.
  await page.goto(`${stack.appUrl}/`);
  await page.getByTestId('equity-chart').waitFor({ timeout: liveTimeoutMs });
  const timings: Timings[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(`${stack.appUrl}/`, { waitUntil: 'load' });
    await page.getByTestId('portfolio-value').waitFor();
    const liveUpdate = await page
      .waitForFunction(() => performance.getEntriesByName('keel:first-live-update')[0]?.startTime ?? false, null, {
        timeout: liveTimeoutMs,
      })
      .then((handle) => handle.jsonValue() as Promise<number>)
      .catch(() => null);
    timings.push(
      await page.evaluate(
        (live) => ({
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
          meaningful: performance.getEntriesByName('keel:portfolio-painted')[0]?.startTime ?? null,
          liveUpdate: live,
        }),
        liveUpdate,
      ),
    );
  }
  const pick = (key: keyof Timings) => median(timings.map((t) => t[key]).filter((v): v is number => v !== null));
  rows.push(
    ['dashboard, first contentful paint (reload)', ms(pick('fcp')), stack.appUrl, String(RUNS)],
    ['dashboard, first meaningful paint (portfolio on screen)', ms(pick('meaningful')), stack.appUrl, String(RUNS)],
    ['dashboard, first live update from the stream', ms(pick('liveUpdate')), stack.appUrl, String(RUNS)],
  );
  printTable(
    'Dashboard in the browser (Chromium, median of 3, from navigation start)',
    ['measure', 'time', 'where', 'runs'],
    rows,
  );
}

export async function benchApp(): Promise<void> {
  outDir = mkdtempSync(join(tmpdir(), 'keel-app-bench-'));
  const buildSeconds = build();
  const server = await serveBuild();
  try {
    const rows: string[][] = [];
    const everyFirstLoad = new Set<string>();
    for (const route of ROUTES) {
      const scripts = await firstLoadScripts(server.url, route.path, route.signedIn);
      let total = 0;
      for (const script of scripts) {
        everyFirstLoad.add(script);
        total += gzipped(readFileSync(clientFile(script)));
      }
      rows.push([
        `${route.path}  ${route.label}`,
        String(scripts.length),
        kb(total),
        kb(FIRST_LOAD_BUDGET_BYTES),
        `${((total / FIRST_LOAD_BUDGET_BYTES) * 100).toFixed(0)}%`,
        verdict(total <= FIRST_LOAD_BUDGET_BYTES),
      ]);
    }
    printTable(
      `Dashboard first-load JavaScript, gzip -9 (production build in ${buildSeconds.toFixed(1)} s)`,
      ['page', 'files', 'JS gzipped', 'budget', 'of budget', 'verdict'],
      rows,
    );
    const lazy = onDemandChunks(everyFirstLoad);
    printTable(
      'Loaded on demand, not in any first load',
      ['chunk', 'JS gzipped'],
      lazy.map(([what, bytes]) => [what, kb(bytes)]),
    );
    if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
      await measureInBrowser(server.url).catch((error: unknown) => {
        console.log(
          `browser timings: failed, ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        );
      });
    } else console.log('browser timings: skipped, Chromium is not installed (apt-get install chromium)');
  } finally {
    server.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}
