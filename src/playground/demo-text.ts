/**
 * The words of the demo season (`demo seed`): people's names, project names drawn from the tracks' aspects, and the
 * sentences of reports, self-evaluations and judges' comments, in the register of a city law-enforcement bureau's
 * paperwork. Pure data and small pure helpers; every choice is made with the seeded stream the caller passes, so the
 * same seed always writes the same words.
 *
 * Placeholders in templates: {u} the unit's short name, {k} the project's keyword, {p} a person's name, and numbers
 * drawn afresh at each occurrence: {n} 2-12, {m} 30-600, {q} 5-45 (a percentage), {h} 82-99 (a rate), {t} 1,000-9,000.
 */

export type Rand = () => number;

export const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** `count` different items (fewer when there are not so many), in the order drawn. */
export function pickSome<T>(rand: Rand, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
  return out;
}

const between = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** Fills a template's placeholders: the named values, and numbers drawn at each occurrence. */
export function fill(rand: Rand, template: string, values: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{([a-z])\}/g, (whole, key: string) => {
    if (key in values) return values[key]!;
    switch (key) {
      case 'n':
        return String(between(rand, 2, 12));
      case 'm':
        return String(between(rand, 30, 600));
      case 'q':
        return String(between(rand, 5, 45));
      case 't':
        return String(between(rand, 1000, 9000));
      case 'h':
        return String(between(rand, 82, 99));
      default:
        return whole;
    }
  });
}

// ── people ─────────────────────────────────────────────────────────────────────────────────────────────────────────

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢钟姜崔谭陆范汪廖石金贾夏方邹熊孟秦邱侯江薛顾毛郝龚邵钱戴严孔汤陶俞施',
];
const GIVEN =
  '伟 芳 敏 静 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 华 斌 鹏 辉 颖 琳 倩 蕾 慧 俊 峰 毅 健 波 宁 欣 建华 志强 晓东 海燕 文斌 立新 春梅 玉兰 红梅 卫东 振华 雪梅 晓明 佳怡 浩然 思远 一鸣 嘉诚 婷婷 晨曦 志刚 丽萍 国平 晓燕 永明 海峰 建平 秀珍 俊杰 文静 子豪 梦琪 雨桐 天宇 明辉 亚楠 宏伟 凤英'.split(
    ' ',
  );

/** A Chinese name none of `taken` has; the name is added to `taken`. */
export function personName(rand: Rand, taken: Set<string>): string {
  for (let i = 0; i < 200; i++) {
    const name = pick(rand, SURNAMES) + pick(rand, GIVEN);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  const name = `${pick(rand, SURNAMES)}${pick(rand, GIVEN)}${taken.size}`;
  taken.add(name);
  return name;
}

// ── projects ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** A track's words: project names per aspect (by the aspect's name), and what its reports talk about. */
interface TrackWords {
  names: Record<string, readonly string[]>;
  /** The topic of a person's studio (工作室), for projects led by an individual. */
  studios: readonly string[];
  /** How the summary says the work is done. */
  methods: readonly string[];
  /** Measurable goals. */
  goals: readonly string[];
  /** What a month's report says was done. */
  actions: readonly string[];
  /** Results with figures. */
  results: readonly string[];
}

/** The 2024 file's ten tracks (db/competitions/shanghai-2024.json), by name; other tracks get GENERIC words. */
const TRACKS: Record<string, TrackWords> = {
  深化体制改革: {
    names: {
      制度落实: [
        '{u}街镇综合执法体制改革“回头看”',
        '{u}执法事项清单动态管理机制',
        '“一支队伍管执法”{u}落地实践',
        '{u}下放执法事项承接能力评估',
        '{u}派驻中队“双重管理”制度落实',
        '{u}城管执法协作配合机制建设',
        '{u}街镇执法“权责清单”规范运行',
      ],
      指导监督: [
        '{u}街镇执法队伍业务指导“月督导”',
        '{u}下沉执法力量履职监督',
        '{u}基层执法案件质量“一案一评”',
        '“指导+监督”{u}基层执法规范化',
        '{u}街镇执法队“结对帮带”指导机制',
        '{u}综合执法改革成效评估',
      ],
    },
    studios: ['基层执法指导', '综合执法改革'],
    methods: [
      '梳理街镇综合执法事项，建立“清单+台账”管理',
      '以派驻中队为纽带，推动执法力量向一线下沉',
      '按月开展业务指导和督导检查，形成问题清单并跟踪整改',
    ],
    goals: [
      '街镇执法事项清单动态更新率达到100%',
      '下沉执法队员业务培训覆盖率不低于95%',
      '基层执法案件质量评查优良率提升至{h}%以上',
      '形成可复制推广的制度文件{n}项',
    ],
    actions: [
      '赴{n}个街镇开展业务督导，现场指出问题{m}个',
      '修订《街镇综合执法事项目录》，动态调整事项{n}项',
      '召开街镇执法工作推进会{n}次，协调解决难点问题{n}个',
      '组织派驻中队开展执法案卷交叉评查，抽查案卷{m}件',
    ],
    results: [
      '街镇执法事项承接率达到{h}%，较年初提高{n}个百分点',
      '案卷评查优良率{h}%，同比提升{n}个百分点',
      '形成《街镇执法业务指导手册》等制度成果{n}项',
      '基层执法投诉量同比下降{q}%',
    ],
  },
  法治建设: {
    names: {
      法制指导: [
        '{u}重大执法决定法制审核“清单化”',
        '{u}行政复议应诉案件“以案促改”',
        '{u}执法案卷评查与法制指导',
        '“法制员进中队”{u}法制指导模式',
        '{u}轻微违法行为“首违不罚”清单落实',
        '{u}执法文书规范化指导',
        '{u}城管执法“法律顾问+”服务',
      ],
      法治能力: [
        '{u}执法队员法治能力“大练兵”',
        '{u}“以案释法”法治讲堂',
        '{u}柔性执法“721”工作法深化',
        '{u}行政执法“三项制度”提质增效',
        '{u}模拟法庭与庭审观摩',
        '{u}执法人员法律知识“月考”',
      ],
    },
    studios: ['法制审核', '以案释法'],
    methods: [
      '推行重大执法决定法制审核“清单化”管理',
      '每季度开展执法案卷评查，以案例指导执法',
      '组织旁听庭审、以案释法，提升队员依法履职能力',
    ],
    goals: [
      '重大执法决定法制审核率达到100%',
      '行政复议纠错率、诉讼败诉率控制在{n}%以内',
      '执法人员法律知识考试合格率达到98%以上',
      '编印典型案例汇编{n}辑',
    ],
    actions: [
      '完成重大执法决定法制审核{m}件，提出修改意见{n}条',
      '组织旁听庭审{n}次，参与队员{m}人次',
      '开展“以案释法”讲座{n}场，覆盖执法队员{m}人次',
      '评查执法案卷{m}件，下发整改通知{n}份',
    ],
    results: [
      '本期法制审核{m}件，审核率100%，未发生复议纠错',
      '案卷评查合格率{h}%，较上月提升{n}个百分点',
      '“首违不罚”适用案件{m}件，当事人主动整改率{h}%',
      '形成典型案例{n}篇，其中{n}篇被市局转发',
    ],
  },
  数字化转型: {
    names: {
      实战管用: [
        '{u}城管执法“智慧巡查”数字化应用',
        '{u}非现场执法“AI识别”实战应用',
        '{u}渣土车辆“全程监管”数字平台',
        '{u}移动执法终端“掌上办案”',
        '{u}“一网统管”城管执法场景建设',
        '{u}沿街商户“数字门牌”管理',
      ],
      创新实践: [
        '{u}城管执法“数字孪生”街区试点',
        '{u}执法数据“驾驶舱”建设',
        '{u}物联感知“违建早发现”',
        '{u}“无感执法”创新实践',
        '{u}执法办案智能辅助系统',
        '{u}城管执法信用“码上管”',
      ],
    },
    studios: ['数字执法创新', '智慧城管'],
    methods: [
      '依托“一网统管”平台，整合视频监控和物联感知数据',
      '在重点区域部署AI识别算法，实现问题自动发现、自动派单',
      '推广移动执法终端，实现现场取证、文书制作一次完成',
    ],
    goals: [
      '重点区域问题智能发现率达到{h}%以上',
      '非现场执法案件占比提升至{q}%',
      '平均处置时长缩短{q}%',
      '接入视频点位不少于{m}个',
    ],
    actions: [
      '新接入视频点位{m}个，完成算法调优{n}轮',
      '在{n}个街镇试点非现场执法，开展操作培训{n}场',
      '完成执法数据“驾驶舱”{n}个专题页面开发',
      '与区城运中心对接数据接口{n}个',
    ],
    results: [
      '智能发现问题{t}件，准确率{h}%',
      '非现场执法立案{m}件，平均处置时长缩短{q}%',
      '移动执法终端使用率达到{h}%，纸质文书减少{q}%',
      '平台累计派单{t}件，按时办结率{h}%',
    ],
  },
  专项执法: {
    names: {
      整治效能: [
        '{u}违法建筑“拆控治”专项行动',
        '{u}跨门营业与乱设摊综合整治',
        '{u}共享单车乱停放专项治理',
        '{u}餐饮油烟扰民“清单式”整治',
        '{u}户外招牌设施安全隐患整治',
        '{u}“美丽街区”市容环境攻坚',
      ],
      执法成效: [
        '{u}渣土偷乱倒“零容忍”执法',
        '{u}夜间施工噪声扰民查处',
        '{u}生活垃圾分类执法检查',
        '{u}存量违法建筑“清零”行动',
        '{u}无证经营“一户一策”治理',
        '{u}建筑工地文明施工执法',
      ],
    },
    studios: ['违建治理', '市容整治'],
    methods: [
      '聚焦群众反映集中的突出问题，实行“一点一方案”',
      '会同公安、市场监管等部门开展联合执法',
      '建立问题点位台账，整治一处、销项一处、巩固一处',
    ],
    goals: [
      '拆除存量违法建筑{t}平方米',
      '重点区域乱设摊点位动态清零',
      '相关投诉量同比下降{q}%以上',
      '整治点位复发率控制在{n}%以内',
    ],
    actions: [
      '开展专项执法行动{n}次，出动执法人员{m}人次',
      '排摸问题点位{m}处，建立整治台账',
      '联合公安、市场监管开展联合执法{n}次',
      '对{n}处重点点位实行每日巡查、定人盯守',
    ],
    results: [
      '拆除违法建筑{t}平方米，完成年度目标的{h}%',
      '查处案件{m}件，罚没款{n}万元',
      '相关投诉同比下降{q}%',
      '整治点位{m}处，复发率{n}%',
    ],
  },
  执法监督: {
    names: {
      科学监督: [
        '{u}执法督察“四不两直”机制',
        '{u}执法质效评估指标体系',
        '{u}投诉举报“闭环”监督',
        '{u}社会监督员“随手拍”',
        '{u}执法风险“红黄绿”预警',
        '{u}执法监督“数据画像”',
      ],
      严格规范: [
        '{u}执法全过程记录规范化',
        '{u}执法行为“负面清单”',
        '{u}行政处罚裁量基准落实',
        '{u}执法公示“阳光执法”',
        '{u}执法装备与着装风纪规范',
        '{u}案件办理“一案双查”',
      ],
    },
    studios: ['执法督察', '规范执法'],
    methods: [
      '以“四不两直”方式开展明察暗访',
      '建立执法质效评估指标，按月排名通报',
      '对投诉举报实行受理、核查、反馈全闭环管理',
    ],
    goals: [
      '执法全过程记录覆盖率达到100%',
      '投诉举报按时办结率不低于98%',
      '执法不规范问题同比下降{q}%',
      '每月开展督察不少于{n}次',
    ],
    actions: [
      '开展明察暗访{n}次，发现问题{n}个并督促整改',
      '抽查执法记录仪视频{m}段，通报不规范行为{n}起',
      '回访投诉举报当事人{m}人次',
      '召开执法监督分析会{n}次',
    ],
    results: [
      '执法全过程记录覆盖率{h}%，同比提高{n}个百分点',
      '投诉举报按时办结率{h}%，满意率{h}%',
      '不规范执法问题同比下降{q}%',
      '督察发现问题整改率100%',
    ],
  },
  教育培训: {
    names: {
      平台建设: [
        '{u}城管执法实训基地建设',
        '{u}“城管微课堂”线上学习平台',
        '{u}执法典型案例库建设',
        '{u}岗位练兵“比武场”',
        '{u}新入职队员“训练营”',
        '{u}“师徒结对”传帮带机制',
      ],
      教学质量: [
        '{u}“情景模拟”执法实训',
        '{u}执法技能“大比武”',
        '{u}业务骨干“讲师团”',
        '{u}培训效果“考训结合”评估',
        '{u}中队长履职能力轮训',
        '{u}“一月一课”精品课程',
      ],
    },
    studios: ['执法实训', '执法教学'],
    methods: [
      '建设实训基地和线上课堂，实现“线上学、线下练”',
      '组建业务骨干讲师团，开发精品课程',
      '以考促学、以考促训，培训效果纳入队员考核',
    ],
    goals: ['全员年度培训时长不少于{n}0学时', '开发精品课程{n}门', '岗位练兵考核合格率达到95%以上', '培养内训师{n}名'],
    actions: [
      '举办业务培训{n}期，参训{m}人次',
      '录制“城管微课堂”课程{n}节，点播{t}人次',
      '开展情景模拟实训{n}场',
      '组织岗位练兵考核，参考队员{m}人',
    ],
    results: [
      '培训覆盖率{h}%，考核合格率{h}%',
      '线上课程累计学习{t}人次',
      '{n}名队员在市局技能比武中获奖',
      '新开发精品课程{n}门，入选市局课程库{n}门',
    ],
  },
  长三角一体化: {
    names: {
      协作力度: [
        '{u}省际毗邻区域执法协作',
        '{u}长三角城管执法标准互认',
        '{u}跨界执法信息共享平台',
        '{u}与毗邻地区“结对共建”',
        '{u}长三角执法人员交流互训',
        '{u}区域执法协作联席会议机制',
      ],
      联动执法: [
        '{u}跨界河道岸线联合执法',
        '{u}省际交界“联勤联动”执法',
        '{u}跨区域渣土运输联合监管',
        '{u}交界地区违法建设联合整治',
        '{u}长三角执法协查“一网通”',
        '{u}重大活动保障联动执法',
      ],
    },
    studios: ['区域执法协作', '跨界联动'],
    methods: ['与毗邻地区城管部门签订执法协作协议', '建立联席会议和信息通报机制', '对交界区域突出问题开展联合执法'],
    goals: [
      '建立跨区域执法协作机制{n}项',
      '开展联合执法不少于{n}次',
      '交界区域突出问题整改率达到{h}%以上',
      '互派执法人员交流培训{n}批次',
    ],
    actions: [
      '召开区域执法协作联席会议{n}次',
      '与毗邻地区开展联合执法{n}次，出动{m}人次',
      '互通执法信息{m}条，协查案件{n}件',
      '组织执法人员交流互训{n}批次',
    ],
    results: [
      '联合查处跨界案件{m}件',
      '交界区域问题点位整改率{h}%',
      '签订协作协议{n}份，形成联动清单{n}项',
      '跨区域协查平均用时缩短{q}%',
    ],
  },
  信访综治: {
    names: {
      矛盾化解: [
        '{u}信访积案“清仓见底”',
        '{u}12345热线工单“快响应”',
        '{u}街面矛盾“三所联动”调处',
        '{u}“城管老娘舅”调解工作法',
        '{u}领导干部接访下访',
        '{u}群众诉求“接诉即办”',
      ],
      研判处置: [
        '{u}信访风险隐患研判',
        '{u}舆情“早发现早处置”',
        '{u}矛盾纠纷“多元化解”',
        '{u}重点诉求“一人一档”',
        '{u}突发事件应急处置演练',
        '{u}平安建设“网格化”研判',
      ],
    },
    studios: ['矛盾调解', '接诉即办'],
    methods: [
      '建立信访积案清单，实行领导包案、一案一策',
      '对12345热线工单实行分级响应、限时办结',
      '每月开展矛盾风险研判，做到早发现、早处置',
    ],
    goals: [
      '信访积案化解率达到{h}%以上',
      '12345热线工单按时办结率不低于98%',
      '群众满意率提升至{h}%以上',
      '重复投诉量同比下降{q}%',
    ],
    actions: [
      '办理12345热线工单{t}件',
      '领导干部接访{n}次，接待群众{m}人次',
      '化解信访积案{n}件，召开研判会{n}次',
      '开展矛盾纠纷排查{n}轮，建立风险台账',
    ],
    results: [
      '工单按时办结率{h}%，实际解决率{h}%',
      '化解信访积案{n}件，化解率{h}%',
      '重复投诉同比下降{q}%',
      '群众满意率{h}%，较上期提升{n}个百分点',
    ],
  },
  党建引领基层治理: {
    names: {
      创新载体: [
        '{u}“红色城管驿站”建设',
        '{u}党员先锋岗“亮身份、践承诺”',
        '{u}党建联建“城管+社区”',
        '{u}“城管进社区”服务站',
        '{u}“楼宇党建”服务沿街商户',
        '{u}“党建+执法”品牌创建',
      ],
      '“三个行动”': [
        '{u}“三个行动”攻坚落实',
        '{u}“三个行动”进街区',
        '{u}“走百家、解百难”行动',
        '{u}“我为群众办实事”城管行动',
        '{u}“服务企业”城管行动',
        '{u}“三个行动”党员突击队',
      ],
    },
    studios: ['党建引领', '社区治理'],
    methods: [
      '以党建联建为纽带，与街道、社区、商户结对共建',
      '设立党员先锋岗和党员突击队，在急难险重任务中亮身份',
      '推动城管执法进社区，把问题解决在家门口',
    ],
    goals: [
      '建成“红色城管驿站”{n}个',
      '与{n}个社区党组织开展联建',
      '为群众办实事{m}件',
      '社区居民满意度提升至{h}%以上',
    ],
    actions: [
      '开展党建联建活动{n}次，参与党员{m}人次',
      '新建“红色城管驿站”{n}个',
      '党员突击队参与急难险重任务{n}次',
      '走访社区和商户{m}户，收集诉求{m}条',
    ],
    results: [
      '为群众办实事{m}件，办结率{h}%',
      '驿站接待群众{t}人次',
      '收集诉求办结率{h}%',
      '{n}个联建社区市容类投诉同比下降{q}%',
    ],
  },
  社会影响力: {
    names: {
      宣传力度: [
        '{u}城管执法新媒体矩阵',
        '{u}“城管开放日”活动',
        '{u}短视频“城管故事”',
        '{u}典型案例“以案说法”发布',
        '{u}城管执法进校园',
        '{u}“城管微电影”创作',
      ],
      形象树立: [
        '{u}“最美城管人”选树',
        '{u}城管志愿服务品牌',
        '{u}“城管温度”暖心服务',
        '{u}执法窗口形象提升',
        '{u}“城管蓝”形象工程',
        '{u}市民满意度提升行动',
      ],
    },
    studios: ['城管宣传', '志愿服务'],
    methods: [
      '运营微信公众号、视频号和抖音号，形成新媒体矩阵',
      '定期举办“城管开放日”，邀请市民体验执法工作',
      '选树身边典型，讲好城管故事',
    ],
    goals: [
      '新媒体矩阵粉丝数突破{t}人',
      '市级以上媒体报道不少于{n}篇',
      '举办“城管开放日”{n}场',
      '市民满意度提升{n}个百分点',
    ],
    actions: [
      '发布新媒体稿件{m}篇，原创短视频{n}部',
      '举办“城管开放日”{n}场，参与市民{m}人次',
      '开展志愿服务{n}次，参与志愿者{m}人次',
      '向市级媒体报送稿件{n}篇',
    ],
    results: [
      '新媒体累计阅读量{m}万次，新增粉丝{t}人',
      '市级以上媒体刊发报道{n}篇',
      '{n}部短视频获市局推荐',
      '市民满意度调查得分较上年提升{n}分',
    ],
  },
};

/** Words for a track the 2024 file does not have: names built from its aspects. */
const GENERIC: TrackWords = {
  names: {},
  studios: ['业务创新', '示范'],
  methods: ['对照赛道要求细化任务清单，明确责任人和时间节点', '按月跟踪推进，及时总结经验做法'],
  goals: ['完成年度重点任务{n}项', '形成可复制推广的经验做法{n}项', '相关工作满意率达到{h}%以上'],
  actions: ['召开推进会{n}次，协调解决问题{n}个', '开展专项工作{n}次，参与{m}人次', '完成阶段任务{n}项'],
  results: ['完成年度任务的{h}%', '形成经验做法{n}项', '相关投诉同比下降{q}%'],
};

const GENERIC_NAMES = [
  '{u}{a}提质增效行动',
  '{u}“{a}”示范项目',
  '{u}{a}标准化建设',
  '{u}{a}能力提升工程',
  '{u}{a}“攻坚年”行动',
  '{u}{a}创新实践',
];

export const wordsOf = (trackName: string): TrackWords => TRACKS[trackName] ?? GENERIC;

/** The project-name templates of one aspect of a track ({u} still to fill). */
export function nameTemplates(trackName: string, aspect: string): readonly string[] {
  const known = TRACKS[trackName]?.names[aspect];
  return known ?? GENERIC_NAMES.map((t) => t.replaceAll('{a}', aspect));
}

/** A studio project led by a person, e.g. 王建华“法制审核”工作室. */
export function studioName(rand: Rand, trackName: string, person: string): string {
  return `${person}“${pick(rand, wordsOf(trackName).studios)}”工作室`;
}

/** What a project is about: a short phrase for the summary, from the name's quoted part or the aspect. */
export function keywordOf(name: string, aspect: string): string {
  const quoted = /“([^”]{2,12})”/.exec(name)?.[1];
  return quoted ?? aspect.replace(/[“”]/g, '');
}

const PROBLEMS = [
  '部分街镇配合度不够高，需要进一步压实属地责任',
  '执法力量相对不足，重点时段人员调配压力较大',
  '与相关部门的数据共享还不够顺畅，需市局层面协调',
  '专项经费到位较晚，部分设备采购进度滞后',
  '个别点位问题反复，长效管理机制有待完善',
  '队员业务水平参差不齐，培训还需加强',
  '群众对部分执法措施理解不够，宣传解释工作需跟上',
];

/** The project's summary (≤ 500 characters). */
export function projectSummary(
  rand: Rand,
  a: { trackName: string; aspect: string; unitName: string; keyword: string },
): string {
  const w = wordsOf(a.trackName);
  const method = pick(rand, w.methods);
  const problem = pick(rand, PROBLEMS).replace(/，.*$/, '');
  return `围绕${a.trackName}赛道“${a.aspect.replace(/[“”]/g, '')}”要求，${a.unitName}以“${a.keyword}”为抓手，${method}，着力解决${problem}等问题，推动工作从“管得住”向“管得好”转变，形成可复制、可推广的经验做法。`;
}

/** The project's goals (≤ 1,000 characters): three or four numbered, measurable ones. */
export function projectGoals(rand: Rand, trackName: string): string {
  const goals = pickSome(rand, wordsOf(trackName).goals, 3 + Math.floor(rand() * 2));
  return goals.map((g, i) => `${i + 1}. ${fill(rand, g)}${i === goals.length - 1 ? '。' : '；'}`).join('\n');
}

/** A period's report: what was done (`when`: 本月, 本期…), with figures. */
export function reportWork(rand: Rand, trackName: string, keyword: string, when: string): string {
  const items = pickSome(rand, wordsOf(trackName).actions, 2 + Math.floor(rand() * 2));
  const ordinal = ['一是', '二是', '三是'];
  return `${when}围绕“${keyword}”重点推进以下工作：${items.map((it, i) => `${ordinal[i]}${fill(rand, it)}`).join('；')}。`;
}

export function reportResults(rand: Rand, trackName: string): string {
  const items = pickSome(rand, wordsOf(trackName).results, 2);
  return `${items.map((it) => fill(rand, it)).join('；')}。`;
}

export function reportProblems(rand: Rand): string {
  return rand() < 0.4 ? `${pick(rand, PROBLEMS)}。` : '';
}

const EVIDENCE = ['work-log', 'site-photos', 'meeting-minutes', 'case-files', 'data-sheet', 'press'];

/** 0 to 3 evidence links (a demo host: nothing real is linked). */
export function evidenceLinks(rand: Rand, projectCode: string, period: string): string[] {
  const n = rand() < 0.25 ? 0 : 1 + Math.floor(rand() * 3);
  return pickSome(rand, EVIDENCE, n).map(
    (e) => `https://files.example.com/saidao/${projectCode}/${period}/${e}.${e === 'site-photos' ? 'zip' : 'pdf'}`,
  );
}

/** The unit's justification of its self-evaluation (≤ 1,000 characters). */
export function selfJustification(rand: Rand, criteria: readonly string[], total: number, max: number): string {
  const strong = pick(rand, criteria);
  const weak = pick(
    rand,
    criteria.filter((c) => c !== strong).length ? criteria.filter((c) => c !== strong) : criteria,
  );
  return `对照${criteria.join('、')}等评分标准逐项自查：项目在“${strong}”方面成效较为明显，主要指标均已达到或超过阶段目标；“${weak}”方面仍有提升空间，下一阶段将重点加强。综合自评${total}分（满分${max}分）。`;
}

const STRENGTHS = [
  '目标清晰，推进有力',
  '数据翔实，成效可量化',
  '做法务实，群众获得感强',
  '机制创新，具有示范价值',
  '部门协同好，执法成效明显',
  '台账规范，过程资料完整',
];
const WEAKNESSES = [
  '部分指标与年初目标仍有差距',
  '长效机制还需进一步固化',
  '经验总结提炼不够',
  '佐证材料还可更充分',
  '推广范围尚小',
  '个别数据口径需统一',
];

/** A judge's comment (≤ 500 characters). */
export function judgeComment(rand: Rand): string {
  return `${pick(rand, STRENGTHS)}；${pick(rand, WEAKNESSES)}，建议${pick(rand, ['加强总结提炼', '完善长效机制', '扩大试点范围', '补充过程佐证', '统一统计口径'])}。`;
}

const RECUSALS = [
  '与项目负责人系同一处室同事',
  '曾参与该项目的前期指导',
  '与项目负责人有亲属关系',
  '曾在该单位挂职，需回避',
];

export const recusalReason = (rand: Rand): string => pick(rand, RECUSALS);

/** A phone number as people give it: often none, else a landline or a mobile. */
export function phoneNumber(rand: Rand): string {
  const r = rand();
  if (r < 0.4) return '';
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  return r < 0.7 ? `021-${5 + Math.floor(rand() * 4)}${digits(7)}` : `13${Math.floor(rand() * 10)}${digits(8)}`;
}
