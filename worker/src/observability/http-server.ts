/**
 * The worker's own small HTTP server (node:http): `/metrics` for Prometheus, `/healthz` (the process answers) and
 * `/readyz` (the database answers, the lease loop has ticked recently, and the worker is not shutting down — a
 * load balancer or orchestrator stops counting on a worker that is not ready).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export const DEFAULT_WORKER_PORT = 9464;

export interface Readiness {
  /** Null when ready, else why not (said in the 503 body: no secrets, no stack). */
  notReadyBecause(): Promise<string | null>;
}

export interface WorkerHttpServer {
  url: string;
  close(): Promise<void>;
}

export interface WorkerHttpOptions {
  registry: Registry;
  readiness: Readiness;
  /** 0 picks a free port (tests). */
  port: number;
  /** Default 127.0.0.1; set 0.0.0.0 in a container so Prometheus can scrape. */
  host?: string;
}

function plain(status: number, body: string) {
  return { status, body, contentType: 'text/plain; charset=utf-8' };
}

async function answer(path: string, options: WorkerHttpOptions) {
  if (path === '/healthz') return plain(200, 'ok\n');
  if (path === '/readyz') {
    const reason = await options.readiness.notReadyBecause();
    return reason === null ? plain(200, 'ready\n') : plain(503, `not ready: ${reason}\n`);
  }
  if (path === '/metrics') {
    return { status: 200, body: await options.registry.metrics(), contentType: options.registry.contentType };
  }
  return plain(404, 'not found\n');
}

export async function startWorkerHttpServer(options: WorkerHttpOptions): Promise<WorkerHttpServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://worker').pathname;
    answer(path, options)
      .catch(() => plain(500, 'internal error\n'))
      .then(({ status, body, contentType }) => {
        response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
