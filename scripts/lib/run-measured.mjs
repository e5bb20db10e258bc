#!/usr/bin/env node
// Runs the built CLI in this process and, on exit, writes its own CPU time and peak RSS to the file
// named by the first argument, so that benchmarks measure the CLI alone (not the sandbox or the script).
// Usage: node scripts/lib/run-measured.mjs <usage.json> <cli args...>
import { writeFileSync } from 'node:fs';
import { main } from '../../dist/cli/main.js';

const [usagePath, ...args] = process.argv.slice(2);
const startedAt = performance.now();
process.on('exit', (code) => {
  const usage = process.resourceUsage();
  writeFileSync(
    usagePath,
    JSON.stringify({
      exitCode: code,
      wallSeconds: (performance.now() - startedAt) / 1000,
      userSeconds: usage.userCPUTime / 1e6,
      systemSeconds: usage.systemCPUTime / 1e6,
      peakRssMb: usage.maxRSS / 1024,
    }),
  );
});
await main([process.argv[0], 'klaviyo-export', ...args]);
