#include "extract/map/narrative.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <memory>

#include "extract/read/utf8.h"

namespace nianbao {
namespace {

// The number of a phrase with its approximation marks: (约|近|超过|逾)? NUMBER (余|多)?
#define NIANBAO_NUM "(约|近|超过|逾|)(\\d+(?:\\.\\d+)?)(余|多|)"

struct Phrase {
  const char* pattern;  // RE2 with NIANBAO_NUM once: groups 1–3
  const char* modern;   // the field in v2019/v2021, "" for none
  const char* legacy;   // the field in the legacy forms, "" for none
  const char* context;  // the sentence before the figure must contain this ("" for no condition)
  const char* outcomes;  // field prefix for a following "其中结果维持…" list, per family: "m|l"
};

// Order matters only for overlapping figures: the first phrase that claims a figure keeps it.
constexpr Phrase kPhrases[] = {
    {"(?:受理|收到|接收|新收)了?(?:[^，。；：\\d]{0,24}?的)?(?:各类|群众|公民、法人和其他组织)?的?"
     "(?:政府信息公开|"
     "依申请公开政府"
     "信息|依申请公开)申请(?:共计|共|总计|合计)?" NIANBAO_NUM "(?:件|个|宗)",
     "requests.new.total", "requests.received", "", ""},
    {"(?:受理|收到|接收|新收)了?" NIANBAO_NUM "件(?:各类)?(?:政府信息公开|依申请公开)?申请",
     "requests.new.total", "requests.received", "", ""},
    {"上一?年度?结转的?(?:政府信息公开)?(?:申请)?(?:共)?" NIANBAO_NUM "件",
     "requests.carried_over.total", "", "", ""},
    {NIANBAO_NUM "件(?:申请)?(?:顺延|结转|转入)(?:到|至)?下一?年度?",
     "requests.carried_forward.total", "", "申请", ""},
    {"结转(?:到|至)?(?:下一?年度?|\\d{4}年度?)(?:继续办理)?的?(?:申请)?" NIANBAO_NUM "件",
     "requests.carried_forward.total", "", "申请", ""},
    {"(?:答复|办结|办理完毕|办理完成)(?:申请)?了?(?:共)?" NIANBAO_NUM "件", "outcome.total.total",
     "", "申请", ""},
    {"行政复议(?:案件|申请)?(?:共计|共)?" NIANBAO_NUM "(?:件|起|宗|个)", "review.total",
     "review.total", "信息公开", "review|review"},
    {"行政诉讼(?:案件)?(?:共计|共)?" NIANBAO_NUM "(?:件|起|宗|个)", "", "litigation.total",
     "信息公开", "|litigation"},
    {"主动公开(?:各类)?(?:政府)?信息(?:共计|共)?" NIANBAO_NUM "(?:条|件)", "", "active.total", "",
     ""},
};

struct Outcome {
  const char* pattern;
  const char* suffix;
  bool legacy_too;
};
constexpr Outcome kOutcomes[] = {
    {"结果维持" NIANBAO_NUM "(?:件|起|宗|个)", "upheld", true},
    {"结果纠正" NIANBAO_NUM "(?:件|起|宗|个)", "corrected", true},
    {"其他结果" NIANBAO_NUM "(?:件|起|宗|个)", "other", true},
    {"尚未审结" NIANBAO_NUM "(?:件|起|宗|个)", "pending", false},
};

// "收到申请75件，涉及自然人72件、商业企业3件": the applicants of the new requests, listed right
// after their total (only there: elsewhere 自然人 may count outcomes). 法人或其他组织 is a sum of
// five columns, no field of its own, and does not end the list.
constexpr const char* kApplicantList =
    "(?:，|、|；|,)?(?:涉及|其中|包括|含)?[：:]?"
    "(自然人|法人或其他组织|商业企业|科研机构|社会公益组织|法律服务机构|其他)" NIANBAO_NUM "件";
constexpr std::pair<std::string_view, const char*> kApplicants[] = {
    {"自然人", "natural_person"},  {"商业企业", "commercial"},         {"科研机构", "research"},
    {"社会公益组织", "nonprofit"}, {"法律服务机构", "legal_services"}, {"其他", "other_org"},
};

// The patterns of kPhrases and kOutcomes, compiled once per process (compiling them on every page
// cost more than matching them). Never destroyed: a detached analysis may still match at exit.
template <typename T, size_t N>
const std::vector<std::unique_ptr<const RE2>>& Compiled(const T (&items)[N]) {
  static const auto* patterns = [&] {
    auto* out = new std::vector<std::unique_ptr<const RE2>>;
    for (const T& item : items) out->push_back(std::make_unique<const RE2>(item.pattern));
    return out;
  }();
  return *patterns;
}

// The text without blanks and line breaks (pdftotext breaks sentences and puts blanks around
// numbers), with the offset in the original of each byte: kept as runs (where each run of kept
// bytes starts in both), not one offset a byte, which would be four times the text.
struct Joined {
  std::string text;
  // (offset in text, offset in the original); 32 bits: a page is far below 4 GB (bodies are capped
  // at 20 MB).
  std::vector<std::pair<uint32_t, uint32_t>> runs;

  size_t Origin(size_t at) const {
    auto run =
        std::upper_bound(runs.begin(), runs.end(),
                         std::pair<uint32_t, uint32_t>{static_cast<uint32_t>(at), UINT32_MAX});
    if (run == runs.begin()) return at;
    --run;
    return run->second + (at - run->first);
  }
};

Joined Join(std::string_view text) {
  Joined out;
  out.text.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (size_t blank = BlankOrBreakAt(text, i)) {
      i += blank;
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && !BlankOrBreakAt(text, end)) ++end;
    out.runs.emplace_back(static_cast<uint32_t>(out.text.size()), static_cast<uint32_t>(i));
    out.text.append(text, i, end - i);
    i = end;
  }
  return out;
}

bool IsSentenceEnd(std::string_view s, size_t i) {
  return s.substr(i, 3) == "。" || s.substr(i, 3) == "！" || s.substr(i, 3) == "？";
}

std::pair<size_t, size_t> SentenceAround(const std::string& text, size_t at) {
  size_t start = 0;
  for (size_t i = at; i >= 3; --i) {
    if (IsSentenceEnd(text, i - 3)) {
      start = i;
      break;
    }
  }
  size_t end = text.size();
  for (size_t i = at; i + 3 <= text.size(); ++i) {
    if (IsSentenceEnd(text, i)) {
      end = i + 3;
      break;
    }
  }
  return {start, end};
}

// The text after the last clause mark (，；：) of `lead`.
std::string_view LastClause(std::string_view lead) {
  size_t clause = 0;
  for (std::string_view mark : {"，", "；", "："}) {
    size_t at = lead.rfind(mark);
    if (at != std::string_view::npos) clause = std::max(clause, at + mark.size());
  }
  return lead.substr(clause);
}

// The figure counts a part, not the whole: "其中，区直各部门主动公开政府信息1592条",
// "各乡镇…477条".
bool CountsAPart(std::string_view sentence_lead) {
  // 其中 opens the parts of what the clause group before it (up to a ；) counted.
  size_t group = sentence_lead.rfind("；");
  std::string_view since =
      group == std::string_view::npos ? sentence_lead : sentence_lead.substr(group);
  if (since.find("其中") != std::string_view::npos) return true;
  std::string_view lead = LastClause(sentence_lead);
  for (std::string_view part : {"各乡镇", "各部门", "各县", "各区", "各街道", "各单位", "各地",
                                "区直", "市直", "县直", "下属", "所属"}) {
    if (lead.find(part) != std::string_view::npos) return true;
  }
  return false;
}

std::string BoundOf(std::string_view before, std::string_view after) {
  if (after == "余" || after == "多" || before == "超过" || before == "逾") return "at_least";
  if (before == "近") return "at_most";
  if (before == "约") return "about";
  return "";
}

class Finder {
 public:
  Finder(const Joined& joined, const std::unordered_set<std::string>& has_field)
      : joined_(joined), has_field_(has_field) {}

  // Every match of `pattern` in [from, to); calls `found(field, match start, match end, figure
  // start, figure end, before, number, after)`.
  template <typename F>
  void Scan(const RE2& pattern, size_t from, size_t to, F&& found) const {
    re2::StringPiece input(joined_.text.data() + from, to - from);
    re2::StringPiece before, number, after;
    while (RE2::FindAndConsume(&input, pattern, &before, &number, &after)) {
      // FindAndConsume leaves `input` after the match; the figure is before..after.
      found(before, number, after, static_cast<size_t>(input.data() - joined_.text.data()));
    }
  }

  NarrativeFact Make(std::string field, re2::StringPiece before, re2::StringPiece number,
                     re2::StringPiece after) const {
    NarrativeFact fact;
    fact.field = has_field_.contains(field) ? field : "";
    fact.value = std::stod(std::string(number));
    fact.bound = BoundOf(std::string_view(before.data(), before.size()),
                         std::string_view(after.data(), after.size()));
    size_t start = static_cast<size_t>(before.data() - joined_.text.data());
    size_t end = static_cast<size_t>(after.data() + after.size() - joined_.text.data());
    // The unit after the figure, one character.
    if (end + 3 <= joined_.text.size()) end += 3;
    fact.text = joined_.text.substr(start, end - start);
    auto [s, e] = SentenceAround(joined_.text, start);
    fact.sentence = joined_.text.substr(s, e - s);
    fact.offset = static_cast<int>(joined_.Origin(start));
    return fact;
  }

  const Joined& joined_;
  const std::unordered_set<std::string>& has_field_;
};

}  // namespace

// The applicant list that starts at `at` (kApplicantList), one fact per item; `attached`: the total
// before it is attached to its field, so the items may be too.
void ApplicantFacts(const Finder& finder, const Joined& joined, size_t at, bool attached,
                    std::vector<std::pair<size_t, size_t>>* claimed,
                    std::vector<std::pair<size_t, NarrativeFact>>* found) {
  static const RE2* const pattern = new RE2(kApplicantList);  // never destroyed, as Compiled()
  re2::StringPiece input(joined.text.data() + at, joined.text.size() - at);
  re2::StringPiece label, before, number, after;
  while (RE2::Consume(&input, *pattern, &label, &before, &number, &after)) {
    std::string id;
    for (const auto& [name, suffix] : kApplicants) {
      if (attached && std::string_view(label.data(), label.size()) == name)
        id = std::string("requests.new.") + suffix;
    }
    size_t figure = static_cast<size_t>(before.data() - joined.text.data());
    claimed->push_back({figure, static_cast<size_t>(input.data() - joined.text.data())});
    found->push_back({figure, finder.Make(id, before, number, after)});
  }
}

std::vector<NarrativeFact> FindNarrativeFacts(std::string_view text,
                                              const std::optional<std::string>& template_id,
                                              std::optional<int> year,
                                              const std::unordered_set<std::string>& has_field) {
  bool legacy = template_id ? *template_id == "legacy" : (year && *year < 2019);
  Joined joined = Join(text);
  Finder finder(joined, has_field);
  std::vector<std::pair<size_t, NarrativeFact>> found;  // by joined offset
  std::vector<std::pair<size_t, size_t>> claimed;       // figure spans already taken
  auto taken = [&](size_t at) {
    for (auto [a, b] : claimed) {
      if (at >= a && at < b) return true;
    }
    return false;
  };
  for (size_t p = 0; p < std::size(kPhrases); ++p) {
    const Phrase& phrase = kPhrases[p];
    const RE2& pattern = *Compiled(kPhrases)[p];
    std::string field = legacy ? phrase.legacy : phrase.modern;
    finder.Scan(pattern, 0, joined.text.size(),
                [&](auto before, auto number, auto after, size_t match_end) {
                  size_t figure = static_cast<size_t>(before.data() - joined.text.data());
                  if (taken(figure)) return;
                  NarrativeFact fact = finder.Make(field, before, number, after);
                  auto [s, e] = SentenceAround(joined.text, figure);
                  std::string_view lead(joined.text.data() + s, figure - s);
                  std::string_view rest(joined.text.data() + match_end, e - match_end);
                  if (*phrase.context && lead.find(phrase.context) == std::string_view::npos)
                    fact.field.clear();
                  if (CountsAPart(lead)) fact.field.clear();
                  // "申请154件（含上年结转…）": the figure is not the field alone.
                  bool received = field == "requests.new.total" || field == "requests.received";
                  if (received && (rest.substr(0, 6) == "（含" || rest.substr(0, 4) == "(含"))
                    fact.field.clear();
                  // "收到上年结转的…申请3件": the qualifier names the carried-over requests;
                  // the figure is left to the phrase of those.
                  if (received && LastClause(lead).find("结转") != std::string_view::npos) return;
                  claimed.push_back({figure, match_end});
                  found.push_back({figure, fact});
                  if (field == "requests.new.total") {
                    ApplicantFacts(finder, joined, match_end, !fact.field.empty(), &claimed,
                                   &found);
                  }
                  // "行政复议351件，其中结果维持72件，结果纠正64件…": the outcomes of the same
                  // clause.
                  std::string_view prefixes(phrase.outcomes);
                  if (prefixes.empty()) return;
                  size_t bar = prefixes.find('|');
                  std::string prefix(legacy ? prefixes.substr(bar + 1) : prefixes.substr(0, bar));
                  size_t clause_end = match_end;
                  while (clause_end < e && joined.text.compare(clause_end, 3, "；") != 0 &&
                         joined.text.compare(clause_end, 3, "。") != 0 &&
                         joined.text.compare(clause_end, 12, "行政诉讼") != 0 &&
                         joined.text.compare(clause_end, 12, "行政复议") != 0)
                    ++clause_end;
                  for (size_t o = 0; o < std::size(kOutcomes); ++o) {
                    const Outcome& outcome = kOutcomes[o];
                    const RE2& outcome_pattern = *Compiled(kOutcomes)[o];
                    finder.Scan(outcome_pattern, match_end, clause_end,
                                [&](auto b, auto n, auto a, size_t end) {
                                  size_t at = static_cast<size_t>(b.data() - joined.text.data());
                                  std::string id = prefix.empty() || (legacy && !outcome.legacy_too)
                                                       ? std::string()
                                                       : prefix + "." + outcome.suffix;
                                  NarrativeFact sub = finder.Make(id, b, n, a);
                                  if (fact.field.empty())
                                    sub.field.clear();  // the clause is not about them
                                  claimed.push_back({at, end});
                                  found.push_back({at, sub});
                                });
                  }
                });
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // A field stated twice with different figures: the first is the report's figure; what follows
  // is most likely a part or another scope, and is not attached to the field.
  std::unordered_map<std::string, double> first;
  std::vector<NarrativeFact> facts;
  for (auto& [at, fact] : found) {
    if (!fact.field.empty()) {
      auto [it, inserted] = first.try_emplace(fact.field, fact.value);
      if (!inserted && it->second != fact.value) fact.field.clear();
    }
    facts.push_back(std::move(fact));
  }
  return facts;
}

NarrativeChecks CheckNarrative(const std::vector<NarrativeFact>& facts,
                               const std::unordered_map<std::string, Value>& values,
                               const std::unordered_set<std::string>& unreadable) {
  NarrativeChecks out;
  std::unordered_map<std::string, int> seen;
  for (const NarrativeFact& fact : facts) {
    if (fact.field.empty()) continue;
    int n = ++seen[fact.field];
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, falsely) on the one expression.
    std::string name = "text.";
    name += fact.field;
    if (n > 1) {
      name += '#';
      name += std::to_string(n);
    }
    out.statuses.push_back({name, "text", "not_assessable"});
    auto it = values.find(fact.field);
    if (it == values.end() || !it->second || unreadable.contains(fact.field)) continue;
    double table = *it->second;
    bool holds = false;
    if (fact.bound == "at_least") {
      holds = table >= fact.value;
    } else if (fact.bound == "at_most") {
      holds = table <= fact.value;
    } else if (fact.bound == "about") {
      holds = std::fabs(table - fact.value) <= 0.1 * std::fabs(fact.value);
    } else {
      holds = std::fabs(table - fact.value) <= 1e-6 * std::max(1.0, std::fabs(table));
    }
    out.statuses.back().status = holds ? "pass" : "fail";
    if (!holds) {
      out.failures.push_back({name, fact.field, {fact.field}, fact.value, table, "text_vs_table"});
    }
  }
  return out;
}

}  // namespace nianbao
