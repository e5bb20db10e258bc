import { describe, expect, it } from 'vitest';
import { OPERATIONS, type OperationId } from './operations.js';
import { checkQueryVocabulary } from './query-checks.js';

function check(operationId: OperationId, query: string) {
  const operation = OPERATIONS.find((candidate) => candidate.id === operationId);
  if (operation === undefined) throw new Error(`no operation ${operationId}`);
  return checkQueryVocabulary(new URLSearchParams(query), operation.query);
}

describe('checkQueryVocabulary', () => {
  it.each([
    ['get_lists', 'fields[list]=name,created&include=tags,flow-triggers&page[size]=10'],
    ['get_list', 'additional-fields[list]=profile_count&fields[list]=profile_count'],
    ['get_profiles_for_list', 'fields[profile]=email,location.city,joined_group_at'],
    ['get_accounts', 'fields[account]=contact_information.organization_name'],
    ['get_bulk_import_profiles_job', 'include=lists&fields[list]=name'],
    ['get_errors_for_bulk_import_profiles_job', 'fields[import-error]=source,original_payload'],
  ] as const)('accepts %s ?%s', (operationId, query) => {
    expect(check(operationId, query)).toBeUndefined();
  });

  it.each([
    ['get_lists', 'fields[list]=profile_count', 'fields[list]'],
    ['get_lists', 'fields[list]=nmae', 'fields[list]'],
    ['get_lists', 'fields[profile]=email', 'fields[profile]'],
    ['get_lists', 'include=profiles', 'include'],
    ['get_list', 'additional-fields[list]=member_count', 'additional-fields[list]'],
    ['get_bulk_import_profiles_jobs', 'include=lists', 'include'],
    ['get_profiles_for_list', 'fields[profile]=_kx', 'fields[profile]'],
  ] as const)('refuses %s ?%s naming %s', (operationId, query, parameter) => {
    expect(check(operationId, query)).toMatchObject({
      status: 400,
      body: { errors: [{ status: '400', code: 'invalid', source: { parameter } }] },
    });
  });
});
