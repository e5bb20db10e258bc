import { describe, expect, it } from 'vitest';
import { ListMemberIndex } from './list-member-index.js';

describe('ListMemberIndex', () => {
  it('tells members in the file from those to remove, and keeps members without an email', () => {
    const index = new ListMemberIndex();
    for (const member of [
      { profileId: 'P1', email: 'ana@example.com' },
      { profileId: 'P2', email: undefined },
      { profileId: 'P3', email: 'bo@example.com' },
      { profileId: 'P4', email: 'dé@exämple.com' },
      { profileId: 'P3', email: 'bo@example.com' }, // a page boundary that moved
    ]) {
      index.add(member);
    }

    expect([index.markInFile('ana@example.com'), index.markInFile('dé@exämple.com'), index.markInFile('new@example.com')]).toEqual([
      true,
      true,
      false,
    ]);
    expect([...index.notInFile()]).toEqual([{ email: 'bo@example.com', profileId: 'P3' }]);
    expect([index.size, index.withoutEmail, index.countNotInFile()]).toEqual([4, 1, 1]);
  });

  it('holds many members across arena and table growth', () => {
    const index = new ListMemberIndex();
    for (let n = 0; n < 50_000; n += 1) index.add({ profileId: `01ID${n}`, email: `member.${n}@example.com` });
    for (let n = 0; n < 50_000; n += 2) expect(index.markInFile(`member.${n}@example.com`)).toBe(true);

    const toRemove = [...index.notInFile()];
    expect(toRemove).toHaveLength(25_000);
    expect(toRemove[0]).toEqual({ email: 'member.1@example.com', profileId: '01ID1' });
    expect(toRemove.at(-1)).toEqual({ email: 'member.49999@example.com', profileId: '01ID49999' });
  });
});
