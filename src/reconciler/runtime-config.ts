// The reconciler's run-time contract: every setting comes from these environment variables, which
// AssignmentAutomation sets. The standard SDK variables (AWS_REGION, credentials, AWS_ENDPOINT_URL)
// are read by the SDK itself, which is how a local run or the simulator reaches other endpoints.

export const ENV = {
  /** Name of the SSM parameter holding the head of the config document. Required. */
  configParameter: 'CONFIG_PARAMETER_NAME',
  /** SSM path under which the reconciler keeps what it manages. Required. */
  statePrefix: 'STATE_PARAMETER_PREFIX',
  /** Name of the automation's event bus, for the run summary and change events. Optional. */
  eventBusName: 'EVENT_BUS_NAME',
  /** URL of the FIFO queue in front of the reconciler, for continuation messages. Optional. */
  queueUrl: 'QUEUE_URL',
  /** ARN of a Secrets Manager secret holding a Teams Workflows webhook URL. Optional. */
  teamsWebhookSecretArn: 'TEAMS_WEBHOOK_SECRET_ARN',
  /** ARN of an SNS topic for run summaries. Optional. */
  notificationTopicArn: 'NOTIFICATION_TOPIC_ARN',
  /** Identity Center admin API calls per second this client allows itself. @default 15 of the 20 TPS quota */
  maxRequestsPerSecond: 'IDENTITY_CENTER_MAX_RPS',
  /** Organizations calls per second (the service publishes no rate; throttling is retried). @default 5 */
  organizationsMaxRequestsPerSecond: 'ORGANIZATIONS_MAX_RPS',
  /** Identity Store calls per second. @default 10 */
  identityStoreMaxRequestsPerSecond: 'IDENTITY_STORE_MAX_RPS',
  /** Asynchronous assignment operations kept in flight. @default 15, the service's cap */
  maxOutstanding: 'IDENTITY_CENTER_MAX_OUTSTANDING',
  /** Concurrent read calls while taking the snapshot. @default 8 */
  readConcurrency: 'READ_CONCURRENCY',
  /** Seconds before the Lambda deadline at which no new operation starts. @default 60 */
  stopMarginSeconds: 'STOP_MARGIN_SECONDS',
} as const;

/** Client-side request rates per second when the environment sets none. */
export const DEFAULT_RATES = { identityCenter: 15, organizations: 5, identityStore: 10 } as const;

export interface RuntimeConfig {
  readonly configParameter: string;
  readonly statePrefix: string;
  readonly eventBusName?: string;
  readonly queueUrl?: string;
  readonly teamsWebhookSecretArn?: string;
  readonly notificationTopicArn?: string;
  readonly maxRequestsPerSecond: number;
  readonly organizationsMaxRequestsPerSecond: number;
  readonly identityStoreMaxRequestsPerSecond: number;
  readonly maxOutstanding: number;
  readonly readConcurrency: number;
  readonly stopMarginSeconds: number;
}

/** Reads the contract from an environment; a missing or malformed value names the variable. */
export function readRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is required`);
    return value;
  };
  const optional = (name: string) => env[name] || undefined;
  const positive = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!(value > 0)) throw new Error(`environment variable ${name} must be a positive number, got '${raw}'`);
    return value;
  };
  return {
    configParameter: required(ENV.configParameter),
    statePrefix: required(ENV.statePrefix),
    eventBusName: optional(ENV.eventBusName),
    queueUrl: optional(ENV.queueUrl),
    teamsWebhookSecretArn: optional(ENV.teamsWebhookSecretArn),
    notificationTopicArn: optional(ENV.notificationTopicArn),
    maxRequestsPerSecond: positive(ENV.maxRequestsPerSecond, DEFAULT_RATES.identityCenter),
    organizationsMaxRequestsPerSecond: positive(ENV.organizationsMaxRequestsPerSecond, DEFAULT_RATES.organizations),
    identityStoreMaxRequestsPerSecond: positive(ENV.identityStoreMaxRequestsPerSecond, DEFAULT_RATES.identityStore),
    maxOutstanding: Math.floor(positive(ENV.maxOutstanding, 15)),
    readConcurrency: Math.floor(positive(ENV.readConcurrency, 8)),
    stopMarginSeconds: positive(ENV.stopMarginSeconds, 60),
  };
}
