import { CurrentState } from './current';
import { Assignment, assignmentKey, principalKey, sortAssignments, targetKey } from './model';
import { ManagedScope, inScope } from './scope';

export interface Plan {
  readonly creates: Assignment[];
  readonly deletes: Assignment[];
  readonly provisions: Array<{ permissionSetArn: string; accountId: string }>;
}

/** A write the reconciler wants Identity Center to perform. */
export type Operation =
  | { readonly kind: 'create' | 'delete'; readonly assignment: Assignment }
  | { readonly kind: 'provision'; readonly permissionSetArn: string; readonly accountId: string };

export const operationTarget = (op: Operation): string =>
  op.kind === 'provision' ? targetKey(op.permissionSetArn, op.accountId) : targetKey(op.assignment.permissionSetArn, op.assignment.accountId);

/**
 * desired − current are creates; current − desired, inside the managed scope, are deletes.
 * Principals whose current state is unknown get neither.
 */
export function planChanges(
  desired: ReadonlyMap<string, Assignment>,
  current: CurrentState,
  scope: ManagedScope,
  outdated: ReadonlyArray<{ permissionSetArn: string; accountId: string }> = [],
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
