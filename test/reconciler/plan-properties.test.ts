import * as fc from 'fast-check';
import { configWith } from './documents';
import { PS } from './fakes';
import { BaseTargetDocument, RuleDocument, TargetDocument } from '../../src/reconciler/config/document';
import { computeDesired } from '../../src/reconciler/core/desired';
import { guardPlan } from '../../src/reconciler/core/guard';
import { Assignment, assignmentKey, principalKey } from '../../src/reconciler/core/model';
import { OrgIndex } from '../../src/reconciler/core/org-index';
import { planChanges } from '../../src/reconciler/core/plan';
import { principalLookupKey } from '../../src/reconciler/core/references';
import { ManagedScope, inScope } from '../../src/reconciler/core/scope';
import { OrgAccount, OrgSnapshot, OrgUnit } from '../../src/reconciler/core/snapshot';

// Plan invariants over random organizations, rule sets, live assignments and remembered state:
// the plan never leaves the managed scope, applying it yields exactly the desired state, planning
// again afterwards is empty, and incomplete information never yields a deletion.

const GROUPS = ['Admins', 'Devs', 'Ops', 'Audit'];
const MANAGED_PS = ['Admin', 'Dev', 'ReadOnly'];
const FOREIGN_PS = ['AWSAdministratorAccess', 'Legacy'];

interface World {
  readonly org: OrgSnapshot;
  readonly rules: RuleDocument[];
  readonly live: Assignment[];
  readonly remembered: string[];
  readonly management?: string;
}

const orgArb = fc.record({
  parents: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
  accounts: fc.array(fc.record({
    unit: fc.nat(),
    status: fc.constantFrom('ACTIVE', 'ACTIVE', 'ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'),
    env: fc.constantFrom('prod', 'dev', undefined),
  }), { minLength: 1, maxLength: 12 }),
}).map(({ parents, accounts }) => {
  const units = new Map<string, OrgUnit>([['r-root', { id: 'r-root', name: 'Root' }]]);
  const ids = ['r-root'];
  parents.forEach((p, i) => {
    const id = `ou-root-${String(i).padStart(8, '0')}`;
    // Names repeat on purpose (`Unit0`..`Unit2`) so ambiguous names occur.
    units.set(id, { id, name: `Unit${i % 3}`, parentId: ids[p % ids.length] });
    ids.push(id);
  });
  const accountMap = new Map<string, OrgAccount>();
  const tags = new Map<string, Record<string, string>>();
  accounts.forEach((a, i) => {
    const id = String(200000000000 + i);
    accountMap.set(id, { id, name: `acct-${i % 10}`, status: a.status, parentId: ids[a.unit % ids.length] });
    tags.set(id, a.env ? { env: a.env } : {});
  });
  return { rootId: 'r-root', units, accounts: accountMap, tags } as OrgSnapshot;
});

const baseTarget = (org: OrgSnapshot): fc.Arbitrary<BaseTargetDocument> => fc.oneof(
  fc.constant({ all: true as const }),
  fc.record({ ou: fc.constantFrom(...[...org.units.values()].flatMap((u) => [u.id, u.name])), nested: fc.constantFrom(false as const, undefined) })
    .map((t) => (t.nested === undefined ? { ou: t.ou } : { ou: t.ou, nested: false as const })),
  fc.constantFrom(...[...org.accounts.values()].flatMap((a) => [{ account: a.id }, { account: a.name }])),
  fc.constantFrom({ tag: { key: 'env', value: 'prod' } }, { tag: { key: 'env', value: 'dev' } }),
);

const worldArb: fc.Arbitrary<World> = orgArb.chain((org) => {
  const accounts = [...org.accounts.keys()];
  const target: fc.Arbitrary<TargetDocument> = fc.tuple(baseTarget(org), fc.array(baseTarget(org), { maxLength: 2 }))
    .map(([base, exclude]) => (exclude.length ? { ...base, exclude } : base));
  const rule = fc.record({
    principal: fc.constantFrom(...GROUPS.slice(0, 3)).map((group) => ({ group })),
    permissionSet: fc.constantFrom(...MANAGED_PS),
    target,
  });
  const assignment = fc.record({
    principalType: fc.constant('GROUP' as const),
    principalId: fc.constantFrom(...GROUPS.map((g) => `g-${g}`), 'g-Foreign'),
    permissionSetArn: fc.constantFrom(...[...MANAGED_PS, ...FOREIGN_PS].map(PS)),
    accountId: fc.constantFrom(...accounts),
  });
  return fc.record({
    org: fc.constant(org),
    rules: fc.array(rule, { maxLength: 6 }),
    live: fc.array(assignment, { maxLength: 30 }),
    remembered: fc.subarray(GROUPS.map((g) => `GROUP:g-${g}`)),
    management: fc.option(fc.constantFrom(...accounts), { nil: undefined }),
  });
});

function evaluate(world: World) {
  const doc = configWith(world.rules, { managementAccountId: world.management });
  const principals = new Map(GROUPS.map((g) => [principalLookupKey({ group: g }), { value: { principalType: 'GROUP' as const, principalId: `g-${g}` } }]));
  const permissionSets = new Map(MANAGED_PS.map((p) => [p, { value: PS(p) }]));
  const eligible = (a: OrgAccount) => a.status === 'ACTIVE' && a.id !== world.management;
  const desired = computeDesired(doc, new OrgIndex(world.org), { principals, permissionSets }, eligible);
  const configured = new Set(world.rules.map((r) => `GROUP:g-${(r.principal as { group: string }).group}`));
  const scope: ManagedScope = {
    principals: new Set([...configured, ...world.remembered]),
    permissionSets: new Set(MANAGED_PS.map(PS)),
    plannableAccounts: new Set([...world.org.accounts.values()].filter(eligible).map((a) => a.id)),
  };
  // What the per-principal read returns: managed principals' assignments to managed permission sets.
  const managed = (a: Assignment) => scope.principals.has(principalKey(a)) && scope.permissionSets.has(a.permissionSetArn);
  const current = new Map(world.live.filter(managed).map((a) => [assignmentKey(a), a]));
  const plan = planChanges(desired.assignments, { assignments: current, unreadPrincipals: new Set() }, scope);
  return { desired, scope, current, plan };
}

describe('plan properties', () => {
  test('the plan never leaves the managed scope', () => {
    fc.assert(fc.property(worldArb, (world) => {
      const { plan, scope, desired } = evaluate(world);
      for (const d of plan.deletes) expect(inScope(scope, d)).toBe(true);
      for (const c of plan.creates) {
        expect(desired.assignments.has(assignmentKey(c))).toBe(true);
        expect(scope.plannableAccounts.has(c.accountId)).toBe(true);
      }
    }), { numRuns: 400 });
  });

  test('applying the plan to the live state yields the desired state within the scope, and leaves the rest alone', () => {
    fc.assert(fc.property(worldArb, (world) => {
      const { plan, scope, desired } = evaluate(world);
      const live = new Map(world.live.map((a) => [assignmentKey(a), a]));
      for (const d of plan.deletes) live.delete(assignmentKey(d));
      for (const c of plan.creates) live.set(assignmentKey(c), c);
      const managed = [...live.values()].filter((a) => inScope(scope, a)).map(assignmentKey).sort();
      expect(managed).toEqual([...desired.assignments.keys()].sort());
      const untouched = world.live.filter((a) => !inScope(scope, a)).map(assignmentKey);
      for (const key of untouched) expect(live.has(key)).toBe(true);
    }), { numRuns: 400 });
  });

  test('planning again after applying is empty (idempotent)', () => {
    fc.assert(fc.property(worldArb, (world) => {
      const first = evaluate(world);
      const live = new Map(world.live.map((a) => [assignmentKey(a), a]));
      for (const d of first.plan.deletes) live.delete(assignmentKey(d));
      for (const c of first.plan.creates) live.set(assignmentKey(c), c);
      const second = evaluate({ ...world, live: [...live.values()] });
      expect(second.plan.creates).toEqual([]);
      expect(second.plan.deletes).toEqual([]);
    }), { numRuns: 400 });
  });

  test('a rule that cannot be resolved never lets a deletion through the guard', () => {
    fc.assert(fc.property(worldArb, (world) => {
      const { plan, desired } = evaluate(world);
      const facts = {
        incompleteBecause: desired.errors, ruleCount: world.rules.length, desiredCount: desired.assignments.size, maxDeletionsPerRun: 1000,
      };
      const guarded = guardPlan(plan, facts);
      if (desired.errors.length > 0 || world.rules.length === 0) expect(guarded.plan.deletes).toEqual([]);
      expect(guarded.plan.creates).toEqual(plan.creates);
    }), { numRuns: 400 });
  });
});
