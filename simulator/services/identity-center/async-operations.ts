import { Assignment, IdentityCenterState, PrincipalType, targetKey } from './identity-center-model';
import { ManagementAccountStep, managementAccountDenial, requiredIamActions, reservedRoleArn, samlProviderArn } from './management-account-iam';
import { FaultInjector } from '../../core/fault-injector';
import { AsyncLatency } from '../../core/quotas';
import { SeededRandom } from '../../core/seeded-random';
import { SortedKeyIndex } from '../../core/sorted-key-index';
import { AwsError } from '../../protocol/aws-error';
import { Caller, IamModel } from '../iam/iam-model';
import { IdentityStoreModel } from '../identity-store/identity-store-model';
import { OrganizationsModel } from '../organizations/organizations-model';

export type AsyncOperationKind = 'CREATE_ASSIGNMENT' | 'DELETE_ASSIGNMENT' | 'PROVISION_PERMISSION_SET';
export type OperationStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** One asynchronous Identity Center write, as history and as the source of the *Status answers. */
export interface AsyncOperation {
  readonly requestId: string;
  readonly kind: AsyncOperationKind;
  /** Submission order, 1-based. */
  readonly sequence: number;
  readonly createdDate: number;
  /** Simulated time at which the operation leaves IN_PROGRESS. */
  readonly completesAt: number;
  status: OperationStatus;
  failureReason?: string;
  completedAt?: number;
  readonly permissionSetArn: string;
  /** The target account; undefined for ProvisionPermissionSet to ALL_PROVISIONED_ACCOUNTS. */
  readonly accountId?: string;
  readonly principalType?: PrincipalType;
  readonly principalId?: string;
  /** Accounts a provisioning operation covers (fixed at submission). */
  readonly provisionTargets?: readonly string[];
  /** Which of them had the permission set provisioned at submission (whose role it updates). */
  readonly provisionedAtSubmission?: ReadonlySet<string>;
  /** Who asked: in the management account, Identity Center acts with the caller's IAM permissions. */
  readonly caller: Caller;
}

/** Behaviours AWS leaves undocumented; each default is the one a careful client must survive. */
export interface IdentityCenterBehaviour {
  /**
   * ConflictException granularity. Users report conflicts between operations on the same account
   * and permission set, e.g. a grant racing a revoke of the same role (aws-samples/iam-identity-center-team#513),
   * and more conflicts "when you run too many operations" (aws-samples/assignment-automation-4-aws-sso#8).
   * @default 'ACCOUNT_AND_PERMISSION_SET'
   */
  readonly conflictScope?: 'ACCOUNT_AND_PERMISSION_SET' | 'NONE';
  /**
   * The caller is a delegated administrator: the management account and permission sets
   * provisioned to it are out of reach (AccessDeniedException; fivexl/terraform-aws-sso-elevator#101,
   * https://docs.aws.amazon.com/singlesignon/latest/userguide/delegated-admin.html). @default false
   */
  readonly delegatedAdministrator?: boolean;
  /**
   * How long after an operation ends its final status shows in the status-filtered listings
   * (`List...Status` with `Filter.Status` FAILED or SUCCEEDED); the IN_PROGRESS listing and
   * `Describe...Status` answer at once. The API reference documents the filter and nothing about
   * consistency (API_ListAccountAssignmentCreationStatus.html): an index that lags is the less
   * convenient answer for a client that takes an operation missing from the FAILED listing for a
   * success, so there is a lag by default. @default 1000 (simulated ms)
   */
  readonly finalStatusListingLagMs?: number;
}

const INACTIVE_ACCOUNT_REASON = (accountId: string) =>
  // Observed for suspended accounts: aws-samples/aws-identitycenter-codepipeline-auto-assignment#31.
  `AWS SSO is unable to complete your request at this time. Obtaining permissions to manage your AWS account '${accountId}' takes longer than usual. `
  + 'Please try again in a few minutes. If this problem continues, contact AWS Support.';
/**
 * Operations on a suspended or closing account "hang on processing until eventually timing out"
 * (61418/aws-sso-util#80) before they fail with INACTIVE_ACCOUNT_REASON; reports are of creates and provisionings,
 * deletions are modelled alike (AWS is silent about them). AWS publishes no figure:
 * three minutes of simulated time is a guess on the long side, so that a caller that waits for
 * them pays for it.
 */
const INACTIVE_ACCOUNT_HANG_MS = 3 * 60_000;
/** See `IdentityCenterBehaviour.finalStatusListingLagMs`: a guess, as AWS says nothing. */
const DEFAULT_FINAL_STATUS_LISTING_LAG_MS = 1000;
const MISSING_PRINCIPAL_REASON = (type: PrincipalType, id: string, storeId: string) =>
  // Observed: hashicorp/terraform-provider-aws#19341.
  `Received a 404 status error: the ${type} assignee ${id} was not found in directory ${storeId}`;
/**
 * How DeleteAccountAssignment of a triple that does not exist ends: accepted, then FAILED with this
 * reason. terraform-provider-aws quotes it and treats it as deleted
 * (internal/service/ssoadmin/account_assignment.go, resourceAccountAssignmentDelete: "last error:
 * Received a 404 status error: EntitlementItem doesn't exist with the given entitlement key
 * EntitlementKey{accessorId=AccessorId{value=...}, ...}"). The values are redacted there; which id
 * fills which field here is a guess.
 */
const MISSING_ENTITLEMENT_REASON = (a: Assignment, instanceId: string) =>
  `Received a 404 status error: EntitlementItem doesn't exist with the given entitlement key EntitlementKey{accessorId=AccessorId{value=${a.principalId}}, `
  + `resourceId=ResourceId{value=${a.permissionSetArn.split('/').pop()}}, auxiliaryResourceId=AuxiliaryResourceId{value=${instanceId}}, `
  + `containerId=ContainerId{value=${a.accountId}}}`;
/**
 * A provisioning that races the deletion of the last assignment in an account, whose role it
 * removes (hashicorp/terraform-provider-aws#35158, aws-samples/terraform-aws-identity-center#19).
 */
const PROVISION_RACE_REASON = 'Received a 404 status error: Assignment not found.';

export interface AsyncOperationsOptions {
  readonly state: IdentityCenterState;
  readonly organizations: OrganizationsModel;
  readonly identityStore: IdentityStoreModel;
  readonly faults: FaultInjector;
  readonly random: SeededRandom;
  readonly latency: AsyncLatency;
  readonly maxOutstanding: number;
  readonly behaviour: IdentityCenterBehaviour;
  readonly iam: IamModel;
}

/**
 * The asynchronous side of Identity Center: CreateAccountAssignment, DeleteAccountAssignment and
 * ProvisionPermissionSet answer IN_PROGRESS with a RequestId and finish later. Time moves only
 * through `settle(now)`, called before every request and every model read, so transitions are a
 * pure function of simulated time.
 */
export class AsyncOperations {
  private readonly operations = new Map<string, AsyncOperation>();
  private readonly byKind = new Map<AsyncOperationKind, SortedKeyIndex<AsyncOperation>>();
  /** The IN_PROGRESS operations of each kind, so listing them costs O(in flight), not O(history). */
  private readonly inProgressByKind = new Map<AsyncOperationKind, SortedKeyIndex<AsyncOperation>>();
  private pending: AsyncOperation[] = [];
  /** In-flight operations by `account|permissionSet`, and by permission set. */
  private readonly inFlightTargets = new Map<string, number>();
  private readonly inFlightByPermissionSet = new Map<string, number>();
  private sequence = 0;
  /** Accounts where Identity Center has created its SAML provider (only tracked for the management account). */
  private readonly samlProviders = new Set<string>();

  constructor(private readonly options: AsyncOperationsOptions) {
    for (const kind of ['CREATE_ASSIGNMENT', 'DELETE_ASSIGNMENT', 'PROVISION_PERMISSION_SET'] as const) {
      this.byKind.set(kind, new SortedKeyIndex());
      this.inProgressByKind.set(kind, new SortedKeyIndex());
    }
  }

  public submitAssignment(kind: 'CREATE_ASSIGNMENT' | 'DELETE_ASSIGNMENT', assignment: Assignment, now: number, caller: Caller): AsyncOperation {
    this.admit(now, [targetKey(assignment.accountId, assignment.permissionSetArn)], assignment.permissionSetArn, false);
    return this.start({ kind, now, caller, ...assignment });
  }

  public submitProvisioning(permissionSetArn: string, accountId: string | undefined, now: number, caller: Caller): AsyncOperation {
    const targets = accountId !== undefined ? [accountId] : [...this.options.state.accountsProvisionedWith(permissionSetArn).values()];
    this.admit(now, accountId !== undefined ? [targetKey(accountId, permissionSetArn)] : [], permissionSetArn, accountId === undefined);
    const provisionedAtSubmission = new Set(targets.filter((a) => this.options.state.provisionedVersion(a, permissionSetArn) !== undefined));
    return this.start({ kind: 'PROVISION_PERMISSION_SET', now, caller, permissionSetArn, accountId, provisionTargets: targets, provisionedAtSubmission });
  }

  /**
   * Completes every operation whose time has come, in completion order, interleaved with the deprovisionings that
   * fall due (IdentityCenterState.removeAssignment), a deprovisioning first when both are due at the same time: a
   * deletion that completes schedules one, which may fall due before a later operation that it affects.
   */
  public settle(now: number): void {
    const { state } = this.options;
    const deprovisioningDue = () => {
      const at = state.nextDeprovisioningAt();
      return at !== undefined && at <= now ? at : undefined;
    };
    if (this.pending.every((op) => op.completesAt > now) && deprovisioningDue() === undefined) return;
    const due = this.pending.filter((op) => op.completesAt <= now).sort((a, b) => a.completesAt - b.completesAt || a.sequence - b.sequence);
    this.pending = this.pending.filter((op) => op.completesAt > now);
    for (let i = 0; ;) {
      const op = due[i];
      const deprovisioningAt = deprovisioningDue();
      if (deprovisioningAt !== undefined && (!op || deprovisioningAt <= op.completesAt)) {
        state.settleDeprovisionings(deprovisioningAt);
        continue;
      }
      if (!op) return;
      i++;
      this.inProgressByKind.get(op.kind)!.delete(sequenceKey(op));
      this.complete(op);
    }
  }

  public get(requestId: string): AsyncOperation | undefined {
    return this.operations.get(requestId);
  }

  /** Operations of one kind in submission order, keyed by zero-padded sequence. */
  public ofKind(kind: AsyncOperationKind): SortedKeyIndex<AsyncOperation> {
    return this.byKind.get(kind)!;
  }

  /** The IN_PROGRESS operations of one kind, keyed like `ofKind`. */
  public inProgressOfKind(kind: AsyncOperationKind): SortedKeyIndex<AsyncOperation> {
    return this.inProgressByKind.get(kind)!;
  }

  /** Whether a listing filtered by `status` shows the operation at `now` (see `finalStatusListingLagMs`). */
  public listedAs(op: AsyncOperation, status: OperationStatus, now: number): boolean {
    if (op.status !== status) return false;
    if (status === 'IN_PROGRESS') return true;
    return now - (op.completedAt ?? op.completesAt) >= (this.options.behaviour.finalStatusListingLagMs ?? DEFAULT_FINAL_STATUS_LISTING_LAG_MS);
  }

  public outstanding(): number {
    return this.pending.length;
  }

  /** Copies of every operation so far, in submission order. */
  public history(): AsyncOperation[] {
    return [...this.operations.values()].map((op) => ({ ...op }));
  }

  private admit(now: number, targets: string[], permissionSetArn: string, wholePermissionSet: boolean): void {
    this.settle(now);
    if (this.pending.length >= this.options.maxOutstanding) {
      // The text AWS answers when too many asynchronous writes are outstanding (aws-iam-identity-center-extensions#87, #111).
      throw new AwsError('ThrottlingException', 'There are too many requests processing. Please try again later.', { throttling: true });
    }
    if (this.options.behaviour.conflictScope === 'NONE') return;
    const conflict = wholePermissionSet
      ? (this.inFlightByPermissionSet.get(permissionSetArn) ?? 0) > 0
      : targets.some((t) => (this.inFlightTargets.get(t) ?? 0) > 0) || (this.inFlightTargets.get(targetKey('*', permissionSetArn)) ?? 0) > 0;
    // Observed text: aws-iam-identity-center-extensions#111.
    if (conflict) throw new AwsError('ConflictException', 'There is a conflicting operation in process.');
  }

  private start(spec: {
    kind: AsyncOperationKind;
    now: number;
    caller: Caller;
    permissionSetArn: string;
    accountId?: string;
    principalType?: PrincipalType;
    principalId?: string;
    provisionTargets?: string[];
    provisionedAtSubmission?: ReadonlySet<string>;
  }): AsyncOperation {
    const { latency, random } = this.options;
    const requestId = random.uuid();
    const targets = spec.provisionTargets ?? (spec.accountId !== undefined ? [spec.accountId] : []);
    const hangs = targets.some((a) => this.options.organizations.account(a)?.status !== 'ACTIVE');
    const delay = hangs ? INACTIVE_ACCOUNT_HANG_MS : latency.minMs + random.forKey('async-latency', requestId) * (latency.maxMs - latency.minMs);
    const op: AsyncOperation = {
      requestId,
      kind: spec.kind,
      sequence: ++this.sequence,
      createdDate: spec.now,
      completesAt: spec.now + delay,
      status: 'IN_PROGRESS',
      permissionSetArn: spec.permissionSetArn,
      accountId: spec.accountId,
      principalType: spec.principalType,
      principalId: spec.principalId,
      provisionTargets: spec.provisionTargets,
      provisionedAtSubmission: spec.provisionedAtSubmission,
      caller: spec.caller,
    };
    this.operations.set(requestId, op);
    this.ofKind(spec.kind).set(sequenceKey(op), op);
    this.inProgressOfKind(spec.kind).set(sequenceKey(op), op);
    this.pending.push(op);
    this.track(op, +1);
    return op;
  }

  private complete(op: AsyncOperation): void {
    this.track(op, -1);
    op.completedAt = op.completesAt;
    const failure = this.options.faults.asyncFailureFor(op.requestId) ?? this.apply(op);
    op.status = failure === undefined ? 'SUCCEEDED' : 'FAILED';
    op.failureReason = failure;
  }

  /** Applies a due operation; returns a FailureReason when AWS would fail it. */
  private apply(op: AsyncOperation): string | undefined {
    const { state, organizations, identityStore } = this.options;
    if (op.kind === 'PROVISION_PERMISSION_SET') {
      let failure: string | undefined;
      for (const accountId of op.provisionTargets ?? []) {
        // The role went, or is going (its last assignment was deleted and the deprovisioning is under way), while the
        // provisioning ran: hashicorp/terraform-provider-aws#35158 sees this reason after deleting the last assignment.
        const roleRemoved = (op.provisionedAtSubmission?.has(accountId) && state.provisionedVersion(accountId, op.permissionSetArn) === undefined)
          || state.isDeprovisioning(accountId, op.permissionSetArn);
        const problem = organizations.account(accountId)?.status !== 'ACTIVE' ? INACTIVE_ACCOUNT_REASON(accountId)
          : roleRemoved ? PROVISION_RACE_REASON : this.managementAccountDenial(op, accountId, 'provision');
        if (problem) failure ??= problem;
        else if (state.permissionSet(op.permissionSetArn)) state.provision(accountId, op.permissionSetArn);
      }
      return failure;
    }
    const assignment: Assignment = {
      accountId: op.accountId!,
      permissionSetArn: op.permissionSetArn,
      principalType: op.principalType!,
      principalId: op.principalId!,
    };
    if (!identityStore.hasPrincipal(assignment.principalType, assignment.principalId)) {
      return MISSING_PRINCIPAL_REASON(assignment.principalType, assignment.principalId, identityStore.identityStoreId);
    }
    // Creates in a suspended or closing account hang, then fail (INACTIVE_ACCOUNT_REASON's sources). AWS is silent about
    // deletions there; they fare the same here (the less convenient answer): the assignment stays.
    if (organizations.account(assignment.accountId)?.status !== 'ACTIVE') return INACTIVE_ACCOUNT_REASON(assignment.accountId);
    const lastInAccount = op.kind === 'DELETE_ASSIGNMENT' && state.hasAssignment(assignment)
      && state.assignmentsOfTarget(assignment.accountId, assignment.permissionSetArn).size === 1;
    const denial = op.kind === 'CREATE_ASSIGNMENT' ? this.managementAccountDenial(op, assignment.accountId, 'assign')
      : lastInAccount ? this.managementAccountDenial(op, assignment.accountId, 'unassign-last') : undefined;
    if (denial) return denial;
    if (op.kind === 'CREATE_ASSIGNMENT') {
      // Creating a triple that exists succeeds and creates no duplicate: "the AWS SSO API doesn't
      // prevent us from creating duplicates" (terraform-provider-aws, internal/service/ssoadmin/account_assignment.go).
      state.addAssignment(assignment);
      return undefined;
    }
    return state.removeAssignment(assignment, op.completesAt) ? undefined : MISSING_ENTITLEMENT_REASON(assignment, state.instanceId);
  }

  /** In the management account, the IAM work is done with the caller's permissions; why it fails, if it does. */
  private managementAccountDenial(op: AsyncOperation, accountId: string, step: ManagementAccountStep): string | undefined {
    const { organizations, state, iam } = this.options;
    if (accountId !== organizations.managementAccountId) return undefined;
    const ps = state.permissionSet(op.permissionSetArn);
    const roleArn = reservedRoleArn(accountId, ps?.name ?? 'Unknown', op.permissionSetArn);
    const samlArn = samlProviderArn(accountId, state.instanceId);
    const roleExists = state.provisionedVersion(accountId, op.permissionSetArn) !== undefined;
    const facts = { samlProviderExists: this.samlProviders.has(accountId), roleExists };
    const denial = managementAccountDenial(iam, op.caller, requiredIamActions(step, facts, roleArn, samlArn), op.requestId);
    if (!denial && step !== 'unassign-last') this.samlProviders.add(accountId);
    return denial;
  }

  private track(op: AsyncOperation, delta: number): void {
    const key = targetKey(op.accountId ?? '*', op.permissionSetArn);
    this.inFlightTargets.set(key, (this.inFlightTargets.get(key) ?? 0) + delta);
    this.inFlightByPermissionSet.set(op.permissionSetArn, (this.inFlightByPermissionSet.get(op.permissionSetArn) ?? 0) + delta);
  }
}

function sequenceKey(op: AsyncOperation): string {
  return String(op.sequence).padStart(12, '0');
}
