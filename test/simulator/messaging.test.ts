import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteParameterCommand, DeleteParametersCommand, GetParametersByPathCommand, GetParametersCommand, ParameterAlreadyExists, ParameterNotFound,
  paginateGetParametersByPath, PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AwsSimulator } from '../../simulator';

describe('SSM, SQS and EventBridge limits', () => {
  let sim: AwsSimulator;
  beforeEach(async () => {
    // The clock is frozen, so Parameter Store's write throughput (3 per second) is raised for these semantics tests.
    sim = await AwsSimulator.start({ seed: 9, clock: { speed: 0 }, quotas: { ssm: { writes: { burst: 100 } } } });
  });
  afterEach(async () => {
    expect(sim.unexpectedErrors).toEqual([]);
    await sim.stop();
  });

  test('SSM: Parameter Store throughput: 3 writes and 40 reads per second, then ThrottlingException "Rate exceeded"', async () => {
    const throttled = await AwsSimulator.start({ seed: 9, clock: { speed: 0 } });
    try {
      const ssm = new SSMClient({ ...throttled.clientConfig(), maxAttempts: 1 });
      const put = (i: number) => ssm.send(new PutParameterCommand({ Name: `/p/${i}`, Value: 'v', Type: 'String', Overwrite: true }));
      for (let i = 0; i < 3; i++) await put(i);
      await expect(put(3)).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
      throttled.clock.advance(1000);
      await put(3);
      for (let i = 0; i < 40; i++) await ssm.send(new GetParametersCommand({ Names: ['/p/0'] }));
      await expect(ssm.send(new GetParametersByPathCommand({ Path: '/p' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(throttled.calls.throttled('ssm')).toBe(2);
    } finally {
      await throttled.stop();
    }
  });

  test('SSM: Standard holds 4 KB, Advanced 8 KB, Intelligent-Tiering picks the tier, Advanced never downgrades', async () => {
    const ssm = new SSMClient(sim.clientConfig());
    const put = (Name: string, size: number, Tier?: 'Standard' | 'Advanced' | 'Intelligent-Tiering', Overwrite?: boolean) =>
      ssm.send(new PutParameterCommand({ Name, Value: 'x'.repeat(size), Type: 'String', Tier, Overwrite }));
    expect((await put('/std', 4096)).Tier).toBe('Standard');
    await expect(put('/std-big', 4097)).rejects.toThrow('Standard tier parameters support a maximum parameter value of 4096 characters');
    await expect(put('/std-big', 4097)).rejects.toMatchObject({ name: 'ValidationException' });
    expect((await put('/adv', 8192, 'Advanced')).Tier).toBe('Advanced');
    await expect(put('/adv-big', 8193, 'Advanced')).rejects.toMatchObject({ name: 'ValidationException' });
    expect((await put('/it-small', 10, 'Intelligent-Tiering')).Tier).toBe('Standard');
    expect((await put('/it-big', 5000, 'Intelligent-Tiering')).Tier).toBe('Advanced');
    await expect(put('/adv', 10, 'Standard', true)).rejects.toThrow('can\'t downgrade');
    expect(await put('/adv', 10, undefined, true)).toMatchObject({ Tier: 'Advanced', Version: 2 });
    // Multi-byte text: 4 KB is a size, so 2,049 two-byte characters do not fit in Standard.
    await expect(ssm.send(new PutParameterCommand({ Name: '/utf8', Value: 'é'.repeat(2049), Type: 'String' }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('SSM: Overwrite semantics and versions, GetParameters, DeleteParameter', async () => {
    const ssm = new SSMClient(sim.clientConfig());
    await ssm.send(new PutParameterCommand({ Name: '/cfg/a', Value: '1', Type: 'String' }));
    await expect(ssm.send(new PutParameterCommand({ Name: '/cfg/a', Value: '2', Type: 'String' }))).rejects.toBeInstanceOf(ParameterAlreadyExists);
    expect((await ssm.send(new PutParameterCommand({ Name: '/cfg/a', Value: '2', Overwrite: true }))).Version).toBe(2);
    await expect(ssm.send(new PutParameterCommand({ Name: '/cfg/new', Value: '1' }))).rejects.toThrow('A parameter type is required');
    const got = await ssm.send(new GetParametersCommand({ Names: ['/cfg/a', '/cfg/none'] }));
    expect(got.Parameters?.map((p) => [p.Name, p.Value, p.Version])).toEqual([['/cfg/a', '2', 2]]);
    expect(got.InvalidParameters).toEqual(['/cfg/none']);
    await ssm.send(new DeleteParameterCommand({ Name: '/cfg/a' }));
    await expect(ssm.send(new DeleteParameterCommand({ Name: '/cfg/a' }))).rejects.toBeInstanceOf(ParameterNotFound);
  });

  test('SSM: DeleteParameters lists what it deleted and what did not exist', async () => {
    const ssm = new SSMClient(sim.clientConfig());
    sim.ssm.put('/cfg/x', '1');
    sim.ssm.put('/cfg/y', '2');
    const result = await ssm.send(new DeleteParametersCommand({ Names: ['/cfg/x', '/cfg/y', '/cfg/none'] }));
    expect(result.DeletedParameters).toEqual(['/cfg/x', '/cfg/y']);
    expect(result.InvalidParameters).toEqual(['/cfg/none']);
    expect(sim.ssm.parameters()).toEqual([]);
    await expect(ssm.send(new DeleteParametersCommand({ Names: [] }))).rejects.toThrow(/Member must have length between 1 and 10/);
  });

  test('SSM: GetParametersByPath pages (10 at most) and recurses only when asked', async () => {
    for (let i = 0; i < 23; i++) sim.ssm.put(`/app/config/part-${String(i).padStart(2, '0')}`, `v${i}`);
    sim.ssm.put('/app/config/nested/deep', 'd');
    sim.ssm.put('/app/other', 'o');
    const ssm = new SSMClient(sim.clientConfig());
    const names = async (Recursive: boolean) => {
      const out: string[] = [];
      for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: '/app/config', Recursive })) {
        expect(page.Parameters!.length).toBeLessThanOrEqual(10);
        out.push(...page.Parameters!.map((p) => p.Name!));
      }
      return out;
    };
    expect(await names(false)).toHaveLength(23);
    expect(await names(true)).toEqual([...Array.from({ length: 23 }, (_, i) => `/app/config/part-${String(i).padStart(2, '0')}`), '/app/config/nested/deep'].sort());
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/app', MaxResults: 11 }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('SQS FIFO: MessageGroupId required, deduplication for 5 simulated minutes, content-based deduplication', async () => {
    const explicit = sim.sqs.createQueue('explicit.fifo');
    const contentBased = sim.sqs.createQueue('content.fifo', { contentBasedDeduplication: true });
    const sqs = new SQSClient(sim.clientConfig());
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: explicit.url, MessageBody: 'a', MessageDeduplicationId: 'd' })))
      .rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: explicit.url, MessageBody: 'a', MessageGroupId: 'g' })))
      .rejects.toThrow('ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    const first = await sqs.send(new SendMessageCommand({ QueueUrl: explicit.url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'run-1' }));
    sim.clock.advance(4 * 60 * 1000);
    const duplicate = await sqs.send(new SendMessageCommand({ QueueUrl: explicit.url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'run-1' }));
    expect(duplicate.MessageId).toBe(first.MessageId);
    expect(sim.sqs.messages('explicit.fifo')).toHaveLength(1);
    sim.clock.advance(60 * 1000);
    const later = await sqs.send(new SendMessageCommand({ QueueUrl: explicit.url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'run-1' }));
    expect(later.MessageId).not.toBe(first.MessageId);
    expect(sim.sqs.messages('explicit.fifo')).toHaveLength(2);

    await sqs.send(new SendMessageCommand({ QueueUrl: contentBased.url, MessageBody: 'same', MessageGroupId: 'g' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: contentBased.url, MessageBody: 'same', MessageGroupId: 'g' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: contentBased.url, MessageBody: 'other', MessageGroupId: 'g' }));
    expect(sim.sqs.messages('content.fifo').map((m) => m.body)).toEqual(['same', 'other']);
  });

  test('EventBridge: 10 entries per call, 256 KB per call, failures reported per entry', async () => {
    const events = new EventBridgeClient(sim.clientConfig());
    const entry = (detail: string, EventBusName?: string) => ({ Source: 'app', DetailType: 'Change', Detail: detail, EventBusName });
    await expect(events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry('{}')) }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(events.send(new PutEventsCommand({ Entries: [entry(JSON.stringify({ big: 'x'.repeat(256 * 1024) }))] }))).rejects.toMatchObject({ name: 'ValidationException' });
    sim.eventBridge.createEventBus('test-bus');
    const result = await events.send(new PutEventsCommand({
      Entries: [entry('{"ok":1}', 'test-bus'), entry('not json'), entry('{}', 'missing-bus'), entry('{"ok":2}')],
    }));
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'MalformedDetail', 'ResourceNotFoundException', 'ok']);
    expect(sim.eventBridge.events('test-bus').map((e) => e.detail)).toEqual([{ ok: 1 }]);
  });

  test('SQS DeleteQueue and EventBridge DeleteEventBus; the default bus cannot be deleted', async () => {
    const queue = sim.sqs.createQueue('gone.fifo');
    expect(sim.sqs.deleteQueue('gone.fifo')).toBe(true);
    expect(sim.sqs.queueByUrl(queue.url)).toBeUndefined();
    expect(sim.sqs.deleteQueue('gone.fifo')).toBe(false);
    const sqs = new SQSClient({ ...sim.clientConfig(), maxAttempts: 1 });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x', MessageGroupId: 'g' })))
      .rejects.toThrow('The specified queue does not exist.');

    sim.eventBridge.createEventBus('gone-bus');
    expect(sim.eventBridge.deleteEventBus('gone-bus')).toBe(true);
    expect(sim.eventBridge.hasEventBus('gone-bus')).toBe(false);
    expect(sim.eventBridge.deleteEventBus('gone-bus')).toBe(false);
    expect(() => sim.eventBridge.deleteEventBus('default')).toThrow(/default event bus/);
  });
});
