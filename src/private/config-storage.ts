import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import {
  ADVANCED_PARAMETER_MAX_BYTES,
  ConfigDocument,
  HeadDocument,
  PartDocument,
  STANDARD_PARAMETER_MAX_BYTES,
  StoredLayout,
  layoutDocument,
  partDocument,
} from '../reconciler/config/document';
import { parameterNames } from '../reconciler/contract';

/**
 * The longest ARN a permission set can have: `arn:aws-iso-b:sso:::permissionSet/ssoins-` plus 16
 * characters, `/ps-` plus 16 (API_PermissionSet.html), 80 characters; counted as 100 for margin.
 */
export const PERMISSION_SET_ARN_BYTES = 100;
/** Any other token (a CfnParameter used as a name, say) counts as the longest name the schema accepts. */
export const OTHER_TOKEN_BYTES = 1024;
/** `revision` is the first 16 hex characters of a SHA-256. */
const REVISION_LENGTH = 16;

/** How the config document is stored. */
export interface ConfigStorage {
  /** True when everything fits one parameter of 4,096 bytes. */
  readonly fitsStandard: boolean;
  /** The size limit the layout was made for: 4,096 or 8,192 bytes. */
  readonly maxBytes: number;
  readonly revision: string;
  readonly head: HeadDocument;
  readonly parts: PartDocument[];
}

/**
 * Lays the document out over SSM parameters: one Standard-sized parameter when it fits, else one
 * Advanced-sized parameter, else a head and as many parts as needed, each under 8,192 bytes.
 * Unresolved tokens are counted at their largest possible size, so a value never outgrows its
 * parameter at deploy time.
 */
export function planConfigStorage(stack: Stack, document: ConfigDocument, eventBusName: string): ConfigStorage {
  const names = parameterNames(eventBusName);
  const revision = revisionOf(stack, document);
  const measure = measureFor(stack);
  const reserve = (partCount: number) => byteLength(JSON.stringify({
    revision: revision,
    parts: Array.from({ length: partCount }, (_, i) => names.part(i + 1)),
  })) - 2 + 1; // without the braces, with the comma that joins it to the rest

  // A header too large for a Standard parameter (many permission sets) goes straight to Advanced.
  let standard: StoredLayout | undefined;
  try {
    standard = layoutDocument(document, STANDARD_PARAMETER_MAX_BYTES, measure, reserve);
  } catch {
    standard = undefined;
  }
  if (standard && standard.parts.length === 0) {
    return { fitsStandard: true, maxBytes: STANDARD_PARAMETER_MAX_BYTES, revision, head: headOf(standard.head, revision, []), parts: [] };
  }
  const layout = layoutDocument(document, ADVANCED_PARAMETER_MAX_BYTES, measure, reserve);
  if (layout.parts.length === 0) {
    return { fitsStandard: false, maxBytes: ADVANCED_PARAMETER_MAX_BYTES, revision, head: headOf(layout.head, revision, []), parts: [] };
  }
  const partNames = layout.parts.map((_, i) => names.part(i + 1));
  return {
    fitsStandard: false,
    maxBytes: ADVANCED_PARAMETER_MAX_BYTES,
    revision,
    head: headOf(layout.head, revision, partNames),
    parts: layout.parts.map((piece) => partDocument(revision, piece)),
  };
}

/** The same for every stored piece of one document, and changes whenever the document changes. */
export function revisionOf(stack: Stack, document: ConfigDocument): string {
  return createHash('sha256').update(JSON.stringify(stack.resolve(document))).digest('hex').slice(0, REVISION_LENGTH);
}

/**
 * The serialized size of a value as `Stack.toJsonString` renders it, in UTF-8 bytes, with each
 * unresolved token counted at its largest possible size.
 */
export function measureFor(stack: Stack): (value: unknown) => number {
  return (value) => {
    const plain = JSON.stringify(value);
    if (!plain.includes('${Token[')) return byteLength(plain);
    return renderedSize(stack.resolve(stack.toJsonString(value)));
  };
}

/** The size of a resolved `toJsonString` value: a string, or `Fn::Join` of strings and intrinsics. */
export function renderedSize(resolved: unknown): number {
  if (typeof resolved === 'string') return byteLength(resolved);
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return intrinsicSize(resolved);
  const [separator, parts] = join;
  return parts.reduce<number>((sum, part) => sum + renderedSize(part), 0) + byteLength(separator) * Math.max(parts.length - 1, 0);
}

function intrinsicSize(intrinsic: unknown): number {
  const getAtt = (intrinsic as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  return getAtt?.[1] === 'PermissionSetArn' ? PERMISSION_SET_ARN_BYTES : OTHER_TOKEN_BYTES;
}

function headOf(head: Omit<HeadDocument, 'parts' | 'revision'>, revision: string, parts: string[]): HeadDocument {
  const { version, instanceArn, identityStoreId, options, permissionSets, rules } = head;
  return { version, revision, parts, instanceArn, identityStoreId, options, permissionSets, rules };
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
