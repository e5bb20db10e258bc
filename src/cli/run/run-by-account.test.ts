import { describe, expect, it } from 'vitest';
import { runByAccount } from './run-by-account.js';

/** Each run waits until the test finishes it, so that the order of starts can be observed. */
function controlledRuns() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const run = (name: string) =>
    new Promise<string>((resolve) => {
      started.push(name);
      finishers.set(name, () => resolve(`${name} done`));
    });
  const finish = async (name: string) => {
    finishers.get(name)!();
    // let the awaiting group start its next item
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, run, finish };
}

const ACCOUNT: Record<string, string> = { vip: 'key-a', b2b: 'key-b', churn: 'key-a' };

describe('runByAccount', () => {
  it('starts different accounts at once, and the same account one after another; results in input order', async () => {
    const { started, run, finish } = controlledRuns();
    const all = runByAccount(
      ['vip', 'b2b', 'churn'],
      (name) => ACCOUNT[name]!,
      run,
      (name) => `${name} skipped`,
    );
    await Promise.resolve();
    expect(started).toEqual(['vip', 'b2b']);
    await finish('b2b');
    expect(started).toEqual(['vip', 'b2b']);
    await finish('vip');
    expect(started).toEqual(['vip', 'b2b', 'churn']);
    await finish('churn');
    expect(await all).toEqual(['vip done', 'b2b done', 'churn done']);
  });

  it('skips what has not started once told to stop', async () => {
    const { started, run, finish } = controlledRuns();
    let isStopped = false;
    const all = runByAccount(
      ['vip', 'churn'],
      (name) => ACCOUNT[name]!,
      run,
      (name) => `${name} skipped`,
      () => !isStopped,
    );
    await Promise.resolve();
    isStopped = true;
    await finish('vip');
    expect(await all).toEqual(['vip done', 'churn skipped']);
    expect(started).toEqual(['vip']);
  });
});
