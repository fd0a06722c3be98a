/**
 * The WebSocket side of the edge benchmark, in its own process so the clients do not share the server's event
 * loop: opens one stream per token (tokens on stdin, one per line), prints "ready", counts messages until stdin
 * says "report", then prints {"received": n, "closed": n} and exits.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const url = process.argv[2] as string;
const lines = createInterface({ input: process.stdin });
const tokens: string[] = [];
let received = 0;
let closed = 0;
const sockets: WebSocket[] = [];

async function openAll(): Promise<void> {
  const BATCH = 100;
  for (let i = 0; i < tokens.length; i += BATCH) {
    await Promise.all(
      tokens.slice(i, i + BATCH).map(
        (token) =>
          new Promise<void>((resolve, reject) => {
            const socket = new WebSocket(`${url}/v1/stream?access_token=${token}&channels=prices`);
            socket.on('message', () => {
              received++;
            });
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
  } else if (line === 'count') {
    console.log(JSON.stringify({ received, closed }));
  } else if (line === 'report') {
    console.log(JSON.stringify({ received, closed }));
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  } else if (line !== '') tokens.push(line);
});
