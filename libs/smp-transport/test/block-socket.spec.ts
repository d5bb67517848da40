// BlockSocket over real TCP sockets on 127.0.0.1: block reassembly from arbitrary chunks, end of
// stream handling, read timeouts and write backpressure (spec smp.md §5.1).
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMP_BLOCK_SIZE, TransportError } from '@simplex-relay/protocol';
import { BlockSocket, ConnectionClosedError, TimeoutError } from '../src/index.ts';
import { within } from './support/fixtures.ts';

/** A block whose bytes are all `tag` (and the first two bytes the sequence number). */
const block = (n: number, tag = n & 0xff): Uint8Array => {
  const b = new Uint8Array(SMP_BLOCK_SIZE).fill(tag);
  b[0] = n >> 8;
  b[1] = n & 0xff;
  return b;
};

describe('BlockSocket', () => {
  let server: net.Server;
  let port: number;
  let accepted: (s: net.Socket) => void = () => undefined;
  before(async () => {
    server = net.createServer((s) => accepted(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const pair = async (): Promise<{ raw: net.Socket; peer: net.Socket }> => {
    const peerP = new Promise<net.Socket>((r) => (accepted = r));
    const raw = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => raw.once('connect', () => r()));
    return { raw, peer: await peerP };
  };

  it('reassembles blocks from chunks of any size, in order', async () => {
    const { raw, peer } = await pair();
    const bs = new BlockSocket(peer);
    const wire = new Uint8Array(3 * SMP_BLOCK_SIZE);
    [0, 1, 2].forEach((i) => wire.set(block(i, 0x30 + i), i * SMP_BLOCK_SIZE));
    // Odd chunk sizes straddle every block boundary.
    for (let at = 0; at < wire.length;) {
      const n = Math.min(4093, wire.length - at);
      raw.write(wire.subarray(at, at + n));
      at += n;
    }
    for (let i = 0; i < 3; i++) {
      const b = await within(bs.readBlock(), 2000, `block ${i}`);
      assert.ok(b);
      assert.equal(b.length, SMP_BLOCK_SIZE, 'every block is exactly 16384 bytes');
      assert.equal(b[1], i, 'blocks come out in wire order');
      assert.equal(b[SMP_BLOCK_SIZE - 1], 0x30 + i, 'block content is intact to the last byte');
      assert.equal(
        Object.getPrototypeOf(b),
        Uint8Array.prototype,
        'a block is a plain Uint8Array copy, not a Buffer view',
      );
    }
    raw.end();
    assert.equal(await bs.readBlock(1000), undefined, 'a clean end of stream reads as undefined');
  });

  it('reports a stream that ends inside a block as TransportError BLOCK', async () => {
    const { raw, peer } = await pair();
    const bs = new BlockSocket(peer);
    raw.end(new Uint8Array(SMP_BLOCK_SIZE + 100));
    assert.ok(await bs.readBlock(1000), 'the complete first block is still delivered');
    await assert.rejects(
      bs.readBlock(1000),
      (e: unknown) => e instanceof TransportError && e.code === 'BLOCK',
    );
  });

  it('times out a read with TimeoutError and can read again afterwards', async () => {
    const { raw, peer } = await pair();
    const bs = new BlockSocket(peer);
    await assert.rejects(bs.readBlock(50), TimeoutError);
    raw.write(block(7));
    const b = await bs.readBlock(1000);
    assert.equal(b?.[1], 7, 'the socket still works after a timed-out read');
    raw.destroy();
  });

  it('waits for drain when the peer does not read, and keeps the write order', async () => {
    const { raw, peer } = await pair();
    raw.pause(); // the peer stops reading: the kernel and socket buffers fill up
    const bs = new BlockSocket(peer);
    const n = 400; // 6.5 MB, far beyond the socket buffers
    let settled = 0;
    const writes = Array.from({ length: n }, (_, i) =>
      bs.writeBlock(block(i)).then(() => settled++),
    );
    await new Promise((r) => setImmediate(r));
    assert.ok(
      settled < n,
      `writes are held back while the peer is not reading (settled ${settled} of ${n})`,
    );
    assert.ok(
      peer.writableLength < 2 * 1024 * 1024,
      'blocks beyond the high-water mark are not buffered in the socket',
    );
    const reader = new BlockSocket(raw);
    for (let i = 0; i < n; i++) {
      const b = await within(reader.readBlock(), 5000, `block ${i}`);
      assert.equal(
        b && (b[0] as number) * 256 + (b[1] as number),
        i,
        'blocks arrive in the order written',
      );
    }
    await Promise.all(writes);
    assert.equal(settled, n);
    raw.destroy();
  });

  it('rejects writes after close with ConnectionClosedError', async () => {
    const { raw, peer } = await pair();
    const bs = new BlockSocket(peer);
    bs.close();
    await assert.rejects(bs.writeBlock(block(1)), ConnectionClosedError);
    assert.throws(
      () => bs.writeBlock(new Uint8Array(10)),
      RangeError,
      'a block of the wrong size is a RangeError',
    );
    raw.destroy();
  });
});
