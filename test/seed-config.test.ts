import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AssignmentAutomation, PermissionSetCatalog, SeedConfig } from '../src';
import { parseHead } from '../src/reconciler/config/schema';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

/** A configuration in the seed's shape, with each way of naming principals and permission sets. */
const SEED = {
  AdDomain: 'corp.example.com',
  GlobalAssignments: [
    { GroupName: 'AWS-Auditors', PermissionSetName: 'ReadOnly' },
    { PrincipalName: 'AWS-Billing', PermissionSetName: 'Billing' },
  ],
  OuAssignments: {
    'Root/Workloads/Prod': [{ GroupName: 'Prod-Operators', PermissionSetNames: ['ReadOnly', 'Operator'] }],
    'ou-ab12-cd34ef56': [{ PrincipalName: 'oncall@example.com', PrincipalType: 'user', PermissionSetName: 'Operator' }],
  },
  AccountAssignments: {
    Security: [{ UserName: 'jane@example.com', PermissionSetName: 'SecurityAudit' }],
    111122223333: [{ GroupName: 'AWS-Auditors', PermissionSetName: 'ReadOnly' }],
  },
};

function catalog(): PermissionSetCatalog {
  return new PermissionSetCatalog(new Stack(), 'Catalog', { instanceArn: INSTANCE_ARN, permissionSets: [{ name: 'ReadOnly' }, { name: 'Operator' }] });
}

describe('SeedConfig mapping', () => {
  test('each section maps onto typed rules, in the order of the seed', () => {
    const seed = SeedConfig.fromJson(SEED);
    expect(seed.groupNameSuffix).toBe('@corp.example.com');
    expect(seed.assignments.map((r) => [r.principal._toDocument(), r.permissionSet.permissionSetName, r.target._toDocument()])).toEqual([
      [{ group: 'AWS-Auditors' }, 'ReadOnly', { all: true }],
      [{ group: 'AWS-Billing' }, 'Billing', { all: true }],
      [{ group: 'Prod-Operators' }, 'ReadOnly', { ou: 'Root/Workloads/Prod' }],
      [{ group: 'Prod-Operators' }, 'Operator', { ou: 'Root/Workloads/Prod' }],
      [{ user: 'oncall@example.com' }, 'Operator', { ou: 'ou-ab12-cd34ef56' }],
      [{ user: 'jane@example.com' }, 'SecurityAudit', { account: 'Security' }],
      [{ group: 'AWS-Auditors' }, 'ReadOnly', { account: '111122223333' }],
    ]);
  });

  test('permission sets in the catalog are the catalog\'s, others are named', () => {
    const c = catalog();
    const seed = SeedConfig.fromJson(SEED, { catalog: c });
    const readOnly = seed.assignments.find((r) => r.permissionSet.permissionSetName === 'ReadOnly')!;
    expect(readOnly.permissionSet).toBe(c.permissionSet('ReadOnly'));
    const billing = seed.assignments.find((r) => r.permissionSet.permissionSetName === 'Billing')!;
    expect(billing.permissionSet).toEqual({ permissionSetName: 'Billing' });
  });

  test('an AdDomain given with its @ is not doubled; no AdDomain means no suffix', () => {
    expect(SeedConfig.fromJson({ AdDomain: '@corp.example.com' }).groupNameSuffix).toBe('@corp.example.com');
    expect(SeedConfig.fromJson({ GlobalAssignments: [] }).groupNameSuffix).toBeUndefined();
  });

  test('repeated entries become one rule', () => {
    const seed = SeedConfig.fromJson({ GlobalAssignments: [{ GroupName: 'A', PermissionSetName: 'P' }, { PrincipalName: 'A', PermissionSetName: 'P' }] });
    expect(seed.assignments).toHaveLength(1);
  });

  test('the rules feed an automation whose config the reconciler accepts', () => {
    const stack = new Stack(new App(), 'Home', { env: { account: '111111111111', region: 'eu-west-1' } });
    const c = new PermissionSetCatalog(stack, 'Catalog', { instanceArn: INSTANCE_ARN, permissionSets: [{ name: 'ReadOnly' }, { name: 'Operator' }] });
    const seed = SeedConfig.fromJson(SEED, { catalog: c });
    new AssignmentAutomation(stack, 'Assignments', {
      instanceArn: INSTANCE_ARN,
      identityStoreId: 'd-1234567890',
      catalog: c,
      assignments: seed.assignments,
      groupNameSuffix: seed.groupNameSuffix,
    });
    const [parameter] = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter'))
      .filter((p) => JSON.stringify(p.Properties.Name).includes('/config'));
    const value = (parameter.Properties.Value['Fn::Join'][1] as unknown[])
      .map((p, i) => (typeof p === 'string' ? p : `arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-${String(i).padStart(16, '0')}`)).join('');
    const head = parseHead(value);
    if ('error' in head) throw new Error(head.error);
    expect(head.value.options.groupNameSuffix).toBe('@corp.example.com');
    expect(head.value.rules).toHaveLength(7);
    expect(head.value.permissionSets.map((p) => [p.name, p.arn !== undefined])).toEqual([
      ['Billing', false], ['Operator', true], ['ReadOnly', true], ['SecurityAudit', false],
    ]);
  });
});

describe('SeedConfig validation', () => {
  test('an unknown section', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignment: [] }))
      .toThrow("the seed configuration has an unknown section 'GlobalAssignment'; the sections are GlobalAssignments, OuAssignments, AccountAssignments, AdDomain");
  });

  test('not an object', () => {
    expect(() => SeedConfig.fromJson([] as any)).toThrow('the seed configuration must be a JSON object');
  });

  test('GlobalAssignments that is not a list', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignments: {} })).toThrow('GlobalAssignments must be a list of entries');
  });

  test('OuAssignments that is not an object', () => {
    expect(() => SeedConfig.fromJson({ OuAssignments: [] })).toThrow('OuAssignments must be an object whose keys are OU paths, ids or names');
  });

  test('an OU key whose entries are not a list', () => {
    expect(() => SeedConfig.fromJson({ OuAssignments: { Sandbox: {} } })).toThrow("OuAssignments['Sandbox'] must be a list of entries");
  });

  test('an entry that is not an object', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignments: ['Admins'] })).toThrow('GlobalAssignments[0] must be an object such as');
  });

  test('an unknown entry key', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ Group: 'A', PermissionSetName: 'P' }] }))
      .toThrow("GlobalAssignments[0] has an unknown key 'Group'; entries use GroupName, UserName, PrincipalName, PrincipalType, PermissionSetName, PermissionSetNames");
  });

  test('no principal, or two', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ PermissionSetName: 'P' }] }))
      .toThrow('GlobalAssignments[0] must name exactly one principal with GroupName, UserName or PrincipalName (it has none)');
    expect(() => SeedConfig.fromJson({ AccountAssignments: { Security: [{ GroupName: 'A', UserName: 'b', PermissionSetName: 'P' }] } }))
      .toThrow("AccountAssignments['Security'][0] must name exactly one principal with GroupName, UserName or PrincipalName (it has GroupName and UserName)");
  });

  test('a PrincipalType that is neither GROUP nor USER, or that goes with GroupName', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ PrincipalName: 'A', PrincipalType: 'ROLE', PermissionSetName: 'P' }] }))
      .toThrow("GlobalAssignments[0]: PrincipalType is 'ROLE'; use GROUP or USER");
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ GroupName: 'A', PrincipalType: 'USER', PermissionSetName: 'P' }] }))
      .toThrow('GlobalAssignments[0]: PrincipalType goes with PrincipalName only; GroupName already says what the principal is');
  });

  test('no permission set, or both forms', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ GroupName: 'A' }] }))
      .toThrow('GlobalAssignments[0] must name its permission set with exactly one of PermissionSetName or PermissionSetNames');
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ GroupName: 'A', PermissionSetName: 'P', PermissionSetNames: ['Q'] }] }))
      .toThrow('exactly one of PermissionSetName or PermissionSetNames');
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ GroupName: 'A', PermissionSetNames: [] }] }))
      .toThrow('GlobalAssignments[0]: PermissionSetNames must be a non-empty list of permission set names');
  });

  test('a value that is not a non-empty string', () => {
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ GroupName: '', PermissionSetName: 'P' }] }))
      .toThrow('GlobalAssignments[0]: GroupName must be a non-empty string, got ""');
    expect(() => SeedConfig.fromJson({ GlobalAssignments: [{ GroupName: 'A', PermissionSetNames: ['P', 3] }] }))
      .toThrow('GlobalAssignments[0]: PermissionSetNames[1] must be a non-empty string, got 3');
  });

  test('a malformed account key names its place in the seed; an OU key that is not an exact id is an OU name', () => {
    // OU names are free text (API_OrganizationalUnit.html), so only the exact id pattern is an id.
    expect(() => SeedConfig.fromJson({ OuAssignments: { 'ou-123': [] } })).not.toThrow();
    expect(() => SeedConfig.fromJson({ AccountAssignments: { 12345: [] } }))
      .toThrow("AccountAssignments['12345']: account id '12345' is malformed");
  });

  test('an AdDomain that is not a domain', () => {
    expect(() => SeedConfig.fromJson({ AdDomain: ' ' })).toThrow('AdDomain must be a domain name such as corp.example.com, got " "');
  });
});
