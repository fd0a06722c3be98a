/** Helpers for self-contained HTML reports: escaping, and embedding data and scripts safely inline. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a <script> element: no `</script>` or `<!--` can end it early. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

let chartLibrary: string | null = null;

/** The lightweight-charts standalone build, inlined so a report opens offline and on its own. */
export function chartLibrarySource(): string {
  if (chartLibrary === null) {
    // The package exports only its module builds; the standalone (global) build sits beside them in dist/.
    const distDir = dirname(fileURLToPath(import.meta.resolve('lightweight-charts')));
    chartLibrary = readFileSync(join(distDir, 'lightweight-charts.standalone.production.js'), 'utf8');
  }
  return chartLibrary;
}

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(2)}%`;
}

export function formatNumber(value: number | null, digits = 2): string {
  return value === null
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export const REPORT_STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:24px;background:#0f1419;color:#e6e6e6}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.muted{color:#9aa4ad}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}
th,td{padding:4px 10px;text-align:right;border-bottom:1px solid #263039}th:first-child,td:first-child{text-align:left}
.chart{height:320px;width:100%;margin-top:8px}.small{height:180px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:8px}
.card{background:#161e26;border-radius:6px;padding:10px}.card b{display:block;font-size:18px;margin-top:2px}
.pos{color:#3fb950}.neg{color:#f85149}`;
