import { ApiCallCounter } from './adapters/api-calls';
import { ClientRates, awsAdapters } from './adapters/aws-adapters';
import { SsmConfigAdapter } from './adapters/ssm-config';
import { SsmStateAdapter } from './adapters/ssm-state';
import { ConfigPort, StatePort, systemClock } from './core/ports';
import { ReconcileDeps, ReconcileLog } from './core/reconcile';

/** What differs between the Lambda and the plan command; everything else is wired alike. */
export interface Composition {
  readonly runId: string;
  /** The head parameter of the config document in SSM. */
  readonly configParameter: string;
  /** Another source of the document (the plan command's cloud assembly). @default the parameter in SSM */
  readonly configSource?: ConfigPort;
  readonly statePrefix: string;
  /** The state is read but never written (the plan command). @default false */
  readonly readOnly?: boolean;
  readonly counter: ApiCallCounter;
  readonly rates: ClientRates;
  readonly region?: string;
  readonly log: ReconcileLog;
  readonly limits: ReconcileDeps['limits'];
  readonly time: ReconcileDeps['time'];
}

/**
 * The reconciler's dependencies over the AWS SDK: SSM for the document and the state,
 * Organizations, and, once the core has read the document, Identity Center and Identity Store for
 * the instance it names. Shared by the Lambda and the plan command.
 */
export function composeReconciler(c: Composition): ReconcileDeps {
  const aws = awsAdapters({ counter: c.counter, rates: c.rates, region: c.region });
  const state = new SsmStateAdapter(aws.ssm, c.statePrefix, aws.ssmWrites);
  return {
    runId: c.runId,
    config: c.configSource ?? new SsmConfigAdapter(aws.ssm, c.configParameter),
    state: c.readOnly ? readOnly(state) : state,
    organizations: aws.organizations,
    connect: (instance) => ({ identityStore: aws.identityStore(instance.identityStoreId), identityCenter: aws.identityCenter(instance.instanceArn) }),
    clock: systemClock,
    log: c.log,
    limits: c.limits,
    time: c.time,
  };
}

/** The core writes state only in apply mode; this makes a read-only caller's promise explicit. */
function readOnly(state: StatePort): StatePort {
  return { read: () => state.read(), write: async () => { throw new Error('the plan command never writes'); } };
}
