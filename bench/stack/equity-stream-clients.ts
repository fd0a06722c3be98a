/**
 * The WebSocket side of the load benchmark, in its own process so the clients do not share a loop with the
 * benchmark: opens one /v1/stream per token (tokens on stdin, one per line) on the equity channel, prints "ready"
 * once all are open, and tallies the equity points received by the candle they are for. "after <ms>" prints
 * {"received": n, "closed": n} for points of candles after that open time — comparable with the points booked in
 * PostgreSQL for the same candles, whenever each message arrived; "report" prints the same for all and exits.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const OPEN_BATCH = 100;
const url = process.argv[2] as string;
const lines = createInterface({ input: process.stdin });
const tokens: string[] = [];
/** Equity points received per candle open time (ms). */
const receivedByCandle = new Map<number, number>();
let closed = 0;
const sockets: WebSocket[] = [];

function tally(raw: WebSocket.RawData): void {
  const message = JSON.parse(raw.toString()) as { channel?: string; data?: { time?: string | number } };
  if (message.channel !== 'equity' || message.data?.time === undefined) return;
  const candleMs = new Date(message.data.time).getTime();
  receivedByCandle.set(candleMs, (receivedByCandle.get(candleMs) ?? 0) + 1);
}

function receivedAfter(candleMs: number): number {
  let received = 0;
  for (const [time, count] of receivedByCandle) if (time > candleMs) received += count;
  return received;
}

async function openAll(): Promise<void> {
  for (let i = 0; i < tokens.length; i += OPEN_BATCH) {
    await Promise.all(
      tokens.slice(i, i + OPEN_BATCH).map(
        (token) =>
          new Promise<void>((resolve, reject) => {
            const socket = new WebSocket(`${url}/v1/stream?access_token=${token}&channels=equity`);
            socket.on('message', tally);
            socket.on('close', () => {
              closed++;
            });
            socket.once('open', () => resolve());
            socket.once('error', reject);
            sockets.push(socket);
          }),
      ),
    );
  }
}

lines.on('line', async (line) => {
  if (line === 'open') {
    await openAll();
    console.log('ready');
  } else if (line.startsWith('after ')) {
    console.log(JSON.stringify({ received: receivedAfter(Number(line.slice('after '.length))), closed }));
  } else if (line === 'report') {
    console.log(JSON.stringify({ received: receivedAfter(Number.NEGATIVE_INFINITY), closed }));
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  } else if (line !== '') tokens.push(line);
});
