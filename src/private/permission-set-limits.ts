import { Token } from 'aws-cdk-lib';
import { CATALOG_TAG_KEY } from '../reconciler/contract';

// Limits that Identity Center or CloudFormation enforce at deploy time, checked at synth time instead.
// Sources:
// - CreatePermissionSet: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html
//   (Name 1-32 of [\w+=,.@-]; Description 1-700 of [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF];
//   RelayState 1-240; SessionDuration ISO-8601 between 1 and 12 hours; up to 50 tags)
// - CustomerManagedPolicyReference: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CustomerManagedPolicyReference.html
//   (Name 1-128 of [\w+=,.@-]; Path 1-512 matching ((/[A-Za-z0-9\.,\+@=_-]+)*)/)
// - Tag: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_Tag.html (key 1-128, value 0-256)
// - Quotas: https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html (one inline policy of at most
//   32,768 bytes and 10,240 non-whitespace characters; at most 20 AWS and customer managed policies per
//   permission set, while IAM allows 10 per role unless its adjustable quota is raised in every account)

export const NAME_MAX_LENGTH = 32;
const NAME_PATTERN = /^[\w+=,.@-]+$/;
export const DESCRIPTION_MAX_LENGTH = 700;
const DESCRIPTION_PATTERN = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/;
export const RELAY_STATE_MAX_LENGTH = 240;
export const SESSION_MIN_HOURS = 1;
export const SESSION_MAX_HOURS = 12;
export const INLINE_POLICY_MAX_BYTES = 32_768;
export const INLINE_POLICY_MAX_NON_WHITESPACE = 10_240;
export const MANAGED_POLICIES_HARD_LIMIT = 20;
export const MANAGED_POLICIES_IAM_DEFAULT = 10;
export const TAGS_MAX = 50;
const TAG_KEY_MAX_LENGTH = 128;
const TAG_VALUE_MAX_LENGTH = 256;
const POLICY_NAME_MAX_LENGTH = 128;
const POLICY_PATH_MAX_LENGTH = 512;
const POLICY_PATH_PATTERN = /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/;
const AWS_MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/.+$/;

/** What the checks need to know about one permission set, with tokens already resolved where possible. */
export interface PermissionSetFacts {
  readonly name: string;
  readonly description?: string;
  readonly sessionDurationSeconds?: number;
  readonly relayState?: string;
  /** The inline policy serialized as CloudFormation will send it, or undefined when it holds tokens. */
  readonly inlinePolicyJson?: string;
  readonly awsManagedPolicyArns: string[];
  readonly customerManagedPolicies: Array<{ name: string; path?: string }>;
  readonly boundaryCustomerManagedPolicy?: { name: string; path?: string };
  readonly tags: Record<string, string>;
}

export interface LimitReport {
  readonly errors: string[];
  readonly warnings: string[];
}

const known = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);

/** Checks one permission set against every deploy-time limit; messages name the value, the limit and the fix. */
export function checkPermissionSet(ps: PermissionSetFacts): LimitReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const subject = `permission set '${ps.name}'`;

  if (known(ps.name)) {
    if (ps.name.length < 1 || ps.name.length > NAME_MAX_LENGTH) {
      errors.push(`${subject}: name is ${ps.name.length} characters, the limit is 1 to ${NAME_MAX_LENGTH}; use a shorter name`);
    }
    if (!NAME_PATTERN.test(ps.name)) {
      errors.push(`${subject}: name contains characters outside [\\w+=,.@-]; use letters, digits and + = , . @ _ - only`);
    }
  }

  if (known(ps.description)) {
    if (ps.description.length < 1 || ps.description.length > DESCRIPTION_MAX_LENGTH) {
      errors.push(`${subject}: description is ${ps.description.length} characters, the limit is 1 to ${DESCRIPTION_MAX_LENGTH}; shorten it or omit it`);
    }
    const bad = [...ps.description].find((c) => !DESCRIPTION_PATTERN.test(c));
    if (bad !== undefined) {
      errors.push(`${subject}: description contains '${bad}' (U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}), which Identity Center rejects; use printable Latin-1 characters, tabs and newlines only`);
    }
  }

  if (ps.sessionDurationSeconds !== undefined) {
    const hours = ps.sessionDurationSeconds / 3600;
    if (hours < SESSION_MIN_HOURS || hours > SESSION_MAX_HOURS) {
      errors.push(`${subject}: session duration is ${formatSeconds(ps.sessionDurationSeconds)}, the limit is ${SESSION_MIN_HOURS} to ${SESSION_MAX_HOURS} hours; use Duration.hours(n) with n from ${SESSION_MIN_HOURS} to ${SESSION_MAX_HOURS}`);
    }
  }

  if (known(ps.relayState) && (ps.relayState.length < 1 || ps.relayState.length > RELAY_STATE_MAX_LENGTH)) {
    errors.push(`${subject}: relay state is ${ps.relayState.length} characters, the limit is 1 to ${RELAY_STATE_MAX_LENGTH}; use a shorter URL`);
  }

  if (ps.inlinePolicyJson !== undefined) {
    const bytes = Buffer.byteLength(ps.inlinePolicyJson, 'utf8');
    const nonWhitespace = ps.inlinePolicyJson.replace(/\s/g, '').length;
    if (bytes > INLINE_POLICY_MAX_BYTES) {
      errors.push(`${subject}: inline policy is ${bytes} bytes, the limit is ${INLINE_POLICY_MAX_BYTES}; move statements to customer managed policies`);
    }
    if (nonWhitespace > INLINE_POLICY_MAX_NON_WHITESPACE) {
      errors.push(`${subject}: inline policy has ${nonWhitespace} non-whitespace characters, the limit is ${INLINE_POLICY_MAX_NON_WHITESPACE}; move statements to customer managed policies`);
    }
  }

  for (const arn of ps.awsManagedPolicyArns.filter(known)) {
    if (!AWS_MANAGED_POLICY_ARN.test(arn)) {
      errors.push(`${subject}: '${arn}' is not an AWS managed policy ARN; pass customer managed policies as customerManagedPolicies: [{ name, path }]`);
    }
  }
  for (const arn of duplicates(ps.awsManagedPolicyArns.filter(known))) {
    errors.push(`${subject}: AWS managed policy '${arn}' is listed more than once; list it once`);
  }

  const customer = [...ps.customerManagedPolicies];
  if (ps.boundaryCustomerManagedPolicy) customer.push(ps.boundaryCustomerManagedPolicy);
  for (const ref of customer) {
    errors.push(...checkPolicyReference(subject, ref));
  }
  for (const key of duplicates(ps.customerManagedPolicies.map((r) => `${r.path ?? '/'}${r.name}`))) {
    errors.push(`${subject}: customer managed policy '${key}' is listed more than once; list it once`);
  }

  const managedCount = ps.awsManagedPolicyArns.length + ps.customerManagedPolicies.length;
  if (managedCount > MANAGED_POLICIES_HARD_LIMIT) {
    errors.push(`${subject}: ${managedCount} AWS and customer managed policies are attached, the limit is ${MANAGED_POLICIES_HARD_LIMIT} and cannot be raised; merge policies or move statements to the inline policy`);
  } else if (managedCount > MANAGED_POLICIES_IAM_DEFAULT) {
    warnings.push(`${subject}: ${managedCount} AWS and customer managed policies are attached; IAM allows ${MANAGED_POLICIES_IAM_DEFAULT} per role by default, so raise the adjustable IAM quota 'Managed policies attached to an IAM role' in every account this permission set is assigned to, or provisioning fails there`);
  }

  const tagKeys = Object.keys(ps.tags);
  // The catalog adds its own tag (CATALOG_TAG_KEY), on which the reconciler's permissions rest.
  if (tagKeys.length > TAGS_MAX - 1) {
    errors.push(`${subject}: ${tagKeys.length} tags, the limit is ${TAGS_MAX - 1} (Identity Center allows ${TAGS_MAX}, and the catalog adds its own); remove tags`);
  }
  if (tagKeys.includes(CATALOG_TAG_KEY)) {
    errors.push(`${subject}: the tag key '${CATALOG_TAG_KEY}' is the catalog's own; use another key`);
  }
  for (const key of tagKeys.filter(known)) {
    if (key.length < 1 || key.length > TAG_KEY_MAX_LENGTH) {
      errors.push(`${subject}: tag key '${key}' is ${key.length} characters, the limit is 1 to ${TAG_KEY_MAX_LENGTH}; use a shorter key`);
    }
    const value = ps.tags[key];
    if (known(value) && value.length > TAG_VALUE_MAX_LENGTH) {
      errors.push(`${subject}: tag '${key}' has a value of ${value.length} characters, the limit is ${TAG_VALUE_MAX_LENGTH}; use a shorter value`);
    }
  }

  return { errors, warnings };
}

/** Names that occur more than once, for the duplicate check across a catalog. */
export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return [...repeated];
}

function checkPolicyReference(subject: string, ref: { name: string; path?: string }): string[] {
  const errors: string[] = [];
  if (known(ref.name)) {
    if (ref.name.length < 1 || ref.name.length > POLICY_NAME_MAX_LENGTH || !NAME_PATTERN.test(ref.name)) {
      errors.push(`${subject}: customer managed policy name '${ref.name}' must be 1 to ${POLICY_NAME_MAX_LENGTH} characters of [\\w+=,.@-]; use the policy's name without its path`);
    }
  }
  if (known(ref.path)) {
    if (ref.path.length > POLICY_PATH_MAX_LENGTH || !POLICY_PATH_PATTERN.test(ref.path)) {
      errors.push(`${subject}: customer managed policy path '${ref.path}' must start and end with '/' and be at most ${POLICY_PATH_MAX_LENGTH} characters, for example '/' or '/team/'`);
    }
  }
  return errors;
}

function formatSeconds(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${seconds} seconds`;
}
