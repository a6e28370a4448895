import { Harness } from './harness';
import { synthesizedReconcilerPolicy } from './reconciler-role';
import { RuleDocument } from '../../src/reconciler/config/document';

// The fault-and-fidelity suite: the real handler (SDK clients, adapters, core) against the
// simulator's model of what AWS really answers where real organizations break. Each test asserts
// that the reconciler converges where convergence is possible, reports the rest with the reason,
// never touches foreign assignments and never deletes on incomplete information. The behaviours and
// their sources are in the simulator (simulator/services/**), each cited where it is modelled.

const ORG = { accounts: 12, ouDepth: 2, ousPerLevel: 2, groups: 4, users: 1, permissionSets: 3, seed: 21 };

describe('fault and fidelity suite', () => {
  let h: Harness;
  afterEach(async () => {
    expect(h.sim.unexpectedErrors).toEqual([]);
    await h.stop();
  });

  const g = (i: number) => h.fixture.groups[i].displayName;
  const active = () => h.sim.organizations.accounts().filter((a) => a.status === 'ACTIVE');
  const assignment = (group: number, ps: string, accountId: string) => ({
    accountId, permissionSetArn: h.permissionSetArn(ps), principalType: 'GROUP' as const, principalId: h.fixture.groups[group].id,
  });
  /** A foreign assignment of a managed permission set, and one of a managed group on an unmanaged set: never touched. */
  const plantForeign = () => {
    const foreign = [assignment(3, 'AdministratorAccess', active()[1].id), assignment(0, 'PowerUserAccess', active()[2].id)];
    foreign.forEach((a) => h.sim.identityCenter.addAssignment(a));
    return () => foreign.every((a) => h.sim.identityCenter.hasAssignment(a));
  };

  test('a deletion that finds the assignment already gone (another tool removed it) counts as done', async () => {
    h = await Harness.start({ organization: ORG });
    const intact = plantForeign();
    const everywhere: RuleDocument = { principal: { group: g(0) }, permissionSet: 'AdministratorAccess', target: { all: true } };
    const readers: RuleDocument = { principal: { group: g(1) }, permissionSet: 'ReadOnlyAccess', target: { all: true } };
    h.putConfig([everywhere, readers]);
    await h.apply();
    h.putConfig([everywhere]);
    // Between the reconciler's read and its delete, someone deletes two of the assignments by hand.
    const victims = active().slice(0, 2).map((a) => assignment(1, 'ReadOnlyAccess', a.id));
    const stop = h.sim.onCall(({ operation, input }) => {
      if (operation !== 'DeleteAccountAssignment') return;
      for (const victim of victims) {
        if (input.TargetId === victim.accountId) h.sim.identityCenter.removeAssignment(victim);
      }
    });
    const report = await h.apply();
    stop();
    // Identity Center answered FAILED "Received a 404 status error: EntitlementItem doesn't exist ...".
    const missing = h.sim.identityCenter.operations({ kind: 'DELETE_ASSIGNMENT', status: 'FAILED' });
    expect(missing.map((op) => op.failureReason)).toEqual([expect.stringMatching(/EntitlementItem doesn't exist/), expect.stringMatching(/EntitlementItem doesn't exist/)]);
    expect(report.outcome).toBe('converged');
    expect(report.counts).toMatchObject({ deleted: active().length, failed: 0 });
    expect(intact()).toBe(true);
  });

  test('a FAILED status that clears (IAM role propagation in the management account) is retried within the run', async () => {
    h = await Harness.start({ organization: ORG });
    const full = synthesizedReconcilerPolicy(h.sim, h.fixture);
    // The role's IAM permissions have not propagated yet: Identity Center's work in the management account fails.
    const role = h.actAs(full.filter((s) => !s.actions.some((a) => a.startsWith('iam:'))));
    const management = h.sim.organizations.managementAccountId;
    let attempts = 0;
    const stop = h.sim.onCall(({ operation, input }) => {
      if (operation === 'CreateAccountAssignment' && input.TargetId === management && ++attempts === 2) h.sim.iam.putRolePolicy(role.arn, full);
    });
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'AdministratorAccess', target: { all: true } }]);
    const report = await h.apply();
    stop();
    const failed = h.sim.identityCenter.operations({ kind: 'CREATE_ASSIGNMENT', status: 'FAILED' });
    expect(failed.map((op) => op.failureReason)).toEqual([expect.stringMatching(/^Received a 403 status error: Access denied by IAM\. Please check your policy, or wait for role propagation/)]);
    expect(report.outcome).toBe('converged');
    expect(report.counts).toMatchObject({ created: active().length, failed: 0 });
  });

  describe('outcomes of creates from the FAILED listing (through the SDK, with the listing a second behind by default)', () => {
    const reason = 'Received a 409 status error: LimitExceeded: Cannot exceed quota for RolesPerAccount: 1000';
    // 4 groups x 3 permission sets in 12 accounts: 144 creates, enough for the listings to judge some while others run.
    const everything = () => h.fixture.groups.flatMap((group) => ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess']
      .map((permissionSet): RuleDocument => ({ principal: { group: group.displayName }, permissionSet, target: { all: true } })));
    const failedListings = () => {
      let calls = 0;
      const stop = h.sim.onCall(({ operation, input }) => {
        if (operation === 'ListAccountAssignmentCreationStatus' && (input.Filter as { Status?: string } | undefined)?.Status === 'FAILED') calls++;
      });
      return { calls: () => calls, stop };
    };

    test('every failure is reported with its reason, and most successes cost no Describe', async () => {
      h = await Harness.start({ organization: ORG });
      h.sim.faults.asyncFailures({ rate: 0.1, reason });
      h.putConfig(everything());
      const listings = failedListings();
      const report = await h.apply();
      listings.stop();
      const failed = h.sim.identityCenter.operations({ kind: 'CREATE_ASSIGNMENT', status: 'FAILED' });
      const creates = h.sim.identityCenter.operations({ kind: 'CREATE_ASSIGNMENT' }).length;
      expect(failed.length).toBeGreaterThan(5);
      expect(report.counts.failed).toBe(failed.length);
      expect(report.changes.filter((c) => c.status === 'failed').every((c) => c.reason === reason)).toBe(true);
      expect(listings.calls()).toBeGreaterThan(0);
      expect(h.sim.calls.count('sso-admin', 'DescribeAccountAssignmentCreationStatus')).toBeLessThan(creates);
      expect(report.notices.filter((n) => /FAILED listing/.test(n))).toEqual([]);
    });

    test('a listing that lags longer than the reconciler waits is caught by its sampled Describes, and the run says so', async () => {
      h = await Harness.start({ organization: ORG, simulator: { identityCenter: { finalStatusListingLagMs: 10 * 60_000 } } });
      h.sim.faults.asyncFailures({ rate: 0.3, reason });
      h.putConfig(everything());
      const report = await h.apply();
      const failed = h.sim.identityCenter.operations({ kind: 'CREATE_ASSIGNMENT', status: 'FAILED' });
      expect(report.notices).toContainEqual(expect.stringMatching(/an operation missing from the FAILED listing had not SUCCEEDED \(FAILED; the listings lag behind\)/));
      // Some failures were taken for successes before the sample caught one: the next run reads them again.
      expect(report.counts.failed).toBeGreaterThan(0);
      expect(report.counts.failed).toBeLessThanOrEqual(failed.length);
      const next = await h.apply();
      expect(next.counts.creates).toBeGreaterThanOrEqual(failed.length - report.counts.failed);
    });
  });

  test('with the permissions AssignmentAutomation grants, assignments in the management account succeed; with the user guide\'s list alone they fail', async () => {
    h = await Harness.start({ organization: ORG });
    const full = synthesizedReconcilerPolicy(h.sim, h.fixture);
    // The user guide's Example 2: the role actions and iam:GetSAMLProvider, without Create/UpdateSAMLProvider.
    const guideOnly = full.map((s) => ({ ...s, actions: s.actions.filter((a) => !['iam:CreateSAMLProvider', 'iam:UpdateSAMLProvider'].includes(a)) }));
    h.actAs(guideOnly);
    const rule: RuleDocument = { principal: { group: g(0) }, permissionSet: 'AdministratorAccess', target: { account: h.sim.organizations.managementAccount.name } };
    h.putConfig([rule]);
    const refused = await h.apply();
    expect(refused.outcome).toBe('partial');
    expect(refused.changes).toEqual([expect.objectContaining({
      status: 'failed', reason: expect.stringMatching(/is not authorized to perform: iam:CreateSAMLProvider .*\(FAILED 4 times\)$/),
    })]);
    h.actAs(full);
    const granted = await h.apply();
    expect(granted.outcome).toBe('converged');
    expect(granted.counts.created).toBe(1);
  });

  test('a principal deleted from the identity store is reported and released, not retried run after run', async () => {
    h = await Harness.start({ organization: ORG });
    const intact = plantForeign();
    const everywhere: RuleDocument = { principal: { group: g(0) }, permissionSet: 'AdministratorAccess', target: { all: true } };
    h.putConfig([everywhere, { principal: { group: g(2) }, permissionSet: 'ReadOnlyAccess', target: { all: true } }]);
    await h.apply();
    // The group is deleted in the IdP (SCIM), and its rule removed.
    h.sim.identityStore.deleteGroup(h.fixture.groups[2].id);
    h.putConfig([everywhere]);
    const report = await h.apply();
    expect(h.sim.identityCenter.operations({ kind: 'DELETE_ASSIGNMENT' })).toEqual([]);
    expect(report.outcome).toBe('no-changes');
    expect(report.counts.orphaned).toBe(active().length);
    expect(report.notices).toEqual([expect.stringMatching(/^group \S+ no longer exists in the identity store: it is no longer managed/)]);
    const next = await h.apply();
    expect(next.notices).toEqual([]);
    expect(next.outcome).toBe('no-changes');
    expect(intact()).toBe(true);
  });

  test('in a delegated administrator account: per-account reads, and no write with a permission set provisioned to the management account', async () => {
    h = await Harness.start({ organization: ORG, simulator: { identityCenter: { delegatedAdministrator: true } } });
    h.actAs(synthesizedReconcilerPolicy(h.sim, h.fixture));
    const management = h.sim.organizations.managementAccountId;
    // Control Tower gave the AWSControlTowerAdmins group AdministratorAccess in the management account.
    h.sim.identityCenter.addAssignment(assignment(3, 'AdministratorAccess', management));
    h.putConfig([
      { principal: { group: g(0) }, permissionSet: 'AdministratorAccess', target: { all: true } },
      { principal: { group: g(1) }, permissionSet: 'ReadOnlyAccess', target: { all: true } },
    ], { managementAccountId: management });
    const report = await h.apply();
    expect(report.readStrategy).toBe('per-account');
    expect(h.sim.calls.throttled('sso-admin')).toBe(0);
    // AccessDeniedException never came back: nothing was attempted that a delegated administrator may not do.
    expect(report.changes.filter((c) => c.status === 'failed')).toEqual([]);
    expect(report.counts.created).toBe(active().length - 1);
    expect(report.errors).toEqual([expect.stringMatching(/^permission set AdministratorAccess is provisioned to the management account/)]);
    expect(h.sim.identityCenter.hasAssignment(assignment(3, 'AdministratorAccess', management))).toBe(true);
  });

  test('the state lives in the state table (DynamoDB): Parameter Store gets only the claims, and only when they change', async () => {
    h = await Harness.start({ organization: { ...ORG, groups: 60 } });
    // Sixty principals: a state that took several SSM chunks, each write throttled at 3 per second.
    const sets = ['ReadOnlyAccess', 'PowerUserAccess', 'AdministratorAccess'];
    h.putConfig(h.fixture.groups.map((group, i) => ({
      principal: { group: group.displayName }, permissionSet: sets[i % 3], target: { account: active()[i % active().length].name },
    })));
    const report = await h.apply();
    expect(report.outcome).toBe('converged');
    // Sixty claims in one chunk and its pointer: hashed pair keys, not the state.
    expect(h.sim.calls.count('ssm', 'PutParameter')).toBe(2);
    expect(h.sim.calls.throttled('ssm')).toBe(0);
    expect((await h.storedState()).pairs).toHaveLength(60);
    h.sim.calls.reset();
    expect((await h.apply()).outcome).toBe('no-changes');
    expect(h.sim.calls.count('ssm', 'PutParameter')).toBe(0);
  });

  test('an OU named like an id is found by its name; suspended, closing and closed accounts are never targeted', async () => {
    h = await Harness.start({ organization: ORG });
    const orgs = h.sim.organizations;
    const named = orgs.createOrganizationalUnit(orgs.rootId, 'ou-paym-12345678');
    const states = ['PENDING_ACTIVATION', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'] as const;
    for (const state of states) orgs.setAccountStatus(orgs.createAccount({ name: `payments-${state}`, parentId: named.id }).id, state);
    const payments = orgs.createAccount({ name: 'payments-prod', parentId: named.id });
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'PowerUserAccess', target: { ou: 'ou-paym-12345678' } }]);
    const report = await h.apply();
    expect(report.errors).toEqual([]);
    expect(h.live((a) => a.principalId === h.fixture.groups[0].id)).toEqual([`${g(0)}:PowerUserAccess@payments-prod`]);
    expect(report.counts.accounts).toBe(orgs.accounts().length);
    expect(payments.status).toBe('ACTIVE');
  });
});
