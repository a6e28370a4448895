import type { IamModel, RoleRecord } from '../../services/iam/iam-model';
import type { PermissionSetRecord } from '../../services/identity-center/identity-center-model';
import type { EventBridgeModel } from '../../services/messaging/eventbridge';
import type { SqsModel, SqsQueue } from '../../services/messaging/sqs-model';

// Writes CloudFormation's handlers make that the service models do not offer (yet): deleting a queue,
// a role or an event bus, changing a role's trust policy or a permission set's attributes. They are
// gathered here, reaching into the models' private state, so that each is one line to replace once
// the model grows the method (SqsModel.deleteQueue, IamModel.deleteRole / updateAssumeRolePolicy,
// EventBridgeModel.deleteEventBus, IdentityCenterState.updatePermissionSet).

export function deleteQueue(sqs: SqsModel, name: string): boolean {
  return privateField<Map<string, SqsQueue>>(sqs, 'queues', Map).delete(name);
}

export function deleteRole(iam: IamModel, roleArn: string): boolean {
  return privateField<Map<string, RoleRecord>>(iam, 'roles', Map).delete(roleArn);
}

/** UpdateAssumeRolePolicy: sessions already issued keep working, new AssumeRole calls see the new trust. */
export function replaceRoleTrust(iam: IamModel, roleArn: string, trustedPrincipalArns: readonly string[]): void {
  const roles = privateField<Map<string, RoleRecord>>(iam, 'roles', Map);
  const role = roles.get(roleArn);
  if (!role) throw new Error(`no role ${roleArn}`);
  roles.set(roleArn, { ...role, trustedPrincipalArns: [...trustedPrincipalArns] });
}

export function deleteEventBus(eventBridge: EventBridgeModel, name: string): boolean {
  return privateField<Set<string>>(eventBridge, 'buses', Set).delete(name);
}

/** UpdatePermissionSet: Description, SessionDuration, RelayState (the record declares them readonly for fixtures). */
export function updatePermissionSetAttributes(
  record: PermissionSetRecord,
  attributes: { readonly description?: string; readonly sessionDuration: string; readonly relayState?: string },
): void {
  Object.assign(record as { description?: string; sessionDuration: string; relayState?: string }, attributes);
}

function privateField<T>(owner: object, field: string, kind: abstract new (...args: never[]) => unknown): T {
  const value = (owner as Record<string, unknown>)[field];
  if (!(value instanceof kind)) throw new Error(`simulator model changed: ${owner.constructor.name}.${field} is no longer a ${kind.name}`);
  return value as T;
}
