// Byte helpers shared by the crypto modules (spec smp.md §2). Upstream uses `BA.constEq`
// (memory package) for tag and hash comparisons; `constantTimeEqual` is its counterpart.

/** Compares two byte arrays without an early exit on the first difference (length is not secret). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  // Why: OR-accumulate over every byte so timing does not reveal the length of a matching prefix.
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
