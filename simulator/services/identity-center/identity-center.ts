import { AsyncOperation, AsyncOperationKind, AsyncOperations, OperationStatus } from './async-operations';
import {
  Assignment, CreatePermissionSetOptions, IdentityCenterState, PendingDeprovisioning, PermissionSetAttributes, PermissionSetChange,
  PermissionSetRecord, validateTags,
} from './identity-center-model';
import { SimulatedClock } from '../../core/simulated-clock';

/**
 * `sim.identityCenter`: arrange fixtures and assert on the Identity Center instance without going
 * through the API (and so without quotas). Every read first applies the asynchronous operations
 * whose simulated time has come.
 */
export class IdentityCenterModel {
  constructor(private readonly state: IdentityCenterState, private readonly operationLog: AsyncOperations, private readonly clock: SimulatedClock) {}

  public get instanceArn(): string {
    return this.state.instanceArn;
  }

  public get identityStoreId(): string {
    return this.state.identityStoreId;
  }

  /** `tags` (key → value) are what `aws:ResourceTag/<key>` conditions see on the new set. */
  public createPermissionSet(options: CreatePermissionSetOptions): PermissionSetRecord {
    return this.state.createPermissionSet(options);
  }

  /** A deploy changed the permission set: every account it is provisioned to falls behind. */
  public changePermissionSet(permissionSetArn: string, change: PermissionSetChange = {}): PermissionSetRecord {
    return this.state.changePermissionSet(permissionSetArn, change);
  }

  /** UpdatePermissionSet: description, session duration and relay state as given; accounts fall behind. */
  public updatePermissionSet(permissionSetArn: string, attributes: PermissionSetAttributes): PermissionSetRecord {
    return this.state.updatePermissionSet(permissionSetArn, attributes);
  }

  /**
   * Tags a permission set directly (the console, another tool): keys it has take the new values. Plain errors for a
   * tag TagResource would refuse; more than 50 tags is ServiceQuotaExceededException. Provisioning is unaffected.
   */
  public tagPermissionSet(permissionSetArn: string, tags: Readonly<Record<string, string>>): PermissionSetRecord {
    const entries = Object.entries(tags);
    validateTags(entries, (message) => new Error(message));
    return this.state.tagPermissionSet(permissionSetArn, entries);
  }

  /** Removes tags from a permission set directly; keys it does not have are ignored. */
  public untagPermissionSet(permissionSetArn: string, keys: readonly string[]): PermissionSetRecord {
    return this.state.untagPermissionSet(permissionSetArn, keys);
  }

  /** The permission set's tags as a plain object (empty when it has none or does not exist). */
  public permissionSetTags(permissionSetArn: string): Record<string, string> {
    return { ...this.state.permissionSet(permissionSetArn)?.tags };
  }

  /** AWS updated an AWS managed policy: permission sets using it fall behind everywhere. Returns their ARNs. */
  public awsManagedPolicyUpdated(policyArn: string): string[] {
    return this.state.awsManagedPolicyUpdated(policyArn);
  }

  public permissionSet(arn: string): PermissionSetRecord | undefined {
    return this.state.permissionSet(arn);
  }

  public permissionSetByName(name: string): PermissionSetRecord | undefined {
    return this.state.permissionSetByName(name);
  }

  public permissionSets(): PermissionSetRecord[] {
    return [...this.state.permissionSetIndex.values()];
  }

  /** Plants an assignment directly (another tool, Control Tower, the console), provisioning the permission set. */
  public addAssignment(assignment: Assignment): void {
    this.settle();
    this.state.addAssignment(assignment);
  }

  /**
   * Removes an assignment directly (as the console would); false if it did not exist. The last one of its permission
   * set in the account starts a deprovisioning, as a DeleteAccountAssignment does (see `deprovisionings`).
   */
  public removeAssignment(assignment: Assignment): boolean {
    this.settle();
    return this.state.removeAssignment(assignment);
  }

  public hasAssignment(assignment: Assignment): boolean {
    this.settle();
    return this.state.hasAssignment(assignment);
  }

  /** Every assignment, optionally only those matching all given fields. */
  public assignments(filter: Partial<Assignment> = {}): Assignment[] {
    this.settle();
    return this.state.assignments().filter((a) => (Object.keys(filter) as Array<keyof Assignment>).every((k) => filter[k] === a[k]));
  }

  public assignmentCount(): number {
    this.settle();
    return this.state.assignmentCount();
  }

  /** Provisions the latest version of a permission set to an account directly. */
  public provision(accountId: string, permissionSetArn: string): void {
    this.settle();
    this.state.provision(accountId, permissionSetArn);
  }

  /** The version provisioned to the account, undefined when not provisioned there. */
  public provisionedVersion(accountId: string, permissionSetArn: string): number | undefined {
    this.settle();
    return this.state.provisionedVersion(accountId, permissionSetArn);
  }

  public isLatestProvisioned(accountId: string, permissionSetArn: string): boolean {
    this.settle();
    return this.state.isLatestProvisioned(accountId, permissionSetArn);
  }

  /**
   * Accounts still provisioned after their last assignment went, until `completesAt` (quotas.deprovisionLatency),
   * optionally for one permission set only. Meanwhile DeletePermissionSet is refused.
   */
  public deprovisionings(permissionSetArn?: string): PendingDeprovisioning[] {
    this.settle();
    return this.state.pendingDeprovisionings().filter((d) => permissionSetArn === undefined || d.permissionSetArn === permissionSetArn);
  }

  /** Accounts where the permission set is provisioned at an older version (what the console offers to "Update"). */
  public accountsBehind(permissionSetArn: string): string[] {
    this.settle();
    return [...this.state.accountsProvisionedWith(permissionSetArn).values()].filter((a) => !this.state.isLatestProvisioned(a, permissionSetArn));
  }

  /** History of asynchronous operations submitted through the API, in submission order. */
  public operations(filter: { kind?: AsyncOperationKind; status?: OperationStatus } = {}): AsyncOperation[] {
    this.settle();
    return this.operationLog.history()
      .filter((op) => (filter.kind === undefined || op.kind === filter.kind) && (filter.status === undefined || op.status === filter.status));
  }

  public operation(requestId: string): AsyncOperation | undefined {
    this.settle();
    const op = this.operationLog.get(requestId);
    return op && { ...op };
  }

  /** Operations still IN_PROGRESS (what counts against the outstanding-operation cap). */
  public outstandingOperations(): number {
    this.settle();
    return this.operationLog.outstanding();
  }

  /** Applies every asynchronous operation due at the current simulated time. */
  public settle(): void {
    this.operationLog.settle(this.clock.now());
  }
}
