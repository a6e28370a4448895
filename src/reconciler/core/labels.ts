import { OperationOutcome, OutcomeStatus } from './apply';
import { Assignment, PrincipalId, principalKey } from './model';
import { Operation } from './plan';
import { ResolvedReferences, principalLookupKey } from './references';
import { OrgSnapshot } from './snapshot';
import { describePrincipal } from '../config/describe';
import { ConfigDocument } from '../config/document';

/** Names by principal key (`GROUP:<id>`) or permission set ARN: what operators know them by. */
export type Labels = Readonly<Record<string, string>>;

/** `GROUP:<id>` → `group Admins` and permission set ARN → name, for what the config names now. */
export function currentLabels(doc: ConfigDocument, refs: ResolvedReferences): Labels {
  const labels: Record<string, string> = {};
  for (const [name, r] of refs.permissionSets) if ('value' in r) labels[r.value] = name;
  for (const rule of doc.rules) {
    const r = refs.principals.get(principalLookupKey(rule.principal, doc.options.groupNameSuffix));
    if (r && 'value' in r) labels[principalKey(r.value)] = describePrincipal(rule.principal);
  }
  return labels;
}

/** One planned change in words an operator reads: names where known, ids always. */
export interface ChangeLine {
  readonly action: 'create' | 'delete' | 'provision';
  readonly principal?: string;
  readonly permissionSet: string;
  readonly account: string;
  readonly status?: OutcomeStatus;
  readonly reason?: string;
  /** For a deletion an expiry asks for: the expired rule(s) that granted it, `rule 2 (...) expired at <ISO time>`. */
  readonly expired?: string;
}

/** Turns ids into the names operators know. */
export class Namer {
  constructor(private readonly org: OrgSnapshot | undefined, private readonly labels: Labels) {}

  account(accountId: string): string {
    const name = this.org?.accounts.get(accountId)?.name;
    return name ? `${name} (${accountId})` : accountId;
  }

  permissionSet(arn: string): string {
    return this.labels[arn] ?? arn;
  }

  principal(a: PrincipalId): string {
    return this.labels[principalKey(a)] ?? `${a.principalType.toLowerCase()} ${a.principalId}`;
  }

  assignment(action: 'create' | 'delete', a: Assignment, outcome?: Pick<OperationOutcome, 'status' | 'reason'>): ChangeLine {
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
