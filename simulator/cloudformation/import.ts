import { runWaves } from './dependency-graph';
import { errorMessage } from './errors';
import { stackResource, StackOperation } from './stack-operation';
import type { StackOperationStatus, StackResource } from './stack-types';
import type { PreparedTemplate } from './template';

export interface ResourceToImport {
  readonly logicalId: string;
  /** The primary identifier's values, e.g. { InstanceArn, PermissionSetArn }. */
  readonly identifier: Readonly<Record<string, string>>;
}

/**
 * An IMPORT change set executed: each resource to import is read by its identifier and enters the
 * stack with the template's properties as given (CloudFormation does not check them against the
 * resource: "run drift detection afterwards", https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-import.html); nothing else is created, updated or
 * deleted. A resource not found, or already managed by a stack, fails the import, which rolls back
 * by forgetting what it imported (the physical resources existed before and stay):
 * IMPORT_ROLLBACK_COMPLETE. The texts of those failures are the simulator's.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html
 */
export async function importStackResources(
  operation: StackOperation,
  combined: PreparedTemplate,
  imports: readonly ResourceToImport[],
  managedBy: (type: string, physicalId: string) => string | undefined,
): Promise<StackOperationStatus> {
  const { stack } = operation;
  operation.stackEvent('IMPORT_IN_PROGRESS', 'User Initiated');
  const live = new Map(stack.resources);
  const byId = new Map(imports.map((i) => [i.logicalId, i.identifier]));
  const outcome = await runWaves([...byId.keys()], (id) => combined.graph.dependenciesOf(id), async (id) => {
    const resource = combined.resources.get(id)!;
    const identifier = byId.get(id)!;
    operation.emit(id, resource.Type, 'IMPORT_IN_PROGRESS');
    const fail = (reason: string) => {
      operation.emit(id, resource.Type, 'IMPORT_FAILED', undefined, reason);
      return false;
    };
    let properties: Record<string, unknown>;
    try {
      properties = operation.resolveProperties(combined, resource, live);
    } catch (error) {
      return fail(errorMessage(error));
    }
    const found = await operation.providerOf(resource.Type).read!(identifier, operation.request(id, resource.Type, properties));
    if (!found) return fail(`Resource of type '${resource.Type}' with identifier '${JSON.stringify(identifier)}' was not found.`);
    const owner = managedBy(resource.Type, found.physicalId);
    if (owner !== undefined) return fail(`Resource of type '${resource.Type}' with identifier '${found.physicalId}' already exists in stack ${owner}.`);
    const imported: StackResource = stackResource(id, resource, properties, found, 'IMPORT_COMPLETE');
    live.set(id, imported);
    operation.emit(id, resource.Type, 'IMPORT_COMPLETE', imported.physicalId);
    return true;
  }, { stopAfterFailedWave: true });

  if (outcome.failed.length > 0) {
    operation.stackEvent('IMPORT_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to import: [${outcome.failed.join(', ')}].`);
    operation.stackEvent('IMPORT_ROLLBACK_COMPLETE');
    return 'IMPORT_ROLLBACK_COMPLETE';
  }
  stack.prepared = combined;
  stack.resources = live;
  stack.outputs = operation.resolveOutputs(combined, live);
  operation.stackEvent('IMPORT_COMPLETE');
  return 'IMPORT_COMPLETE';
}
