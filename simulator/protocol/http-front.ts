import { createHash } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { AwsError, missingAuthentication, unknownOperation } from './aws-error';
import { parseQueryBody, queryErrorXml, queryResponseXml } from './query-protocol';
import { JsonInput, ServiceHandler } from './service-handler';
import { CallCounter } from '../core/call-counter';
import { FaultDecision, FaultInjector } from '../core/fault-injector';
import { SeededRandom } from '../core/seeded-random';
import { SimulatedClock } from '../core/simulated-clock';
import { IamModel } from '../services/iam/iam-model';
import { WebhookRecorder } from '../services/webhook-recorder';

/** One AWS call as the simulator receives it. */
export interface ObservedCall {
  readonly service: string;
  readonly operation: string;
  readonly input: JsonInput;
}

/** A service reached through `X-Amz-Target: <prefix>.<Operation>`. */
export interface JsonRoute {
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  /** awsQueryCompatible services (SQS) also send `x-amzn-query-error: Code;Sender`. */
  readonly queryCompatible?: boolean;
  readonly handler: ServiceHandler;
}

/**
 * A service reached through the Query protocol (`Action=...` form bodies). Every such service is POSTed to the same
 * endpoint with the same content type, so the route is chosen by the service the request is signed for: the fourth
 * field of the SigV4 credential scope, `Credential=<AKID>/<date>/<region>/<service>/aws4_request`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html), `sns` or `sts`.
 */
export interface QueryRoute {
  /** The SigV4 signing name of the service. */
  readonly signingName: string;
  readonly xmlNamespace: string;
  readonly handler: ServiceHandler;
}

/** Receives the PUTs custom resources make to their CloudFormation ResponseURL. */
export interface CloudFormationResponseSink {
  receive(id: string, body: string): void;
}

export interface HttpFrontOptions {
  readonly jsonRoutes: readonly JsonRoute[];
  readonly queryRoutes: readonly QueryRoute[];
  readonly webhooks: WebhookRecorder;
  readonly cloudFormationResponses?: CloudFormationResponseSink;
  readonly calls: CallCounter;
  readonly faults: FaultInjector;
  readonly clock: SimulatedClock;
  /** A stream of its own for request ids, so concurrency does not shift other draws. */
  readonly requestIds: SeededRandom;
  readonly region: string;
  /** Resolves the signer's access key id to the caller handlers authorize. */
  readonly iam: IamModel;
  /**
   * Called with every AWS call before it is served: a test's hook for what happens between two
   * calls of a client (another tool deleting an assignment, a policy being changed).
   */
  readonly observers: ReadonlyArray<(call: ObservedCall) => void>;
}

/** Path of the ResponseURLs CloudFormation gives custom resources (cloudformation/custom-resource-responses.ts). */
const CLOUDFORMATION_RESPONSES = '/cloudformation-responses/';

interface Outcome {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The HTTP side: routes a request to a service by protocol, then runs the same pipeline for every
 * AWS call: count, authenticate, inject faults, throttle, dispatch, serialize.
 */
export class HttpFront {
  /** Errors thrown by handlers that are not AWS errors: simulator bugs, surfaced for tests. */
  public readonly unexpectedErrors: Error[] = [];
  private readonly server: http.Server;
  private readonly routes: Map<string, JsonRoute>;
  private readonly queryRoutes: Map<string, QueryRoute>;
  private baseUrl = '';

  constructor(private readonly options: HttpFrontOptions) {
    this.routes = new Map(options.jsonRoutes.map((route) => [route.targetPrefix, route]));
    this.queryRoutes = new Map(options.queryRoutes.map((route) => [route.signingName, route]));
    this.server = http.createServer((req, res) => {
      void this.serve(req, res);
    });
    this.server.keepAliveTimeout = 60_000;
  }

  public get endpoint(): string {
    return this.baseUrl;
  }

  public async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const outcome = await this.route(req, body);
      if (outcome === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(outcome.status, { ...outcome.headers, 'Content-Length': Buffer.byteLength(outcome.body) });
      res.end(outcome.body);
    } catch (error) {
      this.unexpectedErrors.push(error as Error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }

  private async route(req: http.IncomingMessage, body: string): Promise<Outcome | 'reset'> {
    const url = req.url ?? '/';
    // Real Workflows webhook URLs carry a query string (api-version, sig): the name is the path only.
    if (url.startsWith('/webhooks/')) return this.webhook(req, decodeURIComponent(url.slice('/webhooks/'.length).split('?')[0]), body);
    if (url.startsWith(CLOUDFORMATION_RESPONSES) && this.options.cloudFormationResponses) return this.cloudFormationResponse(req, url, body);

    const target = header(req, 'x-amz-target');
    if (target !== undefined) {
      const dot = target.lastIndexOf('.');
      const route = this.routes.get(target.slice(0, dot));
      if (!route) return jsonError(unknownOperation(target), '1.1', false, this.requestId());
      let input: JsonInput;
      try {
        input = body.length === 0 ? {} : JSON.parse(body) as JsonInput;
      } catch {
        return jsonError(new AwsError('SerializationException', 'Request body is not valid JSON', { messageKey: 'message' }), route.jsonVersion, false, this.requestId());
      }
      const operation = target.slice(dot + 1);
      const requestId = this.requestId();
      const result = await this.call(route.handler, operation, input, req, requestId);
      if (result === 'reset') return 'reset';
      if (result instanceof AwsError) return jsonError(result, route.jsonVersion, route.queryCompatible ?? false, requestId);
      return {
        status: 200,
        headers: { 'Content-Type': `application/x-amz-json-${route.jsonVersion}`, 'x-amzn-RequestId': requestId },
        body: JSON.stringify(result ?? {}),
      };
    }

    if ((header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return this.query(req, body);

    return jsonError(unknownOperation(`${req.method} ${url}`), '1.1', false, this.requestId());
  }

  /** An awsQuery request, routed by the service its signature is scoped to. */
  private async query(req: http.IncomingMessage, body: string): Promise<Outcome | 'reset'> {
    const { action, input } = parseQueryBody(body);
    const authorization = header(req, 'authorization');
    const route = this.queryRoutes.get(signingNameOf(authorization) ?? '');
    const requestId = this.requestId();
    const xmlHeaders = { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId };
    if (!route) {
      // No service to count it against: refused before any pipeline, unsigned first as AWS does.
      const error = authorization === undefined ? missingAuthentication() : unknownOperation(action);
      return { status: error.status, headers: xmlHeaders, body: queryErrorXml(error, undefined, requestId) };
    }
    const result = await this.call(route.handler, action, input, req, requestId);
    if (result === 'reset') return 'reset';
    if (result instanceof AwsError) return { status: result.status, headers: xmlHeaders, body: queryErrorXml(result, route.xmlNamespace, requestId) };
    return { status: 200, headers: xmlHeaders, body: queryResponseXml(action, route.xmlNamespace, result as Record<string, unknown>, requestId) };
  }

  /** The pipeline every AWS call goes through. Returns the output, an AWS error, or 'reset'. */
  private async call(handler: ServiceHandler, operation: string, input: JsonInput, req: http.IncomingMessage, requestId: string): Promise<unknown> {
    const { calls, faults, clock } = this.options;
    calls.record(handler.service, operation);
    for (const observe of this.options.observers) observe({ service: handler.service, operation, input });
    const decision = faults.decide(handler.service, operation, calls.count(handler.service, operation));
    if (decision.connectionReset) return 'reset';
    if (decision.delayMs > 0) await clock.sleep(decision.delayMs);

    const error = this.admit(handler, req, decision.serverError);
    if (error) return this.failed(handler, operation, error);
    const caller = this.options.iam.callerFor(accessKeyIdOf(header(req, 'authorization')));
    let output: unknown;
    try {
      output = handler.handle(operation, input, { requestId, now: clock.now(), endpoint: this.baseUrl, region: this.options.region, caller });
    } catch (thrown) {
      if (thrown instanceof AwsError) return this.failed(handler, operation, thrown);
      throw thrown;
    }
    if (decision.serverError?.afterCommit) return this.failed(handler, operation, handler.serverError(decision.serverError.status));
    return output;
  }

  /** The checks AWS makes before an operation runs: authentication, throttles, injected 5xx. */
  private admit(handler: ServiceHandler, req: http.IncomingMessage, serverError: FaultDecision['serverError']): AwsError | undefined {
    // Signature contents are not verified, but like AWS an unsigned request is refused.
    if (header(req, 'authorization') === undefined) return missingAuthentication();
    if (this.options.faults.inThrottlingStorm(handler.service)) return handler.throttlingError();
    if (handler.rateLimit && !handler.rateLimit.tryTake(this.options.clock.now())) return handler.throttlingError();
    if (serverError && !serverError.afterCommit) return handler.serverError(serverError.status);
    return undefined;
  }

  private failed(handler: ServiceHandler, operation: string, error: AwsError): AwsError {
    if (error.throttling) this.options.calls.recordThrottled(handler.service, operation);
    return error;
  }

  private webhook(req: http.IncomingMessage, name: string, body: string): Outcome {
    this.options.calls.record('webhooks', name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { status: 400, headers: { 'Content-Type': 'text/plain' }, body: 'Invalid JSON' };
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const status = this.options.webhooks.receive({ name, body: parsed, receivedAt: this.options.clock.now(), headers });
    return { status, headers: {}, body: '' };
  }

  /**
   * A custom resource's response: the ResponseURL is a pre-signed S3 PUT URL, and S3 answers a PUT
   * with 200 and an ETag (the body's MD5 for a single-part upload) whatever the body holds;
   * CloudFormation reads it later. Any other method does not match the signature (403).
   */
  private cloudFormationResponse(req: http.IncomingMessage, url: string, body: string): Outcome {
    if (req.method !== 'PUT') return { status: 403, headers: { 'Content-Type': 'application/xml' }, body: '<Error><Code>SignatureDoesNotMatch</Code></Error>' };
    this.options.cloudFormationResponses!.receive(decodeURIComponent(url.slice(CLOUDFORMATION_RESPONSES.length).split('?')[0]), body);
    return { status: 200, headers: { ETag: `"${createHash('md5').update(body).digest('hex')}"` }, body: '' };
  }

  private requestId(): string {
    return this.options.requestIds.uuid();
  }
}

function jsonError(error: AwsError, jsonVersion: '1.0' | '1.1', queryCompatible: boolean, requestId: string): Outcome {
  const headers: Record<string, string> = {
    'Content-Type': `application/x-amz-json-${jsonVersion}`,
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': error.code,
  };
  if (queryCompatible) headers['x-amzn-query-error'] = `${error.queryCode};${error.faultType}`;
  return { status: error.status, headers, body: JSON.stringify(error.toJsonBody()) };
}

/**
 * The access key id of a SigV4 `Authorization` header,
 * `AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/<service>/aws4_request, SignedHeaders=..., Signature=...`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html). Undefined if absent.
 */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

/** The service a SigV4 `Authorization` header is scoped to (`sts` in `Credential=AKID/20260101/us-east-1/sts/aws4_request`). */
export function signingNameOf(authorization: string | undefined): string | undefined {
  return /Credential=[^/,\s]+\/[^/,\s]+\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(authorization ?? '')?.[1];
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
