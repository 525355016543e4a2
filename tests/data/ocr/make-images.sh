#!/usr/bin/env bash
# Page images of a real report, for the OCR tests and bench/ocr — made at test time from the PDF in
# the corpus rather than committed (megabytes of pictures):
#   tests/data/ocr/make-images.sh quick|full PDF OUTDIR
# quick (ctest, label ocr): page 4 at 300 dpi (PNG, JPEG, the JPEG cut in half), pages 4–5 as a
#   scanned PDF, page 1 (prose, no table) at 150 dpi, and bad inputs: a PNG that claims 30000×30000
#   (a real 110 KB decompression bomb of zeros), a 1-pixel PNG, a scanned PDF of 300 pages.
# full (bench/ocr): every page at 150, 200 and 300 dpi, and copies of the 300 dpi pages rotated by
#   ±2°, saved as JPEG quality 40, on a grey background and with salt-and-pepper noise; each set
#   as one scanned PDF (render-DPI.pdf, degraded-KIND.pdf).
# Needs poppler-utils, imagemagick and python3 (scripts/deps test). Idempotent: a stamp skips it.
set -euo pipefail
mode=${1:?usage: make-images.sh quick|full PDF OUTDIR} pdf=${2:?PDF} out=${3:?OUTDIR}
mkdir -p "$out" && out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for tool in pdftoppm:poppler-utils convert:imagemagick python3:python3; do
  command -v "${tool%%:*}" >/dev/null || { echo "make-images: ${tool%%:*} missing (install ${tool#*:}: scripts/deps test)" >&2; exit 1; }
done
mkdir -p "$out"
stamp=$out/.$mode.stamp
[[ $stamp -nt $pdf && $stamp -nt $0 && $stamp -nt $here/jpeg2pdf.py ]] && exit 0
cd "$out"
topdf() { python3 "$here/jpeg2pdf.py" "$@"; }

if [[ $mode == quick ]]; then
  pdftoppm -r 300 -gray -png -f 4 -l 4 -singlefile "$pdf" page4-300
  convert page4-300.png -quality 90 page4-300.jpg
  head -c $(($(stat -c %s page4-300.jpg) / 2)) page4-300.jpg >truncated.jpg
  pdftoppm -r 300 -gray -jpeg -jpegopt quality=85 -f 4 -l 5 "$pdf" scan
  topdf scan.pdf 300 scan-4.jpg scan-5.jpg
  pdftoppm -r 150 -gray -png -f 1 -l 1 -singlefile "$pdf" prose-150
  convert -size 1x1 xc:white one-pixel.png
  convert -size 600x600 xc:white -quality 50 blank.jpg
  topdf --repeat 300 300-pages.pdf 300 blank.jpg
  # 30000 × 30000 pixels of 1-bit grey: 112 MB of zero rows that deflate to 110 KB.
  python3 - <<'PY'
import struct, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
side = 30000
z = zlib.compressobj(9)
row = bytes(1 + (side + 7) // 8)
idat = b"".join(z.compress(row) for _ in range(side)) + z.flush()
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)) +
       chunk(b"IDAT", idat) + chunk(b"IEND", b""))
open("bomb-30000.png", "wb").write(png)
PY
elif [[ $mode == full ]]; then
  for dpi in 150 200 300; do
    pdftoppm -r "$dpi" -gray -jpeg -jpegopt quality=90 "$pdf" "r$dpi"
    topdf "render-$dpi.pdf" "$dpi" r"$dpi"-*.jpg
  done
  pdftoppm -r 300 -gray -png "$pdf" p300
  declare -A how=(
    [rotate+2]="-background white -rotate 2"
    [rotate-2]="-background white -rotate -2"
    [grey]="+level 0%,75%"
    [salt]="-attenuate 0.3 +noise Impulse"
  )
  for kind in "${!how[@]}" jpeg40; do
    files=()
    for page in p300-*.png; do
      target=${kind}-${page%.png}.jpg
      if [[ $kind == jpeg40 ]]; then
        convert "$page" -quality 40 "$target"
      else
        # shellcheck disable=SC2086  # the options are words
        convert "$page" ${how[$kind]} -quality 90 "$target"
      fi
      files+=("$target")
    done
    topdf "degraded-$kind.pdf" 300 "${files[@]}"
  done
else
  echo "usage: make-images.sh quick|full PDF OUTDIR" >&2
  exit 2
fi
touch "$stamp"
