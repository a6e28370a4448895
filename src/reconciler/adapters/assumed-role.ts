import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { PrincipalReadsUnavailable } from '../core/ports';

/**
 * A role chained from the function's role lasts one hour at most ("role chaining limits your
 * session to a maximum of one hour", IAM user guide, "Methods to assume a role"); a Lambda run lasts
 * 15 minutes, so credentials are renewed well before: on local time, since the simulator's
 * Expiration runs on its own clock.
 */
const SESSION_SECONDS = 3600;
const RENEW_AFTER_MS = 40 * 60_000;

/** What an SDK client's `credentials` provider returns. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/**
 * Credentials of a session of `roleArn`, assumed once and renewed when old. A refusal (the role is
 * missing, or does not trust this one) is a PrincipalReadsUnavailable naming the role.
 */
export function assumedRoleCredentials(sts: STSClient, roleArn: string, sessionName: string): () => Promise<SessionCredentials> {
  let session: { credentials: SessionCredentials; obtainedAt: number } | undefined;
  return async () => {
    if (session && Date.now() - session.obtainedAt < RENEW_AFTER_MS) return session.credentials;
    try {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: SESSION_SECONDS }));
      const c = out.Credentials!;
      const credentials = {
        accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken, expiration: c.Expiration,
      };
      session = { credentials, obtainedAt: Date.now() };
      return credentials;
    } catch (error) {
      throw new PrincipalReadsUnavailable(`the assignment reader role ${roleArn} could not be assumed (${(error as Error).name}: ${(error as Error).message})`);
    }
  };
}
