import { DEFAULT_BUS_NAME, ENV, EVENTS, MESSAGE_GROUP, METRICS, busNameOfParameter, parameterNames } from '../../src/reconciler/contract';

// The contract's values are public: users write event rules on the source and detail types, alarms
// and dashboards on the metric names, and their deployed automations keep parameters of these names.
// Changing one is a breaking change, so this is the one place that spells them out.
describe('the construct-Lambda contract', () => {
  test('published names', () => {
    expect(DEFAULT_BUS_NAME).toBe('identity-center-assignments');
    expect(parameterNames('lz')).toMatchObject({ head: '/lz/config', statePrefix: '/lz/state' });
    expect(parameterNames('lz').part(2)).toBe('/lz/config-part-2');
    expect(MESSAGE_GROUP).toBe('reconcile');
    expect(EVENTS).toEqual({
      source: 'cdk-identity-center-permissions',
      summaryDetailType: 'Assignment Reconcile Summary',
      changeDetailType: 'Account Assignment Change',
    });
    expect(METRICS).toMatchObject({ namespace: 'IdentityCenterAssignments', serviceDimension: 'service', failed: 'AssignmentsFailed', created: 'AssignmentsCreated' });
  });

  test('metric names and environment variable names are distinct', () => {
    const metricNames = Object.entries(METRICS).filter(([k]) => !['namespace', 'serviceDimension', 'operationDimension'].includes(k)).map(([, v]) => v);
    expect(new Set(metricNames).size).toBe(metricNames.length);
    expect(new Set(Object.values(ENV)).size).toBe(Object.values(ENV).length);
  });

  test('the bus name is found from the head parameter, and only from it', () => {
    expect(busNameOfParameter(parameterNames('lz').head)).toBe('lz');
    expect(busNameOfParameter(parameterNames('a/b').head)).toBe('a/b');
    expect(busNameOfParameter(parameterNames('lz').part(1))).toBeUndefined();
    expect(busNameOfParameter('/lz/settings')).toBeUndefined();
  });
});
