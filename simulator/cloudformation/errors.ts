import { AwsError } from '../protocol/aws-error';

/** The answer CloudFormation's API gives a template or request it refuses: the operation never starts. */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/**
 * A resource operation that failed: `message` is the event's ResourceStatusReason. `physicalId` is
 * set when something was created anyway (a custom resource answering FAILED with an id), so the
 * rollback knows what to delete.
 */
export class ResourceFailure extends Error {
  constructor(message: string, public readonly physicalId?: string) {
    super(message);
    this.name = 'ResourceFailure';
  }
}

/**
 * How a registry resource handler's failure reads in the stack events, e.g. awslabs/landing-zone-accelerator-on-aws#297:
 * `Resource handler returned message: "User: ... is not authorized to perform: sso:CreatePermissionSet
 * (Service: SsoAdmin, Status Code: 400, Request ID: ...)" (RequestToken: ..., HandlerErrorCode: GeneralServiceException)`.
 */
export function handlerFailure(message: string, errorCode: string, requestToken: string): ResourceFailure {
  return new ResourceFailure(`Resource handler returned message: "${message}" (RequestToken: ${requestToken}, HandlerErrorCode: ${errorCode})`);
}

/** An AWS service error as a handler reports it: the message, then the SDK's service, status and request id. */
export function serviceErrorMessage(error: AwsError, service: string, requestId: string): string {
  return `${error.message} (Service: ${service}, Status Code: ${error.status}, Request ID: ${requestId})`;
}

/**
 * The HandlerErrorCode a handler maps a service error to (the resource-provider contract,
 * https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract-errors.html;
 * Conflict maps to AlreadyExists as in aws-cloudformation-resource-providers-sso BaseHandlerStd.mapExceptionToHandlerCode).
 * Handlers that map otherwise pass their own code (providers/sso-permission-set.ts).
 */
export function handlerErrorCode(error: AwsError): string {
  switch (error.code) {
    case 'ConflictException':
    case 'ParameterAlreadyExists':
    case 'ResourceAlreadyExistsException':
    case 'EntityAlreadyExists':
    case 'QueueAlreadyExists':
    case 'ResourceConflictException':
      return 'AlreadyExists';
    case 'ResourceNotFoundException':
    case 'ParameterNotFound':
    case 'NoSuchEntity':
      return 'NotFound';
    case 'ThrottlingException':
      return 'Throttling';
    case 'ValidationException':
    // IAM's refusal of a trust policy: "... (Service: Iam, Status Code: 400, ...)" (..., HandlerErrorCode: InvalidRequest)
    // (aws-cloudformation/cfn-lint#4287).
    case 'MalformedPolicyDocument':
    case 'ValidationError':
      return 'InvalidRequest';
    default:
      return 'GeneralServiceException';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
