// Sessions' roles and the `auth` command (upstream `Server.hs: controlPortAuth`, `CPClientRole`):
// a session starts without a role, and the first `auth <password>` gives it admin, user or none for
// good. Passwords are compared by SHA-256 digest in constant time, both always, so the timing of an
// answer tells nothing about either password.
import { createHash, timingSafeEqual } from 'node:crypto';

/** A session's role (upstream `CPClientRole`: CPRNone, CPRUser, CPRAdmin). */
export type ControlRole = 'none' | 'user' | 'admin';

/** True if `role` may run a command that needs `needed` (upstream `withUserRole` / `withAdminRole`). */
export function allows(role: ControlRole, needed: ControlRole): boolean {
  return needed === 'none' || role === 'admin' || (needed === 'user' && role === 'user');
}

/** What upstream prints to a session whose role does not allow the command. */
export const UNAUTHORIZED = 'AUTH';

const ROLE_NAMES: Record<ControlRole, string> = {
  none: 'CPRNone',
  user: 'CPRUser',
  admin: 'CPRAdmin',
};

/** `auth` answer (upstream `controlPortAuth`): a session without a role takes the new one, once. */
export function authReply(current: ControlRole, requested: ControlRole): string {
  if (current === 'none') return `Current role is ${ROLE_NAMES[requested]}`;
  const line = `Current role is ${ROLE_NAMES[current]}`;
  return current === requested ? line : `${line}, start new session to change.`;
}

/** The configured passwords (INI `control_port_admin_password`, `control_port_user_password`). */
export class RolePasswords {
  readonly #admin: Buffer | undefined;
  readonly #user: Buffer | undefined;

  /** A role without a password is never granted. */
  constructor(admin?: Uint8Array, user?: Uint8Array) {
    this.#admin = admin && digest(admin);
    this.#user = user && digest(user);
  }

  /** The role a password gives: admin, user, or none for any other password. */
  roleOf(password: Uint8Array): ControlRole {
    const d = digest(password);
    const admin = this.#admin !== undefined && timingSafeEqual(d, this.#admin);
    const user = this.#user !== undefined && timingSafeEqual(d, this.#user);
    return admin ? 'admin' : user ? 'user' : 'none';
  }
}

const digest = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
