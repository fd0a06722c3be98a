/** Runs `poll` now and then every `intervalMs` after each one ends, until stopped; `poll` must not throw. */
export interface PollLoop {
  /** Resolves once the poll in flight, if any, has ended; no poll starts after. */
  stop(): Promise<void>;
}

export function startPollLoop(intervalMs: number, poll: () => Promise<void>): PollLoop {
  let stopping = false;
  let wake: (() => void) | null = null;
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  const running = (async () => {
    while (!stopping) {
      await poll();
      if (!stopping) await pause();
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
