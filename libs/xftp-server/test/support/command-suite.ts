// Every XFTP command's success and error paths (spec xftp.md §6–§8), over real TLS + HTTP/2, run
// once per store backend (memory and Postgres spec files). Behaviour follows upstream
// `tests/XFTPServerTests.hs` (delivery, FADD, FDEL, FACK, wrong size, quota, expiry,
// skip-committed upload, blocking).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chunkDigest, generateKeyPair } from '@simplex-relay/protocol';
import type { FileResponse, XFTPSimpleError } from '@simplex-relay/protocol';
import { blobKeyForSender as blobKey } from '@simplex-relay/xftp-store';
import type { BlobStore, FileStore } from '@simplex-relay/xftp-store';
import type { XftpServerOptions } from '../../src/index.ts';
import { fnew, newFile, randomChunk, startServer, uploadFile, type TestServer } from './harness.ts';
import { c, type RawXftpConnection } from './raw-client.ts';

/** Fresh stores for one server (each call: empty records, empty bodies). */
export interface StoreFactory {
  fresh(): Promise<{ fileStore: FileStore; blobStore: BlobStore; close(): Promise<void> }>;
  /** Called once after the suite. */
  dispose?(): Promise<void>;
}

const KB64 = 65536;
const EMPTY = new Uint8Array(0);
const err = (type: XFTPSimpleError): FileResponse => ({ tag: 'ERR', error: { type } });

export function commandSuite(name: string, stores: StoreFactory): void {
  describe(`XFTP commands (${name})`, () => {
    const servers: { s: TestServer; close(): Promise<void> }[] = [];
    const start = async (opts: Partial<XftpServerOptions> = {}): Promise<TestServer> => {
      const st = await stores.fresh();
      const s = await startServer({ ...opts, fileStore: st.fileStore, blobStore: st.blobStore });
      servers.push({ s, close: st.close });
      return s;
    };
    let s: TestServer;
    let conn: RawXftpConnection;
    before(async () => {
      s = await start();
      conn = await s.client();
    });
    after(async () => {
      for (const x of servers) {
        await x.s.close();
        await x.close();
      }
      await stores.dispose?.();
    });

    it('delivers a chunk to each recipient, re-encrypted for every download', async () => {
      const chunk = randomChunk(KB64);
      const f = await uploadFile(conn, chunk, 2);
      const d1 = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      const d2 = await conn.download(f.rcv[1]!.priv, f.recipientIds[1]!);
      const again = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(d1.chunk, chunk, 'recipient 1 gets the uploaded bytes');
      assert.deepEqual(d2.chunk, chunk, 'recipient 2 gets the uploaded bytes');
      assert.deepEqual(again.chunk, chunk, 'a repeated download is allowed');
      const n1 = d1.response.tag === 'FILE' ? d1.response.nonce : EMPTY;
      const n2 = again.response.tag === 'FILE' ? again.response.nonce : EMPTY;
      assert.notDeepEqual(n1, n2, 'every download has a fresh nonce (and server DH key)');
      assert.equal(await s.fileStore.getUsedStorage(), KB64, 'the upload is counted');
    });

    it('answers SIDS with one recipient ID per key, in key order, all distinct', async () => {
      const f = await newFile(conn, randomChunk(KB64), { recipients: 3 });
      const ids = [f.senderId, ...f.recipientIds].map((b) => Buffer.from(b).toString('hex'));
      assert.equal(new Set(ids).size, 4, 'sender and recipient IDs differ');
      assert.ok(
        ids.every((h) => h.length === 32),
        'IDs are 16 bytes',
      );
      // Key order: recipient i's key authorizes recipient ID i only.
      const r = await conn.command(f.rcv[1]!.priv, f.recipientIds[0]!, { tag: 'FACK' });
      assert.deepEqual(r.response, err('AUTH'), "recipient 2's key does not work for ID 1");
      const ok = await conn.command(f.rcv[1]!.priv, f.recipientIds[1]!, { tag: 'FACK' });
      assert.deepEqual(ok.response, { tag: 'OK' });
    });

    it('registers 200 recipients in one FNEW (the agent maximum per request)', async () => {
      const f = await newFile(conn, randomChunk(KB64), { recipients: 200 });
      assert.equal(f.recipientIds.length, 200);
      const last = await conn.command(f.rcv[199]!.priv, f.recipientIds[199]!, { tag: 'FACK' });
      assert.deepEqual(last.response, { tag: 'OK' }, 'the 200th key matches the 200th ID');
    });

    it('answers DIGEST to an upload when FNEW gave a digest that is not 32 bytes', async () => {
      const chunk = randomChunk(KB64);
      const f = await newFile(conn, chunk, { digest: chunkDigest(chunk).subarray(0, 31) });
      const r = await conn.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]);
      assert.deepEqual(r.response, err('DIGEST'));
      assert.equal(await s.blobStore.exists(blobKey(f.senderId)), false, 'nothing kept');
    });

    it('FADD adds recipients before and after the upload (RIDS in key order)', async () => {
      const chunk = randomChunk(KB64);
      const f = await newFile(conn, chunk, { digest: chunkDigest(chunk) });
      const k1 = generateKeyPair(c, 'ed25519');
      const k2 = generateKeyPair(c, 'ed25519');
      const a = await conn.command(f.snd.priv, f.senderId, {
        tag: 'FADD',
        rcvKeys: [k1.pub, k2.pub],
      });
      assert.equal(a.response.tag, 'RIDS');
      assert.deepEqual(a.t.entityId, f.senderId, 'RIDS echoes the sender ID');
      const put = await conn.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]);
      assert.deepEqual(put.response, { tag: 'OK' });
      const k3 = generateKeyPair(c, 'ed25519');
      const b = await conn.command(f.snd.priv, f.senderId, { tag: 'FADD', rcvKeys: [k3.pub] });
      assert.equal(b.response.tag, 'RIDS');
      const rids = a.response.tag === 'RIDS' ? a.response.recipientIds : [];
      const late = b.response.tag === 'RIDS' ? b.response.recipientIds[0] : EMPTY;
      assert.deepEqual((await conn.download(k2.priv, rids[1]!)).chunk, chunk, 'second FADD key');
      assert.deepEqual((await conn.download(k3.priv, late)).chunk, chunk, 'key added after upload');
    });

    it('answers NO_FILE to FGET before the upload', async () => {
      const f = await newFile(conn, randomChunk(KB64));
      const d = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(d.response, err('NO_FILE'));
    });

    it('does not let a recipient delete nor a sender download', async () => {
      const f = await uploadFile(conn, randomChunk(KB64));
      const del = await conn.command(f.rcv[0]!.priv, f.recipientIds[0]!, { tag: 'FDEL' });
      assert.deepEqual(del.response, err('AUTH'), 'FDEL with a recipient ID: not a sender ID');
      const dh = generateKeyPair(c, 'x25519');
      const get = await conn.command(f.snd.priv, f.senderId, { tag: 'FGET', rcvDhKey: dh.pub });
      assert.deepEqual(get.response, err('AUTH'), 'FGET with the sender ID: not a recipient ID');
      const put = await conn.command(f.rcv[0]!.priv, f.senderId, { tag: 'FPUT' }, [f.chunk]);
      assert.deepEqual(put.response, err('AUTH'), "FPUT signed with a recipient's key");
      const d = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(d.chunk, f.chunk, 'the chunk is still there');
    });

    it('answers AUTH for unsigned-by-the-right-key commands and unknown IDs', async () => {
      const f = await uploadFile(conn, randomChunk(KB64));
      const other = generateKeyPair(c, 'ed25519');
      const ed448 = generateKeyPair(c, 'ed448');
      const wrong = await conn.command(other.priv, f.senderId, { tag: 'FDEL' });
      assert.deepEqual(wrong.response, err('AUTH'), 'another Ed25519 key');
      const alg = await conn.command(ed448.priv, f.senderId, { tag: 'FDEL' });
      assert.deepEqual(alg.response, err('AUTH'), 'a key of another algorithm');
      const unknown = await conn.command(other.priv, c.randomBytes(16), { tag: 'FDEL' });
      assert.deepEqual(unknown.response, err('AUTH'), 'unknown sender ID');
      const unknownR = await conn.command(other.priv, c.randomBytes(16), { tag: 'FACK' });
      assert.deepEqual(unknownR.response, err('AUTH'), 'unknown recipient ID');
      const fnewBad = await conn.command(other.priv, EMPTY, {
        tag: 'FNEW',
        file: { sndKey: f.snd.pub, size: KB64, digest: c.randomBytes(32) },
        rcvKeys: [other.pub],
      });
      assert.deepEqual(fnewBad.response, err('AUTH'), 'FNEW must be signed with its own sndKey');
    });

    it('accepts X25519 authenticators with the session key, and Ed448 signatures', async () => {
      const chunk = randomChunk(KB64);
      const snd = generateKeyPair(c, 'ed448');
      const rcv = generateKeyPair(c, 'x25519');
      const r = await fnew(conn, snd, [rcv.pub], KB64, { chunk });
      assert.equal(r.tag, 'SIDS');
      if (r.tag !== 'SIDS') return;
      const put = await conn.command(snd.priv, r.senderId, { tag: 'FPUT' }, [chunk]);
      assert.deepEqual(put.response, { tag: 'OK' });
      const d = await conn.download(rcv.priv, r.recipientIds[0]);
      assert.deepEqual(d.chunk, chunk, 'FGET authorized by an X25519 authenticator');
    });

    it('FACK removes only that recipient; FDEL removes the chunk for every ID', async () => {
      const f = await uploadFile(conn, randomChunk(KB64), 2);
      const ack = await conn.command(f.rcv[0]!.priv, f.recipientIds[0]!, { tag: 'FACK' });
      assert.deepEqual(ack.response, { tag: 'OK' });
      assert.deepEqual(
        (await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!)).response,
        err('AUTH'),
      );
      assert.deepEqual((await conn.download(f.rcv[1]!.priv, f.recipientIds[1]!)).chunk, f.chunk);
      const before = await s.fileStore.getUsedStorage();
      const del = await conn.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
      assert.deepEqual(del.response, { tag: 'OK' });
      assert.deepEqual(del.t.entityId, f.senderId, 'OK echoes the entity ID');
      assert.deepEqual(
        (await conn.download(f.rcv[1]!.priv, f.recipientIds[1]!)).response,
        err('AUTH'),
      );
      const again = await conn.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
      assert.deepEqual(again.response, err('AUTH'), 'a deleted sender ID is unknown');
      assert.equal(await s.fileStore.getUsedStorage(), before - KB64, 'FDEL frees the quota');
    });

    it('answers SIZE to FNEW with a chunk size that is not allowed', async () => {
      const snd = generateKeyPair(c, 'ed25519');
      const rcv = generateKeyPair(c, 'ed25519');
      for (const size of [1, KB64 - 1, 128 * 1024, 8 * 1024 * 1024])
        assert.deepEqual(await fnew(conn, snd, [rcv.pub], size), err('SIZE'), `size ${size}`);
      for (const size of [KB64, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024])
        assert.equal((await fnew(conn, snd, [rcv.pub], size)).tag, 'SIDS', `size ${size}`);
    });

    it('FPUT: SIZE for a short, long or missing body, DIGEST for other bytes', async () => {
      const chunk = randomChunk(KB64);
      const f = await newFile(conn, chunk, { digest: chunkDigest(chunk) });
      const put = (body: Uint8Array[]) =>
        conn.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, body).then((r) => r.response);
      assert.deepEqual(await put([]), err('SIZE'), 'no body');
      assert.deepEqual(await put([chunk.subarray(0, KB64 - 1)]), err('SIZE'), 'one byte short');
      assert.deepEqual(await put([chunk, new Uint8Array(1)]), err('SIZE'), 'one byte too many');
      assert.deepEqual(await put([randomChunk(KB64)]), err('DIGEST'), 'other bytes');
      assert.equal(
        await s.blobStore.exists(blobKey(f.senderId)),
        false,
        'failed uploads leave nothing',
      );
      assert.deepEqual(
        (await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!)).response,
        err('NO_FILE'),
        'still not uploaded',
      );
      assert.deepEqual(await put([chunk.subarray(0, 1000), chunk.subarray(1000)]), { tag: 'OK' });
    });

    it('FPUT after a committed upload drains the body and answers OK without changing it', async () => {
      const f = await uploadFile(conn, randomChunk(KB64));
      const retry = await conn.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [
        randomChunk(KB64),
      ]);
      assert.deepEqual(retry.response, { tag: 'OK' }, 'a retried upload succeeds');
      const short = await conn.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [
        f.chunk.subarray(1),
      ]);
      assert.deepEqual(short.response, err('SIZE'), 'a retry must still carry the whole chunk');
      const d = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(d.chunk, f.chunk, 'the committed body is unchanged');
    });

    it('answers PING with PONG and an empty entity ID', async () => {
      const r = await conn.command(undefined, EMPTY, { tag: 'PING' }, [], c.randomBytes(24));
      assert.deepEqual(r.response, { tag: 'PONG' });
      assert.equal(r.t.entityId.length, 0);
      assert.equal(r.t.corrId.length, 24, 'the corrId is echoed');
    });

    it('checks the create password and new_files', async () => {
      const pw = new TextEncoder().encode('s3cret');
      const ps = await start({ newFileBasicAuth: pw });
      const pc = await ps.client();
      const snd = generateKeyPair(c, 'ed25519');
      const rcv = generateKeyPair(c, 'ed25519');
      assert.deepEqual(await fnew(pc, snd, [rcv.pub], KB64), err('AUTH'), 'no password');
      const bad = new TextEncoder().encode('s3creT');
      assert.deepEqual(await fnew(pc, snd, [rcv.pub], KB64, { basicAuth: bad }), err('AUTH'));
      assert.equal((await fnew(pc, snd, [rcv.pub], KB64, { basicAuth: pw })).tag, 'SIDS');
      assert.equal(
        (await fnew(conn, snd, [rcv.pub], KB64, { basicAuth: pw })).tag,
        'SIDS',
        'a server without a password accepts any',
      );
      const off = await start({ allowNewFiles: false });
      const oc = await off.client();
      assert.deepEqual(await fnew(oc, snd, [rcv.pub], KB64), err('AUTH'), 'new_files off');
    });

    it('answers QUOTA when the storage quota is used up, and frees it on FDEL', async () => {
      const qs = await start({ storageQuota: 2 * KB64 });
      const qc = await qs.client();
      const a = await uploadFile(qc, randomChunk(KB64));
      await uploadFile(qc, randomChunk(KB64));
      const chunk = randomChunk(KB64);
      const f = await newFile(qc, chunk, { digest: chunkDigest(chunk) });
      const over = await qc.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]);
      assert.deepEqual(over.response, err('QUOTA'));
      assert.deepEqual((await qc.command(a.snd.priv, a.senderId, { tag: 'FDEL' })).response, {
        tag: 'OK',
      });
      const now = await qc.command(f.snd.priv, f.senderId, { tag: 'FPUT' }, [chunk]);
      assert.deepEqual(now.response, { tag: 'OK' }, 'room again after FDEL');
    });

    it('expires chunks after the lifetime: IDs answer AUTH and bodies are removed', async () => {
      const es = await start({ fileExpiration: { ttlSeconds: 3600, checkIntervalSeconds: 3600 } });
      const ec = await es.client();
      const f = await uploadFile(ec, randomChunk(KB64));
      const soon = Math.floor(Date.now() / 1000) + 3600;
      assert.equal(
        await es.server.runExpiry({ now: soon }),
        0,
        'not before ttl + the rounding hour',
      );
      const later = Math.floor(Date.now() / 1000) + 3 * 3600 + 1;
      assert.ok((await es.server.runExpiry({ now: later })) >= 1);
      assert.deepEqual(
        (await ec.download(f.rcv[0]!.priv, f.recipientIds[0]!)).response,
        err('AUTH'),
      );
      const del = await ec.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
      assert.deepEqual(del.response, err('AUTH'));
      assert.equal(await es.blobStore.exists(blobKey(f.senderId)), false, 'body removed');
      assert.equal(await es.fileStore.getUsedStorage(), 0, 'quota freed');
    });

    it('answers BLOCKED to v3 sessions and AUTH below, for every ID of a blocked chunk', async () => {
      const f = await uploadFile(conn, randomChunk(KB64));
      assert.equal(await s.server.blockFile(f.recipientIds[0]!, { reason: 'spam' }), true);
      const v3 = await conn.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(v3.response, {
        tag: 'ERR',
        error: { type: 'BLOCKED', info: { reason: 'spam' } },
      });
      const del = await conn.command(f.snd.priv, f.senderId, { tag: 'FDEL' });
      assert.equal(del.response.tag === 'ERR' && del.response.error.type, 'BLOCKED');
      const v2 = await s.connect();
      await v2.handshake(2);
      const old = await v2.download(f.rcv[0]!.priv, f.recipientIds[0]!);
      assert.deepEqual(old.response, err('AUTH'), 'v2 cannot parse BLOCKED');
      assert.equal(await s.blobStore.exists(blobKey(f.senderId)), false, 'the body is removed');
    });
  });
}
