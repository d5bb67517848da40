import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedLanes } from '../src/index.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(KeyedLanes.name, () => {
  it('runs tasks of one key one at a time in submission order, even when earlier ones are slower', async () => {
    const sut = new KeyedLanes();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([
      sut.run('q', task('a', 20)),
      sut.run('q', task('b', 1)),
      sut.run('q', task('c', 5)),
    ]);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs different keys concurrently', async () => {
    const sut = new KeyedLanes();
    const log: string[] = [];
    await Promise.all([
      sut.run('q1', async () => (log.push('q1 start'), await tick(20), log.push('q1 end'))),
      sut.run('q2', async () => (log.push('q2 start'), await tick(1), log.push('q2 end'))),
    ]);
    assert.deepEqual(log, ['q1 start', 'q2 start', 'q2 end', 'q1 end']);
  });

  it('keeps the lane going after a failing task and forgets drained keys', async () => {
    const sut = new KeyedLanes();
    await assert.rejects(
      sut.run('q', async () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await sut.run('q', async () => 42), 42, 'the next task still runs');
    await sut.idle();
    assert.equal(sut.active, 0, 'no chain kept for idle keys');
  });
});
