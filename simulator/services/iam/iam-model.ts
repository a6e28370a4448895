import { createHash } from 'crypto';
import { evaluateConditions, PolicyConditions } from './conditions';
import { AssumingParty, allowedAwsPrincipals, evaluateTrust, TrustOutcome, TrustStatement, trustStatementsFor } from './trust-policy';
import { matches } from './wildcard';
import { SeededRandom } from '../../core/seeded-random';
import { AwsError } from '../../protocol/aws-error';

export { matches } from './wildcard';
export type { PolicyConditions } from './conditions';
export type { TrustStatement, TrustOutcome } from './trust-policy';

/**
 * One statement of an identity-based policy. `actions` and `resources` may hold the `*` (any run of
 * characters) and `?` (one character) wildcards.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
export interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /**
   * The Condition element, evaluated for each resource of the request (see evaluateConditions for what is understood).
   * @default - none: the statement applies to every matching action and resource
   */
  readonly conditions?: PolicyConditions;
}

/**
 * The tags of the resources one service owns, for `aws:ResourceTag/<key>`: undefined when the ARN is not one of its
 * resources (another resolver may know it), an empty object when it is one without tags.
 */
export type ResourceTagResolver = (resourceArn: string) => Readonly<Record<string, string>> | undefined;

/** Who makes a request, as resolved from the SigV4 access key id. */
export interface Caller {
  readonly accountId: string;
  /** The assumed-role session ARN, or the root ARN of the default caller. */
  readonly arn: string;
  /** The role behind an assumed-role session. */
  readonly roleArn?: string;
  /** The RoleSessionName of an assumed-role session. */
  readonly sessionName?: string;
  /** Allowed everything, like the account root user. */
  readonly admin: boolean;
}

export interface RoleRecord {
  readonly arn: string;
  readonly accountId: string;
  readonly name: string;
  readonly path: string;
  /**
   * The role's unique id, `AROA` and 17 characters (reference_identifiers.html#identifiers-unique-ids), what
   * `AssumedRoleId` and GetCallerIdentity's `UserId` start with; derived from the ARN here, so it draws no randomness.
   */
  readonly roleId: string;
  policy: readonly PolicyStatement[];
  /** Who may assume the role (see evaluateTrust). */
  trustPolicy: readonly TrustStatement[];
  /** The AWS principals the trust policy's Allow statements name, whatever their conditions: a summary of `trustPolicy`. */
  readonly trustedPrincipalArns: readonly string[];
  /** The most DurationSeconds an AssumeRole of this role may ask for. */
  readonly maxSessionDurationSeconds: number;
}

export interface CreateRoleOptions {
  readonly accountId: string;
  readonly name: string;
  /** @default '/' */
  readonly path?: string;
  readonly policy: readonly PolicyStatement[];
  /**
   * Principal ARNs the trust policy names (roles, or `arn:aws:iam::<acct>:root`): one unconditioned Allow statement.
   * @default none
   */
  readonly trustedPrincipalArns?: readonly string[];
  /**
   * Trust statements with conditions, e.g. the root of an account narrowed by `aws:PrincipalArn`; added after the
   * statement of `trustedPrincipalArns` when both are given.
   * @default none
   */
  readonly trustPolicy?: readonly TrustStatement[];
  /**
   * MaxSessionDuration: "If you do not specify a value for this setting, the default value of one hour is applied. This
   * setting can have a value from 1 hour to 12 hours." (IAM API Reference, CreateRole).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

interface Session {
  readonly roleArn: string;
  readonly sessionName: string;
}

/** What the identity-based policies decide for one action on one resource. */
export type PolicyDecision = 'ALLOW' | 'IMPLICIT_DENY' | 'EXPLICIT_DENY';

const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ONE_HOUR = 3600;
const TWELVE_HOURS = 43_200;

/**
 * IAM as far as authorization goes: roles with identity-based policies, temporary credentials bound
 * to role sessions, and the evaluation AWS runs on every request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Identity-based policies are modelled, and of the resource-based policies only role trust policies (trust-policy.ts,
 * which STS AssumeRole consults): no other resource-based policies, SCPs or boundaries. Conditions are evaluated for the
 * string and ARN operators on `aws:ResourceTag/<key>`, `aws:PrincipalArn` and `aws:PrincipalAccount` (conditions.ts);
 * a condition the simulator does not understand never widens access (see `decide`).
 * Model methods are for arranging fixtures; they throw plain errors on misuse.
 */
export class IamModel {
  private readonly roles = new Map<string, RoleRecord>();
  private readonly sessions = new Map<string, Session>();
  private readonly tagResolvers: ResourceTagResolver[] = [];
  private defaultAccountId: string;

  constructor(private readonly random: SeededRandom, defaultCaller: { accountId: string }) {
    this.defaultAccountId = defaultCaller.accountId;
  }

  public createRole(spec: CreateRoleOptions): RoleRecord {
    const path = spec.path ?? '/';
    // "The path must begin and end with a forward slash" (IAM API Reference, CreateRole, Path).
    if (!path.startsWith('/') || !path.endsWith('/')) throw new Error(`a role path begins and ends with '/', got '${path}'`);
    const arn = `arn:aws:iam::${spec.accountId}:role${path}${spec.name}`;
    if (this.roles.has(arn) || this.roleNamed(spec.accountId, spec.name)) throw new Error(`role ${spec.name} already exists in ${spec.accountId}`);
    const maxSessionDurationSeconds = spec.maxSessionDurationSeconds ?? ONE_HOUR;
    if (!(Number.isInteger(maxSessionDurationSeconds) && maxSessionDurationSeconds >= ONE_HOUR && maxSessionDurationSeconds <= TWELVE_HOURS)) {
      throw new Error(`a role's maximum session duration is 3600 to 43200 seconds, got ${maxSessionDurationSeconds}`);
    }
    const role: RoleRecord = {
      arn,
      accountId: spec.accountId,
      name: spec.name,
      path,
      roleId: `AROA${[...createHash('sha256').update(arn).digest()].slice(0, 17).map((b) => BASE32[b % 32]).join('')}`,
      policy: [...spec.policy],
      trustPolicy: [...trustStatementsFor(spec.trustedPrincipalArns ?? []), ...(spec.trustPolicy ?? [])],
      get trustedPrincipalArns() {
        return allowedAwsPrincipals(this.trustPolicy, arn.split(':')[1]);
      },
      maxSessionDurationSeconds,
    };
    this.roles.set(arn, role);
    return role;
  }

  public role(roleArn: string): RoleRecord | undefined {
    return this.roles.get(roleArn);
  }

  /** Replaces a role's statements, as a redeploy does; sessions already issued see the new policy at once. */
  public putRolePolicy(roleArn: string, policy: readonly PolicyStatement[]): void {
    this.requireRole(roleArn).policy = [...policy];
  }

  /**
   * UpdateAssumeRolePolicy: replaces who may assume the role. Trust is checked when a role is assumed, so sessions
   * already issued keep working ("Temporary security credentials are valid until they expire",
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html).
   * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html
   */
  public updateAssumeRolePolicy(roleArn: string, trust: readonly string[] | readonly TrustStatement[]): void {
    const statements = trust.every((t) => typeof t === 'string') ? trustStatementsFor(trust as readonly string[]) : trust as readonly TrustStatement[];
    this.requireRole(roleArn).trustPolicy = [...statements];
  }

  /**
   * DeleteRole: refused while the role still has policies ("you must delete the items attached to the role manually,
   * or the deletion fails"): DeleteConflict, 409, "Cannot delete entity, must delete policies first." (the text in
   * ekristen/aws-nuke#203). Returns false for an unknown role.
   * https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html
   */
  public deleteRole(roleArn: string): boolean {
    const role = this.roles.get(roleArn);
    if (!role) return false;
    if (role.policy.length > 0) throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', { status: 409 });
    return this.roles.delete(roleArn);
  }

  /** Temporary credentials of a fresh session of the role. */
  public credentialsFor(roleArn: string, sessionName = 'session'): IssuedCredentials {
    this.requireRole(roleArn);
    let accessKeyId: string;
    // Temporary (STS) access key ids start with ASIA, long-term ones with AKIA
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes).
    do accessKeyId = `ASIA${this.random.chars(16, UPPER_ALPHANUMERIC)}`; while (this.sessions.has(accessKeyId));
    this.sessions.set(accessKeyId, { roleArn, sessionName });
    return { accessKeyId, secretAccessKey: this.random.chars(40, BASE64), sessionToken: this.random.chars(64, BASE64) };
  }

  /** The caller behind an access key id; keys this model did not issue belong to the default administrator. */
  public callerFor(accessKeyId: string | undefined): Caller {
    const session = accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
    if (!session) return { accountId: this.defaultAccountId, arn: `arn:aws:iam::${this.defaultAccountId}:root`, admin: true };
    const role = this.requireRole(session.roleArn);
    // An assumed-role session ARN carries the role name, not its path
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
    const arn = `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${session.sessionName}`;
    return { accountId: role.accountId, arn, roleArn: role.arn, sessionName: session.sessionName, admin: false };
  }

  /**
   * A service makes its resources' tags visible to `aws:ResourceTag/<key>`; resources no resolver knows have no tags.
   * "Filters access by the tags associated with the resource" (Service Authorization Reference, condition keys).
   */
  public registerResourceTags(resolver: ResourceTagResolver): void {
    this.tagResolvers.push(resolver);
  }

  /** The tags `aws:ResourceTag/<key>` sees on a resource: the first registered resolver that knows it, else none. */
  public resourceTags(resourceArn: string): Readonly<Record<string, string>> {
    for (const resolve of this.tagResolvers) {
      const tags = resolve(resourceArn);
      if (tags !== undefined) return tags;
    }
    return {};
  }

  /** Moves the default caller to another account, e.g. a delegated administrator. */
  public setDefaultCallerAccount(accountId: string): void {
    this.defaultAccountId = accountId;
  }

  /**
   * Throws AccessDeniedException unless the caller's policy allows `action` on EVERY resource: AWS
   * authorizes a request only if each resource it touches is allowed. An explicit deny on any resource
   * wins over allows and is reported first.
   */
  public authorize(caller: Caller, action: string, resources: readonly string[]): void {
    if (resources.length === 0) throw new Error(`authorize(${action}) needs at least one resource ('*' for none)`);
    const decisions = resources.map((resource) => ({ resource, decision: this.decide(caller, action, resource) }));
    const denied = decisions.find((d) => d.decision === 'EXPLICIT_DENY') ?? decisions.find((d) => d.decision === 'IMPLICIT_DENY');
    if (!denied) return;
    // The message format AWS returns for identity-based denials ("Access denied error messages",
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
    const reason = denied.decision === 'EXPLICIT_DENY'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
    const message = `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${denied.resource} ${reason}`;
    throw new AwsError('AccessDeniedException', message);
  }

  /** The same evaluation as `authorize`, for one resource, without throwing. */
  public isAllowed(caller: Caller, action: string, resource: string): boolean {
    return this.decide(caller, action, resource) === 'ALLOW';
  }

  /** The identity-policy decision itself, for callers that combine it with a resource-based policy (STS AssumeRole). */
  public decision(caller: Caller, action: string, resource: string): PolicyDecision {
    return this.decide(caller, action, resource);
  }

  /**
   * Whether the role's trust policy admits a principal, given as a role ARN or an assumed-role
   * session ARN: naming the role itself, or the root of the principal's account (which delegates
   * to that account's IAM; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html),
   * with the statement's conditions holding (see evaluateTrust).
   */
  public trusts(roleArn: string, callerArnOrRoleArn: string): boolean {
    const party = { arn: callerArnOrRoleArn, principalArn: this.roleOfPrincipal(callerArnOrRoleArn) ?? callerArnOrRoleArn, accountId: callerArnOrRoleArn.split(':')[4] };
    const outcome = evaluateTrust(this.requireRole(roleArn).trustPolicy, party);
    return outcome === 'principal' || outcome === 'account';
  }

  /** How the role's trust policy treats a caller asking to assume it (what STS AssumeRole decides on). */
  public trustOf(roleArn: string, caller: Caller): TrustOutcome {
    return evaluateTrust(this.requireRole(roleArn).trustPolicy, partyOf(caller));
  }

  /**
   * The evaluation logic without resource-based policies, SCPs and boundaries: an explicit deny
   * overrides any allow, an allow overrides the default implicit deny.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
   * A statement applies when its action and resource match and its conditions hold for this resource (IAM authorizes
   * each resource of a request on its own, with that resource's tags). A condition the simulator does not understand
   * never widens access: an Allow with one does not apply, a Deny with one applies. That is the stricter reading;
   * AWS, which understands every condition, may allow what the simulator denies, never the reverse.
   */
  private decide(caller: Caller, action: string, resource: string): PolicyDecision {
    if (caller.admin) return 'ALLOW';
    const policy = caller.roleArn === undefined ? [] : this.roles.get(caller.roleArn)?.policy ?? [];
    const candidates = policy.filter((s) => s.actions.some((a) => matches(a, action, true)) && s.resources.some((r) => matches(r, resource, false)));
    if (candidates.length === 0) return 'IMPLICIT_DENY';
    const party = partyOf(caller);
    const context = { resourceTags: this.resourceTags(resource), principalArn: party.principalArn, principalAccount: party.accountId };
    const outcomes = candidates.map((s) => ({ effect: s.effect, outcome: evaluateConditions(s.conditions, context) }));
    if (outcomes.some((o) => o.effect === 'Deny' && o.outcome !== 'no-match')) return 'EXPLICIT_DENY';
    return outcomes.some((o) => o.effect === 'Allow' && o.outcome === 'match') ? 'ALLOW' : 'IMPLICIT_DENY';
  }

  /** The role ARN behind a role ARN or an `arn:aws:sts::<acct>:assumed-role/<name>/<session>` ARN. */
  private roleOfPrincipal(arn: string): string | undefined {
    if (this.roles.has(arn)) return arn;
    const session = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
    return session ? this.roleNamed(session[1], session[2])?.arn : undefined;
  }

  /** Role names are unique in an account whatever the path (IAM API Reference, CreateRole). */
  private roleNamed(accountId: string, name: string): RoleRecord | undefined {
    return [...this.roles.values()].find((r) => r.accountId === accountId && r.name === name);
  }

  private requireRole(roleArn: string): RoleRecord {
    const role = this.roles.get(roleArn);
    if (!role) throw new Error(`no role ${roleArn}`);
    return role;
  }
}

/** The caller as a trust policy and the `aws:Principal*` condition keys see it. */
function partyOf(caller: Caller): AssumingParty {
  return { arn: caller.arn, principalArn: caller.roleArn ?? caller.arn, accountId: caller.accountId };
}
