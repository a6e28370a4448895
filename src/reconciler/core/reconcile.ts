import { decide } from './decide';
import { ExecuteDeps, execute } from './execute';
import { GatherDeps, gather } from './gather';
import { Clock } from './ports';
import { RunReport, summarize, summarizeStop } from './report';

export type { ReconcileLog } from './execute';

export interface ReconcileDeps extends GatherDeps, ExecuteDeps {
  readonly runId: string;
  readonly clock: Clock;
  readonly limits: GatherDeps['limits'] & ExecuteDeps['limits'];
}

/**
 * One reconcile, in four stages:
 * gather (every read, one observation) → decide (pure: desired, scope, plan, guard, the state to
 * remember) → execute (remember, apply under the quotas, release) → summarize (counts derived).
 * `plan` mode and a dry-run document stop after deciding and write nothing.
 */
export async function reconcile(deps: ReconcileDeps, mode: 'plan' | 'apply'): Promise<RunReport> {
  const startedAt = deps.clock.now();
  const meta = () => ({ runId: deps.runId, mode, startedAt, finishedAt: deps.clock.now() });

  const gathered = await gather(deps);
  if ('stop' in gathered) return summarizeStop(gathered.stop, meta());
  const { observation, instance } = gathered;
  const decision = decide(observation, mode);
  const execution = await execute(decision, observation, instance.identityCenter, deps);
  return summarize(observation, decision, execution, meta());
}
