import { AwsError } from '../../protocol/aws-error';
import { IamModel, PolicyConditions, PolicyStatement, TrustStatement } from '../../services/iam/iam-model';

type RawStatement = Record<string, unknown>;

/**
 * An IAM JSON policy document (an object or its JSON text) as PolicyStatements: Effect, Action, Resource (each a
 * string or a list) and Condition, carried as written: IamModel evaluates what it understands and never lets the rest
 * widen access (an Allow with a condition it does not understand does not apply, a Deny with one does). Numbers and
 * booleans in a condition are strings to IAM ("true"); other values (an unresolved intrinsic) stay as they are, which
 * IamModel does not understand. NotAction and NotResource are not modelled, so statements using them are left out
 * rather than read wrongly.
 */
export function statementsOf(document: unknown): PolicyStatement[] {
  return rawStatements(document)
    .filter((s) => s.NotAction === undefined && s.NotResource === undefined)
    .map((s) => {
      const statement: PolicyStatement = { effect: effectOf(s), actions: list(s.Action), resources: list(s.Resource ?? '*') };
      return s.Condition === undefined ? statement : { ...statement, conditions: conditionsOf(s.Condition) };
    });
}

/**
 * A role's AssumeRolePolicyDocument as TrustStatements: Effect, Action, `Principal.AWS` (an account id becomes that
 * account's root ARN, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html;
 * `"Principal": "*"` is `AWS: *`), `Principal.Service` and Condition. Federated principals are not modelled (no
 * simulated identity provider assumes roles); NotPrincipal and NotAction statements are left out, as in statementsOf.
 */
export function trustStatementsOf(document: unknown, partition: string): TrustStatement[] {
  return rawStatements(document)
    .filter((s) => s.NotPrincipal === undefined && s.NotAction === undefined)
    .map((s) => {
      const principal = s.Principal === '*' ? { AWS: '*' } : (s.Principal ?? {}) as Record<string, unknown>;
      const statement: TrustStatement = {
        effect: effectOf(s),
        awsPrincipals: list(principal.AWS).map((p) => (/^\d{12}$/.test(p) ? `arn:${partition}:iam::${p}:root` : p)),
        servicePrincipals: list(principal.Service),
        actions: list(s.Action),
      };
      return s.Condition === undefined ? statement : { ...statement, conditions: conditionsOf(s.Condition) };
    });
}

/**
 * IAM refuses a trust policy naming a role that does not exist: it stores the role's unique id, not its ARN, so it must
 * resolve it. MalformedPolicyDocument, 400, `Invalid principal in policy: "AWS":"arn:aws:iam::959325414060:role/x"`
 * (opstrace/opstrace#88, CreateRole; databrickslabs/ucx#2269, UpdateAssumeRolePolicy; the role not existing is the cause
 * in hashicorp/terraform-provider-aws#8905 and aws-samples/aws-secure-environment-accelerator#1136, where CloudFormation
 * fails the role). That is why a trust in a role yet to be created names the account's root and narrows it with an
 * `aws:PrincipalArn` condition. Returns the error for the first such principal, or undefined.
 */
export function invalidPrincipal(statements: readonly TrustStatement[], iam: IamModel): AwsError | undefined {
  const missing = statements.flatMap((s) => s.awsPrincipals ?? []).find((p) => /^arn:[^:]+:iam::\d{12}:role\//.test(p) && !iam.role(p));
  return missing === undefined ? undefined : new AwsError('MalformedPolicyDocument', `Invalid principal in policy: "AWS":"${missing}"`, { status: 400 });
}

function rawStatements(document: unknown): RawStatement[] {
  const parsed = typeof document === 'string' ? JSON.parse(document) as unknown : document;
  const raw = (parsed as { Statement?: unknown } | undefined)?.Statement;
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as RawStatement[];
}

function effectOf(statement: RawStatement): 'Allow' | 'Deny' {
  return statement.Effect === 'Deny' ? 'Deny' : 'Allow';
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
}

/** The Condition element with scalar values as strings; anything that is not an operator → key → value(s) map is kept as is. */
function conditionsOf(condition: unknown): PolicyConditions {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return condition as PolicyConditions;
  const scalar = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);
  return Object.fromEntries(Object.entries(condition).map(([operator, block]) => [
    operator,
    typeof block === 'object' && block !== null && !Array.isArray(block)
      ? Object.fromEntries(Object.entries(block).map(([key, value]) => [key, Array.isArray(value) ? value.map(scalar) : scalar(value)]))
      : block,
  ])) as PolicyConditions;
}
