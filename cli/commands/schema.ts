// `touchpoint schema`: print the journey JSON Schema for editors.
import { journeyJsonSchemaText } from '../../dsl/json-schema';
import { EXIT, type CliIo } from '../io';

export async function schemaCommand(_args: string[], io: CliIo): Promise<number> {
  io.out(journeyJsonSchemaText().trimEnd());
  return EXIT.ok;
}
