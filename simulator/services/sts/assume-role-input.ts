import { AwsError } from '../../protocol/aws-error';
import { JsonInput } from '../../protocol/service-handler';

/** An AssumeRole request once its members satisfy the API's constraints. */
export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
}

/**
 * The constraints of the AssumeRole request members (STS API Reference, AssumeRole, Request Parameters): RoleArn
 * 20 to 2048 characters; RoleSessionName 2 to 64 characters of `[\w+=,.@-]*`; DurationSeconds 900 to 43200,
 * "By default, the value is set to 3600 seconds".
 */
const ROLE_ARN_LENGTH = { min: 20, max: 2048 };
const SESSION_NAME_LENGTH = { min: 2, max: 64 };
const SESSION_NAME_PATTERN = '[\\w+=,.@-]*';
const DURATION = { min: 900, max: 43_200, default: 3600 };

/** Members that ask for session policies or session tags, which narrow a session's permissions: not modelled. */
const SESSION_POLICY_MEMBERS = /^(Policy|PolicyArns|Tags|TransitiveTagKeys|ProvidedContexts)(\.|$)/;

/**
 * Reads and validates an AssumeRole request (form members, so every value is a string). Failures are reported the way
 * STS reports them, all together, as ValidationError, 400: "1 validation error detected: Value 'PowerUser/hjacobs' at
 * 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*"
 * (zalando-stups/aws-credentials-service#7), "... Member must have length less than or equal to 64" (youyo/awslogin#20).
 * The `N validation errors detected: ...; ...` joining and the DurationSeconds wording ("Member must have value greater
 * than or equal to 900") follow the same AWS validation-message form; no quoted instance was found for them.
 */
export function assumeRoleRequest(input: JsonInput): AssumeRoleRequest {
  const sessionPolicy = Object.keys(input).find((member) => SESSION_POLICY_MEMBERS.test(member) && (member.includes('.') || input[member] !== ''));
  if (sessionPolicy !== undefined) {
    // A session the simulator cannot narrow would be allowed more than AWS allows it: refused loudly, as a simulator limit.
    throw new Error(`AssumeRole with ${sessionPolicy}: session policies and session tags are not modelled by the simulator`);
  }
  const failures: string[] = [];
  const roleArn = stringMember(input, 'RoleArn', failures, ROLE_ARN_LENGTH);
  const sessionName = stringMember(input, 'RoleSessionName', failures, SESSION_NAME_LENGTH, SESSION_NAME_PATTERN);
  const durationSeconds = durationMember(input, failures);
  if (failures.length > 0) {
    const count = failures.length === 1 ? '1 validation error' : `${failures.length} validation errors`;
    throw validationError(`${count} detected: ${failures.join('; ')}`);
  }
  return { roleArn: roleArn!, sessionName: sessionName!, durationSeconds };
}

/** STS's validation error: code ValidationError, HTTP 400 (as in gitlab-org/gitlab-runner#38370). */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message, { status: 400 });
}

function stringMember(
  input: JsonInput, member: string, failures: string[], length: { min: number; max: number }, pattern?: string,
): string | undefined {
  const value = input[member];
  const at = `at '${lowerFirst(member)}' failed to satisfy constraint`;
  if (typeof value !== 'string') {
    failures.push(`Value null ${at}: Member must not be null`);
    return undefined;
  }
  if (pattern !== undefined && !new RegExp(`^${pattern}$`).test(value)) {
    failures.push(`Value '${value}' ${at}: Member must satisfy regular expression pattern: ${pattern}`);
  }
  if (value.length < length.min) failures.push(`Value '${value}' ${at}: Member must have length greater than or equal to ${length.min}`);
  if (value.length > length.max) failures.push(`Value '${value}' ${at}: Member must have length less than or equal to ${length.max}`);
  return value;
}

function durationMember(input: JsonInput, failures: string[]): number {
  const raw = input.DurationSeconds;
  if (raw === undefined) return DURATION.default;
  const at = "at 'durationSeconds' failed to satisfy constraint";
  const value = Number(raw);
  // Not an integer at all: the SDK never sends one; the wording is the simulator's.
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) failures.push(`Value '${String(raw)}' ${at}: Member must be an integer`);
  else if (value < DURATION.min) failures.push(`Value '${raw}' ${at}: Member must have value greater than or equal to ${DURATION.min}`);
  else if (value > DURATION.max) failures.push(`Value '${raw}' ${at}: Member must have value less than or equal to ${DURATION.max}`);
  return value;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
