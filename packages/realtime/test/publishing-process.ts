/**
 * A worker's side of the bus in a process of its own (so it keeps publishing while the test's process is busy):
 * `node publishing-process.ts <redisUrl> <streamKey> <userId> <count> <intervalMs>` publishes messages
 * { i: 0 … count-1 } for the user, one every intervalMs, then prints how many publishes were rejected and exits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { redisBus } from '../src/index.ts';

const [url, streamKey, userId, countText, intervalText] = process.argv.slice(2);
if (url === undefined || streamKey === undefined || userId === undefined) {
  throw new Error('usage: publishing-process.ts <redisUrl> <streamKey> <userId> <count> <intervalMs>');
}
const bus = redisBus({ url, streamKey });
const publishes: Promise<void>[] = [];
for (let i = 0; i < Number(countText); i++) {
  publishes.push(bus.publish(userId, { channel: 'prices', botId: null, time: Date.now(), data: { i } }));
  await sleep(Number(intervalText));
}
const outcomes = await Promise.allSettled(publishes);
await bus.close();
console.log(JSON.stringify({ rejected: outcomes.filter((outcome) => outcome.status === 'rejected').length }));
