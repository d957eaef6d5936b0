"""Cue tables of procedure search: the citizens' words that ask, want or hint rather than name a procedure.

All phrases are folded (lower case, no diacritics: ``vietnam.text.fold``) and matched as whole syllable
sequences. ``knowledge.search`` ranks with them; ``knowledge.procedure_actions`` reads the wanted action
with them. Words that *name* procedures are data: the catalogue's aliases and keywords
(``knowledge/data/procedures``) and ``vietnam/data/procedure_terms.yml``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

# Syllables that carry the question, not the procedure (folded). Bigrams keep them.
# fmt: off
STOP_SYLLABLES = frozenset(
    [
        "a", "ah", "oi", "da", "vay", "nhe", "ne", "ha", "hoi", "cho", "em", "anh", "chi", "toi", "minh",
        "con", "ong", "ba", "chu", "bac", "can", "gi", "nhung", "nao", "the", "sao", "lam", "duoc",
        "khong", "ko", "k", "phai", "muon", "xin", "biet", "voi", "va", "hay", "hoac", "la", "thi", "ma",
        "bao", "nhieu", "tien", "lau", "may", "ngay", "o", "dau", "den", "ve", "nop", "khoang", "nay",
        "kia", "roi", "chua", "thu", "tuc", "giay", "nhu", "cach", "thong", "tin", "co",
    ]
)
# fmt: on
# Everyday words that never name what a question is about (kin, pronouns, time, motion, particles,
# number words, classifiers; not "quyển": folded it is "quyền"), folded: left out when measuring how much
# of a question a procedure accounts for (``SearchIndex.coverage``), and never read as a typo of a
# catalogue word ("cuốn sổ" is not "buôn"). Ranking does not use them otherwise.
FILLER_SYLLABLES = frozenset(
    """
    tui toi minh em anh chi no ong ba bo me cha chau vo chong nha ay nguoi dua be
    gio nay roi thang ngay tuan hom qua mai truoc khi luc se da vua
    di ve len xuong vo ra toi cua vi nen neu tren duoi dem dan
    dc hong hem hok phai muon hoi nho gium dum giup
    voi cung nua luon ca het tat
    ad oi ah nhe ne vay day dzay dza zay nhen bi
    mot bon chin muoi tram rat hon nhat xong nam que vai
    cuon chiec khac
    how where what when which why need want please pls help urgent asap apply
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Cities and provinces other than Đồng Tháp that citizens name as where they lived or worked ("đi làm ở
# Sài Gòn mấy chục năm"), folded: they say where, never which procedure, and are left out like the
# province's own places (``vietnam.places``). Names that are also everyday words or local places
# ("Thanh Hóa": phường Thanh Hòa; "Lâm Đồng": "làm đồng"; "Đà Nẵng": "đa năng"; "Hải Phòng": "hai
# phòng") are not listed.
OTHER_PLACES = tuple(
    tuple(p.split())
    for p in (
        "sai gon", "thanh pho ho chi minh", "tp ho chi minh", "tphcm", "tp hcm", "ho chi minh", "ha noi",
        "binh duong", "dong nai", "long an", "can tho", "vung tau", "ba ria", "tay ninh", "an giang",
        "kien giang", "ben tre", "vinh long", "tra vinh", "soc trang", "bac lieu", "ca mau", "hau giang",
        "binh phuoc", "phu quoc", "dong nam bo",
    )
)  # fmt: skip
# "nội"/"ngoại" after a relative ("ông nội", "bà ngoại", "cháu nội") say which side of the family, not
# "nội địa" or "nước ngoài": read as NEUTRAL there (knowledge.search).
FAMILY_SIDE = frozenset(("noi", "ngoai"))
# A syllable of STOP_SYLLABLES put in place of a word read as carrying nothing of a procedure.
NEUTRAL = "ong"
SIDED_KIN = frozenset(["ong", "ba", "chau"])  # not "cô": "có nội dung"
# Not listed although they are often fillers: folded, they are also words that name procedures ("tạm"
# trú, khai "tử", "đăng" ký, nước "ngoài", "hộ" kinh doanh, "lại"/"lái", "bản"/"bán", "mới", "mã").
# Phrases that ask about an aspect (fee, time, online, documents) rather than name a procedure: they do
# not score on their own ("còn lệ phí thì sao?" finds nothing), but still count inside a known phrase.
# fmt: off
ASPECT_PHRASES = tuple(tuple(p.split()) for p in (
    "le phi", "phi", "mien phi", "chi phi", "tien phi", "thoi gian", "thoi han", "bao lau",
    "mat bao lau", "mat bao nhieu", "mat may ngay", "truc tuyen", "online", "onl", "qua mang", "tren mang",
    "dich vu cong", "link",
    "giay to", "ho so", "thanh phan", "tra ket qua", "nhan ket qua", "o dau", "cho nao", "dia chi",
    "bao nhieu", "nhieu ngay", "giay gi", "nop", "lam sao", "the nao", "nhu the nao", "duoc khong",
    "thu tuc", "ton tien", "mat tien", "het tien", "ton phi", "mat phi", "may ngay", "lau khong",
    "bao gio", "khi nao", "mang theo", "dem theo", "can mang", "chuan bi",
))
# fmt: on
_ASPECT_BY_FIRST: dict[str, list[tuple[str, ...]]] = defaultdict(list)
for _aspect_phrase in ASPECT_PHRASES:
    _ASPECT_BY_FIRST[_aspect_phrase[0]].append(_aspect_phrase)


def aspect_positions(tokens: Sequence[str]) -> set[int]:
    """Positions of ``tokens`` inside a phrase of ``ASPECT_PHRASES``."""
    covered: set[int] = set()
    tokens = tuple(tokens)
    for start, token in enumerate(tokens):
        for phrase in _ASPECT_BY_FIRST.get(token, ()):
            if tokens[start : start + len(phrase)] == phrase:
                covered.update(range(start, start + len(phrase)))
    return covered


# A topic the citizen says is absent ("ba tôi mất không để lại di chúc", "chưa làm di chúc") is not what the
# question is about: the negated words are read as what the case is instead. Folded; the negation is
# one of NEGATIONS, then at most NEGATED_GAP verbs of NEGATED_VERBS, then the topic.
NEGATIONS = frozenset(("khong", "chua", "ko", "hong", "k", "kg"))
NEGATED_VERBS = frozenset(("de", "lai", "co", "lam", "viet", "lap", "ky", "duoc", "muon"))
NEGATED_GAP = 2
NEGATED_TOPICS: dict[tuple[str, ...], tuple[str, ...]] = {
    # Without a will the estate is inherited by law: the heirs agree on dividing it (Điều 650, 651 Bộ
    # luật Dân sự 2015).
    ("di", "chuc"): tuple(["thua", "ke", "phan", "chia", "di", "san"]),
    ("chuc", "thu"): tuple(["thua", "ke", "phan", "chia", "di", "san"]),
    # Not building anew ("không xây mới, sửa lại nhà cũ thôi"): a repair or renovation (Điều 89, 95 Luật
    # Xây dựng 2014 sửa đổi 2020: giấy phép sửa chữa, cải tạo).
    ("xay", "moi"): tuple(["sua", "chua", "cai", "tao"]),
    # Not taking one's share of an estate ("hông muốn nhận phần đất ba má để lại"): the heir refuses it in
    # a written refusal, certified (Điều 620 Bộ luật Dân sự 2015; thủ tục 2.001016).
    ("nhan", "phan"): tuple(["tu", "choi", "nhan", "di", "san"]),
    ("nhan", "di", "san"): tuple(["tu", "choi", "nhan", "di", "san"]),
    ("nhan", "thua", "ke"): tuple(["tu", "choi", "nhan", "di", "san"]),
}

# Brands and models a vehicle is called by ("chiếc xe honda", "con wave", "chiếc toyota"): a motorbike or
# a car, which is what the vehicle procedures name. Not "sh" or "future": short or everyday words.
VEHICLE_BRANDS = {
    "xe may": (
        "honda", "yamaha", "suzuki", "piaggio", "vespa", "kawasaki", "ducati", "kymco", "sym", "wave",
        "dream", "exciter", "sirius", "air blade", "airblade", "vario", "winner", "jupiter", "cub",
    ),
    "o to": (
        "toyota", "hyundai", "kia", "mazda", "ford", "mitsubishi", "mercedes", "chevrolet", "isuzu",
        "innova", "vios", "fortuner", "hilux",
    ),
}  # fmt: skip

# Everyday words for what a procedure is about, and the administrative words in procedure names. Search
# only (the NLU gazetteer reads vietnam/data/procedure_terms.yml, which names procedures). Words for what
# is to be done ("mất", "đổi", "sửa", "nghỉ bán") are not expanded into topic words here: they are
# read as the question's action (see ``query_actions``), which cannot pull in another topic.
# A shop ("tiệm sửa xe của tui", "cửa hàng tạp hóa", "quán cà phê") is what a household business runs: the
# shop word reads as "hộ kinh doanh", and the trade after it (up to "của" or SHOP_TRADE_SYLLABLES
# syllables) says what it sells, never which procedure. Folded; "quán" only with a trade ("quận", "cơ
# quan"), "sạp" not at all ("sắp").
SHOP_WORDS = tuple(
    tuple(p.split())
    for p in ("tiem", "cua hang", "quan an", "quan nuoc", "quan com", "quan ca phe", "quan nhau")
)
SHOP_SUBJECT = ("ho", "kinh", "doanh")
SHOP_TRADE_SYLLABLES = 2
# "treo bảng quảng cáo trước cửa hàng": a shop named as where something is, not whose business it is.
SHOP_AS_PLACE = frozenset(["truoc", "canh", "ben", "ngoai", "tai", "gan", "sau"])
SHOP_TRADE_END = frozenset(["cua", "minh", "tui", "toi", "em", "nha", "thi", "la", "o", "dang", "muon"])


def shop_spans(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each shop with its trade in folded ``tokens``: "tiem sua xe" in "tiem sua xe cua
    tui doi qua cho moi"."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        word = next((w for w in SHOP_WORDS if tuple(tokens[i : i + len(w)]) == w), None)
        if word is None or (i > 0 and tokens[i - 1] in SHOP_AS_PLACE):
            i += 1
            continue
        end = i + len(word)
        limit = min(len(tokens), end + SHOP_TRADE_SYLLABLES)
        while end < limit and tokens[end] not in SHOP_TRADE_END:
            end += 1
        spans.append((i, end))
        i = end
    return spans


QUERY_SYNONYMS: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(k.split()): tuple(v.split())
    for k, v in {
        "chua vo": "tinh trang hon nhan",
        "chua chong": "tinh trang hon nhan",
        "doc than": "tinh trang hon nhan",
        "noi o": "cu tru",
        "cho o": "cu tru",
        "lan tay": "diem chi",
        "khong biet ky": "diem chi",
        "hoan tien": "thanh toan truc tiep",
        "thuong binh": "nguoi co cong",
        "liet si": "nguoi co cong",
        "sanh": "sinh",
        "cuoi": "ket hon",
        "lay chong": "ket hon",
        "lay vo": "ket hon",
        "chet": "khai tu",
        "qua doi": "khai tu",
        "tu tran": "khai tu",
        # A rice field is "đất trồng lúa" in procedure names; moving it to another crop converts it.
        "ruong": "dat trong lua",
        "ruong lua": "dat trong lua",
        "chuyen qua trong": "chuyen doi co cau cay trong",
        "chuyen sang trong": "chuyen doi co cau cay trong",
        "chuyen qua nuoi": "chuyen doi co cau vat nuoi",
        "chuyen sang nuoi": "chuyen doi co cau vat nuoi",
        # Colloquial names of residence procedures: "nhập khẩu" (into a household) is "đăng ký thường
        # trú" unless it is about imported goods ("xe nhập khẩu", which names no household).
        "nhap khau ve": "thuong tru",
        "nhap khau vo": "thuong tru",
        "nhap khau vao": "thuong tru",
        "nhap khau cho": "thuong tru",
        "nhap ho khau": "thuong tru",
        "lam ho khau": "thuong tru",
        "chuyen khau": "thuong tru",
        "tach khau": "tach ho",
        "tach ho khau": "tach ho",
        "cat khau": "xoa dang ky thuong tru",
        "cat ho khau": "xoa dang ky thuong tru",
        **{brand: "xe may" for brand in VEHICLE_BRANDS["xe may"]},
        **{brand: "o to" for brand in VEHICLE_BRANDS["o to"]},
        **{" ".join(shop): " ".join(SHOP_SUBJECT) for shop in SHOP_WORDS},
    }.items()
}  # fmt: skip

# Giving land or a house to a relative ("ba má muốn cho con miếng đất", "tặng cho cháu căn nhà") is a gift
# (tặng cho), registered as a change of the land rights; "cho con" and "miếng đất" alone would also fit a
# plot split ("chia đất cho con"). The giving verb, the relative, then (after classifiers) the property
# are read as the citizen saying "tặng cho đất" (``as_gift``). Not when the question splits, sells,
# pawns or rents: "tách", "chia", "bán", "cầm", "thuê".
GIFT_VERBS = frozenset(("cho", "tang"))
GIFT_RECIPIENTS = frozenset("con chau em anh chi vo chong ba me cha gai trai ut ruot".split())  # noqa: SIM905
GIFT_CLASSIFIERS = frozenset("mieng manh lo thua cai can phan it khoanh nen cuon so".split())  # noqa: SIM905
GIFT_PROPERTY = frozenset(("dat", "nha", "vuon", "ruong"))
GIFT_NOT_WITH = frozenset(("tach", "chia", "ban", "cam", "thue"))
GIFT_WINDOW = 4


def as_gift(tokens: Sequence[str]) -> list[str]:
    """Folded ``tokens`` with a gift of land or a house to a relative ("cho con miếng đất") said as "tặng
    cho đất" (the property word kept); unchanged when there is none."""
    out = list(tokens)
    if GIFT_NOT_WITH & set(out):
        return out
    for i in range(len(out) - 2):
        if out[i] not in GIFT_VERBS or out[i + 1] not in GIFT_RECIPIENTS:
            continue
        for j in range(i + 2, min(i + 2 + GIFT_WINDOW, len(out))):
            if out[j] in GIFT_PROPERTY:
                return [*out[:i], "tang", "cho", out[j], *out[j + 1 :]]
            if out[j] not in GIFT_CLASSIFIERS and out[j] not in GIFT_RECIPIENTS:
                break
    return out


# A pupil's grade settles the school level (Luật Giáo dục 43/2019/QH14, Điều 28: tiểu học lớp 1-5, trung
# học cơ sở lớp 6-9, trung học phổ thông lớp 10-12): "con tôi học lớp 7" is read as also saying "trung
# học cơ sở" (``with_school_level``).
SCHOOL_LEVELS = (
    (range(1, 6), ("tieu", "hoc")),
    (range(6, 10), ("trung", "hoc", "co", "so")),
    (range(10, 13), ("trung", "hoc", "pho", "thong")),
)


def school_level(tokens: Sequence[str]) -> tuple[str, ...]:
    """The school level (folded words) of a grade "lớp N" in ``tokens``, or () when none is said."""
    for before, token in itertools.pairwise(tokens):
        if before == "lop" and token.isdigit():
            grade = int(token)
            return next((words for grades, words in SCHOOL_LEVELS if grade in grades), ())
    return ()


def with_school_level(tokens: Sequence[str]) -> list[str]:
    """``tokens`` followed by the school level their grade says, when it is not said already."""
    level = school_level(tokens)
    said = " " + " ".join(tokens) + " "
    if not level or f" {' '.join(level)} " in said:
        return list(tokens)
    return [*tokens, *level]


# Words that tell a foreign element is involved (folded, matched as whole syllable sequences).
FOREIGN_HINTS = (
    "nuoc ngoai", "yeu to", "viet kieu", "quoc tich", "ngoai quoc", "dinh cu", "ngoai kieu", "han quoc",
    "trung quoc", "dai loan", "nhat ban", "campuchia", "thai lan", "singapore", "malaysia", "anh quoc",
    "nguoi my", "nuoc my", "ben my", "nguoi uc", "ben uc", "nguoi tay", "chong tay", "vo tay", "nguoi han",
    "chong han", "chong dai loan", "chong trung quoc", "nguoi nhat", "nguoi lao", "nuoc lao",
    "nguoi phap", "ben phap", "nuoc phap", "nguoi duc", "ben duc", "nuoc duc", "hoa ky", "nguoi canada",
    "ben canada",
)  # fmt: skip
FOREIGN_SUFFIX = ("co", "yeu", "to", "nuoc", "ngoai")
# A correction of a foreign-element case to the ordinary one ("lấy chồng người Việt", "kết hôn bình thường
# thôi", "ở trong nước"), read only when the question names nothing foreign.
DOMESTIC_HINTS = (
    "nguoi viet", "chong viet", "vo viet", "binh thuong thoi", "trong nuoc", "khong co yeu to nuoc ngoai",
    "khong phai nguoi nuoc ngoai",
)  # fmt: skip


# ------------------------------------------------------------------------------------ actions
# What the citizen wants done (a new paper, a replacement, a change, ...), read from cue words in the
# question, against what each procedure does, read from its official name. Siblings ("Đăng ký khai
# sinh" / "Đăng ký lại khai sinh", "Đăng ký thành lập hộ kinh doanh" / "Chấm dứt hoạt động hộ kinh
# doanh") share their topic words, so BM25 alone cannot tell them apart; the action can.
NEW, REISSUE, EXCHANGE, EXTEND, REREGISTER, CHANGE, CORRECT, SUSPEND, TERMINATE, AUTHORISE = (
    "new", "reissue", "exchange", "extend", "reregister", "change", "correct", "suspend", "terminate",
    "authorise",
)  # fmt: skip
# Not lifecycle actions but the same kind of sibling split: certifying a signature or thumbprint vs
# certifying a copy vs certifying a contract or transaction.
SIGNATURE, COPY, CONTRACT = "signature", "copy", "contract"
# Collecting what a dead person was owed ("ba em mất, gia đình nhận thay"): the heirs or survivors collect
# it ("Truy lĩnh ... của người hưởng đã chết", "chế độ tử tuất"); an authorisation, which only a living
# person gives, does not fit.
HEIRS = "heirs"
# Recording in the civil register what a foreign authority already did ("Ghi vào Sổ hộ tịch việc kết hôn ...
# đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài", Điều 48-50 Luật Hộ tịch 60/2014/QH13): the
# citizen says it as a record ("ghi vào sổ", "có tên trong sổ"), as a paper the foreign side issued already
# ("bên đó cấp rồi") or as a marriage done over there ("đã kết hôn bên ..."). "rồi về Việt Nam" alone is no
# cue: "con sinh bên Hàn rồi về VN làm khai sinh" registers a birth not yet registered abroad.
RECORD = "record"
LIFECYCLE = frozenset(
    {NEW, REISSUE, EXCHANGE, EXTEND, REREGISTER, CHANGE, CORRECT, SUSPEND, TERMINATE, AUTHORISE}
)


# A procedure doing a related action is not penalised: a lost birth certificate is replaced by a copy
# of the register's extract; a card past its date is exchanged or renewed; a wrong entry is corrected
# by a change.
RELATED_ACTIONS: dict[str, frozenset[str]] = {
    REISSUE: frozenset({COPY, EXCHANGE}),
    EXCHANGE: frozenset({REISSUE, EXTEND}),
    EXTEND: frozenset({EXCHANGE}),
    REREGISTER: frozenset({REISSUE}),
    CHANGE: frozenset({CORRECT}),
    CORRECT: frozenset({CHANGE}),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(spec: dict[str, str]) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple(
        (tuple(phrase.split()), action)
        for action, phrases in spec.items()
        for phrase in phrases.split(",")
        if phrase.strip()
    )


# Words of official procedure names (folded) -> the action the procedure performs.
NAME_ACTION_CUES = _phrases({
    NEW: "lan dau,cap moi,thanh lap,dang ky moi,xay dung moi",
    REISSUE: "cap lai,lam lai,bao mat,bi mat",
    EXCHANGE: "cap doi,doi lai",
    EXTEND: "gia han",
    REREGISTER: "dang ky lai",
    CHANGE: "thay doi,bien dong,dieu chinh,cap nhat,bo sung",
    CORRECT: "cai chinh,dinh chinh,dieu chinh,sua loi,sai sot",
    SUSPEND: "tam ngung,tam dung,tiep tuc kinh doanh",
    TERMINATE: "cham dut,thu hoi,thoi huong,giai the,xoa dang ky,huy bo",
    AUTHORISE: "uy quyen,linh thay,nhan thay",
    SIGNATURE: "chu ky,diem chi",
    COPY: "ban sao",
    CONTRACT: "hop dong,giao dich",
    HEIRS: "huong da chet,tu tuat",
    RECORD: "ghi vao so ho tich,ghi vao so dang ky",
})  # fmt: skip
# Citizens' words (folded) -> the action they want. "mất" and "đổi" are read in context (below).
QUERY_ACTION_CUES = _phrases({
    NEW: "lan dau,cap moi,lam moi,dang ky moi,chua tung co,chua bao gio co,chua co,mo moi,mo tiem,"
         "mo cua hang,mo quan,thanh lap,"
         # a new hire is registered for the first time ("vừa tuyển 15 lao động mới")
         "moi tuyen,vua tuyen,lao dong moi,nhan vien moi,cong nhan moi",
    REISSUE: "cap lai,xin lai,lam lai,in lai,bi mat,lam mat,danh mat,danh roi,that lac,bi chay,chay mat,"
             "bi trom,bi moc tui,bi cuop,khong tim thay,tim khong thay,kiem khong ra,lam rot",
    # A damaged paper is exchanged (Luật Căn cước 2023 art. 24, Luật Đất đai 2024 art. 136), a lost one
    # re-issued.
    EXCHANGE: "cap doi,doi lai,het han,qua han,het date,mau moi,bi hong,hu hong,bi hu,bi rach,rach,bi uot,"
              "bi mo,mo het,nhoe,bi o,bong troc,rach nat,bi nat,nat",
    EXTEND: "gia han,het han,qua han,o them,them thoi gian",
    REREGISTER: "dang ky lai",
    CHANGE: "thay doi,dieu chinh,bo sung,cap nhat,sang ten,doi ten,doi ho,doi dia chi,doi chu,doi nganh,"
            "them nganh,bot nganh,doi tru so,chuyen dia diem,chuyen cho,doi cho,doi noi,tang von,giam von",
    CORRECT: "cai chinh,dinh chinh,dieu chinh,sua lai,sua thong tin,ghi sai,bi sai,sai,nham,ghi nham,in sai,"
             "ghi lon,bi lon,lon ten,lon ngay,khong khop,khong trung khop",
    SUSPEND: "tam ngung,tam nghi,nghi tam,ngung tam,tam dung,tam dong,nghi mot thoi gian,tiep tuc kinh doanh,"
             "kinh doanh lai,ban lai,mo cua lai,hoat dong lai",
    TERMINATE: "cham dut,dong cua,nghi ban,dep,giai the,nghi luon,nghi han,ngung han,khong kinh doanh nua,"
               "khong ban nua,tra giay phep,tra lai giay,thoi kinh doanh,xoa,nghi kinh doanh,"
               "ngung kinh doanh,dong ho kinh doanh,ngung hoat dong,thoi ban,khong lam nua,cat ho khau,"
               "cat khau,xoa ten,thoi huong,ngung huong,cat tro cap,khong huong nua,nghi buon,"
               "khong buon ban nua,huy bo,huy hop dong,huy giao dich,huy dang ky",
    AUTHORISE: "uy quyen,linh thay,lanh thay,nhan thay,nhan dum,nhan gium,lanh dum,lanh gium,"
               "linh dum,lay dum,lay gium,nho nguoi nhan,nho nguoi lanh,nho con nhan,"
               "nho con lanh,nho nguoi nha,nguoi nha nhan,nguoi nha lanh,nguoi nha di,nguoi than nhan,"
               "lanh ho,nhan ho,linh ho",
    SIGNATURE: "chu ky,ky ten,diem chi,lan tay,biet ky,ky giay,ky xac nhan,khong biet chu,mu chu",
    COPY: "ban sao,sao y,photo",
    CONTRACT: "hop dong,giao dich",
    RECORD: "ghi vao so,co ten trong so,ben do cap,ben do da cap,nuoc ngoai cap roi,da ket hon ben,"
            "ket hon ben do roi,dang ky ket hon ben do",
})  # fmt: skip
# A stop said to last a while ("nghỉ bán vài tháng", "đóng cửa ít bữa", "ngưng 2 tháng") pauses: a count
# (FOR_A_WHILE_COUNTS, or a number) then a unit of time (FOR_A_WHILE_UNITS), or "một thời gian", "tạm
# thời". A closing said for good ("nghỉ luôn", "đóng hẳn": FOR_GOOD) stays a closing.
FOR_A_WHILE_COUNTS = _words("vai may it mot hai ba bon nam sau muoi")
FOR_A_WHILE_UNITS = _words("thang tuan bua ngay nam")
FOR_A_WHILE_PHRASES = (("mot", "thoi", "gian"), ("tam", "thoi"), ("it", "lau"))
FOR_GOOD = _words("luon han vinh")
# "mất" means "lost" before or after a paper, "died" after a person ("ông tôi (đã) mất"), "takes"
# before a duration ("mất bao lâu").
PERSON = _words(
    "ba me bo ma cha ong chong vo con chau ngoai noi toi tui minh nguoi em anh chi co chu bac di cau thim "
    "nha ay"
)
JUST = _words("da vua moi")
# "mất" after a relative and before a time, the end or a question ("ba em mất hôm qua", "mẹ tôi mới mất,
# cần làm giấy gì") means "died": it is searched as "chết" (khai tử), never as a lost paper. The speaker
# ("tôi mất giấy") loses; a relative followed by a paper ("chị mất giấy khai sinh") too.
KIN = _words("ba me bo ma cha ong ba chong vo con chau ngoai noi co chu bac di cau thim duong nguoi")
SPEAKER = _words("toi tui minh em anh chi")
DIED_AFTER = _words(
    "hom roi nam thang tuan luc sang trua chieu toi dem ngay hoi cach can thi nen gio vi do tai o duoc "
    "may dau nay ma va"
)
LOSS_NOT_BEFORE = _words("bao tien phi nhieu may cong thoi gian lau ngay thang nam hang truoc sau")
# "mặt bằng" (premises) unless "mất bằng lái", "mất bằng tốt nghiệp".
PAPER_AFTER_BANG = _words("lai tot dai cap")
# "nhận hộ" (on someone's behalf), not "chứng nhận hộ kinh doanh", "lãnh hộ nghèo".
HOUSEHOLD_AFTER_HO = _words("kinh ngheo can gia khau tich chieu dan")
# A lost register book ("sổ gốc bị cháy", "xã không còn sổ"): the civil status event is registered
# again. A loss word within a few syllables after "sổ" ("sổ gốc ở xã cũng bị cháy"), "mất"/"cháy" just
# before it, or "không còn" ("không còn lưu sổ") within three syllables before it. Not "sổ đỏ", "sổ
# hồng", "sổ BHXH", "sổ hộ khẩu", "sổ tiết kiệm": those are papers, not the civil status register.
BOOK_LOSS_WINDOW = 6
NOT_REGISTER_BOOK = _words("do hong bhxh bao ho tiet")
BOOK_LOSS_AFTER = _words("mat chay hu hong lac")
BOOK_LOSS_JUST_BEFORE = _words("het mat chay")
NO_LONGER = frozenset({("khong", "con"), ("hong", "con"), ("ko", "con"), ("k", "con")})
# "Đăng ký khai sinh lại": "lại" after the event, not right after "đăng ký".
REGISTER_AGAIN_WINDOW = 4
QUERY_CUES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
for _phrase, _action in QUERY_ACTION_CUES:
    QUERY_CUES_BY_FIRST[_phrase[0]].append((_phrase, _action))
# "sửa chữa nhà" repairs a house (a building permit), it corrects nothing.
REPAIR_AFTER_SUA = _words("chua nha xe mai tuong cai")
# Folded "doi" is "đổi" (exchange, change) but also "đối với", "đối tượng", "đời sống", "đội", "đợi".
# "đổi tên", "đổi địa chỉ", "sửa đổi" change a record; "đổi thẻ", "đổi bằng" exchange a paper.
NOT_EXCHANGE_BEFORE_DOI = _words("thay chuyen bien cap qua")  # "qua đời" dies
CHANGE_BEFORE_DOI = _words("sua")
NOT_DOI_AFTER = _words("voi tuong chieu tac thoai ung xu dien song ngu phuong khang lap ngoai dau moi")
CHANGE_AFTER_DOI = _words("ten ho chu dia nganh tru noi cho von thanh")

# A mishap told as a hypothesis or an accident ("lỡ làm mất", "rủi đánh rơi", "chẳng may bị cháy"): it says
# how a paper came to be lost, never what the paper or the procedure is. Folded phrases.
MISHAP_PHRASES = tuple(
    tuple(p.split())
    for p in (
        "lo", "lo tay", "lo nhu", "nho", "nho nhu", "rui", "rui nhu", "chang may", "khong may", "vo tinh",
        "vo y",
    )
)  # fmt: skip

# A death ("chết", "qua đời", "mai táng") said together with a contributory scheme the dead person was in
# ("đang lãnh lương hưu", "có đóng bảo hiểm xã hội"): the funeral allowance and survivor benefits are
# then paid by Bảo hiểm xã hội (chế độ tử tuất, Luật Bảo hiểm xã hội 41/2024/QH15), not by the social
# assistance of the commune, which is for people outside it (Nghị định 20/2021/NĐ-CP art. 11; the social
# pension is for people with no pension, Luật BHXH 41/2024/QH15 art. 21).
DEATH_PHRASES = tuple(
    tuple(p.split())
    for p in (
        "chet", "qua doi", "tu tran", "mai tang", "chon cat", "ma chay", "dam tang", "tang le", "tu tuat"
    )
)  # fmt: skip
CONTRIBUTORY_PHRASES = tuple(
    tuple(p.split())
    for p in ("luong huu", "bao hiem xa hoi", "bhxh", "dong bao hiem", "so bao hiem", "ve huu")
)  # fmt: skip
# Fields of work of the procedures for people outside the contributory scheme (social assistance).
ASSISTANCE_FIELDS = frozenset(("bao tro xa hoi",))


def phrase_at(tokens: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> list[tuple[int, int]]:
    """The (start, end) spans of ``tokens`` where one of ``phrases`` is said."""
    return [
        (i, i + len(phrase))
        for i in range(len(tokens))
        for phrase in phrases
        if tuple(tokens[i : i + len(phrase)]) == phrase
    ]


def says_insured_death(tokens: Sequence[str]) -> bool:
    """Whether folded ``tokens`` tell a death (``DEATH_PHRASES``) of someone in the contributory scheme
    (``CONTRIBUTORY_PHRASES``, not negated: "không có lương hưu" is outside it)."""
    if not phrase_at(tokens, DEATH_PHRASES):
        return False
    return any(
        not NEGATIONS.intersection(tokens[max(0, start - NEGATED_GAP - 1) : start])
        for start, _ in phrase_at(tokens, CONTRIBUTORY_PHRASES)
    )


# Procedures that apply only in a setting the question must name, by code: the folded phrases that name
# it. Without any of them the procedure is scaled down (``knowledge.search.SETTING_MISSING_FACTOR``): a
# billboard in front of a shop is not one in the road's protection zone (2.001921, Nghị định 165/2024/NĐ-CP
# on road infrastructure; signs and billboards elsewhere fall under the Luật Quảng cáo).
SETTINGS: dict[str, tuple[tuple[str, ...], ...]] = {
    "2.001921": tuple(
        tuple(p.split())
        for p in (
            "quoc lo", "tinh lo", "duong bo", "hanh lang", "ket cau ha tang", "ven duong", "le duong",
            "sat duong", "via he", "duong tinh", "duong huyen", "duong xa", "cao toc", "dai phan cach",
        )
    ),
}  # fmt: skip


def names_setting(tokens: Sequence[str], code: str) -> bool:
    """Whether folded ``tokens`` name the setting ``code`` applies in (``SETTINGS``); True without one."""
    phrases = SETTINGS.get(code)
    return phrases is None or bool(phrase_at(tokens, phrases))


# The words with which a formal question turns from the citizen's circumstances to what it asks ("...,
# đề nghị cho biết ...", "xin hỏi ..."), folded: the search weighs the circumstances less
# (``knowledge.search.background_end``), the aspects are read from what is asked (``actions.procedures``).
FORMAL_ASK_CUES: tuple[tuple[str, ...], ...] = (
    ("de", "nghi", "cho", "biet"), ("xin", "cho", "biet"), ("de", "nghi", "huong", "dan"),
    ("xin", "huong", "dan"), ("xin", "hoi"), ("cho", "toi", "hoi"),
)  # fmt: skip
# A citizen who tells a situation (a dispute, a war invalid in the family) and then asks what the state
# gives ("..., nhà nước có cho luật sư giúp miễn phí hông", "... có được nhà nước hỗ trợ gì không"): the
# situation is background too, what the state gives is the procedure asked for.
STATE_GIVES_CUES: tuple[tuple[str, ...], ...] = (
    ("nha", "nuoc", "co"), ("duoc", "nha", "nuoc"), ("nha", "nuoc", "cho"), ("nha", "nuoc", "ho", "tro"),
)  # fmt: skip
