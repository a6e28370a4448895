// The vocabulary every stage of the reconciler shares: who holds what where. No SDK types: adapters
// translate. Types that one stage produces live with that stage (snapshot, current, plan, ...).

export type PrincipalType = 'GROUP' | 'USER';

export interface PrincipalId {
  readonly principalType: PrincipalType;
  readonly principalId: string;
}

/** One account assignment: a principal holds a permission set in an account. */
export interface Assignment extends PrincipalId {
  readonly permissionSetArn: string;
  readonly accountId: string;
}

export const principalKey = (p: PrincipalId): string => `${p.principalType}:${p.principalId}`;
/**
 * A (principal, permission set) pair, the unit of ownership: an automation manages the assignments
 * of the pairs its rules name together, never a principal's other permission sets.
 */
export const pairKey = (a: { principalType: PrincipalType; principalId: string; permissionSetArn: string }): string =>
  `${principalKey(a)}|${a.permissionSetArn}`;

/** The inverse of `pairKey`. */
export function parsePairKey(key: string): { principal: string; permissionSetArn: string } {
  const bar = key.indexOf('|');
  return { principal: key.slice(0, bar), permissionSetArn: key.slice(bar + 1) };
}
export const assignmentKey = (a: Assignment): string => `${principalKey(a)}|${a.permissionSetArn}|${a.accountId}`;
/** Identity Center serializes operations on one permission set in one account; so does the scheduler. */
export const targetKey = (permissionSetArn: string, accountId: string): string => `${permissionSetArn}|${accountId}`;

/** The inverse of `principalKey`. */
export function parsePrincipalKey(key: string): PrincipalId {
  const [type, ...id] = key.split(':');
  return { principalType: type === 'USER' ? 'USER' : 'GROUP', principalId: id.join(':') };
}

/** Sorted by `assignmentKey`, so plans and reports are deterministic. */
export function sortAssignments(list: Assignment[]): Assignment[] {
  return list.sort((a, b) => (assignmentKey(a) < assignmentKey(b) ? -1 : assignmentKey(a) > assignmentKey(b) ? 1 : 0));
}
