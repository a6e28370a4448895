import { IdentityStoreModel, StoreGroup, StoreUser } from './identity-store-model';
import { PageLimits, Paginator, PaginationErrors } from '../../core/paginator';
import { SortedKeyIndex } from '../../core/sorted-key-index';
import { TokenBucket } from '../../core/token-bucket';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { optionalArray, optionalInteger, optionalObject, optionalString, requiredString } from '../../protocol/input';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';

/** ListGroups/ListUsers: "MaxResults ... Valid Range: Minimum value of 1. Maximum value of 100." */
export const IDENTITY_STORE_PAGE: PageLimits = { max: 100, defaultSize: 100 };
const STORE_ID = /^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$/;
const RESOURCE_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

/**
 * Identity Store, JSON 1.1 (`AWSIdentityStore.*`): name-to-id resolution and listing.
 * https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetGroupId.html
 */
export class IdentityStoreApi implements ServiceHandler {
  public readonly service = 'identitystore';
  private readonly errors: PaginationErrors = {
    invalidNextToken: () => validation('The pagination token is invalid.'),
    invalidMaxResults: (value, max) => validation(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`),
  };

  constructor(private readonly model: IdentityStoreModel, private readonly paginator: Paginator, public readonly rateLimit: TokenBucket) {}

  public handle(operation: string, input: JsonInput, _context: RequestContext): unknown {
    switch (operation) {
      case 'GetGroupId': return this.getId(input, 'GROUP');
      case 'GetUserId': return this.getId(input, 'USER');
      case 'DescribeGroup': return this.describeGroup(input);
      case 'DescribeUser': return this.describeUser(input);
      case 'ListGroups': return this.listGroups(input);
      case 'ListUsers': return this.listUsers(input);
      default: throw unknownOperation(`AWSIdentityStore.${operation}`);
    }
  }

  public throttlingError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate exceeded', { throttling: true });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'Service is unavailable', { status })
      : new AwsError('InternalServerException', 'The request processing has failed because of an unknown error, exception or failure with an internal server.', { status });
  }

  private getId(input: JsonInput, type: 'GROUP' | 'USER'): unknown {
    this.checkStore(input);
    const identifier = optionalObject(input, 'AlternateIdentifier', validation);
    const unique = identifier && optionalObject(identifier, 'UniqueAttribute', validation);
    if (!unique) throw validation('AlternateIdentifier.UniqueAttribute is required by this simulator (ExternalId is not modelled)');
    const path = requiredString(unique, 'AttributePath', validation);
    const expectedPath = type === 'GROUP' ? 'displayName' : 'userName';
    if (path !== expectedPath) throw validation(`Invalid AttributePath ${path} for a ${type.toLowerCase()}`);
    const value = unique.AttributeValue;
    if (typeof value !== 'string') throw validation('AttributeValue must be a string');
    const found = type === 'GROUP' ? this.model.groupByName(value) : this.model.userByName(value);
    if (!found) throw notFound(type, value);
    return type === 'GROUP'
      ? { GroupId: found.id, IdentityStoreId: this.model.identityStoreId }
      : { UserId: found.id, IdentityStoreId: this.model.identityStoreId };
  }

  private describeGroup(input: JsonInput): unknown {
    const storeId = this.checkStore(input);
    const groupId = requiredString(input, 'GroupId', validation, RESOURCE_ID);
    const group = this.model.groupIndex.get(groupId);
    if (!group) throw notFound('GROUP', groupId);
    return groupShape(group, storeId);
  }

  private describeUser(input: JsonInput): unknown {
    const storeId = this.checkStore(input);
    const userId = requiredString(input, 'UserId', validation, RESOURCE_ID);
    const user = this.model.userIndex.get(userId);
    if (!user) throw notFound('USER', userId);
    return userShape(user, storeId);
  }

  private listGroups(input: JsonInput): unknown {
    const storeId = this.checkStore(input);
    const name = this.filterValue(input, 'DisplayName');
    const page = name === undefined
      ? this.page(this.model.groupIndex, 'ListGroups', input, (g) => groupShape(g, storeId))
      : this.page(single(this.model.groupByName(name)), 'ListGroups', input, (g) => groupShape(g, storeId), name);
    return { Groups: page.items, NextToken: page.nextToken };
  }

  private listUsers(input: JsonInput): unknown {
    const storeId = this.checkStore(input);
    const name = this.filterValue(input, 'UserName');
    const page = name === undefined
      ? this.page(this.model.userIndex, 'ListUsers', input, (u) => userShape(u, storeId))
      : this.page(single(this.model.userByName(name)), 'ListUsers', input, (u) => userShape(u, storeId), name);
    return { Users: page.items, NextToken: page.nextToken };
  }

  /** The deprecated but still accepted `Filters: [{ AttributePath, AttributeValue }]`. */
  private filterValue(input: JsonInput, attributePath: string): string | undefined {
    const filters = optionalArray(input, 'Filters', validation) ?? [];
    if (filters.length === 0) return undefined;
    const filter = filters[0] as JsonInput;
    if (filter.AttributePath !== attributePath || typeof filter.AttributeValue !== 'string') throw validation(`Filters support AttributePath ${attributePath} only`);
    return filter.AttributeValue;
  }

  private page<T, R>(index: SortedKeyIndex<T>, operation: string, input: JsonInput, shape: (item: T) => R, scope = '') {
    return this.paginator.page(index, {
      operation: `identitystore:${operation}`,
      scope,
      nextToken: optionalString(input, 'NextToken', validation),
      maxResults: optionalInteger(input, 'MaxResults', validation),
    }, IDENTITY_STORE_PAGE, this.errors, shape);
  }

  private checkStore(input: JsonInput): string {
    const storeId = requiredString(input, 'IdentityStoreId', validation, STORE_ID);
    if (storeId !== this.model.identityStoreId) {
      throw new AwsError('ResourceNotFoundException', `Identity store ${storeId} not found`, { fields: { ResourceType: 'IDENTITY_STORE', ResourceId: storeId } });
    }
    return storeId;
  }
}

function single<T>(item: T | undefined): SortedKeyIndex<T> {
  const index = new SortedKeyIndex<T>();
  if (item !== undefined) index.set('0', item);
  return index;
}

function groupShape(group: StoreGroup, storeId: string): Record<string, unknown> {
  return { GroupId: group.id, DisplayName: group.displayName, Description: group.description, IdentityStoreId: storeId };
}

function userShape(user: StoreUser, storeId: string): Record<string, unknown> {
  return {
    UserId: user.id,
    UserName: user.userName,
    DisplayName: user.displayName,
    Emails: [{ Value: user.email, Type: 'work', Primary: true }],
    IdentityStoreId: storeId,
  };
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

function notFound(type: 'GROUP' | 'USER', id: string): AwsError {
  return new AwsError('ResourceNotFoundException', `${type} not found.`, { fields: { ResourceType: type, ResourceId: id } });
}
