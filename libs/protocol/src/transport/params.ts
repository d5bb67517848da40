// Version-derived parameters of an established SMP session (spec smp.md §4.4 step 4, §6.1). Mirrors
// upstream `Transport.hs: THandleParams` as set by `smpTHandle_`; the version gates themselves live
// in smp/transmission.ts (`transmissionParams`), which this extends with the always-on batch flag.
import { transmissionParams, type TransmissionParams } from '../smp/transmission.ts';

/** Upstream `THandleParams` subset: the transmission parameters plus `batch` (always on). */
export interface TransportParams extends TransmissionParams {
  /** Batching is always on for every version current code negotiates (`batch = True`). */
  readonly batch: true;
}

/** Derives the session parameters from the negotiated version, as upstream `smpTHandle_`. */
export function transportParams(version: number, sessionId: Uint8Array): TransportParams {
  if (!Number.isInteger(version) || version < 0 || version > 0xffff)
    throw new RangeError(`bad version ${version}`);
  return { ...transmissionParams(version, sessionId), batch: true };
}
