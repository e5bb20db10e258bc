import { it } from 'vitest';
import { startSandbox } from './sandbox-server.js';
it('dbg', async () => {
    const s = await startSandbox({ rateLimits: 'off', faults: { latencyMs: 60_000 } });
    const t0 = Date.now();
    const p = fetch(`${s.url}/api/lists`, { headers: { revision: '2026-07-15' } }).catch((e: unknown) => e);
    await new Promise((res) => setTimeout(res, 0));
    await s.close();
    console.log('closed', Date.now() - t0, process.getActiveResourcesInfo());
    const r = await p;
    console.log(Date.now() - t0, String(r), (r as any)?.cause?.code, s.stats().requests, process.getActiveResourcesInfo());
}, 60000);
