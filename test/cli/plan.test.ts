import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildLandingZoneApp } from '../../demo/landing-zone-app';
import { readConfigFromCdkOut } from '../../src/cli/cdk-out-config';
import { main } from '../../src/cli/main';
import { PlanArguments, parseArguments, runPlan } from '../../src/cli/plan-cli';
import { HEAD, Harness } from '../reconciler/harness';

// The plan command against the simulator: the deployed parameter or a synthesized cdk.out, the
// caller's credentials (here, the simulator's environment), and never a write.
describe('cdk-identity-center-permissions plan', () => {
  let h: Harness;
  let saved: NodeJS.ProcessEnv;
  beforeEach(async () => {
    h = await Harness.start({ organization: { accounts: 10, ouDepth: 2, ousPerLevel: 2, groups: 3, permissionSets: 2, seed: 9 } });
    saved = { ...process.env };
    Object.assign(process.env, h.sim.env(), h.dynamodb.env());
  });
  afterEach(async () => {
    process.env = saved;
    await h.stop();
  });

  const writes = () => ['CreateAccountAssignment', 'DeleteAccountAssignment', 'ProvisionPermissionSet'].reduce((n, op) => n + h.sim.calls.count('sso-admin', op), 0)
    + h.sim.calls.count('ssm', 'PutParameter') + h.sim.calls.count('ssm', 'DeleteParameters');

  test('plans from the deployed parameter: creates, deletes and refusals with reasons, and writes nothing', async () => {
    const [g0, g1] = h.fixture.groups;
    const ps = h.fixture.permissionSets[0];
    h.putConfig([{ principal: { group: g0.displayName }, permissionSet: ps.name, target: { all: true } }]);
    await h.apply();
    h.putConfig([
      { principal: { group: g1.displayName }, permissionSet: ps.name, target: { all: true } },
      { principal: { group: 'Nobody' }, permissionSet: ps.name, target: { all: true } },
    ]);
    h.sim.calls.reset();

    const out: string[] = [];
    const code = await main(['plan', '--parameter', HEAD, '--max-rps', '500'], (t) => out.push(t));
    expect(code).toBe(0);
    expect(writes()).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/Plan \(planned\): 11 create\(s\), 0 delete\(s\)/);
    expect(text).toContain(`create  group ${g1.displayName}`);
    expect(text).toMatch(/REFUSED \(incomplete-information\): 11 deletion\(s\) refused: .*no group has the display name 'Nobody'/);

    const json = await runPlan({ ...(parseArguments(['plan', '--parameter', HEAD]) as PlanArguments), maxRps: 500 });
    expect(json.changes.filter((c) => c.action === 'delete' && c.reason === 'refused')).toHaveLength(11);
    expect(writes()).toBe(0);
  });

  test('plans from a synthesized cdk.out, resolving catalog permission sets by name', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
    const app = new App({ outdir });
    buildLandingZoneApp({ app, instanceArn: h.fixture.instanceArn, identityStoreId: h.fixture.identityStoreId });
    app.synth();
    for (const name of ['PlatformAdmin', 'Developer', 'ReadOnly', 'SecurityAudit', 'AWSAdministratorAccess']) {
      h.sim.identityCenter.createPermissionSet({ name });
    }
    h.sim.identityStore.createGroup('AWS-Auditors@corp.example.com');
    // The auditors' rule excludes the Suspended OU, which must exist to be resolved.
    h.sim.organizations.createOrganizationalUnit(h.sim.organizations.rootId, 'Suspended');

    const config = readConfigFromCdkOut(outdir);
    expect(config).toHaveProperty('document');
    const doc = (config as { document: { permissionSets: Array<{ name: string; arn?: string }> } }).document;
    expect(doc.permissionSets.every((p) => p.arn === undefined)).toBe(true);

    const report = await runPlan({ ...(parseArguments(['plan', '--cdk-out', outdir]) as PlanArguments), maxRps: 500 });
    expect(writes()).toBe(0);
    // The auditors' rule resolves (ReadOnly by name); the other groups do not exist here, so deletions would be refused.
    expect(report.changes.filter((c) => c.principal === 'group AWS-Auditors' && c.permissionSet === 'ReadOnly')).toHaveLength(11);
    expect(report.errors.join()).toMatch(/no group has the display name 'AWS-Platform-Admins@corp.example.com'/);
  });

  test('a cdk.out without a config parameter is reported, not guessed', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
    expect(readConfigFromCdkOut(outdir)).toEqual({ invalid: expect.stringMatching(/expected one config parameter .* found none; pass --parameter/) });
  });
});
