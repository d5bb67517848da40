// Command authorization (spec xftp.md §5.3), as `FileTransfer/Server.hs: verifyXFTPTransmission`
// uses upstream `verifyCmdAuthorization` / `dummyVerifyCmd`. The logic (dummy work of equal cost on
// every failure path, house style §6) is shared with the SMP queue service in
// @simplex-relay/protocol; this module keeps the server's import point.
export { dummyVerifyCmd, verifyCmdAuthorization } from '@simplex-relay/protocol';
export type { AuthInput } from '@simplex-relay/protocol';
