import { Assignment, PrincipalId, principalKey } from './model';
import { ResolvedReferences } from './references';
import { OrgAccount, OrgSnapshot } from './snapshot';

/** What the reconciler owns: only assignments inside it may ever be deleted. */
export interface ManagedScope {
  /** `principalKey`s named by the config now or by a previously applied config. */
  readonly principals: ReadonlySet<string>;
  /** Permission set ARNs of the catalog, named by rules, or previously managed. */
  readonly permissionSets: ReadonlySet<string>;
  /** ACTIVE accounts, minus the management account in delegated-admin mode. */
  readonly plannableAccounts: ReadonlySet<string>;
}

/** What the config names now and could be resolved. */
export interface ConfiguredNames {
  /** By `principalKey`. */
  readonly principals: ReadonlyMap<string, PrincipalId>;
  readonly permissionSets: ReadonlySet<string>;
}

export function configuredNames(refs: ResolvedReferences): ConfiguredNames {
  const principals = new Map<string, PrincipalId>();
  for (const r of refs.principals.values()) if ('value' in r) principals.set(principalKey(r.value), r.value);
  return { principals, permissionSets: new Set([...refs.permissionSets.values()].flatMap((r) => ('value' in r ? [r.value] : []))) };
}

/** The accounts a run may plan in: ACTIVE ones, never the management account when it is out of reach. */
export function eligibility(managementAccountId: string | undefined): (account: OrgAccount) => boolean {
  return (a) => a.status === 'ACTIVE' && a.id !== managementAccountId;
}

/** The scope of this run: what the config names now, plus what a previously applied config named. */
export function managedScope(
  configured: ConfiguredNames,
  remembered: { readonly principals: readonly string[]; readonly permissionSets: readonly string[] } | undefined,
  org: OrgSnapshot,
  eligible: (account: OrgAccount) => boolean,
): ManagedScope {
  return {
    principals: new Set([...configured.principals.keys(), ...(remembered?.principals ?? [])]),
    permissionSets: new Set([...configured.permissionSets, ...(remembered?.permissionSets ?? [])]),
    plannableAccounts: new Set([...org.accounts.values()].filter(eligible).map((a) => a.id)),
  };
}

export function inScope(scope: ManagedScope, a: Assignment): boolean {
  return scope.principals.has(principalKey(a)) && scope.permissionSets.has(a.permissionSetArn) && scope.plannableAccounts.has(a.accountId);
}
