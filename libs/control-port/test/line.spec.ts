// Parsing shared by every control port, as upstream `ControlProtocol.strP` through `strDecode`: the
// shared words (auth with a BasicAuth password, help, quit, the empty line), the whole line consumed,
// and the entity ID and BlockingInfo argument encodings; a server's own words go to its parser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyLine,
  noArgs,
  parseEntityId,
  parseEntityIdAndBlockingInfo,
  parseLine,
  unknownCommand,
} from '../src/index.ts';
import type { CommandParser } from '../src/index.ts';

type Own = { readonly type: 'ping' } | { readonly type: 'drop'; readonly id: Uint8Array };

const parseOwn: CommandParser<Own> = (word, rest) => {
  if (word === 'ping') return noArgs(rest, { type: 'ping' });
  if (word === 'drop') {
    const p = parseEntityId(rest);
    return p.ok ? { ok: true, command: { type: 'drop', id: p.command } } : p;
  }
  return unknownCommand;
};

const ID = Uint8Array.from({ length: 16 }, (_, i) => 200 + i);
const ID64 = Buffer.from(ID).toString('base64url');

const error = (line: string): string => {
  const p = parseLine(line, parseOwn);
  assert.ok(!p.ok, `"${line}" is rejected`);
  return p.error;
};

describe('control port lines', () => {
  it('parses the shared words and hands the rest to the server parser', () => {
    assert.deepEqual(parseLine('auth s3cret!', parseOwn), {
      ok: true,
      command: { type: 'auth', password: new Uint8Array(Buffer.from('s3cret!')) },
    });
    assert.deepEqual(parseLine('help', parseOwn), { ok: true, command: { type: 'help' } });
    assert.deepEqual(parseLine('quit', parseOwn), { ok: true, command: { type: 'quit' } });
    assert.deepEqual(parseLine('', parseOwn), { ok: true, command: { type: 'skip' } });
    assert.deepEqual(parseLine('ping', parseOwn), { ok: true, command: { type: 'ping' } });
    assert.deepEqual(parseLine(`drop ${ID64}`, parseOwn), {
      ok: true,
      command: { type: 'drop', id: ID },
    });
  });

  it('keeps shared and own commands apart, even with the same type tag', () => {
    const own: CommandParser<{ type: 'help' }> = () => ({ ok: true, command: { type: 'help' } });
    assert.deepEqual(classifyLine('help', own), {
      ok: true,
      command: { shared: { type: 'help' } },
    });
    assert.deepEqual(classifyLine('other', own), { ok: true, command: { own: { type: 'help' } } });
  });

  it('rejects what upstream strDecode rejects, with its error text', () => {
    assert.equal(error('pong'), 'Failed reading: bad ControlProtocol command');
    assert.equal(error('help me'), 'endOfInput', 'a command without arguments takes none');
    assert.equal(error('quit now'), 'endOfInput');
    assert.equal(error(' '), 'endOfInput', 'an empty word with something after it');
    assert.equal(error('ping x'), 'endOfInput');
    assert.equal(error('auth'), 'Failed reading: not enough input');
    assert.equal(error('auth '), 'Failed reading: takeWhile1');
    assert.match(error('auth has space'), /invalid character in BasicAuth/);
    assert.match(error('auth a:b'), /invalid character in BasicAuth/);
    assert.match(error('auth a/b'), /invalid character in BasicAuth/);
    assert.equal(error('auth pw@host'), 'endOfInput', 'the password ends at @ as in strP');
  });

  it('reads base64url entity IDs, padded or not, and nothing after them', () => {
    assert.deepEqual(parseEntityId(ID64), { ok: true, command: ID });
    const padded = Buffer.from(ID.subarray(0, 14)).toString('base64url') + '=';
    assert.deepEqual(parseEntityId(padded), { ok: true, command: ID.subarray(0, 14) });
    assert.deepEqual(parseEntityId(`${ID64} extra`), { ok: false, error: 'endOfInput' });
    assert.deepEqual(parseEntityId(undefined), { ok: false, error: 'Failed reading: base64url' });
    assert.deepEqual(parseEntityId('!!'), { ok: false, error: 'Failed reading: base64url' });
    assert.deepEqual(parseEntityId('A'), { ok: false, error: 'Failed reading: base64url' });
  });

  it('reads an entity ID followed by a BlockingInfo', () => {
    assert.deepEqual(parseEntityIdAndBlockingInfo(`${ID64} reason=spam`), {
      ok: true,
      command: { id: ID, info: { reason: 'spam' } },
    });
    assert.deepEqual(parseEntityIdAndBlockingInfo(`${ID64} reason=content,notice={"ttl":60}`), {
      ok: true,
      command: { id: ID, info: { reason: 'content', notice: { ttl: 60 } } },
    });
    const bad = (rest: string | undefined): string => {
      const p = parseEntityIdAndBlockingInfo(rest);
      assert.ok(!p.ok, `"${rest}" is rejected`);
      return p.error;
    };
    assert.equal(bad(ID64), "Failed reading: expected ' '");
    assert.equal(bad(undefined), 'Failed reading: base64url');
    assert.match(bad(`${ID64} reason=eggs`), /^Failed reading: bad BlockingInfo/);
    assert.match(bad(`${ID64} `), /^Failed reading/);
  });
});
