import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ProvisionPermissionSetCommand,
  SSOAdminClient,
  paginateListAccountAssignmentCreationStatus,
  paginateListAccountAssignmentDeletionStatus,
  paginateListAccountAssignments,
  paginateListAccountAssignmentsForPrincipal,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListPermissionSetProvisioningStatus,
  paginateListPermissionSets,
  paginateListPermissionSetsProvisionedToAccount,
} from '@aws-sdk/client-sso-admin';
import { Assignment, PrincipalId } from '../core/model';
import { IdentityCenterReadPort, IdentityCenterWritePort, OperationKind, OperationStatus, PermissionSetDeletePort, WriteError } from '../core/ports';

/** Errors that a later attempt can overcome: conflicts with an operation in flight, throttling, faults. */
const RETRYABLE_ERRORS = new Set([
  'ConflictException', 'ThrottlingException', 'TooManyRequestsException', 'InternalServerException',
  'ServiceUnavailableException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
]);
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Identity Center admin API through the SDK. Reads paginate to the end; writes classify their errors. */
export class IdentityCenterAdapter implements IdentityCenterReadPort, IdentityCenterWritePort, PermissionSetDeletePort {
  /** `principalReads`: the client of ListAccountAssignmentsForPrincipal, when it has credentials of its own (the assignment reader). */
  constructor(
    private readonly client: SSOAdminClient,
    private readonly instanceArn: string,
    private readonly principalReads: SSOAdminClient = client,
  ) {}

  async listPermissionSets() {
    const arns: string[] = [];
    for await (const page of paginateListPermissionSets({ client: this.client }, { InstanceArn: this.instanceArn })) {
      arns.push(...(page.PermissionSets ?? []));
    }
    return arns;
  }

  async permissionSetName(permissionSetArn: string) {
    const result = await this.client.send(new DescribePermissionSetCommand({ InstanceArn: this.instanceArn, PermissionSetArn: permissionSetArn }));
    return result.PermissionSet!.Name!;
  }

  async listAssignmentsForPrincipal(principal: PrincipalId) {
    const rows: Array<{ accountId: string; permissionSetArn: string }> = [];
    const pages = paginateListAccountAssignmentsForPrincipal({ client: this.principalReads, pageSize: 100 }, {
      InstanceArn: this.instanceArn, PrincipalId: principal.principalId, PrincipalType: principal.principalType,
    });
    for await (const page of pages) {
      for (const a of page.AccountAssignments ?? []) rows.push({ accountId: a.AccountId!, permissionSetArn: a.PermissionSetArn! });
    }
    return rows;
  }

  async listAssignments(accountId: string, permissionSetArn: string) {
    const rows: PrincipalId[] = [];
    const pages = paginateListAccountAssignments({ client: this.client, pageSize: 100 }, {
      InstanceArn: this.instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn,
    });
    for await (const page of pages) {
      for (const a of page.AccountAssignments ?? []) rows.push({ principalType: a.PrincipalType as 'GROUP' | 'USER', principalId: a.PrincipalId! });
    }
    return rows;
  }

  async listOutdatedAccounts(permissionSetArn: string) {
    const accounts: string[] = [];
    const pages = paginateListAccountsForProvisionedPermissionSet({ client: this.client, pageSize: 100 }, {
      InstanceArn: this.instanceArn, PermissionSetArn: permissionSetArn, ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
    });
    for await (const page of pages) accounts.push(...(page.AccountIds ?? []));
    return accounts;
  }

  async listProvisionedAccounts(permissionSetArn: string) {
    const accounts: string[] = [];
    const pages = paginateListAccountsForProvisionedPermissionSet({ client: this.client, pageSize: 100 }, {
      InstanceArn: this.instanceArn, PermissionSetArn: permissionSetArn,
    });
    for await (const page of pages) accounts.push(...(page.AccountIds ?? []));
    return accounts;
  }

  async deletePermissionSet(permissionSetArn: string): Promise<void> {
    try {
      await this.client.send(new DeletePermissionSetCommand({ InstanceArn: this.instanceArn, PermissionSetArn: permissionSetArn }));
    } catch (error) {
      throw classify(error);
    }
  }

  async listPermissionSetsProvisionedToAccount(accountId: string) {
    const arns: string[] = [];
    const input = { InstanceArn: this.instanceArn, AccountId: accountId };
    const pages = paginateListPermissionSetsProvisionedToAccount({ client: this.client, pageSize: 100 }, input);
    for await (const page of pages) arns.push(...(page.PermissionSets ?? []));
    return arns;
  }

  async start(kind: 'create' | 'delete', a: Assignment): Promise<OperationStatus> {
    const input = {
      InstanceArn: this.instanceArn,
      TargetType: 'AWS_ACCOUNT' as const,
      TargetId: a.accountId,
      PermissionSetArn: a.permissionSetArn,
      PrincipalType: a.principalType,
      PrincipalId: a.principalId,
    };
    return this.write(async () => {
      if (kind === 'create') {
        return toStatus((await this.client.send(new CreateAccountAssignmentCommand(input))).AccountAssignmentCreationStatus);
      }
      return toStatus((await this.client.send(new DeleteAccountAssignmentCommand(input))).AccountAssignmentDeletionStatus);
    });
  }

  async startProvisioning(permissionSetArn: string, accountId: string): Promise<OperationStatus> {
    return this.write(async () => toStatus((await this.client.send(new ProvisionPermissionSetCommand({
      InstanceArn: this.instanceArn, PermissionSetArn: permissionSetArn, TargetType: 'AWS_ACCOUNT', TargetId: accountId,
    }))).PermissionSetProvisioningStatus));
  }

  async listInProgress(kind: OperationKind): Promise<Set<string>> {
    return this.listStatus(kind, 'IN_PROGRESS');
  }

  /**
   * The FAILED operations of a kind, every page. The API reference documents the filter
   * (OperationStatusFilter) but neither the listing's order nor how long operations stay in it;
   * the poller uses it only to tell failures from successes of creates it already saw finish.
   */
  async listFailed(kind: OperationKind, limit: number): Promise<Set<string>> {
    return this.listStatus(kind, 'FAILED', limit);
  }

  private async listStatus(kind: OperationKind, status: 'IN_PROGRESS' | 'FAILED', limit = Infinity): Promise<Set<string>> {
    const ids = new Set<string>();
    const input = { InstanceArn: this.instanceArn, Filter: { Status: status } };
    const config = { client: this.client, pageSize: 100 };
    const pages = kind === 'create'
      ? paginateListAccountAssignmentCreationStatus(config, input)
      : kind === 'delete'
        ? paginateListAccountAssignmentDeletionStatus(config, input)
        : paginateListPermissionSetProvisioningStatus(config, input);
    for await (const page of pages) {
      const rows = 'AccountAssignmentsCreationStatus' in page
        ? page.AccountAssignmentsCreationStatus
        : 'AccountAssignmentsDeletionStatus' in page
          ? page.AccountAssignmentsDeletionStatus
          : (page as { PermissionSetsProvisioningStatus?: Array<{ RequestId?: string }> }).PermissionSetsProvisioningStatus;
      for (const row of rows ?? []) if (row.RequestId) ids.add(row.RequestId);
      if (ids.size > limit) break;
    }
    return ids;
  }

  async describe(kind: OperationKind, requestId: string): Promise<OperationStatus> {
    if (kind === 'create') {
      return toStatus((await this.client.send(new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: this.instanceArn, AccountAssignmentCreationRequestId: requestId,
      }))).AccountAssignmentCreationStatus);
    }
    if (kind === 'delete') {
      return toStatus((await this.client.send(new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: this.instanceArn, AccountAssignmentDeletionRequestId: requestId,
      }))).AccountAssignmentDeletionStatus);
    }
    return toStatus((await this.client.send(new DescribePermissionSetProvisioningStatusCommand({
      InstanceArn: this.instanceArn, ProvisionPermissionSetRequestId: requestId,
    }))).PermissionSetProvisioningStatus);
  }

  private async write(call: () => Promise<OperationStatus>): Promise<OperationStatus> {
    try {
      return await call();
    } catch (error) {
      throw classify(error);
    }
  }
}

function toStatus(status: { RequestId?: string; Status?: string; FailureReason?: string } | undefined): OperationStatus {
  if (!status?.RequestId || !status.Status) throw new WriteError('Identity Center returned no operation status', true, 'MissingStatus');
  return { requestId: status.RequestId, status: status.Status as OperationStatus['status'], failureReason: status.FailureReason };
}

/** Maps an SDK error (after the SDK's own retries) to a WriteError the scheduler understands. */
export function classify(error: unknown): WriteError {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const name = e.name ?? 'Error';
  const retryable = RETRYABLE_ERRORS.has(name)
    || (e.$metadata?.httpStatusCode ?? 0) >= 500
    || NETWORK_ERRORS.has(e.code ?? '')
    || e.$retryable !== undefined;
  return new WriteError(e.message ?? String(error), retryable, name);
}
