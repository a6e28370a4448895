import type { StackResource } from '../stack-types';

/** One handler invocation: the resource, its desired (resolved) properties, and where it lives. */
export interface ResourceRequest {
  readonly stackName: string;
  readonly stackId: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly logicalId: string;
  readonly type: string;
  /** Create and Update: the desired properties. Delete: the properties last applied. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Identifies the invocation in handler messages ("RequestToken: ..."). */
  readonly requestToken: string;
  /**
   * Aborted when CloudFormation stops waiting for this operation because another one failed (a Create only; see
   * CustomResourceProvider). A handler that ignores it runs to completion, as the registry handlers modelled here do.
   */
  readonly cancelled?: AbortSignal;
}

export interface ProvisionedResource {
  /** What Ref returns, and what later Update and Delete calls address. */
  readonly physicalId: string;
  /** What Fn::GetAtt returns. */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly providerState?: Readonly<Record<string, unknown>>;
  /**
   * What the type's read handler returns as the resource model: the resource's actual properties (an import keeps
   * the template's, CloudFormation does not compare them). Only `read` returns it.
   */
  readonly model?: Readonly<Record<string, unknown>>;
}

/**
 * A resource type's handlers, as a registry type declares them (create, update, delete, read), with
 * the schema facts CloudFormation plans by
 * (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html).
 * Handlers throw ResourceFailure with the event's reason.
 */
export interface ResourceProvider {
  /** `createOnlyProperties`: a change to one of these is a replacement. */
  readonly createOnlyProperties: readonly string[];
  /** The property holding a custom physical name, if the type has one. */
  readonly nameProperty?: string;
  /** `primaryIdentifier`: the keys of an import's resource identifier. Absent: the type cannot be imported here. */
  readonly primaryIdentifier?: readonly string[];
  create(request: ResourceRequest): Promise<ProvisionedResource>;
  /** `current` is the resource as it is; `request.properties` what it must become. */
  update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource>;
  delete(request: ResourceRequest, current: StackResource): Promise<void>;
  /** Finds an existing physical resource for an import; undefined when there is none. */
  read?(identifier: Readonly<Record<string, string>>, request: ResourceRequest): Promise<ProvisionedResource | undefined>;
  /** Fn::GetAtt of an attribute the provider did not return; throw for an attribute the type does not have. */
  attribute?(resource: StackResource, name: string, where: ResourceLocation): unknown;
}

export interface ResourceLocation {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function stringProperty(properties: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = properties[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** Booleans arrive as JSON booleans or as the strings "true"/"false". */
export function booleanProperty(properties: Readonly<Record<string, unknown>>, name: string): boolean {
  const value = properties[name];
  return value === true || value === 'true';
}
