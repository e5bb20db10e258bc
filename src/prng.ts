/**
 * mulberry32 (https://github.com/bryc/code/blob/master/jshash/PRNGs.md#mulberry32): a tiny, fast,
 * seedable PRNG, uniform in [0, 1), for whatever must be replayable: verify's samples, the sandbox's
 * faults, the tests and the benchmark files.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
