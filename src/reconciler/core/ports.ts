import type { ReconcilerState, StoredState } from './memory';
import { Assignment, PrincipalId, PrincipalType } from './model';
import { ConfigDocument } from '../config/document';

// Narrow ports the core depends on. Adapters implement them with the AWS SDK (and paginate to the
// end); tests implement them with plain objects. Errors thrown by ports are classified with
// `WriteError` where the caller must tell retryable from permanent failures.

export interface OrganizationsPort {
  listRoots(): Promise<Array<{ id: string; name: string }>>;
  listOrganizationalUnits(parentId: string): Promise<Array<{ id: string; name: string }>>;
  listAccounts(parentId: string): Promise<Array<{ id: string; name: string; status: string }>>;
  listAccountTags(accountId: string): Promise<Record<string, string>>;
}

export interface IdentityStorePort {
  /** The id of the group with this display name, or undefined when there is none. */
  findGroupId(displayName: string): Promise<string | undefined>;
  findUserId(userName: string): Promise<string | undefined>;
  /** Whether a principal id exists, so an unknown id is an error rather than a failed write. */
  principalExists(principalType: PrincipalType, id: string): Promise<boolean>;
}

export interface IdentityCenterReadPort {
  listPermissionSets(): Promise<string[]>;
  permissionSetName(permissionSetArn: string): Promise<string>;
  listAssignmentsForPrincipal(principal: PrincipalId): Promise<Array<{ accountId: string; permissionSetArn: string }>>;
  listAssignments(accountId: string, permissionSetArn: string): Promise<PrincipalId[]>;
  /** Accounts where the permission set is provisioned at an older version than its latest. */
  listOutdatedAccounts(permissionSetArn: string): Promise<string[]>;
  /** ARNs of the permission sets provisioned to an account (ListPermissionSetsProvisionedToAccount). */
  listPermissionSetsProvisionedToAccount(accountId: string): Promise<string[]>;
}

export type OperationKind = 'create' | 'delete' | 'provision';

export type OperationState = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** The status of an asynchronous Identity Center operation. */
export interface OperationStatus {
  readonly requestId: string;
  readonly status: OperationState;
  readonly failureReason?: string;
}

export interface IdentityCenterWritePort {
  start(kind: 'create' | 'delete', assignment: Assignment): Promise<OperationStatus>;
  startProvisioning(permissionSetArn: string, accountId: string): Promise<OperationStatus>;
  /** Request ids of this kind that Identity Center still lists as IN_PROGRESS. */
  listInProgress(kind: OperationKind): Promise<Set<string>>;
  describe(kind: OperationKind, requestId: string): Promise<OperationStatus>;
}

/** Why a write could not be started. `retryable` covers conflicts, throttling, 5xx and network faults. */
export class WriteError extends Error {
  constructor(message: string, public readonly retryable: boolean, public readonly code: string) {
    super(message);
    this.name = 'WriteError';
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The config document as the construct stored it, or why it cannot be used. */
export type ConfigRead =
  | { readonly document: ConfigDocument; readonly revision: string }
  | { readonly invalid: string }
  | { readonly inconsistent: string };

export interface ConfigPort {
  read(): Promise<ConfigRead>;
}

/** The ports of one Identity Center instance and its identity store, which the config document names. */
export interface InstancePorts {
  readonly identityStore: IdentityStorePort;
  readonly identityCenter: IdentityCenterReadPort & IdentityCenterWritePort;
}

/** The reconciler's memory (its state table). */
export interface StatePort {
  /** The state, the legacy SSM state of an earlier version not yet migrated, or nothing yet. */
  read(): Promise<StoredState>;
  /** Saves the whole state (the store writes only what changed since it read). */
  write(state: ReconcilerState): Promise<void>;
}

/** The run lease: at most one run applies at a time, however it was started. */
export interface LeasePort {
  /** Takes the lease for `ttlMs`, or renews it for its holder; false when another run holds it. */
  acquire(holder: string, ttlMs: number): Promise<boolean>;
  release(holder: string): Promise<void>;
}
