import { recordWrites } from './account-readings';
import { GuardSettings, decide } from './decide';
import { ExecuteDeps, execute } from './execute';
import { GatherDeps, gather } from './gather';
import { continueRetirements } from './lifecycle';
import { Assignment } from './model';
import { grantNewAccounts, withEarlyGrant } from './new-accounts';
import { Clock, LeasePort, LifecyclePort } from './ports';
import { RunReport, summarize, summarizeBusy, summarizeStop } from './report';

export type { ReconcileLog } from './execute';

export interface ReconcileDeps extends GatherDeps, ExecuteDeps {
  readonly runId: string;
  readonly clock: Clock;
  readonly limits: GatherDeps['limits'] & ExecuteDeps['limits'];
  readonly time: ExecuteDeps['time'];
  /** From the function's configuration, never from the document. */
  readonly guards: GuardSettings;
  /** Serializes every applying run, however it was started (queue, continuation, direct invocation). */
  readonly lease: LeasePort;
  /** How long a run may hold the lease: the function's timeout and a margin. */
  readonly leaseTtlMs: number;
  /** Retired permission sets not yet drained (in the state table). @default none */
  readonly lifecycle?: LifecyclePort;
}

function withChangedTargets(deps: ReconcileDeps, created: readonly Assignment[]): ReconcileDeps {
  const targets = created.map((a) => ({ accountId: a.accountId, permissionSetArn: a.permissionSetArn }));
  return { ...deps, trigger: { ...deps.trigger, assignmentsChanged: [...deps.trigger?.assignmentsChanged ?? [], ...targets] } };
}

/**
 * One reconcile, in four stages:
 * gather (every read, one observation) → decide (pure: desired, scope, plan, guard, the state to
 * remember) → execute (remember, apply under the quotas, release) → summarize (counts derived).
 * An applying run holds the run lease throughout; `plan` mode and dry runs write nothing and need none.
 */
export async function reconcile(deps: ReconcileDeps, mode: 'plan' | 'apply'): Promise<RunReport> {
  const startedAt = deps.clock.now();
  const meta = () => ({ runId: deps.runId, mode, startedAt, finishedAt: deps.clock.now() });
  const applying = mode === 'apply' && !deps.guards.dryRun;
  if (applying && !(await deps.lease.acquire(deps.runId, deps.leaseTtlMs))) return summarizeBusy(meta());
  try {
    // An account just created or enrolled gets its access first, then the whole run follows.
    const newAccounts = deps.trigger?.newAccounts ?? [];
    const early = applying && newAccounts.length > 0 ? await grantNewAccounts(deps, newAccounts) : undefined;
    const withEarly = (r: RunReport) => (early ? withEarlyGrant(r, early) : r);
    // Plans and dry runs save per-account readings too: a cache of what Identity Center holds, so that they also complete.
    // What the early pass created is read again first, as a change someone else made would be.
    // Only applying runs hold the lease, so only they may save or reuse the organization for a continuation.
    const reading = applying ? deps : { ...deps, orgCache: undefined };
    const gathered = await gather(early && 'created' in early ? withChangedTargets(reading, early.created) : reading);
    if ('stop' in gathered) return withEarly(summarizeStop(gathered.stop, deps.guards.dryRun, meta()));
    const { observation, instance } = gathered;
    const decision = decide(observation, mode, deps.guards, deps.clock.now());
    const execution = await execute(decision, observation, instance.identityCenter, deps, instance.claims);
    const report = summarize(observation, decision, execution, meta());
    const planned = observation.current.readings;
    if (applying && deps.readings && planned) {
      // The saved readings follow the run's own writes, so that a follow-up invocation does not redo them.
      const writes = execution.outcomes
        .filter((o) => o.status === 'succeeded' && o.op.kind !== 'provision')
        .map((o) => ({ kind: o.op.kind as 'create' | 'delete', assignment: (o.op as { assignment: Assignment }).assignment }));
      await recordWrites(deps.readings, planned, writes)
        .catch((e) => report.notices.push(`the per-account readings could not be updated with this run's writes (${(e as Error).message})`));
    }
    if (applying && deps.lifecycle) {
      // The same accounts as every other write of a run: ACTIVE ones, never the management account from a delegated administrator.
      const management = observation.document.options.managementAccountId;
      const ineligible = (accountId: string): string | undefined => {
        if (management !== undefined && accountId === management) return 'the management account, which a delegated administrator may not change';
        const account = observation.org.accounts.get(accountId);
        return account === undefined ? 'no longer in the organization' : account.status === 'ACTIVE' ? undefined : account.status.toLowerCase();
      };
      const retirements = await continueRetirements(deps.lifecycle, instance.identityCenter, { ...deps, ineligible }).catch((e) => ({
        notices: [], errors: [`the retired permission sets could not be checked (${(e as Error).message})`],
      }));
      report.notices.push(...retirements.notices);
      report.errors.push(...retirements.errors);
    }
    return withEarly(report);
  } finally {
    if (applying) await deps.lease.release(deps.runId).catch(() => undefined);
  }
}
