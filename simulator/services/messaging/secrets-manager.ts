import { SeededRandom } from '../../core/seeded-random';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { requiredString } from '../../protocol/input';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';

export interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly secretString: string;
  readonly createdDate: number;
}

/** Secrets created by fixtures (e.g. the Teams webhook URL). */
export class SecretsManagerModel {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(
    private readonly random: SeededRandom,
    private readonly now: () => number,
    private readonly accountId: () => string,
    private readonly region: string,
  ) {}

  /** Creates or replaces a secret. ARNs end in a dash and six random characters, like AWS's. */
  public putSecret(name: string, secretString: string): StoredSecret {
    const existing = this.secrets.get(name);
    const secret: StoredSecret = {
      arn: existing?.arn ?? `arn:aws:secretsmanager:${this.region}:${this.accountId()}:secret:${name}-${this.random.chars(6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}`,
      name,
      versionId: this.random.uuid(),
      secretString,
      createdDate: this.now(),
    };
    this.secrets.set(name, secret);
    return secret;
  }

  public deleteSecret(name: string): void {
    this.secrets.delete(name);
  }

  /** By name, full ARN, or ARN without the random suffix. */
  public find(secretId: string): StoredSecret | undefined {
    return this.secrets.get(secretId) ?? [...this.secrets.values()].find((s) => s.arn === secretId || s.arn.slice(0, -7) === secretId);
  }
}

/** AWS Secrets Manager, JSON 1.1 (`secretsmanager.*`): GetSecretValue. */
export class SecretsManagerApi implements ServiceHandler {
  public readonly service = 'secretsmanager';

  constructor(private readonly model: SecretsManagerModel) {}

  public handle(operation: string, input: JsonInput, _context: RequestContext): unknown {
    if (operation !== 'GetSecretValue') throw unknownOperation(`secretsmanager.${operation}`);
    const secret = this.model.find(requiredString(input, 'SecretId', (m) => new AwsError('InvalidParameterException', m)));
    if (!secret) throw new AwsError('ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret.');
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      SecretString: secret.secretString,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate / 1000,
    };
  }

  public throttlingError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate exceeded', { throttling: true });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'Service Unavailable', { status })
      : new AwsError('InternalServiceError', 'An error occurred on the server side.', { status });
  }
}
