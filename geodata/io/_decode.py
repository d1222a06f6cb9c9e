"""Bytes to text: the encodings of Vietnamese spreadsheets, told apart by their syllables."""

from __future__ import annotations

import re
import unicodedata

from patrolbase.errors import InputFileError


def _refuse_binary(raw: bytes, name: str) -> None:
    if raw.startswith(b"PK\x03\x04"):
        raise InputFileError(
            name,
            "this is an Excel workbook (XLSX) with a .csv name: rename it to .xlsx",
            message_vi="đây là tệp Excel (XLSX) nhưng mang đuôi .csv: đổi tên đuôi thành .xlsx",
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(
            name,
            "this is an old Excel workbook (.xls) with a .csv name: save it as CSV UTF-8 or .xlsx",
            message_vi="đây là tệp Excel cũ (.xls) mang đuôi .csv: lưu lại dạng CSV UTF-8 "
            "hoặc .xlsx",
        )


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode a text table; refuse rather than guess when the code page cannot be told."""
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in raw[:4096]:
        # UTF-16 without a byte-order mark: ASCII letters leave their zero byte on one side.
        head = raw[:4096]
        candidates = ["utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"]
    else:
        candidates = ["utf-8"]
    try:
        text, encoding = raw.decode(candidates[0]), candidates[0].removesuffix("-sig")
    except UnicodeDecodeError:
        if candidates[0] != "utf-8":
            raise _unreadable(name, f"damaged {candidates[0].upper()} text") from None
        text, encoding = _decode_legacy(raw, name)
    garbled = _MOJIBAKE.search(text) or (encoding.startswith("cp") and _STRAY_SYMBOL.search(text))
    if garbled:
        raise _unreadable(
            name, f"garbled letters {garbled[0]!r}, converted with the wrong code page"
        )
    return unicodedata.normalize("NFC", text), encoding


# UTF-8 once read as Windows-1252 and saved again: "NgÃ¢n hÃ ng", "Tiá»‡m".
_CP1252_HIGH = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2026"
    "\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(f"[ÃÂÄÅÆ][{_CP1252_HIGH}]\\S?|á[º»][{_CP1252_HIGH}]")
# A symbol of the Latin-1 range glued to letters: a Chinese, Russian... file read as Windows-125x.
_STRAY = r"[\xa1-\xa9\xab-\xaf\xb1\xb4-\xb6\xb8\xb9\xbb-\xbf]"  # not ª º ° ² ³ ·
_STRAY_SYMBOL = re.compile(rf"\w{_STRAY}|{_STRAY}\w")


def _unreadable(name: str, why: str) -> InputFileError:
    return InputFileError(
        name,
        f"unreadable encoding ({why}): in Excel use File > Save As > 'CSV UTF-8 (Comma "
        "delimited)', or save as .xlsx",
        message_vi=f"không đọc được bảng mã ký tự ({why}): trong Excel chọn Tệp > Lưu thành > "
        "'CSV UTF-8 (Comma delimited)', hoặc lưu dạng .xlsx",
    )


# Bytes that Windows-1258 and Windows-1252 read differently (Vietnamese letters and tone marks
# in 1258; Ã Ì Ð Ò Õ Ý Þ ã ì ð ò õ ý þ Š Ž š ž in 1252).
_CP_DIFFER = frozenset(b"\x8a\x8e\x9a\x9e\xc3\xcc\xd0\xd2\xd5\xdd\xde\xe3\xec\xf0\xf2\xf5\xfd\xfe")


def _decode_legacy(raw: bytes, name: str) -> tuple[str, str]:
    """Tell Windows-1258 from Windows-1252 by whether the differing bytes make Vietnamese."""
    try:
        as_1258 = raw.decode("cp1258")
    except UnicodeDecodeError:
        as_1258 = None
    try:
        as_1252 = raw.decode("cp1252")
    except UnicodeDecodeError:
        as_1252 = None
    if as_1258 is None and as_1252 is None:
        raise _unreadable(name, "neither UTF-8 nor a Windows code page")
    if as_1258 is None or as_1252 is None or as_1258 == as_1252:
        chosen = as_1252 if as_1252 is not None else as_1258
        assert chosen is not None
        return chosen, "cp1252" if as_1252 is not None else "cp1258"
    # Single-byte code pages: character i is byte i, so the words around differing bytes line up.
    spots = [i for i, byte in enumerate(raw) if byte in _CP_DIFFER]
    words_1258 = {_word_at(as_1258, i) for i in spots}
    words_1252 = {_word_at(as_1252, i) for i in spots}
    valid_1258 = sum(map(_plausible_word, words_1258)) / len(words_1258)
    valid_1252 = sum(map(_plausible_word, words_1252)) / len(words_1252)
    if valid_1258 >= 0.8 and valid_1258 > valid_1252:
        return as_1258, "cp1258"
    if valid_1252 >= 0.8 and valid_1252 > valid_1258:
        return as_1252, "cp1252"
    if valid_1258 <= 0.2:
        return as_1252, "cp1252"  # no Vietnamese at all in 1258: Western text (São, Così)
    samples = ", ".join(sorted(w for w in words_1258 if not _plausible_word(w))[:3])
    raise _unreadable(name, f"neither Windows-1258 nor Windows-1252 fits, e.g. {samples!r}")


def _word_at(text: str, i: int) -> str:
    a = i
    while a > 0 and _wordish(text[a - 1]):
        a -= 1
    b = i
    while b + 1 < len(text) and _wordish(text[b + 1]):
        b += 1
    return text[a : b + 1]


def _plausible_word(word: str) -> bool:
    """Tell a Vietnamese syllable, or an abbreviation in capitals such as SĐT, ĐHQG."""
    return _is_vietnamese_syllable(word) or bool(re.fullmatch(r"[A-ZĐ]{2,6}", word))


def _wordish(ch: str) -> bool:
    return ch.isalpha() or unicodedata.category(ch) == "Mn"


_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEI = re.findall(
    r"\S+",
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê"
    " ui uô uơ uy ưa ưi ưu ươ ya yê uya uyê uyu iêu yêu oai oay oao oeo uây uôi ươi ươu",
)  # the vowel groups a syllable may have (tone marks aside)
_SYLLABLE = re.compile(
    rf"^{_ONSET}(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:ch|ng|nh|[cmnpt])?$"
)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (any case, tone marks composed or not) is one Vietnamese syllable."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if c not in _TONES)
    bare = unicodedata.normalize("NFC", bare)
    if any(unicodedata.category(c) == "Mn" for c in bare):
        return False  # a mark left over had no letter to sit on
    return bool(_SYLLABLE.match(bare))
