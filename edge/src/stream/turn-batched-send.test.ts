import { describe, expect, it } from 'vitest';
import { turnBatchedSend } from './turn-batched-send.ts';

/** What the socket saw, in order: holds, releases and frames. */
function recordingSocket() {
  const events: string[] = [];
  return {
    events,
    batching: { hold: () => events.push('hold'), release: () => events.push('release') },
    send: (text: string) => events.push(text),
  };
}

describe('turnBatchedSend', () => {
  it('holds the socket once per turn, around every frame sent in it, and releases it after', async () => {
    const socket = recordingSocket();
    const send = turnBatchedSend(socket.batching, socket.send);
    send('a');
    send('b');
    send('c');
    expect(socket.events).toEqual(['hold', 'a', 'b', 'c']);
    await Promise.resolve();
    expect(socket.events).toEqual(['hold', 'a', 'b', 'c', 'release']);
    send('d');
    await new Promise((done) => setTimeout(done, 0));
    expect(socket.events).toEqual(['hold', 'a', 'b', 'c', 'release', 'hold', 'd', 'release']);
  });

  it('releases the socket even when a send throws', async () => {
    const socket = recordingSocket();
    const send = turnBatchedSend(socket.batching, (text) => {
      socket.send(text);
      throw new Error('socket closed');
    });
    expect(() => send('a')).toThrow('socket closed');
    await Promise.resolve();
    expect(socket.events).toEqual(['hold', 'a', 'release']);
  });
});
