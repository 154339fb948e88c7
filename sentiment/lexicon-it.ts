// Italian valence lexicon (−3..+3), grouped by valence as space-separated words. Adjectives are
// listed in the masculine singular: the scorer also tries -o for -a/-i/-e endings (rotta → rotto).
export const IT_VALENCE: Readonly<Record<number, string>> = {
  3: `eccellente ottimo perfetto fantastico meraviglioso straordinario stupendo splendido eccezionale
    favoloso magnifico entusiasta strepitoso impeccabile adoro adorato superlativo top benissimo
    fenomenale incredibile meravigliosamente perfettamente eccellenza entusiasmante superbo favolosamente
    ottimamente straordinariamente adorabile`,
  2: `buono bene bello contento felice soddisfatto veloce velocemente rapido rapidamente facile
    facilmente gentile cortese disponibile consiglio consigliato consiglierei piacevole comodo efficiente
    professionale affidabile grazie ringrazio utile chiaro puntuale preciso risolto sistemato
    funzionale carino simpatico competente gradito apprezzato apprezzo qualità conveniente pratico
    intuitivo cordiale tempestivo felicemente contentissimo bravo bravi brava brave ringraziamo ringraziare
    consigliatissimo soddisfazione gentilezza cortesia professionalità disponibilità velocità puntualità
    ben funzionante robusto solido elegante curato pulito fresco integro comodissimo vantaggioso
    risolvere risolta aiutato aiuto aiutare sorriso piacere accurato attento premuroso`,
  1: `ok discreto sufficiente accettabile normale semplice corretto funziona funzionava arrivato
    economico migliorato meglio giusto interessante piace piaciuto piaciuta carina adeguato regolare
    conforme ricevuto consegnato`,
  [-1]: `lento lentamente ritardo ritardi ritardato tardi confuso complicato difficile caro costoso
    mediocre problema problemi errore errori mancante sbagliato strano attesa aspettare aspettato
    fastidioso scomodo vecchio lentezza attese complicazione complicazioni dubbio dubbi incerto
    insufficiente limitato rumoroso caotico disorganizzato confusione macchiato ammaccato lamentare
    lamento scarsa scarsamente aspettando`,
  [-2]: `male brutto cattivo scarso insoddisfatto scontento rotto danneggiato difettoso guasto
    maleducato scortese inutile deluso deludente delusione frustrante arrabbiato triste fallito perso
    smarrito annullato rimborso reclamo lamentela inaccettabile sporco bloccato ignorato peggio peggiore
    sgarbato incompetente sprecato spreco odio difetto difetti graffiato rotte rovinato rovinata
    sbagliata sbagliati deludenti malfunzionamento malfunzionante inaffidabile irraggiungibile
    arrabbiata insoddisfazione maleducazione scortesia negligente negligenza trascurato perdita
    fregatura annullare restituire reso resi rimborsare mancato smarrita dimenticato dimenticata
    irrisolto irrisolta disservizio inefficiente ingannevole falso falsa`,
  [-3]: `pessimo terribile orribile schifo schifoso vergogna vergognoso truffa disastro disastroso
    pessimamente indecente inqualificabile furioso assurdo ridicolo vergognosa incubo spazzatura
    rubato malissimo schifezza vergognoso orrendo atroce penoso imbarazzante inammissibile
    scandaloso scandalo ladri truffatori pessima pessimi mostruoso`,
};

export const IT_NEGATIONS: readonly string[] = ['non', 'mai', 'nessuno', 'nessuna', 'niente', 'nulla', 'né', 'ne', 'senza', 'neanche', 'nemmeno', 'neppure'];

/** Word → multiplier on the next sentiment word. */
export const IT_INTENSIFIERS: Readonly<Record<string, number>> = {
  molto: 1.5, davvero: 1.5, veramente: 1.5, proprio: 1.3, estremamente: 2, super: 1.5, troppo: 1.3, così: 1.3, cosi: 1.3,
  assolutamente: 1.8, totalmente: 1.5, completamente: 1.6, particolarmente: 1.4, abbastanza: 0.8, poco: 0.6, leggermente: 0.6,
};

/** Common function words that tell Italian from English. */
export const IT_STOPWORDS: readonly string[] = ['il', 'lo', 'la', 'gli', 'le', 'di', 'e', 'è', 'che', 'un', 'una', 'per', 'non', 'con', 'mi', 'ha', 'ho', 'sono', 'del', 'della', 'al', 'da', 'ma', 'molto', 'mai', 'nel', 'si', 'questo', 'anche'];
