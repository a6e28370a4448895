import { CustomResourceResponses } from './custom-resource-responses';
import { createStack, updateStack } from './deploy';
import { deleteStack } from './destroy';
import { ValidationError } from './errors';
import { importStackResources } from './import';
import { planImport } from './import-plan';
import { SeededRandom } from '../core/seeded-random';
import { SimulatedClock } from '../core/simulated-clock';
import { CustomResourceProvider } from './providers/custom-resource';
import { DynamoDbTableProvider, TableProvider } from './providers/dynamodb-table';
import { EventBusProvider } from './providers/event-bus';
import { GenericProvider } from './providers/generic';
import { createIamProviders } from './providers/iam';
import { FunctionRegistry, LambdaFunctionProvider } from './providers/lambda-function';
import type { ResourceProvider } from './providers/provider';
import { ProviderRegistry } from './providers/registry';
import { ProviderRuntime } from './providers/runtime';
import { SqsQueueProvider } from './providers/sqs-queue';
import { ParameterStorePort, SsmParameterProvider } from './providers/ssm-parameter';
import { IdentityCenterPort, PermissionSetProvider } from './providers/sso-permission-set';
import { sameValue } from './same-value';
import { OperationEnvironment, StackOperation } from './stack-operation';
import type {
  DeployedFunction, FunctionInvoker, OrphanedResource, StackOperationResult, StackOperationStatus, StackRecord, StackView,
} from './stack-types';
import { PreparedTemplate, prepareTemplate, PseudoParameters, Template } from './template';
import { Caller, IamModel } from '../services/iam/iam-model';
import { EventBridgeModel } from '../services/messaging/eventbridge';
import { SqsModel } from '../services/messaging/sqs-model';

/** The simulator's models CloudFormation's handlers work on. */
export interface CloudFormationServices {
  readonly clock: SimulatedClock;
  readonly random: SeededRandom;
  readonly region: string;
  /** The simulator's base URL, for the custom resources' ResponseURL. */
  readonly endpoint: () => string;
  /** The account stacks deploy to unless told otherwise: the management account. */
  readonly defaultAccountId: () => string;
  readonly identityCenter: IdentityCenterPort;
  readonly parameterStore: ParameterStorePort;
  readonly iam: IamModel;
  readonly sqs: SqsModel;
  readonly eventBridge: EventBridgeModel;
}

export interface DeployOptions {
  /** Values of the template's Parameters; the others take their Default. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** The account of a new stack. @default the management account */
  readonly accountId?: string;
}

export interface ImportOptions {
  /**
   * `cdk import --force`: import although the template also updates or deletes resources of the stack; only the mapped
   * additions are imported, the other changes wait for the next deploy. Without it such an import is refused with the
   * CLI's "No resource updates or deletes are allowed on import operation ... (--force to override)" (import-plan.ts).
   * @default false
   */
  readonly force?: boolean;
}

export interface DestroyOptions {
  /**
   * DeleteStack RetainResources: only for a stack in DELETE_FAILED, and only its DELETE_FAILED resources
   * (https://docs.aws.amazon.com/goto/WebAPI/cloudformation/DeleteStack).
   */
  readonly retainResources?: readonly string[];
}

/**
 * A stack in one of these states accepts an update (any other is failed or busy; stack status codes:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html). Others are refused with
 * "Stack:<id> is in <status> state and can not be updated." (the UpdateStack ValidationError quoted in remind101/empire#932).
 */
const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

/**
 * `sim.cloudFormation`: CloudFormation deploying synthesized templates into the simulator, as the
 * CDK CLI drives it (`cdk deploy`, `cdk destroy`, `cdk import`). A TypeScript API, not a wire
 * protocol. How it orders, replaces, cleans up, rolls back and imports follows the CloudFormation
 * User Guide, the resource providers' public handlers and AWS's answers in public issues; each
 * behaviour cites its source where it is modelled (deploy.ts, destroy.ts, deletion.ts, providers/).
 *
 * Time: every handler step runs on the simulated clock. Fixed waits (back-offs, polls) behave like
 * `clock.sleep` and are skipped on a frozen clock, but waits for something to happen in simulated
 * time (an asynchronous Identity Center operation, a custom resource's ServiceTimeout) pass only as
 * the clock moves: on a frozen clock the test must `advance()` it while the operation runs.
 */
export class CloudFormationModel {
  /** Where custom resources' responses arrive (routed by the HTTP front). */
  public readonly responses: CustomResourceResponses;
  private readonly stacks = new Map<string, StackRecord>();
  private readonly orphaned: OrphanedResource[] = [];
  private readonly functionRegistry = new FunctionRegistry();
  private readonly failedInvocations: Array<{ readonly functionName: string; readonly error: unknown }> = [];
  private readonly providers: ProviderRegistry;
  private invoker?: FunctionInvoker;
  private tableProvider?: TableProvider;

  constructor(private readonly services: CloudFormationServices) {
    const { clock, random, region } = services;
    this.responses = new CustomResourceResponses(services.endpoint, random);
    const runtime: ProviderRuntime = {
      clock,
      random,
      apiContext: (accountId) => ({
        requestId: random.uuid(), now: clock.now(), endpoint: services.endpoint(), region, caller: cloudFormationCaller(accountId, region),
      }),
    };
    const iam = createIamProviders(services.iam, runtime);
    this.providers = new ProviderRegistry(new Map<string, ResourceProvider>([
      ['AWS::SSO::PermissionSet', new PermissionSetProvider(services.identityCenter, runtime)],
      ['AWS::SSM::Parameter', new SsmParameterProvider(services.parameterStore, runtime)],
      ['AWS::IAM::Role', iam.role],
      ['AWS::IAM::Policy', iam.policy],
      ['AWS::SQS::Queue', new SqsQueueProvider(services.sqs, runtime)],
      ['AWS::Events::EventBus', new EventBusProvider(services.eventBridge, runtime)],
      ['AWS::Lambda::Function', new LambdaFunctionProvider(this.functionRegistry, services.iam, runtime)],
      ['AWS::DynamoDB::Table', new DynamoDbTableProvider(() => this.tableProvider, runtime)],
    ]), new CustomResourceProvider({
      functions: this.functionRegistry,
      responses: this.responses,
      invoker: () => this.invoker,
      invocationFailed: (fn, error) => this.failedInvocations.push({ functionName: fn.name, error }),
    }, runtime), new GenericProvider(random));
  }

  /** CreateStack, or UpdateStack of an existing stack. Throws ValidationError where the API refuses the request. */
  public async deploy(stackName: string, template: object, options: DeployOptions = {}): Promise<StackOperationResult> {
    const parameters = { ...(options.parameters ?? {}) };
    let existing = this.stacks.get(stackName);
    const earlier: StackOperationResult[] = [];
    if (existing?.status === 'ROLLBACK_COMPLETE') {
      // A stack whose creation failed can only be deleted; the CDK CLI deletes it before creating it again ("Found existing
      // stack ... that had previously failed creation", aws/aws-cdk-cli packages/@aws-cdk/toolkit-lib/lib/api/deployments/deploy-stack.ts).
      earlier.push(await this.destroy(stackName));
      existing = this.stacks.get(stackName);
    }
    if (existing) this.requireState(existing, UPDATABLE, 'updated');
    const stack = existing ?? this.newStack(stackName, options.accountId ?? this.services.defaultAccountId());
    const next = this.prepare(stack, structuredClone(template) as Template, parameters);
    if (existing) {
      checkTypesUnchanged(existing.prepared, next);
      if (sameValue(next.template, existing.prepared.template) && sameValue(parameters, existing.parameters)) {
        // UpdateStack's ValidationError "No updates are to be performed." (aws/aws-cdk#23141), which the CLI reports as
        // "(no changes)" (aws/aws-cdk#10650).
        return { status: existing.status as StackOperationStatus, events: [], warnings: ['No updates are to be performed.'] };
      }
    } else {
      stack.prepared = next;
      stack.parameters = parameters;
      this.stacks.set(stackName, stack);
    }
    const result = await this.run(stack, (operation) => (existing ? updateStack(operation, next, parameters) : createStack(operation, next)));
    return earlier.length === 0 ? result : { ...result, events: [...earlier.flatMap((r) => r.events), ...result.events] };
  }

  /**
   * DeleteStack, as `cdk destroy --force` runs it. A stack that does not exist is nothing to do (the CLI's destroyStack:
   * `if (!currentStack.exists) return`, deploy-stack.ts). A busy stack is refused with "Stack [<id>] cannot be deleted
   * while in status <status>" (aws-solutions-library-samples/guidance-for-clickstream-analytics-on-aws#573).
   */
  public async destroy(stackName: string, options: DestroyOptions = {}): Promise<StackOperationResult> {
    const stack = this.stacks.get(stackName);
    if (!stack) return { status: 'DELETE_COMPLETE', events: [], warnings: [`Stack ${stackName} does not exist`] };
    if (stack.busy) throw new ValidationError(`Stack [${stack.stackId}] cannot be deleted while in status ${stack.status}`);
    const retain = new Set(options.retainResources ?? []);
    if (retain.size > 0) {
      // DeleteStack: "RetainResources: For stacks in the DELETE_FAILED state, a list of resource logical IDs ... you want to retain."
      // The refusal's text is the simulator's.
      const notFailed = [...retain].filter((id) => stack.resources.get(id)?.status !== 'DELETE_FAILED');
      if (stack.status !== 'DELETE_FAILED' || notFailed.length > 0) {
        throw new ValidationError(`Invalid operation on stack ${stack.stackId}: RetainResources can only name resources in DELETE_FAILED of a stack in DELETE_FAILED`);
      }
    }
    const result = await this.run(stack, (operation) => deleteStack(operation, retain));
    if (result.status === 'DELETE_COMPLETE') this.stacks.delete(stackName);
    return result;
  }

  /**
   * `cdk import` with a resource mapping (logical id → identifier): an IMPORT change set of the current template plus the
   * mapped resources (https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-import.html; import-plan.ts, import.ts).
   * Throws ValidationError where the CLI or CloudFormation refuses, e.g. a template that also updates or deletes
   * resources, unless `options.force`.
   */
  public async importResources(
    stackName: string,
    template: object,
    mapping: Readonly<Record<string, Readonly<Record<string, string>>>>,
    options: ImportOptions = {},
  ): Promise<StackOperationResult> {
    const existing = this.stacks.get(stackName);
    if (existing) this.requireState(existing, UPDATABLE, 'updated');
    const plan = planImport(existing?.prepared.template, structuredClone(template) as Template, mapping, this.providers, options.force ?? false);
    const stack = existing ?? this.newStack(stackName, this.services.defaultAccountId());
    const combined = this.prepare(stack, plan.template, stack.parameters);
    if (!existing) this.stacks.set(stackName, stack);
    const managedBy = (type: string, physicalId: string) => this.managerOf(type, physicalId);
    const result = await this.run(stack, (operation) => importStackResources(operation, combined, plan.imports, managedBy));
    const advice = result.status === 'IMPORT_COMPLETE' ? plan.advice : [];
    return { ...result, warnings: [...plan.warnings, ...result.warnings, ...advice] };
  }

  public stack(stackName: string): StackView | undefined {
    const stack = this.stacks.get(stackName);
    if (!stack) return undefined;
    const resources = new Map([...stack.resources].map(([id, r]) => [id, structuredClone({
      type: r.type,
      physicalId: r.physicalId,
      properties: r.properties,
      attributes: r.attributes,
      status: r.status,
      ...(r.readModel === undefined ? {} : { readModel: r.readModel }),
    })]));
    const template = structuredClone(stack.prepared.template);
    return { stackId: stack.stackId, status: stack.status, resources, template, outputs: structuredClone(stack.outputs) };
  }

  /** Physical resources CloudFormation gave up on (cleanup DELETE_FAILED) or retained, in the order it let them go. */
  public orphans(): OrphanedResource[] {
    return [...this.orphaned];
  }

  /** How a custom resource's Lambda function runs: the test wires the real handler. Called without awaiting its completion. */
  public setFunctionInvoker(invoke: FunctionInvoker): void {
    this.invoker = invoke;
  }

  /** Errors thrown by invocations of custom resource handlers (Lambda retries them asynchronously). */
  public invocationErrors(): ReadonlyArray<{ readonly functionName: string; readonly error: unknown }> {
    return [...this.failedInvocations];
  }

  /** The AWS::Lambda::Function resources of every stack, as deployed. */
  public functions(): DeployedFunction[] {
    return this.functionRegistry.all();
  }

  /** Makes AWS::DynamoDB::Table real (e.g. against dynalite); without it a table is only recorded. */
  public setTableProvider(provider: TableProvider): void {
    this.tableProvider = provider;
  }

  /**
   * A stack as CreateStack starts it: REVIEW_IN_PROGRESS is the state of a stack created by a change set
   * (using-cfn-describing-stacks.html); the stack id is `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`.
   */
  private newStack(name: string, accountId: string): StackRecord {
    const stackId = `arn:aws:cloudformation:${this.services.region}:${accountId}:stack/${name}/${this.services.random.uuid()}`;
    const prepared = this.prepare({ name, accountId, stackId }, { Resources: {} }, {});
    return { name, stackId, accountId, status: 'REVIEW_IN_PROGRESS', prepared, parameters: {}, resources: new Map(), outputs: {}, busy: false };
  }

  private prepare(stack: Pick<StackRecord, 'name' | 'accountId' | 'stackId'>, template: Template, parameters: Readonly<Record<string, string>>): PreparedTemplate {
    const pseudo: PseudoParameters = { partition: 'aws', region: this.services.region, accountId: stack.accountId, stackName: stack.name, stackId: stack.stackId };
    return prepareTemplate(template, parameters, pseudo, (name) => this.services.parameterStore.model.get(name)?.value);
  }

  private async run(stack: StackRecord, operate: (operation: StackOperation) => Promise<StackOperationStatus>): Promise<StackOperationResult> {
    const environment: OperationEnvironment = {
      clock: this.services.clock,
      random: this.services.random,
      region: this.services.region,
      providers: this.providers,
      orphan: (orphan) => this.orphaned.push(orphan),
    };
    const operation = new StackOperation(stack, environment);
    stack.busy = true;
    try {
      const status = await operate(operation);
      return { status, events: operation.events, warnings: operation.warnings };
    } finally {
      stack.busy = false;
    }
  }

  /** CloudFormation's refusal of an operation on a stack in the wrong state. */
  private requireState(stack: StackRecord, allowed: ReadonlySet<string>, verb: string): void {
    if (stack.busy || !allowed.has(stack.status)) throw new ValidationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be ${verb}.`);
  }

  /** The stack that manages a physical resource, if any. */
  private managerOf(type: string, physicalId: string): string | undefined {
    for (const stack of this.stacks.values()) {
      for (const resource of stack.resources.values()) if (resource.type === type && resource.physicalId === physicalId) return stack.name;
    }
    return undefined;
  }
}

/** The UpdateStack/CreateChangeSet refusal of a changed Type, as quoted in aws/aws-sam-cli#6786. */
function checkTypesUnchanged(current: PreparedTemplate, next: PreparedTemplate): void {
  const changed = [...next.resources].filter(([id, r]) => current.resources.has(id) && current.resources.get(id)!.Type !== r.Type).map(([id]) => id);
  if (changed.length > 0) {
    throw new ValidationError(`Update of resource type is not permitted. The new template modifies resource type of the following resources: [${changed.join(', ')}]`);
  }
}

/**
 * CloudFormation calls AWS with the CDK bootstrap's execution role, which has AdministratorAccess unless
 * `--cloudformation-execution-policies` says otherwise (aws/aws-cdk#27097); its session is `AWSCloudFormation`
 * (`assumed-role/cdk-accel-cfn-exec-role-.../AWSCloudFormation`, awslabs/landing-zone-accelerator-on-aws#297).
 */
function cloudFormationCaller(accountId: string, region: string): Caller {
  return { accountId, arn: `arn:aws:sts::${accountId}:assumed-role/cdk-hnb659fds-cfn-exec-role-${accountId}-${region}/AWSCloudFormation`, admin: true };
}
