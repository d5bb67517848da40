// Test-side helpers for the crypto specs: PEM fixtures from test/vectors and base64url with padding
// (the text form of spec smp.md §1.9). Node is allowed here.
import { decodeCertificate, decodePrivKeyDer } from '../../src/index.ts';
import type { Certificate, PrivateKey } from '../../src/index.ts';
import { readVectorText } from '../helpers.ts';

/** The DER bytes of the first PEM block of a vector file. */
export const pemDer = (name: string): Uint8Array => {
  const m = /-----BEGIN [A-Z ]+-----([^-]+)-----END/.exec(readVectorText(name));
  if (m === null) throw new Error(`no PEM block in ${name}`);
  return new Uint8Array(Buffer.from(m[1] as string, 'base64'));
};

/** Parsed certificate of a vector file. */
export const cert = (name: string): Certificate => decodeCertificate(pemDer(name));

/** PKCS#8 private key of a vector file. */
export const privKey = (name: string): PrivateKey => decodePrivKeyDer(pemDer(name));

/** base64url with '=' padding (upstream `strEncode` of a ByteString). */
export const b64url = (b: Uint8Array): string =>
  Buffer.from(b).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
