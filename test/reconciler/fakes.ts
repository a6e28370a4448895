import { LegacyState, ReconcilerState, StoredState } from '../../src/reconciler/core/memory';
import { Assignment, PrincipalId, assignmentKey, principalKey, targetKey } from '../../src/reconciler/core/model';
import {
  Clock, IdentityCenterReadPort, IdentityCenterWritePort, IdentityStorePort, LeasePort, OperationKind, OperationStatus, OrganizationsPort,
  PermissionSetDeletePort, PrincipalReadsUnavailable, StatePort, WriteError,
} from '../../src/reconciler/core/ports';
import { OrgAccount, OrgSnapshot, OrgUnit } from '../../src/reconciler/core/snapshot';

/**
 * A clock for tests: time only moves when every pending promise is waiting on a sleep, and then
 * jumps to the earliest wake-up. Runs that take minutes of virtual time finish in milliseconds.
 */
export class VirtualClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  private scheduled = false;

  now(): number {
    return this.t;
  }

  /** Moves time forward, as it passes between two runs. */
  advance(ms: number): void {
    this.t += ms;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      if (this.timers.length > 0) this.schedule();
    });
  }
}

export interface OrgSpec {
  /** `path: [account names]`, e.g. `'Root/Workloads/Prod': ['prod-1']`. */
  readonly [path: string]: string[];
}

/**
 * An organization from paths: OUs are created as the paths require, accounts get ids in order
 * (`100000000001`, ...), OU ids are derived from the path.
 */
export function orgFrom(spec: OrgSpec, extra: { suspended?: string[]; tags?: Record<string, Record<string, string>> } = {}): OrgSnapshot {
  const root: OrgUnit = { id: 'r-root', name: 'Root' };
  const units = new Map<string, OrgUnit>([[root.id, root]]);
  const byPath = new Map<string, string>([['Root', root.id]]);
  const accounts = new Map<string, OrgAccount>();
  let next = 1;
  for (const [path, names] of Object.entries(spec)) {
    const segments = path.split('/');
    let parent = root.id;
    for (let i = 1; i < segments.length; i++) {
      const sub = segments.slice(0, i + 1).join('/');
      if (!byPath.has(sub)) {
        const id = `ou-root-${(byPath.size).toString(36).padStart(8, '0')}`;
        units.set(id, { id, name: segments[i], parentId: parent });
        byPath.set(sub, id);
      }
      parent = byPath.get(sub)!;
    }
    for (const name of names) {
      const id = String(100000000000 + next++);
      accounts.set(id, { id, name, parentId: parent, status: extra.suspended?.includes(name) ? 'SUSPENDED' : 'ACTIVE' });
    }
  }
  const tags = extra.tags
    ? new Map([...accounts.values()].map((a) => [a.id, extra.tags![a.name] ?? {}]))
    : undefined;
  return { rootId: root.id, units, accounts, tags };
}

export function accountIdOf(org: OrgSnapshot, name: string): string {
  const account = [...org.accounts.values()].find((a) => a.name === name);
  if (!account) throw new Error(`no account ${name}`);
  return account.id;
}

export class FakeOrganizations implements OrganizationsPort {
  calls = 0;
  failOn?: string;
  constructor(public org: OrgSnapshot) {}
  async listRoots() {
    this.calls++;
    return [{ id: this.org.rootId, name: 'Root' }];
  }
  async listOrganizationalUnits(parentId: string) {
    this.calls++;
    if (this.failOn === parentId) throw new Error('AccessDenied');
    return [...this.org.units.values()].filter((u) => u.parentId === parentId).map((u) => ({ id: u.id, name: u.name }));
  }
  async listAccounts(parentId: string) {
    this.calls++;
    return [...this.org.accounts.values()].filter((a) => a.parentId === parentId).map((a) => ({ id: a.id, name: a.name, status: a.status }));
  }
  async listAccountTags(id: string) {
    this.calls++;
    return { ...(this.org.tags?.get(id) ?? {}) };
  }
  async describeAccount(id: string) {
    this.calls++;
    const a = this.org.accounts.get(id);
    if (!a) throw new Error(`AccountNotFoundException: ${id}`);
    return { id: a.id, name: a.name, status: a.status };
  }
  async parentOf(id: string) {
    this.calls++;
    const parent = this.org.accounts.get(id)?.parentId ?? this.org.units.get(id)?.parentId;
    if (!parent) throw new Error(`ChildNotFoundException: ${id}`);
    return parent;
  }
}

export class FakeIdentityStore implements IdentityStorePort {
  readonly groups = new Map<string, string>();
  readonly users = new Map<string, string>();
  failFor = new Set<string>();
  constructor(groups: string[] = [], users: string[] = []) {
    for (const g of groups) this.groups.set(g, `g-${g}`);
    for (const u of users) this.users.set(u, `u-${u}`);
  }
  async findGroupId(name: string) {
    if (this.failFor.has(name)) throw new Error('ThrottlingException: rate exceeded');
    return this.groups.get(name);
  }
  async findUserId(name: string) {
    return this.users.get(name);
  }
  async principalExists(type: 'GROUP' | 'USER', id: string) {
    return [...(type === 'GROUP' ? this.groups : this.users).values()].includes(id);
  }
}

export const PS = (name: string) => `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-${name.toLowerCase().padEnd(16, '0').slice(0, 16)}`;

interface Pending {
  readonly kind: OperationKind;
  readonly requestId: string;
  readonly doneAt: number;
  readonly target: string;
  readonly apply: () => void;
  readonly fail?: string;
}

/**
 * Identity Center in memory: asynchronous operations that finish `latencyMs` after they start,
 * ConflictException for two operations on one target, a cap on outstanding operations, and
 * programmable failures. It records what the scheduler did so tests can check it.
 */
export class FakeIdentityCenter implements IdentityCenterReadPort, IdentityCenterWritePort, PermissionSetDeletePort {
  readonly assignments = new Map<string, Assignment>();
  readonly permissionSets = new Map<string, string>();
  readonly outdated: Array<{ permissionSetArn: string; accountId: string }> = [];
  readonly pending = new Map<string, Pending>();
  readonly finished = new Map<string, OperationStatus>();
  readonly started: Array<{ kind: OperationKind; target: string }> = [];
  maxOutstandingSeen = 0;
  conflicts = 0;
  writes = 0;
  describes = 0;
  lists = 0;
  failReads = new Set<string>();
  forPrincipalRefused = false;
  /** The per-principal reads' own credentials (the assignment reader role) cannot be had. */
  readerUnavailable = false;
  /** Operations on these assignment keys end FAILED with this reason. */
  failOps = new Map<string, string>();
  /** Operations on these assignment keys end FAILED with this reason the first `times` times, then succeed. */
  failTimes = new Map<string, { reason: string; times: number }>();
  /** Start calls on these assignment keys are refused at once with this error name. */
  refuseOps = new Map<string, string>();
  /** Provisioned without an assignment (ProvisionPermissionSet to an account). */
  readonly provisionedOnly: Array<{ permissionSetArn: string; accountId: string }> = [];
  /** Start calls that throw a retryable error before succeeding. */
  transientFailures = 0;
  private nextId = 1;

  constructor(private readonly clock: Clock, public latencyMs = 1000, public cap = 15) {}

  add(...list: Assignment[]): void {
    for (const a of list) this.assignments.set(assignmentKey(a), a);
  }

  async listPermissionSets() {
    return [...this.permissionSets.keys()];
  }
  async permissionSetName(arn: string) {
    return this.permissionSets.get(arn)!;
  }
  async listAssignmentsForPrincipal(p: PrincipalId) {
    if (this.readerUnavailable) throw new PrincipalReadsUnavailable('the assignment reader role arn:aws:iam::111111111111:role/reader could not be assumed (AccessDenied: no)');
    if (this.forPrincipalRefused) throw Object.assign(new Error('not the management account'), { name: 'AccessDeniedException' });
    if (this.failReads.has(principalKey(p))) throw Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' });
    return [...this.assignments.values()]
      .filter((a) => principalKey(a) === principalKey(p))
      .map((a) => ({ accountId: a.accountId, permissionSetArn: a.permissionSetArn }));
  }
  async listAssignments(accountId: string, permissionSetArn: string) {
    return [...this.assignments.values()].filter((a) => a.accountId === accountId && a.permissionSetArn === permissionSetArn)
      .map((a) => ({ principalType: a.principalType, principalId: a.principalId }));
  }
  async listOutdatedAccounts(permissionSetArn: string) {
    return this.outdated.filter((o) => o.permissionSetArn === permissionSetArn).map((o) => o.accountId);
  }
  /** Provisioned where assigned, as Identity Center does on CreateAccountAssignment, plus `provisionedOnly`. */
  async listPermissionSetsProvisionedToAccount(accountId: string) {
    const provisioned = [...this.assignments.values(), ...this.provisionedOnly].filter((a) => a.accountId === accountId);
    return [...new Set(provisioned.map((a) => a.permissionSetArn))];
  }

  async listProvisionedAccounts(permissionSetArn: string) {
    const provisioned = [...this.assignments.values(), ...this.provisionedOnly].filter((a) => a.permissionSetArn === permissionSetArn);
    return [...new Set(provisioned.map((a) => a.accountId))];
  }

  /** Refused while provisioned anywhere (API reference, DeletePermissionSet: ConflictException). */
  async deletePermissionSet(permissionSetArn: string) {
    if (!this.permissionSets.has(permissionSetArn)) throw new WriteError('not found', false, 'ResourceNotFoundException');
    if ((await this.listProvisionedAccounts(permissionSetArn)).length > 0) throw new WriteError('provisioned', true, 'ConflictException');
    this.permissionSets.delete(permissionSetArn);
  }

  async start(kind: 'create' | 'delete', a: Assignment): Promise<OperationStatus> {
    const key = assignmentKey(a);
    const refusal = this.refuseOps.get(key);
    if (refusal) throw new WriteError(`refused: ${refusal}`, false, refusal);
    const transient = this.failTimes.get(key);
    const failure = this.failOps.get(key) ?? (transient && transient.times > 0 ? (transient.times--, transient.reason) : undefined);
    return this.begin(kind, targetKey(a.permissionSetArn, a.accountId), () => {
      if (kind === 'create') this.assignments.set(key, a);
      else this.assignments.delete(key);
    }, failure);
  }

  async startProvisioning(permissionSetArn: string, accountId: string): Promise<OperationStatus> {
    return this.begin('provision', targetKey(permissionSetArn, accountId), () => {
      const index = this.outdated.findIndex((o) => o.permissionSetArn === permissionSetArn && o.accountId === accountId);
      if (index >= 0) this.outdated.splice(index, 1);
    });
  }

  async listInProgress(kind: OperationKind) {
    this.lists++;
    this.settle();
    return new Set([...this.pending.values()].filter((p) => p.kind === kind).map((p) => p.requestId));
  }

  async describe(_kind: OperationKind, requestId: string): Promise<OperationStatus> {
    this.describes++;
    this.settle();
    return this.finished.get(requestId) ?? { requestId, status: 'IN_PROGRESS' };
  }

  private begin(kind: OperationKind, target: string, apply: () => void, fail?: string): OperationStatus {
    this.writes++;
    if (this.transientFailures > 0) {
      this.transientFailures--;
      throw new WriteError('rate exceeded', true, 'ThrottlingException');
    }
    this.settle();
    if ([...this.pending.values()].some((p) => p.target === target)) {
      this.conflicts++;
      throw new WriteError('an operation on this target is in progress', true, 'ConflictException');
    }
    if (this.pending.size >= this.cap) throw new WriteError('too many outstanding operations', true, 'ThrottlingException');
    const requestId = `req-${this.nextId++}`;
    this.pending.set(requestId, { kind, requestId, doneAt: this.clock.now() + this.latencyMs, target, apply, fail });
    this.started.push({ kind, target });
    this.maxOutstandingSeen = Math.max(this.maxOutstandingSeen, this.pending.size);
    return { requestId, status: 'IN_PROGRESS' };
  }

  private settle(): void {
    for (const p of [...this.pending.values()]) {
      if (p.doneAt > this.clock.now()) continue;
      this.pending.delete(p.requestId);
      if (p.fail !== undefined) {
        this.finished.set(p.requestId, { requestId: p.requestId, status: 'FAILED', failureReason: p.fail || undefined });
      } else {
        p.apply();
        this.finished.set(p.requestId, { requestId: p.requestId, status: 'SUCCEEDED' });
      }
    }
  }
}

/** The state table in memory, with its lease. */
export class MemoryState implements StatePort, LeasePort {
  failRead = false;
  failWrite = false;
  writes = 0;
  /** Who holds the lease, if anyone. */
  holder?: string;
  /** The holder before the current one, as the DynamoDB lease item remembers it. */
  previousHolder?: string;
  legacy?: LegacyState;
  private lastHolder?: string;
  constructor(public state?: ReconcilerState) {}
  async read(): Promise<StoredState> {
    if (this.failRead) throw new Error('dynamodb unavailable');
    if (this.state) return { state: this.state };
    return this.legacy ? { legacy: this.legacy } : { empty: true };
  }
  async write(state: ReconcilerState) {
    if (this.failWrite) throw new Error('dynamodb unavailable');
    this.writes++;
    this.state = state;
  }
  /** The principal keys of the owned pairs. */
  principals(): string[] {
    return [...new Set((this.state?.pairs ?? []).map((p) => p.slice(0, p.indexOf('|'))))].sort();
  }
  async acquire(holder: string) {
    if (this.holder !== undefined && this.holder !== holder) return false;
    if (this.lastHolder !== holder) this.previousHolder = this.lastHolder;
    this.holder = holder;
    this.lastHolder = holder;
    return true;
  }
  async release(holder: string) {
    if (this.holder === holder) this.holder = undefined;
  }
}
