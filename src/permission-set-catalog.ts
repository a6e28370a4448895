import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sso from 'aws-cdk-lib/aws-sso';
import { Construct } from 'constructs';
import { IPermissionSetRef } from './permission-set-ref';
import { PermissionsBoundary } from './permissions-boundary';
import { catalogTagValue } from './private/catalog-ownership';
import { identifierProblem } from './private/identifiers';
import { checkPermissionSet } from './private/permission-set-limits';
import { Problems, throwIf } from './private/validation';
import { CATALOG_TAG_KEY } from './reconciler/contract';

/**
 * A customer managed policy that a permission set attaches by name and path.
 *
 * The policy must exist with this name and path in every account the permission set is
 * provisioned to.
 */
export interface CustomerManagedPolicyReference {
  /**
   * The policy name, without its path.
   */
  readonly name: string;

  /**
   * The policy path.
   *
   * @default '/'
   */
  readonly path?: string;
}

/**
 * A permission set of the catalog.
 */
export interface PermissionSetOptions {
  /**
   * The permission set name: 1 to 32 characters of `[\w+=,.@-]`, unique in the catalog.
   */
  readonly name: string;

  /**
   * A description shown in the Identity Center console and access portal.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * How long a user's session in an account lasts, from 1 to 12 hours.
   *
   * @default Duration.hours(1)
   */
  readonly sessionDuration?: Duration;

  /**
   * AWS managed policies to attach, for example `iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')`.
   *
   * Together with `customerManagedPolicies`, at most 20; more than 10 requires raising the
   * IAM quota "Managed policies attached to an IAM role" in every target account.
   *
   * @default - none
   */
  readonly awsManagedPolicies?: iam.IManagedPolicy[];

  /**
   * Customer managed policies to attach by name and path.
   *
   * @default - none
   */
  readonly customerManagedPolicies?: CustomerManagedPolicyReference[];

  /**
   * The inline policy: at most 32,768 bytes and 10,240 non-whitespace characters once serialized.
   *
   * @default - no inline policy
   */
  readonly inlinePolicy?: iam.PolicyDocument;

  /**
   * The permissions boundary of the roles created from this permission set.
   *
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: PermissionsBoundary;

  /**
   * The URL users land on after signing in through the access portal, up to 240 characters.
   *
   * @default - the AWS console home page
   */
  readonly relayState?: string;

  /**
   * Tags of the permission set (at most 50).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Properties of a `PermissionSetCatalog`.
 */
export interface PermissionSetCatalogProps {
  /**
   * The ARN of the Identity Center instance, `arn:aws:sso:::instance/ssoins-...`.
   */
  readonly instanceArn: string;

  /**
   * The permission sets of the catalog; more can be added with `addPermissionSet`.
   *
   * @default - none
   */
  readonly permissionSets?: PermissionSetOptions[];
}

/**
 * Identity Center permission sets declared once, validated at synth time against the limits
 * that Identity Center and CloudFormation would otherwise reject at deploy time.
 *
 * @example
 * const catalog = new PermissionSetCatalog(this, 'Catalog', {
 *   instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
 *   permissionSets: [{
 *     name: 'ReadOnly',
 *     awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
 *   }],
 * });
 */
export class PermissionSetCatalog extends Construct {
  /**
   * The ARN of the Identity Center instance of this catalog.
   */
  public readonly instanceArn: string;

  private readonly entries = new Map<string, CatalogPermissionSet>();

  constructor(scope: Construct, id: string, props: PermissionSetCatalogProps) {
    super(scope, id);
    throwIf(identifierProblem('instanceArn', props.instanceArn, 'instance arn'), this);
    this.instanceArn = props.instanceArn;
    for (const options of props.permissionSets ?? []) {
      this.addPermissionSet(options);
    }
  }

  /**
   * Every permission set of the catalog, in the order they were added.
   */
  public get permissionSets(): IPermissionSetRef[] {
    return [...this.entries.values()];
  }

  /**
   * Adds a permission set to the catalog.
   *
   * @returns a reference that assignment rules can use
   */
  public addPermissionSet(options: PermissionSetOptions): IPermissionSetRef {
    this.validate(options);

    const resource = new sso.CfnPermissionSet(this, options.name, {
      instanceArn: this.instanceArn,
      name: options.name,
      description: options.description,
      sessionDuration: options.sessionDuration ? toIsoHours(options.sessionDuration) : undefined,
      relayStateType: options.relayState,
      managedPolicies: options.awsManagedPolicies?.map((p) => p.managedPolicyArn),
      customerManagedPolicyReferences: options.customerManagedPolicies?.map((r) => ({ name: r.name, path: r.path ?? '/' })),
      inlinePolicy: options.inlinePolicy,
      permissionsBoundary: options.permissionsBoundary?._toProperty(),
      // The catalog's own tag last: the reconciler's write permissions rest on it (see catalogTagValue).
      tags: [...Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })), { key: CATALOG_TAG_KEY, value: catalogTagValue(this) }],
    });
    const entry = new CatalogPermissionSet(options.name, resource.attrPermissionSetArn);
    this.entries.set(options.name, entry);
    return entry;
  }

  /**
   * The permission set with this name.
   *
   * @throws if the catalog has no permission set with this name
   */
  public permissionSet(name: string): IPermissionSetRef {
    const entry = this.entries.get(name);
    if (!entry) {
      const known = [...this.entries.keys()].join(', ') || 'none';
      throwIf(`catalog '${this.node.path}' has no permission set named '${name}' (it has: ${known}); add it with addPermissionSet or use PermissionSetRef.fromName for one defined elsewhere`, this);
    }
    return entry!;
  }

  private validate(options: PermissionSetOptions): void {
    const problems = new Problems(this);
    if (this.entries.has(options.name)) {
      problems.add(`permission set '${options.name}' is defined twice in catalog '${this.node.path}'; permission set names must be unique, rename or remove one`);
    }
    const stack = Stack.of(this);
    const boundary = options.permissionsBoundary?._toProperty().customerManagedPolicyReference as { name: string; path?: string } | undefined;
    const report = checkPermissionSet({
      name: options.name,
      description: options.description,
      sessionDurationSeconds: options.sessionDuration && !options.sessionDuration.isUnresolved()
        ? options.sessionDuration.toSeconds()
        : undefined,
      relayState: options.relayState,
      inlinePolicyJson: serializedPolicy(stack, options.inlinePolicy),
      awsManagedPolicyArns: (options.awsManagedPolicies ?? []).map((p) => resolvedArn(stack, p.managedPolicyArn)),
      customerManagedPolicies: [...(options.customerManagedPolicies ?? [])],
      boundaryCustomerManagedPolicy: boundary,
      tags: options.tags ?? {},
    });
    problems.addAll(report.errors).throwIfAny();
    for (const warning of report.warnings) {
      Annotations.of(this).addWarningV2('cdk-identity-center-permissions:managedPolicyQuota', warning);
    }
  }
}

/** A permission set defined by a catalog: its ARN is known to CloudFormation. */
class CatalogPermissionSet implements IPermissionSetRef {
  constructor(public readonly permissionSetName: string, public readonly permissionSetArn: string) {}
}

/** The policy as CloudFormation will serialize it, or undefined when tokens make its size unknown. */
function serializedPolicy(stack: Stack, document: iam.PolicyDocument | undefined): string | undefined {
  if (!document) return undefined;
  const json = JSON.stringify(stack.resolve(document));
  return /"(Ref|Fn::[A-Za-z]+)"/.test(json) ? undefined : json;
}

/** An AWS managed policy ARN with the partition resolved, so its shape can be checked. */
function resolvedArn(stack: Stack, arn: string): string {
  if (!Token.isUnresolved(arn)) return arn;
  const resolved = stack.resolve(arn);
  // fromAwsManagedPolicyName renders as {Fn::Join: ['', ['arn:', {Ref: AWS::Partition}, ':iam::aws:policy/Name']]}.
  const parts = resolved?.['Fn::Join']?.[1];
  if (Array.isArray(parts)) {
    const text = parts.map((p: unknown) => (typeof p === 'string' ? p : isPartitionRef(p) ? 'aws' : undefined));
    if (text.every((p) => p !== undefined)) return text.join('');
  }
  return arn;
}

function isPartitionRef(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === 'AWS::Partition';
}

/** Identity Center wants ISO-8601 durations; whole hours read best (`PT4H`). */
function toIsoHours(duration: Duration): string {
  if (duration.isUnresolved()) return duration.toIsoString();
  const seconds = duration.toSeconds();
  return seconds % 3600 === 0 ? `PT${seconds / 3600}H` : duration.toIsoString();
}
