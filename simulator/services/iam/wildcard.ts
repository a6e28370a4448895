/**
 * IAM's wildcard match of a whole value: `*` is any run of characters (also none), `?` exactly one.
 * Action names are case-insensitive, resource ARNs case-sensitive
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html); StringLike values
 * use the same two wildcards, case-sensitively
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
 */
export function matches(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's').test(value);
}
