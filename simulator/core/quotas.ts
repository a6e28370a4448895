/**
 * The service quotas the simulator enforces, in simulated time.
 *
 * - Identity Center admin API (sso-admin): "a collective throttle limit of 20 transactions per
 *   second (TPS) ... The write API operations have a limit of 15 outstanding asynchronous calls.
 *   This limit cannot be increased." https://docs.aws.amazon.com/IAM/latest/UserGuide/aam-quotas.html
 *   (the older Identity Center quotas page said 20 TPS and 10 outstanding CreateAccountAssignment
 *   calls: https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html#ssothrottlelimits).
 * - Identity Store: no rate is published separately; 20 TPS like the admin API, configurable.
 * - Organizations: AWS does not publish its API rates (awsdocs/aws-organizations-docs#39); users hit
 *   TooManyRequestsException with a few hundred accounts (awslabs/aws-deployment-framework#788),
 *   so the default is deliberately low: 5 per second, burst 10.
 */
export interface RateQuota {
  /** Sustained requests per simulated second. */
  readonly requestsPerSecond: number;
  /** Requests admitted at once after an idle period. */
  readonly burst: number;
}

/** A range of simulated delays: of an asynchronous operation (request to SUCCEEDED/FAILED), or of a deprovisioning. */
export interface AsyncLatency {
  /** Minimum simulated milliseconds. */
  readonly minMs: number;
  /** Maximum simulated milliseconds; each operation draws uniformly in [minMs, maxMs] under the seed. */
  readonly maxMs: number;
}

/** Parameter Store throughput (see SsmApi): reads shared by GetParameter(s) and GetParametersByPath, writes. */
export interface SsmQuota {
  readonly reads: RateQuota;
  readonly writes: RateQuota;
}

export interface QuotaSettings {
  readonly ssoAdmin?: Partial<RateQuota> & { readonly maxOutstandingAsyncOperations?: number };
  /** @default reads 40 per second, writes 3 per second (burst equal to the rate) */
  readonly ssm?: { readonly reads?: Partial<RateQuota>; readonly writes?: Partial<RateQuota> };
  readonly identityStore?: Partial<RateQuota>;
  readonly organizations?: Partial<RateQuota>;
  /** Latency of asynchronous Identity Center operations. @default 2,000 to 6,000 simulated ms */
  readonly asyncLatency?: Partial<AsyncLatency>;
  /**
   * How long an account stays provisioned with a permission set after its last assignment there was deleted (the
   * deletion SUCCEEDED): still listed by ListAccountsForProvisionedPermissionSet and ListPermissionSetsProvisionedToAccount,
   * and DeletePermissionSet is refused meanwhile. AWS: "while waiting for accounts to be deprovisioned (which can take
   * minutes ...), trying to delete the permission set won't work" (aws-samples/aws-iam-identity-center-extensions PR #89,
   * an AWS maintainer); it publishes no figure, so the default range is an assumption. `{ minMs: 0, maxMs: 0 }`
   * deprovisions at once, with the deletion.
   * @default 20,000 to 180,000 simulated ms
   */
  readonly deprovisionLatency?: Partial<AsyncLatency>;
}

export interface ResolvedQuotas {
  readonly ssoAdmin: RateQuota & { readonly maxOutstandingAsyncOperations: number };
  readonly ssm: SsmQuota;
  readonly identityStore: RateQuota;
  readonly organizations: RateQuota;
  readonly asyncLatency: AsyncLatency;
  readonly deprovisionLatency: AsyncLatency;
}

export function resolveQuotas(settings: QuotaSettings = {}): ResolvedQuotas {
  const asyncLatency = latency('asyncLatency', { minMs: 2000, maxMs: 6000, ...settings.asyncLatency });
  const deprovisionLatency = latency('deprovisionLatency', { minMs: 20_000, maxMs: 180_000, ...settings.deprovisionLatency });
  return {
    ssoAdmin: { requestsPerSecond: 20, burst: 20, maxOutstandingAsyncOperations: 15, ...settings.ssoAdmin },
    ssm: {
      reads: { requestsPerSecond: 40, burst: 40, ...settings.ssm?.reads },
      writes: { requestsPerSecond: 3, burst: 3, ...settings.ssm?.writes },
    },
    identityStore: { requestsPerSecond: 20, burst: 20, ...settings.identityStore },
    organizations: { requestsPerSecond: 5, burst: 10, ...settings.organizations },
    asyncLatency,
    deprovisionLatency,
  };
}

function latency(name: string, value: AsyncLatency): AsyncLatency {
  if (!(value.minMs >= 0 && value.maxMs >= value.minMs)) throw new Error(`invalid ${name} ${JSON.stringify(value)}`);
  return value;
}

/** The limits in effect, in simulated and in real time, so a benchmark can compute attainable throughput. */
export interface QuotaModel extends ResolvedQuotas {
  /** Simulated ms per real ms. */
  readonly clockSpeed: number;
  /** The same rates expressed per real second at the current clock speed (Infinity when the clock is frozen). */
  readonly realTime: {
    readonly ssoAdminRequestsPerSecond: number;
    readonly identityStoreRequestsPerSecond: number;
    readonly organizationsRequestsPerSecond: number;
    /** Average real ms an asynchronous operation stays IN_PROGRESS. */
    readonly meanAsyncLatencyMs: number;
    /**
     * Upper bound on completed asynchronous writes per real second: the outstanding cap divided by
     * the mean latency, capped by the request rate (each write costs at least one request).
     */
    readonly maxAsyncWritesPerSecond: number;
  };
  /** MaxResults maxima by `service:Operation`. */
  readonly pageSizes: Record<string, number>;
}
