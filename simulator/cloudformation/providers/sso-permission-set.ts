import { updatePermissionSetAttributes } from './model-gaps';
import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime, ServiceCaller } from './runtime';
import { AwsError } from '../../protocol/aws-error';
import { ServiceHandler } from '../../protocol/service-handler';
import { AsyncOperations } from '../../services/identity-center/async-operations';
import { IdentityCenterState, PermissionSetChange } from '../../services/identity-center/identity-center-model';
import { handlerFailure } from '../errors';
import { pause } from '../simulated-time';
import type { StackResource } from '../stack-types';

/** The Identity Center instance the handler works on. */
export interface IdentityCenterPort {
  readonly state: IdentityCenterState;
  readonly operations: AsyncOperations;
  /** The sso-admin API handler (CreatePermissionSet, ProvisionPermissionSet, DescribePermissionSetProvisioningStatus, DeletePermissionSet). */
  readonly api: ServiceHandler;
}

/**
 * Re-poll interval of DescribePermissionSetProvisioningStatus while an update stabilizes. The handler's
 * callback delay is not public; 15 s of simulated time is a guess on the slow side.
 */
const PROVISIONING_POLL_MS = 15_000;
/** UpdateHandler: Conflict or Throttling while provisioning "is retried after 300 s (not counted against a limit)" (research §4). */
const PROVISIONING_CONFLICT_RETRY_MS = 300_000;
/**
 * No limit is documented for those retries; CloudFormation gives up on a handler eventually. After 2 h of
 * simulated time the update fails with the last error: a stand-in for a handler timeout AWS does not publish.
 */
const STABILIZATION_LIMIT_MS = 2 * 3600_000;
/** DeleteHandler: Conflict, Throttling and InternalServer "are retried up to 5 times, with random 5–100 s delays" (Constants.RETRY_ATTEMPTS = 5). */
const DELETE_RETRY_ATTEMPTS = 5;
const DELETE_RETRY_MIN_MS = 5_000;
const DELETE_RETRY_MAX_MS = 100_000;
const RETRIED_ON_DELETE = new Set(['ConflictException', 'ThrottlingException', 'InternalServerException']);

/**
 * AWS::SSO::PermissionSet, after the public handler (aws-cloudformation-resource-providers-sso,
 * aws-sso-permissionset, CreateHandler / UpdateHandler / DeleteHandler; research report §4):
 * - createOnly InstanceArn and Name (a rename is a replacement); the physical id is
 *   `<PermissionSetArn>|<InstanceArn>` (the composite primary identifier, the order Cloud Control
 *   clients such as stackql list it in); attribute PermissionSetArn.
 * - Create: CreatePermissionSet (ConflictException "PermissionSet with name X already exists." →
 *   HandlerErrorCode AlreadyExists), then policies. It does NOT provision: the new set is provisioned nowhere.
 * - Update: UpdatePermissionSet and the policy changes, then ALWAYS ProvisionPermissionSet
 *   ALL_PROVISIONED_ACCOUNTS, stabilizing on DescribePermissionSetProvisioningStatus; FAILED →
 *   "Request <id> failed due to: <reason>" (UpdateHandler.java FAILED_WORKFLOW_REQUEST), so one
 *   suspended account fails every update of the set (aws-behaviours §7).
 * - Delete: DeletePermissionSet, no draining; ConflictException (still assigned or provisioned)
 *   retried 5 times after random 5–100 s, then FAILED; ResourceNotFound counts as deleted (NotFound
 *   on delete is success, research §5, medium confidence).
 */
export class PermissionSetProvider implements ResourceProvider {
  public readonly createOnlyProperties = ['InstanceArn', 'Name'];
  public readonly nameProperty = 'Name';
  public readonly primaryIdentifier = ['PermissionSetArn', 'InstanceArn'];
  private readonly api: ServiceCaller;

  constructor(private readonly identityCenter: IdentityCenterPort, private readonly runtime: ProviderRuntime) {
    this.api = new ServiceCaller(identityCenter.api, 'SsoAdmin', runtime);
  }

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    const p = request.properties;
    const instanceArn = stringProperty(p, 'InstanceArn') ?? '';
    const output = this.api.call('CreatePermissionSet', {
      InstanceArn: instanceArn,
      Name: stringProperty(p, 'Name'),
      Description: stringProperty(p, 'Description'),
      SessionDuration: stringProperty(p, 'SessionDuration'),
      RelayState: stringProperty(p, 'RelayStateType'),
    }, request) as { PermissionSet: { PermissionSetArn: string } };
    const arn = output.PermissionSet.PermissionSetArn;
    const policies = policyChange({}, p);
    if (policies) this.identityCenter.state.changePermissionSet(arn, policies);
    return provisioned(arn, instanceArn);
  }

  public async update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    const { permissionSetArn, instanceArn } = identifiers(current.physicalId);
    const record = this.identityCenter.state.permissionSet(permissionSetArn);
    if (!record) throw notFound(current.physicalId, request);
    await this.waitForProvisioningToEnd(permissionSetArn, request);
    const p = request.properties;
    updatePermissionSetAttributes(record, {
      description: stringProperty(p, 'Description'),
      sessionDuration: stringProperty(p, 'SessionDuration') ?? 'PT1H',
      relayState: stringProperty(p, 'RelayStateType'),
    });
    const policies = policyChange(current.properties, p);
    if (policies?.inlinePolicy === '') record.inlinePolicy = undefined; // DeleteInlinePolicyFromPermissionSet
    // Any update changes the set, so every account it is provisioned to falls behind until provisioned.
    this.identityCenter.state.changePermissionSet(permissionSetArn, { ...policies, inlinePolicy: policies?.inlinePolicy || undefined });
    await this.provisionEverywhere(permissionSetArn, instanceArn, request);
    return provisioned(permissionSetArn, instanceArn);
  }

  public async delete(request: ResourceRequest, current: StackResource): Promise<void> {
    const { permissionSetArn, instanceArn } = identifiers(current.physicalId);
    for (let retry = 0; ; retry++) {
      const outcome = this.api.attempt('DeletePermissionSet', { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }, request);
      if (!(outcome instanceof AwsError) || outcome.code === 'ResourceNotFoundException') return;
      if (!RETRIED_ON_DELETE.has(outcome.code) || retry >= DELETE_RETRY_ATTEMPTS) throw this.api.failure(outcome, request);
      await pause(this.runtime.clock, this.runtime.random.int(DELETE_RETRY_MIN_MS, DELETE_RETRY_MAX_MS));
    }
  }

  /** Import: the identifier is both parts of the primary identifier (research §4). */
  public async read(identifier: Readonly<Record<string, string>>): Promise<ProvisionedResource | undefined> {
    const { state } = this.identityCenter;
    if (identifier.InstanceArn !== state.instanceArn || !state.permissionSet(identifier.PermissionSetArn)) return undefined;
    return provisioned(identifier.PermissionSetArn, identifier.InstanceArn);
  }

  /** A set being provisioned refuses changes with ConflictException (aws-behaviours §13); the handler retries after 300 s. */
  private async waitForProvisioningToEnd(permissionSetArn: string, request: ResourceRequest): Promise<void> {
    const { operations } = this.identityCenter;
    const deadline = this.runtime.clock.now() + STABILIZATION_LIMIT_MS;
    for (;;) {
      operations.settle(this.runtime.clock.now());
      const busy = [...operations.inProgressOfKind('PROVISION_PERMISSION_SET').values()].some((op) => op.permissionSetArn === permissionSetArn);
      if (!busy) return;
      if (this.runtime.clock.now() >= deadline) {
        throw handlerFailure('There is a conflicting operation in process.', 'ResourceConflict', request.requestToken);
      }
      await pause(this.runtime.clock, PROVISIONING_CONFLICT_RETRY_MS);
    }
  }

  private async provisionEverywhere(permissionSetArn: string, instanceArn: string, request: ResourceRequest): Promise<void> {
    const { clock } = this.runtime;
    const deadline = clock.now() + STABILIZATION_LIMIT_MS;
    const input = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' };
    let requestId: string;
    for (;;) {
      const outcome = this.api.attempt('ProvisionPermissionSet', input, request);
      if (!(outcome instanceof AwsError)) {
        requestId = (outcome.PermissionSetProvisioningStatus as { RequestId: string }).RequestId;
        break;
      }
      const retried = outcome.code === 'ConflictException' || outcome.code === 'ThrottlingException';
      if (!retried || clock.now() >= deadline) throw this.api.failure(outcome, request);
      await pause(clock, PROVISIONING_CONFLICT_RETRY_MS);
    }
    for (;;) {
      await pause(clock, PROVISIONING_POLL_MS);
      const status = this.api.call('DescribePermissionSetProvisioningStatus', { InstanceArn: instanceArn, ProvisionPermissionSetRequestId: requestId }, request)
        .PermissionSetProvisioningStatus as { Status: string; FailureReason?: string };
      if (status.Status === 'SUCCEEDED') return;
      if (status.Status === 'FAILED') {
        throw handlerFailure(`Request ${requestId} failed due to: ${status.FailureReason}`, 'GeneralServiceException', request.requestToken);
      }
      if (clock.now() >= deadline) throw handlerFailure(`Request ${requestId} did not stabilize`, 'NotStabilized', request.requestToken);
    }
  }
}

function provisioned(permissionSetArn: string, instanceArn: string): ProvisionedResource {
  return { physicalId: `${permissionSetArn}|${instanceArn}`, attributes: { PermissionSetArn: permissionSetArn } };
}

function identifiers(physicalId: string): { permissionSetArn: string; instanceArn: string } {
  const [permissionSetArn, instanceArn] = physicalId.split('|');
  return { permissionSetArn, instanceArn };
}

/** Managed-policy and inline-policy differences; `inlinePolicy: ''` means the inline policy goes. Undefined when nothing changes. */
function policyChange(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): PermissionSetChange | undefined {
  const managed = (p: Readonly<Record<string, unknown>>) => new Set(((p.ManagedPolicies as unknown[] | undefined) ?? []).map(String));
  const [was, is] = [managed(before), managed(after)];
  const inline = (p: Readonly<Record<string, unknown>>) => {
    const policy = p.InlinePolicy;
    return policy === undefined ? undefined : typeof policy === 'string' ? policy : JSON.stringify(policy);
  };
  const [inlineWas, inlineIs] = [inline(before), inline(after)];
  const change: PermissionSetChange = {
    attachManagedPolicies: [...is].filter((arn) => !was.has(arn)),
    detachManagedPolicies: [...was].filter((arn) => !is.has(arn)),
    inlinePolicy: inlineIs === inlineWas ? undefined : inlineIs ?? '',
  };
  const changed = change.attachManagedPolicies!.length > 0 || change.detachManagedPolicies!.length > 0 || change.inlinePolicy !== undefined;
  return changed ? change : undefined;
}

/** The NotFound a handler reports when the physical resource went away behind CloudFormation's back. */
function notFound(physicalId: string, request: ResourceRequest): Error {
  return handlerFailure(`Resource of type '${request.type}' with identifier '${physicalId}' was not found.`, 'NotFound', request.requestToken);
}
