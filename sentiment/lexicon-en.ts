// English valence lexicon (−3..+3), grouped by valence as space-separated words to stay
// readable; curated for customer feedback (delivery, support, product, price).
export const EN_VALENCE: Readonly<Record<number, string>> = {
  3: `excellent amazing awesome outstanding fantastic superb perfect wonderful brilliant exceptional
    love loved loving adore adored incredible phenomenal flawless delighted delightful thrilled marvelous
    marvellous magnificent best superb stellar terrific`,
  2: `great good nice happy pleased glad satisfied fast quick quickly easy easily helpful friendly kind
    polite recommend recommended recommending enjoy enjoyed enjoyable beautiful lovely impressive impressed
    reliable smooth efficient efficiently professional convenient comfortable pleasant thanks thank grateful
    appreciated appreciate well solved resolved fixed worth valuable favorite favourite fun cool quality
    responsive courteous prompt promptly seamless intuitive exceeded`,
  1: `ok okay fine decent fair adequate acceptable reasonable simple clear works worked working arrived
    useful affordable cheap improved better correct accurate interesting safe sure right like liked`,
  [-1]: `slow slowly late delay delayed confusing confused complicated difficult hard expensive pricey
    meh mediocre average issue issues problem problems bug bugs missing wrong unclear annoying annoyed
    disappointing odd strange wait waiting waited lacking small noisy old outdated`,
  [-2]: `bad poor unhappy dissatisfied unsatisfied broken damaged defective faulty rude unhelpful useless
    disappointed frustrating frustrated angry upset fail failed failure failing lost error errors cancel
    cancelled canceled refund overpriced unreliable ignored dirty leaking leaked crashed crash crashes
    complaint complain complained sad sorry unacceptable incorrect careless nightmare hate hated waste
    wasted problematic stuck unresponsive bother bothered worse`,
  [-3]: `terrible horrible awful worst disgusting pathetic scam fraud appalling atrocious dreadful abysmal
    furious outrageous disaster disastrous garbage trash rubbish never-again ridiculous shameful shocking
    unbelievable-bad liar lied stolen`,
};

export const EN_NEGATIONS: readonly string[] = ['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', "don't", 'dont', "doesn't", 'doesnt', "didn't", 'didnt', "isn't", 'isnt', "wasn't", 'wasnt', "aren't", "won't", 'wont', "can't", 'cant', 'cannot', "couldn't", "shouldn't", 'hardly', 'barely'];

/** Word → multiplier on the next sentiment word. */
export const EN_INTENSIFIERS: Readonly<Record<string, number>> = {
  very: 1.5, really: 1.5, extremely: 2, super: 1.5, so: 1.3, too: 1.3, absolutely: 1.8, totally: 1.5, incredibly: 1.8,
  completely: 1.6, quite: 1.2, highly: 1.5, most: 1.3, somewhat: 0.7, slightly: 0.6, bit: 0.7, little: 0.7,
};

/** Common function words that tell English from Italian. */
export const EN_STOPWORDS: readonly string[] = ['the', 'and', 'is', 'was', 'it', 'to', 'of', 'a', 'in', 'my', 'i', 'you', 'for', 'with', 'that', 'this', 'have', 'has', 'not', 'but', 'are', 'were', 'very', 'be', 'me', 'on', 'they', 'what'];
