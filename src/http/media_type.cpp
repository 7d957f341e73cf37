#include "http/media_type.h"

#include <cctype>

#include "common/text.h"

namespace tessera::http {
namespace {

bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits `text` at `sep` outside double-quoted strings.
std::vector<std::string_view> SplitOutsideQuotes(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(text.substr(start));
  return out;
}

// A parameter value: a token, or a quoted-string (unquoted here). False when malformed.
bool ParseParamValue(std::string_view raw, std::string* out) {
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    out->clear();
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      char c = raw[i];
      if (c == '\\') {
        if (i + 2 >= raw.size()) return false;
        c = raw[++i];
      } else if (c == '"') {
        return false;
      }
      out->push_back(c);
    }
    return true;
  }
  if (!IsToken(raw)) return false;
  *out = std::string(raw);
  return true;
}

// "0", "0.5", "1", "1.000" (RFC 9110 qvalue). False when malformed.
bool ParseQValue(std::string_view s, double* q) {
  if (s.empty() || (s[0] != '0' && s[0] != '1')) return false;
  if (s.size() > 1 && (s[1] != '.' || s.size() > 5)) return false;
  double value = s[0] == '1' ? 1.0 : 0.0;
  double scale = 0.1;
  for (size_t i = 2; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    value += (s[i] - '0') * scale;
    scale /= 10;
  }
  if (value > 1.0) return false;
  *q = value;
  return true;
}

// Parses one media type or media range; with `q` non-null, "q=" ends the parameters and sets *q.
bool ParseOne(std::string_view text, MediaType* out, double* q, std::string* why) {
  std::vector<std::string_view> parts = SplitOutsideQuotes(text, ';');
  const std::string_view essence = Trim(parts[0], kBlanks);
  const size_t slash = essence.find('/');
  if (slash == std::string_view::npos) {
    *why = "missing '/' in '" + std::string(essence) + "'";
    return false;
  }
  const std::string_view type = essence.substr(0, slash);
  const std::string_view subtype = essence.substr(slash + 1);
  if (!IsToken(type) || !IsToken(subtype)) {
    *why = "'" + std::string(essence) + "' is not type/subtype";
    return false;
  }
  out->type = Lower(type);
  out->subtype = Lower(subtype);
  out->params.clear();
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string_view param = Trim(parts[i], kBlanks);
    if (param.empty()) continue;  // "a/b;" and "a/b; ;c=d" occur in the wild
    const size_t eq = param.find('=');
    if (eq == std::string_view::npos) {
      *why = "parameter '" + std::string(param) + "' has no '='";
      return false;
    }
    const std::string name = Lower(Trim(param.substr(0, eq), kBlanks));
    if (!IsToken(name)) {
      *why = "malformed parameter name in '" + std::string(param) + "'";
      return false;
    }
    if (q != nullptr && name == "q") {
      if (!ParseQValue(Trim(param.substr(eq + 1), kBlanks), q)) {
        *why = "malformed q value in '" + std::string(param) + "'";
        return false;
      }
      break;  // what follows q is accept-ext, not part of the range
    }
    std::string value;
    if (!ParseParamValue(Trim(param.substr(eq + 1), kBlanks), &value)) {
      *why = "malformed parameter value in '" + std::string(param) + "'";
      return false;
    }
    if (out->params.size() == kMaxMediaTypeParams) {
      *why = "more than " + std::to_string(kMaxMediaTypeParams) + " parameters";
      return false;
    }
    out->params.emplace_back(name, std::move(value));
  }
  if (out->type == "*" && out->subtype != "*") {
    *why = "'*/" + out->subtype + "' is not a media range";
    return false;
  }
  return true;
}

}  // namespace

const std::string* MediaType::Param(std::string_view name) const {
  for (const auto& [n, v] : params) {
    if (n == name) return &v;
  }
  return nullptr;
}

Result<MediaType> ParseMediaType(std::string_view text) {
  MediaType mt;
  std::string why;
  if (!ParseOne(text, &mt, nullptr, &why)) {
    return InvalidArgument("malformed media type: " + why);
  }
  if (mt.type == "*" || mt.subtype == "*") {
    return InvalidArgument("malformed media type: a wildcard is not a media type");
  }
  return mt;
}

std::vector<MediaRange> ParseAccept(std::string_view text) {
  std::vector<MediaRange> out;
  for (std::string_view element : SplitOutsideQuotes(text, ',')) {
    element = Trim(element, kBlanks);
    if (element.empty()) continue;
    if (out.size() == kMaxAcceptRanges) break;
    MediaRange r;
    std::string why;
    if (ParseOne(element, &r.range, &r.q, &why)) out.push_back(std::move(r));
  }
  return out;
}

double AcceptWeight(std::string_view accept, const MediaType& offered) {
  if (Trim(accept, kBlanks).empty()) return 1.0;
  int best_specificity = -1;
  double best_q = 0.0;
  for (const MediaRange& r : ParseAccept(accept)) {
    int specificity;
    if (r.range.type == "*") {
      specificity = 0;
    } else if (r.range.type != offered.type) {
      continue;
    } else if (r.range.subtype == "*") {
      specificity = 1;
    } else if (r.range.subtype != offered.subtype) {
      continue;
    } else {
      bool all = true;
      for (const auto& [name, value] : r.range.params) {
        const std::string* v = offered.Param(name);
        if (v == nullptr || *v != value) {
          all = false;
          break;
        }
      }
      if (!all) continue;
      specificity = 2 + static_cast<int>(r.range.params.size());
    }
    if (specificity > best_specificity) {
      best_specificity = specificity;
      best_q = r.q;
    }
  }
  return best_q;
}

}  // namespace tessera::http
