// Frames about Miri herself: sexualising words, poses and framing, her age
// and figure (Child physique, Young girl), her mouth (Mouth CLOSED), makeup
// and heels, her likeness (only through her LoRA) and the rules.
#include <string>

#include "domain/screen_lexicon.h"

namespace miri::screen {

namespace {

constexpr Pole V = Pole::kViolates;
constexpr Pole P = Pole::kProtects;
using C = Concept;

WordSet* W(const std::string& spec, Morph morph = Morph::kNone) {
  return NewWordSet(spec, morph);
}

// Nouns an age word describes instead of Miri ("her older sister", "the
// house looks older").
const std::string kAgeConsumers =
    "building|buildings|house|houses|street|streets|tree|trees|car|cars|"
    "sister|sisters|brother|brothers|cousin|cousins|friend|friends|woman|"
    "women|man|men|lady|ladies|people|person|couple|neighbour|neighbor|"
    "stranger|strangers|mother|father|mom|mum|dad|grandmother|grandfather|"
    "grandma|grandpa|granny|aunt|uncle|teacher|kids|children|girls|boys|"
    "photo|photos|picture|pictures|image|images|film|films|version|style|"
    "movie|camera|song|songs|days|generation|shot|frame|clip|town|city|"
    "gentleman|relatives|relative|shop|shops|shopkeeper|wall|walls|door|"
    "doors|bridge|church|records|record|book|books|letter|letters|clock|dog|"
    "cat|horse|bicycle|bike|piano|chair|ones|one|couples|passerby|"
    "passersby|crowd|folks|folk|residents|neighbours|neighbors|villagers|"
    "musicians|musician|pigeons|ducks|swans|tram|train|bus|cousin's";

void AddSexualised(std::vector<Frame>* f) {
  f->push_back(MakeFrame(
      C::kSexualised, V,
      {W("sexy|sexier|sexiest|sexily|sexual|sexualised|sexualized|sexualise|"
         "sexualize|seductive|seductively|seduce|seducing|sensual|sensually|"
         "sensuous|provocative|provocatively|sultry|alluring|erotic|erotica|"
         "topless|flirty|flirt|flirts|flirting|flirtatious|flirtatiously|"
         "come hither|bedroom eyes|pin up|pinup|boudoir|glamour shot|"
         "glamour photo|glamour pose|steamy|racy|risque|suggestive|"
         "suggestively|naughty|kinky|fetish|lewd|nsfw|not safe for work|"
         "call girl|showgirl|stripper|striptease|pole dance|pole dancing|"
         "twerk|twerking|lap dance|booty|bikini body|beach body|centerfold|"
         "centrefold|playboy|onlyfans|lolita|jailbait|nymphet|hot girl|"
         "attractive|desirable|bombshell|vixen|temptress|sensuality|spicy|"
         "spicier|voyeur|voyeuristic|upskirt|up her skirt|under her skirt|"
         "up her dress|under her dress|down her top|down her shirt|"
         "down her blouse|strike a pose|strikes a pose|striking a pose|"
         "photo shoot|photoshoot|like a model|model pose|modelling pose|"
         "modeling pose|fashion shoot|glamour|naked|nude|nudity|undress|"
         "undresses|undressed|undressing|bottomless|wearing nothing|"
         "in nothing|nothing on|wears nothing|wore nothing|in a towel|"
         "only a towel|just a towel|wrapped in a towel|in her towel|"
         "in just a towel|nothing but a towel|a towel and nothing|"
         "in her underwear|getting changed|getting dressed|changing clothes|"
         "changing room|dressing room|bite her lip|bites her lip|"
         "biting her lip|bit her lip|bite her lips|biting her lips|"
         "lick her lips|licks her lips|licking her lips|blow a kiss|"
         "blows a kiss|blowing a kiss|blew a kiss|blowing kisses|"
         "blows kisses|air kiss|kissy face|kissy|duck face|duckface|pout|"
         "pouts|pouting|pouty|pouted|wink|winks|winking|winked|bend over|"
         "bends over|bending over|bent over|arch her back|arches her back|"
         "arching her back|arched back|spread her legs|legs spread|"
         "legs apart|spread legs|straddle|straddles|straddling|on all fours|"
         "on his lap|on her lap|sits on his lap|sitting on his lap|"
         "in bed with|so hot|look hot|looks hot|looking hot|make her hot|"
         "beauty pageant|pageant|cheesecake pose|come on to|hitting on|"
         "sugar daddy|date night|romantic date|on a date|her boyfriend|"
         "her lover|lover|kisses him|kiss him|making out|sultrier|"
         "come to bed|bedroom look|bedroom pose|sex appeal|sexiness|"
         "hotter|hottest|eye candy|titillating|arousing|intimate pose|"
         "first kiss|kiss on the lips|french kiss|romantic kiss|romance|"
         "crush on|falls in love with a|fall in love with a|love interest|"
         "sweetheart|kissing a boy|kisses a boy|kissing scene|kiss scene|"
         "takes it off|taking it off|took it off|takes it all off|"
         "take it all off|taking it all off|takes everything off|"
         "take everything off|strips down|strip down|stripping down|"
         "strips off|stripping off")}));
  f->push_back(MakeFrame(
      C::kSexualised, V,
      {W("lie|lies|lying|lay|lays|laying|lain|laid|recline|reclines|"
         "reclining|reclined|sprawl|sprawls|sprawled|sprawling|lounge|"
         "lounges|lounging|lounged|stretched out|stretches out|roll around|"
         "rolls around|rolling around|pose|poses|posing|posed|kneel|kneels|"
         "kneeling|knelt|crawl|crawls|crawling|writhe|writhing|lie down|"
         "lying down|lay down"),
       W("bed|beds|sheets|mattress|couch|sofa|divan|pillow|pillows|bedspread|"
         "her stomach|her belly|her tummy|satin sheets|silk sheets|"
         "bedsheets|her front|chaise|chaise longue|daybed|fur rug")},
      4, true));
  f->push_back(MakeFrame(
      C::kSexualised, V,
      {W("pose|poses|posing|posed|model|models|modelling|modeling|modelled|"
         "strike a pose|vogue|smoulder|smolder|smouldering|kiss|kisses|"
         "kissing|flirt|wink|pout"),
       W("photo shoot|photoshoot|shoot|magazine|catalogue|catalog|runway|"
         "catwalk|bed|sofa|couch|sexy|seductive|seductively|sultry|"
         "suggestively|provocatively|come hither|instagram|like a model|"
         "sensually|alluringly|coyly|flirtatiously|"
         "over her shoulder at the camera")},
      4, true, Kind::kFrame, nullptr, nullptr, nullptr, true));
  f->push_back(
      MakeFrame(C::kSexualised, V,
                {W("pose|poses|posing|posed|model|models|modelling|modeling|"
                   "strike a pose|vogue|pout|pouting|kiss|kisses|wink|winks"),
                 W("camera|viewer|viewers|photographer|audience|the camera|"
                   "camera lens|lens|for the camera|at the camera")},
                4, true, Kind::kFrame, nullptr, nullptr, nullptr, true));
  const WordSet* sexual_body =
      W("legs|leg|thighs|thigh|bottom|butt|bum|chest|breasts|breast|bust|body|"
        "hips|hip|lips|cleavage|crotch|waist|curves|figure|torso|belly|stomach|"
        "navel|knees|backside|rear|midriff|skin|bare");
  const WordSet* framing_block =
      W("hands|hand|face|eyes|boots|shoes|umbrella|puddle|rain|feet|and|"
        "whole|full|entire|head|language|from|up|above|below");
  f->push_back(MakeFrame(
      C::kSexualised, V,
      {W("close up|closeup|close shot|zoom|zooms|zoom in|zoomed|zooming|"
         "focus|focuses|focused|focusing|focussed|framed|frame on|camera on|"
         "frame|frames|framing|aim|aims|point the camera|shot on|angle on|"
         "centre on|center on|crop on|tight on|in close up|close ups|"
         "lingers|lingering|linger|pans up|pan up|pans down|pan down|"
         "extreme close up|macro|tight shot|crop to|cropped to|shot of|"
         "detail of|centred on|centered on|close in|zeroes in"),
       sexual_body},
      4, false, Kind::kFrame, framing_block, nullptr, nullptr, true));
  // "Miri's legs in close-up".
  f->push_back(
      MakeFrame(C::kSexualised, V,
                {sexual_body, W("close up|closeup|in close up|close ups|macro|"
                                "extreme close up|detail shot|zoomed in")},
                3, false, Kind::kFrame, framing_block, nullptr, nullptr, true));
}

void AddAge(std::vector<Frame>* f, const WordSet* age_numbers) {
  const WordSet* consumers = W(kAgeConsumers);
  const WordSet* child_ref =
      W("her|she|miri|girl|child|kid|herself|face|body|figure|physique|"
        "proportions|features|appearance");
  const WordSet* age_adj =
      W("older|mature|matured|maturer|more mature|grown up|grownup|grown|adult|"
        "adultlike|adult like|womanly|teenage|teenaged|adolescent|developed|"
        "curvy|curvier|curviest|voluptuous|busty|buxom|shapely|hourglass|"
        "sophisticated|aged|aged up|thinner|skinnier|slimmer|fuller|"
        "years older|older looking|more grown up|ladylike|lady like|elder|"
        "big girl|more adult|leggier|less young|less childlike|less childish|"
        "less like a kid|less like a child|past puberty|pubescent|matronly");
  const WordSet* age_between =
      W("is|was|are|were|looks|look|looked|looking|seems|seem|seemed|appears|"
        "appear|appeared|a|an|the|few|years|year|bit|little|lot|much|more|way|"
        "even|too|so|very|now|already|all|slightly|somewhat|and|kind|of|like|"
        "as|to|be|being|become|becomes|becoming|getting|gets|got|make|makes|"
        "made|making|just|far|quite|rather|really|definitely|ten|couple|face|"
        "body|shows|show|should|must|needs|need|can|could|will|would|turned|"
        "turns|grows|grew|grow|growing|is now");
  f->push_back(MakeFrame(C::kAge, V, {child_ref, age_adj}, 4, true,
                         Kind::kFrame, nullptr, age_between, consumers, true));
  const WordSet* adult_noun =
      W("woman|women|lady|ladies|adult|adults|grown woman|grown up|grownup|"
        "bride|wife|mother|mom|mum|mommy|housewife|college student|"
        "university student|high school student|high schooler|"
        "high school senior|senior|teenager|teen|young woman|young lady|model|"
        "fashion model|supermodel|girlfriend|milf|fiancee|mistress|secretary|"
        "businesswoman|working woman|diva|socialite|debutante|coed|"
        "cheerleader|prom queen|beauty queen|femme fatale|pin up girl|"
        "young adult|grown lady|twentysomething|career woman");
  const WordSet* link =
      W("as|like|into|a|an|the|is|was|be|being|become|becomes|became|becoming|"
        "turn|turns|turned|turning|grow|grows|grew|growing|grown|look|looks|"
        "looked|looking|seem|seems|appear|appears|more|of|kind|sort|bit|little|"
        "young|full|fully|proper|real|now|already|finally|almost|nearly|"
        "basically|just|to|sexy|beautiful|elegant|confident|mature|older|all|"
        "same|made|make|makes|making|transformed|transform|aged|age|such|quite|"
        "rather|future|pretty|way|play|plays|playing|dressed|dresses|dress|"
        "styled|drawn|shown|depicted|up|too|much|no|longer|anymore|not|never|"
        "any|ten|years|later");
  // "Miri as a grown woman", "make her a teenager", "she is a woman now".
  // A possessive ("her mother") has no link word and is not matched.
  f->push_back(MakeFrame(C::kAge, V, {W("she|miri|herself"), adult_noun}, 5,
                         false, Kind::kFrame, nullptr, link));
  f->push_back(MakeFrame(
      C::kAge, V,
      {W("her"),
       W("as|like|into|a|an|is|was|be|become|becomes|became|turn into|"
         "turns into|grow into|look like|looks like|seem like|now|already|"
         "transformed into|aged into"),
       adult_noun},
      3, false, Kind::kFrame, nullptr, link));
  f->push_back(MakeFrame(
      C::kAge, V,
      {W("as|like|into|become|becomes|becoming|became|turn into|turns into|"
         "turned into|grow into|grows into|grew into|grown into|"
         "transform into|transformed into|age into|ages into|dressed as|"
         "dressed like|made up as|played by"),
       adult_noun},
      3, false, Kind::kFrame, nullptr,
      W("a|an|the|young|grown|full|fully|real|proper|elegant|beautiful|"
        "sophisticated|mature|sexy|older|confident|modern|working|single|"
        "glamorous|tall|grown up")));
  f->push_back(
      MakeFrame(C::kAge, V,
                {age_numbers,
                 W("year|years|yr|yrs|yo|y o|old|aged|age|year old|years old")},
                2));
  f->push_back(MakeFrame(
      C::kAge, V,
      {W("her|she|miri|aged|age|girl|make her|look|looks|turning|turns|"
         "turned|be"),
       age_numbers},
      3, false, Kind::kFrame, nullptr,
      W("is|was|be|being|like|look|looks|looking|about|around|at|least|over|"
        "a|an|aged|age|of|turning|turns|turned|now|almost|nearly|maybe|"
        "roughly|say|as|if|she|her|already|more|than|older|closer|to|seem|"
        "seems|appear|appears")));
  f->push_back(MakeFrame(
      C::kAge, V,
      {W("all grown up|grown up|grownup|teenage|teenaged|teen|teens|"
         "teenager|teenagers|adolescent|adolescents|adolescence|voluptuous|"
         "busty|buxom|curvy|curvier|curviest|womanly|adult body|"
         "adult bodies|adult proportions|adult figure|adult face|"
         "adult features|adult look|adult version|adult woman|adult women|"
         "grown woman|grown women|older version|older self|future self|"
         "years later|ten years later|aged up|age up|aging up|ageing up|prom|"
         "high school senior|college girl|college student|"
         "university student|bride|wedding dress|pregnant|milf|cougar|"
         "her twenties|sweet sixteen|mature body|mature figure|mature face|"
         "mature features|womanhood|puberty|developed body|hourglass figure|"
         "hourglass|grow up|grows up|growing up|grew up|look older|"
         "looks older|looking older|look mature|looks mature|older looking|"
         "mature looking|adult looking|more mature|more grown up|more adult|"
         "more womanly|more like a woman|less like a child|less childlike|"
         "less childish|less like a kid|less young|older girl|older teen|"
         "young adult|adult like|adultlike|realistic adult|in high school|"
         "at high school|high schooler|high school student|in college|"
         "at college|at university|in university|college age|in her teens|"
         "in her twenties|a teen|her teens|secondary school student")},
      1, false, Kind::kFrame, nullptr, nullptr, consumers));
  f->push_back(
      MakeFrame(C::kAge, V,
                {W("age|ages|aged|aging|ageing|grow|grows|grew"), W("up")}, 2));
  f->push_back(MakeFrame(
      C::kAge, V,
      {W("look|looks|looking|looked|appear|appears|appearing|appeared|seem|"
         "seems|seeming|seemed|come across as|comes across as|make her|"
         "making her|made her|draw her|show her|render her|paint her|"
         "depict her"),
       W("old|older|aged|grown|mature|adult|womanly|sophisticated|elder")},
      2, false, Kind::kFrame,
      W("12|twelve|11|eleven|10|ten|9|nine|8|eight|7|seven|6|six|her age|"
        "younger|young|than|enough|years old|worn|weathered|rusty"),
      nullptr, W(kAgeConsumers + "|man|woman|years|year|enough"), true));
  // What keeps her a child; "too young", "less childish" move away.
  f->push_back(MakeFrame(
      C::kAge, P,
      {W("childlike|child like|childish|kiddish|babyish|young|younger|"
         "youthful|innocent|girlish|like a kid|like a child|"
         "like a little girl|like a little kid|her age|age appropriate|"
         "12 year old|twelve year old|12 years old|twelve years old|"
         "child physique|young girl|little girl|small girl|"
         "childlike proportions|child proportions|a child's proportions|"
         "kid like|youthful look|girl like|her own age")},
      1, false, Kind::kFrame, nullptr, nullptr,
      W("children|child|kids|kid|woman|women|man|men|boy|boys|girls|lady|"
        "people|couple|trees|tree|plant|plants|leaves|family|families|"
        "mother|father|mothers|fathers|parents|adult|adults|one|ones|moon|"
        "shoots|sapling|bystander|bystanders|animals|animal|dog|cat|bird|"
        "birds|lovers|love|night|day|morning|at heart|puppy|kitten|foal|"
        "lamb|duck|ducks|chick|chicks")));
  f->push_back(
      MakeFrame(C::kAge, P,
                {W("her|she|miri|herself"),
                 W("kid|child|little girl|girl|baby|little one|12 year old|"
                   "twelve year old|young girl|12|twelve")},
                5, false, Kind::kFrame, nullptr, link));
}

void AddMouth(std::vector<Frame>* f) {
  const WordSet* mouth = W("mouth|mouths|lips|lip|jaw|mouthed");
  const WordSet* open =
      W("open|opened|opens|opening|wide open|wide|wider|agape|ajar|apart|"
        "parted|part|parts|parting|unsealed|gaping|gape|gapes|dropped|drops|"
        "hanging open|half open|slack|o shape|o shaped|moving|move|moves|"
        "movement|slightly open|a little open|parted slightly|partly open|"
        "a bit open|open wide|opens wide");
  f->push_back(MakeFrame(
      C::kMouth, V, {mouth, open}, 3, false, Kind::kFrame, nullptr,
      W("is|are|was|were|be|being|been|slightly|a|bit|little|wide|half|"
        "hanging|still|kept|stays|stay|remains|remain|should|must|hangs|"
        "falls|drops|partly|just|so|too|very|kind|of|now|already|gently|"
        "falling|slowly|comes|come|goes|go|always|fully|completely|pops|"
        "not|never|shown|get|gets|got|keep|kept|her|and|really|clearly|"
        "visibly|obviously|can|could|would|will|needs|need|to|looks|look|"
        "seems|appears|in|surprise|shock|awe|wonder|mid")));
  f->push_back(MakeFrame(
      C::kMouth, V,
      {W("open|opens|opened|opening|part|parts|parted|parting|widen|widens|"
         "widened|separate|separated|unseal|drop|drops|dropped|slack|move|"
         "moves|moving|opened up|wide"),
       mouth},
      2, false, Kind::kFrame, nullptr,
      W("her|his|the|a|its|little|bit|slightly|wide|just|up|gently|softly|"
        "lightly")));
  f->push_back(MakeFrame(
      C::kMouth, V,
      {W("teeth|tooth|toothy|grin|grins|grinning|grinned|grinny|laugh|laughs|"
         "laughing|laughed|laughter|giggle|giggles|giggling|giggled|sing|"
         "sings|singing|sang|sung|sing along|singalong|lip sync|lipsync|"
         "lip syncing|lip synching|lip synced|lipsyncing|mouthing|"
         "mouths the words|mouthing the words|talk|talks|talking|talked|"
         "speak|speaks|speaking|spoke|spoken|chat|chats|chatting|chatted|"
         "shout|shouts|shouting|shouted|yell|yells|yelling|yelled|scream|"
         "screams|screaming|screamed|call out|calls out|calling out|"
         "called out|whisper|whispers|whispering|whispered|yawn|yawns|"
         "yawning|yawned|gasp|gasps|gasping|gasped|speech|mid sentence|"
         "mid word|mid speech|about to speak|about to say|about to talk|"
         "saying something|says something|say something|tongue|tongue out|"
         "lick|licks|licking|licked|eat|eats|eating|ate|bite|bites|biting|"
         "chew|chews|chewing|bubblegum|bubble gum|open mouth|mouth open|"
         "openmouthed|cheering|howl|howls|howling|roar|roars|roaring|"
         "exclaim|exclaims|exclaiming|chant|chants|chanting|hollers|"
         "hollering|belting|belts out|belt out|serenade|serenades|"
         "serenading|karaoke|duet|words coming out|vocalising|vocalizing|"
         "blowing bubbles|sipping|slurping|sucking|lollipop|"
         "ice cream cone|cry out|cries out|crying out|open smile|beaming|"
         "buck teeth|braces")},
      1, false, Kind::kFrame, nullptr, nullptr,
      // Someone else talks: "her father talks to the shopkeeper".
      W("father|mother|man|woman|men|women|people|shopkeeper|grandmother|"
        "grandfather|dad|mum|mom|teacher|driver|crowd|busker|buskers|"
        "musician|musicians|singer|singers|birds|bird|radio|kettle|wind|"
        "thunder|stranger|strangers|vendor|neighbour|neighbor|parents|"
        "adults|someone|somebody|announcer|tv|television|choir|crow|"
        "crows|gulls|seagulls|frogs|dog|dogs")));
  const WordSet* smile = W("smile|smiles|smiling|smiled|grin|smirk");
  f->push_back(MakeFrame(
      C::kMouth, V,
      {smile, W("big|bigger|biggest|wide|wider|widest|widely|broad|broader|"
                "broadly|huge|open|beaming|toothy|cheesy|ear to ear|bright|"
                "brightly|dazzling|teeth|teethy|full|laughing|showing teeth|"
                "with teeth|with her teeth|gap toothed|gummy|goofy")},
      2, true, Kind::kFrame, nullptr,
      W("and|a|very|really|so|too|her|with|showing|that|shows|is|was|bright|"
        "big|wide|broad|huge|beaming|happy|open|toothy|cheesy|grin|more|even|"
        "much|way|super|real|genuine"),
      nullptr, true));
  f->push_back(MakeFrame(
      C::kMouth, P,
      {mouth, W("closed|close|closes|closing|shut|shuts|together|sealed|"
                "pressed|pressed together|zipped|firmly closed|kept closed|"
                "stays closed")},
      3, true));
  f->push_back(MakeFrame(
      C::kMouth, P,
      {W("closed mouth|closed mouthed|closed lip|closed lipped|closed lips|"
         "tight lipped|lips together|no teeth|mouth closed|mouth shut|"
         "lips closed|hum|hums|humming|hummed|lips pressed|pressed lips|"
         "lips sealed")}));
}

void AddMakeup(std::vector<Frame>* f) {
  f->push_back(MakeFrame(
      C::kMakeup, V,
      {W("makeup|makeups|lipstick|lipsticks|lip gloss|lipgloss|lip stick|"
         "lip colour|lip color|mascara|eyeliner|eye liner|eyeshadow|"
         "eye shadow|rouge|blusher|concealer|false eyelashes|fake eyelashes|"
         "fake lashes|false lashes|lash extensions|eyelash extensions|"
         "nail polish|nail varnish|painted nails|manicure|manicured|"
         "red lips|painted lips|glossy lips|full lips|plump lips|"
         "plumped lips|pouty lips|red nails|long nails|acrylic nails|"
         "acrylics|heels|high heels|high heel|high heeled|heeled|stilettos|"
         "stiletto|platform shoes|platform heels|kitten heels|wedge heels|"
         "glam|glamorous|glamourous|dolled up|done up|made up face|fake tan|"
         "spray tan|contouring|smoky eye|smoky eyes|smokey eye|smokey eyes|"
         "winged eyeliner|cat eye|cat eyes|cosmetics|painted face|"
         "lip liner|lipliner|bronzer|fake nails|nail art|painted toenails|"
         "hair extensions|lip filler|lip fillers|botox|perfume")},
      1, false, Kind::kFrame, nullptr, nullptr,
      W("of her boots|of her shoes|of the boots|of his")));
  f->push_back(MakeFrame(
      C::kMakeup, V,
      {W("lips|lip|mouth|pout|eyelashes|lashes|nails|cheeks"),
       W("fuller|plumper|plump|plumped|poutier|glossier|glossy|redder|"
         "bigger|fuller looking|shiny|shinier|painted|red|rosy|rouged|"
         "longer|darker|thicker|pink")},
      3, true, Kind::kFrame,
      W("smile|cheeks|apple|apples|cherry|tomato|coat|umbrella|boots|"
        "scarf|hat|dress|ribbon|bag"),
      nullptr,
      W("from the cold|with cold|cold|from crying|from the wind|"
        "nose|eyes|with the cold"),
      true));
  f->push_back(MakeFrame(
      C::kMakeup, V,
      {W("wear|wears|wearing|wore|with|some|apply|applies|applying|applied|"
         "put on|puts on|heavy|full|her|eye|stage|lots of|bit of|little|add|"
         "adds|in"),
       W("make up")}));
}

void AddLikeness(std::vector<Frame>* f) {
  f->push_back(MakeFrame(
      C::kLikeness, V,
      {W("ip adapter|ipadapter|ip adapters|face id|faceid|instantid|"
         "instant id|photomaker|photo maker|pulid|dreambooth|dream booth|"
         "textual inversion|hypernetwork|lycoris|lyco|face swap|faceswap|"
         "face swapped|face swapping|swap her face|swap faces|swapped face|"
         "swapped faces|swap face|deepfake|deep fake|deepfaked|"
         "face transfer|face replacement|replace her face|likeness of|"
         "in the likeness|lookalike|look alike|doppelganger|celebrity|"
         "celebrities|celeb|celebs|famous actress|famous actor|"
         "famous singer|famous person|famous people|child actor|"
         "child actress|child star|child model|influencer|youtuber|tiktoker|"
         "k pop idol|kpop idol|real girl|real child|real kid|real person|"
         "real people|real life girl|actual girl|actual child|embedding|"
         "embeddings|controlnet face|face reference|face ref|reference face|"
         "her real face|civitai|safetensors|checkpoint merge|face model|"
         "face lora|face of a real|portrait of a real")}));
  f->push_back(MakeFrame(
      C::kLikeness, V,
      {W("look like|looks like|looking like|looked like|look more like|"
         "looks more like|look exactly like|resemble|resembles|resembling|"
         "resembled|based on|modelled on|modeled on|modelled after|"
         "modeled after|face of|face from|played by|as|like|turn into|into|"
         "the face of|her face with|replace her face with|"
         "swap her face with|give her the face of|identical to|copy of|"
         "twin of|inspired by|same face as|face like"),
       W("celebrity|celeb|actress|actor|singer|star|popstar|pop star|idol|"
         "influencer|youtuber|model|someone|somebody|person|real|my daughter|"
         "my son|my niece|my nephew|my kid|my kids|my child|my girl|"
         "my granddaughter|my sister|my friend|my student|my neighbour|"
         "my neighbor|my cousin|my classmate|my baby|daughter|niece|<name>|"
         "a real|her real|this girl|that girl|the girl in|a girl i know|"
         "a girl from")},
      3, false, Kind::kFrame, nullptr,
      W("a|an|the|some|famous|real|real life|well known|popular|young|"
        "certain|specific|actual|particular|child|that|this|more|exactly|"
        "just|very|bit|little|somewhat|enough|like|kind|of")));
  f->push_back(MakeFrame(
      C::kLikeness, V,
      {W("another|other|different|second|extra|new|additional|custom|own|my|"
         "your|some|any|a|an|celebrity|celeb|real|photo|face|civitai|"
         "huggingface|downloaded|more|two|three|stack|stacked|person|"
         "character|style|realistic|anime|nsfw|teen|girl|woman|sexy|trained|"
         "trained on|based|external|third party|community|public"),
       W("lora|loras|lycoris|lyco|lora weights|lora model|embedding|"
         "embeddings|adapter|adapters|hypernetwork|checkpoint|checkpoints")},
      2));
  // A real person's photo: never, whatever the intent.
  f->push_back(MakeFrame(
      C::kPhoto, V,
      {W("my|uploaded|attached|reference|ref|real|own|our|your|daughter|son|"
         "niece|nephew|kid|child|student|friend|granddaughter|passport|"
         "instagram|facebook|user|customer|client|sent|provided|source|"
         "input|a real"),
       W("photo|photos|photograph|photographs|picture|pictures|pic|pics|"
         "selfie|selfies|headshot|headshots|snapshot|portrait photo|image|"
         "images|face photo|photo of")},
      1, false, Kind::kAlways, nullptr, nullptr,
      W("frame|shot|version|generated|render|rendered|previous|last|earlier|"
        "approved|of the street|of the sky")));
  f->push_back(MakeFrame(
      C::kPhoto, V,
      {W("photo|photos|photograph|picture|pictures|pic|selfie|image|images|"
         "headshot|face"),
       W("i uploaded|i attached|i sent|i gave|i shared|i added|i provided|"
         "i took|uploaded|attached|from my phone|of my daughter|of my son|"
         "of my kid|of my child|of my niece|of a real")},
      2, false, Kind::kAlways));
  f->push_back(MakeFrame(
      C::kPhoto, V,
      {W("my daughter|my son|my niece|my nephew|my kid|my kids|my child|"
         "my children|my granddaughter|my grandson|my student|my students|"
         "my little girl|my girl|uploaded photo|uploaded image|"
         "uploaded picture|reference photo|reference photos|"
         "reference image|reference picture|reference pic|ref photo|"
         "ref image|photo reference|photo of her face|real photo|"
         "real photograph|photo of a child|photo of a girl")},
      1, false, Kind::kAlways));
}

void AddRules(std::vector<Frame>* f) {
  const WordSet* rules =
      W("rule|rules|constraint|constraints|guideline|guidelines|restriction|"
        "restrictions|safety|safety filter|safety filters|safety check|"
        "safety checks|content filter|nsfw filter|audit|auditor|moderation|"
        "censorship|censor|censoring|limits|limitations|limitation|"
        "protections|negative prompt|negatives|depiction rules|"
        "depiction terms|modesty rules|guardrails|guardrail|policy|policies|"
        "content policy|lora|loras|mirin14|safeguards|safeguard|standards|"
        "boundaries|requirements|depiction|modesty filter|the six terms|"
        "her terms|the protections");
  f->push_back(MakeFrame(C::kRules, P, {rules}, 1, false, Kind::kEntity,
                         nullptr, nullptr,
                         W("of thirds|of three|thirds|book|out|from the rain|"
                           "from rain|against the rain|from the cold|"
                           "from the wind")));
  f->push_back(MakeFrame(
      C::kRules, P,
      {rules, W("strict|stricter|restrictive|limiting|conservative|harsh|"
                "tight|prudish|uptight|much|many|rigid|boring|cautious|"
                "careful|paranoid|safe|annoying|limited|restricting|"
                "excessive")},
      3, true));
  f->push_back(MakeFrame(
      C::kRules, V,
      {W("uncensored|unfiltered|unrestricted|jailbreak|jailbroken|"
         "developer mode|dev mode|dan mode|do anything now|"
         "previous instructions|prior instructions|system prompt|"
         "no restrictions|without restrictions|no limits|no rules|"
         "anything goes|just this once|this one time|no safety|safety off|"
         "unsafe mode|god mode|raw mode|no censorship|not censored|"
         "rule free|rule breaking|exception to the rules|make an exception|"
         "special exception|pretend the rules|pretend there are")}));
}

}  // namespace

void AddPersonFrames(std::vector<Frame>* frames, const WordSet* age_numbers) {
  AddSexualised(frames);
  AddAge(frames, age_numbers);
  AddMouth(frames);
  AddMakeup(frames);
  AddLikeness(frames);
  AddRules(frames);
}

}  // namespace miri::screen
