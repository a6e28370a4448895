import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime, ServiceCaller } from './runtime';
import { AwsError } from '../../protocol/aws-error';
import { JsonInput, ServiceHandler } from '../../protocol/service-handler';
import { AsyncOperations } from '../../services/identity-center/async-operations';
import { IdentityCenterState, PermissionSetChange } from '../../services/identity-center/identity-center-model';
import { handlerFailure } from '../errors';
import { pause } from '../simulated-time';
import type { StackResource } from '../stack-types';

/** The Identity Center instance the handler works on. */
export interface IdentityCenterPort {
  readonly state: IdentityCenterState;
  readonly operations: AsyncOperations;
  /**
   * The sso-admin API handler (CreatePermissionSet, ProvisionPermissionSet, DescribePermissionSetProvisioningStatus,
   * DeletePermissionSet, ListTagsForResource, TagResource, UntagResource).
   */
  readonly api: ServiceHandler;
}

// The handlers cited below are aws-cloudformation/aws-cloudformation-resource-providers-sso at a9214a0 (2021, the last
// public commit), aws-sso-permissionset/src/main/java/software/amazon/sso/permissionset/; the deployed one may differ.

/**
 * Re-poll interval of DescribePermissionSetProvisioningStatus while an update stabilizes. The handler's
 * callback delay is not public; 15 s of simulated time is a guess on the slow side.
 */
const PROVISIONING_POLL_MS = 15_000;
/** UpdateHandler: Conflict or Throttling from ProvisionPermissionSet → `defaultInProgressHandler(callbackContext, 300, model)`, no limit. */
const PROVISIONING_CONFLICT_RETRY_MS = 300_000;
/**
 * No limit is documented for those retries; CloudFormation gives up on a handler eventually. After 2 h of
 * simulated time the update fails with the last error: a stand-in for a handler timeout AWS does not publish.
 */
const STABILIZATION_LIMIT_MS = 2 * 3600_000;
/** Constants.RETRY_ATTEMPTS = 5: the retries of CreatePermissionSet, UpdatePermissionSet (5 s apart) and DeletePermissionSet. */
const RETRY_ATTEMPTS = 5;
/** UpdateHandler: Throttling, InternalServer or Conflict from UpdatePermissionSet (InternalServer from ProvisionPermissionSet) → after 5 s. */
const UPDATE_RETRY_MS = 5_000;
/** BaseHandlerStd.getRetryTime: a random 40–120 s after ThrottlingException, else 5–100 s (Create and Delete handlers' back-off). */
const RETRY_TIME_MS = { throttling: [40_000, 120_000], other: [5_000, 100_000] } as const;
/** What CreateHandler and DeleteHandler retry; anything else fails at once with GeneralServiceException. */
const RETRIED = new Set(['ConflictException', 'ThrottlingException', 'InternalServerException']);
/** BaseHandlerStd.mapExceptionToHandlerCode, for an error the handler retried until it gave up. */
const HANDLER_CODES: Readonly<Record<string, string>> = {
  ResourceNotFoundException: 'NotFound',
  AccessDeniedException: 'AccessDenied',
  ValidationException: 'InvalidRequest',
  ConflictException: 'AlreadyExists',
  ThrottlingException: 'Throttling',
};

/**
 * AWS::SSO::PermissionSet, after the public handler (Create/Update/DeleteHandler.java, see above):
 * - createOnly InstanceArn and Name (a rename is a replacement), primaryIdentifier InstanceArn + PermissionSetArn
 *   (aws-sso-permissionset.json). Ref is not the bare ARN (61418/aws-sso-util#12); the order of the two parts of the
 *   physical id `<PermissionSetArn>|<InstanceArn>` is not documented. Attribute PermissionSetArn.
 * - Create: CreatePermissionSet with the template's Tags (Translator.translateToCreateRequest), retried like the delete
 *   (ConflictException "PermissionSet with name X already exists." ends AlreadyExists,
 *   hashicorp/terraform-provider-aws#38544), then policies. It does NOT provision: the new set is provisioned nowhere.
 * - Update: UpdatePermissionSet, the tags (updateTags), the policy changes, then ALWAYS ProvisionPermissionSet ALL_PROVISIONED_ACCOUNTS,
 *   stabilizing on DescribePermissionSetProvisioningStatus; FAILED → "Request <id> failed due to: <reason>"
 *   (Constants.FAILED_WORKFLOW_REQUEST), so one suspended account fails every update of the set (61418/aws-sso-util#80).
 * - Delete: DeletePermissionSet, no draining; ConflictException (still assigned or provisioned,
 *   hashicorp/terraform-provider-aws#26757) retried 5 times, then FAILED. ResourceNotFound is NotFound, which
 *   "CloudFormation itself chooses to ignore ... during stack workflows" (cloudformation-cli#456): deleted.
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
    const output = await this.callWithRetries('CreatePermissionSet', {
      InstanceArn: instanceArn,
      Name: stringProperty(p, 'Name'),
      Description: stringProperty(p, 'Description'),
      SessionDuration: stringProperty(p, 'SessionDuration'),
      RelayState: stringProperty(p, 'RelayStateType'),
      Tags: tagsProperty(p),
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
    // UpdatePermissionSet always runs, so every account the set is provisioned to falls behind until provisioned.
    const { state } = this.identityCenter;
    state.updatePermissionSet(permissionSetArn, {
      description: stringProperty(p, 'Description'),
      sessionDuration: stringProperty(p, 'SessionDuration'),
      relayState: stringProperty(p, 'RelayStateType'),
    });
    await this.updateTags(permissionSetArn, instanceArn, tagsProperty(p), request);
    const policies = policyChange(current.properties, p);
    // An inline policy that goes is DeleteInlinePolicyFromPermissionSet (UpdateHandler).
    if (policies) {
      const { inlinePolicy } = policies;
      state.changePermissionSet(permissionSetArn, { ...policies, inlinePolicy: inlinePolicy || undefined, deleteInlinePolicy: inlinePolicy === '' });
    }
    await this.provisionEverywhere(permissionSetArn, instanceArn, request);
    return provisioned(permissionSetArn, instanceArn);
  }

  public async delete(request: ResourceRequest, current: StackResource): Promise<void> {
    const { permissionSetArn, instanceArn } = identifiers(current.physicalId);
    const input = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn };
    await this.callWithRetries('DeletePermissionSet', input, request, 'ResourceNotFoundException');
  }

  /**
   * Import: the identifier is both parts of the primary identifier (aws-sso-permissionset.json), what a resource to
   * import is identified by (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html).
   * The model is ReadHandler's: DescribePermissionSet's attributes (Translator.translateFromReadResponse), the Tags
   * ListTagsForResource returns (all pages, TagsUtil.getResourceTags; absent when there are none), the managed policies
   * and the inline policy.
   */
  public async read(identifier: Readonly<Record<string, string>>, request: ResourceRequest): Promise<ProvisionedResource | undefined> {
    const { state } = this.identityCenter;
    const record = identifier.InstanceArn === state.instanceArn ? state.permissionSet(identifier.PermissionSetArn) : undefined;
    if (!record) return undefined;
    const tags = this.listTags(record.arn, identifier.InstanceArn, request);
    if (tags instanceof AwsError) throw this.api.failure(tags, request, HANDLER_CODES[tags.code] ?? 'InternalFailure');
    const model: Record<string, unknown> = {
      PermissionSetArn: record.arn,
      InstanceArn: identifier.InstanceArn,
      Name: record.name,
      Description: record.description,
      SessionDuration: record.sessionDuration,
      RelayStateType: record.relayState,
      ...(tags.length > 0 ? { Tags: tags } : {}),
      ManagedPolicies: [...record.managedPolicies],
      InlinePolicy: record.inlinePolicy,
    };
    const defined = Object.fromEntries(Object.entries(model).filter(([, value]) => value !== undefined));
    return { ...provisioned(identifier.PermissionSetArn, identifier.InstanceArn), model: defined };
  }

  /**
   * A call as CreateHandler and DeleteHandler make it: Conflict, Throttling and InternalServer are retried 5 times,
   * getRetryTime apart, then fail with their mapped code; any other error fails at once with GeneralServiceException.
   * `tolerated` (the delete's ResourceNotFound) ends the call without output.
   */
  private async callWithRetries(operation: string, input: JsonInput, request: ResourceRequest, tolerated?: string): Promise<Record<string, unknown>> {
    for (let retry = 0; ; retry++) {
      const outcome = this.api.attempt(operation, input, request);
      if (!(outcome instanceof AwsError)) return outcome;
      if (outcome.code === tolerated) return {};
      if (!RETRIED.has(outcome.code)) throw this.api.failure(outcome, request, 'GeneralServiceException');
      if (retry >= RETRY_ATTEMPTS) throw this.api.failure(outcome, request, HANDLER_CODES[outcome.code] ?? 'InternalFailure');
      const [min, max] = outcome.code === 'ThrottlingException' ? RETRY_TIME_MS.throttling : RETRY_TIME_MS.other;
      await pause(this.runtime.clock, this.runtime.random.int(min, max));
    }
  }

  /**
   * A set being provisioned refuses UpdatePermissionSet with ConflictException "There is a conflicting operation in
   * process." (aws-samples/aws-iam-identity-center-extensions#111); UpdateHandler retries it 5 times, 5 s apart, then
   * fails with the mapped code, AlreadyExists.
   */
  private async waitForProvisioningToEnd(permissionSetArn: string, request: ResourceRequest): Promise<void> {
    const { operations } = this.identityCenter;
    for (let retry = 0; ; retry++) {
      operations.settle(this.runtime.clock.now());
      const busy = [...operations.inProgressOfKind('PROVISION_PERMISSION_SET').values()].some((op) => op.permissionSetArn === permissionSetArn);
      if (!busy) return;
      if (retry >= RETRY_ATTEMPTS) {
        throw handlerFailure('There is a conflicting operation in process.', HANDLER_CODES.ConflictException, request.requestToken);
      }
      await pause(this.runtime.clock, UPDATE_RETRY_MS);
    }
  }

  /**
   * UpdateHandler.updateTags: the tags the set has (ListTagsForResource, every page) against the template's, compared as
   * key-value pairs: UntagResource with the keys of the pairs that went, then TagResource with the pairs that came; a
   * changed value is both, untagged first. The set's tags are what is compared, not the previous template, so a tag added
   * outside the template is removed by the next update. Throttling, InternalServer and Conflict are retried 5 s apart
   * (`defaultInProgressHandler(callbackContext, 5, model)`); each retry re-runs UpdatePermissionSet, whose success resets
   * the retry counter, so in the handler as written they do not end: here they end at the stabilization limit with the
   * mapped code. Any other error escapes the step uncaught: the Java plugin's wrapper reports an AwsServiceException as
   * GeneralServiceException (aws-cloudformation/cloudformation-cli-java-plugin, LambdaWrapper).
   */
  private async updateTags(permissionSetArn: string, instanceArn: string, desired: readonly Tag[], request: ResourceRequest): Promise<void> {
    const { clock } = this.runtime;
    const deadline = clock.now() + STABILIZATION_LIMIT_MS;
    for (;;) {
      const error = this.applyTags(permissionSetArn, instanceArn, desired, request);
      if (error === undefined) return;
      if (!RETRIED.has(error.code)) throw this.api.failure(error, request, 'GeneralServiceException');
      if (clock.now() >= deadline) throw this.api.failure(error, request, HANDLER_CODES[error.code] ?? 'InternalFailure');
      await pause(clock, UPDATE_RETRY_MS);
    }
  }

  /** One pass of updateTags; the first error, or undefined when the tags are as desired. */
  private applyTags(permissionSetArn: string, instanceArn: string, desired: readonly Tag[], request: ResourceRequest): AwsError | undefined {
    const current = this.listTags(permissionSetArn, instanceArn, request);
    if (current instanceof AwsError) return current;
    const pair = (t: Tag) => JSON.stringify([t.Key, t.Value]);
    const [had, wanted] = [new Set(current.map(pair)), new Set(desired.map(pair))];
    const removed = current.filter((t) => !wanted.has(pair(t)));
    const added = desired.filter((t) => !had.has(pair(t)));
    const target = { InstanceArn: instanceArn, ResourceArn: permissionSetArn };
    if (removed.length > 0) {
      const outcome = this.api.attempt('UntagResource', { ...target, TagKeys: removed.map((t) => t.Key) }, request);
      if (outcome instanceof AwsError) return outcome;
    }
    if (added.length > 0) {
      const outcome = this.api.attempt('TagResource', { ...target, Tags: added.map((t) => ({ Key: t.Key, Value: t.Value })) }, request);
      if (outcome instanceof AwsError) return outcome;
    }
    return undefined;
  }

  /** TagsUtil.getResourceTags: ListTagsForResource until NextToken is empty. */
  private listTags(permissionSetArn: string, instanceArn: string, request: ResourceRequest): Tag[] | AwsError {
    const tags: Tag[] = [];
    let nextToken: string | undefined;
    do {
      const outcome = this.api.attempt('ListTagsForResource', { InstanceArn: instanceArn, ResourceArn: permissionSetArn, NextToken: nextToken }, request);
      if (outcome instanceof AwsError) return outcome;
      tags.push(...((outcome.Tags as Tag[] | undefined) ?? []));
      nextToken = outcome.NextToken as string | undefined;
    } while (nextToken);
    return tags;
  }

  /**
   * UpdateHandler's last step: ProvisionPermissionSet (Translator: TargetType ALL_PROVISIONED_ACCOUNTS). Conflict and
   * Throttling are retried every 300 s; InternalServer 5 times, 5 s apart, then InternalFailure; ResourceNotFound is
   * InternalFailure; anything else GeneralServiceException.
   */
  private async provisionEverywhere(permissionSetArn: string, instanceArn: string, request: ResourceRequest): Promise<void> {
    const { clock } = this.runtime;
    const deadline = clock.now() + STABILIZATION_LIMIT_MS;
    const input = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' };
    let requestId: string;
    for (let internalRetries = 0; ;) {
      const outcome = this.api.attempt('ProvisionPermissionSet', input, request);
      if (!(outcome instanceof AwsError)) {
        requestId = (outcome.PermissionSetProvisioningStatus as { RequestId: string }).RequestId;
        break;
      }
      if (outcome.code === 'ConflictException' || outcome.code === 'ThrottlingException') {
        if (clock.now() >= deadline) throw this.api.failure(outcome, request);
        await pause(clock, PROVISIONING_CONFLICT_RETRY_MS);
      } else if (outcome.code === 'InternalServerException' && internalRetries++ < RETRY_ATTEMPTS) {
        await pause(clock, UPDATE_RETRY_MS);
      } else {
        const internal = outcome.code === 'InternalServerException' || outcome.code === 'ResourceNotFoundException';
        throw this.api.failure(outcome, request, internal ? 'InternalFailure' : 'GeneralServiceException');
      }
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

interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** The template's Tags (`[{ Key, Value }]`), as Translator.ConvertToSSOTag passes them: an empty list when there are none. */
function tagsProperty(properties: Readonly<Record<string, unknown>>): Tag[] {
  const raw = properties.Tags;
  if (!Array.isArray(raw)) return [];
  return raw.map((tag: { Key?: unknown; Value?: unknown }) => ({ Key: String(tag?.Key ?? ''), Value: String(tag?.Value ?? '') }));
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
