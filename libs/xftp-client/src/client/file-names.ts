// Output file names: a name from a description or header made safe, and made unique in its
// directory. Upstream `FileTransfer/Util.hs: uniqueCombine`.
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * `dir/name`, or `dir/name_1.ext`, `dir/name_2.ext`, … for the first that does not exist (upstream
 * `uniqueCombine`, splitting at the first dot after a leading one, as `splitExtensions`).
 */
export async function uniqueCombine(dir: string, fileName: string): Promise<string> {
  const dot = fileName.indexOf('.', 1);
  const [name, ext] = dot < 0 ? [fileName, ''] : [fileName.slice(0, dot), fileName.slice(dot)];
  for (let n = 0; ; n++) {
    const p = join(dir, `${name}${n === 0 ? '' : `_${n}`}${ext}`);
    try {
      await stat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return p;
      throw e;
    }
  }
}

/**
 * A file name from a description or header made safe as one path component: directories are
 * dropped, and an empty, `.` or `..` name becomes `file`. Upstream joins the name unchecked.
 */
export function safeFileName(name: string): string {
  const b = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '_');
  return b === '' || b === '.' || b === '..' ? 'file' : b;
}
