/** Run tasks with at most `jobs` at a time; after the first failure no new task starts and that failure is thrown. */
export async function runPool<T, R>(items: readonly T[], jobs: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  let failure: {error: unknown} | undefined
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const i = next++
      try {
        results[i] = await task(items[i] as T)
      } catch (error) {
        failure ??= {error}
      }
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(jobs, items.length))}, worker))
  if (failure) throw failure.error
  return results
}
