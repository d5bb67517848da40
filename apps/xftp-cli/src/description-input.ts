// Reading the description `recv`, `del` and `info` are given: a file with upstream's YAML, a web
// link `https://host/#<fragment>` (upstream `cliReceiveFile`), or an app link
// `simplex:/file#/?desc=…` / `https://host/file#/?desc=…` (`FileDescriptionURI`).
import { readFile } from 'node:fs/promises';
import {
  decodeValidFileDescription,
  parseFileDescriptionUri,
  parseWebLink,
} from '@simplex-relay/xftp-client';
import type { FileDescription, FileParty } from '@simplex-relay/xftp-client';

/** A parsed description and whether it came from a file (only files are offered for removal). */
export interface DescriptionInput {
  readonly description: FileDescription;
  readonly path?: string;
}

/** Reads a description from a link or a file; `party` is checked when given. */
export async function readDescription(arg: string, party?: FileParty): Promise<DescriptionInput> {
  if (arg.startsWith('simplex:') || /^https:\/\/[^#]*\/file\/?#\/\?/.test(arg)) {
    return { description: parseFileDescriptionUri(arg).description };
  }
  if (/^https?:\/\//.test(arg)) return { description: parseWebLink(arg) };
  const yaml = await readFile(arg);
  return { description: decodeValidFileDescription(yaml, party), path: arg };
}
