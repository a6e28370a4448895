import { App, Expiration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUS, HEAD, Harness } from './harness';
import { AccountTarget, AssignmentAutomation, PermissionSetRef, Principal } from '../../src';
import { parseHead } from '../../src/reconciler/config/schema';
import { ENV, EVENTS } from '../../src/reconciler/contract';
import { DEFAULT_RATES } from '../../src/reconciler/runtime-config';

// An expiring rule end to end, on the simulator's clock: the construct's document and one-time
// schedule, the real handler (SDK clients, adapters, core) against the simulator. The reconciler
// reads Lambda's system clock (Date.now), which is the simulator's clock here, so its client-side
// rates are given in simulated time (unscaled) and its remaining Lambda time generously. EventBridge's
// firing of the scheduled rule is played by the test: it advances the clock into the minute the
// rule's cron names and delivers the queue message the rule's target sends.

const MINUTE = 60_000;
const SPEED = 25;
/** Rates per simulated second, as the reconciler's clock now counts them; Lambda time left, overstated (the runs are short). */
const RUN = {
  remainingMs: 15 * MINUTE * SPEED,
  env: {
    [ENV.maxRequestsPerSecond]: String(DEFAULT_RATES.identityCenter),
    [ENV.organizationsMaxRequestsPerSecond]: String(DEFAULT_RATES.organizations),
    [ENV.identityStoreMaxRequestsPerSecond]: String(DEFAULT_RATES.identityStore),
    [ENV.ssmMaxWritesPerSecond]: String(DEFAULT_RATES.ssmWrites),
  },
};
const ORG = { accounts: 8, ouDepth: 2, ousPerLevel: 2, groups: 2, users: 0, permissionSets: 2, seed: 5 };

/** `cron(M H D MON ? YYYY)` as the construct writes it: the start of the minute it names (UTC; eb-scheduled-rule-pattern.html). */
function minuteOf(cron: string): number {
  const [minute, hour, day, month, , year] = /^cron\((.*)\)$/.exec(cron)![1].split(' ').map(Number);
  return Date.UTC(year, month - 1, day, hour, minute);
}

describe('an expiring rule against the simulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ organization: ORG, speed: SPEED });
    jest.spyOn(Date, 'now').mockImplementation(() => Math.floor(h.sim.clock.now()));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    expect(h.sim.unexpectedErrors).toEqual([]);
    await h.stop();
  });

  test('before the instant its assignments exist; the run its schedule starts after the instant removes them and reports them as expired', async () => {
    const group = h.fixture.groups[0].displayName;
    const permissionSet = h.fixture.permissionSets[0].name;
    const other = h.fixture.groups[1].displayName;
    const instant = new Date(Math.ceil((h.sim.clock.now() + 30 * MINUTE) / 1000) * 1000);

    // What the construct deploys: the document (its rules) and the one-time schedule.
    const stack = new Stack(new App(), 'Home', { env: { account: h.sim.organizations.managementAccountId, region: 'us-east-1' } });
    new AssignmentAutomation(stack, 'Assignments', {
      instanceArn: h.fixture.instanceArn,
      identityStoreId: h.fixture.identityStoreId,
      assignments: [
        {
          principal: Principal.group(group),
          permissionSet: PermissionSetRef.fromName(permissionSet),
          target: AccountTarget.allAccounts(),
          expires: Expiration.atDate(instant),
        },
        { principal: Principal.group(other), permissionSet: PermissionSetRef.fromName(permissionSet), target: AccountTarget.allAccounts() },
      ],
    });
    const template = Template.fromStack(stack);
    const [headParameter] = Object.values(template.findResources('AWS::SSM::Parameter', { Properties: { Name: HEAD } }));
    const head = parseHead(headParameter.Properties.Value as string);
    if ('error' in head) throw new Error(head.error);
    const crons = Object.values(template.findResources('AWS::Events::Rule'))
      .map((r) => String(r.Properties.ScheduleExpression ?? '')).filter((e) => e.startsWith('cron('));
    expect(crons).toHaveLength(1);
    const fires = minuteOf(crons[0]);
    // EventBridge runs it somewhere in that minute: every second of it is after the instant, and within 15 minutes of it.
    expect(fires).toBeGreaterThan(instant.getTime());
    expect(fires + MINUTE - instant.getTime()).toBeLessThanOrEqual(15 * MINUTE);

    h.putConfig(head.value.rules, {}, [permissionSet]);
    const accounts = h.sim.organizations.accounts().filter((a) => a.status === 'ACTIVE').length;
    const held = (name: string) => h.live().filter((a) => a.startsWith(`${name}:`)).length;
    expect((await h.apply(RUN)).counts).toMatchObject({ created: 2 * accounts, expired: 0 });

    // A run two minutes before the instant (the periodic schedule, an event): still granted.
    h.sim.clock.advance(instant.getTime() - 2 * MINUTE - h.sim.clock.now());
    const before = await h.apply(RUN);
    expect(before).toMatchObject({ outcome: 'no-changes', counts: { expired: 0 } });
    expect(held(group)).toBe(accounts);

    // The scheduled rule fires late in its minute; its target puts a Scheduled Event on the queue
    // (EventBridge user guide, "Amazon EventBridge events": source aws.events, detail-type Scheduled Event).
    h.sim.clock.advance(fires + 45_000 - h.sim.clock.now());
    const scheduled = {
      'version': '0',
      'id': 'expiry',
      'detail-type': 'Scheduled Event',
      'source': 'aws.events',
      'account': stack.account,
      'time': new Date(fires).toISOString(),
      'region': 'us-east-1',
      'resources': ['arn:aws:events:us-east-1:111111111111:rule/expiry'],
      'detail': {},
    };
    await h.invoke({ Records: [{ messageId: 'm-1', body: JSON.stringify(scheduled), attributes: {}, messageAttributes: {} } as never] }, RUN);
    // A queued run returns nothing: its report is the summary event it put on the automation's bus.
    const after = h.sim.eventBridge.events(BUS).filter((e) => e.detailType === EVENTS.summaryDetailType).pop()!.detail;
    expect(after).toMatchObject({ outcome: 'converged', counts: { deleted: accounts, expired: accounts, created: 0 }, errors: [] });
    expect((after as { notices: string[] }).notices).toEqual([
      `rule 1 (group ${group} -> ${permissionSet} @ all accounts) expired at ${instant.toISOString()}: ${accounts} assignment(s) removed`,
    ]);
    // Each removal's change event names the rule that expired.
    const removals = h.sim.eventBridge.events(BUS).filter((e) => e.detailType === EVENTS.changeDetailType && (e.detail as { action: string }).action === 'delete');
    expect(removals.map((e) => (e.detail as { expired?: string }).expired))
      .toEqual(Array(accounts).fill(`rule 1 (group ${group} -> ${permissionSet} @ all accounts) expired at ${instant.toISOString()}`));
    expect(held(group)).toBe(0);
    expect(held(other)).toBe(accounts);
    // Still owned: the pair stays in the state, so a grant made again by hand would go again.
    expect((await h.storedState()).pairs.some((p) => p.includes(h.fixture.groups[0].id))).toBe(true);
  });
});
