// The committed JSON Schema is exactly what the zod schema generates, and editors using it
// accept the sample journeys.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { journeyJsonSchema, journeyJsonSchemaText } from '../../dsl/json-schema';
import { checkJsonSchema } from './support/mini-json-schema';

const root = resolve(__dirname, '../..');

describe('journey JSON Schema', () => {
  test('schema/journey.schema.json is the generated schema (run npm run schema:write after changing dsl/schema.ts)', async () => {
    expect(await readFile(join(root, 'schema/journey.schema.json'), 'utf8')).toBe(journeyJsonSchemaText());
  });

  test('it is draft-07 with a title and describes the journey keys', () => {
    const schema = journeyJsonSchema();
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'Touchpoint journey', $ref: '#/definitions/Journey' });
    expect(schema).toHaveProperty('definitions.Journey.required', ['id', 'name', 'trigger', 'steps']);
    expect(schema).toHaveProperty('definitions.Journey.additionalProperties', false);
  });

  test('the sample journeys satisfy it', async () => {
    const schema = journeyJsonSchema();
    for (const file of ['onboarding', 'post-purchase', 'win-back']) {
      const journey: unknown = parse(await readFile(join(root, 'journeys', `${file}.yaml`), 'utf8'));
      expect({ file, errors: checkJsonSchema(schema, journey) }).toEqual({ file, errors: [] });
    }
  });

  test('it rejects what the loader rejects: unknown keys, bad channels, steps without a kind', () => {
    const schema = journeyJsonSchema();
    const journey = {
      id: 'demo',
      name: 'Demo',
      trigger: { event: 'user.signed_up' },
      colour: 'red',
      steps: [{ id: 'a', send: { channel: 'fax', template: 'welcome' } }, { id: 'b' }],
    };
    expect(checkJsonSchema(schema, journey)).toEqual([
      '$: unknown key colour',
      '$.steps[0]: matches none of anyOf',
      '$.steps[1]: matches none of anyOf',
    ]);
  });
});
