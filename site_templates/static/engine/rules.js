// rules.js: the rules both engines share, received from the client manifest
// ("rules": museumxtd_search/rules.py's client_rules() and the stop words,
// elisions and question words of analysis/stopwords.py). This engine holds no copy of them: every
// function below that needs one reads it here, after `useRules(manifest.rules)`.

let RULES = null;
let DERIVED = null;
// Caches whose entries depend on the rules, emptied when other rules arrive.
const RULE_CACHES = [];

/** A cache (Map) emptied whenever `useRules` receives other rules. */
function ruleCache() {
  const cache = new Map();
  RULE_CACHES.push(cache);
  return cache;
}

/** Take `rules` (a manifest's "rules") as the rules of every function of the engine. */
function useRules(rules) {
  if (!rules || !rules.stop_words || !rules.special_letters) {
    throw new Error("MXSearch: the manifest carries no rules");
  }
  if (rules === RULES) return;
  RULES = rules;
  DERIVED = {
    specialLetter: new RegExp(characterClass(Object.keys(rules.special_letters).join("")), "gu"),
    typographicApostrophe: new RegExp(characterClass(rules.apostrophes.slice(1)), "gu"),
    stopWords: { fr: new Set(rules.stop_words.fr), en: new Set(rules.stop_words.en) },
    elisions: new Set(rules.elisions),
    questionWords: new Set(rules.question_words),
    fieldQuery: new RegExp(rules.field_query, "i"),
    stemZ: new RegExp(rules.stem_z, "g"),
    // query.py's _SECTION_GROUP: section:(a b), line:(a b), block:(a b).
    sectionGroup: new RegExp("(?:" + rules.section_like.join("|") + ")[" + PY_SPACE + "]*:[" +
      PY_SPACE + "]*\\(([^()]*)\\)", "giu"),
  };
  for (const cache of RULE_CACHES) cache.clear();
}

/** The rules in use (a manifest's "rules"). */
function rules() {
  if (RULES === null) throw new Error("MXSearch: no rules yet: load a manifest (useRules)");
  return RULES;
}

/** Tables made from the rules in use: regular expressions and sets. */
function derived() {
  rules();
  return DERIVED;
}
