import { CustomResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DeployedAutomation, answer } from './deployed-automation';
import { AccountTarget, AssignmentAutomation, PermissionSetCatalog, Principal } from '../../src';

// Retiring a catalog permission set, as CloudFormation deploys the synthesized stacks: removed or
// renamed, it is drained and deleted within the deploy, never left behind still granting access.

jest.setTimeout(120_000);

interface Version {
  readonly permissionSets: string[];
  /** Group index → permission set name, every group in all accounts. */
  readonly rules: Array<[number, string]>;
  readonly maxDeletionsPerRun?: number;
  readonly removalPolicy?: RemovalPolicy;
}

function landingZone(world: DeployedAutomation, version: Version) {
  return (stack: Stack) => {
    const instanceArn = world.fixture.instanceArn;
    const catalog = new PermissionSetCatalog(stack, 'Catalog', { instanceArn, permissionSets: version.permissionSets.map((name) => ({ name })) });
    new AssignmentAutomation(stack, 'Assignments', {
      instanceArn,
      identityStoreId: world.fixture.identityStoreId,
      catalog,
      maxDeletionsPerRun: version.maxDeletionsPerRun,
      removalPolicy: version.removalPolicy,
      assignments: version.rules.map(([group, ps]) => ({
        principal: Principal.group(world.fixture.groups[group].displayName),
        permissionSet: catalog.permissionSet(ps),
        target: AccountTarget.allAccounts(),
      })),
    });
  };
}

describe('retiring a catalog permission set', () => {
  let world: DeployedAutomation;
  beforeEach(async () => {
    world = await DeployedAutomation.start({ organization: { accounts: 6, groups: 3 } });
  });
  afterEach(async () => world.stop());

  const g = (i: number) => `GRP-AWS-000${i + 1}`;

  test('removed from the catalog: drained and deleted within the deploy, nothing left behind', async () => {
    const first = await world.deploy(landingZone(world, { permissionSets: ['ReadOnly', 'Operator'], rules: [[0, 'ReadOnly'], [1, 'Operator']] }));
    expect(first.status).toBe('CREATE_COMPLETE');
    await world.apply();
    expect(world.live().filter((a) => a.includes(':Operator@'))).toHaveLength(7);

    const second = await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']] }));

    expect(second.status).toBe('UPDATE_COMPLETE');
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeUndefined();
    expect(world.live().filter((a) => a.includes(':Operator@'))).toEqual([]);
    expect(world.live().filter((a) => a.startsWith(`${g(0)}:ReadOnly@`))).toHaveLength(7);
    expect(world.failedDeletes()).toEqual([]);
    expect(world.sim.cloudFormation.invocationErrors()).toEqual([]);
    // The next run has nothing left to do about it.
    const after = await world.apply();
    expect(after.errors).toEqual([]);
    expect(after.counts.deleted).toBe(0);
  });

  test('renamed: the new set is assigned, the old one drained and deleted, in one deploy', async () => {
    await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']] }));
    await world.apply();
    const oldArn = world.sim.identityCenter.permissionSetByName('ReadOnly')!.arn;

    const renamed = await world.deploy(landingZone(world, { permissionSets: ['ReadOnlyAccess'], rules: [[0, 'ReadOnlyAccess']] }));

    expect(renamed.status).toBe('UPDATE_COMPLETE');
    expect(world.sim.identityCenter.permissionSetByName('ReadOnly')).toBeUndefined();
    expect(world.live().filter((a) => a.includes(oldArn) || a.includes(':ReadOnly@'))).toEqual([]);
    // The config change's run (queued before the drain, one message group) assigned the new set.
    expect(world.live().filter((a) => a.startsWith(`${g(0)}:ReadOnlyAccess@`))).toHaveLength(7);
    expect(world.failedDeletes()).toEqual([]);
  });

  test('beyond maxDeletionsPerRun the deploy fails before anything changes, and says what to do', async () => {
    await world.deploy(landingZone(world, { permissionSets: ['ReadOnly', 'Operator'], rules: [[0, 'ReadOnly'], [1, 'Operator'], [2, 'Operator']], maxDeletionsPerRun: 5 }));
    await world.apply();
    const before = world.live();
    expect(before.filter((a) => a.includes(':Operator@'))).toHaveLength(14);

    const refused = await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']], maxDeletionsPerRun: 5 }));

    expect(refused.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const reason = refused.events.find((e) => e.status === 'CREATE_FAILED')?.reason ?? '';
    expect(reason).toMatch(/retiring permission set\(s\) Operator would delete 14 account assignment\(s\), more than maxDeletionsPerRun \(5\)/);
    expect(reason).toMatch(/deploy with maxDeletionsPerRun of at least 14/);
    expect(world.live()).toEqual(before);
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeDefined();
    // The config document was never replaced: a run changes nothing.
    expect((await world.apply()).counts.deleted).toBe(0);

    // As the message says: the same change with the limit raised goes through.
    const raised = await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']], maxDeletionsPerRun: 14 }));
    expect(raised.status).toBe('UPDATE_COMPLETE');
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeUndefined();
    expect(world.live().filter((a) => a.includes(':Operator@'))).toEqual([]);
  });

  test('a deploy racing a run that holds the lease: the drain waits for it, and the deploy still completes', async () => {
    await world.deploy(landingZone(world, { permissionSets: ['ReadOnly', 'Operator'], rules: [[0, 'ReadOnly'], [1, 'Operator']] }));
    await world.apply();
    // An operator's direct { mode: 'apply' } invocation is running: it holds the run lease for two more seconds.
    const store = world.stateStore();
    expect(await store.acquire('operator-run', 2_000)).toBe(true);
    const started = Date.now();

    const second = await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']] }));

    expect(second.status).toBe('UPDATE_COMPLETE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeUndefined();
    expect(world.live().filter((a) => a.includes(':Operator@'))).toEqual([]);
    // The config change's run found the lease taken and was delivered again; the drain waited instead.
    expect(world.delivered.filter((d) => d.error).every((d) => /busy/.test(d.error!))).toBe(true);
    expect(world.failedDeletes()).toEqual([]);
  });

  test('the config document is written after the function, its policy and the retirement check', async () => {
    await world.deploy(landingZone(world, { permissionSets: ['ReadOnly', 'Operator'], rules: [[0, 'ReadOnly'], [1, 'Operator']] }));
    const second = await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']], maxDeletionsPerRun: 50 }));
    const order = (prefix: string, status: string) => second.events.findIndex((e) => e.logicalId.startsWith(prefix) && e.status === status);
    const config = order('AssignmentsConfig', 'UPDATE_COMPLETE');
    expect(config).toBeGreaterThan(order('AssignmentsFunction', 'UPDATE_COMPLETE'));
    expect(config).toBeGreaterThan(order('AssignmentsCatalogGeneration', 'CREATE_COMPLETE'));
  });
});

describe('retirement when AWS says no', () => {
  let world: DeployedAutomation;
  beforeEach(async () => {
    world = await DeployedAutomation.start({ organization: { accounts: 6, groups: 3, suspendedAccounts: 1 } });
  });
  afterEach(async () => world.stop());

  const suspended = () => world.sim.organizations.accounts().find((a) => a.status === 'SUSPENDED')!;

  test('a permission set still assigned in a suspended account: the rest is drained, the set kept and reported, never an error-free orphan', async () => {
    await world.deploy(landingZone(world, { permissionSets: ['ReadOnly', 'Operator'], rules: [[0, 'ReadOnly'], [1, 'Operator']] }));
    await world.apply();
    const operator = world.sim.identityCenter.permissionSetByName('Operator')!;
    // Assigned before the account was closed; Identity Center keeps it (and cannot remove it now).
    world.sim.identityCenter.addAssignment({ accountId: suspended().id, permissionSetArn: operator.arn, principalType: 'GROUP', principalId: world.fixture.groups[1].id });

    const second = await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']] }));

    // The cleanup phase cannot fail a deploy; the retirement's reason is in the stack events.
    expect(second.status).toBe('UPDATE_COMPLETE');
    expect(world.failedDeletes()).toEqual([expect.objectContaining({ reason: expect.stringMatching(/Operator: kept: still assigned in \d{12} \(suspended\)/) })]);
    expect(world.live().filter((a) => a.includes(':Operator@'))).toEqual([`${world.fixture.groups[1].displayName}:Operator@${suspended().name}`]);
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeDefined();
    // Every run says so, until it can be finished.
    const run = await world.apply();
    expect(run.errors).toEqual([expect.stringMatching(/retired permission set Operator .* is not deleted yet: .*suspended/)]);
  });

  test('a deploy that fails after its config assigned a new permission set rolls back cleanly: the set\'s assignments go, then the set', async () => {
    await world.deploy(landingZone(world, { permissionSets: ['ReadOnly'], rules: [[0, 'ReadOnly']] }));
    await world.apply();
    const before = world.live();
    let assignedBeforeRollback = false;
    // A resource of the user's own, created after everything of the automation (its config included),
    // that fails once the new config's run has assigned the new permission set.
    world.customResources.set('Custom::Gate', async (event) => {
      if (event.RequestType !== 'Create') return answer(event, 'SUCCESS');
      for (let i = 0; i < 500 && !world.live().some((a) => a.includes(':Operator@')); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assignedBeforeRollback = world.live().some((a) => a.includes(':Operator@'));
      // And the rollback's own config change is never delivered (Parameter Store events are best effort).
      world.routeConfigEvents = false;
      return answer(event, 'FAILED', 'the gate fails on purpose');
    });

    const failing = await world.deploy((stack) => {
      landingZone(world, { permissionSets: ['ReadOnly', 'Operator'], rules: [[0, 'ReadOnly'], [1, 'Operator']] })(stack);
      const gate = new CustomResource(stack, 'Gate', { serviceToken: world.reconciler().arn, resourceType: 'Custom::Gate' });
      gate.node.addDependency(stack.node.findChild('Assignments'));
    });

    expect(failing.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    // The config of the failed deploy had a run: it assigned Operator before the rollback.
    expect(assignedBeforeRollback).toBe(true);
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeUndefined();
    expect(world.live()).toEqual(before);
    expect(world.failedDeletes()).toEqual([]);
  });
});
