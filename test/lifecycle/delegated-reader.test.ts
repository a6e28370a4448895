import { Stack } from 'aws-cdk-lib';
import { DeployedAutomation } from './deployed-automation';
import { AccountTarget, AssignmentAutomation, OrgEventBridge, PermissionSetCatalog, Principal } from '../../src';
import { EVENTS } from '../../src/reconciler/contract';
import { RunReport } from '../../src/reconciler/core/report';

// A delegated administrator's automation and the management account's OrgEventBridge, deployed from
// their synthesized templates into the simulator, each in its own account: the reconciler runs with
// its deployed role's credentials, assumes the reader role through STS, and reads per principal,
// every step authorized by the synthesized policies and trust policy.

jest.setTimeout(120_000);

describe('a delegated administrator with the assignment reader role', () => {
  let world: DeployedAutomation;
  beforeEach(async () => {
    world = await DeployedAutomation.start({ organization: { accounts: 8, groups: 3 }, identityCenter: { delegatedAdministrator: true } });
  });
  afterEach(async () => world.stop());

  const delegated = () => world.sim.delegatedAdministratorAccountId!;
  const management = () => world.sim.organizations.managementAccountId;
  const deployAutomation = () => world.deploy((stack: Stack) => {
    const catalog = new PermissionSetCatalog(stack, 'Catalog', { instanceArn: world.fixture.instanceArn, permissionSets: [{ name: 'ReadOnly' }] });
    new AssignmentAutomation(stack, 'Assignments', {
      instanceArn: world.fixture.instanceArn,
      identityStoreId: world.fixture.identityStoreId,
      catalog,
      organizationManagementAccountId: management(),
      assignmentReader: true,
      assignments: world.fixture.groups.map((g) => ({
        principal: Principal.group(g.displayName), permissionSet: catalog.permissionSet('ReadOnly'), target: AccountTarget.allAccounts(),
      })),
    });
  }, 'Home', delegated());
  const deployBridge = () => world.deploy((stack: Stack) => {
    new OrgEventBridge(stack, 'OrgEvents', {
      targetEventBusArn: `arn:aws:events:${world.sim.region}:${delegated()}:event-bus/identity-center-assignments`,
      assignmentReader: true,
    });
  }, 'OrgEvents', management());

  test('reads per principal through the reader role, whichever stack deploys first; without the role, reads per account and says why', async () => {
    // The management account's stack first: its trust policy names the reconciler role by condition, which need not exist yet.
    expect((await deployBridge()).status).toBe('CREATE_COMPLETE');
    world.sim.calls.reset();
    expect((await deployAutomation()).status).toBe('CREATE_COMPLETE');
    const members = world.sim.organizations.accounts().filter((a) => a.status === 'ACTIVE' && a.id !== management()).length;

    // The run the new config started during the deploy assigned every member account.
    const summaries = world.sim.eventBridge.events().filter((e) => e.detailType === EVENTS.summaryDetailType);
    const first = summaries[summaries.length - 1].detail as RunReport;
    expect(first.errors).toEqual([]);
    expect(first.readStrategy).toBe('per-principal');
    expect(world.live()).toHaveLength(3 * members);
    expect(world.sim.calls.count('sts', 'AssumeRole')).toBeGreaterThanOrEqual(1);
    expect(world.sim.calls.count('sso-admin', 'ListAccountAssignmentsForPrincipal')).toBeGreaterThanOrEqual(3);
    expect(world.sim.calls.count('sso-admin', 'ListAccountAssignments')).toBe(0);

    world.sim.calls.reset();
    const steady = await world.apply();
    expect(steady.readStrategy).toBe('per-principal');
    expect(steady.counts.created + steady.counts.deleted).toBe(0);
    expect(world.sim.calls.count('sso-admin', 'ListAccountAssignments')).toBe(0);

    // The bridge's stack goes (its reader role with it): the next run reads per account, and says why.
    expect((await world.destroy('OrgEvents')).status).toBe('DELETE_COMPLETE');
    world.sim.calls.reset();
    const without = await world.apply();
    expect(without.readStrategy).toBe('per-account');
    expect(without.counts.created + without.counts.deleted).toBe(0);
    expect(without.notices).toContainEqual(expect.stringMatching(/assignment reader role arn:aws:iam::\d{12}:role\/identity-center-assignments-reader-\w+ could not be assumed \(AccessDenied: .*not authorized to perform: sts:AssumeRole/));
    expect(world.sim.calls.count('sso-admin', 'ListAccountAssignments')).toBeGreaterThan(0);
  });
});
