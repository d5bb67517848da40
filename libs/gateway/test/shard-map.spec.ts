// ShardMap: ownership from store heartbeats, silence, conflicting claims and change events
// (docs/architecture.md "Shards"), with a hand-driven clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShardMap } from '../src/index.ts';
import type { ShardChange } from '../src/index.ts';
import { RecordingLogger } from './support/harness.ts';

function setup(): {
  map: ShardMap;
  clock: { t: number };
  changes: ShardChange[];
  logger: RecordingLogger;
} {
  const clock = { t: 1000 };
  const logger = new RecordingLogger();
  const map = new ShardMap({ vshardCount: 16, storeTimeoutMs: 5000, logger, now: () => clock.t });
  const changes: ShardChange[] = [];
  map.onChange((c) => changes.push(c));
  return { map, clock, changes, logger };
}

describe(ShardMap.name, () => {
  it('maps each vshard to the store whose heartbeat claims it', () => {
    const { map, changes } = setup();
    map.apply({ storeId: 'a', epoch: 1n, vshards: [{ from: 0, to: 7 }] });
    map.apply({ storeId: 'b', epoch: 1n, vshards: [{ from: 8, to: 15 }] });
    assert.equal(map.ownerOf(0), 'a');
    assert.equal(map.ownerOf(7), 'a');
    assert.equal(map.ownerOf(8), 'b');
    assert.equal(map.storeCount, 2);
    assert.deepEqual(
      changes.map((c) => c.vshards.length),
      [8, 8],
      'each new owner is a change',
    );
  });

  it('drops a store that stayed silent longer than the timeout, and only then', () => {
    const { map, clock } = setup();
    map.apply({ storeId: 'a', epoch: 1n, vshards: [{ from: 0, to: 15 }] });
    clock.t += 4000;
    map.apply({ storeId: 'a', epoch: 1n, vshards: [{ from: 0, to: 15 }] });
    clock.t += 4000;
    map.sweep();
    assert.equal(map.ownerOf(3), 'a', 'a heartbeat 4 s ago keeps the store');
    clock.t += 1001;
    map.sweep();
    assert.equal(map.ownerOf(3), undefined, 'silent for more than 5 s: removed');
    assert.equal(map.storeCount, 0);
  });

  it('gives a contested vshard to the newest epoch and logs the conflict without store IDs', () => {
    const { map, logger } = setup();
    map.apply({ storeId: 'store-old', epoch: 5n, vshards: [{ from: 0, to: 15 }] });
    map.apply({ storeId: 'store-new', epoch: 9n, vshards: [{ from: 4, to: 5 }] });
    assert.equal(map.ownerOf(4), 'store-new');
    assert.equal(map.ownerOf(5), 'store-new');
    assert.equal(map.ownerOf(6), 'store-old', 'uncontested vshards stay');
    assert.equal(logger.lines.length, 1, 'the conflict is logged once');
    assert.match(logger.lines[0] ?? '', /2 vshard\(s\) are claimed by more than one store/);
    assert.ok(!/store-/.test(logger.lines[0] ?? ''), 'no store IDs in logs');
  });

  it('reports vshards that moved or whose store restarted, and nothing for a repeated heartbeat', () => {
    const { map, changes } = setup();
    map.apply({ storeId: 'a', epoch: 1n, vshards: [{ from: 0, to: 7 }] });
    map.apply({ storeId: 'b', epoch: 1n, vshards: [{ from: 8, to: 15 }] });
    changes.length = 0;
    map.apply({ storeId: 'a', epoch: 1n, vshards: [{ from: 0, to: 7 }] });
    assert.equal(changes.length, 0, 'same epoch and ranges: no change');
    map.apply({ storeId: 'b', epoch: 2n, vshards: [{ from: 8, to: 15 }] });
    assert.deepEqual(
      changes.pop()?.vshards,
      [8, 9, 10, 11, 12, 13, 14, 15],
      'a new epoch means a restart',
    );
    map.apply({ storeId: 'b', epoch: 2n, vshards: [{ from: 6, to: 15 }] });
    map.apply({ storeId: 'a', epoch: 1n, vshards: [{ from: 0, to: 5 }] });
    assert.deepEqual(
      changes.flatMap((c) => c.vshards),
      [6, 7],
      'vshards 6 and 7 moved to b',
    );
    assert.equal(map.ownerOf(6), 'b');
  });

  it('ignores a heartbeat with an older epoch than the live instance of that store', () => {
    const { map } = setup();
    map.apply({ storeId: 'a', epoch: 3n, vshards: [{ from: 0, to: 3 }] });
    map.apply({ storeId: 'a', epoch: 2n, vshards: [{ from: 0, to: 15 }] });
    assert.equal(map.ownerOf(10), undefined);
    assert.equal(map.epochOf('a'), 3n);
  });

  it('lets callers wait for an owner, and answers undefined when none appears in time', async () => {
    const { map } = setup();
    const waiting = map.waitForOwner(12, 5000);
    map.apply({ storeId: 'b', epoch: 1n, vshards: [{ from: 8, to: 15 }] });
    assert.equal(await waiting, 'b');
    assert.equal(await map.waitForOwner(1, 20), undefined);
  });
});

describe('ShardMap completeness', () => {
  it('is complete only when every vshard has a live owner', () => {
    const m = new ShardMap({ vshardCount: 8 });
    assert.equal(m.complete, false, 'no heartbeat yet');
    m.apply({ storeId: 'a', epoch: 1n, vshards: [{ from: 0, to: 3 }] });
    assert.equal(m.complete, false, 'half the vshards have no owner');
    m.apply({ storeId: 'b', epoch: 1n, vshards: [{ from: 4, to: 7 }] });
    assert.equal(m.complete, true);
  });
});
