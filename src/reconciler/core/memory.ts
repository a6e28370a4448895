import { CurrentRead } from './current';
import type { Labels } from './labels';
import { Assignment, principalKey } from './model';
import { ConfiguredNames, ManagedScope } from './scope';

/** What the reconciler remembers between runs: everything it has ever been asked to manage and not yet released. */
export interface ReconcilerState {
  /** `principalKey`s. */
  readonly principals: string[];
  readonly permissionSets: string[];
  /** Names of principals (`group Admins`) and permission sets by key or ARN, for readable reports after a rule is gone. */
  readonly labels?: Record<string, string>;
}

/** The state that covers a scope, with the labels of what it holds. */
export function remember(principals: ReadonlySet<string>, permissionSets: ReadonlySet<string>, labels: Labels): ReconcilerState {
  const keys = [...principals, ...permissionSets];
  return {
    principals: [...principals].sort(),
    permissionSets: [...permissionSets].sort(),
    labels: Object.fromEntries(keys.filter((k) => labels[k] !== undefined).sort().map((k) => [k, labels[k]])),
  };
}

/**
 * After a clean run, what is still worth remembering: what the config names now, and whatever
 * still holds in-scope assignments that are neither wanted nor deleted (in any account: a
 * suspended account may come back).
 */
export function release(options: {
  readonly scope: ManagedScope;
  readonly configured: ConfiguredNames;
  readonly current: CurrentRead;
  readonly desired: ReadonlyMap<string, Assignment>;
  readonly deleted: ReadonlySet<string>;
  /** Principals gone from the identity store: released whatever they still hold. */
  readonly vanished: ReadonlySet<string>;
  readonly labels: Labels;
}): ReconcilerState {
  const { scope, configured, current, desired, deleted, vanished, labels } = options;
  const owned = (a: Assignment) => {
    const principal = principalKey(a);
    return scope.principals.has(principal) && !vanished.has(principal) && scope.permissionSets.has(a.permissionSetArn);
  };
  const lingering = [...current.assignments.entries()].filter(([key, a]) => !desired.has(key) && !deleted.has(key) && owned(a)).map(([, a]) => a);
  return remember(
    new Set([...configured.principals.keys(), ...lingering.map(principalKey)]),
    new Set([...configured.permissionSets, ...lingering.map((a) => a.permissionSetArn)]),
    labels,
  );
}

export function sameState(a: ReconcilerState | undefined, b: ReconcilerState): boolean {
  return !!a && JSON.stringify([a.principals, a.permissionSets, a.labels ?? {}]) === JSON.stringify([b.principals, b.permissionSets, b.labels ?? {}]);
}
