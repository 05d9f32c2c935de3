import { describe, expect, it } from 'vitest';
import { BatchTurns } from '../../src/app/intake/batch-turns.ts';
import { TokenBuckets } from '../../src/app/sources/token-bucket.ts';

/** A turn that records when it starts and ends and takes a few event-loop rounds (as a slice of leads does). */
const turn = (log: string[], name: string) => async () => {
  log.push(`start ${name}`);
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  log.push(`end ${name}`);
  return name;
};

describe('batch turns (issue 18)', () => {
  it('serves waiting clients round-robin: a client with many slices does not go twice while another waits', async () => {
    const turns = new BatchTurns(() => 1);
    const log: string[] = [];
    const a = [1, 2, 3].map((i) => turns.run('key:a', turn(log, `a${i}`)));
    const b = turns.run('key:b', turn(log, 'b1'));
    expect(await Promise.all([...a, b])).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a1', 'start b1', 'start a2', 'start a3']);
    // One at a time: every turn ends before the next starts.
    for (let i = 0; i < log.length; i += 2) expect(log[i]!.replace('start', 'end')).toBe(log[i + 1]);
    expect(turns.pending).toBe(0);
  });

  it('runs at most atOnce turns at the same time', async () => {
    let running = 0;
    let most = 0;
    const turns = new BatchTurns(() => 2);
    const work = async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setImmediate(r));
      running--;
    };
    await Promise.all(['a', 'b', 'c', 'a', 'b', 'c'].map((c) => turns.run(c, work)));
    expect(most).toBe(2);
  });

  it('lets work that arrived during a turn run before the next turn starts (each turn starts from setImmediate)', async () => {
    const turns = new BatchTurns(() => 1);
    const log: string[] = [];
    const first = turns.run('a', async () => {
      log.push('a1');
      // Something arriving while the slice runs (a request read from its socket): it must not wait for the next slice.
      setImmediate(() => log.push('other'));
    });
    const second = turns.run('a', async () => void log.push('a2'));
    await Promise.all([first, second]);
    expect(log).toEqual(['a1', 'other', 'a2']);
  });

  it('puts a client that was just served behind one that waits, even when its next turn is asked for later', async () => {
    const turns = new BatchTurns(() => 1);
    const log: string[] = [];
    // A batch: each slice asks for its turn only after the previous one ended.
    const batch = (async () => {
      for (let i = 1; i <= 3; i++) await turns.run('key:a', turn(log, `a${i}`));
    })();
    await new Promise((r) => setImmediate(r));
    const other = turns.run('key:b', turn(log, 'b1'));
    await Promise.all([batch, other]);
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a1', 'start b1', 'start a2', 'start a3']);
  });

  it('releases the turn when the work fails', async () => {
    const turns = new BatchTurns(() => 1);
    await expect(turns.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await turns.run('a', async () => 'next')).toBe('next');
  });
});

describe('token buckets with a cost (a batch costs one token per lead)', () => {
  const limits = { burst: 10, perMinute: 60 };
  it('admits a cost the bucket holds and refuses one it does not, saying when it will', () => {
    const b = new TokenBuckets();
    expect(b.take('k', limits, 0, 7)).toEqual({ ok: true });
    // 3 left, 5 needed: 2 tokens at one per second.
    expect(b.take('k', limits, 0, 5)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(b.take('k', limits, 2_000, 5)).toEqual({ ok: true });
  });
  it('admits a cost above the burst only with a full bucket, which it leaves in debt', () => {
    const b = new TokenBuckets();
    expect(b.take('k', limits, 0, 1)).toEqual({ ok: true });
    expect(b.take('k', limits, 0, 50)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(b.take('k', limits, 1_000, 50)).toEqual({ ok: true });
    // 10 - 50 = -40 tokens: the next single lead waits 41 s.
    expect(b.take('k', limits, 1_000, 1)).toEqual({ ok: false, retryAfterSeconds: 41 });
  });
});
