// `cdk-identity-center-permissions plan`: the reconciler's read-only plan with the caller's
// credentials. It reads the config from the deployed parameter or from a synthesized cdk.out,
// prints creates, deletes and refusals with their reasons, and never writes anything.
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { ApiCallCounter, instrument } from '../reconciler/adapters/api-calls';
import { IdentityCenterAdapter } from '../reconciler/adapters/identity-center';
import { IdentityStoreAdapter } from '../reconciler/adapters/identity-store';
import { OrganizationsAdapter } from '../reconciler/adapters/organizations';
import { SsmConfigAdapter } from '../reconciler/adapters/ssm-config';
import { SsmStateAdapter } from '../reconciler/adapters/ssm-state';
import { ConfigRead, StatePort, systemClock } from '../reconciler/core/ports';
import { RateLimiter } from '../reconciler/core/rate-limiter';
import { reconcile } from '../reconciler/core/reconcile';
import { RunReport } from '../reconciler/core/report';
import { readConfigFromCdkOut } from './cdk-out-config';
import { formatReport } from './format';

const USAGE = `usage: cdk-identity-center-permissions plan [options]

Shows what the reconciler would change, with your credentials, without changing anything.

  --parameter NAME     the config parameter (default /identity-center-assignments/config)
  --cdk-out DIR        read the config from a synthesized cloud assembly instead of SSM
  --state-prefix PATH  where the reconciler keeps its state (default: next to the parameter)
  --region REGION      AWS region of the Identity Center instance (default: from the environment)
  --profile NAME       AWS profile (default: from the environment)
  --json               print the plan as JSON
  --max-rps N          Identity Center calls per second (default 10, leaving room for the reconciler)
`;

export interface PlanArguments {
  readonly parameter: string;
  readonly cdkOut?: string;
  readonly statePrefix: string;
  readonly region?: string;
  readonly profile?: string;
  readonly json: boolean;
  readonly maxRps: number;
}

export function parseArguments(argv: string[]): PlanArguments | { error: string } {
  const [command, ...rest] = argv;
  if (command !== 'plan') return { error: command ? `unknown command '${command}'` : 'missing command' };
  const values: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--json') {
      json = true;
      continue;
    }
    if (!['--parameter', '--cdk-out', '--state-prefix', '--region', '--profile', '--max-rps'].includes(flag)) return { error: `unknown option '${flag}'` };
    const value = rest[++i];
    if (value === undefined || value.startsWith('--')) return { error: `${flag} needs a value` };
    values[flag.slice(2)] = value;
  }
  const parameter = values.parameter ?? '/identity-center-assignments/config';
  const maxRps = Number(values['max-rps'] ?? 10);
  if (!(maxRps > 0)) return { error: `--max-rps must be a positive number, got '${values['max-rps']}'` };
  return {
    parameter,
    cdkOut: values['cdk-out'],
    statePrefix: values['state-prefix'] ?? parameter.replace(/\/config$/, '/state'),
    region: values.region,
    profile: values.profile,
    json,
    maxRps,
  };
}

/** Runs the read-only plan; exported so tests drive it against the simulator. */
export async function runPlan(args: PlanArguments): Promise<RunReport> {
  if (args.profile) process.env.AWS_PROFILE = args.profile;
  const clientConfig = { region: args.region, maxAttempts: 8 };
  const counter = new ApiCallCounter();
  const ssm = instrument(new SSMClient(clientConfig), 'ssm', counter);
  const config: ConfigRead = args.cdkOut ? readConfigFromCdkOut(args.cdkOut, args.parameter === '/identity-center-assignments/config' ? undefined : args.parameter)
    : await new SsmConfigAdapter(ssm, args.parameter).read();
  const doc = 'document' in config ? config.document : undefined;
  const limiter = new RateLimiter(args.maxRps, systemClock);
  const state: StatePort = new SsmStateAdapter(ssm, args.statePrefix);
  const report = await reconcile({
    runId: `plan-${new Date().toISOString()}`,
    config: { read: async () => config },
    // Read-only: the plan never saves state (reconcile only writes in apply mode; this makes it explicit).
    state: { read: () => state.read(), write: async () => { throw new Error('the plan command never writes'); } },
    organizations: new OrganizationsAdapter(instrument(new OrganizationsClient({ ...clientConfig, retryMode: 'adaptive' }), 'organizations', counter)),
    identityStore: new IdentityStoreAdapter(instrument(new IdentitystoreClient({ ...clientConfig, retryMode: 'adaptive' }), 'identitystore', counter), doc?.identityStoreId ?? ''),
    identityCenter: new IdentityCenterAdapter(instrument(new SSOAdminClient(clientConfig), 'sso-admin', counter, limiter), doc?.instanceArn ?? ''),
    clock: systemClock,
    log: { info: () => {}, warn: () => {} },
    limits: { maxOutstanding: 0, readConcurrency: 4 },
    time: { shouldStop: () => true, drainDeadline: () => 0 },
  }, 'plan');
  report.apiCalls = counter.snapshot();
  return report;
}

export async function main(argv: string[], out: (text: string) => void = console.log): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return 0;
  }
  const args = parseArguments(argv);
  if ('error' in args) {
    out(`${args.error}\n\n${USAGE}`);
    return 2;
  }
  const report = await runPlan(args);
  out(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return ['invalid-config', 'inconsistent-config', 'failed'].includes(report.outcome) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
