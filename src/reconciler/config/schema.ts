import { z } from 'zod';
import { CONFIG_VERSION, HeadDocument, PartDocument, READABLE_CONFIG_VERSIONS } from './document';
import { IDENTIFIERS } from './identifiers';

// Run-time validation of the stored config document (Lambda only; bundled with zod).
// The `satisfies`-style assertions at the bottom keep this schema and the types in document.ts equal.

const name = z.string().min(1).max(1024);
const accountId = z.string().regex(IDENTIFIERS.accountId, 'expected a 12-digit account id');

const principal = z.union([
  z.strictObject({ group: name }),
  z.strictObject({ groupId: name }),
  z.strictObject({ user: name }),
  z.strictObject({ userId: name }),
]);

const baseTarget = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ ou: name, nested: z.literal(false).optional() }),
  z.strictObject({ account: name }),
  z.strictObject({ tag: z.strictObject({ key: name, value: z.string().max(256) }) }),
]);

const exclude = z.array(baseTarget).min(1).optional();
const target = z.union([
  z.strictObject({ all: z.literal(true), exclude }),
  z.strictObject({ ou: name, nested: z.literal(false).optional(), exclude }),
  z.strictObject({ account: name, exclude }),
  z.strictObject({ tag: z.strictObject({ key: name, value: z.string().max(256) }), exclude }),
]);

const rule = z.strictObject({ principal, permissionSet: name, target, expires: z.number().int().positive().optional() });

const permissionSetArn = z.string().regex(IDENTIFIERS.permissionSetArn, 'expected a permission set ARN');

const revision = z.string().min(1).max(128);
const permissionSet = z.strictObject({ name, arn: permissionSetArn.optional() });

const headFields = {
  revision,
  parts: z.array(z.string().min(1)),
  instanceArn: z.string().regex(IDENTIFIERS.instanceArn, 'expected an Identity Center instance ARN'),
  identityStoreId: z.string().min(1).max(36),
  permissionSets: z.array(permissionSet),
  rules: z.array(rule),
};
const options = {
  groupNameSuffix: z.string().min(1).optional(),
  managementAccountId: accountId.optional(),
};

export const headSchema = z.strictObject({ version: z.literal(CONFIG_VERSION), ...headFields, options: z.strictObject(options) });

/** Version 1 carried the guard settings; they are read and ignored (the function's configuration holds them now). */
const headSchemaV1 = z.strictObject({
  version: z.literal(1),
  ...headFields,
  options: z.strictObject({ ...options, dryRun: z.boolean(), maxDeletionsPerRun: z.number().int().min(0) }),
});

export const partSchema = z.strictObject({ revision, permissionSets: z.array(permissionSet).optional(), rules: z.array(rule) });

/** Parses a stored head value (version 1 is read as version 2); the error lists every problem with its JSON path. */
export function parseHead(json: string): { value: HeadDocument } | { error: string } {
  const v1 = (parsed(json) as { version?: unknown } | undefined)?.version === 1;
  const result = parse(v1 ? headSchemaV1 : headSchema, json);
  if ('error' in result || !v1) return result as { value: HeadDocument } | { error: string };
  const { options: { dryRun: _dryRun, maxDeletionsPerRun: _max, ...kept }, ...rest } = result.value as z.infer<typeof headSchemaV1>;
  return { value: { ...rest, version: CONFIG_VERSION, options: kept } };
}

function parsed(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

export function parsePart(json: string): { value: PartDocument } | { error: string } {
  return parse(partSchema, json) as { value: PartDocument } | { error: string };
}

function parse(schema: z.ZodType, json: string): { value: unknown } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  // A stored document that names a newer schema is refused with a message saying so.
  const version = (raw as { version?: unknown })?.version;
  if (version !== undefined && !READABLE_CONFIG_VERSIONS.includes(version as number)) {
    return {
      error: `config version ${JSON.stringify(version)} is not supported by this reconciler (it reads versions ${READABLE_CONFIG_VERSIONS.join(' and ')}); `
        + 'deploy the matching library version',
    };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { value: result.data };
  return {
    error: result.error.issues
      .slice(0, 20)
      .map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`)
      .join('; '),
  };
}

// Compile-time proof that the schema and document.ts describe the same shape, both ways.
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mutable<T> = T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
const headMatches: Equal<Mutable<z.infer<typeof headSchema>>, Mutable<HeadDocument>> = true;
const partMatches: Equal<Mutable<z.infer<typeof partSchema>>, Mutable<PartDocument>> = true;
void headMatches;
void partMatches;
