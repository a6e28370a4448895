// Plain data the reconciler core works on. No SDK types: adapters translate.

export type PrincipalType = 'GROUP' | 'USER';

export interface PrincipalId {
  readonly principalType: PrincipalType;
  readonly principalId: string;
}

/** One account assignment: a principal holds a permission set in an account. */
export interface Assignment extends PrincipalId {
  readonly permissionSetArn: string;
  readonly accountId: string;
}

export const principalKey = (p: PrincipalId): string => `${p.principalType}:${p.principalId}`;
export const assignmentKey = (a: Assignment): string => `${principalKey(a)}|${a.permissionSetArn}|${a.accountId}`;
/** Identity Center serializes operations on one permission set in one account; so does the scheduler. */
export const targetKey = (permissionSetArn: string, accountId: string): string => `${permissionSetArn}|${accountId}`;

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED' | string;

export interface OrgAccount {
  readonly id: string;
  readonly name: string;
  readonly status: AccountStatus;
  readonly parentId: string;
}

export interface OrgUnit {
  readonly id: string;
  readonly name: string;
  /** Undefined for the root. */
  readonly parentId?: string;
}

/** The organization as read at the start of a run. */
export interface OrgSnapshot {
  readonly rootId: string;
  readonly units: ReadonlyMap<string, OrgUnit>;
  readonly accounts: ReadonlyMap<string, OrgAccount>;
  /** Only read when a rule targets tags. */
  readonly tags?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export type OperationKind = 'create' | 'delete' | 'provision';

/** A write the reconciler wants Identity Center to perform. */
export type Operation =
  | { readonly kind: 'create' | 'delete'; readonly assignment: Assignment }
  | { readonly kind: 'provision'; readonly permissionSetArn: string; readonly accountId: string };

export const operationTarget = (op: Operation): string =>
  op.kind === 'provision' ? targetKey(op.permissionSetArn, op.accountId) : targetKey(op.assignment.permissionSetArn, op.assignment.accountId);

export type OperationState = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** The status of an asynchronous Identity Center operation. */
export interface OperationStatus {
  readonly requestId: string;
  readonly status: OperationState;
  readonly failureReason?: string;
}
