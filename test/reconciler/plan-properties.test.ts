import * as fc from 'fast-check';
import { configWith } from './documents';
import { PS } from './fakes';
import { BaseTargetDocument, RuleDocument, TargetDocument } from '../../src/reconciler/config/document';
import { deletionBlocks } from '../../src/reconciler/core/blocking';
import { computeDesired } from '../../src/reconciler/core/desired';
import { guardPlan } from '../../src/reconciler/core/guard';
import { Assignment, PrincipalId, assignmentKey, pairKey } from '../../src/reconciler/core/model';
import { OrgIndex, Resolution } from '../../src/reconciler/core/org-index';
import { planChanges } from '../../src/reconciler/core/plan';
import { principalLookupKey } from '../../src/reconciler/core/references';
import { configuredNames, inScope, managedScope } from '../../src/reconciler/core/scope';
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
  /** Owned pairs remembered from earlier configs. */
  readonly remembered: string[];
  readonly management?: string;
}

/** 'Ghost' never resolved (a typo); the other groups resolve. */
const UNRESOLVED = 'Ghost';

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
    principal: fc.constantFrom(...GROUPS.slice(0, 3), ...GROUPS.slice(0, 3), UNRESOLVED).map((group) => ({ group })),
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
    remembered: fc.subarray(GROUPS.flatMap((g) => MANAGED_PS.map((p) => `GROUP:g-${g}|${PS(p)}`))),
    management: fc.option(fc.constantFrom(...accounts), { nil: undefined }),
  });
});

function evaluate(world: World) {
  const doc = configWith(world.rules, { managementAccountId: world.management });
  const principals = new Map<string, Resolution<PrincipalId>>(GROUPS.map((g) => [principalLookupKey({ group: g }), { value: { principalType: 'GROUP', principalId: `g-${g}` } }]));
  principals.set(principalLookupKey({ group: UNRESOLVED }), { error: `no group has the display name '${UNRESOLVED}'`, notFound: true });
  const permissionSets = new Map(MANAGED_PS.map((p) => [p, { value: PS(p) }]));
  const refs = { principals, permissionSets };
  const eligible = (a: OrgAccount) => a.status === 'ACTIVE' && a.id !== world.management;
  const desired = computeDesired(doc, new OrgIndex(world.org), refs, eligible);
  const configured = configuredNames(doc, refs);
  const scope = managedScope(configured.pairs, world.remembered, world.org, eligible);
  // What the per-principal read returns: the assignments of owned pairs.
  const current = new Map(world.live.filter((a) => scope.pairs.has(pairKey(a))).map((a) => [assignmentKey(a), a]));
  const plan = planChanges(desired.assignments, { assignments: current, unreadPrincipals: new Set() }, scope);
  const blocks = deletionBlocks({
    document: doc, refs, desired, configured, owned: scope.pairs, rememberedNames: {}, vanished: new Set(), labels: {},
  });
  return { desired, scope, current, plan, configured, blocks };
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

  test('no deletion of a pair whose desired state is incomplete, nor of a pair the config no longer names while a name never resolved', () => {
    fc.assert(fc.property(worldArb, (world) => {
      const { plan, desired, configured, blocks } = evaluate(world);
      const facts = {
        blockAll: [], blockedPairs: blocks.pairs, ruleCount: world.rules.length, desiredCount: desired.assignments.size, maxDeletionsPerRun: 1000,
      };
      const guarded = guardPlan(plan, facts);
      const deleted = new Set(guarded.plan.deletes.map(pairKey));
      for (const index of desired.incompleteRules) {
        const rule = world.rules[index];
        const group = (rule.principal as { group: string }).group;
        // A resolved rule with an incomplete target: its own pair keeps every assignment.
        if (group !== UNRESOLVED) expect(deleted.has(`GROUP:g-${group}|${PS(rule.permissionSet)}`)).toBe(false);
        // A name that never resolved may be a typo of a rule that worked: nothing the config stopped naming is deleted.
        else for (const pair of deleted) expect(configured.pairs.has(pair)).toBe(true);
      }
      if (world.rules.length === 0) expect(guarded.plan.deletes).toEqual([]);
      expect(guarded.plan.creates).toEqual(plan.creates);
    }), { numRuns: 400 });
  });

  test('everything incomplete blocks every deletion', () => {
    fc.assert(fc.property(worldArb, (world) => {
      const { plan, desired } = evaluate(world);
      const guarded = guardPlan(plan, {
        blockAll: ['the state could not be read'], blockedPairs: new Map(), ruleCount: world.rules.length, desiredCount: desired.assignments.size, maxDeletionsPerRun: 1000,
      });
      expect(guarded.plan.deletes).toEqual([]);
      expect(guarded.plan.creates).toEqual(plan.creates);
    }), { numRuns: 200 });
  });
});
