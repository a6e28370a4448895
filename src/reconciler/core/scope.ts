import { Assignment, PrincipalId, pairKey, parsePairKey, principalKey } from './model';
import { principalLookupKey } from './references';
import type { ResolvedReferences } from './references';
import { OrgAccount, OrgSnapshot } from './snapshot';
import { ConfigDocument } from '../config/document';

/**
 * What the reconciler owns: the (principal, permission set) pairs named together by a rule now or
 * by a config applied before. Only assignments of owned pairs, in accounts it may plan in, may
 * ever be deleted; a managed principal's other permission sets (Control Tower's, a hand-made
 * grant, another automation's pair) are never touched.
 */
export interface ManagedScope {
  /** `pairKey`s. */
  readonly pairs: ReadonlySet<string>;
  /** The principals of those pairs (`principalKey`s): whose assignments are read. */
  readonly principals: ReadonlySet<string>;
  /** The permission sets of those pairs. */
  readonly permissionSets: ReadonlySet<string>;
  /** ACTIVE accounts, minus the management account in delegated-admin mode. */
  readonly plannableAccounts: ReadonlySet<string>;
}

/** What the config names now and could be resolved. */
export interface ConfiguredNames {
  /** By `principalKey`. */
  readonly principals: ReadonlyMap<string, PrincipalId>;
  readonly permissionSets: ReadonlySet<string>;
  /** The pairs of the rules whose principal and permission set both resolved. */
  readonly pairs: ReadonlySet<string>;
  /** `principalLookupKey` → `principalKey` of every principal reference that resolved. */
  readonly names: Readonly<Record<string, string>>;
}

export function configuredNames(doc: ConfigDocument, refs: ResolvedReferences): ConfiguredNames {
  const principals = new Map<string, PrincipalId>();
  const names: Record<string, string> = {};
  for (const [lookup, r] of refs.principals) {
    if (!('value' in r)) continue;
    principals.set(principalKey(r.value), r.value);
    names[lookup] = principalKey(r.value);
  }
  const pairs = new Set<string>();
  for (const rule of doc.rules) {
    const principal = refs.principals.get(principalLookupKey(rule.principal, doc.options.groupNameSuffix));
    const permissionSet = refs.permissionSets.get(rule.permissionSet);
    if (principal && 'value' in principal && permissionSet && 'value' in permissionSet) {
      pairs.add(pairKey({ ...principal.value, permissionSetArn: permissionSet.value }));
    }
  }
  const permissionSets = new Set([...refs.permissionSets.values()].flatMap((r) => ('value' in r ? [r.value] : [])));
  return { principals, permissionSets, pairs, names };
}

/** The accounts a run may plan in: ACTIVE ones, never the management account when it is out of reach. */
export function eligibility(managementAccountId: string | undefined): (account: OrgAccount) => boolean {
  return (a) => a.status === 'ACTIVE' && a.id !== managementAccountId;
}

/** The scope of this run: the pairs the config names now, plus those a previously applied config named. */
export function managedScope(
  configuredPairs: ReadonlySet<string>,
  rememberedPairs: readonly string[],
  org: OrgSnapshot,
  eligible: (account: OrgAccount) => boolean,
): ManagedScope {
  const pairs = new Set([...configuredPairs, ...rememberedPairs]);
  const parsed = [...pairs].map(parsePairKey);
  return {
    pairs,
    principals: new Set(parsed.map((p) => p.principal)),
    permissionSets: new Set(parsed.map((p) => p.permissionSetArn)),
    plannableAccounts: new Set([...org.accounts.values()].filter(eligible).map((a) => a.id)),
  };
}

export function inScope(scope: Pick<ManagedScope, 'pairs' | 'plannableAccounts'>, a: Assignment): boolean {
  return scope.pairs.has(pairKey(a)) && scope.plannableAccounts.has(a.accountId);
}
