/**
 * A loopback HTTP server standing in for a signal provider's API: it answers each path with the status, body and
 * headers a test set (a recorded JSON fixture, an error page, silence), and keeps every request it got.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackAnswer {
  status: number;
  /** A string is sent as is; anything else as JSON. */
  body: unknown;
  headers?: Record<string, string>;
  /** Never answer (a hung API: the client's timeout must fire). */
  hang?: boolean;
}

export interface LoopbackRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface LoopbackJsonApi {
  url: string;
  requests: LoopbackRequest[];
  /** What `pathname` answers from now on. */
  answer(pathname: string, answer: LoopbackAnswer | ((request: LoopbackRequest) => LoopbackAnswer)): void;
  close(): Promise<void>;
}

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

export async function startLoopbackJsonApi(): Promise<LoopbackJsonApi> {
  const answers = new Map<string, LoopbackAnswer | ((request: LoopbackRequest) => LoopbackAnswer)>();
  const requests: LoopbackRequest[] = [];
  const server: Server = createServer((incoming, response) => {
    const url = new URL(incoming.url ?? '/', 'http://loopback');
    const request = { path: url.pathname, query: url.searchParams, headers: incoming.headers };
    requests.push(request);
    const configured = answers.get(url.pathname);
    const answer = typeof configured === 'function' ? configured(request) : configured;
    if (answer === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (answer.hang) return;
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (pathname, answer) => void answers.set(pathname, answer),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** pino writing into an array, so a test can read every line the code logged. */
export function capturedLines(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}
