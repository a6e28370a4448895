import { configWith } from './documents';
import { describeRule } from '../../src/reconciler/config/describe';
import {
  ADVANCED_PARAMETER_MAX_BYTES, HeadDocument, RuleDocument, assembleDocument, layoutDocument, partDocument,
} from '../../src/reconciler/config/document';
import { parseHead, parsePart } from '../../src/reconciler/config/schema';
import { parameterNames } from '../../src/reconciler/contract';

const rule = (i: number): RuleDocument => ({ principal: { group: `Group-${i}` }, permissionSet: `Set${i % 7}`, target: { ou: `Root/Workloads/Team-${i}` } });
const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const reserve = (parts: number) => 60 + parts * 60;

describe('config document layout', () => {
  test('a small document fits in the head alone', () => {
    const layout = layoutDocument(configWith([rule(1), rule(2)]), 4096, size, reserve);
    expect(layout.parts).toEqual([]);
    expect(layout.head.rules).toHaveLength(2);
  });

  test('2,000 rules split into parts that each fit, in order, and reassemble exactly', () => {
    const rules = Array.from({ length: 2000 }, (_, i) => rule(i));
    const doc = configWith(rules);
    const layout = layoutDocument(doc, ADVANCED_PARAMETER_MAX_BYTES, size, reserve);
    expect(layout.parts.length).toBeGreaterThan(10);

    const partNames = layout.parts.map((_, i) => parameterNames('bus').part(i + 1));
    const head: HeadDocument = { ...layout.head, revision: 'abc123', parts: partNames };
    expect(size(head)).toBeLessThanOrEqual(ADVANCED_PARAMETER_MAX_BYTES);
    const parts = layout.parts.map((p) => partDocument('abc123', p));
    for (const part of parts) expect(size(part)).toBeLessThanOrEqual(ADVANCED_PARAMETER_MAX_BYTES);

    const parsedHead = parseHead(JSON.stringify(head));
    expect(parsedHead).toHaveProperty('value');
    const parsedParts = parts.map((p) => parsePart(JSON.stringify(p)));
    const assembled = assembleDocument((parsedHead as { value: HeadDocument }).value, parsedParts.map((p) => (p as { value: any }).value));
    expect(assembled).toEqual({ document: doc });
  });

  test('hundreds of permission sets spill from the head into parts and come back in order', () => {
    const permissionSets = Array.from({ length: 400 }, (_, i) => ({ name: `Set-${i}`, arn: `arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-${String(i).padStart(16, '0')}` }));
    const doc = { ...configWith([rule(1), rule(2)]), permissionSets };
    const layout = layoutDocument(doc, ADVANCED_PARAMETER_MAX_BYTES, size, reserve);
    expect(layout.parts.length).toBeGreaterThan(2);
    expect(layout.parts[0].permissionSets.length).toBeGreaterThan(0);
    const head: HeadDocument = { ...layout.head, revision: 'r', parts: layout.parts.map((_, i) => `/p/${i}`) };
    const parts = layout.parts.map((p) => partDocument('r', p));
    for (const value of [head, ...parts]) expect(size(value)).toBeLessThanOrEqual(ADVANCED_PARAMETER_MAX_BYTES);
    for (const part of parts) expect(parsePart(JSON.stringify(part))).toHaveProperty('value');
    expect(assembleDocument(head, parts)).toEqual({ document: doc });
  });

  test('a part from another revision makes the document inconsistent', () => {
    const head: HeadDocument = { ...configWith([rule(1)]), revision: 'new', parts: [parameterNames('bus').part(1)] };
    expect(assembleDocument(head, [{ revision: 'old', rules: [rule(2)] }]))
      .toEqual({ inconsistent: `part ${parameterNames('bus').part(1)} is at revision old, the head at new (a deployment is probably in progress)` });
    expect(assembleDocument(head, [])).toEqual({ inconsistent: 'the head lists 1 part(s) but 0 were read' });
  });

  test('a rule larger than a parameter is rejected with the rule in the message', () => {
    const huge: RuleDocument = { principal: { group: 'x'.repeat(5000) }, permissionSet: 'Admin', target: { all: true } };
    expect(() => layoutDocument(configWith([rule(1), huge]), 4096, size, reserve)).toThrow(/assignment rule .* alone is larger than a parameter holds \(4096 bytes\)/);
  });

  test('rules are described for reports', () => {
    expect(describeRule({ principal: { group: 'Admins' }, permissionSet: 'Admin', target: { all: true, exclude: [{ ou: 'Sandbox', nested: false }, { tag: { key: 'env', value: 'dev' } }] } }, 0))
      .toBe('rule 1 (group Admins -> Admin @ all accounts excluding ou Sandbox (direct children only), accounts tagged env=dev)');
  });
});

describe('config schema', () => {
  const head = (overrides: Record<string, unknown> = {}) => JSON.stringify({ ...configWith([rule(1)]), revision: 'r', parts: [], ...overrides });

  test('accepts a valid head', () => {
    expect(parseHead(head())).toHaveProperty('value');
  });

  test('rejects malformed JSON', () => {
    expect(parseHead('{"version": 1,')).toEqual({ error: expect.stringMatching(/^not JSON: /) });
  });

  test('rejects a newer version with a message saying what to do', () => {
    expect(parseHead(head({ version: 3 }))).toEqual({ error: 'config version 3 is not supported by this reconciler (it reads versions 1 and 2); deploy the matching library version' });
  });

  test('reads version 1 (a stack not yet updated) as version 2, without its guard settings', () => {
    const v1 = head({ version: 1, options: { dryRun: true, maxDeletionsPerRun: 100000, groupNameSuffix: '@corp' } });
    expect(parseHead(v1)).toEqual({ value: expect.objectContaining({ version: 2, options: { groupNameSuffix: '@corp' } }) });
  });

  test('a hand edit cannot add guard settings: version 2 has none', () => {
    expect(parseHead(head({ options: { maxDeletionsPerRun: 100000 } }))).toEqual({ error: expect.stringMatching(/^options: Unrecognized key/) });
  });

  test('rejects a rule with two targets, naming the path', () => {
    const bad = { ...configWith([]), revision: 'r', parts: [], rules: [{ principal: { group: 'A' }, permissionSet: 'P', target: { all: true, account: '111111111111' } }] };
    expect(parseHead(JSON.stringify(bad))).toEqual({ error: expect.stringMatching(/^rules\.0\.target: /) });
  });

  test('rejects unknown fields, wrong types and bad ids', () => {
    expect(parseHead(head({ surprise: true }))).toEqual({ error: expect.stringMatching(/Unrecognized key/) });
    expect(parseHead(head({ version: 1, options: { dryRun: 'no', maxDeletionsPerRun: 1 } }))).toEqual({ error: expect.stringMatching(/^options\.dryRun: /) });
    expect(parseHead(head({ version: 1, options: { dryRun: false, maxDeletionsPerRun: -1 } }))).toEqual({ error: expect.stringMatching(/^options\.maxDeletionsPerRun: /) });
    expect(parseHead(head({ options: { managementAccountId: '123' } })))
      .toEqual({ error: expect.stringMatching(/options\.managementAccountId: expected a 12-digit account id/) });
    expect(parseHead(head({ instanceArn: 'nope' }))).toEqual({ error: expect.stringMatching(/instanceArn: expected an Identity Center instance ARN/) });
    expect(parseHead(head({ permissionSets: [{ name: 'A', arn: 'arn:aws:iam::aws:policy/X' }] }))).toEqual({ error: expect.stringMatching(/permissionSets\.0\.arn: expected a permission set ARN/) });
  });
});
