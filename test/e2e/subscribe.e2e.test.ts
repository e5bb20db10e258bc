import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_subscribe_0123456789abcdef';
const LIST = 'Y6nRLr';
const FAST_JOBS = { queuedMs: 20, profilesPerSecond: 200_000 };
const OPTED_OUT_AT = '2025-01-10T08:00:00Z';
const CONSENT = ['--subscribe', 'email', '--email-consent-column', 'Accepts Email Marketing'];

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: FAST_JOBS, ...options });
  return sandbox;
}

function push(file: string, args: string[], key = KEY) {
  return runCli(['push', '--list', LIST, '--yes', '--state-dir', makeTempDir(), file, ...args], {
    env: { KLAVIYO_API_KEY: key, KLAVIYO_BASE_URL: sandbox!.url },
  });
}

function writeCsv(rows: string[]): string {
  const file = join(makeTempDir(), 'customers.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

const MIXED = writeCsv([
  'Email,First Name,Accepts Email Marketing',
  'ann@example.com,Ann,yes',
  'bo@example.com,Bo,no',
  'cy@example.com,Cy,',
  'dee@example.com,Dee,TRUE',
  'ed@example.com,Ed,0',
]);

describe('push --subscribe', () => {
  it('subscribes only the rows that say yes, and adds every row to the list', async () => {
    await start();
    const result = await push(MIXED, [...CONSENT, '--json']);

    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([
      'ann@example.com',
      'bo@example.com',
      'cy@example.com',
      'dee@example.com',
      'ed@example.com',
    ]);
    const consent = (email: string) => sandbox!.profileConsent(email)?.email.consent;
    expect(['ann', 'bo', 'cy', 'dee', 'ed'].map((name) => consent(`${name}@example.com`))).toEqual([
      'SUBSCRIBED',
      'NEVER_SUBSCRIBED',
      'NEVER_SUBSCRIBED',
      'SUBSCRIBED',
      'NEVER_SUBSCRIBED',
    ]);
    const summary = JSON.parse(result.stdout);
    expect(summary.outcome).toBe('delivered');
    expect(summary.subscription).toMatchObject({
      channels: ['email'],
      consenting: 2,
      subscribed: { email: 2, sms: 0 },
      keptOptedOutCount: 0,
      refused: 0,
      notConsenting: { count: 3, lines: [3, 4, 6] },
    });
  });

  it('never re-subscribes a profile that unsubscribed beforehand, and says so without its email', async () => {
    await start({
      profiles: [
        {
          email: 'ann@example.com',
          emailConsent: 'UNSUBSCRIBED',
          emailConsentAt: OPTED_OUT_AT,
          suppressions: [{ reason: 'UNSUBSCRIBE', at: OPTED_OUT_AT }],
        },
      ],
    });
    const dir = makeTempDir();
    const report = join(dir, 'report.json');
    const result = await push(MIXED, [...CONSENT, '--report', report]);

    expect(result.code).toBe(0);
    expect(sandbox!.profileConsent('ann@example.com')).toMatchObject({
      email: { consent: 'UNSUBSCRIBED', suppressions: [{ reason: 'UNSUBSCRIBE' }] },
    });
    expect(sandbox!.profileConsent('dee@example.com')?.email.consent).toBe('SUBSCRIBED');
    expect(sandbox!.listMemberEmails(LIST)).toContain('ann@example.com');
    const reportText = readFileSync(report, 'utf8');
    expect(JSON.parse(reportText).subscription).toMatchObject({
      subscribed: { email: 1 },
      keptOptedOutCount: 1,
      keptOptedOut: [{ reason: 'email_unsubscribed', count: 1, lines: [2] }],
    });
    expect(reportText).not.toContain('@example.');
    expect(result.stdout).toMatch(/kept opted out\s+1/);
    expect(result.stdout + result.stderr).not.toContain('ann@');
  });

  it('sends rows with a past consent time as a historical import: subscribed at once, no confirmation email', async () => {
    await start({ lists: [{ id: LIST, name: 'Newsletter', optInProcess: 'double_opt_in' }] });
    const file = writeCsv(['Email,Accepts Email Marketing,Consented At', 'ann@example.com,yes,2024-03-05 14:30:00', 'bo@example.com,yes,']);
    const result = await push(file, [...CONSENT, '--consented-at-column', 'Consented At', '--json']);

    expect(result.code).toBe(0);
    expect(sandbox!.profileConsent('ann@example.com')?.email).toMatchObject({
      consent: 'SUBSCRIBED',
      consentAt: '2024-03-05T14:30:00.000000+00:00',
    });
    expect(sandbox!.profileConsent('bo@example.com')).toMatchObject({
      email: { consent: 'NEVER_SUBSCRIBED' },
      pendingConfirmationListIds: [LIST],
    });
    expect(sandbox!.stats().confirmationEmailsSent).toBe(1);
    expect(JSON.parse(result.stdout).subscription).toMatchObject({
      historicalImport: 1,
      confirmationEmails: 1,
      optInProcess: 'double_opt_in',
    });
  });

  it('announces, on a double opt-in list, how many people will receive a confirmation email', async () => {
    await start({ lists: [{ id: LIST, name: 'Newsletter', optInProcess: 'double_opt_in' }] });
    const result = await push(MIXED, [...CONSENT, '--log-format', 'json']);

    expect(result.code).toBe(0);
    const events = result.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const announced = events.find((event) => event.event === 'double-opt-in');
    expect(announced).toMatchObject({ level: 'warn', confirmationEmails: 2 });
    expect(announced.message).toContain('up to 2 people will each receive a confirmation email');
    expect(sandbox!.stats().confirmationEmailsSent).toBe(2);
    expect(events.at(-1)).toMatchObject({ event: 'done', subscribed: 2 });
  });

  it('stops at the first subscribe request when the key lacks subscriptions:write (exit 3), reporting the import as it is', async () => {
    const limitedKey = 'pk_e2e_no_subscriptions_0123456789';
    await start({ keys: [{ key: limitedKey, scopes: ['lists:write', 'profiles:write', 'accounts:read'] }] });
    const result = await push(MIXED, [...CONSENT, '--json'], limitedKey);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('subscriptions:write');
    const summary = JSON.parse(result.stdout);
    expect(summary.delivery.imported).toBe(5);
    expect(summary.subscription).toMatchObject({ subscribed: { email: 0 }, notSubscribed: { count: 2 } });
    expect(summary.subscription.stoppedBy).toContain('subscriptions:write');
    expect(sandbox!.stats().requests.bulk_subscribe_profiles).toBe(1);
    expect(sandbox!.profileConsent('ann@example.com')?.email.consent).toBe('NEVER_SUBSCRIBED');
  });

  it('refuses --subscribe without a consent column (exit 2), sending nothing', async () => {
    await start();
    const result = await push(MIXED, ['--subscribe', 'email']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--subscribe email needs --email-consent-column <column>');
    expect(sandbox!.stats().requests).toEqual({});
  });

  it.each([
    [['--subscribe', 'push', '--email-consent-column', 'Accepts Email Marketing'], '--subscribe "push" is not a channel'],
    [['--email-consent-column', 'Accepts Email Marketing'], '--email-consent-column is only used with --subscribe email'],
    [['--subscribe', 'email', '--email-consent-column', 'Opt In'], 'Column "Opt In" given to --email-consent-column is not in'],
  ])('refuses %j (exit 2), subscribing nobody', async (args, message) => {
    await start();
    const result = await push(MIXED, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(sandbox!.stats().requests.bulk_subscribe_profiles).toBeUndefined();
  });

  it('rejects a row whose consent it cannot read, with its line, into the rejects file', async () => {
    await start();
    const file = writeCsv(['Email,Accepts Email Marketing', 'ann@example.com,yes', 'bo@example.com,pending']);
    const rejects = join(makeTempDir(), 'rejects.csv');
    const result = await push(file, [...CONSENT, '--rejects', rejects]);

    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST)).toEqual(['ann@example.com']);
    expect(readFileSync(rejects, 'utf8')).toMatch(/^3,invalid_consent,/m);
  });

  it('--resubscribe lets through only a consent given after the recorded opt-out', async () => {
    const unsubscribed = (email: string) => ({
      email,
      emailConsent: 'UNSUBSCRIBED' as const,
      emailConsentAt: OPTED_OUT_AT,
      suppressions: [{ reason: 'UNSUBSCRIBE' as const, at: OPTED_OUT_AT }],
    });
    await start({ profiles: [unsubscribed('ann@example.com'), unsubscribed('bo@example.com')] });
    const file = writeCsv([
      'Email,Accepts Email Marketing,Consented At',
      'ann@example.com,yes,2025-02-01',
      'bo@example.com,yes,2024-12-01',
    ]);
    const result = await push(file, [...CONSENT, '--consented-at-column', 'Consented At', '--resubscribe', '--json']);

    expect(result.code).toBe(0);
    expect(sandbox!.profileConsent('ann@example.com')?.email).toMatchObject({ consent: 'SUBSCRIBED', suppressions: [] });
    expect(sandbox!.profileConsent('bo@example.com')?.email.consent).toBe('UNSUBSCRIBED');
    expect(JSON.parse(result.stdout).subscription).toMatchObject({ resubscribed: { count: 1, lines: [2] }, keptOptedOutCount: 1 });
  });

  it('subscribes SMS with the phone number of the rows that consented to SMS', async () => {
    await start();
    const file = writeCsv(['email,mobile,sms_ok', 'ann@example.com,(415) 555-2671,yes', 'bo@example.com,(415) 555-2672,no']);
    const result = await push(file, [
      '--subscribe',
      'sms',
      '--sms-consent-column',
      'sms_ok',
      '--map',
      'phone_number=mobile',
      '--default-country',
      'US',
    ]);

    expect(result.code).toBe(0);
    expect(sandbox!.profileConsent('ann@example.com')).toMatchObject({
      email: { consent: 'NEVER_SUBSCRIBED' },
      sms: { consent: 'SUBSCRIBED' },
    });
    expect(sandbox!.profileConsent('bo@example.com')?.sms.consent).toBe('NEVER_SUBSCRIBED');
  });

  it('puts the rows Klaviyo refused to subscribe in the rejects file with their columns, and exits 1', async () => {
    await start({ faults: { refuseSubscribeEmails: ['dee@example.com'] } });
    const rejects = join(makeTempDir(), 'rejects.csv');
    const result = await push(MIXED, [...CONSENT, '--rejects', rejects, '--json']);

    expect(result.code).toBe(1);
    expect(sandbox!.profileConsent('ann@example.com')?.email.consent).toBe('SUBSCRIBED');
    expect(sandbox!.profileConsent('dee@example.com')?.email.consent).toBe('NEVER_SUBSCRIBED');
    expect(JSON.parse(result.stdout).subscription).toMatchObject({
      subscribed: { email: 1 },
      refused: 1,
      refusedByKlaviyo: [{ reason: 'subscribe_invalid', count: 1, lines: [5] }],
    });
    expect(readFileSync(rejects, 'utf8')).toMatch(/^5,subscribe_refused,.*dee@example\.com,Dee,TRUE/m);
  });

  it('leaves consent alone without --subscribe, even with a consent column in the file', async () => {
    await start();
    const result = await push(MIXED, ['--json']);
    expect(result.code).toBe(0);
    expect(sandbox!.profileConsent('ann@example.com')?.email.consent).toBe('NEVER_SUBSCRIBED');
    expect(sandbox!.stats().requests.bulk_subscribe_profiles).toBeUndefined();
    expect(JSON.parse(result.stdout).subscription).toBeNull();
  });
});
