import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { loadAssignments, typeCheck } from '../../demo/generated-module';
import * as library from '../../src';
import { ImportArguments, ImportResult, parseImportArguments, runImport } from '../../src/cli/import-cli';
import { main } from '../../src/cli/main';
import { PlanArguments, parseArguments, runPlan } from '../../src/cli/plan-cli';
import { RuleDocument } from '../../src/reconciler/config/document';
import { Harness } from '../reconciler/harness';

// The import command against the simulator: click-ops assignments in, a module of rules out that
// compiles against this package, and the round trip: those rules, synthesized into an
// AssignmentAutomation and planned against the same instance, change nothing.
const evaluate = loadAssignments;

describe('cdk-identity-center-permissions import', () => {
  let h: Harness;
  let saved: NodeJS.ProcessEnv;
  let imported: ImportResult;
  beforeAll(async () => {
    h = await Harness.start({
      organization: { accounts: 24, ouDepth: 2, ousPerLevel: 2, groups: 4, users: 2, permissionSets: 3, suspendedAccounts: 2, seed: 5 },
    });
    saved = { ...process.env };
    Object.assign(process.env, h.sim.env(), h.dynamodb.env());
    clickOps();
    imported = await runImport(args());
  });
  afterAll(async () => {
    process.env = saved;
    await h.stop();
  });

  const args = (...argv: string[]) => ({ ...(parseImportArguments(argv) as ImportArguments), maxRps: 200 });
  const grant = (principalId: string, permissionSetArn: string, accountIds: string[], principalType: 'GROUP' | 'USER' = 'GROUP') =>
    accountIds.forEach((accountId) => h.sim.identityCenter.addAssignment({ principalType, principalId, permissionSetArn, accountId }));

  /** Assignments as they accumulate by hand: org-wide, an OU but for a few, an OU's own accounts only, strays, a deleted group. */
  function clickOps() {
    const [g0, g1, g2, g3] = h.fixture.groups;
    const [ps0, ps1, ps2] = h.fixture.permissionSets.map((p) => p.arn);
    const orgs = h.sim.organizations;
    // An OU with accounts of its own beside a nested OU with more.
    const shared = orgs.createOrganizationalUnit(orgs.rootId, 'Shared');
    const team = orgs.createOrganizationalUnit(shared.id, 'Team');
    const own = [1, 2].map((i) => orgs.createAccount({ name: `shared-${i}`, parentId: shared.id }).id);
    [1, 2].forEach((i) => orgs.createAccount({ name: `team-${i}`, parentId: team.id }));
    const all = orgs.accounts();
    const active = all.filter((a) => a.status === 'ACTIVE');
    grant(g0.id, ps0, all.map((a) => a.id)); // every account, the suspended ones too
    const top = h.fixture.organizationalUnits.find((u) => u.depth === 1)!;
    const under = h.fixture.accounts.filter((a) => a.status === 'ACTIVE' && (a.parentPath === top.path || a.parentPath.startsWith(`${top.path}/`)));
    expect(under.length).toBeGreaterThanOrEqual(4);
    grant(g1.id, ps1, under.slice(1).map((a) => a.id)); // the OU subtree minus one
    grant(g2.id, ps2, own); // the OU's own accounts only
    grant(h.fixture.users[0].id, ps1, [active[3].id, active[7].id], 'USER');
    grant(g3.id, ps2, [active[5].id]);
    h.sim.identityStore.deleteGroup(g3.id);
  }

  test('writes TypeScript that compiles against the package, with allAccounts(), an OU minus an account, includeNested: false and account targets', async () => {
    const result = imported;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-')), 'assignments.ts');
    fs.writeFileSync(file, result.text);
    expect(typeCheck(file)).toEqual([]);
    const [g0, g1, g2] = h.fixture.groups;
    expect(result.text).toContain(`principal: Principal.group(${JSON.stringify(g0.displayName)}),`);
    expect(result.text).toMatch(/target: AccountTarget\.allAccounts\(\),/);
    const [, ps1, ps2] = h.fixture.permissionSets.map((p) => p.name);
    const ouMinusOne = expect.objectContaining({ ou: expect.any(String), exclude: [expect.anything()] });
    expect(result.rules).toContainEqual({ principal: { group: g1.displayName }, permissionSet: ps1, target: ouMinusOne });
    expect(result.text).toContain('AccountTarget.organizationalUnit(');
    const ownOnly = expect.objectContaining({ nested: false });
    expect(result.rules).toContainEqual({ principal: { group: g2.displayName }, permissionSet: ps2, target: ownOnly });
    expect(result.text).toContain('{ includeNested: false }');
    expect(result.rules.filter((r) => 'user' in r.principal)).toHaveLength(2);
    // The suspended accounts' and the deleted group's assignments are listed as left out.
    expect(result.leftOut.map((o) => o.reason).sort()).toEqual(['the account is SUSPENDED', 'the account is SUSPENDED', 'the group is no longer in the identity store']);
    expect(result.text).toMatch(/^\/\/ Left out, 3 assignment\(s\)/m);
    // The module's rules are the documents the import meant.
    expect(evaluate(result.text).map(documentOf)).toEqual(result.rules);
  });

  test('round trip: the imported rules in an AssignmentAutomation, synthesized and planned against the same instance, change nothing', async () => {
    const { text } = imported;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
    const app = new App({ outdir });
    new library.AssignmentAutomation(new Stack(app, 'Imported'), 'Assignments', {
      instanceArn: h.fixture.instanceArn, identityStoreId: h.fixture.identityStoreId, assignments: evaluate(text),
    });
    app.synth();
    const live = h.sim.identityCenter.assignmentCount();
    const plan = await runPlan({ ...(parseArguments(['plan', '--cdk-out', outdir]) as PlanArguments), maxRps: 200 });
    expect(plan.errors).toEqual([]);
    expect(plan.refusals).toEqual([]);
    expect(plan.counts).toMatchObject({ creates: 0, deletes: 0, provisions: 0 });
    expect(plan.counts.desired).toBe(live - 3); // all but the left-out ones
    expect(plan.changes).toEqual([]);
    // No other automation's claims held anything back: the plan judged every pair.
    expect(plan.notices).toEqual([]);
  });

  test('writes Python that parses, with jsii\'s names', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-')), 'assignments.py');
    const out: string[] = [];
    expect(await main(['import', '--language', 'python', '--out', file, '--max-rps', '200'], (t) => out.push(t))).toBe(0);
    expect(out.join()).toMatch(/assignment\(s\) as \d+ rule\(s\) written to .*; 3 left out/);
    execFileSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', file]);
    const python = fs.readFileSync(file, 'utf8');
    expect(python).toMatch(/^from cdk_identity_center_permissions import AccountTarget, AssignmentRule, PermissionSetRef, Principal$/m);
    expect(python).toContain('target=AccountTarget.all_accounts(),');
    expect(python).toMatch(/AccountTarget\.organizational_unit\("[^"]+", include_nested=False\)/);
    expect(python).toMatch(/permission_set=PermissionSetRef\.from_name\(/);
    expect(python.match(/AssignmentRule\(\n/g)).toHaveLength(imported.rules.length);
  });

  test('bad flags are refused with the usage', async () => {
    expect(parseImportArguments(['--language', 'go'])).toEqual({ error: "--language must be one of typescript, python, got 'go'" });
    expect(parseImportArguments(['--management-account-id', 'mgmt'])).toEqual({ error: expect.stringMatching(/12-digit/) });
    const out: string[] = [];
    expect(await main(['import', '--help'], (t) => out.push(t))).toBe(0);
    expect(out.join()).toMatch(/usage: cdk-identity-center-permissions import/);
  });
});

function documentOf(rule: library.AssignmentRule): RuleDocument {
  return { principal: rule.principal._toDocument(), permissionSet: rule.permissionSet.permissionSetName, target: rule.target._toDocument() };
}
