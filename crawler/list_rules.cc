#include "crawler/list_rules.h"

#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "crawler/url.h"
#include "extract/map/rules.h"

namespace nianbao {

namespace {

// A reply larger than this is not read (a list page's reply is a few hundred KB at most).
constexpr size_t kMaxReplyBytes = 8 << 20;

using Vars = std::map<std::string, std::string>;

std::string PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (in[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

std::string FormEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Integer arithmetic over variables: expr := term (('+'|'-') term)*, term := factor (('*'|'/')
// factor)*, factor := number | name | '(' expr ')'.
class Arithmetic {
 public:
  Arithmetic(std::string_view text, const Vars& vars) : text_(text), vars_(vars) {}

  std::optional<long long> Evaluate(std::string* missing) {
    std::optional<long long> value = Expr();
    Skip();
    if (!value || pos_ != text_.size()) {
      if (missing->empty()) *missing = std::string(text_);
      return std::nullopt;
    }
    return value;
  }

 private:
  void Skip() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  std::optional<long long> Expr() {
    std::optional<long long> left = Term();
    while (left) {
      Skip();
      if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) break;
      char op = text_[pos_++];
      std::optional<long long> right = Term();
      if (!right) return std::nullopt;
      *left = op == '+' ? *left + *right : *left - *right;
    }
    return left;
  }
  std::optional<long long> Term() {
    std::optional<long long> left = Factor();
    while (left) {
      Skip();
      if (pos_ >= text_.size() || (text_[pos_] != '*' && text_[pos_] != '/')) break;
      char op = text_[pos_++];
      std::optional<long long> right = Factor();
      if (!right || (op == '/' && *right == 0)) return std::nullopt;
      *left = op == '*' ? *left * *right : *left / *right;
    }
    return left;
  }
  std::optional<long long> Factor() {
    Skip();
    if (pos_ >= text_.size()) return std::nullopt;
    if (text_[pos_] == '(') {
      ++pos_;
      std::optional<long long> value = Expr();
      Skip();
      if (!value || pos_ >= text_.size() || text_[pos_] != ')') return std::nullopt;
      ++pos_;
      return value;
    }
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    std::string token(text_.substr(start, pos_ - start));
    if (token.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(token[0]))) return Number(token);
    auto it = vars_.find(token);
    if (it == vars_.end()) return std::nullopt;
    return Number(it->second);
  }
  static std::optional<long long> Number(const std::string& text) {
    if (text.empty() || text.size() > 15 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(c); })) {
      return std::nullopt;
    }
    return std::stoll(text);
  }

  std::string_view text_;
  const Vars& vars_;
  size_t pos_ = 0;
};

bool IsName(std::string_view text) {
  return !text.empty() && !std::isdigit(static_cast<unsigned char>(text[0])) &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

// One `{…}`: a variable (with |decode filters) or arithmetic.
std::optional<std::string> ExpandOne(std::string_view expression, const Vars& vars,
                                     std::string* missing) {
  std::string_view name = expression.substr(0, expression.find('|'));
  if (IsName(name)) {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) {
      *missing = std::string(name);
      return std::nullopt;
    }
    std::string value = it->second;
    std::string_view filters = expression.substr(name.size());
    while (!filters.empty()) {
      filters.remove_prefix(1);  // the '|'
      std::string_view filter = filters.substr(0, filters.find('|'));
      if (filter != "decode") {
        *missing = "|" + std::string(filter);
        return std::nullopt;
      }
      value = PercentDecode(value);
      filters.remove_prefix(filter.size());
    }
    return value;
  }
  std::optional<long long> value = Arithmetic(expression, vars).Evaluate(missing);
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

// A JSON value at a dot-separated path; `@json` parses a string holding JSON (queryList's `urls`).
std::optional<nlohmann::json> JsonAt(const nlohmann::json& root, std::string_view path) {
  nlohmann::json node = root;
  while (!path.empty()) {
    std::string_view segment = path.substr(0, path.find('.'));
    path.remove_prefix(std::min(path.size(), segment.size() + 1));
    if (segment == "@json") {
      if (!node.is_string()) return std::nullopt;
      node = nlohmann::json::parse(node.get<std::string>(), nullptr, /*allow_exceptions=*/false);
      if (node.is_discarded()) return std::nullopt;
    } else if (node.is_array() && !segment.empty() &&
               std::all_of(segment.begin(), segment.end(),
                           [](char c) { return std::isdigit(c); })) {
      size_t index = std::stoul(std::string(segment));
      if (index >= node.size()) return std::nullopt;
      node = nlohmann::json(node[index]);
    } else if (node.is_object() && node.contains(std::string(segment))) {
      node = nlohmann::json(node[std::string(segment)]);
    } else {
      return std::nullopt;
    }
  }
  return node;
}

std::string JsonText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return "";
}

// The first non-empty text among `paths`.
std::string FirstText(const nlohmann::json& item, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (std::optional<nlohmann::json> value = JsonAt(item, path)) {
      if (std::string text = JsonText(*value); !text.empty()) return text;
    }
  }
  return "";
}

std::string Line(const toml::node& node) { return std::to_string(node.source().begin.line); }

}  // namespace

struct ListRules::Rule {
  struct Reader {
    std::string type;  // "html", "xml", "json"
    std::string record = "record";
    std::string items;
    std::vector<std::string> html, title, url, date;  // paths: the first non-empty wins
    // A detail reply's attachment records: paths to arrays (every one read), and in each record the
    // paths of its URL and its name (first non-empty wins).
    std::vector<std::string> attachments, attachment_url, attachment_name;
    Vars vars;  // variable → XML element name or JSON path in the reply
  };
  std::string name;
  bool detail = false;  // a [[detail]] entry: the reply is the page's report body
  std::vector<std::unique_ptr<RE2>> detect, reject, capture, url_capture;
  Vars defaults;
  std::unique_ptr<RE2> inline_pattern;
  std::string inline_reader;
  std::string first = "2", count;
  std::string method = "GET", url;
  std::vector<std::pair<std::string, std::string>> form, headers;
  Reader reader;
};

namespace {

std::unique_ptr<RE2> Compile(const toml::node& node, const std::string& where,
                             const std::string& source) {
  const std::string* text = node.as_string() ? &node.as_string()->get() : nullptr;
  if (!text) throw RuleError(source + ":" + Line(node) + ": " + where + " must hold strings");
  auto re = std::make_unique<RE2>(*text, RE2::Quiet);
  if (!re->ok()) {
    throw RuleError(source + ":" + Line(node) + ": " + where + ": bad pattern '" + *text +
                    "': " + re->error());
  }
  return re;
}

std::vector<std::unique_ptr<RE2>> CompileAll(const toml::table& entry, const char* key,
                                             const std::string& name, const std::string& source) {
  std::vector<std::unique_ptr<RE2>> out;
  const toml::node* node = entry.get(key);
  if (!node) return out;
  const toml::array* array = node->as_array();
  if (!array) {
    throw RuleError(source + ":" + Line(*node) + ": [[list]] " + name + ": `" + key +
                    "` must be an array of patterns");
  }
  for (const toml::node& item : *array) {
    out.push_back(Compile(item, "[[list]] " + name + " " + key, source));
  }
  return out;
}

std::vector<std::string> Strings(const toml::table& table, const char* key,
                                 const std::string& where, const std::string& source) {
  std::vector<std::string> out;
  const toml::node* node = table.get(key);
  if (!node) return out;
  if (auto text = node->value<std::string>()) return {*text};
  const toml::array* array = node->as_array();
  if (!array) throw RuleError(source + ":" + Line(*node) + ": " + where + ": bad `" + key + "`");
  for (const toml::node& item : *array) {
    auto text = item.value<std::string>();
    if (!text)
      throw RuleError(source + ":" + Line(item) + ": " + where + ": `" + key + "` strings");
    out.push_back(*text);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Pairs(const toml::table& table, const char* key,
                                                       const std::string& where,
                                                       const std::string& source) {
  std::vector<std::pair<std::string, std::string>> out;
  const toml::node* node = table.get(key);
  if (!node) return out;
  const toml::array* array = node->as_array();
  if (!array) throw RuleError(source + ":" + Line(*node) + ": " + where + ": `" + key + "` pairs");
  for (const toml::node& item : *array) {
    const toml::array* pair = item.as_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
      throw RuleError(source + ":" + Line(item) + ": " + where + ": `" + key +
                      "` entries must be [\"name\", \"value template\"]");
    }
    out.emplace_back(*(*pair)[0].value<std::string>(), *(*pair)[1].value<std::string>());
  }
  return out;
}

Vars StringTable(const toml::table& table, const char* key, const std::string& where,
                 const std::string& source) {
  Vars out;
  const toml::node* node = table.get(key);
  if (!node) return out;
  const toml::table* inner = node->as_table();
  if (!inner) throw RuleError(source + ":" + Line(*node) + ": " + where + ": `" + key + "` table");
  for (const auto& [name, value] : *inner) {
    auto text = value.value<std::string>();
    if (!text)
      throw RuleError(source + ":" + Line(value) + ": " + where + ": `" + key + "` strings");
    out[std::string(name.str())] = *text;
  }
  return out;
}

// Checks that every `{…}` of `text` is closed and its expression well formed.
void CheckTemplate(const std::string& text, const std::string& where, const toml::node& node,
                   const std::string& source) {
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    if (open + 1 < text.size() && text[open + 1] == '{') {  // a literal brace
      ++open;
      continue;
    }
    size_t close = text.find('}', open);
    if (close == std::string::npos || close == open + 1) {
      throw RuleError(source + ":" + Line(node) + ": " + where + ": unclosed or empty {} in '" +
                      text + "'");
    }
    open = close;
  }
}

std::unique_ptr<ListRules::Rule> ParseRule(const toml::table& entry, const std::string& source,
                                           bool detail) {
  auto rule = std::make_unique<ListRules::Rule>();
  rule->detail = detail;
  const std::string table = detail ? "[[detail]]" : "[[list]]";
  auto name = entry["name"].value<std::string>();
  if (!name || name->empty()) {
    throw RuleError(source + ":" + Line(entry) + ": " + table + " needs a `name`");
  }
  rule->name = *name;
  std::string where = table + " " + rule->name;
  rule->detect = CompileAll(entry, "detect", rule->name, source);
  if (rule->detect.empty()) {
    throw RuleError(source + ":" + Line(entry) + ": " + where + " needs `detect` patterns");
  }
  rule->reject = CompileAll(entry, "reject", rule->name, source);
  rule->capture = CompileAll(entry, "capture", rule->name, source);
  rule->url_capture = CompileAll(entry, "url_capture", rule->name, source);
  for (const auto* list : {&rule->capture, &rule->url_capture}) {
    for (const auto& re : *list) {
      if (re->NamedCapturingGroups().empty()) {
        throw RuleError(source + ":" + Line(entry) + ": " + where + ": capture pattern '" +
                        re->pattern() + "' has no (?P<name>…) group");
      }
    }
  }
  rule->defaults = StringTable(entry, "defaults", where, source);
  if (const toml::node* node = entry.get("inline")) {
    rule->inline_pattern = Compile(*node, where + " inline", source);
  }
  rule->first = entry["first"].value_or(std::string(detail ? "1" : "2"));
  rule->count = entry["count"].value_or(std::string());
  rule->method = entry["method"].value_or(std::string("GET"));
  if (rule->method != "GET" && rule->method != "POST") {
    throw RuleError(source + ":" + Line(entry) + ": " + where + ": `method` must be GET or POST");
  }
  rule->url = entry["url"].value_or(std::string());
  if (rule->url.empty() && !rule->inline_pattern) {
    throw RuleError(source + ":" + Line(entry) + ": " + where +
                    " needs a `url` template (its next pages) or an `inline` pattern (its rows)");
  }
  if (detail && (rule->url.empty() || rule->inline_pattern)) {
    throw RuleError(source + ":" + Line(entry) + ": " + where +
                    " needs a `url` template (the detail API) and no `inline` pattern");
  }
  CheckTemplate(rule->url, where + " url", entry, source);
  rule->form = Pairs(entry, "form", where, source);
  rule->headers = Pairs(entry, "headers", where, source);
  for (const auto& [key, value] : rule->form) CheckTemplate(value, where + " form", entry, source);
  const toml::table* reader = entry["reader"].as_table();
  ListRules::Rule::Reader& r = rule->reader;
  if (!reader && rule->url.empty()) {
    r.type = "html";
    rule->inline_reader = entry["inline_reader"].value_or(std::string("html"));
    return rule;
  }
  if (!reader)
    throw RuleError(source + ":" + Line(entry) + ": " + where + " needs a [list.reader]");
  r.type = (*reader)["type"].value_or(std::string());
  if (r.type != "html" && r.type != "xml" && r.type != "json") {
    throw RuleError(source + ":" + Line(*reader) + ": " + where +
                    ": reader `type` must be html, xml or json");
  }
  r.record = (*reader)["record"].value_or(std::string("record"));
  r.items = (*reader)["items"].value_or(std::string());
  r.html = Strings(*reader, "html", where, source);
  r.title = Strings(*reader, "title", where, source);
  r.url = Strings(*reader, "url", where, source);
  r.date = Strings(*reader, "date", where, source);
  r.vars = StringTable(*reader, "vars", where, source);
  r.attachments = Strings(*reader, "attachments", where, source);
  r.attachment_url = Strings(*reader, "attachment_url", where, source);
  r.attachment_name = Strings(*reader, "attachment_name", where, source);
  if (!r.attachments.empty() && (!detail || r.type != "json" || r.attachment_url.empty())) {
    throw RuleError(source + ":" + Line(*reader) + ": " + where +
                    ": `attachments` belong to a json detail reader, with `attachment_url` paths");
  }
  if (r.type == "json" && r.items.empty() && r.html.empty()) {
    throw RuleError(source + ":" + Line(*reader) + ": " + where +
                    ": a json reader needs `items` (with `url`) or `html`");
  }
  if (detail && (r.type == "xml" || !r.items.empty())) {
    throw RuleError(source + ":" + Line(*reader) + ": " + where +
                    ": a detail reader is json (`html`, `title` paths) or html (the whole reply)");
  }
  if (r.type == "json" && !r.items.empty() && r.url.empty()) {
    throw RuleError(source + ":" + Line(*reader) + ": " + where +
                    ": json `items` need `url` paths");
  }
  rule->inline_reader = entry["inline_reader"].value_or(std::string("html"));
  if (rule->inline_reader != "html" && rule->inline_reader != "xml") {
    throw RuleError(source + ":" + Line(entry) + ": " + where + ": `inline_reader` is html or xml");
  }
  return rule;
}

std::string EscapeHtml(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '<')
      escaped += "&lt;";
    else if (c == '&')
      escaped += "&amp;";
    else if (c == '"')
      escaped += "&quot;";
    else
      escaped.push_back(c);
  }
  return escaped;
}

// A detail reply as the report's HTML document: its title, its body, and a link to each attachment
// record (which the crawler's attachment discovery then follows, as on any page).
std::string DetailDocument(const std::string& title, const std::string& body,
                           const std::vector<ListItem>& attachments) {
  const std::string escaped = EscapeHtml(title);
  std::string document = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escaped +
                         "</title></head><body><h1>" + escaped + "</h1>\n" + body + "\n";
  if (!attachments.empty()) {
    document += "<ul class=\"attachments\">\n";
    for (const ListItem& record : attachments) {
      document += "<li><a href=\"" + EscapeHtml(record.url) + "\">" +
                  EscapeHtml(record.title.empty() ? record.url : record.title) + "</a></li>\n";
    }
    document += "</ul>\n";
  }
  return document + "</body></html>";
}

void Capture(const std::vector<std::unique_ptr<RE2>>& patterns, std::string_view text, Vars* vars) {
  for (const auto& re : patterns) {
    int groups = re->NumberOfCapturingGroups();
    std::vector<re2::StringPiece> match(static_cast<size_t>(groups) + 1);
    if (!re->Match(text, 0, text.size(), RE2::UNANCHORED, match.data(), groups + 1)) continue;
    for (const auto& [name, index] : re->NamedCapturingGroups()) {
      const re2::StringPiece& piece = match[static_cast<size_t>(index)];
      if (piece.data() != nullptr) (*vars)[name] = std::string(piece.data(), piece.size());
    }
  }
}

// The records of a datastore that is not well-formed XML: every <record><![CDATA[…]]></record>,
// and reply variables from <name>text</name>. False when it holds no record.
bool ReadCdataRecords(std::string_view body, const ListRules::Rule::Reader& reader,
                      std::string* html, Vars* vars) {
  RE2 record_pattern("(?s)<" + RE2::QuoteMeta(reader.record) + R"(>\s*<!\[CDATA\[(.*?)\]\]>\s*</)" +
                     RE2::QuoteMeta(reader.record) + ">");
  re2::StringPiece input(body.data(), body.size());
  std::string record;
  bool any = false;
  while (RE2::FindAndConsume(&input, record_pattern, &record)) {
    html->append(record);
    html->push_back('\n');
    any = true;
  }
  if (!any) return false;
  for (const auto& [name, element] : reader.vars) {
    std::string pattern = "<";  // appended, not prepended: GCC 12 -O3 warns falsely on "<" + s
    pattern += RE2::QuoteMeta(element);
    pattern += R"(>\s*([^<]*?)\s*</)";
    RE2 element_pattern(pattern);
    std::string value;
    if (RE2::PartialMatch(body, element_pattern, &value)) (*vars)[name] = value;
  }
  return true;
}

// The XML reader: the HTML held by every <record> element, and reply variables by element name.
bool ReadXml(std::string_view body, const ListRules::Rule::Reader& reader, std::string* html,
             Vars* vars, std::string* error) {
  pugi::xml_document document;
  pugi::xml_parse_result parsed =
      document.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    // Hanweb writes HTML attributes unquoted next to its records (<table align=center>), so many
    // real datastores are not well-formed XML: their CDATA records are read as they stand.
    if (ReadCdataRecords(body, reader, html, vars)) return true;
    *error = std::string("not XML: ") + parsed.description() + " at offset " +
             std::to_string(parsed.offset);
    return false;
  }
  std::string xpath = "//";
  xpath += reader.record;
  for (pugi::xpath_node node : document.select_nodes(xpath.c_str())) {
    for (pugi::xml_node child : node.node().children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        html->append(child.value());
      }
    }
    html->push_back('\n');
  }
  for (const auto& [name, element] : reader.vars) {
    pugi::xml_node node = document.select_node(("//" + element).c_str()).node();
    if (node) (*vars)[name] = node.text().get();
  }
  return true;
}

// The attachment records of a detail reply (reader.attachments): every record with a URL, resolved
// against `base`, its name as the title.
std::vector<ListItem> ReadAttachmentRecords(const nlohmann::json& root,
                                            const ListRules::Rule::Reader& reader,
                                            const std::string& base) {
  std::vector<ListItem> records;
  for (const std::string& path : reader.attachments) {
    std::optional<nlohmann::json> array = JsonAt(root, path);
    if (!array || !array->is_array()) continue;
    for (const nlohmann::json& record : *array) {
      std::string href = FirstText(record, reader.attachment_url);
      std::optional<std::string> url = href.empty() ? std::nullopt : ResolveUrl(base, href);
      if (url) records.push_back({FirstText(record, reader.attachment_name), *url, ""});
    }
  }
  return records;
}

bool ReadJson(std::string_view body, const ListRules::Rule::Reader& reader, const std::string& base,
              std::vector<ListItem>* items, std::string* html, Vars* vars, std::string* error,
              std::string* title = nullptr, std::vector<ListItem>* attachments = nullptr) {
  nlohmann::json root = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    *error = "not JSON";
    return false;
  }
  if (attachments) *attachments = ReadAttachmentRecords(root, reader, base);
  // A reply whose report is only an attachment may leave out the body.
  const bool attached = attachments && !attachments->empty();
  if (!reader.html.empty()) {
    bool found = false;
    for (const std::string& path : reader.html) {
      std::optional<nlohmann::json> fragment = JsonAt(root, path);
      if (!fragment || !(fragment->is_string() || fragment->is_null())) continue;
      found = true;
      if (fragment->is_string() && !fragment->get<std::string>().empty()) {
        *html = fragment->get<std::string>();
        break;
      }
    }
    if (!found && !attached) {
      *error = "no HTML text at '" + reader.html.front() + "'";
      for (size_t i = 1; i < reader.html.size(); ++i) *error += " or '" + reader.html[i] + "'";
      return false;
    }
  }
  if (title && reader.items.empty()) *title = FirstText(root, reader.title);
  if (!reader.items.empty()) {
    std::optional<nlohmann::json> array = JsonAt(root, reader.items);
    if (!array || !(array->is_array() || array->is_null())) {
      *error = "no array at '" + reader.items + "'";
      return false;
    }
    if (array->is_array()) {
      for (const nlohmann::json& item : *array) {
        std::string href = FirstText(item, reader.url);
        std::optional<std::string> url = href.empty() ? std::nullopt : ResolveUrl(base, href);
        if (!url) continue;
        items->push_back({FirstText(item, reader.title), *url, FirstText(item, reader.date)});
      }
    }
  }
  for (const auto& [name, path] : reader.vars) {
    if (std::optional<nlohmann::json> value = JsonAt(root, path)) {
      if (std::string text = JsonText(*value); !text.empty()) (*vars)[name] = text;
    }
  }
  return true;
}

// The request for page `page` of `rule` with `vars`, resolved against `base`.
std::optional<ListRequest> Build(const ListRules::Rule& rule, Vars vars, int page,
                                 const std::string& base, std::string* missing) {
  vars["page"] = std::to_string(page);
  ListRequest request;
  request.rule = rule.name;
  request.kind = rule.detail ? "detail" : "list";
  request.page = page;
  request.method = rule.method;
  std::optional<std::string> target = ExpandTemplate(rule.url, vars, missing);
  if (!target) return std::nullopt;
  std::optional<std::string> url = ResolveUrl(base, *target);
  if (!url) {
    *missing = "a usable URL from '" + *target + "'";
    return std::nullopt;
  }
  request.url = *url;
  for (const auto& [key, value] : rule.form) {
    std::optional<std::string> text = ExpandTemplate(value, vars, missing);
    if (!text) return std::nullopt;
    if (!request.form.empty()) request.form.push_back('&');
    request.form += FormEncode(key) + "=" + FormEncode(*text);
  }
  for (const auto& [key, value] : rule.headers) {
    std::optional<std::string> text = ExpandTemplate(value, vars, missing);
    if (!text) return std::nullopt;
    request.headers.emplace_back(key, *text);
  }
  vars.erase("page");
  request.vars = std::move(vars);
  return request;
}

// The last page to ask for: the rule's `count` when the variables give it, else max_pages.
int LastPage(const ListRules::Rule& rule, const Vars& vars, int max_pages) {
  if (rule.count.empty()) return max_pages;
  std::string missing;
  std::optional<long long> count = Arithmetic(rule.count, vars).Evaluate(&missing);
  if (!count) return max_pages;
  return static_cast<int>(std::clamp<long long>(*count, 0, max_pages));
}

}  // namespace

std::optional<std::string> ExpandTemplate(std::string_view text, const Vars& vars,
                                          std::string* missing) {
  std::string out;
  size_t pos = 0;
  // Literal text, with `}}` read as one brace.
  auto literal = [&out](std::string_view piece) {
    for (size_t i = 0; i < piece.size(); ++i) {
      out.push_back(piece[i]);
      if (piece[i] == '}' && i + 1 < piece.size() && piece[i + 1] == '}') ++i;
    }
  };
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos) {
      literal(text.substr(pos));
      break;
    }
    if (open + 1 < text.size() && text[open + 1] == '{') {
      literal(text.substr(pos, open - pos));
      out.push_back('{');
      pos = open + 2;
      continue;
    }
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      *missing = "an unclosed { in '" + std::string(text) + "'";
      return std::nullopt;
    }
    literal(text.substr(pos, open - pos));
    std::optional<std::string> value =
        ExpandOne(text.substr(open + 1, close - open - 1), vars, missing);
    if (!value) return std::nullopt;
    out += *value;
    pos = close + 1;
  }
  return out;
}

std::string ListRequest::Key() const {
  if (method != "POST" || form.empty()) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + form;
}

std::string ListRequest::ToJson() const {
  nlohmann::ordered_json json = {{"rule", rule}, {"page", page}, {"method", method},
                                 {"url", url},   {"form", form}, {"vars", vars}};
  if (kind != "list") json["kind"] = kind;
  nlohmann::ordered_json header_list = nlohmann::ordered_json::array();
  for (const auto& [name, value] : headers) header_list.push_back({name, value});
  json["headers"] = header_list;
  return json.dump();
}

std::optional<ListRequest> ListRequest::FromJson(std::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  try {
    ListRequest request;
    request.rule = json.at("rule").get<std::string>();
    request.kind = json.value("kind", std::string("list"));
    request.page = json.at("page").get<int>();
    request.method = json.at("method").get<std::string>();
    request.url = json.at("url").get<std::string>();
    request.form = json.at("form").get<std::string>();
    request.vars = json.at("vars").get<Vars>();
    for (const auto& pair : json.at("headers")) {
      request.headers.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    }
    return request;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

ListRules::ListRules() = default;
ListRules::~ListRules() = default;

std::unique_ptr<ListRules> ListRules::Parse(std::string_view text, const std::string& source) {
  toml::table table = toml::parse(text, source);  // the caller has parsed it once already
  std::unique_ptr<ListRules> rules(new ListRules());
  for (const char* key : {"list", "detail"}) {
    const bool detail = std::string_view(key) == "detail";
    const std::string table_name = detail ? "[[detail]]" : "[[list]]";
    const toml::node* lists = table.get(key);
    if (!lists) continue;
    const toml::array* array = lists->as_array();
    if (!array) {
      throw RuleError(source + ":" + Line(*lists) + ": `" + key + "` must be " + table_name +
                      " entries");
    }
    for (const toml::node& node : *array) {
      const toml::table* entry = node.as_table();
      if (!entry)
        throw RuleError(source + ":" + Line(node) + ": " + table_name + " entries are tables");
      std::unique_ptr<Rule> rule = ParseRule(*entry, source, detail);
      for (const auto& other : rules->rules_) {
        if (other->name == rule->name) {
          throw RuleError(source + ":" + Line(node) + ": " + table_name + " name '" + rule->name +
                          "' is used twice");
        }
      }
      rules->rules_.push_back(std::move(rule));
    }
  }
  return rules;
}

size_t ListRules::size() const { return rules_.size(); }

std::vector<std::string> ListRules::Names() const {
  std::vector<std::string> names;
  for (const auto& rule : rules_) names.push_back(rule->name);
  return names;
}

std::vector<ListPageMatch> ListRules::ReadPage(std::string_view html, const std::string& page_url,
                                               int max_pages) const {
  std::vector<ListPageMatch> matches;
  for (const auto& rule : rules_) {
    // Recognised from the page's markup, or its URL (xxgkAnnualReport.jsp?…).
    auto matches_page = [&](const auto& re) {
      return RE2::PartialMatch(html, *re) || RE2::PartialMatch(page_url, *re);
    };
    if (!std::all_of(rule->detect.begin(), rule->detect.end(), matches_page) ||
        std::any_of(rule->reject.begin(), rule->reject.end(), matches_page)) {
      continue;
    }
    ListPageMatch match;
    match.rule = rule->name;
    Vars vars = rule->defaults;
    Capture(rule->capture, html, &vars);
    Capture(rule->url_capture, page_url, &vars);  // the page's own URL says it best
    if (rule->inline_pattern) {
      std::string held;
      const RE2& re = *rule->inline_pattern;
      int group = re.NumberOfCapturingGroups() > 0 ? 1 : 0;
      std::vector<re2::StringPiece> pieces(static_cast<size_t>(group) + 1);
      size_t at = 0;
      while (at <= html.size() &&
             re.Match(html, at, html.size(), RE2::UNANCHORED, pieces.data(), group + 1)) {
        held.append(pieces[static_cast<size_t>(group)].data(),
                    pieces[static_cast<size_t>(group)].size());
        held.push_back('\n');
        size_t end = static_cast<size_t>(pieces[0].data() - html.data()) + pieces[0].size();
        at = end > at ? end : at + 1;
      }
      if (rule->inline_reader == "xml") {
        ListRules::Rule::Reader reader = rule->reader;
        reader.type = "xml";
        std::string fragment, error;
        if (ReadXml(held, reader, &fragment, &vars, &error)) {
          match.items = ReadHtmlItems(fragment, page_url);
        } else {
          match.error =
              "rule " + rule->name + ": the page's inline records at " + page_url + " are " + error;
        }
      } else {
        match.items = ReadHtmlItems(held, page_url);
      }
    }
    vars["_base"] = page_url;
    std::string missing;
    int first = 0;
    if (std::optional<std::string> text = ExpandTemplate(rule->first, vars, &missing)) {
      first = std::atoi(text->c_str());
    }
    match.owns_paging = !rule->url.empty() && !rule->detail;
    if (rule->detail) {
      match.next = Build(*rule, vars, std::max(first, 1), page_url, &missing);
      if (!match.next) {
        match.error = "rule " + rule->name + ": the shell " + page_url + " lacks " + missing;
      }
    } else if (match.owns_paging && first > 0 && first <= LastPage(*rule, vars, max_pages)) {
      match.next = Build(*rule, vars, first, page_url, &missing);
      if (!match.next && match.error.empty()) {
        match.error = "rule " + rule->name + ": the page " + page_url + " lacks " + missing;
      }
    }
    matches.push_back(std::move(match));
  }
  return matches;
}

ListReply ListRules::ReadReply(const ListRequest& request, std::string_view body,
                               int max_pages) const {
  ListReply reply;
  auto rule_it = std::find_if(rules_.begin(), rules_.end(),
                              [&](const auto& rule) { return rule->name == request.rule; });
  std::string what = "rule " + request.rule + ": reply of " + request.url + " (page " +
                     std::to_string(request.page) + ")";
  if (rule_it == rules_.end()) {
    reply.error = what + ": links.toml has no such [[list]] rule";
    return reply;
  }
  const Rule& rule = **rule_it;
  if (body.size() > kMaxReplyBytes) {
    reply.error = what + ": larger than " + std::to_string(kMaxReplyBytes) + " bytes";
    return reply;
  }
  Vars vars = request.vars;
  std::string html, error, title;
  std::vector<ListItem> attachments;
  bool ok = true;
  if (rule.reader.type == "xml") {
    ok = ReadXml(body, rule.reader, &html, &vars, &error);
  } else if (rule.reader.type == "json") {
    ok = ReadJson(body, rule.reader, request.url, &reply.items, &html, &vars, &error, &title,
                  &attachments);
  } else {
    html = std::string(body);
  }
  if (!ok) {
    reply.error = what + ": " + error;
    return reply;
  }
  if (rule.detail) {
    if (html.find_first_not_of(" \t\r\n") == std::string::npos && attachments.empty()) {
      reply.error = what + ": no report body in the reply";
    } else if (rule.reader.type == "html") {
      reply.document = std::move(html);
    } else {
      reply.document = DetailDocument(title, html, attachments);
    }
    return reply;
  }
  if (!html.empty()) {
    for (ListItem& item : ReadHtmlItems(html, request.url)) reply.items.push_back(std::move(item));
  }
  if (!reply.items.empty() && request.page + 1 <= LastPage(rule, vars, max_pages)) {
    std::string missing;
    std::string base = vars.count("_base") ? vars["_base"] : request.url;
    reply.next = Build(rule, vars, request.page + 1, base, &missing);
  }
  return reply;
}

}  // namespace nianbao
