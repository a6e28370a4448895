// The contract between AssignmentAutomation (which deploys the reconciler) and the reconciler Lambda
// and the operator command (which run it): names that both sides must spell alike. It has no
// dependencies, so that the construct (compiled by jsii) and the bundles (esbuild) import it, and
// every other file takes these names from here instead of writing them again.

/** The automation's event bus, and the prefix of its SSM parameters, when `eventBusName` is not set. */
export const DEFAULT_BUS_NAME = 'identity-center-assignments';

/** The SSM parameters of the automation whose bus is `busName`. */
export function parameterNames(busName: string): {
  readonly head: string;
  readonly part: (n: number) => string;
  readonly statePrefix: string;
  readonly stateTable: string;
} {
  return {
    head: `/${busName}/config`,
    part: (n) => `/${busName}/config-part-${n}`,
    /** Where versions before the state table kept their state (read once, to migrate it). */
    statePrefix: `/${busName}/state`,
    /** The name of the state table, for the operator commands (the reconciler has it in its environment). */
    stateTable: `/${busName}/state-table`,
  };
}

/**
 * Where the automations on one Identity Center instance publish their claims (one document per
 * automation, under `<path>/<bus name>`), in their account and region.
 */
export function claimsPath(instanceId: string): string {
  return `/cdk-identity-center-permissions/claims/${instanceId}`;
}

/** The bus name of the automation whose head parameter this is (`/<bus>/config`), if it is one. */
export function busNameOfParameter(headParameter: string): string | undefined {
  const busName = /^\/(.+)\/config$/.exec(headParameter)?.[1];
  return busName !== undefined && parameterNames(busName).head === headParameter ? busName : undefined;
}

/** The state table's key: a record kind (`pk`) and the record's own key (`sk`), both strings. */
export const STATE_TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The guard settings when the construct's props set none. */
export const DEFAULT_GUARDS = { maxDeletionsPerRun: 100, dryRun: false } as const;

/** The one FIFO message group: every run, event and continuation is serialized through it. */
export const MESSAGE_GROUP = 'reconcile';

/**
 * The tag every catalog permission set carries. The reconciler's write permissions on catalog
 * permission sets are granted on this tag rather than on ARNs, so that a permission set removed
 * from the template (retired, or replaced by a rename) can still be drained and deleted, and the
 * policy stays one size however large the catalog grows.
 */
export const CATALOG_TAG_KEY = 'cdk-identity-center-permissions:catalog';

/**
 * The custom resources through which CloudFormation tells the reconciler that something it owns
 * ends. Their ServiceToken is the reconciler function.
 */
export const LIFECYCLE = {
  /** One per automation, never replaced: on delete (an uninstall), follows the removal policy. */
  automationType: 'Custom::IdentityCenterAssignmentLifecycle',
  /**
   * One per set of catalog permission sets, its logical id derived from their names: a catalog
   * change creates a new one (which checks the retirement before the deploy goes on) and deletes
   * the old one in the cleanup phase (which drains and deletes what left the catalog).
   */
  catalogType: 'Custom::IdentityCenterCatalogGeneration',
  /** Properties (CloudFormation passes every scalar as a string). */
  properties: {
    instanceArn: 'InstanceArn',
    /** The catalog's permission sets, as `{ Name, Arn }`. */
    permissionSets: 'PermissionSets',
    /** The generation's id (a hash of the permission set names). */
    generation: 'Generation',
    /** `retain` or `destroy`. */
    removalPolicy: 'RemovalPolicy',
    /** The organization's management account, when the automation runs in a delegated administrator account. */
    managementAccountId: 'ManagementAccountId',
  },
} as const;

/** What the reconciler puts on the automation's bus. */
export const EVENTS = {
  source: 'cdk-identity-center-permissions',
  summaryDetailType: 'Assignment Reconcile Summary',
  changeDetailType: 'Account Assignment Change',
} as const;

/**
 * The reconciler's metrics (CloudWatch embedded metric format). The construct sets the service
 * name to the bus name, so two automations in one account and region publish, and alarm, apart.
 */
export const METRICS = {
  namespace: 'IdentityCenterAssignments',
  /** The dimension that carries the service name (Powertools' default dimension). */
  serviceDimension: 'service',
  created: 'AssignmentsCreated',
  deleted: 'AssignmentsDeleted',
  failed: 'AssignmentsFailed',
  deletionsRefused: 'DeletionsRefused',
  drift: 'ProvisioningDrift',
  reprovisioned: 'PermissionSetsReprovisioned',
  resolutionErrors: 'ResolutionErrors',
  configInvalid: 'ConfigInvalid',
  duration: 'RunDuration',
  apiCalls: 'ApiCalls',
  /** The dimension of `apiCalls`: `service:Operation`. */
  operationDimension: 'Operation',
} as const;

/** The reconciler's environment variables, which the construct sets and the Lambda reads. */
export const ENV = {
  /** Name of the SSM parameter holding the head of the config document. Required. */
  configParameter: 'CONFIG_PARAMETER_NAME',
  /** The DynamoDB table holding the reconciler's state (owned pairs, names, the run lease). Required. */
  stateTable: 'STATE_TABLE_NAME',
  /** SSM path where versions before the state table kept their state, read once to migrate it. Required. */
  statePrefix: 'STATE_PARAMETER_PREFIX',
  /** Above this many deletions in one run, the deletions are refused (the guard setting). @default 100 */
  maxDeletionsPerRun: 'MAX_DELETIONS_PER_RUN',
  /** `true`: plan and report only. @default false */
  dryRun: 'DRY_RUN',
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
  /** SSM PutParameter and DeleteParameters calls per second (Parameter Store allows about 3). @default 2 */
  ssmMaxWritesPerSecond: 'SSM_MAX_WRITES_PER_SECOND',
  /** Asynchronous assignment operations kept in flight. @default 15, the service's cap */
  maxOutstanding: 'IDENTITY_CENTER_MAX_OUTSTANDING',
  /** Concurrent read calls while taking the snapshot. @default 8 */
  readConcurrency: 'READ_CONCURRENCY',
  /** Seconds before the Lambda deadline at which no new operation starts. @default 60 */
  stopMarginSeconds: 'STOP_MARGIN_SECONDS',
  /**
   * ARN of the management account's assignment reader role (`OrgEventBridge` with
   * `assignmentReader`), assumed for ListAccountAssignmentsForPrincipal by a delegated
   * administrator. Optional.
   */
  assignmentReaderRoleArn: 'ASSIGNMENT_READER_ROLE_ARN',
  /** Powertools: the service name of logs and metrics (the bus name). */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools: the metric namespace (`METRICS.namespace`). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;
