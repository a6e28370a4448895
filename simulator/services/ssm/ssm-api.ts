import { ParameterTier, ParameterType, SsmModel, SsmParameter } from './ssm-model';
import { PageLimits, Paginator, PaginationErrors } from '../../core/paginator';
import { SsmQuota } from '../../core/quotas';
import { TokenBucket } from '../../core/token-bucket';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { oneOf, optionalArray, optionalBoolean, optionalInteger, optionalString, requiredString } from '../../protocol/input';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';

/** GetParametersByPath: "MaxResults ... Valid Range: Minimum value of 1. Maximum value of 10." */
export const SSM_BY_PATH_PAGE: PageLimits = { max: 10, defaultSize: 10 };

/**
 * Value size limits: "Standard: 4 KB ... Advanced: 8 KB"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
 * AWS's message says "characters"; bytes are checked here, the stricter reading, so a client that
 * passes here also passes with multi-byte text.
 */
const STANDARD_MAX_BYTES = 4096;
const ADVANCED_MAX_BYTES = 8192;
/** "A parameter name can't include more than 15 levels of hierarchy" (parameter-store hierarchies). */
const MAX_HIERARCHY_LEVELS = 15;
const NAME = /^[a-zA-Z0-9_.\-/]{1,2048}$/;
const TYPES = ['String', 'StringList', 'SecureString'] as const;
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;

/**
 * Systems Manager Parameter Store, JSON 1.1 (`AmazonSSM.*`).
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */
export class SsmApi implements ServiceHandler {
  public readonly service = 'ssm';
  private readonly errors: PaginationErrors = {
    invalidNextToken: () => new AwsError('InvalidNextToken', 'The specified token isn\'t valid.'),
    invalidMaxResults: (value, max) => validation(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`),
  };

  /**
   * Parameter Store throughput at the default (standard) setting, per account and region:
   * GetParameter, GetParameters and GetParametersByPath share 40 TPS (the SSM quotas page, "Default
   * throughput: 40 (shared by GetParameter, GetParameters, GetParametersByPath)"); PutParameter is
   * undocumented, and AWS Support answered 3 TPS (github-aws-runners/terraform-aws-github-runner#2944;
   * aws-ia/terraform-aws-control_tower_account_factory#271: "the limit for PutParameter API call is not
   * currently disclosed"). Deletes are given the write rate, also undocumented. Over the limit:
   * ThrottlingException "Rate exceeded" (AWS Knowledge Center, ssm-parameter-store-rate-exceeded).
   */
  private readonly reads: TokenBucket;
  private readonly writes: TokenBucket;

  constructor(private readonly model: SsmModel, private readonly paginator: Paginator, private readonly accountId: () => string, quota: SsmQuota) {
    this.reads = new TokenBucket(quota.reads.requestsPerSecond, quota.reads.burst);
    this.writes = new TokenBucket(quota.writes.requestsPerSecond, quota.writes.burst);
  }

  public handle(operation: string, input: JsonInput, context: RequestContext): unknown {
    const bucket = operation.startsWith('Get') ? this.reads : this.writes;
    if (!bucket.tryTake(context.now)) throw this.throttlingError();
    switch (operation) {
      case 'GetParameter': return { Parameter: this.shape(this.require(requiredString(input, 'Name', validation)), context) };
      case 'GetParameters': return this.getParameters(input, context);
      case 'PutParameter': return this.putParameter(input);
      case 'DeleteParameter':
        if (!this.model.delete(requiredString(input, 'Name', validation))) throw parameterNotFound();
        return {};
      case 'DeleteParameters': return this.deleteParameters(input);
      case 'GetParametersByPath': return this.getParametersByPath(input, context);
      default: throw unknownOperation(`AmazonSSM.${operation}`);
    }
  }

  public throttlingError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate exceeded', { throttling: true });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'Service Unavailable', { status })
      : new AwsError('InternalServerError', 'An error occurred on the server side.', { status });
  }

  private getParameters(input: JsonInput, context: RequestContext): unknown {
    const names = (optionalArray(input, 'Names', validation) ?? []) as string[];
    if (names.length < 1 || names.length > 10) {
      throw validation('1 validation error detected: Value at \'names\' failed to satisfy constraint: Member must have length between 1 and 10');
    }
    const found = names.map((n) => this.model.get(n)).filter((p): p is SsmParameter => p !== undefined);
    return { Parameters: found.map((p) => this.shape(p, context)), InvalidParameters: names.filter((n) => !this.model.get(n)) };
  }

  /** https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameters.html: 1-10 names, unknown ones listed, not an error. */
  private deleteParameters(input: JsonInput): unknown {
    const names = (optionalArray(input, 'Names', validation) ?? []) as string[];
    if (names.length < 1 || names.length > 10) {
      throw validation('1 validation error detected: Value at \'names\' failed to satisfy constraint: Member must have length between 1 and 10');
    }
    const deleted = names.filter((n) => this.model.delete(n));
    return { DeletedParameters: deleted, InvalidParameters: names.filter((n) => !deleted.includes(n)) };
  }

  private putParameter(input: JsonInput): unknown {
    const name = requiredString(input, 'Name', validation, NAME);
    if (name.includes('/') && !name.startsWith('/')) throw validation('Parameter name: can\'t be prefixed with "/" unless it is fully qualified');
    if (name.split('/').filter(Boolean).length > MAX_HIERARCHY_LEVELS) {
      throw new AwsError('HierarchyLevelLimitExceededException', 'A hierarchy can have a maximum of 15 levels.', { messageKey: 'message' });
    }
    const value = requiredString(input, 'Value', validation);
    const type = oneOf(optionalString(input, 'Type', validation), 'Type', TYPES, validation) as ParameterType | undefined;
    const requestedTier = oneOf(optionalString(input, 'Tier', validation), 'Tier', TIERS, validation);
    const overwrite = optionalBoolean(input, 'Overwrite', validation) ?? false;
    const existing = this.model.get(name);
    if (existing && !overwrite) {
      throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.', { messageKey: 'message' });
    }
    if (!existing && type === undefined) throw validation('A parameter type is required when you create a parameter.');
    const tier = this.resolveTier(requestedTier, existing, Buffer.byteLength(value, 'utf8'));
    const stored = this.model.put(name, value, { type, tier, description: optionalString(input, 'Description', validation) });
    return { Version: stored.version, Tier: stored.tier };
  }

  private resolveTier(requested: (typeof TIERS)[number] | undefined, existing: SsmParameter | undefined, bytes: number): ParameterTier {
    if (bytes > ADVANCED_MAX_BYTES) {
      throw validation(`1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${ADVANCED_MAX_BYTES}`);
    }
    // "You can change a standard parameter to an advanced parameter at any time, but you can't revert an advanced parameter to a standard parameter."
    if (existing?.tier === 'Advanced') {
      if (requested === 'Standard') {
        throw validation('This parameter uses the advanced-parameter tier. You can\'t downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. '
          + 'If necessary, you can delete the advanced parameter and recreate it as a standard parameter.');
      }
      return 'Advanced';
    }
    // Intelligent-Tiering picks Advanced only when the request needs it.
    const tier: ParameterTier = requested === 'Advanced' || (requested === 'Intelligent-Tiering' && bytes > STANDARD_MAX_BYTES) ? 'Advanced' : 'Standard';
    if (tier === 'Standard' && bytes > STANDARD_MAX_BYTES) {
      // Observed text: hashicorp/terraform-provider-aws#18521.
      throw validation('Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the '
        + 'advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html');
    }
    return tier;
  }

  private getParametersByPath(input: JsonInput, context: RequestContext): unknown {
    const path = requiredString(input, 'Path', validation);
    if (!path.startsWith('/')) throw validation('The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
    const recursive = optionalBoolean(input, 'Recursive', validation) ?? false;
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const page = this.paginator.page(this.model.index, {
      operation: 'ssm:GetParametersByPath',
      scope: `${prefix}|${recursive}`,
      nextToken: optionalString(input, 'NextToken', validation),
      maxResults: optionalInteger(input, 'MaxResults', validation),
      keyPrefix: prefix,
    }, SSM_BY_PATH_PAGE, this.errors, (p) => (recursive || !p.name.slice(prefix.length).includes('/') ? this.shape(p, context) : undefined));
    return { Parameters: page.items, NextToken: page.nextToken };
  }

  private require(name: string): SsmParameter {
    const parameter = this.model.get(name);
    if (!parameter) throw parameterNotFound();
    return parameter;
  }

  private shape(p: SsmParameter, context: RequestContext): Record<string, unknown> {
    return {
      Name: p.name,
      Type: p.type,
      Value: p.value,
      Version: p.version,
      LastModifiedDate: p.lastModifiedDate / 1000,
      ARN: `arn:aws:ssm:${context.region}:${this.accountId()}:parameter/${p.name.replace(/^\//, '')}`,
      DataType: 'text',
    };
  }
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function parameterNotFound(): AwsError {
  return new AwsError('ParameterNotFound', '', { messageKey: 'message' });
}
