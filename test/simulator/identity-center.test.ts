import { DescribeGroupCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  AccessDeniedException, ConflictException, CreateAccountAssignmentCommand, DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand, DescribePermissionSetCommand, DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentsCommand, ListAccountsForProvisionedPermissionSetCommand, ListPermissionSetsProvisionedToAccountCommand,
  ProvisionPermissionSetCommand, DeletePermissionSetCommand, ListAccountAssignmentsForPrincipalCommand,
  ResourceNotFoundException, SSOAdminClient, ThrottlingException, ValidationException,
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

  test('the last deleted assignment removes the role: the account no longer has the permission set provisioned', async () => {
    env = await frozenSimulator();
    const { sim, admin, accounts, ps, group, target } = env;
    sim.identityCenter.addAssignment({ accountId: accounts[0].id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
    await admin.send(new DeleteAccountAssignmentCommand(target(accounts[0].id)));
    sim.clock.advance(5000);
    expect(sim.identityCenter.provisionedVersion(accounts[0].id, ps.arn)).toBeUndefined();
    const listed = await admin.send(new ListAccountAssignmentsCommand({
      InstanceArn: sim.identityCenter.instanceArn, AccountId: accounts[0].id, PermissionSetArn: ps.arn,
    }));
    expect(listed.AccountAssignments).toEqual([]);
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
