import { evaluateConditions, PolicyConditions } from './conditions';
import { matches } from './wildcard';

/**
 * One statement of a role's trust policy (its resource-based policy: who may assume it), as the JSON writes it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
 * `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
 *   "Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/reconciler"}}}`.
 */
export interface TrustStatement {
  readonly effect: 'Allow' | 'Deny';
  /**
   * `Principal.AWS`: role or assumed-role session ARNs, `arn:aws:iam::<account>:root` or a bare account id (both
   * mean the account, which then delegates to its identity policies), or `*` (everyone).
   * @default - none
   */
  readonly awsPrincipals?: readonly string[];
  /**
   * `Principal.Service`, e.g. `lambda.amazonaws.com`: kept so the trust policy reads as written. No simulated service
   * assumes a role through STS (a deployed function's credentials come from `IamModel.credentialsFor`).
   * @default - none
   */
  readonly servicePrincipals?: readonly string[];
  /** @default ['sts:AssumeRole'] */
  readonly actions?: readonly string[];
  /** The Condition element, evaluated with evaluateConditions. @default - none */
  readonly conditions?: PolicyConditions;
}

/** Who asks to assume a role. */
export interface AssumingParty {
  /** The principal as it signs: an assumed-role session ARN, a role ARN, or an account's root ARN. */
  readonly arn: string;
  /** `aws:PrincipalArn`: the role's ARN for a session of it, else `arn`. */
  readonly principalArn: string;
  readonly accountId: string;
}

/**
 * - `principal`: an Allow names the party itself (its role or its session).
 * - `account`: an Allow admits it only through its account (root, account id, or `*`).
 * - `denied`: a Deny applies.
 * - `none`: no statement admits it.
 */
export type TrustOutcome = 'principal' | 'account' | 'denied' | 'none';

const ASSUME_ROLE = 'sts:AssumeRole';

/** The unconditioned trust policy `trustedPrincipalArns` stands for (IamModel's original API). */
export function trustStatementsFor(principalArns: readonly string[]): TrustStatement[] {
  return principalArns.length === 0 ? [] : [{ effect: 'Allow', awsPrincipals: [...principalArns] }];
}

/** The AWS principals the Allow statements name, as root ARNs for bare account ids, whatever their conditions. */
export function allowedAwsPrincipals(statements: readonly TrustStatement[], partition = 'aws'): string[] {
  return statements.filter((s) => s.effect === 'Allow').flatMap((s) => (s.awsPrincipals ?? []).map((p) => asArn(p, partition)));
}

/**
 * Whether a trust policy admits a party to `sts:AssumeRole`, and how. Conditions are evaluated with the party's
 * `aws:PrincipalArn` and `aws:PrincipalAccount`, like identity policies: an Allow with a condition the simulator does
 * not understand does not apply, a Deny with one does (the stricter reading; see evaluateConditions). An explicit deny
 * wins (reference_policies_evaluation-logic.html). Principal ARNs are matched exactly: the Principal element takes no
 * wildcards but `*` (reference_policies_elements_principal.html).
 */
export function evaluateTrust(statements: readonly TrustStatement[], party: AssumingParty): TrustOutcome {
  const context = { resourceTags: {}, principalArn: party.principalArn, principalAccount: party.accountId };
  const applicable = statements
    .filter((s) => (s.actions ?? [ASSUME_ROLE]).some((a) => matches(a, ASSUME_ROLE, true)))
    .map((s) => ({ effect: s.effect, level: principalLevel(s, party), outcome: evaluateConditions(s.conditions, context) }))
    .filter((s) => s.level !== undefined);
  if (applicable.some((s) => s.effect === 'Deny' && s.outcome !== 'no-match')) return 'denied';
  const allowed = applicable.filter((s) => s.effect === 'Allow' && s.outcome === 'match');
  if (allowed.some((s) => s.level === 'principal')) return 'principal';
  return allowed.length > 0 ? 'account' : 'none';
}

function principalLevel(statement: TrustStatement, party: AssumingParty): 'principal' | 'account' | undefined {
  const partition = party.arn.split(':')[1] ?? 'aws';
  const root = `arn:${partition}:iam::${party.accountId}:root`;
  const levels = (statement.awsPrincipals ?? []).map((p) => asArn(p, partition)).map((p) => {
    // `*` admits everyone; the simulator treats it like an account grant, so identity policies still decide.
    if (p === '*' || p === root) return 'account';
    return p === party.arn || p === party.principalArn ? 'principal' : undefined;
  });
  return levels.includes('principal') ? 'principal' : levels.includes('account') ? 'account' : undefined;
}

/** "arn:aws:iam::123456789012:root" or just "123456789012" both name the account (reference_policies_elements_principal.html). */
function asArn(principal: string, partition: string): string {
  return /^\d{12}$/.test(principal) ? `arn:${partition}:iam::${principal}:root` : principal;
}
