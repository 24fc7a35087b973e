import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A write that waits until the test lets it finish, recording what each write carried. */
function gatedWriter() {
  const writes: number[][] = [];
  const gates: ((ok: boolean) => void)[] = [];
  const write = (items: number[]) => {
    writes.push(items);
    return new Promise<boolean>((resolve) => gates.push(resolve));
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { writes, gates, write, tick };
}

describe('GroupCommit', () => {
  it('writes a lone submission at once, and gathers what arrives while the slots are busy into one write', async () => {
    const w = gatedWriter();
    const commit = new GroupCommit(w.write, 2, 1000);
    const first = commit.submit([1]);
    const second = commit.submit([2]);
    // Two slots: both went out on their own.
    expect(w.writes).toEqual([[1], [2]]);
    const later = [commit.submit([3, 4]), commit.submit([5]), commit.submit([6])];
    expect(w.writes).toHaveLength(2);
    w.gates[0]!(true);
    expect(await first).toBe(true);
    await w.tick();
    // Everything that waited shares the next write.
    expect(w.writes[2]).toEqual([3, 4, 5, 6]);
    w.gates[1]!(true);
    w.gates[2]!(true);
    expect(await second).toBe(true);
    expect(await Promise.all(later)).toEqual([true, true, true]);
    await commit.settled();
  });

  it('fails only the callers of a failed or throwing write, and closes a group at its size', async () => {
    const w = gatedWriter();
    const commit = new GroupCommit(w.write, 1, 3);
    const a = commit.submit([1]);
    const b = commit.submit([2, 3, 4]);
    const c = commit.submit([5]);
    w.gates[0]!(false);
    expect(await a).toBe(false);
    await w.tick();
    // [2, 3, 4] filled its group: 5 waited in a group of its own.
    expect(w.writes[1]).toEqual([2, 3, 4]);
    w.gates[1]!(true);
    expect(await b).toBe(true);
    await w.tick();
    expect(w.writes[2]).toEqual([5]);
    const settled = commit.settled();
    w.gates[2]!(true);
    expect(await c).toBe(true);
    await settled;

    const throwing = new GroupCommit(() => Promise.reject(new Error('store down')), 1, 10);
    expect(await throwing.submit([1])).toBe(false);
  });
});
