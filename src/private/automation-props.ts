import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { identifierProblem } from './identifiers';
import { Problems } from './validation';
import type { AssignmentAutomationProps } from '../assignment-automation';

const EVENT_BUS_NAME = /^[A-Za-z0-9._-]{1,200}$/;
const MIN_TIMEOUT_SECONDS = 2 * 60;
const MAX_TIMEOUT_SECONDS = 15 * 60;

/** Synth-time checks of AssignmentAutomation's props; each message names the value, the limit and the fix. */
export function validateProps(scope: Construct, props: AssignmentAutomationProps): void {
  const problems = new Problems(scope)
    .add(identifierProblem('instanceArn', props.instanceArn, 'instance arn'))
    .add(identifierProblem('identityStoreId', props.identityStoreId, 'identity store id'));
  const catalog = props.catalog;
  if (catalog && !Token.isUnresolved(catalog.instanceArn) && !Token.isUnresolved(props.instanceArn) && catalog.instanceArn !== props.instanceArn) {
    problems.add(`catalog '${catalog.node.path}' belongs to instance ${catalog.instanceArn}, but the automation's instanceArn is `
      + `${props.instanceArn}; use the same Identity Center instance for both`);
  }
  const busName = props.eventBusName;
  if (busName !== undefined && !Token.isUnresolved(busName)) {
    if (!EVENT_BUS_NAME.test(busName) || busName === 'default' || /^(aws|ssm)/i.test(busName)) {
      problems.add(`event bus name '${busName}' is not usable; it also names the SSM parameters (/${busName}/config), so use 1 to 200 `
        + "characters of [A-Za-z0-9._-], not 'default' and not starting with 'aws' or 'ssm'");
    }
  }
  const max = props.maxDeletionsPerRun;
  if (max !== undefined && !Token.isUnresolved(max) && (!Number.isInteger(max) || max < 0)) {
    problems.add(`maxDeletionsPerRun is ${max}; it must be a whole number of 0 or more (0 refuses every deletion)`);
  }
  const memory = props.memorySize;
  if (memory !== undefined && !Token.isUnresolved(memory) && (!Number.isInteger(memory) || memory < 128 || memory > 10240)) {
    problems.add(`memorySize is ${memory} MiB; Lambda accepts whole numbers from 128 to 10240`);
  }
  const timeout = props.timeout;
  if (timeout !== undefined && !timeout.isUnresolved()
    && (timeout.toSeconds() < MIN_TIMEOUT_SECONDS || timeout.toSeconds() > MAX_TIMEOUT_SECONDS)) {
    problems.add(`timeout is ${timeout.toHumanString()}; it must be from 2 to 15 minutes (the reconciler stops starting work `
      + '60 seconds before its deadline and continues in a follow-up run)');
  }
  if (props.groupNameSuffix !== undefined && !Token.isUnresolved(props.groupNameSuffix) && props.groupNameSuffix.length === 0) {
    problems.add('groupNameSuffix is empty; omit it to look group names up as written');
  }
  const management = props.organizationManagementAccountId;
  if (management !== undefined) {
    problems.add(identifierProblem('accountId', management, 'organizationManagementAccountId'));
    const account = Stack.of(scope).account;
    if (!Token.isUnresolved(management) && !Token.isUnresolved(account) && management === account) {
      problems.add(`organizationManagementAccountId ${management} is this stack's own account; omit it when deploying in the management account`);
    }
  }
  if (props.assignmentReader) {
    if (management === undefined) {
      problems.add('assignmentReader is for an automation in a delegated administrator account: set organizationManagementAccountId, '
        + 'or omit assignmentReader (in the management account the reconciler reads per principal itself)');
    }
    if (Token.isUnresolved(Stack.of(scope).region) || (busName !== undefined && Token.isUnresolved(busName))) {
      problems.add('assignmentReader needs the stack\'s region and the event bus name as plain strings (they name the roles on both sides): '
        + 'give the stack an explicit env: { account, region }');
    }
  }
  problems.throwIfAny();
}
