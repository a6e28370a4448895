import { generatedName } from './physical-names';
import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime } from './runtime';
import { AwsError } from '../../protocol/aws-error';
import { IamModel } from '../../services/iam/iam-model';
import { handlerErrorCode, handlerFailure, serviceErrorMessage } from '../errors';
import type { DeployedFunction, StackResource } from '../stack-types';

/** FunctionName "up to 64 characters in length" (cfn-lint schemas/providers/us_east_1/aws-lambda-function.json). */
const FUNCTION_NAME_MAX = 64;
/** Timeout: "The default is 3 seconds. The maximum allowed value is 900 seconds." (the same schema). */
const DEFAULT_TIMEOUT_SECONDS = 3;

/** The functions of every stack, by ARN: what a custom resource's ServiceToken designates. */
export class FunctionRegistry {
  private readonly functions = new Map<string, DeployedFunction>();

  public put(fn: DeployedFunction): void {
    this.functions.set(fn.arn, fn);
  }

  public remove(arn: string): void {
    this.functions.delete(arn);
  }

  /** By ARN; a qualified ARN (`...:function:name:alias`) designates its function. */
  public byArn(arn: string): DeployedFunction | undefined {
    return this.functions.get(arn.split(':').slice(0, 7).join(':'));
  }

  public byName(name: string): DeployedFunction | undefined {
    return [...this.functions.values()].find((fn) => fn.name === name);
  }

  public all(): DeployedFunction[] {
    return [...this.functions.values()];
  }
}

/**
 * AWS::Lambda::Function: no code runs here; the function is recorded (resolved environment, role, timeout) so a test
 * can run the handler it stands for, and a custom resource's ServiceToken can find it. createOnly and primaryIdentifier
 * FunctionName (aws-lambda-function.json); Ref is the name; attribute Arn. An update replaces the recorded configuration
 * at once (UpdateFunctionConfiguration / UpdateFunctionCode, the schema's update permissions; in-flight invocations are
 * the test's business). A name taken fails with "ResourceConflictException: Function already exist: <name>", 409
 * (hashicorp/terraform#15929). A role of the stack's account that IAM does not know is refused like CreateFunction
 * refuses it: InvalidParameterValueException "The role defined for the function cannot be assumed by Lambda."
 * (danilop/LambdAuth#49).
 */
export class LambdaFunctionProvider implements ResourceProvider {
  public readonly createOnlyProperties = ['FunctionName'];
  public readonly nameProperty = 'FunctionName';
  public readonly primaryIdentifier = ['FunctionName'];

  constructor(private readonly functions: FunctionRegistry, private readonly iam: IamModel, private readonly runtime: ProviderRuntime) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    const name = stringProperty(request.properties, 'FunctionName') ?? generatedName(this.runtime.random, request.stackName, request.logicalId, FUNCTION_NAME_MAX);
    if (this.functions.byName(name)) throw this.failure(new AwsError('ResourceConflictException', `Function already exist: ${name}`, { status: 409 }), request);
    const arn = `arn:${request.partition}:lambda:${request.region}:${request.accountId}:function:${name}`;
    this.record(request, name, arn);
    return { physicalId: name, attributes: { Arn: arn } };
  }

  public async update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    this.record(request, current.physicalId, String(current.attributes.Arn));
    return { physicalId: current.physicalId, attributes: current.attributes };
  }

  public async delete(_request: ResourceRequest, current: StackResource): Promise<void> {
    this.functions.remove(String(current.attributes.Arn));
  }

  public async read(identifier: Readonly<Record<string, string>>): Promise<ProvisionedResource | undefined> {
    const fn = this.functions.byName(identifier.FunctionName);
    return fn && { physicalId: fn.name, attributes: { Arn: fn.arn } };
  }

  private record(request: ResourceRequest, name: string, arn: string): void {
    const p = request.properties;
    const roleArn = stringProperty(p, 'Role') ?? '';
    if (roleArn.split(':')[4] === request.accountId && !this.iam.role(roleArn)) {
      throw this.failure(new AwsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.'), request);
    }
    const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
    this.functions.put({
      stackName: request.stackName,
      logicalId: request.logicalId,
      name,
      arn,
      roleArn,
      environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
      timeoutSeconds: p.Timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(p.Timeout),
      handler: stringProperty(p, 'Handler'),
      runtime: stringProperty(p, 'Runtime'),
      properties: { ...p },
    });
  }

  private failure(error: AwsError, request: ResourceRequest): Error {
    return handlerFailure(serviceErrorMessage(error, 'Lambda', this.runtime.random.uuid()), handlerErrorCode(error), request.requestToken);
  }
}
