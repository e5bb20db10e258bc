import { appendFileSync } from 'node:fs';
import { redactSecret } from '../config/secret.js';
import {
  formatAnnotation,
  redactEmails,
  renderFailureStepSummary,
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
export function publishCiSummary(context: CliContext, summary: RunSummary | VerifySummary, options: { isStdoutReserved: boolean }): void {
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
    // The runner reads workflow commands from both streams; with --json (or --rejects -), stdout holds only the JSON object (or the CSV).
    const sink = options.isStdoutReserved ? context.stderr : context.stdout;
    sink.write(redactSecret(formatAnnotation(annotation), apiKey));
  }
}

/** A run that stopped on an error (exit 2, 3, 4...) has no summary: CI still shows why it failed. */
export function publishCiFailure(
  context: CliContext,
  failure: { command: string; message: string; exitCode: number },
  options: { isStdoutReserved: boolean },
): void {
  const { githubStepSummary, isGithubActions, apiKey } = context.env;
  if (githubStepSummary !== undefined) {
    try {
      appendFileSync(githubStepSummary, redactSecret(renderFailureStepSummary(failure), apiKey));
    } catch {
      // The error itself is already on stderr; a summary that cannot be written adds nothing to it.
    }
  }
  if (isGithubActions) {
    const annotation = { level: 'error' as const, title: `klaviyo-export ${failure.command}`, message: redactEmails(failure.message) };
    (options.isStdoutReserved ? context.stderr : context.stdout).write(redactSecret(formatAnnotation(annotation), apiKey));
  }
}
