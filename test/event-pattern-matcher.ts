// A small EventBridge pattern matcher, for the subset of the pattern language this library uses:
// exact values, { prefix }, { exists }, nested objects, and event arrays (an array field matches when
// any element does). Semantics: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// Patterns are taken as CloudFormation renders them (keys such as "detail-type"), so tests exercise
// exactly what is deployed.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, condition]) => {
    const value = event[key];
    if (Array.isArray(condition)) return matchesAny(condition, value as Json | undefined);
    if (condition !== null && typeof condition === 'object') {
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        && matches(condition as Record<string, unknown>, value as Record<string, unknown>);
    }
    throw new Error(`pattern field ${key} must be an array or an object, got ${JSON.stringify(condition)}`);
  });
}

function matchesAny(conditions: unknown[], value: Json | undefined): boolean {
  return conditions.some((condition) => {
    if (condition !== null && typeof condition === 'object') {
      const rule = condition as { exists?: boolean; prefix?: string };
      if ('exists' in rule) return rule.exists === (value !== undefined);
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
