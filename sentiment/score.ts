// An offline lexicon sentiment scorer for English and Italian: word valences, negation
// ("not good", "non è male"), intensifiers ("very", "molto") and a few emoji, normalised to −1..1.
import { EN_INTENSIFIERS, EN_NEGATIONS, EN_STOPWORDS, EN_VALENCE } from './lexicon-en';
import { IT_INTENSIFIERS, IT_NEGATIONS, IT_STOPWORDS, IT_VALENCE } from './lexicon-it';

export type SentimentLanguage = 'en' | 'it';
export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface SentimentResult {
  /** −1 (very negative) .. 1 (very positive); 0 for text with no sentiment words. */
  score: number;
  label: SentimentLabel;
  language: SentimentLanguage;
}

interface Lexicon {
  valence: ReadonlyMap<string, number>;
  negations: ReadonlySet<string>;
  intensifiers: Readonly<Record<string, number>>;
  stopwords: ReadonlySet<string>;
}

const EMOJI: Readonly<Record<string, number>> = {
  '😀': 2, '😃': 2, '😄': 2, '😁': 2, '😊': 2, '🙂': 1, '😍': 3, '🥰': 3, '👍': 2, '❤️': 3, '❤': 3, '💯': 2, '🎉': 2, '⭐': 1, '😉': 1,
  '😐': 0, '😕': -1, '🙁': -1, '☹️': -2, '😞': -2, '😢': -2, '😭': -2, '😠': -3, '😡': -3, '🤬': -3, '👎': -2, '💩': -3,
  ':)': 1, ':-)': 1, ':D': 2, ':(': -1, ':-(': -1,
};

function lexicon(valence: Readonly<Record<number, string>>, negations: readonly string[], intensifiers: Readonly<Record<string, number>>, stopwords: readonly string[]): Lexicon {
  const map = new Map<string, number>();
  for (const [value, words] of Object.entries(valence)) for (const word of words.split(/\s+/)) if (word) map.set(word, Number(value));
  return { valence: map, negations: new Set(negations), intensifiers, stopwords: new Set(stopwords) };
}

const LEXICONS: Readonly<Record<SentimentLanguage, Lexicon>> = {
  en: lexicon(EN_VALENCE, EN_NEGATIONS, EN_INTENSIFIERS, EN_STOPWORDS),
  it: lexicon(IT_VALENCE, IT_NEGATIONS, IT_INTENSIFIERS, IT_STOPWORDS),
};

/** How far back (in words) a negation still flips a sentiment word: "non mi è piaciuto". */
const NEGATION_WINDOW = 3;
/** A negated word counts for this share of its valence, reversed ("not bad" is mildly good, not great). */
const NEGATION_FACTOR = -0.5;
/** Normalisation constant: sum/√(sum²+α) maps any total into −1..1 (VADER's choice). */
const ALPHA = 15;
/** Scores strictly within ±this are neutral; at or beyond it, positive or negative. */
export const NEUTRAL_BAND = 0.05;

const EMOJI_PATTERN = new RegExp(Object.keys(EMOJI).map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu');

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}][\p{L}'’-]*/gu)?.map((w) => w.replace(/’/g, "'")) ?? [];
}

/** 'it' when the text has more Italian than English function words; 'en' otherwise. */
export function detectLanguage(text: string): SentimentLanguage {
  let it = 0;
  let en = 0;
  for (const word of words(text)) {
    if (LEXICONS.it.stopwords.has(word)) it++;
    if (LEXICONS.en.stopwords.has(word)) en++;
  }
  return it > en ? 'it' : 'en';
}

function valenceOf(lex: Lexicon, language: SentimentLanguage, word: string): number | undefined {
  const direct = lex.valence.get(word);
  if (direct !== undefined || language !== 'it') return direct;
  // Italian inflection: rotta/rotti/rotte → rotto, deludenti → deludente.
  const stem = word.slice(0, -1);
  return lex.valence.get(`${stem}o`) ?? lex.valence.get(`${stem}e`);
}

/** The sentiment of a free-text comment; `lang` skips detection. */
export function scoreSentiment(text: string, lang?: SentimentLanguage): SentimentResult {
  const language = lang ?? detectLanguage(text);
  const lex = LEXICONS[language];
  let total = 0;
  const tokens = words(text);
  tokens.forEach((word, i) => {
    const valence = valenceOf(lex, language, word);
    if (valence === undefined) return;
    let value = valence;
    const before = tokens[i - 1];
    const boost = before === undefined ? undefined : lex.intensifiers[before];
    if (boost !== undefined) value *= boost;
    const window = tokens.slice(Math.max(0, i - NEGATION_WINDOW), i);
    if (window.some((w) => lex.negations.has(w))) value *= NEGATION_FACTOR;
    total += value;
  });
  for (const emoji of text.match(EMOJI_PATTERN) ?? []) total += EMOJI[emoji] ?? 0;
  const score = total === 0 ? 0 : total / Math.sqrt(total * total + ALPHA);
  const label: SentimentLabel = score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { score: Math.round(score * 1000) / 1000, label, language };
}
