import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { ApiCallCounter, instrument } from './api-calls';
import { assumedRoleCredentials } from './assumed-role';
import { IdentityCenterAdapter } from './identity-center';
import { IdentityStoreAdapter } from './identity-store';
import { OrganizationsAdapter } from './organizations';
import { systemClock } from '../core/ports';
import { RateLimiter } from '../core/rate-limiter';

export interface ClientRates {
  readonly identityCenter: number;
  readonly organizations: number;
  readonly identityStore: number;
  /** SSM writes per second: Parameter Store's PutParameter throughput is about 3 (see the simulator's SsmApi). @default 2 */
  readonly ssmWrites?: number;
}

/**
 * The SDK clients and adapters the reconciler reads and writes through, shared by the Lambda and
 * the plan command. Clients use the default configuration, so region, credentials and
 * AWS_ENDPOINT_URL come from the environment. Each service gets its own client-side rate limit;
 * throttling that still happens is retried by the SDK (standard mode).
 */
export function awsAdapters(options: {
  counter: ApiCallCounter;
  rates: ClientRates;
  region?: string;
  /** Per-principal reads go through a session of this role (a delegated administrator's assignment reader). */
  assignmentReaderRoleArn?: string;
  /** The session's name, in CloudTrail. @default 'reconciler' */
  sessionName?: string;
}) {
  const config = { region: options.region, maxAttempts: 8 };
  // A burst of 5 on top of the steady rate lets a freed slot's write go out at once instead of
  // queueing behind status reads; at 15 per second plus 5 it stays under the service's 20.
  const limit = (rate: number, burst = 5) => new RateLimiter(rate, systemClock, burst);
  const ssm = instrument(new SSMClient(config), 'ssm', options.counter);
  const identityCenterRate = limit(options.rates.identityCenter);
  const ssoAdmin = instrument(new SSOAdminClient({ ...config, maxAttempts: 5 }), 'sso-admin', options.counter, identityCenterRate);
  // The reader's calls count against the same quota as far as this client knows (AWS does not say
  // whether the admin API's rate is per account or per instance; shared is the safer guess).
  const readerRole = options.assignmentReaderRoleArn;
  const principalReads = readerRole === undefined ? ssoAdmin : instrument(new SSOAdminClient({
    ...config,
    maxAttempts: 5,
    credentials: assumedRoleCredentials(instrument(new STSClient(config), 'sts', options.counter), readerRole, options.sessionName ?? 'reconciler'),
  }), 'sso-admin', options.counter, identityCenterRate);
  const organizations = instrument(new OrganizationsClient(config), 'organizations', options.counter, limit(options.rates.organizations));
  const identityStore = instrument(new IdentitystoreClient(config), 'identitystore', options.counter, limit(options.rates.identityStore));
  return {
    ssm,
    /** Paces SSM writes (the claims the automation publishes) under Parameter Store's write throughput. */
    ssmWrites: limit(options.rates.ssmWrites ?? 2, 1),
    organizations: new OrganizationsAdapter(organizations),
    identityCenter: (instanceArn: string) => new IdentityCenterAdapter(ssoAdmin, instanceArn, principalReads),
    identityStore: (identityStoreId: string) => new IdentityStoreAdapter(identityStore, identityStoreId),
  };
}
