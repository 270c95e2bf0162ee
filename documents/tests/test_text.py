"""documents/text.py: a body split into numbered sections at the highest heading level it uses."""

from documents.text import split_sections


def headings(body):
    return [(s.number, s.heading) for s in split_sections(body)]


def test_chinese_numerals_split_and_bracketed_subheadings_stay_inside():
    body = "一、总体要求\n内容\n（一）目标\n细则\n\n二、主要任务\n任务"
    sections = split_sections(body)
    assert headings(body) == [(1, "一、总体要求"), (2, "二、主要任务")]
    assert sections[0].text == "内容\n（一）目标\n细则"


def test_chapters_win_over_lower_levels():
    body = "第一章 总则\n一、目的\n文字\n第二章 组织设置\n1. 组建\n第三章 附则"
    assert headings(body) == [(1, "第一章 总则"), (2, "第二章 组织设置"), (3, "第三章 附则")]


def test_a_preamble_is_the_first_section_titled_only_by_its_own_title_line():
    assert headings("本方案依据章程制定。\n一、目的\n文字") == [(1, ""), (2, "一、目的")]
    assert headings("前言\n供查阅。\n第一章 组织\n文字") == [(1, "前言"), (2, "第一章 组织")]


def test_arabic_numbers_head_short_lines_only_and_markdown_headings_work():
    body = "1. 组织组建\n单位建立妇委会。\n2. 按时换届\n无超期服役。"
    assert headings(body) == [(1, "1. 组织组建"), (2, "2. 按时换届")]
    long_line = "1. " + "很长的一句话" * 10
    assert headings(long_line) == [(1, "")]
    assert headings("# 目的\n文字\n## 细则\n文字\n# 实施") == [(1, "目的"), (2, "细则"), (3, "实施")]
    # A decimal number is not a heading.
    assert headings("3.5 万元\n余额") == [(1, "")]


def test_blank_lines_are_tidied_and_an_empty_body_has_no_sections():
    sections = split_sections("一、甲\n\n\n段一\n\n\n段二\n\n")
    assert sections[0].text == "段一\n\n段二"
    assert split_sections("") == [] and split_sections("\n\n") == []
    assert split_sections("无标题的正文\r\n第二行")[0].text == "无标题的正文\n第二行"
