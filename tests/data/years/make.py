#!/usr/bin/env python3
"""Makes the two-year fixture of one body (tests/cross_year_test.cc) from the real Pingtan 2024 page
(tests/data/corpus/pingtan-2024.html), changing it consistently:
  both years: 二、上年结转 and 四、结转下年度继续办理, 自然人 and 总计: 0 -> 3 (every sum identity of
              表三 still holds: 3 carried over and 3 carried forward on the same row identity);
  2023:       the year 2024 -> 2023 (and 2025 -> 2024) in the text; 表二 行政规范性文件 现行有效件数
              440 -> 411, so that 2024's 440 = 411 + 62 issued - 33 repealed.
Run from the repository root: python3 tests/data/years/make.py"""
import re

SOURCE = "tests/data/corpus/pingtan-2024.html"


def set_cells(page, row_label, values):
    """Replaces the value cells (after the label) of the <tr> whose text starts with row_label."""
    for m in re.finditer(r"<tr>.*?</tr>", page, re.S):
        row = m.group(0)
        text = re.sub(r"<[^>]+>|&nbsp;|\s", "", row)
        if not text.startswith(row_label):
            continue
        cells = list(re.finditer(r"(<td[^>]*>(?:<p[^>]*>)?)([^<]*)(</)", row))
        for index, value in values.items():
            c = cells[index + 1]  # cell 0 is the label
            row = row[: c.start(2)] + value + row[c.end(2):]
            cells = list(re.finditer(r"(<td[^>]*>(?:<p[^>]*>)?)([^<]*)(</)", row))
        return page[: m.start()] + row + page[m.end():]
    raise SystemExit("no row " + row_label)


def carried(page):
    for label in ("二、上年结转", "四、结转下年度"):
        page = set_cells(page, label, {0: "3", 6: "3"})
    return page


page = open(SOURCE, encoding="utf-8").read()
open("tests/data/years/pingtan-2024.html", "w", encoding="utf-8").write(carried(page))
old = carried(page).replace("2024", "2023").replace("2025", "2024")
count = old.count('text-indent: 0em;">440</p>')
assert count == 1, count
old = old.replace('text-indent: 0em;">440</p>', 'text-indent: 0em;">411</p>')
open("tests/data/years/pingtan-2023.html", "w", encoding="utf-8").write(old)
