//! The numbering plans behind the form's 8 prefixes, from libphonenumber 9.0.35 (`PhoneNumberMetadata.xml`).
//!
//! Every number type the plan assigns is listed (fixed, mobile, VoIP, toll-free, shared-cost, premium, UAN):
//! an organisation's lasting number may be any of them. The patterns are libphonenumber's
//! `nationalNumberPattern`s, unchanged; `pattern.rs` matches them.

/// One region of libphonenumber behind a prefix (Guadeloupe, Saint-Martin and Saint-Barthélemy share +590).
pub struct Territory {
    /// ISO 3166 code, as libphonenumber names the region.
    pub region: &'static str,
    /// The name used in messages, with its article ("en Martinique").
    pub name_in: &'static str,
    pub patterns: &'static [&'static str],
}

pub struct Plan {
    /// The national significant number lengths this plan assigns, most usual first.
    pub lengths: &'static [usize],
    /// Whether a national number is written with a leading 0 (the trunk prefix).
    pub trunk_zero: bool,
    pub territories: &'static [Territory],
}

pub const FR: Plan = Plan {
    lengths: &[9],
    trunk_zero: true,
    territories: &[Territory {
        region: "FR",
        name_in: "en métropole",
        patterns: &[
            r"(?:26[013-9]|59[1-35-9])\d{6}|(?:[13]\d|2[0-57-9]|4[1-9]|5[0-8])\d{7}",
            r"(?:6(?:[0-24-8]\d|3[0-8]|9[589])|7[3-9]\d)\d{6}",
            r"80[0-5]\d{6}",
            r"8(?:1[01]|2[0156]|4[024]|84)\d{6}",
            r"836(?:0[0-36-9]|[1-9]\d)\d{4}|8(?:1[2-9]|2[2-47-9]|3[0-57-9]|[569]\d|8[0-35-9])\d{6}",
            r"80[6-9]\d{6}",
            r"9\d{8}",
        ],
    }],
};

const ANTILLES_MOBILE: &str = r"(?:69(?:0\d\d|1(?:2[2-9]|3[0-5]))|7090[0-4])\d{4}";
const ANTILLES_TOLL_FREE: &str = r"80[0-5]\d{6}";
const ANTILLES_PREMIUM: &str = r"8[129]\d{7}";
const ANTILLES_VOIP: &str = r"9(?:(?:39[5-7]|76[018])\d|475[0-6])\d{4}";

pub const GP: Plan = Plan {
    lengths: &[9],
    trunk_zero: true,
    territories: &[
        Territory {
            region: "GP",
            name_in: "en Guadeloupe",
            patterns: &[
                r"(?:59(?:0(?:0[1-68]|[14][0-24-9]|2[0-68]|3[1-9]|5[3-579]|[68][0-689]|7[08]|9\d)|87\d)|80[6-9]\d\d)\d{4}",
                ANTILLES_MOBILE,
                ANTILLES_TOLL_FREE,
                ANTILLES_PREMIUM,
                ANTILLES_VOIP,
            ],
        },
        Territory {
            region: "BL",
            name_in: "à Saint-Barthélemy",
            patterns: &[
                r"(?:59(?:0(?:2[7-9]|3[3-7]|5[12]|87)|87\d)|80[6-9]\d\d)\d{4}",
                ANTILLES_MOBILE,
                ANTILLES_TOLL_FREE,
                ANTILLES_PREMIUM,
                ANTILLES_VOIP,
            ],
        },
        Territory {
            region: "MF",
            name_in: "à Saint-Martin",
            patterns: &[
                r"(?:59(?:0(?:0[079]|[14]3|[27][79]|3[03-7]|5[0-268]|87)|87\d)|80[6-9]\d\d)\d{4}",
                ANTILLES_MOBILE,
                ANTILLES_TOLL_FREE,
                ANTILLES_PREMIUM,
                ANTILLES_VOIP,
            ],
        },
    ],
};

pub const GF: Plan = Plan {
    lengths: &[9],
    trunk_zero: true,
    territories: &[Territory {
        region: "GF",
        name_in: "en Guyane",
        patterns: &[
            r"(?:59(?:4(?:[02-49]\d|1[0-5]|5[6-9]|6[0-3]|80)|88\d)|80[6-9]\d\d)\d{4}",
            r"(?:694(?:[0-249]\d|3[0-8])|7093[0-3])\d{4}",
            r"80[0-5]\d{6}",
            r"8[129]\d{7}",
            r"9(?:(?:396|76\d)\d|476[0-6])\d{4}",
        ],
    }],
};

pub const MQ: Plan = Plan {
    lengths: &[9],
    trunk_zero: true,
    territories: &[Territory {
        region: "MQ",
        name_in: "en Martinique",
        patterns: &[
            r"(?:59(?:6(?:[03-7]\d|1[05]|2[7-9]|8[0-39]|9[04-9])|89\d)|80[6-9]\d\d|9(?:477[6-9]|767[4589]))\d{4}",
            r"(?:69[67]\d\d|7091[0-3])\d{4}",
            r"80[0-5]\d{6}",
            r"8[129]\d{7}",
            r"9(?:397[0-3]|477[0-5]|76(?:6\d|7[0-367]))\d{4}",
        ],
    }],
};

pub const RE_YT: Plan = Plan {
    lengths: &[9],
    trunk_zero: true,
    territories: &[
        Territory {
            region: "RE",
            name_in: "à La Réunion",
            patterns: &[
                r"2631[0-6]\d{4}|26(?:2\d|30|88)\d{5}",
                r"(?:69(?:2\d\d|3(?:[06][0-6]|1[0-3]|2[0-2]|3[0-39]|4\d|5[0-5]|7[0-37]|8[0-8]|9[0-479]))|7092[0-3])\d{4}",
                r"80\d{7}",
                r"8(?:1[019]|2[0156]|84|90)\d{6}",
                r"89[1-37-9]\d{6}",
                r"9(?:399[0-3]|479[0-6]|76(?:2[278]|3[0-37]))\d{4}",
            ],
        },
        Territory {
            region: "YT",
            name_in: "à Mayotte",
            patterns: &[
                r"26(?:89\d|9(?:0[0-467]|15|5[0-4]|6\d|[78]0))\d{4}",
                r"(?:639(?:0[0-79]|1[019]|[267]\d|3[09]|40|5[05-9]|9[04-79])|7093[5-7])\d{4}",
                r"80\d{7}",
                r"9(?:(?:39|47)8[01]|769\d)\d{4}",
            ],
        },
    ],
};

pub const PM: Plan = Plan {
    lengths: &[6, 9],
    trunk_zero: true,
    territories: &[Territory {
        region: "PM",
        name_in: "à Saint-Pierre-et-Miquelon",
        patterns: &[
            r"80[6-9]\d{6}|(?:[236-9]\d|4[1-35-9]|5[0-47-9])\d{4}",
            r"708(?:4[0-5]|5[0-6])\d{4}|(?:[236-9]\d|4[02-489]|5[02-9])\d{4}",
            r"80[0-5]\d{6}",
            r"8[129]\d{7}",
        ],
    }],
};

pub const NC: Plan = Plan {
    lengths: &[6],
    trunk_zero: false,
    territories: &[Territory {
        region: "NC",
        name_in: "en Nouvelle-Calédonie",
        patterns: &[
            r"(?:2[03-9]|3[0-5]|4[1-7]|88)\d{4}",
            r"(?:[579]\d|8[0-79])\d{4}",
            r"050\d{3}",
            r"36\d{4}",
        ],
    }],
};

pub const PF: Plan = Plan {
    lengths: &[8, 6, 9],
    trunk_zero: false,
    territories: &[Territory {
        region: "PF",
        name_in: "en Polynésie française",
        patterns: &[
            r"4(?:0[4-689]|9[4-68])\d{5}",
            r"8[7-9]\d{6}",
            r"80[0-5]\d{6}",
            r"44\d{4}",
            r"499\d{5}",
        ],
    }],
};
