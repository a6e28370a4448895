import { deleteInReverseOrder, DeletionItem } from './deletion';
import { runWaves } from './dependency-graph';
import { errorMessage } from './errors';
import { sameValue } from './same-value';
import { StackOperation } from './stack-operation';
import type { StackOperationStatus, StackResource } from './stack-types';
import type { PreparedTemplate, TemplateResource } from './template';

/**
 * "CloudFormation makes three attempts at deleting the old resource" in the cleanup phase
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html).
 */
const CLEANUP_ATTEMPTS = 3;

/**
 * CreateStack: resources in dependency waves (aws-attribute-dependson.html, dependency-graph.ts). A failure rolls
 * everything created back (deleted in reverse order, DeletionPolicy Retain kept), ending ROLLBACK_COMPLETE, or
 * ROLLBACK_FAILED when a delete fails (stack status codes, using-cfn-describing-stacks.html); the reason reads "The
 * following resource(s) failed to create: [X]. Rollback requested by user." (awslabs/landing-zone-accelerator-on-aws#47).
 * A custom resource whose Create failed gets a Delete too, for the id its FAILED answer carried: why the CDK framework
 * answers with a marker id (CREATE_FAILED_PHYSICAL_ID_MARKER,
 * aws/aws-cdk packages/aws-cdk-lib/custom-resources/lib/provider-framework/runtime/cfn-response.ts). `--no-rollback` (CREATE_FAILED) is not modelled.
 * A failure cancels the creations still in flight in its wave (aws/aws-cdk#26139): custom resources stop waiting for
 * their answer ("Resource creation cancelled") and are rolled back like any failed create; the registry handlers
 * modelled here run to completion.
 */
export async function createStack(operation: StackOperation, prepared: PreparedTemplate): Promise<StackOperationStatus> {
  const { stack } = operation;
  operation.stackEvent('CREATE_IN_PROGRESS', 'User Initiated');
  const live = new Map<string, StackResource>();
  const leftovers: StackResource[] = [];
  const outcome = await runWaves(prepared.graph.nodes(), (id) => prepared.graph.dependenciesOf(id), async (id, cancelled) => {
    const resource = prepared.resources.get(id)!;
    const properties = resolveOrFail(operation, prepared, id, resource, live, 'CREATE_FAILED');
    if (!properties) return false;
    const created = await operation.create(id, resource, properties, undefined, cancelled);
    if (created.ok) live.set(id, created.resource);
    else if (created.leftover) leftovers.push(created.leftover);
    return created.ok;
  }, { stopAfterFailedWave: true, cancelInFlightOnFailure: true });
  stack.resources = live;
  if (outcome.failed.length === 0) {
    stack.outputs = operation.resolveOutputs(prepared, live);
    operation.stackEvent('CREATE_COMPLETE');
    return 'CREATE_COMPLETE';
  }

  operation.stackEvent('ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${outcome.failed.join(', ')}]. Rollback requested by user.`);
  const items: DeletionItem[] = [...live.values(), ...leftovers].map((resource) => ({ resource, policy: resource.deletionPolicy, occasion: 'rollback-of-create' }));
  const { failed } = await deleteInReverseOrder(operation, items, prepared.graph, { attempts: 1, onFailure: 'keep' });
  stack.resources = new Map(failed.map((r) => [r.logicalId, { ...r, status: 'DELETE_FAILED' }]));
  const status = failed.length > 0 ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE';
  operation.stackEvent(status);
  return status;
}

/** What the update pass did, so the rollback can undo it and the cleanup can finish it. */
interface UpdateJournal {
  /** New resources and the new physical resources of replacements (what a rollback deletes), plus leftovers of failed creates. */
  readonly created: StackResource[];
  /** In-place updates tried (not replacements), with the resource as the attempt left it (a failed one carries the attempted properties). */
  readonly updated: Map<string, StackResource>;
  /** Old physical resources of replacements, with the UpdateReplacePolicy that decides their fate. */
  readonly replaced: Array<{ readonly old: StackResource; readonly policy?: string }>;
}

/**
 * UpdateStack: the update pass runs creates, replacements and in-place updates in dependency waves of the NEW
 * template ("Resource B is updated before resource A", aws-attribute-dependson.html), so dependents resolve against
 * new physical ids; unchanged resources are left alone. Every delete waits for the cleanup phase, after all creates
 * and updates succeeded: removed resources (DeletionPolicy, aws-attribute-deletionpolicy.html) and old physical
 * resources of replacements (UpdateReplacePolicy, aws-attribute-updatereplacepolicy.html). A delete that fails three
 * times: "it removes the old resource from the stack and continues", UPDATE_COMPLETE with a StatusReason
 * (using-cfn-updating-stacks-monitor-stack.html); removed resources fare the same (awslabs/landing-zone-accelerator-on-aws#730).
 * The cleanup runs in reverse dependency order of the OLD template: the docs say only that A is deleted before B, the
 * order that lets each resource go before what it refers to. A failure in the update pass rolls back instead, after
 * cancelling the custom resource creations in flight as createStack does.
 */
export async function updateStack(
  operation: StackOperation,
  next: PreparedTemplate,
  parameters: Readonly<Record<string, string>>,
): Promise<StackOperationStatus> {
  const { stack } = operation;
  const previous = stack.prepared;
  const before = new Map(stack.resources);
  const live = new Map(before);
  const journal: UpdateJournal = { created: [], updated: new Map(), replaced: [] };
  operation.stackEvent('UPDATE_IN_PROGRESS', 'User Initiated');
  const outcome = await runWaves(next.graph.nodes(), (id) => next.graph.dependenciesOf(id),
    (id, cancelled) => updateResource(operation, next, id, before, live, journal, cancelled),
    { stopAfterFailedWave: true, cancelInFlightOnFailure: true });
  if (outcome.failed.length > 0) return rollBackUpdate(operation, next, before, journal, outcome.failed);

  stack.prepared = next;
  stack.parameters = parameters;
  stack.resources = new Map([...live].filter(([id]) => next.resources.has(id)));
  stack.outputs = operation.resolveOutputs(next, live);
  operation.stackEvent('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  const removed = [...before.values()].filter((r) => !next.resources.has(r.logicalId));
  const items: DeletionItem[] = [
    ...removed.map((resource): DeletionItem => ({ resource, policy: resource.deletionPolicy, occasion: 'removed' })),
    ...journal.replaced.map(({ old, policy }): DeletionItem => ({ resource: old, policy, occasion: 'replaced' })),
  ];
  const { failed } = await deleteInReverseOrder(operation, items, previous.graph, { attempts: CLEANUP_ATTEMPTS, onFailure: 'orphan' });
  // The StatusReason "states that one or more resources couldn't be deleted" (monitor-stack doc); its text as quoted in
  // aws-cloudformation/cloudformation-coverage-roadmap#744. Which resources: their DELETE_FAILED events and orphans().
  const reason = failed.length > 0 ? 'Update successful. One or more resources could not be deleted.' : undefined;
  if (reason) operation.warnings.push(reason);
  operation.stackEvent('UPDATE_COMPLETE', reason);
  return 'UPDATE_COMPLETE';
}

async function updateResource(
  operation: StackOperation,
  next: PreparedTemplate,
  id: string,
  before: ReadonlyMap<string, StackResource>,
  live: Map<string, StackResource>,
  journal: UpdateJournal,
  cancelled: AbortSignal,
): Promise<boolean> {
  const resource = next.resources.get(id)!;
  const current = before.get(id);
  const properties = resolveOrFail(operation, next, id, resource, live, current ? 'UPDATE_FAILED' : 'CREATE_FAILED', current);
  if (!properties) return false;
  if (!current) {
    const created = await operation.create(id, resource, properties, undefined, cancelled);
    if (created.ok) live.set(id, created.resource);
    const left = created.ok ? created.resource : created.leftover;
    if (left) journal.created.push(left);
    return created.ok;
  }
  if (sameValue(properties, current.properties)) {
    // Nothing to do but take the template's policies, which CloudFormation updates without touching the resource.
    live.set(id, { ...current, deletionPolicy: resource.DeletionPolicy, updateReplacePolicy: resource.UpdateReplacePolicy });
    return true;
  }
  const provider = operation.providerOf(current.type);
  if (provider.createOnlyProperties.some((name) => !sameValue(properties[name], current.properties[name]))) {
    return replaceResource(operation, id, resource, properties, current, live, journal);
  }
  const updated = await operation.update(current, resource, properties);
  if (!updated.ok) {
    journal.updated.set(id, { ...current, properties, status: 'UPDATE_FAILED' });
    return false;
  }
  live.set(id, updated.resource);
  if (updated.resource.physicalId === current.physicalId) {
    journal.updated.set(id, updated.resource);
    return true;
  }
  // A custom resource answering an Update with another PhysicalResourceId was replaced: CloudFormation "recognizes the
  // update as a replacement and sends a delete request to the old resource" (crpg-ref-requesttypes-update), in the
  // cleanup; a rollback treats it as any replacement (the new id is deleted, the old one is the resource again).
  journal.created.push(updated.resource);
  journal.replaced.push({ old: current, policy: resource.UpdateReplacePolicy });
  return true;
}

/**
 * A changed createOnly property: the replacement is created first and the old resource waits for the cleanup phase
 * ("usually creates the replacement resource first, changes references from other dependent resources to point to the
 * replacement resource, and then deletes the old resource",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html).
 * A replacement that would keep its custom name is refused: "You can't perform an update that causes a custom-named
 * resource to be replaced" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html;
 * the error text as quoted in https://www.repost.aws/ja/knowledge-center/cloudformation-custom-name).
 */
async function replaceResource(
  operation: StackOperation,
  id: string,
  resource: TemplateResource,
  properties: Record<string, unknown>,
  current: StackResource,
  live: Map<string, StackResource>,
  journal: UpdateJournal,
): Promise<boolean> {
  const nameProperty = operation.providerOf(current.type).nameProperty;
  if (nameProperty && properties[nameProperty] !== undefined && sameValue(properties[nameProperty], current.properties[nameProperty])) {
    operation.emit(id, current.type, 'UPDATE_FAILED', current.physicalId,
      `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(properties[nameProperty])} and update the stack again.`);
    return false;
  }
  const created = await operation.create(id, resource, properties, current);
  const left = created.ok ? created.resource : created.leftover;
  if (left) journal.created.push(left);
  if (!created.ok) return false;
  live.set(id, created.resource);
  journal.replaced.push({ old: current, policy: resource.UpdateReplacePolicy });
  return true;
}

/**
 * UPDATE_ROLLBACK: every resource updated in place (the failed one included) is updated back to its
 * old properties, in dependency order of the old template — a custom resource gets an Update with
 * ResourceProperties and OldResourceProperties swapped ("with ResourceProperties and OldResourceProperties
 * reversed", aws/aws-cdk packages/aws-cdk-lib/custom-resources/README.md) — and then, in
 * UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, what the update created is deleted, with the cleanup's three attempts
 * (an assumption: the docs give the three attempts for the update's cleanup only). A rollback update that fails stops
 * the rollback: UPDATE_ROLLBACK_FAILED, and what the update created stays (ContinueUpdateRollback is not modelled).
 */
async function rollBackUpdate(
  operation: StackOperation,
  next: PreparedTemplate,
  before: ReadonlyMap<string, StackResource>,
  journal: UpdateJournal,
  failedIds: readonly string[],
): Promise<StackOperationStatus> {
  const { stack } = operation;
  const failedCreates = failedIds.filter((id) => !before.has(id));
  const failedUpdates = failedIds.filter((id) => before.has(id));
  const reason = [
    failedCreates.length > 0 ? `The following resource(s) failed to create: [${failedCreates.join(', ')}].` : '',
    failedUpdates.length > 0 ? `The following resource(s) failed to update: [${failedUpdates.join(', ')}].` : '',
  ].filter(Boolean).join(' ');
  operation.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', reason);

  const restored = new Map(before);
  const cleanup: DeletionItem[] = journal.created.map((resource) => (before.has(resource.logicalId)
    ? { resource, policy: resource.updateReplacePolicy, occasion: 'replaced' }
    : { resource, policy: resource.deletionPolicy, occasion: 'rollback-of-create' }));
  const previous = stack.prepared;
  const reverted = await runWaves(previous.graph.nodes(), (id) => previous.graph.dependenciesOf(id), async (id) => {
    const attempted = journal.updated.get(id);
    if (!attempted) return true;
    const old = before.get(id)!;
    const policies = { Type: old.type, DeletionPolicy: old.deletionPolicy, UpdateReplacePolicy: old.updateReplacePolicy };
    const outcome = await operation.update(attempted, policies, old.properties);
    if (!outcome.ok) {
      restored.set(id, attempted);
      return false;
    }
    restored.set(id, outcome.resource);
    // The rolled-back custom resource answered with another id than the one the update gave it: that one goes too.
    if (outcome.resource.physicalId !== attempted.physicalId && attempted.physicalId !== old.physicalId) {
      cleanup.push({ resource: attempted, policy: attempted.updateReplacePolicy, occasion: 'replaced' });
    }
    return true;
  }, { stopAfterFailedWave: true });

  if (reverted.failed.length > 0) {
    // What the update created stays with the stack where it has a logical id of its own; a replacement's new physical resource has none.
    for (const resource of journal.created) {
      if (!before.has(resource.logicalId)) restored.set(resource.logicalId, resource);
      else operation.abandon(resource, 'UPDATE_ROLLBACK_FAILED: the replacement created by the failed update was never deleted');
    }
    stack.resources = restored;
    operation.stackEvent('UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${reverted.failed.join(', ')}].`);
    return 'UPDATE_ROLLBACK_FAILED';
  }
  operation.stackEvent('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  await deleteInReverseOrder(operation, cleanup, next.graph, { attempts: CLEANUP_ATTEMPTS, onFailure: 'orphan' });
  stack.resources = restored;
  operation.stackEvent('UPDATE_ROLLBACK_COMPLETE');
  return 'UPDATE_ROLLBACK_COMPLETE';
}

/** Resolved properties, or undefined after emitting the failure (an attribute the resource does not have, say). */
function resolveOrFail(
  operation: StackOperation,
  prepared: PreparedTemplate,
  id: string,
  resource: TemplateResource,
  live: ReadonlyMap<string, StackResource>,
  failedStatus: string,
  current?: StackResource,
): Record<string, unknown> | undefined {
  try {
    return operation.resolveProperties(prepared, resource, live);
  } catch (error) {
    operation.emit(id, resource.Type, failedStatus, current?.physicalId, errorMessage(error));
    return undefined;
  }
}
