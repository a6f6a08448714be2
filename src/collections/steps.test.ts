import { describe, expect, it } from 'vitest';
import { runToEnd, SteppedBuild, type Steps } from './steps.js';

/** three steps, each recorded as it runs, returning their sum */
function* counted(ran: number[]): Steps<number> {
  let sum = 0;
  for (let i = 1; i <= 3; i++) {
    ran.push(i);
    sum += i;
    if (i < 3) yield;
  }
  return sum;
}

describe('a build in steps', () => {
  it('runs a slice at a time, with other work between slices, to the result a build at once gives', async () => {
    const ran: number[] = [];
    const seen: number[][] = [];
    const value = await new SteppedBuild(counted(ran)).ready({ sliceMs: 0, pause: async () => void seen.push([...ran]) });
    expect(value).toBe(runToEnd(counted([])));
    // one step per slice when a slice may take no time
    expect(seen).toEqual([[1], [1, 2]]);
  });

  it('is finished at once by a caller that cannot wait, each step run once, and both callers get the result', async () => {
    const ran: number[] = [];
    const build = new SteppedBuild(counted(ran));
    const waiting = build.ready({ sliceMs: 0 });
    expect(ran).toEqual([1]);
    expect(build.now()).toBe(6);
    expect(await waiting).toBe(6);
    expect(ran).toEqual([1, 2, 3]);
  });

  it('fails every caller alike when a step fails, without running the steps again', async () => {
    let runs = 0;
    function* failing(): Steps<number> {
      runs++;
      yield;
      throw new Error('bad record');
    }
    const build = new SteppedBuild(failing());
    await expect(build.ready({ sliceMs: 0 })).rejects.toThrow('bad record');
    expect(() => build.now()).toThrow('bad record');
    await expect(build.ready()).rejects.toThrow('bad record');
    expect(runs).toBe(1);
  });
});
