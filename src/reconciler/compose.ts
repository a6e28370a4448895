import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApiCallCounter, instrument } from './adapters/api-calls';
import { ClientRates, awsAdapters } from './adapters/aws-adapters';
import { DynamoDbStateStore } from './adapters/dynamodb-state';
import { SsmClaims } from './adapters/ssm-claims';
import { SsmConfigAdapter } from './adapters/ssm-config';
import { SsmDocumentStore } from './adapters/ssm-document-store';
import { GuardSettings } from './core/decide';
import { ConfigPort, LeasePort, StatePort, systemClock } from './core/ports';
import { ReconcileDeps, ReconcileLog } from './core/reconcile';
import { TriggerFacts } from './core/trigger-facts';

/** What differs between the Lambda and the plan command; everything else is wired alike. */
export interface Composition {
  readonly runId: string;
  /** The head parameter of the config document in SSM. */
  readonly configParameter: string;
  /** Another source of the document (the plan command's cloud assembly). @default the parameter in SSM */
  readonly configSource?: ConfigPort;
  /** The state table. @default - no state: only what the config names now is owned (a plan without memory) */
  readonly stateTable?: string;
  /** Where versions before the state table kept their state in SSM (read once, to migrate). */
  readonly statePrefix: string;
  /** The state is read but never written, and no lease is taken (the plan command). @default false */
  readonly readOnly?: boolean;
  readonly guards: GuardSettings;
  /** The automation's name among its neighbours on the instance (its bus name). @default - neighbours' claims are not considered */
  readonly automation?: string;
  /** How long a run may hold the lease. */
  readonly leaseTtlMs: number;
  readonly counter: ApiCallCounter;
  readonly rates: ClientRates;
  readonly region?: string;
  /** A delegated administrator's per-principal reads go through a session of this role in the management account. */
  readonly assignmentReaderRoleArn?: string;
  readonly log: ReconcileLog;
  readonly limits: ReconcileDeps['limits'];
  readonly time: ReconcileDeps['time'];
  /** What the events that started the run say. @default - nothing */
  readonly trigger?: TriggerFacts;
}

/**
 * The reconciler's dependencies over the AWS SDK: SSM for the document, DynamoDB for the state
 * and the lease, Organizations, and, once the core has read the document, Identity Center and
 * Identity Store for the instance it names. Shared by the Lambda and the plan command.
 */
export function composeReconciler(c: Composition): ReconcileDeps {
  const aws = awsAdapters({ counter: c.counter, rates: c.rates, region: c.region, assignmentReaderRoleArn: c.assignmentReaderRoleArn });
  const legacy = new SsmDocumentStore(aws.ssm, c.statePrefix);
  const store = c.stateTable === undefined ? undefined
    : new DynamoDbStateStore(instrument(new DynamoDBClient({ region: c.region, maxAttempts: 8 }), 'dynamodb', c.counter), c.stateTable, legacy);
  const state: StatePort = store ?? { read: async () => ({ empty: true }), write: async () => undefined };
  return {
    runId: c.runId,
    config: c.configSource ?? new SsmConfigAdapter(aws.ssm, c.configParameter),
    state: c.readOnly ? readOnly(state) : state,
    lease: c.readOnly || !store ? noLease : store,
    lifecycle: c.readOnly ? undefined : store,
    // The plan command reads every account at once (it has no Lambda deadline) and keeps nothing.
    readings: c.readOnly ? undefined : store,
    tagCache: c.readOnly ? undefined : store,
    orgCache: c.readOnly ? undefined : store,
    trigger: c.trigger,
    leaseTtlMs: c.leaseTtlMs,
    guards: c.guards,
    organizations: aws.organizations,
    connect: (instance) => ({
      identityStore: aws.identityStore(instance.identityStoreId),
      identityCenter: aws.identityCenter(instance.instanceArn),
      claims: c.automation === undefined ? undefined : new SsmClaims(aws.ssm, instance.instanceArn.split('/').pop()!, c.automation, aws.ssmWrites),
    }),
    clock: systemClock,
    log: c.log,
    limits: { ...c.limits, identityCenterRequestsPerSecond: c.rates.identityCenter },
    time: c.time,
  };
}

/** The core writes state only in apply mode; this makes a read-only caller's promise explicit. */
function readOnly(state: StatePort): StatePort {
  return { read: () => state.read(), write: async () => { throw new Error('the plan command never writes'); } };
}

const noLease: LeasePort = { acquire: async () => true, release: async () => undefined };
