import { describe, expect, it } from 'vitest';
import { IdleWatch } from './idle-watch.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('idle watch (the upstream timeout of every call, on one timer)', () => {
  it('cuts a call silent for the timeout, once; spares one that keeps hearing from its upstream or is done', async () => {
    const watch = new IdleWatch(400);
    const cut: string[] = [];
    const silent = watch.watch(() => cut.push('silent'));
    const talking = watch.watch(() => cut.push('talking'));
    const finished = watch.watch(() => cut.push('finished'));
    watch.done(finished);
    for (let i = 0; i < 12; i++) {
      await wait(50);
      talking.last = Date.now();
    }
    expect(cut).toEqual(['silent']);
    expect(silent.last).toBeLessThan(talking.last);
    await wait(800);
    expect(cut).toEqual(['silent', 'talking']);
    watch.close();
  });
});
