import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EVENTS, MESSAGE_GROUP } from '../contract';
import { headline, summaryText, teamsMessage } from '../core/notification-content';
import { RunReport } from '../core/report';

/** PutEvents takes at most 10 entries. */
const EVENTS_PER_CALL = 10;
/** PutEvents calls in flight: far below its quota (thousands of requests per second, depending on the region). */
const PUT_EVENTS_CONCURRENCY = 10;

/**
 * Puts the run summary and one event per change on the automation's event bus. An operation the
 * run did not start is no change: its follow-up invocation starts it and publishes it then.
 */
export async function publishEvents(client: EventBridgeClient, busName: string, report: RunReport): Promise<void> {
  const { changes: all, ...summary } = report;
  const changes = all.filter((c) => c.status !== 'not-started');
  const entries: PutEventsRequestEntry[] = [
    {
      EventBusName: busName,
      Source: EVENTS.source,
      DetailType: EVENTS.summaryDetailType,
      Detail: JSON.stringify({ ...summary, changeCount: changes.length }),
    },
    ...changes.map((change) => ({
      EventBusName: busName,
      Source: EVENTS.source,
      DetailType: EVENTS.changeDetailType,
      Detail: JSON.stringify({ runId: report.runId, dryRun: report.dryRun, ...change }),
    })),
  ];
  const batches: PutEventsRequestEntry[][] = [];
  for (let i = 0; i < entries.length; i += EVENTS_PER_CALL) batches.push(entries.slice(i, i + EVENTS_PER_CALL));
  // A few calls at a time: one after another, the events of 10,000 changes would hold the run's end (and its
  // continuation) for 1,000 round trips. EventBridge delivers in no particular order either way.
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const result = await client.send(new PutEventsCommand({ Entries: batches[next++] }));
      failed += result.FailedEntryCount ?? 0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUT_EVENTS_CONCURRENCY, batches.length) }, worker));
  if (failed > 0) throw new Error(`${failed} of ${entries.length} events were not accepted by the event bus`);
}

export async function publishSns(client: SNSClient, topicArn: string, report: RunReport): Promise<void> {
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: headline(report).slice(0, 100), Message: summaryText(report) }));
}

/**
 * Posts an Adaptive Card to the Teams Workflows webhook whose URL is in the secret (the whole
 * secret string, or its `url` / `webhookUrl` JSON field). The URL is a credential: it is never
 * logged, and errors name only the HTTP status.
 */
export async function postTeams(secrets: SecretsManagerClient, secretArn: string, report: RunReport): Promise<void> {
  const secret = (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString ?? '';
  const url = webhookUrl(secret);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage(report)),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new Error(`the Teams webhook could not be reached (${(e as Error).name})`);
  }
  if (!response.ok) throw new Error(`the Teams webhook answered HTTP ${response.status}`);
}

export function webhookUrl(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed.startsWith('{')) {
    let parsed: { url?: string; webhookUrl?: string };
    try {
      parsed = JSON.parse(trimmed) as typeof parsed;
    } catch {
      // The parser's message quotes the text: never let it carry the secret into a log.
      throw new Error('the Teams webhook secret looks like JSON but does not parse');
    }
    const url = parsed.url ?? parsed.webhookUrl;
    if (!url) throw new Error('the Teams webhook secret is JSON without a url or webhookUrl field');
    return url;
  }
  if (!/^https?:\/\//.test(trimmed)) throw new Error('the Teams webhook secret does not hold a URL');
  return trimmed;
}

/** Queues the follow-up run of a run that stopped for time, in the reconciler's single message group. */
/**
 * Hands a custom resource request to the queue, where it waits behind any run (one message group)
 * and is carried out under the run lease. `attempt` numbers the hand-overs of one request (an
 * unfinished drain is queued again), which keeps each message unique to FIFO deduplication.
 */
export async function queueCustomResourceRequest(
  client: SQSClient, queueUrl: string, request: { RequestId: string }, attempt: number,
): Promise<void> {
  await client.send(new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify({ customResource: request, attempt }),
    MessageGroupId: MESSAGE_GROUP,
    MessageDeduplicationId: `${request.RequestId}-${attempt}`,
  }));
}

/** An ordinary trigger of a run, queued by the reconciler itself (before a drain). */
export async function queueTrigger(client: SQSClient, queueUrl: string, deduplicationId: string): Promise<void> {
  await client.send(new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify({ trigger: 'lifecycle', id: deduplicationId }),
    MessageGroupId: MESSAGE_GROUP,
    MessageDeduplicationId: deduplicationId,
  }));
}

export async function sendContinuation(client: SQSClient, queueUrl: string, runId: string, sequence: number): Promise<void> {
  await client.send(new SendMessageCommand({
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify({ continuation: { runId, sequence } }),
    MessageGroupId: MESSAGE_GROUP,
    MessageDeduplicationId: `${runId}-continuation-${sequence}`,
  }));
}
