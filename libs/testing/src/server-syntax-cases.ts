// The cases of upstream simplexmq `tests/ServerTests.hs: serverSyntaxTests` as data: a transmission
// and the exact answer upstream gives. Used by the gateway tests and the end-to-end suite (any
// server under test must answer each one the same way, echoing corrId and entity ID).

/** One case: `signed` means a 64-byte (Ed25519-sized) authorization that verifies for nothing. */
export interface ServerSyntaxCase {
  readonly name: string;
  readonly signed: boolean;
  readonly corrId: string;
  readonly entityId: string;
  readonly command: Uint8Array;
  /** Upstream's answer, as text: `ERR CMD SYNTAX`, `ERR AUTH`, `PONG`, … */
  readonly expected: string;
}

const te = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: (string | Uint8Array | number[])[]): Uint8Array => {
  const bs = parts.map((p) => (typeof p === 'string' ? te(p) : Uint8Array.from(p)));
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
};
const spki = (b64: string): Uint8Array => Uint8Array.from(Buffer.from(b64, 'base64'));
// Upstream `samplePubKey` (Ed25519) and `sampleDhPubKey` (X25519), as `sb(spki)` fields.
const SAMPLE_K = cat([0x2c], spki('MCowBQYDK2VwAyEAfAOflyvbJv1fszgzkQ6buiZJVgSpQWsucXq7U6zjMgY='));
const SAMPLE_DH = cat([0x2c], spki('MCowBQYDK2VuAyEAriy+HcARIhqsgSjVnjKqoft+y6pxrxdY68zn4+LjYhQ='));

const c = (
  name: string,
  signed: boolean,
  corrId: string,
  entityId: string,
  command: Uint8Array,
  expected: string,
): ServerSyntaxCase => ({ name, signed, corrId, entityId, command, expected });

const noParams = (tag: string): ServerSyntaxCase[] => [
  c(`${tag} valid syntax`, true, 'abcd', '12345678', te(tag), 'ERR AUTH'),
  c(`${tag} wrong terminator`, true, 'bcda', '12345678', te(`${tag}=`), 'ERR CMD UNKNOWN'),
  c(`${tag} no signature`, false, 'cdab', '12345678', te(tag), 'ERR CMD NO_AUTH'),
  c(`${tag} no queue ID`, true, 'dabc', '', te(tag), 'ERR CMD NO_AUTH'),
];

/** Every case of upstream `serverSyntaxTests`, in upstream's order. */
export const SERVER_SYNTAX_CASES: readonly ServerSyntaxCase[] = [
  c('unknown command', false, 'abcd', '1234', te('HELLO'), 'ERR CMD UNKNOWN'),
  c('NEW no parameters', true, 'bcda', '', te('NEW'), 'ERR CMD SYNTAX'),
  c(
    'NEW many parameters',
    true,
    'cdab',
    '',
    cat('NEW ', [0x01], 'A', SAMPLE_K, SAMPLE_DH),
    'ERR CMD SYNTAX',
  ),
  c(
    'NEW no signature',
    false,
    'dabc',
    '',
    cat('NEW ', SAMPLE_K, SAMPLE_DH, '0S1M00'),
    'ERR CMD NO_AUTH',
  ),
  c(
    'NEW queue ID',
    true,
    'abcd',
    '12345678',
    cat('NEW ', SAMPLE_K, SAMPLE_DH, '0S1M00'),
    'ERR CMD HAS_AUTH',
  ),
  c('KEY valid syntax', true, 'bcda', '12345678', cat('KEY ', SAMPLE_K), 'ERR AUTH'),
  c('KEY no parameters', true, 'cdab', '12345678', te('KEY'), 'ERR CMD SYNTAX'),
  c(
    'KEY many parameters',
    true,
    'dabc',
    '12345678',
    cat('KEY ', [0x01], 'A', SAMPLE_K),
    'ERR CMD SYNTAX',
  ),
  c('KEY no signature', false, 'abcd', '12345678', cat('KEY ', SAMPLE_K), 'ERR CMD NO_AUTH'),
  c('KEY no queue ID', true, 'bcda', '', cat('KEY ', SAMPLE_K), 'ERR CMD NO_AUTH'),
  ...noParams('SUB'),
  ...noParams('OFF'),
  ...noParams('DEL'),
  c('SEND valid syntax', true, 'cdab', '12345678', te('SEND F hello'), 'ERR AUTH'),
  c('SEND no parameters', true, 'abcd', '12345678', te('SEND'), 'ERR CMD SYNTAX'),
  c('SEND no queue ID', true, 'bcda', '', te('SEND F hello'), 'ERR CMD NO_ENTITY'),
  c('ACK valid syntax', true, 'cdab', '12345678', cat('ACK ', [4], '1234'), 'ERR AUTH'),
  c('ACK no parameters', true, 'abcd', '12345678', te('ACK'), 'ERR CMD SYNTAX'),
  c('ACK no queue ID', true, 'bcda', '', cat('ACK ', [4], '1234'), 'ERR CMD NO_AUTH'),
  c('ACK no signature', false, 'cdab', '12345678', cat('ACK ', [4], '1234'), 'ERR CMD NO_AUTH'),
  c('PING valid syntax', false, 'abcd', '', te('PING'), 'PONG'),
  c('broker response OK not allowed', true, 'bcda', '12345678', te('OK'), 'ERR CMD UNKNOWN'),
];
