import { AwsError } from './aws-error';
import { JsonInput } from './service-handler';

/**
 * The awsQuery protocol (SNS): a form-encoded body `Action=Publish&Version=...&TopicArn=...`,
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

export function queryResponseXml(action: string, xmlNamespace: string, output: Record<string, unknown>, requestId: string): string {
  const members = Object.entries(output)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
  return `<${action}Response xmlns="${xmlNamespace}"><${action}Result>${members}</${action}Result>`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryErrorXml(error: AwsError, xmlNamespace: string, requestId: string): string {
  return `<ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${error.faultType}</Type><Code>${escapeXml(error.queryCode)}</Code>`
    + `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
