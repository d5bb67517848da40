// Test helpers: hex conversion and fixture loading (tests only; Node is allowed here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array =>
  new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
export const vectorsDir = join(import.meta.dirname, 'vectors');
export const readVector = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(vectorsDir, name)));
export const readVectorText = (name: string): string =>
  readFileSync(join(vectorsDir, name), 'utf8');
/** Bytes a, a+1, ..., b (inclusive), as used by the digest's computed vectors. */
export const range = (a: number, b: number): Uint8Array =>
  Uint8Array.from({ length: b - a + 1 }, (_, i) => a + i);
