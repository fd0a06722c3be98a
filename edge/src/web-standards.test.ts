/**
 * The app runs unchanged on Node and Deno only if it uses web standards: no file under edge/src but the runtime
 * entry points (and tests) may import Node's built-ins or Node-only packages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;
/**
 * Runtime entry points: they adapt Node or Deno to the app's ports (deno-app.ts is the Deno wiring deno.ts and the
 * Supabase Edge Function share). key-transport.ts wraps @keel/db's secrets.
 */
const RUNTIME_ENTRIES = new Set(['node.ts', 'deno.ts', 'deno-app.ts', 'key-transport.ts']);
const NODE_ONLY = /^(node:|ioredis$|pino$|ws$|@hono\/node-server|postgres$|@electric-sql\/)/;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

function importsOf(text: string): { specifier: string; typeOnly: boolean }[] {
  const found = [];
  for (const match of text.matchAll(IMPORT)) {
    const statement = match[0];
    found.push({
      specifier: (match[1] ?? match[2]) as string,
      typeOnly: /^\s*(import|export)\s+type\s/.test(statement),
    });
  }
  return found;
}

describe('edge/src uses web standards only', () => {
  it('imports no node: module or Node-only package outside the runtime entry points', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const name = relative(SRC, file);
      if (RUNTIME_ENTRIES.has(name) || name.endsWith('.test.ts') || name.endsWith('.contract.ts')) continue;
      for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
        if (NODE_ONLY.test(specifier) && !typeOnly) offenders.push(`${name}: ${specifier}`);
        // @keel/db's runtime code is Node's (postgres.js, node:crypto): the app may import its types only.
        if (specifier === '@keel/db' && !typeOnly) offenders.push(`${name}: ${specifier} (values; import types only)`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('catches an offender (the check itself works)', () => {
    expect(importsOf("import { readFileSync } from 'node:fs';\nimport type { X } from '@keel/db';")).toEqual([
      { specifier: 'node:fs', typeOnly: false },
      { specifier: '@keel/db', typeOnly: true },
    ]);
  });
});
