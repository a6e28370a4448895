import { generatedName } from './physical-names';
import { ProvisionedResource, ResourceLocation, ResourceProvider, ResourceRequest } from './provider';
import { SeededRandom } from '../../core/seeded-random';
import type { StackResource } from '../stack-types';

/**
 * Every type the simulator does not model (log groups, alarms, queue policies, event source
 * mappings, rules, bus policies, CDK metadata, ...): properties are only stored, the physical id is
 * a generated name, and any Fn::GetAtt answers a synthetic value built from the physical id, so a
 * replacement shows up in the attributes of its dependents. No property is createOnly: every change
 * is an in-place update. The real schemas have createOnly properties (a rule's Name, a log group's
 * LogGroupName); they are not modelled, so a rename of those types is not a replacement here.
 */
export class GenericProvider implements ResourceProvider {
  public readonly createOnlyProperties: readonly string[] = [];

  constructor(private readonly random: SeededRandom) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    return { physicalId: generatedName(this.random, request.stackName, request.logicalId, 128), attributes: {} };
  }

  public async update(_request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    return { physicalId: current.physicalId, attributes: current.attributes };
  }

  public async delete(): Promise<void> {}

  /** `arn:<partition>:<service>:<region>:<account>:<physical id>` for Arn-like names, else `<physical id>/<name>`. */
  public attribute(resource: StackResource, name: string, where: ResourceLocation): unknown {
    const [, service = 'unknown'] = resource.type.split('::');
    const arn = `arn:${where.partition}:${service.toLowerCase()}:${where.region}:${where.accountId}:${resource.physicalId}`;
    return /arn$/i.test(name) ? arn : `${arn}/${name}`;
  }
}
