import { FakeIdentityCenter, FakeIdentityStore, FakeOrganizations, MemoryState, PS, VirtualClock, accountIdOf } from './fakes';
import { ConfigDocument } from '../../src/reconciler/config/document';
import { Assignment } from '../../src/reconciler/core/model';
import { ConfigRead } from '../../src/reconciler/core/ports';
import { ReconcileDeps, reconcile } from '../../src/reconciler/core/reconcile';
import { RunReport } from '../../src/reconciler/core/report';
import { OrgSnapshot } from '../../src/reconciler/core/snapshot';

/** The reconciler core wired to in-memory fakes, for scenario tests of the pipeline and its guards. */
export class World {
  readonly clock: VirtualClock;
  readonly ic: FakeIdentityCenter;
  readonly store: FakeIdentityStore;
  readonly organizations: FakeOrganizations;
  readonly state = new MemoryState();
  /** The function's guard settings. */
  guards = { maxDeletionsPerRun: 100, dryRun: false };
  config: ConfigRead;

  constructor(
    public org: OrgSnapshot, doc: ConfigDocument, groups: string[] = ['Admins', 'Devs'], users: string[] = ['jane'],
    /** Another automation's world on the same instance: share its Identity Center, identity store and organization. */
    neighbour?: World,
  ) {
    this.clock = neighbour?.clock ?? new VirtualClock();
    this.ic = neighbour?.ic ?? new FakeIdentityCenter(this.clock, 500);
    this.store = neighbour?.store ?? new FakeIdentityStore(groups, users);
    this.organizations = neighbour?.organizations ?? new FakeOrganizations(org);
    this.config = { document: doc, revision: 'r1' };
    for (const ps of doc.permissionSets) if (ps.arn) this.ic.permissionSets.set(ps.arn, ps.name);
  }

  set document(doc: ConfigDocument) {
    this.config = { document: doc, revision: `r${Math.random()}` };
    for (const ps of doc.permissionSets) if (ps.arn) this.ic.permissionSets.set(ps.arn, ps.name);
  }

  deps(overrides: Partial<ReconcileDeps> = {}): ReconcileDeps {
    return {
      runId: 'test',
      config: { read: async () => this.config },
      state: this.state,
      lease: this.state,
      leaseTtlMs: 15 * 60_000,
      guards: this.guards,
      organizations: this.organizations,
      connect: () => ({ identityStore: this.store, identityCenter: this.ic }),
      clock: this.clock,
      log: { info: () => {}, warn: () => {} },
      limits: { maxOutstanding: 15, readConcurrency: 4 },
      time: { shouldStop: () => false, drainDeadline: () => Infinity },
      ...overrides,
    };
  }

  run(mode: 'plan' | 'apply' = 'apply', overrides: Partial<ReconcileDeps> = {}): Promise<RunReport> {
    return reconcile(this.deps(overrides), mode);
  }

  group(name: string, ps: string, account: string): Assignment {
    return { principalType: 'GROUP', principalId: this.store.groups.get(name) ?? `g-${name}`, permissionSetArn: PS(ps), accountId: accountIdOf(this.org, account) };
  }

  /** Assignments as `group:ps@account` strings, sorted, for readable assertions. */
  live(): string[] {
    const byId = new Map([...this.org.accounts.values()].map((a) => [a.id, a.name]));
    const psName = (arn: string) => this.ic.permissionSets.get(arn) ?? arn;
    return [...this.ic.assignments.values()]
      .map((a) => `${a.principalId.replace(/^[gu]-/, '')}:${psName(a.permissionSetArn)}@${byId.get(a.accountId) ?? a.accountId}`)
      .sort();
  }
}
