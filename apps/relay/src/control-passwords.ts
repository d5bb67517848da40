// Control port passwords of the one-process relay (the SMP and the XFTP control port share them),
// like `smp-server init --control-port`: a password not given in the environment is generated once
// (18 random bytes, base64url, as upstream `randomBase64 18`) and kept in DATA_DIR/control-port.ini
// (mode 0600) in the INI form upstream writes, so it survives restarts. The passwords are never logged; the relay prints only the path.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The file under DATA_DIR that keeps generated passwords. */
export const CONTROL_PASSWORDS_FILE = 'control-port.ini';

const KEYS = {
  admin: 'control_port_admin_password',
  user: 'control_port_user_password',
} as const;

/** The passwords in effect, and the file holding generated ones (if any were generated or kept). */
export interface ControlPasswords {
  readonly admin: string;
  readonly user: string;
  readonly file?: string;
}

/** Uses the given passwords, else those kept in DATA_DIR, else generates and keeps new ones. */
export async function loadOrCreateControlPasswords(
  dataDir: string,
  given: { readonly admin?: string | undefined; readonly user?: string | undefined },
): Promise<ControlPasswords> {
  const file = join(dataDir, CONTROL_PASSWORDS_FILE);
  const kept = existsSync(file)
    ? parseIni(await readFile(file, 'utf8'))
    : new Map<string, string>();
  const pick = (role: keyof typeof KEYS): { value: string; stored: boolean } => {
    const env = given[role];
    if (env !== undefined) return { value: env, stored: false };
    const old = kept.get(KEYS[role]);
    return { value: old ?? randomBytes(18).toString('base64url'), stored: true };
  };
  const admin = pick('admin');
  const user = pick('user');
  if (!admin.stored && !user.stored) return { admin: admin.value, user: user.value };
  const lines = [
    '# Control port passwords (upstream smp-server.ini, file-server.ini); keep this file private.',
    '[AUTH]',
  ];
  if (admin.stored) lines.push(`${KEYS.admin} = ${admin.value}`);
  if (user.stored) lines.push(`${KEYS.user} = ${user.value}`);
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { admin: admin.value, user: user.value, file };
}

function parseIni(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}
