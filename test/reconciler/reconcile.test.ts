import { configWith } from './documents';
import { PS, accountIdOf, orgFrom } from './fakes';
import { World } from './world';
import { RuleDocument } from '../../src/reconciler/config/document';
import { parameterNames } from '../../src/reconciler/contract';

const org = () => orgFrom({
  'Root': ['management'],
  'Root/Security': ['audit'],
  'Root/Workloads/Prod': ['prod-1', 'prod-2'],
  'Root/Workloads/Dev': ['dev-1'],
  'Root/Suspended': ['closing'],
}, { suspended: ['closing'] });

const adminsEverywhere: RuleDocument = { principal: { group: 'Admins' }, permissionSet: 'Admin', target: { all: true } };
const devsInDev: RuleDocument = { principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Workloads/Dev' } };

describe('reconcile', () => {
  test('converges from scratch, and a second run is a no-op with zero writes', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    const first = await world.run();
    expect(first.outcome).toBe('converged');
    expect(first.counts).toMatchObject({ created: 6, deleted: 0, failed: 0 });
    expect(world.live()).toEqual([
      'Admins:Admin@audit', 'Admins:Admin@dev-1', 'Admins:Admin@management', 'Admins:Admin@prod-1', 'Admins:Admin@prod-2', 'Devs:Dev@dev-1',
    ]);

    const writes = world.ic.writes;
    const stateWrites = world.state.writes;
    const second = await world.run();
    expect(second.outcome).toBe('no-changes');
    expect(second.changes).toEqual([]);
    expect(world.ic.writes).toBe(writes);
    expect(world.state.writes).toBe(stateWrites);
  });

  test('foreign assignments are never touched: other principals, and other permission sets of managed principals', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    const foreign = [
      world.group('ControlTowerAdmins', 'AWSAdministratorAccess', 'audit'),
      world.group('Admins', 'AWSReadOnlyAccess', 'prod-1'),
      { principalType: 'USER' as const, principalId: 'u-someone', permissionSetArn: PS('Admin'), accountId: accountIdOf(world.org, 'prod-2') },
    ];
    world.ic.add(...foreign);
    const report = await world.run();
    expect(report.counts.deletes).toBe(0);
    expect(report.counts.foreign).toBe(1);
    for (const a of foreign) expect(world.ic.assignments.has(`${a.principalType}:${a.principalId}|${a.permissionSetArn}|${a.accountId}`)).toBe(true);
  });

  describe('ownership is per (principal, permission set) pair', () => {
    test('a managed principal holding a managed permission set through a pair no rule names is never touched (Account Factory, a hand-made grant)', async () => {
      // Admins x Admin and Devs x Dev are owned; Admins x Dev is not, though both are managed.
      const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
      const unnamed = [world.group('Admins', 'Dev', 'prod-1'), world.group('Devs', 'Admin', 'audit')];
      world.ic.add(...unnamed);
      const report = await world.run();
      expect(report.counts.deletes).toBe(0);
      expect(report.counts.foreign).toBe(2);
      for (const a of unnamed) expect(world.live()).toContain(`${a.principalId.slice(2)}:${a.permissionSetArn === PS('Dev') ? 'Dev' : 'Admin'}@${a.accountId === accountIdOf(world.org, 'prod-1') ? 'prod-1' : 'audit'}`);
    });

    test('an assignment of an owned pair that no rule asks for is drift, and is removed', async () => {
      const world = new World(org(), configWith([devsInDev]));
      world.ic.add(world.group('Devs', 'Dev', 'prod-1'));
      const report = await world.run();
      expect(report.counts).toMatchObject({ deleted: 1, created: 1 });
      expect(world.live()).toEqual(['Devs:Dev@dev-1']);
    });

    test('two automations on one instance never delete each other\'s assignments', async () => {
      const first = new World(org(), configWith([adminsEverywhere]));
      const second = new World(org(), configWith([{ principal: { group: 'Admins' }, permissionSet: 'Dev', target: { ou: 'Root/Workloads' } }, devsInDev]), [], [], first);
      for (let i = 0; i < 2; i++) {
        expect((await first.run()).counts.deleted).toBe(0);
        expect((await second.run()).counts.deleted).toBe(0);
      }
      expect(first.live()).toEqual(expect.arrayContaining(['Admins:Admin@audit', 'Admins:Dev@prod-1', 'Admins:Dev@dev-1', 'Devs:Dev@dev-1']));
      expect((await first.run()).outcome).toBe('no-changes');
      expect((await second.run()).outcome).toBe('no-changes');
    });
  });

  describe('principals that disappear', () => {
    test('a group deleted and created again in the IdP: the old one is released, the new one gets the access, nothing waits', async () => {
      const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
      await world.run();
      world.store.groups.set('Devs', 'g-Devs-2');
      const report = await world.run();
      expect(report.refusals).toEqual([]);
      expect(report.counts).toMatchObject({ created: 1, deleted: 0, orphaned: 1 });
      expect(report.notices).toEqual([expect.stringMatching(/^group Devs no longer exists in the identity store/)]);
      expect(world.state.principals()).toEqual(['GROUP:g-Admins', 'GROUP:g-Devs-2']);
    });

    test('a group deleted in the IdP while a rule still names it: released and reported, other deletions proceed', async () => {
      const world = new World(org(), configWith([adminsEverywhere, devsInDev, { principal: { group: 'Admins' }, permissionSet: 'Dev', target: { account: 'audit' } }]));
      await world.run();
      world.store.groups.delete('Devs');
      world.document = configWith([adminsEverywhere, devsInDev]);
      const report = await world.run();
      expect(report.refusals).toEqual([]);
      expect(report.counts).toMatchObject({ deleted: 1, orphaned: 1 });
      expect(world.live()).not.toContain('Admins:Dev@audit');
      expect(report.errors).toEqual([expect.stringMatching(/no group has the display name 'Devs'/)]);
      // The next run still knows the name resolved before: the deleted group is no typo.
      const next = await world.run();
      expect(next.refusals).toEqual([]);
    });

    test('a group renamed in the IdP (its id still exists): the deletions of its pairs wait, nothing else does', async () => {
      const world = new World(org(), configWith([adminsEverywhere, devsInDev, { principal: { group: 'Admins' }, permissionSet: 'Dev', target: { account: 'audit' } }]));
      await world.run();
      world.store.groups.delete('Devs');
      world.store.groups.set('Developers', 'g-Devs');
      world.ic.add(world.group('Devs', 'Dev', 'prod-1')); // drift of the renamed group's pair: it waits
      world.document = configWith([adminsEverywhere, devsInDev]);
      const report = await world.run();
      // Admins x Dev, whose rule was removed, goes; both of the renamed group's Devs x Dev assignments wait.
      expect(report.counts.deleted).toBe(1);
      expect(report.refusals).toEqual([expect.objectContaining({ reason: 'incomplete-information', deletionsRefused: 2 })]);
      expect(world.live()).toEqual(expect.arrayContaining(['Devs:Dev@prod-1', 'Devs:Dev@dev-1']));
    });
  });

  describe('the state: its table, its lease, its migration', () => {
    test('a run that finds the lease held does nothing and says so', async () => {
      const world = new World(org(), configWith([adminsEverywhere]));
      world.state.holder = 'another-run';
      const report = await world.run();
      expect(report.outcome).toBe('busy');
      expect(world.ic.writes).toBe(0);
      expect(world.state.holder).toBe('another-run');
      world.state.holder = undefined;
      expect((await world.run()).outcome).toBe('converged');
      expect(world.state.holder).toBeUndefined();
    });

    test('plan mode and dry runs need no lease', async () => {
      const world = new World(org(), configWith([adminsEverywhere]));
      world.state.holder = 'another-run';
      expect((await world.run('plan')).outcome).toBe('planned');
    });

    test('the SSM state of an earlier version is migrated: what the config names is owned, the rest released and left in place', async () => {
      const world = new World(org(), configWith([adminsEverywhere]));
      const earlier = [world.group('Devs', 'Dev', 'dev-1'), world.group('Admins', 'Dev', 'prod-1')];
      world.ic.add(...earlier);
      // The cross product the earlier version managed: Admins and Devs, with Admin and Dev.
      world.state.legacy = { principals: ['GROUP:g-Admins', 'GROUP:g-Devs'], permissionSets: [PS('Admin'), PS('Dev')], labels: { 'GROUP:g-Devs': 'group Devs' } };
      const report = await world.run();
      expect(report.counts.deleted).toBe(0);
      for (const a of earlier) expect(world.ic.assignments.has(`${a.principalType}:${a.principalId}|${a.permissionSetArn}|${a.accountId}`)).toBe(true);
      expect(report.notices).toEqual([expect.stringMatching(/^the state moved from SSM to the state table: the 1 \(principal, permission set\) pair\(s\) the config names are owned; 1 principal\(s\) .*GROUP:g-Devs/)]);
      expect(world.state.state!.pairs).toEqual([`GROUP:g-Admins|${PS('Admin')}`]);
    });
  });

  test('removing a rule removes its assignments, because the principal is remembered', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    await world.run();
    world.document = configWith([adminsEverywhere]);
    const report = await world.run();
    expect(report.counts).toMatchObject({ deleted: 1, created: 0 });
    expect(world.live()).not.toContain('Devs:Dev@dev-1');
    // Once converged, the released principal is forgotten.
    expect(world.state.principals()).toEqual(['GROUP:g-Admins']);
  });

  test('a permission set dropped from every rule is still cleaned up', async () => {
    const world = new World(org(), configWith([adminsEverywhere, { principal: { group: 'Admins' }, permissionSet: 'Billing', target: { account: 'audit' } }]));
    await world.run();
    world.document = configWith([adminsEverywhere]);
    const report = await world.run();
    expect(report.counts.deleted).toBe(1);
    expect(world.live()).not.toContain('Admins:Billing@audit');
  });

  test('an account moved out of a targeted OU loses its assignment; one moved in gains it', async () => {
    const world = new World(org(), configWith([devsInDev]));
    await world.run();
    const accounts = world.org.accounts as Map<string, { id: string; name: string; status: string; parentId: string }>;
    const dev = accounts.get(accountIdOf(world.org, 'dev-1'))!;
    const prod = accounts.get(accountIdOf(world.org, 'prod-1'))!;
    accounts.set(dev.id, { ...dev, parentId: prod.parentId });
    accounts.set(prod.id, { ...prod, parentId: dev.parentId });
    const report = await world.run();
    expect(report.counts).toMatchObject({ created: 1, deleted: 1 });
    expect(world.live()).toEqual(['Devs:Dev@prod-1']);
  });

  describe('no deletion of a pair whose desired state is incomplete (creates still happen)', () => {
    async function afterBreaking(breakIt: (w: World) => void, extraRules: RuleDocument[] = []) {
      const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
      await world.run();
      world.document = configWith([adminsEverywhere, ...extraRules]); // Devs' assignment is now unwanted
      world.ic.add(world.group('Admins', 'Admin', 'closing')); // even this is never deleted
      breakIt(world);
      const accounts = world.org.accounts as Map<string, any>;
      accounts.set('100000000099', { id: '100000000099', name: 'new-account', status: 'ACTIVE', parentId: world.org.rootId });
      const report = await world.run();
      return { world, report };
    }

    const expectRefusedButCreated = ({ world, report }: Awaited<ReturnType<typeof afterBreaking>>, message: RegExp) => {
      expect(report.counts.deleted).toBe(0);
      expect(report.refusals).toEqual([expect.objectContaining({ reason: 'incomplete-information', deletionsRefused: 1, message: expect.stringMatching(message) })]);
      expect(world.live()).toContain('Devs:Dev@dev-1');
      expect(world.live()).toContain('Admins:Admin@new-account');
    };

    test('unknown group', async () => {
      expectRefusedButCreated(await afterBreaking(() => {}, [{ principal: { group: 'Nobody' }, permissionSet: 'Admin', target: { all: true } }]),
        /no group has the display name 'Nobody'/);
    });
    test('unknown user', async () => {
      expectRefusedButCreated(await afterBreaking(() => {}, [{ principal: { user: 'ghost' }, permissionSet: 'Admin', target: { all: true } }]),
        /no user has the user name 'ghost'/);
    });
    test('unknown group id', async () => {
      expectRefusedButCreated(await afterBreaking(() => {}, [{ principal: { groupId: 'g-unknown' }, permissionSet: 'Admin', target: { all: true } }]),
        /no group has the id 'g-unknown'/);
    });
    test('unknown permission set named outside the catalog', async () => {
      const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
      await world.run();
      world.document = configWith([adminsEverywhere, { principal: { group: 'Admins' }, permissionSet: 'Missing', target: { all: true } }], {}, ['Missing']);
      const report = await world.run();
      expect(report.counts.deleted).toBe(0);
      expect(report.refusals[0].message).toMatch(/permission set 'Missing' does not exist in the Identity Center instance/);
    });
    test('unknown OU in a rule of the pair', async () => {
      expectRefusedButCreated(await afterBreaking(() => {}, [{ principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Nope' } }]),
        /organizational unit path 'Root\/Nope' does not exist/);
    });
    test('an unknown OU in a rule of another pair blocks only that pair', async () => {
      const { world, report } = await afterBreaking(() => {}, [{ principal: { group: 'Admins' }, permissionSet: 'Dev', target: { ou: 'Root/Nope' } }]);
      expect(report.counts.deleted).toBe(1);
      expect(world.live()).not.toContain('Devs:Dev@dev-1');
      expect(report.errors).toEqual([expect.stringMatching(/organizational unit path 'Root\/Nope' does not exist/)]);
    });
    test('ambiguous OU name', async () => {
      const spec = orgFrom({ 'Root/A/Shared': ['x'], 'Root/B/Shared': ['y'] });
      const world = new World(spec, configWith([{ principal: { group: 'Admins' }, permissionSet: 'Admin', target: { account: 'x' } }]));
      await world.run();
      world.document = configWith([{ principal: { group: 'Admins' }, permissionSet: 'Admin', target: { ou: 'Shared' } }]);
      const report = await world.run();
      expect(report.counts.deleted).toBe(0);
      expect(report.refusals[0].message).toMatch(/organizational unit name 'Shared' is ambiguous/);
    });
    test('ambiguous account name', async () => {
      expectRefusedButCreated(await afterBreaking((w) => {
        const accounts = w.org.accounts as Map<string, any>;
        accounts.set('100000000098', { id: '100000000098', name: 'audit', status: 'ACTIVE', parentId: w.org.rootId });
      }, [{ principal: { group: 'Devs' }, permissionSet: 'Dev', target: { account: 'audit' } }]), /account name 'audit' is ambiguous/);
    });
    test('an ACTIVE account is not made ambiguous by a closed account of the same name', async () => {
      const world = new World(org(), configWith([{ principal: { group: 'Devs' }, permissionSet: 'Dev', target: { account: 'audit' } }]));
      const accounts = world.org.accounts as Map<string, any>;
      accounts.set('100000000097', { id: '100000000097', name: 'audit', status: 'CLOSED', parentId: world.org.rootId });
      const report = await world.run();
      expect(report.errors).toEqual([]);
      expect(world.live()).toEqual(['Devs:Dev@audit']);
    });
    test('failed identity store lookup of a name that resolved before', async () => {
      expectRefusedButCreated(await afterBreaking((w) => w.store.failFor.add('Devs'), [{ principal: { group: 'Devs' }, permissionSet: 'Dev', target: { account: 'audit' } }]),
        /looking up group Devs failed/);
    });
    test('failed read of a principal\'s current assignments: nothing planned for it', async () => {
      const { world, report } = await afterBreaking((w) => w.ic.failReads.add('GROUP:g-Devs'));
      expect(report.counts.deleted).toBe(0);
      expect(report.errors[0]).toMatch(/reading assignments of GROUP:g-Devs failed/);
      expect(world.live()).toContain('Devs:Dev@dev-1');
    });
    test('unreadable reconciler state', async () => {
      const { world, report } = await afterBreaking((w) => {
        w.state.failRead = true;
      });
      expect(report.counts.deleted).toBe(0);
      expect(report.errors).toContainEqual(expect.stringMatching(/the reconciler state could not be read/));
      // An unreadable state is never overwritten with a smaller one.
      world.state.failRead = false;
      expect(world.state.principals()).toContain('GROUP:g-Devs');
    });
    test('reconciler state that cannot be saved', async () => {
      const { report } = await afterBreaking((w) => {
        w.state.failWrite = true;
        w.store.groups.set('Ops', 'g-Ops');
      }, [{ principal: { group: 'Ops' }, permissionSet: 'Admin', target: { account: 'audit' } }]);
      expect(report.counts.deleted).toBe(0);
      expect(report.refusals[0].message).toMatch(/the reconciler state could not be saved/);
    });
  });

  describe('what AWS refuses is not attempted', () => {
    test('a principal deleted from the identity store is released: its assignments are left and reported, and nothing else waits', async () => {
      const opsEverywhere: RuleDocument = { principal: { group: 'Ops' }, permissionSet: 'Admin', target: { ou: 'Root/Workloads' } };
      const world = new World(org(), configWith([adminsEverywhere, devsInDev, opsEverywhere]), ['Admins', 'Devs', 'Ops']);
      await world.run();
      // The Devs group is deleted in the IdP and its rule removed; Ops is narrowed, which deletes one assignment.
      world.store.groups.delete('Devs');
      world.document = configWith([adminsEverywhere, { ...opsEverywhere, target: { ou: 'Root/Workloads/Prod' } }]);
      const writes = world.ic.started.length;
      const report = await world.run();
      // Identity Center would end the deletion FAILED "assignee ... not found in directory", run after run.
      expect(world.ic.started.slice(writes).filter((s) => s.kind === 'delete')).toHaveLength(1);
      expect(report.counts).toMatchObject({ deleted: 1, failed: 0, orphaned: 1 });
      expect(report.outcome).toBe('converged');
      expect(report.notices).toEqual([expect.stringMatching(/^group Devs no longer exists in the identity store: it is no longer managed, and its 1 assignment\(s\) stay listed/)]);
      expect(world.live()).toContain('Devs:Dev@dev-1');
      expect(world.state.principals()).toEqual(['GROUP:g-Admins', 'GROUP:g-Ops']);
      // The next run does not look at it again.
      const next = await world.run();
      expect(next.outcome).toBe('no-changes');
      expect(next.notices).toEqual([]);
    });

    test('a failed lookup of a remembered principal proves nothing: its deletion is attempted', async () => {
      const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
      await world.run();
      world.document = configWith([adminsEverywhere]);
      world.store.principalExists = async () => { throw new Error('ThrottlingException: rate exceeded'); };
      const report = await world.run();
      expect(report.counts.deleted).toBe(1);
      expect(report.notices).toEqual([]);
    });

    test('in delegated-admin mode, no write uses a permission set provisioned to the management account', async () => {
      const management = accountIdOf(org(), 'management');
      const world = new World(org(), configWith([adminsEverywhere, devsInDev], { managementAccountId: management }));
      world.ic.provisionedOnly.push({ permissionSetArn: PS('Admin'), accountId: management });
      const report = await world.run();
      expect(world.live()).toEqual(['Devs:Dev@dev-1']);
      expect(report.counts.created).toBe(1);
      expect(report.errors).toEqual([expect.stringMatching(
        /^permission set Admin is provisioned to the management account, so a delegated administrator may not manage it in any account .*: 4 create\(s\), 0 deletion\(s\)/)]);
      expect(report.outcome).toBe('partial');
    });
  });

  test('an invalid config document changes nothing', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.config = { invalid: 'the config parameter /x/config is invalid: rules.0.target: Invalid input' };
    const before = world.live();
    const report = await world.run();
    expect(report.outcome).toBe('invalid-config');
    expect(report.errors).toEqual(['the config parameter /x/config is invalid: rules.0.target: Invalid input']);
    expect(world.live()).toEqual(before);
  });

  test('a half-deployed (inconsistent) config changes nothing', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    world.config = { inconsistent: `part ${parameterNames('x').part(1)} is at revision a, the head at b` };
    const report = await world.run();
    expect(report.outcome).toBe('inconsistent-config');
    expect(world.ic.writes).toBe(0);
  });

  test('a failed organization read changes nothing', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    world.organizations.failOn = world.org.rootId;
    const report = await world.run();
    expect(report.outcome).toBe('failed');
    expect(report.errors[0]).toMatch(/reading the organization failed .*nothing was changed/);
    expect(world.ic.writes).toBe(0);
  });

  test('an empty config is refused: deletions are not applied', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.document = configWith([]);
    const report = await world.run();
    expect(report.refusals).toEqual([expect.objectContaining({ reason: 'empty-config', deletionsRefused: 5 })]);
    expect(world.live()).toHaveLength(5);
  });

  test('a config that selects nothing is refused like an empty one', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.document = configWith([{ principal: { group: 'Admins' }, permissionSet: 'Admin', target: { account: 'closing' } }]);
    const report = await world.run();
    expect(report.refusals[0]).toMatchObject({ reason: 'empty-config' });
    expect(world.live()).toHaveLength(5);
  });

  test('deletions above maxDeletionsPerRun are refused and reported, creates proceed', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.guards = { ...world.guards, maxDeletionsPerRun: 3 };
    world.document = configWith([{ principal: { group: 'Admins' }, permissionSet: 'Admin', target: { account: 'audit' } }, devsInDev]);
    const report = await world.run();
    expect(report.refusals).toEqual([expect.objectContaining({ reason: 'deletion-limit', deletionsRefused: 4, message: expect.stringMatching(/more than maxDeletionsPerRun \(3\)/) })]);
    expect(report.counts.created).toBe(1);
    expect(world.live()).toHaveLength(6);
  });

  test('suspended or closing accounts are never targeted by creates or deletes', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    world.ic.add(world.group('Admins', 'Admin', 'closing'));
    world.document = configWith([{ principal: { group: 'Admins' }, permissionSet: 'Admin', target: { ou: 'Root/Security' } }]);
    await world.run();
    const report = await world.run();
    expect(report.counts.deletes).toBe(0);
    expect(world.live()).toContain('Admins:Admin@closing');
  });

  test('the management account is never planned in delegated-admin mode', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    const management = accountIdOf(world.org, 'management');
    world.ic.add(world.group('Devs', 'Dev', 'management'));
    world.document = configWith([adminsEverywhere, { principal: { group: 'Devs' }, permissionSet: 'Dev', target: { account: 'audit' } }], { managementAccountId: management });
    const report = await world.run();
    expect(report.changes.some((c) => c.account.includes(management))).toBe(false);
    expect(world.live()).toContain('Devs:Dev@management');
    expect(world.live()).not.toContain('Admins:Admin@management');
  });

  test('dry run plans and reports without writing anything', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    world.guards = { ...world.guards, dryRun: true };
    const report = await world.run();
    expect(report.outcome).toBe('planned');
    expect(report.dryRun).toBe(true);
    expect(report.changes).toHaveLength(5);
    expect(world.ic.writes).toBe(0);
    expect(world.state.writes).toBe(0);
  });

  test('plan mode returns creates, deletes and refusals with names, and writes nothing', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    await world.run();
    world.document = configWith([adminsEverywhere, { principal: { group: 'Nobody' }, permissionSet: 'Admin', target: { all: true } }]);
    const writes = world.ic.writes;
    const report = await world.run('plan');
    expect(report.outcome).toBe('planned');
    expect(report.changes).toEqual([expect.objectContaining({ action: 'delete', principal: 'group Devs', permissionSet: 'Dev', account: `dev-1 (${accountIdOf(world.org, 'dev-1')})`, reason: 'refused' })]);
    expect(report.refusals[0].reason).toBe('incomplete-information');
    expect(world.ic.writes).toBe(writes);
  });

  test('provisioning drift is re-provisioned in the same run and reported', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.ic.outdated.push({ permissionSetArn: PS('Admin'), accountId: accountIdOf(world.org, 'prod-1') }, { permissionSetArn: PS('Admin'), accountId: accountIdOf(world.org, 'closing') });
    const report = await world.run();
    expect(report.counts).toMatchObject({ provisions: 1, provisioned: 1 });
    expect(report.changes).toEqual([expect.objectContaining({ action: 'provision', permissionSet: 'Admin', status: 'succeeded' })]);
    expect(world.ic.outdated).toEqual([{ permissionSetArn: PS('Admin'), accountId: accountIdOf(world.org, 'closing') }]);
  });

  test('a run that runs out of time stops cleanly, and the next run finishes without repeating work', async () => {
    const world = new World(orgFrom({ 'Root/Many': Array.from({ length: 60 }, (_, i) => `acct-${i}`) }), configWith([adminsEverywhere]));
    let stop = false;
    const first = await world.run('apply', { time: { shouldStop: () => stop, drainDeadline: () => Infinity } });
    expect(first.outcome).toBe('converged');
    world.document = configWith([adminsEverywhere, { principal: { group: 'Devs' }, permissionSet: 'Dev', target: { all: true } }]);
    const startAt = world.clock.now();
    const partial = await world.run('apply', { time: { shouldStop: () => (stop = world.clock.now() - startAt > 1_000), drainDeadline: () => Infinity } });
    expect(partial.outcome).toBe('continuing');
    expect(partial.continuation).toBe(true);
    expect(partial.counts.created).toBeGreaterThan(0);
    expect(partial.counts.notStarted).toBe(60 - partial.counts.created);
    const writesBefore = world.ic.writes;
    stop = false;
    const rest = await world.run('apply', { time: { shouldStop: () => false, drainDeadline: () => Infinity } });
    expect(rest.outcome).toBe('converged');
    expect(rest.counts.created).toBe(partial.counts.notStarted);
    expect(world.ic.writes - writesBefore).toBe(partial.counts.notStarted);
  });

  test('falls back to per-account reads when ListAccountAssignmentsForPrincipal is refused', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    world.document = configWith([adminsEverywhere]);
    const report = await world.run();
    expect(report.readStrategy).toBe('per-account');
    expect(report.counts.deleted).toBe(1);
  });

  test('an assignment reader role that cannot be assumed: per-account reads, and the run says why', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    await world.run();
    world.ic.readerUnavailable = true;
    world.document = configWith([adminsEverywhere]);
    const report = await world.run();
    expect(report.readStrategy).toBe('per-account');
    expect(report.counts.deleted).toBe(1);
    expect(report.notices).toContainEqual(expect.stringMatching(/role\/reader could not be assumed .*; the assignments were read per account and permission set instead/));
  });
});
