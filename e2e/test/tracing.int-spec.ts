// OpenTelemetry across gateway → NATS → store. Spans of separate processes cannot be collected in
// memory, so this one test runs the engines in this process — a Gateway (libs/gateway) and a store
// stack (libs/queue-service startStoreStack) on two separate NatsTransport connections to the real
// nats-server and a fresh PostgreSQL database — with an in-memory span exporter. The store's span
// can only have the gateway's span as parent if the context travelled in the NATS message headers:
// the store handles the request in the NATS client's callback, outside the gateway's async context.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NatsTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import { Gateway, gatewayTlsFromCredentials } from '@simplex-relay/gateway';
import {
  loadServerCredentials,
  nodeProvider,
  writeServerCredentials,
} from '@simplex-relay/node-crypto';
import { startTracing, type Tracing } from '@simplex-relay/observability';
import { startStoreStack, type StoreStack } from '@simplex-relay/queue-service';
import { createTestDatabase, testSubjectPrefix, type TestDatabase } from '@simplex-relay/testing';
import { Conn, createQueue, waitFor } from './support/client.ts';

const natsUrl = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

describe('tracing across gateway → NATS → store', () => {
  let tracing: Tracing | undefined;
  let db: TestDatabase | undefined;
  let dir: string | undefined;
  let store: StoreStack | undefined;
  let gateway: Gateway | undefined;
  const buses: NatsTransport[] = [];
  let address = '';

  before(async () => {
    tracing = startTracing({ serviceName: 'e2e', exporter: 'memory' });
    db = await createTestDatabase({ prefix: 'e2e_tracing' });
    dir = await mkdtemp(join(tmpdir(), 'e2e-tracing-'));
    const written = await writeServerCredentials(join(dir, 'certs'), { commonName: '127.0.0.1' });
    const subjects = new Subjects(testSubjectPrefix('trace'));
    const router = new ShardRouter(new Uint8Array(32).fill(0x3c), 1024);
    const storeBus = await NatsTransport.connect({ url: natsUrl, name: 'e2e-trace-store' });
    const gatewayBus = await NatsTransport.connect({ url: natsUrl, name: 'e2e-trace-gateway' });
    buses.push(storeBus, gatewayBus);
    store = await startStoreStack({
      storeId: 'trace-store',
      databaseUrl: db.url,
      vshards: Array.from({ length: 1024 }, (_, i) => i),
      router,
      transport: storeBus,
      subjects,
      crypto: nodeProvider,
    });
    const { tls, identity } = gatewayTlsFromCredentials(
      await loadServerCredentials(join(dir, 'certs')),
    );
    const gw = new Gateway({
      transport: gatewayBus,
      subjects,
      router,
      tls,
      identity,
      provider: nodeProvider,
    });
    gateway = gw;
    const { port } = await gw.listen(0, '127.0.0.1');
    await waitFor(() => gw.shardMap.ownerOf(0) !== undefined, 'the store heartbeat');
    address = `smp://${written.fingerprint}@127.0.0.1:${port}`;
  });

  after(async () => {
    await gateway?.close();
    await store?.stop();
    for (const b of buses) await b.close();
    await tracing?.shutdown();
    await db?.drop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('makes the store span store.request a child of the gateway span gateway.store_request', async () => {
    const memory = tracing?.memory;
    assert.ok(memory, 'the memory exporter is on');
    const c = await Conn.open(address);
    try {
      await createQueue(c); // NEW: one store request
    } finally {
      await c.close();
    }
    const spans = () => memory.getFinishedSpans();
    await waitFor(
      () =>
        spans().some((s) => s.name === 'store.request') &&
        spans().some((s) => s.name === 'gateway.store_request'),
      'both spans to end',
    );
    const gatewaySpans = spans().filter((s) => s.name === 'gateway.store_request');
    const storeSpans = spans().filter((s) => s.name === 'store.request');
    const linked = storeSpans.filter((st) =>
      gatewaySpans.some(
        (g) =>
          st.spanContext().traceId === g.spanContext().traceId &&
          st.parentSpanContext?.spanId === g.spanContext().spanId,
      ),
    );
    assert.equal(
      linked.length,
      storeSpans.length,
      'every store.request continues a gateway.store_request trace',
    );
    assert.ok(linked.length >= 1, 'the NEW produced a linked pair');
    const attrs = JSON.stringify([...gatewaySpans, ...storeSpans].map((s) => s.attributes));
    assert.doesNotMatch(attrs, /[A-Za-z0-9+/_-]{32,}/, 'span attributes carry no IDs or keys');
  });
});
