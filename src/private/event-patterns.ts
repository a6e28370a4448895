import * as events from 'aws-cdk-lib/aws-events';

// The events that can change what the assignment rules resolve to, shared by OrgEventBridge (which
// forwards them from us-east-1) and AssignmentAutomation (which matches them on its own bus, and on
// the default bus when it runs in us-east-1 of the management account).
//
// Shapes, as AWS documents them:
// - Organizations CloudTrail entries, all recorded in us-east-1 only:
//   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_security_incident-response.html
//   CreateAccount finishes asynchronously; its completion is the service event CreateAccountResult
//   ("AWS Service Event via CloudTrail") with serviceEventDetails.createAccountStatus.state.
// - Control Tower lifecycle events, recorded in Control Tower's home Region:
//   https://docs.aws.amazon.com/controltower/latest/userguide/lifecycle-events.html
// - Identity Store API calls (source aws.identitystore, eventSource identitystore.amazonaws.com):
//   https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-identitystore.html
//   SCIM provisioning is logged with eventSource identitystore-scim.amazonaws.com:
//   https://docs.aws.amazon.com/singlesignon/latest/userguide/scim-logging-using-cloudtrail.html
//   and users and groups created in the console with sso-directory.amazonaws.com.
// - Parameter Store changes: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-cwe.html
//
// CloudTrail events reach EventBridge only for accounts with a CloudTrail trail (an organization
// trail covers every account).

const API_CALL = 'AWS API Call via CloudTrail';
const SERVICE_EVENT = 'AWS Service Event via CloudTrail';

/** Organizations API calls that add, move or remove accounts, change OUs or change account tags. */
export const ORGANIZATIONS_API_CALLS: events.EventPattern = {
  source: ['aws.organizations'],
  detailType: [API_CALL],
  detail: {
    eventSource: ['organizations.amazonaws.com'],
    eventName: [
      'AcceptHandshake',
      'MoveAccount',
      'RemoveAccountFromOrganization',
      'CloseAccount',
      'CreateOrganizationalUnit',
      'UpdateOrganizationalUnit',
      'DeleteOrganizationalUnit',
      'TagResource',
      'UntagResource',
    ],
    // A call that failed changed nothing.
    errorCode: [{ exists: false }],
  },
};

/** The completion of CreateAccount: the new account is ACTIVE in the root. */
export const ORGANIZATIONS_ACCOUNT_CREATED: events.EventPattern = {
  source: ['aws.organizations'],
  detailType: [SERVICE_EVENT],
  detail: {
    eventSource: ['organizations.amazonaws.com'],
    eventName: ['CreateAccountResult'],
    serviceEventDetails: { createAccountStatus: { state: ['SUCCEEDED'] } },
  },
};

/** Account Factory finished creating an account (it is now in its OU). */
export const CONTROL_TOWER_ACCOUNT_CREATED: events.EventPattern = {
  source: ['aws.controltower'],
  detailType: [SERVICE_EVENT],
  detail: {
    eventName: ['CreateManagedAccount'],
    serviceEventDetails: { createManagedAccountStatus: { state: ['SUCCEEDED'] } },
  },
};

/** Account Factory finished updating an account (it may have moved OU). */
export const CONTROL_TOWER_ACCOUNT_UPDATED: events.EventPattern = {
  source: ['aws.controltower'],
  detailType: [SERVICE_EVENT],
  detail: {
    eventName: ['UpdateManagedAccount'],
    serviceEventDetails: { updateManagedAccountStatus: { state: ['SUCCEEDED'] } },
  },
};

/**
 * A user or group was created in the identity store, by the Identity Store API, the console or
 * SCIM provisioning. The pattern has no `source`: the three endpoints are told apart by
 * `detail.eventSource`, which is what CloudTrail records.
 */
export const IDENTITY_STORE_PRINCIPAL_CREATED: events.EventPattern = {
  detailType: [API_CALL],
  detail: {
    eventSource: ['identitystore.amazonaws.com', 'identitystore-scim.amazonaws.com', 'sso-directory.amazonaws.com'],
    eventName: ['CreateGroup', 'CreateUser'],
    errorCode: [{ exists: false }],
  },
};

/**
 * An account assignment created or deleted by anyone but the reconciler: the console, the CLI,
 * another tool. Identity Center logs these calls in its home region, in the account that made
 * them (source aws.sso, eventSource sso.amazonaws.com:
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-sso.html).
 *
 * `excludeRoleArn` leaves out the calls of one IAM role (the reconciler's, so that its own writes
 * never start a run): a session of an assumed role carries the role's ARN, path included, in
 * `userIdentity.sessionContext.sessionIssuer.arn` (CloudTrail userIdentity element:
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
 * Calls of an IAM user carry no sessionIssuer at all, and the root user's an empty one; EventBridge
 * does not say whether `anything-but` matches a field the event lacks, so the pattern also matches
 * its absence explicitly (`$or`), rather than risk missing a change made by the root user.
 *
 * `callerAccountId` keeps only the calls made by identities of that account: a forwarder in the
 * management account sends on what was done there, never what another account's identities did.
 */
export function assignmentChangePattern(options: { excludeRoleArn?: string; callerAccountId?: string } = {}): events.EventPattern {
  const issuerArn = options.excludeRoleArn === undefined ? undefined
    : {
      $or: [
        { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': options.excludeRoleArn }] } } } },
        { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
      ],
    };
  return {
    source: ['aws.sso'],
    detailType: [API_CALL],
    detail: {
      eventSource: ['sso.amazonaws.com'],
      eventName: ['CreateAccountAssignment', 'DeleteAccountAssignment'],
      // A refused call changed nothing.
      errorCode: [{ exists: false }],
      ...(options.callerAccountId !== undefined ? { userIdentity: { accountId: [options.callerAccountId] } } : {}),
      ...issuerArn,
    },
  };
}

/** Account assignments created or deleted by hand, as a trigger of the automation (and of the forwarder). */
export function assignmentChangeTrigger(options: { excludeRoleArn?: string; callerAccountId?: string } = {}): Trigger {
  return {
    id: 'AssignmentChanged',
    description: 'Identity Center: an account assignment was created or deleted, not by the reconciler',
    pattern: assignmentChangePattern(options),
  };
}

/** One kind of event that triggers a run: the construct id of the rule matching it, its description, its pattern. */
export interface Trigger {
  readonly id: string;
  readonly description: string;
  readonly pattern: events.EventPattern;
}

/** The organization events, each with a construct id for the rule that matches it. */
export const ORGANIZATION_PATTERNS: readonly Trigger[] = [
  { id: 'OrganizationsApiCalls', description: 'Organizations: accounts joining, moving, leaving or closing, OU and tag changes', pattern: ORGANIZATIONS_API_CALLS },
  { id: 'AccountCreated', description: 'Organizations: CreateAccount succeeded', pattern: ORGANIZATIONS_ACCOUNT_CREATED },
  { id: 'ManagedAccountCreated', description: 'Control Tower: Account Factory created an account', pattern: CONTROL_TOWER_ACCOUNT_CREATED },
  { id: 'ManagedAccountUpdated', description: 'Control Tower: Account Factory updated an account', pattern: CONTROL_TOWER_ACCOUNT_UPDATED },
];

/** Users and groups created in the identity store (a group created in the IdP may be named by a rule). */
export const PRINCIPAL_CREATED: Trigger = {
  id: 'PrincipalCreated',
  description: 'Identity Store: a user or group was created',
  pattern: IDENTITY_STORE_PRINCIPAL_CREATED,
};

/** Creation or update of the named SSM parameters (a deployment, or an edit by hand). */
export function configChangePattern(parameterNames: string[]): events.EventPattern {
  return {
    source: ['aws.ssm'],
    detailType: ['Parameter Store Change'],
    detail: {
      name: parameterNames,
      operation: ['Create', 'Update'],
    },
  };
}
