import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPORT_COLUMNS } from '../../src/cli/access-report';
import { main } from '../../src/cli/main';
import { ReportArguments, parseReportArguments, runReport } from '../../src/cli/report-cli';
import { HEAD, Harness } from '../reconciler/harness';

// The report command against the simulator: every assignment of the instance, named, with the
// rule that grants it (the reconciler's own desired state) or 'unmanaged', and never a write.
describe('cdk-identity-center-permissions report', () => {
  let h: Harness;
  let saved: NodeJS.ProcessEnv;
  beforeEach(async () => {
    const organization = { accounts: 10, ouDepth: 2, ousPerLevel: 2, groups: 3, permissionSets: 2, suspendedAccounts: 1, seed: 9 };
    h = await Harness.start({ organization });
    saved = { ...process.env };
    Object.assign(process.env, h.sim.env(), h.dynamodb.env());
  });
  afterEach(async () => {
    process.env = saved;
    await h.stop();
  });

  const writes = () => ['CreateAccountAssignment', 'DeleteAccountAssignment', 'ProvisionPermissionSet'].reduce((n, op) => n + h.sim.calls.count('sso-admin', op), 0)
    + h.sim.calls.count('ssm', 'PutParameter');
  const args = (...argv: string[]) => ({ ...(parseReportArguments(argv) as ReportArguments), maxRps: 500 });

  /** A rule applied, a hand-made grant beside it (a group whose name needs CSV quoting), and one in a suspended account. */
  async function deployed() {
    const [g0] = h.fixture.groups;
    const [ps0, ps1] = h.fixture.permissionSets;
    h.putConfig([{ principal: { group: g0.displayName }, permissionSet: ps0.name, target: { all: true } }]);
    await h.apply();
    const ops = h.sim.identityStore.createGroup('Ops, "EU"');
    const active = h.fixture.accounts.filter((a) => a.status === 'ACTIVE');
    const suspended = h.fixture.accounts.find((a) => a.status === 'SUSPENDED')!;
    h.sim.identityCenter.addAssignment({ principalType: 'GROUP', principalId: ops.id, permissionSetArn: ps1.arn, accountId: active[0].id });
    h.sim.identityCenter.addAssignment({ principalType: 'GROUP', principalId: g0.id, permissionSetArn: ps0.arn, accountId: suspended.id });
    h.sim.calls.reset();
    return { g0, ops, ps0, ps1, hand: active[0], suspended };
  }

  test('json: every assignment, named, granted by the rule or unmanaged; read with one ListAccountAssignments per provisioned (set, account)', async () => {
    const { g0, ops, ps0, ps1, hand, suspended } = await deployed();
    // Under the simulator's quota (20 TPS at 25x), so no call is throttled and retried.
    const { report, text, apiCalls } = await runReport({ ...args('--format', 'json'), maxRps: 200 });
    expect(writes()).toBe(0);
    const rows = (JSON.parse(text) as { assignments: Array<Record<string, string>> }).assignments;
    expect(rows).toHaveLength(h.sim.identityCenter.assignmentCount());
    expect(Object.keys(rows[0])).toEqual([...REPORT_COLUMNS]);

    const granted = rows.filter((r) => r.grantedBy !== 'unmanaged');
    // Every ACTIVE account, the management account among them.
    expect(granted).toHaveLength(h.fixture.accounts.filter((a) => a.status === 'ACTIVE').length + 1);
    expect(new Set(granted.map((r) => r.grantedBy))).toEqual(new Set([`rule 1 (group ${g0.displayName} -> ${ps0.name} @ all accounts)`]));
    const member = h.fixture.accounts.find((a) => a.status === 'ACTIVE' && a.id !== hand.id)!;
    expect(rows.find((r) => r.accountId === member.id)).toEqual({
      principalType: 'GROUP',
      principalId: g0.id,
      principalName: g0.displayName,
      permissionSetArn: ps0.arn,
      permissionSetName: ps0.name,
      accountId: member.id,
      accountName: member.name,
      ouPath: member.parentPath,
      grantedBy: `rule 1 (group ${g0.displayName} -> ${ps0.name} @ all accounts)`,
    });
    // A hand-made grant of another pair, and the rule's pair in a suspended account (which no rule targets): unmanaged.
    expect(rows.find((r) => r.principalId === ops.id)).toMatchObject({ principalName: 'Ops, "EU"', permissionSetName: ps1.name, accountId: hand.id, grantedBy: 'unmanaged' });
    expect(rows.find((r) => r.accountId === suspended.id)).toMatchObject({ principalId: g0.id, grantedBy: 'unmanaged' });
    expect(report.notes.join()).toMatch(/1 assignment\(s\) of pairs the rules name are in accounts no rule grants them/);

    // Where a set is provisioned but nobody holds it (the last assignment gone), the read costs one call too.
    const provisionedTargets = h.sim.identityCenter.permissionSets()
      .flatMap((ps) => h.sim.organizations.accounts().filter((a) => h.sim.identityCenter.provisionedVersion(a.id, ps.arn) !== undefined)).length;
    // One call per provisioned (set, account), plus the extra pages the simulator's short pages cost; never every set x every account.
    const everyPair = h.sim.identityCenter.permissionSets().length * h.sim.organizations.accounts().length;
    expect(apiCalls['sso-admin:ListAccountAssignments']).toBeGreaterThanOrEqual(provisionedTargets);
    expect(apiCalls['sso-admin:ListAccountAssignments']).toBeLessThan(Math.min(everyPair, provisionedTargets * 1.25));
    expect(apiCalls['sso-admin:ListAccountAssignmentsForPrincipal']).toBeUndefined();
  });

  test('csv and markdown through the command line, to a file and to standard output', async () => {
    const { ops } = await deployed();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-')), 'access.csv');
    const out: string[] = [];
    expect(await main(['report', '--format', 'csv', '--out', file, '--parameter', HEAD, '--max-rps', '500'], (t) => out.push(t))).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`^${h.sim.identityCenter.assignmentCount()} assignment\\(s\\) written to ${file}`));
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toBe(REPORT_COLUMNS.join(','));
    expect(lines).toHaveLength(h.sim.identityCenter.assignmentCount() + 2); // header, rows, and the empty string after the last CRLF
    expect(lines.find((l) => l.includes(ops.id))).toMatch(/^GROUP,[^,]+,"Ops, ""EU""",/);

    const markdown: string[] = [];
    expect(await main(['report', '--max-rps', '500'], (t) => markdown.push(t))).toBe(0);
    const text = markdown.join('\n');
    expect(text).toMatch(/^# Identity Center access/);
    expect(text).toContain('| OU | account | permission set | principal | granted by |');
    expect(text).toContain('group Ops, "EU" | unmanaged |');
    expect(writes()).toBe(0);
  });

  test('without a deployed automation, every assignment is unmanaged, and the instance is found with ListInstances', async () => {
    const [g0] = h.fixture.groups;
    const [ps0] = h.fixture.permissionSets;
    h.sim.identityCenter.addAssignment({ principalType: 'GROUP', principalId: g0.id, permissionSetArn: ps0.arn, accountId: h.fixture.accounts[0].id });
    const { report, apiCalls } = await runReport(args('--format', 'json'));
    expect(report.rows).toEqual([expect.objectContaining({ principalName: g0.displayName, grantedBy: 'unmanaged' })]);
    expect(report.notes[0]).toMatch(/no automation config .*every assignment is unmanaged/);
    expect(apiCalls['sso-admin:ListInstances']).toBe(1);
  });

  test('bad flags are refused with the usage', async () => {
    expect(parseReportArguments(['--format', 'xml'])).toEqual({ error: "--format must be one of csv, json, markdown, got 'xml'" });
    expect(parseReportArguments(['--instance-arn', 'arn:aws:sso:::instance/ssoins-1'])).toEqual({ error: expect.stringMatching(/go together/) });
    const out: string[] = [];
    expect(await main(['report', '--bogus'], (t) => out.push(t))).toBe(2);
    expect(out.join()).toMatch(/unknown option '--bogus'[\s\S]*usage: cdk-identity-center-permissions report/);
  });
});
