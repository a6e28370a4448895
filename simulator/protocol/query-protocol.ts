import { AwsError } from './aws-error';
import { JsonInput } from './service-handler';

/**
 * The awsQuery protocol (SNS, STS): a form-encoded body `Action=Publish&Version=...&TopicArn=...`,
 * an XML response `<PublishResponse><PublishResult>...</PublishResult><ResponseMetadata>` and an
 * XML `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 */
export interface QueryRequest {
  readonly action: string;
  readonly input: JsonInput;
}

export function parseQueryBody(body: string): QueryRequest {
  const params = new URLSearchParams(body);
  const input: JsonInput = {};
  const attributes: Record<string, Record<string, string>> = {};
  for (const [name, value] of params) {
    // MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue
    const entry = /^MessageAttributes\.entry\.(\d+)\.(.+)$/.exec(name);
    if (entry) {
      attributes[entry[1]] = { ...attributes[entry[1]], [entry[2]]: value };
    } else if (name !== 'Action' && name !== 'Version') {
      input[name] = value;
    }
  }
  const messageAttributes = Object.values(attributes).filter((a) => a.Name !== undefined);
  if (messageAttributes.length > 0) {
    input.MessageAttributes = Object.fromEntries(messageAttributes.map((a) => [a.Name, {
      DataType: a['Value.DataType'],
      StringValue: a['Value.StringValue'],
    }]));
  }
  return { action: params.get('Action') ?? '', input };
}

/**
 * `<ActionResponse><ActionResult>members</ActionResult><ResponseMetadata/>`. Members are written the way awsQuery
 * serializes XML shapes: a structure as an element per member, nested structures nested (AssumeRole's
 * `<Credentials><AccessKeyId/>...</Credentials>`), a list as `<member>` items (the default, non-flattened list), a Date
 * as ISO 8601 date-time, the protocol's default timestamp format
 * (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#xml-shape-serialization). Undefined members are left out.
 */
export function queryResponseXml(action: string, xmlNamespace: string, output: Record<string, unknown>, requestId: string): string {
  return `<${action}Response xmlns="${xmlNamespace}"><${action}Result>${membersXml(output)}</${action}Result>`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

function membersXml(structure: Record<string, unknown>): string {
  return Object.entries(structure)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${valueXml(value)}</${name}>`)
    .join('');
}

function valueXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${valueXml(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return membersXml(value as Record<string, unknown>);
  return escapeXml(String(value));
}

/** The error document; `xmlNamespace` is left out for a request no service was found for. */
export function queryErrorXml(error: AwsError, xmlNamespace: string | undefined, requestId: string): string {
  const namespace = xmlNamespace === undefined ? '' : ` xmlns="${xmlNamespace}"`;
  return `<ErrorResponse${namespace}><Error><Type>${error.faultType}</Type><Code>${escapeXml(error.queryCode)}</Code>`
    + `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
