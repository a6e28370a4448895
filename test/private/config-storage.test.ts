import { App, Stack } from 'aws-cdk-lib';
import { PermissionSetCatalog } from '../../src';
import { PERMISSION_SET_ARN_BYTES, measureFor, planConfigStorage, renderedSize } from '../../src/private/config-storage';
import { CONFIG_VERSION, ConfigDocument, RuleDocument } from '../../src/reconciler/config/document';
import { parameterNames } from '../../src/reconciler/contract';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

let catalogs = 0;

function documentWith(stack: Stack, ruleCount: number, withCatalog = true): ConfigDocument {
  const catalog = withCatalog
    ? new PermissionSetCatalog(stack, `Catalog${catalogs++}`, { instanceArn: INSTANCE_ARN, permissionSets: [{ name: 'ReadOnly' }] })
    : undefined;
  const rules: RuleDocument[] = Array.from({ length: ruleCount }, (_, i) => ({
    principal: { group: `Team-${i}` }, permissionSet: 'ReadOnly', target: { ou: `Root/Workloads/Team-${i}` },
  }));
  return {
    version: CONFIG_VERSION,
    instanceArn: INSTANCE_ARN,
    identityStoreId: 'd-1234567890',
    options: {},
    permissionSets: catalog ? catalog.permissionSets.map((p) => ({ name: p.permissionSetName, arn: p.permissionSetArn })) : [{ name: 'ReadOnly' }],
    rules,
  };
}

/** The value CloudFormation will store, with every permission set ARN at the longest size counted. */
function storedSize(stack: Stack, value: unknown): number {
  const resolved = stack.resolve(stack.toJsonString(value));
  const text = (v: unknown): string => typeof v === 'string' ? v
    : (v as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'] ? (v as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(text).join('')
      : 'x'.repeat(PERMISSION_SET_ARN_BYTES);
  return Buffer.byteLength(text(resolved));
}

describe('config storage layout', () => {
  test('measure is the exact size of the stored value, tokens counted at the longest permission set ARN', () => {
    const stack = new Stack(new App(), 'S');
    const doc = documentWith(stack, 3);
    const measure = measureFor(stack);
    expect(measure(doc)).toBe(storedSize(stack, doc));
    expect(measure(doc.rules[0])).toBe(Buffer.byteLength(JSON.stringify(doc.rules[0])));
    const unicode = { principal: { group: 'Équipe-Zürich' }, permissionSet: 'ReadOnly', target: { all: true } };
    expect(measure(unicode)).toBe(Buffer.byteLength(JSON.stringify(unicode), 'utf8'));
  });

  test('unknown tokens count as the longest name the schema accepts', () => {
    expect(renderedSize({ 'Fn::Join': ['', ['{"a":"', { Ref: 'Param' }, '"}']] })).toBe(8 + 1024);
    expect(renderedSize({ 'Fn::Join': ['', ['{"a":"', { 'Fn::GetAtt': ['Ps', 'PermissionSetArn'] }, '"}']] })).toBe(8 + PERMISSION_SET_ARN_BYTES);
  });

  test('Standard is used up to the last rule that fits 4,096 bytes, and not one rule later', () => {
    const stack = new Stack(new App(), 'S');
    let last = 0;
    for (let n = 1; n < 200; n++) {
      const storage = planConfigStorage(stack, documentWith(stack, n), 'assignments');
      if (!storage.fitsStandard) break;
      last = n;
      expect(storedSize(stack, storage.head)).toBeLessThanOrEqual(4096);
    }
    expect(last).toBeGreaterThan(10);
    // With one more rule, a single document would no longer fit a Standard parameter.
    const next = planConfigStorage(stack, documentWith(stack, last + 1), 'assignments');
    expect(next.fitsStandard).toBe(false);
    expect(next.parts).toEqual([]);
    expect(storedSize(stack, next.head)).toBeGreaterThan(4096);
    expect(storedSize(stack, next.head)).toBeLessThanOrEqual(8192);
  });

  test('split layouts keep every piece under 8,192 bytes, the same revision everywhere, and the rules in order', () => {
    const stack = new Stack(new App(), 'S');
    const doc = documentWith(stack, 900);
    const storage = planConfigStorage(stack, doc, 'assignments');
    expect(storage.parts.length).toBeGreaterThan(3);
    expect(storage.head.parts).toEqual(storage.parts.map((_, i) => parameterNames('assignments').part(i + 1)));
    for (const piece of [storage.head, ...storage.parts]) {
      expect(storedSize(stack, piece)).toBeLessThanOrEqual(8192);
      expect(piece.revision).toBe(storage.revision);
    }
    expect([...storage.head.rules, ...storage.parts.flatMap((p) => p.rules)]).toEqual(doc.rules);
  });

  test('the revision depends on the document only', () => {
    const stack = new Stack(new App(), 'S');
    const a = planConfigStorage(stack, documentWith(stack, 5, false), 'assignments');
    const b = planConfigStorage(stack, documentWith(stack, 5, false), 'other-bus');
    const c = planConfigStorage(stack, documentWith(stack, 6, false), 'assignments');
    expect(a.revision).toBe(b.revision);
    expect(a.revision).not.toBe(c.revision);
  });
});
