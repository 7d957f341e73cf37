// A hand-written lexer and recursive-descent parser for the STIX 2.1 pattern grammar
// (STIXPattern.g4 in the OASIS cti-stix2-json-schemas repository), plus the semantic rules the
// standard states in prose.
//
// Precedence, loosest first, all left-associative:
//   observation level: FOLLOWEDBY, OR, AND, then postfix qualifiers on `[...]` / `( ... )`
//   comparison level:  OR, AND, then a comparison, `( ... )` or `[NOT] EXISTS path`

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>

#include "common/base64.h"
#include "pattern/program.h"

namespace tessera::pattern {
namespace {

enum class Tok {
  kEnd,
  kLBrack,
  kRBrack,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kAsterisk,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIdent,        // [a-zA-Z_][a-zA-Z0-9_]*
  kIdentHyphen,  // [a-zA-Z_][a-zA-Z0-9_-]* with at least one '-'
  kString,
  kIntPos,
  kIntNeg,
  kFloatPos,
  kFloatNeg,
  kBinary,
  kHex,
  kTimestamp,
  kBool,
  kAnd,
  kOr,
  kNot,
  kFollowedBy,
  kLike,
  kMatches,
  kIsSuperset,
  kIsSubset,
  kExists,
  kLast,
  kIn,
  kStart,
  kStop,
  kSeconds,
  kWithin,
  kRepeats,
  kTimes,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t pos = 0;
  size_t end = 0;
  std::string value;  // kString: unescaped; kBinary/kHex: decoded; kTimestamp: the inner text
};

struct Keyword {
  std::string_view word;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"AND", Tok::kAnd},
    {"OR", Tok::kOr},
    {"NOT", Tok::kNot},
    {"FOLLOWEDBY", Tok::kFollowedBy},
    {"LIKE", Tok::kLike},
    {"MATCHES", Tok::kMatches},
    {"ISSUPERSET", Tok::kIsSuperset},
    {"ISSUBSET", Tok::kIsSubset},
    {"EXISTS", Tok::kExists},
    {"LAST", Tok::kLast},
    {"IN", Tok::kIn},
    {"START", Tok::kStart},
    {"STOP", Tok::kStop},
    {"SECONDS", Tok::kSeconds},
    {"WITHIN", Tok::kWithin},
    {"REPEATS", Tok::kRepeats},
    {"TIMES", Tok::kTimes},
};

Status ErrorAt(size_t pos, const std::string& reason) {
  return InvalidArgument("position " + std::to_string(pos) + ": " + reason);
}

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '-'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  Status Next(Token* t) {
    TESSERA_RETURN_IF_ERROR(SkipSpace());
    t->pos = i_;
    t->value.clear();
    if (i_ >= s_.size()) {
      t->kind = Tok::kEnd;
      t->end = i_;
      return Status::Ok();
    }
    const char c = s_[i_];
    auto one = [&](Tok k, size_t n = 1) {
      t->kind = k;
      i_ += n;
      t->end = i_;
      return Status::Ok();
    };
    switch (c) {
      case '[':
        return one(Tok::kLBrack);
      case ']':
        return one(Tok::kRBrack);
      case '(':
        return one(Tok::kLParen);
      case ')':
        return one(Tok::kRParen);
      case ':':
        return one(Tok::kColon);
      case ',':
        return one(Tok::kComma);
      case '*':
        return one(Tok::kAsterisk);
      case '=':
        return Peek(1) == '=' ? one(Tok::kEq, 2) : one(Tok::kEq);
      case '!':
        if (Peek(1) == '=') return one(Tok::kNe, 2);
        return ErrorAt(i_, "unexpected character '!' (did you mean '!='?)");
      case '<':
        if (Peek(1) == '=') return one(Tok::kLe, 2);
        if (Peek(1) == '>') return one(Tok::kNe, 2);
        return one(Tok::kLt);
      case '>':
        return Peek(1) == '=' ? one(Tok::kGe, 2) : one(Tok::kGt);
      case '\'':
        return LexString(t);
      default:
        break;
    }
    if (c == '.' && !IsDigit(Peek(1))) return one(Tok::kDot);
    if (c == '+' || c == '-' || c == '.' || IsDigit(c)) return LexNumber(t);
    if (IsIdentStart(c)) {
      if ((c == 'b' || c == 'h' || c == 't') && Peek(1) == '\'') return LexTyped(t, c);
      size_t j = i_ + 1;
      bool hyphen = false;
      while (j < s_.size() && IsIdentChar(s_[j])) {
        hyphen |= s_[j] == '-';
        ++j;
      }
      const std::string_view word = s_.substr(i_, j - i_);
      t->kind = hyphen ? Tok::kIdentHyphen : Tok::kIdent;
      for (const Keyword& k : kKeywords) {
        if (word == k.word) t->kind = k.tok;
      }
      if (word == "true" || word == "false") {
        t->kind = Tok::kBool;
      }
      t->value = std::string(word);
      i_ = j;
      t->end = i_;
      return Status::Ok();
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      return ErrorAt(i_, "unexpected non-ASCII character outside a string");
    }
    return ErrorAt(i_, std::string("unexpected character '") + c + "'");
  }

 private:
  char Peek(size_t k) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }

  // Length of a Unicode space (as the grammar's WS rule lists them) at i_, or 0.
  size_t UnicodeSpace() const {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(Peek(k)); };
    if (b(0) == 0xC2 && (b(1) == 0x85 || b(1) == 0xA0)) return 2;
    if (b(0) == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
    if (b(0) == 0xE2 && b(1) == 0x80 &&
        ((b(2) >= 0x80 && b(2) <= 0x8A) || b(2) == 0xA8 || b(2) == 0xA9 || b(2) == 0xAF)) {
      return 3;  // U+2000-200A, U+2028, U+2029, U+202F
    }
    if (b(0) == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
    if (b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
    return 0;
  }

  Status SkipSpace() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
        ++i_;
      } else if (const size_t n = static_cast<unsigned char>(c) < 0x80 ? 0 : UnicodeSpace();
                 n > 0) {
        i_ += n;
      } else if (c == '/' && Peek(1) == '*') {
        const size_t close = s_.find("*/", i_ + 2);
        if (close == std::string_view::npos) return ErrorAt(i_, "unterminated /* comment");
        i_ = close + 2;
      } else if (c == '/' && Peek(1) == '/') {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
      } else {
        break;
      }
    }
    return Status::Ok();
  }

  Status LexString(Token* t) {
    const size_t start = i_;
    ++i_;
    while (true) {
      if (i_ >= s_.size()) return ErrorAt(start, "unterminated string literal");
      const char c = s_[i_];
      if (c == '\'') {
        ++i_;
        break;
      }
      if (c == '\\') {
        const char e = Peek(1);
        if (e != '\'' && e != '\\') {
          return ErrorAt(i_, "invalid escape in string literal (only \\' and \\\\ are allowed)");
        }
        t->value.push_back(e);
        i_ += 2;
        continue;
      }
      // The run up to the next quote or backslash, at once.
      size_t j = i_ + 1;
      while (j < s_.size() && s_[j] != '\'' && s_[j] != '\\') ++j;
      t->value.append(s_.data() + i_, j - i_);
      i_ = j;
    }
    t->kind = Tok::kString;
    t->end = i_;
    return Status::Ok();
  }

  // b'base64', h'hex', t'timestamp': the contents end at the next quote (no escapes).
  Status LexTyped(Token* t, char prefix) {
    const size_t start = i_;
    const size_t close = s_.find('\'', i_ + 2);
    if (close == std::string_view::npos) return ErrorAt(start, "unterminated literal");
    const std::string_view body = s_.substr(i_ + 2, close - i_ - 2);
    i_ = close + 1;
    t->end = i_;
    if (prefix == 'b') {
      if (body.empty() || !DecodeBase64(body, &t->value)) {
        return ErrorAt(start, "invalid binary literal: b'...' must hold padded base64");
      }
      t->kind = Tok::kBinary;
    } else if (prefix == 'h') {
      if (!DecodeHex(body, &t->value)) {
        return ErrorAt(start, "invalid hex literal: h'...' must hold pairs of hex digits");
      }
      t->kind = Tok::kHex;
    } else {
      Timestamp ts;
      if (!ParseStixTimestamp(body, &ts)) {
        return ErrorAt(start, "invalid timestamp literal: t'...' must be YYYY-MM-DDTHH:MM:SS[.s]Z");
      }
      t->value = std::string(body);
      t->kind = Tok::kTimestamp;
    }
    return Status::Ok();
  }

  Status LexNumber(Token* t) {
    const size_t start = i_;
    bool negative = false;
    if (s_[i_] == '+' || s_[i_] == '-') {
      negative = s_[i_] == '-';
      ++i_;
    }
    const size_t digits = i_;
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    const size_t int_digits = i_ - digits;
    bool is_float = false;
    if (i_ < s_.size() && s_[i_] == '.' && IsDigit(Peek(1))) {
      is_float = true;
      ++i_;
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (!is_float && int_digits == 0) {
      return ErrorAt(start, std::string("unexpected character '") + s_[start] + "'");
    }
    if (!is_float && int_digits > 1 && s_[digits] == '0') {
      return ErrorAt(start, "integer with a leading zero");
    }
    t->value = std::string(s_.substr(start, i_ - start));
    t->kind = is_float ? (negative ? Tok::kFloatNeg : Tok::kFloatPos)
                       : (negative ? Tok::kIntNeg : Tok::kIntPos);
    t->end = i_;
    return Status::Ok();
  }

  std::string_view s_;
  size_t i_ = 0;
};

std::string_view TokName(Tok kind) {
  switch (kind) {
    case Tok::kEnd:
      return "end of pattern";
    case Tok::kLBrack:
      return "'['";
    case Tok::kRBrack:
      return "']'";
    case Tok::kLParen:
      return "'('";
    case Tok::kRParen:
      return "')'";
    case Tok::kColon:
      return "':'";
    case Tok::kDot:
      return "'.'";
    case Tok::kComma:
      return "','";
    case Tok::kAsterisk:
      return "'*'";
    case Tok::kEq:
      return "'='";
    case Tok::kNe:
      return "'!='";
    case Tok::kLt:
      return "'<'";
    case Tok::kLe:
      return "'<='";
    case Tok::kGt:
      return "'>'";
    case Tok::kGe:
      return "'>='";
    case Tok::kIdent:
      return "an identifier";
    case Tok::kIdentHyphen:
      return "an identifier with '-'";
    case Tok::kString:
      return "a string";
    case Tok::kIntPos:
      return "an integer";
    case Tok::kIntNeg:
      return "a negative integer";
    case Tok::kFloatPos:
      return "a number";
    case Tok::kFloatNeg:
      return "a negative number";
    case Tok::kBinary:
      return "a binary constant";
    case Tok::kHex:
      return "a hex constant";
    case Tok::kTimestamp:
      return "a timestamp";
    case Tok::kBool:
      return "a boolean";
    default:
      break;
  }
  for (const Keyword& k : kKeywords) {
    if (k.tok == kind) return k.word;
  }
  return "a token";
}

std::string Describe(const Token& t, std::string_view text) {
  if (t.kind == Tok::kEnd) return "end of pattern";
  const std::string_view name = TokName(t.kind);
  if (name.front() == '\'') return std::string(name);  // punctuation and operators
  if (t.kind >= Tok::kAnd) return "keyword " + std::string(name);
  std::string_view src = text.substr(t.pos, t.end - t.pos);
  if (src.size() > 40) src = src.substr(0, 40);
  return std::string(TokName(t.kind)) + " '" + std::string(src) + "'";
}

// Hex lengths of the hash algorithms of the STIX hashing-algorithm vocabulary (and the SHA-2/3
// variants the standard's predecessors listed); SSDEEP has no fixed length.
std::optional<size_t> HashHexLength(std::string_view algorithm) {
  struct H {
    std::string_view name;
    size_t hex;
  };
  static constexpr H kHashes[] = {
      {"MD5", 32},      {"SHA-1", 40},     {"SHA-224", 56},    {"SHA-256", 64},
      {"SHA-384", 96},  {"SHA-512", 128},  {"SHA3-224", 56},   {"SHA3-256", 64},
      {"SHA3-384", 96}, {"SHA3-512", 128}, {"RIPEMD-160", 40}, {"WHIRLPOOL", 128},
  };
  for (const H& h : kHashes) {
    if (h.name.size() != algorithm.size()) continue;
    bool same = true;
    for (size_t k = 0; k < algorithm.size() && same; ++k) {
      same = std::toupper(static_cast<unsigned char>(algorithm[k])) == h.name[k];
    }
    if (same) return h.hex;
  }
  return std::nullopt;
}

bool IsTlsh(std::string_view a) {
  return a.size() == 4 && std::toupper(static_cast<unsigned char>(a[0])) == 'T' &&
         std::toupper(static_cast<unsigned char>(a[1])) == 'L' &&
         std::toupper(static_cast<unsigned char>(a[2])) == 'S' &&
         std::toupper(static_cast<unsigned char>(a[3])) == 'H';
}

bool AllHex(std::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The type a constant stands for when sets are checked for homogeneity: integers and floats are
// both numbers, b'...' and h'...' both binary.
int ValueClass(ConstantKind kind) {
  switch (kind) {
    case ConstantKind::kInt:
    case ConstantKind::kFloat:
      return 0;
    case ConstantKind::kBinary:
    case ConstantKind::kHex:
      return 1;
    case ConstantKind::kString:
      return 2;
    case ConstantKind::kBool:
      return 3;
    case ConstantKind::kTimestamp:
      return 4;
  }
  return 5;
}

class Parser {
 public:
  Parser(std::string_view text, const Limits& limits, Program* program)
      : text_(text), limits_(limits), lexer_(text), program_(program) {}

  Status Parse() {
    TESSERA_RETURN_IF_ERROR(Advance());
    std::unique_ptr<ProgramNode> root;
    TESSERA_RETURN_IF_ERROR(ObsFollowedBy(&root));
    if (tok_.kind != Tok::kEnd) {
      if (tok_.kind == Tok::kRBrack || tok_.kind == Tok::kRParen) {
        return ErrorAt(tok_.pos, "unbalanced " + std::string(TokName(tok_.kind)));
      }
      return ErrorAt(tok_.pos, "expected AND, OR, FOLLOWEDBY, a qualifier or the end, found " +
                                   Describe(tok_, text_));
    }
    program_->root = std::move(root);
    return Status::Ok();
  }

  // SimpleComparisons: `[` comparison (OR comparison)* `]` and the end, each comparison
  // `path = 'string'`, `path IN ('string', ...)` or `path ISSUBSET 'string'`, read with the same
  // Path, Literal and checks as CompPrimary. False on any other form and on any error (Compile
  // then decides and tells why).
  bool Simple(std::vector<AtomicComparison>* out) {
    if (!Advance().ok() || tok_.kind != Tok::kLBrack || limits_.max_depth < 1) return false;
    do {
      if (!Advance().ok() || out->size() >= limits_.max_comparisons) return false;
      AtomicComparison a;
      a.sufficient = true;
      if (!Path(&a.path).ok()) return false;
      const Tok op = tok_.kind;
      if (op == Tok::kEq) {
        a.op = Op::kEqual;
      } else if (op == Tok::kIn) {
        a.op = Op::kIn;
      } else if (op == Tok::kIsSubset) {
        a.op = Op::kIsSubset;
      } else {
        return false;
      }
      if (!Advance().ok()) return false;
      if (op == Tok::kIn) {
        if (tok_.kind != Tok::kLParen || !Advance().ok()) return false;
        while (true) {
          if (tok_.kind != Tok::kString) return false;
          Constant c;
          if (!Literal(false, &c).ok()) return false;
          a.constants.push_back(std::move(c));
          if (tok_.kind != Tok::kComma) break;
          if (!Advance().ok()) return false;
        }
        if (tok_.kind != Tok::kRParen || !Advance().ok()) return false;
      } else {
        if (tok_.kind != Tok::kString) return false;
        Constant c;
        if (!Literal(op == Tok::kIsSubset, &c).ok()) return false;
        if (op == Tok::kIsSubset && !ip::ParseNetwork(c.value)) return false;
        a.constants.push_back(std::move(c));
      }
      if (!CheckHash(a, 0).ok()) return false;
      out->push_back(std::move(a));
    } while (tok_.kind == Tok::kOr);
    return tok_.kind == Tok::kRBrack && Advance().ok() && tok_.kind == Tok::kEnd;
  }

 private:
  Status Advance() { return lexer_.Next(&tok_); }

  Status Expect(Tok kind, std::string_view what) {
    if (tok_.kind != kind) {
      return ErrorAt(tok_.pos,
                     "expected " + std::string(what) + ", found " + Describe(tok_, text_));
    }
    return Advance();
  }

  Status Enter() {
    if (++depth_ > limits_.max_depth) {
      return {ErrorCode::kLimitExceeded, "position " + std::to_string(tok_.pos) +
                                             ": nesting deeper than " +
                                             std::to_string(limits_.max_depth)};
    }
    return Status::Ok();
  }

  using NodePtr = std::unique_ptr<ProgramNode>;

  static NodePtr Binary(ProgramNode::Kind kind, size_t pos, NodePtr lhs, NodePtr rhs) {
    auto n = std::make_unique<ProgramNode>();
    n->kind = kind;
    n->position = pos;
    n->lhs = std::move(lhs);
    n->rhs = std::move(rhs);
    return n;
  }

  Status ObsFollowedBy(NodePtr* out) {
    TESSERA_RETURN_IF_ERROR(ObsOr(out));
    while (tok_.kind == Tok::kFollowedBy) {
      const size_t pos = tok_.pos;
      TESSERA_RETURN_IF_ERROR(Advance());
      NodePtr rhs;
      TESSERA_RETURN_IF_ERROR(ObsOr(&rhs));
      *out = Binary(ProgramNode::Kind::kFollowedBy, pos, std::move(*out), std::move(rhs));
    }
    return Status::Ok();
  }

  Status ObsOr(NodePtr* out) {
    TESSERA_RETURN_IF_ERROR(ObsAnd(out));
    while (tok_.kind == Tok::kOr) {
      const size_t pos = tok_.pos;
      TESSERA_RETURN_IF_ERROR(Advance());
      NodePtr rhs;
      TESSERA_RETURN_IF_ERROR(ObsAnd(&rhs));
      *out = Binary(ProgramNode::Kind::kOr, pos, std::move(*out), std::move(rhs));
    }
    return Status::Ok();
  }

  Status ObsAnd(NodePtr* out) {
    TESSERA_RETURN_IF_ERROR(ObsQualified(out));
    while (tok_.kind == Tok::kAnd) {
      const size_t pos = tok_.pos;
      TESSERA_RETURN_IF_ERROR(Advance());
      NodePtr rhs;
      TESSERA_RETURN_IF_ERROR(ObsQualified(&rhs));
      *out = Binary(ProgramNode::Kind::kAnd, pos, std::move(*out), std::move(rhs));
    }
    return Status::Ok();
  }

  // A primary observation expression followed by any qualifiers. The standard allows each kind of
  // qualifier once on an observation expression; wrapping it in parentheses makes a new one (so
  // `([a] WITHIN 5 SECONDS) WITHIN 6 SECONDS` is valid and `[a] WITHIN 5 SECONDS WITHIN 6 SECONDS`
  // is not, as the OASIS validator also decides).
  Status ObsQualified(NodePtr* out) {
    const bool bracket = tok_.kind == Tok::kLBrack;
    TESSERA_RETURN_IF_ERROR(ObsPrimary(out));
    std::set<ProgramNode::Kind> seen;
    while (true) {
      auto node = std::make_unique<ProgramNode>();
      node->position = tok_.pos;
      const Token qualifier = tok_;
      if (tok_.kind == Tok::kWithin) {
        node->kind = ProgramNode::Kind::kWithin;
        TESSERA_RETURN_IF_ERROR(Advance());
        if (tok_.kind != Tok::kIntPos && tok_.kind != Tok::kFloatPos) {
          return ErrorAt(tok_.pos, "WITHIN needs a positive number of seconds, found " +
                                       Describe(tok_, text_));
        }
        node->within_seconds = std::strtod(tok_.value.c_str(), nullptr);
        if (!(node->within_seconds > 0) || !std::isfinite(node->within_seconds)) {
          return ErrorAt(tok_.pos, "WITHIN needs a number of seconds greater than 0");
        }
        TESSERA_RETURN_IF_ERROR(Advance());
        TESSERA_RETURN_IF_ERROR(Expect(Tok::kSeconds, "SECONDS"));
      } else if (tok_.kind == Tok::kRepeats) {
        node->kind = ProgramNode::Kind::kRepeats;
        TESSERA_RETURN_IF_ERROR(Advance());
        if (tok_.kind != Tok::kIntPos) {
          return ErrorAt(tok_.pos,
                         "REPEATS needs a positive integer, found " + Describe(tok_, text_));
        }
        const std::string digits = tok_.value[0] == '+' ? tok_.value.substr(1) : tok_.value;
        if (digits.size() > 9 || std::stoll(digits) < 1) {
          return ErrorAt(tok_.pos, "REPEATS needs an integer from 1 to 999999999");
        }
        node->repeats = std::stoll(digits);
        TESSERA_RETURN_IF_ERROR(Advance());
        TESSERA_RETURN_IF_ERROR(Expect(Tok::kTimes, "TIMES"));
      } else if (tok_.kind == Tok::kStart) {
        node->kind = ProgramNode::Kind::kStartStop;
        TESSERA_RETURN_IF_ERROR(Advance());
        if (tok_.kind != Tok::kTimestamp) {
          return ErrorAt(tok_.pos,
                         "START needs a timestamp t'...', found " + Describe(tok_, text_));
        }
        ParseStixTimestamp(tok_.value, &node->start);
        TESSERA_RETURN_IF_ERROR(Advance());
        TESSERA_RETURN_IF_ERROR(Expect(Tok::kStop, "STOP"));
        if (tok_.kind != Tok::kTimestamp) {
          return ErrorAt(tok_.pos, "STOP needs a timestamp t'...', found " + Describe(tok_, text_));
        }
        ParseStixTimestamp(tok_.value, &node->stop);
        if (!(node->start < node->stop)) {
          return ErrorAt(tok_.pos, "the STOP timestamp must be later than the START timestamp");
        }
        TESSERA_RETURN_IF_ERROR(Advance());
      } else {
        break;
      }
      if (bracket && !seen.insert(node->kind).second) {
        return ErrorAt(qualifier.pos,
                       "duplicate " +
                           std::string(text_.substr(qualifier.pos, qualifier.end - qualifier.pos)) +
                           " qualifier on the same observation expression");
      }
      node->lhs = std::move(*out);
      *out = std::move(node);
    }
    return Status::Ok();
  }

  Status ObsPrimary(NodePtr* out) {
    const size_t pos = tok_.pos;
    if (tok_.kind == Tok::kLBrack) {
      TESSERA_RETURN_IF_ERROR(Enter());
      TESSERA_RETURN_IF_ERROR(Advance());
      auto node = std::make_unique<ProgramNode>();
      node->kind = ProgramNode::Kind::kObservation;
      node->position = pos;
      TESSERA_RETURN_IF_ERROR(CompOr(&node->comparison));
      TESSERA_RETURN_IF_ERROR(Expect(Tok::kRBrack, "']' or AND/OR in the comparison expression"));
      node->object_types = std::move(types_);
      types_.clear();
      --depth_;
      *out = std::move(node);
      return Status::Ok();
    }
    if (tok_.kind == Tok::kLParen) {
      TESSERA_RETURN_IF_ERROR(Enter());
      TESSERA_RETURN_IF_ERROR(Advance());
      TESSERA_RETURN_IF_ERROR(ObsFollowedBy(out));
      TESSERA_RETURN_IF_ERROR(Expect(Tok::kRParen, "')'"));
      --depth_;
      return Status::Ok();
    }
    return ErrorAt(tok_.pos, "expected an observation expression '[...]' or '(', found " +
                                 Describe(tok_, text_));
  }

  using CompPtr = std::unique_ptr<CompNode>;

  Status CompOr(CompPtr* out) {
    TESSERA_RETURN_IF_ERROR(CompAnd(out));
    while (tok_.kind == Tok::kOr) {
      TESSERA_RETURN_IF_ERROR(Advance());
      CompPtr rhs;
      TESSERA_RETURN_IF_ERROR(CompAnd(&rhs));
      auto n = std::make_unique<CompNode>();
      n->kind = CompNode::Kind::kOr;
      n->lhs = std::move(*out);
      n->rhs = std::move(rhs);
      *out = std::move(n);
    }
    return Status::Ok();
  }

  Status CompAnd(CompPtr* out) {
    TESSERA_RETURN_IF_ERROR(CompPrimary(out));
    while (tok_.kind == Tok::kAnd) {
      TESSERA_RETURN_IF_ERROR(Advance());
      CompPtr rhs;
      TESSERA_RETURN_IF_ERROR(CompPrimary(&rhs));
      auto n = std::make_unique<CompNode>();
      n->kind = CompNode::Kind::kAnd;
      n->lhs = std::move(*out);
      n->rhs = std::move(rhs);
      *out = std::move(n);
    }
    return Status::Ok();
  }

  Status CompPrimary(CompPtr* out) {
    if (tok_.kind == Tok::kLParen) {
      TESSERA_RETURN_IF_ERROR(Enter());
      TESSERA_RETURN_IF_ERROR(Advance());
      TESSERA_RETURN_IF_ERROR(CompOr(out));
      TESSERA_RETURN_IF_ERROR(Expect(Tok::kRParen, "')'"));
      --depth_;
      return Status::Ok();
    }
    if (program_->comparisons.size() >= limits_.max_comparisons) {
      return {ErrorCode::kLimitExceeded, "position " + std::to_string(tok_.pos) + ": more than " +
                                             std::to_string(limits_.max_comparisons) +
                                             " comparisons"};
    }
    CompiledComparison cmp;
    cmp.position = tok_.pos;
    AtomicComparison& a = cmp.atom;
    if (tok_.kind == Tok::kNot || tok_.kind == Tok::kExists) {
      // [NOT] EXISTS path
      if (tok_.kind == Tok::kNot) {
        a.negated = true;
        TESSERA_RETURN_IF_ERROR(Advance());
        if (tok_.kind != Tok::kExists) {
          return ErrorAt(tok_.pos,
                         "expected EXISTS after a leading NOT, found " + Describe(tok_, text_));
        }
      }
      TESSERA_RETURN_IF_ERROR(Advance());
      a.op = Op::kExists;
      TESSERA_RETURN_IF_ERROR(Path(&a.path));
      return AddLeaf(std::move(cmp), out);
    }
    TESSERA_RETURN_IF_ERROR(Path(&a.path));
    if (tok_.kind == Tok::kNot) {
      a.negated = true;
      TESSERA_RETURN_IF_ERROR(Advance());
    }
    switch (tok_.kind) {
      case Tok::kEq:
        a.op = Op::kEqual;
        break;
      case Tok::kNe:
        a.op = Op::kNotEqual;
        break;
      case Tok::kLt:
        a.op = Op::kLess;
        break;
      case Tok::kLe:
        a.op = Op::kLessEqual;
        break;
      case Tok::kGt:
        a.op = Op::kGreater;
        break;
      case Tok::kGe:
        a.op = Op::kGreaterEqual;
        break;
      case Tok::kIn:
        a.op = Op::kIn;
        break;
      case Tok::kLike:
        a.op = Op::kLike;
        break;
      case Tok::kMatches:
        a.op = Op::kMatches;
        break;
      case Tok::kIsSubset:
        a.op = Op::kIsSubset;
        break;
      case Tok::kIsSuperset:
        a.op = Op::kIsSuperset;
        break;
      default:
        return ErrorAt(tok_.pos, "expected a comparison operator after the object path, found " +
                                     Describe(tok_, text_));
    }
    TESSERA_RETURN_IF_ERROR(Advance());
    if (a.op == Op::kIn) {
      TESSERA_RETURN_IF_ERROR(Expect(Tok::kLParen, "'(' to open the IN set"));
      if (tok_.kind != Tok::kRParen) {
        while (true) {
          Constant c;
          TESSERA_RETURN_IF_ERROR(Literal(/*orderable=*/false, &c));
          a.constants.push_back(std::move(c));
          if (tok_.kind != Tok::kComma) break;
          TESSERA_RETURN_IF_ERROR(Advance());
        }
      }
      TESSERA_RETURN_IF_ERROR(Expect(Tok::kRParen, "',' or ')' in the IN set"));
      for (const Constant& c : a.constants) {
        if (ValueClass(c.kind) != ValueClass(a.constants.front().kind)) a.mixed_types = true;
      }
    } else if (a.op == Op::kEqual || a.op == Op::kNotEqual) {
      Constant c;
      TESSERA_RETURN_IF_ERROR(Literal(false, &c));
      a.constants.push_back(std::move(c));
    } else if (a.op == Op::kLess || a.op == Op::kLessEqual || a.op == Op::kGreater ||
               a.op == Op::kGreaterEqual) {
      Constant c;
      TESSERA_RETURN_IF_ERROR(Literal(true, &c));
      a.constants.push_back(std::move(c));
    } else {
      // LIKE, MATCHES, ISSUBSET, ISSUPERSET take a string.
      if (tok_.kind != Tok::kString) {
        return ErrorAt(tok_.pos, std::string(OpName(a.op)) + " needs a string constant, found " +
                                     Describe(tok_, text_));
      }
      const size_t pos = tok_.pos;
      const std::string raw = tok_.value;
      Constant c;
      TESSERA_RETURN_IF_ERROR(Literal(true, &c));
      if (a.op == Op::kMatches) {
        if (raw.size() > limits_.max_regex_length) {
          return {ErrorCode::kLimitExceeded,
                  "position " + std::to_string(pos) + ": regex longer than " +
                      std::to_string(limits_.max_regex_length) + " bytes"};
        }
        // STIX 2.1 §9.6.2: MATCHES works on NFC-normalized text, the regex as well as the value.
        auto re = Regex::Create(Nfc(raw), limits_.regex_match_limit, limits_.regex_depth_limit);
        if (!re.ok()) return ErrorAt(pos, "invalid regex: " + re.status().message());
        cmp.regex = std::move(re).value();
      } else if (a.op == Op::kLike) {
        cmp.like = Nfc(c.value);  // STIX 2.1 §9.6.2: LIKE compares NFC-normalized text
      } else if (a.op == Op::kIsSubset || a.op == Op::kIsSuperset) {
        auto net = ip::ParseNetwork(c.value);
        if (!net) return ErrorAt(pos, "'" + c.value + "' is not an IP address or CIDR network");
        cmp.net = *net;
      }
      a.constants.push_back(std::move(c));
    }
    TESSERA_RETURN_IF_ERROR(CheckHash(cmp.atom, cmp.position));
    return AddLeaf(std::move(cmp), out);
  }

  // A constant compared with `hashes.<ALGORITHM>` must have that algorithm's form.
  Status CheckHash(const AtomicComparison& a, size_t position) const {
    if (a.op != Op::kEqual && a.op != Op::kNotEqual && a.op != Op::kIn) return Status::Ok();
    const auto& steps = a.path.steps;
    if (steps.size() < 2) return Status::Ok();
    const PathStep& alg = steps.back();
    const PathStep& hashes = steps[steps.size() - 2];
    if (alg.kind != PathStep::Kind::kKey || hashes.kind != PathStep::Kind::kKey ||
        hashes.key != "hashes") {
      return Status::Ok();
    }
    const std::optional<size_t> len = HashHexLength(alg.key);
    const bool tlsh = IsTlsh(alg.key);
    for (const Constant& c : a.constants) {
      if (c.kind != ConstantKind::kString) continue;
      bool ok = true;
      if (len) {
        ok = c.value.size() == *len && AllHex(c.value);
      } else if (tlsh) {
        const std::string_view v = c.value;
        ok = (v.size() == 70 && AllHex(v)) ||
             (v.size() == 72 && (v[0] == 'T' || v[0] == 't') && v[1] == '1' && AllHex(v.substr(2)));
      }
      if (!ok) {
        return ErrorAt(position, "'" + c.value + "' is not a valid " + alg.key + " hash" +
                                     (len ? " (" + std::to_string(*len) + " hex digits)" : ""));
      }
    }
    return Status::Ok();
  }

  Status AddLeaf(CompiledComparison cmp, CompPtr* out) {
    bool known = false;
    for (const std::string& t : types_) known |= t == cmp.atom.path.object_type;
    if (!known) types_.push_back(cmp.atom.path.object_type);
    auto n = std::make_unique<CompNode>();
    n->kind = CompNode::Kind::kLeaf;
    n->leaf = program_->comparisons.size();
    program_->comparisons.push_back(std::move(cmp));
    *out = std::move(n);
    return Status::Ok();
  }

  Status Path(ObjectPath* path) {
    if (tok_.kind != Tok::kIdent && tok_.kind != Tok::kIdentHyphen) {
      return ErrorAt(tok_.pos,
                     "expected an object path 'type:property', found " + Describe(tok_, text_));
    }
    path->object_type = tok_.value;
    TESSERA_RETURN_IF_ERROR(Advance());
    TESSERA_RETURN_IF_ERROR(Expect(Tok::kColon, "':' after the object type"));
    PathStep first;
    TESSERA_RETURN_IF_ERROR(PropertyName(&first.key));
    path->steps.push_back(std::move(first));
    while (true) {
      if (tok_.kind == Tok::kDot) {
        TESSERA_RETURN_IF_ERROR(Advance());
        PathStep step;
        TESSERA_RETURN_IF_ERROR(PropertyName(&step.key));
        path->steps.push_back(std::move(step));
      } else if (tok_.kind == Tok::kLBrack) {
        TESSERA_RETURN_IF_ERROR(Advance());
        PathStep step;
        if (tok_.kind == Tok::kAsterisk) {
          step.kind = PathStep::Kind::kAnyIndex;
        } else if (tok_.kind == Tok::kIntPos || tok_.kind == Tok::kIntNeg) {
          step.kind = PathStep::Kind::kIndex;
          errno = 0;
          step.index = std::strtoll(tok_.value.c_str(), nullptr, 10);
          if (errno == ERANGE) return ErrorAt(tok_.pos, "list index out of range");
        } else {
          return ErrorAt(tok_.pos, "expected a list index or '*', found " + Describe(tok_, text_));
        }
        TESSERA_RETURN_IF_ERROR(Advance());
        TESSERA_RETURN_IF_ERROR(Expect(Tok::kRBrack, "']' after the list index"));
        path->steps.push_back(std::move(step));
      } else {
        return Status::Ok();
      }
    }
  }

  Status PropertyName(std::string* name) {
    if (tok_.kind == Tok::kIdent || tok_.kind == Tok::kString) {
      *name = tok_.value;
      return Advance();
    }
    if (tok_.kind == Tok::kIdentHyphen) {
      return ErrorAt(tok_.pos, "a property name with '-' must be quoted: '" + tok_.value + "'");
    }
    return ErrorAt(tok_.pos, "expected a property name, found " + Describe(tok_, text_));
  }

  Status Literal(bool orderable, Constant* c) {
    c->text = std::string(text_.substr(tok_.pos, tok_.end - tok_.pos));
    switch (tok_.kind) {
      case Tok::kString:
        c->kind = ConstantKind::kString;
        c->value = tok_.value;
        break;
      case Tok::kIntPos:
      case Tok::kIntNeg: {
        c->kind = ConstantKind::kInt;
        errno = 0;
        c->int_value = std::strtoll(tok_.value.c_str(), nullptr, 10);
        if (errno == ERANGE) return ErrorAt(tok_.pos, "integer out of range");
        c->float_value = static_cast<double>(c->int_value);
        break;
      }
      case Tok::kFloatPos:
      case Tok::kFloatNeg:
        c->kind = ConstantKind::kFloat;
        c->float_value = std::strtod(tok_.value.c_str(), nullptr);
        if (!std::isfinite(c->float_value)) return ErrorAt(tok_.pos, "number out of range");
        break;
      case Tok::kBinary:
        c->kind = ConstantKind::kBinary;
        c->value = tok_.value;
        break;
      case Tok::kHex:
        c->kind = ConstantKind::kHex;
        c->value = tok_.value;
        break;
      case Tok::kTimestamp:
        c->kind = ConstantKind::kTimestamp;
        ParseStixTimestamp(tok_.value, &c->time);
        break;
      case Tok::kBool:
        if (orderable) {
          return ErrorAt(tok_.pos, "a boolean cannot be ordered; use = or !=");
        }
        c->kind = ConstantKind::kBool;
        c->bool_value = tok_.value == "true";
        break;
      default:
        return ErrorAt(tok_.pos,
                       "expected a constant (string, number, boolean, b'...', h'...' or "
                       "t'...'), found " +
                           Describe(tok_, text_));
    }
    return Advance();
  }

  std::string_view text_;
  const Limits& limits_;
  Lexer lexer_;
  Program* program_;
  Token tok_;
  size_t depth_ = 0;
  std::vector<std::string> types_;
};

}  // namespace

std::optional<std::vector<AtomicComparison>> SimpleComparisons(std::string_view text,
                                                               const Limits& limits) {
  size_t bad = 0;
  if (text.size() > limits.max_length || !IsValidUtf8(text, &bad)) return std::nullopt;
  Program unused;
  Parser parser(text, limits, &unused);
  std::vector<AtomicComparison> comparisons;
  if (!parser.Simple(&comparisons)) return std::nullopt;
  return comparisons;
}

Result<std::unique_ptr<Program>> ParseProgram(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_length) {
    return Status(ErrorCode::kLimitExceeded, "position " + std::to_string(limits.max_length) +
                                                 ": pattern longer than " +
                                                 std::to_string(limits.max_length) + " bytes");
  }
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) return ErrorAt(bad, "invalid UTF-8");
  auto program = std::make_unique<Program>();
  program->text = std::string(text);
  program->limits = limits;
  Parser parser(text, limits, program.get());
  TESSERA_RETURN_IF_ERROR(parser.Parse());
  return program;
}

}  // namespace tessera::pattern
