/**
 * Runs items of different accounts side by side and those of one account one after another
 * (Klaviyo's rate limits are per account: two pushes through one key would only slow each other
 * and risk 429s). Results come back in the items' order. `shouldStart` false skips the rest.
 */
export async function runByAccount<T, R>(
  items: readonly T[],
  accountOf: (item: T) => string,
  run: (item: T) => Promise<R>,
  skip: (item: T) => R,
  shouldStart: () => boolean = () => true,
): Promise<R[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const account = accountOf(item);
    groups.set(account, [...(groups.get(account) ?? []), index]);
  });
  const results = new Array<R>(items.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      for (const index of indexes) {
        const item = items[index]!;
        results[index] = shouldStart() ? await run(item) : skip(item);
      }
    }),
  );
  return results;
}
