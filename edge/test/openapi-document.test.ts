/**
 * The OpenAPI 3.1 document's structure: shared schemas are named components that operations refer to with $ref,
 * and every $ref resolves, so generators and the reference page read one definition instead of copies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, harness, json } from './harness.ts';

afterAll(closeTestDatabase);

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

describe('OpenAPI document', () => {
  it('names Problem once as a component, refers to it from every error response, and every $ref resolves', async () => {
    const h = await harness();
    const spec = await json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
      >;
      components: { schemas: Record<string, unknown> };
    }>(await h.request('GET', '/v1/openapi.json'));
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Portfolio', 'EquityCurve', 'CandleSeries', 'AdminOverview']),
    );
    let errorResponses = 0;
    for (const operations of Object.values(spec.paths)) {
      for (const operation of Object.values(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const problem = response.content?.['application/problem+json'];
          if (Number(status) < 400 || problem === undefined) continue;
          expect(problem.schema).toEqual({ $ref: '#/components/schemas/Problem' });
          errorResponses++;
        }
      }
    }
    expect(errorResponses).toBeGreaterThan(100);
    for (const ref of refsIn(spec)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(spec.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
  });
});
