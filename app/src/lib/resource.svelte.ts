/**
 * Data a page loads from the API, with the three states every page shows: loading, failed (with a retry) and
 * loaded. Loads only in the browser and only once the session is known (the token is in this tab's memory).
 * `refresh()` reloads quietly, keeping what is on screen, for live updates; `set()` replaces the data in place.
 */
import { browser } from '$app/env';
import { ready } from './session/session.svelte.ts';

export type ResourceState = 'loading' | 'ready' | 'error';

export interface Resource<T> {
  readonly state: ResourceState;
  readonly data: T | undefined;
  readonly error: Error | null;
  /** Loads again, showing the loading state. */
  reload(): Promise<void>;
  /** Loads again in the background; on failure the old data stays and `error` is set. */
  refresh(): Promise<void>;
  set(data: T): void;
}

export function resource<T>(load: () => Promise<T>): Resource<T> {
  let state = $state<ResourceState>('loading');
  let data = $state.raw<T | undefined>(undefined);
  let error = $state.raw<Error | null>(null);
  let generation = 0;

  async function run(quiet: boolean): Promise<void> {
    const mine = ++generation;
    if (!quiet || data === undefined) state = 'loading';
    try {
      if (!(await ready())) return;
      const loaded = await load();
      if (mine !== generation) return;
      data = loaded;
      error = null;
      state = 'ready';
    } catch (caught) {
      if (mine !== generation) return;
      error = caught instanceof Error ? caught : new Error(String(caught));
      if (!quiet || data === undefined) state = 'error';
    }
  }

  if (browser) void run(false);

  return {
    get state() {
      return state;
    },
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    reload: () => run(false),
    refresh: () => run(true),
    set(next: T) {
      generation++;
      data = next;
      error = null;
      state = 'ready';
    },
  };
}
