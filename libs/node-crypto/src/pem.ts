// PEM (RFC 7468) armour for certificates and keys: base64 in 64-character lines between
// `-----BEGIN <label>-----` and `-----END <label>-----`, the form openssl writes for upstream's
// `ca.crt`, `server.crt` and PKCS#8 `*.key` files.

/** Wraps DER bytes in a PEM block with the given label (e.g. `CERTIFICATE`). */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every PEM block with `label`, in order, as DER. Text outside the blocks is ignored. */
export function decodePemAll(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(re)) {
    const body = (m[1] ?? '').replace(/\s+/g, '');
    // Buffer.from(…, 'base64') skips invalid characters silently; require canonical base64.
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body))
      throw new RangeError(`PEM: bad base64 in ${label}`);
    const der = Buffer.from(body, 'base64');
    out.push(new Uint8Array(der.buffer, der.byteOffset, der.byteLength));
  }
  return out;
}

/** The single PEM block with `label`; RangeError if there is none or more than one. */
export function decodePem(text: string, label: string): Uint8Array {
  const all = decodePemAll(text, label);
  if (all.length !== 1)
    throw new RangeError(`PEM: expected one ${label} block, found ${all.length}`);
  return all[0] as Uint8Array;
}
