import { main } from '../../src/cli/main';
import { parseArguments } from '../../src/cli/plan-cli';
import { DEFAULT_BUS_NAME, parameterNames } from '../../src/reconciler/contract';

describe('plan command arguments', () => {
  test('defaults: the default parameter and the state next to it', () => {
    expect(parseArguments(['plan'])).toEqual({
      parameter: parameterNames(DEFAULT_BUS_NAME).head,
      statePrefix: parameterNames(DEFAULT_BUS_NAME).statePrefix,
      cdkOut: undefined,
      region: undefined,
      profile: undefined,
      json: false,
      maxRps: 10,
      stateTable: undefined,
      stateTableParameter: parameterNames(DEFAULT_BUS_NAME).stateTable,
      maxDeletionsPerRun: 100,
    });
  });

  test('every option', () => {
    expect(parseArguments(['plan', '--parameter', '/lz/config', '--region', 'eu-west-1', '--profile', 'mgmt', '--json', '--cdk-out', 'cdk.out', '--max-rps', '5',
      '--state-table', 'lz-state', '--max-deletions-per-run', '3']))
      .toMatchObject({
        parameter: '/lz/config',
        statePrefix: '/lz/state',
        region: 'eu-west-1',
        profile: 'mgmt',
        json: true,
        cdkOut: 'cdk.out',
        maxRps: 5,
        stateTable: 'lz-state',
        maxDeletionsPerRun: 3,
      });
  });

  test('mistakes are named', () => {
    expect(parseArguments([])).toEqual({ error: 'missing command' });
    expect(parseArguments(['apply'])).toEqual({ error: "unknown command 'apply'" });
    expect(parseArguments(['plan', '--force'])).toEqual({ error: "unknown option '--force'" });
    expect(parseArguments(['plan', '--region'])).toEqual({ error: '--region needs a value' });
    expect(parseArguments(['plan', '--max-rps', '0'])).toEqual({ error: "--max-rps must be a positive number, got '0'" });
    expect(parseArguments(['plan', '--parameter', '/lz/rules'])).toEqual({
      error: '--parameter /lz/rules does not end in /config, so the state cannot be found beside it; pass --state-prefix',
    });
    expect(parseArguments(['plan', '--parameter', '/lz/rules', '--state-prefix', '/lz/memory'])).toMatchObject({ statePrefix: '/lz/memory' });
  });

  test('usage errors exit 2 with the usage text', async () => {
    const out: string[] = [];
    expect(await main(['plan', '--force'], (t) => out.push(t))).toBe(2);
    expect(out[0]).toMatch(/unknown option '--force'[\s\S]*usage: cdk-identity-center-permissions plan/);
  });
});
