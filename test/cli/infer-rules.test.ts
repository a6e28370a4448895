import { inferRules } from '../../src/cli/infer-rules';
import { CONFIG_VERSION, ConfigDocument, TargetDocument } from '../../src/reconciler/config/document';
import { computeDesired } from '../../src/reconciler/core/desired';
import { Assignment } from '../../src/reconciler/core/model';
import { OrgIndex } from '../../src/reconciler/core/org-index';
import { eligibility } from '../../src/reconciler/core/scope';
import { OrgAccount, OrgUnit } from '../../src/reconciler/core/snapshot';

// The inference must select exactly what a pair holds, as the reconciler reads a target
// (computeDesired over the same organization): checked on hand-made cases and on random ones.

const PS = 'arn:aws:sso:::permissionSet/ssoins-1/ps-1';
const MANAGEMENT = '000000000000';

interface Layout { units: OrgUnit[]; accounts: OrgAccount[] }

/** Root: management; Workloads: w1, w2, Prod (p1-p5), Dev (d1-d4); Sandbox: s1-s6 and a suspended one; Suspended: x1. */
function layout(): Layout {
  const units: OrgUnit[] = [
    { id: 'r-root', name: 'Root' },
    { id: 'ou-root-work0001', name: 'Workloads', parentId: 'r-root' },
    { id: 'ou-root-prod0001', name: 'Prod', parentId: 'ou-root-work0001' },
    { id: 'ou-root-dev00001', name: 'Dev', parentId: 'ou-root-work0001' },
    { id: 'ou-root-sand0001', name: 'Sandbox', parentId: 'r-root' },
    { id: 'ou-root-susp0001', name: 'Suspended', parentId: 'r-root' },
  ];
  let n = 1;
  const account = (name: string, parentId: string, status = 'ACTIVE'): OrgAccount => ({ id: String(100000000000 + n++), name, parentId, status });
  const accounts = [
    { id: MANAGEMENT, name: 'management', parentId: 'r-root', status: 'ACTIVE' },
    account('w1', 'ou-root-work0001'), account('w2', 'ou-root-work0001'),
    ...[1, 2, 3, 4, 5].map((i) => account(`p${i}`, 'ou-root-prod0001')),
    ...[1, 2, 3, 4].map((i) => account(`d${i}`, 'ou-root-dev00001')),
    ...[1, 2, 3, 4, 5, 6].map((i) => account(`s${i}`, 'ou-root-sand0001')),
    account('s-closed', 'ou-root-sand0001', 'SUSPENDED'),
    account('x1', 'ou-root-susp0001', 'SUSPENDED'),
  ];
  return { units, accounts };
}

const index = (l: Layout) => new OrgIndex({ rootId: 'r-root', units: new Map(l.units.map((u) => [u.id, u])), accounts: new Map(l.accounts.map((a) => [a.id, a])) });

function holding(l: Layout, names: string[], principalId = 'g-1'): Assignment[] {
  return names.map((name) => {
    const account = l.accounts.find((a) => a.name === name || a.id === name);
    if (!account) throw new Error(`no account ${name}`);
    return { principalType: 'GROUP', principalId, permissionSetArn: PS, accountId: account.id };
  });
}

/** What the reconciler makes of these targets: the account ids computeDesired selects. */
function selectedBy(org: OrgIndex, targets: TargetDocument[], managementAccountId?: string): string[] {
  const doc: ConfigDocument = {
    version: CONFIG_VERSION,
    instanceArn: 'arn:aws:sso:::instance/ssoins-1',
    identityStoreId: 'd-1',
    options: { managementAccountId },
    permissionSets: [{ name: 'PS', arn: PS }],
    rules: targets.map((target) => ({ principal: { groupId: 'g-1' }, permissionSet: 'PS', target })),
  };
  const refs = { principals: new Map([['groupId:g-1', { value: { principalType: 'GROUP' as const, principalId: 'g-1' } }]]), permissionSets: new Map([['PS', { value: PS }]]) };
  const desired = computeDesired(doc, org, refs, eligibility(managementAccountId));
  expect(desired.errors).toEqual([]);
  return [...desired.assignments.values()].map((a) => a.accountId).sort();
}

function infer(l: Layout, names: string[], managementAccountId?: string) {
  const org = index(l);
  const assignments = holding(l, names);
  const result = inferRules(org, assignments, eligibility(managementAccountId));
  const targets = result.rules.map((r) => r.target);
  const eligibleHeld = assignments.filter((a) => !result.leftOut.some((o) => o.assignment.accountId === a.accountId)).map((a) => a.accountId).sort();
  expect(selectedBy(org, targets, managementAccountId)).toEqual(eligibleHeld);
  return { targets, leftOut: result.leftOut };
}

const active = (l: Layout) => l.accounts.filter((a) => a.status === 'ACTIVE').map((a) => a.name);

describe('inferRules', () => {
  test('a pair in every ACTIVE account is allAccounts(), whatever the suspended accounts hold', () => {
    const l = layout();
    expect(infer(l, active(l)).targets).toEqual([{ all: true }]);
    const withSuspended = infer(l, [...active(l), 's-closed']);
    expect(withSuspended.targets).toEqual([{ all: true }]);
    expect(withSuspended.leftOut.map((o) => o.reason)).toEqual(['the account is SUSPENDED']);
  });

  test('every account but a few is allAccounts() excluding them, a whole OU as one exclusion', () => {
    const l = layout();
    expect(infer(l, active(l).filter((n) => n !== 'p3' && n !== 's6')).targets).toEqual([{ all: true, exclude: [{ account: 'p3' }, { account: 's6' }] }]);
    l.units.push({ id: 'ou-root-plat0001', name: 'Platform', parentId: 'r-root' });
    l.accounts.push({ id: '333333333331', name: 'network', parentId: 'ou-root-plat0001', status: 'ACTIVE' });
    expect(infer(l, active(l).filter((n) => !/^s\d$/.test(n) && n !== 'p3')).targets).toEqual([{ all: true, exclude: [{ account: 'p3' }, { ou: 'Root/Sandbox' }] }]);
  });

  test('an OU subtree minus a few accounts is the OU with exclusions', () => {
    const l = layout();
    expect(infer(l, ['s1', 's2', 's3', 's4', 's5']).targets).toEqual([{ ou: 'Root/Sandbox', exclude: [{ account: 's6' }] }]);
    expect(infer(l, ['w1', 'w2', 'p1', 'p2', 'p4', 'p5', 'd1', 'd2', 'd3', 'd4']).targets).toEqual([{ ou: 'Root/Workloads', exclude: [{ account: 'p3' }] }]);
  });

  test('the accounts directly under an OU, none of its nested OUs, is includeNested: false', () => {
    const l = layout();
    expect(infer(l, ['w1', 'w2']).targets).toEqual([{ ou: 'Root/Workloads', nested: false }]);
    // Its direct accounts, but only some of a nested OU: the direct ones, plus the nested ones.
    expect(infer(l, ['w1', 'w2', 'd1', 'd2']).targets).toEqual([{ ou: 'Root/Workloads', nested: false }, { account: 'd1' }, { account: 'd2' }]);
    // With a nested OU whole, the OU minus the other nested OU ties with it and is the simpler read.
    expect(infer(l, ['w1', 'w2', 'd1', 'd2', 'd3', 'd4']).targets).toEqual([{ ou: 'Root/Workloads', exclude: [{ ou: 'Root/Workloads/Prod' }] }]);
  });

  test('leftovers are account targets, and a single account is never generalized to its OU', () => {
    const l = layout();
    expect(infer(l, ['d1', 'p2']).targets).toEqual([{ account: 'p2' }, { account: 'd1' }]);
    expect(infer(l, ['p1', 'p2', 'p3', 'p4', 'p5', 's2']).targets).toEqual([{ ou: 'Root/Workloads/Prod' }, { account: 's2' }]);
  });

  test('the management account is covered when the automation runs there, and left out for a delegated administrator', () => {
    const l = layout();
    expect(infer(l, active(l)).targets).toEqual([{ all: true }]);
    const delegated = infer(l, active(l), MANAGEMENT);
    expect(delegated.targets).toEqual([{ all: true }]);
    expect(delegated.leftOut).toEqual([{ assignment: expect.objectContaining({ accountId: MANAGEMENT }), reason: expect.stringMatching(/management account/) }]);
  });

  test('names that would not resolve back (duplicates, an id-like name, a slash in an OU name) are written as ids', () => {
    const l = layout();
    l.units.push({ id: 'ou-root-slash001', name: 'A/B', parentId: 'r-root' });
    l.accounts.push({ id: '222222222221', name: 'twin', parentId: 'ou-root-slash001', status: 'ACTIVE' });
    l.accounts.push({ id: '222222222222', name: 'twin', parentId: 'ou-root-slash001', status: 'ACTIVE' });
    l.accounts.push({ id: '222222222223', name: '999999999999', parentId: 'ou-root-sand0001', status: 'ACTIVE' });
    expect(infer(l, ['222222222221', '222222222222']).targets).toEqual([{ ou: 'ou-root-slash001' }]);
    expect(infer(l, ['222222222221', '222222222223']).targets).toEqual([{ account: '222222222223' }, { account: '222222222221' }]);
  });

  test('random organizations and holdings: the rules select exactly what is held, never more targets than accounts', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const units: OrgUnit[] = [{ id: 'r-root', name: 'Root' }];
      for (let i = 1; i < 2 + random() * 8; i++) units.push({ id: `ou-root-${String(i).padStart(8, '0')}`, name: `ou${i % 4}`, parentId: units[Math.floor(random() * units.length)].id });
      const accounts: OrgAccount[] = [];
      for (let i = 0; i < 3 + random() * 25; i++) {
        accounts.push({ id: String(100000000000 + i), name: `acct${Math.floor(random() * 30)}`, parentId: units[Math.floor(random() * units.length)].id, status: random() < 0.1 ? 'SUSPENDED' : 'ACTIVE' });
      }
      const l = { units, accounts };
      const density = random();
      const held = accounts.filter(() => random() < density).map((a) => a.id);
      const { targets } = infer(l, held, random() < 0.3 ? accounts[0].id : undefined);
      expect(targets.reduce((n, t) => n + 1 + (t.exclude?.length ?? 0), 0)).toBeLessThanOrEqual(held.length);
    }
  });
});

test('a delegated administrator leaves out the permission sets provisioned to the management account', () => {
  const l = layout();
  const org = index(l);
  const other = 'arn:aws:sso:::permissionSet/ssoins-1/ps-2';
  const assignments = [...holding(l, ['w1']), { ...holding(l, ['w2'])[0], permissionSetArn: other }];
  const result = inferRules(org, assignments, eligibility(MANAGEMENT), new Set([PS]));
  expect(result.rules).toEqual([{ principal: { principalType: 'GROUP', principalId: 'g-1' }, permissionSetArn: other, target: { account: 'w2' } }]);
  expect(result.leftOut).toEqual([{ assignment: assignments[0], reason: expect.stringMatching(/provisioned to the management account/) }]);
});
