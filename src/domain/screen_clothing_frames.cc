// Frames about Miri's clothes: hem length (Mid-calf), coverage, fit (Loose
// fit), fabric weight (Heavy fabric) and swimwear or underwear. Word sets
// are written out with their paraphrases; Morph adds inflections.
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

const std::string kLower =
    "dress|skirt|hem|hemline|gown|frock|sundress|pinafore|kilt|tunic|coat|"
    "raincoat|overcoat|trousers|pants|jeans|outfit|clothes|clothing|uniform|"
    "robe|smock|dungarees|overalls|nightdress|nightgown|costume|?";
const std::string kTop =
    "top|shirt|blouse|sweater|jumper|cardigan|jacket|hoodie|tee|t shirt|"
    "tshirt|vest|poncho|cape|sleeve|neckline|bodice|leotard|garment|attire|"
    "leggings|tights|socks|stockings|onesie";
const std::string kFabric = "fabric|material|cloth|textile|layer|lining";
const std::string kBody =
    "shoulder|shoulders|arm|arms|leg|legs|chest|belly|stomach|tummy|midriff|"
    "navel|cleavage|collarbone|collarbones|hip|hips|bottom|butt|bum|body|"
    "skin|underwear|bra|panties|waist|flesh|breasts|bust|back of her legs";
const std::string kKneeThigh =
    "knee|knees|kneecap|kneecaps|thigh|thighs|mid thigh|lap|upper leg|"
    "upper legs";
// Words after which "short" or "long" describes something else.
const std::string kPhraseBreak =
    "of|for|on|in|at|through|across|along|into|with|and|or|but|than|while|"
    "from|under|behind|beside|near|past|to|by";

void AddLength(std::vector<Frame>* f) {
  const WordSet* lower = W(kLower, Morph::kNoun);
  const WordSet* lower_sleeve = W(kLower + "|sleeve", Morph::kNoun);
  const WordSet* garment = W(kLower + "|" + kTop, Morph::kNoun);
  const WordSet* knee_thigh = W(kKneeThigh);
  const WordSet* short_adj =
      W("short|mini|micro|skimpy|tiny|cropped|crop|abbreviated|barely there|"
        "knee length|thigh length|above the knee|above knee|mid thigh|"
        "upper thigh|hip length|high cut|itsy bitsy|teeny",
        Morph::kAdj);
  const WordSet* short_block =
      W(kPhraseBreak +
        "|hair|haircut|bob|walk|stroll|trip|journey|distance|way|time|while|"
        "moment|break|pause|rest|nap|story|film|clip|scene|shot|video|song|"
        "glance|breath|stop|drive|ride|queue|line|list|fence|wall|tree|grass|"
        "stature|height|cut|notice|term|range|day|night|season|version|cake|"
        "sentence|word|note|burst|flight|hop|run|step|wait|visit|span|image|"
        "photo|picture|frame|framing|hand|hands|stick|neck|beard|bread|person|"
        "man|woman|girl|boy|legs|leg|arms|fingers|nails|shadow|shadows|drop|"
        "fall|jump|sprint|dash|ponytail|braid|answer|reply|message|poem|verse|"
        "chorus|intro|outro|bridge|beat|bars|notes|lull|period|spell|stay|"
        "life|history");
  const WordSet* long_block =
      W(kPhraseBreak +
        "|hair|walk|stroll|trip|journey|distance|way|time|while|moment|day|"
        "night|shadow|shadows|exposure|shot|line|road|queue|table|legs|breath|"
        "pause|look|gaze|wait|story|film|scene|take|lens|corridor|hallway|"
        "street|bench|arms|fingers|neck|lashes|eyelashes|grass|ago");
  f->push_back(MakeFrame(C::kLength, V, {short_adj, garment}, 3, true,
                         Kind::kFrame, short_block));
  f->push_back(MakeFrame(
      C::kLength, V,
      {W("knee length|thigh length|above the knee|above the knees|"
         "above knee|above her knee|above her knees|mid thigh|mid thighs|"
         "upper thigh|upper thighs|miniskirt|mini skirt|minidress|"
         "mini dress|hot pants|hotpants|shorts|short shorts|micro skirt|"
         "microskirt|thigh high|thigh highs|skort|booty shorts|daisy dukes|"
         "little black dress|rah rah skirt|tutu|cut offs|cutoffs|"
         "knee skimming|thigh skimming")}));
  f->push_back(MakeFrame(C::kLength, V,
                         {W("above|higher than|short of|shy of|well above|"
                            "just above|halfway up|inches over|inch over|"
                            "cm over|centimetres over|centimeters over|"
                            "just over|a bit over|slightly over|well over|"
                            "a little over|fingers over|a hand over|"
                            "way over"),
                          knee_thigh},
                         2, false, Kind::kFrame, nullptr,
                         W("her|the|his|their|its|mid|knee|level|height")));
  WordSet* at_knee =
      W("reach|hit|stop at|end at|come to|come up to|fall to|fall at|sit at|"
        "rest at|finish at|go to|come down to|hang to|end above|cut off at|"
        "stop just at|stop above|end just above|ride up to|come just to",
        Morph::kVerb);
  at_knee->Add(
      "at|to|around|up to|just at|near|fell to|came to|came up to|rode up to|"
      "went to|sat at");
  f->push_back(MakeFrame(C::kLength, V, {lower, at_knee, knee_thigh}, 4, false,
                         Kind::kFixed,
                         W("calf|calves|mid|ankle|ankles|shin|shins|below|"
                           "past|covered|covering|cover")));
  const WordSet* long_adj =
      W("long|lengthy|maxi|full length|floor length|ankle length|calf length|"
        "mid calf|midcalf|tea length|below the knee|below the knees|"
        "below her knees|longer than her knees",
        Morph::kAdj);
  f->push_back(MakeFrame(C::kLength, P, {long_adj, lower_sleeve}, 3, true,
                         Kind::kFrame, long_block));
  f->push_back(MakeFrame(C::kLength, P,
                         {W("below|past|beneath|underneath|covering|covers|"
                            "cover|covered|well below|over"),
                          W("knee|knees|kneecap|kneecaps|calf|calves")},
                         2));
  f->push_back(MakeFrame(
      C::kLength, P,
      {W("to|down to|reach|reaches|reaching|reached|fall to|falls to|"
         "falling to|fell to|at|hang to|hangs to|comes to|come to|"
         "come down to|comes down to"),
       W("calf|calves|mid calf|midcalf|ankle|ankles|shin|shins|floor|feet|"
         "toes|boots|the ground")},
      2));
  f->push_back(MakeFrame(
      C::kLength, P,
      {W("mid calf|midcalf|calf length|ankle length|floor length|"
         "full length|maxi|below the knee|below the knees|below her knees|"
         "knees covered|covers her knees|cover her knees|"
         "covering her knees|lengthen|lengthens|lengthened|lengthening")}));
  WordSet* raise =
      W("raise|lift|hike|hike up|hitch|hitch up|shorten|take up|roll up|"
        "pull up|tuck up|bunch up|gather up|cut|trim|crop|chop|hem up|flip up|"
        "blow up|cut short|cut off|rip",
        Morph::kVerb);
  raise->Add("rose|risen");
  f->push_back(MakeFrame(
      C::kLength, V, {raise, lower}, 3, false, Kind::kFrame,
      W(kPhraseBreak + "|umbrella|hand|hands|arms|hood"), nullptr,
      W("collar|collars|hood|hoods|zip|zipper|buttons|lapels|lapel|sleeve|"
        "sleeves|pocket|pockets|from|into|out|budget|hem|around her")));
  WordSet* up_verb =
      W("roll|pull|hike|hitch|tuck|bunch|gather|flip|blow|lift|hoist|ride|drag|"
        "yank|flutter|fly|creep|slide|fold|scrunch",
        Morph::kVerb);
  up_verb->Add("rode|flew|blew|ridden|blown");
  const WordSet* up = W("up|higher|above");
  f->push_back(MakeFrame(C::kLength, V, {up_verb, lower, up}, 3));
  f->push_back(MakeFrame(C::kLength, V, {lower, up_verb, up}, 2));
  const WordSet* hem = W("hem|hemline|hems|hemlines|skirt length");
  // "mid-calf is too long", "the length is too low".
  f->push_back(MakeFrame(
      C::kLength, P,
      {W("mid calf|midcalf|calf length|ankle length|floor length|length|"
         "the hem|hemline|maxi"),
       W("long|longer|low|lower")},
      3, true));
  f->push_back(MakeFrame(C::kLength, V,
                         {hem, W("high|higher|highest|up|raised|shorter|"
                                 "short|above|rise|rises|rising|go up|"
                                 "goes up")},
                         2, true));
  f->push_back(MakeFrame(C::kLength, P,
                         {hem, W("low|lower|lowered|down|longer|long|"
                                 "let down|dropped|drop|mid calf")},
                         2, true));
  f->push_back(MakeFrame(C::kLength, V,
                         {lower, W("higher|inches higher|inches shorter|"
                                   "way higher|a lot higher|much higher|"
                                   "shorter")},
                         4, true));
  f->push_back(
      MakeFrame(C::kLength, P,
                {W("lower|lengthen|let down|drop|extend", Morph::kVerb),
                 W("hem|hemline|hems|skirt|dress|coat|gown|skirts|dresses")},
                3));
}

void AddCoverage(std::vector<Frame>* f) {
  const WordSet* garment_fabric =
      W(kLower + "|" + kTop + "|" + kFabric, Morph::kNoun);
  const WordSet* knee_thigh = W(kKneeThigh);
  const WordSet* body = W(kBody);
  const WordSet* body_all = W(kBody + "|" + kKneeThigh);
  f->push_back(MakeFrame(
      C::kCoverage, V,
      {W("revealing|skimpy|low cut|lowcut|plunging|plunge|cleavage|"
         "see through|seethrough|strapless|backless|off the shoulder|"
         "off the shoulders|off shoulder|one shoulder|one shouldered|halter|"
         "halterneck|halter neck|spaghetti strap|spaghetti straps|tank top|"
         "tube top|crop top|crop tops|cropped top|sleeveless|midriff|navel|"
         "belly button|exposed skin|skin showing|showing skin|open back|"
         "open backed|cutout|cutouts|cut out dress|fishnet|fishnets|"
         "decollete|decolletage|scantily|scanty|scantily clad|barely dressed|"
         "half dressed|plunging neckline|deep neckline|deep v|low neckline|"
         "peekaboo|sideboob|underboob|bare chested|bare chest|shirtless|"
         "barefoot|bare feet|bare foot|tank tops|camisole|cami|vest top|"
         "singlet|tankini|slit up|thigh slit|high slit|side slit|slit skirt|"
         "slit dress|bare back|bare skin|bare arms|bare legs|bare shoulders|"
         "bare shoulder|more skin|show skin|short sleeves|short sleeved|"
         "short sleeve|cap sleeves|sleeves rolled up")}));
  f->push_back(MakeFrame(C::kCoverage, V,
                         {W("sheer|transparent|see through|seethrough|"
                            "translucent|mesh|lace|lacy|netted|gauzy|gauze|"
                            "cut out|cutout|low cut|lowcut|deep cut"),
                          garment_fabric},
                         2, true, Kind::kFrame, W(kPhraseBreak)));
  WordSet* show =
      W("show|reveal|expose|display|flash|bare|uncover|show off|flaunt|peek|"
        "see|let us see|let me see|give a peek of|show a bit of|show some|"
        "highlight",
        Morph::kVerb);
  show->Add("shown|saw|seen|visible|showing");
  f->push_back(MakeFrame(C::kLength, V, {show, knee_thigh}, 3, false,
                         Kind::kFrame, W("cover|covered")));
  f->push_back(MakeFrame(C::kCoverage, V, {show, body}, 3, false, Kind::kFrame,
                         W("face|hands|hand|eyes|expression|umbrella|emotion|"
                           "feelings|boots|cover|covered|language|whole|full|"
                           "entire|head|all of")));
  f->push_back(MakeFrame(
      C::kCoverage, V,
      {W("in lace|in mesh|in sheer|all lace|in fishnet|in see through|"
         "lace dress|lace top|lacy dress|lacy top|mesh top|mesh dress")}));
  f->push_back(MakeFrame(
      C::kCoverage, V,
      {W("bare|naked|nude|exposed|uncovered|showing|visible|on show|"
         "on display|in view|peeking out|peeking|peek out|poking out|"
         "sticking out|peek through|shows|show|revealed"),
       body_all},
      2, true, Kind::kFrame,
      W("hands|hand|face|feet|foot|toes|eyes|head|hair|trees|branches|walls|"
        "wall|floor|ground|room|bulb|rock|earth|umbrella|coat|dress|skirt|"
        "whole|full|entire")));
  f->push_back(MakeFrame(
      C::kCoverage, V,
      {W("more|much|lots|lot|plenty|bit|bits|extra|some|enough|loads|ton|"
         "tons|a little more|a bit more"),
       W("skin|leg|legs|shoulder|shoulders|arm|arms|cleavage|thigh|thighs|"
         "knee|knees|flesh|midriff|chest|belly|stomach")},
      2));
  f->push_back(MakeFrame(
      C::kCoverage, P,
      {W("cover|covers|covered|covering|hide|hides|hidden|conceal|conceals|"
         "concealed|tucked|wrapped|buttoned|protect"),
       body_all},
      3, true));
  f->push_back(MakeFrame(
      C::kCoverage, P,
      {W("covered up|modest|modestly|modesty|fully clothed|fully covered|"
         "long sleeved|long sleeves|high neck|high necked|high neckline|"
         "high collar|buttoned up|turtleneck|covered|covers|covering|"
         "conservative|buttoned to the neck|buttoned to the collar|"
         "covered from head to toe")},
      1, false, Kind::kFrame, nullptr, nullptr,
      W("from|in|with|by|windows|window|walkway|bridge|porch|market|car|"
        "cars|wagon|cake|dish|table|the rain|rain|mud|snow|leaves|dust|"
        "water|puddles|sky|clouds|in mud|in rain")));
  WordSet* undress =
      W("unbutton|unzip|undo|take off|peel off|pull off|strip|strip off|"
        "slip off|slide off|open|unlace|untie|pull down|yank off|tear off|"
        "rip off",
        Morph::kVerb);
  undress->Add("took off|undid|tore off|stripped");
  const WordSet* garment_main =
      W("dress|skirt|top|shirt|blouse|trousers|pants|jeans|clothes|clothing|"
        "outfit|underwear|uniform|swimsuit|nightie|pyjamas|pajamas|bodice|"
        "buttons|zip|zipper|neckline",
        Morph::kNoun);
  f->push_back(MakeFrame(C::kCoverage, V, {undress, garment_main}, 3, false,
                         Kind::kFrame, W(kPhraseBreak)));
  f->push_back(MakeFrame(
      C::kCoverage, V,
      {W("slit|slits|side slit|high slit|thigh slit|split up the side|"
         "cut out|cutout|cutouts|keyhole|peephole|gap"),
       W("skirt|skirts|dress|dresses|gown|leg|legs|thigh|thighs|hip|hips|"
         "side|back|front|bodice|top|waist")},
      3, true, Kind::kFrame, nullptr,
      W("to|the|a|an|her|in|on|up|of|at|into|high|side|long|deep|little|"
        "small|big|with|that|shows|showing|is|has")));
  const WordSet* neckline =
      W("neckline|necklines|neck line|collar|top button|top buttons");
  f->push_back(MakeFrame(C::kCoverage, V,
                         {W("lower|deepen|drop|open|plunge|widen|loosen|"
                            "unbutton|undo|scoop",
                            Morph::kVerb),
                          neckline},
                         3));
  f->push_back(MakeFrame(C::kCoverage, V,
                         {neckline, W("low|lower|lowest|deep|deeper|"
                                      "plunging|wide|wider|open|scooped")},
                         2, true));
  f->push_back(MakeFrame(C::kCoverage, P,
                         {neckline, W("high|higher|raise|raised|closed|"
                                      "buttoned|modest")},
                         2, true));
  f->push_back(
      MakeFrame(C::kCoverage, V,
                {W("slip|slide|fall|droop|pull|tug|drop|hang", Morph::kVerb),
                 W("off|down"), W("shoulder|shoulders|arm|chest")},
                2));
  // A piece of clothing named alone: "without sleeves", "no top", "take
  // her dress off" would undress her.
  f->push_back(MakeFrame(
      C::kCoverage, P,
      {W("sleeve|sleeves|strap|straps|collar|dress|dresses|skirt|skirts|top|"
         "shirt|blouse|trousers|pants|jeans|clothes|clothing|outfit|layers|"
         "tights|stockings|lining")},
      1, false, Kind::kGarmentEntity));
}

void AddFitAndFabric(std::vector<Frame>* f) {
  const WordSet* garment = W(kLower + "|" + kTop, Morph::kNoun);
  const WordSet* garment_fabric =
      W(kLower + "|" + kTop + "|" + kFabric, Morph::kNoun);
  f->push_back(MakeFrame(
      C::kFit, V,
      {W("skin tight|skintight|form fitting|formfitting|figure hugging|"
         "body hugging|bodycon|body con|spandex|lycra|latex|leggings|"
         "yoga pants|corset|corsets|bodysuit|body suit|leotard|leotards|"
         "catsuit|slim fit|close fitting|tight fitting|cinched waist|cinched|"
         "wasp waist|figure flattering|skinny jeans|jeggings|curve hugging|"
         "body skimming|shapewear|second skin|in lycra|in spandex|"
         "in latex|in leggings")}));
  f->push_back(MakeFrame(
      C::kFit, V,
      {W("hug|cling|accentuate|emphasise|emphasize|show|highlight|reveal|"
         "outline|follow|cling to|flatter|define|show off|trace|mould|mold",
         Morph::kVerb),
       W("figure|shape|curves|body|waist|hips|silhouette|bust|bottom|form")},
      2, false, Kind::kFrame,
      W("mother|father|grandmother|grandfather|dog|umbrella|teddy|friend|"
        "the city|the street|the path|the road|the river|whole|full|entire"),
      nullptr, W("language|of the|of a|of the city")));
  f->push_back(MakeFrame(
      C::kFit, V,
      {W("tight|tighter|tightest|tighten|tightened|tightening|fitted|clingy|"
         "clinging|snug|snugger|slim|slimmer|narrow|narrower|close cut|"
         "stretchy|squeezed|tightly|snugly|closely fitted"),
       garment},
      3, true, Kind::kFrame,
      W(kPhraseBreak +
        "|shot|shots|close|closeup|close up|framing|frame|crop|cropped|"
        "angle|zoom|composition|hug|hugs|grip|knot|braid|braids|ponytail|"
        "bun|hold|holds|holding|held|rope|string|schedule|corner|space|"
        "squeeze|fist|fists|lips|lipped|smile|umbrella|hand|hands|grasp|"
        "clutch|clutches|clutching|budget|deadline|race|spot|wrap|wraps|"
        "wrapped|pull|pulls|pulled|tug|belt|scarf|shoelaces|laces|collar|"
        "hood|strap|straps"),
      nullptr, W("around|against|together|to|round|about|under her chin"),
      true));
  f->push_back(MakeFrame(C::kFit, V,
                         {W("fit|fits|fitting|sit|sits"),
                          W("tightly|tight|snugly|snug|closely|close to her|"
                            "close to the body|like a glove")},
                         1));
  f->push_back(
      MakeFrame(C::kFit, P,
                {W("hide|hides|hiding|hid|conceal|conceals|concealing|disguise|"
                   "disguises|mask|masks|cover|covers|covering"),
                 W("figure|shape|body|curves|waist|form|silhouette")},
                2));
  f->push_back(MakeFrame(
      C::kFit, P,
      {W("loose|looser|loosest|loosen|loosened|loosely|baggy|baggier|"
         "oversized|roomy|roomier|relaxed fit|loose fit|loose fitting|"
         "flowing|wide cut|a size too big|generous cut|shapeless|boxy|"
         "billowing|billowy|voluminous")},
      1, false, Kind::kFrame, nullptr, nullptr,
      W("hair|threads|thread|strand|strands|ends|change|dog|cannon|tooth|"
        "teeth|water|river|stream|tears|curls|leaves|page|pages|brick|"
        "bricks|stone|stones|gravel|connection|end|wire|wires|lock|locks")));
  const WordSet* light_block =
      W(kPhraseBreak +
        "|blue|pink|grey|gray|green|yellow|brown|purple|red|orange|colour|"
        "color|colours|colors|colored|coloured|shade|shades|tone|tones|rain|"
        "drizzle|snow|mist|fog|breeze|wind|smile|sleep|touch|step|steps|"
        "footsteps|line|lines|source|beam|bulb|lamp|lamps|streetlight|"
        "streetlights|bulbs|glow|ray|rays|reflection|reflections|umbrella|sky|"
        "background|hair|ribbon|ribbons|bow|trim|falls|falling|catches|"
        "catching|hits|hitting|shines|shining|reflects|over|onto|around|"
        "beneath|plays|dances|moves|makes|gives|filtering|filters|streams|"
        "streaming|pours|spills|spilling|washes|bathes|lights|sun|sunlight|"
        "lighting|moonlight|dawn|morning|evening|room|hall|space|scene|frame|"
        "shot|image|picture|air|smoke|cloud|clouds|mood|feel|feeling|frost|"
        "ice|flakes|drops|raindrops|wave|waves|heart|hearted|headed|footed|"
        "build|girl|she|face|arms|legs|fingers|stripe|stripes|pattern|"
        "patterns|print|prints|dots");
  f->push_back(MakeFrame(
      C::kFabric, V,
      {W("thin|thinner|thinnest|light|lighter|lightest|lightweight|"
         "light weight|flimsy|flimsier|delicate|airy|breezy|gauzy|silk|"
         "silken|silky|satin|satiny|chiffon|linen|organza|tulle|voile|"
         "summery|summer weight|featherweight|thin cotton|light cotton|"
         "floaty|wispy|slinky|lighter weight"),
       garment_fabric},
      3, true, Kind::kFrame, light_block, nullptr, nullptr, true));
  f->push_back(MakeFrame(
      C::kFabric, V,
      {W("sundress|sun dress|summer dress|summer dresses|summer frock|"
         "summer frocks|slip dress|silk slip|summer clothes|summer outfit|"
         "beach dress|floaty dress|tea dress|tshirt dress|t shirt dress|"
         "sun frock|beachwear|resort wear|cocktail dress|party dress|"
         "evening gown|ball gown|prom dress|satin dress|silk dress|"
         "satin slip|in a slip|wearing a slip|in her slip|only a slip|"
         "just a slip|slip dresses|in satin|in silk|in chiffon|in tulle|"
         "in organza|all silk|all satin")}));
  const WordSet* heavy_block =
      W(kPhraseBreak +
        "|rain|downpour|storm|clouds|cloud|sky|heart|traffic|footsteps|steps|"
        "eyes|eyelids|breathing|door|bag|load|silence|mist|fog|snow|air|sigh|"
        "wind|drops|raindrops|light|lighting|shadow|shadows|mood|atmosphere|"
        "sound|bass|beat|drums|book|books|blanket|quilt|duvet|tea|cocoa|soup|"
        "smoke|sea|waves|curtain|curtains|brush|strokes|line|lines|grain|"
        "glasses|frame|frames|eyebrows|brows|makeup|hair|fringe|beard");
  f->push_back(MakeFrame(
      C::kFabric, P,
      {W("heavy|heavier|heaviest|thick|thicker|thickest|wool|woollen|woolen|"
         "knit|knitted|corduroy|tweed|felt|flannel|fleece|quilted|padded|"
         "lined|warm|warmer|sturdy|dense|chunky|cable knit|heavyweight|"
         "heavy weight|winter|waxed|oilskin|canvas|denim|velvet|wool blend|"
         "heavy cotton|thermal"),
       garment_fabric},
      3, true, Kind::kFrame, heavy_block, nullptr, nullptr, true));
  f->push_back(MakeFrame(
      C::kFabric, P,
      {W("heavy fabric|heavy fabrics|heavy cloth|thick fabric|"
         "heavy material|thick material|heavy wool|thick wool|heavy clothing|"
         "heavy clothes|warm clothes|layered|layers of clothing|"
         "winter clothes")}));
  f->push_back(MakeFrame(C::kFabric, P,
                         {W("fabric|fabrics|material|materials|cloth|layers|"
                            "layer|lining|coverage")},
                         1, false, Kind::kEntity));
}

// Scorn for a protection asks, in a complaint, to move away from it.
void AddDisparage(std::vector<Frame>* f) {
  f->push_back(MakeFrame(
      C::kFit, V,
      {W("shapeless|like a sack|a sack|potato sack|like a tent|a tent|"
         "tent like|drowning in|swamped|swamped by|drowns in|hides her figure|"
         "hide her figure|hides her shape|hides her body|hiding her figure|"
         "no shape|unflattering|baggy mess|too much coat")},
      1, false, Kind::kDisparage));
  f->push_back(MakeFrame(
      C::kCoverage, V,
      {W("hides everything|covers everything|hide everything|"
         "cover everything|covers too much|covered too much|too covered|"
         "too covered up|like a nun|prudish|overdressed|over dressed|"
         "too many layers|so many layers|too much clothing|too much clothes|"
         "too many clothes|too much fabric|bundled up|all covered up|"
         "covered head to toe")},
      1, false, Kind::kDisparage));
  f->push_back(MakeFrame(
      C::kAge, V,
      {W("babyish|like a baby|baby face|babyface|childish|kiddy|kiddish|"
         "infantile|too young looking|looks like a little kid|"
         "like a little kid|too innocent")},
      1, false, Kind::kDisparage));
}

void AddSwimwear(std::vector<Frame>* f) {
  f->push_back(MakeFrame(
      C::kSwimwear, V,
      {W("bikini|bikinis|swimsuit|swimsuits|swimwear|bathing suit|"
         "swimming costume|swim suit|swimming suit|swimming trunks|two piece|"
         "lingerie|underwear|bra|bras|bralette|sports bra|panties|knickers|"
         "undies|thong|negligee|nightie|nighty|babydoll|baby doll dress|"
         "bathtub|bubble bath|skinny dip|skinny dipping|hot tub|jacuzzi|"
         "sauna|showering|in the shower|takes a shower|take a shower|"
         "taking a shower|underpants|briefs|bathrobe|bath robe|bath towel|"
         "swim cap|swimming pool|pool party|beach party|sunbathing|sunbathe|"
         "sunbathes|tanning|nightwear|sleepwear|pyjama top|in her pyjamas|"
         "in her pajamas|lingerie set|corset top|garter|garters|suspenders")}));
  f->push_back(MakeFrame(
      C::kSwimwear, V,
      {W("swim|swims|swimming|swam|bath|bathing|bathe|bathes|bathed|"
         "paddling pool")},
      1, false, Kind::kFrame, nullptr, nullptr,
      W("duck|ducks|fish|swan|swans|goldfish|boat|boats|geese|goose|"
        "tadpoles|frogs|frog|leaves|bird|birds|toy|toys|paper|clouds|lights|"
        "light|reflections|colours|colors|head|eyes|tears|thoughts|mind|"
        "sunlight|moonlight|glow|in light|in the light|in golden|in warm|"
        "in soft|mat|city|spa|salts|time|bathed in|is bathed|are bathed")));
}

}  // namespace

void AddClothingFrames(std::vector<Frame>* frames) {
  AddLength(frames);
  AddCoverage(frames);
  AddFitAndFabric(frames);
  AddSwimwear(frames);
  AddDisparage(frames);
}

}  // namespace miri::screen
