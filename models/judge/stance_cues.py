"""Words that show whether a post passes a claim on or reports its debunk (Indonesian social text).

A post that reports a debunk names it ("HOAKS", "tidak benar", "faktanya", "klarifikasi", "jangan
disebarkan"); a post that spreads a claim urges it on ("sebarkan!!", "info dari grup sebelah", "katanya").
"bukan hoaks" insists the claim is true, so it counts as spreading. A post that denies the event ("tidak ada
pemadaman") or puts the facts in its place ("yang ada cuma pemeliharaan") reports the debunk too. The counts
are features of the stance head, whose weights are fitted on real texts; the lists carry no weights of their
own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from factcheck_kb.evidence import ClaimWords, claim_denials, denied_words
from factcheck_kb.tokens import deleet_text

_REFUTE = [
    r"hoa?x+s?",
    r"hoaks",
    r"hoax",
    r"\[\s*(?:salah|hoaks|hoax|disinformasi|misinformasi|klarifikasi|penipuan)\s*\]",
    r"(?:tidak|tdk|tak|gak|ga|nggak|bukan)(?:lah)?\s+(?:benar|bener|fakta|faktual|tepat)",
    # how news passes a debunk on: "Kabar Palsu …", "kenyataannya", "Ini Penjelasan Dokter", "pastikan tidak"
    r"(?:kabar|berita|informasi|info|isu)\s+(?:palsu|bohong|dusta|hoa?ks|hoax|keliru|menyesatkan)",
    r"kenyataan(?:nya)?|sebenarnya\s+(?:tidak|tak|bukan)",
    r"(?:ini|begini)\s+(?:penjelasan|jawaban|kata|faktanya)\w*",
    r"(?:jelaskan|menjelaskan|ungkap|mengungkap|luruskan)\s+(?:kebenaran|fakta)\w*|kebenaran\s+di\s+balik",
    r"penjelasan\s+(?:dokter|pakar|ahli|bpom|badan\s+pom|kemenkes|kementerian|kominfo|komdigi|polisi|polri|bmkg"
    r"|resmi|pemerintah|pemkab|pemda|dinas)",
    r"(?:pastikan|memastikan|menyatakan|menegaskan)\s+(?:tidak|tak|bukan|belum)",
    r"klarifikasi",
    r"meluruskan|diluruskan",
    r"faktanya|fakta\s*(?:nya|sebenarnya)|cek\s*fakta|periksa\s*fakta",
    r"disinformasi|misinformasi|menyesatkan|keliru",
    r"(?:mem|di)?bantah\w*",
    r"dipastikan\s+(?:tidak|hoaks|palsu)",
    r"jangan\s+(?:mudah\s+)?(?:percaya|terpancing|termakan)",
    r"(?:jangan|jgn|stop|tidak\s+usah|gak\s+usah|ga\s+usah)\s+(?:asal\s+|ikut\s+)?(?:di)?"
    r"(?:sebar\w*|share|bagikan|teruskan|viral\w*)",
    r"(?:sudah|telah)\s+(?:dicek|dikonfirmasi|diklarifikasi)",
    r"(?:menegaskan|pernyataan\s+resmi|sumber\s+resmi)",
    r"(?:akun|situs|laman|tautan|link|nomor|pesan|surat|undangan)\s+(?:palsu|tiruan|(?:tidak|tak)\s+resmi)",
    r"penipuan|modus\s+penipuan|waspada\s+penipuan",
    r"ralat|diralat",
    r"(?:sudah|telah|udah)\s+(?:dijelaskan|dicek|dicek\s+langsung|cek\s+langsung|dibantah)",
    r"(?:video|foto|gambar)\s+lama",
    r"tidak\s+ada\s+(?:rencana|kebijakan|program|aturan|pungutan)",
    # denying the event itself ("tidak ada pemadaman", "belum ada kenaikan", "tak akan ada penutupan"): the
    # nominalised verb (pe-/pem-/pen-/peng-/peny-/per-/ke- … -an) is how Indonesian names what did not happen;
    # a complaint about what the authorities failed to do ("tidak ada pemberitahuan") is no denial
    r"(?:tidak|tdk|tak|gak|ga|nggak|belum)\s+(?:pernah\s+|akan\s+)?ada\s+"
    r"(?!pemberitahuan|penjelasan|perhatian|kejelasan|kepastian|pengumuman|perbaikan|penanganan|kepedulian"
    r"|pertolongan|penyelesaian|perubahan)(?:pe|ke)\w{3,}an",
    # putting the facts in its place ("yang ada cuma pemeliharaan", "yg benar adalah …")
    r"(?:yang|yg)\s+(?:ada|benar|sebenarnya|terjadi)\s+(?:cuma|hanya|cuman|adalah)",
    # how fact checkers phrase a verdict (Tempo, Kompas, MAFINDO conclusions; citizens quote them)
    r"konten\s+(?:palsu|tiruan|buatan|(?:yang\s+)?(?:dimanipulasi|menyesatkan)|dengan\s+konteks\s+\w+)",
    r"(?:fabricated|impostor|manipulated|misleading|false)\s+(?:content|context|connection)",
    r"hasil\s+(?:rekayasa|manipulasi|suntingan|editan)|(?:di)?manipulasi\s+(?:dengan\s+)?ai"
    r"|(?:rekayasa|buatan)\s+(?:ai|kecerdasan\s+buatan|artificial\s+intelligence)|dimanipulasi|disunting",
    r"tidak\s+(?:ditemukan|ada)\s+(?:bukti|informasi|pemberitaan|laporan|sumber|unggahan|pernyataan)\w*",
    r"membenarkan\s+(?:klaim|narasi|informasi)",
    r"bukan(?:lah)?\s+(?:milik\w*|(?:akun|info|informasi|laman|situs)\s+resmi)",
    r"konteks\s+(?:asli|sebenarnya)",
    r"tidak\s+(?:ada\s+|memiliki\s+)?(?:kaitan\w*|hubungan\w*|berkaitan|berhubungan)",
    r"tidak\s+(?:didukung|terbukti)|belum\s+(?:ada\s+)?(?:penelitian|bukti|terbukti)",
    r"satire?",
]
# a verdict tag opening the text ("[SALAH] …", "[BELUM TERBUKTI] …"): how fact checks title a debunk
_VERDICT_TAG = re.compile(
    r"^\s*[\[(]\s*(?:salah|hoa?ks|hoax|disinformasi|misinformasi|klarifikasi|penipuan|satire?|belum\s+terbukti"
    r"|menyesatkan|keliru|palsu|manipulasi|fitnah|tidak\s+benar|konten\s+\w+|sebagian\s+\w+)\s*[\])]",
    re.IGNORECASE,
)
_SPREAD = [
    r"sebar\w*|viral\w*|share|bagikan|teruskan",
    r"info\s+(?:penting|dari|a1|valid)|dari\s+grup\s+sebelah|grup\s+sebelah",
    r"katanya|konon|kabarnya",
    r"awas|hati[\s-]*hati|segera|darurat",
    r"bukan\s+(?:hoa?x|hoaks)",
]
_QUESTION = [
    r"benar\s*(?:kah|gak|tidak|nggak|ga)\b",
    r"apa\s+(?:benar|bener)",
    r"serius\s*\?",
    r"beneran\s*\?",
]

CUE_FEATURES = ("refute_cues", "spread_cues", "question_cues", "exclamations", "refute_only", "verdict_tag")
_CAP = 3
# "Benarkah …? Ini penjelasan dokter": a headline that asks and answers is a debunk article, not a doubt
_ANSWERED = re.compile(
    r"(?<!\w)(?:ini|begini|berikut)\s+(?:penjelasan|jawaban|faktanya|fakta)\w*", re.IGNORECASE
)


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


_REFUTE_RE = _compile(_REFUTE)
_SPREAD_RE = _compile(_SPREAD)
_QUESTION_RE = _compile(_QUESTION)
_NOT_HOAX = re.compile(r"bukan\s+(?:hoa?x|hoaks)", re.IGNORECASE)
_NOT_SPREADING = re.compile(
    r"(?<!\w)(?:jangan|jgn|stop|tidak\s+usah|gak\s+usah|ga\s+usah)\s+(?:asal\s+|ikut\s+)?(?:di)?"
    r"(?:sebar\w*|share|bagikan|teruskan|viral\w*)",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def cue_counts(text: str) -> tuple[float, ...]:
    """The cue features of one text, in :data:`CUE_FEATURES` order (counts capped at 3)."""
    text = deleet_text(text or "")
    not_hoax = len(_NOT_HOAX.findall(text))
    refute = max(0, len(_REFUTE_RE.findall(text)) - not_hoax)
    # "jangan disebar" urges the opposite of spreading: it counts as a debunk cue, not a spreading one
    spread = max(0, len(_SPREAD_RE.findall(text)) - len(_NOT_SPREADING.findall(text)))
    question = 0 if _ANSWERED.search(text) else len(_QUESTION_RE.findall(text))
    exclaim = len(re.findall(r"!{2,}", text))
    return (
        float(min(refute, _CAP)),
        float(min(spread, _CAP)),
        float(min(question, _CAP)),
        float(min(exclaim, _CAP)),
        1.0 if refute and not spread else 0.0,
        1.0 if _VERDICT_TAG.match(text) else 0.0,
    )


# ------------------------------------------------------------------ pair features

#: pair features of the stance head: they need the fact check the post is matched to
PAIR_FEATURES = ("negates_claim",)


def pair_matrix(denials: Sequence[Sequence[str]]) -> np.ndarray:
    """The pair features (:data:`PAIR_FEATURES`) of pairs, one row per pair, from the claim words each post
    denies (factcheck_kb.evidence.claim_denials)."""
    rows = [(float(min(len(d), 2)),) for d in denials]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(PAIR_FEATURES))


def text_denials(text: str, title: str | None, analyzer: Callable[[str], list[str]]) -> list[str]:
    """The words of a fact check's title that a text denies (none without a title)."""
    if not title:
        return []
    return claim_denials(denied_words(text, analyzer), ClaimWords.of(title, analyzer))


def cue_matrix(texts: list[str]) -> np.ndarray:
    return np.asarray([cue_counts(t) for t in texts], dtype=np.float64).reshape(len(texts), len(CUE_FEATURES))


def stance_features(names: Sequence[str], texts: list[str], pair: np.ndarray | None = None) -> np.ndarray:
    """The columns a stance head reads (its feature names, vector dimensions left out), per text; ``pair``
    holds the :data:`PAIR_FEATURES` of each text's pair (zeros when not given)."""
    cues = cue_matrix(texts)
    if pair is None:
        pair = np.zeros((len(texts), len(PAIR_FEATURES)))
    pair = np.asarray(pair, dtype=np.float64).reshape(len(texts), len(PAIR_FEATURES))
    columns = {name: cues[:, i] for i, name in enumerate(CUE_FEATURES)}
    columns.update({name: pair[:, i] for i, name in enumerate(PAIR_FEATURES)})
    wanted = [name for name in names if not name.startswith("dim")]
    unknown = [name for name in wanted if name not in columns]
    if unknown:
        raise ValueError(f"stance features {unknown} are not known to this version")
    return np.column_stack([columns[name] for name in wanted]) if wanted else np.zeros((len(texts), 0))


def refute_cues(text: str) -> list[str]:
    """The debunk words found in a text, as written (for the reasons shown to the TRC)."""
    return [m.group(0) for m in _REFUTE_RE.finditer(deleet_text(text or ""))][:4]


_CHECKER = re.compile(
    r"^\s*(?:Hasil\s+Periksa\s+Fakta|Pemeriksaan\s+Fakta|Kesimpulan)\s*[^.:]{0,60}[.:]\s*", re.IGNORECASE
)
_PREFIX = re.compile(r"^\s*(?:Penjelasan|Kesimpulan|Narasi)\s*:\s*", re.IGNORECASE)


def refutation_texts(fc) -> list[str]:
    """How a debunk of a fact check reads when someone passes it on: its headline with the verdict tag as
    published ("[SALAH] …"), and its conclusion (at most 60 words): the stance head's refuting examples."""
    out = []
    verdict = (fc.verdict or "").strip().upper()
    title = (fc.title or "").strip().strip('“”"')
    if title and verdict and verdict not in ("BENAR", "FAKTA", "BERITA"):
        out.append(f"[{verdict}] {title}")
    conclusion = _CHECKER.sub("", _PREFIX.sub("", (fc.conclusion or "").strip()))
    if len(conclusion.split()) >= 6:
        out.append(" ".join(conclusion.split()[:60]))
    return out
