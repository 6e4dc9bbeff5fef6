// English wording of crackdown reporting, as data. The extractor's logic is language-neutral: it
// asks this table which words name a counted thing, which verbs act on it, which words qualify a
// number. A Chinese lexicon with the same shape can sit beside this one.
//
// Every entry is lower case; multi-word entries match across single spaces. List inflected forms
// explicitly (no stemming), so that what matches is exactly what is written here.
import { wordTable } from './table.js';

/** What a counted noun denotes. `event` nouns name the enforcement act itself ("15K arrests"). */
export type NounClass = 'person' | 'case' | 'group' | 'den' | 'website' | 'content' | 'account' | 'item';

/** Verb groups: what was done to the counted thing. */
export type VerbGroup =
  | 'arrest' | 'detain' | 'sentence' | 'punish' | 'repatriate'
  | 'investigate' | 'solve' | 'dismantle' | 'raid' | 'close' | 'check' | 'remove' | 'seize';

export type Measure =
  | 'persons_arrested' | 'persons_detained' | 'persons_sentenced' | 'persons_punished' | 'persons_repatriated'
  | 'cases_investigated' | 'cases_solved' | 'gangs_dismantled' | 'dens_raided' | 'websites_investigated'
  | 'websites_closed' | 'content_removed' | 'accounts_seized' | 'items_seized'
  | 'amount_involved' | 'criminal_proceeds' | 'assets_frozen' | 'victim_losses';

export type MoneyCue = 'amount_involved' | 'criminal_proceeds' | 'assets_frozen' | 'victim_losses' | 'not_enforcement';

export type Qualifier = 'exact' | 'about' | 'over' | 'under';

export const UNIT_OF_CLASS: Record<NounClass, string> = {
  person: 'people',
  case: 'cases',
  group: 'groups',
  den: 'sites',
  website: 'sites',
  content: 'items',
  account: 'accounts',
  item: 'items',
};

/** Nouns that name what a number counts. */
export const COUNTED_NOUNS: Record<NounClass, string[]> = {
  person: [
    'gang members', 'gang leaders', 'ring members', 'group members', 'gang bosses', 'crime bosses', 'people', 'persons', 'person', 'suspects', 'suspect', 'individuals', 'criminals', 'criminal suspects', 'members',
    'fraudsters', 'scammers', 'hackers', 'thugs', 'offenders', 'perpetrators', 'culprits', 'men', 'women',
    'nationals', 'citizens', 'foreigners', 'gangsters', 'operators', 'employees', 'workers', 'ringleaders',
    'masterminds', 'fugitives', 'defendants', 'accomplices', 'lawbreakers', 'cybercriminals', 'netizens', 'users',
    'residents', 'activists', 'lawyers', 'dealers', 'sellers', 'traffickers', 'money mules', 'mules', 'staff',
    'others', 'juveniles', 'minors', 'officials', 'officers', 'agents', 'hacker', 'criminal', 'man', 'woman',
    'guards', 'security guards', 'account holders', 'recruiters', 'accused',
  ],
  case: [
    'cases', 'case', 'criminal cases', 'incidents', 'crimes', 'offences', 'offenses', 'investigations',
    // India: a case is registered as a First Information Report.
    'firs', 'fir', 'first information reports',
  ],
  group: [
    'gangs', 'gang', 'rings', 'ring', 'groups', 'group', 'organisations', 'organizations', 'organization',
    'organisation', 'syndicates', 'syndicate', 'networks', 'crime groups', 'criminal groups', 'cartels',
    'teams', 'clans', 'outfits', 'crews', 'crew', 'cells', 'gangs and', 'mafias', 'triads', 'criminal organisations',
  ],
  den: [
    'dens', 'den', 'bases', 'base', 'hideouts', 'hideout', 'warehouses', 'warehouse', 'call centres', 'call centers',
    'call centre', 'call center', 'compounds', 'workshops', 'factories', 'premises', 'strongholds', 'nests', 'lairs',
    'studios', 'locations', 'venues', 'internet cafes', 'dens and', 'parks', 'scam centres', 'scam centers',
    'hubs', 'scam hubs', 'pogo hubs',
  ],
  website: [
    'websites', 'website', 'sites', 'site', 'web sites', 'web pages', 'webpages', 'apps', 'app', 'applications',
    'platforms', 'platform', 'domains', 'domain names', 'forums', 'online forums', 'portals', 'mini programs',
    'mini-programs', 'channels', 'chat groups',
  ],
  content: [
    'messages', 'message', 'posts', 'post', 'items of information', 'pieces of information', 'information',
    'items of harmful information', 'pieces of harmful information', 'videos', 'images', 'pictures', 'photos',
    'articles', 'links', 'comments', 'rumors', 'rumours', 'ads', 'advertisements', 'adverts', 'entries',
    'pieces of content', 'items of content', 'content', 'livestreams', 'short videos', 'files', 'microblogs',
    'weibo posts', 'tweets',
  ],
  account: [
    'accounts', 'account', 'online accounts', 'social media accounts', 'user accounts', 'profiles', 'handles',
    'bank accounts', 'ids', 'usernames',
  ],
  item: [
    'items', 'pieces', 'goods', 'products', 'sim cards', 'phone cards', 'bank cards', 'phones', 'mobile phones',
    'cellphones', 'computers', 'laptops', 'devices', 'guns', 'firearms', 'weapons', 'bullets', 'rounds',
    'accessories', 'cards', 'routers', 'modems', 'hard drives', 'tools', 'equipment', 'sets', 'units', 'boxes',
    'drugs', 'tablets', 'pills', 'counterfeits', 'copies', 'discs', 'dvds', 'gadgets', 'machines', 'vehicles', 'cars',
    'gold bars', 'cartons', 'servers', 'cosmetics', 'handsets', 'smartphones', 'sim boxes', 'cameras',
    // Singulars, as machine translation writes them before a number ("bank card 12,000 Zhang").
    'mobile phone', 'phone', 'bank card', 'computer', 'sim card', 'gun', 'bullet', 'cellphone', 'card', 'device',
    'server', 'vehicle', 'imitation guns', 'imitation gun',
  ],
};

/** Nouns that name the enforcement act and so fix the measure on their own ("15K arrests"). */
export const EVENT_NOUNS: Record<string, Measure> = wordTable({
  arrests: 'persons_arrested',
  arrest: 'persons_arrested',
  apprehensions: 'persons_arrested',
  detentions: 'persons_detained',
  convictions: 'persons_sentenced',
  sentences: 'persons_sentenced',
  'prison sentences': 'persons_sentenced',
  raids: 'dens_raided',
  extraditions: 'persons_repatriated',
  deportations: 'persons_repatriated',
  repatriations: 'persons_repatriated',
  prosecutions: 'cases_investigated',
  indictments: 'cases_investigated',
  takedowns: 'websites_closed',
  seizures: 'items_seized',
});

/** Nouns that make a count NOT an enforcement outcome even with a verb nearby. */
export const NON_FIGURE_NOUNS: string[] = [
  'internet users', 'netizens', 'population', 'inhabitants', 'residents', 'subscribers', 'mobile users',
  'social security numbers', 'records', 'fingerprint records', 'forms', 'passwords', 'credentials',
  'cities', 'provinces', 'countries', 'regions', 'municipalities', 'counties', 'districts', 'categories', 'types',
  'kinds', 'years', 'months', 'weeks', 'days', 'hours', 'minutes', 'times', 'percent', 'per cent', 'percentage points',
  'points', 'votes', 'followers', 'downloads', 'views', 'visits', 'loan apps', 'other loan apps', 'articles of',
  'police officers', 'policemen', 'police', 'investigators', 'officers and', 'specialists', 'experts',
  'prior convictions', 'previous convictions', 'criminal records', 'victims', 'machines', 'computers infected',
];

/**
 * Phrases that hold an enforcement verb but name something else ("arrest warrants for 10 members"):
 * matched with the verbs so that the longer phrase wins, and standing for no verb group.
 */
export const NON_ENFORCEMENT_VERB_PHRASES: string[] = [
  'arrest warrant', 'arrest warrants', 'warrants for the arrest', 'wanted for arrest', 'arrest order', 'arrest orders',
];

/** Verbs and nominal forms, grouped by what they do. */
export const VERBS: Record<VerbGroup, string[]> = {
  arrest: [
    'arrested', 'arrest', 'arresting', 'arrests', 'apprehended', 'apprehend', 'apprehending', 'nabbed', 'nab',
    'caught', 'catch', 'captured', 'capturing', 'rounded up', 'round up', 'netted', 'collared', 'took into custody',
    'taken into custody', 'busted', 'picked up', 'arrests', 'nets', 'net', 'busts', 'bust', 'nabs', 'catches',
    'captures', 'round-up', 'rounds up', 'apprehends', 'snared', 'snares', 'hauled in', 'bagged',
  ],
  detain: [
    'detained', 'detain', 'detaining', 'detention', 'criminal detention', 'in custody', 'under detention',
    'criminal coercive measures', 'coercive measures', 'placed under', 'locked up', 'held', 'holding', 'detains',
    'being held', 'under arrest', 'taken away',
  ],
  sentence: [
    'sentenced', 'sentencing', 'convicted', 'jailed', 'imprisoned', 'found guilty', 'prison terms', 'prison',
    'jail', 'given prison', 'handed prison', 'convicts', 'convict', 'jails', 'sentences', 'sentence', 'imprisons',
  ],
  punish: [
    'punished', 'punishment', 'punishing', 'penalized', 'penalised', 'penalties', 'fined', 'administrative penalties',
    'administrative punishment', 'disciplined', 'warned', 'punishments', 'administrative punishments',
    'administrative sanctions', 'administratively punished', 'administratively detained',
  ],
  repatriate: [
    'repatriated', 'repatriate', 'repatriation', 'returned', 'extradited', 'extradition', 'escorted back', 'escorted',
    'handed over', 'deported', 'brought back', 'sent back', 'transferred back', 'flown back', 'repatriates',
    'extradites', 'deports', 'returns', 'escorted home', 'sent home', 'flew back', 'flown', 'brings back',
    'bring back', 'bringing back', 'flew', 'fly', 'flies', 'persuaded to return', 'persuaded back', 'persuaded', 'persuading',
    'persuade back', 'urged to return', 'surrendered', 'returned to china', 'return',
  ],
  investigate: [
    'investigated', 'investigate', 'investigating', 'investigation', 'investigations', 'investigation of',
    'investigations of', 'filed', 'opened', 'handled', 'probed', 'probing', 'placed on file', 'registered', 'looked into',
    'launched investigations', 'dealt with', 'prosecuted', 'prosecuting', 'uncovered', 'detected', 'exposed',
    'initiated', 'accepted', 'investigates', 'probes', 'files', 'handles', 'probe', 'probe into', 'opens',
    'linked to', 'linked', 'connected to', 'tied to',
    'referred', 'transferred', 'handed to prosecutors', 'prosecution', 'registered for investigation',
  ],
  solve: [
    'cracked', 'crack', 'cracking', 'solved', 'solving', 'cleared', 'broke', 'broken', 'busted', 'busting', 'smashed',
    'resolved', 'concluded', 'closed', 'wrapped up', 'crack down', 'cracked down', 'cracks', 'solves', 'busts',
    'bust', 'breaks', 'clears',
  ],
  dismantle: [
    'dismantled', 'dismantle', 'dismantling', 'busted', 'busting', 'smashed', 'smashing', 'destroyed', 'destroying',
    'destruction', 'broke up', 'broken up', 'break up', 'took down', 'taken down', 'cracked', 'cracking', 'eliminated',
    'wiped out', 'crushed', 'uprooted', 'disrupted', 'dismantlement', 'cracked down on', 'knocked out', 'shattered',
    'rooted out', 'struck', 'raided', 'neutralised', 'neutralized', 'busts', 'bust', 'smashes', 'dismantles',
    'breaks up', 'cracks', 'destroys', 'takes down', 'smash', 'crushes',
  ],
  raid: [
    'raided', 'raid', 'raiding', 'stormed', 'storming', 'destroyed', 'destroying', 'busted', 'busting', 'smashed',
    'smashing', 'shut down', 'closed', 'demolished', 'searched', 'swooped on', 'targeted', 'cracked', 'dismantled',
    'uprooted', 'eliminated', 'broke up', 'ferreted out', 'wiped out', 'seized', 'raids', 'busts', 'bust',
    'smashes', 'destroys', 'storms', 'shuts', 'closes',
  ],
  close: [
    'closed', 'close', 'closing', 'shut down', 'shutdown', 'shut', 'shuttered', 'suspended', 'blocked', 'removed',
    'taken down', 'took down', 'banned', 'taken offline', 'cleaned up', 'disabled', 'deleted', 'dealt with',
    'punished', 'closure', 'closures', 'revoked', 'delisted', 'rectified', 'shutting down', 'blocking', 'control',
    'terminated', 'cancelled', 'canceled', 'seized', 'destroyed', 'dismantled', 'knocked offline', 'pulled',
    'closes', 'shuts', 'shuts down', 'blocks', 'bans', 'suspends', 'suspend', 'suspend services', 'suspending',
    'stop service', 'stopped service', 'stop services', 'go offline', 'went offline', 'offline', 'removes',
    'takes down', 'deletes', 'cleans up', 'shut-down', 'closed down',
  ],
  check: [
    'investigated', 'investigating', 'checked', 'checking', 'analyzed', 'analysed', 'inspected', 'examined',
    'monitored', 'scanned', 'reviewed', 'looked into', 'probed', 'audited', 'screened', 'visited', 'summoned',
    'interviewed', 'inspection', 'inspections', 'investigation', 'investigations', 'checks', 'inspects',
    'investigates', 'probes', 'scans', 'examines', 'analyses', 'analyzes',
  ],
  remove: [
    'deleted', 'removed', 'cleaned up', 'clean up', 'cleaning up', 'scrubbed', 'took down', 'taken down', 'purged',
    'blocked', 'dealt with', 'deleting', 'removing', 'erased', 'censored', 'wiped', 'filtered', 'handled',
    'removal', 'deletion', 'cleaned', 'deletes', 'delete', 'removes', 'remove', 'scrubs', 'scrub', 'purges',
    'cleans up', 'takes down', 'blocks',
  ],
  seize: [
    'seized', 'seize', 'seizing', 'seizure', 'confiscated', 'confiscating', 'collected', 'collection', 'found',
    'recovered', 'intercepted', 'closed', 'banned', 'suspended', 'blocked', 'shut', 'shut down', 'frozen', 'froze',
    'deleted', 'cancelled', 'canceled', 'impounded', 'captured', 'discovered', 'destroyed', 'dealt with',
    'cleaned up', 'removed', 'disabled', 'terminated', 'handled', 'seizes', 'confiscates', 'bans', 'closes',
    'freezes', 'blocks', 'suspends', 'shuts down', 'haul', 'netted', 'nets', 'displayed', 'display', 'displays',
  ],
};

/** Which measure a noun class takes under each verb group (absent = not a figure). */
export const MEASURE_BY_CLASS_AND_VERB: Record<NounClass, Partial<Record<VerbGroup, Measure>>> = {
  person: {
    arrest: 'persons_arrested', detain: 'persons_detained', sentence: 'persons_sentenced', punish: 'persons_punished',
    repatriate: 'persons_repatriated',
  },
  case: { investigate: 'cases_investigated', solve: 'cases_solved' },
  group: { dismantle: 'gangs_dismantled' },
  den: { raid: 'dens_raided' },
  website: { close: 'websites_closed', check: 'websites_investigated' },
  content: { remove: 'content_removed' },
  account: { seize: 'accounts_seized' },
  item: { seize: 'items_seized' },
};

/** Words before a number that qualify it, longest first where they overlap. */
export const QUALIFIERS_BEFORE: Record<Exclude<Qualifier, 'exact'>, string[]> = {
  under: [
    'nearly', 'almost', 'close to', 'up to', 'just under', 'just shy of', 'fewer than', 'less than', 'under',
    'as many as', 'not quite', 'nigh on', 'approaching', 'short of', 'below', 'at most', 'no more than',
  ],
  over: [
    'more than', 'over', 'at least', 'in excess of', 'upwards of', 'upward of', 'above', 'exceeding', 'greater than',
    'no fewer than', 'no less than', 'not less than', 'well over', 'well above', 'just over', 'beyond', 'more that',
    'a minimum of', 'more then', 'excess of',
  ],
  about: [
    'about', 'around', 'roughly', 'some', 'approximately', 'approx', 'approx.', 'an estimated', 'estimated', 'circa',
    'nearly about', 'an approximate', 'in the region of', 'on the order of', 'or so', 'close on',
  ],
};

/** Words after a number that qualify it ("3,000-plus" is read by the number reader). */
export const QUALIFIERS_AFTER: Record<Exclude<Qualifier, 'exact'>, string[]> = {
  under: [],
  over: ['or more', 'and more', 'and above', 'plus', 'odd', 'more than', 'or above', 'and over'],
  about: ['or so', 'odd'],
};

/** Currency words after a number ("700 million yuan"), mapped to ISO 4217. */
export const CURRENCY_WORDS: Record<string, string> = wordTable({
  yuan: 'CNY', renminbi: 'CNY', rmb: 'CNY', cny: 'CNY', 'chinese yuan': 'CNY', 元: 'CNY',
  'us dollars': 'USD', 'u.s. dollars': 'USD', 'american dollars': 'USD', dollars: 'USD', dollar: 'USD', usd: 'USD', 'us$': 'USD',
  'hong kong dollars': 'HKD', 'hk dollars': 'HKD', hkd: 'HKD',
  'new taiwan dollars': 'TWD', 'taiwan dollars': 'TWD', 'nt dollars': 'TWD', twd: 'TWD',
  'singapore dollars': 'SGD', sgd: 'SGD', 'australian dollars': 'AUD', aud: 'AUD', 'canadian dollars': 'CAD',
  euros: 'EUR', euro: 'EUR', eur: 'EUR', pounds: 'GBP', 'pounds sterling': 'GBP', sterling: 'GBP', gbp: 'GBP',
  rupees: 'INR', rupee: 'INR', inr: 'INR', pesos: 'PHP', 'philippine pesos': 'PHP', php: 'PHP', baht: 'THB', thb: 'THB',
  ringgit: 'MYR', myr: 'MYR', won: 'KRW', krw: 'KRW', yen: 'JPY', jpy: 'JPY', dong: 'VND', vnd: 'VND', riel: 'KHR',
  rubles: 'RUB', roubles: 'RUB', rub: 'RUB', rupiah: 'IDR', idr: 'IDR', kyat: 'MMK', 'macau patacas': 'MOP', patacas: 'MOP',
  bitcoin: 'XBT', bitcoins: 'XBT',
});

/** Words near a money amount that say what the money is. Nearest cue wins. */
export const MONEY_CUES: Record<MoneyCue, string[]> = {
  amount_involved: [
    'involving', 'involved', 'involves', 'worth', 'valued at', 'value', 'amount', 'amounting to', 'amounted to',
    'turnover', 'transactions', 'transaction', 'flow of funds', 'funds', 'laundering', 'laundered', 'money laundering',
    'sum', 'sums', 'totalling', 'totaling', 'scale of', 'bets', 'wagers', 'wagered', 'gambling funds', 'capital',
    'moved', 'processed', 'fraud of', 'holding', 'containing', 'handled', 'handling', 'channelled', 'channeled',
    'funnelled', 'funneled', 'washed', 'siphoned',
    // After the amount: "$1.2bn fraud ring", "a 300 million yuan scam".
    'fraud ring', 'fraud', 'scam', 'scams', 'scheme', 'ponzi scheme', 'pyramid scheme', 'racket', 'gambling ring',
  ],
  criminal_proceeds: [
    'profit', 'profits', 'proceeds', 'earned', 'earning', 'made', 'making', 'illegal gains', 'illicit gains', 'gains',
    'raked in', 'pocketed', 'revenue', 'revenues', 'income', 'illegal income', 'reaped', 'netted', 'gained', 'profited',
  ],
  assets_frozen: [
    'froze', 'frozen', 'freezing', 'freeze', 'seized', 'seizing', 'seizure', 'confiscated', 'confiscation', 'recovered',
    'recovering', 'recovery', 'intercepted', 'intercepting', 'retrieved', 'clawed back', 'returned', 'recouped',
    'blocked', 'stopped', 'halted payments', 'restored', 'refunded', 'salvaged', 'recover', 'retrieving',
    'retrieve', 'recovers', 'freezes', 'seizes', 'confiscates', 'recouping', 'clawing back',
    'interception', 'interceptions', 'intercept', 'seizures', 'attached', 'attachment of',
  ],
  victim_losses: [
    'lost', 'losses', 'loss', 'losing', 'cheated of', 'cheated out of', 'swindled out of', 'scammed out of',
    'defrauded of', 'duped out of', 'economic losses', 'damage', 'damages', 'stolen', 'stole', 'defrauding',
    'defrauded', 'swindling', 'swindled', 'cheated', 'cheating', 'conned', 'fleeced', 'scammed', 'duped',
    'made to transfer', 'made to pay', 'forced to transfer', 'forced to pay', 'tricked into paying',
    'tricked into transferring', 'duped into paying', 'cost victims', 'costing victims', 'cost its victims', 'cost their victims', 'cost residents', 'cost consumers',
  ],
  not_enforcement: [
    'borrowed', 'borrow', 'loan', 'loans', 'owed', 'owe', 'owes', 'debt', 'debts', 'repay', 'repaid', 'salary',
    'salaries', 'wage', 'wages', 'pay', 'paid', 'budget', 'invest', 'invested', 'investment', 'reward', 'rewards',
    'bounty', 'prize', 'price', 'priced', 'fee', 'fees', 'transferred', 'sent', 'cost', 'costs', 'economy', 'rent', 'gdp', 'market', 'spending',
    'spent', 'fine of', 'fined', 'bail', 'deposit', 'charged', 'commission', 'commissions', 'subsidy', 'worth of',
    'market value', 'market capitalisation', 'market capitalization', 'market cap', 'valuation', 'valued by investors',
  ],
};

/**
 * Translated Chinese measure words that stand between a number and nothing ("bank card 12,000 Zhang",
 * "mobile phone 4,300 more department", "suspects 17 name"): the counted noun is the one before.
 */
export const CLASSIFIER_WORDS: string[] = [
  'zhang', 'department', 'departments', 'branch', 'branches', 'name', 'names', 'tai', 'ge', 'jia', 'ming', 'bu', 'tiao',
  'article', 'articles', 'family', 'families', 'paragraph', 'paragraphs', 'seat', 'only', 'root',
];

/** People counted around these words are victims, not suspects: "100,000 people were held by scam gangs". */
export const VICTIM_CONTEXT: string[] = [
  'by scam gangs', 'by the gangs', 'by gangs', 'by criminal gangs', 'by fraud gangs', 'by syndicates', 'held captive',
  'held in compounds', 'held in scam compounds', 'held at compounds', 'held in such', 'held in scam',
  'trafficked', 'lured', 'forced to', 'trapped', 'rescued', 'freed', 'enslaved', 'kidnapped', 'tricked', 'victims',
  'victim', 'held hostage', 'held against their will',
  // People who were NOT caught or are no longer held.
  'at large', 'on the run', 'still wanted', 'remain at large', 'fled', 'escaped', 'released on bail', 'were released',
  'been released', 'not arrested', 'evaded arrest',
];

/** Phrases that make a figure province-wide: it applies to the province the document is about. */
export const REGION_WIDE_MARKERS: string[] = [
  'across the province', 'province-wide', 'provincewide', 'throughout the province', 'the whole province',
  'the whole region', 'across the region', 'throughout the region', 'region-wide', 'the whole city', 'across the city',
  'citywide', 'city-wide', 'whole autonomous region',
];

/** Phrases that make a figure nationwide even where a region was named nearby. */
export const NATIONWIDE_MARKERS: string[] = [
  'nationwide', 'across the country', 'across china', 'throughout the country', 'all over the country',
  'countrywide', 'country-wide', 'in the whole country', 'across the nation', 'nation-wide', 'national total',
  'in total nationwide', 'around the country', 'all over china', 'throughout china',
];

/** Weak money cues: a nearer one of these yields to an enforcement verb earlier in the clause ("seized assets worth X"). */
export const WEAK_MONEY_CUES: string[] = [
  'worth', 'valued at', 'value', 'holding', 'containing', 'funds', 'involved', 'losses', 'economic losses', 'loss',
  'totalling', 'totaling', 'amount', 'sum', 'sums', 'damage',
];

/** Agencies and words that, with no country named, place a document in a country. */
export const COUNTRY_CUES: Record<string, string> = wordTable({
  'ministry of public security': 'CN', 'public security': 'CN', 'cyberspace administration': 'CN', xinhua: 'CN',
  "supreme people's procuratorate": 'CN', "supreme people's court": 'CN', procuratorate: 'CN', "people's court": 'CN',
  'global times': 'CN', 'china daily': 'CN', cgtn: 'CN', "people's daily": 'CN', yuan: 'CN', rmb: 'CN', mps: 'CN',
  'public security organs': 'CN', 'public security bureau': 'CN', 'ministry of state security': 'CN',
  // Elsewhere: national currencies and the numbering words and agencies only one country uses.
  rupees: 'IN', crore: 'IN', lakh: 'IN', 'enforcement directorate': 'IN', 'central bureau of investigation': 'IN',
  naira: 'NG', efcc: 'NG', 'economic and financial crimes commission': 'NG', ringgit: 'MY', baht: 'TH',
  'philippine pesos': 'PH', 'philippine national police': 'PH', fbi: 'US', 'federal bureau of investigation': 'US',
  'national crime agency': 'GB', 'action fraud': 'GB',
});

/**
 * Currencies of a single country (ISO 4217 -> ISO 3166-1): a money figure in one, with no place
 * named around it, applies in that country ("the gang cost victims Rs 50 crore"). Currencies that
 * reporting uses across borders (USD, EUR) are left out.
 */
export const COUNTRY_OF_CURRENCY: Record<string, string> = wordTable({
  CNY: 'CN', INR: 'IN', NGN: 'NG', PHP: 'PH', THB: 'TH', MYR: 'MY', IDR: 'ID', KRW: 'KR', JPY: 'JP', VND: 'VN',
  KHR: 'KH', MMK: 'MM', GBP: 'GB', RUB: 'RU', SGD: 'SG', AUD: 'AU', CAD: 'CA', NZD: 'NZ', BRL: 'BR', ZAR: 'ZA',
  CHF: 'CH', TWD: 'TW', HKD: 'CN-HK', MOP: 'CN-MO',
});

/** Nouns an authority's nationality adjective stands before ("Cambodian police"): the acting country. */
export const AUTHORITY_NOUNS: string[] = [
  'police', 'authorities', 'officers', 'law enforcement', 'court', 'courts', 'prosecutors', 'government', 'officials',
  'security forces', 'immigration', 'investigators', 'agents', 'army', 'military', 'troops', 'regulators', 'cops',
];

/** Words before a place name that make it an origin or destination, not where the figure applies. */
export const NON_LOCATIVE_BEFORE: string[] = [
  'from', 'to', 'into', 'toward', 'towards', 'via', 'back from', 'born in', 'with', 'border with', 'bordering', 'near',
];

/** Nouns after a place name that make it an attribute of an event, not where a figure applies ("the Tianjin blasts"). */
export const NON_LOCATIVE_AFTER: string[] = [
  'blast', 'blasts', 'explosion', 'explosions', 'disaster', 'earthquake', 'floods', 'flood', 'fire', 'riots', 'riot',
  'protests', 'massacre', 'tragedy', 'accident', 'crash', 'outbreak', 'summit', 'declaration', 'model', 'style',
];

/**
 * The corpus is crackdown reporting about China: a document that names no country at all (a wire
 * brief that only says "police") is taken to report Chinese figures.
 */
export const DEFAULT_COUNTRY = 'CN';

/** Words that stop a noun phrase: after these, the counted noun is not this number's. */
export const NOUN_PHRASE_STOPS: string[] = [
  'and', 'or', 'but', 'who', 'which', 'that', 'were', 'was', 'are', 'is', 'had', 'have', 'has', 'been', 'with',
  'in', 'on', 'at', 'for', 'from', 'by', 'to', 'since', 'after', 'before', 'during', 'while', 'as', 'than', 'over',
  'besides', 'including', 'among', 'alongside',
];
