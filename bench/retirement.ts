// `npx ts-node --transpile-only bench/retirement.ts [assignments]`: what retiring a catalog
// permission set costs at Identity Center's quotas. The stack is deployed into the simulator's
// CloudFormation model; the deploy that removes the set is timed on the simulated clock, and its
// API calls are counted. The reconciler runs in-process (test/lifecycle/deployed-automation.ts).
// SPEED (default 10): like the benchmark's clock, a higher speed counts this machine's CPU time as
// more simulated time and under-reports throughput (at 50, deletions ran at 1.6/s instead of 3.3/s).
import { Stack } from 'aws-cdk-lib';
import { AccountTarget, AssignmentAutomation, PermissionSetCatalog, Principal } from '../src';
import { DeployedAutomation } from '../test/lifecycle/deployed-automation';

const SPEED = Number(process.env.SPEED ?? 10);

async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 500);
  const groups = 10;
  const accounts = Math.ceil(target / groups) - 1; // members, besides the management account
  const world = await DeployedAutomation.start({ organization: { accounts, groups }, speed: SPEED });
  try {
    const landingZone = (names: string[]) => (stack: Stack) => {
      const catalog = new PermissionSetCatalog(stack, 'Catalog', { instanceArn: world.fixture.instanceArn, permissionSets: names.map((name) => ({ name })) });
      new AssignmentAutomation(stack, 'Assignments', {
        instanceArn: world.fixture.instanceArn,
        identityStoreId: world.fixture.identityStoreId,
        catalog,
        maxDeletionsPerRun: target,
        assignments: world.fixture.groups.flatMap((g) => names.map((name) => ({
          principal: Principal.group(g.displayName), permissionSet: catalog.permissionSet(name), target: AccountTarget.allAccounts(),
        }))),
      });
    };
    await world.deploy(landingZone(['ReadOnly', 'Operator']));
    const applyStart = world.sim.clock.now();
    await world.apply();
    console.log(`first apply: ${world.live().length} assignments created in ${((world.sim.clock.now() - applyStart) / 1000).toFixed(0)} s simulated`);
    const retiring = world.live().filter((a) => a.includes(':Operator@')).length;

    world.sim.calls.reset();
    const simulatedStart = world.sim.clock.now();
    const realStart = Date.now();
    const deployed = await world.deploy(landingZone(['ReadOnly']));
    const simulatedSeconds = (world.sim.clock.now() - simulatedStart) / 1000;
    const left = world.live().filter((a) => a.includes(':Operator@')).length;

    const calls = world.sim.calls.byOperation();
    const ssoAdmin = Object.entries(calls).filter(([op]) => op.startsWith('sso-admin:')).sort(([, a], [, b]) => b - a);
    console.log(`retired a permission set of ${retiring} assignments in ${accounts + 1} accounts: ${deployed.status}, ${left} left, `
      + `permission set ${world.sim.identityCenter.permissionSetByName('Operator') ? 'kept' : 'deleted'}`);
    console.log(`deploy: ${simulatedSeconds.toFixed(0)} s simulated (${((Date.now() - realStart) / 1000).toFixed(1)} s real at ${SPEED}x), `
      + `${ssoAdmin.reduce((n, [, c]) => n + c, 0)} Identity Center calls, throttled: ${world.sim.calls.throttled('sso-admin')}`);
    for (const [op, count] of ssoAdmin) console.log(`  ${op.padEnd(58)} ${count}`);
    const deletes = world.sim.identityCenter.operations({ kind: 'DELETE_ASSIGNMENT' }).filter((op) => op.createdDate >= simulatedStart);
    const buckets = new Map<number, { started: number; inFlight: number }>();
    for (const op of deletes) {
      const b = Math.floor((op.createdDate - simulatedStart) / 50_000) * 50;
      buckets.set(b, { started: (buckets.get(b)?.started ?? 0) + 1, inFlight: 0 });
    }
    console.log(`deletions: ${deletes.length}, mean latency ${(deletes.reduce((n, op) => n + (op.completedAt! - op.createdDate), 0) / deletes.length / 1000).toFixed(1)} s`);
    for (const [b, v] of [...buckets].sort(([x], [y]) => x - y)) console.log(`  ${String(b).padStart(5)} s: ${v.started} started`);
    console.log('queued invocations during the deploy (simulated seconds):');
    for (const d of world.delivered.filter((x) => x.startedAt >= simulatedStart)) {
      const kind = d.body.includes('customResource') ? 'lifecycle request' : d.body.includes('"trigger"') ? 'run before the drain' : 'run (config change)';
      console.log(`  ${((d.startedAt - simulatedStart) / 1000).toFixed(0).padStart(5)} s to ${((d.endedAt - simulatedStart) / 1000).toFixed(0).padStart(5)} s  ${kind}`);
    }
    console.log('stack events (simulated seconds from the start of the deploy):');
    for (const e of deployed.events.filter((x) => !x.status.endsWith('_IN_PROGRESS') || x.logicalId === 'Home')) {
      console.log(`  ${((e.at - simulatedStart) / 1000).toFixed(0).padStart(5)} s  ${e.status.padEnd(45)} ${e.logicalId}`);
    }
  } finally {
    await world.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
