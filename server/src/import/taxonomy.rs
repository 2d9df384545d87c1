//! The category tree and the facets, derived from product names by rules.
//!
//! Rules (also in the README):
//! - A name is read as upper-case words (anything but letters and digits separates words).
//! - A keyword matches a run of whole words; a one-word keyword also matches its plural
//!   (`CANDLE` matches `CANDLES`). A category's `exclude` phrases cancel its match
//!   (`TEA TOWEL` is not a bath towel).
//! - A product is in every sub-category one of its names matches (its title and every
//!   variant's name), and so in their parents. Its primary category (breadcrumbs, related
//!   products) is the first match in the order of [`CATEGORIES`]. A product that matches
//!   nothing is in "More gifts", so every product has a category.
//! - Colours are read per variant (first colour word of its name); materials and themes
//!   from all names of the product.

pub struct CategoryDef {
    pub slug: &'static str,
    pub parent: Option<&'static str>,
    pub en: &'static str,
    pub zh: &'static str,
    pub description_en: &'static str,
    pub description_zh: &'static str,
    pub keywords: &'static [&'static str],
    pub exclude: &'static [&'static str],
}

pub struct FacetDef {
    pub value: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub keywords: &'static [&'static str],
}

pub struct ColourDef {
    pub facet: FacetDef,
    /// Background of generated product pictures.
    pub hex: &'static str,
}

/// The catch-all category.
pub const FALLBACK: &str = "more-gifts";

macro_rules! cat {
    ($slug:literal, $parent:expr, $en:literal, $zh:literal, $den:literal, $dzh:literal, [$($k:literal),* $(,)?] $(, exclude [$($x:literal),* $(,)?])?) => {
        CategoryDef { slug: $slug, parent: $parent, en: $en, zh: $zh, description_en: $den, description_zh: $dzh,
            keywords: &[$($k),*], exclude: &[$($($x),*)?] }
    };
}

/// Top-level categories come before their children; the order of sub-categories decides
/// the primary category.
pub const CATEGORIES: &[CategoryDef] = &[
    cat!(
        "home-decor",
        None,
        "Home décor",
        "家居裝飾",
        "Lights, frames, cushions and ornaments to make a home warmer.",
        "燈飾、相框、靠墊與擺飾，讓家更溫暖。",
        []
    ),
    cat!(
        "kitchen-dining",
        None,
        "Kitchen & dining",
        "廚房與餐桌",
        "Baking sets, tableware and kitchen storage.",
        "烘焙用具、餐具與廚房收納。",
        []
    ),
    cat!(
        "bags-accessories",
        None,
        "Bags & accessories",
        "包袋與配飾",
        "Shoppers, jewellery and the little things to carry.",
        "購物袋、飾品與隨身小物。",
        []
    ),
    cat!(
        "stationery-wrap",
        None,
        "Stationery & gift wrap",
        "文具與禮品包裝",
        "Cards, wrapping and paper goods.",
        "卡片、包裝材料與紙品文具。",
        []
    ),
    cat!(
        "toys-kids",
        None,
        "Toys & kids",
        "玩具與兒童",
        "Games, toys and things for children.",
        "遊戲、玩具與兒童用品。",
        []
    ),
    cat!(
        "party",
        None,
        "Party",
        "派對用品",
        "Bunting, balloons, party bags and everything for a celebration.",
        "彩旗、氣球、派對袋等慶祝所需。",
        [
            "PARTY",
            "BUNTING",
            "BALLOON",
            "CONFETTI",
            "PAPER CHAIN",
            "BIRTHDAY",
            "CELEBRATION",
            "WEDDING",
            "BANNER",
            "CRACKER",
            "PINATA",
            "GARLAND"
        ]
    ),
    cat!(
        "garden-outdoor",
        None,
        "Garden & outdoor",
        "花園與戶外",
        "Planters, bird houses, picnic ware and garden tools.",
        "花盆、鳥屋、野餐用品與園藝工具。",
        [
            "GARDEN",
            "BEACH",
            "SPADE",
            "PLANT HOLDER",
            "GARDENING",
            "PLANTER",
            "PLANT POT",
            "FLOWER POT",
            "HERB",
            "WATERING CAN",
            "SEED",
            "BIRD HOUSE",
            "BIRDHOUSE",
            "BIRD FEEDER",
            "FEEDER",
            "PARASOL",
            "PICNIC",
            "OUTDOOR",
            "WINDMILL",
            "GNOME",
            "TRUG",
            "TROWEL",
            "KNEELING PAD",
            "HAMMOCK",
            "DECKCHAIR"
        ]
    ),
    cat!(
        "bath-beauty",
        None,
        "Bath & beauty",
        "衛浴與美容",
        "Soaps, hot water bottles and wash bags.",
        "香皂、暖水袋與盥洗包。",
        [
            "SOAP",
            "BATH",
            "BATHROOM",
            "HOT WATER BOTTLE",
            "HOTTIE",
            "TOILETRY",
            "WASH BAG",
            "WASHBAG",
            "SPONGE",
            "LIP GLOSS",
            "MAKE UP",
            "MAKEUP",
            "COSMETIC",
            "TOWEL",
            "NAIL",
            "BALM",
            "FRAGRANCE",
            "PERFUME",
            "SHOWER",
            "BEAUTY",
            "SPA",
            "HAND CREAM",
            "FLANNEL"
        ],
        exclude["TEA TOWEL"]
    ),
    cat!(
        "christmas",
        None,
        "Christmas",
        "聖誕節",
        "Decorations, lights and gifts for Christmas.",
        "聖誕裝飾、燈飾與禮物。",
        [
            "CHRISTMAS",
            "XMAS",
            "SANTA",
            "REINDEER",
            "ADVENT",
            "SNOWFLAKE",
            "SNOWMAN",
            "NATIVITY",
            "BAUBLE",
            "STOCKING",
            "TINSEL",
            "MISTLETOE",
            "FATHER CHRISTMAS",
            "ELF"
        ]
    ),
    cat!(
        "more-gifts",
        None,
        "More gifts",
        "更多禮品",
        "Everything else we sell.",
        "其他精選商品。",
        []
    ),
    // Sub-categories.
    cat!(
        "candles-lighting",
        Some("home-decor"),
        "Candles & lighting",
        "蠟燭與燈飾",
        "Candles, T-light holders, lanterns and lights.",
        "蠟燭、燭台、燈籠與燈飾。",
        [
            "CANDLE",
            "NIGHTLIGHT",
            "T LIGHT",
            "TEALIGHT",
            "TEA LIGHT",
            "LANTERN",
            "LIGHTS",
            "NIGHT LIGHT",
            "LAMP",
            "CANDLESTICK",
            "CANDLEHOLDER",
            "CHANDELIER",
            "INCENSE",
            "OIL BURNER",
            "LED",
            "FAIRY LIGHT",
            "STRING LIGHT",
            "LIGHT HOLDER",
            "LAMPSHADE",
            "VOTIVE"
        ]
    ),
    cat!(
        "frames-signs-clocks",
        Some("home-decor"),
        "Frames, signs & clocks",
        "相框、標示牌與時鐘",
        "Photo frames, door signs, wall clocks and mirrors.",
        "相框、門牌、掛鐘與鏡子。",
        [
            "FRAME",
            "MEMOBOARD",
            "PHOTO",
            "SIGN",
            "DOORSIGN",
            "PLAQUE",
            "CLOCK",
            "MIRROR",
            "BLACKBOARD",
            "CHALKBOARD",
            "MEMO BOARD",
            "NUMBER TILE",
            "WALL ART",
            "NOTICE BOARD"
        ]
    ),
    cat!(
        "cushions-textiles",
        Some("home-decor"),
        "Cushions & textiles",
        "靠墊與織品",
        "Cushions, throws, doormats and other soft furnishings.",
        "靠墊、毯子、門墊與其他布藝用品。",
        [
            "CUSHION",
            "MAT",
            "THROW",
            "BLANKET",
            "QUILT",
            "FILLER PAD",
            "DOORMAT",
            "DOOR MAT",
            "CURTAIN",
            "RUG",
            "BEDSPREAD",
            "PILLOW"
        ]
    ),
    cat!(
        "ornaments-hanging",
        Some("home-decor"),
        "Ornaments & hanging décor",
        "擺飾與吊飾",
        "Hanging decorations, wreaths, chimes and ornaments.",
        "吊飾、花圈、風鈴與擺飾。",
        [
            "ORNAMENT",
            "FEATHER",
            "FLYING DUCKS",
            "PAPER EGG",
            "EGG HOUSE",
            "APOTHECARY",
            "BUTTERFLY",
            "TOADSTOOL",
            "WICKER",
            "WORD",
            "LETTERS",
            "BIRDCAGE",
            "STAR",
            "FILIGREE",
            "ON STICK",
            "TRELLIS",
            "DECORATION",
            "HANGING",
            "WREATH",
            "CHIME",
            "FIGURE",
            "STATUE",
            "MOBILE",
            "DOORSTOP",
            "DOOR STOP",
            "HOOK",
            "COAT HANGER",
            "HANGER",
            "BELL",
            "VASE",
            "BIRD ORNAMENT",
            "DECOUPAGE",
            "GLOBE",
            "PAPERWEIGHT"
        ]
    ),
    cat!(
        "home-storage",
        Some("home-decor"),
        "Home storage",
        "居家收納",
        "Boxes, baskets, drawers and trunks.",
        "收納盒、籃子、抽屜與收納箱。",
        [
            "BOX",
            "DRAWERKNOB",
            "KNOB",
            "TRINKET",
            "PEGS",
            "TIDY",
            "DRESSING TABLE",
            "HOLDALL",
            "BOXES",
            "BASKET",
            "DRAWER",
            "STORAGE",
            "CRATE",
            "TRUNK",
            "CHEST",
            "CABINET",
            "SHELF",
            "RACK",
            "HAMPER"
        ]
    ),
    cat!(
        "baking",
        Some("kitchen-dining"),
        "Baking",
        "烘焙",
        "Cake cases, cutters, tins and aprons for the baker.",
        "蛋糕紙杯、餅乾模、烤盤與圍裙。",
        [
            "CAKE CASES",
            "CASES",
            "BAKING",
            "CUTTER",
            "CUPCAKE CASES",
            "ICING",
            "MOULD",
            "ROLLING PIN",
            "CAKE STAND",
            "CAKE TIN",
            "APRON",
            "OVEN GLOVE",
            "RECIPE",
            "PASTRY",
            "MUFFIN",
            "CAKE SLICE",
            "BAKING SET",
            "PUDDING"
        ]
    ),
    cat!(
        "tableware",
        Some("kitchen-dining"),
        "Tableware & drinkware",
        "餐具與杯具",
        "Mugs, cups and saucers, plates, bowls and table linen.",
        "馬克杯、杯碟、盤碗與桌巾。",
        [
            "MUG",
            "EGG HOLDER",
            "POPCORN",
            "PLACE SETTING",
            "TEA GLASS",
            "CUP",
            "SAUCER",
            "PLATE",
            "BOWL",
            "NAPKIN",
            "PLACEMAT",
            "COASTER",
            "CUTLERY",
            "TEAPOT",
            "TEA SET",
            "JUG",
            "GLASSES",
            "WINE GLASS",
            "BEAKER",
            "TUMBLER",
            "TRAY",
            "EGG CUP",
            "TEACUP",
            "STRAW",
            "DISH",
            "TABLE CLOTH",
            "TABLECLOTH",
            "SPOON",
            "FORK",
            "CHOPSTICK",
            "TEA COSY",
            "CHOPPING BOARD",
            "TEA TIME",
            "CAKE PLATE",
            "CAKESTAND"
        ],
        exclude["SOAP DISH"]
    ),
    cat!(
        "kitchen-storage",
        Some("kitchen-dining"),
        "Kitchen storage & linen",
        "廚房收納與布品",
        "Jars, tins, lunch boxes and tea towels.",
        "玻璃罐、鐵盒、餐盒與茶巾。",
        [
            "JAR",
            "MAGNET",
            "BOTTLE OPENER",
            "COLANDER",
            "LADLE",
            "STRAINER",
            "OVEN MITT",
            "SALT AND PEPPER",
            "FLASK",
            "TEA FOR ONE",
            "CADDY",
            "DISPENSER",
            "FRYING PAN",
            "COFFEE",
            "SUGAR",
            "TIN",
            "LUNCH BOX",
            "LUNCHBOX",
            "BREAD BIN",
            "CANISTER",
            "CONTAINER",
            "WATER BOTTLE",
            "TEA TOWEL",
            "KITCHEN",
            "PANTRY",
            "LARDER",
            "FOOD COVER",
            "DOILY",
            "DOILIES",
            "LUNCH BAG",
            "STORAGE JAR",
            "SPICE"
        ]
    ),
    cat!("bags", Some("bags-accessories"), "Bags", "包袋",
        "Jumbo shoppers, totes, handbags and purses.", "大容量購物袋、托特包、手提包與錢包。",
        ["BAG", "TOTE", "SHOPPER", "HANDBAG", "PURSE", "BACKPACK", "RUCKSACK", "SATCHEL", "CHARLOTTE BAG"],
        exclude ["BAG CHARM", "GIFT BAG", "PARTY BAG", "WASH BAG"]),
    cat!("jewellery", Some("bags-accessories"), "Jewellery", "飾品",
        "Necklaces, bracelets, rings and hair accessories.", "項鍊、手鍊、戒指與髮飾。",
        ["NECKLACE", "BRACELET", "RING", "EARRINGS", "EARRING", "BANGLE", "BROOCH", "CHARM", "PENDANT", "DIAMANTE", "HAIR",
         "HAIRCLIP", "HAIRBAND", "BEADS", "JEWELLERY", "CHOKER", "TIARA", "HAIR GRIP", "HAIR SLIDE"],
        exclude ["KEY RING", "NAPKIN RING", "KEYRING"]),
    cat!(
        "fashion-accessories",
        Some("bags-accessories"),
        "Fashion accessories",
        "服飾配件",
        "Umbrellas, scarves, gloves, key rings and wallets.",
        "雨傘、圍巾、手套、鑰匙圈與皮夾。",
        [
            "UMBRELLA",
            "KEY FOB",
            "FAN",
            "SCARF",
            "GLOVES",
            "MITTENS",
            "HAT",
            "SLIPPERS",
            "WALLET",
            "SUNGLASSES",
            "KEY RING",
            "KEYRING",
            "PONCHO",
            "PASSPORT COVER",
            "LUGGAGE TAG",
            "BADGE",
            "WELLIES",
            "COMPACT MIRROR",
            "HAND WARMER"
        ]
    ),
    cat!("cards-wrap", Some("stationery-wrap"), "Cards & gift wrap", "卡片與禮品包裝",
        "Greeting cards, wrapping paper, ribbons, tags and gift bags.", "賀卡、包裝紙、緞帶、吊牌與禮品袋。",
        ["CARD", "POSTCARD", "GREETING CARD", "WRAP", "WRAPPING", "GIFT WRAP", "RIBBON", "TISSUE", "TAG", "GIFT BAG", "ENVELOPE", "BOW",
         "TISSUE PAPER", "GIFT BOX"],
        exclude ["PLAYING CARDS", "LUGGAGE TAG"]),
    cat!(
        "stationery",
        Some("stationery-wrap"),
        "Stationery",
        "文具",
        "Notebooks, pens, stickers, diaries and albums.",
        "筆記本、筆、貼紙、日記本與相簿。",
        [
            "NOTEBOOK",
            "CALCULATOR",
            "TAPE",
            "EXERCISE BOOK",
            "PAINT SET",
            "PAINT",
            "NOTE BOOK",
            "PEN",
            "PENCIL",
            "STICKER",
            "ERASER",
            "RUBBER",
            "DIARY",
            "CALENDAR",
            "JOURNAL",
            "NOTEPAD",
            "NOTE PAD",
            "MEMO",
            "RULER",
            "CLIP",
            "BOOKMARK",
            "ADDRESS BOOK",
            "PHOTO ALBUM",
            "ALBUM",
            "SHARPENER",
            "STAMP",
            "CRAYON",
            "CHALK",
            "COLOURING",
            "SKETCHBOOK",
            "WRITING SET",
            "STATIONERY",
            "FOLDER",
            "BOOK COVER",
            "PENCIL CASE"
        ]
    ),
    cat!(
        "crafts",
        Some("stationery-wrap"),
        "Crafts & sewing",
        "手作與縫紉",
        "Sewing and knitting kits, felt craft and modelling clay.",
        "縫紉與編織套組、羊毛氈手作與黏土。",
        [
            "SEWING",
            "KNITTING",
            "FELTCRAFT",
            "CRAFT",
            "MODELLING",
            "SCRAPBOOK",
            "EMBROIDERY",
            "CROSS STITCH",
            "BUTTONS",
            "THIMBLE",
            "PIN CUSHION"
        ]
    ),
    cat!(
        "toys-games",
        Some("toys-kids"),
        "Toys & games",
        "玩具與遊戲",
        "Games, dolls, puzzles, playing cards and pocket toys.",
        "遊戲、娃娃、拼圖、撲克牌與小玩具。",
        [
            "TOY",
            "LUDO",
            "SPORTING FUN",
            "PLAYHOUSE",
            "SKIPPING ROPE",
            "SNAKES",
            "LADDERS",
            "GLIDER",
            "SANDCASTLE",
            "BUILDING BLOCK",
            "SPINNING",
            "JACKS",
            "GAME",
            "DOLL",
            "PUZZLE",
            "JIGSAW",
            "PLAYING CARDS",
            "SKITTLES",
            "SPINNING TOP",
            "DOMINOES",
            "KITE",
            "MARBLES",
            "BALL",
            "YO YO",
            "SOFT TOY",
            "TEDDY",
            "PUPPET",
            "TATTOOS",
            "BINGO",
            "DICE",
            "CHESS",
            "BUBBLES",
            "MAGIC",
            "RATTLE",
            "ROCKING HORSE",
            "SOLDIER",
            "TRAIN",
            "DOLLS HOUSE",
            "DOLLY"
        ]
    ),
    cat!(
        "childrens",
        Some("toys-kids"),
        "Children's things",
        "兒童用品",
        "Cutlery, beakers, bags and gifts for children.",
        "兒童餐具、水杯、提袋與禮物。",
        [
            "CHILDRENS",
            "MONEY BANK",
            "PIGGY BANK",
            "MONEY BOX",
            "CHILDREN",
            "CHILDS",
            "KIDS",
            "BABY",
            "NURSERY",
            "BIB",
            "DOLLY GIRL",
            "SPACEBOY",
            "SCHOOL",
            "BOYS",
            "GIRLS"
        ]
    ),
];

macro_rules! facet {
    ($value:literal, $en:literal, $zh:literal, [$($k:literal),* $(,)?]) => {
        FacetDef { value: $value, en: $en, zh: $zh, keywords: &[$($k),*] }
    };
}

pub const COLOURS: &[ColourDef] = &[
    ColourDef {
        facet: facet!(
            "red",
            "Red",
            "紅色",
            ["RED", "SCARLET", "CRIMSON", "BURGUNDY", "CHERRY RED"]
        ),
        hex: "#b3362c",
    },
    ColourDef {
        facet: facet!("pink", "Pink", "粉紅色", ["PINK", "FUCHSIA", "MAGENTA"]),
        hex: "#d9729a",
    },
    ColourDef {
        facet: facet!("orange", "Orange", "橙色", ["ORANGE", "AMBER", "APRICOT"]),
        hex: "#d9762b",
    },
    ColourDef {
        facet: facet!("yellow", "Yellow", "黃色", ["YELLOW", "MUSTARD"]),
        hex: "#d9b22b",
    },
    ColourDef {
        facet: facet!(
            "green",
            "Green",
            "綠色",
            [
                "GREEN",
                "LIME",
                "OLIVE",
                "MINT",
                "SAGE",
                "EAU DE NIL",
                "PERIDOT"
            ]
        ),
        hex: "#3f8a52",
    },
    ColourDef {
        facet: facet!(
            "blue",
            "Blue",
            "藍色",
            ["BLUE", "NAVY", "TURQUOISE", "AQUA", "TEAL", "DENIM"]
        ),
        hex: "#2f6aa8",
    },
    ColourDef {
        facet: facet!(
            "purple",
            "Purple",
            "紫色",
            ["PURPLE", "LILAC", "VIOLET", "AMETHYST", "PLUM", "MAUVE"]
        ),
        hex: "#7b4596",
    },
    ColourDef {
        facet: facet!("brown", "Brown", "棕色", ["BROWN", "TAN", "COPPER"]),
        hex: "#7a4b2c",
    },
    ColourDef {
        facet: facet!("black", "Black", "黑色", ["BLACK", "JET"]),
        hex: "#262626",
    },
    ColourDef {
        facet: facet!("grey", "Grey", "灰色", ["GREY", "GRAY", "SLATE"]),
        hex: "#7d8085",
    },
    ColourDef {
        facet: facet!("white", "White", "白色", ["WHITE"]),
        hex: "#e9e6e1",
    },
    ColourDef {
        facet: facet!("cream", "Cream", "米白色", ["CREAM", "IVORY", "BEIGE"]),
        hex: "#e7dbc0",
    },
    ColourDef {
        facet: facet!("gold", "Gold", "金色", ["GOLD", "GOLDEN"]),
        hex: "#b8912a",
    },
    ColourDef {
        facet: facet!("silver", "Silver", "銀色", ["SILVER"]),
        hex: "#a7abb1",
    },
    ColourDef {
        facet: facet!(
            "multicolour",
            "Multicolour",
            "多色",
            [
                "MULTICOLOUR",
                "MULTI COLOUR",
                "COLOURED",
                "RAINBOW",
                "ASSORTED COLOUR",
                "ASSORTED COLOURS"
            ]
        ),
        hex: "#6d5a8f",
    },
];

pub const MATERIALS: &[FacetDef] = &[
    facet!(
        "wood",
        "Wood",
        "木質",
        ["WOOD", "WOODEN", "BIRCH", "PINE", "OAK", "BAMBOO"]
    ),
    facet!(
        "metal",
        "Metal",
        "金屬",
        [
            "METAL",
            "ZINC",
            "IRON",
            "STEEL",
            "TIN",
            "ENAMEL",
            "COPPER",
            "BRASS",
            "ALUMINIUM",
            "WIRE",
            "CHROME"
        ]
    ),
    facet!("glass", "Glass", "玻璃", ["GLASS"]),
    facet!(
        "ceramic",
        "Ceramic",
        "陶瓷",
        [
            "CERAMIC",
            "PORCELAIN",
            "BONE CHINA",
            "CHINA",
            "STONEWARE",
            "EARTHENWARE",
            "POTTERY"
        ]
    ),
    facet!(
        "paper",
        "Paper",
        "紙質",
        ["PAPER", "CARDBOARD", "PAPIER MACHE"]
    ),
    facet!(
        "fabric",
        "Fabric",
        "布料",
        [
            "FABRIC", "COTTON", "FELT", "KNITTED", "WOOLLY", "WOOL", "LINEN", "JUTE", "CANVAS",
            "LACE", "VELVET", "HESSIAN", "SILK", "FLANNEL", "CROCHET", "FLOCK"
        ]
    ),
    facet!(
        "plastic",
        "Plastic",
        "塑膠",
        ["PLASTIC", "ACRYLIC", "PVC", "MELAMINE", "VINYL", "RESIN"]
    ),
    facet!(
        "wicker",
        "Wicker",
        "藤編",
        ["WICKER", "RATTAN", "WILLOW", "SEAGRASS"]
    ),
];

pub const THEMES: &[FacetDef] = &[
    facet!(
        "christmas",
        "Christmas",
        "聖誕",
        [
            "CHRISTMAS",
            "XMAS",
            "SANTA",
            "REINDEER",
            "ADVENT",
            "SNOWFLAKE",
            "SNOWMAN",
            "NATIVITY",
            "BAUBLE",
            "STOCKING",
            "TINSEL",
            "FATHER CHRISTMAS"
        ]
    ),
    facet!(
        "hearts",
        "Hearts and love",
        "愛心",
        ["HEART", "LOVE", "VALENTINE", "SWEETHEART"]
    ),
    facet!(
        "spots",
        "Spots and dots",
        "圓點",
        [
            "RETROSPOT",
            "POLKADOT",
            "POLKA DOT",
            "SPOTTY",
            "SPOT",
            "DOTS",
            "DOTTY"
        ]
    ),
    facet!(
        "vintage",
        "Vintage",
        "復古",
        [
            "VINTAGE",
            "ANTIQUE",
            "RETRO",
            "VICTORIAN",
            "EDWARDIAN",
            "REGENCY",
            "BAROQUE",
            "PARISIENNE",
            "FRENCH"
        ]
    ),
    facet!(
        "floral",
        "Floral",
        "花卉",
        [
            "FLORAL",
            "FLOWER",
            "ROSE",
            "DAISY",
            "BLOSSOM",
            "BOTANICAL",
            "PAISLEY",
            "TULIP"
        ]
    ),
    facet!(
        "birds",
        "Birds",
        "鳥類",
        ["BIRD", "OWL", "ROBIN", "BIRDIE", "DOVE", "SPARROW", "DUCK", "CHICKEN", "SWALLOW"]
    ),
    facet!(
        "animals",
        "Animals",
        "動物",
        [
            "CAT", "DOG", "RABBIT", "BUNNY", "PIG", "HORSE", "ELEPHANT", "MOUSE", "FOX", "BEAR",
            "SHEEP", "FROG"
        ]
    ),
    facet!("easter", "Easter", "復活節", ["EASTER"]),
    facet!(
        "british",
        "British",
        "英倫",
        [
            "UNION JACK",
            "UNION FLAG",
            "LONDON",
            "BRITISH",
            "ENGLAND",
            "ENGLISH",
            "BRITAIN",
            "KEEP CALM"
        ]
    ),
];

/// A name as upper-case words.
pub fn words(name: &str) -> Vec<String> {
    name.to_uppercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn word_matches(word: &str, key: &str) -> bool {
    word == key
        || (word.len() == key.len() + 1 && word.ends_with('S') && word.starts_with(key))
        || (word.len() == key.len() + 2 && word.ends_with("ES") && word.starts_with(key))
}

/// Whether the words contain the keyword phrase (whole words, plural-tolerant on the
/// last word of the phrase).
pub fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let keys: Vec<&str> = phrase.split(' ').collect();
    if keys.is_empty() || words.len() < keys.len() {
        return false;
    }
    words.windows(keys.len()).any(|window| {
        window.iter().zip(&keys).enumerate().all(|(i, (w, k))| {
            if i + 1 == keys.len() {
                word_matches(w, k)
            } else {
                w == k
            }
        })
    })
}

fn matches_any(words: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| contains_phrase(words, p))
}

/// The categories a product's names put it in (sub-categories and keyword-bearing top
/// levels, never their parents), primary first; the fallback when nothing matches.
pub fn categorise(names: &[&str]) -> Vec<&'static str> {
    let all: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    // Sub-categories first (they say what the thing is), then seasonal and other tops.
    let ordered = CATEGORIES
        .iter()
        .filter(|c| c.parent.is_some())
        .chain(CATEGORIES.iter().filter(|c| c.parent.is_none()));
    let mut found: Vec<&'static str> = Vec::new();
    for c in ordered {
        if c.keywords.is_empty() {
            continue;
        }
        let hit = all
            .iter()
            .any(|w| matches_any(w, c.keywords) && !matches_any(w, c.exclude));
        if hit && !found.contains(&c.slug) {
            found.push(c.slug);
        }
    }
    if found.is_empty() {
        found.push(FALLBACK);
    }
    found
}

/// The first colour a name mentions.
pub fn colour_of(name: &str) -> Option<&'static ColourDef> {
    let w = words(name);
    // The earliest position wins: "RED RETROSPOT ... WHITE" is red.
    COLOURS
        .iter()
        .filter_map(|c| {
            c.facet
                .keywords
                .iter()
                .filter_map(|k| {
                    let keys: Vec<&str> = k.split(' ').collect();
                    w.windows(keys.len())
                        .position(|win| win.iter().zip(&keys).all(|(a, b)| a == b))
                })
                .min()
                .map(|pos| (pos, c))
        })
        .min_by_key(|(pos, _)| *pos)
        .map(|(_, c)| c)
}

/// The facet values any of the names mention.
pub fn facets_of(defs: &'static [FacetDef], names: &[&str]) -> Vec<&'static FacetDef> {
    let all: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    defs.iter()
        .filter(|d| all.iter().any(|w| matches_any(w, d.keywords)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_known_parent_listed_before_it() {
        for (i, c) in CATEGORIES.iter().enumerate() {
            if let Some(parent) = c.parent {
                let p = CATEGORIES
                    .iter()
                    .position(|x| x.slug == parent)
                    .expect("parent exists");
                assert!(p < i, "{} comes before its parent", c.slug);
                assert!(CATEGORIES[p].parent.is_none(), "two levels at most");
            }
        }
    }

    #[test]
    fn names_find_their_categories() {
        assert_eq!(
            categorise(&["WHITE HANGING HEART T-LIGHT HOLDER"]),
            ["candles-lighting", "ornaments-hanging"]
        );
        assert_eq!(categorise(&["WHITE METAL LANTERN"]), ["candles-lighting"]);
        assert_eq!(categorise(&["JUMBO BAG RED RETROSPOT"]), ["bags"]);
        assert_eq!(categorise(&["PACK OF 72 RETROSPOT CAKE CASES"]), ["baking"]);
        assert_eq!(
            categorise(&["CHILDRENS CUTLERY POLKADOT GREEN"])[0],
            "tableware"
        );
        assert!(categorise(&["CHILDRENS CUTLERY POLKADOT GREEN"]).contains(&"childrens"));
        assert_eq!(
            categorise(&["PAPER CHAIN KIT 50'S CHRISTMAS"]),
            ["party", "christmas"]
        );
        assert_eq!(
            categorise(&["RED WOOLLY HOTTIE WHITE HEART"]),
            ["bath-beauty"]
        );
        assert_eq!(
            categorise(&["JAM MAKING SET WITH JARS"]),
            ["kitchen-storage"]
        );
        assert_eq!(categorise(&["BAG CHARM"]), ["jewellery"]);
        assert_eq!(categorise(&["DOTCOM MYSTERY"]), [FALLBACK]);
    }

    #[test]
    fn exclusions_cancel_a_match() {
        assert_eq!(
            categorise(&["RED RETROSPOT TEA TOWEL"]),
            ["kitchen-storage"]
        );
        assert_eq!(
            categorise(&["KEY RING BABY BOOTIES"])[0],
            "fashion-accessories"
        );
        assert!(!categorise(&["KEY RING BABY BOOTIES"]).contains(&"jewellery"));
    }

    #[test]
    fn light_blue_is_a_colour_not_a_lamp() {
        let cats = categorise(&["BISCUITS SMALL BOWL LIGHT BLUE"]);
        assert!(!cats.contains(&"candles-lighting"), "{cats:?}");
        assert_eq!(
            colour_of("BISCUITS SMALL BOWL LIGHT BLUE").map(|c| c.facet.value),
            Some("blue")
        );
    }

    #[test]
    fn the_first_colour_named_wins() {
        assert_eq!(
            colour_of("RED WOOLLY HOTTIE WHITE HEART").map(|c| c.facet.value),
            Some("red")
        );
        assert_eq!(
            colour_of("CHILDRENS CUTLERY POLKADOT GREEN").map(|c| c.facet.value),
            Some("green")
        );
        assert_eq!(
            colour_of("EDWARDIAN PARASOL NATURAL").map(|c| c.facet.value),
            None
        );
        assert_eq!(
            colour_of("DIAMANTE HAIR GRIP PACK/2 PERIDOT").map(|c| c.facet.value),
            Some("green")
        );
    }

    #[test]
    fn materials_and_themes_come_from_all_names() {
        let m: Vec<_> = facets_of(MATERIALS, &["WOODEN FRAME ANTIQUE WHITE", "ZINC HEART"])
            .iter()
            .map(|f| f.value)
            .collect();
        assert_eq!(m, ["wood", "metal"]);
        let t: Vec<_> = facets_of(
            THEMES,
            &["SET OF 3 HEART COOKIE CUTTERS", "CHRISTMAS RETROSPOT STAR"],
        )
        .iter()
        .map(|f| f.value)
        .collect();
        assert_eq!(t, ["christmas", "hearts", "spots"]);
    }
}
