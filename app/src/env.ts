/**
 * The dashboard's configuration, read when the server starts (not baked into the build), so one build serves any
 * deployment. Public variables reach the browser through `$app/env/public`; the rest stay on the server.
 */
import { defineEnvVars } from '@sveltejs/kit/env';

const DEFAULT_API_URL = 'http://localhost:8787';

function url(name: string, fallback: string | undefined) {
  return (value: string | undefined): string | undefined => {
    const raw = value === undefined || value === '' ? fallback : value;
    if (raw === undefined) return undefined;
    try {
      return new URL(raw).origin;
    } catch {
      throw new Error(`${name} must be a URL such as ${DEFAULT_API_URL}, got "${raw}"`);
    }
  };
}

export const variables = defineEnvVars({
  PUBLIC_API_URL: {
    public: true,
    description: `The edge API the browser talks to (REST and the /v1/stream WebSocket). Default ${DEFAULT_API_URL}.`,
    schema: url('PUBLIC_API_URL', DEFAULT_API_URL),
  },
  KEEL_API_URL: {
    description:
      "The edge API as the dashboard's own server reaches it, for sign-in (default: PUBLIC_API_URL). Set it when " +
      'the server sees the API at another address than browsers do, e.g. inside a container network.',
    schema: url('KEEL_API_URL', undefined),
  },
  PUBLIC_SUPABASE_URL: {
    public: true,
    description: 'Supabase mode: the project URL; people then sign in through Supabase Auth (supabase-js).',
    schema: (value) => value ?? '',
  },
  PUBLIC_SUPABASE_ANON_KEY: {
    public: true,
    description: "Supabase mode: the project's anon (publishable) key.",
    schema: (value) => value ?? '',
  },
});
