import { OperationOutcome, OutcomeStatus } from './apply';
import { Refusal } from './guard';
import { Assignment, Operation, OrgSnapshot, principalKey } from './model';

export type RunOutcome =
  | 'no-changes'
  | 'converged'
  | 'planned'
  | 'partial'
  | 'continuing'
  | 'invalid-config'
  | 'inconsistent-config'
  | 'failed';

/** One planned change in words an operator reads: names where known, ids always. */
export interface ChangeLine {
  readonly action: 'create' | 'delete' | 'provision';
  readonly principal?: string;
  readonly permissionSet: string;
  readonly account: string;
  readonly status?: OutcomeStatus;
  readonly reason?: string;
}

export interface RunCounts {
  rules: number;
  accounts: number;
  desired: number;
  current: number;
  foreign: number;
  creates: number;
  deletes: number;
  provisions: number;
  created: number;
  deleted: number;
  provisioned: number;
  failed: number;
  unknown: number;
  notStarted: number;
  deletionsRefused: number;
}

export interface RunReport {
  readonly runId: string;
  readonly mode: 'plan' | 'apply';
  readonly dryRun: boolean;
  readonly outcome: RunOutcome;
  readonly configRevision?: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly counts: RunCounts;
  readonly changes: ChangeLine[];
  readonly refusals: Refusal[];
  /** Resolution errors, failed reads and the reason a run failed. */
  readonly errors: string[];
  readonly readStrategy?: 'per-principal' | 'per-account';
  /** True when the run stopped for time and a follow-up invocation continues it. */
  readonly continuation: boolean;
  /** API calls by `service:Operation`, filled in by the handler. */
  apiCalls?: Record<string, number>;
}

export function emptyCounts(): RunCounts {
  return {
    rules: 0,
    accounts: 0,
    desired: 0,
    current: 0,
    foreign: 0,
    creates: 0,
    deletes: 0,
    provisions: 0,
    created: 0,
    deleted: 0,
    provisioned: 0,
    failed: 0,
    unknown: 0,
    notStarted: 0,
    deletionsRefused: 0,
  };
}

/** Turns ids into the names operators know. */
export class Namer {
  /** `labels` maps principal keys (`GROUP:<id>`) and permission set ARNs to names. */
  constructor(private readonly org: OrgSnapshot | undefined, private readonly labels: Readonly<Record<string, string>>) {}

  account(accountId: string): string {
    const name = this.org?.accounts.get(accountId)?.name;
    return name ? `${name} (${accountId})` : accountId;
  }

  permissionSet(arn: string): string {
    return this.labels[arn] ?? arn;
  }

  principal(a: { principalType: 'GROUP' | 'USER'; principalId: string }): string {
    return this.labels[principalKey(a)] ?? `${a.principalType.toLowerCase()} ${a.principalId}`;
  }

  assignment(action: 'create' | 'delete', a: Assignment, outcome?: OperationOutcome): ChangeLine {
    return {
      action,
      principal: this.principal(a),
      permissionSet: this.permissionSet(a.permissionSetArn),
      account: this.account(a.accountId),
      ...(outcome ? { status: outcome.status, reason: outcome.reason } : {}),
    };
  }

  operation(op: Operation, outcome?: OperationOutcome): ChangeLine {
    if (op.kind !== 'provision') return this.assignment(op.kind, op.assignment, outcome);
    return {
      action: 'provision',
      permissionSet: this.permissionSet(op.permissionSetArn),
      account: this.account(op.accountId),
      ...(outcome ? { status: outcome.status, reason: outcome.reason } : {}),
    };
  }
}
