import { Assignment, Operation, assignmentKey, principalKey } from './model';

/** What the reconciler owns: only assignments inside it may ever be deleted. */
export interface ManagedScope {
  /** `principalKey`s named by the config now or by a previously applied config. */
  readonly principals: ReadonlySet<string>;
  /** Permission set ARNs of the catalog, named by rules, or previously managed. */
  readonly permissionSets: ReadonlySet<string>;
  /** ACTIVE accounts, minus the management account in delegated-admin mode. */
  readonly plannableAccounts: ReadonlySet<string>;
}

export interface CurrentState {
  /** Assignments of managed principals to managed permission sets, as read this run. */
  readonly assignments: ReadonlyMap<string, Assignment>;
  /** Managed principals whose assignments could not be read: nothing is planned for them. */
  readonly unreadPrincipals: ReadonlySet<string>;
}

export interface Plan {
  readonly creates: Assignment[];
  readonly deletes: Assignment[];
  readonly provisions: Array<{ permissionSetArn: string; accountId: string }>;
}

export function inScope(scope: ManagedScope, a: Assignment): boolean {
  return scope.principals.has(principalKey(a)) && scope.permissionSets.has(a.permissionSetArn) && scope.plannableAccounts.has(a.accountId);
}

/**
 * desired − current are creates; current − desired, inside the managed scope, are deletes.
 * Principals whose current state is unknown get neither.
 */
export function planChanges(
  desired: ReadonlyMap<string, Assignment>,
  current: CurrentState,
  scope: ManagedScope,
  outdated: Array<{ permissionSetArn: string; accountId: string }> = [],
): Plan {
  const known = (a: Assignment) => !current.unreadPrincipals.has(principalKey(a));
  const creates = [...desired.values()]
    .filter((a) => known(a) && scope.plannableAccounts.has(a.accountId) && !current.assignments.has(assignmentKey(a)));
  const deletes = [...current.assignments.values()].filter((a) => known(a) && inScope(scope, a) && !desired.has(assignmentKey(a)));
  const provisions = outdated.filter((p) => scope.permissionSets.has(p.permissionSetArn) && scope.plannableAccounts.has(p.accountId));
  return { creates: sortAssignments(creates), deletes: sortAssignments(deletes), provisions };
}

/** Creates first (access is granted before any is taken away), then re-provisioning, then deletes. */
export function toOperations(plan: Plan): Operation[] {
  return [
    ...plan.creates.map((assignment): Operation => ({ kind: 'create', assignment })),
    ...plan.provisions.map((p): Operation => ({ kind: 'provision', ...p })),
    ...plan.deletes.map((assignment): Operation => ({ kind: 'delete', assignment })),
  ];
}

function sortAssignments(list: Assignment[]): Assignment[] {
  return list.sort((a, b) => (assignmentKey(a) < assignmentKey(b) ? -1 : assignmentKey(a) > assignmentKey(b) ? 1 : 0));
}
