#include "domain/screen_lexicon.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>

namespace miri::screen {

namespace {

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool EndsWith(const std::string& w, std::string_view s) {
  return w.size() > s.size() &&
         std::string_view(w).substr(w.size() - s.size()) == s;
}

// "grin" -> "grinn": a short word ending consonant-vowel-consonant doubles
// its last letter before -ing, -ed, -er.
std::string Doubled(const std::string& w) {
  const size_t n = w.size();
  if (n < 3 || n > 5) return "";
  const char a = w[n - 3], b = w[n - 2], c = w[n - 1];
  if (IsVowel(c) || c == 'w' || c == 'x' || c == 'y' || !IsVowel(b) ||
      IsVowel(a)) {
    return "";
  }
  return w + c;
}

std::vector<std::string> Forms(const std::string& w, Morph m) {
  std::vector<std::string> out = {w};
  if (m == Morph::kNone || w.empty() || w == "?" ||
      std::isdigit(static_cast<unsigned char>(w[0]))) {
    return out;
  }
  const bool y_consonant =
      EndsWith(w, "y") && w.size() > 1 && !IsVowel(w[w.size() - 2]);
  const std::string stem_y = w.substr(0, w.size() - 1);
  const std::string dbl = Doubled(w);
  switch (m) {
    case Morph::kNoun:
      out.push_back(w + "s");
      out.push_back(w + "es");
      if (y_consonant) out.push_back(stem_y + "ies");
      break;
    case Morph::kVerb:
      out.push_back(w + "s");
      out.push_back(w + "es");
      out.push_back(w + "ed");
      out.push_back(w + "ing");
      if (EndsWith(w, "e")) {
        out.push_back(w + "d");
        out.push_back(stem_y + "ing");
      }
      if (EndsWith(w, "ie")) out.push_back(w.substr(0, w.size() - 2) + "ying");
      if (y_consonant) {
        out.push_back(stem_y + "ies");
        out.push_back(stem_y + "ied");
      }
      if (!dbl.empty()) {
        out.push_back(dbl + "ing");
        out.push_back(dbl + "ed");
      }
      break;
    case Morph::kAdj:
      out.push_back(w + "er");
      out.push_back(w + "est");
      out.push_back(w + "ly");
      if (EndsWith(w, "e")) {
        out.push_back(w + "r");
        out.push_back(w + "st");
      }
      if (y_consonant) {
        out.push_back(stem_y + "ier");
        out.push_back(stem_y + "iest");
        out.push_back(stem_y + "ily");
      }
      if (!dbl.empty()) {
        out.push_back(dbl + "er");
        out.push_back(dbl + "est");
      }
      break;
    case Morph::kNone:
      break;
  }
  return out;
}

std::vector<std::string> Words(std::string_view phrase) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : phrase) {
    if (c == ' ' || c == '-' || c == '/') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

WordSet::WordSet(std::string_view spec, Morph morph) { Add(spec, morph); }

void WordSet::Add(std::string_view spec, Morph morph) {
  size_t start = 0;
  while (start <= spec.size()) {
    size_t bar = spec.find('|', start);
    if (bar == std::string_view::npos) bar = spec.size();
    std::vector<std::string> words = Words(spec.substr(start, bar - start));
    start = bar + 1;
    if (words.empty()) continue;
    if (words.size() == 1) {
      for (std::string& f : Forms(words[0], morph)) single_.insert(f);
      continue;
    }
    const size_t at = morph == Morph::kNoun ? words.size() - 1 : 0;
    for (std::string& f : Forms(words[at], morph)) {
      std::vector<std::string> phrase = words;
      phrase[at] = f;
      auto& list = multi_[phrase[0]];
      list.push_back(std::move(phrase));
      std::stable_sort(
          list.begin(), list.end(),
          [](const auto& a, const auto& b) { return a.size() > b.size(); });
    }
  }
}

int WordSet::MatchLiteral(const std::vector<Token>& t, size_t i) const {
  return MatchAt(t, i, /*by_alias=*/false);
}

int WordSet::Match(const std::vector<Token>& t, size_t i) const {
  return MatchAt(t, i, /*by_alias=*/true);
}

int WordSet::MatchAt(const std::vector<Token>& t, size_t i,
                     bool by_alias) const {
  if (i >= t.size()) return 0;
  if (auto it = multi_.find(t[i].word); it != multi_.end()) {
    for (const std::vector<std::string>& phrase : it->second) {
      if (i + phrase.size() > t.size()) continue;
      bool ok = true;
      for (size_t k = 1; k < phrase.size() && ok; ++k) {
        ok = t[i + k].word == phrase[k] && t[i + k].sentence == t[i].sentence;
      }
      if (ok) return static_cast<int>(phrase.size());
    }
  }
  if (single_.count(t[i].word)) return 1;
  if (by_alias && !t[i].alias.empty() && single_.count(t[i].alias)) return 1;
  return 0;
}

const ConceptInfo& InfoOf(Concept c) {
  static const std::array<ConceptInfo, static_cast<size_t>(Concept::kCount)>
      kInfo = {{
          {"modesty.short",
           "Miri's clothes reach Mid-calf, so her knees and legs stay "
           "covered: a shorter hem, or clothes that show her knees or "
           "thighs, cannot be asked for",
           "hem at Mid-calf, knees covered"},
          {"modesty.revealing",
           "Miri's clothes cover her shoulders, arms, back, middle and legs: "
           "bare skin, low necklines, sleeveless, strapless or see-through "
           "clothes cannot be asked for",
           "fully covered, long sleeves, high neckline"},
          {"modesty.tight",
           "Miri's clothes are a Loose fit: tight, fitted or body-hugging "
           "clothes, or clothes that show her figure, cannot be asked for",
           "Loose fit"},
          {"modesty.fabric",
           "Miri's clothes are Heavy fabric: thin, light, silky or summery "
           "fabric cannot be asked for",
           "Heavy fabric"},
          {"modesty.swimwear",
           "swimwear, underwear and bath or swimming scenes are never shown "
           "for Miri",
           "everyday clothes, Loose fit, Heavy fabric, Mid-calf"},
          {"modesty.sexualised",
           "Miri is a child: sexualised words, poses or framing (posing on a "
           "bed, \"sexy\", flirting, close-ups of her body, undressing) are "
           "never allowed",
           "a natural, everyday pose, framed as a whole person"},
          {"miri.age",
           "Miri is a 12-year-old girl (Child physique, Young girl): she "
           "cannot be made to look older, grown-up or teenage, and her "
           "figure cannot be changed",
           "Child physique, Young girl, a 12-year-old"},
          {"miri.mouth",
           "Miri's mouth stays closed (Mouth CLOSED): no open or parted "
           "lips, teeth, singing, talking, laughing or eating; a "
           "closed-mouth smile is fine",
           "Mouth CLOSED, lips together"},
          {"miri.makeup",
           "Miri wears no makeup, lipstick or nail polish, and no heels",
           "no makeup, flat shoes"},
          {"miri.likeness",
           "Miri's likeness comes only from her LoRA miriN14: other LoRAs, "
           "face swaps, reference photos or a real person's likeness cannot "
           "be used",
           ""},
          {"miri.likeness",
           "Miri's likeness comes only from her LoRA miriN14: a photo or the "
           "likeness of a real person (your child, a celebrity) can never "
           "be used, not even to compare",
           ""},
          {"miri.other-child",
           "only Miri may appear as a child, through her LoRA: no other "
           "children (kids, boys, girls, babies, her friends or siblings) "
           "can be in a shot; adults and scenery are fine",
           "no other children"},
          {"guard.remove-rule",
           "Miri's depiction rules (LoRA miriN14, Child physique, Young "
           "girl, Loose fit, Heavy fabric, Mid-calf, Mouth CLOSED) protect "
           "a child: they cannot be removed, relaxed or overridden",
           ""},
      }};
  return kInfo[static_cast<size_t>(c)];
}

namespace {

Markers BuildMarkers() {
  Markers m;
  m.negate = WordSet(
      "not|no|never|without|none|nothing|nor|neither|nobody|no one|hardly|"
      "avoid|avoids|avoiding|avoided|prevent|prevents|preventing|refrain|"
      "minus|sans|zero|no more|no longer|lacking|instead of|rather than|"
      "in place of|forbid|forbids");
  m.remove = WordSet(
      "remove|delete|drop|lose|ditch|get rid of|take away|take off|"
      "strip off|cut out|eliminate|erase|exclude|omit|leave out|discard|"
      "cease|put away",
      Morph::kVerb);
  m.remove.Add("took off|taken off|got rid of|put away");
  m.conceal = WordSet(
      "fix|correct|undo|cancel|hide|cover|cover up|clean off|wipe off|"
      "wash off|scrub off|tone down|conceal|close up|get rid of|take away",
      Morph::kVerb);
  m.conceal.Add("hid|hidden|undid|undone");
  m.relax = WordSet(
      "ignore|forget|disable|deactivate|turn off|switch off|override|"
      "bypass|circumvent|relax|loosen|lift|waive|suspend|break|bend|ease|"
      "abandon|scrap|skip|dismiss|disregard|violate|drop|remove|lose|ditch|"
      "get rid of|turn down|dial down|weaken|lower|reduce|soften|"
      "work around|get around|go around|bend|overrule|cancel|delete|"
      "deactivate|unlock|remove all|without|no|not|never|less|fewer",
      Morph::kVerb);
  m.relax.Add("broke|broken|bent|overridden|forgot|forgotten|lifted|off");
  m.scope_end = WordSet(
      "so that|such that|until|to make|to have|to show|to look|to be|"
      "to get|in order to|that makes|and make|and let|and give|then|"
      "so it|so she|so her|so we|so you|so the|so i|to let|to give|to see|"
      "so everyone|so people");
  m.negate_garment = WordSet("no|without|minus|sans|none|zero|no more");
  m.reduce = WordSet(
      "reduce|lower|decrease|weaken|soften|tone down|turn down|dial down|"
      "minimise|minimize|diminish|shrink|cut down|cut back|downplay|halve|"
      "lessen",
      Morph::kVerb);
  m.reduce.Add("less|fewer|lesser|least|smaller|weaker|half|shrank");
  m.transform = WordSet(
      "replace|change|swap|switch|turn|convert|trade|exchange|substitute|"
      "transform",
      Morph::kVerb);
  m.transform.Add("instead of|rather than|in place of");
  m.transform_end = WordSet("with|to|into|for|by|and");
  m.instead = WordSet("instead of|rather than|in place of");
  m.too = WordSet("too|overly|excessively|too much|too many");
  m.intensifier = WordSet(
      "way|much|far|a bit|a little|bit|little|kind of|kinda|sort of|rather|"
      "quite|so|very|really|just|slightly|somewhat|a tad|tad|still|even|"
      "a lot|lot|damn|bloody|definitely|clearly|obviously|far too|a");
  m.post_negate = WordSet(
      "free|removed|gone|hidden|off|away|not allowed|not permitted|forbidden|"
      "banned|prohibited|to avoid|avoided|not acceptable|unacceptable|"
      "not ok|not okay|wrong|not appropriate|inappropriate|must go|has to go|"
      "have to go|needs to go|need to go|should go|taken off|wiped off|"
      "be gone|is not allowed|are not allowed|is wrong|are wrong|"
      "not wanted|unwanted");
  m.prohibit = WordSet(
      "should not be|must not be|should never be|can not be|is not allowed|"
      "are not allowed|not allowed|does not belong|do not belong|should go|"
      "must go|has to go|have to go|needs to go|need to go|should be removed|"
      "must be removed|needs to be removed|has to be removed|"
      "should disappear|is a problem|is not ok|is not okay|is unacceptable|"
      "should not have|should not show|should not appear|must disappear|"
      "needs removing|do not want|does not want|is not wanted|"
      "should not be there|is wrong|are wrong|has no place|"
      "is not appropriate|are not appropriate|is inappropriate|"
      "are inappropriate|is not acceptable|is forbidden|are forbidden");
  m.not_negation = WordSet(
      "why not|not only|not just|if not|whether or not|no matter|"
      "nothing but|nothing except|no more than|not more than|no less than|"
      "not less than|does not matter|do not matter|not a problem|no problem|"
      "do not mind|does not mind|not mind|no doubt|not sure|never mind|"
      "not bad|no wonder|not even|not to mention|no way|nothing wrong|"
      "not wrong|not too|no need to worry|not that|no one cares|not care|"
      "do not care|does not care|off white|off centre|off center|"
      "off screen|off camera|off to|no one|not least|not unlike|"
      // Comparisons are complaints, not requests ("older than she should").
      "than she should|than it should|than they should|than he should|"
      "than she is supposed to|than it is supposed to|than she ought to|"
      "than it needs to|than needed|than it should be|than she should be|"
      "than they should be|than her age|than she is|than it was|"
      "than before");
  m.enough = WordSet("enough");
  m.strong_request = WordSet(
      "should|must|need|needs|ought|want|wants|wanted|wanna|would like|"
      "would love|would prefer|would be|would look|would rather|wish|wishes|"
      "prefer|prefers|let us|can you|could you|would you|will you|can we|"
      "could we|how about|what about|why not|could use|go for|instead|"
      "rather|maybe|perhaps|ideally|better|nicer|cuter|prettier|sexier|"
      "would|will|request|requesting|asking for|has to|have to|had to|"
      "got to|going to|needs to|need to|is to|are to|supposed to|try|"
      "trying|let her|let it|let the|allow|allow her|i would|i will|we need|"
      "can she|could she|can her|could her|can it|could it|would she|"
      "will she|can the|could the|should she|should her|should it|"
      "why is she not|why is her|why does she not|how about she|"
      "what if she|what if her|i asked for|we asked for|i wanted|asked for|"
      "was supposed to|were supposed to|is supposed to|are supposed to");
  m.imperative = WordSet(
      "make|give|put|add|use|show|switch|change|turn|swap|replace|let|"
      "have|get|bring|place|paint|draw|render|depict|portray|generate|"
      "create|redo|raise|lift|hike|roll|pull|shorten|tighten|open|take|"
      "pose her|lie|lay|sit|kneel|bend|arch|sing|laugh|talk|speak|reveal|"
      "expose|bare|wear|keep|leave|allow|apply|zoom|focus|move|drop|lose|"
      "ditch|skip|forget|ignore|disable|override|bypass|relax|loosen|lower|"
      "reduce|increase|boost|transform|convert|edit|unbutton|unzip|strip|go|"
      "grin|blow|wink|pout|shout|scream|yell|whisper|chat|bite|lick|eat|"
      "swim|undress|shed|do|be|try|remove|raise|hitch|tuck|flip|slip|slide|"
      "show off|flash|spread|straddle|tilt|shoot|film|need|dial|crank|bump|"
      "trim|narrow|hug|cling|let us|close|shut|cover|lengthen|fix|stop|ask|"
      "request|give me|show me|i want|want|we want|"
      // Verbs that are also nouns count only before what they act on.
      "dress her|dress miri|dress up|dress them|dress the girl|hem the|"
      "hem her|hem it|crop the|crop it|crop her|crop in|frame the|"
      "frame her|frame it|cut the|cut her|cut it|cut off|cut out|fit the|"
      "fit her|fit it|style her|style the|style it|tone down|tone it|"
      "model the|model her|set the|set her|set it|age her|age up|age it|"
      "smile with|smile wide|smile big|smile more|smile at|pose for|"
      "pose like|pose on|pose with|angle the|angle it",
      Morph::kNone);
  m.imperative_filler = WordSet(
      "please|pls|just|now|then|also|and|so|ok|okay|kindly|simply|actually|"
      "oh|hey|maybe|perhaps|instead|again|quickly|do|not|go|ahead|try|to|"
      "can|could|would|will|you|i|want|should|need|must|next|first|finally|"
      "alright|right|yes|um|hmm|well|let us|lets|could you|can you|"
      "would you|will you|i want you to|i need you to|you should|you need to|"
      "you must|please just|maybe just|now just");
  m.state_verb = WordSet(
      "is|are|was|were|am|been|has|have|had|got|gets|looks|looked|seems|"
      "seemed|appears|appeared|shows|showed|wears|wore|remains|stays|stayed|"
      "stands|sits|falls|hangs|ends|stops|reaches|comes|goes|covers|hits|"
      "clings|hugs|fits|reveals|exposes|opens|parts|smiles|grins|laughs|"
      "sings|talks|speaks|rides|flutters|blows|slips|sticks|peeks|contains|"
      "features|saw|seen|noticed|does|did|became|becomes|keeps|kept|feels|"
      "felt|sat|stood|lies|lay|hung|ended|stopped|reached|came|went|turned|"
      "turns|happens|happened|ruins|ruined");
  m.weak_verb = WordSet(
      "look|show|see|stay|remain|appear|seem|feel|sit|stand|hang|rest|lie|"
      "notice|cling|fit|ride|peek|stick|reach|come|go|end|stop|fall|part|"
      "open");
  m.question_start = WordSet(
      "is|are|was|were|does|did|has|have|why|how come|is not|are not|"
      "does not|did not|where|what");
  m.plural_noun = WordSet(
      "knees|legs|shoulders|arms|lips|teeth|clothes|sleeves|shorts|heels|"
      "boots|pants|trousers|jeans|tights|leggings|glasses|eyes|hands|feet|"
      "thighs|hips|curves|lyrics|words|kids|girls|boys|children|puddles|"
      "streets|clouds|umbrellas|lights|colours|colors|dresses|skirts|straps|"
      "nails|lashes|cheeks|bangs|braids|pigtails|socks|stockings|shoes|"
      "gloves|mittens|things|others|parents|friends|trees|rooftops|windows|"
      "buildings|cars|buses|steps|stairs|drops|raindrops|reflections|"
      "flowers|leaves|birds|pigeons|dogs|cats|details|rules|terms|"
      "negatives|layers|fabrics|materials|overalls|dungarees|pyjamas|"
      "pajamas|wellies|wellingtons|sneakers|trainers|proportions|features|"
      "shots|frames|scenes|images|pictures|photos|loras|settings|years|"
      "inches|times|days|tones|shades|sides|edges|corners|lines|houses|"
      "streetlights|lamps|signs|letters|bubbles|ribbons|buttons|pockets|"
      "collars|hoods|coats|jackets|tops|shirts|blouses|sweaters|jumpers|"
      "outfits|costumes|looks|smiles|grins|poses|expressions|faces|bodies|"
      "figures|shapes|curls|ways|bits|lots|hours|minutes|seconds|beats|"
      "verses|choruses|parts|glasses|pants|dress|kiss|miss|less|this|his|"
      "its|is|was|has|does|yes|plus|bus|gus|always|sometimes|perhaps|"
      "besides|towards|downwards|upwards|afterwards|nails|numbers|manners");
  m.determiner = WordSet(
      "her|his|the|a|an|its|my|your|their|our|this|these|those|that|some|"
      "any|no|two|three|both|more|less|of|all|many|few|several|every|each|"
      "in|on|with|and|or|at|for|from|to|by|miri|big|small|long|short|little|"
      "bare|red|blue|green|yellow|white|black|grey|gray|wet|open|loose|"
      "tight|thin|thick|heavy|light|new|old|pretty|cute|wide|such|other|"
      "another|whose|over|under|into|onto|about|without|like|as");
  m.relative = WordSet("that|which|who|whose|whom|where|when");
  m.problem = WordSet(
      "wrong|problem|problems|problematic|issue|issues|mistake|mistakes|"
      "error|errors|incorrect|inappropriate|unacceptable|not acceptable|"
      "not ok|not okay|not allowed|not appropriate|not right|should not|"
      "must not|breaks|broke|breaking|violates|violate|violating|violation|"
      "violated|against|off model|creepy|weird|bad|ugly|awful|terrible|"
      "horrible|gross|disturbing|fix|fixed|again|still|never|do not want|"
      "does not want|not what|supposed to|instead of|rather than|"
      "unfortunately|sadly|oops|ugh|why|not good|no good|not fine|"
      "not cute|not nice|yikes|oh no|sorry|glitch|glitchy|distorted|broken|"
      "failed|fails|breach|banned|forbidden|not meant|ew|eww|concerning|"
      "worried|uncomfortable|unsafe|not safe|not like|do not like|"
      "does not like|hate|dislike|whoops|not her|not miri|off-model|"
      "is off|looks off|but|even though|although|though");
  m.endorse = WordSet(
      "i like|i love|love it|like it|like that|like this|love that|"
      "love this|keep it|keep that|keep this|keep them|keep those|leave it|"
      "leave that|leave them|perfect|great|nice|good|cute|cuter|adorable|"
      "beautiful|lovely|pretty|prettier|better|fine|ok|okay|allowed|"
      "acceptable|works|more of that|do that|exactly|yes|awesome|cool|"
      "amazing|sweet|charming|gorgeous|stunning|fantastic|wonderful|"
      "brilliant|excellent|ideal|just right|spot on|nailed it|looks right|"
      "is right|i want that|what i wanted|well done|good job|approve|"
      "approved|fun|sassy|fabulous|do not mind|does not mind|not mind|"
      "nothing wrong|no problem|not a problem|do not care|does not care|"
      "who cares|does not matter|do not matter|not bad|totally fine|"
      "more like this|i prefer|i enjoy|enjoy");
  m.contrast = WordSet(
      "but|however|though|although|yet|except|except for|apart from|"
      "other than|otherwise|the rest|rest of|everything else|besides|"
      "whereas|while|only problem|only issue|only thing");
  return m;
}

ChildWords BuildChildWords() {
  ChildWords c;
  c.girl = WordSet(
      "girl|schoolgirl|little girl|young girl|daughter|granddaughter|niece|"
      "little sister|baby sister|younger sister|kid sister|lass|lassie|"
      "small girl|girl next door|tween girl|preteen girl|pre teen girl");
  c.neutral = WordSet(
      "child|kid|youngster|little one|pupil|schoolchild|schoolkid|"
      "school kid|tween|preteen|pre teen|kiddo|12 year old|twelve year old|"
      "11 year old|eleven year old|10 year old|ten year old");
  c.boy = WordSet(
      "boy|schoolboy|little boy|young boy|son|grandson|nephew|"
      "little brother|baby brother|younger brother|kid brother|lad|laddie|"
      "boy scout|paperboy|choirboy|baby boy|teenage boy|teen boy");
  c.infant = WordSet(
      "baby|infant|toddler|newborn|tot|bairn|little baby|baby girl|"
      "baby in a pram|babies|infants|toddlers|newborns|tots");
  c.plural = WordSet(
      "girls|boys|kids|children|childs|schoolgirls|schoolboys|"
      "schoolchildren|schoolkids|school kids|pupils|classmates|schoolmates|"
      "playmates|siblings|twins|teens|teenagers|youngsters|tweens|preteens|"
      "little ones|daughters|sons|nieces|nephews|grandchildren|grandkids|"
      "youths|scouts|girl scouts|boy scouts|kiddos|kiddies|bairns|brats|"
      "adolescents|twin girls|twin boys");
  c.kin = WordSet(
      "friend|best friend|classmate|schoolmate|playmate|cousin|sister|"
      "brother|sibling|twin|bff|buddy|pal|school friend|friend from school|"
      "girlfriend|boyfriend|cousins|sisters|brothers|friends|best friends|"
      "pals|buddies");
  c.other = WordSet(
      "another|other|others|second|different|new|extra|one more|more|"
      "additional|a second|third|second little");
  c.count = WordSet(
      "two|three|four|five|six|several|many|some|a few|few|couple|"
      "a couple of|couple of|pair|a pair of|pair of|both|group|a group of|"
      "group of|crowd|crowd of|bunch|gang|class|a class of|dozen|lots of|"
      "plenty of|all the|the other|various|most");
  c.relation = WordSet(
      "and|with|beside|besides|next to|near|behind|alongside|together|"
      "meets|meet|met|greets|greet|hugs|hug|hugging|holds hands|"
      "holding hands|hold hands|plays|play|playing|chases|chase|chasing|"
      "follows|follow|following|watches|watch|watching|helps|help|passes|"
      "pass|talks to|talk to|talking to|waves to|waves at|wave at|wave to|"
      "joins|join|than|past|toward|towards|along with|accompanied by|"
      "carries|pushes|teaches|against|versus|vs|or|between|among|amongst|"
      "sees|see|looks at|smiles at|runs after|runs with|walks with|"
      "walking with|sits with|sitting with|shares|share|sharing|"
      "argues with|fights|plays with|hand in hand|opposite|facing");
  c.miri = WordSet("miri|mirin14");
  c.teen = WordSet(
      "teen|teens|teenager|teenagers|teenage|teenaged|adolescent|"
      "adolescents");
  c.blockers = WordSet(
      "blue|pink|bird|birds|animal|animals|steps|teeth|tooth|shower|food|"
      "grand|powder|breath|face|hair|fat|bump|doll|dolls|carrot|carrots|"
      "spinach|shark|gloves|goat|goats|oil|wipes|monitor|boomer|boomers|"
      "dilate|dilated|dilating|shrink|contract|narrow|narrowed|stuff|key|"
      "keys|grove|corn|proof|friendly|sized|size|safe|seat|seats|toy|toys|"
      "carriage|stroller|pram|buggy|programme|program|tv|television|rhyme|"
      "rhymes|menu|cartoon|cartoons|care|minder|sitter|chick|chicks|"
      "physique|proportions|like|ish|hood");
  return c;
}

WordSet BuildAgeNumbers() {
  WordSet w;
  for (int n = 13; n <= 99; ++n) {
    w.Add(std::to_string(n));
    w.Add(std::to_string(n) + "yo");
    w.Add(std::to_string(n) + "yrs");
  }
  w.Add(
      "thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
      "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|twenties|"
      "thirties|forties|20s|30s|40s|mid twenties|late teens|early twenties|"
      "twenty one|twenty five");
  return w;
}

}  // namespace

WordSet* NewWordSet(const std::string& spec, Morph morph) {
  static auto* const kStore = new std::deque<WordSet>();
  kStore->emplace_back(spec, morph);
  return &kStore->back();
}

const Lexicon& GetLexicon() {
  static const Lexicon* const kLexicon = [] {
    auto* lex = new Lexicon();
    lex->markers = BuildMarkers();
    lex->child = BuildChildWords();
    lex->age_numbers = BuildAgeNumbers();
    AddClothingFrames(&lex->frames);
    AddPersonFrames(&lex->frames, &lex->age_numbers);
    for (uint32_t fi = 0; fi < lex->frames.size(); ++fi) {
      const Frame& f = lex->frames[fi];
      const int orders = f.any_order && f.slots.size() == 2 ? 2 : 1;
      for (int o = 0; o < orders; ++o) {
        const WordSet* first = f.slots[o == 0 ? 0 : 1];
        first->ForEachFirstWord([&](const std::string& w) {
          auto& list = lex->frame_starts[w];
          const FrameStart fs{fi, static_cast<uint8_t>(o)};
          if (std::find(list.begin(), list.end(), fs) == list.end()) {
            list.push_back(fs);
          }
        });
      }
    }
    return lex;
  }();
  return *kLexicon;
}

}  // namespace miri::screen
