// Shared bits for template tests: a render context and a template version from files' sources.
import { encodeBundle, type TemplateBundle } from '../../render/bundle';
import type { RenderContext } from '../../render/renderer';
import type { TemplateVersion } from '../../store/types';

export function context(traits: Record<string, unknown> = {}, properties: Record<string, unknown> = {}): RenderContext {
  return {
    customer: { id: 'c-1' },
    traits,
    event: { name: 'order.completed', properties, timestamp: '2025-03-09T23:30:00.000Z' },
    journey: { id: 'post-purchase' },
    links: { unsubscribe: 'https://touchpoint.example/u/tok' },
  };
}

/** A template version whose bundle holds `bundle` (missing maps empty). */
export function bundleVersion(name: string, bundle: Partial<TemplateBundle> & { variants: TemplateBundle['variants'] }, hash = `${name}-v1`): TemplateVersion {
  return { hash, name, source: encodeBundle({ partials: {}, layouts: {}, styles: {}, ...bundle }) };
}

/** A template file from its parts, in order. */
export const templateFile = (parts: Record<string, string>): string =>
  Object.entries(parts)
    .map(([part, body]) => `{{!-- ${part} --}}\n${body}`)
    .join('\n');
