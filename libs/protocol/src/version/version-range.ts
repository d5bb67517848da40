// Version ranges and negotiation (spec smp.md §1.1, §9; upstream `Version.hs: VersionRange,
// compatibleVRange, compatibleVRange', compatibleVersion`). Encoded as min Word16 || max Word16.
import type { Decoder } from '../encoding/decoder.ts';
import type { Writer } from '../encoding/writer.ts';

/** An inclusive range of protocol versions; `min <= max` always holds. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Builds a range, throwing RangeError if `min > max` (upstream `mkVersionRange`). */
export function versionRange(min: number, max: number = min): VersionRange {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max > 0xffff || min > max) {
    throw new RangeError(`invalid version range ${min}..${max}`);
  }
  return { min, max };
}

/** Writes min || max as two Word16. */
export function encodeVersionRange(w: Writer, vr: VersionRange): void {
  w.word16(vr.min).word16(vr.max);
}

/** Reads min || max; fails if min > max (upstream `safeVersionRange`). */
export function decodeVersionRange(d: Decoder): VersionRange {
  const min = d.word16();
  const max = d.word16();
  if (min > max) d.fail('invalid version range');
  return { min, max };
}

/** True if `v` lies in `vr` (upstream `isCompatible`). */
export function isCompatible(v: number, vr: VersionRange): boolean {
  return vr.min <= v && v <= vr.max;
}

/** Intersection of two ranges, or undefined if they do not overlap (upstream `compatibleVRange`). */
export function compatibleVRange(a: VersionRange, b: VersionRange): VersionRange | undefined {
  const min = Math.max(a.min, b.min);
  const max = Math.min(a.max, b.max);
  return min <= max ? { min, max } : undefined;
}

/**
 * `[a.min, v]` when `a.min <= v <= a.max`, else undefined (upstream `compatibleVRange'`): the
 * server keeps this as the session range after the client picked version `v`.
 */
export function compatibleVRangeUpTo(a: VersionRange, v: number): VersionRange | undefined {
  return a.min <= v && v <= a.max ? { min: a.min, max: v } : undefined;
}

/** The highest common version of two ranges (upstream `compatibleVersion`). */
export function compatibleVersion(a: VersionRange, b: VersionRange): number | undefined {
  return compatibleVRange(a, b)?.max;
}
