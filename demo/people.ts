// Made-up demo customers (English- and Italian-speaking, in a few time zones) and the survey
// comments they leave, from a seeded stream. Every one is marked `demo: true`; emails are @example.com.
import type { Rng } from './random';

export interface DemoCustomer {
  customerId: string;
  locale: 'en' | 'it';
  timezone: string;
  traits: Record<string, unknown>;
  /** When they signed up (epoch ms). */
  signedUpAt: number;
  /** When they unsubscribed from marketing email, if they did (epoch ms). */
  unsubscribedAt: number | null;
  /** How much they like the shop, 0..1: drives scores, opens and clicks. */
  mood: number;
}

const DAY_MS = 86_400_000;

const NAMES = {
  en: ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Tim', 'Barbara', 'Ken', 'Frances', 'Dennis', 'Radia', 'Edsger', 'Hedy', 'John', 'Karen', 'Donald'],
  it: ['Giulia', 'Marco', 'Francesca', 'Luca', 'Chiara', 'Matteo', 'Sara', 'Alessandro', 'Elena', 'Davide', 'Martina', 'Federico', 'Valentina', 'Paolo'],
} as const;
const ZONES = { en: ['Europe/London', 'America/New_York', 'America/Los_Angeles', 'Europe/Dublin', 'Australia/Sydney'], it: ['Europe/Rome'] } as const;

/** `demo-0001`, `demo-0002`, …: the ids that mark demo customers. */
export function demoCustomerId(index: number): string {
  return `demo-${String(index).padStart(4, '0')}`;
}

export function makeCustomer(index: number, rng: Rng, now: number): DemoCustomer {
  const customerId = demoCustomerId(index);
  const locale = rng.chance(0.35) ? 'it' : 'en';
  const firstName = rng.pick(NAMES[locale]);
  const timezone = rng.pick(ZONES[locale]);
  const signedUpAt = now - rng.between(20, 75) * DAY_MS;
  const mood = rng.next();
  return {
    customerId,
    locale,
    timezone,
    signedUpAt,
    mood,
    unsubscribedAt: rng.chance(0.06) ? signedUpAt + rng.between(2, 15) * DAY_MS : null,
    traits: {
      first_name: firstName,
      email: `${firstName.toLowerCase()}.${customerId}@example.com`,
      locale,
      timezone,
      plan: rng.chance(0.3) ? 'pro' : 'free',
      demo: true,
      demo_note: 'Made-up customer from `touchpoint start --demo`; nothing is ever sent to this address.',
    },
  };
}

/** An NPS score leaning on the customer's mood: happy ones are promoters, unhappy ones detractors. */
export function npsScore(rng: Rng, mood: number): number {
  const centre = 3 + mood * 7.5;
  return Math.max(0, Math.min(10, Math.round(centre + rng.between(-2.5, 2.5))));
}

/** A score on any 1..max or 0..max scale, by the same mood. */
export function scaleScore(rng: Rng, mood: number, min: number, max: number): number {
  const centre = min + mood * (max - min) * 1.1;
  return Math.max(min, Math.min(max, Math.round(centre + rng.between(-1, 1))));
}

const COMMENTS = {
  en: {
    positive: ['Fast delivery and great quality, thank you!', 'Excellent service, I would recommend you to friends.', 'Love the product, the packaging was lovely.', 'Support was friendly and helpful.'],
    neutral: ['It is what I ordered.', 'The parcel took a week, the product is as described.', 'The box was big for the item.', 'Nothing special to say.'],
    negative: ['Delivery was late and the box was damaged.', 'Terrible support, nobody answered my emails.', 'The item arrived broken and the refund is still missing.', 'Too expensive for the quality, disappointed.'],
  },
  it: {
    positive: ['La consegna è stata veloce e il prodotto è ottimo, grazie!', 'Servizio eccellente, lo consiglio a tutti e lo ricomprerei.', 'Tutto perfetto e la confezione era curata.', 'Il servizio clienti è stato gentile e disponibile.'],
    neutral: ['Il prodotto è come descritto.', 'La consegna ha richiesto una settimana.', 'La scatola era grande per il prodotto.', 'Niente da segnalare.'],
    negative: ['La consegna è arrivata in ritardo e il pacco era danneggiato.', 'Il servizio clienti è pessimo, nessuno risponde.', 'Il prodotto è arrivato rotto e il rimborso non è mai arrivato.', 'Non sono soddisfatto, la qualità è deludente.', 'Una vergogna: il mio ordine è perso e nessuno mi risponde.'],
  },
} as const;

/** A comment matching the score (or null: most people leave none). */
export function surveyComment(rng: Rng, locale: 'en' | 'it', category: string): string | null {
  const tone = category === 'promoter' || category === 'satisfied' || category === 'easy' ? 'positive' : category === 'passive' || category === 'neutral' ? 'neutral' : 'negative';
  // Unhappy customers say why more often.
  if (!rng.chance(tone === 'negative' ? 0.75 : 0.5)) return null;
  return rng.pick(COMMENTS[locale][tone]);
}
