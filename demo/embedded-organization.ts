import type { AwsSimulator } from '../simulator';

/** The groups of the example app, as an identity provider synchronizes them (with the AD domain). */
export const DEMO_GROUPS = ['AWS-Auditors', 'AWS-Platform-Admins', 'AWS-Developers', 'AWS-Security'];
const SUFFIX = '@corp.example.com';

/**
 * An organization like the example landing zone expects: nested OUs, about 50 accounts, the
 * groups its rules name, a break-glass user, Control Tower's AWSAdministratorAccess permission
 * set, and a few assignments that other tools made (which the reconciler must leave alone).
 */
export function embedOrganization(sim: AwsSimulator): { controlTower: number; neighbour: number } {
  const orgs = sim.organizations;
  const ou = (parent: string, name: string) => orgs.createOrganizationalUnit(parent, name).id;
  const security = ou(orgs.rootId, 'Security');
  const platform = ou(orgs.rootId, 'Platform');
  const workloads = ou(orgs.rootId, 'Workloads');
  const dev = ou(workloads, 'Dev');
  const prod = ou(workloads, 'Prod');
  const payments = ou(prod, 'Payments');
  const sandbox = ou(orgs.rootId, 'Sandbox');
  const suspended = ou(orgs.rootId, 'Suspended');

  const account = (name: string, parentId: string, tags: Record<string, string> = {}) => orgs.createAccount({ name, parentId, tags });
  account('Security', security, { 'data-classification': 'restricted' });
  account('Log Archive', security, { 'data-classification': 'restricted' });
  for (const name of ['Network', 'Shared Services', 'Identity']) account(name, platform);
  for (let i = 1; i <= 12; i++) account(`dev-team-${String(i).padStart(2, '0')}`, dev);
  for (let i = 1; i <= 10; i++) account(`prod-team-${String(i).padStart(2, '0')}`, prod, i % 3 === 0 ? { 'data-classification': 'restricted' } : {});
  for (let i = 1; i <= 4; i++) account(`payments-${i}`, payments, { 'data-classification': 'restricted' });
  for (let i = 1; i <= 14; i++) account(`sandbox-${String(i).padStart(2, '0')}`, sandbox);
  for (let i = 1; i <= 3; i++) orgs.setAccountStatus(account(`closed-${i}`, suspended).id, 'SUSPENDED');

  const groups = new Map(DEMO_GROUPS.map((name) => [name, sim.identityStore.createGroup(`${name}${SUFFIX}`)]));
  sim.identityStore.createUser('break-glass@example.com');
  const controlTowerAdmins = sim.identityStore.createGroup('AWSControlTowerAdmins');

  // Control Tower's permission set and its group's assignments: outside the reconciler's scope.
  const ctAdmin = sim.identityCenter.createPermissionSet({ name: 'AWSAdministratorAccess', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
  const active = orgs.accounts().filter((a) => a.status === 'ACTIVE');
  const group = (principalId: string, accountId: string) => ({ accountId, permissionSetArn: ctAdmin.arn, principalType: 'GROUP' as const, principalId });
  const controlTower = active.slice(0, 6).map((a) => group(controlTowerAdmins.id, a.id));
  // A neighbour's assignment of a managed group (Account Factory's, say): the group with a permission
  // set the catalog does not own. The reconciler owns pairs, not principals, so it stays.
  const neighbour = [group(groups.get('AWS-Developers')!.id, active.find((a) => a.name === 'sandbox-01')!.id)];
  for (const a of [...controlTower, ...neighbour]) sim.identityCenter.addAssignment(a);
  return { controlTower: controlTower.length, neighbour: neighbour.length };
}

/**
 * Drift, planted once the catalog is deployed: someone gave a managed group one of the catalog's
 * permission sets by hand in an account no rule names for that pair. The reconciler owns the pair,
 * so the next apply removes it.
 */
export function plantDrift(sim: AwsSimulator): number {
  const developers = sim.identityStore.groups().find((g) => g.displayName === `AWS-Developers${SUFFIX}`)!;
  const developer = sim.identityCenter.permissionSetByName('Developer')!;
  const sandbox = sim.organizations.accounts().find((a) => a.name === 'sandbox-02')!;
  sim.identityCenter.addAssignment({ accountId: sandbox.id, permissionSetArn: developer.arn, principalType: 'GROUP', principalId: developers.id });
  return 1;
}
