import { CurrentRead } from './current';
import type { Labels } from './labels';
import { Assignment, pairKey, parsePairKey } from './model';

/**
 * What the reconciler remembers between runs, in its state table: the (principal, permission set)
 * pairs it owns (named by a rule now, or by a config it applied before and not yet released), the
 * principal each name resolved to (so a name that stops resolving can be told from a typo), and
 * the names of principals and permission sets for readable reports after a rule is gone.
 */
export interface ReconcilerState {
  /** `pairKey`s, sorted. */
  readonly pairs: readonly string[];
  /** `principalLookupKey` → `principalKey`, for every name that ever resolved and is still configured. */
  readonly names: Readonly<Record<string, string>>;
  /** Labels by principal key or permission set ARN, for what the state holds. */
  readonly labels: Labels;
}

/** What versions before the state table kept in SSM: principals and permission sets, managed as a cross product. */
export interface LegacyState {
  readonly principals: readonly string[];
  readonly permissionSets: readonly string[];
  readonly labels?: Labels;
}

/** What the state store holds: the state, the legacy SSM state not yet migrated, or nothing yet. */
export type StoredState = { readonly state: ReconcilerState } | { readonly legacy: LegacyState } | { readonly empty: true };

export const EMPTY_STATE: ReconcilerState = { pairs: [], names: {}, labels: {} };

/** The state that holds these pairs and names, with the labels of what it holds. */
export function remember(pairs: Iterable<string>, names: Readonly<Record<string, string>>, labels: Labels): ReconcilerState {
  const sorted = [...new Set(pairs)].sort();
  const keys = new Set(sorted.flatMap((p) => {
    const { principal, permissionSetArn } = parsePairKey(p);
    return [principal, permissionSetArn];
  }));
  return {
    pairs: sorted,
    names: Object.fromEntries(Object.entries(names).sort(([a], [b]) => (a < b ? -1 : 1))),
    labels: Object.fromEntries([...keys].filter((k) => labels[k] !== undefined).sort().map((k) => [k, labels[k]])),
  };
}

/**
 * After a clean run, what is still worth remembering: the pairs the config names now, and the
 * owned pairs that still hold assignments that are neither wanted nor deleted, in any account (a
 * suspended account may come back). Pairs of principals gone from the identity store are released.
 */
export function release(options: {
  readonly owned: ReadonlySet<string>;
  readonly configuredPairs: ReadonlySet<string>;
  readonly current: CurrentRead;
  readonly desired: ReadonlyMap<string, Assignment>;
  readonly deleted: ReadonlySet<string>;
  readonly releasedPairs: ReadonlySet<string>;
  readonly names: Readonly<Record<string, string>>;
  readonly labels: Labels;
}): ReconcilerState {
  const { owned, configuredPairs, current, desired, deleted, releasedPairs, names, labels } = options;
  const lingering = [...current.assignments.entries()]
    .filter(([key, a]) => !desired.has(key) && !deleted.has(key) && owned.has(pairKey(a)) && !releasedPairs.has(pairKey(a)))
    .map(([, a]) => pairKey(a));
  return remember([...configuredPairs, ...lingering], names, labels);
}

export function sameState(a: ReconcilerState | undefined, b: ReconcilerState): boolean {
  return !!a && JSON.stringify([a.pairs, a.names, a.labels]) === JSON.stringify([b.pairs, b.names, b.labels]);
}
