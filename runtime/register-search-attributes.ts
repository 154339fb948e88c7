// Registers Touchpoint's custom search attributes on a Temporal cluster that was not started
// by us (TEMPORAL_ADDRESS); the dev server gets them on its command line instead.
import type { ConnectionLike } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/** gRPC status codes we branch on. */
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;

function grpcCode(error: unknown): number | undefined {
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Add the TouchpointCustomer/Journey/JourneyVersion/Step keyword attributes to `namespace`
 * when missing. Attributes that already exist are left alone, so this is safe on every start.
 */
export async function registerSearchAttributes(connection: Pick<ConnectionLike, 'operatorService'>, namespace: string): Promise<void> {
  const names = SEARCH_ATTRIBUTES.map((key) => key.name);
  let existing: Set<string>;
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    existing = new Set(Object.keys(listed.customAttributes ?? {}));
  } catch (error) {
    throw explain(error, namespace, names);
  }
  const missing = SEARCH_ATTRIBUTES.filter((key) => !existing.has(key.name));
  if (missing.length === 0) return;
  const searchAttributes = Object.fromEntries(
    missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]),
  );
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    // Another Touchpoint process may have added them between our list and add.
    if (grpcCode(error) === ALREADY_EXISTS || /already exists/i.test(messageOf(error))) return;
    throw explain(error, namespace, names);
  }
}

function explain(error: unknown, namespace: string, names: string[]): Error {
  const code = grpcCode(error);
  const manual = names.map((name) => `${name}=Keyword`).join(', ');
  const hint =
    code === PERMISSION_DENIED || code === UNIMPLEMENTED
      ? 'This server does not let this client manage search attributes (Temporal Cloud does not): add them in the Cloud UI or with `tcld namespace search-attributes add`.'
      : 'Add them with `temporal operator search-attribute create --namespace <ns> --name <Name> --type Keyword`.';
  return new Error(
    `Could not register Touchpoint's search attributes on namespace "${namespace}" (${messageOf(error)}). ` +
      `Needed: ${manual}. ${hint}`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
