/** How risk reasons spell numbers, so every rule's message reads the same. */

/** A fraction as a percentage with two decimals: 0.1 → "10.00%". */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** A quote amount with two decimals. */
export function quote(value: number): string {
  return value.toFixed(2);
}
