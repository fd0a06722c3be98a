/**
 * Strict JSON for request bodies. JSON.parse accepts things an API should not: a bare string or array where an
 * object is expected, the same key twice (the last silently wins, so two parsers can disagree about one request),
 * `__proto__` and friends (prototype pollution in any code that merges objects), and unbounded nesting (a cheap
 * way to make a validator recurse deeply). This refuses all of them, saying which.
 */

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type StrictJsonResult = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

/** Where JSON.parse stopped, without echoing the input back (it may be anything). */
function syntaxProblem(error: unknown): string {
  const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
  return position === undefined
    ? 'the body is not valid JSON'
    : `the body is not valid JSON (at character ${position})`;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** The index just past the string literal opening at `start` (the text is known to be valid JSON). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Structure checks on text JSON.parse already accepted: duplicate and forbidden keys, nesting depth. */
function structureProblem(text: string, maxDepth: number): string | null {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      const end = endOfString(text, i);
      const keys = open.at(-1);
      if (keys && text[skipWhitespace(text, end)] === ':') {
        const key = JSON.parse(text.slice(i, end)) as string;
        const path = open.length === 1 ? 'the body' : `an object at depth ${open.length}`;
        if (FORBIDDEN_KEYS.has(key)) return `${path} has the key "${key}", which is not allowed`;
        if (keys.has(key)) return `${path} has the key "${key.slice(0, 60)}" twice`;
        keys.add(key);
      }
      i = end;
      continue;
    }
    if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : null);
      if (open.length > maxDepth) return `the body is nested deeper than ${maxDepth} levels`;
    } else if (char === '}' || char === ']') {
      open.pop();
    }
    i++;
  }
  return null;
}

export function parseStrictJson(text: string, maxDepth: number): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: syntaxProblem(error) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      problem: `the body must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
    };
  }
  const problem = structureProblem(text, maxDepth);
  return problem === null ? { ok: true, value: value as Record<string, unknown> } : { ok: false, problem };
}
