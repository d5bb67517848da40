// Recipient descriptions as links (spec xftp.md §13, Appendix A6).
// 1. The app link `simplex:/file#/?desc=<URL-escaped YAML>[&data=<JSON>]`, or the same after
//    `https://<host>[:<port>]` (upstream `Description.hs: FileDescriptionURI`, `ServiceScheme.hs`,
//    `Agent/QueryString.hs` with http-types' `renderSimpleQuery`/`parseSimpleQuery`).
// 2. The web link `https://<host>/#<base64url(deflateRaw(YAML))>` of the xftp-web page and CLI
//    (upstream `Client/Main.hs: encodeWebURI`, `decodeWebURI`, `fileWebLink`;
//    `rfcs/2026-01-30-send-file-page/2026-02-12-xftp-cli-web-link-compat.md`).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { decodeBase64Url, encodeBase64Url } from '@simplex-relay/protocol';
import { FileDescriptionError } from './errors.ts';
import { decodeValidFileDescription, encodeFileDescription } from './file-description.ts';
import type { FileDescription } from './file-description.ts';

/** Where a link points (upstream `ServiceScheme`): the app scheme or an https app server. */
export type ServiceScheme =
  | { readonly kind: 'simplex' }
  | { readonly kind: 'https'; readonly host: string; readonly port: string };

/** A recipient description as a link (upstream `FileDescriptionURI`). */
export interface FileDescriptionUri {
  readonly scheme: ServiceScheme;
  /** A valid recipient description. */
  readonly description: FileDescription;
  /** JSON-encoded extensions passed in the link (`data`). */
  readonly clientData?: string;
}

/** Upper bound on an inflated web link, against decompression bombs (upstream has none). */
export const MAX_WEB_LINK_YAML = 16 * 1024 * 1024;

const utf8 = new TextEncoder();
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

// http-types `urlEncode True`: everything but ALPHA / DIGIT / `-_.~` as %XX (upper-case hex).
function urlEncode(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    s += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return s;
}

// http-types `urlDecode True`: `+` is a space, `%XX` with two hex digits a byte, any other `%` stays.
function urlDecode(s: string): Uint8Array {
  const raw = utf8.encode(s);
  const out: number[] = [];
  const hex = (c: number | undefined): number => {
    if (c === undefined) return -1;
    const ch = String.fromCharCode(c);
    return /[0-9a-fA-F]/.test(ch) ? parseInt(ch, 16) : -1;
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as number;
    const [h, l] = [hex(raw[i + 1]), hex(raw[i + 2])];
    if (c === 0x25 && h >= 0 && l >= 0) {
      out.push(h * 16 + l);
      i += 2;
    } else out.push(c === 0x2b ? 0x20 : c);
  }
  return Uint8Array.from(out);
}

/** A link for the app scheme (upstream `fileDescriptionURI`). */
export function fileDescriptionUri(description: FileDescription): FileDescriptionUri {
  return { scheme: { kind: 'simplex' }, description };
}

/** Upstream `strEncode FileDescriptionURI`: scheme, `/file`, `#/?`, then the escaped query. */
export function formatFileDescriptionUri(u: FileDescriptionUri): string {
  const scheme =
    u.scheme.kind === 'simplex'
      ? 'simplex:'
      : `https://${u.scheme.host}${u.scheme.port === '' ? '' : `:${u.scheme.port}`}`;
  let q = `desc=${urlEncode(utf8.encode(encodeFileDescription(u.description)))}`;
  if (u.clientData !== undefined) q += `&data=${urlEncode(utf8.encode(u.clientData))}`;
  return `${scheme}/file#/?${q}`;
}

/**
 * Parses a description link (upstream `strDecode @FileDescriptionURI`): the description must be a
 * valid recipient one; the query ends at the first space or newline and nothing may follow it.
 */
export function parseFileDescriptionUri(s: string): FileDescriptionUri {
  let scheme: ServiceScheme;
  let i: number;
  if (s.startsWith('simplex:')) [scheme, i] = [{ kind: 'simplex' }, 8];
  else if (s.startsWith('https://')) {
    // upstream `SrvLoc`: host up to one of `:#,;/ `, then an optional decimal port
    const m = /^[^:#,;/ ]+/.exec(s.slice(8));
    if (!m) throw new FileDescriptionError('bad link host');
    i = 8 + m[0].length;
    let port = '';
    const p = /^:([0-9]+)/.exec(s.slice(i));
    if (p) [port, i] = [BigInt(p[1] as string).toString(), i + p[0].length];
    scheme = { kind: 'https', host: m[0], port };
  } else throw new FileDescriptionError('bad link scheme');
  const rest = s.slice(i);
  const path = /^\/file\/?#\/\?/.exec(rest);
  if (!path) throw new FileDescriptionError('bad file link path');
  const query = rest.slice(path[0].length);
  if (/[ \n]/.test(query)) throw new FileDescriptionError('trailing characters in file link');
  const params = new Map<string, Uint8Array>();
  // upstream `parseSimpleQuery`: `&` and `;` separate, a leading `?` is dropped, the first of a name wins
  for (const part of query.replace(/^\?/, '').split(/[&;]/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = lenientUtf8.decode(urlDecode(eq < 0 ? part : part.slice(0, eq)));
    if (!params.has(name)) params.set(name, urlDecode(eq < 0 ? '' : part.slice(eq + 1)));
  }
  const desc = params.get('desc');
  if (desc === undefined) throw new FileDescriptionError('no qs param desc');
  const description = decodeValidFileDescription(desc, 'recipient');
  const data = params.get('data');
  return data === undefined
    ? { scheme, description }
    : { scheme, description, clientData: lenientUtf8.decode(data) };
}

// ---- web links --------------------------------------------------------------------------------------

/** URI fragment of a web link: base64url (padded) of the raw-DEFLATE YAML (upstream `encodeWebURI`). */
export function encodeWebUri(fd: FileDescription): string {
  return encodeBase64Url(deflateRawSync(utf8.encode(encodeFileDescription(fd))));
}

/** Reads a web link fragment (no `#`) into a valid recipient description (upstream `decodeWebURI`). */
export function decodeWebUri(fragment: string): FileDescription {
  let yaml: Uint8Array;
  try {
    yaml = inflateRawSync(decodeBase64Url(fragment), { maxOutputLength: MAX_WEB_LINK_YAML });
  } catch (e) {
    throw new FileDescriptionError('invalid web link', { cause: e });
  }
  return decodeValidFileDescription(yaml, 'recipient');
}

/**
 * The web link of a recipient description, on the first host of its first chunk's first server
 * (upstream `fileWebLink`, which omits the port); undefined without chunks. IPv6 hosts are put in
 * brackets, which upstream does not do.
 */
export function fileWebLink(fd: FileDescription): string | undefined {
  const host = fd.chunks[0]?.replicas[0]?.server.hosts[0];
  if (host === undefined) return undefined;
  const h = host.kind === 'ipv6' ? `[${host.host}]` : host.host;
  return `https://${h}/#${encodeWebUri(fd)}`;
}

/** Reads a web link `http(s)://…#<fragment>` (upstream `cliReceiveFile` for URL input). */
export function parseWebLink(url: string): FileDescription {
  if (!/^https?:\/\//.test(url)) throw new FileDescriptionError('not a web link');
  const hash = url.indexOf('#');
  const fragment = hash < 0 ? '' : url.slice(hash + 1);
  if (fragment === '') throw new FileDescriptionError('Invalid URL: no fragment');
  return decodeWebUri(fragment);
}
