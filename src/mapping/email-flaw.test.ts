import { describe, expect, it } from 'vitest';
import { isEmailAddress } from './email-address.js';
import { EMAIL_FLAW_HINTS, findEmailFlaw } from './email-flaw.js';

describe('findEmailFlaw', () => {
  it.each([
    ['a zero-width space inside', 'ann\u200B@example.com', 'invisible_character'],
    ['a zero-width joiner inside', 'ann@exam\u200Dple.com', 'invisible_character'],
    ['a byte order mark inside', 'ann@\uFEFFexample.com', 'invisible_character'],
    ['a non-breaking space inside', 'ann\u00A0@example.com', 'invisible_character'],
    ['a full-width at sign', 'ann\uFF20example.com', 'full_width_at'],
    ['a small at sign', 'ann\uFE6Bexample.com', 'full_width_at'],
    ['a mailto: prefix', 'mailto:ann@example.com', 'mailto_prefix'],
    ['an upper-case MAILTO: prefix', 'MAILTO:ann@example.com', 'mailto_prefix'],
    ['a display name', 'Ann Lee <ann@example.com>', 'display_name'],
    ['angle brackets alone', '<ann@example.com>', 'display_name'],
    ['two addresses split by ;', 'ann@example.com;bob@example.com', 'several_addresses'],
    ['two addresses split by , and a space', 'ann@example.com, bob@example.com', 'several_addresses'],
    ['two addresses split by a space', 'ann@example.com bob@example.com', 'several_addresses'],
    ['no @ at all', 'ann.example.com', 'no_at_sign'],
    ['a non-ASCII domain', 'ann@exämple.de', 'non_ascii_domain'],
    ['a non-ASCII top-level domain', 'ann@example.рф', 'non_ascii_domain'],
    ['a non-ASCII local part', 'jürgen@example.de', 'non_ascii_local_part'],
  ])('finds %s', (_case, text, flaw) => {
    expect(isEmailAddress(text)).toBe(false);
    expect(findEmailFlaw(text)).toBe(flaw);
  });

  it.each(['ann@@example.com', 'ann@example', 'ann..lee@example.com', 'ann@-example.com', 'a b@example.com'])(
    'names no flaw for other invalid addresses: %j',
    (text) => {
      expect(findEmailFlaw(text)).toBeUndefined();
    },
  );

  it('suggests punycode for a non-ASCII domain', () => {
    expect(EMAIL_FLAW_HINTS.non_ascii_domain).toContain('punycode (xn--...)');
  });
});
