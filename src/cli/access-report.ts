// Pure: who can access what where. Every assignment of the instance, named, with the rule that
// grants it: the reconciler's own desired state (computeDesired over the same organization and
// references), so the report and the reconciler can never disagree about what a rule grants.
import { Inventory } from './inventory';
import { describeRule } from '../reconciler/config/describe';
import { ConfigDocument } from '../reconciler/config/document';
import { computeDesired } from '../reconciler/core/desired';
import { assignmentKey, pairKey, principalKey } from '../reconciler/core/model';
import { ResolvedReferences } from '../reconciler/core/references';
import { eligibility } from '../reconciler/core/scope';

/** The columns of the report, in order: the JSON keys and the CSV header. */
export const REPORT_COLUMNS = [
  'principalType', 'principalId', 'principalName', 'permissionSetArn', 'permissionSetName', 'accountId', 'accountName', 'ouPath', 'grantedBy',
] as const;

export type AccessRow = Record<(typeof REPORT_COLUMNS)[number], string>;

/** `grantedBy` of an assignment no rule of the automation grants. */
export const UNMANAGED = 'unmanaged';

export interface AccessReport {
  readonly rows: AccessRow[];
  /** What a reader should know beside the rows: rules that did not resolve, drift, grants still to be made. */
  readonly notes: string[];
}

/** The config and its references as the reconciler resolves them; none when no automation is deployed. */
export interface ResolvedConfig {
  readonly document: ConfigDocument;
  readonly refs: ResolvedReferences;
}

export function accessReport(inventory: Inventory, config?: ResolvedConfig): AccessReport {
  const { org } = inventory;
  const notes: string[] = [];
  const desired = config && computeDesired(config.document, org, config.refs, eligibility(config.document.options.managementAccountId), Date.now());
  if (config && desired) {
    notes.push(...desired.errors.map((e) => `not resolved, so what it grants is not shown: ${e}`));
  }
  const live = new Set(inventory.assignments.map(assignmentKey));
  const rulePairs = new Set([...desired?.assignments.values() ?? []].map(pairKey));
  let drift = 0;
  const rows = inventory.assignments.map((a): AccessRow => {
    const account = org.snapshot.accounts.get(a.accountId);
    const rules = desired?.grantedBy.get(assignmentKey(a)) ?? [];
    if (rules.length === 0 && rulePairs.has(pairKey(a))) drift++;
    return {
      principalType: a.principalType,
      principalId: a.principalId,
      principalName: inventory.principalNames.get(principalKey(a)) ?? '',
      permissionSetArn: a.permissionSetArn,
      permissionSetName: inventory.permissionSetNames.get(a.permissionSetArn) ?? '',
      accountId: a.accountId,
      accountName: account?.name ?? '',
      ouPath: account ? org.pathOf(account.parentId) : '',
      grantedBy: rules.length === 0 ? UNMANAGED : rules.map((i) => describeRule(config!.document.rules[i], i)).join('; '),
    };
  });
  if (drift > 0) notes.push(`${drift} assignment(s) of pairs the rules name are in accounts no rule grants them (drift: the next run removes those it owns)`);
  const missing = [...desired?.assignments.keys() ?? []].filter((k) => !live.has(k)).length;
  if (missing > 0) notes.push(`${missing} assignment(s) the rules grant do not exist yet (the next run creates them)`);
  const vanished = [...inventory.principalNames.values()].filter((n) => n === undefined).length;
  if (vanished > 0) notes.push(`${vanished} principal(s) with assignments are no longer in the identity store (their names are empty)`);
  return { rows: rows.sort(byPlace), notes };
}

/** Where, then what, then who: the order a reviewer reads an access list in. */
function byPlace(a: AccessRow, b: AccessRow): number {
  for (const column of ['ouPath', 'accountName', 'accountId', 'permissionSetName', 'principalType', 'principalName', 'principalId'] as const) {
    if (a[column] !== b[column]) return a[column] < b[column] ? -1 : 1;
  }
  return 0;
}
