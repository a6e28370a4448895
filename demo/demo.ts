// `npm run demo`: the example landing zone, synthesized, deployed into the simulator's embedded
// organization, and reconciled by the bundled reconciler, in under a minute.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { applyUntilSettled, bundledInvoker, deployedLambdaEnvironment, invokeBundled, quietEnvironment } from '../bench/lambda-process';
import { AwsSimulator } from '../simulator';
import { embedOrganization, plantDrift } from './embedded-organization';
import { buildLandingZoneApp } from './landing-zone-app';
import { importStep, reportStep } from './report-and-import';
import { DynamoDbEndpoint } from '../simulator/dynamodb/dynalite-endpoint';
import { formatReport } from '../src/cli/format';
import { ENV } from '../src/reconciler/contract';
import { RunReport } from '../src/reconciler/core/report';

/** Simulated ms per real ms: the simulator's quotas and latencies, and the reconciler's rates, scale together. */
const SPEED = 20;
const LAMBDA_TIMEOUT_MS = 15 * 60_000;
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

async function main(): Promise<void> {
  const started = Date.now();
  const step = (title: string) => console.log(`\n${bold(`== ${title}`)} ${`(${((Date.now() - started) / 1000).toFixed(1)} s)`}`);

  step('1. Start the AWS simulator with an embedded organization');
  const sim = await AwsSimulator.start({ seed: 1, region: 'eu-west-1', clock: { speed: SPEED } });
  const dynamodb = await DynamoDbEndpoint.start();
  try {
    const { controlTower, neighbour } = embedOrganization(sim);
    const accounts = sim.organizations.accounts();
    console.log(`   ${accounts.length} accounts (${accounts.filter((a) => a.status !== 'ACTIVE').length} suspended) in ${sim.organizations.organizationalUnits().length} OUs, `
      + `${sim.identityStore.groups().length} groups, ${controlTower} Control Tower assignments, ${neighbour} of another tool`);
    console.log(`   Identity Center quotas on: ${sim.quotaModel().ssoAdmin.requestsPerSecond} TPS, ${sim.quotaModel().ssoAdmin.maxOutstandingAsyncOperations} outstanding operations, `
      + `2-6 s per operation; the clock runs ${SPEED}x`);

    step('2. Synthesize the example landing zone (demo/landing-zone-app.ts)');
    const outdir = path.join(__dirname, 'out', 'cdk.out');
    fs.rmSync(outdir, { recursive: true, force: true });
    const app = new App({ outdir });
    const landingZone = buildLandingZoneApp({
      app,
      instanceArn: sim.identityCenter.instanceArn,
      identityStoreId: sim.identityCenter.identityStoreId,
    });
    const assembly = app.synth();
    for (const stack of assembly.stacks) {
      const resources = Object.values((stack.template as { Resources: Record<string, { Type: string }> }).Resources);
      console.log(`   ${stack.stackName} (${stack.environment.region}): ${resources.length} resources`);
    }

    step('3. Deploy the home stack into the simulator (its CloudFormation model, as cdk deploy would)');
    sim.cloudFormation.setTableProvider(dynamodb.tableProvider());
    // The stack's custom resources (the catalog's generation, the automation's lifecycle) are answered by the bundled reconciler.
    sim.cloudFormation.setFunctionInvoker(bundledInvoker(sim, dynamodb, LAMBDA_TIMEOUT_MS));
    const home = landingZone.home;
    const deployed = await sim.cloudFormation.deploy(home.stackName, assembly.getStackByName(home.stackName).template);
    if (deployed.status !== 'CREATE_COMPLETE') {
      const reasons = deployed.events.filter((e) => e.reason !== undefined).map((e) => `${e.logicalId} ${e.status}: ${e.reason}`);
      throw new Error(`the home stack did not deploy: ${deployed.status}\n${reasons.join('\n')}`);
    }
    const fn = sim.cloudFormation.functions().find((f) => f.environment[ENV.configParameter] !== undefined)!;
    const env = quietEnvironment(deployedLambdaEnvironment(sim, fn, dynamodb));
    const queue = env[ENV.queueUrl].split('/').pop()!;
    const drift = plantDrift(sim);
    console.log(`   ${home.stackName}: ${deployed.status}, ${sim.identityCenter.permissionSets().length} permission sets, `
      + `rules in ${env[ENV.configParameter]}, state in table ${env[ENV.stateTable]}`);
    console.log(`   then ${drift} assignment made by hand: AWS-Developers with Developer in sandbox-02, which no rule asks for`);
    const plan = async () => (await invokeBundled(sim, env, { mode: 'plan' }, LAMBDA_TIMEOUT_MS)).report;
    const apply = async () => {
      const runs = await applyUntilSettled(sim, env, queue, LAMBDA_TIMEOUT_MS);
      return runs[runs.length - 1].report;
    };
    const show = (report: RunReport, limit = 12) => console.log(formatReport(report, limit).split('\n').map((l) => `   ${l}`).join('\n'));

    step('4. Plan: the bundled reconciler, invoked with { "mode": "plan" }');
    show(await plan());

    step('5. Apply');
    show(await apply(), 5);
    const ct = sim.identityCenter.assignments().filter((a) => sim.identityStore.groups().find((g) => g.id === a.principalId)?.displayName === 'AWSControlTowerAdmins');
    console.log(`   ${sim.identityCenter.assignmentCount()} assignments live. The ${ct.length} of Control Tower's group and the other tool's one are untouched `
      + '(pairs the automation does not own); the one made by hand (an owned pair in an account no rule names) was drift and is gone');

    step('6. Report: who can access what where (npx cdk-identity-center-permissions report)');
    const out = path.dirname(outdir);
    await reportStep(sim, out, SPEED);

    step('7. Import: today\'s assignments as rules (npx cdk-identity-center-permissions import), and the round trip');
    await importStep(sim, out, SPEED, dynamodb.env());

    step('8. An account moves from Workloads/Dev to Workloads/Prod: the incremental plan, then apply');
    const moved = accounts.find((a) => a.name === 'dev-team-03')!;
    const prodOu = sim.organizations.organizationalUnits().find((u) => sim.organizations.pathOf(u.id) === 'Root/Workloads/Prod')!;
    sim.organizations.moveAccount(moved.id, prodOu.id);
    show(await plan());
    const incremental = await apply();
    console.log(`   applied: ${incremental.counts.created} created, ${incremental.counts.deleted} deleted (${incremental.outcome})`);

    step('9. Someone hand-edits the config parameter and removes every rule: a mass deletion, refused');
    const before = sim.identityCenter.assignmentCount();
    const head = JSON.parse(sim.ssm.get(landingZone.automation.configParameterName)!.value) as { rules: unknown[] };
    sim.ssm.put(landingZone.automation.configParameterName, JSON.stringify({ ...head, rules: [] }));
    const refused = await apply();
    show(refused, 3);
    console.log(`   assignments live before and after: ${before} and ${sim.identityCenter.assignmentCount()}; nothing was deleted`);

    step(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await sim.stop();
    await dynamodb.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
