/**
 * In-process AWS simulator for the reconciler's tests, the benchmark and the demo.
 *
 * Time: every quota (requests per second) and every latency (asynchronous Identity Center
 * operations, latency spikes) is expressed in SIMULATED time. `clock.speed` is the number of
 * simulated milliseconds per real millisecond, so accelerating the clock scales the throttle rate
 * and the latencies together: at speed 50 the 20 TPS sso-admin throttle admits 1,000 requests per
 * real second and a 4 s assignment completes in 80 real ms, and a run's simulated duration is what
 * the same client would take against AWS. Speed 0 freezes time (`clock.advance()` moves it).
 * The SDK's retry back-off runs in real time, so retries cost less simulated time at high speeds.
 *
 * `sim.cloudFormation` deploys synthesized templates into the simulator the way CloudFormation
 * does (dependency waves, replacement, cleanup, rollback, DeleteStack, import, custom resources
 * answering through `PUT <endpoint>/cloudformation-responses/<id>`); see CloudFormationModel.
 */
export { AwsSimulator } from './aws-simulator';
export type { AwsSimulatorOptions, SimulatorClientConfig } from './aws-simulator';
export { SimulatedClock } from './core/simulated-clock';
export type { SimulatedClockOptions } from './core/simulated-clock';
export { CallCounter } from './core/call-counter';
export { FaultInjector, DEFAULT_ASYNC_FAILURE_REASON } from './core/fault-injector';
export type { FaultKind, OperationSelector, FaultFrequency, ServerErrorFault, LatencySpikeFault, AsyncFailureFault } from './core/fault-injector';
export type { PaginationSettings } from './core/paginator';
export type { QuotaSettings, QuotaModel, RateQuota, AsyncLatency } from './core/quotas';
export { SeededRandom } from './core/seeded-random';
export { OrganizationsModel } from './services/organizations/organizations-model';
export type { OrganizationAccount, OrganizationalUnitRecord, AccountStatus, CreateAccountOptions } from './services/organizations/organizations-model';
export { IdentityStoreModel } from './services/identity-store/identity-store-model';
export type { StoreGroup, StoreUser } from './services/identity-store/identity-store-model';
export { IdentityCenterModel } from './services/identity-center/identity-center';
export type {
  Assignment, PrincipalType, PermissionSetRecord, CreatePermissionSetOptions, PermissionSetChange, PendingDeprovisioning,
} from './services/identity-center/identity-center-model';
export type { AsyncOperation, AsyncOperationKind, OperationStatus, IdentityCenterBehaviour } from './services/identity-center/async-operations';
export { SsmModel } from './services/ssm/ssm-model';
export type { SsmParameter, ParameterTier, ParameterType } from './services/ssm/ssm-model';
export { SqsModel } from './services/messaging/sqs-model';
export type { SqsQueue, SqsMessage } from './services/messaging/sqs-model';
export { EventBridgeModel } from './services/messaging/eventbridge';
export type { RecordedEvent } from './services/messaging/eventbridge';
export { SnsModel } from './services/messaging/sns';
export type { PublishedMessage } from './services/messaging/sns';
export { SecretsManagerModel } from './services/messaging/secrets-manager';
export type { StoredSecret } from './services/messaging/secrets-manager';
export { IamModel } from './services/iam/iam-model';
export type { ObservedCall } from './protocol/http-front';
export type {
  Caller, PolicyStatement, PolicyConditions, PolicyDecision, ResourceTagResolver, RoleRecord, CreateRoleOptions, IssuedCredentials,
  TrustStatement, TrustOutcome,
} from './services/iam/iam-model';
export { StsApi, STS_XML_NAMESPACE } from './services/sts/sts-api';
/** An IAM JSON policy document as PolicyStatements, Condition included (what CloudFormation's IAM providers apply). */
export { statementsOf, trustStatementsOf } from './cloudformation/providers/policy-documents';
export { WebhookRecorder } from './services/webhook-recorder';
export type { WebhookDelivery } from './services/webhook-recorder';
export { CloudFormationModel } from './cloudformation/cloudformation-model';
export type { DeployOptions, DestroyOptions, ImportOptions } from './cloudformation/cloudformation-model';
export type {
  StackOperationResult, StackOperationStatus, StackEvent, StackView, StackResourceView, OrphanedResource, DeployedFunction, FunctionInvoker,
} from './cloudformation/stack-types';
export type { TableProvider } from './cloudformation/providers/dynamodb-table';
export type { CustomResourceResponse } from './cloudformation/custom-resource-responses';
export { ValidationError as CloudFormationValidationError } from './cloudformation/errors';
export { buildOrganization } from './fixtures';
export type { OrganizationFixtureOptions, OrganizationFixture, FixtureAccount, FixtureOrganizationalUnit } from './fixtures';
