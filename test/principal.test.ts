import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Principal } from '../src';

describe('Principal', () => {
  test.each([
    ['group', Principal.group('AWS-Platform-Admins'), { group: 'AWS-Platform-Admins' }, 'group AWS-Platform-Admins'],
    ['user', Principal.user('jane@example.com'), { user: 'jane@example.com' }, 'user jane@example.com'],
    ['groupId', Principal.groupId('9a672b3b-1234-4c5d-8e9f-0123456789ab'), { groupId: '9a672b3b-1234-4c5d-8e9f-0123456789ab' },
      'group id 9a672b3b-1234-4c5d-8e9f-0123456789ab'],
    ['userId', Principal.userId('1234567890-9a672b3b-1234-4c5d-8e9f-0123456789ab'), { userId: '1234567890-9a672b3b-1234-4c5d-8e9f-0123456789ab' },
      'user id 1234567890-9a672b3b-1234-4c5d-8e9f-0123456789ab'],
  ])('%s renders one key of the config document', (_kind, principal, document, text) => {
    expect(principal._toDocument()).toEqual(document);
    expect(principal.toString()).toBe(text);
  });

  test('an empty group name is refused', () => {
    expect(() => Principal.group('')).toThrow("group display name '' is 0 characters; the identity store accepts 1 to 1024 characters");
  });

  test('a group name longer than the identity store allows is refused', () => {
    expect(() => Principal.group('g'.repeat(1025))).toThrow(/is 1025 characters; the identity store accepts 1 to 1024 characters/);
  });

  test('a name with surrounding spaces is refused, as the lookup would never find it', () => {
    expect(() => Principal.group(' Admins')).toThrow("group display name ' Admins' is 7 characters with leading or trailing spaces");
  });

  test('a user name longer than 128 characters is refused', () => {
    expect(() => Principal.user(`${'u'.repeat(120)}@example.com`)).toThrow(/user name '.*' is 132 characters; the identity store accepts 1 to 128/);
  });

  test('a malformed group id is refused', () => {
    expect(() => Principal.groupId('Admins')).toThrow("group id 'Admins' is malformed; expected the form 9a672b3b-1234-4c5d-8e9f-0123456789ab");
  });

  test('a malformed user id is refused', () => {
    expect(() => Principal.userId('9a672b3b')).toThrow("user id '9a672b3b' is malformed");
  });

  test('tokens are left to run time', () => {
    const name = new CfnParameter(new Stack(), 'GroupName').valueAsString;
    expect(Principal.group(name)._toDocument()).toEqual({ group: name });
    expect(() => Principal.groupId(name)).not.toThrow();
  });
});
