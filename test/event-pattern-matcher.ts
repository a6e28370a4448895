// A small EventBridge pattern matcher, for the subset of the pattern language this library uses:
// exact values, { prefix }, { exists }, { anything-but }, $or, nested objects, and event arrays (an
// array field matches when any element does). Semantics:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// EventBridge matches on the event's flattened leaf paths, so { exists: false } matches a leaf whose
// parents are missing too. Whether { anything-but } matches an absent field AWS does not say: here
// it does not (the less convenient answer), so patterns must match absence explicitly.
// Patterns are taken as CloudFormation renders them (keys such as "detail-type"), so tests exercise
// exactly what is deployed.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, condition]) => {
    if (key === '$or') {
      if (!Array.isArray(condition)) throw new Error(`$or must be an array of patterns, got ${JSON.stringify(condition)}`);
      return condition.some((alternative) => matches(alternative as Record<string, unknown>, event));
    }
    const value = event[key];
    if (Array.isArray(condition)) return matchesAny(condition, value as Json | undefined);
    if (condition !== null && typeof condition === 'object') {
      // A missing or scalar parent leaves every leaf below it absent.
      const nested = value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
      return matches(condition as Record<string, unknown>, nested);
    }
    throw new Error(`pattern field ${key} must be an array or an object, got ${JSON.stringify(condition)}`);
  });
}

function matchesAny(conditions: unknown[], value: Json | undefined): boolean {
  return conditions.some((condition) => {
    if (condition !== null && typeof condition === 'object') {
      const rule = condition as { 'exists'?: boolean; 'prefix'?: string; 'anything-but'?: unknown };
      if ('exists' in rule) return rule.exists === (value !== undefined);
      if ('anything-but' in rule) return value !== undefined && !values(value).some((v) => excluded(rule['anything-but'], v));
      if ('prefix' in rule) return values(value).some((v) => typeof v === 'string' && v.startsWith(rule.prefix!));
      throw new Error(`unsupported pattern condition ${JSON.stringify(condition)}`);
    }
    return values(value).some((v) => v === condition);
  });
}

/** An array in the event matches when any of its elements does. */
function values(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether `value` is one that { anything-but: excluded } leaves out: a value, a list of values, or a { prefix }. */
function excluded(exclusion: unknown, value: Json): boolean {
  if (Array.isArray(exclusion)) return exclusion.includes(value);
  if (exclusion !== null && typeof exclusion === 'object') {
    const rule = exclusion as { prefix?: string };
    if ('prefix' in rule) return typeof value === 'string' && value.startsWith(rule.prefix!);
    throw new Error(`unsupported anything-but condition ${JSON.stringify(exclusion)}`);
  }
  return exclusion === value;
}
