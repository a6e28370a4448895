import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AccountTarget, AssignmentAutomation, OrgEventBridge, PermissionSetRef, Principal } from '../src';
import { DEFAULT_BUS_NAME } from '../src/reconciler/contract';

const BUS_ARN = `arn:aws:events:eu-west-1:222222222222:event-bus/${DEFAULT_BUS_NAME}`;

function usEast1(): Stack {
  return new Stack(new App(), 'OrgEvents', { env: { account: '111111111111', region: 'us-east-1' } });
}

describe('OrgEventBridge', () => {
  test('one rule per kind of organization event on the default bus, each forwarding to the bus ARN with the role and a dead-letter queue', () => {
    const stack = usEast1();
    const bridge = new OrgEventBridge(stack, 'OrgEvents', { targetEventBusArn: BUS_ARN });
    const template = Template.fromStack(stack);
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(4);
    expect(bridge.rules).toHaveLength(4);
    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toBeUndefined();
      expect(rule.Properties.Targets).toEqual([{
        Arn: BUS_ARN,
        Id: 'Target0',
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^OrgEventsForwarderRole/), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^OrgEventsDeadLetterQueue/), 'Arn'] } },
      }]);
    }
    expect(rules.map((r) => r.Properties.EventPattern.source[0]).sort()).toEqual(['aws.controltower', 'aws.controltower', 'aws.organizations', 'aws.organizations']);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'events.amazonaws.com' } })] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: BUS_ARN }] },
    });
    // EventBridge may send undeliverable events there (the queue policy admits the rules), and an alarm says so.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
    expect(bridge.deadLetterQueueAlarm).toBeDefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('CreateAccountResult is matched as a service event that SUCCEEDED', () => {
    const stack = usEast1();
    new OrgEventBridge(stack, 'OrgEvents', { targetEventBusArn: BUS_ARN });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.organizations'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        'detail': {
          eventSource: ['organizations.amazonaws.com'],
          eventName: ['CreateAccountResult'],
          serviceEventDetails: { createAccountStatus: { state: ['SUCCEEDED'] } },
        },
      },
    });
  });

  test('forwardIdentityStoreEvents adds the Identity Store rule', () => {
    const stack = usEast1();
    new OrgEventBridge(stack, 'OrgEvents', { targetEventBusArn: BUS_ARN, forwardIdentityStoreEvents: true });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 5);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { eventSource: ['identitystore.amazonaws.com', 'identitystore-scim.amazonaws.com', 'sso-directory.amazonaws.com'] } },
    });
  });

  test('takes the automation\'s eventBusArn across regions and accounts without a cross-stack reference', () => {
    const app = new App();
    const home = new Stack(app, 'Home', { env: { account: '222222222222', region: 'eu-west-1' } });
    const automation = new AssignmentAutomation(home, 'Assignments', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
      identityStoreId: 'd-1234567890',
      organizationManagementAccountId: '111111111111',
      assignments: [{ principal: Principal.group('Admins'), permissionSet: PermissionSetRef.fromName('AdministratorAccess'), target: AccountTarget.allAccounts() }],
    });
    const org = new Stack(app, 'OrgEvents', { env: { account: '111111111111', region: 'us-east-1' } });
    new OrgEventBridge(org, 'OrgEvents', { targetEventBusArn: automation.eventBusArn });
    const assembly = app.synth();
    expect(assembly.getStackByName('OrgEvents').dependencies.map((d) => d.id)).toEqual(['OrgEvents.assets']);
    Template.fromStack(org).hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: BUS_ARN })] });
  });

  test('a token ARN is refused, with the fix', () => {
    const stack = usEast1();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    expect(() => new OrgEventBridge(stack, 'OrgEvents', { targetEventBusArn: arn }))
      .toThrow("targetEventBusArn is a token, which another region cannot resolve; give the AssignmentAutomation's stack an explicit env");
  });

  test('a malformed ARN is refused', () => {
    expect(() => new OrgEventBridge(usEast1(), 'OrgEvents', { targetEventBusArn: 'arn:aws:sqs:eu-west-1:222222222222:queue' }))
      .toThrow("targetEventBusArn 'arn:aws:sqs:eu-west-1:222222222222:queue' is malformed; expected arn:aws:events:<region>:<account id>:event-bus/<name>");
  });

  test('outside us-east-1 a warning says that Organizations events never arrive there', () => {
    const stack = new Stack(new App(), 'Home', { env: { account: '111111111111', region: 'eu-west-1' } });
    new OrgEventBridge(stack, 'OrgEvents', { targetEventBusArn: BUS_ARN });
    Annotations.fromStack(stack).hasWarning('/Home/OrgEvents', Match.stringLikeRegexp('Organizations records its events only in us-east-1'));
  });

  test('outside us-east-1 for the Identity Store events of the home region, no warning', () => {
    const stack = new Stack(new App(), 'Home', { env: { account: '111111111111', region: 'eu-west-1' } });
    new OrgEventBridge(stack, 'OrgEvents', { targetEventBusArn: BUS_ARN, forwardIdentityStoreEvents: true });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});
