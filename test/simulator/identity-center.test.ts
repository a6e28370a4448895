import { DescribeGroupCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  AccessDeniedException, ConflictException, CreateAccountAssignmentCommand, DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand, DescribePermissionSetCommand, DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentsCommand, ListAccountsForProvisionedPermissionSetCommand, ListPermissionSetsProvisionedToAccountCommand,
  ProvisionPermissionSetCommand, DeletePermissionSetCommand, ListAccountAssignmentsForPrincipalCommand,
  ResourceNotFoundException, SSOAdminClient, ThrottlingException, ValidationException,
  CreatePermissionSetCommand, ListTagsForResourceCommand, paginateListTagsForResource, ServiceQuotaExceededException, TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sso-admin';
import { AwsSimulator, AwsSimulatorOptions } from '../../simulator';

/** A frozen clock: time moves only by `sim.clock.advance`, so every transition is exact. */
async function frozenSimulator(options: AwsSimulatorOptions = {}) {
  const sim = await AwsSimulator.start({ seed: 11, clock: { speed: 0 }, quotas: { asyncLatency: { minMs: 2000, maxMs: 4000 } }, ...options });
  const accounts = ['Prod', 'Dev', 'Test'].map((name) => sim.organizations.createAccount({ name }));
  const group = sim.identityStore.createGroup('Platform');
  const ps = sim.identityCenter.createPermissionSet({ name: 'PlatformAdmin', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
  const admin = new SSOAdminClient({ ...sim.clientConfig(), maxAttempts: 1 });
  const target = (accountId: string) => ({
    InstanceArn: sim.identityCenter.instanceArn,
    TargetId: accountId,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: ps.arn,
    PrincipalType: 'GROUP' as const,
    PrincipalId: group.id,
  });
  return { sim, accounts, group, ps, admin, target };
}

describe('Identity Center account assignments', () => {
  let env: Awaited<ReturnType<typeof frozenSimulator>>;
  afterEach(async () => {
    expect(env.sim.unexpectedErrors).toEqual([]);
    await env.sim.stop();
  });

  test('creation is asynchronous: IN_PROGRESS, then SUCCEEDED once simulated time passes, provisioning the latest version', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, target } = env;
    const { AccountAssignmentCreationStatus: started } = await admin.send(new CreateAccountAssignmentCommand(target(accounts[0].id)));
    expect(started).toMatchObject({ Status: 'IN_PROGRESS', TargetId: accounts[0].id, PermissionSetArn: ps.arn });
    expect(started?.RequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const describe = () => admin.send(new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: sim.identityCenter.instanceArn, AccountAssignmentCreationRequestId: started!.RequestId,
    }));
    sim.clock.advance(1999);
    expect((await describe()).AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    expect(sim.identityCenter.assignments()).toEqual([]);
    sim.clock.advance(2001);
    expect((await describe()).AccountAssignmentCreationStatus?.Status).toBe('SUCCEEDED');
    expect(sim.identityCenter.assignments()).toEqual([{ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: env.group.id }]);
    expect(sim.identityCenter.isLatestProvisioned(accounts[0].id, ps.arn)).toBe(true);
  });

  test('creating an existing assignment succeeds without a duplicate; deleting a missing one FAILS with the EntitlementItem 404', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, target } = env;
    sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: env.ps.arn, principalType: 'GROUP', principalId: env.group.id });
    const created = await admin.send(new CreateAccountAssignmentCommand(target(accounts[0].id)));
    const deleted = await admin.send(new DeleteAccountAssignmentCommand(target(accounts[1].id)));
    sim.clock.advance(5000);
    const creation = await admin.send(new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: sim.identityCenter.instanceArn, AccountAssignmentCreationRequestId: created.AccountAssignmentCreationStatus!.RequestId,
    }));
    const deletion = await admin.send(new DescribeAccountAssignmentDeletionStatusCommand({
      InstanceArn: sim.identityCenter.instanceArn, AccountAssignmentDeletionRequestId: deleted.AccountAssignmentDeletionStatus!.RequestId,
    }));
    expect(creation.AccountAssignmentCreationStatus?.Status).toBe('SUCCEEDED');
    expect(deletion.AccountAssignmentDeletionStatus?.Status).toBe('FAILED');
    // terraform-provider-aws, internal/service/ssoadmin/account_assignment.go, quotes this reason.
    expect(deletion.AccountAssignmentDeletionStatus?.FailureReason)
      .toMatch(/^Received a 404 status error: EntitlementItem doesn't exist with the given entitlement key EntitlementKey\{accessorId=AccessorId\{value=/);
    expect(sim.identityCenter.assignmentCount()).toBe(1);
  });


  test('a second operation on the same account and permission set while one is in progress is a ConflictException', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, target } = env;
    await admin.send(new CreateAccountAssignmentCommand(target(accounts[0].id)));
    await expect(admin.send(new DeleteAccountAssignmentCommand(target(accounts[0].id)))).rejects.toBeInstanceOf(ConflictException);
    // Another account is not in conflict.
    await admin.send(new CreateAccountAssignmentCommand(target(accounts[1].id)));
    sim.clock.advance(4000);
    await admin.send(new DeleteAccountAssignmentCommand(target(accounts[0].id)));
    expect(sim.identityCenter.outstandingOperations()).toBe(1);
  });

  test('at most 15 asynchronous writes are outstanding; the 16th is throttled until one completes', async () => {
    env = await frozenSimulator();
    const { sim, admin } = env;
    const accounts = Array.from({ length: 16 }, (_, i) => sim.organizations.createAccount({ name: `Cap${i}` }));
    for (const account of accounts.slice(0, 15)) await admin.send(new CreateAccountAssignmentCommand(env.target(account.id)));
    const refused = admin.send(new CreateAccountAssignmentCommand(env.target(accounts[15].id)));
    await expect(refused).rejects.toBeInstanceOf(ThrottlingException);
    await expect(refused).rejects.toThrow('There are too many requests processing. Please try again later.');
    expect(sim.calls.throttled('sso-admin', 'CreateAccountAssignment')).toBe(1);
    sim.clock.advance(4000);
    await admin.send(new CreateAccountAssignmentCommand(env.target(accounts[15].id)));
    expect(sim.identityCenter.outstandingOperations()).toBe(1);
  });

  test('operations on suspended accounts and for principals missing from the identity store end FAILED with AWS reasons', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, target } = env;
    sim.organizations.setAccountStatus(accounts[0].id, 'SUSPENDED');
    const onSuspended = await admin.send(new CreateAccountAssignmentCommand(target(accounts[0].id)));
    const leaver = sim.identityStore.createGroup('Leaver');
    const forDeletedGroup = await admin.send(new CreateAccountAssignmentCommand({ ...target(accounts[1].id), PrincipalId: leaver.id }));
    sim.identityStore.deleteGroup(leaver.id);
    sim.clock.advance(5000);
    // A suspended account hangs first (61418/aws-sso-util#80), then fails.
    expect(sim.identityCenter.operation(onSuspended.AccountAssignmentCreationStatus!.RequestId!)?.status).toBe('IN_PROGRESS');
    sim.clock.advance(3 * 60_000);
    expect(sim.identityCenter.operation(onSuspended.AccountAssignmentCreationStatus!.RequestId!)?.failureReason)
      .toContain(`Obtaining permissions to manage your AWS account '${accounts[0].id}' takes longer than usual`);
    expect(sim.identityCenter.operation(forDeletedGroup.AccountAssignmentCreationStatus!.RequestId!)?.failureReason)
      .toBe(`Received a 404 status error: the GROUP assignee ${leaver.id} was not found in directory ${sim.identityStore.identityStoreId}`);
    const failed = await admin.send(new ListAccountAssignmentCreationStatusCommand({ InstanceArn: sim.identityCenter.instanceArn, Filter: { Status: 'FAILED' } }));
    expect(failed.AccountAssignmentsCreationStatus?.map((s) => s.RequestId).sort())
      .toEqual([onSuspended.AccountAssignmentCreationStatus!.RequestId, forDeletedGroup.AccountAssignmentCreationStatus!.RequestId].sort());
  });

  test('a final status shows in the status-filtered listings a second after the operation ended (AWS is silent: an index that lags)', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, target } = env;
    const leaver = sim.identityStore.createGroup('Leaver');
    const forLeaver = await admin.send(new CreateAccountAssignmentCommand({ ...target(accounts[1].id), PrincipalId: leaver.id }));
    const failing = forLeaver.AccountAssignmentCreationStatus!.RequestId!;
    const succeeding = (await admin.send(new CreateAccountAssignmentCommand(target(accounts[2].id)))).AccountAssignmentCreationStatus!.RequestId!;
    sim.identityStore.deleteGroup(leaver.id);
    const op = (id: string) => sim.identityCenter.operation(id)!;
    const listed = async (status: 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED') => (await admin.send(new ListAccountAssignmentCreationStatusCommand({
      InstanceArn: sim.identityCenter.instanceArn, Filter: { Status: status },
    }))).AccountAssignmentsCreationStatus!.map((s) => s.RequestId).sort();
    // Just after both ended: Describe and the IN_PROGRESS listing know, the FAILED and SUCCEEDED listings not yet.
    sim.clock.advance(Math.max(op(failing).completesAt, op(succeeding).completesAt) - sim.clock.now() + 10);
    expect(op(failing).status).toBe('FAILED');
    expect(await listed('IN_PROGRESS')).toEqual([]);
    expect(await listed('FAILED')).toEqual([]);
    expect(await listed('SUCCEEDED')).toEqual([]);
    sim.clock.advance(1000);
    expect(await listed('FAILED')).toEqual([failing]);
    expect(await listed('SUCCEEDED')).toEqual([succeeding]);
  });

  test('deletions in suspended or closing accounts hang, then FAIL like creates (AWS is silent about deletions); the assignment stays', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group, target } = env;
    sim.organizations.setAccountStatus(accounts[0].id, 'SUSPENDED');
    sim.organizations.setAccountStatus(accounts[1].id, 'PENDING_CLOSURE');
    const requests: string[] = [];
    for (const account of accounts.slice(0, 2)) {
      sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
      requests.push((await admin.send(new DeleteAccountAssignmentCommand(target(account.id)))).AccountAssignmentDeletionStatus!.RequestId!);
    }
    sim.clock.advance(3 * 60_000 - 1);
    expect(requests.map((id) => sim.identityCenter.operation(id)?.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS']);
    sim.clock.advance(1);
    for (const [i, id] of requests.entries()) {
      const deletion = await admin.send(new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: sim.identityCenter.instanceArn, AccountAssignmentDeletionRequestId: id,
      }));
      expect(deletion.AccountAssignmentDeletionStatus).toMatchObject({ Status: 'FAILED' });
      expect(deletion.AccountAssignmentDeletionStatus?.FailureReason).toContain(`Obtaining permissions to manage your AWS account '${accounts[i].id}' takes longer than usual`);
    }
    expect(sim.identityCenter.assignmentCount()).toBe(2);
    expect(sim.identityCenter.deprovisionings()).toEqual([]);
  });

  test('a changed permission set leaves its accounts NOT_PROVISIONED until ProvisionPermissionSet completes', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group } = env;
    for (const account of accounts) sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    const behind = () => admin.send(new ListAccountsForProvisionedPermissionSetCommand({
      InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn, ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
    }));
    expect((await behind()).AccountIds).toEqual([]);
    expect(sim.identityCenter.awsManagedPolicyUpdated('arn:aws:iam::aws:policy/AdministratorAccess')).toEqual([ps.arn]);
    expect((await behind()).AccountIds?.sort()).toEqual(accounts.map((a) => a.id).sort());
    const perAccount = await admin.send(new ListPermissionSetsProvisionedToAccountCommand({
      InstanceArn: sim.identityCenter.instanceArn, AccountId: accounts[0].id, ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
    }));
    expect(perAccount.PermissionSets).toEqual([ps.arn]);

    const one = await admin.send(new ProvisionPermissionSetCommand({ InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn, TargetType: 'AWS_ACCOUNT', TargetId: accounts[0].id }));
    sim.clock.advance(5000);
    expect((await behind()).AccountIds?.sort()).toEqual(accounts.slice(1).map((a) => a.id).sort());
    const all = await admin.send(new ProvisionPermissionSetCommand({ InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
    expect(all.PermissionSetProvisioningStatus?.Status).toBe('IN_PROGRESS');
    sim.clock.advance(5000);
    expect((await behind()).AccountIds).toEqual([]);
    const status = await admin.send(new DescribePermissionSetProvisioningStatusCommand({
      InstanceArn: sim.identityCenter.instanceArn, ProvisionPermissionSetRequestId: one.PermissionSetProvisioningStatus!.RequestId,
    }));
    expect(status.PermissionSetProvisioningStatus).toMatchObject({ Status: 'SUCCEEDED', AccountId: accounts[0].id });
  });

  test('UpdatePermissionSet sets description, session duration and relay state and leaves the accounts NOT_PROVISIONED', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group } = env;
    sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    expect(sim.identityCenter.isLatestProvisioned(accounts[0].id, ps.arn)).toBe(true);
    const relayState = 'https://console.aws.amazon.com/';
    sim.identityCenter.updatePermissionSet(ps.arn, { description: 'Read only', sessionDuration: 'PT4H', relayState });
    const described = await admin.send(new DescribePermissionSetCommand({ InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn }));
    expect(described.PermissionSet).toMatchObject({ Description: 'Read only', SessionDuration: 'PT4H', RelayState: relayState });
    expect(sim.identityCenter.accountsBehind(ps.arn)).toEqual([accounts[0].id]);
    sim.identityCenter.updatePermissionSet(ps.arn, {});
    expect(sim.identityCenter.permissionSet(ps.arn)).toMatchObject({ description: undefined, sessionDuration: 'PT1H', relayState: undefined });
  });

  test('the last deleted assignment removes the role, minutes later: until then the account is listed and DeletePermissionSet is refused', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group, target } = env;
    const instance = { InstanceArn: sim.identityCenter.instanceArn };
    sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    const deleted = await admin.send(new DeleteAccountAssignmentCommand(target(accounts[0].id)));
    sim.clock.advance(5000);
    const deletion = sim.identityCenter.operation(deleted.AccountAssignmentDeletionStatus!.RequestId!)!;
    expect(deletion.status).toBe('SUCCEEDED');
    const listed = await admin.send(new ListAccountAssignmentsCommand({ ...instance, AccountId: accounts[0].id, PermissionSetArn: ps.arn }));
    expect(listed.AccountAssignments).toEqual([]);
    // aws-iam-identity-center-extensions PR #89: deprovisioning "can take minutes"; the default range is 20 s to 3 min.
    const [pending] = sim.identityCenter.deprovisionings(ps.arn);
    expect(pending).toMatchObject({ accountId: accounts[0].id, permissionSetArn: ps.arn, startedAt: deletion.completedAt });
    expect(pending.completesAt - pending.startedAt).toBeGreaterThanOrEqual(20_000);
    expect(pending.completesAt - pending.startedAt).toBeLessThanOrEqual(180_000);
    const provisionedAccounts = async () => (await admin.send(new ListAccountsForProvisionedPermissionSetCommand({
      ...instance, PermissionSetArn: ps.arn,
    }))).AccountIds;
    const provisionedToAccount = async () => (await admin.send(new ListPermissionSetsProvisionedToAccountCommand({
      ...instance, AccountId: accounts[0].id,
    }))).PermissionSets;
    expect(await provisionedAccounts()).toEqual([accounts[0].id]);
    expect(await provisionedToAccount()).toEqual([ps.arn]);
    // hashicorp/terraform-provider-aws#26757: the text DeletePermissionSet answers meanwhile.
    await expect(admin.send(new DeletePermissionSetCommand({ ...instance, PermissionSetArn: ps.arn })))
      .rejects.toThrow(new ConflictException({ message: 'Could not delete because PermissionSet has ApplicationProfile associated with it.', $metadata: {} }));

    sim.clock.advance(pending.completesAt - sim.clock.now() - 1);
    expect(await provisionedAccounts()).toEqual([accounts[0].id]);
    sim.clock.advance(1);
    expect(await provisionedAccounts()).toEqual([]);
    expect(await provisionedToAccount()).toEqual([]);
    expect(sim.identityCenter.provisionedVersion(accounts[0].id, ps.arn)).toBeUndefined();
    expect(sim.identityCenter.deprovisionings()).toEqual([]);
    await admin.send(new DeletePermissionSetCommand({ ...instance, PermissionSetArn: ps.arn }));
    expect(sim.identityCenter.permissionSet(ps.arn)).toBeUndefined();
  });

  test('only the last assignment of any principal starts a deprovisioning; one created meanwhile ends it', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group, target } = env;
    const user = sim.identityStore.createUser('someone');
    const byGroup = { accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP' as const, principalId: group.id };
    sim.identityCenter.addAssignment(byGroup);
    sim.identityCenter.addAssignment({ ...byGroup, principalType: 'USER', principalId: user.id });
    await admin.send(new DeleteAccountAssignmentCommand(target(accounts[0].id)));
    sim.clock.advance(5000);
    // The user's assignment still needs the role.
    expect(sim.identityCenter.deprovisionings()).toEqual([]);
    await admin.send(new DeleteAccountAssignmentCommand({ ...target(accounts[0].id), PrincipalType: 'USER', PrincipalId: user.id }));
    sim.clock.advance(5000);
    expect(sim.identityCenter.deprovisionings(ps.arn)).toHaveLength(1);
    await admin.send(new CreateAccountAssignmentCommand(target(accounts[0].id)));
    sim.clock.advance(5000);
    expect(sim.identityCenter.deprovisionings()).toEqual([]);
    sim.clock.advance(180_000);
    expect(sim.identityCenter.isLatestProvisioned(accounts[0].id, ps.arn)).toBe(true);
    await expect(admin.send(new DeletePermissionSetCommand({ InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn })))
      .rejects.toBeInstanceOf(ConflictException);
  });

  test('a provisioning that reaches an account being deprovisioned ends FAILED "Assignment not found."; the others are provisioned', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group, target } = env;
    for (const account of accounts.slice(0, 2)) sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    await admin.send(new DeleteAccountAssignmentCommand(target(accounts[0].id)));
    sim.clock.advance(5000);
    sim.identityCenter.changePermissionSet(ps.arn);
    const started = await admin.send(new ProvisionPermissionSetCommand({ InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
    sim.clock.advance(5000);
    // hashicorp/terraform-provider-aws#35158: a provisioning after the deletion of the last assignment.
    expect(sim.identityCenter.operation(started.PermissionSetProvisioningStatus!.RequestId!)).toMatchObject({ status: 'FAILED', failureReason: 'Received a 404 status error: Assignment not found.' });
    expect(sim.identityCenter.isLatestProvisioned(accounts[1].id, ps.arn)).toBe(true);
    expect(sim.identityCenter.deprovisionings(ps.arn).map((d) => d.accountId)).toEqual([accounts[0].id]);
    sim.clock.advance(180_000);
    expect(sim.identityCenter.provisionedVersion(accounts[0].id, ps.arn)).toBeUndefined();
  });

  test('deprovisioning delays are drawn under the seed; quotas.deprovisionLatency 0 deprovisions with the deletion', async () => {
    const delays = async (options: AwsSimulatorOptions) => {
      env = await frozenSimulator(options);
      for (const account of env.accounts) {
        env.sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: env.ps.arn, principalType: 'GROUP', principalId: env.group.id });
        await env.admin.send(new DeleteAccountAssignmentCommand(env.target(account.id)));
      }
      env.sim.clock.advance(5000);
      const result = env.sim.identityCenter.deprovisionings().map((d) => [d.accountId, d.completesAt - d.startedAt]);
      const provisioned = env.accounts.filter((a) => env.sim.identityCenter.provisionedVersion(a.id, env.ps.arn) !== undefined);
      await env.sim.stop();
      return { result, provisioned };
    };
    const first = await delays({});
    expect(first.result).toHaveLength(3);
    expect(new Set(first.result.map(([, delay]) => delay)).size).toBe(3);
    expect((await delays({})).result).toEqual(first.result);
    const ranged = await delays({ quotas: { deprovisionLatency: { minMs: 60_000, maxMs: 60_000 } } });
    expect(ranged.result.map(([, delay]) => delay)).toEqual([60_000, 60_000, 60_000]);
    const instant = await delays({ quotas: { deprovisionLatency: { minMs: 0, maxMs: 0 } } });
    expect(instant).toEqual({ result: [], provisioned: [] });
    env = await frozenSimulator();
  });

  test('inputs are validated like AWS: malformed ARNs, unknown permission sets and accounts', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, target } = env;
    await expect(admin.send(new CreateAccountAssignmentCommand({ ...target(accounts[0].id), PermissionSetArn: 'arn:aws:sso:::permissionSet/nope' })))
      .rejects.toBeInstanceOf(ValidationException);
    await expect(admin.send(new CreateAccountAssignmentCommand({ ...target(accounts[0].id), PrincipalId: 'not-an-id' }))).rejects.toBeInstanceOf(ValidationException);
    const unknownPs = `arn:aws:sso:::permissionSet/${sim.identityCenter.instanceArn.split('/')[1]}/ps-0000000000000000`;
    const withUnknownPs = admin.send(new CreateAccountAssignmentCommand({ ...target(accounts[0].id), PermissionSetArn: unknownPs }));
    await expect(withUnknownPs).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(admin.send(new CreateAccountAssignmentCommand(target('123123123123')))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(sim.identityCenter.operations()).toEqual([]);
  });

  test('the same seed and the same request sequence give the same request ids, latencies and outcomes', async () => {
    const run = async () => {
      env = await frozenSimulator({ quotas: { asyncLatency: { minMs: 1000, maxMs: 9000 } } });
      for (const account of env.accounts) await env.admin.send(new CreateAccountAssignmentCommand(env.target(account.id)));
      env.sim.clock.advance(9000);
      return env.sim.identityCenter.operations().map((op) => [op.requestId, op.completesAt - op.createdDate, op.status]);
    };
    const first = await run();
    await env.sim.stop();
    const second = await run();
    expect(second).toEqual(first);
    expect(new Set(first.map(([, latency]) => latency)).size).toBe(3);
  });

  test('a delegated administrator cannot touch the management account nor permission sets provisioned to it', async () => {
    env = await frozenSimulator({ identityCenter: { delegatedAdministrator: true } });
    const { sim, admin, accounts, target } = env;
    const onManagement = admin.send(new CreateAccountAssignmentCommand(target(sim.organizations.managementAccountId)));
    await expect(onManagement).rejects.toBeInstanceOf(AccessDeniedException);
    await admin.send(new CreateAccountAssignmentCommand(target(accounts[0].id)));
    sim.identityCenter.provision(sim.organizations.managementAccountId, env.ps.arn);
    await expect(admin.send(new CreateAccountAssignmentCommand(target(accounts[1].id)))).rejects.toBeInstanceOf(AccessDeniedException);
  });

  test('a delegated administrator may not call ListAccountAssignmentsForPrincipal; the management account may', async () => {
    env = await frozenSimulator({ identityCenter: { delegatedAdministrator: true } });
    const { sim, admin, group } = env;
    const input = { InstanceArn: sim.identityCenter.instanceArn, PrincipalId: group.id, PrincipalType: 'GROUP' as const };
    // "This action must be called from the management account" (API_ListAccountAssignmentsForPrincipal.html).
    await expect(admin.send(new ListAccountAssignmentsForPrincipalCommand(input)))
      .rejects.toThrow(/^User: arn:aws:iam::\d{12}:root is not authorized to perform: sso:ListAccountAssignmentsForPrincipal .*must be called from the management account/);
    const reader = sim.iam.createRole({
      accountId: sim.organizations.managementAccountId, name: 'Reader', policy: [{ effect: 'Allow', actions: ['sso:ListAccountAssignmentsForPrincipal'], resources: ['*'] }],
    });
    const fromManagement = new SSOAdminClient({ ...sim.clientConfig(), credentials: sim.iam.credentialsFor(reader.arn), maxAttempts: 1 });
    expect((await fromManagement.send(new ListAccountAssignmentsForPrincipalCommand(input))).AccountAssignments).toEqual([]);
  });

  test('DeletePermissionSet is refused while the set is assigned or provisioned, and removes it once it is neither', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group } = env;
    const input = { InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn };
    sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    // hashicorp/terraform-provider-aws#26757.
    await expect(admin.send(new DeletePermissionSetCommand(input)))
      .rejects.toThrow(new ConflictException({ message: 'Could not delete because PermissionSet has ApplicationProfile associated with it.', $metadata: {} }));
    sim.identityCenter.removeAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    // Provisioned with no assignment: still refused, and no API removes such a provisioning.
    sim.identityCenter.provision(accounts[1].id, ps.arn);
    await expect(admin.send(new DeletePermissionSetCommand(input))).rejects.toBeInstanceOf(ConflictException);
    const other = sim.identityCenter.createPermissionSet({ name: 'Unused' });
    await admin.send(new DeletePermissionSetCommand({ ...input, PermissionSetArn: other.arn }));
    expect(sim.identityCenter.permissionSet(other.arn)).toBeUndefined();
    const again = admin.send(new DeletePermissionSetCommand({ ...input, PermissionSetArn: other.arn }));
    await expect(again).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('a provisioning whose account lost the permission set meanwhile ends FAILED "Assignment not found."', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group } = env;
    const assignment = { accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP' as const, principalId: group.id };
    sim.identityCenter.addAssignment(assignment);
    const started = await admin.send(new ProvisionPermissionSetCommand({ InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: ps.arn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
    sim.identityCenter.removeAssignment(assignment);
    sim.clock.advance(5000);
    // hashicorp/terraform-provider-aws#35158: deleting the last assignment under a running provisioning.
    expect(sim.identityCenter.operation(started.PermissionSetProvisioningStatus!.RequestId!)).toMatchObject({ status: 'FAILED', failureReason: 'Received a 404 status error: Assignment not found.' });
  });

  test('a deleted group\'s assignments stay listed, DescribeGroup answers ResourceNotFoundException, and deleting them FAILS', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, target } = env;
    const leaver = sim.identityStore.createGroup('Leaver');
    sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: leaver.id });
    sim.identityStore.deleteGroup(leaver.id);
    const listed = await admin.send(new ListAccountAssignmentsCommand({
      InstanceArn: sim.identityCenter.instanceArn, AccountId: accounts[0].id, PermissionSetArn: ps.arn,
    }));
    expect(listed.AccountAssignments?.map((a) => a.PrincipalId)).toEqual([leaver.id]);
    const store = new IdentitystoreClient({ ...sim.clientConfig(), maxAttempts: 1 });
    await expect(store.send(new DescribeGroupCommand({ IdentityStoreId: sim.identityStore.identityStoreId, GroupId: leaver.id })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP', ResourceId: leaver.id });
    const deleted = await admin.send(new DeleteAccountAssignmentCommand({ ...target(accounts[0].id), PrincipalId: leaver.id }));
    sim.clock.advance(5000);
    expect(sim.identityCenter.operation(deleted.AccountAssignmentDeletionStatus!.RequestId!)?.failureReason)
      .toBe(`Received a 404 status error: the GROUP assignee ${leaver.id} was not found in directory ${sim.identityStore.identityStoreId}`);
  });
});

describe('Identity Center in the management account acts with the caller\'s IAM permissions', () => {
  let env: Awaited<ReturnType<typeof frozenSimulator>>;
  afterEach(async () => {
    expect(env.sim.unexpectedErrors).toEqual([]);
    await env.sim.stop();
  });
  const SSO = { effect: 'Allow' as const, actions: ['sso:*'], resources: ['*'] };
  const ROLE = { effect: 'Allow' as const, actions: ['iam:*Role*'], resources: ['arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*'] };
  const saml = (actions: string[]) => ({ effect: 'Allow' as const, actions, resources: ['arn:aws:iam::*:saml-provider/AWSSSO_*_DO_NOT_DELETE'] });

  async function assignInManagementAccount(policy: Array<{ effect: 'Allow'; actions: string[]; resources: string[] }>, times = 1) {
    env = await frozenSimulator();
    const { sim, target, group } = env;
    const role = sim.iam.createRole({ accountId: sim.organizations.managementAccountId, name: 'Assigner', policy });
    const client = new SSOAdminClient({ ...sim.clientConfig(), credentials: sim.iam.credentialsFor(role.arn), maxAttempts: 1 });
    const reasons: Array<string | undefined> = [];
    for (let i = 0; i < times; i++) {
      const principal = i === 0 ? group : sim.identityStore.createGroup(`Other${i}`);
      const input = { ...target(sim.organizations.managementAccountId), PrincipalId: principal.id };
      const started = await client.send(new CreateAccountAssignmentCommand(input));
      sim.clock.advance(5000);
      reasons.push(sim.identityCenter.operation(started.AccountAssignmentCreationStatus!.RequestId!)?.failureReason);
    }
    return reasons;
  }

  test('without iam:CreateSAMLProvider the first assignment there FAILS with IAM\'s 403 (landing-zone-accelerator-on-aws#496)', async () => {
    const [reason] = await assignInManagementAccount([SSO, ROLE, saml(['iam:GetSAMLProvider'])]);
    expect(reason).toMatch(/^Received a 403 status error: Access denied by IAM\. Please check your policy, or wait for role propagation to complete\. IAM Error: User: arn:aws:sts::\d{12}:assumed-role\/Assigner\/session is not authorized to perform: iam:CreateSAMLProvider on resource: arn:aws:iam::\d{12}:saml-provider\/AWSSSO_[0-9a-f]{16}_DO_NOT_DELETE/);
  });

  test('a later assignment there needs iam:UpdateSAMLProvider (fivexl/terraform-aws-sso-elevator#15); with every permission both succeed', async () => {
    expect(await assignInManagementAccount([SSO, ROLE, saml(['iam:GetSAMLProvider', 'iam:CreateSAMLProvider'])], 2))
      .toEqual([undefined, expect.stringContaining('is not authorized to perform: iam:UpdateSAMLProvider')]);
    await env.sim.stop();
    expect(await assignInManagementAccount([SSO, ROLE, saml(['iam:GetSAMLProvider', 'iam:CreateSAMLProvider', 'iam:UpdateSAMLProvider'])], 2))
      .toEqual([undefined, undefined]);
  });

  test('member accounts need none of this: the service-linked role acts there', async () => {
    env = await frozenSimulator();
    const { sim, target, accounts } = env;
    const role = sim.iam.createRole({ accountId: sim.organizations.managementAccountId, name: 'Assigner', policy: [SSO] });
    const client = new SSOAdminClient({ ...sim.clientConfig(), credentials: sim.iam.credentialsFor(role.arn), maxAttempts: 1 });
    const started = await client.send(new CreateAccountAssignmentCommand(target(accounts[0].id)));
    sim.clock.advance(5000);
    expect(sim.identityCenter.operation(started.AccountAssignmentCreationStatus!.RequestId!)?.status).toBe('SUCCEEDED');
  });
});

describe('Identity Center permission set tags (TagResource, UntagResource, ListTagsForResource)', () => {
  let env: Awaited<ReturnType<typeof frozenSimulator>>;
  afterEach(async () => {
    expect(env.sim.unexpectedErrors).toEqual([]);
    await env.sim.stop();
  });
  const listTags = async (arn: string) => {
    const tags: Array<{ Key?: string; Value?: string }> = [];
    const input = { InstanceArn: env.sim.identityCenter.instanceArn, ResourceArn: arn };
    for await (const page of paginateListTagsForResource({ client: env.admin }, input)) {
      tags.push(...(page.Tags ?? []));
    }
    return tags;
  };

  test('CreatePermissionSet takes Tags; TagResource adds and overwrites, UntagResource removes; provisioning is unaffected', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, group } = env;
    const instance = sim.identityCenter.instanceArn;
    const created = await admin.send(new CreatePermissionSetCommand({
      InstanceArn: instance, Name: 'Tagged', Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'cost-center', Value: '' }],
    }));
    const arn = created.PermissionSet!.PermissionSetArn!;
    expect(await listTags(arn)).toEqual([{ Key: 'cost-center', Value: '' }, { Key: 'team', Value: 'blue' }]);
    sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: arn, principalType: 'GROUP', principalId: group.id });

    await admin.send(new TagResourceCommand({ InstanceArn: instance, ResourceArn: arn, Tags: [{ Key: 'team', Value: 'green' }, { Key: 'Team', Value: 'x' }] }));
    expect(sim.identityCenter.permissionSet(arn)!.tags).toEqual({ 'cost-center': '', 'team': 'green', 'Team': 'x' });
    await admin.send(new UntagResourceCommand({ InstanceArn: instance, ResourceArn: arn, TagKeys: ['Team', 'cost-center', 'never-there'] }));
    expect(sim.identityCenter.permissionSetTags(arn)).toEqual({ team: 'green' });
    expect(await listTags(arn)).toEqual([{ Key: 'team', Value: 'green' }]);
    // Tags are not part of the role: nothing falls behind.
    expect(sim.identityCenter.isLatestProvisioned(accounts[0].id, arn)).toBe(true);
    expect(sim.identityCenter.accountsBehind(arn)).toEqual([]);
  });

  test('50 tags at most per permission set (ServiceQuotaExceededException); 75 per request; each tag validated like AWS', async () => {
    env = await frozenSimulator({ pagination: { shortPageProbability: 0.9 } });
    const { sim, admin, ps } = env;
    const instance = sim.identityCenter.instanceArn;
    const tags = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));
    const tag = (Tags: Array<{ Key?: string; Value?: string }>, ResourceArn = ps.arn) =>
      admin.send(new TagResourceCommand({ InstanceArn: instance, ResourceArn, Tags: Tags as never }));

    await tag(tags(50));
    // Short pages on purpose: the SDK paginator collects them all.
    expect(await listTags(ps.arn)).toHaveLength(50);
    // Overwriting keys it has stays within the quota; one more key does not, and nothing is applied.
    await tag([{ Key: 'k0', Value: 'changed' }]);
    await expect(tag([{ Key: 'k1', Value: 'x' }, { Key: 'one-more', Value: 'x' }])).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    expect(sim.identityCenter.permissionSetTags(ps.arn).k1).toBe('v1');
    await expect(admin.send(new CreatePermissionSetCommand({ InstanceArn: instance, Name: 'TooMany', Tags: tags(51) })))
      .rejects.toBeInstanceOf(ServiceQuotaExceededException);
    expect(sim.identityCenter.permissionSetByName('TooMany')).toBeUndefined();

    const refused = async (promise: Promise<unknown>, type: new (...args: never[]) => Error, message: string | RegExp) => {
      await expect(promise).rejects.toBeInstanceOf(type);
      await expect(promise).rejects.toThrow(message);
    };
    await refused(tag(tags(76, 'r')), ValidationException, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 75");
    await refused(tag([{ Key: 'a'.repeat(129), Value: 'v' }]), ValidationException,
      `1 validation error detected: Value '${'a'.repeat(129)}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`);
    await refused(tag([{ Key: 'ok', Value: 'v' }, { Key: 'ok2', Value: 'v'.repeat(257) }]), ValidationException, "at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256");
    await refused(tag([{ Key: 'semi;colon', Value: 'v' }]), ValidationException, "at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern");
    await refused(tag([{ Key: '', Value: 'v' }]), ValidationException, 'Member must have length greater than or equal to 1');
    await refused(tag([{ Key: 'k' }]), ValidationException, "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null");
    await refused(tag([{ Key: 'AWS:reserved', Value: 'v' }]), ValidationException, "Tag keys starting with 'aws:' are reserved for AWS use");
    await refused(tag([{ Key: 'twice', Value: 'a' }, { Key: 'twice', Value: 'b' }]), ValidationException, 'Duplicate tag key');
    await refused(admin.send(new UntagResourceCommand({ InstanceArn: instance, ResourceArn: ps.arn, TagKeys: [] })), ValidationException,
      "Value at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1");
    await refused(tag([{ Key: 'k', Value: 'v' }], `${ps.arn.slice(0, -4)}0000`), ResourceNotFoundException, 'Could not find PermissionSet with arn');
    await refused(tag([{ Key: 'k', Value: 'v' }], 'arn:aws:sso:::permissionSet/ps-1'), ValidationException, "at 'resourceArn' failed to satisfy constraint");
    await refused(admin.send(new TagResourceCommand({ ResourceArn: ps.arn, Tags: [{ Key: 'k', Value: 'v' }] })), ValidationException, 'InstanceArn is required');
    await refused(tag([{ Key: 'k', Value: 'v' }], instance), ValidationException, 'tags on permission sets only');
    await refused(admin.send(new ListTagsForResourceCommand({ InstanceArn: instance, ResourceArn: `arn:aws:sso::${sim.accountId}:application/${sim.identityCenter.instanceArn.split('/')[1]}/apl-1234567890abcdef` })),
      ResourceNotFoundException, 'not found');
    expect(sim.identityCenter.permissionSetTags(ps.arn)).toMatchObject({ k0: 'changed' });
    expect(Object.keys(sim.identityCenter.permissionSetTags(ps.arn))).toHaveLength(50);
  });

  test('fixtures set tags directly: createPermissionSet({ tags }), tagPermissionSet, untagPermissionSet, with the same limits', async () => {
    env = await frozenSimulator();
    const { sim } = env;
    const ps = sim.identityCenter.createPermissionSet({ name: 'Catalog', tags: { 'cdk-identity-center-permissions:catalog': 'cat-1' } });
    expect(ps.tags).toEqual({ 'cdk-identity-center-permissions:catalog': 'cat-1' });
    sim.identityCenter.tagPermissionSet(ps.arn, { owner: 'platform' });
    sim.identityCenter.untagPermissionSet(ps.arn, ['cdk-identity-center-permissions:catalog']);
    expect(sim.identityCenter.permissionSetTags(ps.arn)).toEqual({ owner: 'platform' });
    expect(() => sim.identityCenter.createPermissionSet({ name: 'Bad', tags: { 'aws:x': 'y' } })).toThrow('reserved for AWS use');
    expect(() => sim.identityCenter.tagPermissionSet(ps.arn, { ['k'.repeat(129)]: 'v' })).toThrow('Member must have length less than or equal to 128');
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(() => sim.identityCenter.tagPermissionSet(ps.arn, many)).toThrow(expect.objectContaining({ code: 'ServiceQuotaExceededException' }));
    expect(sim.identityCenter.permissionSetTags('arn:aws:sso:::permissionSet/none')).toEqual({});
  });
});

describe('IAM evaluates tag-conditioned statements on permission sets (the catalog grant)', () => {
  let env: Awaited<ReturnType<typeof frozenSimulator>>;
  afterEach(async () => {
    expect(env.sim.unexpectedErrors).toEqual([]);
    await env.sim.stop();
  });
  const CATALOG_TAG = 'cdk-identity-center-permissions:catalog';
  const WRITES = ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment', 'sso:ProvisionPermissionSet'];

  /** A role whose only allowance on permission sets is the statement conditioned on the catalog tag. */
  async function catalogWorld() {
    env = await frozenSimulator();
    const { sim, group, accounts } = env;
    const instance = sim.identityCenter.instanceArn;
    const instanceId = instance.split('/')[1];
    const role = sim.iam.createRole({
      accountId: sim.accountId,
      name: 'Reconciler',
      policy: [
        { effect: 'Allow', actions: WRITES, resources: [instance, 'arn:aws:sso:::account/*'] },
        {
          effect: 'Allow',
          actions: [...WRITES, 'sso:DeletePermissionSet'],
          resources: [`arn:aws:sso:::permissionSet/${instanceId}/*`],
          conditions: { StringEquals: { [`aws:ResourceTag/${CATALOG_TAG}`]: 'cat-1' } },
        },
        { effect: 'Allow', actions: ['sso:DeletePermissionSet'], resources: [instance] },
        { effect: 'Allow', actions: ['sso:Describe*', 'sso:List*'], resources: ['*'] },
      ],
    });
    const reconciler = new SSOAdminClient({ ...sim.clientConfig(), credentials: sim.iam.credentialsFor(role.arn, 'run'), maxAttempts: 1 });
    const catalog = sim.identityCenter.createPermissionSet({ name: 'CatalogAdmin', tags: { [CATALOG_TAG]: 'cat-1' } });
    const foreign = sim.identityCenter.createPermissionSet({ name: 'OtherCatalog', tags: { [CATALOG_TAG]: 'cat-2' } });
    const untagged = sim.identityCenter.createPermissionSet({ name: 'Untagged' });
    for (const ps of [catalog, foreign, untagged]) {
      sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    }
    const assignment = (permissionSetArn: string) => ({
      InstanceArn: instance, TargetId: accounts[0].id, TargetType: 'AWS_ACCOUNT' as const, PermissionSetArn: permissionSetArn, PrincipalType: 'GROUP' as const, PrincipalId: group.id,
    });
    const denied = (action: string, resource: string) => `User: arn:aws:sts::${sim.accountId}:assumed-role/Reconciler/run is not authorized to perform: `
      + `${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
    return { ...env, reconciler, catalog, foreign, untagged, assignment, denied, instance };
  }

  test('DeleteAccountAssignment is allowed on the tagged set and denied on an untagged one or another catalog\'s', async () => {
    const { sim, reconciler, catalog, foreign, untagged, assignment, denied } = await catalogWorld();
    const started = await reconciler.send(new DeleteAccountAssignmentCommand(assignment(catalog.arn)));
    expect(started.AccountAssignmentDeletionStatus?.Status).toBe('IN_PROGRESS');
    sim.clock.advance(5000);
    expect(sim.identityCenter.operation(started.AccountAssignmentDeletionStatus!.RequestId!)?.status).toBe('SUCCEEDED');

    for (const ps of [untagged, foreign]) {
      const refused = reconciler.send(new DeleteAccountAssignmentCommand(assignment(ps.arn)));
      await expect(refused).rejects.toBeInstanceOf(AccessDeniedException);
      await expect(refused).rejects.toThrow(denied('sso:DeleteAccountAssignment', ps.arn));
    }
    expect(sim.identityCenter.assignments({ permissionSetArn: untagged.arn })).toHaveLength(1);
  });

  test('the tags are read at each request: tagging a set grants, untagging revokes', async () => {
    const { sim, admin, reconciler, catalog, untagged, assignment, denied, instance } = await catalogWorld();
    await admin.send(new TagResourceCommand({ InstanceArn: instance, ResourceArn: untagged.arn, Tags: [{ Key: CATALOG_TAG, Value: 'cat-1' }] }));
    await reconciler.send(new DeleteAccountAssignmentCommand(assignment(untagged.arn)));
    await admin.send(new UntagResourceCommand({ InstanceArn: instance, ResourceArn: catalog.arn, TagKeys: [CATALOG_TAG] }));
    await expect(reconciler.send(new CreateAccountAssignmentCommand(assignment(catalog.arn)))).rejects.toThrow(denied('sso:CreateAccountAssignment', catalog.arn));
    // A value differing only in case does not match StringEquals.
    sim.identityCenter.tagPermissionSet(catalog.arn, { [CATALOG_TAG]: 'CAT-1' });
    await expect(reconciler.send(new CreateAccountAssignmentCommand(assignment(catalog.arn)))).rejects.toBeInstanceOf(AccessDeniedException);
  });

  test('ProvisionPermissionSet to all accounts and DeletePermissionSet follow the same tag', async () => {
    const { sim, reconciler, catalog, untagged, denied, instance, accounts, group } = await catalogWorld();
    await reconciler.send(new ProvisionPermissionSetCommand({ InstanceArn: instance, PermissionSetArn: catalog.arn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
    await expect(reconciler.send(new ProvisionPermissionSetCommand({ InstanceArn: instance, PermissionSetArn: untagged.arn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' })))
      .rejects.toThrow(denied('sso:ProvisionPermissionSet', untagged.arn));
    sim.clock.advance(5000);
    for (const ps of [catalog, untagged]) sim.identityCenter.removeAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    sim.clock.advance(180_000);
    await expect(reconciler.send(new DeletePermissionSetCommand({ InstanceArn: instance, PermissionSetArn: untagged.arn })))
      .rejects.toThrow(denied('sso:DeletePermissionSet', untagged.arn));
    await reconciler.send(new DeletePermissionSetCommand({ InstanceArn: instance, PermissionSetArn: catalog.arn }));
    expect(sim.identityCenter.permissionSet(catalog.arn)).toBeUndefined();
    // A deleted set has no tags left to match.
    expect(sim.iam.resourceTags(catalog.arn)).toEqual({});
  });

  test('CreatePermissionSet with Tags also needs sso:TagResource', async () => {
    env = await frozenSimulator();
    const { sim } = env;
    const instance = sim.identityCenter.instanceArn;
    const creator = (actions: string[], name: string) => {
      const role = sim.iam.createRole({ accountId: sim.accountId, name, policy: [{ effect: 'Allow', actions, resources: ['*'] }] });
      return new SSOAdminClient({ ...sim.clientConfig(), credentials: sim.iam.credentialsFor(role.arn), maxAttempts: 1 });
    };
    const onlyCreate = creator(['sso:CreatePermissionSet'], 'OnlyCreate');
    await onlyCreate.send(new CreatePermissionSetCommand({ InstanceArn: instance, Name: 'NoTags' }));
    await expect(onlyCreate.send(new CreatePermissionSetCommand({ InstanceArn: instance, Name: 'WithTags', Tags: [{ Key: 'k', Value: 'v' }] })))
      .rejects.toThrow(`is not authorized to perform: sso:TagResource on resource: ${instance}`);
    await creator(['sso:CreatePermissionSet', 'sso:TagResource'], 'CreateAndTag')
      .send(new CreatePermissionSetCommand({ InstanceArn: instance, Name: 'WithTags', Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(sim.identityCenter.permissionSetTags(sim.identityCenter.permissionSetByName('WithTags')!.arn)).toEqual({ k: 'v' });
  });
});
