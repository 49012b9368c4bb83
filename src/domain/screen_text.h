// The text model the request screen (screen.h) reads: lower-case word
// tokens with their byte spans, sentence and clause numbers, contractions
// expanded ("don't" -> "do not") and pronouns linked to the noun they most
// likely stand for ("make it shorter" after "her dress" -> "dress").
//
// Hand-written and deliberately small: English only, no part-of-speech
// tagger, no stemming (word sets carry their inflections instead).
#ifndef MIRI_DOMAIN_SCREEN_TEXT_H_
#define MIRI_DOMAIN_SCREEN_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace miri::screen {

struct Token {
  std::string word;  // lower-case ASCII; UTF-8 bytes kept as they are
  size_t begin = 0;  // byte span in the original text
  size_t end = 0;
  int sentence = 0;
  int clause = 0;  // global: clauses are numbered across sentences
  bool clause_start = false;
  bool capitalised = false;     // written with a capital first letter
  bool sentence_start = false;  // first token of its sentence
  bool possessive = false;      // "Miri's", "kids'"
  // For "it", "them", "one", "ones": the noun it stands for, "?" when no
  // noun before it could be the referent, "" for every other token.
  std::string alias;
};

// Splits `text` into tokens. Sentences end at . ! ? ; and new lines;
// clauses also end at , : ( ) quotes and dashes, and start at "but",
// "however", "although", "because", "please" and at "and"/"or" followed
// by a new subject or a verb of request.
std::vector<Token> Tokenize(std::string_view text);

// Nouns a pronoun may stand for: garments, parts of the face and body,
// the LoRA and rules, and common things in a frame (sky, umbrella, ...).
bool IsReferent(std::string_view word);

}  // namespace miri::screen

#endif  // MIRI_DOMAIN_SCREEN_TEXT_H_
