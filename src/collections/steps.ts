/**
 * Work done in steps: a generator that yields between steps and returns its result. A build that
 * takes seconds (the directory's index over 20,000 services) is written once this way and can then
 * be run at once, or a slice at a time so that a server answers other requests meanwhile.
 */
export type Steps<T> = Generator<void, T>;

/** How long a slice of steps runs before other work may run, ms. */
const SLICE_MS = 20;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface Slicing {
  /** awaited between slices: by default, until the event loop's next turn */
  pause?: () => Promise<void>;
  sliceMs?: number;
}

/** Runs the steps left at once and returns the result. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * One result made in steps, which callers can have either way: `now()` runs the steps left at once
 * (for a caller that cannot wait), `ready()` a slice at a time. Whichever runs a step, it is run
 * once, so both give the same result. A failed build fails every caller alike.
 */
export class SteppedBuild<T> {
  private result: { value: T } | { error: unknown } | undefined;
  private slices: Promise<T> | undefined;

  constructor(private readonly steps: Steps<T>) {}

  now(): T {
    this.advance(Infinity);
    return this.outcome();
  }

  ready({ pause = nextTurn, sliceMs = SLICE_MS }: Slicing = {}): Promise<T> {
    if (this.result) return 'value' in this.result ? Promise.resolve(this.result.value) : Promise.reject(this.result.error);
    this.slices ??= (async () => {
      for (;;) {
        this.advance(sliceMs);
        if (this.result) return this.outcome();
        await pause();
      }
    })();
    return this.slices;
  }

  private outcome(): T {
    if (!this.result) throw new Error('the build is not finished');
    if ('error' in this.result) throw this.result.error;
    return this.result.value;
  }

  private advance(budgetMs: number): void {
    const until = performance.now() + budgetMs;
    while (!this.result) {
      try {
        const step = this.steps.next();
        if (step.done) this.result = { value: step.value };
      } catch (error) {
        this.result = { error };
      }
      if (performance.now() >= until) return;
    }
  }
}
