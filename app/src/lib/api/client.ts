/**
 * The dashboard's one way to the edge API: fetch with the session's bearer token, JSON in and out, errors as
 * ApiError (problem+json mapped to field errors). A 401 means the access token expired or was revoked: the client
 * asks the session for a fresh one (the session refreshes once for all concurrent callers, rotating the refresh
 * token) and repeats the request once; if that fails too, the session is over.
 */
import { ApiError, networkError, problemToError } from './problem.ts';

/** Where the client gets its access token; implemented by the session. */
export interface TokenSource {
  /** The current access token, or null when signed out. */
  accessToken(): string | null;
  /** A new access token after a 401, or null when the session cannot be renewed (then the user signs in again). */
  renew(): Promise<string | null>;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiClient {
  readonly baseUrl: string;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete<T = void>(path: string): Promise<T>;
}

export interface ApiClientOptions {
  /** The edge's origin, e.g. http://localhost:8787 (paths start with /v1). */
  baseUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
}

/** `path` with its query string; undefined and null values are left out. */
export function urlFor(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
  }
  return url.toString();
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const { tokens, baseUrl } = options;

  async function send(method: string, url: string, body: unknown, token: string | null, signal?: AbortSignal) {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    try {
      return await fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw networkError(error);
    }
  }

  async function request<T>(method: string, path: string, requestOptions: RequestOptions = {}): Promise<T> {
    const url = urlFor(baseUrl, path, requestOptions.query);
    const token = tokens.accessToken();
    let response = await send(method, url, requestOptions.body, token, requestOptions.signal);
    if (response.status === 401 && token !== null) {
      const renewed = await tokens.renew();
      if (renewed !== null) response = await send(method, url, requestOptions.body, renewed, requestOptions.signal);
    }
    const body = await readBody(response);
    if (!response.ok) throw problemToError(response.status, response.statusText, body);
    return body as T;
  }

  return {
    baseUrl,
    request,
    get: (path, query, signal) => request('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
    post: (path, body) => request('POST', path, { body }),
    patch: (path, body) => request('PATCH', path, { body }),
    put: (path, body) => request('PUT', path, { body }),
    delete: (path) => request('DELETE', path),
  };
}

export { ApiError };
