/**
 * The IAM action and the resources IAM evaluates for each sso-admin operation the simulator serves, from
 * the "Actions defined by AWS IAM Identity Center" table of the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamidentitycenter.html).
 * Every operation authorizes the action of its own name. Resource ARN formats, from the same page:
 *   Instance       arn:${Partition}:sso:::instance/${InstanceId}
 *   PermissionSet  arn:${Partition}:sso:::permissionSet/${InstanceId}/${PermissionSetId}
 *   Account        arn:${Partition}:sso:::account/${AccountId}
 * All resource types listed for these actions are required (marked `*`), so the caller needs every one.
 */
export interface SsoAdminAuthorization {
  readonly action: string;
  readonly resources: string[];
}

type Needs = 'instance' | 'permissionSet' | 'account';

/** Operations whose resources do not depend on the input. */
const RESOURCES: Record<string, readonly Needs[]> = {
  // Account*, Instance*, PermissionSet*.
  CreateAccountAssignment: ['instance', 'permissionSet', 'account'],
  DeleteAccountAssignment: ['instance', 'permissionSet', 'account'],
  ListAccountAssignments: ['instance', 'permissionSet', 'account'],
  // Instance*, PermissionSet*.
  DescribePermissionSet: ['instance', 'permissionSet'],
  DeletePermissionSet: ['instance', 'permissionSet'],
  ListAccountsForProvisionedPermissionSet: ['instance', 'permissionSet'],
  // Account*, Instance*.
  ListPermissionSetsProvisionedToAccount: ['instance', 'account'],
  // Instance* only: the principal, request id or filter is not a resource IAM evaluates.
  ListPermissionSets: ['instance'],
  ListAccountAssignmentsForPrincipal: ['instance'],
  DescribeAccountAssignmentCreationStatus: ['instance'],
  DescribeAccountAssignmentDeletionStatus: ['instance'],
  ListAccountAssignmentCreationStatus: ['instance'],
  ListAccountAssignmentDeletionStatus: ['instance'],
  DescribePermissionSetProvisioningStatus: ['instance'],
  ListPermissionSetProvisioningStatus: ['instance'],
};

/**
 * Every authorization an operation needs, its own action first. The "API operations" table of the same reference maps
 * CreatePermissionSet to sso:CreatePermissionSet and sso:TagResource; TagResource is asked for here only when the
 * request carries tags (a create without tags tags nothing; requiring it then would not be a plausible reading), on the
 * same resources as the create.
 */
export function ssoAdminAuthorizations(operation: string, input: Record<string, unknown>, instanceArn: string): SsoAdminAuthorization[] {
  const own = ssoAdminAuthorization(operation, input, instanceArn);
  const tagsOnCreate = operation === 'CreatePermissionSet' && Array.isArray(input.Tags) && input.Tags.length > 0;
  return tagsOnCreate ? [own, { action: 'sso:TagResource', resources: own.resources }] : [own];
}

/**
 * `sso:<Operation>` and the resource ARNs it is evaluated on, in the order instance, permission set,
 * account (the first one denied is the one the AccessDeniedException names). The partition is the
 * instance ARN's. Input members are read as given; the handler validates them afterwards.
 */
export function ssoAdminAuthorization(operation: string, input: Record<string, unknown>, instanceArn: string): SsoAdminAuthorization {
  const action = `sso:${operation}`;
  const partition = instanceArn.split(':')[1] ?? 'aws';
  const instanceId = instanceArn.split('/').pop() ?? '';
  const permissionSet = String(input.PermissionSetArn ?? '');
  const account = (id: unknown) => `arn:${partition}:sso:::account/${String(id ?? '')}`;
  const arnOf = (need: Needs): string => {
    switch (need) {
      case 'instance': return instanceArn;
      case 'permissionSet': return permissionSet;
      // TargetId in the assignment writes, AccountId in the listings.
      case 'account': return account(input.TargetId ?? input.AccountId);
    }
  };

  switch (operation) {
    // No resource types: "you must specify all resources ("*")".
    case 'ListInstances': return { action, resources: ['*'] };
    // Instance* and PermissionSet*, but the new permission set has no ARN before it exists. Choice: evaluate
    // the instance's permission set ARN space, `permissionSet/<instance id>/*`. This is the stricter reading:
    // only a policy allowing every permission set of the instance (or `*`) allows creating one.
    case 'CreatePermissionSet':
      return { action, resources: [instanceArn, `arn:${partition}:sso:::permissionSet/${instanceId}/*`] };
    // Account*, Instance*, PermissionSet*. TargetType ALL_PROVISIONED_ACCOUNTS names no account; the reference
    // does not say what is evaluated then. Choice: `account/*`, the stricter reading: only a policy allowing
    // every account allows reprovisioning everywhere at once.
    case 'ProvisionPermissionSet':
      return {
        action,
        resources: [instanceArn, permissionSet, input.TargetType === 'ALL_PROVISIONED_ACCOUNTS' ? account('*') : account(input.TargetId)],
      };
    // TagResource, UntagResource, ListTagsForResource: the resource types are Application, Instance, PermissionSet and
    // TrustedTokenIssuer, none marked required: the one evaluated is the resource named by ResourceArn. Whether the
    // instance named by InstanceArn is evaluated as well is not documented. Choice: both, instance first (the stricter
    // reading: a policy must allow the instance too, as it must for every other permission set operation). Tagging the
    // instance itself evaluates it once.
    case 'TagResource':
    case 'UntagResource':
    case 'ListTagsForResource': {
      const resource = String(input.ResourceArn ?? '');
      return { action, resources: resource === instanceArn ? [instanceArn] : [instanceArn, resource] };
    }
    default: {
      const needs = RESOURCES[operation];
      // An operation not in the table: the instance at least, so nothing is left unauthorized.
      return { action, resources: (needs ?? ['instance']).map(arnOf) };
    }
  }
}
