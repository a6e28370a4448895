import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { publishEvents } from '../../src/reconciler/adapters/notifications';
import { EVENTS } from '../../src/reconciler/contract';
import { RunReport } from '../../src/reconciler/core/report';

describe('publishEvents', () => {
  test('one change event per operation carried out or failed; one left to the follow-up invocation is not a change yet', async () => {
    const sent: PutEventsCommand[] = [];
    const client = { send: async (command: PutEventsCommand) => (sent.push(command), { FailedEntryCount: 0 }) } as unknown as EventBridgeClient;
    const change = (status: string, account: string) => ({ action: 'create', principal: 'group Devs', permissionSet: 'ReadOnly', account, status });
    const report = {
      runId: 'r',
      dryRun: false,
      outcome: 'continuing',
      continuation: true,
      changes: [change('succeeded', 'a'), change('failed', 'b'), ...Array.from({ length: 25 }, (_, i) => change('not-started', `c${i}`))],
    } as unknown as RunReport;
    await publishEvents(client, 'bus', report);
    const entries = sent.flatMap((c) => c.input.Entries ?? []);
    expect(entries.filter((e) => e.DetailType === EVENTS.changeDetailType).map((e) => JSON.parse(e.Detail!).account)).toEqual(['a', 'b']);
    expect(JSON.parse(entries.find((e) => e.DetailType === EVENTS.summaryDetailType)!.Detail!).changeCount).toBe(2);
    expect(sent).toHaveLength(1);
  });
});
