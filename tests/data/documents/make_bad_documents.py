#!/usr/bin/env python3
"""Writes the hostile documents of tests/document_test.cc into DIR (written for nianbao; no real
report is hostile on purpose). Needs the Python standard library and qpdf (the encrypted PDF).

  make_bad_documents.py DIR HUAIAN.pdf
"""
import os
import subprocess
import sys
import zipfile

out, huaian = sys.argv[1:3]
path = lambda name: os.path.join(out, "bad", name)
os.makedirs(os.path.join(out, "bad"), exist_ok=True)
pdf = open(huaian, "rb").read()

def write_pdf(name, objects, root=1):
    """objects: {number: bytes}; writes a PDF with a correct xref table."""
    body = b"%PDF-1.7\n"
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(body)
        body += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    xref = len(body)
    size = max(objects) + 1
    body += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        body += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    body += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    open(path(name), "wb").write(body)

# A PDF needing a user password: qpdf, AES-256.
subprocess.run(["qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--", huaian,
                path("encrypted.pdf")], check=True)
# The real report cut off at 40 %: no xref, no trailer, half its pages.
open(path("truncated.pdf"), "wb").write(pdf[: len(pdf) * 2 // 5])
# Object streams that extend each other in a loop, and a page tree whose node is its own kid.
loop = b"1 0 obj"
write_pdf("looping-streams.pdf", {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    4: b"<< /Length 5 0 R >>\nstream\nBT ET\nendstream",
    5: b"6 0 R",
    6: b"5 0 R",
    7: b"<< /Type /ObjStm /N 1 /First 8 /Extends 8 0 R /Length %d >>\nstream\n%s\nendstream" % (len(loop), loop),
    8: b"<< /Type /ObjStm /N 1 /First 8 /Extends 7 0 R /Length %d >>\nstream\n%s\nendstream" % (len(loop), loop),
})
# 500 pages of one line each.
objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
           3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
kids = []
for i in range(500):
    page, content = 4 + 2 * i, 5 + 2 * i
    text = b"BT /F1 12 Tf 72 720 Td (Page %d of a long annual report) Tj ET" % (i + 1)
    objects[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                     b"/Resources << /Font << /F1 3 0 R >> >> >>" % content)
    objects[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)
    kids.append(b"%d 0 R" % page)
objects[2] = b"<< /Type /Pages /Kids [%s] /Count 500 >>" % b" ".join(kids)
write_pdf("500-pages.pdf", objects)

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

def docx(name, document, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path(name), "w", compression, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("word/document.xml", document)

# A zip bomb: word/document.xml inflates to 400 MiB of blanks inside a paragraph.
with zipfile.ZipFile(path("zip-bomb.docx"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", CT)
    with z.open("word/document.xml", "w", force_zip64=True) as f:
        f.write(('<w:document %s><w:body><w:p><w:r><w:t>' % W).encode())
        chunk = b" " * (1 << 20)
        for _ in range(400):
            f.write(chunk)
        f.write(b"</w:t></w:r></w:p></w:body></w:document>")
# 10,000 tables, each inside the one cell of the one before.
depth = 10000
docx("nested-tables.docx",
     '<w:document %s><w:body>' % W + "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" +
     "</w:tc></w:tr></w:tbl>" * depth + "</w:body></w:document>")
# A sheet of 1,000,000 styled empty cells (1000 × 1000) and one with a number.
cols = []
for c in range(1000):
    n, s = c + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    cols.append(s)
rows = []
for r in range(1, 1001):
    cells = "".join('<c r="%s%d" s="1"/>' % (c, r) for c in cols)
    if r == 1000:
        cells = cells.replace('<c r="ALL1000" s="1"/>', '<c r="ALL1000"><v>42</v></c>')
    rows.append('<row r="%d">%s</row>' % (r, cells))
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
with zipfile.ZipFile(path("million-empty-cells.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("xl/workbook.xml", '<workbook %s %s><sheets><sheet name="Sheet1" sheetId="1" '
               'r:id="rId1"/></sheets></workbook>' % (S, R))
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats'
               '.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" '
               'Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/worksheets/sheet1.xml", '<worksheet %s><sheetData>%s</sheetData></worksheet>'
               % (S, "".join(rows)))
open(path("empty.docx"), "wb").close()  # 0 bytes, whatever its name says
# Extensions that lie: the real PDF named .docx, the filled DOCX named .html.
open(path("huaian-2024-really-pdf.docx"), "wb").write(pdf)
docx_bytes = open(os.path.join(out, "pingtan-2024-form.docx"), "rb").read()
open(path("pingtan-2024-really-docx.html"), "wb").write(docx_bytes)
