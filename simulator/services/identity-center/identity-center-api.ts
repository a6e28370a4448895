import { AsyncOperation, AsyncOperationKind, AsyncOperations } from './async-operations';
import { ssoAdminAuthorizations } from './authorization';
import {
  Assignment, IdentityCenterState, NAME_PATTERN, PermissionSetRecord, PrincipalType, validateTagKeys, validateTags,
} from './identity-center-model';
import { PageLimits, Paginator, PaginationErrors } from '../../core/paginator';
import { SortedKeyIndex } from '../../core/sorted-key-index';
import { TokenBucket } from '../../core/token-bucket';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { oneOf, optionalArray, optionalInteger, optionalObject, optionalString, requiredString } from '../../protocol/input';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';
import { IamModel } from '../iam/iam-model';
import { OrganizationsModel } from '../organizations/organizations-model';

/** "MaxResults ... Valid Range: Minimum value of 1. Maximum value of 100." (botocore sso-admin service-2.json, shape MaxResults). */
export const SSO_ADMIN_PAGE: PageLimits = { max: 100, defaultSize: 100 };

// Patterns from the IAM Identity Center API reference.
const INSTANCE_ARN = /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const PERMISSION_SET_ARN = /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/;
/** TagResource, UntagResource, ListTagsForResource ResourceArn: an instance, permission set, application or trusted token issuer. */
const TAGGABLE_ARN = new RegExp('^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso::((:instance/(sso)?ins-[a-zA-Z0-9-.]{16})'
  + '|(:permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16})|(\\d{12}:application/(sso)?ins-[a-zA-Z0-9-.]{16}/apl-[a-zA-Z0-9]{16})'
  + '|(\\d{12}:trustedTokenIssuer/(sso)?ins-[a-zA-Z0-9-.]{16}/tti-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}))$');
const PRINCIPAL_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REQUEST_ID = /^\b[0-9a-f]{8}\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\b[0-9a-f]{12}\b$/;
const PRINCIPAL_TYPES = ['USER', 'GROUP'] as const;
const STATUSES = ['IN_PROGRESS', 'FAILED', 'SUCCEEDED'] as const;
const PROVISIONING_STATUSES = ['LATEST_PERMISSION_SET_PROVISIONED', 'LATEST_PERMISSION_SET_NOT_PROVISIONED'] as const;

/**
 * IAM Identity Center admin API, JSON 1.1 (`SWBExternalService.*`).
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_Operations.html
 */
export class IdentityCenterApi implements ServiceHandler {
  public readonly service = 'sso-admin';
  private readonly errors: PaginationErrors = {
    invalidNextToken: () => validation('The NextToken is invalid.'),
    invalidMaxResults: (value, max) => validation(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`),
  };

  constructor(
    private readonly state: IdentityCenterState,
    private readonly operations: AsyncOperations,
    private readonly organizations: OrganizationsModel,
    private readonly paginator: Paginator,
    private readonly iam: IamModel,
    public readonly rateLimit: TokenBucket,
  ) {}

  public handle(operation: string, input: JsonInput, context: RequestContext): unknown {
    this.operations.settle(context.now);
    // IAM decides first: the caller's policy must allow the action on every resource it names.
    for (const { action, resources } of ssoAdminAuthorizations(operation, input, this.state.instanceArn)) {
      this.iam.authorize(context.caller, action, resources);
    }
    switch (operation) {
      case 'ListInstances': return this.listInstances(input);
      case 'CreatePermissionSet': return this.createPermissionSet(input);
      case 'DescribePermissionSet': return { PermissionSet: permissionSetShape(this.permissionSetFrom(input)) };
      case 'DeletePermissionSet': return this.deletePermissionSet(input, context);
      case 'ListPermissionSets': return this.listPermissionSets(input);
      case 'CreateAccountAssignment': return { AccountAssignmentCreationStatus: statusShape(this.submitAssignment('CREATE_ASSIGNMENT', input, context)) };
      case 'DeleteAccountAssignment': return { AccountAssignmentDeletionStatus: statusShape(this.submitAssignment('DELETE_ASSIGNMENT', input, context)) };
      case 'DescribeAccountAssignmentCreationStatus': return { AccountAssignmentCreationStatus: statusShape(this.describe(input, 'AccountAssignmentCreationRequestId', 'CREATE_ASSIGNMENT')) };
      case 'DescribeAccountAssignmentDeletionStatus': return { AccountAssignmentDeletionStatus: statusShape(this.describe(input, 'AccountAssignmentDeletionRequestId', 'DELETE_ASSIGNMENT')) };
      case 'ListAccountAssignmentCreationStatus': return this.listStatuses(input, 'CREATE_ASSIGNMENT', 'AccountAssignmentsCreationStatus', context.now);
      case 'ListAccountAssignmentDeletionStatus': return this.listStatuses(input, 'DELETE_ASSIGNMENT', 'AccountAssignmentsDeletionStatus', context.now);
      case 'ListAccountAssignments': return this.listAccountAssignments(input);
      case 'ListAccountAssignmentsForPrincipal': return this.listAccountAssignmentsForPrincipal(input, context);
      case 'ListAccountsForProvisionedPermissionSet': return this.listAccountsForProvisionedPermissionSet(input);
      case 'ListPermissionSetsProvisionedToAccount': return this.listPermissionSetsProvisionedToAccount(input);
      case 'ProvisionPermissionSet': return { PermissionSetProvisioningStatus: provisioningShape(this.provision(input, context)) };
      case 'DescribePermissionSetProvisioningStatus': return { PermissionSetProvisioningStatus: provisioningShape(this.describe(input, 'ProvisionPermissionSetRequestId', 'PROVISION_PERMISSION_SET')) };
      case 'ListPermissionSetProvisioningStatus': return this.listStatuses(input, 'PROVISION_PERMISSION_SET', 'PermissionSetsProvisioningStatus', context.now);
      case 'TagResource': return this.tagResource(input);
      case 'UntagResource': return this.untagResource(input);
      case 'ListTagsForResource': return this.listTagsForResource(input);
      default: throw unknownOperation(`SWBExternalService.${operation}`);
    }
  }

  public throttlingError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate exceeded', { throttling: true });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'The service is unavailable. Please try again later.', { status })
      : new AwsError('InternalServerException', 'An unexpected internal service exception was encountered', { status });
  }

  private listInstances(input: JsonInput): unknown {
    const instances = new SortedKeyIndex<IdentityCenterState>();
    instances.set(this.state.instanceArn, this.state);
    const page = this.page(instances, 'ListInstances', '', input, (s) => ({
      InstanceArn: s.instanceArn,
      IdentityStoreId: s.identityStoreId,
      OwnerAccountId: this.organizations.managementAccountId,
      Status: 'ACTIVE',
    }));
    return { Instances: page.items, NextToken: page.nextToken };
  }

  private createPermissionSet(input: JsonInput): unknown {
    this.instanceFrom(input);
    const name = requiredString(input, 'Name', validation, NAME_PATTERN);
    const description = optionalString(input, 'Description', validation);
    const sessionDuration = optionalString(input, 'SessionDuration', validation, /^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/);
    const relayState = optionalString(input, 'RelayState', validation);
    // CreatePermissionSet "Tags ... Array of Tag objects ... Maximum number of 75 items" (API_CreatePermissionSet.html).
    const tags = tagsFrom(input, false);
    if (this.state.permissionSetByName(name)) throw new AwsError('ConflictException', `PermissionSet with name ${name} already exists.`);
    const record = this.state.createPermissionSet({ name, description, sessionDuration, relayState, tags: Object.fromEntries(tags) });
    return { PermissionSet: permissionSetShape(record) };
  }

  /** TagResource (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_TagResource.html): `{}` on success. */
  private tagResource(input: JsonInput): unknown {
    const permissionSet = this.taggedResourceFrom(input);
    this.state.tagPermissionSet(permissionSet.arn, tagsFrom(input, true));
    return {};
  }

  /** UntagResource (API_UntagResource.html): `{}` on success. */
  private untagResource(input: JsonInput): unknown {
    const permissionSet = this.taggedResourceFrom(input);
    const raw = optionalArray(input, 'TagKeys', validation);
    if (raw === undefined) throw validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
    if (!raw.every((key) => typeof key === 'string')) throw validation("Value at 'tagKeys' must be a list of strings");
    validateTagKeys(raw as string[], validation);
    this.state.untagPermissionSet(permissionSet.arn, raw as string[]);
    return {};
  }

  /**
   * ListTagsForResource (API_ListTagsForResource.html): Tags and NextToken; the request has no MaxResults. Tags come in
   * key order (the order is not documented); pages may be short like every other list's (core/paginator.ts).
   */
  private listTagsForResource(input: JsonInput): unknown {
    const permissionSet = this.taggedResourceFrom(input);
    const index = new SortedKeyIndex<[string, string]>();
    for (const [key, value] of Object.entries(permissionSet.tags)) index.set(key, [key, value]);
    const page = this.page(index, 'ListTagsForResource', permissionSet.arn, input, ([Key, Value]) => ({ Key, Value }));
    return { Tags: page.items, NextToken: page.nextToken };
  }

  /**
   * The permission set a tagging operation names. InstanceArn is optional in the API (applications and trusted token
   * issuers are tagged without one); for a permission set AWS does not say what happens without it. Choice: refused
   * with ValidationException (the stricter reading; the text is the simulator's). The simulator models tags on
   * permission sets only: the instance itself (taggable in AWS) is refused with a ValidationException saying so, and
   * applications and trusted token issuers do not exist here (ResourceNotFoundException).
   */
  private taggedResourceFrom(input: JsonInput): PermissionSetRecord {
    const instanceArn = optionalString(input, 'InstanceArn', validation, INSTANCE_ARN);
    const resourceArn = requiredString(input, 'ResourceArn', validation, TAGGABLE_ARN);
    if (instanceArn !== undefined) this.instanceFrom(input);
    if (resourceArn === this.state.instanceArn) throw validation('The simulator models tags on permission sets only, not on the instance.');
    if (!PERMISSION_SET_ARN.test(resourceArn)) throw notFound(`Resource ${resourceArn} not found`);
    if (instanceArn === undefined) throw validation('InstanceArn is required to tag a permission set.');
    const record = this.state.permissionSet(resourceArn);
    if (!record) throw notFound(`Could not find PermissionSet with arn ${resourceArn}`);
    return record;
  }

  private listPermissionSets(input: JsonInput): unknown {
    this.instanceFrom(input);
    const page = this.page(this.state.permissionSetIndex, 'ListPermissionSets', '', input, (ps) => ps.arn);
    return { PermissionSets: page.items, NextToken: page.nextToken };
  }

  private deletePermissionSet(input: JsonInput, context: RequestContext): unknown {
    this.instanceFrom(input);
    const permissionSet = this.permissionSetFrom(input);
    this.checkDelegatedAdministrator(context, 'sso:DeletePermissionSet', undefined, permissionSet.arn);
    this.state.deletePermissionSet(permissionSet.arn);
    return {};
  }

  private submitAssignment(kind: 'CREATE_ASSIGNMENT' | 'DELETE_ASSIGNMENT', input: JsonInput, context: RequestContext): AsyncOperation {
    this.instanceFrom(input);
    const accountId = requiredString(input, 'TargetId', validation, ACCOUNT_ID);
    oneOf(requiredString(input, 'TargetType', validation), 'TargetType', ['AWS_ACCOUNT'] as const, validation);
    const permissionSet = this.permissionSetFrom(input);
    const principalType = oneOf(requiredString(input, 'PrincipalType', validation), 'PrincipalType', PRINCIPAL_TYPES, validation) as PrincipalType;
    const principalId = requiredString(input, 'PrincipalId', validation, PRINCIPAL_ID);
    this.requireAccount(accountId);
    this.checkDelegatedAdministrator(context, kind === 'CREATE_ASSIGNMENT' ? 'sso:CreateAccountAssignment' : 'sso:DeleteAccountAssignment', accountId, permissionSet.arn);
    const assignment: Assignment = { accountId, permissionSetArn: permissionSet.arn, principalType, principalId };
    return this.operations.submitAssignment(kind, assignment, context.now, context.caller);
  }

  private provision(input: JsonInput, context: RequestContext): AsyncOperation {
    this.instanceFrom(input);
    const permissionSet = this.permissionSetFrom(input);
    const targetType = oneOf(requiredString(input, 'TargetType', validation), 'TargetType', ['AWS_ACCOUNT', 'ALL_PROVISIONED_ACCOUNTS'] as const, validation);
    const targetId = optionalString(input, 'TargetId', validation, ACCOUNT_ID);
    if (targetType === 'AWS_ACCOUNT' && targetId === undefined) throw validation('TargetId is required when TargetType is AWS_ACCOUNT');
    if (targetType === 'AWS_ACCOUNT') this.requireAccount(targetId!);
    this.checkDelegatedAdministrator(context, 'sso:ProvisionPermissionSet', targetId, permissionSet.arn);
    return this.operations.submitProvisioning(permissionSet.arn, targetType === 'AWS_ACCOUNT' ? targetId : undefined, context.now, context.caller);
  }

  private describe(input: JsonInput, member: string, kind: AsyncOperationKind): AsyncOperation {
    this.instanceFrom(input);
    const requestId = requiredString(input, member, validation, REQUEST_ID);
    const op = this.operations.get(requestId);
    if (!op || op.kind !== kind) throw notFound(`Request ${requestId} not found`);
    return op;
  }

  private listStatuses(input: JsonInput, kind: AsyncOperationKind, listMember: string, now: number): unknown {
    this.instanceFrom(input);
    const filter = optionalObject(input, 'Filter', validation);
    const status = oneOf(filter && optionalString(filter, 'Status', validation), 'Status', STATUSES, validation);
    // Listing IN_PROGRESS walks only the operations in flight; their keys match the full history's,
    // so a NextToken means the same position either way.
    const index = status === 'IN_PROGRESS' ? this.operations.inProgressOfKind(kind) : this.operations.ofKind(kind);
    const page = this.page(index, `List${kind}Status`, status ?? '', input,
      (op) => (status === undefined || this.operations.listedAs(op, status, now)
        ? { Status: op.status, RequestId: op.requestId, CreatedDate: op.createdDate / 1000 }
        : undefined));
    return { [listMember]: page.items, NextToken: page.nextToken };
  }

  private listAccountAssignments(input: JsonInput): unknown {
    this.instanceFrom(input);
    const accountId = requiredString(input, 'AccountId', validation, ACCOUNT_ID);
    const permissionSet = this.permissionSetFrom(input);
    const page = this.page(this.state.assignmentsOfTarget(accountId, permissionSet.arn), 'ListAccountAssignments', `${accountId}|${permissionSet.arn}`, input,
      (a) => ({ AccountId: a.accountId, PermissionSetArn: a.permissionSetArn, PrincipalType: a.principalType, PrincipalId: a.principalId }));
    return { AccountAssignments: page.items, NextToken: page.nextToken };
  }

  private listAccountAssignmentsForPrincipal(input: JsonInput, context: RequestContext): unknown {
    this.instanceFrom(input);
    if (this.isDelegatedCaller(context)) {
      // "This action must be called from the management account containing your organization instance
      // of IAM Identity Center" (API_ListAccountAssignmentsForPrincipal.html). What a delegated
      // administrator gets instead is not documented; a synchronous AccessDeniedException is the
      // answer a caller must survive (it is how Identity Center refuses everything else it forbids).
      throw new AwsError('AccessDeniedException', `User: ${context.caller.arn} is not authorized to perform: sso:ListAccountAssignmentsForPrincipal `
        + `on resource: ${this.state.instanceArn}: this action must be called from the management account containing your organization instance of IAM Identity Center`);
    }
    const principalId = requiredString(input, 'PrincipalId', validation, PRINCIPAL_ID);
    const principalType = oneOf(requiredString(input, 'PrincipalType', validation), 'PrincipalType', PRINCIPAL_TYPES, validation);
    const filter = optionalObject(input, 'Filter', validation);
    const accountId = filter && optionalString(filter, 'AccountId', validation, ACCOUNT_ID);
    const page = this.page(this.state.assignmentsOfPrincipal(principalId), 'ListAccountAssignmentsForPrincipal', `${principalType}|${principalId}|${accountId ?? ''}`, input,
      (a) => (a.principalType === principalType
        ? { AccountId: a.accountId, PermissionSetArn: a.permissionSetArn, PrincipalId: a.principalId, PrincipalType: a.principalType }
        : undefined),
      accountId === undefined ? undefined : `${accountId}|`);
    return { AccountAssignments: page.items, NextToken: page.nextToken };
  }

  private listAccountsForProvisionedPermissionSet(input: JsonInput): unknown {
    this.instanceFrom(input);
    const permissionSet = this.permissionSetFrom(input);
    const status = oneOf(optionalString(input, 'ProvisioningStatus', validation), 'ProvisioningStatus', PROVISIONING_STATUSES, validation);
    const page = this.page(this.state.accountsProvisionedWith(permissionSet.arn), 'ListAccountsForProvisionedPermissionSet', `${permissionSet.arn}|${status ?? ''}`, input,
      (accountId) => (this.matchesProvisioning(accountId, permissionSet.arn, status) ? accountId : undefined));
    return { AccountIds: page.items, NextToken: page.nextToken };
  }

  private listPermissionSetsProvisionedToAccount(input: JsonInput): unknown {
    this.instanceFrom(input);
    const accountId = requiredString(input, 'AccountId', validation, ACCOUNT_ID);
    const status = oneOf(optionalString(input, 'ProvisioningStatus', validation), 'ProvisioningStatus', PROVISIONING_STATUSES, validation);
    const page = this.page(this.state.permissionSetsProvisionedTo(accountId), 'ListPermissionSetsProvisionedToAccount', `${accountId}|${status ?? ''}`, input,
      (arn) => (this.matchesProvisioning(accountId, arn, status) ? arn : undefined));
    return { PermissionSets: page.items, NextToken: page.nextToken };
  }

  private matchesProvisioning(accountId: string, permissionSetArn: string, status: string | undefined): boolean {
    if (status === undefined) return true;
    const latest = this.state.isLatestProvisioned(accountId, permissionSetArn);
    return status === 'LATEST_PERMISSION_SET_PROVISIONED' ? latest : !latest;
  }

  private page<T, R>(
    index: SortedKeyIndex<T>, operation: string, scope: string, input: JsonInput, shape: (item: T) => R | undefined, keyPrefix?: string,
  ) {
    return this.paginator.page(index, {
      operation: `sso-admin:${operation}`,
      scope,
      nextToken: optionalString(input, 'NextToken', validation),
      maxResults: optionalInteger(input, 'MaxResults', validation),
      keyPrefix,
    }, SSO_ADMIN_PAGE, this.errors, shape);
  }

  private instanceFrom(input: JsonInput): void {
    const arn = requiredString(input, 'InstanceArn', validation, INSTANCE_ARN);
    if (arn !== this.state.instanceArn) throw notFound(`Instance ${arn} not found`);
  }

  private permissionSetFrom(input: JsonInput): PermissionSetRecord {
    const arn = requiredString(input, 'PermissionSetArn', validation, PERMISSION_SET_ARN);
    const record = this.state.permissionSet(arn);
    if (!record) throw notFound(`Could not find PermissionSet with arn ${arn}`);
    return record;
  }

  private requireAccount(accountId: string): void {
    // Not pinned down by AWS documentation: an account outside the organization is refused synchronously here.
    if (!this.organizations.account(accountId)) throw notFound(`Account ${accountId} is not a member of the organization`);
  }

  /** A caller outside the management account is the delegated administrator (no other member account may call the admin API). */
  private isDelegatedCaller(context: RequestContext): boolean {
    return context.caller.accountId !== this.organizations.managementAccountId;
  }

  /**
   * A delegated administrator may not act in the management account, nor "manage permission sets
   * provisioned in the management account" (userguide/delegated-admin.html): a write with such a
   * permission set is refused in any account, synchronously, naming the permission set
   * (aws-samples/iam-identity-center-team#59, landing-zone-accelerator-on-aws#215,
   * fivexl/terraform-aws-sso-elevator#101).
   */
  private checkDelegatedAdministrator(context: RequestContext, action: string, accountId: string | undefined, permissionSetArn: string): void {
    if (!this.isDelegatedCaller(context)) return;
    const management = this.organizations.managementAccountId;
    if (accountId === management || this.state.provisionedVersion(management, permissionSetArn) !== undefined) {
      const resource = accountId === management ? `arn:aws:sso:::account/${management}` : permissionSetArn;
      throw new AwsError('AccessDeniedException', `User: ${context.caller.arn} is not authorized to perform: ${action} on resource: ${resource}`);
    }
  }
}

/**
 * The `Tags` member as key-value pairs, each Tag's Key and Value required ("Required: Yes", API_Tag.html), then the
 * documented limits (validateTags). TagResource requires the member, CreatePermissionSet does not.
 */
function tagsFrom(input: JsonInput, required: boolean): Array<[string, string]> {
  const raw = optionalArray(input, 'Tags', validation);
  if (raw === undefined) {
    if (required) throw validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
    return [];
  }
  const tags = raw.map((tag, i): [string, string] => {
    if (typeof tag !== 'object' || tag === null || Array.isArray(tag)) throw validation(`Value at 'tags.${i + 1}.member' must be a structure`);
    const member = tag as JsonInput;
    const part = (name: 'Key' | 'Value') => {
      const value = member[name];
      if (value === undefined || value === null) {
        throw validation(`1 validation error detected: Value null at 'tags.${i + 1}.member.${name.toLowerCase()}' failed to satisfy constraint: Member must not be null`);
      }
      if (typeof value !== 'string') throw validation(`Value at 'tags.${i + 1}.member.${name.toLowerCase()}' must be a string`);
      return value;
    };
    return [part('Key'), part('Value')];
  });
  validateTags(tags, validation);
  return tags;
}

function statusShape(op: AsyncOperation): Record<string, unknown> {
  return {
    Status: op.status,
    RequestId: op.requestId,
    FailureReason: op.failureReason,
    TargetId: op.accountId,
    TargetType: 'AWS_ACCOUNT',
    PermissionSetArn: op.permissionSetArn,
    PrincipalType: op.principalType,
    PrincipalId: op.principalId,
    CreatedDate: op.createdDate / 1000,
  };
}

function provisioningShape(op: AsyncOperation): Record<string, unknown> {
  return {
    Status: op.status,
    RequestId: op.requestId,
    AccountId: op.accountId,
    PermissionSetArn: op.permissionSetArn,
    FailureReason: op.failureReason,
    CreatedDate: op.createdDate / 1000,
  };
}

function permissionSetShape(ps: PermissionSetRecord): Record<string, unknown> {
  return {
    Name: ps.name,
    PermissionSetArn: ps.arn,
    Description: ps.description,
    CreatedDate: ps.createdDate / 1000,
    SessionDuration: ps.sessionDuration,
    RelayState: ps.relayState,
  };
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function notFound(message: string): AwsError {
  return new AwsError('ResourceNotFoundException', message);
}
