// Test fixtures: the upstream server identities kept in libs/protocol/test/vectors (see its README)
// as TLS server options and SMP handshake inputs, plus TLS listeners and connectors on 127.0.0.1.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { nodeProvider, tlsServerOptions } from '@simplex-relay/node-crypto';
import type { TlsCredentials } from '@simplex-relay/node-crypto';
import { certFingerprint, decodePrivKeyDer, nobleProvider } from '@simplex-relay/protocol';
import type { CryptoProvider, PrivateKey } from '@simplex-relay/protocol';
import { tlsClientOptions } from '../../src/index.ts';

const vectors = join(import.meta.dirname, '../../../protocol/test/vectors');

/** A server identity: TLS material and the SMP handshake inputs. */
export interface ServerIdentity {
  readonly keyHash: Uint8Array;
  readonly certChain: readonly Uint8Array[];
  readonly signKey: PrivateKey;
  /** PEM files as node-crypto's `tlsServerOptions` takes them. */
  readonly tls: TlsCredentials;
}

/** Loads `server.crt`/`server.key`/`ca.crt` of an upstream fixture set (Ed448, or `ed25519/`). */
export function loadIdentity(set: 'ed448' | 'ed25519' = 'ed448'): ServerIdentity {
  const dir = set === 'ed448' ? vectors : join(vectors, 'ed25519');
  const serverPem = readFileSync(join(dir, 'server.crt'), 'utf8');
  const caPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const keyPem = readFileSync(join(dir, 'server.key'), 'utf8');
  const certChain = [serverPem, caPem].map((p) => new Uint8Array(new X509Certificate(p).raw));
  const pkcs8 = createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' });
  return {
    keyHash: certFingerprint(nobleProvider, certChain[1] as Uint8Array),
    certChain,
    signKey: decodePrivKeyDer(new Uint8Array(pkcs8)),
    tls: { serverKeyPem: keyPem, serverCertPem: serverPem, caCertPem: caPem },
  };
}

/** The production server options (node-crypto's `tlsServerOptions`, spec §3.1/§3.3) for `id`. */
export function serverTlsOptions(id: ServerIdentity): TlsOptions {
  return tlsServerOptions(id.tls);
}

/** A TLS listener on 127.0.0.1 that hands each secured socket to `onSocket`. */
export interface TlsListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenTls(
  opts: TlsOptions,
  onSocket: (s: TLSSocket) => void,
): Promise<TlsListener> {
  const sockets = new Set<TLSSocket>();
  const server = tls.createServer(opts, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined); // surfaced through BlockSocket
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Connects with the library's client options and waits for 'secureConnect'. */
export function connectTls(
  port: number,
  host = '127.0.0.1',
  alpn?: readonly string[],
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect(tlsClientOptions({ host, port, ...(alpn !== undefined && { alpn }) }));
    s.once('secureConnect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** The providers every crypto-dependent test runs with. */
export const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, nodeProvider];

/** Resolves with the first value, or rejects after `ms` (tests never sleep for a fixed time). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
