// Config building blocks used by this app's schema.
import { expandRanges, parseRanges } from '@simplex-relay/bus';
export { commonEnv, int, onOff, parseEnv, port, z } from '@simplex-relay/config';

/** The vshards of a range list, or the error text. */
export function parseRangesSafe(s: string, count: number): number[] | string {
  try {
    return expandRanges(parseRanges(s, count));
  } catch (e) {
    return (e as Error).message;
  }
}
