import { App, Duration, Expiration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AccountTarget, AssignmentAutomation, AssignmentRule, PermissionSetRef, Principal } from '../src';
import { MAX_ONE_TIME_TRIGGERS } from '../src/private/expiry-schedule';
import { parseHead } from '../src/reconciler/config/schema';
import { DEFAULT_BUS_NAME, MESSAGE_GROUP, parameterNames } from '../src/reconciler/contract';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const HEAD = parameterNames(DEFAULT_BUS_NAME).head;

const rule = (group: string, expires?: Expiration): AssignmentRule => ({
  principal: Principal.group(group), permissionSet: PermissionSetRef.fromName('Contractor'), target: AccountTarget.organizationalUnit('Root/Dev'), expires,
});

function synth(assignments: AssignmentRule[]) {
  const stack = new Stack(new App(), 'Home', { env: { account: '111111111111', region: 'eu-west-1' } });
  new AssignmentAutomation(stack, 'Assignments', { instanceArn: INSTANCE_ARN, identityStoreId: 'd-1234567890', assignments });
  const template = Template.fromStack(stack);
  return { stack, template };
}

function headOf(template: Template) {
  const [head] = Object.values(template.findResources('AWS::SSM::Parameter', { Properties: { Name: HEAD } }));
  const parsed = parseHead(head.Properties.Value as string);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.value;
}

/** The schedule expressions of the one-time expiry rules, and the rules themselves. */
function expiryRules(template: Template) {
  return Object.entries(template.findResources('AWS::Events::Rule'))
    .filter(([, r]) => String(r.Properties.ScheduleExpression ?? '').startsWith('cron('));
}

describe('expiring assignment rules (AssignmentRule.expires)', () => {
  test('the config document carries the instant in epoch seconds; a rule without one has no such key', () => {
    const { template } = synth([rule('Contractors', Expiration.atDate(new Date('2030-06-15T10:20:30Z'))), rule('Developers')]);
    const head = headOf(template);
    expect(head.rules.map((r) => r.expires)).toEqual([Date.UTC(2030, 5, 15, 10, 20, 30) / 1000, undefined]);
    expect('expires' in head.rules[1]).toBe(false);
  });

  test('a run is scheduled once, in the minute after the instant, to the queue\'s message group', () => {
    const { template } = synth([rule('Contractors', Expiration.atDate(new Date('2030-06-15T10:20:30Z')))]);
    const rules = expiryRules(template);
    expect(rules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['cron(21 10 15 6 ? 2030)']);
    expect(rules[0][1].Properties.Targets).toEqual([{
      Id: 'Target0', Arn: { 'Fn::GetAtt': [expect.stringMatching(/^AssignmentsQueue[0-9A-F]{8}$/), 'Arn'] }, SqsParameters: { MessageGroupId: MESSAGE_GROUP },
    }]);
    // One statement admits every expiry rule (an SQS policy holds 20 statements), by ARN.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'ExpirySchedules',
          Principal: { Service: 'events.amazonaws.com' },
          Action: Match.arrayWith(['sqs:SendMessage']),
          Condition: { ArnEquals: { 'aws:SourceArn': [{ 'Fn::GetAtt': [rules[0][0], 'Arn'] }] } },
        })]),
      },
    });
  });

  test('an instant on a minute boundary runs in the next minute (a scheduled rule fires anywhere in its minute, the run must come after)', () => {
    const { template } = synth([rule('A', Expiration.atDate(new Date('2030-12-31T23:59:00Z')))]);
    expect(expiryRules(template).map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['cron(0 0 1 1 ? 2031)']);
  });

  test('rules expiring in the same minute share one schedule; other minutes get their own', () => {
    const { template } = synth([
      rule('A', Expiration.atDate(new Date('2030-06-15T10:20:05Z'))),
      rule('B', Expiration.atDate(new Date('2030-06-15T10:20:55Z'))),
      rule('C', Expiration.atDate(new Date('2031-01-02T03:04:05Z'))),
    ]);
    expect(expiryRules(template).map(([, r]) => r.Properties.ScheduleExpression).sort()).toEqual(['cron(21 10 15 6 ? 2030)', 'cron(5 3 2 1 ? 2031)']);
    const statements = Object.values(template.findResources('AWS::SQS::QueuePolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s: { Sid?: string }) => s.Sid === 'ExpirySchedules')).toHaveLength(1);
  });

  test(`more than ${MAX_ONE_TIME_TRIGGERS} instants to come: one 15-minute schedule instead of one-time rules`, () => {
    const rules = Array.from({ length: MAX_ONE_TIME_TRIGGERS + 1 }, (_, i) => rule(`G${i}`, Expiration.atDate(new Date(Date.UTC(2030, 0, 1 + i)))));
    const { template } = synth(rules);
    expect(expiryRules(template)).toHaveLength(0);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: MESSAGE_GROUP } })],
    });
  });

  test('a rule already expired at synth is a warning, and gets no schedule; rules without expiry get none either', () => {
    const { stack, template } = synth([rule('Former', Expiration.atDate(new Date('2020-01-01T00:00:00Z'))), rule('Developers')]);
    Annotations.fromStack(stack).hasWarning('/Home/Assignments',
      Match.stringLikeRegexp('rule 1 \\(group Former -> Contractor @ ou Root/Dev\\) expired at 2020-01-01T00:00:00.000Z, before this synthesis.*\\[ack: cdk-identity-center-permissions:ruleAlreadyExpired\\]'));
    expect(expiryRules(template)).toHaveLength(0);
    expect(Object.values(template.findResources('AWS::Events::Rule')).filter((r) => r.Properties.ScheduleExpression === 'rate(15 minutes)')).toHaveLength(0);
    expect(headOf(template).rules[0].expires).toBe(Date.UTC(2020, 0, 1) / 1000);
  });

  test('a rule expiring in the future is no warning', () => {
    const { stack } = synth([rule('Contractors', Expiration.after(Duration.days(30)))]);
    Annotations.fromStack(stack).hasNoWarning('/Home/Assignments', Match.stringLikeRegexp('expired'));
  });

  test('an instant after 2199, which no schedule can name, fails at synth naming the rule and the fix', () => {
    expect(() => synth([rule('Forever', Expiration.atDate(new Date('2300-01-01T00:00:00Z')))]))
      .toThrow(/rule 1 \(group Forever -> Contractor @ ou Root\/Dev\): expires 2300-01-01T00:00:00.000Z is after 2199.*no expires for a rule that does not end/);
  });

  test('the stored document is validated: expires is whole epoch seconds; documents without it stay valid', () => {
    const { template } = synth([rule('Developers')]);
    const head = headOf(template);
    const withExpiry = (expires: unknown) => JSON.stringify({ ...head, rules: [{ ...head.rules[0], expires }] });
    expect(parseHead(withExpiry(1893456000))).toHaveProperty('value');
    expect(parseHead(withExpiry('2030-01-01'))).toEqual({ error: expect.stringMatching(/^rules\.0\.expires: /) });
    expect(parseHead(withExpiry(1.5))).toHaveProperty('error');
    expect(parseHead(JSON.stringify(head))).toHaveProperty('value');
  });
});
