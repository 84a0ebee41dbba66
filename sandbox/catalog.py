"""Fixed reference data of the sandbox: stores, markets, prices and people.

Names and addresses deliberately mix scripts (Latin with diacritics,
Cyrillic, Greek, Arabic, Japanese) and include emoji, quotes and backslashes,
so that clients meet the text that real shops send. E-mail addresses use the
reserved example.com, example.org and example.net domains.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

COUNTRY_NAMES = {
    "SE": "Sweden",
    "DE": "Germany",
    "FR": "France",
    "NL": "Netherlands",
    "GR": "Greece",
    "FI": "Finland",
    "GB": "United Kingdom",
    "US": "United States",
    "AE": "United Arab Emirates",
    "JP": "Japan",
}

STORES = [
    {"id": 1, "name": "Retail", "type": "DIRECT_TO_CONSUMER"},
    {"id": 2, "name": "Wholesale", "type": "WHOLESALE"},
]

CURRENCIES = [
    {"id": 1, "code": "SEK", "name": "Swedish krona", "decimalDigits": 2},
    {"id": 2, "code": "EUR", "name": "Euro", "decimalDigits": 2},
    {"id": 3, "code": "USD", "name": "US dollar", "decimalDigits": 2},
    {"id": 4, "code": "GBP", "name": "Pound sterling", "decimalDigits": 2},
    {"id": 5, "code": "JPY", "name": "Japanese yen", "decimalDigits": 0},
]

# (id, name, store id, country codes)
MARKETS = [
    (1, "Sweden", 1, ["SE"]),
    (2, "Europe", 1, ["DE", "FR", "NL", "GR", "FI"]),
    (3, "United Kingdom", 1, ["GB"]),
    (4, "North America & Middle East", 1, ["US", "AE"]),
    (5, "Japan", 1, ["JP"]),
    (6, "Wholesale Europe", 2, ["SE", "DE", "FR", "NL", "GR", "FI", "GB"]),
    (7, "Wholesale World", 2, ["US", "AE", "JP"]),
]

# (id, name, store id, currency code, country codes)
PRICELISTS = [
    (1, "SEK Retail", 1, "SEK", ["SE"]),
    (2, "EUR Retail", 1, "EUR", ["DE", "FR", "NL", "GR", "FI"]),
    (3, "GBP Retail", 1, "GBP", ["GB"]),
    (4, "USD Retail", 1, "USD", ["US", "AE"]),
    (5, "JPY Retail", 1, "JPY", ["JP"]),
    (6, "EUR Wholesale", 2, "EUR", ["SE", "DE", "FR", "NL", "GR", "FI", "GB"]),
    (7, "USD Wholesale", 2, "USD", ["US", "AE", "JP"]),
]

# Retail shipping fee per currency; wholesale orders ship free of charge.
SHIPPING_FEES = {
    "SEK": Decimal("49.00"),
    "EUR": Decimal("4.95"),
    "USD": Decimal("5.95"),
    "GBP": Decimal("3.95"),
    "JPY": Decimal("800"),
}

# Wholesale prices are this share of the retail price.
WHOLESALE_SHARE = Decimal("0.45")

# (first name, last name, e-mail) per country.
PEOPLE = {
    "SE": [
        ("Astrid", "Lindqvist", "astrid.lindqvist@example.com"),
        ("Björn", "Åkesson", "bjorn.akesson@example.com"),
        ("Elin", "Sjöberg", "elin.sjoberg@example.org"),
        ("Måns", "Ekström", "mans.ekstrom@example.net"),
        ("Saga", "Nyström", "saga.nystrom@example.com"),
    ],
    "DE": [
        ("Jürgen", "Müller", "juergen.mueller@example.com"),
        ("Anna", "Schäfer", "anna.schaefer@example.org"),
        ("Анна", "Смирнова", "anna.smirnova@example.net"),
        ("Ömer", "Yılmaz", "oemer.yilmaz@example.com"),
    ],
    "FR": [
        ("Amélie", "Dubois", "amelie.dubois@example.com"),
        ("François", "Lefèvre", "francois.lefevre@example.org"),
        ("Chloé", "Bernard", "chloe.bernard@example.net"),
    ],
    "NL": [
        ("Daan", "de Vries", "daan.devries@example.com"),
        ("Sanne", "van den Berg", "sanne.vandenberg@example.org"),
    ],
    "GR": [
        ("Γιώργος", "Παπαδόπουλος", "giorgos.papadopoulos@example.com"),
        ("Ελένη", "Γεωργίου", "eleni.georgiou@example.org"),
        ("Νίκος", "Κωνσταντίνου", "nikos.konstantinou@example.net"),
    ],
    "FI": [
        ("Aino", "Virtanen", "aino.virtanen@example.com"),
        ("Väinö", "Mäkinen", "vaino.makinen@example.org"),
    ],
    "GB": [
        ("Siobhán", "O'Connor", "siobhan.oconnor@example.com"),
        ('James "Jim"', "Whitaker", "jim.whitaker@example.org"),
        ("Priya", "Patel", "priya.patel@example.net"),
        ("Дмитрий", "Волков", "dmitri.volkov@example.com"),
    ],
    "US": [
        ("Emily", "Johnson", "emily.johnson@example.com"),
        ("Michael", "O'Brien", "michael.obrien@example.org"),
        ("Sofía", "Martínez", "sofia.martinez@example.net"),
        ("Ahmad", "Haddad", "ahmad.haddad@example.com"),
    ],
    "AE": [
        ("فاطمة", "الأنصاري", "fatima.alansari@example.com"),
        ("محمد", "الحسن", "mohammed.alhassan@example.org"),
        ("Layla", "Nasser", "layla.nasser@example.net"),
    ],
    "JP": [
        ("太郎", "山田", "taro.yamada@example.com"),
        ("花子", "佐藤", "hanako.sato@example.org"),
        ("一郎", "鈴木", "ichiro.suzuki@example.net"),
    ],
}

# (city, zip code, state or province, street address) per country.
PLACES = {
    "SE": [
        ("Stockholm", "114 35", None, "Strandvägen 7A"),
        ("Göteborg", "411 19", None, "Kungsportsavenyen 21"),
        ("Malmö", "211 22", None, "Södergatan 3"),
    ],
    "DE": [
        ("Berlin", "10115", None, "Invalidenstraße 117"),
        ("München", "80331", None, "Sendlinger Straße 28"),
        ("Hamburg", "20095", None, "Mönckebergstraße 7"),
    ],
    "FR": [
        ("Paris", "75011", None, "12 rue de la Roquette"),
        ("Lyon", "69002", None, "5 place Bellecour"),
    ],
    "NL": [
        ("Amsterdam", "1015 CJ", None, "Prinsengracht 263"),
        ("Utrecht", "3511 AL", None, "Oudegracht 158"),
    ],
    "GR": [
        ("Αθήνα", "105 57", None, "Ερμού 42"),
        ("Θεσσαλονίκη", "546 24", None, "Τσιμισκή 18"),
    ],
    "FI": [
        ("Helsinki", "00100", None, "Mannerheimintie 14"),
        ("Tampere", "33100", None, "Hämeenkatu 9"),
    ],
    "GB": [
        ("London", "NW1 6XE", None, "221 Baker Street"),
        ("Manchester", "M1 1AD", None, "14 Oldham Street"),
        ("Edinburgh", "EH1 1QS", None, "3 Victoria Street"),
    ],
    "US": [
        ("New York", "10001", "NY", "350 5th Ave"),
        ("San Francisco", "94103", "CA", "1 Market St"),
        ("Austin", "78701", "TX", "600 Congress Ave"),
    ],
    "AE": [
        ("دبي", "", None, "شارع الشيخ زايد 12"),
        ("Abu Dhabi", "", None, "Corniche Road 5"),
    ],
    "JP": [
        ("東京都渋谷区", "150-0041", None, "神南1-2-3"),
        ("大阪市北区", "530-0001", None, "梅田3-1-1"),
    ],
}

# Second address lines, some with emoji, quotes and backslashes.
ADDRESS_EXTRAS = [
    "Door code 4711 🔑",
    'c/o "Studio Nord"',
    "Flat 3\\B",
    "Ring twice, it's the blue door 🚪",
    "Lägenhet 1102",
    "Building C\\Floor 2",
    "3階 🏢",
]

# (account id, name, country, buyer first name, last name, e-mail)
ACCOUNTS = [
    (1, "Nordic Outfitters AB", "SE", "Karin", "Holm", "karin@example.com"),
    (2, 'Müller "Bergsport" GmbH', "DE", "Felix", "Brandt", "fb@example.org"),
    (3, "Boutique Lévesque & Fils", "FR", "Inès", "Lévesque", "ines@example.net"),
    (4, "Καταστήματα Αιγαίο Α.Ε.", "GR", "Μαρία", "Νικολάου", "maria@example.com"),
    (5, "株式会社サクラ商事", "JP", "健", "高橋", "ken.takahashi@example.org"),
    (6, "Harbour & Pike Ltd", "GB", "Tom", "Fletcher", "tom@example.net"),
    (7, "شركة وردة الصحراء للتجارة", "AE", "Omar", "Saleh", "omar@example.com"),
    (8, "Pinecone Supply Co. 🌲", "US", "Dana", "Reyes", "dana@example.org"),
    (9, "Kivi\\Puu Oy", "FI", "Eero", "Laine", "eero.laine@example.net"),
]

APPAREL_SIZES = ["XS", "S", "M", "L", "XL"]
SHOE_SIZES = ["38", "39", "40", "41", "42", "43", "44", "45"]
ONE_SIZE = ["One Size"]

# (name, retail price in EUR, sizes, colours)
PRODUCTS = [
    ("Alpine Merino Sweater", "129.95", APPAREL_SIZES, ["Oatmeal", "Navy"]),
    ("Harbour Rain Jacket", "189.00", APPAREL_SIZES, ["Black", "Forest Green"]),
    ("Fjäll Down Parka", "349.00", APPAREL_SIZES, ["Black", "Rust"]),
    ("Linen Camp Shirt", "79.95", APPAREL_SIZES, ["Écru", "Stone Grey"]),
    ("Selvedge Denim Jeans", "139.00", APPAREL_SIZES, ["Indigo"]),
    ("Canvas Tote Bag", "39.95", ONE_SIZE, ["Natural", "Black"]),
    ("Wool Beanie", "29.95", ONE_SIZE, ["Rust", "Navy", "Oatmeal"]),
    ("Leather Chelsea Boots", "229.00", SHOE_SIZES, ["Black", "Tan"]),
    ("Trail Running Shoes", "149.95", SHOE_SIZES, ["Stone Grey"]),
    ("Organic Cotton Tee", "24.95", APPAREL_SIZES, ["White", "Black", "Sage"]),
    ("Cashmere Scarf", "119.00", ONE_SIZE, ["Camel", "Charcoal"]),
    ("Quilted Liner Vest", "99.00", APPAREL_SIZES, ["Olive"]),
    ("Corduroy Overshirt", "89.95", APPAREL_SIZES, ["Rust", "Navy"]),
    ('The "Everyday" Chino', "84.95", APPAREL_SIZES, ["Khaki", "Navy"]),
    ("Pleated Wool Trousers", "159.00", APPAREL_SIZES, ["Charcoal"]),
    ("Waxed Field Jacket", "259.00", APPAREL_SIZES, ["Forest Green"]),
    ("Suede Loafers", "179.95", SHOE_SIZES, ["Tobacco"]),
    ("Recycled Nylon Backpack", "109.00", ONE_SIZE, ["Black", "Sage"]),
    ("Heavyweight Hoodie", "94.95", APPAREL_SIZES, ["Grey Melange", "Black"]),
    ("Oxford Button-Down Shirt", "74.95", APPAREL_SIZES, ["Light Blue", "White"]),
    ("Crew Socks 3-Pack", "19.95", ["36-40", "41-46"], ["Mixed"]),
    ("Kimono Robe 着物", "199.00", APPAREL_SIZES, ["藍 Indigo"]),
    ("Crème Cardigan", "114.95", APPAREL_SIZES, ["Crème"]),
    ("Hiking Shorts", "64.95", APPAREL_SIZES, ["Sand", "Olive"]),
]

# Fixed exchange rates from EUR used to derive the other retail price lists.
EUR_RATES = {
    "EUR": Decimal("1"),
    "SEK": Decimal("11.5"),
    "USD": Decimal("1.1"),
    "GBP": Decimal("0.86"),
    "JPY": Decimal("165"),
}


def retail_price(eur_price: Decimal, currency_code: str) -> Decimal:
    """Convert a EUR retail price into a shop-style price in another currency.

    SEK prices end in 9 kronor, USD prices in .95, GBP prices are whole
    pounds and JPY prices whole hundreds of yen.
    """
    if currency_code == "EUR":
        return eur_price

    converted = eur_price * EUR_RATES[currency_code]
    if currency_code == "SEK":
        hundreds = (converted / 100).to_integral_value(ROUND_CEILING)
        return (hundreds * 100 - 1).quantize(Decimal("0.01"))
    if currency_code == "USD":
        whole = converted.to_integral_value(ROUND_CEILING)
        return (whole - Decimal("0.05")).quantize(Decimal("0.01"))
    if currency_code == "GBP":
        return converted.to_integral_value(ROUND_CEILING).quantize(Decimal("0.01"))
    hundreds = (converted / 100).to_integral_value(ROUND_CEILING)
    return hundreds * 100


def wholesale_price(retail: Decimal, decimal_digits: int) -> Decimal:
    """Return the wholesale price, rounded half up to the currency's digits."""
    step = Decimal(1).scaleb(-decimal_digits)
    return (retail * WHOLESALE_SHARE).quantize(step, rounding=ROUND_HALF_UP)
