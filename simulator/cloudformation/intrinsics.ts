// CloudFormation's intrinsic functions, as far as the library's templates use them: Ref, Fn::GetAtt,
// Fn::Join, Fn::Select, Fn::Split, Fn::Sub (with or without a variable map), Fn::Base64,
// Fn::FindInMap, Fn::GetAZs, the condition functions Fn::If, Fn::Equals, Fn::And, Fn::Or, Fn::Not
// and {"Condition": name}, and the pseudo parameters
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).

/** What a template's references resolve to. */
export interface ResolutionContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stackName?: string;
  readonly stackId?: string;
  /** `Ref` of a resource (its physical id) or a parameter; undefined when unknown. */
  readonly ref: (logicalId: string) => unknown;
  /** `Fn::GetAtt` of a resource attribute; undefined when unknown. */
  readonly getAtt: (logicalId: string, attribute: string) => unknown;
  /** The value of a named condition (Fn::If, {"Condition": name}); absent: conditions are not modelled. */
  readonly condition?: (name: string) => boolean;
  /** The template's Mappings section, for Fn::FindInMap. */
  readonly mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** The pseudo parameters `Ref` accepts besides parameters and resources. */
export const PSEUDO_PARAMETERS: readonly string[] = [
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
];

/**
 * Resolves every intrinsic in `value`; throws naming the reference that has no value yet.
 * `Ref: AWS::NoValue` (usually from an Fn::If branch) removes the property or list element it stands for.
 */
export function resolve(value: unknown, context: ResolutionContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, context)).filter((v) => v !== undefined);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    const fn = intrinsic(key, argument, context);
    if (fn !== NOT_AN_INTRINSIC) return fn;
  }
  const resolved = entries.map(([k, v]) => [k, resolve(v, context)] as const).filter(([, v]) => v !== undefined);
  return Object.fromEntries(resolved);
}

/** The names in `${...}` of an Fn::Sub string, without the `${!Literal}` escapes. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}!][^}]*)\}/g)].map((m) => m[1].trim());
}

const NOT_AN_INTRINSIC = Symbol('not an intrinsic');

function intrinsic(key: string, argument: unknown, context: ResolutionContext): unknown {
  switch (key) {
    case 'Ref': return ref(argument as string, context);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : argument as [string, string];
      return known(context.getAtt(logicalId, String(resolve(attribute, context))), `Fn::GetAtt ${logicalId}.${attribute}`);
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown];
      return (resolve(parts, context) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [number | string, unknown];
      return (resolve(list, context) as unknown[])[Number(resolve(index, context))];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return String(resolve(text, context)).split(separator);
    }
    case 'Fn::Sub': return sub(argument, context);
    case 'Fn::Base64': return Buffer.from(String(resolve(argument, context)), 'utf8').toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = resolve(argument, context) as [string, string, string];
      return known(context.mappings?.[map]?.[top]?.[second], `Fn::FindInMap ${map}.${top}.${second}`);
    }
    // Three zones: CloudFormation returns the zones available to the account, which no template here depends on.
    case 'Fn::GetAZs': return ['a', 'b', 'c'].map((zone) => `${context.region}${zone}`);
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolve(condition(name, context) ? whenTrue : whenFalse, context);
    }
    case 'Fn::Equals': {
      const [a, b] = argument as [unknown, unknown];
      // "Compares if two values are equal": values are compared as CloudFormation renders them, strings.
      return JSON.stringify(stringified(resolve(a, context))) === JSON.stringify(stringified(resolve(b, context)));
    }
    case 'Fn::And': return (argument as unknown[]).every((c) => truth(c, context));
    case 'Fn::Or': return (argument as unknown[]).some((c) => truth(c, context));
    case 'Fn::Not': return !truth((argument as unknown[])[0], context);
    case 'Condition':
      // {"Condition": name} inside a condition function; an IAM statement's Condition is an object, never a string.
      return typeof argument === 'string' && context.condition ? condition(argument, context) : NOT_AN_INTRINSIC;
    default:
      if (key.startsWith('Fn::')) throw new Error(`intrinsic ${key} is not modelled`);
      return NOT_AN_INTRINSIC;
  }
}

function sub(argument: unknown, context: ResolutionContext): string {
  const [text, variables] = typeof argument === 'string' ? [argument, {}] : argument as [string, Record<string, unknown>];
  const values = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolve(v, context)]));
  return text.replace(/\$\{([^}]+)\}/g, (_, inner: string) => {
    // "${!Literal}" renders as "${Literal}".
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (name in values) return String(values[name]);
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [logicalId, attribute] = splitOnce(name, '.');
      return String(known(context.getAtt(logicalId, attribute), `\${${name}}`));
    }
    return String(ref(name, context));
  });
}

function ref(name: string, context: ResolutionContext): unknown {
  switch (name) {
    case 'AWS::Partition': return context.partition;
    case 'AWS::Region': return context.region;
    case 'AWS::AccountId': return context.accountId;
    case 'AWS::URLSuffix': return context.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::StackName': return known(context.stackName, 'AWS::StackName');
    case 'AWS::StackId': return known(context.stackId, 'AWS::StackId');
    case 'AWS::NotificationARNs': return [];
    case 'AWS::NoValue': return undefined;
    default: return known(context.ref(name), `Ref ${name}`);
  }
}

function condition(name: string, context: ResolutionContext): boolean {
  if (!context.condition) throw new Error(`condition ${name}: conditions are not modelled in this context`);
  return context.condition(name);
}

/** A condition operand: a condition function or {"Condition": name}; either resolves to a boolean. */
function truth(operand: unknown, context: ResolutionContext): boolean {
  const value = resolve(operand, context);
  if (typeof value !== 'boolean') throw new Error(`a condition operand must be a condition function, got ${JSON.stringify(operand)}`);
  return value;
}

function stringified(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringified);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

function known(value: unknown, what: string): unknown {
  if (value === undefined) throw new Error(`${what} has no value yet`);
  return value;
}
