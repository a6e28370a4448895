import { AwsSimulator, OrganizationFixture } from '../simulator';
import { QuotaSettings } from '../simulator/core/quotas';
import { RuleDocument } from '../src/reconciler/config/document';

/** One benchmark scenario: an organization, the rules, and what happens before the measured run. */
export interface Scenario {
  readonly name: string;
  readonly accounts: number;
  /** Simulated ms per real ms for the measured run. */
  readonly speed: number;
  readonly organization: { ouDepth: number; organizationalUnits: number; groups: number; permissionSets: number };
  /** The rules in force before the measured run (already applied), if any. */
  readonly before?: (fixture: OrganizationFixture) => RuleDocument[];
  /** The rules of the measured run. */
  readonly rules: (fixture: OrganizationFixture) => RuleDocument[];
  /** Changes to the organization between the applied state and the measured run. */
  readonly mutate?: (sim: AwsSimulator, fixture: OrganizationFixture) => void;
  /** Quotas other than the simulator's defaults (Identity Center's, with 2 to 6 s per operation). */
  readonly quotas?: QuotaSettings;
  /**
   * The automation runs in a delegated administrator account, with the management account's
   * assignment reader role or without it (then it reads per account, bounded and resumed).
   */
  readonly delegated?: 'with-reader' | 'without-reader';
  /**
   * The measured run is the one an account-created event starts (CreateAccountResult), for an account
   * just created in the OU whose accounts hold the most assignments: measured from the event to its
   * last assignment SUCCEEDED.
   */
  readonly newAccount?: boolean;
  /** Before the measured run, the cached account tags are made this much older (the time between two runs). */
  readonly cachedTagsAgeMs?: number;
}

const LANDING_ZONE = { ouDepth: 4, organizationalUnits: 50, groups: 300, permissionSets: 30 };

/**
 * 500 rules over 300 groups and 30 permission sets, as a landing zone accumulates them: a few
 * organization-wide rules, most rules on OUs deep in the tree, some on single accounts, and some
 * with exclusions. Deterministic for a fixture.
 */
export function landingZoneRules(fixture: OrganizationFixture, count = 500): RuleDocument[] {
  const ous = [...fixture.organizationalUnits].sort((a, b) => b.depth - a.depth || a.path.localeCompare(b.path));
  const deep = ous.filter((o) => o.depth >= 3);
  const shallow = ous.filter((o) => o.depth === 2);
  const accounts = fixture.accounts.filter((a) => a.status === 'ACTIVE');
  const rules: RuleDocument[] = [];
  for (let i = 0; i < count; i++) {
    const principal = { group: fixture.groups[i % fixture.groups.length].displayName };
    const permissionSet = fixture.permissionSets[(i * 7) % fixture.permissionSets.length].name;
    const kind = i % 20;
    if (i < 5) {
      rules.push({ principal, permissionSet, target: { all: true, exclude: [{ ou: ous[ous.length - 1].path }] } });
    } else if (kind < 13) {
      rules.push({ principal, permissionSet, target: { ou: deep[(i * 13) % deep.length].path } });
    } else if (kind < 15) {
      const ou = shallow[(i * 5) % shallow.length].path;
      rules.push({ principal, permissionSet, target: { ou, exclude: [{ account: accounts[i % accounts.length].name }] } });
    } else if (kind < 17) {
      rules.push({ principal, permissionSet, target: { ou: deep[(i * 3) % deep.length].id, nested: false } });
    } else {
      rules.push({ principal, permissionSet, target: { account: accounts[(i * 31) % accounts.length].id } });
    }
  }
  return rules;
}

/** The landing zone's rules and 50 more on account tags: 40 tag targets, 10 OU targets with a tag exclusion. */
function taggedRules(fixture: OrganizationFixture): RuleDocument[] {
  const env = ['prod', 'staging', 'dev', 'sandbox'];
  const ous = fixture.organizationalUnits.filter((o) => o.depth === 2);
  return [...landingZoneRules(fixture), ...Array.from({ length: 50 }, (_, i): RuleDocument => {
    const principal = { group: fixture.groups[(i * 11) % fixture.groups.length].displayName };
    const permissionSet = fixture.permissionSets[(i * 3) % fixture.permissionSets.length].name;
    return i < 40
      ? { principal, permissionSet, target: { tag: { key: 'env', value: env[i % env.length] } } }
      : { principal, permissionSet, target: { ou: ous[i % ous.length].path, exclude: [{ tag: { key: 'env', value: 'sandbox' } }] } };
  })];
}

/** `rolloutAssignments` new assignments: groups × every account, one permission set each. */
function rolloutRules(fixture: OrganizationFixture, accounts: number, assignments: number): RuleDocument[] {
  const management = fixture.managementAccountId;
  return Array.from({ length: Math.ceil(assignments / accounts) }, (_, i) => ({
    principal: { group: fixture.groups[i].displayName },
    permissionSet: fixture.permissionSets[i % fixture.permissionSets.length].name,
    target: { all: true as const, exclude: [{ account: management }] },
  }));
}

/** Scenarios at `scale` (1 = the full sizes of the issue; CI runs a fraction). */
export function scenarios(scale: number): Scenario[] {
  const n = (full: number) => Math.max(20, Math.round(full * scale));
  const rollout = n(10_000);
  const rolloutAccounts = n(1_000);
  return [
    { name: `steady state, ${n(1_000)} accounts`, accounts: n(1_000), speed: 10, organization: LANDING_ZONE, before: (f) => landingZoneRules(f), rules: (f) => landingZoneRules(f) },
    { name: `steady state, ${n(5_000)} accounts`, accounts: n(5_000), speed: 10, organization: LANDING_ZONE, before: (f) => landingZoneRules(f), rules: (f) => landingZoneRules(f) },
    ...[1_000, 5_000].flatMap((full) => (['with-reader', 'without-reader'] as const).map((delegated): Scenario => ({
      name: `steady state, delegated ${delegated === 'with-reader' ? 'with the reader role' : 'without the reader role'}, ${n(full)} accounts`,
      accounts: n(full),
      speed: 10,
      organization: LANDING_ZONE,
      before: (f) => landingZoneRules(f),
      rules: (f) => landingZoneRules(f),
      delegated,
    }))),
    {
      name: `steady state with tag rules, ${n(5_000)} accounts`,
      accounts: n(5_000),
      speed: 10,
      organization: LANDING_ZONE,
      before: taggedRules,
      rules: taggedRules,
      // A day later: every cached tag reading is old, so the run reads its share of them again.
      cachedTagsAgeMs: 25 * 60 * 60_000,
    },
    ...[1_000, 5_000].map((full): Scenario => ({
      name: `time to access of a new account, ${n(full)} accounts`,
      accounts: n(full),
      speed: 10,
      organization: LANDING_ZONE,
      before: (f) => landingZoneRules(f),
      rules: (f) => landingZoneRules(f),
      newAccount: true,
    })),
    {
      name: `rollout of ${rollout} assignments, ${rolloutAccounts} accounts`,
      accounts: rolloutAccounts,
      speed: 20,
      organization: { ...LANDING_ZONE, groups: 20 },
      rules: (f) => rolloutRules(f, rolloutAccounts, rollout),
    },
    {
      // Operations of 1 to 2 s: 15 outstanding allow 10 per second, as the 20 TPS quota does with one
      // read per operation, so the request rate binds unless status polling costs well under a read
      // per operation. Clock speed 10: the reconciler makes as many requests per real second as the
      // 2 to 6 s rollout does at 20.
      name: `rollout of ${rollout} assignments, ${rolloutAccounts} accounts, 1.5 s operations`,
      accounts: rolloutAccounts,
      speed: 10,
      organization: { ...LANDING_ZONE, groups: 20 },
      rules: (f) => rolloutRules(f, rolloutAccounts, rollout),
      quotas: { asyncLatency: { minMs: 1000, maxMs: 2000 } },
    },
    {
      name: `churn (moves, new accounts, rule edits), ${n(1_000)} accounts`,
      accounts: n(1_000),
      speed: 20,
      organization: LANDING_ZONE,
      before: (f) => landingZoneRules(f),
      // 20 rules retargeted: a different OU, or removed and replaced by a rule for another group.
      rules: (f) => landingZoneRules(f).map((rule, i) => (i % 25 === 7
        ? { ...rule, target: { ou: f.organizationalUnits[(i * 11) % f.organizationalUnits.length].path } }
        : i % 25 === 19 ? { ...rule, principal: { group: f.groups[(i + 150) % f.groups.length].displayName } } : rule)),
      mutate: (sim, f) => {
        const units = f.organizationalUnits;
        const active = sim.organizations.accounts().filter((a) => a.status === 'ACTIVE' && a.id !== f.managementAccountId);
        const moves = Math.max(2, Math.round(active.length / 50));
        for (let i = 0; i < moves; i++) sim.organizations.moveAccount(active[i * 3].id, units[(i * 7) % units.length].id);
        for (let i = 0; i < moves; i++) sim.organizations.createAccount({ name: `new-account-${i}`, parentId: units[(i * 5) % units.length].id });
        for (let i = 0; i < Math.max(1, moves / 4); i++) sim.organizations.setAccountStatus(active[active.length - 1 - i].id, 'SUSPENDED');
      },
    },
  ];
}
