#!/usr/bin/env python3
"""Fills the official 2021 report form (template-2021.docx, every value cell empty) with the values
of a real report's truth file, in the form's printed order (row by row: the order of fields.tsv,
which is the order of the truth file's fields). Writes a DOCX.

  fill_template.py TEMPLATE.docx TRUTH.json TITLE OUT.docx [--plain]

Two cells exercise Word's markup as real documents have it: requests.new.total is written as a
tracked change (a deleted wrong number, then the inserted right one) and outcome.disclosed.total
as two runs ("2" + the rest); --plain leaves both out (a PDF export would print the deleted
number struck through). Needs only the Python standard library.
"""
import json
import re
import sys
import zipfile

template, truth_path, title, out_path = sys.argv[1:5]
plain = "--plain" in sys.argv[5:]
truth = json.load(open(truth_path, encoding="utf-8"))
# outcome.other.* is the （六） row of forms that print it as one row; the 2021 form prints its
# three sub-rows instead.
fields = [(k, v) for k, v in truth["fields"].items() if k.rsplit(".", 1)[0] != "outcome.other"]

src = zipfile.ZipFile(template)
xml = src.read("word/document.xml").decode("utf-8")

def blank(tc):
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", tc))
    return text.strip(" \u3000") == ""

def continues(tc):
    return re.search(r'<w:vMerge(?: w:val="continue")?/>', tc) is not None

def run(text):
    return "<w:r><w:t>%s</w:t></w:r>" % text

def fill(tc, field, value):
    tc = re.sub(r"(<w:t(?: [^>]*)?>)[ \u3000]*(</w:t>)", r"\1\2", tc)
    text = "" if value is None else repr(value)
    if plain:
        runs = run(text) if text else ""
    elif field == "requests.new.total":
        runs = ("<w:del w:id=\"9001\" w:author=\"nianbao\"><w:r><w:delText>999</w:delText></w:r></w:del>"
                "<w:ins w:id=\"9002\" w:author=\"nianbao\">%s</w:ins>" % run(text))
    elif field == "outcome.disclosed.total" and len(text) > 1:
        runs = run(text[0]) + run(text[1:])
    else:
        runs = run(text) if text else ""
    at = tc.rfind("</w:p>")
    return tc[:at] + runs + tc[at:]

index = 0
def fill_table(match):
    global index
    table = match.group(0)
    def fill_row(row_match):
        global index
        row = row_match.group(0)
        cells = re.findall(r"<w:tc>.*?</w:tc>", row, re.S)
        labelled = any(not blank(c) for c in cells)
        all_blank_values = not labelled  # the value row of table 四
        out = row
        seen_label = False
        for tc in cells:
            if not blank(tc):
                seen_label = True
                continue
            if continues(tc) or not (seen_label or all_blank_values):
                continue
            field, value = fields[index]
            index += 1
            out = out.replace(tc, fill(tc, field, value), 1)
        return out
    return re.sub(r"<w:tr[ >].*?</w:tr>", fill_row, table, flags=re.S)

xml = re.sub(r"<w:tbl>.*?</w:tbl>", fill_table, xml, flags=re.S)
if index != len(fields):
    sys.exit("filled %d cells but the truth has %d fields" % (index, len(fields)))
xml = xml.replace("<w:body>", "<w:body><w:p>%s</w:p>" % run(title), 1)

with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as out:
    for item in src.infolist():
        data = xml.encode("utf-8") if item.filename == "word/document.xml" else src.read(item)
        out.writestr(item, data)
