import { SeededRandom } from '../../core/seeded-random';
import { SortedKeyIndex } from '../../core/sorted-key-index';
import { AwsError } from '../../protocol/aws-error';

export type PrincipalType = 'USER' | 'GROUP';

/** One (principal, permission set, account) triple. */
export interface Assignment {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
}

export interface PermissionSetRecord {
  readonly arn: string;
  readonly name: string;
  description?: string;
  sessionDuration: string;
  relayState?: string;
  readonly createdDate: number;
  /** Bumped by every change; accounts provisioned at an older version are NOT_PROVISIONED. */
  version: number;
  readonly managedPolicies: Set<string>;
  inlinePolicy?: string;
}

export interface CreatePermissionSetOptions {
  /** 1-32 characters of `[\w+=,.@-]`, unique in the instance. */
  readonly name: string;
  readonly description?: string;
  /** ISO-8601 duration. @default 'PT1H' */
  readonly sessionDuration?: string;
  readonly relayState?: string;
  readonly managedPolicies?: readonly string[];
  readonly inlinePolicy?: string;
}

/** A change to a permission set's content. Every change makes its provisioned accounts fall behind. */
export interface PermissionSetChange {
  readonly attachManagedPolicies?: readonly string[];
  readonly detachManagedPolicies?: readonly string[];
  readonly inlinePolicy?: string;
  /**
   * DeleteInlinePolicyFromPermissionSet: the inline policy goes.
   * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_DeleteInlinePolicyFromPermissionSet.html
   */
  readonly deleteInlinePolicy?: boolean;
}

/** What UpdatePermissionSet sets. */
export interface PermissionSetAttributes {
  readonly description?: string;
  /** ISO-8601 duration. @default 'PT1H' */
  readonly sessionDuration?: string;
  readonly relayState?: string;
}

export const NAME_PATTERN = /^[\w+=,.@-]{1,32}$/;

/**
 * The state of one IAM Identity Center instance: permission sets, assignments and what is
 * provisioned where, indexed so that every list operation walks only its own page:
 * assignments by principal (keyed `account|permissionSet`) and by account and permission set
 * (keyed `type|principal`); provisioned versions by permission set and by account.
 *
 * Provisioning follows the API reference: "As part of a successful CreateAccountAssignment call,
 * the specified permission set will automatically be provisioned to the account ... If the
 * permission set is subsequently updated, the corresponding IAM policies attached to roles in
 * your accounts will not be updated automatically. In this case, you must call
 * ProvisionPermissionSet" (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html).
 * When the last assignment of a permission set in an account goes, the role goes with it.
 */
export class IdentityCenterState {
  public readonly instanceArn: string;
  public readonly instanceId: string;
  public readonly permissionSetIndex = new SortedKeyIndex<PermissionSetRecord>();
  private readonly permissionSetsByName = new Map<string, PermissionSetRecord>();
  private readonly assignmentsByKey = new Map<string, Assignment>();
  private readonly byPrincipal = new Map<string, SortedKeyIndex<Assignment>>();
  private readonly byTarget = new Map<string, SortedKeyIndex<Assignment>>();
  private readonly provisionedVersions = new Map<string, number>();
  private readonly provisionedByPermissionSet = new Map<string, SortedKeyIndex<string>>();
  private readonly provisionedByAccount = new Map<string, SortedKeyIndex<string>>();

  constructor(private readonly random: SeededRandom, private readonly now: () => number, public readonly identityStoreId: string) {
    this.instanceId = `ssoins-${random.hex(16)}`;
    this.instanceArn = `arn:aws:sso:::instance/${this.instanceId}`;
  }

  public createPermissionSet(options: CreatePermissionSetOptions): PermissionSetRecord {
    if (!NAME_PATTERN.test(options.name)) throw new Error(`invalid permission set name '${options.name}'`);
    if (this.permissionSetsByName.has(options.name)) throw new Error(`PermissionSet with name ${options.name} already exists.`);
    let arn: string;
    do arn = `arn:aws:sso:::permissionSet/${this.instanceId}/ps-${this.random.hex(16)}`; while (this.permissionSetIndex.has(arn));
    const record: PermissionSetRecord = {
      arn,
      name: options.name,
      description: options.description,
      sessionDuration: options.sessionDuration ?? 'PT1H',
      relayState: options.relayState,
      createdDate: this.now(),
      version: 1,
      managedPolicies: new Set(options.managedPolicies ?? []),
      inlinePolicy: options.inlinePolicy,
    };
    this.permissionSetIndex.set(arn, record);
    this.permissionSetsByName.set(options.name, record);
    return record;
  }

  /** Applies a change (a deploy of new policies) and bumps the version. */
  public changePermissionSet(arn: string, change: PermissionSetChange): PermissionSetRecord {
    const record = this.requirePermissionSet(arn);
    for (const policy of change.attachManagedPolicies ?? []) record.managedPolicies.add(policy);
    for (const policy of change.detachManagedPolicies ?? []) record.managedPolicies.delete(policy);
    if (change.inlinePolicy !== undefined) record.inlinePolicy = change.inlinePolicy;
    if (change.deleteInlinePolicy) record.inlinePolicy = undefined;
    record.version++;
    return record;
  }

  /**
   * UpdatePermissionSet (Description, SessionDuration, RelayState;
   * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_UpdatePermissionSet.html). The attributes are
   * set as given: one left out is cleared (the session duration goes back to PT1H). The set has changed, so its
   * accounts fall behind until ProvisionPermissionSet ("If the permission set is subsequently updated ... you must
   * call ProvisionPermissionSet", API_CreateAccountAssignment.html).
   */
  public updatePermissionSet(arn: string, attributes: PermissionSetAttributes): PermissionSetRecord {
    const record = this.requirePermissionSet(arn);
    record.description = attributes.description;
    record.sessionDuration = attributes.sessionDuration ?? 'PT1H';
    record.relayState = attributes.relayState;
    record.version++;
    return record;
  }

  /**
   * AWS updated an AWS managed policy: every permission set that uses it changes, although nobody
   * touched the permission set (landing-zone-accelerator-on-aws#740). Returns the ARNs affected.
   */
  public awsManagedPolicyUpdated(policyArn: string): string[] {
    const affected = [...this.permissionSetIndex.values()].filter((ps) => ps.managedPolicies.has(policyArn));
    for (const ps of affected) ps.version++;
    return affected.map((ps) => ps.arn);
  }

  /**
   * DeletePermissionSet. Refused while the set is assigned or provisioned anywhere: "ConflictException:
   * Could not delete because PermissionSet has ApplicationProfile associated with it."
   * (hashicorp/terraform-provider-aws#26757; the message tail as matched by noqdev/iambic's
   * delete_permission_set). There is no deprovisioning API: provisioning goes with the last
   * assignment of each account (aws-iam-identity-center-extensions#89). Returns false for an unknown ARN.
   */
  public deletePermissionSet(arn: string): boolean {
    const record = this.permissionSetIndex.get(arn);
    if (!record) return false;
    const assigned = [...this.byTarget.entries()].some(([key, index]) => key.endsWith(`|${arn}`) && index.size > 0);
    if (assigned || this.accountsProvisionedWith(arn).size > 0) {
      throw new AwsError('ConflictException', 'Could not delete because PermissionSet has ApplicationProfile associated with it.');
    }
    this.permissionSetIndex.delete(arn);
    this.permissionSetsByName.delete(record.name);
    return true;
  }

  public permissionSet(arn: string): PermissionSetRecord | undefined {
    return this.permissionSetIndex.get(arn);
  }

  public permissionSetByName(name: string): PermissionSetRecord | undefined {
    return this.permissionSetsByName.get(name);
  }

  public hasAssignment(assignment: Assignment): boolean {
    return this.assignmentsByKey.has(assignmentKey(assignment));
  }

  /** Adds the triple (idempotent) and, like CreateAccountAssignment, provisions the latest version. */
  public addAssignment(assignment: Assignment): void {
    this.requirePermissionSet(assignment.permissionSetArn);
    const key = assignmentKey(assignment);
    if (!this.assignmentsByKey.has(key)) {
      const stored = { ...assignment };
      this.assignmentsByKey.set(key, stored);
      bucket(this.byPrincipal, assignment.principalId).set(`${assignment.accountId}|${assignment.permissionSetArn}`, stored);
      bucket(this.byTarget, targetKey(assignment.accountId, assignment.permissionSetArn)).set(`${assignment.principalType}|${assignment.principalId}`, stored);
    }
    this.provision(assignment.accountId, assignment.permissionSetArn);
  }

  /** Removes the triple; returns false if it did not exist. The role goes with the last assignment. */
  public removeAssignment(assignment: Assignment): boolean {
    const key = assignmentKey(assignment);
    if (!this.assignmentsByKey.delete(key)) return false;
    this.byPrincipal.get(assignment.principalId)?.delete(`${assignment.accountId}|${assignment.permissionSetArn}`);
    const target = targetKey(assignment.accountId, assignment.permissionSetArn);
    const remaining = this.byTarget.get(target);
    remaining?.delete(`${assignment.principalType}|${assignment.principalId}`);
    if (!remaining || remaining.size === 0) this.deprovision(assignment.accountId, assignment.permissionSetArn);
    return true;
  }

  public assignments(): Assignment[] {
    return [...this.assignmentsByKey.values()].map((a) => ({ ...a }));
  }

  public assignmentCount(): number {
    return this.assignmentsByKey.size;
  }

  /** Assignments of a principal keyed `account|permissionSet` (empty index when none). */
  public assignmentsOfPrincipal(principalId: string): SortedKeyIndex<Assignment> {
    return this.byPrincipal.get(principalId) ?? new SortedKeyIndex();
  }

  /** Assignments in one account for one permission set, keyed `type|principal`. */
  public assignmentsOfTarget(accountId: string, permissionSetArn: string): SortedKeyIndex<Assignment> {
    return this.byTarget.get(targetKey(accountId, permissionSetArn)) ?? new SortedKeyIndex();
  }

  /** Provisions the latest version of a permission set to an account (creates or updates the role). */
  public provision(accountId: string, permissionSetArn: string): void {
    const record = this.requirePermissionSet(permissionSetArn);
    this.provisionedVersions.set(targetKey(accountId, permissionSetArn), record.version);
    bucket(this.provisionedByPermissionSet, permissionSetArn).set(accountId, accountId);
    bucket(this.provisionedByAccount, accountId).set(permissionSetArn, permissionSetArn);
  }

  /** The provisioned version, or undefined when the permission set is not provisioned to the account. */
  public provisionedVersion(accountId: string, permissionSetArn: string): number | undefined {
    return this.provisionedVersions.get(targetKey(accountId, permissionSetArn));
  }

  public isLatestProvisioned(accountId: string, permissionSetArn: string): boolean {
    return this.provisionedVersion(accountId, permissionSetArn) === this.permissionSet(permissionSetArn)?.version;
  }

  /** Accounts a permission set is provisioned to, keyed by account id. */
  public accountsProvisionedWith(permissionSetArn: string): SortedKeyIndex<string> {
    return this.provisionedByPermissionSet.get(permissionSetArn) ?? new SortedKeyIndex();
  }

  /** Permission sets provisioned to an account, keyed by ARN. */
  public permissionSetsProvisionedTo(accountId: string): SortedKeyIndex<string> {
    return this.provisionedByAccount.get(accountId) ?? new SortedKeyIndex();
  }

  public requirePermissionSet(arn: string): PermissionSetRecord {
    const record = this.permissionSetIndex.get(arn);
    if (!record) throw new Error(`no permission set ${arn}`);
    return record;
  }

  private deprovision(accountId: string, permissionSetArn: string): void {
    this.provisionedVersions.delete(targetKey(accountId, permissionSetArn));
    this.provisionedByPermissionSet.get(permissionSetArn)?.delete(accountId);
    this.provisionedByAccount.get(accountId)?.delete(permissionSetArn);
  }
}

export function assignmentKey(a: Assignment): string {
  return `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;
}

export function targetKey(accountId: string, permissionSetArn: string): string {
  return `${accountId}|${permissionSetArn}`;
}

function bucket<T>(map: Map<string, SortedKeyIndex<T>>, key: string): SortedKeyIndex<T> {
  let index = map.get(key);
  if (!index) {
    index = new SortedKeyIndex<T>();
    map.set(key, index);
  }
  return index;
}
