// What the events that started a run say, beyond "something changed": the accounts to act on at once.
// The Lambda receives the EventBridge events as SQS message bodies (the queue is the rules' target),
// forwarded unchanged from us-east-1 by OrgEventBridge. Shapes (test/fixtures/aws-events.ts):
// - CreateAccountResult: detail.serviceEventDetails.createAccountStatus.accountId (Organizations user
//   guide, "Logging and monitoring": the CreateAccountResult example);
// - Control Tower CreateManagedAccount/UpdateManagedAccount: detail.serviceEventDetails
//   .createManagedAccountStatus.account.accountId (resp. updateManagedAccountStatus; Control Tower
//   user guide, "Lifecycle events");
// - Organizations TagResource/UntagResource: detail.requestParameters.resourceId (the API's
//   request: an account id, an OU id or a root id);
// - Identity Center CreateAccountAssignment/DeleteAccountAssignment made by hand (the reconciler's
//   own never reach it: the rule excludes its role): detail.requestParameters.targetId and
//   permissionSetArn (API_CreateAccountAssignment request syntax, as CloudTrail records it).

/** Accounts named by the events of a trigger. */
export interface TriggerFacts {
  /** Accounts created or enrolled: their access is granted at once, before the whole run. */
  readonly newAccounts?: readonly string[];
  /** Accounts whose tags changed: their cached tags are read again. */
  readonly tagsChanged?: readonly string[];
  /** (account, permission set) targets whose assignments someone changed: their per-account readings are read again first. */
  readonly assignmentsChanged?: ReadonlyArray<{ readonly accountId: string; readonly permissionSetArn: string }>;
  /** Every message is a continuation the reconciler queued (`{"continuation": ...}`): the run only goes on with its work. */
  readonly continuationOnly?: boolean;
}

const ACCOUNT_ID = /^\d{12}$/;

/** `createAccountStatus` (Organizations) or `create/updateManagedAccountStatus` (Control Tower). */
interface StatusDetail {
  readonly state?: unknown;
  readonly accountId?: unknown;
  readonly account?: { readonly accountId?: unknown };
}

/** The facts in a batch of SQS message bodies; anything unparsable or unknown says nothing. */
export function triggerFacts(bodies: readonly string[]): TriggerFacts {
  const newAccounts = new Set<string>();
  const tagsChanged = new Set<string>();
  const assignmentsChanged = new Map<string, { accountId: string; permissionSetArn: string }>();
  let continuations = 0;
  for (const body of bodies) {
    let event: { detail?: Record<string, unknown>; continuation?: unknown };
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      continue;
    }
    if (typeof event?.continuation === 'object' && event.continuation !== null) continuations++;
    const detail = event?.detail;
    if (!detail || typeof detail !== 'object') continue;
    const name = detail.eventName;
    const service = detail.serviceEventDetails as Record<string, StatusDetail> | undefined;
    const request = detail.requestParameters as { resourceId?: unknown; targetId?: unknown; permissionSetArn?: unknown } | undefined;
    if (name === 'CreateAccountResult' && service?.createAccountStatus?.state === 'SUCCEEDED') add(newAccounts, service.createAccountStatus.accountId);
    if (name === 'CreateManagedAccount' && service?.createManagedAccountStatus?.state === 'SUCCEEDED') {
      add(newAccounts, service.createManagedAccountStatus.account?.accountId);
    }
    if (name === 'UpdateManagedAccount' && service?.updateManagedAccountStatus?.state === 'SUCCEEDED') {
      add(newAccounts, service.updateManagedAccountStatus.account?.accountId);
    }
    if ((name === 'TagResource' || name === 'UntagResource') && detail.errorCode === undefined) add(tagsChanged, request?.resourceId);
    if ((name === 'CreateAccountAssignment' || name === 'DeleteAccountAssignment') && detail.errorCode === undefined) {
      const accountId = request?.targetId;
      const permissionSetArn = request?.permissionSetArn;
      if (typeof accountId === 'string' && ACCOUNT_ID.test(accountId) && typeof permissionSetArn === 'string') {
        assignmentsChanged.set(`${accountId}|${permissionSetArn}`, { accountId, permissionSetArn });
      }
    }
  }
  return {
    newAccounts: [...newAccounts].sort(),
    tagsChanged: [...tagsChanged].sort(),
    assignmentsChanged: [...assignmentsChanged.values()],
    continuationOnly: bodies.length > 0 && continuations === bodies.length,
  };
}

function add(set: Set<string>, id: unknown): void {
  if (typeof id === 'string' && ACCOUNT_ID.test(id)) set.add(id);
}
