import { generatedName } from './physical-names';
import { invalidPrincipal, statementsOf, trustStatementsOf } from './policy-documents';
import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime } from './runtime';
import { AwsError } from '../../protocol/aws-error';
import { IamModel, PolicyStatement, TrustStatement } from '../../services/iam/iam-model';
import { handlerErrorCode, handlerFailure, serviceErrorMessage } from '../errors';
import type { StackResource } from '../stack-types';

/** RoleName "maxLength": 64 (cfn-lint schemas/providers/us_east_1/aws-iam-role.json). */
const ROLE_NAME_MAX = 64;

/**
 * The statements each role gets from where CloudFormation puts them: the role's own `Policies` and
 * every AWS::IAM::Policy naming it in `Roles`. IamModel keeps one statement list per role, so the
 * union is written with `putRolePolicy` after every change.
 */
class RolePolicies {
  private readonly roles = new Map<string, { inline: PolicyStatement[]; attached: Map<string, PolicyStatement[]> }>();
  /** `account|name` → ARN of the roles CloudFormation created, whatever their path. */
  private readonly arnsByName = new Map<string, string>();

  constructor(private readonly iam: IamModel) {}

  public remember(accountId: string, name: string, roleArn: string): void {
    this.arnsByName.set(`${accountId}|${name}`, roleArn);
  }

  /** A role named in a policy's Roles: one CloudFormation created, else one with the default path. */
  public arnOf(request: Pick<ResourceRequest, 'partition' | 'accountId'>, name: string): string | undefined {
    const arn = this.arnsByName.get(`${request.accountId}|${name}`) ?? roleArnFor(request, '/', name);
    return this.iam.role(arn) ? arn : undefined;
  }

  public setInline(roleArn: string, statements: PolicyStatement[]): void {
    this.entry(roleArn).inline = statements;
    this.write(roleArn);
  }

  public attach(roleArn: string, policyId: string, statements: PolicyStatement[]): void {
    this.entry(roleArn).attached.set(policyId, statements);
    this.write(roleArn);
  }

  public detach(roleArn: string, policyId: string): void {
    const entry = this.roles.get(roleArn);
    if (!entry?.attached.delete(policyId) || !this.iam.role(roleArn)) return;
    this.write(roleArn);
  }

  public attachedPolicies(roleArn: string): number {
    return this.roles.get(roleArn)?.attached.size ?? 0;
  }

  public forget(arn: string): void {
    this.roles.delete(arn);
    for (const [key, value] of this.arnsByName) if (value === arn) this.arnsByName.delete(key);
  }

  /** A role CloudFormation did not create keeps the statements it had as its baseline. */
  private entry(roleArn: string): { inline: PolicyStatement[]; attached: Map<string, PolicyStatement[]> } {
    let entry = this.roles.get(roleArn);
    if (!entry) {
      entry = { inline: [...(this.iam.role(roleArn)?.policy ?? [])], attached: new Map() };
      this.roles.set(roleArn, entry);
    }
    return entry;
  }

  private write(roleArn: string): void {
    const entry = this.roles.get(roleArn)!;
    this.iam.putRolePolicy(roleArn, [...entry.inline, ...[...entry.attached.values()].flat()]);
  }
}

/**
 * AWS::IAM::Role against IamModel: createOnly RoleName and Path, primaryIdentifier RoleName, readOnly Arn and RoleId
 * (cfn-lint schemas/providers/us_east_1/aws-iam-role.json); Ref is the role name (generated when RoleName is absent).
 * The trust policy becomes the role's trust statements, conditions and service principals included (trustStatementsOf);
 * one naming a role that does not exist fails like IAM refuses it (invalidPrincipal). MaxSessionDuration is kept (AssumeRole
 * reads it); ManagedPolicyArns are not modelled. A name taken fails with CreateRole's EntityAlreadyExists, 409, "Role with
 * name X already exists." (as quoted in aws-ia/terraform-aws-control_tower_account_factory#465).
 */
export class IamRoleProvider implements ResourceProvider {
  public readonly createOnlyProperties = ['RoleName', 'Path'];
  public readonly nameProperty = 'RoleName';
  public readonly primaryIdentifier = ['RoleName'];

  constructor(private readonly iam: IamModel, private readonly policies: RolePolicies, private readonly runtime: ProviderRuntime) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    const p = request.properties;
    const name = stringProperty(p, 'RoleName') ?? generatedName(this.runtime.random, request.stackName, request.logicalId, ROLE_NAME_MAX);
    const path = stringProperty(p, 'Path') ?? '/';
    const arn = roleArnFor(request, path, name);
    if (this.iam.role(arn) || this.iam.role(roleArnFor(request, '/', name))) {
      throw iamFailure(new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, { status: 409 }), request, this.runtime);
    }
    const trustPolicy = this.trustPolicy(request);
    const maxSessionDurationSeconds = this.maxSessionDuration(request);
    this.iam.createRole({ accountId: request.accountId, name, path, policy: [], trustPolicy, maxSessionDurationSeconds });
    this.policies.remember(request.accountId, name, arn);
    this.policies.setInline(arn, inlineStatements(p));
    return { physicalId: name, attributes: { Arn: arn, RoleId: `AROA${this.runtime.random.chars(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}` } };
  }

  /** UpdateAssumeRolePolicy for the trust policy, then the role's own Policies (PutRolePolicy / DeleteRolePolicy). */
  public async update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    const arn = String(current.attributes.Arn);
    this.iam.updateAssumeRolePolicy(arn, this.trustPolicy(request));
    this.policies.setInline(arn, inlineStatements(request.properties));
    return { physicalId: current.physicalId, attributes: current.attributes };
  }

  /**
   * The role's own Policies go with it, then DeleteRole, which refuses a role that an AWS::IAM::Policy is still put on
   * with DeleteConflict (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html). The attachment is
   * counted here, not by its statements: a policy whose statements the model leaves out still holds the role.
   */
  public async delete(request: ResourceRequest, current: StackResource): Promise<void> {
    const arn = String(current.attributes.Arn);
    if (this.policies.attachedPolicies(arn) > 0) {
      throw iamFailure(new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', { status: 409 }), request, this.runtime);
    }
    if (this.iam.role(arn)) {
      this.policies.setInline(arn, []);
      try {
        this.iam.deleteRole(arn);
      } catch (error) {
        throw error instanceof AwsError ? iamFailure(error, request, this.runtime) : error;
      }
    }
    this.policies.forget(arn);
  }

  /** The request's AssumeRolePolicyDocument, refused as IAM refuses it when it names a role that does not exist. */
  private trustPolicy(request: ResourceRequest): TrustStatement[] {
    const statements = trustStatementsOf(request.properties.AssumeRolePolicyDocument, request.partition);
    const invalid = invalidPrincipal(statements, this.iam);
    if (invalid) throw iamFailure(invalid, request, this.runtime);
    return statements;
  }

  /**
   * MaxSessionDuration, 3600 to 43200 (aws-iam-role.json). A value outside fails as a ValidationError worded in AWS's
   * validation-message form; no quoted instance of this one was found.
   */
  private maxSessionDuration(request: ResourceRequest): number | undefined {
    const raw = request.properties.MaxSessionDuration;
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 3600 && value <= 43_200) return value;
    const limit = value < 3600 ? 'greater than or equal to 3600' : 'less than or equal to 43200';
    const message = `1 validation error detected: Value '${String(raw)}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value ${limit}`;
    throw iamFailure(new AwsError('ValidationError', message), request, this.runtime);
  }

  public async read(identifier: Readonly<Record<string, string>>, request: ResourceRequest): Promise<ProvisionedResource | undefined> {
    const role = this.iam.role(roleArnFor(request, '/', identifier.RoleName));
    return role && { physicalId: role.name, attributes: { Arn: role.arn, RoleId: `AROA${this.runtime.random.chars(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}` } };
  }
}

/**
 * AWS::IAM::Policy: an inline policy put on each role named in `Roles` (PutRolePolicy; users and groups are not
 * modelled); its delete removes it from them (DeleteRolePolicy). A role that does not exist fails the operation with
 * NoSuchEntity, 404 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html), "The role with name X
 * cannot be found." (the text in prowler-cloud/prowler#2872).
 */
export class IamPolicyProvider implements ResourceProvider {
  public readonly createOnlyProperties: readonly string[] = [];

  constructor(private readonly policies: RolePolicies, private readonly runtime: ProviderRuntime) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    const physicalId = generatedName(this.runtime.random, request.stackName, request.logicalId, 128);
    this.attach(request, physicalId);
    return { physicalId, attributes: { Id: physicalId } };
  }

  public async update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    for (const arn of this.roleArns(current.properties, request, false)) this.policies.detach(arn, current.physicalId);
    this.attach(request, current.physicalId);
    return { physicalId: current.physicalId, attributes: current.attributes };
  }

  public async delete(request: ResourceRequest, current: StackResource): Promise<void> {
    for (const arn of this.roleArns(current.properties, request, false)) this.policies.detach(arn, current.physicalId);
  }

  private attach(request: ResourceRequest, policyId: string): void {
    const statements = statementsOf(request.properties.PolicyDocument ?? {});
    for (const arn of this.roleArns(request.properties, request, true)) this.policies.attach(arn, policyId, statements);
  }

  /** The ARNs of the named roles (any path). */
  private roleArns(properties: Readonly<Record<string, unknown>>, request: ResourceRequest, mustExist: boolean): string[] {
    const names = ((properties.Roles as unknown[] | undefined) ?? []).map(String);
    const arns = names.map((name) => this.policies.arnOf(request, name));
    const missing = names.filter((_, i) => arns[i] === undefined);
    if (mustExist && missing.length > 0) {
      throw iamFailure(new AwsError('NoSuchEntity', `The role with name ${missing[0]} cannot be found.`, { status: 404 }), request, this.runtime);
    }
    return arns.filter((arn): arn is string => arn !== undefined);
  }
}

/** The role ARN IAM builds: `arn:aws:iam::<account>:role<path><name>`. */
function roleArnFor(request: Pick<ResourceRequest, 'partition' | 'accountId'>, path: string, name: string): string {
  return `arn:${request.partition}:iam::${request.accountId}:role${path}${name}`;
}

export function createIamProviders(iam: IamModel, runtime: ProviderRuntime): { role: IamRoleProvider; policy: IamPolicyProvider } {
  const policies = new RolePolicies(iam);
  return { role: new IamRoleProvider(iam, policies, runtime), policy: new IamPolicyProvider(policies, runtime) };
}

function inlineStatements(properties: Readonly<Record<string, unknown>>): PolicyStatement[] {
  const policies = (properties.Policies as Array<{ PolicyDocument?: unknown }> | undefined) ?? [];
  return policies.flatMap((policy) => statementsOf(policy.PolicyDocument ?? {}));
}

function iamFailure(error: AwsError, request: ResourceRequest, runtime: ProviderRuntime): Error {
  return handlerFailure(serviceErrorMessage(error, 'Iam', runtime.random.uuid()), handlerErrorCode(error), request.requestToken);
}
