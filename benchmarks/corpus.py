"""A realistic library for benchmarks: N articles written through Digest's own store API.

    sys.path.insert(0, str(REPO / "benchmarks"))   # from another benchmark script
    from corpus import cached_library
    path = cached_library(n=100_000, seed=7)       # built once, then reused
    lib = Library.open(path)                       # open a copy if the benchmark writes

or ``python benchmarks/corpus.py --articles 100000`` to build (or find) it and
print its figures.

What is in it:

- 40 sources (36 English, 4 Chinese), dates spread evenly over the three years
  before 1 November 2026, about one article in four unread (most of the last
  two months) and one in fifty starred;
- English articles whose paragraphs recombine sentences of the third-party eval
  articles in ``../shared/eval/`` (BBC and CNN news) with sentences about Xiaomi
  written for this file, under varied titles: product headlines, original
  eval titles, or opening words of a sentence;
- about 3% Chinese articles recombined from Chinese sentences written for this
  file (none of them is shipped with the app);
- the lead three sentences of each article as its stored summary, and 12 tags
  (three for every four articles; EV, Smartphones and Earnings put there by rules).

Everything goes through ``lib.sources``, ``lib.articles.store_many``,
``lib.articles.set_summaries``, ``lib.tags.add`` and the flag setters, in the
order an import does it, so the search index and every trigger see exactly what
they see in use. The file is cached in ``benchmarks/out/`` under a name that
carries ``n``, the seed, this generator's version and a fingerprint of the
library schema, so a schema change builds a new one.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from digest_app.records import ParsedArticle  # noqa: E402
from digest_app.store import Library  # noqa: E402
from digest_app.store.articles import ComputedSummary  # noqa: E402
from digest_app.store.migrations import latest_version  # noqa: E402

SHARED = Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared"))
OUT = REPO / "benchmarks" / "out"
#: Bump when the generator changes, so that cached libraries are rebuilt.
GENERATOR_VERSION = 1
END = datetime(2026, 11, 1, tzinfo=timezone.utc)
SPAN = timedelta(days=3 * 365)
CHINESE_SHARE = 0.03
BATCH = 2000

SOURCES_EN = [
    "Mi Insider", "Gadget Ledger", "Pocket Tech Daily", "EV Wire", "Shenzhen Signal",
    "Handset Journal", "The Charging Port", "Silicon Harbour", "Daily Unboxing",
    "Market Pulse Asia", "Smart Home Weekly", "Android Field Notes", "Drive Electric",
    "Component Watch", "Retail Radar", "Wearable World", "Chip Street", "The Spec Sheet",
    "Camera Phone Lab", "Global Brief", "Morning Markets", "Tech Policy Review",
    "Factory Floor", "Open Firmware", "Budget Phone Guide", "Commuter Cars",
    "The Quarterly", "Beijing Business Note", "Connected Living", "Launch Day",
    "Benchmarks and Bytes", "Sound Check Audio", "Screen Time", "Battery Life Blog",
    "World Desk", "The Long Read",
]
SOURCES_ZH = ["米粉之家", "数码观察", "车圈速递", "智能生活周刊"]

TAGS = {
    "EV": (0.12, "rule"),
    "Smartphones": (0.20, "rule"),
    "Earnings": (0.06, "rule"),
    "AIoT and smart home": (0.07, "user"),
    "HyperOS": (0.05, "user"),
    "Wearables": (0.05, "user"),
    "Leadership": (0.03, "user"),
    "Retail": (0.04, "user"),
    "Supply chain": (0.04, "user"),
    "Regulation": (0.03, "user"),
    "Reviews": (0.06, "user"),
    "Rumors": (0.02, "user"),
}

PRODUCTS = [
    "Xiaomi 15", "Xiaomi 15 Ultra", "Redmi Note 14", "Redmi K80", "Poco F7", "Xiaomi SU7",
    "SU7 Ultra", "Xiaomi YU7", "Xiaomi Pad 7", "Smart Band 9", "Watch S4", "Mix Flip",
    "HyperOS 2", "Redmi Buds 6", "Xiaomi TV S Pro", "Robot Vacuum X20",
]
HEADLINES = [
    "{p} goes on sale in Europe", "{p} review: better than it has to be",
    "{p} gets a price cut", "{p} deliveries beat estimates", "Update brings new features to {p}",
    "Leaked images show the {p} design", "{p} sales top expectations in first week",
    "Hands-on with the {p}", "Why the {p} matters for Xiaomi", "{p} battery test results",
    "Xiaomi confirms launch date for {p}", "{p} arrives in India with a lower price",
    "Five things to know about the {p}", "{p} teardown reveals new cooling design",
    "Owners report problems with {p} update", "{p} versus last year's model",
]
XIAOMI_SENTENCES = [
    "Xiaomi said deliveries of the SU7 sedan rose again last month.",
    "Lei Jun told reporters that the company would keep prices steady.",
    "The new Redmi Note phone goes on sale in Europe next week.",
    "Analysts expect Xiaomi's electric vehicle unit to break even next year.",
    "HyperOS now links phones, tablets, home devices and cars.",
    "The camera module of the Xiaomi 15 Ultra was tuned for low light.",
    "Xiaomi opened its largest overseas store so far in Paris.",
    "Smart home revenue grew faster than smartphone revenue in the quarter.",
    "The company plans to expand its car factory in Beijing.",
    "A firmware update fixed the battery drain reported by some users.",
    "Xiaomi shipped more wearables than most rivals in the period.",
    "The folding phone is thinner than last year's model.",
    "Xiaomi's shares rose after the results were published.",
    "The band tracks sleep, heart rate and blood oxygen.",
    "Xiaomi said research spending would climb over the next five years.",
    "The robot vacuum empties its own dust bin and washes its mop.",
    "Reviewers praised the tablet's screen but criticised its speakers.",
    "The company said the SU7 Ultra had set a new lap record on a test track.",
    "Xiaomi will open a new chip design centre in Shanghai.",
    "Retail partners reported long queues on launch day.",
]
CHINESE_SENTENCES = [
    "小米集团今天在北京举行秋季新品发布会，雷军亲自登台介绍了多款新产品。",
    "小米SU7的交付量连续三个月保持增长，工厂正在增加夜班产能。",
    "雷军在微博上表示，小米汽车的第二款车型将在明年上半年亮相。",
    "新款小米手机搭载了自研的芯片，续航表现比上一代提升明显。",
    "分析师认为，小米在东南亚市场的份额仍有上升空间。",
    "小米之家门店数量已经超过一万家，覆盖了大部分县级城市。",
    "澎湃OS的更新让手机、平板和汽车之间的连接更加顺畅。",
    "红米系列新机主打性价比，起售价低于一千五百元。",
    "小米公布的季度财报显示，智能电动汽车业务的毛利率继续改善。",
    "有用户反映，新版系统在部分旧机型上出现了耗电加快的问题。",
    "小米手环的新版本增加了血氧监测和更长的待机时间。",
    "小米智能家居生态已经连接了数亿台设备。",
    "雷军说，公司未来五年将大幅提高研发投入。",
    "这款折叠屏手机的铰链经过重新设计，机身更轻更薄。",
    "小米汽车工厂的第二期工程预计年底完工。",
    "不少车主在社交平台上分享了自己的长途驾驶体验。",
    "小米平板新品在开学季销量表现亮眼。",
    "市场研究机构的数据显示，小米的全球手机出货量排名靠前。",
    "小米与多家电池供应商签订了长期合作协议。",
    "新发布的扫地机器人支持自动集尘和拖布清洗。",
    "小米电视在欧洲市场推出了更大尺寸的型号。",
    "有消息称，小米正在测试一款新的电动车。",
    "在发布会上，雷军回顾了公司创业以来的历程。",
    "小米的海外收入占比已经接近一半。",
    "新款耳机采用了主动降噪技术，通话质量也有所提升。",
    "小米商城的促销活动首日成交额创下新高。",
    "业内人士指出，手机行业的竞争正在从硬件转向系统和服务。",
    "小米汽车的用户订单已经排到了数月之后。",
    "公司表示，将在印度继续扩大本地生产。",
    "这次系统更新修复了多项安全漏洞。",
    "小米的智能手表支持独立通话和离线导航。",
    "评测显示，新机的影像系统在夜景拍摄中表现突出。",
    "小米宣布成立新的芯片研发中心。",
    "投资者关注小米在汽车业务上的持续投入能否带来回报。",
    "雷军与车主见面时，听取了他们对车机系统的建议。",
    "小米空气净化器新品在北方城市受到欢迎。",
    "新车的智能驾驶功能已经覆盖主要城市的高速公路。",
    "小米的股价在财报发布后明显上涨。",
    "米家应用的新版本优化了设备联动的设置流程。",
    "这款充电宝体积小巧，支持多种快充协议。",
]
CHINESE_TITLES = [
    "小米发布新款旗舰手机", "雷军：小米汽车明年推出第二款车型", "小米SU7交付量再创新高",
    "澎湃OS迎来重大更新", "小米季度营收同比增长", "红米新机正式开售", "小米之家门店突破一万家",
    "小米智能家居生态持续扩大", "小米汽车工厂二期即将完工", "小米手环新品上市",
    "小米加大芯片研发投入", "小米海外市场表现强劲",
]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


@dataclass(frozen=True)
class CorpusStats:
    """What a generated library holds, and how long writing it took."""

    path: Path
    articles: int
    raw_text_bytes: int
    seconds: float | None


def cached_library(n: int = 100_000, seed: int = 7, *, quiet: bool = False) -> Path:
    """The path of the generated library for *n* and *seed*, building it if needed."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"library-n{n}-s{seed}-g{GENERATOR_VERSION}-{schema_fingerprint()}.db"
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        for stale in partial.parent.glob(partial.name + "*"):
            stale.unlink()
        stats = build_library(partial, n=n, seed=seed, quiet=quiet)
        (OUT / (path.name + ".json")).write_text(
            json.dumps({"articles": stats.articles, "raw_text_bytes": stats.raw_text_bytes,
                        "build_seconds": stats.seconds}),
            encoding="utf-8",
        )
        partial.rename(path)
    return path


def schema_fingerprint() -> str:
    """Schema version and a hash of every table, index, view and trigger a new library has."""
    with tempfile.TemporaryDirectory() as folder:
        with Library.open(Path(folder) / "empty.db") as lib:
            schema = "\n".join(
                r[0] for r in lib.query("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            )
    return f"v{latest_version()}-{hashlib.sha256(schema.encode()).hexdigest()[:10]}"


def cached_build_seconds(path: Path) -> float | None:
    """How long writing the cached library at *path* took, when it was built."""
    info = path.with_name(path.name + ".json")
    return json.loads(info.read_text(encoding="utf-8"))["build_seconds"] if info.exists() else None


def raw_text_bytes(lib: Library) -> int:
    """The size of what readers search: UTF-8 bytes of every title and text."""
    return lib.query(
        "SELECT COALESCE(sum(length(CAST(title AS BLOB)) + length(CAST(article_text(text) AS BLOB))), 0)"
        " FROM articles"
    )[0][0]


def build_library(path: Path, *, n: int = 100_000, seed: int = 7, quiet: bool = False) -> CorpusStats:
    """Write a new library of *n* generated articles at *path* (which must not exist)."""
    if path.exists():
        raise FileExistsError(f"{path}: a library is already there")
    rng = random.Random(seed)
    sentences, titles = _load_eval_material()
    started = time.perf_counter()
    with Library.open(path) as lib:
        sources = _add_sources(lib)
        for first in range(0, n, BATCH):
            batch = [_article(rng, i, n, sentences, titles, sources) for i in range(first, min(n, first + BATCH))]
            _store_batch(lib, rng, batch)
            if not quiet:
                print(f"\rcorpus: {min(n, first + BATCH):>7}/{n} articles", end="", file=sys.stderr)
        if not quiet:
            print(file=sys.stderr)
        lib.search.optimize()
        raw = raw_text_bytes(lib)
    return CorpusStats(path, n, raw, time.perf_counter() - started)


def _load_eval_material() -> tuple[list[str], list[str]]:
    sentences: list[str] = []
    titles: list[str] = []
    for name in ("summaries-dev.jsonl", "cnndm-dev.jsonl"):
        for line in (SHARED / "eval" / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["title"]:
                titles.append(record["title"])
            for paragraph in record["text"].split("\n\n"):
                sentences.extend(s for s in _SENTENCE_END.split(paragraph) if 30 <= len(s) <= 400)
    return sentences, titles


def _add_sources(lib: Library) -> list[tuple[int, str]]:
    sources = []
    for number, name in enumerate(SOURCES_EN + SOURCES_ZH):
        language = "zh" if name in SOURCES_ZH else "en"
        source, _ = lib.sources.add("feed", f"https://feeds{number}.example.com/rss.xml", title=name)
        sources.append((source.id, language))
    return sources


def _article(
    rng: random.Random,
    i: int,
    n: int,
    sentences: list[str],
    titles: list[str],
    sources: list[tuple[int, str]],
) -> tuple[int, ParsedArticle, list[str]]:
    # Dates rise with i, with jitter, so later batches hold later news as in real use.
    published = END - SPAN + SPAN * ((i + rng.random()) / n)
    chinese = rng.random() < CHINESE_SHARE
    if chinese:
        source_id = rng.choice([s for s, lang in sources if lang == "zh"])
        title = rng.choice(CHINESE_TITLES)
        paragraphs = ["".join(rng.sample(CHINESE_SENTENCES, rng.randint(2, 4))) for _ in range(rng.randint(3, 6))]
    else:
        source_id = rng.choice([s for s, lang in sources if lang == "en"])
        title = _english_title(rng, sentences, titles)
        paragraphs = []
        for _ in range(rng.randint(3, 8)):
            chosen = [rng.choice(sentences) for _ in range(rng.randint(2, 4))]
            if rng.random() < 0.35:
                chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(XIAOMI_SENTENCES))
            paragraphs.append(" ".join(chosen))
    text = "\n\n".join(paragraphs)
    url = f"https://news{source_id}.example.com/{published:%Y/%m}/story-{i}"
    parsed = ParsedArticle(
        title=title,
        text=text,
        content_html="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        url=url,
        guid=url,
        published=published.replace(microsecond=0),
        language="zh" if chinese else "en",
    )
    return source_id, parsed, _lead_sentences(paragraphs, chinese)


def _english_title(rng: random.Random, sentences: list[str], titles: list[str]) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(HEADLINES).format(p=rng.choice(PRODUCTS))
    if roll < 0.7:
        return rng.choice(titles)
    words = rng.choice(sentences).split()[: rng.randint(5, 10)]
    return " ".join(words).rstrip(",.;:")


def _lead_sentences(paragraphs: list[str], chinese: bool) -> tuple[str, ...]:
    if chinese:
        return tuple(s + "。" for s in "".join(paragraphs).split("。")[:3] if s)
    return tuple(_SENTENCE_END.split(" ".join(paragraphs))[:3])


def _store_batch(lib: Library, rng: random.Random, batch: list[tuple[int, ParsedArticle, list[str]]]) -> None:
    """Store, summarize, tag and flag one batch, in the order an import does it."""
    by_source: dict[int, list[tuple[ParsedArticle, tuple[str, ...]]]] = defaultdict(list)
    for source_id, parsed, lead in batch:
        by_source[source_id].append((parsed, lead))
    with lib.write():
        summaries: list[ComputedSummary] = []
        ids: list[tuple[int, datetime]] = []
        for source_id, items in by_source.items():
            newest = max(p.published for p, _ in items)
            results = lib.articles.store_many(
                source_id, [p for p, _ in items], fetched=newest + timedelta(hours=1)
            )
            for result, (parsed, lead) in zip(results, items):
                summaries.append(ComputedSummary(result.article_id, lead, (), "lead-3"))
                ids.append((result.article_id, parsed.published))
        lib.articles.set_summaries(summaries)
        tagged: dict[str, list[int]] = defaultdict(list)
        for article_id, _ in ids:
            for name, (share, _) in TAGS.items():
                if rng.random() < share:
                    tagged[name].append(article_id)
        for name, article_ids in tagged.items():
            lib.tags.add(article_ids, [name], origin=TAGS[name][1])
        recent = END - timedelta(days=60)
        lib.articles.set_read(
            [a for a, when in ids if rng.random() < (0.3 if when > recent else 0.75)]
        )
        lib.articles.set_starred([a for a, _ in ids if rng.random() < 0.02])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    path = cached_library(args.articles, args.seed)
    with Library.open(path) as lib:
        count = lib.articles.count()
        raw = raw_text_bytes(lib)
    print(f"{path}: {count} articles, {raw / 1e6:.1f} MB of title and text, "
          f"file {path.stat().st_size / 1e6:.1f} MB, written in {cached_build_seconds(path) or 0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
