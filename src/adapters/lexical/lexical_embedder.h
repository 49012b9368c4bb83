// LexicalEmbedder: the embedded default Embedder. It is lexical, not
// semantic: a text's vector is built from the words it uses, so two texts
// are close when they share words, word stems, spelling fragments or one of
// a small hand-written set of concepts (clothing, hair, light, weather...).
//
// Features, each hashed (signed FNV-1a) into `dimensions` buckets:
//   word stems (weight 1.0), adjacent stem pairs (0.5), character trigrams
//   of each stem (0.25), concept tags from the table in the .cc (0.6);
// stop words are dropped, term frequency is sublinear (1 + ln tf), and the
// vector is L2-normalised. A text with no features maps to the zero vector
// (cosine 0 with everything). Written by hand: no Debian library embeds
// text offline; the cloud route uses Vertex embeddings instead.
#ifndef MIRI_ADAPTERS_LEXICAL_LEXICAL_EMBEDDER_H_
#define MIRI_ADAPTERS_LEXICAL_LEXICAL_EMBEDDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "ports/embedder.h"

namespace miri {

class LexicalEmbedder final : public Embedder {
 public:
  explicit LexicalEmbedder(int dimensions = 512) : dimensions_(dimensions) {}

  std::string_view name() const override { return "lexical"; }
  int dimensions() const override { return dimensions_; }
  Result<std::vector<Embedding>> Embed(const std::vector<std::string>& texts,
                                       EmbedPurpose purpose) override;

  Embedding EmbedOne(std::string_view text) const;

  // Lower-cased, stop words removed, light suffix stripping ("dresses" ->
  // "dress", "twirling" -> "twirl"). Exposed for tests.
  static std::vector<std::string> Stems(std::string_view text);

 private:
  int dimensions_;
};

}  // namespace miri

#endif  // MIRI_ADAPTERS_LEXICAL_LEXICAL_EMBEDDER_H_
