import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProfileImportBody, createProfileImportEnvelope, serializeProfileResource } from '../../klaviyo/profile-import-payload.js';
import { profileResourcesOf, withoutProfiles } from './batch-contents.js';
import { BatchStager } from './batch-stager.js';
import { ExitCode, UsageError } from '../../errors.js';

const envelope = createProfileImportEnvelope('LIST01');
const resources = ['a', 'b', 'c', 'd'].map((name) => serializeProfileResource({ email: `${name}@example.com` }));
const parents: string[] = [];

afterEach(async () => {
  await Promise.all(parents.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('BatchStager', () => {
  it('empties what a killed run left, keeps each body in a private file, reads it back and removes everything on dispose', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'stager-test-'));
    parents.push(parent);
    await mkdir(join(parent, 'staging'));
    await writeFile(join(parent, 'staging', 'left-by-a-killed-run.json'), 'old');
    const stager = await BatchStager.create(join(parent, 'staging'));
    expect(await readdir(join(parent, 'staging'))).toEqual([]);
    const body = Buffer.from(buildProfileImportBody(envelope, resources));
    await stager.stage({ index: 0, exportIndex: 0, profiles: 4, lines: Uint32Array.from([2, 3, 5, 9]), bodyBytes: 123, body });
    body.fill(0); // the planner reuses its buffer once the stage call has returned
    const [batch] = stager.batches;
    expect(batch).toMatchObject({ index: 0, profiles: 4, bodyBytes: 123 });
    expect([...batch!.lines]).toEqual([2, 3, 5, 9]);
    expect(profileResourcesOf(await stager.readBody(batch!)).map((r) => r.attributes?.email)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
    ]);
    expect((await stat(batch!.path)).mode & 0o777).toBe(0o600);
    await stager.dispose();
    expect(await readdir(parent)).toEqual([]);
  });
});

describe('withoutProfiles', () => {
  it.each([
    { removed: [], kept: [0, 1, 2, 3] },
    { removed: [0], kept: [1, 2, 3] },
    { removed: [1, 3], kept: [0, 2] },
    { removed: [0, 1, 2, 3], kept: [] },
  ])('removes positions $removed and keeps $kept, in order, in the same envelope', ({ removed, kept }) => {
    const body = envelope.head + resources.join(',') + envelope.tail;
    const next = withoutProfiles(body, envelope, new Set(removed));
    expect(next.kept).toEqual(kept);
    expect(next.body).toBe(envelope.head + kept.map((i) => resources[i]).join(',') + envelope.tail);
  });

  it('stops with one sentence and exit 2 when a body cannot be written (nothing sent yet)', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'stager-test-'));
    parents.push(parent);
    const stager = await BatchStager.create(join(parent, 'staging'));
    await rm(join(parent, 'staging'), { recursive: true }); // as a full or vanished disk would
    const body = Buffer.from(buildProfileImportBody(envelope, resources));
    const error: unknown = await stager
      .stage({ index: 0, exportIndex: 0, profiles: 4, lines: Uint32Array.from([2, 3, 5, 9]), bodyBytes: 123, body })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    expect((error as UsageError).message).toMatch(
      /^Cannot keep the request bodies in the state directory \(.*staging: ENOENT\).*Nothing was sent\.$/,
    );
  });
});
