// Public API of @simplex-relay/control-port: the operator control port every server here shares
// (upstream `Server.hs: runCPServer`, `controlPortAuth`): TCP on 127.0.0.1, roles and auth, help and
// quit, audit lines without IDs, and the text encodings of command arguments.
export { ControlPortServer } from './control-port-server.ts';
export type {
  ControlAnswer,
  ControlCommands,
  ControlLogger,
  ControlPortOptions,
} from './control-port-server.ts';
export {
  classifyLine,
  failed,
  noArgs,
  parseEntityId,
  parseEntityIdAndBlockingInfo,
  parseLine,
  unknownCommand,
} from './line.ts';
export type { BaseCommand, CommandParser, LineCommand, ParsedLine } from './line.ts';
export { RolePasswords, UNAUTHORIZED, allows, authReply } from './roles.ts';
export type { ControlRole } from './roles.ts';
