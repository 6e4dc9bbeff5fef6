// Wording used by the cleaning modules (boilerplate, metadata, sentences), kept apart from the logic
// so another language's lexicon can be added beside it. All phrase matching is case-insensitive.
import { withWordTables } from './lexicon/table.js';

export interface CleanLexicon {
  /** Whole-line page widgets: share/follow bars, players, short-URL buttons, comment prompts. */
  widgetPhrases: readonly string[];
  /** Social platforms and sharing services (a widget bar lists them; "Comment via X" names them). */
  socialPlatforms: readonly string[];
  /** Edition switchers ("Global Edition"). A line made only of these and language names is a bar. */
  editionWords: readonly string[];
  /** Language names as written in language switchers. */
  languageNames: readonly string[];
  /** "Back to top" style anchors. */
  backToTopPhrases: readonly string[];
  /** Headings that open a list of links to other stories. */
  relatedHeadings: readonly string[];
  /**
   * Word stems that crackdown headlines are made of ("police", "arrest", "fraud"): among the lines at
   * the top of a page copied as text, the headline is told from taglines, menus and the outlet's
   * name by them and by its numbers (metadata.ts, headlineEvidence).
   */
  headlineCueStems: readonly string[];
  /** Section names a page shows at its top ("World", "Business"): never the outlet's name. */
  sectionWords: readonly string[];
  /** Prefixes of lines that are site legal notices (licences, registrations, policies). */
  legalLinePrefixes: readonly string[];
  /** Phrases that mark a legal/copyright notice anywhere in a line. */
  legalPhrases: readonly string[];
  /** Lines about comments: counts and closing notices (matched as regex sources, whole line). */
  commentLinePatterns: readonly string[];
  /** Promotional calls to action. */
  promoPhrases: readonly string[];
  /** Words introducing a photo credit ("Photo", "Image"). */
  photoCreditWords: readonly string[];
  /** Labels that introduce a tag list ("Tags:"). */
  tagLabels: readonly string[];
  /** Markers that a date on the line is the publication date. */
  dateMarkers: readonly string[];
  /** Labels that introduce author names. */
  authorLabels: readonly string[];
  /** Labels that introduce the publishing outlet. */
  sourceLabels: readonly string[];
  /**
   * Labels of people credited on the page who are not its authors ("Editor:", "Translator:"):
   * the field is metadata, but its names are never bylines.
   */
  nonAuthorCreditLabels: readonly string[];
  /** Labels of page counters and widgets in a masthead line ("Views: 3,482"): the field is ignored. */
  counterLabels: readonly string[];
  /** Joiners between author names ("A and B"). */
  nameJoiners: readonly string[];
  /** Account names that are not people ("admin"). */
  nonPersonAuthors: readonly string[];
  /** News agencies that appear in datelines such as "BEIJING (Reuters) -". */
  newsAgencies: readonly string[];
  /** Outlet names by web domain label, for when only a self-link shows the publisher. */
  outletsByDomainLabel: Readonly<Record<string, string>>;
  /** Domain labels that never name the publisher (link shorteners, social sites, CDNs). */
  nonPublisherDomainLabels: readonly string[];
  /** Month names and abbreviations, lowercased, to month number. */
  months: Readonly<Record<string, number>>;
  /** Abbreviations that end in a period without ending a sentence (lowercased, without the period). */
  abbreviations: readonly string[];
  /** Abbreviations that are only non-final before a number ("No. 3", "Art. 5"). */
  numberAbbreviations: readonly string[];
}

export const ENGLISH_CLEAN_LEXICON: CleanLexicon = withWordTables({
  widgetPhrases: [
    'share', 'share this', 'share this article', 'share this story', 'share on', 'tweet', 'email', 'e-mail',
    'print', 'follow us', 'follow', 'subscribe', 'listen live', 'listen', 'get short url', 'short url',
    'copy link', 'comment', 'comments', 'discussion', 'community standards', 'view comments',
    'add comment', 'leave a comment', 'leave a reply', 'reply', 'like', 'save', 'bookmark',
    'font size', 'text size', 'a+', 'a-', 'menu', 'search', 'sign in', 'log in', 'login', 'register',
    'newsletter', 'sign up', 'more', 'read more', 'next', 'previous', 'prev', 'advertisement',
    'sponsored', 'skip to content', 'skip to main content', 'home', 'close',
  ],
  socialPlatforms: [
    'facebook', 'twitter', 'x', 'linkedin', 'whatsapp', 'wechat', 'weibo', 'sina weibo', 'reddit',
    'telegram', 'vk', 'vkontakte', 'pinterest', 'tumblr', 'instagram', 'youtube', 'line', 'qq',
    'qzone', 'flipboard', 'pocket', 'mix', 'google+', 'google plus', 'odnoklassniki', 'ok', 'disqus',
    'email', 'rss', 'messenger', 'viber', 'snapchat', 'tiktok', 'douyin', 'mastodon', 'bluesky', 'threads',
  ],
  editionWords: ['edition', 'global', 'international', 'national', 'regional', 'global edition', 'international edition', 'us edition', 'uk edition', 'asia', 'europe', 'africa', 'americas'],
  languageNames: [
    'english', 'français', 'francais', 'español', 'espanol', 'deutsch', 'русский', 'العربية', '中文',
    '中文版', '简体中文', '繁體中文', '日本語', '한국어', 'português', 'italiano', 'türkçe', 'tiếng việt',
    'bahasa indonesia', 'हिन्दी', 'فارسی',
  ],
  backToTopPhrases: ['top', 'back to top', 'back to the top', 'to top', 'go to top', 'scroll to top', '↑', '^'],
  relatedHeadings: [
    'related posts', 'related articles', 'related stories', 'related news', 'related', 'related coverage',
    'you may also like', 'you might also like', 'read also', 'see also', 'more stories', 'more news',
    'recommended', 'recommended for you', 'most popular', 'most read', 'trending', 'latest news',
    'more from', 'further reading', 'popular posts', 'recent posts', 'editor\'s picks',
    'also read', 'must read', 'also see', 'read next', 'related story', 'related article',
  ],
  headlineCueStems: [
    'police', 'arrest', 'crackdown', 'crack', 'fraud', 'scam', 'cyber', 'campaign', 'bust', 'raid', 'seiz',
    'gang', 'suspect', 'operation', 'criminal', 'crime', 'telecom', 'gambl', 'internet', 'online', 'detain',
    'sweep', 'launder', 'ring', 'syndicate', 'hacker', 'repatriat', 'deport', 'freez', 'froze', 'sentenc',
    'convict', 'prosecut', 'clean', 'dens', 'nab', 'probe', 'network', 'results', 'crypto', 'ministry',
    '破获', '抓获', '打击', '专项', '行动', '诈骗', '犯罪', '公安', '警方', '网络', '战果',
  ],
  sectionWords: [
    'world', 'news', 'home', 'china', 'asia', 'business', 'politics', 'opinion', 'latest', 'society', 'nation',
    'national', 'local', 'crime', 'tech', 'technology', 'markets', 'sport', 'sports', 'life', 'culture', 'menu',
    'search', 'top stories', 'breaking news', 'asia pacific', 'law & crime', 'regulation',
  ],
  legalLinePrefixes: [
    'copyright', 'license for', 'licence for', 'registration number', 'registration no', 'icp',
    'terms of use', 'terms of service', 'terms and conditions', 'privacy policy', 'cookie policy',
    'all rights reserved', 'note: browsers', 'powered by', 'contact us', 'about us',
  ],
  legalPhrases: ['all rights reserved', 'without written authorization', 'shall not be republished', 'registration number'],
  commentLinePatterns: [
    '\\d{1,6} (comments?|responses?|replies|reactions?)',
    'comments? (are|is) closed\\.?',
    'no comments( yet)?\\.?',
    'be the first to comment\\.?',
    'comments? via \\S{1,40}',
    'show comments',
  ],
  promoPhrases: ['click here', 'sign up for our newsletter', 'subscribe to our newsletter', 'download our app', 'download the app'],
  photoCreditWords: ['photo', 'photos', 'image', 'images', 'picture', 'pictures', 'file photo', 'video', 'graphic', 'credit', 'photo credit'],
  tagLabels: ['tags', 'tagged', 'tagged with', 'keywords', 'topics', 'filed under', 'filed in', 'posted in', 'categories', 'category'],
  dateMarkers: [
    'updated', 'published', 'posted', 'posted on', 'date', 'released', 'last updated', 'first published', 'time', 'modified',
    // Machine-translated government pages label the date with a noun phrase ("Release time: ...").
    'release time', 'release date', 'released on', 'publish time', 'publish date', 'publishing time', 'publication date',
    'publication time', 'date of publication', 'date published', 'published on', 'updated on', 'issue date', 'issued on', 'issued',
    // Chinese pages: 发布日期：2024年11月8日
    '发布日期', '发布时间', '发稿时间', '更新时间',
  ],
  authorLabels: ['by', 'written by', 'reporter', 'reporters', 'author', 'authors', 'writer', 'reporting by', 'posted by', 'text by', 'story by', '作者', '记者'],
  sourceLabels: ['source', 'from', 'via', 'agency', 'publisher', 'information source', 'article source', 'news source', '来源', '稿源', '信息来源', '出处'],
  nonAuthorCreditLabels: [
    'editor', 'editors', 'editor in charge', 'responsible editor', 'chief editor', 'executive editor', 'duty editor', 'edited by',
    'editing by', 'editing', 'translator', 'translated by', 'proofreader', 'proofread by', 'reviewed by', 'reviewer', 'photographer',
    'photo editor', 'designer', 'producer', '编辑', '责任编辑', '责编', '校对', '审核',
  ],
  counterLabels: ['views', 'view count', 'page views', 'hits', 'clicks', 'reads', 'read count', 'visits', 'font size', 'font', '浏览次数', '浏览量', '阅读量', '阅读', '点击数', '点击', '字号'],
  nameJoiners: ['and', '&'],
  nonPersonAuthors: ['admin', 'administrator', 'editor', 'editors', 'staff', 'staff writer', 'staff reporter', 'guest', 'webmaster', 'newsroom', 'web desk', 'desk', 'team', 'unknown', 'anonymous'],
  newsAgencies: ['Xinhua', 'Reuters', 'AP', 'AFP', 'Bloomberg', 'UPI', 'TASS', 'Sputnik', 'Kyodo', 'Yonhap', 'Bernama', 'ANI', 'PTI', 'IANS', 'CNA', 'dpa', 'EFE', 'ANSA', 'CGTN', 'CNS', 'Interfax', 'RIA Novosti'],
  outletsByDomainLabel: {
    pymnts: 'PYMNTS',
    chinadaily: 'China Daily',
    globaltimes: 'Global Times',
    scmp: 'South China Morning Post',
    xinhuanet: 'Xinhua',
    bbc: 'BBC',
    cnn: 'CNN',
    reuters: 'Reuters',
    zdnet: 'ZDNet',
    securityaffairs: 'Security Affairs',
    sputniknews: 'Sputnik',
    cgtn: 'CGTN',
    ecns: 'ECNS',
    thepaper: 'The Paper',
    sixthtone: 'Sixth Tone',
    caixinglobal: 'Caixin Global',
    theregister: 'The Register',
    bleepingcomputer: 'BleepingComputer',
    therecord: 'The Record',
  },
  nonPublisherDomainLabels: [
    'facebook', 'twitter', 'linkedin', 'youtube', 'instagram', 'google', 'googleapis', 'gstatic', 'wp',
    'wordpress', 'gravatar', 'bit', 'goo', 'tinyurl', 't', 'ow', 'buff', 'addthis', 'sharethis',
    'cloudfront', 'akamaihd', 'amazonaws', 'gov', 'weibo', 'wechat', 'qq', 'reddit', 'pinterest',
    'whatsapp', 'telegram', 'archive', 'doubleclick', 'feedburner', 'schema', 'w3', 'ogp', 'creativecommons',
  ],
  months: {
    january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6,
    july: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9, october: 10, oct: 10,
    november: 11, nov: 11, december: 12, dec: 12,
  },
  abbreviations: [
    'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'gen', 'col', 'lt', 'sgt', 'capt', 'cmdr',
    'rep', 'sen', 'gov', 'govt', "gov't", 'pres', 'supt', 'insp', 'det', 'cpl', 'maj', 'adm', 'hon', 'rev',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
    'e.g', 'i.e', 'etc', 'vs', 'approx', 'est', 'a.m', 'p.m', 'u.s', 'u.k', 'u.n', 'e.u', 'p.r.c',
    'inc', 'ltd', 'co', 'corp', 'bros', 'dept', 'univ', 'assn', 'fig', 'vol', 'ed', 'eds', 'cf', 'al',
  ],
  numberAbbreviations: ['no', 'nos', 'art', 'sec', 'p', 'pp', 'ch', 'para', 'vol', 'fig'],
});
