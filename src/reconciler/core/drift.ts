import { errorMessage, settleLimit } from './concurrency';
import { IdentityCenterReadPort } from './ports';

/** Accounts where a managed permission set is provisioned at an older version than its latest. */
export interface DriftRead {
  readonly outdated: ReadonlyArray<{ readonly permissionSetArn: string; readonly accountId: string }>;
  readonly failures: string[];
}

/**
 * One ListAccountsForProvisionedPermissionSet (LATEST_PERMISSION_SET_NOT_PROVISIONED) per
 * permission set. A failed read only means no re-provisioning of that set this run.
 */
export async function readDrift(permissionSets: readonly string[], port: IdentityCenterReadPort, concurrency: number): Promise<DriftRead> {
  const outdated: Array<{ permissionSetArn: string; accountId: string }> = [];
  const failures: string[] = [];
  for (const result of await settleLimit(permissionSets, concurrency, (arn) => port.listOutdatedAccounts(arn))) {
    if (result.error !== undefined) failures.push(`checking ${result.item} for provisioning drift failed (${errorMessage(result.error)})`);
    else for (const accountId of result.value!) outdated.push({ permissionSetArn: result.item, accountId });
  }
  return { outdated, failures };
}
