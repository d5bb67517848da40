// The values of upstream `tests/FileDescriptionTests.hs` (`fileDesc`, `yamlFileDesc`), rebuilt here
// so the fixture can be checked against them both ways.
import { readFileSync } from 'node:fs';
import { decodeBase64Url } from '@simplex-relay/protocol';
import { decodeReplicaKey, parseXftpServer } from '../../src/index.ts';
import type { FileChunkReplica, FileDescription } from '../../src/index.ts';

/** The upstream fixture's text, byte for byte. */
export const FIXTURE_YAML = readFileSync(
  new URL('../fixtures/file_description.yaml', import.meta.url),
  'utf8',
);

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const MB = 1024 * 1024;

/** `replicaKey` of the upstream test: an Ed25519 PKCS#8 key. */
export const REPLICA_KEY_B64 = 'MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe';

const replica = (n: number): FileChunkReplica => ({
  server: parseXftpServer(`xftp://abc=@example${n}.com`),
  replicaId: ascii('abc'),
  replicaKey: decodeReplicaKey(decodeBase64Url(REPLICA_KEY_B64)),
});

/** Upstream `fileDesc`. */
export const UPSTREAM_FILE_DESC: FileDescription = {
  party: 'recipient',
  size: 26 * MB,
  digest: ascii('abc'),
  key: decodeBase64Url('00n8p1tJq5E-SGnHcYTOrS4A9I07gTA_WFD6MTFFFOY='),
  nonce: decodeBase64Url('dPSF-wrQpDiK_K6sYv0BDBZ9S4dg-jmu'),
  chunkSize: 8 * MB,
  chunks: [
    { chunkNo: 1, digest: ascii('ghi'), chunkSize: 8 * MB, replicas: [replica(1), replica(3)] },
    { chunkNo: 2, digest: ascii('ghi'), chunkSize: 8 * MB, replicas: [replica(2), replica(4)] },
    { chunkNo: 3, digest: ascii('ghi'), chunkSize: 8 * MB, replicas: [replica(1), replica(4)] },
    { chunkNo: 4, digest: ascii('ghi'), chunkSize: 2 * MB, replicas: [replica(2), replica(3)] },
  ],
};

const line = (chunkNo: number, rest = ''): string => `${chunkNo}:YWJj:${REPLICA_KEY_B64}${rest}`;

/** Upstream `yamlFileDesc`: the YAML-level value (sizes as strings, replicas grouped by server). */
export const UPSTREAM_YAML_FILE_DESC = {
  party: 'recipient',
  size: '26mb',
  chunkSize: '8mb',
  digest: 'YWJj',
  key: '00n8p1tJq5E-SGnHcYTOrS4A9I07gTA_WFD6MTFFFOY=',
  nonce: 'dPSF-wrQpDiK_K6sYv0BDBZ9S4dg-jmu',
  replicas: [
    { server: 'xftp://abc=@example1.com', chunks: [line(1, ':Z2hp'), line(3, ':Z2hp')] },
    { server: 'xftp://abc=@example2.com', chunks: [line(2, ':Z2hp'), line(4, ':Z2hp:2mb')] },
    { server: 'xftp://abc=@example3.com', chunks: [line(1), line(4)] },
    { server: 'xftp://abc=@example4.com', chunks: [line(2), line(3)] },
  ],
};
