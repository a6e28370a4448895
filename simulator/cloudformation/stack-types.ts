import type { PreparedTemplate, Template } from './template';

/** How a stack operation ended. */
export type StackOperationStatus =
  | 'CREATE_COMPLETE' | 'CREATE_FAILED' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_COMPLETE' | 'DELETE_FAILED'
  | 'IMPORT_COMPLETE' | 'IMPORT_ROLLBACK_COMPLETE';

/** One line of DescribeStackEvents: a resource's (or, with the stack's name as logical id, the stack's) status change. */
export interface StackEvent {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly physicalId?: string;
  /** CREATE_IN_PROGRESS, CREATE_COMPLETE, UPDATE_COMPLETE, DELETE_SKIPPED, DELETE_FAILED, IMPORT_COMPLETE, ... */
  readonly status: string;
  readonly reason?: string;
  /** Simulated epoch milliseconds. */
  readonly at: number;
}

export interface StackOperationResult {
  readonly status: StackOperationStatus;
  readonly events: StackEvent[];
  /** What the stack's StatusReason or the CLI would point out although the operation succeeded. */
  readonly warnings: string[];
}

/** A physical resource the stack manages. */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  /** The properties as last applied, every intrinsic resolved. */
  readonly properties: Record<string, unknown>;
  /** What Fn::GetAtt returns. */
  readonly attributes: Record<string, unknown>;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  /** The resource's last status, e.g. CREATE_COMPLETE or DELETE_FAILED. */
  readonly status: string;
  /** Provider bookkeeping (a custom resource's last RequestId). */
  readonly providerState?: Readonly<Record<string, unknown>>;
  /** The read handler's model when the resource was imported (ProvisionedResource.model); gone after its next update. */
  readonly readModel?: Readonly<Record<string, unknown>>;
}

export interface StackRecord {
  readonly name: string;
  readonly stackId: string;
  readonly accountId: string;
  status: string;
  /** The template of the last successful operation. */
  prepared: PreparedTemplate;
  /** The parameters given with it. */
  parameters: Readonly<Record<string, string>>;
  resources: Map<string, StackResource>;
  outputs: Record<string, unknown>;
  /** An operation is running: CloudFormation refuses another on the same stack. */
  busy: boolean;
}

export interface StackResourceView {
  readonly type: string;
  readonly physicalId: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly status: string;
  /**
   * For an imported resource until its next update: the properties its read handler found (e.g. Tags added outside
   * the template), where `properties` are the template's as imported.
   */
  readonly readModel?: Readonly<Record<string, unknown>>;
}

/** What `CloudFormationModel.stack()` shows. */
export interface StackView {
  readonly stackId: string;
  readonly status: string;
  readonly resources: ReadonlyMap<string, StackResourceView>;
  readonly template: Template;
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** A physical resource that exists but that no stack manages any more. */
export interface OrphanedResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  /** 'retained' (DeletionPolicy, UpdateReplacePolicy or RetainResources), else `DELETE_FAILED: <reason>`. */
  readonly reason: string;
}

/** An AWS::Lambda::Function as deployed: what a test needs to run its handler. */
export interface DeployedFunction {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  /** Environment.Variables, resolved. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default 3, Lambda's default */
  readonly timeoutSeconds: number;
  readonly handler?: string;
  readonly runtime?: string;
  /** Every resolved property, for what the fields above leave out. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Runs a custom resource's Lambda function with the event CloudFormation sends. */
export type FunctionInvoker = (fn: DeployedFunction, event: unknown) => Promise<void>;
