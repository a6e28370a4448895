import { OrganizationAccount, OrganizationalUnitRecord, OrganizationsModel } from './organizations-model';
import { PageLimits, Paginator, PaginationErrors } from '../../core/paginator';
import { SortedKeyIndex } from '../../core/sorted-key-index';
import { TokenBucket } from '../../core/token-bucket';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { oneOf, optionalInteger, optionalString, requiredString } from '../../protocol/input';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';

/** "MaxResults ... Valid Range: Minimum value of 1. Maximum value of 20." on every Organizations list operation. */
export const ORGANIZATIONS_PAGE: PageLimits = { max: 20, defaultSize: 20 };

// Patterns from the Organizations API reference (ParentId, ChildId, AccountId, OrganizationalUnitId).
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const CHILD_ID = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

/**
 * AWS Organizations, JSON 1.1 (`AWSOrganizationsV20161128.*`), read operations.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_Operations.html
 */
export class OrganizationsApi implements ServiceHandler {
  public readonly service = 'organizations';
  private readonly errors: PaginationErrors = {
    invalidNextToken: () => invalidInput('INVALID_NEXT_TOKEN', 'You specified an invalid value for nextToken.'),
    invalidMaxResults: (value) => invalidInput(value < 1 ? 'MIN_VALUE_EXCEEDED' : 'MAX_VALUE_EXCEEDED', 'You provided a value that is outside the allowed range.'),
  };

  constructor(private readonly model: OrganizationsModel, private readonly paginator: Paginator, public readonly rateLimit: TokenBucket) {}

  public handle(operation: string, input: JsonInput, _context: RequestContext): unknown {
    switch (operation) {
      case 'DescribeOrganization': return { Organization: this.organization() };
      case 'ListRoots': return this.listRoots(input);
      case 'ListOrganizationalUnitsForParent': return this.listOrganizationalUnitsForParent(input);
      case 'ListAccountsForParent': return this.listAccountsForParent(input);
      case 'ListAccounts': return this.listAccounts(input);
      case 'ListChildren': return this.listChildren(input);
      case 'ListParents': return this.listParents(input);
      case 'ListTagsForResource': return this.listTagsForResource(input);
      case 'DescribeAccount': return { Account: this.accountShape(this.findAccount(requiredString(input, 'AccountId', invalidPattern, ACCOUNT_ID))) };
      case 'DescribeOrganizationalUnit': return this.describeOrganizationalUnit(input);
      default: throw unknownOperation(`AWSOrganizationsV20161128.${operation}`);
    }
  }

  public throttlingError(): AwsError {
    // Observed text: awslabs/aws-deployment-framework#788.
    return new AwsError('TooManyRequestsException', 'You have sent too many requests in too short a period of time. Try again later.', {
      throttling: true,
      fields: { Type: 'TooManyRequestsException' },
    });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'The service is unavailable. Try again later.', { status })
      : new AwsError('ServiceException', 'AWS Organizations can\'t complete your request because of an internal service error. Try again later.', { status });
  }

  private organization(): Record<string, unknown> {
    const m = this.model;
    return {
      Id: m.organizationId,
      Arn: m.organizationArn,
      FeatureSet: 'ALL',
      MasterAccountArn: m.managementAccount.arn,
      MasterAccountId: m.managementAccountId,
      MasterAccountEmail: m.managementAccount.email,
      AvailablePolicyTypes: [],
    };
  }

  private listRoots(input: JsonInput): unknown {
    const roots = new SortedKeyIndex<string>();
    roots.set(this.model.rootId, this.model.rootId);
    const page = this.page(roots, 'ListRoots', '', input, () => ({ Id: this.model.rootId, Arn: this.model.rootArn, Name: 'Root', PolicyTypes: [] }));
    return { Roots: page.items, NextToken: page.nextToken };
  }

  private listOrganizationalUnitsForParent(input: JsonInput): unknown {
    const parentId = requiredString(input, 'ParentId', invalidPattern, PARENT_ID);
    const children = this.childrenOf(parentId);
    const page = this.page(children.organizationalUnits, 'ListOrganizationalUnitsForParent', parentId, input, (ou) => this.ouShape(ou));
    return { OrganizationalUnits: page.items, NextToken: page.nextToken };
  }

  private listAccountsForParent(input: JsonInput): unknown {
    const parentId = requiredString(input, 'ParentId', invalidPattern, PARENT_ID);
    const children = this.childrenOf(parentId);
    const page = this.page(children.accounts, 'ListAccountsForParent', parentId, input, (a) => this.accountShape(a));
    return { Accounts: page.items, NextToken: page.nextToken };
  }

  private listAccounts(input: JsonInput): unknown {
    const page = this.page(this.model.accountIndex, 'ListAccounts', '', input, (a) => this.accountShape(a));
    return { Accounts: page.items, NextToken: page.nextToken };
  }

  private listChildren(input: JsonInput): unknown {
    const parentId = requiredString(input, 'ParentId', invalidPattern, PARENT_ID);
    const childType = oneOf(requiredString(input, 'ChildType', invalidPattern), 'ChildType', ['ACCOUNT', 'ORGANIZATIONAL_UNIT'] as const, (m) => invalidInput('INVALID_ENUM', m));
    const children = this.childrenOf(parentId);
    const page = childType === 'ACCOUNT'
      ? this.page(children.accounts, 'ListChildren', `${parentId}:ACCOUNT`, input, (a) => ({ Id: a.id, Type: 'ACCOUNT' }))
      : this.page(children.organizationalUnits, 'ListChildren', `${parentId}:OU`, input, (ou) => ({ Id: ou.id, Type: 'ORGANIZATIONAL_UNIT' }));
    return { Children: page.items, NextToken: page.nextToken };
  }

  private listParents(input: JsonInput): unknown {
    const childId = requiredString(input, 'ChildId', invalidPattern, CHILD_ID);
    const parentId = ACCOUNT_ID.test(childId) ? this.model.account(childId)?.parentId : this.model.organizationalUnit(childId)?.parentId;
    if (parentId === undefined) {
      throw new AwsError('ChildNotFoundException', 'We can\'t find an organizational unit (OU) or AWS account with the ChildId that you specified.');
    }
    const parents = new SortedKeyIndex<string>();
    parents.set(parentId, parentId);
    const page = this.page(parents, 'ListParents', childId, input, (id) => ({ Id: id, Type: ROOT_ID.test(id) ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }));
    return { Parents: page.items, NextToken: page.nextToken };
  }

  private listTagsForResource(input: JsonInput): unknown {
    const resourceId = requiredString(input, 'ResourceId', invalidPattern);
    const account = ACCOUNT_ID.test(resourceId) ? this.model.account(resourceId) : undefined;
    const known = account !== undefined || this.model.organizationalUnit(resourceId) !== undefined || resourceId === this.model.rootId;
    if (!known) throw new AwsError('TargetNotFoundException', 'We can\'t find a root, OU, account, or policy with the TargetId that you specified.');
    const tags = new SortedKeyIndex<[string, string]>();
    for (const [key, value] of account?.tags ?? []) tags.set(key, [key, value]);
    // ListTagsForResource has no MaxResults; the service still pages.
    const page = this.paginator.page(tags, { operation: 'organizations:ListTagsForResource', scope: resourceId, nextToken: optionalString(input, 'NextToken', invalidPattern) },
      { max: 100, defaultSize: 100 }, this.errors, ([Key, Value]) => ({ Key, Value }));
    return { Tags: page.items, NextToken: page.nextToken };
  }

  private describeOrganizationalUnit(input: JsonInput): unknown {
    const ouId = requiredString(input, 'OrganizationalUnitId', invalidPattern, OU_ID);
    const ou = this.model.organizationalUnit(ouId);
    if (!ou) throw new AwsError('OrganizationalUnitNotFoundException', 'We can\'t find an OU with the OrganizationalUnitId that you specified.');
    return { OrganizationalUnit: this.ouShape(ou) };
  }

  private page<T, R>(index: SortedKeyIndex<T>, operation: string, scope: string, input: JsonInput, shape: (item: T) => R) {
    return this.paginator.page(index, {
      operation: `organizations:${operation}`,
      scope,
      nextToken: optionalString(input, 'NextToken', invalidPattern),
      maxResults: optionalInteger(input, 'MaxResults', (m) => invalidInput('INVALID_INPUT', m)),
    }, ORGANIZATIONS_PAGE, this.errors, shape);
  }

  private childrenOf(parentId: string) {
    const children = this.model.childrenOf(parentId);
    if (!children) throw new AwsError('ParentNotFoundException', 'We can\'t find a root or OU with the ParentId that you specified.');
    return children;
  }

  private findAccount(accountId: string): OrganizationAccount {
    const account = this.model.account(accountId);
    if (!account) throw new AwsError('AccountNotFoundException', 'You specified an account that doesn\'t exist.');
    return account;
  }

  private accountShape(account: OrganizationAccount): Record<string, unknown> {
    return {
      Id: account.id,
      Arn: account.arn,
      Email: account.email,
      Name: account.name,
      // `Status` was retired on September 9, 2026 (see AccountStatus): only `State` is returned.
      State: account.status,
      Paths: [`${this.model.idPathOf(account.parentId)}${account.id}/`],
      JoinedMethod: account.joinedMethod,
      JoinedTimestamp: account.joinedTimestamp / 1000,
    };
  }

  private ouShape(ou: OrganizationalUnitRecord): Record<string, unknown> {
    return { Id: ou.id, Arn: ou.arn, Name: ou.name, Path: this.model.idPathOf(ou.id) };
  }
}

function invalidInput(reason: string, message: string): AwsError {
  return new AwsError('InvalidInputException', message, { fields: { Reason: reason } });
}

function invalidPattern(message: string): AwsError {
  return invalidInput('INVALID_PATTERN', message);
}
