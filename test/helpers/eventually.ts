/**
 * Runs `check` until it passes or `withinMs` have gone by, then runs it once more and lets its
 * failure through: for what instances learn "within seconds" (a new content version).
 */
export async function eventually<T>(check: () => Promise<T>, withinMs = 5_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch {
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
  return check();
}
