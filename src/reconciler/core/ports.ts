import type { ClaimsDocument } from './claims';
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
  /** One account, as ListAccountsForParent would list it (DescribeAccount). */
  describeAccount(accountId: string): Promise<{ id: string; name: string; status: string }>;
  /** The id of an account's or OU's parent: an OU or the root (ListParents; a child has exactly one). */
  parentOf(childId: string): Promise<string>;
}

export interface IdentityStorePort {
  /** The id of the group with this display name, or undefined when there is none. */
  findGroupId(displayName: string): Promise<string | undefined>;
  findUserId(userName: string): Promise<string | undefined>;
  /** Whether a principal id exists, so an unknown id is an error rather than a failed write. */
  principalExists(principalType: PrincipalType, id: string): Promise<boolean>;
}

/** Names of principals by id (DescribeGroup's DisplayName, DescribeUser's UserName), for the operator commands' reports. */
export interface PrincipalNamePort {
  /** The name, or undefined when the identity store has no such principal. */
  principalName(principal: PrincipalId): Promise<string | undefined>;
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
  /** Every account the permission set is provisioned to (ListAccountsForProvisionedPermissionSet). */
  listProvisionedAccounts(permissionSetArn: string): Promise<string[]>;
}

/** Deleting a retired catalog permission set. Errors are WriteErrors. */
export interface PermissionSetDeletePort {
  deletePermissionSet(permissionSetArn: string): Promise<void>;
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
  /**
   * Request ids of this kind that Identity Center lists as FAILED (`List...Status` with that filter,
   * every page): with it, an operation that has left the IN_PROGRESS listing and is not among these
   * SUCCEEDED, and only failures cost a `Describe...Status`. Paging stops once more than `limit` are
   * listed. @default - every outcome is described
   */
  listFailed?(kind: OperationKind, limit: number): Promise<Set<string>>;
  describe(kind: OperationKind, requestId: string): Promise<OperationStatus>;
}

/**
 * The per-principal reads go through credentials of their own (a delegated administrator's
 * assignment reader role in the management account), and those could not be had: the reading
 * falls back to one call per account and permission set, and says why.
 */
export class PrincipalReadsUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrincipalReadsUnavailable';
  }
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
  /** The head parameter does not exist: never deployed, deleted by hand, or being uninstalled. */
  | { readonly missing: string }
  | { readonly inconsistent: string };

export interface ConfigPort {
  read(): Promise<ConfigRead>;
}

/** The ports of one Identity Center instance and its identity store, which the config document names. */
export interface InstancePorts {
  readonly identityStore: IdentityStorePort;
  readonly identityCenter: IdentityCenterReadPort & IdentityCenterWritePort & PermissionSetDeletePort;
  /** The automations' claims on this instance. @default none: no neighbours are considered */
  readonly claims?: ClaimsPort;
}

/** The reconciler's memory (its state table). */
export interface StatePort {
  /** The state, the legacy SSM state of an earlier version not yet migrated, or nothing yet. */
  read(): Promise<StoredState>;
  /** Saves the whole state (the store writes only what changed since it read). */
  write(state: ReconcilerState): Promise<void>;
}

/** A catalog permission set CloudFormation has retired, kept in the state until it is drained and deleted. */
export interface RetiringPermissionSet {
  readonly permissionSetArn: string;
  readonly name: string;
  /** ISO time the retirement was recorded. */
  readonly since: string;
  /**
   * CloudFormation has deleted the permission set's retirement resource: the deploy that retired it
   * is past its update pass and can no longer roll back, so the set may be deleted. Until then
   * only CloudFormation's own cleanup drains it.
   */
  readonly confirmed: boolean;
}

/** A catalog permission set as the lifecycle resources list it. */
export interface CatalogEntry {
  readonly name: string;
  readonly permissionSetArn: string;
}

/** One deployed set of catalog permission sets (a CatalogGeneration resource). */
export interface CatalogGeneration {
  readonly id: string;
  readonly permissionSets: readonly CatalogEntry[];
  /** ISO time; the latest is the catalog as last deployed. */
  readonly createdAt: string;
}

/**
 * Lifecycle facts in the state table, written outside a run (by the lifecycle custom resources),
 * each its own record so that they never collide with a run's state write.
 */
export interface LifecyclePort {
  generations(): Promise<CatalogGeneration[]>;
  addGeneration(id: string, permissionSets: readonly CatalogEntry[]): Promise<void>;
  removeGeneration(id: string): Promise<void>;
  retiring(): Promise<RetiringPermissionSet[]>;
  markRetiring(permissionSets: readonly CatalogEntry[], confirmed: boolean): Promise<void>;
  /** The permission set is drained and deleted (or never needed to be). */
  retired(permissionSetArn: string): Promise<void>;
  /** The automation is being uninstalled (its lifecycle resource was deleted), under this removal policy. */
  uninstalling(): Promise<'retain' | 'destroy' | undefined>;
  markUninstalling(policy: 'retain' | 'destroy' | undefined): Promise<void>;
}

/** The claims of the automations on the instance (core/claims.ts). */
export interface ClaimsPort {
  /** The name this automation claims under (its event bus name). */
  readonly automation: string;
  /** This automation's published claims, and every other automation's found beside them. */
  read(): Promise<{ own?: ClaimsDocument; siblings: ClaimsDocument[] }>;
  publish(document: ClaimsDocument): Promise<void>;
}

/** The run lease: at most one run applies at a time, however it was started. */
export interface LeasePort {
  /** Takes the lease for `ttlMs`, or renews it for its holder; false when another run holds it. */
  acquire(holder: string, ttlMs: number): Promise<boolean>;
  release(holder: string): Promise<void>;
}
