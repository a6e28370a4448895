// Every assignment of an Identity Center instance, with the organization and the names a person
// reads, for the report and import commands. Pure over the reconciler's read ports.
import { mapLimit } from '../reconciler/core/concurrency';
import { Assignment, PrincipalId, principalKey, sortAssignments } from '../reconciler/core/model';
import { OrgIndex } from '../reconciler/core/org-index';
import { IdentityCenterReadPort, OrganizationsPort, PrincipalNamePort } from '../reconciler/core/ports';
import { readOrganization } from '../reconciler/core/snapshot';

export interface Inventory {
  readonly org: OrgIndex;
  /** Every assignment of the instance, sorted by `assignmentKey`. */
  readonly assignments: Assignment[];
  /** The accounts each permission set is provisioned to, by ARN. */
  readonly provisioned: ReadonlyMap<string, readonly string[]>;
  /** Permission set name by ARN. */
  readonly permissionSetNames: ReadonlyMap<string, string>;
  /** Principal name by `principalKey`; undefined for a principal the identity store no longer has. */
  readonly principalNames: ReadonlyMap<string, string | undefined>;
}

export interface InventoryPorts {
  readonly organizations: OrganizationsPort;
  readonly identityCenter: IdentityCenterReadPort;
  readonly principals: PrincipalNamePort;
}

/**
 * Reads the organization and every assignment: per permission set, the accounts it is provisioned
 * to (ListAccountsForProvisionedPermissionSet), then the principals of each (account, set)
 * (ListAccountAssignments). An assignment exists only where its set is provisioned
 * (CreateAccountAssignment provisions it, API reference), so this reads no empty pair; a
 * per-principal read would need the principals first, and the identity store may hold thousands
 * that have no access. Any failure rejects: a partial inventory must never pass for the whole one.
 */
export async function readInventory(ports: InventoryPorts, options: { concurrency: number; withTags?: boolean }): Promise<Inventory> {
  const { concurrency } = options;
  const snapshot = await readOrganization(ports.organizations, { withTags: options.withTags ?? false, concurrency });
  const arns = await ports.identityCenter.listPermissionSets();
  const perSet = await mapLimit(arns, concurrency, async (arn) => ({
    arn,
    name: await ports.identityCenter.permissionSetName(arn),
    accounts: await ports.identityCenter.listProvisionedAccounts(arn),
  }));
  const targets = perSet.flatMap((ps) => ps.accounts.map((accountId) => ({ permissionSetArn: ps.arn, accountId })));
  const principalsPerTarget = await mapLimit(targets, concurrency, (t) => ports.identityCenter.listAssignments(t.accountId, t.permissionSetArn));
  const assignments = sortAssignments(targets.flatMap((t, i) => principalsPerTarget[i].map((p): Assignment => ({ ...p, ...t }))));

  const byKey = new Map<string, PrincipalId>();
  for (const a of assignments) byKey.set(principalKey(a), { principalType: a.principalType, principalId: a.principalId });
  const principals = [...byKey];
  const names = await mapLimit(principals, concurrency, ([, p]) => ports.principals.principalName(p));
  return {
    org: new OrgIndex(snapshot),
    assignments,
    provisioned: new Map(perSet.map((ps) => [ps.arn, ps.accounts])),
    permissionSetNames: new Map(perSet.map((ps) => [ps.arn, ps.name])),
    principalNames: new Map(principals.map(([key], i) => [key, names[i]])),
  };
}
