"""core.excel: the one formula-escaping rule of every workbook the platform writes, and its inverse."""

from core.excel import attachment, safe_cell, unescape_cell


def test_formula_looking_text_is_escaped_and_comes_back():
    for text in ("=1+1", "+86", "-x", "@SUM", "\tx"):
        assert safe_cell(text) == "'" + text
        assert unescape_cell(safe_cell(text)) == text
    assert safe_cell("区教育局") == unescape_cell("区教育局") == "区教育局"
    assert safe_cell(5) == 5
    # An apostrophe the clerk typed before ordinary text is theirs: it stays.
    assert unescape_cell("'区教育局") == "'区教育局"


def test_attachment_names_the_file_in_ascii_and_utf8():
    assert attachment("台账.xlsx", "ledger.xlsx") == "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx"
