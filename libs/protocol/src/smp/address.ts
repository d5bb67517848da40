// Server addresses (spec smp.md §1.9, §7.11.1): text form `smp://<keyHash>[:<auth>]@<host>[,…][:<port>]`
// (upstream `Protocol.hs: strEncodeServer, serverStrP, basicAuth`, `Transport/Client.hs: TransportHost`)
// and the binary `ProtocolServer` encoding used by `PRXY` (`Encoding (ProtocolServer p)`).
import type { Decoder } from '../encoding/decoder.ts';
import type { Writer } from '../encoding/writer.ts';
import { asciiBytes, bytesAscii } from '../encoding/writer.ts';
import { ParseError } from '../errors.ts';
import { base64UrlTokenLength, decodeBase64Url, encodeBase64Url } from './base64.ts';

/** A server host (upstream `TransportHost`); `host` is its text form (IPv6 without brackets). */
export interface TransportHost {
  readonly kind: 'ipv4' | 'ipv6' | 'onion' | 'domain';
  readonly host: string;
}

/** A server: hosts, port text ('' = default 5223) and the SHA-256 identity key hash (upstream `ProtocolServer`). */
export interface SmpServer {
  readonly hosts: readonly [TransportHost, ...TransportHost[]];
  readonly port: string;
  readonly keyHash: Uint8Array;
}

/** URI schemes of upstream `ProtocolType`. */
export type ProtocolScheme = 'smp' | 'ntf' | 'xftp';

/** A parsed text address (upstream `AProtoServerWithAuth`). */
export interface ServerAddress {
  readonly scheme: ProtocolScheme;
  readonly server: SmpServer;
  readonly basicAuth?: Uint8Array;
}

/** Port used when an address has none. */
export const DEFAULT_SMP_PORT = '5223';

/**
 * True if every byte is allowed in a BasicAuth: `isPrint && !isSpace` on Latin-1 code units, minus
 * `@ : /` — so 0x21–0x7E and 0xA1–0xFF except 0xAD (spec "Corrections", §1.9).
 */
export function isValidBasicAuth(b: Uint8Array): boolean {
  for (const c of b) {
    const printable = (c > 0x20 && c < 0x7f) || (c > 0xa0 && c !== 0xad);
    if (!printable || c === 0x40 || c === 0x3a || c === 0x2f) return false;
  }
  return true;
}

/** Writes `sb(basicAuth)` (upstream `Encoding BasicAuth`). */
export function encodeBasicAuth(w: Writer, a: Uint8Array): void {
  if (!isValidBasicAuth(a)) throw new RangeError('invalid character in BasicAuth');
  w.bytes(a);
}

/** Reads `sb(basicAuth)`, rejecting invalid characters; an empty one is allowed here, as upstream. */
export function decodeBasicAuth(d: Decoder): Uint8Array {
  const at = d.offset;
  const a = d.bytes();
  if (!isValidBasicAuth(a)) throw new ParseError('invalid character in BasicAuth', at);
  return a;
}

// ---- hosts ---------------------------------------------------------------------------------------

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean =>
  isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
// Domain names stop at `:#,;/` and whitespace (upstream `A.notInClass ":#,;/ \n\r\t"`).
const DOMAIN_STOP = new Set([0x3a, 0x23, 0x2c, 0x3b, 0x2f, 0x20, 0x0a, 0x0d, 0x09]);

const digitsAt = (s: string, i: number): number => {
  let j = i;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  return j;
};

/** Parses an IPv6 address text into 8 groups (upstream uses iproute's `Read IPv6`); a trailing dotted IPv4 counts as 2. */
function parseIPv6(t: string): number[] | undefined {
  const lastColon = t.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  const last = t.slice(lastColon + 1);
  if (!last.includes('.')) return parseIPv6Groups(t, 8);
  const v4 = parseIPv4Exact(last);
  if (!v4) return undefined;
  // keep the colon when it belongs to a `::`
  const head = t[lastColon - 1] === ':' ? t.slice(0, lastColon + 1) : t.slice(0, lastColon);
  const g = parseIPv6Groups(head, 6);
  const [a, b, c, d] = v4 as [number, number, number, number];
  return g && [...g, (a << 8) | b, (c << 8) | d];
}

// `n` groups of 1–4 hex digits, at most one `::` standing for one or more zero groups.
function parseIPv6Groups(s: string, n: number): number[] | undefined {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const part = (p: string): number[] | undefined => {
    if (p === '') return [];
    const out: number[] = [];
    for (const g of p.split(':')) {
      if (g.length < 1 || g.length > 4 || ![...g].every((ch) => isHex(ch.charCodeAt(0))))
        return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (dbl < 0) {
    const g = part(s);
    return g && g.length === n ? g : undefined;
  }
  const a = part(s.slice(0, dbl));
  const b = part(s.slice(dbl + 2));
  if (!a || !b || a.length + b.length >= n) return undefined;
  return [...a, ...new Array<number>(n - a.length - b.length).fill(0), ...b];
}

/** RFC 5952 text of 8 groups: lowercase, longest run (≥ 2) of zero groups as `::`. */
function formatIPv6(g: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: readonly number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function parseIPv4Exact(s: string): number[] | undefined {
  const r = parseIPv4At(s, 0);
  return r && r.end === s.length ? r.octets : undefined;
}

// Upstream: three `decimal <* '.'` checked to 0..255, then a final `decimal`. (Upstream wraps an
// out-of-range last octet modulo 256; we reject it.)
function parseIPv4At(s: string, i: number): { octets: number[]; end: number } | undefined {
  const octets: number[] = [];
  let p = i;
  for (let k = 0; k < 4; k++) {
    const e = digitsAt(s, p);
    if (e === p) return undefined;
    const n = Number(s.slice(p, e));
    if (n > 255) return undefined;
    octets.push(n);
    p = e;
    if (k < 3) {
      if (s.charCodeAt(p) !== 0x2e) return undefined;
      p++;
    }
  }
  return { octets, end: p };
}

/** Upstream `strP @TransportHost`: the first alternative that parses wins (IPv4, IPv6, onion, domain). */
function hostAt(s: string, i: number): { host: TransportHost; end: number } | undefined {
  const v4 = parseIPv4At(s, i);
  if (v4) return { host: { kind: 'ipv4', host: v4.octets.join('.') }, end: v4.end };
  let j = i;
  let text: string | undefined;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i + 1);
    if (close > i + 1) [text, j] = [s.slice(i + 1, close), close + 1];
  } else {
    while (j < s.length && (isHex(s.charCodeAt(j)) || s.charCodeAt(j) === 0x3a)) j++;
    if (j > i) text = s.slice(i, j);
  }
  const v6 = text === undefined ? undefined : parseIPv6(text);
  if (v6) return { host: { kind: 'ipv6', host: formatIPv6(v6) }, end: j };
  j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (!((c >= 0x61 && c <= 0x7a) || isDigit(c))) break;
    j++;
  }
  if (s.startsWith('.onion', j))
    return { host: { kind: 'onion', host: s.slice(i, j + 6) }, end: j + 6 };
  j = i;
  while (j < s.length && !DOMAIN_STOP.has(s.charCodeAt(j))) j++;
  if (j > i && !s.slice(i, j).endsWith('.onion'))
    return { host: { kind: 'domain', host: s.slice(i, j) }, end: j };
  return undefined;
}

/** Parses one host text exactly (upstream `parseAll strP`). */
export function parseTransportHost(s: string): TransportHost {
  const r = hostAt(s, 0);
  if (!r || r.end !== s.length) throw new ParseError('bad TransportHost');
  return r.host;
}

/** Host text as upstream `strEncode` writes it (IPv6 bare). */
export function formatTransportHost(h: TransportHost): string {
  return h.host;
}

/** Writes the binary `ProtocolServer`: hosts (count + sb each) || sb(port) || sb(keyHash). */
export function encodeSmpServer(w: Writer, srv: SmpServer): void {
  if (srv.hosts.length === 0) throw new RangeError('server needs at least one host');
  w.list(srv.hosts, (w2, h) => w2.bytes(asciiBytes(formatTransportHost(h))));
  w.bytes(asciiBytes(srv.port));
  w.bytes(srv.keyHash);
}

/** Reads the binary `ProtocolServer`; each host must parse completely. */
export function decodeSmpServer(d: Decoder): SmpServer {
  const hosts = d.nonEmpty((d2) => {
    const at = d2.offset;
    try {
      return parseTransportHost(bytesAscii(d2.bytes()));
    } catch (e) {
      throw new ParseError('bad host', at, { cause: e });
    }
  });
  const port = bytesAscii(d.bytes());
  const keyHash = d.bytes();
  return { hosts, port, keyHash };
}

// ---- text address --------------------------------------------------------------------------------

/** Parses `scheme://keyHash[:auth]@host[,host…][:port]` exactly (upstream `serverStrP` under `strDecode`). */
export function parseServerAddress(s: string): ServerAddress {
  const m = /^(smp|ntf|xftp):\/\//.exec(s);
  if (!m) throw new ParseError('bad server address scheme');
  const scheme = m[1] as ProtocolScheme;
  let i = m[0].length;
  const khLen = base64UrlTokenLength(s, i);
  if (khLen === 0) throw new ParseError('bad key hash', i);
  const keyHash = decodeBase64Url(s.slice(i, i + khLen));
  i += khLen;
  let basicAuth: Uint8Array | undefined;
  if (s.charCodeAt(i) === 0x3a) {
    const at = s.indexOf('@', i + 1);
    if (at <= i + 1) throw new ParseError('bad basic auth', i);
    const raw = s.slice(i + 1, at);
    if ([...raw].some((ch) => ch.charCodeAt(0) > 0xff)) throw new ParseError('bad basic auth', i);
    basicAuth = asciiBytes(raw);
    if (!isValidBasicAuth(basicAuth)) throw new ParseError('invalid character in BasicAuth', i);
    i = at;
  }
  if (s.charCodeAt(i) !== 0x40) throw new ParseError('expected @', i);
  i++;
  const hosts: TransportHost[] = [];
  for (;;) {
    const r = hostAt(s, i);
    if (!r) throw new ParseError('bad host', i);
    hosts.push(r.host);
    i = r.end;
    if (s.charCodeAt(i) !== 0x2c) break;
    i++;
  }
  let port = '';
  if (s.charCodeAt(i) === 0x3a) {
    const e = digitsAt(s, i + 1);
    if (e === i + 1) throw new ParseError('bad port', i);
    port = BigInt(s.slice(i + 1, e)).toString(); // upstream re-shows the number: no leading zeros
    i = e;
  }
  if (i !== s.length) throw new ParseError('trailing characters in server address', i);
  const server: SmpServer = { hosts: hosts as [TransportHost, ...TransportHost[]], port, keyHash };
  return basicAuth === undefined ? { scheme, server } : { scheme, server, basicAuth };
}

/**
 * Formats a text address (upstream `strEncodeServer`). IPv6 hosts are written in brackets, which
 * upstream parses too, because upstream's bare form is ambiguous in front of a `:port`.
 */
export function formatServerAddress(a: ServerAddress): string {
  const hosts = a.server.hosts.map((h) => (h.kind === 'ipv6' ? `[${h.host}]` : h.host)).join(',');
  let auth = '';
  if (a.basicAuth !== undefined) {
    if (a.basicAuth.length === 0 || !isValidBasicAuth(a.basicAuth))
      throw new RangeError('invalid BasicAuth');
    auth = `:${bytesAscii(a.basicAuth)}`;
  }
  const port = a.server.port === '' ? '' : `:${a.server.port}`;
  return `${a.scheme}://${encodeBase64Url(a.server.keyHash)}${auth}@${hosts}${port}`;
}
