#!/usr/bin/env bash
# Makes the document test cases of tests/document_test.cc from real corpus reports, once; the
# results are committed beside this script. Needs python3 and LibreOffice (libreoffice-writer-nogui,
# libreoffice-calc-nogui); run from anywhere: tests/data/documents/make_documents.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../corpus
shared=${NIANBAO_SHARED:-$here/../../../../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
office() { soffice -env:UserInstallation=file://$work/profile --headless --norestore "$@" >/dev/null 2>&1; }

# 1. The official 2021 form (shared/corpus/docs/template-2021.docx) filled with the Pingtan 2024
#    report's values (corpus/pingtan-2024.html, truth corpus/pingtan-2024.html.truth.json).
python3 "$here/fill_template.py" "$shared/corpus/docs/template-2021.docx" \
  "$corpus/pingtan-2024.html.truth.json" 平潭综合实验区2024年度政府信息公开工作年度报告 \
  "$here/pingtan-2024-form.docx"
# 2. The same as a PDF exported by LibreOffice Writer (Word-export-like: ruled table, no WPS
#    quirks) and as a binary Word 97 DOC.
python3 "$here/fill_template.py" "$shared/corpus/docs/template-2021.docx" \
  "$corpus/pingtan-2024.html.truth.json" 平潭综合实验区2024年度政府信息公开工作年度报告 \
  "$work/pingtan-2024-form.docx" --plain
office --convert-to pdf --outdir "$work" "$work/pingtan-2024-form.docx"
cp "$work/pingtan-2024-form.pdf" "$here/pingtan-2024-form.pdf"
office --convert-to doc --outdir "$work" "$here/pingtan-2024-form.docx"
cp "$work/pingtan-2024-form.doc" "$here/pingtan-2024-form.doc"
# 3. The real page corpus/pingtan-2024.html opened by LibreOffice Calc (its tables as a sheet, with
#    the page's rowspans/colspans as merged cells), saved as XLSX and as binary Excel XLS.
office --infilter="HTML (StarCalc)" --convert-to xlsx --outdir "$work" "$corpus/pingtan-2024.html"
cp "$work/pingtan-2024.xlsx" "$here/pingtan-2024-calc.xlsx"
office --infilter="HTML (StarCalc)" --convert-to xls --outdir "$work" "$corpus/pingtan-2024.html"
cp "$work/pingtan-2024.xls" "$here/pingtan-2024-calc.xls"
python3 "$here/make_bad_documents.py" "$here" "$corpus/huaian-2024.pdf"
