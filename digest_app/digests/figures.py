"""Key figures: the numbers an article states, with what they measure.

    >>> figures_in_sentence("Total revenue was approximately RMB53.7 billion, up 5.5% YoY;")
    [Figure(subject='Total revenue', value='RMB53.7 billion', change='+5.5% YoY', kind='money', ...)]
    >>> figures_in_sentence("Gross profit margin was 15.3%.")[0].value
    '15.3%'

What counts as a figure: an amount of money (RMB, HK$, US$, $, €, £, ¥ and
yuan, with million/billion/trillion), a percentage, a number of units
(phones, cars, devices, users, deliveries ...) or a rank ("ranked 1st in ...").
A percentage next to a growth or decline word ("up", "rose", "declined by",
"YoY") is the *change* of the amount nearest to it in the same clause; alone, it
is a change of its own. The *subject* is what the clause says the number
measures: the words before its verb ("Gross profit increased ..."), or the
phrase before "of" ("a total market value of ..."), cleaned of articles,
possessives of the company and parentheses. Figures whose subject names
nothing measurable are dropped: a table of vague numbers helps no one.

Rows of plain-text tables ("| Net Profit Margin | 9.84% | ...") count too: the
first cell is the subject. Chinese sentences get the common pattern
(``总收入为人民币537亿元，同比增长5.5%``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from digest_app.digests.model import FigureKind

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:trillion|billion|million|thousand)\b|(?:tn|bn|mn|m|k|B|M|K)\b)"
_PREFIX = r"(?:RMB|CNY|HK\$|US\$|NT\$|S\$|A\$|C\$|€|£|\$|¥|EUR|USD|GBP|INR|Rs\.?|₹)"
_SUFFIX = r"(?:yuan|dollars|euros|pounds|rupees|RMB|HKD|USD|EUR)\b"
_QUALIFIER = (
    r"(?:(?:about|approximately|around|roughly|nearly|almost|some|over|more than|less than|up to|at least|"
    r"as much as|as many as)\s+)?"
)
_UNIT_WORDS = (
    "units|phones|smartphones|handsets|devices|vehicles|cars|EVs|SUVs|sedans|deliveries|orders|"
    "users|subscribers|customers|stores|shipments|TVs|tablets|laptops|wearables|employees|downloads|"
    "visitors|households|categories|countries|markets|models|parameters"
)

_QUANTITY = re.compile(
    rf"(?P<qual>{_QUALIFIER})(?:"
    rf"(?P<money>{_PREFIX}\s?(?:{_NUMBER}){_SCALE}?|(?:{_NUMBER}){_SCALE}?\s{_SUFFIX})"
    rf"|(?P<percent>(?:{_NUMBER})\s?(?:%|per\s?cent\b|percent\b|percentage points?\b))"
    rf"|(?P<units>(?:{_NUMBER})(?:\s(?:million|billion|thousand))?(?:\s[a-z][a-z-]+)?\s(?:{_UNIT_WORDS})\b)"
    rf"|(?P<count>(?:{_NUMBER})\s(?:million|billion)\b)"
    rf"|(?P<rank>\branked\s+(?:the\s+)?(?:No\.\s?\d+|\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|"
    rf"top\s+(?:\d+|three|five|ten))\b(?:\s+in\s+[\w’' -]{{2,40}}?(?=[,.;)]|$| for| with| by| on| and| as))?)"
    rf")"
)
_UP = (
    r"up|rose|rising|risen|grew|grown|growing|increased?|increasing|gained?|jumped|climbed|surged|soared|"
    r"rebounded|higher|expanded|improved|(?:an?\s+)?(?:YoY\s+|year-on-year\s+)?(?:[a-z]+\s+)?(?:increase|rise|growth|gain|jump)"
    r"(?:\s+in\s+[a-z-]+(?:\s+[a-z-]+)?)?(?:\s+of)?"
)
_DOWN = (
    r"down|fell|fallen|falling|declined?|declining|decreased?|dropped|slipped|slid|shrank|shrunk|lower|"
    r"(?:an?\s+)?(?:YoY\s+|year-on-year\s+)?(?:[a-z]+\s+)?(?:decrease|decline|drop|fall)"
    r"(?:\s+in\s+[a-z-]+(?:\s+[a-z-]+)?)?(?:\s+of)?"
)
_FILLER = r"(?:\s+(?:by|of|about|approximately|nearly|almost|some|around|roughly|more than|over|a|an))*"
_CHANGE_BEFORE = re.compile(rf"\b(?:(?P<up>{_UP})|(?P<down>{_DOWN})){_FILLER}\s*$", re.IGNORECASE)
_PERIOD_AFTER = re.compile(
    r"^\s*(?P<period>YoY|year-on-year|year over year|y/y|QoQ|quarter-on-quarter|MoM|month-on-month"
    r"|from a year (?:earlier|ago)|on the year)",
    re.IGNORECASE,
)
_DIRECTION_AFTER = re.compile(
    r"^\s*(?:YoY\s+|year-on-year\s+)?(?:(?P<up>increase|rise|growth|gain|jump)|(?P<down>decrease|decline|drop|fall))\b",
    re.IGNORECASE,
)
#: A number after these is a comparison or a part of something, not a figure of its own.
_SKIPPED = re.compile(
    r"(?:\b(?:accounting for|accounted for|representing|compared (?:with|to)|from|versus|vs\.?|by)|\d%?\s?[-–])\s*$",
    re.IGNORECASE,
)
#: "a 27 per cent market share": the words after the number say what it measures.
_SHARE_AFTER = re.compile(r"\s*(?:of\s+the\s+)?(?P<what>(?:[a-z-]+\s+)?market\s+share|share)\b", re.IGNORECASE)
_PRICE_VERB = re.compile(
    r"\b(?:priced at|available (?:at|for)|retails? (?:at|for)|costs?|sells? for|starts? at|starting at|on sale (?:at|for))\s*$",
    re.IGNORECASE,
)
_VERBS = (
    "was|were|is|are|has been|have been|had been|will be|would be|reached|reaching|reaches|recorded|"
    "rose|grew|increased|decreased|declined|fell|dropped|jumped|climbed|surged|soared|hit|hits|totaled|"
    "totalled|totals|amounted|amounts|stood|stands|came|exceeded|exceeding|exceeds|surpassed|topped|passed|"
    "achieved|generated|posted|reported|accounted|shipped|delivered|sold|remained|improved|expanded|"
    "shrank|narrowed|widened|gained|lost|doubled|tripled|will|would|is expected|are expected|expected|"
    "priced|retails|retail|costs|cost|starts|sells|ranked|ranks|continued|maintained|saw|had|has|have"
)
_FIRST_VERB = re.compile(rf"\b(?:{_VERBS})\b", re.IGNORECASE)
_OF_SUBJECT = re.compile(r"(?P<np>(?:[\w’'&/-]+\s+){0,5}[\w’'&/-]+)\s+of\s*$")
_CLAUSE_BREAK = re.compile(r"([;:•–—]|,\s|\s-\s|\(|\)|\b(?:and|while|but|whereas|which|with)\s)")
_RELATIVE_CLAUSE = re.compile(r"\s+(?:who|that|which|where|whose)\b.*$")
_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")
_LEADING = re.compile(
    r"^(?:(?:the|a|an|its|their|our|his|her|this|that|these|those|total of|number of the|"
    r"(?:the\s+)?(?:group|company|firm|corporation)[’']s|meanwhile|also|moreover|in addition|besides|"
    r"as well as|and|with|while|plus)\s+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:\s+(?:also|already|further|gradually|continuously|steadily|significantly|strongly|sharply|"
    r"slightly|approximately|about|has|have|had|then|now|still|only|just|nearly|roughly))+$",
    re.IGNORECASE,
)
_METRIC_WORDS = frozenset(
    """revenue revenues sales sale profit profits income earnings margin margins shipments shipment
    deliveries delivery price prices asp share shares value valuation capitalization capitalisation cap
    users user mau dau devices subscribers cash investment investments spending expenses expense costs
    cost r&d orders order units volume growth eps dividend loss losses capacity output production
    customers downloads stores penetration ratio rate roe return returns assets debt proportion gmv
    turnover budget backlog high low stake funding ranking rank""".split()
)
#: A company "shipped 8 million phones": the figure is its shipments.
_VERB_NOUNS = {"shipped": "shipments", "delivered": "deliveries", "sold": "sales"}
_PRONOUNS = frozenset("it we they i you this that which he she these those there".split())
_TABLE_ROW = re.compile(r"^\|?\s*(?P<label>[^|]{2,60}?)\s*\|\s*(?P<value>[^|]{1,40}?)\s*(?:\||$)")
_HINT = re.compile(r"\d\s?(?:%|per\s?cent|percent)|\d\s?(?:trillion|billion|million|thousand|bn|亿|万)|"
                   rf"{_PREFIX}\s?\d|\d\s?{_SUFFIX}|\branked\b|\d[\d,.]*\s(?:[a-z-]+\s)?(?:{_UNIT_WORDS})\b|\d元")

# Chinese: 总收入为人民币537亿元，同比增长5.5%
_ZH_VALUE = re.compile(
    r"(?P<subject>[\u4e00-\u9fffA-Za-z0-9]{2,14}?)(?:约|达到|达|为|突破|超过|实现|录得|增至|增长至|升至|降至)+"
    r"(?P<value>(?:人民币|港币|港元|美元)?\d+(?:\.\d+)?\s*(?:万亿|亿|万)?\s*(?:元|美元|港元|台|辆|部|人|家|%))"
)
_ZH_CHANGE = re.compile(r"同比(?P<dir>增长|上升|提升|增加|下降|下滑|减少)\s*(?P<num>\d+(?:\.\d+)?)\s*%")
_ZH_DOWN = ("下降", "下滑", "减少")

MINUS = "−"


@dataclass(frozen=True)
class Figure:
    """One figure found in a sentence (see the module notes)."""

    subject: str
    value: str
    change: str | None
    kind: FigureKind
    sentence: str

    @property
    def key(self) -> tuple[str, ...]:
        """What makes two figures the same fact: what they measure and the number,
        or an amount with its change (the same two numbers are the same fact
        whatever words name them)."""
        value = _normal(re.sub(_QUALIFIER, "", self.value, count=1))
        if value and self.change:
            return ("", value, _normal(self.change))
        return (_normal(self.subject), value or _normal(self.change or ""))


@dataclass
class _Quantity:
    kind: str
    start: int
    end: int
    text: str
    qualifier: str
    change: str | None = None
    used: bool = False


def might_hold_figures(text: str) -> bool:
    """Cheap test: could *text* (a paragraph) state a figure at all?"""
    return _HINT.search(text) is not None


def figures_in_sentence(sentence: str) -> list[Figure]:
    """The figures *sentence* states, in order."""
    sentence = " ".join(sentence.split())
    row = _TABLE_ROW.match(sentence) if "|" in sentence else None
    if row:
        return _table_figure(row, sentence)
    if re.search(r"[\u4e00-\u9fff]", sentence):
        return list(_chinese_figures(sentence))
    quantities = [_quantity(m) for m in _QUANTITY.finditer(sentence)]
    if not quantities:
        return []
    if re.search(r"\brespectively\b", sentence):
        return _respective_figures(sentence, quantities)
    values = [q for q in quantities if q.kind != "change"]
    for change in (q for q in quantities if q.kind == "change"):
        owner = _nearest_value(sentence, change, values)
        if owner is not None:
            owner.change = change.text
            change.used = True
    figures = []
    for quantity in quantities:
        if quantity.used:
            continue
        figure = _figure(sentence, quantity)
        if figure is not None:
            figures.append(figure)
    return figures


def figures_in_text(text: str) -> Iterator[Figure]:
    """Figures of a whole article: only paragraphs that might hold one are split."""
    from digest_app.nlp.sentences import split_sentences

    for paragraph in text.split("\n\n"):
        if not might_hold_figures(paragraph):
            continue
        for sentence in split_sentences(paragraph):
            if might_hold_figures(sentence):
                yield from figures_in_sentence(sentence)


def unique(figures: Iterable[Figure]) -> list[Figure]:
    """*figures* with repeats of one fact (see :attr:`Figure.key`) left out."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for figure in figures:
        if figure.key not in seen:
            seen.add(figure.key)
            kept.append(figure)
    return kept


# -- English -------------------------------------------------------------------------------


def _quantity(match: re.Match[str]) -> _Quantity:
    group = match.lastgroup or ""
    kind = "units" if group == "count" else group
    text = match.group(group)
    start = match.start(group)
    quantity = _Quantity(kind, start, match.end(group), text, match.group("qual").strip())
    if kind == "percent":
        sentence = match.string
        before = _CHANGE_BEFORE.search(sentence, 0, start)
        after_text = sentence[match.end() : match.end() + 40]
        period = _PERIOD_AFTER.match(after_text)
        direction_after = _DIRECTION_AFTER.match(after_text)
        if before or period or direction_after:
            down = (before and before.group("down")) or (direction_after and direction_after.group("down"))
            number = re.match(_NUMBER, text)
            sign = MINUS if down else "+"
            label = f" {_period_label(period.group('period'))}" if period else ""
            quantity.kind = "change"
            quantity.text = f"{sign}{number.group() if number else text}%{label}"
    return quantity


def _period_label(text: str) -> str:
    lowered = text.lower()
    if lowered.startswith(("qoq", "quarter")):
        return "QoQ"
    if lowered.startswith(("mom", "month")):
        return "MoM"
    return "YoY"


def _nearest_value(sentence: str, change: _Quantity, values: list[_Quantity]) -> _Quantity | None:
    """The amount a change belongs to: the nearest one in the same clause with no
    change of its own (clauses end at semicolons, and at a comma that starts a new
    subject)."""
    best, best_distance = None, 1_000
    for value in values:
        if value.change is not None or value.kind == "rank":
            continue
        low, high = (value.end, change.start) if value.end <= change.start else (change.end, value.start)
        between = sentence[low:high]
        if ";" in between or len(between) > 90:
            continue
        if value.end <= change.start and "," in between and _starts_new_subject(between):
            continue
        if high - low < best_distance:
            best, best_distance = value, high - low
    return best


def _starts_new_subject(between: str) -> bool:
    """True when the text between an amount and a later change opens a clause with
    its own subject (", and the proportion of revenue increased by ...")."""
    tail = between.split(",")[-1].strip()
    verb = _FIRST_VERB.search(tail)
    return verb is not None and verb.start() > 0 and bool(tail[: verb.start()].strip(" and"))


def _figure(sentence: str, quantity: _Quantity) -> Figure | None:
    prefix = sentence[: quantity.start - len(quantity.qualifier) - (1 if quantity.qualifier else 0)]
    if quantity.kind != "change" and _SKIPPED.search(prefix):
        return None
    kind: FigureKind
    if quantity.kind == "money":
        kind = "price" if _PRICE_VERB.search(prefix) else "money"
    elif quantity.kind in ("percent", "change"):
        kind = "percent"
    else:
        kind = quantity.kind  # type: ignore[assignment]
    share = _SHARE_AFTER.match(sentence, quantity.end) if quantity.kind == "percent" else None
    subject = share.group("what") if share else _subject(prefix, quantity)
    if subject is None or _QUANTITY.search(subject):
        return None
    proper = subject[0].isupper()
    bare_count = quantity.kind == "units" and not re.search(rf"\b(?:{_UNIT_WORDS})$", quantity.text)
    if not _has_metric(subject):
        if kind not in ("price", "rank", "units") or not proper or bare_count:
            return None
        if kind in ("price", "rank"):
            subject = f"{subject} {'price' if kind == 'price' else 'ranking'}"
    if kind == "percent" and re.search(r"\b(?:share|proportion|penetration)\b", subject, re.IGNORECASE):
        kind = "share"
    subject = subject[0].upper() + subject[1:]
    value = quantity.text
    if quantity.kind == "rank":
        value = re.sub(r"^ranked\s+(?:the\s+)?", "", value)
        if " in " not in value:
            return None  # "ranked 1st" in what? Not worth a row.
    elif quantity.qualifier:
        value = f"{quantity.qualifier} {value}"
    if quantity.kind == "change":
        return Figure(subject, "", value, kind, sentence)
    return Figure(subject, value, quantity.change, kind, sentence)


def _respective_figures(sentence: str, quantities: list[_Quantity]) -> list[Figure]:
    """"A and B will be priced at RMB 2799 and RMB 3499 respectively": each subject
    gets its amount, when the two lists are the same length (nothing otherwise)."""
    amounts = [q for q in quantities if q.kind in ("money", "units")]
    if not amounts:
        return []
    first = _figure(sentence, amounts[0])
    if first is None:
        return []
    subject = re.sub(r"\s+(?:price|ranking)$", "", first.subject)
    names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", subject) if n.strip()]
    if len(names) != len(amounts) or any(len(n.split()) < 2 for n in names):
        return []
    suffix = " price" if first.kind == "price" else ""
    return [
        Figure(f"{name}{suffix}", f"{q.qualifier} {q.text}".strip(), None, first.kind, sentence)
        for name, q in zip(names, amounts)
    ]


def _subject(prefix: str, quantity: _Quantity) -> str | None:
    """What the number measures, from the words before it (None when unclear)."""
    pieces = _clause_pieces(prefix)
    if quantity.kind == "rank":
        # "..., Xiaomi’s smartphones ranked 4th": the words right before "ranked".
        return _clean_subject(pieces[-1] if pieces else "")
    if quantity.kind == "units" and pieces and not pieces[-1].strip() and _ends_with_break(prefix, "with"):
        # "..., with more than 3.2 million paid subscribers": the units say what it is.
        words = quantity.text.split()
        unit = " ".join(w for w in words if not re.match(r"[\d,.]+$|million|billion|thousand", w))
        quantity.text = " ".join(w for w in words if w not in unit.split())
        return _clean_subject(unit)
    of_phrase = _OF_SUBJECT.search(prefix)
    if of_phrase:
        candidate = _clean_subject(_after_determiner(_after_verb(_CLAUSE_BREAK.split(of_phrase.group("np"))[-1])))
        if candidate and _has_metric(candidate):
            return candidate
    clause = _clause_with_verb(pieces)
    verb = _FIRST_VERB.search(clause)
    if verb is None:
        return None
    subject = _clean_subject(clause[: verb.start()])
    noun = _VERB_NOUNS.get(verb.group().lower())
    if subject and noun and not _has_metric(subject):
        subject = f"{subject} {noun}"
    return subject


def _clause_pieces(prefix: str) -> list[str]:
    """*prefix* cut at clause breaks, except "and" between two parts of one subject
    ("MAU of smart TV and Mi Box increased ...")."""
    parts = _CLAUSE_BREAK.split(_PARENTHESES.sub("", prefix))
    pieces = [parts[0]]
    for separator, text in zip(parts[1::2], parts[2::2]):
        if separator.strip() == "and" and not _FIRST_VERB.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} and {text}"
        else:
            pieces.append(text)
    return pieces


def _ends_with_break(prefix: str, word: str) -> bool:
    return re.search(rf"\b{word}\s*$", prefix) is not None


def _clause_with_verb(pieces: list[str]) -> str:
    """The clause the number sits in: the last piece holding a verb. A piece that
    starts with its verb (", up 5% to RMB8 billion") takes its subject from the
    piece before."""
    for index in range(len(pieces) - 1, -1, -1):
        verb = _FIRST_VERB.search(pieces[index])
        if verb:
            if not pieces[index][: verb.start()].strip() and index > 0:
                return pieces[index - 1] + " " + pieces[index]
            return pieces[index]
    return ""


def _after_verb(text: str) -> str:
    """The part of an "X of" phrase after any verb ("reported revenue" -> "revenue")."""
    last = None
    for last in _FIRST_VERB.finditer(text):
        pass
    return text[last.end() :].strip() if last else text


def _after_determiner(text: str) -> str:
    """The noun phrase after the last article ("reaching an intraday high" -> "intraday high")."""
    match = None
    for match in re.finditer(r"\b(?:a|an|the|its|their|our)\s+", text, re.IGNORECASE):
        pass
    return text[match.end() :] if match else text


def _clean_subject(text: str) -> str | None:
    text = _PARENTHESES.sub("", text)
    text = _RELATIVE_CLAUSE.sub("", text)
    text = text.strip(" \t,.;:“”\"'‘’")
    text = _LEADING.sub("", text)
    text = _TRAILING.sub("", text)
    text = re.sub(r"\b(?:the\s+)?(?:Group|Company|company|group|firm)[’']s\s+", "", text)
    words = text.strip(" \t,.;:“”\"'‘’").split()
    if not words or len(words) > 10 or words[0].lower() in _PRONOUNS or not re.search(r"[A-Za-z]", text):
        return None
    return " ".join(words)


def _has_metric(subject: str) -> bool:
    words = re.findall(r"[A-Za-z&]+", subject.lower())
    return any(w in _METRIC_WORDS or w.rstrip("s") in _METRIC_WORDS for w in words)


def _table_figure(row: re.Match[str], sentence: str) -> list[Figure]:
    label = _clean_subject(row.group("label"))
    cell = row.group("value").strip()
    quantity = _QUANTITY.fullmatch(cell)
    if label is None or quantity is None or set(row.group("label")) <= set("-: "):
        return []
    kind = quantity.lastgroup or "money"
    if kind == "percent":
        kind = "share" if re.search(r"\b(?:share|proportion)\b", label, re.IGNORECASE) else "percent"
    return [Figure(label, cell, None, kind, sentence)]  # type: ignore[arg-type]


# -- Chinese -----------------------------------------------------------------------------


def _chinese_figures(sentence: str) -> Iterator[Figure]:
    change = _ZH_CHANGE.search(sentence)
    change_text = None
    if change:
        sign = MINUS if change.group("dir") in _ZH_DOWN else "+"
        change_text = f"{sign}{change.group('num')}% YoY"
    for index, match in enumerate(_ZH_VALUE.finditer(sentence)):
        value = match.group("value")
        kind: FigureKind = "percent" if value.endswith("%") else "money" if "元" in value else "units"
        subject = re.sub(r"^(?:小米)?(?:集团|公司)?(?:的)?", "", match.group("subject")) or match.group("subject")
        yield Figure(subject, value, change_text if index == 0 else None, kind, sentence)


def _normal(text: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff.%]+", "", text.casefold())
