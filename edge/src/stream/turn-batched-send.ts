/**
 * A WebSocket send whose frames, sent within one turn of the event loop, leave the socket in one write.
 *
 * Why: a user's bots book the same candle together, so the bus hands the edge a burst of messages for the same
 * sockets at once (one XREAD batch). Sent one by one, each frame is a write system call of its own; held back until
 * the turn's synchronous work is done, the burst goes out in one. The release runs as a microtask, so nothing waits
 * longer than the code that is sending already runs.
 */
import type { FrameBatching } from '../ports.ts';

export function turnBatchedSend(batching: FrameBatching, send: (text: string) => void): (text: string) => void {
  let holding = false;
  const release = () => {
    holding = false;
    batching.release();
  };
  return (text) => {
    if (!holding) {
      holding = true;
      batching.hold();
      queueMicrotask(release);
    }
    send(text);
  };
}
