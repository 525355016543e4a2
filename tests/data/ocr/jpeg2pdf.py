#!/usr/bin/env python3
"""Writes a scanned PDF: one page per JPEG, the picture filling the page, no text layer.

  jpeg2pdf.py OUT.pdf DPI A.jpg [B.jpg …]     page size = pixels × 72 / DPI points
  jpeg2pdf.py --repeat N OUT.pdf DPI A.jpg    N pages showing one shared picture

ImageMagick's PDF writer is disabled by Debian's security policy, and a scan is no more than this:
a JPEG stream (DCTDecode) drawn over the page.
"""
import struct
import sys


def jpeg_info(data):
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height, data[at + 9]
        at += 2 + struct.unpack(">H", data[at + 2:at + 4])[0]
    sys.exit("jpeg2pdf: not a JPEG with a frame header")


def write(out, dpi, images, repeat):
    objects = []  # bodies, object n at index n-1

    def add(body):
        objects.append(body)
        return len(objects)

    pages_id = add(None)  # filled in below
    image_ids, sizes = [], []
    for data in images:
        width, height, components = jpeg_info(data)
        space = "/DeviceGray" if components == 1 else "/DeviceRGB"
        head = (f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
                f"/ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {len(data)} >>")
        image_ids.append(add(head.encode() + b"\nstream\n" + data + b"\nendstream"))
        sizes.append((width * 72.0 / dpi, height * 72.0 / dpi))
    kids = []
    for n in range(max(repeat, len(images))):
        i = min(n, len(images) - 1)
        w, h = sizes[i]
        draw = f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im0 Do Q".encode()
        content = add(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        kids.append(add((f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] "
                         f"/Resources << /XObject << /Im0 {image_ids[i]} 0 R >> >> "
                         f"/Contents {content} 0 R >>").encode()))
    objects[pages_id - 1] = (f"<< /Type /Pages /Count {len(kids)} /Kids [" +
                             " ".join(f"{k} 0 R" for k in kids) + "] >>").encode()
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        pdf += b"%010d 00000 n \n" % o
    pdf += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    with open(out, "wb") as f:
        f.write(pdf)


def main(argv):
    repeat = 0
    if argv[:1] == ["--repeat"]:
        repeat, argv = int(argv[1]), argv[2:]
    if len(argv) < 3:
        sys.exit(__doc__)
    out, dpi, files = argv[0], float(argv[1]), argv[2:]
    images = [open(f, "rb").read() for f in files]
    write(out, dpi, images, repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
