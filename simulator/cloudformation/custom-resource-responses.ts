import { SeededRandom } from '../core/seeded-random';

/** The body a custom resource provider PUTs to the ResponseURL (crpg-ref-responses). */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId?: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly LogicalResourceId?: string;
  readonly Data?: Record<string, unknown>;
  readonly NoEcho?: boolean;
}

/** A response as CloudFormation reads it: usable, or the reason it is not. */
export type ReceivedResponse = { readonly response: CustomResourceResponse } | { readonly invalid: string };

/** A response URL waiting for its PUT. */
export interface OpenResponse {
  readonly url: string;
  readonly received: Promise<ReceivedResponse>;
  /** CloudFormation stops listening (answered or timed out); later PUTs are stored and ignored. */
  close(): void;
}

/**
 * "The total size of the response body can't exceed 4096 bytes"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 */
const MAX_RESPONSE_BYTES = 4096;
/** The request path prefix the HTTP front routes to `receive`. */
export const RESPONSE_PATH = '/cloudformation-responses/';

/**
 * The pre-signed S3 URLs CloudFormation hands custom resources, `<endpoint>/cloudformation-responses/<uuid>`.
 * Like S3, the PUT is accepted whatever it holds, answered 200, and never tells the provider whether
 * CloudFormation could use it: a malformed, late or repeated response only shows in the stack events.
 */
export class CustomResourceResponses {
  private readonly waiting = new Map<string, (response: ReceivedResponse) => void>();
  private readonly ignored: Array<{ readonly id: string; readonly body: string }> = [];

  constructor(private readonly endpoint: () => string, private readonly random: SeededRandom) {}

  public open(): OpenResponse {
    const id = this.random.uuid();
    const received = new Promise<ReceivedResponse>((resolve) => this.waiting.set(id, resolve));
    return { url: `${this.endpoint()}${RESPONSE_PATH}${id}`, received, close: () => this.waiting.delete(id) };
  }

  /** `PUT /cloudformation-responses/<id>` from the HTTP front. */
  public receive(id: string, body: string): void {
    const deliver = this.waiting.get(id);
    if (!deliver) {
      this.ignored.push({ id, body });
      return;
    }
    this.waiting.delete(id);
    deliver(parseResponse(body));
  }

  /** PUTs that arrived after CloudFormation stopped listening, or for a URL it never issued. */
  public ignoredResponses(): ReadonlyArray<{ readonly id: string; readonly body: string }> {
    return [...this.ignored];
  }
}

/**
 * CloudFormation's texts for unusable responses are not documented beyond the size limit; the
 * wording of the others is the simulator's. Status must be SUCCESS or FAILED.
 */
function parseResponse(body: string): ReceivedResponse {
  if (Buffer.byteLength(body, 'utf8') > MAX_RESPONSE_BYTES) return { invalid: 'Response object is too long.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { invalid: 'Invalid response object: the response is not JSON.' };
  }
  const status = (parsed as { Status?: unknown } | null)?.Status;
  if (status !== 'SUCCESS' && status !== 'FAILED') return { invalid: `Invalid response object: Status must be SUCCESS or FAILED, got ${JSON.stringify(status)}.` };
  return { response: parsed as CustomResourceResponse };
}
