// DER-shaped blobs for handshake tests: smp/cert-chain.ts accepts only blobs that are exactly one DER
// SEQUENCE (the structural part of upstream's X.509 decoding), so stand-in certificates need that shape.

/** `30 <minimal DER length> content`. */
export function derSeq(content: Uint8Array): Uint8Array {
  const n = content.length;
  const head = n < 0x80 ? [0x30, n] : n < 0x100 ? [0x30, 0x81, n] : [0x30, 0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(content, head.length);
  return out;
}

/** A DER SEQUENCE of `n` content bytes, all `fill`. */
export const derOf = (n: number, fill = 0): Uint8Array => derSeq(new Uint8Array(n).fill(fill));
