import { errorMessage, ResourceFailure } from './errors';
import { resolve } from './intrinsics';
import type { ProvisionedResource, ResourceProvider, ResourceRequest } from './providers/provider';
import { ProviderRegistry } from './providers/registry';
import type { OrphanedResource, StackEvent, StackRecord, StackResource } from './stack-types';
import { PreparedTemplate, PseudoParameters, templateContext, TemplateResource } from './template';
import { SeededRandom } from '../core/seeded-random';
import { SimulatedClock } from '../core/simulated-clock';

const STACK_TYPE = 'AWS::CloudFormation::Stack';
const PARTITION = 'aws';

export interface OperationEnvironment {
  readonly clock: SimulatedClock;
  readonly random: SeededRandom;
  readonly region: string;
  readonly providers: ProviderRegistry;
  /** Where resources CloudFormation stops managing are recorded. */
  readonly orphan: (orphan: OrphanedResource) => void;
}

/** What a resource action ended with. A failure may leave a physical resource behind for the rollback to delete. */
export type ActionOutcome =
  | { readonly ok: true; readonly resource: StackResource }
  | { readonly ok: false; readonly reason: string; readonly leftover?: StackResource };

/**
 * One stack operation in progress: its events and warnings, and the resource actions every
 * operation is made of, each emitting the events CloudFormation shows (IN_PROGRESS, then COMPLETE
 * or FAILED with the handler's reason; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html).
 * Actions never throw: a failure is an outcome.
 */
export class StackOperation {
  public readonly events: StackEvent[] = [];
  public readonly warnings: string[] = [];

  constructor(public readonly stack: StackRecord, private readonly env: OperationEnvironment) {}

  public get pseudo(): PseudoParameters {
    const { name: stackName, stackId, accountId } = this.stack;
    return { partition: PARTITION, region: this.env.region, accountId, stackName, stackId };
  }

  public stackEvent(status: string, reason?: string): void {
    this.stack.status = status;
    this.emit(this.stack.name, STACK_TYPE, status, this.stack.stackId, reason);
  }

  public emit(logicalId: string, resourceType: string, status: string, physicalId?: string, reason?: string): void {
    this.events.push({ logicalId, resourceType, physicalId, status, reason, at: this.env.clock.now() });
  }

  /** A template resource's properties with every intrinsic resolved against the resources as they are now. */
  public resolveProperties(
    prepared: PreparedTemplate,
    resource: TemplateResource,
    live: ReadonlyMap<string, StackResource>,
  ): Record<string, unknown> {
    const context = templateContext(prepared, this.pseudo, {
      ref: (id) => live.get(id)?.physicalId,
      getAtt: (id, attribute) => this.attributeOf(live.get(id), id, attribute),
    });
    return resolve(resource.Properties ?? {}, context) as Record<string, unknown>;
  }

  /** Outputs whose Condition holds, resolved; one that cannot be resolved is a warning. */
  public resolveOutputs(prepared: PreparedTemplate, live: ReadonlyMap<string, StackResource>): Record<string, unknown> {
    const context = templateContext(prepared, this.pseudo, {
      ref: (id) => live.get(id)?.physicalId,
      getAtt: (id, attribute) => this.attributeOf(live.get(id), id, attribute),
    });
    const outputs: Record<string, unknown> = {};
    for (const [name, output] of Object.entries(prepared.template.Outputs ?? {})) {
      if (output.Condition !== undefined && !prepared.conditions.get(output.Condition)) continue;
      try {
        outputs[name] = resolve(output.Value, context);
      } catch (error) {
        this.warnings.push(`Output ${name}: ${errorMessage(error)}`);
      }
    }
    return outputs;
  }

  public request(logicalId: string, type: string, properties: Readonly<Record<string, unknown>>, cancelled?: AbortSignal): ResourceRequest {
    return { ...this.pseudo, logicalId, type, properties, requestToken: this.env.random.uuid(), ...(cancelled ? { cancelled } : {}) };
  }

  public providerOf(type: string): ResourceProvider {
    return this.env.providers.providerOf(type);
  }

  /**
   * Creates a resource. `replacing` is the resource whose replacement this is: the events are then UPDATE_* with
   * CloudFormation's event reason "Requested update requires the creation of a new physical resource; hence creating
   * one." (AWS documents the behaviour, "usually creates the replacement resource first",
   * using-cfn-updating-stacks-update-behaviors.html, not the text, which is the one real stack events show).
   * `cancelled` is aborted when a sibling's failure makes CloudFormation cancel the creations in flight.
   */
  public async create(
    logicalId: string,
    resource: TemplateResource,
    properties: Record<string, unknown>,
    replacing?: StackResource,
    cancelled?: AbortSignal,
  ): Promise<ActionOutcome> {
    const [inProgress, complete, failed] = replacing ? ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE', 'UPDATE_FAILED'] : ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'CREATE_FAILED'];
    this.emit(logicalId, resource.Type, inProgress, replacing?.physicalId,
      replacing ? 'Requested update requires the creation of a new physical resource; hence creating one.' : undefined);
    try {
      const provisioned = await this.env.providers.providerOf(resource.Type).create(this.request(logicalId, resource.Type, properties, cancelled));
      const created = stackResource(logicalId, resource, properties, provisioned, complete);
      this.emit(logicalId, resource.Type, complete, created.physicalId);
      return { ok: true, resource: created };
    } catch (error) {
      const reason = errorMessage(error);
      this.emit(logicalId, resource.Type, failed, replacing?.physicalId, reason);
      const leftoverId = error instanceof ResourceFailure ? error.physicalId : undefined;
      const leftover = leftoverId === undefined ? undefined
        : stackResource(logicalId, resource, properties, { physicalId: leftoverId, attributes: {} }, failed);
      return { ok: false, reason, leftover };
    }
  }

  /** Updates a resource in place; `resource` gives the policies to keep (the template being deployed). */
  public async update(current: StackResource, resource: Pick<TemplateResource, 'Type' | 'DeletionPolicy' | 'UpdateReplacePolicy'>,
    properties: Record<string, unknown>): Promise<ActionOutcome> {
    this.emit(current.logicalId, current.type, 'UPDATE_IN_PROGRESS', current.physicalId);
    try {
      const provider = this.env.providers.providerOf(current.type);
      const provisioned = await provider.update(this.request(current.logicalId, current.type, properties), current);
      const updated = stackResource(current.logicalId, { ...resource, Type: current.type }, properties, provisioned, 'UPDATE_COMPLETE');
      this.emit(current.logicalId, current.type, 'UPDATE_COMPLETE', updated.physicalId);
      return { ok: true, resource: updated };
    } catch (error) {
      const reason = errorMessage(error);
      this.emit(current.logicalId, current.type, 'UPDATE_FAILED', current.physicalId, reason);
      return { ok: false, reason };
    }
  }

  /** Up to `attempts` deletes (3 in an update's cleanup, monitor-stack doc); the reason of the last failure, or undefined once deleted. */
  public async delete(resource: StackResource, attempts: number): Promise<string | undefined> {
    this.emit(resource.logicalId, resource.type, 'DELETE_IN_PROGRESS', resource.physicalId);
    let reason = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.env.providers.providerOf(resource.type).delete(this.request(resource.logicalId, resource.type, resource.properties), resource);
        this.emit(resource.logicalId, resource.type, 'DELETE_COMPLETE', resource.physicalId);
        return undefined;
      } catch (error) {
        reason = errorMessage(error);
      }
    }
    this.emit(resource.logicalId, resource.type, 'DELETE_FAILED', resource.physicalId, reason);
    return reason;
  }

  /**
   * The physical resource stays, but no stack manages it any more: "Resource removed from stack but not deleted"
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html), or retained by policy.
   */
  public abandon(resource: StackResource, reason: string): void {
    this.env.orphan({ stackName: this.stack.name, logicalId: resource.logicalId, type: resource.type, physicalId: resource.physicalId, reason });
  }

  private attributeOf(resource: StackResource | undefined, logicalId: string, attribute: string): unknown {
    if (!resource) return undefined;
    if (resource.attributes[attribute] !== undefined) return resource.attributes[attribute];
    const provider = this.env.providers.providerOf(resource.type);
    const value = provider.attribute?.(resource, attribute, this.pseudo);
    // CloudFormation's template error for an attribute the type does not have (the text as in localstack/localstack#2372).
    if (value === undefined) throw new Error(`Template error: resource ${logicalId} does not support attribute type ${attribute} in Fn::GetAtt`);
    return value;
  }
}

export function stackResource(
  logicalId: string,
  resource: Pick<TemplateResource, 'Type' | 'DeletionPolicy' | 'UpdateReplacePolicy'>,
  properties: Record<string, unknown>,
  provisioned: ProvisionedResource,
  status: string,
): StackResource {
  return {
    logicalId,
    type: resource.Type,
    physicalId: provisioned.physicalId,
    properties,
    attributes: { ...provisioned.attributes },
    deletionPolicy: resource.DeletionPolicy,
    updateReplacePolicy: resource.UpdateReplacePolicy,
    status,
    providerState: provisioned.providerState,
    ...(provisioned.model === undefined ? {} : { readModel: provisioned.model }),
  };
}
