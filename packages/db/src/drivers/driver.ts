/**
 * The seam between the data-access layer and a PostgreSQL implementation. Both drivers (postgres.js for
 * PostgreSQL/Supabase, PGlite in process) do one thing: run a transaction that first applies the session settings —
 * role and JWT claims, transaction-local — and hand the work an executor valid only inside it.
 */

/** The database roles a transaction may switch to; null keeps the connecting user (migrations only). */
export type SessionRole = 'authenticated' | 'anon' | 'service_role';

export interface SessionSettings {
  role: SessionRole | null;
  /** JSON for request.jwt.claims, read by auth.uid() and the policies. */
  claims: string | null;
  /** For the audit trail (keel.request_id, keel.client_ip). */
  requestId: string | null;
  clientIp: string | null;
}

export type Row = Record<string, unknown>;

export interface Executor {
  /** One statement with $1… parameters; its rows. */
  query(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements without parameters (migrations). */
  script(text: string): Promise<void>;
}

export type DriverKind = 'postgres' | 'pglite';

export interface Driver {
  readonly kind: DriverKind;
  transaction<T>(settings: SessionSettings, work: (executor: Executor) => Promise<T>): Promise<T>;
  /**
   * One read-only statement in a transaction of its own under `settings`: the same begin, session settings,
   * statement and commit as `transaction`, which a networked driver may send at once (one round trip).
   */
  readOnce(settings: SessionSettings, text: string, params: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * PostgREST's own way to scope a request: every setting transaction-local (is_local = true), one round trip.
 * set_config('role', …, true) is SET LOCAL ROLE with the role as a bind parameter, so nothing is spliced into SQL.
 * Empty strings, not nulls, for absent values: set_config refuses null, and auth.uid() reads '' as no claim.
 */
export const APPLY_SESSION_SQL = `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
  set_config('keel.request_id', $3, true), set_config('keel.client_ip', $4, true)`;

export function sessionParameters(settings: SessionSettings): string[] {
  return [settings.role ?? '', settings.claims ?? '', settings.requestId ?? '', settings.clientIp ?? ''];
}

/** An executor that refuses to run once its transaction is over, so a leaked reference cannot act unscoped. */
export function scopedExecutor(inner: Executor): { executor: Executor; end(): void } {
  let open = true;
  const guard = () => {
    if (!open) throw new Error('this transaction is over: run queries inside the asUser/asService callback');
  };
  return {
    executor: {
      query: async (text, params) => {
        guard();
        return inner.query(text, params);
      },
      script: async (text) => {
        guard();
        return inner.script(text);
      },
    },
    end: () => {
      open = false;
    },
  };
}
