import type { RunLockOptions } from '../state/run-lock.js';

/** This process, as the run lock needs to know it: its pid, and how to tell whether another pid lives. */
export function processIdentity(): RunLockOptions {
  return { pid: process.pid, isProcessAlive: isLocalProcessAlive };
}

/** Signal 0 only probes: ESRCH means no such process; EPERM means it exists under another user. */
function isLocalProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
