import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/report/progress-bar.ts';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) > 0 };
}

describe('ProgressBar', () => {
  it('on a terminal, redraws one line in place and ends it when finished', () => {
    const stream = sink(true);
    const bar = new ProgressBar(200, stream);
    bar.update(50, '10 steps/s');
    bar.update(200, '12 steps/s');
    bar.finish();
    expect(stream.writes[0]).toBe(`\r${'█'.repeat(8)}${'░'.repeat(22)}  25% 50/200 10 steps/s\u001b[K`);
    expect(stream.writes[1]).toContain('100% 200/200 12 steps/s');
    expect(stream.writes[2]).toBe('\n');
  });

  it('elsewhere, prints a plain line per tenth of the way, whatever the update rate', () => {
    const stream = sink(false);
    const bar = new ProgressBar(1000, stream);
    for (let done = 10; done <= 1000; done += 10) bar.update(done, '');
    bar.finish();
    expect(stream.writes).toHaveLength(10);
    expect(stream.writes[0]).toBe('10% 100/1,000 \n');
    expect(stream.writes[9]).toBe('100% 1,000/1,000 \n');
  });
});
