import { BaseTargetDocument, PrincipalDocument, RuleDocument, TargetDocument } from './document';

// One wording for principals, targets and rules, wherever they are shown: construct errors and
// `toString()`, reconciler errors, run reports, Teams cards. To describe a new target kind, add it
// here once.

/** `group Admins`, `group id 9a67...`, `user jane`, `user id 9a67...`; a group with the lookup suffix when given. */
export function describePrincipal(principal: PrincipalDocument, groupNameSuffix = ''): string {
  if ('group' in principal) return `group ${principal.group}${groupNameSuffix}`;
  if ('groupId' in principal) return `group id ${principal.groupId}`;
  if ('user' in principal) return `user ${principal.user}`;
  return `user id ${principal.userId}`;
}

/** `ou Root/Workloads excluding account Sandbox`. */
export function describeTarget(target: TargetDocument): string {
  const base = describeBaseTarget(target);
  return target.exclude?.length ? `${base} excluding ${target.exclude.map(describeBaseTarget).join(', ')}` : base;
}

export function describeBaseTarget(target: BaseTargetDocument): string {
  if ('all' in target) return 'all accounts';
  if ('ou' in target) return `ou ${target.ou}${target.nested === false ? ' (direct children only)' : ''}`;
  if ('account' in target) return `account ${target.account}`;
  return `accounts tagged ${target.tag.key}=${target.tag.value}`;
}

/** `rule 3 (group Admins -> Admin @ all accounts)`; `index` counts from 0. */
export function describeRule(rule: RuleDocument, index: number): string {
  return `rule ${index + 1} (${describePrincipal(rule.principal)} -> ${rule.permissionSet} @ ${describeTarget(rule.target)})`;
}

/** `2026-12-31T23:59:59.000Z`: a rule's expiry instant (epoch seconds) as reports show it. */
export function describeExpiry(expiresEpochSeconds: number): string {
  return new Date(expiresEpochSeconds * 1000).toISOString();
}
