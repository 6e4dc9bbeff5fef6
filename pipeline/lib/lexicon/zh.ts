// Chinese wording of enforcement figures, as police bulletins (警情通报), ministry press
// conferences and provincial reports write them: "抓获犯罪嫌疑人1.2万余名", "冻结涉案资金3.5亿元",
// "打掉犯罪团伙逾500个". The verbs and nouns map onto the same groups and classes as the English
// lexicon (en.ts), so one table (MEASURE_BY_CLASS_AND_VERB) decides the measure in both languages.
import type { MoneyCue, NounClass, Qualifier, VerbGroup } from './en.js';

/** Verbs (and the nouns of their acts) by what they do to the counted thing. A verb may act on several classes. */
export const ZH_VERBS: Record<VerbGroup, string[]> = {
  arrest: ['抓获', '抓捕', '逮捕', '缉捕', '捕获', '拘捕', '批捕', '缉拿', '查获犯罪嫌疑人'],
  detain: ['刑事拘留', '刑拘', '拘留', '羁押', '采取刑事强制措施', '强制措施'],
  sentence: ['判处', '判决', '宣判', '判刑', '有罪判决', '定罪'],
  punish: ['行政处罚', '处罚', '行政拘留', '治安处罚', '惩戒'],
  repatriate: ['押解回国', '遣返', '引渡', '劝返', '押解', '移交我方'],
  investigate: ['立案', '侦办', '查处', '办理', '受理', '起诉', '移送起诉', '审查起诉', '发起'],
  solve: ['破获', '侦破', '破案', '告破'],
  dismantle: ['打掉', '摧毁', '打垮', '端掉', '铲除', '捣毁', '打击'],
  raid: ['捣毁', '端掉', '打掉', '查处', '摧毁'],
  close: ['关停', '关闭', '封堵', '下架', '取缔', '处置'],
  check: ['检查', '排查', '巡查', '核查', '监测'],
  remove: ['清理', '删除', '处置', '屏蔽', '清除'],
  seize: ['缴获', '查获', '扣押', '收缴', '查扣', '封禁', '封停', '冻结', '处置', '关停', '清理'],
};

/** Counted nouns by class (the measure word after the number also tells the class: ZH_MEASURE_WORDS). */
export const ZH_NOUNS: Record<NounClass, string[]> = {
  person: ['犯罪嫌疑人', '嫌疑人', '嫌犯', '人员', '被告人', '违法人员', '涉案人员', '违法犯罪人员', '团伙成员', '骨干', '主犯'],
  case: ['案件', '刑事案件', '案'],
  group: ['团伙', '犯罪团伙', '犯罪集团', '犯罪组织', '犯罪网络', '组织'],
  den: ['窝点', '据点', '基地', '机房', '工作室', '诈骗窝点'],
  website: ['网站', '网址', 'APP', 'App', 'app', '应用', '平台', '小程序', '域名'],
  content: ['信息', '有害信息', '违法信息', '帖文', '帖子', '视频', '谣言', '图片', '文章', '评论', '公民个人信息'],
  account: ['账号', '帐号', '网络账号', '账户', '银行账户', '支付账户'],
  item: ['手机卡', '电话卡', '银行卡', '物联网卡', '卡', '手机', '电脑', '设备', '物品', '枪支', '子弹', '猫池', '服务器', '作案工具'],
};

/** Measure words after the number and the class they count (个, 家 count anything: no class). */
export const ZH_MEASURE_WORDS: Record<string, NounClass> = {
  起: 'case', 宗: 'case', 件: 'case', 名: 'person', 人: 'person', 张: 'item', 部: 'item', 台: 'item', 套: 'item',
  条: 'content', 处: 'den',
};

/** Money cues; a verb of the authorities (冻结 ...) beats a noun of the case (涉案资金) in its clause. */
export const ZH_MONEY_VERBS: Record<Exclude<MoneyCue, 'not_enforcement'>, string[]> = {
  assets_frozen: ['冻结', '止付', '返还', '追缴', '挽回', '查封', '扣押', '追赃', '挽损', '拦截', '收缴', '没收', '避免'],
  amount_involved: [],
  criminal_proceeds: ['非法获利', '获利', '违法所得', '非法所得', '牟利'],
  victim_losses: ['损失', '被骗'],
};
export const ZH_MONEY_NOUNS: Record<Exclude<MoneyCue, 'not_enforcement'>, string[]> = {
  assets_frozen: [],
  amount_involved: ['涉案金额', '涉案资金', '涉及金额', '涉案流水', '流水', '金额', '资金', '涉案'],
  criminal_proceeds: [],
  victim_losses: ['经济损失'],
};

/** Qualifier words before the number (after it, 余 / 多 / 以上 mean over; the number reader marks 余). */
export const ZH_QUALIFIERS_BEFORE: Record<Exclude<Qualifier, 'exact'>, string[]> = {
  over: ['逾', '超过', '超', '以上'],
  under: ['近', '将近', '接近', '不到'],
  about: ['约', '大约', '左右'],
};
export const ZH_QUALIFIERS_AFTER: Record<Exclude<Qualifier, 'exact'>, string[]> = {
  over: ['余', '多', '以上'],
  under: [],
  about: ['左右'],
};

/** Nouns that make a count not an enforcement figure ("网民规模达10.79亿人"). */
export const ZH_NON_FIGURE_NOUNS: string[] = ['网民', '人口', '用户', '受害人', '被害人', '群众', '民警', '警力', '人次'];

/** "The whole province / city / region": the figure is the region's the document is about (全省共抓获...). */
export const ZH_REGION_WIDE_MARKERS: string[] = ['全省', '全市', '全区', '全自治区', '全州'];

/** Nouns after 个 / 家 that count places, not enforcement ("在10个省份抓获"). */
export const ZH_PLACE_COUNT_NOUNS: string[] = ['省份', '省', '城市', '地市', '国家', '地区', '县', '市', '区县', '部门'];
