import { describe, expect, it } from 'vitest';
import { FirstUploadGate } from './first-upload-gate.js';

describe('FirstUploadGate', () => {
  it('lets the first caller through alone and the others only once it is answered', async () => {
    const gate = new FirstUploadGate();
    const passed: string[] = [];
    const answerFirst = await gate.enter();
    passed.push('first');
    const second = gate.enter().then((done) => (passed.push('second'), done));
    const third = gate.enter().then((done) => (passed.push('third'), done));
    await Promise.resolve();
    await Promise.resolve();
    expect(passed).toEqual(['first']);

    answerFirst();
    await Promise.all([second, third]);
    expect(passed).toEqual(['first', 'second', 'third']);
    await gate.enter();
  });
});
