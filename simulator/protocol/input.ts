import { AwsError } from './aws-error';
import { JsonInput } from './service-handler';

/**
 * Readers for request members. AWS validates required members and their patterns before doing
 * anything; each service passes the error it answers with (ValidationException,
 * InvalidInputException, ...).
 */
export type InvalidInput = (message: string) => AwsError;

export function requiredString(input: JsonInput, member: string, invalid: InvalidInput, pattern?: RegExp): string {
  const value = input[member];
  if (value === undefined || value === null) throw invalid(`1 validation error detected: Value null at '${lowerFirst(member)}' failed to satisfy constraint: Member must not be null`);
  return checkString(value, member, invalid, pattern);
}

export function optionalString(input: JsonInput, member: string, invalid: InvalidInput, pattern?: RegExp): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  return checkString(value, member, invalid, pattern);
}

export function optionalInteger(input: JsonInput, member: string, invalid: InvalidInput): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`Value at '${lowerFirst(member)}' must be an integer`);
  return value;
}

export function optionalBoolean(input: JsonInput, member: string, invalid: InvalidInput): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`Value at '${lowerFirst(member)}' must be a boolean`);
  return value;
}

export function optionalObject(input: JsonInput, member: string, invalid: InvalidInput): JsonInput | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`Value at '${lowerFirst(member)}' must be a structure`);
  return value as JsonInput;
}

export function optionalArray(input: JsonInput, member: string, invalid: InvalidInput): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`Value at '${lowerFirst(member)}' must be a list`);
  return value;
}

export function oneOf<T extends string>(value: string | undefined, member: string, allowed: readonly T[], invalid: InvalidInput): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(`1 validation error detected: Value '${value}' at '${lowerFirst(member)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

function checkString(value: unknown, member: string, invalid: InvalidInput, pattern?: RegExp): string {
  if (typeof value !== 'string') throw invalid(`Value at '${lowerFirst(member)}' must be a string`);
  if (pattern && !pattern.test(value)) {
    throw invalid(`1 validation error detected: Value '${value}' at '${lowerFirst(member)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
