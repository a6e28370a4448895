// Logs and metrics of the real handler: structured JSON logs that never carry the Teams webhook URL
// (a credential), and EMF metrics for every count the issue names. 12 member accounts and the
// management account: 13 assignments. Both are captured from stdout,
// where the Lambda runtime would ship them to CloudWatch (and stderr).
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
import { Harness } from './harness';
import { ENV, METRICS } from '../../src/reconciler/contract';

describe('observability', () => {
  let h: Harness;
  let output: string[];
  let restore: () => void;
  beforeEach(async () => {
    h = await Harness.start({ organization: { accounts: 12, ouDepth: 2, ousPerLevel: 2, groups: 2, permissionSets: 2, seed: 5 } });
    output = [];
    // Powertools writes INFO to stdout and WARN and above to stderr: both are captured.
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write.bind(stream));
    for (const stream of streams) {
      stream.write = ((chunk: string | Uint8Array) => {
        output.push(chunk.toString());
        return true;
      }) as typeof stream.write;
    }
    restore = () => {
      streams.forEach((stream, i) => {
        stream.write = writes[i];
      });
    };
  });
  afterEach(async () => {
    restore();
    await h.stop();
  });

  const lines = () => output.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);

  test('structured logs say how a run started and ended; the webhook URL never appears, even when posting fails', async () => {
    const url = `${h.sim.webhookUrl('teams')}?sig=secret-signature-123`;
    h.sim.secretsManager.putSecret('teams', url);
    h.sim.webhooks.failNext('teams', 1, 500);
    h.putConfig([{ principal: { group: h.fixture.groups[0].displayName }, permissionSet: h.fixture.permissionSets[0].name, target: { all: true } }]);
    await h.apply({ env: { [ENV.teamsWebhookSecretArn]: h.sim.secretsManager.find('teams')!.arn } });

    const logs = lines().filter((l) => l.level);
    expect(logs.find((l) => l.message === 'reconcile started')).toMatchObject({ level: 'INFO', mode: 'apply', runId: expect.any(String) });
    expect(logs.find((l) => l.message === 'reconcile finished')).toMatchObject({ outcome: 'converged', counts: expect.objectContaining({ created: 13 }) });
    expect(logs.find((l) => l.message === 'notification failed')).toMatchObject({ channel: 'teams', error: 'the Teams webhook answered HTTP 500' });
    expect(output.join('')).not.toContain('secret-signature-123');
    expect(output.join('')).not.toContain('/webhooks/teams');
  });

  test('EMF metrics carry the run counts and API calls by operation', async () => {
    h.putConfig([{ principal: { group: h.fixture.groups[0].displayName }, permissionSet: h.fixture.permissionSets[0].name, target: { all: true } }]);
    await h.apply();
    const emf = lines().filter((l) => l._aws);
    const values = Object.assign({}, ...emf.filter((m) => !m.Operation));
    expect(values).toMatchObject({
      [METRICS.created]: 13,
      AssignmentsDeleted: 0,
      AssignmentsFailed: 0,
      DeletionsRefused: 0,
      ProvisioningDrift: 0,
      PermissionSetsReprovisioned: 0,
      ResolutionErrors: 0,
      ConfigInvalid: 0,
    });
    expect(values.RunDuration).toBeGreaterThan(0);
    expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS.namespace, Dimensions: [[METRICS.serviceDimension]] });
    const apiCalls = emf.filter((m) => m.Operation);
    expect(apiCalls.find((m) => m.Operation === 'sso-admin:CreateAccountAssignment')).toMatchObject({ ApiCalls: 13 });
  });
});
