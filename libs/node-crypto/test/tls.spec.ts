// Real TLS connections on 127.0.0.1 between `tls.createServer(tlsServerOptions(creds))` and a Node
// client behaving like an SMP client (spec smp.md §3: no SNI, ALPN smp/1, chain checked by hand as
// `Transport/Client.hs: validateCertificateChain` does, tls-unique from the Finished messages).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { connect, createServer } from 'node:tls';
import type {
  ConnectionOptions,
  DetailedPeerCertificate,
  Server,
  TLSSocket,
  TlsOptions,
} from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  base64UrlPadded,
  checkServerCredentials,
  createCertificates,
  loadServerCredentials,
  tlsServerOptions,
} from '../src/index.ts';
import type { CheckedCredentials } from '../src/index.ts';
import { vectorsDir } from './helpers.ts';

interface Pair {
  readonly client: TLSSocket;
  readonly server: TLSSocket;
}

/** A listening SMP-style TLS server that hands out the server side of each accepted connection. */
class TestServer {
  private readonly accepted: TLSSocket[] = [];
  private readonly waiters: ((s: TLSSocket) => void)[] = [];
  readonly server: Server;

  constructor(creds: CheckedCredentials) {
    this.server = createServer(tlsServerOptions(creds), (s) => {
      s.on('error', () => {}); // a refused handshake is the client's error to assert on
      const w = this.waiters.shift();
      if (w) w(s);
      else this.accepted.push(s);
    });
    this.server.on('tlsClientError', () => {});
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () =>
        resolve((this.server.address() as AddressInfo).port),
      ),
    );
  }

  nextSocket(): Promise<TLSSocket> {
    const s = this.accepted.shift();
    return s ? Promise.resolve(s) : new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Connects like an SMP client: IP host (so no SNI), own chain check instead of a CA store. */
function connectClient(port: number, opts: ConnectionOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect(
      { host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['smp/1'], ...opts },
      () => resolve(s),
    );
    s.once('error', reject);
  });
}

async function pair(srv: TestServer, port: number, opts?: ConnectionOptions): Promise<Pair> {
  const client = await connectClient(port, opts);
  return { client, server: await srv.nextSocket() };
}

const end = (p: Pair): void => {
  p.client.destroy();
  p.server.destroy();
};

/** The presented chain, leaf first, as DER. */
function peerChain(s: TLSSocket): Uint8Array[] {
  const out: Uint8Array[] = [];
  let c: DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
  while (c?.raw !== undefined) {
    out.push(new Uint8Array(c.raw));
    const next: DetailedPeerCertificate | undefined = c.issuerCertificate;
    if (next === undefined || next === c) break; // a self-signed CA points at itself
    c = next;
  }
  return out;
}

const credentialSets: [string, () => Promise<CheckedCredentials>][] = [
  [
    'a generated Ed448 chain',
    async () => checkServerCredentials(createCertificates({ algorithm: 'ed448' })),
  ],
  [
    'a generated Ed25519 chain',
    async () => checkServerCredentials(createCertificates({ algorithm: 'ed25519' })),
  ],
  ["upstream's Ed448 fixture chain", () => loadServerCredentials(vectorsDir)],
];

for (const [label, make] of credentialSets) {
  describe(`TLS server with ${label}`, () => {
    let creds: CheckedCredentials;
    let srv: TestServer;
    let port: number;
    before(async () => {
      creds = await make();
      srv = new TestServer(creds);
      port = await srv.listen();
    });
    after(() => srv.close());

    it('negotiates TLS 1.3, ChaCha20-Poly1305, X448 and smp/1 without SNI or client certificate', async () => {
      // An upstream client lists X448 first (§3.1).
      const p = await pair(srv, port, { ecdhCurve: 'X448:X25519' });
      try {
        assert.equal(p.client.getProtocol(), 'TLSv1.3');
        assert.equal(p.client.getCipher().standardName, 'TLS_CHACHA20_POLY1305_SHA256');
        assert.equal((p.client.getEphemeralKeyInfo() as { name?: string } | null)?.name, 'X448');
        assert.equal(p.client.alpnProtocol, 'smp/1');
        assert.equal(
          p.server.alpnProtocol,
          'smp/1',
          'the server sees smp/1 → full version range (§3.3)',
        );
        assert.ok(
          !(p.server as TLSSocket & { servername?: string | false }).servername,
          'no SNI from an IP host',
        );
        assert.deepEqual(
          Object.keys(p.server.getPeerCertificate()),
          [],
          'no client certificate requested',
        );
      } finally {
        end(p);
      }
    });

    it('presents [server.crt, ca.crt] whose identity and signatures a client can check by hand', async () => {
      const p = await pair(srv, port);
      try {
        const chain = peerChain(p.client);
        assert.equal(chain.length, 2, 'leaf + offline CA');
        assert.deepEqual(chain, [...creds.chainDer]);
        // validateCertificateChain: fingerprint(idCert) = address key hash, leaf signed by the CA.
        assert.equal(
          base64UrlPadded(
            createHash('sha256')
              .update(chain[1] as Uint8Array)
              .digest(),
          ),
          creds.fingerprint,
        );
        const [leaf, ca] = chain.map((d) => new X509Certificate(d)) as [
          X509Certificate,
          X509Certificate,
        ];
        assert.equal(ca.ca, true);
        assert.equal(leaf.verify(ca.publicKey), true);
        assert.equal(ca.verify(ca.publicKey), true);
      } finally {
        end(p);
      }
    });

    it('gives the same tls-unique on both sides: server getPeerFinished() = client getFinished() (§3.4)', async () => {
      const p = await pair(srv, port);
      try {
        const serverView = p.server.getPeerFinished();
        const clientView = p.client.getFinished();
        assert.ok(serverView && clientView);
        assert.equal(serverView.length, 32, 'TLS 1.3 SHA-256 verify_data');
        assert.deepEqual(serverView, clientView);
        const other = await pair(srv, port);
        assert.notDeepEqual(other.server.getPeerFinished(), serverView, 'unique per connection');
        end(other);
      } finally {
        end(p);
      }
    });

    it('carries a 16 KB block both ways', async () => {
      const p = await pair(srv, port);
      try {
        p.server.on('data', (d) => p.server.write(d));
        const block = Buffer.alloc(16_384, 0x5a);
        const echoed = new Promise<Buffer>((resolve) => {
          const parts: Buffer[] = [];
          let n = 0;
          p.client.on('data', (d: Buffer) => {
            parts.push(d);
            n += d.length;
            if (n >= block.length) resolve(Buffer.concat(parts));
          });
        });
        p.client.write(block);
        assert.deepEqual(await echoed, block);
      } finally {
        end(p);
      }
    });
  });
}

describe('TLS server policy (generated Ed448 chain)', () => {
  let srv: TestServer;
  let port: number;
  before(async () => {
    srv = new TestServer(checkServerCredentials(createCertificates()));
    port = await srv.listen();
  });
  after(() => srv.close());

  it('speaks TLS 1.2 with ECDHE-ECDSA-CHACHA20-POLY1305 and a 12-byte tls-unique', async () => {
    const p = await pair(srv, port, { maxVersion: 'TLSv1.2' });
    try {
      assert.equal(p.client.getProtocol(), 'TLSv1.2');
      assert.equal(p.client.getCipher().name, 'ECDHE-ECDSA-CHACHA20-POLY1305');
      const f = p.client.getFinished();
      assert.equal(f?.length, 12);
      assert.deepEqual(p.server.getPeerFinished(), f);
    } finally {
      end(p);
    }
  });

  it('selects ALPN by server preference and fails the handshake when nothing matches (§3.3)', async () => {
    const cases: [string[] | undefined, string | false][] = [
      [['http/1.1', 'smp/1'], 'smp/1'],
      [['http/1.1'], 'http/1.1'],
      [['h2', 'http/1.1'], 'h2'],
      [undefined, false],
    ];
    for (const [offer, expected] of cases) {
      const p = await pair(
        srv,
        port,
        offer === undefined ? { ALPNProtocols: [] } : { ALPNProtocols: offer },
      );
      try {
        assert.equal(p.client.alpnProtocol, expected, `offer ${JSON.stringify(offer)}`);
      } finally {
        end(p);
      }
    }
    await assert.rejects(
      connectClient(port, { ALPNProtocols: ['foo'] }),
      /no application protocol|alert/i,
    );
  });

  it('refuses clients without ChaCha20-Poly1305 or without EdDSA signature support', async () => {
    await assert.rejects(
      connectClient(port, { ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384' }),
      /handshake failure|alert/i,
    );
    await assert.rejects(
      connectClient(port, { sigalgs: 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256' }),
      /alert|handshake/i,
    );
  });

  it('does not resume sessions, while the same server with tickets enabled would (control)', async () => {
    const creds = checkServerCredentials(createCertificates());
    assert.equal(await resumes(tlsServerOptions(creds)), false, 'full handshake every time (§3.1)');
    assert.equal(
      await resumes({ ...tlsServerOptions(creds), secureOptions: 0 }),
      true,
      'the check can fail',
    );
  });
});

/** Connects twice to a fresh server, the second time offering the first session; true if resumed. */
async function resumes(options: TlsOptions): Promise<boolean> {
  const server = createServer(options, (s) => s.on('error', () => {}));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  try {
    const session = await new Promise<Buffer | undefined>((resolve, reject) => {
      let issued: Buffer | undefined;
      const c = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        // A TLS 1.3 NewSessionTicket arrives after the handshake: give it a moment.
        setTimeout(() => {
          c.destroy();
          resolve(issued);
        }, 50);
      });
      c.on('session', (s: Buffer) => (issued = s));
      c.once('error', reject);
    });
    if (session === undefined) return false;
    return await new Promise<boolean>((resolve, reject) => {
      const c = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, session }, () => {
        resolve(c.isSessionReused());
        c.destroy();
      });
      c.once('error', reject);
    });
  } finally {
    server.close();
  }
}
