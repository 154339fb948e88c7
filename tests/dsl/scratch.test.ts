import { loadJourneys } from '../../dsl/load';
import { formatProblem } from '../../dsl/problems';
import { run } from '../../cli/main';
import { writeFileSync } from 'node:fs';
import { journeyJsonSchemaText } from '../../dsl/json-schema';
test('scratch', async () => {
  const r = await loadJourneys({ paths: ['journeys'], templatesDir: 'templates' });
  console.log(r.problems.map(formatProblem).join('\n'), r.journeys.map((j) => `${j.journey.id} ${j.version} ${JSON.stringify(j.templates)}`), r.templates.length);
  writeFileSync('schema/journey.schema.json', journeyJsonSchemaText());
  const lines: string[] = [];
  const code = await run(['validate'], { out: (l) => lines.push(`OUT ${l}`), err: (l) => lines.push(`ERR ${l}`), cwd: process.cwd(), env: {} });
  console.log(code, lines.join('\n'));
});
