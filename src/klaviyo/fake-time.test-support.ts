/** A clock that only moves when the code under test sleeps; records every requested delay. */
export interface FakeTime {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly delays: number[];
}

export function createFakeTime(startMs = 0): FakeTime {
  let current = startMs;
  const delays: number[] = [];
  return {
    now: () => current,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      delays.push(ms);
      current += ms;
    },
    delays,
  };
}
