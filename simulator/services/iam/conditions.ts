import { matches } from './wildcard';

/**
 * The Condition element of a statement, as the JSON policy and CDK's `PolicyStatement.conditions` write it:
 * condition operator → context key → one value or a list of values, e.g.
 * `{ StringEquals: { 'aws:ResourceTag/team': ['blue', 'green'] } }`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
 */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** What the request context holds for the resource being evaluated: the context keys the simulator knows. */
export interface ConditionContext {
  /** `aws:ResourceTag/<key>`: the tags of the resource being evaluated; empty for a resource without tags. */
  readonly resourceTags: Readonly<Record<string, string>>;
  /**
   * `aws:PrincipalArn`: for an assumed-role session the ROLE's ARN, not the session's; the root ARN for the account's
   * root user ("AWS global condition context keys", aws:PrincipalArn,
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
   * @default - unknown: a condition on the key is not understood
   */
  readonly principalArn?: string;
  /** `aws:PrincipalAccount`: the account of the principal making the request. @default - unknown, as principalArn */
  readonly principalAccount?: string;
}

/**
 * - `match`: every condition holds.
 * - `no-match`: every condition was understood and one does not hold.
 * - `not-understood`: a condition uses an operator, key or value the simulator does not evaluate.
 */
export type ConditionOutcome = 'match' | 'no-match' | 'not-understood';

type StringTest = (policyValue: string, requestValue: string) => boolean;

interface Operator {
  readonly test: StringTest;
  readonly negated: boolean;
  /** Whether the simulator reads this policy value as the operator does; one it does not makes the condition not understood. */
  readonly understands?: (policyValue: string) => boolean;
}

/**
 * The string condition operators (reference_policies_elements_condition_operators.html#Conditions_String). A negated
 * operator is true when the request value matches none of the policy's values: "If a single negated matching condition
 * operator includes multiple values for a context key, those values are evaluated using a logical NOR"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html).
 * StringEquals and StringLike are case-sensitive, the IgnoreCase pair is not; StringLike takes `*` and `?`. The ARN
 * operators (#Conditions_ARN) are the same tests on each component of an ARN (see arnMatches).
 */
const OPERATORS: Readonly<Record<string, Operator>> = {
  StringEquals: { test: (p, v) => p === v, negated: false },
  StringNotEquals: { test: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { test: (p, v) => matches(p, v, false), negated: false },
  StringNotLike: { test: (p, v) => matches(p, v, false), negated: true },
  ArnEquals: { test: arnMatches, negated: false, understands: isArn },
  ArnNotEquals: { test: arnMatches, negated: true, understands: isArn },
  ArnLike: { test: arnMatches, negated: false, understands: isArn },
  ArnNotLike: { test: arnMatches, negated: true, understands: isArn },
};

const IF_EXISTS = 'IfExists';
/** Condition key names are case-insensitive (reference_policies_elements_condition.html), so is the prefix. */
const RESOURCE_TAG_KEY = /^aws:resourcetag\/(.+)$/i;
const PRINCIPAL_KEYS: Readonly<Record<string, (context: ConditionContext) => string | undefined>> = {
  'aws:principalarn': (context) => context.principalArn,
  'aws:principalaccount': (context) => context.principalAccount,
};

/** A context key's value: absent from the request context, one value, or a lookup the simulator cannot settle. */
type KeyValue = { readonly present: false } | { readonly present: true; readonly value: string } | 'not-understood';

/**
 * Evaluates a statement's Condition element against the request context, with IAM's logic: "If your policy statement
 * has multiple condition operators, the condition operators are evaluated using a logical AND. If your policy
 * statement has multiple context keys attached to a single condition operator, the context keys are evaluated using a
 * logical AND. If a single condition operator includes multiple values for a context key, those values are evaluated
 * using a logical OR." (reference_policies_condition-logic-multiple-context-keys-or-values.html).
 *
 * A key absent from the context: "If the key that you specify in a policy condition is not present in the request
 * context, the values do not match and the condition is false. If the policy condition requires that the key is not
 * matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true. This logic
 * applies to all condition operators except ...IfExists and Null check"; with `...IfExists`, "If the condition key is
 * not present in the context of the request, the condition evaluates to true"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 *
 * What is understood: the six string operators and the four ARN operators above, each with `IfExists`, on
 * `aws:ResourceTag/<key>`, `aws:PrincipalArn` and `aws:PrincipalAccount` (when the context carries them) with string
 * values. Anything else (other operators, set operators `ForAnyValue:`/`ForAllValues:`, other context keys, policy
 * variables `${...}`, non-string values such as an unresolved intrinsic, an empty value list) makes the whole
 * element `not-understood`, whatever the other conditions say; IamModel then never lets it widen access.
 */
export function evaluateConditions(conditions: PolicyConditions | undefined, context: ConditionContext): ConditionOutcome {
  if (conditions === undefined) return 'match';
  if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions)) return 'not-understood';
  let holds = true;
  for (const [operatorName, block] of Object.entries(conditions)) {
    const ifExists = operatorName.endsWith(IF_EXISTS);
    const operator = OPERATORS[ifExists ? operatorName.slice(0, -IF_EXISTS.length) : operatorName];
    if (!operator || typeof block !== 'object' || block === null || Array.isArray(block)) return 'not-understood';
    for (const [key, raw] of Object.entries(block)) {
      const values = policyValues(raw);
      const found = keyValue(key, context);
      if (values === undefined || found === 'not-understood') return 'not-understood';
      if (operator.understands && !values.every(operator.understands)) return 'not-understood';
      let result: boolean;
      if (!found.present) {result = ifExists || operator.negated;} else {
        const any = values.some((p) => operator.test(p, found.value));
        result = operator.negated ? !any : any;
      }
      holds &&= result;
    }
  }
  return holds ? 'match' : 'no-match';
}

/** The policy's values for one key as strings, or undefined when the simulator does not evaluate them. */
function policyValues(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every((v) => typeof v === 'string')) return undefined;
  // Policy variables are resolved from the request context by IAM (reference_policies_variables.html); not modelled.
  return (list as string[]).some((v) => v.includes('${')) ? undefined : list as string[];
}

/**
 * `aws:ResourceTag/<key>`: "Tag keys are case-insensitive. This means that if you specify
 * "aws:ResourceTag/TagKey1": "Value1" in the condition element of your policy, then the condition matches a resource
 * tag key named either TagKey1 or tagkey1, but not both"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourcetag).
 * A resource carrying both spellings is left undecided: AWS does not say which one the condition reads.
 */
function keyValue(key: string, context: ConditionContext): KeyValue {
  const principalKey = PRINCIPAL_KEYS[key.toLowerCase()];
  if (principalKey) {
    const value = principalKey(context);
    return value === undefined ? 'not-understood' : { present: true, value };
  }
  const tag = RESOURCE_TAG_KEY.exec(key);
  if (!tag) return 'not-understood';
  const wanted = tag[1].toLowerCase();
  const found = Object.entries(context.resourceTags).filter(([k]) => k.toLowerCase() === wanted);
  if (found.length > 1) return 'not-understood';
  return found.length === 0 ? { present: false } : { present: true, value: found[0][1] };
}

/**
 * ArnEquals and ArnLike: "Case-sensitive matching of the ARN. Each of the six colon-delimited components of the ARN is
 * checked separately and each can include multi-character match wildcards (*) or single-character match wildcards (?)"
 * (reference_policies_elements_condition_operators.html#Conditions_ARN); the two behave the same
 * (iam.cloudcopilot.io/resources/operators/ArnEquals). The sixth component is the rest, colons included. What IAM does
 * with a policy value that is not an ARN is not documented: the simulator does not understand it (`isArn`); a request
 * value that is not an ARN matches nothing.
 */
function arnMatches(pattern: string, value: string): boolean {
  const wanted = arnComponents(pattern)!;
  const actual = arnComponents(value);
  return actual !== undefined && wanted.every((part, i) => matches(part, actual[i], false));
}

function isArn(value: string): boolean {
  return arnComponents(value) !== undefined;
}

function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
