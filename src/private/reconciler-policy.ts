import { Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { instanceIdOf } from './identifiers';
import { addNagSuppressions } from './nag';
import { CATALOG_TAG_KEY, claimsPath } from '../reconciler/contract';

/** What the reconciler's least-privilege policy is scoped to. */
export interface ReconcilerPolicyScope {
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** The organization's management account (this account unless delegated). */
  readonly managementAccountId: string;
  /** True in a delegated administrator account: no iam permissions, never the management account. */
  readonly delegated: boolean;
  readonly busName: string;
  readonly configParameterNames: string[];
  readonly stateParameterPrefix: string;
  readonly stateTableArn: string;
  /** The value of the catalog's tag (CATALOG_TAG_KEY) on its permission sets, when the automation has a catalog. */
  readonly catalogTagValue?: string;
  /** The automation drains and deletes its retired catalog permission sets (the catalog is in its stack). */
  readonly retiresPermissionSets: boolean;
  /** A rule names a permission set outside the catalog, whose ARN exists only at run time. */
  readonly usesNamedPermissionSets: boolean;
  /** The management account's assignment reader role, assumed for the per-principal reads. */
  readonly assignmentReaderRoleArn?: string;
}

/**
 * The reconciler's permissions: exactly the calls its adapters make (src/reconciler/adapters),
 * scoped as far as each service allows, with a cdk-nag suppression and its reason for every
 * wildcard that remains.
 */
export function grantReconcilerPermissions(fn: lambda.Function, stack: Stack, options: ReconcilerPolicyScope): void {
  const partition = stack.partition;
  const instanceArn = options.instanceArn;
  const instanceId = instanceIdOf(instanceArn) ?? Fn.select(1, Fn.split('/', instanceArn));
  const allPermissionSets = `arn:${partition}:sso:::permissionSet/${instanceId}/*`;
  const allAccounts = `arn:${partition}:sso:::account/*`;
  const usesNamedPermissionSets = options.usesNamedPermissionSets;
  const writes = ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment', 'sso:ProvisionPermissionSet'];
  const parameterArn = (name: string) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) });

  // IAM authorizes each resource of a request on its own (instance, permission set, account), so the
  // permission sets may be allowed by a statement of their own: a catalog's by its tag, which a
  // retired permission set keeps after it left the template, so that it can still be drained.
  // "Delegate permission set administration" (user guide): PermissionSet resources support
  // aws:ResourceTag/${TagKey}.
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'WriteAssignments',
    actions: writes,
    resources: [instanceArn, ...(usesNamedPermissionSets ? [allPermissionSets] : []), allAccounts],
  }));
  if (options.catalogTagValue !== undefined) {
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'WriteCatalogPermissionSets',
      actions: [...writes, ...(options.retiresPermissionSets ? ['sso:DeletePermissionSet'] : [])],
      resources: [allPermissionSets],
      conditions: { StringEquals: { [`aws:ResourceTag/${CATALOG_TAG_KEY}`]: options.catalogTagValue } },
    }));
  }
  if (options.retiresPermissionSets) {
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'RetireCatalogPermissionSets',
      // The instance part of DeletePermissionSet; the permission set part is the tagged statement above.
      actions: ['sso:DeletePermissionSet'],
      resources: [instanceArn],
    }));
  }
  if (options.assignmentReaderRoleArn !== undefined) {
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'AssumeAssignmentReader',
      actions: ['sts:AssumeRole'],
      resources: [options.assignmentReaderRoleArn],
    }));
  }
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadIdentityCenter',
    actions: [
      'sso:DescribeAccountAssignmentCreationStatus',
      'sso:DescribeAccountAssignmentDeletionStatus',
      'sso:DescribePermissionSet',
      'sso:DescribePermissionSetProvisioningStatus',
      'sso:ListAccountAssignmentCreationStatus',
      'sso:ListAccountAssignmentDeletionStatus',
      'sso:ListAccountAssignments',
      'sso:ListAccountAssignmentsForPrincipal',
      'sso:ListAccountsForProvisionedPermissionSet',
      'sso:ListPermissionSetProvisioningStatus',
      'sso:ListPermissionSets',
      'sso:ListPermissionSetsProvisionedToAccount',
    ],
    resources: [instanceArn, allPermissionSets, allAccounts],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadIdentityStore',
    actions: ['identitystore:DescribeGroup', 'identitystore:DescribeUser', 'identitystore:GetGroupId', 'identitystore:GetUserId'],
    resources: [
      `arn:${partition}:identitystore::${options.managementAccountId}:identitystore/${options.identityStoreId}`,
      `arn:${partition}:identitystore:::group/*`,
      `arn:${partition}:identitystore:::user/*`,
    ],
  }));
  const organizationArn = (resource: string) => `arn:${partition}:organizations::${options.managementAccountId}:${resource}`;
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadOrganizationRoots',
    actions: ['organizations:ListRoots'],
    resources: ['*'],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadOrganizationTree',
    actions: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
    resources: [organizationArn('root/o-*/r-*'), organizationArn('ou/o-*/ou-*')],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadAccountTags',
    actions: ['organizations:ListTagsForResource'],
    resources: [organizationArn('account/o-*/*')],
  }));
  // An account just created or enrolled is placed in the OU tree without listing the whole organization.
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadNewAccounts',
    actions: ['organizations:DescribeAccount', 'organizations:ListParents'],
    resources: [organizationArn('account/o-*/*')],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadConfig',
    actions: ['ssm:GetParameter', 'ssm:GetParameters'],
    resources: options.configParameterNames.map(parameterArn),
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadLegacyState',
    // The state of versions before the state table: its pointer and chunks, read once to migrate.
    actions: ['ssm:GetParameter', 'ssm:GetParameters'],
    resources: [parameterArn(`${options.stateParameterPrefix}/*`)],
  }));
  // Neighbours: every automation on the instance publishes the pairs it owns under one path (its
  // own document under its bus name) and reads the others' (src/reconciler/core/claims.ts).
  const claims = claimsPath(instanceId);
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'ReadClaims',
    actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
    resources: [parameterArn(claims), parameterArn(`${claims}/*`)],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'PublishClaims',
    actions: ['ssm:DeleteParameters', 'ssm:PutParameter'],
    resources: [parameterArn(`${claims}/${options.busName}/*`)],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'State',
    // Exactly what the state store does: read the records of a kind, write them, take and release the lease.
    actions: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Query'],
    resources: [options.stateTableArn],
  }));

  const delegated = options.delegated;
  const suppressions = [
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Target accounts are resolved from OUs, tags and names at every run, so they are unknown at synth time; '
        + 'assignment writes stay confined to this Identity Center instance and its managed permission sets.',
      appliesTo: ['Resource::arn:<AWS::Partition>:sso:::account/*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Reads resolve permission set names across the instance (ListPermissionSets, DescribePermissionSet). Writes use it '
        + 'on the catalog\'s permission sets only, by their catalog tag (aws:ResourceTag), so that a retired one can still be drained; '
        + 'and on all only when a rule names a permission set outside the catalog (PermissionSetRef.fromName), whose ARN exists only at run time.',
      appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:sso:::permissionSet\\/.+\\/\\*$/g' }],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Rules name groups and users, which are resolved to identity store ids at run time; these are read-only '
        + 'Identity Store calls, confined to the one identity store by its ARN.',
      appliesTo: ['Resource::arn:<AWS::Partition>:identitystore:::group/*', 'Resource::arn:<AWS::Partition>:identitystore:::user/*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'organizations:ListRoots'
        + (delegated ? '' : ', and iam:ListRoles and ListPolicies (which Identity Center needs to assign in the management account),')
        + ' support no resource-level permissions (Service Authorization Reference); they are read-only.',
      appliesTo: ['Resource::*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'The organization, OU and account ids are known only at run time, when the reconciler walks the OU tree, reads '
        + 'account tags (accountsWithTag rules) and places a new account in the tree; the ARNs confine these read-only calls to the management account\'s organization.',
      appliesTo: [
        { regex: '/^Resource::arn:<AWS::Partition>:organizations::.+:(root\\/o-\\*\\/r-\\*|ou\\/o-\\*\\/ou-\\*|account\\/o-\\*\\/\\*)$/g' },
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Versions before the state table kept their state in numbered standard parameters under this path (<prefix>/r<rev>-N); '
        + 'the reconciler reads them once to migrate, confined to that path.',
      appliesTo: [{ regex: `/^Resource::arn:<AWS::Partition>:ssm:.+:parameter\\/${escapeRegex(options.busName)}\\/state\\/\\*$/g` }],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'The automations on one Identity Center instance publish their claims as chunked documents under one path (one '
        + 'document per automation, chunks named by revision): reads are confined to that path, writes to this automation\'s document.',
      appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:ssm:.+:parameter\\/cdk-identity-center-permissions\\/claims\\/.+\\/\\*$/g' }],
    },
  ];

  if (!delegated) {
    // Assigning access in the management account itself makes Identity Center create and update
    // the AWSReservedSSO_* role and the AWSSSO_*_DO_NOT_DELETE SAML provider there with the
    // caller's permissions: its service-linked role does this everywhere else, and its policy
    // (AWSSSOServiceRolePolicy) excludes the management account (aws:PrincipalOrgMasterAccountId).
    // The user guide's Example 2 ("Identity-based policy examples") lists the role actions and
    // iam:GetSAMLProvider; callers without iam:CreateSAMLProvider or iam:UpdateSAMLProvider get
    // FAILED "Received a 403 status error: Access denied by IAM" (landing-zone-accelerator-on-aws#496,
    // fivexl/terraform-aws-sso-elevator#15), so this grants what the service-linked role has.
    // A delegated administrator never assigns in the management account, so it gets none of these.
    const account = stack.account;
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ManageManagementAccountSsoRoles',
      actions: [
        'iam:AttachRolePolicy',
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:DeleteRolePermissionsBoundary',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:GetRole',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
        'iam:UpdateAssumeRolePolicy',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
      ],
      resources: [`arn:${partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com/*`],
    }));
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ManageManagementAccountSamlProvider',
      actions: ['iam:CreateSAMLProvider', 'iam:DeleteSAMLProvider', 'iam:GetSAMLProvider', 'iam:UpdateSAMLProvider'],
      resources: [`arn:${partition}:iam::${account}:saml-provider/AWSSSO_*_DO_NOT_DELETE`],
    }));
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ListManagementAccountIam',
      actions: ['iam:ListPolicies', 'iam:ListRoles'],
      resources: ['*'],
    }));
    suppressions.push({
      id: 'AwsSolutions-IAM5',
      reason: 'Identity Center names the roles it creates for permission sets AWSReservedSSO_<name>_<random> under the path '
        + 'aws-reserved/sso.amazonaws.com/, and its SAML provider AWSSSO_<random>_DO_NOT_DELETE; access is confined to those.',
      appliesTo: [
        { regex: '/^Resource::arn:<AWS::Partition>:iam::.+:role\\/aws-reserved\\/sso\\.amazonaws\\.com\\/\\*$/g' },
        { regex: '/^Resource::arn:<AWS::Partition>:iam::.+:saml-provider\\/AWSSSO_\\*_DO_NOT_DELETE$/g' },
      ],
    });
  }
  addNagSuppressions(fn.role!, suppressions);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
