// A minimal ops HTTP endpoint for processes without a web framework (the one-process relay):
// GET /metrics (Prometheus text), /livez (process alive) and /readyz (serving).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Starts the endpoint; `ready()` decides /readyz. Resolves with the bound server. */
export async function startOpsServer(
  registry: Registry,
  ready: () => boolean,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; address: AddressInfo }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (req.url === '/livez')
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (req.url === '/readyz') {
      const ok = ready();
      return void res
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ready' : 'not ready');
    }
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, address: server.address() as AddressInfo };
}
