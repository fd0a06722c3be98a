import { describe, expect, it } from 'vitest';
import { singleFlight } from './single-flight.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('shares one read among callers of the same key, and keeps keys apart', async () => {
    const flight = singleFlight<string>();
    const reads: string[] = [];
    const gates = new Map([
      ['alice', deferred<string>()],
      ['bob', deferred<string>()],
    ]);
    const read = (key: string) => () => {
      reads.push(key);
      return (gates.get(key) as ReturnType<typeof deferred<string>>).promise;
    };
    const answers = Promise.all([
      flight.run('alice', read('alice')),
      flight.run('bob', read('bob')),
      flight.run('alice', read('alice')),
    ]);
    expect(reads).toEqual(['alice', 'bob']);
    gates.get('alice')?.resolve('alice’s portfolio');
    gates.get('bob')?.resolve('bob’s portfolio');
    expect(await answers).toEqual(['alice’s portfolio', 'bob’s portfolio', 'alice’s portfolio']);
    expect(flight.inFlight).toBe(0);
  });

  it('starts a new read once the previous one is over, and after a failure', async () => {
    const flight = singleFlight<number>();
    let calls = 0;
    await expect(
      flight.run('k', async () => {
        calls++;
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(await flight.run('k', async () => ++calls)).toBe(2);
    expect(await flight.run('k', async () => ++calls)).toBe(3);
  });
});
