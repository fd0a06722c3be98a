/**
 * Reads a Flux string literal back (the Flux spec's escapes: \" \\ \$ \n \r \t), so tests can check that what the
 * reader put into a query means exactly the value it was given.
 */

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', $: '$', n: '\n', r: '\r', t: '\t' };

/** The value of the literal opening at `text[start]` (a `"`) and where it ends (after its closing quote). */
export function readFluxString(text: string, start: number): { value: string; end: number } {
  if (text[start] !== '"') throw new Error(`no string literal at ${start}: ${text.slice(start, start + 20)}`);
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const character = text[i] as string;
    if (character === '"') return { value, end: i + 1 };
    if (character === '$' && text[i + 1] === '{') throw new Error(`unescaped interpolation at ${i}`);
    if (character !== '\\') {
      value += character;
      continue;
    }
    const escaped = ESCAPES[text[i + 1] as string];
    if (escaped === undefined) throw new Error(`bad escape \\${text[i + 1]} at ${i}`);
    value += escaped;
    i++;
  }
  throw new Error('unterminated string literal');
}

/** The literal right after `prefix` (e.g. `r.symbol == `) in a query. */
export function fluxStringAfter(query: string, prefix: string): string {
  const at = query.indexOf(prefix);
  if (at < 0) throw new Error(`"${prefix}" not in the query:\n${query}`);
  return readFluxString(query, at + prefix.length).value;
}
