// A/B/n assignment: a stable hash of (customer, journey, split) onto the variant weights,
// so replay, continue-as-new and re-entry all give a customer the same variant. Pure.

export interface WeightedVariant {
  id: string;
  /** Relative weight (> 0); weights need not add up to 100. */
  weight: number;
}

/** UTF-8 bytes of a string, without TextEncoder (not every workflow sandbox has it). */
function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return bytes;
}

/**
 * FNV-1a (32-bit) over the UTF-8 bytes, then murmur3's finaliser: FNV alone leaves ids that
 * differ only in their last characters clustered in the high bits we map onto weights.
 */
export function stableHash32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The variant id this customer gets in this split: the hash of
 * `customerId \0 journeyId \0 splitId`, scaled to [0, total weight), picks a cumulative slot.
 * Throws when there is no variant or a weight is not a positive finite number.
 */
export function assignVariant(customerId: string, journeyId: string, splitId: string, variants: readonly WeightedVariant[]): string {
  if (variants.length === 0) throw new Error(`split ${splitId} in journey ${journeyId} has no variants; give it at least two`);
  let total = 0;
  for (const v of variants) {
    if (!(v.weight > 0) || !Number.isFinite(v.weight)) {
      throw new Error(`split ${splitId} in journey ${journeyId}: variant ${v.id} has weight ${v.weight}; use a positive number`);
    }
    total += v.weight;
  }
  const point = (stableHash32(`${customerId}\u0000${journeyId}\u0000${splitId}`) / 0x100000000) * total;
  let upTo = 0;
  for (const v of variants) {
    upTo += v.weight;
    if (point < upTo) return v.id;
  }
  // Only floating-point rounding at the very top of the range gets here.
  const last = variants[variants.length - 1];
  return last === undefined ? '' : last.id;
}
