/**
 * Compares a list's member emails (lower-cased, as the sandbox returns them) with the expected set.
 * `repeated` counts emails that appear more than once in the list, which a list must never do.
 */
export function compareMembers(memberEmails, expectedEmails) {
  const seen = new Set();
  let repeated = 0;
  let extra = 0;
  for (const email of memberEmails) {
    if (seen.has(email)) {
      repeated += 1;
      continue;
    }
    seen.add(email);
    if (!expectedEmails.has(email)) extra += 1;
  }
  let missing = 0;
  for (const email of expectedEmails) if (!seen.has(email)) missing += 1;
  return {
    memberCount: memberEmails.length,
    missing,
    extra,
    repeated,
    isExact: missing === 0 && extra === 0 && repeated === 0 && memberEmails.length === expectedEmails.size,
  };
}
