// XFTP server addresses as file descriptions hold them (spec xftp.md §3.7, Appendix A6):
// `xftp://<keyHash>@<host>[,<host>…][:<port>]`, never with basic auth, and the order upstream
// sorts them in when grouping replicas by server. Upstream `Protocol.hs: instance StrEncoding
// (ProtocolServer p)` (rejects basic auth), derived `Ord (ProtocolServer p)` and `Ord TransportHost`.
import { formatServerAddress, parseServerAddress } from '@simplex-relay/protocol';
import type { SmpServer, TransportHost } from '@simplex-relay/protocol';
import { FileDescriptionError } from './errors.ts';

/** An XFTP server: hosts, port text ('' = default 443) and identity key hash (upstream `XFTPServer`). */
export type XftpServer = SmpServer;

/** Parses an XFTP server address; basic auth and other schemes are rejected, as upstream. */
export function parseXftpServer(s: string): XftpServer {
  let a;
  try {
    a = parseServerAddress(s);
  } catch (e) {
    throw new FileDescriptionError(`bad XFTP server address: ${s}`, { cause: e });
  }
  if (a.scheme !== 'xftp') throw new FileDescriptionError('bad XFTP server address scheme');
  if (a.basicAuth !== undefined)
    throw new FileDescriptionError('ProtocolServer with basic auth not allowed');
  return a.server;
}

/** Text form of an XFTP server (upstream `strEncode`; IPv6 hosts in brackets, see protocol's formatServerAddress). */
export function formatXftpServer(srv: XftpServer): string {
  return formatServerAddress({ scheme: 'xftp', server: srv });
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

// Constructor order of upstream `TransportHost`: THIPv4 < THIPv6 < THOnionHost < THDomainName.
const HOST_KIND_ORDER: Record<TransportHost['kind'], number> = {
  ipv4: 0,
  ipv6: 1,
  onion: 2,
  domain: 3,
};

// 8 groups of the canonical IPv6 text that the protocol parser produces (lowercase hex, `::`).
function ipv6Groups(text: string): number[] {
  const [head = '', tail] = text.split('::');
  const part = (p: string): number[] => (p === '' ? [] : p.split(':').map((g) => parseInt(g, 16)));
  const a = part(head);
  const b = tail === undefined ? [] : part(tail);
  return [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
}

const compareNumbers = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
};

/** Upstream derived `Ord TransportHost`: by kind, then octets/groups numerically, names bytewise. */
export function compareTransportHosts(a: TransportHost, b: TransportHost): number {
  if (a.kind !== b.kind) return HOST_KIND_ORDER[a.kind] - HOST_KIND_ORDER[b.kind];
  if (a.kind === 'ipv4')
    return compareNumbers(a.host.split('.').map(Number), b.host.split('.').map(Number));
  if (a.kind === 'ipv6') return compareNumbers(ipv6Groups(a.host), ipv6Groups(b.host));
  return Buffer.compare(utf8(a.host), utf8(b.host));
}

/** Upstream derived `Ord (ProtocolServer p)`: hosts (as a list), then port text, then key hash. */
export function compareXftpServers(a: XftpServer, b: XftpServer): number {
  for (let i = 0; i < Math.min(a.hosts.length, b.hosts.length); i++) {
    const c = compareTransportHosts(a.hosts[i] as TransportHost, b.hosts[i] as TransportHost);
    if (c !== 0) return c;
  }
  if (a.hosts.length !== b.hosts.length) return a.hosts.length - b.hosts.length;
  const p = Buffer.compare(utf8(a.port), utf8(b.port));
  if (p !== 0) return p;
  return Buffer.compare(a.keyHash, b.keyHash);
}

/** True if both are the same server (upstream derived `Eq`). */
export function sameXftpServer(a: XftpServer, b: XftpServer): boolean {
  return compareXftpServers(a, b) === 0;
}
