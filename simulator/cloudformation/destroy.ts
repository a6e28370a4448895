import { deleteInReverseOrder, DeletionItem } from './deletion';
import { StackOperation } from './stack-operation';
import type { StackOperationStatus } from './stack-types';

/**
 * DeleteStack (https://docs.aws.amazon.com/goto/WebAPI/cloudformation/DeleteStack): every resource in reverse
 * dependency order (aws-attribute-dependson.html), skipping DeletionPolicy Retain and the RetainResources of a retry
 * ("CloudFormation deletes the stack but doesn't delete the retained resources"). A failed delete marks that resource
 * DELETE_FAILED but the others, including what it depends on, are still attempted
 * (aws-cloudformation/cloudformation-coverage-roadmap#852); the stack ends DELETE_FAILED, holding only the failed
 * resources, if any failed (the reason's wording follows the create and update reasons; it is the simulator's).
 * How often DeleteStack retries a resource is not documented: one attempt (the provider's own retries aside) is the
 * less convenient reading; the three attempts of the docs are those of an update's cleanup.
 */
export async function deleteStack(operation: StackOperation, retainResources: ReadonlySet<string>): Promise<StackOperationStatus> {
  const { stack } = operation;
  operation.stackEvent('DELETE_IN_PROGRESS', 'User Initiated');
  const items = [...stack.resources.values()].map((resource): DeletionItem => ({
    resource,
    policy: retainResources.has(resource.logicalId) ? 'Retain' : resource.deletionPolicy,
    occasion: 'stack-delete',
  }));
  const { failed } = await deleteInReverseOrder(operation, items, stack.prepared.graph, { attempts: 1, onFailure: 'keep' });
  stack.resources = new Map(failed.map((r) => [r.logicalId, { ...r, status: 'DELETE_FAILED' }]));
  if (failed.length > 0) {
    operation.stackEvent('DELETE_FAILED', `The following resource(s) failed to delete: [${failed.map((r) => r.logicalId).join(', ')}]. `);
    return 'DELETE_FAILED';
  }
  operation.stackEvent('DELETE_COMPLETE');
  return 'DELETE_COMPLETE';
}
