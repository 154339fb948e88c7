// The offline sentiment scorer's public face.
export { detectLanguage, scoreSentiment, type SentimentLabel, type SentimentLanguage, type SentimentResult } from './score';
