import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { DeployedAutomation } from './deployed-automation';
import { AccountTarget, AssignmentAutomation, PermissionSetCatalog, Principal } from '../../src';
import { main } from '../../src/cli/main';
import { CATALOG_TAG_KEY } from '../../src/reconciler/contract';

// A catalog entry taking over a permission set that already exists under its name (made by hand):
// without adoption the deploy fails; with `adopt` and `cdk import` the set is taken over as it is,
// with every assignment it has.

jest.setTimeout(120_000);

describe('adopting an existing permission set', () => {
  let world: DeployedAutomation;
  let saved: NodeJS.ProcessEnv;
  beforeEach(async () => {
    world = await DeployedAutomation.start({ organization: { accounts: 4, groups: 2 } });
    saved = { ...process.env };
  });
  afterEach(async () => {
    process.env = saved;
    await world.stop();
  });

  function landingZone(names: string[]) {
    return (stack: Stack) => {
      const instanceArn = world.fixture.instanceArn;
      const catalog = new PermissionSetCatalog(stack, 'Catalog', { instanceArn, permissionSets: names.map((name) => ({ name })) });
      new AssignmentAutomation(stack, 'Assignments', {
        instanceArn,
        identityStoreId: world.fixture.identityStoreId,
        catalog,
        assignments: names.map((name) => ({
          principal: Principal.group(world.fixture.groups[0].displayName),
          permissionSet: catalog.permissionSet(name),
          target: AccountTarget.allAccounts(),
        })),
      });
    };
  }

  test('the plain deploy fails on the name; adopt writes the mapping, cdk import takes the set over, and the deploy completes', async () => {
    await world.deploy(landingZone(['ReadOnly']));
    await world.apply();
    // Made by hand before the catalog knew it, and assigned in two accounts.
    const billing = world.sim.identityCenter.createPermissionSet({ name: 'Billing' });
    const [a1, a2] = world.sim.organizations.accounts();
    for (const account of [a1, a2]) {
      world.sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: billing.arn, principalType: 'GROUP', principalId: world.fixture.groups[1].id });
    }

    const refused = await world.deploy(landingZone(['ReadOnly', 'Billing']));
    expect(refused.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(refused.events.find((e) => e.status === 'CREATE_FAILED')?.reason).toMatch(/already exists/i);

    // The operator command, as a user runs it against the synthesized app.
    const cdkOut = fs.mkdtempSync(path.join(os.tmpdir(), 'adopt-'));
    const app = new App({ outdir: cdkOut });
    landingZone(['ReadOnly', 'Billing'])(new Stack(app, 'Home', { env: { account: world.sim.organizations.managementAccountId, region: world.sim.region } }));
    const assembly = app.synth();
    Object.assign(process.env, world.sim.env());
    const out: string[] = [];
    const mappingFile = path.join(cdkOut, 'mapping.json');
    expect(await main(['adopt', '--cdk-out', cdkOut, '--stack', 'Home', '--out', mappingFile], (t) => out.push(t))).toBe(0);
    // ReadOnly is the catalog's already (its tag says so); only Billing is adopted.
    expect(out.join('\n')).toMatch(/not adopted: ReadOnly: already this catalog's/);
    expect(out.join('\n')).toMatch(/cdk import Home --resource-mapping .* --force/);
    const mapping = JSON.parse(fs.readFileSync(mappingFile, 'utf8')) as Record<string, { InstanceArn: string; PermissionSetArn: string }>;
    expect(Object.values(mapping)).toEqual([{ InstanceArn: world.fixture.instanceArn, PermissionSetArn: billing.arn }]);

    // As printed: the catalog change also touches other resources, which cdk import refuses without --force.
    const template = assembly.getStackByName('Home').template as object;
    await expect(world.sim.cloudFormation.importResources('Home', template, mapping)).rejects.toThrow(/--force to override/);
    const imported = await world.sim.cloudFormation.importResources('Home', template, mapping, { force: true });
    expect(imported.status).toBe('IMPORT_COMPLETE');
    const deployed = await world.deploy(landingZone(['ReadOnly', 'Billing']));
    expect(deployed.status).toBe('UPDATE_COMPLETE');

    // The same permission set, now the catalog's (tagged), with its assignments; the rule adds the rest.
    expect(world.sim.identityCenter.permissionSetByName('Billing')!.arn).toBe(billing.arn);
    expect(world.sim.identityCenter.permissionSetByName('Billing')!.tags?.[CATALOG_TAG_KEY]).toBeDefined();
    const report = await world.apply();
    expect(report.errors).toEqual([]);
    const billingLive = world.live().filter((a) => a.includes(':Billing@'));
    expect(billingLive.filter((a) => a.startsWith(world.fixture.groups[1].displayName))).toHaveLength(2);
    expect(billingLive.filter((a) => a.startsWith(world.fixture.groups[0].displayName))).toHaveLength(5);
  });

  test('after an uninstall with RETAIN, a new install takes its permission sets over with --take-over', async () => {
    await world.deploy(landingZone(['ReadOnly']));
    await world.apply();
    const kept = world.sim.identityCenter.permissionSetByName('ReadOnly')!;
    expect((await world.destroy()).status).toBe('DELETE_COMPLETE');
    const live = world.live();

    const reinstall = await world.deploy(landingZone(['ReadOnly']));
    expect(reinstall.status).toBe('ROLLBACK_COMPLETE');
    await world.destroy();

    const cdkOut = fs.mkdtempSync(path.join(os.tmpdir(), 'adopt-'));
    const app = new App({ outdir: cdkOut });
    landingZone(['ReadOnly'])(new Stack(app, 'Home', { env: { account: world.sim.organizations.managementAccountId, region: world.sim.region } }));
    const assembly = app.synth();
    Object.assign(process.env, world.sim.env());
    const mappingFile = path.join(cdkOut, 'mapping.json');
    const out: string[] = [];
    // Its own tag: without --take-over it is taken for this stack's, and left.
    expect(await main(['adopt', '--cdk-out', cdkOut, '--stack', 'Home', '--out', mappingFile], (t) => out.push(t))).toBe(0);
    expect(out.join('\n')).toMatch(/ReadOnly: already this catalog's \(pass --take-over/);
    expect(await main(['adopt', '--cdk-out', cdkOut, '--stack', 'Home', '--out', mappingFile, '--take-over'], (t) => out.push(t))).toBe(0);
    const mapping = JSON.parse(fs.readFileSync(mappingFile, 'utf8')) as Record<string, { InstanceArn: string; PermissionSetArn: string }>;
    expect(Object.values(mapping)).toEqual([{ InstanceArn: world.fixture.instanceArn, PermissionSetArn: kept.arn }]);

    const imported = await world.sim.cloudFormation.importResources('Home', assembly.getStackByName('Home').template as object, mapping, { force: true });
    expect(imported.status).toBe('IMPORT_COMPLETE');
    expect((await world.deploy(landingZone(['ReadOnly']))).status).toBe('UPDATE_COMPLETE');
    expect(world.live()).toEqual(live);
    expect((await world.apply()).counts).toMatchObject({ created: 0, deleted: 0 });
  });
});
