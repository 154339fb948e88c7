// A validated journey pinned with the versions of its templates; its version is a content hash.
import { createHash } from 'node:crypto';
import type { Journey, JourneySnapshot } from './schema';

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `version` = first 16 hex of sha256 over canonical JSON of { journey, templates }. */
export function buildSnapshot(journey: Journey, templates: Record<string, string>, source: string): JourneySnapshot {
  const version = createHash('sha256').update(canonicalJson({ journey, templates })).digest('hex').slice(0, 16);
  return { journey, version, templates, source };
}

/** A template version: sha256 hex of its stored source (the canonical JSON bundle of every file it renders with). */
export function templateVersionHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}
