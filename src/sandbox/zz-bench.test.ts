import { it } from 'vitest';
import { startSandbox } from './sandbox-server.js';
import { validateImportRequest } from './profile-validation.js';
it('bench', async () => {
  const s = await startSandbox({ rateLimits: 'off', jobProcessing: { queuedMs: 0, profilesPerSecond: 1e9 } });
  const bodies: string[] = [];
  for (let b = 0; b < 100; b++) {
    const profiles = Array.from({ length: 10_000 }, (_, i) => `{"type":"profile","attributes":{"email":"user${b}_${i}@example.com","first_name":"First${i}","last_name":"Last","properties":{"plan":"gold","score":${i}}}}`);
    bodies.push(`{"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[${profiles.join(',')}]}},"relationships":{"lists":{"data":[{"type":"list","id":"Y6nRLr"}]}}}}`);
  }
  console.log('body MB', (bodies[0]!.length / 1e6).toFixed(2));
  let t = performance.now();
  for (const body of bodies.slice(0, 100)) validateImportRequest(JSON.parse(body));
  console.log('parse+validate 1M ms', (performance.now() - t).toFixed(0));
  t = performance.now();
  for (const body of bodies.slice(0, 100)) JSON.parse(body);
  console.log('parse only 1M ms', (performance.now() - t).toFixed(0));
  t = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < 100; i += 4) {
    await Promise.all(bodies.slice(i, i + 4).map(async (body) => {
      const r = await fetch(`${s.url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: { Authorization: 'Klaviyo-API-Key pk_sandbox_0000000000000000000000000000', revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' }, body });
      if (r.status !== 202) throw new Error(String(r.status)); await r.arrayBuffer();
    }));
  }
  console.log('100 posts ms', (performance.now() - t).toFixed(0), 'cpu', JSON.stringify(process.cpuUsage(cpu)));
  t = performance.now();
  console.log('profiles', s.profileCount(), 'settle ms', (performance.now() - t).toFixed(0), 'members', s.listMemberEmails('Y6nRLr').length, 'rss MB', (process.memoryUsage().rss / 1e6).toFixed(0));
  await s.close();
}, 120000);
