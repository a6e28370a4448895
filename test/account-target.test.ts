import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AccountTarget, AssignmentAutomation, PermissionSetRef, Principal } from '../src';

describe('AccountTarget documents', () => {
  test.each([
    ['allAccounts', AccountTarget.allAccounts(), { all: true }, 'all accounts'],
    ['an OU path, nested by default', AccountTarget.organizationalUnit('Root/Workloads/Prod'), { ou: 'Root/Workloads/Prod' }, 'ou Root/Workloads/Prod'],
    ['an OU id without nested OUs', AccountTarget.organizationalUnit('ou-ab12-cd34ef56', { includeNested: false }),
      { ou: 'ou-ab12-cd34ef56', nested: false }, 'ou ou-ab12-cd34ef56 (direct children only)'],
    ['an OU name, explicitly nested', AccountTarget.organizationalUnit('Sandbox', { includeNested: true }), { ou: 'Sandbox' }, 'ou Sandbox'],
    ['the root', AccountTarget.organizationalUnit('r-ab12'), { ou: 'r-ab12' }, 'ou r-ab12'],
    ['an account id', AccountTarget.account('111122223333'), { account: '111122223333' }, 'account 111122223333'],
    ['an account name', AccountTarget.account('Security'), { account: 'Security' }, 'account Security'],
    ['a tag', AccountTarget.accountsWithTag('env', 'prod'), { tag: { key: 'env', value: 'prod' } }, 'accounts tagged env=prod'],
    ['a tag with an empty value', AccountTarget.accountsWithTag('shared', ''), { tag: { key: 'shared', value: '' } }, 'accounts tagged shared='],
  ])('%s', (_name, target, document, text) => {
    expect(target._toDocument()).toEqual(document);
    expect(target.toString()).toBe(text);
  });

  test('excluding returns a new target with the exclusions, in order, and leaves the original alone', () => {
    const all = AccountTarget.allAccounts();
    const target = all.excluding(AccountTarget.account('Sandbox'), AccountTarget.organizationalUnit('Suspended', { includeNested: false }));
    expect(target._toDocument()).toEqual({ all: true, exclude: [{ account: 'Sandbox' }, { ou: 'Suspended', nested: false }] });
    expect(target.excluding(AccountTarget.accountsWithTag('env', 'dev'))._toDocument()).toEqual({
      all: true, exclude: [{ account: 'Sandbox' }, { ou: 'Suspended', nested: false }, { tag: { key: 'env', value: 'dev' } }],
    });
    expect(all._toDocument()).toEqual({ all: true });
    expect(target.toString()).toBe('all accounts excluding account Sandbox, ou Suspended (direct children only)');
  });
});

describe('AccountTarget validation', () => {
  test('only the exact id pattern is an OU or root id: OU names are free text, even when they start like an id', () => {
    // API_OrganizationalUnit.html: Name is 1-128 characters of any kind; Id is ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$.
    for (const name of ['OU-Payments', 'ou-123', 'r-x', 'ou-Payments/Prod']) {
      expect(AccountTarget.organizationalUnit(name)._toDocument()).toEqual({ ou: name });
    }
  });

  test('a reference that looks like a mistyped id is accepted as a name, with a warning on the automation', () => {
    const stack = new Stack(undefined, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    new AssignmentAutomation(stack, 'A', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
      identityStoreId: 'd-1234567890',
      assignments: [{ principal: Principal.group('G'), permissionSet: PermissionSetRef.fromName('P'), target: AccountTarget.organizationalUnit('ou-123') }],
    });
    Annotations.fromStack(stack).hasWarning('/S/A', Match.stringLikeRegexp("'ou-123' is not an organizational unit id .* looked up as an OU name"));
    Annotations.fromStack(stack).hasNoWarning('/S/A', Match.stringLikeRegexp('OU-Payments'));
  });

  test('an empty OU reference', () => {
    expect(() => AccountTarget.organizationalUnit('')).toThrow('organizational unit reference is empty; give a path');
  });

  test('an OU path with an empty segment', () => {
    expect(() => AccountTarget.organizationalUnit('Root//Prod')).toThrow("organizational unit path 'Root//Prod' is malformed: it has an empty segment; "
      + 'write OU names (1 to 128 characters) separated by single slashes');
  });

  test('an OU path with a trailing slash', () => {
    expect(() => AccountTarget.organizationalUnit('Root/Workloads/')).toThrow(/'Root\/Workloads\/' is malformed: it has an empty segment/);
  });

  test('an OU path with a name longer than Organizations allows', () => {
    expect(() => AccountTarget.organizationalUnit(`Root/${'n'.repeat(129)}`)).toThrow(/it has segment 'n+' of 129 characters/);
  });

  test('a malformed account id', () => {
    expect(() => AccountTarget.account('12345')).toThrow("account id '12345' is malformed; expected the form of 12 digits, such as 111111111111");
  });

  test('an account name longer than 50 characters', () => {
    expect(() => AccountTarget.account('a'.repeat(51))).toThrow(/account name 'a+' is 51 characters; account names are 1 to 50 characters/);
  });

  test('an empty tag key', () => {
    expect(() => AccountTarget.accountsWithTag('', 'x')).toThrow("tag key '' is 0 characters; Organizations tag keys are 1 to 128 characters");
  });

  test('a tag value longer than 256 characters', () => {
    expect(() => AccountTarget.accountsWithTag('k', 'v'.repeat(257))).toThrow(/tag value 'v+' of key 'k' is 257 characters; .* at most 256/);
  });

  test('excluding nothing', () => {
    expect(() => AccountTarget.allAccounts().excluding()).toThrow('excluding() on all accounts was given no targets');
  });

  test('excluding a target that excludes', () => {
    const nested = AccountTarget.organizationalUnit('Workloads').excluding(AccountTarget.account('Sandbox'));
    expect(() => AccountTarget.allAccounts().excluding(nested)).toThrow('cannot exclude ou Workloads excluding account Sandbox: an excluded target cannot itself exclude');
  });

  test('excluding every account', () => {
    expect(() => AccountTarget.organizationalUnit('Workloads').excluding(AccountTarget.allAccounts()))
      .toThrow('cannot exclude allAccounts() from ou Workloads: nothing would remain');
  });

  test('tokens are left to run time', () => {
    const ou = new CfnParameter(new Stack(), 'Ou').valueAsString;
    expect(AccountTarget.organizationalUnit(ou)._toDocument()).toEqual({ ou });
    expect(AccountTarget.account(ou)._toDocument()).toEqual({ account: ou });
  });
});
