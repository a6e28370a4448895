import { DependencyGraph, dependencyGraph } from './dependency-graph';
import { ValidationError } from './errors';
import { resolve, ResolutionContext } from './intrinsics';

/** A template's resource, as synthesized. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: unknown;
}

export interface TemplateParameter {
  readonly Type: string;
  readonly Default?: unknown;
  readonly AllowedValues?: readonly unknown[];
  readonly Description?: string;
}

export interface Template {
  readonly Parameters?: Record<string, TemplateParameter>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
  readonly Rules?: unknown;
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown; readonly Condition?: string; readonly Export?: unknown }>;
}

/** A template with its parameters and conditions evaluated: what an operation works from. */
export interface PreparedTemplate {
  readonly template: Template;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly conditions: ReadonlyMap<string, boolean>;
  /** The resources whose Condition holds (or that have none). */
  readonly resources: ReadonlyMap<string, TemplateResource>;
  readonly graph: DependencyGraph;
}

export interface PseudoParameters {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly stackId: string;
}

/** Where `AWS::SSM::Parameter::Value<...>` parameters are read. */
export type ParameterStoreLookup = (name: string) => string | undefined;

/**
 * The version the CDK's bootstrap stack publishes at /cdk-bootstrap/hnb659fds/version (the parameter synthesized
 * templates read, https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping.html); the simulated account counts as
 * bootstrapped with a current template when Parameter Store holds no such parameter, so the synthesized
 * BootstrapVersion parameter resolves. The number 30 is the simulator's: any version the CDK's check accepts will do.
 */
const BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';
const BOOTSTRAP_VERSION = '30';

/**
 * Validates a template and evaluates what does not depend on resources: parameters (given, else
 * Default), conditions, which resources exist, the dependency graph. The Rules section (the CDK's
 * CheckBootstrapVersion) is not evaluated: the simulated account is bootstrapped.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html
 */
export function prepareTemplate(
  template: Template,
  given: Readonly<Record<string, string>>,
  pseudo: PseudoParameters,
  parameterStore: ParameterStoreLookup,
): PreparedTemplate {
  if (typeof template !== 'object' || template === null || typeof template.Resources !== 'object') {
    throw new ValidationError('Template format error: At least one Resources member must be defined.');
  }
  const parameters = resolveParameters(template, given, parameterStore);
  const conditions = evaluateConditions(template, parameters, pseudo);
  const resources = new Map(Object.entries(template.Resources)
    .filter(([, r]) => r.Condition === undefined || conditionValue(conditions, r.Condition)));
  const graph = dependencyGraph(resources, new Set(Object.keys(parameters)), (name) => conditionValue(conditions, name));
  return { template, parameters, conditions, resources, graph };
}

/** The resolution context of a template whose resources are looked up by the caller. */
export function templateContext(
  prepared: PreparedTemplate,
  pseudo: PseudoParameters,
  resources: Pick<ResolutionContext, 'ref' | 'getAtt'>,
): ResolutionContext {
  return {
    ...pseudo,
    ref: (name) => (name in prepared.parameters ? prepared.parameters[name] : resources.ref(name)),
    getAtt: resources.getAtt,
    condition: (name) => conditionValue(prepared.conditions, name),
    mappings: prepared.template.Mappings,
  };
}

function resolveParameters(
  template: Template,
  given: Readonly<Record<string, string>>,
  parameterStore: ParameterStoreLookup,
): Record<string, unknown> {
  const declared = template.Parameters ?? {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  // The CreateStack/UpdateStack ValidationError texts.
  if (unknown.length > 0) throw new ValidationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const missing = Object.keys(declared).filter((name) => given[name] === undefined && declared[name].Default === undefined);
  if (missing.length > 0) throw new ValidationError(`Parameters: [${missing.join(', ')}] must have values`);
  const values: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const raw = String(given[name] ?? parameter.Default);
    if (parameter.AllowedValues && !parameter.AllowedValues.map(String).includes(raw)) {
      throw new ValidationError(`Parameter '${name}' must be one of AllowedValues`);
    }
    values[name] = parameterValue(parameter.Type, raw, parameterStore);
  }
  return values;
}

/**
 * SSM parameter types resolve to the parameter's value when the operation starts
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#aws-ssm-parameter-types);
 * list types split on commas.
 */
function parameterValue(type: string, raw: string, parameterStore: ParameterStoreLookup): unknown {
  let value = raw;
  if (type.startsWith('AWS::SSM::Parameter::Value<')) {
    const stored = parameterStore(raw) ?? (raw === BOOTSTRAP_VERSION_PARAMETER ? BOOTSTRAP_VERSION : undefined);
    if (stored === undefined) throw new ValidationError(`Unable to fetch parameters [${raw}] from parameter store for this account.`);
    value = stored;
  }
  const list = type === 'CommaDelimitedList' || /^(AWS::SSM::Parameter::Value<)?List</.test(type);
  return list ? value.split(',').map((item) => item.trim()) : value;
}

/** Conditions may name other conditions; each is evaluated once, and a cycle is a template error. */
function evaluateConditions(template: Template, parameters: Record<string, unknown>, pseudo: PseudoParameters): Map<string, boolean> {
  const definitions = template.Conditions ?? {};
  const values = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const evaluate = (name: string): boolean => {
    const done = values.get(name);
    if (done !== undefined) return done;
    if (!(name in definitions)) throw new ValidationError(`Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`);
    if (evaluating.has(name)) throw new ValidationError(`Template error: circular condition reference ${name}`);
    evaluating.add(name);
    const context: ResolutionContext = {
      ...pseudo,
      ref: (ref) => {
        if (ref in parameters) return parameters[ref];
        // Conditions "can reference ... input parameter values and pseudo parameters", never resources.
        throw new ValidationError(`Template format error: Unresolved dependencies [${ref}]. Cannot reference resources in the Conditions block of the template`);
      },
      getAtt: (logicalId) => {
        throw new ValidationError(`Template format error: Unresolved dependencies [${logicalId}]. Cannot reference resources in the Conditions block of the template`);
      },
      condition: evaluate,
      mappings: template.Mappings,
    };
    const value = resolve(definitions[name], context);
    if (typeof value !== 'boolean') throw new ValidationError(`Template error: condition ${name} is not a condition function`);
    evaluating.delete(name);
    values.set(name, value);
    return value;
  };
  for (const name of Object.keys(definitions)) evaluate(name);
  return values;
}

function conditionValue(conditions: ReadonlyMap<string, boolean>, name: string): boolean {
  const value = conditions.get(name);
  if (value === undefined) throw new ValidationError(`Template format error: Unresolved condition dependency ${name}`);
  return value;
}
