// CloudFormation's intrinsic functions, as far as the library's templates use them: Ref, Fn::GetAtt,
// Fn::Join, Fn::Select, Fn::Split and Fn::Sub (without a variable map), and the pseudo parameters
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).

/** What a template's references resolve to. */
export interface ResolutionContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stackName?: string;
  /** `Ref` of a resource (its physical id) or a parameter; undefined when unknown. */
  readonly ref: (logicalId: string) => unknown;
  /** `Fn::GetAtt` of a resource attribute; undefined when unknown. */
  readonly getAtt: (logicalId: string, attribute: string) => unknown;
}

/** Resolves every intrinsic in `value`; throws naming the reference that has no value yet. */
export function resolve(value: unknown, context: ResolutionContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, context));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    switch (key) {
      case 'Ref': return ref(argument as string, context);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof argument === 'string' ? argument.split('.') : argument as [string, string];
        return known(context.getAtt(logicalId, attribute), `Fn::GetAtt ${logicalId}.${attribute}`);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolve(parts, context) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [number | string, unknown];
        return (resolve(list, context) as unknown[])[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return String(resolve(text, context)).split(separator);
      }
      case 'Fn::Sub': {
        if (typeof argument !== 'string') throw new Error('Fn::Sub with a variable map is not modelled');
        return argument.replace(/\$\{([^}]+)\}/g, (_, name: string) => String(name.includes('.')
          ? known(context.getAtt(name.split('.')[0], name.split('.').slice(1).join('.')), `\${${name}}`)
          : ref(name, context)));
      }
      default:
        if (key.startsWith('Fn::')) throw new Error(`intrinsic ${key} is not modelled`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, context)]));
}

function ref(name: string, context: ResolutionContext): unknown {
  switch (name) {
    case 'AWS::Partition': return context.partition;
    case 'AWS::Region': return context.region;
    case 'AWS::AccountId': return context.accountId;
    case 'AWS::URLSuffix': return context.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::StackName': return known(context.stackName, 'AWS::StackName');
    case 'AWS::NoValue': return undefined;
    default: return known(context.ref(name), `Ref ${name}`);
  }
}

function known(value: unknown, what: string): unknown {
  if (value === undefined) throw new Error(`${what} has no value yet`);
  return value;
}
