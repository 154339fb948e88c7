// The journey JSON Schema for editors (yaml-language-server): generated from the zod schema,
// committed as schema/journey.schema.json, printed by `touchpoint schema`.
import { z } from 'zod';
import { JourneySchema } from './schema';

/** JSON Schema (draft-07) of a journey file as written (defaults optional). */
export function journeyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(JourneySchema, { target: 'draft-7', io: 'input' });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Touchpoint journey',
    description: 'A lifecycle journey: trigger, entry rules and steps. Generated from dsl/schema.ts by `touchpoint schema`.',
    ...generated,
  };
}

/** The schema as committed: pretty JSON with a trailing newline. */
export function journeyJsonSchemaText(): string {
  return `${JSON.stringify(journeyJsonSchema(), null, 2)}\n`;
}
