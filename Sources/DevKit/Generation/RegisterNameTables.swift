// The register generator's tables: the USCC charset helpers, the regions of 忻州市 (Shanxi) with
// their codes and area codes, the names of businesses, people and streets per category, and the
// date helpers. Data for `RegisterGenerator`, kept apart from its logic.

internal import Pipeline

// MARK: - Text helpers

enum Text {
    /// The USCC charset as ASCII bytes.
    static let usccSymbols: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)

    /// `value` in base 31 over the USCC charset, most significant first, `width` symbols.
    static func base31(_ value: UInt64, width: Int) -> String {
        var bytes = [UInt8](repeating: 0x30, count: width)
        var rest = value
        for position in stride(from: width - 1, through: 0, by: -1) {
            bytes[position] = usccSymbols[Int(rest % 31)]
            rest /= 31
        }
        return String(decoding: bytes, as: UTF8.self)
    }

}

// MARK: - Regions

struct RegionInfo {
    /// Place name used at the start of entity names, e.g. 原平市.
    var place: String
    /// Address prefix, e.g. 山西省忻州市原平市.
    var addressPrefix: String
    /// Towns, townships or districts within the region.
    var towns: [String]
    /// The market regulation authority that registers entities there.
    var authority: String
    /// The telephone area code.
    var areaCode: String
}

enum Regions {
    static let known: [String: RegionInfo] = [
        "140981": RegionInfo(
            place: "原平市", addressPrefix: "山西省忻州市原平市",
            towns: [
                "北城街道", "南城街道", "轩岗镇", "崞阳镇", "大牛店镇", "闫庄镇", "长梁沟镇", "东社镇",
                "苏龙口镇", "中阳乡", "西镇乡", "新原乡", "南白乡", "子干乡", "段家堡乡", "楼板寨乡", "沿沟乡",
            ],
            authority: "原平市市场监督管理局", areaCode: "0350"),
        "140900": RegionInfo(
            place: "忻州市", addressPrefix: "山西省忻州市",
            towns: ["忻府区长征街街道", "忻府区新建路街道", "忻府区秀容街道", "经济开发区"],
            authority: "忻州市市场监督管理局", areaCode: "0350"),
        "140902": RegionInfo(
            place: "忻州市忻府区", addressPrefix: "山西省忻州市忻府区",
            towns: ["长征街街道", "新建路街道", "秀容街道", "奇村镇", "庄磨镇", "豆罗镇", "播明镇"],
            authority: "忻州市忻府区市场监督管理局", areaCode: "0350"),
        "140921": RegionInfo(
            place: "定襄县", addressPrefix: "山西省忻州市定襄县",
            towns: ["晋昌镇", "河边镇", "宏道镇", "受禄乡", "季庄乡"],
            authority: "定襄县市场监督管理局", areaCode: "0350"),
        "140922": RegionInfo(
            place: "五台县", addressPrefix: "山西省忻州市五台县",
            towns: ["台城镇", "东冶镇", "豆村镇", "台怀镇", "耿镇镇"],
            authority: "五台县市场监督管理局", areaCode: "0350"),
        "140100": RegionInfo(
            place: "太原市", addressPrefix: "山西省太原市",
            towns: ["小店区", "迎泽区", "杏花岭区", "万柏林区", "晋源区", "尖草坪区"],
            authority: "太原市市场监督管理局", areaCode: "0351"),
        "140200": RegionInfo(
            place: "大同市", addressPrefix: "山西省大同市",
            towns: ["平城区", "云冈区", "新荣区", "云州区"],
            authority: "大同市市场监督管理局", areaCode: "0352"),
    ]

    /// The description of a region; unknown codes get generic Shanxi text.
    static func info(_ code: String) -> RegionInfo {
        known[code]
            ?? RegionInfo(
                place: "山西", addressPrefix: "山西省", towns: ["城关镇", "城区"],
                authority: "行政区划\(code)市场监督管理局", areaCode: "0350")
    }
}

// MARK: - Names, addresses, people, phones

/// The words used in names for one category.
struct CategoryProfile: Sendable, Hashable {
    var industries: [String]
    var shops: [String]
}

enum Names {
    static let brandCharacters: [String] = [
        "鑫", "源", "晋", "华", "兴", "盛", "泰", "昌", "隆", "达", "通", "恒", "瑞", "丰", "宏", "福",
        "祥", "顺", "安", "康", "嘉", "诚", "信", "利", "和", "众", "金", "宝", "龙", "德", "永", "新",
        "星", "汇", "成", "胜", "博", "远", "晟", "峰", "宇", "润", "佳", "美", "创", "益", "天", "长",
        "乾", "坤", "禾", "田", "原", "崞", "北", "方", "聚", "合", "荣", "旺",
    ]

    /// Industry words for company names, by a keyword of the category (first match wins).
    static let industries: [(keyword: String, words: [String])] = [
        ("燃气", ["燃气", "天然气", "液化气"]), ("园林", ["园林绿化工程", "园林景观工程"]),
        ("房地产", ["房地产开发", "置业"]), ("四上", ["商贸", "建筑工程", "工贸"]),
        ("学校", ["教育科技", "文化培训"]), ("教育", ["教育科技", "教育咨询"]), ("幼儿园", ["教育科技"]),
        ("机动车检验", ["机动车检测", "汽车检测"]), ("爆破", ["爆破工程", "民爆"]), ("保安", ["保安服务"]),
        ("游泳", ["体育文化", "游泳健身"]), ("商场", ["商贸", "商业管理", "百货"]), ("防雷", ["能源", "加油站"]),
        ("排污", ["环保科技", "建材"]), ("污水", ["污水处理", "水务"]), ("危险化学品", ["化工", "化学"]),
        ("冶金", ["冶金", "铸造"]), ("非煤矿山", ["矿业", "石料"]), ("煤矿", ["煤业", "煤矿"]),
        ("印刷", ["印刷", "包装"]), ("出版物", ["图书", "文化传播"]), ("电影", ["影城", "影院管理"]),
        ("娱乐", ["娱乐", "文化娱乐", "KTV"]), ("上网", ["网络", "网吧"]), ("演出", ["文化传媒", "演艺"]),
        ("艺术品", ["艺术品", "文化艺术"]), ("旅行社", ["旅行社", "国际旅行社"]),
        ("危险货物", ["危险货物运输", "物流"]), ("新业态", ["网约车", "出行科技"]), ("车辆达标", ["汽车服务", "机动车检测"]),
        ("工程参建", ["路桥工程", "交通工程"]), ("卷烟", ["商贸", "超市"]), ("物流", ["物流", "快递", "速递"]),
        ("畜禽", ["畜牧", "养殖"]), ("鱼池", ["渔业", "水产养殖"]), ("门店", ["商贸", "贸易"]),
    ]

    static let genericIndustries = ["商贸", "科技", "贸易", "建筑工程", "农业开发", "实业"]

    /// Shop words for 个体工商户, by a keyword of the category.
    static let shops: [(keyword: String, words: [String])] = [
        ("上网", ["网吧", "网络会所"]), ("出版物", ["书店", "书社"]), ("卷烟", ["烟酒店", "便利店", "超市"]),
        ("鱼池", ["养殖场", "鱼塘"]), ("畜禽", ["养殖场", "种猪场"]), ("印刷", ["印刷部", "图文部"]),
        ("娱乐", ["歌厅", "台球厅"]), ("燃气", ["液化气站"]), ("物流", ["快递服务部", "物流部"]),
    ]

    static let genericShops = [
        "便利店", "超市", "小吃店", "饭店", "五金店", "理发店", "烟酒店", "农资门市部",
        "汽车修理部", "批发部", "经销部", "服装店", "面馆", "水果店",
    ]

    static let cooperativeTrades = ["种植", "养殖", "农机", "蔬菜种植", "小杂粮种植", "肉牛养殖", "生猪养殖", "林果", "红薯种植"]

    static let companySuffixes = [
        "有限公司", "有限公司", "有限公司", "有限公司", "有限公司", "有限公司", "有限公司",
        "有限责任公司", "有限责任公司", "股份有限公司",
    ]

    static let surnames: [String] = [
        "王", "李", "张", "刘", "赵", "郭", "杨", "武", "贾", "高", "陈", "梁", "韩", "程", "田", "孙", "周",
        "吴", "徐", "胡", "朱", "何", "马", "罗", "宋", "郑", "冯", "董", "曹", "邓", "许", "薛", "闫", "段",
        "范", "温", "任", "白", "崔", "康", "秦", "史", "侯", "孟", "乔", "牛", "霍", "石", "常", "申",
    ]

    static let givenCharacters: [String] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
        "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "红", "建", "国", "文", "斌", "飞", "鹏", "宇",
        "浩", "晋", "雪", "梅", "林", "峰", "亮", "海", "俊", "慧", "荣", "宏", "志", "云", "利", "生", "福",
        "忠", "喜", "春", "旺",
    ]

    static let dottedNames = ["阿不都·热合曼", "阿依古丽·买买提", "努尔·艾力", "巴特尔·其木格"]

    static let streets = [
        "新原街", "建设路", "朝阳路", "前进街", "永康路", "长征街", "和平路", "迎宾大街",
        "北大街", "南环路", "东环路", "西街", "健康路", "解放路", "站前路", "崞阳路",
    ]

    static let villageEndings = ["家庄村", "村", "堡村", "沟村", "庄村"]

    static let longNameWords = [
        "经营", "销售", "批发", "零售", "服务", "管理", "咨询", "开发", "技术推广",
        "农副产品", "日用百货", "五金交电", "建筑材料", "分公司", "营业部",
    ]

    static let longAddressWords = [
        "院内", "东侧", "西侧", "南侧", "北侧", "临街", "门面房", "底商", "二层",
        "原供销社", "原粮站", "对面", "往北五十米", "路口", "向东", "平房",
    ]

    /// Two (sometimes three) brand characters.
    static func brand(rng: inout Xoshiro256StarStar) -> String {
        var text = (rng.pick(brandCharacters) ?? "鑫") + (rng.pick(brandCharacters) ?? "源")
        if rng.next(below: 10) == 0 { text += rng.pick(brandCharacters) ?? "达" }
        return text
    }

    /// The first word list whose keyword the category contains, else the generic list.
    static func words(for category: String, in table: [(keyword: String, words: [String])], generic: [String]) -> [String] {
        for entry in table where category.contains(entry.keyword) {
            return entry.words
        }
        return generic
    }

    /// A plausible entity name, with occasional ASCII quotes, commas and full-width punctuation.
    static func entityName(
        kind: RegisterGenerator.EntityKind, profile: CategoryProfile, region: RegionInfo,
        operator person: String, rng: inout Xoshiro256StarStar
    ) -> String {
        var brand = brand(rng: &rng)
        let style = rng.next(below: 1000)
        if style < 20 {
            brand = "\"" + brand + "\""
        } else if style < 30 {
            brand = "“" + brand + "”"
        } else if style >= 60 && style < 75 {
            // An ASCII comma inside the name, as data entry sometimes leaves it.
            brand = String(brand.prefix(1)) + "," + String(brand.dropFirst())
        }
        let place = kind == .enterprise && rng.next(below: 5) == 0 ? "山西" : region.place
        var name: String
        switch kind {
        case .enterprise:
            let industry = rng.pick(profile.industries) ?? "商贸"
            let suffix = rng.pick(companySuffixes) ?? "有限公司"
            if style >= 30 && style < 45 {
                name = brand + "(" + region.place + ")" + industry + suffix
            } else {
                name = place + brand + industry + suffix
            }
            if style >= 45 && style < 60 {
                name += rng.next(below: 2) == 0 ? "（普通合伙）" : "（" + region.place + "分公司）"
            }
        case .individual:
            let shop = rng.pick(profile.shops) ?? "便利店"
            if rng.next(below: 4) == 0 && !person.contains("·") {
                // Many 个体工商户 are named after their operator.
                name = place + person + shop
            } else {
                name = place + brand + shop
            }
        case .cooperative:
            let trade = rng.pick(cooperativeTrades) ?? "种植"
            name = place + brand + trade + "专业合作社"
        }
        return name
    }

    /// A plausible address in the region, sometimes with commas or full-width parentheses.
    static func address(region: RegionInfo, rng: inout Xoshiro256StarStar) -> String {
        var text = region.addressPrefix + (rng.pick(region.towns) ?? "")
        if rng.next(below: 3) == 0 {
            text += (rng.pick(surnames) ?? "王") + (rng.pick(villageEndings) ?? "村")
        } else {
            text += (rng.pick(streets) ?? "建设路") + String(1 + rng.next(below: 300)) + "号"
        }
        switch rng.next(below: 20) {
        case 0:
            text +=
                String(1 + rng.next(below: 12)) + "号楼" + String(1 + rng.next(below: 6)) + "单元" + String(101 + rng.next(below: 600)) + "室"
        case 1: text += "（原粮站院内）"
        case 2: text += ",底商"
        case 3: text += "，院内东侧"
        case 4: text += "#" + String(1 + rng.next(below: 30))
        default: break
        }
        return text
    }

    /// A Chinese personal name, rarely with a middle dot.
    static func person(rng: inout Xoshiro256StarStar) -> String {
        if rng.next(below: 200) == 0 { return rng.pick(dottedNames) ?? "努尔·艾力" }
        var name = (rng.pick(surnames) ?? "王") + (rng.pick(givenCharacters) ?? "伟")
        if rng.next(below: 10) < 7 { name += rng.pick(givenCharacters) ?? "强" }
        return name
    }

    static let mobilePrefixes = [
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
        "155", "156", "158", "159", "166", "177", "180", "183", "185", "186", "187", "188", "189", "199",
    ]

    /// A mobile number (68%), a landline with area code (27%) or empty (5%).
    static func phone(region: RegionInfo, rng: inout Xoshiro256StarStar) -> String {
        let draw = rng.next(below: 100)
        if draw < 68 {
            return (rng.pick(mobilePrefixes) ?? "138") + zeroPadded(rng.next(below: 100_000_000), width: 8)
        }
        if draw < 95 {
            return region.areaCode + "-" + String(2 + rng.next(below: 7)) + zeroPadded(rng.next(below: 1_000_000), width: 6)
        }
        return ""
    }
}

// MARK: - Dates

/// Civil dates as day numbers since 1970-01-01 (Hinnant's algorithms), formatted without Foundation.
enum Dates {
    static let establishedFirst = dayNumber(1995, 1, 1)
    static let establishedLast = dayNumber(2024, 6, 30)
    static let newCodesFrom = dayNumber(2015, 10, 1)
    static let inspectionsFirst = dayNumber(2019, 1, 1)
    static let inspectionsLast = dayNumber(2024, 10, 31)

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func dayNumber(_ year: Int, _ month: Int, _ day: Int) -> Int {
        CivilDate.daysSince1970(year: year, month: month, day: day)
    }

    /// The (year, month, day) of a day number.
    static func civil(_ dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        CivilDate.civil(daysSince1970: dayNumber)
    }

    /// Writes year, month and day in one of the notations seen in registers.
    static func write(_ year: Int, _ month: Int, _ day: Int, notation: Int) -> String {
        let y = zeroPadded(year, width: 4)
        let m = zeroPadded(month, width: 2)
        let d = zeroPadded(day, width: 2)
        switch notation {
        case 0: return y + "-" + m + "-" + d
        case 1: return y + "/" + m + "/" + d
        default: return y + m + d
        }
    }

    /// A date as YYYY-MM-DD (85%), YYYY/MM/DD (10%) or YYYYMMDD (5%).
    static func format(_ dayNumber: Int, rng: inout Xoshiro256StarStar) -> String {
        let date = civil(dayNumber)
        let draw = rng.next(below: 100)
        return write(date.year, date.month, date.day, notation: draw < 85 ? 0 : (draw < 95 ? 1 : 2))
    }

    /// A date that does not exist: 30 February, month 13, day 0, 31 April, or 0000-00-00.
    static func impossible(near dayNumber: Int, rng: inout Xoshiro256StarStar) -> String {
        let year = civil(dayNumber).year
        let notation = rng.next(below: 3)
        switch rng.next(below: 5) {
        case 0: return write(year, 2, 30, notation: notation)
        case 1: return write(year, 13, 1 + rng.next(below: 28), notation: notation)
        case 2: return write(year, 1 + rng.next(below: 12), 0, notation: notation)
        case 3: return write(year, 4, 31, notation: notation)
        default: return "0000-00-00"
        }
    }
}
