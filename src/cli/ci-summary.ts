import { appendFileSync } from 'node:fs';
import { redactSecret } from '../config/secret.js';
import {
  formatAnnotation,
  renderRunStepSummary,
  renderVerifyStepSummary,
  runAnnotation,
  verifyAnnotation,
} from '../report/render-step-summary.js';
import type { RunSummary } from '../report/run-summary.js';
import type { VerifySummary } from '../report/verify-summary.js';
import type { CliContext } from './cli-context.js';

/**
 * Where CI users look: with GITHUB_STEP_SUMMARY set, a short Markdown summary is appended to that
 * file (GitHub Actions shows it on the run page); with GITHUB_ACTIONS=true, the outcome is also one
 * workflow annotation. Outside CI it does nothing. The one entry point for push, run and verify.
 */
export function publishCiSummary(context: CliContext, summary: RunSummary | VerifySummary, options: { isJsonOutput: boolean }): void {
  const { githubStepSummary, isGithubActions, apiKey } = context.env;
  if (githubStepSummary !== undefined) {
    const markdown = summary.command === 'verify' ? renderVerifyStepSummary(summary) : renderRunStepSummary(summary);
    try {
      appendFileSync(githubStepSummary, redactSecret(markdown, apiKey));
    } catch (error) {
      // The run's own outcome matters more than its CI decoration: say so, and go on.
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      context.stderr.write(`warning: cannot append the step summary to GITHUB_STEP_SUMMARY (${code}).\n`);
    }
  }
  if (isGithubActions) {
    const annotation = summary.command === 'verify' ? verifyAnnotation(summary) : runAnnotation(summary);
    // The runner reads workflow commands from both streams; with --json, stdout holds only the JSON object.
    const sink = options.isJsonOutput ? context.stderr : context.stdout;
    sink.write(redactSecret(formatAnnotation(annotation), apiKey));
  }
}
