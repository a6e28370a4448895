import { CloudFormationModel } from './cloudformation/cloudformation-model';
import { CallCounter } from './core/call-counter';
import { FaultInjector } from './core/fault-injector';
import { Paginator, PaginationSettings } from './core/paginator';
import { QuotaModel, QuotaSettings, ResolvedQuotas, resolveQuotas } from './core/quotas';
import { hashString, SeededRandom } from './core/seeded-random';
import { SimulatedClock, SimulatedClockOptions } from './core/simulated-clock';
import { TokenBucket } from './core/token-bucket';
import { HttpFront, ObservedCall } from './protocol/http-front';
import { IamModel } from './services/iam/iam-model';
import { AsyncOperations, IdentityCenterBehaviour } from './services/identity-center/async-operations';
import { IdentityCenterModel } from './services/identity-center/identity-center';
import { IdentityCenterApi, SSO_ADMIN_PAGE } from './services/identity-center/identity-center-api';
import { IdentityCenterState } from './services/identity-center/identity-center-model';
import { IDENTITY_STORE_PAGE, IdentityStoreApi } from './services/identity-store/identity-store-api';
import { IdentityStoreModel } from './services/identity-store/identity-store-model';
import { EventBridgeApi, EventBridgeModel } from './services/messaging/eventbridge';
import { SecretsManagerApi, SecretsManagerModel } from './services/messaging/secrets-manager';
import { SnsApi, SnsModel } from './services/messaging/sns';
import { SqsApi } from './services/messaging/sqs-api';
import { SqsModel } from './services/messaging/sqs-model';
import { ORGANIZATIONS_PAGE, OrganizationsApi } from './services/organizations/organizations-api';
import { OrganizationsModel } from './services/organizations/organizations-model';
import { SSM_BY_PATH_PAGE, SsmApi } from './services/ssm/ssm-api';
import { SsmModel } from './services/ssm/ssm-model';
import { STS_XML_NAMESPACE, StsApi } from './services/sts/sts-api';
import { WebhookRecorder } from './services/webhook-recorder';

export interface AwsSimulatorOptions {
  /** Seed of every random draw (ids, page shortening, latencies, faults). @default 1 */
  readonly seed?: number;
  /** TCP port on 127.0.0.1. @default 0, a free port */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  readonly clock?: SimulatedClockOptions;
  readonly pagination?: PaginationSettings;
  readonly quotas?: QuotaSettings;
  readonly identityCenter?: IdentityCenterBehaviour;
  /** Name of the management account. @default 'Management' */
  readonly managementAccountName?: string;
}

/** Configuration for an SDK v3 client pointed at the simulator. */
export interface SimulatorClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const ACCESS_KEY_ID = 'AKIASIMULATOR0000000';
const SECRET_ACCESS_KEY = 'simulator-secret-access-key';
/** The Parameter Store quota of CloudFormation's own SSM handler: none. */
const UNTHROTTLED_SSM = { reads: { requestsPerSecond: 1e9, burst: 1e9 }, writes: { requestsPerSecond: 1e9, burst: 1e9 } };

/**
 * An in-process AWS: one HTTP server on 127.0.0.1 speaking the wire protocols of Organizations,
 * IAM Identity Center (sso-admin), Identity Store, SSM Parameter Store, SQS, EventBridge, SNS,
 * Secrets Manager and STS (AssumeRole, GetCallerIdentity), so the real SDK v3 clients run end to end against it, plus `POST
 * /webhooks/<name>` as a Teams Workflows webhook. State models are exposed for fixtures and
 * assertions. Quotas and latencies run on `clock` (simulated time; see SimulatedClock).
 */
export class AwsSimulator {
  /** Starts a simulator on a free port. */
  public static async start(options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
    const simulator = new AwsSimulator(options);
    await simulator.front.listen(options.port ?? 0);
    return simulator;
  }

  public readonly clock: SimulatedClock;
  public readonly calls = new CallCounter();
  public readonly faults: FaultInjector;
  public readonly organizations: OrganizationsModel;
  public readonly identityStore: IdentityStoreModel;
  public readonly identityCenter: IdentityCenterModel;
  public readonly ssm: SsmModel;
  public readonly sqs: SqsModel;
  public readonly eventBridge = new EventBridgeModel();
  public readonly sns: SnsModel;
  public readonly secretsManager: SecretsManagerModel;
  public readonly webhooks = new WebhookRecorder();
  /**
   * CloudFormation deploying synthesized templates into this simulator (create, update, delete,
   * import, custom resources answering through `PUT /cloudformation-responses/<id>`).
   */
  public readonly cloudFormation: CloudFormationModel;
  /**
   * Who calls: requests signed with `sim.clientConfig()` (or any key it did not issue) come from an
   * administrator of the management account, or of the delegated administrator account;
   * `iam.credentialsFor(role.arn)` gives credentials whose calls the role's policy governs, and so does STS
   * AssumeRole, which admits a caller by the role's trust policy (`createRole({ trustPolicy })`) and the caller's policy.
   */
  public readonly iam: IamModel;
  private readonly observers: Array<(call: ObservedCall) => void> = [];
  /** The account the default caller works in when `identityCenter.delegatedAdministrator` is set. */
  public readonly delegatedAdministratorAccountId?: string;
  public readonly region: string;
  private readonly quotas: ResolvedQuotas;
  private readonly front: HttpFront;

  private constructor(options: AwsSimulatorOptions) {
    const seed = options.seed ?? 1;
    const random = (purpose: string) => new SeededRandom(hashString(`${seed}:${purpose}`));
    this.region = options.region ?? 'us-east-1';
    this.clock = new SimulatedClock(options.clock);
    this.quotas = resolveQuotas(options.quotas);
    this.faults = new FaultInjector(random('faults'), this.clock);
    const now = () => this.clock.now();
    const accountId = () => this.organizations.managementAccountId;
    const paginator = new Paginator(random('pagination'), options.pagination);
    const rate = (q: { requestsPerSecond: number; burst: number }) => new TokenBucket(q.requestsPerSecond, q.burst);

    this.organizations = new OrganizationsModel(random('organizations'), now, options.managementAccountName);
    this.iam = new IamModel(random('iam'), { accountId: this.organizations.managementAccountId });
    if (options.identityCenter?.delegatedAdministrator) {
      // A delegated administrator is a member account registered for Identity Center; the caller works there
      // (https://docs.aws.amazon.com/singlesignon/latest/userguide/delegated-admin.html).
      this.delegatedAdministratorAccountId = this.organizations.createAccount({ name: 'Delegated Admin' }).id;
      this.iam.setDefaultCallerAccount(this.delegatedAdministratorAccountId);
    }
    const identityRandom = random('identity');
    this.identityStore = new IdentityStoreModel(identityRandom, `d-${identityRandom.hex(10)}`);
    const state = new IdentityCenterState(random('identity-center'), now, this.identityStore.identityStoreId, this.quotas.deprovisionLatency);
    // The PermissionSet resource type's condition keys include aws:ResourceTag/${TagKey} (Service Authorization
    // Reference, list_awsiamidentitycenter.html): IAM sees a permission set's tags when it evaluates its ARN.
    this.iam.registerResourceTags((arn) => state.permissionSet(arn)?.tags);
    const behaviour = options.identityCenter ?? {};
    const operations = new AsyncOperations({
      state,
      organizations: this.organizations,
      identityStore: this.identityStore,
      faults: this.faults,
      random: random('async-operations'),
      latency: this.quotas.asyncLatency,
      maxOutstanding: this.quotas.ssoAdmin.maxOutstandingAsyncOperations,
      behaviour,
      iam: this.iam,
    });
    this.identityCenter = new IdentityCenterModel(state, operations, this.clock);
    this.ssm = new SsmModel(now);
    this.sqs = new SqsModel(() => this.endpoint, accountId, this.region);
    this.sns = new SnsModel(accountId, this.region);
    this.secretsManager = new SecretsManagerModel(random('secrets'), now, accountId, this.region);

    const identityCenterApi = new IdentityCenterApi(state, operations, this.organizations, paginator, this.iam, rate(this.quotas.ssoAdmin));
    this.cloudFormation = new CloudFormationModel({
      clock: this.clock,
      random: random('cloudformation'),
      region: this.region,
      endpoint: () => this.endpoint,
      defaultAccountId: () => this.organizations.managementAccountId,
      identityCenter: { state, operations, api: identityCenterApi },
      // A Parameter Store handler of CloudFormation's own, unthrottled: its calls do not spend the account's
      // PutParameter rate the test's clients are measured against (CloudFormation's handlers retry throttling anyway).
      parameterStore: { model: this.ssm, api: new SsmApi(this.ssm, paginator, accountId, UNTHROTTLED_SSM), eventBridge: this.eventBridge },
      iam: this.iam,
      sqs: this.sqs,
      eventBridge: this.eventBridge,
    });

    const messageIds = random('message-ids');
    this.front = new HttpFront({
      jsonRoutes: [
        { targetPrefix: 'AWSOrganizationsV20161128', jsonVersion: '1.1', handler: new OrganizationsApi(this.organizations, paginator, rate(this.quotas.organizations)) },
        { targetPrefix: 'SWBExternalService', jsonVersion: '1.1', handler: identityCenterApi },
        { targetPrefix: 'AWSIdentityStore', jsonVersion: '1.1', handler: new IdentityStoreApi(this.identityStore, paginator, rate(this.quotas.identityStore)) },
        { targetPrefix: 'AmazonSSM', jsonVersion: '1.1', handler: new SsmApi(this.ssm, paginator, accountId, this.quotas.ssm) },
        { targetPrefix: 'AmazonSQS', jsonVersion: '1.0', queryCompatible: true, handler: new SqsApi(this.sqs, messageIds) },
        { targetPrefix: 'AWSEvents', jsonVersion: '1.1', handler: new EventBridgeApi(this.eventBridge, messageIds) },
        { targetPrefix: 'secretsmanager', jsonVersion: '1.1', handler: new SecretsManagerApi(this.secretsManager) },
      ],
      queryRoutes: [
        { signingName: 'sns', xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/', handler: new SnsApi(this.sns, messageIds) },
        { signingName: 'sts', xmlNamespace: STS_XML_NAMESPACE, handler: new StsApi(this.iam) },
      ],
      webhooks: this.webhooks,
      cloudFormationResponses: this.cloudFormation.responses,
      calls: this.calls,
      faults: this.faults,
      clock: this.clock,
      requestIds: random('request-ids'),
      region: this.region,
      iam: this.iam,
      observers: this.observers,
    });
  }

  /**
   * Runs `observe` before every AWS call is served; returns a function that stops it. For tests:
   * what another actor does between two calls of the client under test.
   */
  public onCall(observe: (call: ObservedCall) => void): () => void {
    this.observers.push(observe);
    return () => {
      const index = this.observers.indexOf(observe);
      if (index >= 0) this.observers.splice(index, 1);
    };
  }

  /** Base URL, `http://127.0.0.1:<port>`. */
  public get endpoint(): string {
    return this.front.endpoint;
  }

  /** The account the simulated caller works in (the management account). */
  public get accountId(): string {
    return this.organizations.managementAccountId;
  }

  /** Handler errors that were not AWS errors: simulator bugs. A test can assert this stays empty. */
  public get unexpectedErrors(): readonly Error[] {
    return this.front.unexpectedErrors;
  }

  /**
   * Environment for a process whose SDK clients should use the simulator. AWS_MAX_ATTEMPTS is
   * deliberately absent so the SDK's default retry behaviour is what runs. AWS_ENDPOINT_URL is the
   * endpoint of every service without an AWS_ENDPOINT_URL_<SERVICE> of its own, STS included, and so
   * of the STS clients credential providers build ("Service-specific endpoints", AWS SDKs and Tools
   * Reference Guide).
   */
  public env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    };
  }

  /** `new SSOAdminClient(sim.clientConfig())` and the like. */
  public clientConfig(): SimulatorClientConfig {
    return { endpoint: this.endpoint, region: this.region, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY } };
  }

  /** URL of a webhook on this simulator (a Teams Workflows stand-in). */
  public webhookUrl(name: string): string {
    return this.webhooks.url(this.endpoint, name);
  }

  /** The limits in effect, in simulated and in real time. */
  public quotaModel(): QuotaModel {
    const speed = this.clock.speed;
    const perRealSecond = (rate: number) => (speed === 0 ? Infinity : rate * speed);
    const meanLatency = (this.quotas.asyncLatency.minMs + this.quotas.asyncLatency.maxMs) / 2;
    const meanAsyncLatencyMs = speed === 0 ? Infinity : meanLatency / speed;
    const cap = this.quotas.ssoAdmin.maxOutstandingAsyncOperations;
    return {
      ...this.quotas,
      clockSpeed: speed,
      realTime: {
        ssoAdminRequestsPerSecond: perRealSecond(this.quotas.ssoAdmin.requestsPerSecond),
        identityStoreRequestsPerSecond: perRealSecond(this.quotas.identityStore.requestsPerSecond),
        organizationsRequestsPerSecond: perRealSecond(this.quotas.organizations.requestsPerSecond),
        meanAsyncLatencyMs,
        maxAsyncWritesPerSecond: speed === 0 ? Infinity
          : Math.min(perRealSecond(this.quotas.ssoAdmin.requestsPerSecond), meanLatency === 0 ? Infinity : (cap / meanLatency) * 1000 * speed),
      },
      pageSizes: {
        'organizations:*': ORGANIZATIONS_PAGE.max,
        'sso-admin:*': SSO_ADMIN_PAGE.max,
        'identitystore:ListGroups': IDENTITY_STORE_PAGE.max,
        'identitystore:ListUsers': IDENTITY_STORE_PAGE.max,
        'ssm:GetParametersByPath': SSM_BY_PATH_PAGE.max,
      },
    };
  }

  public async stop(): Promise<void> {
    await this.front.close();
  }
}
