import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DeployedAutomation } from './deployed-automation';
import { AccountTarget, AssignmentAutomation, PermissionSetCatalog, PermissionSetRef, Principal } from '../../src';

// `cdk destroy` of the automation's stack, under either removal policy: it completes in one go.

jest.setTimeout(120_000);

function landingZone(world: DeployedAutomation, removalPolicy?: RemovalPolicy) {
  return (stack: Stack) => {
    const instanceArn = world.fixture.instanceArn;
    const catalog = new PermissionSetCatalog(stack, 'Catalog', { instanceArn, permissionSets: [{ name: 'ReadOnly' }, { name: 'Operator' }] });
    new AssignmentAutomation(stack, 'Assignments', {
      instanceArn,
      identityStoreId: world.fixture.identityStoreId,
      catalog,
      removalPolicy,
      assignments: [
        { principal: Principal.group(world.fixture.groups[0].displayName), permissionSet: catalog.permissionSet('ReadOnly'), target: AccountTarget.allAccounts() },
        { principal: Principal.group(world.fixture.groups[1].displayName), permissionSet: catalog.permissionSet('Operator'), target: AccountTarget.allAccounts() },
        // A permission set the automation does not own: its assignments go, the set stays.
        { principal: Principal.group(world.fixture.groups[1].displayName), permissionSet: PermissionSetRef.fromName('Fixture'), target: AccountTarget.allAccounts() },
      ],
    });
  };
}

describe('cdk destroy', () => {
  let world: DeployedAutomation;
  let neighbour: string;
  const restart = async (organization: { accounts: number; groups: number; suspendedAccounts?: number }) => {
    await world.stop();
    return DeployedAutomation.start({ organization });
  };
  beforeEach(async () => {
    world = await DeployedAutomation.start({ organization: { accounts: 5, groups: 3 } });
    // Another tool's: Control Tower's administrator permission set, given to one of the managed groups.
    const controlTower = world.sim.identityCenter.createPermissionSet({ name: 'AWSAdministratorAccess' });
    world.sim.identityCenter.createPermissionSet({ name: 'Fixture' });
    const account = world.sim.organizations.accounts()[1];
    world.sim.identityCenter.addAssignment({
      accountId: account.id, permissionSetArn: controlTower.arn, principalType: 'GROUP', principalId: world.fixture.groups[0].id,
    });
    neighbour = `${world.fixture.groups[0].displayName}:AWSAdministratorAccess@${account.name}`;
  });
  afterEach(async () => world.stop());

  const owned = (live: string[]) => live.filter((a) => /:(ReadOnly|Operator|Fixture)@/.test(a));

  test('RETAIN (the default): the stack goes, every assignment and permission set stays and keeps working', async () => {
    await world.deploy(landingZone(world));
    await world.apply();
    const before = world.live();
    expect(owned(before)).toHaveLength(18);

    const destroyed = await world.destroy();

    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(world.live()).toEqual(before);
    expect(['ReadOnly', 'Operator'].map((n) => world.sim.identityCenter.permissionSetByName(n) !== undefined)).toEqual([true, true]);
    expect(world.failedDeletes()).toEqual([]);
    // Kept on purpose: the permission sets, the state table (deletion protection on) and the logs.
    expect(world.sim.cloudFormation.orphans().map((o) => o.type).sort())
      .toEqual(['AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::SSO::PermissionSet', 'AWS::SSO::PermissionSet']);
  });

  test('DESTROY: every owned assignment, then the catalog\'s permission sets and the state go; a neighbour\'s stays', async () => {
    await world.deploy(landingZone(world, RemovalPolicy.DESTROY));
    await world.apply();
    // Someone gave an unmanaged group a catalog permission set by hand: the set is going, so that goes too.
    const stray = world.sim.organizations.accounts()[2];
    world.sim.identityCenter.addAssignment({
      accountId: stray.id,
      permissionSetArn: world.sim.identityCenter.permissionSetByName('Operator')!.arn,
      principalType: 'GROUP',
      principalId: world.fixture.groups[2].id,
    });

    const destroyed = await world.destroy();

    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(world.live()).toEqual([neighbour]);
    expect(world.sim.identityCenter.permissionSetByName('ReadOnly')).toBeUndefined();
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeUndefined();
    // Not the automation's to delete.
    expect(world.sim.identityCenter.permissionSetByName('Fixture')).toBeDefined();
    expect(world.failedDeletes()).toEqual([]);
    // CloudFormation retains the permission sets (the reconciler deleted them, above) and the logs, the record of what was removed.
    expect(world.sim.cloudFormation.orphans().map((o) => o.type).sort()).toEqual(['AWS::Logs::LogGroup', 'AWS::SSO::PermissionSet', 'AWS::SSO::PermissionSet']);
    expect(world.sim.cloudFormation.invocationErrors()).toEqual([]);
  });

  test('DESTROY with an assignment Identity Center cannot remove (a suspended account): the stack still goes in one go, and says what it left', async () => {
    world = await restart({ accounts: 5, groups: 3, suspendedAccounts: 1 });
    await world.deploy(landingZone(world, RemovalPolicy.DESTROY));
    await world.apply();
    const closed = world.sim.organizations.accounts().find((a) => a.status === 'SUSPENDED')!;
    const readOnly = world.sim.identityCenter.permissionSetByName('ReadOnly')!;
    world.sim.identityCenter.addAssignment({ accountId: closed.id, permissionSetArn: readOnly.arn, principalType: 'GROUP', principalId: world.fixture.groups[0].id });

    const destroyed = await world.destroy();

    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(world.live()).toEqual([`${world.fixture.groups[0].displayName}:ReadOnly@${closed.name}`]);
    expect(world.sim.identityCenter.permissionSetByName('Operator')).toBeUndefined();
    // Kept: Identity Center refuses to delete a set still provisioned to an account.
    expect(world.sim.identityCenter.permissionSetByName('ReadOnly')).toBeDefined();
    const lifecycle = destroyed.events.find((e) => e.logicalId.startsWith('AssignmentsLifecycle') && e.status === 'DELETE_COMPLETE');
    expect(lifecycle).toBeDefined();
  });
});
