/**
 * The cold-tier reader is the one part of @keel/db the edge imports values from (GET /v1/candles, on Node and on
 * Deno), so it may use web standards only: its files import each other, the InfluxDB client (whose `deno` export
 * is its fetch build) and core's types — no `node:` module, no other package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const COLD_TIER = join(import.meta.dirname, '..', '..', 'src', 'cold-tier');
const IMPORT = /(?:^|\n)\s*(import|export)(\s+type)?\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function allowed(specifier: string, typeOnly: boolean): boolean {
  return (
    specifier.startsWith('./') ||
    specifier === '@influxdata/influxdb-client' ||
    (typeOnly && specifier.startsWith('@keel/core/'))
  );
}

describe('packages/db/src/cold-tier uses web standards only', () => {
  it('imports only its own files, the InfluxDB client and core types', () => {
    const offenders: string[] = [];
    const files = readdirSync(COLD_TIER).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const name of files) {
      for (const match of readFileSync(join(COLD_TIER, name), 'utf8').matchAll(IMPORT)) {
        const specifier = (match[3] ?? match[4]) as string;
        if (!allowed(specifier, match[2] !== undefined)) offenders.push(`${name}: ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
