// The reconciler's settings, read from the environment variables that AssignmentAutomation sets
// (their names are in the contract). The standard SDK variables (AWS_REGION, credentials,
// AWS_ENDPOINT_URL) are read by the SDK itself, which is how a local run or the simulator reaches
// other endpoints.
import { DEFAULT_GUARDS, ENV } from './contract';

/** Client-side request rates per second when the environment sets none. */
export const DEFAULT_RATES = { identityCenter: 15, organizations: 5, identityStore: 10, ssmWrites: 2 } as const;

export interface RuntimeConfig {
  readonly configParameter: string;
  readonly stateTable: string;
  readonly statePrefix: string;
  readonly guards: { readonly maxDeletionsPerRun: number; readonly dryRun: boolean };
  readonly eventBusName?: string;
  readonly queueUrl?: string;
  readonly teamsWebhookSecretArn?: string;
  readonly notificationTopicArn?: string;
  readonly assignmentReaderRoleArn?: string;
  readonly maxRequestsPerSecond: number;
  readonly organizationsMaxRequestsPerSecond: number;
  readonly identityStoreMaxRequestsPerSecond: number;
  readonly ssmMaxWritesPerSecond: number;
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
    stateTable: required(ENV.stateTable),
    statePrefix: required(ENV.statePrefix),
    guards: {
      maxDeletionsPerRun: wholeNumber(env, ENV.maxDeletionsPerRun, DEFAULT_GUARDS.maxDeletionsPerRun),
      dryRun: flag(env, ENV.dryRun, DEFAULT_GUARDS.dryRun),
    },
    eventBusName: optional(ENV.eventBusName),
    queueUrl: optional(ENV.queueUrl),
    teamsWebhookSecretArn: optional(ENV.teamsWebhookSecretArn),
    notificationTopicArn: optional(ENV.notificationTopicArn),
    assignmentReaderRoleArn: optional(ENV.assignmentReaderRoleArn),
    maxRequestsPerSecond: positive(ENV.maxRequestsPerSecond, DEFAULT_RATES.identityCenter),
    organizationsMaxRequestsPerSecond: positive(ENV.organizationsMaxRequestsPerSecond, DEFAULT_RATES.organizations),
    identityStoreMaxRequestsPerSecond: positive(ENV.identityStoreMaxRequestsPerSecond, DEFAULT_RATES.identityStore),
    ssmMaxWritesPerSecond: positive(ENV.ssmMaxWritesPerSecond, DEFAULT_RATES.ssmWrites),
    maxOutstanding: Math.floor(positive(ENV.maxOutstanding, 15)),
    readConcurrency: Math.floor(positive(ENV.readConcurrency, 8)),
    stopMarginSeconds: positive(ENV.stopMarginSeconds, 60),
  };
}

function wholeNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`environment variable ${name} must be a whole number of 0 or more, got '${raw}'`);
  return value;
}

function flag(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`environment variable ${name} must be true or false, got '${raw}'`);
  return raw === 'true';
}
