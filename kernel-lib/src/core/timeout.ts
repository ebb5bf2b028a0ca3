/**
 * A deadline for a promise that might never settle (a GPU adapter request, a module load): never a
 * hang. The timer is unref'd, so it does not keep the process alive by itself.
 */

/** Resolves like `promise`, or rejects with "`failure` within N s" after `ms` milliseconds. */
export function withTimeout<T>(promise: Promise<T>, ms: number, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${failure} within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
