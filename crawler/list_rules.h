// List mechanisms (the [[list]] entries of rules/links.toml): how a CMS pages a list through a
// script API. Each entry is recognised from the page's own markup (`detect` patterns, all of which
// must match, and `reject` patterns, none of which may), reads its parameters from the page with
// RE2 named groups (`capture`), may read items the page holds outside its DOM (`inline`: a
// <datastore> block, a list inside an HTML comment), and turns into the request for the next page
// (GET or POST with form fields, `{expression}` templates). The reply is read by one of three
// readers — an HTML fragment, XML records (pugixml) or JSON paths (nlohmann-json) — into (title,
// url, date) items; the crawler gives them to the report filter of links.toml. Pages are requested
// one after another: page n+1 only when page n gave items and n+1 is within the rule's `count`
// (when the page says) and links.toml's max_pages.
//
// [[detail]] entries are rules of the same kind for article shells: a page whose report body a
// script fetches from a detail API (Epoint `getGovInfoDetail`, the Shanghai districts'
// `/html/info/detail`). Recognised and parameterised the same way, they request the body once; the
// reply's `html` (and `title`) become the report's document (ListReply::document), which the
// crawler extracts as the report of the shell page. The reply's attachment records (`attachments`,
// e.g. Epoint's pdflist of a PDF-only article) become links of that document, so the crawler's
// attachment discovery follows them as on any page; a reply with neither is an `error`.
//
// Errors: Parse throws RuleError ("SOURCE:LINE: …") for an invalid entry; ReadPage and ReadReply
// never throw: a reply that does not parse comes back as `error`, naming the rule and the URL.
#ifndef NIANBAO_CRAWLER_LIST_RULES_H_
#define NIANBAO_CRAWLER_LIST_RULES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nianbao {

// One row of a list, as a mechanism read it. `url` is absolute; `title` and `date` may be empty.
struct ListItem {
  std::string title, url, date;
};

// A request for one page of a list mechanism: everything needed to send it and to read its reply
// (and to build the page after it) without the list page. Travels through the frontier as JSON.
struct ListRequest {
  std::string rule;           // the [[list]] or [[detail]] entry's name
  std::string kind = "list";  // "list" (a page of rows) or "detail" (a shell's report body)
  int page = 0;
  std::string method = "GET";  // "GET" or "POST"
  std::string url;             // absolute
  std::string form;            // the application/x-www-form-urlencoded body of a POST
  std::vector<std::pair<std::string, std::string>> headers;
  std::map<std::string, std::string> vars;  // read from the list page

  // The frontier's identity of this request: the URL for a GET; for a POST the URL with the form
  // as (more of) its query — unique per page and readable in fetch records; it is still sent as
  // a POST of `form` to `url`.
  std::string Key() const;
  std::string ToJson() const;
  static std::optional<ListRequest> FromJson(std::string_view json);
};

// What one mechanism found on a list page.
struct ListPageMatch {
  std::string rule;
  std::vector<ListItem> items;  // rows the page holds outside its DOM (inline)
  std::optional<ListRequest> next;
  bool owns_paging = false;  // the rule requests the list's next pages (it has a `url`)
  std::string error;  // the rule was recognised but could not be applied (a parameter missing)
};

struct ListReply {
  // A [[detail]] reply: the report as an HTML document (its title in <title> and <h1>).
  std::string document;
  std::vector<ListItem> items;
  std::optional<ListRequest> next;
  std::string error;  // "" or why the reply could not be read, naming the rule and the URL
};

// Reads the links of an HTML document or fragment as items (implemented by crawler/discovery.cc).
std::vector<ListItem> ReadHtmlItems(std::string_view html, const std::string& base_url);

class ListRules {
 public:
  // The [[list]] entries of the TOML text `toml` (an already valid TOML document; `source` names it
  // in errors).
  static std::unique_ptr<ListRules> Parse(std::string_view toml, const std::string& source);
  ~ListRules();
  ListRules(const ListRules&) = delete;
  ListRules& operator=(const ListRules&) = delete;

  size_t size() const;
  std::vector<std::string> Names() const;

  // Every mechanism recognised in `html` (UTF-8), the list page at `page_url`.
  std::vector<ListPageMatch> ReadPage(std::string_view html, const std::string& page_url,
                                      int max_pages) const;
  // Reads the reply (UTF-8 `body`) to `request`.
  ListReply ReadReply(const ListRequest& request, std::string_view body, int max_pages) const;

  struct Rule;

 private:
  ListRules();
  std::vector<std::unique_ptr<Rule>> rules_;
};

// Evaluates `{…}` templates: `{name}` is a variable's text, `{name|decode}` percent-decodes it,
// anything else is integer arithmetic over variables and numbers (+ - * / and parentheses).
// `{{` and `}}` stand for literal braces (a JSON form value).
// nullopt (with `missing` set to the first unknown name or bad expression) when it cannot.
std::optional<std::string> ExpandTemplate(std::string_view text,
                                          const std::map<std::string, std::string>& vars,
                                          std::string* missing);

}  // namespace nianbao

#endif  // NIANBAO_CRAWLER_LIST_RULES_H_
