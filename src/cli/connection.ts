// What the read-only operator commands share: the flags that say where and how fast to read, the
// SDK adapters (rate-limited per service, below the reconciler's own rates so that a command never
// starves a running reconcile), and the Identity Center instance (ListInstances when not given).
import { SSOAdminClient, paginateListInstances } from '@aws-sdk/client-sso-admin';
import { ParsedFlags } from './flags';
import { ApiCallCounter, instrument } from '../reconciler/adapters/api-calls';
import { ClientRates, awsAdapters } from '../reconciler/adapters/aws-adapters';

/** The flags every read-only command takes, with their usage lines. */
export const CONNECTION_OPTIONS = ['--region', '--profile', '--instance-arn', '--identity-store-id', '--max-rps'];

export const CONNECTION_USAGE = `  --instance-arn ARN   the Identity Center instance (default: the config's, or the one ListInstances finds)
  --identity-store-id ID
                       its identity store (default: the config's, or the one ListInstances finds)
  --region REGION      AWS region of the Identity Center instance (default: from the environment)
  --profile NAME       AWS profile (default: from the environment)
  --max-rps N          Identity Center calls per second (default 10, leaving room for the reconciler)`;

export interface ConnectionArguments {
  readonly region?: string;
  readonly profile?: string;
  readonly instanceArn?: string;
  readonly identityStoreId?: string;
  readonly maxRps: number;
  /** Every rate times this: for a simulator whose clock runs faster (the demo), never a flag. @default 1 */
  readonly rateScale?: number;
}

/** The connection flags of a parsed command line, or what is wrong with them. */
export function connectionArguments(values: ParsedFlags['values']): ConnectionArguments | { error: string } {
  const maxRps = parseMaxRps(values['max-rps']);
  if (typeof maxRps !== 'number') return maxRps;
  if ((values['instance-arn'] === undefined) !== (values['identity-store-id'] === undefined)) {
    return { error: '--instance-arn and --identity-store-id go together: pass both, or neither to find the instance with ListInstances' };
  }
  return { region: values.region, profile: values.profile, instanceArn: values['instance-arn'], identityStoreId: values['identity-store-id'], maxRps };
}

/** `--max-rps`: a positive number, 10 when not given. */
export function parseMaxRps(value: string | undefined): number | { error: string } {
  const maxRps = Number(value ?? 10);
  return maxRps > 0 ? maxRps : { error: `--max-rps must be a positive number, got '${value}'` };
}

/** The operator commands' client rates: Identity Center as asked, the others below the reconciler's. */
export function commandRates(maxRps: number, scale = 1): ClientRates {
  return { identityCenter: maxRps * scale, organizations: 2 * scale, identityStore: 5 * scale };
}

export interface Instance {
  readonly instanceArn: string;
  readonly identityStoreId: string;
}

/** The adapters a read-only command reads through, and the count of its API calls. */
export function connect(args: ConnectionArguments) {
  if (args.profile) process.env.AWS_PROFILE = args.profile;
  const counter = new ApiCallCounter();
  const aws = awsAdapters({ counter, rates: commandRates(args.maxRps, args.rateScale), region: args.region });
  return {
    counter,
    aws,
    /** The instance given, or the only one ListInstances returns (an organization has at most one). */
    instance: async (fallback?: Instance): Promise<Instance> => {
      if (args.instanceArn && args.identityStoreId) return { instanceArn: args.instanceArn, identityStoreId: args.identityStoreId };
      if (fallback) return fallback;
      return findInstance(instrument(new SSOAdminClient({ region: args.region, maxAttempts: 5 }), 'sso-admin', counter));
    },
  };
}

async function findInstance(client: SSOAdminClient): Promise<Instance> {
  try {
    const found: Instance[] = [];
    for await (const page of paginateListInstances({ client }, {})) {
      for (const i of page.Instances ?? []) {
        if (i.InstanceArn && i.IdentityStoreId) found.push({ instanceArn: i.InstanceArn, identityStoreId: i.IdentityStoreId });
      }
    }
    if (found.length !== 1) {
      throw new Error(`ListInstances found ${found.length} Identity Center instances in this account and region (${found.map((i) => i.instanceArn).join(', ') || 'none'}); `
        + 'pass --instance-arn and --identity-store-id, or --region for the instance\'s home region');
    }
    return found[0];
  } finally {
    client.destroy();
  }
}
