// DOC, WPS and XLS (binary Office and Kingsoft WPS) through LibreOffice headless, found at run
// time: `soffice --headless --convert-to docx|xlsx` in a child process (isolate.h) with a private
// temporary profile (-env:UserInstallation) and a time limit, then read as DOCX/XLSX (ooxml.h, also
// isolated). Without LibreOffice: a warning `unsupported format DOC: install
// libreoffice-writer-nogui` (…-calc-nogui for XLS) and an empty page. Never throws.
#ifndef NIANBAO_EXTRACT_READ_OFFICE_H_
#define NIANBAO_EXTRACT_READ_OFFICE_H_

#include <string_view>

#include "extract/read/isolate.h"
#include "extract/read/page.h"
#include "extract/read/sniff.h"

namespace nianbao {

// True when soffice (LibreOffice) is in PATH.
bool HaveLibreOffice();

// `format` is kDoc, kWps or kXls. `limits` bound the conversion, with at least 120 s of wall clock
// and CPU (a first start builds its profile), and no address-space limit (LibreOffice reserves
// far more than it uses).
Page ReadLegacyOffice(std::string_view bytes, Format format, const ChildLimits& limits);

}  // namespace nianbao

#endif  // NIANBAO_EXTRACT_READ_OFFICE_H_
