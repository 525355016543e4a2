#!/usr/bin/env python3
"""Makes tests/data/variants/pingtan-2024-subtotal.html (tests/table_variants_test.cc) from the real
Pingtan 2024 page (tests/data/corpus/pingtan-2024.html): its 表三 with a 法人或其他组织 小计 column
inserted between 其他 and 总计, as some reports print it. The header's 申请人情况 spans 8 columns and
法人或其他组织 6; each value row gets, before its 总计 cell, a copy of its 其他 cell holding the sum
of its five 法人或其他组织 cells. Nothing else changes, so every field keeps its truth-file value.
Run from the repository root: python3 tests/data/variants/make.py"""
import re

SOURCE = "tests/data/corpus/pingtan-2024.html"
TARGET = "tests/data/variants/pingtan-2024-subtotal.html"

CELL = re.compile(r"<td[^>]*>.*?</td>", re.S)


def text(cell):
    return re.sub(r"<[^>]+>|&nbsp;|\s", "", cell)


def with_text(cell, value):
    """The cell with its one number replaced by `value`."""
    numbers = list(re.finditer(r">(\d+)<", cell))
    assert len(numbers) == 1, cell
    n = numbers[0]
    return cell[: n.start(1)] + value + cell[n.end(1):]


def add_subtotal(row):
    cells = list(CELL.finditer(row))
    texts = [text(c.group(0)) for c in cells]
    if "法人或其他组织" in texts:  # the header row of kinds: widen 法人或其他组织
        c = cells[texts.index("法人或其他组织")]
        widened = c.group(0).replace('colspan="5"', 'colspan="6"', 1)
        assert widened != c.group(0)
        return row[: c.start()] + widened + row[c.end():]
    if "申请人情况" in texts:
        c = cells[texts.index("申请人情况")]
        widened = c.group(0).replace('colspan="7"', 'colspan="8"', 1)
        assert widened != c.group(0)
        return row[: c.start()] + widened + row[c.end():]
    if texts[-1] == "其他" and "商业企业" in texts:  # the kinds: 小计 after 其他
        other = cells[-1]
        subtotal = other.group(0).replace("其他", "小计")
        return row[: other.end()] + subtotal + row[other.end():]
    values = texts[-7:]
    if len(cells) < 8 or not all(v.isdigit() for v in values):
        raise SystemExit("unexpected row: " + " | ".join(texts))
    total = cells[-1]
    subtotal = with_text(cells[-2].group(0), str(sum(int(v) for v in values[1:6])))
    return row[: total.start()] + subtotal + row[total.start():]


page = open(SOURCE, encoding="utf-8").read()
at = page.find("申请人情况")
start, end = page.rfind("<table", 0, at), page.find("</table>", at)
table = re.sub(r"<tr.*?</tr>", lambda m: add_subtotal(m.group(0)), page[start:end], flags=re.S)
open(TARGET, "w", encoding="utf-8").write(page[:start] + table + page[end:])
