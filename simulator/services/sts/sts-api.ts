import { assumeRoleRequest, AssumeRoleRequest, validationError } from './assume-role-input';
import { AwsError } from '../../protocol/aws-error';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';
import { Caller, IamModel, RoleRecord } from '../iam/iam-model';

/** The XML namespace of STS responses (STS API Reference, AssumeRole, Examples). */
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** "If you assume a role using role chaining and provide a DurationSeconds parameter value greater than one hour, the operation fails." */
const ROLE_CHAINING_MAX_SECONDS = 3600;

/**
 * AWS STS over the Query protocol: AssumeRole and GetCallerIdentity. The credentials AssumeRole issues are sessions of
 * IamModel (`credentialsFor`), so requests signed with them run as `arn:aws:sts::<account>:assumed-role/<role>/<session>`
 * under the role's policy, in the role's account.
 *
 * No request rate is enforced: STS publishes no AssumeRole rate the simulator could cite (throttling, when injected,
 * answers "Throttling: Rate exceeded", 400, as https://repost.aws/knowledge-center/iam-sts-throttling-error quotes it).
 * The Expiration returned runs on the simulated clock; requests signed with expired credentials are not refused.
 */
export class StsApi implements ServiceHandler {
  public readonly service = 'sts';

  constructor(private readonly iam: IamModel) {}

  public handle(operation: string, input: JsonInput, context: RequestContext): unknown {
    switch (operation) {
      case 'AssumeRole': return this.assumeRole(assumeRoleRequest(input), context);
      case 'GetCallerIdentity': return this.callerIdentity(context.caller);
      // Common Errors of the Query APIs (STS API Reference, Common Errors): InvalidAction, 400.
      default: throw new AwsError('InvalidAction', `The action or operation requested is invalid: ${operation}`, { status: 400 });
    }
  }

  public throttlingError(): AwsError {
    return new AwsError('Throttling', 'Rate exceeded', { status: 400, throttling: true });
  }

  /** InternalFailure 500 and ServiceUnavailable 503 (STS API Reference, Common Errors). */
  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', { status })
      : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', { status });
  }

  /** Authorize (role, identity policy, trust policy), then the duration limits, then a fresh session of the role. */
  private assumeRole(request: AssumeRoleRequest, context: RequestContext): unknown {
    const role = this.authorizedRole(request.roleArn, context.caller);
    checkDuration(request.durationSeconds, role, context.caller);
    const credentials = this.iam.credentialsFor(role.arn, request.sessionName);
    const session = this.iam.callerFor(credentials.accessKeyId);
    return {
      AssumedRoleUser: { Arn: session.arn, AssumedRoleId: `${role.roleId}:${request.sessionName}` },
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: new Date(context.now + request.durationSeconds * 1000),
      },
    };
  }

  /**
   * The role, if the caller may assume it. Every refusal is the same AccessDenied, 403, whether the role does not
   * exist, its trust policy does not admit the caller, or the caller's policy does not allow sts:AssumeRole on it:
   * "AccessDenied (client): User: arn:aws:iam::67211257:user/Qikink is not authorized to perform: sts:AssumeRole on
   * resource: ..." with 403 (amzn/selling-partner-api-models#2523), and for a session "User:
   * arn:aws:sts::*:assumed-role/dataall-dev-graphql-role/dataall-dev-graphql is not authorized to perform: sts:AssumeRole
   * on resource: arn:aws:iam::*:role/dataallPivotRole-cdk-eu-central-1" (data-dot-all/dataall#1873, a role that did not
   * exist under that name). No reason follows the resource in any quoted AssumeRole denial, unlike other services'.
   *
   * Who may: the trust policy must admit the caller, always ("Role trust policies and KMS key policies are exceptions
   * to this logic, because they must explicitly allow access for principals", IAM User Guide, Policy evaluation logic,
   * as quoted on repost.aws QU4Kr2A6bpRtO8haGVu9hP6g). Across accounts the caller's identity policy must allow
   * sts:AssumeRole on the role as well ("The principal's identity-based policy must allow the requested access to the
   * resource in the trusting service", reference_policies_evaluation-logic-cross-account.html). In the same account
   * the permissions are the union of the two ("If an action is allowed by an identity-based policy, a resource-based
   * policy, or both, then AWS allows the action", reference_policies_evaluation-logic.html), so a trust policy naming
   * the caller's role (or session) is enough; one admitting the account's root delegates to the account's identity
   * policies, which must then allow it. An explicit deny in the identity policy refuses in every case. The default
   * administrator needs no identity policy, but a trust policy admitting it (its account's root).
   */
  private authorizedRole(roleArn: string, caller: Caller): RoleRecord {
    const denied = new AwsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, { status: 403 });
    const role = this.iam.role(roleArn);
    if (!role) throw denied;
    const trust = this.iam.trustOf(roleArn, caller);
    if (trust === 'denied' || trust === 'none') throw denied;
    const identity = caller.admin ? 'ALLOW' : this.iam.decision(caller, 'sts:AssumeRole', roleArn);
    if (identity === 'EXPLICIT_DENY') throw denied;
    const trustIsEnough = caller.accountId === role.accountId && trust === 'principal';
    if (identity !== 'ALLOW' && !trustIsEnough) throw denied;
    return role;
  }

  /** GetCallerIdentity: "No permissions are required to perform this operation" (STS API Reference, GetCallerIdentity). */
  private callerIdentity(caller: Caller): unknown {
    const role = caller.roleArn === undefined ? undefined : this.iam.role(caller.roleArn);
    // UserId is the aws:userid value: "role-id:caller-specified-role-name" for an assumed role, the account id for the
    // account root user (IAM User Guide, policy variables, the Principal table).
    const userId = role === undefined ? caller.accountId : `${role.roleId}:${caller.sessionName}`;
    return { UserId: userId, Account: caller.accountId, Arn: caller.arn };
  }
}

/**
 * Role chaining first, then the role's MaxSessionDuration (the order AWS checks them in is not documented). The texts:
 * "ValidationError: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
 * (gitlab-org/gitlab-runner#38370) and "ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set
 * for this role." (kreuzwerker/awsu#27), both 400. A caller that is itself an assumed-role session is chaining ("Using
 * the credentials for one role to assume a different role is called role chaining", IAM User Guide, roles terms).
 */
function checkDuration(durationSeconds: number, role: RoleRecord, caller: Caller): void {
  if (caller.roleArn !== undefined && durationSeconds > ROLE_CHAINING_MAX_SECONDS) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (durationSeconds > role.maxSessionDurationSeconds) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
}
