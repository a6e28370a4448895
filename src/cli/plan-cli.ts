// `cdk-identity-center-permissions plan`: the reconciler's read-only plan with the caller's
// credentials. It reads the config from the deployed parameter or from a synthesized cdk.out,
// prints creates, deletes and refusals with their reasons, and never writes anything.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_PARAMETER, configSource } from './config-flags';
import { commandRates, parseMaxRps } from './connection';
import { parseFlags } from './flags';
import { formatReport } from './format';
import { ApiCallCounter } from '../reconciler/adapters/api-calls';
import { composeReconciler } from '../reconciler/compose';
import { DEFAULT_GUARDS, busNameOfParameter, parameterNames } from '../reconciler/contract';
import { reconcile } from '../reconciler/core/reconcile';
import { RunReport } from '../reconciler/core/report';

const OPTIONS = ['--parameter', '--cdk-out', '--state-prefix', '--state-table', '--region', '--profile', '--max-rps', '--max-deletions-per-run'];

export const PLAN_USAGE = `usage: cdk-identity-center-permissions plan [options]

Shows what the reconciler would change, with your credentials, without changing anything.

  --parameter NAME     the config parameter (default ${DEFAULT_PARAMETER})
  --cdk-out DIR        read the config from a synthesized cloud assembly instead of SSM
  --state-table NAME   the automation's state table (default: the one /<bus>/state-table names)
  --state-prefix PATH  where versions before the state table kept their state (default: next to the parameter)
  --max-deletions-per-run N
                       the guard the deployed function applies (default 100)
  --region REGION      AWS region of the Identity Center instance (default: from the environment)
  --profile NAME       AWS profile (default: from the environment)
  --json               print the plan as JSON
  --max-rps N          Identity Center calls per second (default 10, leaving room for the reconciler)
`;

export interface PlanArguments {
  readonly parameter: string;
  readonly cdkOut?: string;
  readonly statePrefix: string;
  /** @default the table named by the automation's `/<bus>/state-table` parameter */
  readonly stateTable?: string;
  /** The stateTable parameter to look the table up in, when `stateTable` is not given. */
  readonly stateTableParameter?: string;
  readonly maxDeletionsPerRun: number;
  readonly region?: string;
  readonly profile?: string;
  readonly json: boolean;
  readonly maxRps: number;
  /** Every rate times this: for a simulator whose clock runs faster (the demo), never a flag. @default 1 */
  readonly rateScale?: number;
}

export function parseArguments(argv: string[]): PlanArguments | { error: string } {
  const [command, ...rest] = argv;
  if (command !== 'plan') return { error: command ? `unknown command '${command}'` : 'missing command' };
  const parsed = parseFlags(rest, { options: OPTIONS, switches: ['--json'] });
  if ('error' in parsed) return parsed;
  const { values } = parsed;
  const json = parsed.switches.has('json');
  const parameter = values.parameter ?? DEFAULT_PARAMETER;
  const busName = busNameOfParameter(parameter);
  if (values['state-prefix'] === undefined && busName === undefined) {
    return { error: `--parameter ${parameter} does not end in /config, so the state cannot be found beside it; pass --state-prefix` };
  }
  const maxRps = parseMaxRps(values['max-rps']);
  if (typeof maxRps !== 'number') return maxRps;
  const maxDeletionsPerRun = Number(values['max-deletions-per-run'] ?? DEFAULT_GUARDS.maxDeletionsPerRun);
  if (!Number.isInteger(maxDeletionsPerRun) || maxDeletionsPerRun < 0) {
    return { error: `--max-deletions-per-run must be a whole number, got '${values['max-deletions-per-run']}'` };
  }
  return {
    parameter,
    cdkOut: values['cdk-out'],
    statePrefix: values['state-prefix'] ?? parameterNames(busName!).statePrefix,
    stateTable: values['state-table'],
    stateTableParameter: busName === undefined ? undefined : parameterNames(busName).stateTable,
    maxDeletionsPerRun,
    region: values.region,
    profile: values.profile,
    json,
    maxRps,
  };
}

/** Runs the read-only plan; exported so tests drive it against the simulator. */
export async function runPlan(args: PlanArguments): Promise<RunReport> {
  if (args.profile) process.env.AWS_PROFILE = args.profile;
  const counter = new ApiCallCounter();
  const stateTable = args.stateTable ?? await findStateTable(args);
  const report = await reconcile(composeReconciler({
    runId: `plan-${new Date().toISOString()}`,
    configParameter: args.parameter,
    configSource: configSource(args),
    statePrefix: args.statePrefix,
    stateTable,
    readOnly: true,
    guards: { maxDeletionsPerRun: args.maxDeletionsPerRun, dryRun: false },
    automation: busNameOfParameter(args.parameter),
    leaseTtlMs: 0,
    counter,
    // Below the reconciler's own rates, so a plan never starves a running reconcile.
    rates: commandRates(args.maxRps, args.rateScale),
    region: args.region,
    log: { info: () => {}, warn: () => {} },
    limits: { maxOutstanding: 0, readConcurrency: 4 },
    time: { shouldStop: () => true, drainDeadline: () => 0 },
  }), 'plan');
  report.apiCalls = counter.snapshot();
  return report;
}

/** The state table the automation names in SSM; none (a plan without memory) when it has not been deployed. */
async function findStateTable(args: PlanArguments): Promise<string | undefined> {
  if (!args.stateTableParameter) return undefined;
  const ssm = new SSMClient({ region: args.region });
  try {
    return (await ssm.send(new GetParameterCommand({ Name: args.stateTableParameter }))).Parameter?.Value;
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') return undefined;
    throw e;
  }
}

/** `plan`: exits 1 when the plan could not be made (an unusable config, an unreadable organization). */
export async function planMain(argv: string[], out: (text: string) => void): Promise<number> {
  const args = parseArguments(argv);
  if ('error' in args) {
    out(`${args.error}\n\n${PLAN_USAGE}`);
    return 2;
  }
  const report = await runPlan(args);
  out(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return ['invalid-config', 'no-config', 'inconsistent-config', 'failed'].includes(report.outcome) ? 1 : 0;
}
