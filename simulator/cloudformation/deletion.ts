import { DependencyGraph, runWaves } from './dependency-graph';
import { StackOperation } from './stack-operation';
import type { StackResource } from './stack-types';

/** Why a physical resource goes; the retention rules differ for the rollback of its own creation. */
export type DeletionOccasion = 'stack-delete' | 'removed' | 'replaced' | 'rollback-of-create';

export interface DeletionItem {
  readonly resource: StackResource;
  /** DeletionPolicy (stack delete, removal, rollback of a create) or UpdateReplacePolicy (the old resource of a replacement). */
  readonly policy?: string;
  readonly occasion: DeletionOccasion;
}

export interface DeletionOptions {
  /** Delete attempts before giving up: 3 in an update's cleanup phase (using-cfn-updating-stacks-monitor-stack.html), 1 otherwise. */
  readonly attempts: number;
  /**
   * What giving up means. 'orphan': the resource leaves the stack, which goes on (an update's
   * cleanup). 'keep': it stays in the stack as DELETE_FAILED (DeleteStack, a create's rollback).
   */
  readonly onFailure: 'orphan' | 'keep';
}

export interface DeletionOutcome {
  /** Items whose delete failed. */
  readonly failed: StackResource[];
}

/**
 * Deletes in reverse dependency order of `graph`: a resource goes once everything that refers to it has gone
 * ("Resource A is deleted before resource B", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html).
 * A failed delete does not hold back what the failed resource depends on: "being in the DELETE_FAILED state does not
 * prevent dependencies from being deleted" (aws-cloudformation/cloudformation-coverage-roadmap#851, #852, #1508).
 * Resources between items that are not themselves deleted still order the items around them.
 */
export async function deleteInReverseOrder(
  operation: StackOperation,
  items: readonly DeletionItem[],
  graph: DependencyGraph,
  options: DeletionOptions,
): Promise<DeletionOutcome> {
  const byLogicalId = new Map<string, DeletionItem[]>();
  for (const item of items) byLogicalId.set(item.resource.logicalId, [...(byLogicalId.get(item.resource.logicalId) ?? []), item]);
  const nodes = [...new Set([...graph.nodes(), ...byLogicalId.keys()])];
  const failed: StackResource[] = [];
  await runWaves(nodes, (id) => graph.dependentsOf(id), async (id) => {
    for (const item of byLogicalId.get(id) ?? []) {
      if (retains(item.policy, item.occasion)) {
        operation.emit(id, item.resource.type, 'DELETE_SKIPPED', item.resource.physicalId);
        operation.abandon(item.resource, 'retained');
        continue;
      }
      const reason = await operation.delete(item.resource, options.attempts);
      if (reason === undefined) continue;
      failed.push(item.resource);
      if (options.onFailure === 'orphan') operation.abandon(item.resource, `DELETE_FAILED: ${reason}`);
    }
    return true;
  }, { stopAfterFailedWave: false });
  return { failed };
}

/**
 * Retain keeps the physical resource in every case, even when the operation that created it rolls back;
 * RetainExceptOnCreate "behaves like Retain for stack operations, except for the stack operation that initially created
 * the resource" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html; CDK's
 * RETAIN_ON_UPDATE_OR_DELETE, aws/aws-cdk packages/aws-cdk-lib/core/lib/removal-policy.ts). The same values decide a
 * replaced resource's fate as UpdateReplacePolicy (aws-attribute-updatereplacepolicy.html). Snapshot is treated as
 * Delete: no type modelled here keeps snapshots.
 */
function retains(policy: string | undefined, occasion: DeletionOccasion): boolean {
  if (policy === 'Retain') return true;
  return policy === 'RetainExceptOnCreate' && occasion !== 'rollback-of-create';
}
