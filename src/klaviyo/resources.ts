import { z } from 'zod';

/**
 * Zod schemas for the parts of Klaviyo's JSON:API answers this client reads (spec revision
 * 2026-07-15), and the plain values the client hands out. Unread fields are ignored.
 */
const nullableString = z.string().nullish();
const nullableCount = z.number().int().nullish();

const linksSchema = z.object({ next: nullableString }).nullish();

const listResourceSchema = z.object({
  id: z.string(),
  attributes: z.object({ name: z.string(), created: nullableString }),
});

export const listResponseSchema = z.object({ data: listResourceSchema });
export const listPageSchema = z.object({ data: z.array(listResourceSchema), links: linksSchema });

const accountResourceSchema = z.object({
  id: z.string(),
  attributes: z.object({
    contact_information: z.object({ organization_name: nullableString }).nullish(),
  }),
});

/** A private key belongs to exactly one account: the page holds one resource. */
export const accountPageSchema = z.object({ data: z.tuple([accountResourceSchema], accountResourceSchema) });

/**
 * The spec lists queued, processing, complete and cancelled; any other value is kept as it came
 * (a newer revision's status), so that the job is still followed instead of its answer refused.
 */
const importJobStatusSchema = z.string();

const importJobResourceSchema = z.object({
  id: z.string(),
  attributes: z.object({
    status: importJobStatusSchema,
    // Required by the spec; tolerated when absent, as the counts that matter are the other two.
    total_count: z.number().int().nullish(),
    completed_count: nullableCount,
    failed_count: nullableCount,
    created_at: nullableString,
    completed_at: nullableString,
    expires_at: nullableString,
  }),
});

export const importJobResponseSchema = z.object({ data: importJobResourceSchema });
export const importJobPageSchema = z.object({ data: z.array(importJobResourceSchema), links: linksSchema });

export const importErrorPageSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      attributes: z.object({
        code: nullableString,
        title: nullableString,
        detail: nullableString,
        source: z.object({ pointer: nullableString }).nullish(),
        original_payload: z.unknown().optional(),
      }),
    }),
  ),
  links: linksSchema,
});

/** get_profiles_for_list (GetListMemberResponseCollection): the attributes asked for with `fields[profile]`. */
export const listMemberPageSchema = z.object({
  data: z.array(z.object({ id: z.string(), attributes: z.record(z.string(), z.unknown()) })),
  links: linksSchema,
});

export interface KlaviyoList {
  id: string;
  name: string;
  created?: string;
}

export interface KlaviyoAccount {
  id: string;
  name: string;
}

/** The statuses the spec names, or another value Klaviyo sent (not final: the job is still polled). */
export type ImportJobStatus = 'queued' | 'processing' | 'complete' | 'cancelled' | (string & Record<never, never>);

export interface ImportJob {
  id: string;
  status: ImportJobStatus;
  totalCount: number;
  completedCount: number;
  failedCount: number;
  createdAt?: string;
  completedAt?: string;
  expiresAt?: string;
}

export interface ListMember {
  id: string;
  /** As Klaviyo stores it; undefined when the profile has none. */
  email?: string;
  attributes: Record<string, unknown>;
}

export interface ImportErrorItem {
  id: string;
  code?: string;
  title?: string;
  detail?: string;
  pointer?: string;
  originalPayload?: unknown;
}

/** Copies only the keys whose value is present, so results carry no `key: undefined`. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined && entry !== null)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

export function toKlaviyoList(resource: z.infer<typeof listResourceSchema>): KlaviyoList {
  return definedOnly({
    id: resource.id,
    name: resource.attributes.name,
    created: resource.attributes.created ?? undefined,
  });
}

export function toKlaviyoAccount(page: z.infer<typeof accountPageSchema>): KlaviyoAccount {
  const [account] = page.data;
  return { id: account.id, name: account.attributes.contact_information?.organization_name ?? account.id };
}

export function toImportJob(response: z.infer<typeof importJobResponseSchema>): ImportJob {
  const { id, attributes } = response.data;
  return definedOnly({
    id,
    status: attributes.status,
    totalCount: attributes.total_count ?? 0,
    completedCount: attributes.completed_count ?? 0,
    failedCount: attributes.failed_count ?? 0,
    createdAt: attributes.created_at ?? undefined,
    completedAt: attributes.completed_at ?? undefined,
    expiresAt: attributes.expires_at ?? undefined,
  });
}

export function toImportErrorItems(page: z.infer<typeof importErrorPageSchema>): ImportErrorItem[] {
  return page.data.map(({ id, attributes }) =>
    definedOnly({
      id,
      code: attributes.code ?? undefined,
      title: attributes.title ?? undefined,
      detail: attributes.detail ?? undefined,
      pointer: attributes.source?.pointer ?? undefined,
      originalPayload: attributes.original_payload ?? undefined,
    }),
  );
}

export function toListMembers(page: z.infer<typeof listMemberPageSchema>): ListMember[] {
  return page.data.map(({ id, attributes }) =>
    typeof attributes.email === 'string' ? { id, email: attributes.email, attributes } : { id, attributes },
  );
}
