// SQLite, under a local Deno KV file, answers "database is locked" while another process writes
// it: something to wait out briefly, not a failure.

/**
 * Runs `operation`, again after a short random pause while SQLite answers that another process
 * holds the database, for up to `budgetMs`. Any other error, or one past the budget, is thrown.
 */
export async function retryWhileLocked<T>(
  budgetMs: number,
  operation: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isLocked(error) || performance.now() - started >= budgetMs) throw error;
    }
    // Random, so that processes that collided do not collide again.
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
  }
}

function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is (locked|busy)/i.test(error.message);
}
