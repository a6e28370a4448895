import { configWith } from './documents';
import { PS, accountIdOf, orgFrom } from './fakes';
import { RuleDocument } from '../../src/reconciler/config/document';
import { computeDesired } from '../../src/reconciler/core/desired';
import { OrgIndex } from '../../src/reconciler/core/org-index';
import { principalLookupKey } from '../../src/reconciler/core/references';
import { OrgAccount, OrgSnapshot } from '../../src/reconciler/core/snapshot';

const org = orgFrom({
  'Root': ['management'],
  'Root/Security': ['audit', 'log-archive'],
  'Root/Workloads': ['shared'],
  'Root/Workloads/Prod': ['prod-1', 'prod-2'],
  'Root/Workloads/Prod/Payments': ['payments'],
  'Root/Workloads/Dev': ['dev-1'],
  'Root/Sandbox': ['sandbox-1', 'closing'],
  'Root/Sandbox/Prod': ['sandbox-prod'],
}, { suspended: ['closing'], tags: { 'prod-1': { env: 'prod' }, 'payments': { env: 'prod', team: 'pay' }, 'dev-1': { env: 'dev' } } });

const admins = { group: 'Admins' };
function desiredFor(rules: RuleDocument[], snapshot: OrgSnapshot = org, options = {}, eligible = (a: OrgAccount) => a.status === 'ACTIVE') {
  const doc = configWith(rules, options);
  const principals = new Map([
    [principalLookupKey(admins, (options as { groupNameSuffix?: string }).groupNameSuffix), { value: { principalType: 'GROUP' as const, principalId: 'g-admins' } }],
    [principalLookupKey({ user: 'jane@example.com' }), { value: { principalType: 'USER' as const, principalId: 'u-jane' } }],
    [principalLookupKey({ group: 'Ghosts' }), { error: "no group has the display name 'Ghosts' in the identity store" }],
  ]);
  const permissionSets = new Map(doc.permissionSets.map((p) => [p.name, { value: p.arn! }]));
  return computeDesired(doc, new OrgIndex(snapshot), { principals, permissionSets }, eligible);
}
const names = (result: ReturnType<typeof desiredFor>) =>
  [...result.assignments.values()].map((a) => org.accounts.get(a.accountId)!.name).sort();

describe('desired assignments', () => {
  test('all accounts selects every ACTIVE account', () => {
    const result = desiredFor([{ principal: admins, permissionSet: 'Admin', target: { all: true } }]);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['audit', 'dev-1', 'log-archive', 'management', 'payments', 'prod-1', 'prod-2', 'sandbox-1', 'sandbox-prod', 'shared']);
  });

  test('each assignment names the rules that grant it, every one of them where rules overlap', () => {
    const result = desiredFor([
      { principal: admins, permissionSet: 'Admin', target: { ou: 'Root/Workloads' } },
      { principal: admins, permissionSet: 'Admin', target: { account: 'prod-1' } },
    ]);
    const rulesOf = (account: string) => {
      const a = [...result.assignments.values()].find((x) => x.accountId === accountIdOf(org, account))!;
      return result.grantedBy.get(`${a.principalType}:${a.principalId}|${a.permissionSetArn}|${a.accountId}`);
    };
    expect(rulesOf('prod-1')).toEqual([0, 1]);
    expect(rulesOf('shared')).toEqual([0]);
    expect(result.grantedBy.size).toBe(result.assignments.size);
  });

  test('suspended or closing accounts are never targeted', () => {
    const result = desiredFor([{ principal: admins, permissionSet: 'Admin', target: { account: 'closing' } }]);
    expect(result.errors).toEqual([]);
    expect(result.assignments.size).toBe(0);
  });

  test('the management account is never planned in delegated-admin mode', () => {
    const management = accountIdOf(org, 'management');
    const result = desiredFor([{ principal: admins, permissionSet: 'Admin', target: { all: true } }], org, { managementAccountId: management },
      (a) => a.status === 'ACTIVE' && a.id !== management);
    expect(names(result)).not.toContain('management');
    expect(result.assignments.size).toBe(9);
  });

  test('an OU by path includes nested OUs by default', () => {
    expect(names(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { ou: 'Root/Workloads' } }])))
      .toEqual(['dev-1', 'payments', 'prod-1', 'prod-2', 'shared']);
  });

  test('includeNested: false selects direct children only', () => {
    expect(names(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { ou: 'Root/Workloads', nested: false } }]))).toEqual(['shared']);
  });

  test('an OU by path without the root name, by id and by unique name', () => {
    const byPath = names(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { ou: 'Workloads/Prod' } }]));
    const prodId = [...org.units.values()].find((u) => u.name === 'Payments')!.parentId!;
    const byId = names(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { ou: prodId } }]));
    const byName = names(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { ou: 'Payments' } }]));
    expect(byPath).toEqual(['payments', 'prod-1', 'prod-2']);
    expect(byId).toEqual(byPath);
    expect(byName).toEqual(['payments']);
  });

  test('an ambiguous OU name is an error naming the rule and both paths', () => {
    const result = desiredFor([{ principal: admins, permissionSet: 'Admin', target: { ou: 'Prod' } }]);
    expect(result.assignments.size).toBe(0);
    expect(result.errors).toEqual(["rule 1 (group Admins -> Admin @ ou Prod): organizational unit name 'Prod' is ambiguous (Root/Sandbox/Prod, Root/Workloads/Prod); use its path or id"]);
  });

  test('unknown OU path, OU id and account name are errors', () => {
    const result = desiredFor([
      { principal: admins, permissionSet: 'Admin', target: { ou: 'Root/Workloads/Staging' } },
      { principal: admins, permissionSet: 'Admin', target: { ou: 'ou-root-zzzzzzzz' } },
      { principal: admins, permissionSet: 'Admin', target: { account: 'nope' } },
    ]);
    expect(result.errors).toEqual([
      "rule 1 (group Admins -> Admin @ ou Root/Workloads/Staging): organizational unit path 'Root/Workloads/Staging' does not exist (no 'Staging' under Root/Workloads)",
      'rule 2 (group Admins -> Admin @ ou ou-root-zzzzzzzz): organizational unit ou-root-zzzzzzzz does not exist',
      "rule 3 (group Admins -> Admin @ account nope): no account is named 'nope'",
    ]);
  });

  test('an account by name or id; an ambiguous account name is rejected', () => {
    const twins = orgFrom({ 'Root/A': ['twin'], 'Root/B': ['twin', 'solo'] });
    expect(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { account: 'solo' } }], twins).assignments.size).toBe(1);
    expect(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { account: accountIdOf(twins, 'solo') } }], twins).assignments.size).toBe(1);
    expect(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { account: 'twin' } }], twins).errors[0])
      .toMatch(/account name 'twin' is ambiguous \(100000000001, 100000000002\); use the account id/);
  });

  test('accounts by tag', () => {
    expect(names(desiredFor([{ principal: admins, permissionSet: 'Admin', target: { tag: { key: 'env', value: 'prod' } } }]))).toEqual(['payments', 'prod-1']);
  });

  test('exclusions remove accounts selected by any target kind', () => {
    const result = desiredFor([{
      principal: admins,
      permissionSet: 'Admin',
      target: { all: true, exclude: [{ ou: 'Root/Sandbox' }, { account: 'audit' }, { tag: { key: 'team', value: 'pay' } }] },
    }]);
    expect(names(result)).toEqual(['dev-1', 'log-archive', 'management', 'prod-1', 'prod-2', 'shared']);
  });

  test('an unresolvable exclusion makes the rule an error rather than widening it', () => {
    const result = desiredFor([{ principal: admins, permissionSet: 'Admin', target: { all: true, exclude: [{ ou: 'Root/Nope' }] } }]);
    expect(result.assignments.size).toBe(0);
    expect(result.errors[0]).toMatch(/organizational unit path 'Root\/Nope' does not exist/);
  });

  test('users are assigned like groups', () => {
    const result = desiredFor([{ principal: { user: 'jane@example.com' }, permissionSet: 'ReadOnly', target: { account: 'audit' } }]);
    expect([...result.assignments.values()]).toEqual([{ principalType: 'USER', principalId: 'u-jane', permissionSetArn: PS('ReadOnly'), accountId: accountIdOf(org, 'audit') }]);
  });

  test('the group name suffix is part of the lookup key', () => {
    expect(principalLookupKey({ group: 'ADMINS' }, '@corp.example.com')).toBe('group:ADMINS@corp.example.com');
    expect(principalLookupKey({ user: 'jane' }, '@corp.example.com')).toBe('user:jane');
    const result = desiredFor([{ principal: admins, permissionSet: 'Admin', target: { account: 'audit' } }], org, { groupNameSuffix: '@corp' });
    expect(result.errors).toEqual([]);
    expect(result.assignments.size).toBe(1);
  });

  test('an unknown principal is an error for its rule only', () => {
    const result = desiredFor([
      { principal: { group: 'Ghosts' }, permissionSet: 'Admin', target: { all: true } },
      { principal: admins, permissionSet: 'Admin', target: { account: 'audit' } },
    ]);
    expect(result.errors).toEqual(["rule 1 (group Ghosts -> Admin @ all accounts): no group has the display name 'Ghosts' in the identity store"]);
    expect(result.assignments.size).toBe(1);
    expect(result.perRule).toEqual([0, 1]);
  });

  test('rules overlapping on the same assignment yield it once', () => {
    const result = desiredFor([
      { principal: admins, permissionSet: 'Admin', target: { ou: 'Root/Security' } },
      { principal: admins, permissionSet: 'Admin', target: { account: 'audit' } },
    ]);
    expect(result.assignments.size).toBe(2);
    expect(result.perRule).toEqual([2, 1]);
  });
});
