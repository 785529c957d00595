/*
 * snowball.js: the Snowball French stemmer and the Snowball English (Porter2)
 * stemmer, ported by hand to dependency-free JavaScript for the search page.
 *
 * It is a line-by-line port of the Python code that Snowball 3.1.1 generates
 * (snowballstemmer 3.1.1: french_stemmer.py, english_stemmer.py, basestemmer.py)
 * and MUST give exactly the same output as
 *     snowballstemmer.stemmer("french").stemWord(word)
 *     snowballstemmer.stemmer("english").stemWord(word)
 * for every input, because the browser stems queries that are matched against
 * terms the Python indexer stemmed. tests/test_stemmer_port.py checks this on every
 * word of the corpus; re-run it if either side changes.
 *
 * The routine names, suffix tables (verbatim) and the order of every test follow
 * the generated code, so the two can be compared side by side. Snowball's failure
 * exceptions become boolean returns; a cursor restore is kept wherever later code
 * reads the cursor, and left out where the caller resets it anyway.
 *
 * Usage: MXSnowball.french(word), MXSnowball.english(word); words are expected in
 * lower case. Loaded as a classic <script> it defines the global MXSnowball; under
 * Node, require() returns the same object.
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  } else {
    root.MXSnowball = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  // ---------------------------------------------------------------------------
  // The Snowball machine (basestemmer.py): a string, a cursor, a forward limit,
  // a backward limit and the [bra, ket) slice that slice_from/slice_del replace.
  // ---------------------------------------------------------------------------
  class Machine {
    constructor(word) {
      this.current = word;
      this.cursor = 0;
      this.limit = word.length;
      this.limitBackward = 0;
      this.bra = 0;
      this.ket = this.limit;
    }

    // One-character tests: on success the cursor moves over the character.
    stepForwardIf(test) {
      if (this.cursor >= this.limit || !test) return false;
      this.cursor += 1;
      return true;
    }

    stepBackwardIf(test) {
      if (this.cursor <= this.limitBackward || !test) return false;
      this.cursor -= 1;
      return true;
    }

    inGrouping(set) { return this.stepForwardIf(set.has(this.current[this.cursor])); }
    inGroupingBackward(set) { return this.stepBackwardIf(set.has(this.current[this.cursor - 1])); }
    outGroupingBackward(set) {
      return this.stepBackwardIf(!set.has(this.current[this.cursor - 1]));
    }
    eqChar(char) { return this.stepForwardIf(this.current[this.cursor] === char); }
    eqCharBackward(char) { return this.stepBackwardIf(this.current[this.cursor - 1] === char); }

    /** Moves to the next character inside (`wanted` true) or outside `set`. */
    advanceTo(set, wanted) {
      for (; this.cursor < this.limit; this.cursor += 1) {
        if (set.has(this.current[this.cursor]) === wanted) return true;
      }
      return false;
    }

    /** Moves back to the previous character inside `set` (go_out_grouping_b). */
    retreatToMember(set) {
      for (; this.cursor > this.limitBackward; this.cursor -= 1) {
        if (set.has(this.current[this.cursor - 1])) return true;
      }
      return false;
    }

    /**
     * "gopast v gopast non-v": moves just past the first non-vowel that follows a
     * vowel, where regions R1 and R2 start. False (cursor moved) if there is none.
     */
    passVowelThenNonVowel(vowels) {
      if (!this.advanceTo(vowels, true)) return false;
      this.cursor += 1;
      if (!this.advanceTo(vowels, false)) return false;
      this.cursor += 1;
      return true;
    }

    eqString(text) {
      if (this.limit - this.cursor < text.length || !this.current.startsWith(text, this.cursor)) {
        return false;
      }
      this.cursor += text.length;
      return true;
    }

    eqStringBackward(text) {
      const start = this.cursor - text.length;
      if (start < this.limitBackward || !this.current.startsWith(text, start)) return false;
      this.cursor = start;
      return true;
    }

    findAmong(table) { return this.search(table, true); }
    findAmongBackward(table) { return this.search(table, false); }

    // find_among / find_among_b of basestemmer.py: a binary search of a sorted
    // table whose entries are [text, index of the longest entry it extends,
    // result], compared with the text after (forward) or before the cursor.
    // Returns the result of the longest entry found there, or 0.
    search(table, forward) {
      const start = this.cursor;
      const edge = forward ? this.limit : this.limitBackward;
      let i = 0;
      let j = table.length;
      let commonI = 0;
      let commonJ = 0;
      let firstKeyInspected = false;
      for (;;) {
        const k = i + ((j - i) >> 1);
        const text = table[k][0];
        let diff = 0;
        let common = Math.min(commonI, commonJ);
        while (common < text.length) {
          if (start + (forward ? common : -common) === edge) {
            diff = -1;
            break;
          }
          diff = forward
            ? this.current.charCodeAt(start + common) - text.charCodeAt(common)
            : this.current.charCodeAt(start - 1 - common) -
              text.charCodeAt(text.length - 1 - common);
          if (diff !== 0) break;
          common += 1;
        }
        if (diff < 0) {
          j = k;
          commonJ = common;
        } else {
          i = k;
          commonI = common;
        }
        if (j - i <= 1) {
          if (i > 0 || j === i || firstKeyInspected) break;
          firstKeyInspected = true;
        }
      }
      for (;;) {
        const [text, shorter, result] = table[i];
        if (commonI >= text.length) {
          this.cursor = forward ? start + text.length : start - text.length;
          return result;
        }
        i = shorter;
        if (i < 0) return 0;
      }
    }

    replace(from, to, text) {
      const adjustment = text.length - (to - from);
      this.current = this.current.slice(0, from) + text + this.current.slice(to);
      this.limit += adjustment;
      if (this.cursor >= to) this.cursor += adjustment;
      else if (this.cursor > from) this.cursor = from;
    }

    sliceFrom(text) {
      this.replace(this.bra, this.ket, text);
      this.ket = this.bra + text.length;
    }

    sliceDel() { this.sliceFrom(""); }

    // Backward routines save the cursor as an offset from the end, since
    // removing a suffix shortens the word.
    get fromEnd() { return this.limit - this.cursor; }
    restoreFromEnd(saved) { this.cursor = this.limit - saved; }

    /**
     * Snowball's "repeat goto(...)": from the cursor onwards, calls markHere at
     * each position until it succeeds, then starts again from that position, until
     * no position is left. markHere may rewrite the word where it succeeds.
     */
    markEverywhere(markHere) {
      for (;;) {
        const saved = this.cursor;
        let found = false;
        for (;;) {
          const position = this.cursor;
          found = markHere(this);
          this.cursor = position;
          if (found || this.cursor >= this.limit) break;
          this.cursor += 1;
        }
        if (!found) {
          this.cursor = saved;
          return;
        }
      }
    }
  }

  const grouping = (chars) => new Set(chars);

  // ---------------------------------------------------------------------------
  // French (french_stemmer.py)
  // ---------------------------------------------------------------------------
  const FRENCH_VOWEL = grouping("aeiouyàâèéêëîïôùû");
  const FRENCH_OUX_ENDING = grouping("bhjlnp");
  const FRENCH_ELISION_CHAR = grouping("cdjlmnst");
  const FRENCH_KEEP_WITH_S = grouping("aiosuè");

  const FRENCH_A0 = [["col", -1, -1], ["ni", -1, 1], ["par", -1, -1], ["tap", -1, -1]];
  const FRENCH_A1 = [
    ["", -1, 7], ["H", 0, 6], ["He", 1, 4], ["Hi", 1, 5], ["I", 0, 1], ["U", 0, 2], ["Y", 0, 3],
  ];
  const FRENCH_A2 = [
    ["iqU", -1, 3], ["abl", -1, 3], ["Ièr", -1, 4], ["ièr", -1, 4], ["eus", -1, 2], ["iv", -1, 1],
  ];
  const FRENCH_A3 = [["ic", -1, 2], ["abil", -1, 1], ["iv", -1, 3]];
  const FRENCH_A4 = [
    ["iqUe", -1, 1], ["atrice", -1, 2], ["ance", -1, 1], ["ence", -1, 5], ["logie", -1, 3],
    ["able", -1, 1], ["isme", -1, 1], ["euse", -1, 12], ["iste", -1, 1], ["ive", -1, 8],
    ["if", -1, 8], ["usion", -1, 4], ["ation", -1, 2], ["ution", -1, 4], ["ateur", -1, 2],
    ["iqUes", -1, 1], ["atrices", -1, 2], ["ances", -1, 1], ["ences", -1, 5],
    ["logies", -1, 3], ["ables", -1, 1], ["ismes", -1, 1], ["euses", -1, 12],
    ["istes", -1, 1], ["ives", -1, 8], ["ifs", -1, 8], ["usions", -1, 4], ["ations", -1, 2],
    ["utions", -1, 4], ["ateurs", -1, 2], ["ments", -1, 16], ["ements", 30, 6],
    ["issements", 31, 13], ["ités", -1, 7], ["ment", -1, 16], ["ement", 34, 6],
    ["issement", 35, 13], ["amment", 34, 14], ["emment", 34, 15], ["aux", -1, 10],
    ["eaux", 39, 9], ["eux", -1, 1], ["oux", -1, 11], ["ité", -1, 7],
  ];
  const FRENCH_A5 = [
    ["ira", -1, 1], ["ie", -1, 1], ["isse", -1, 1], ["issante", -1, 1], ["i", -1, 1],
    ["irai", 4, 1], ["ir", -1, 1], ["iras", -1, 1], ["ies", -1, 1], ["îmes", -1, 1],
    ["isses", -1, 1], ["issantes", -1, 1], ["îtes", -1, 1], ["is", -1, 1], ["irais", 13, 1],
    ["issais", 13, 1], ["irions", -1, 1], ["issions", -1, 1], ["irons", -1, 1],
    ["issons", -1, 1], ["issants", -1, 1], ["it", -1, 1], ["irait", 21, 1], ["issait", 21, 1],
    ["issant", -1, 1], ["iraIent", -1, 1], ["issaIent", -1, 1], ["irent", -1, 1],
    ["issent", -1, 1], ["iront", -1, 1], ["ît", -1, 1], ["iriez", -1, 1], ["issiez", -1, 1],
    ["irez", -1, 1], ["issez", -1, 1],
  ];
  const FRENCH_A6 = [["al", -1, 1], ["épl", -1, -1], ["auv", -1, -1]];
  const FRENCH_A7 = [
    ["a", -1, 3], ["era", 0, 2], ["aise", -1, 4], ["asse", -1, 3], ["ante", -1, 3],
    ["ée", -1, 2], ["ai", -1, 3], ["erai", 6, 2], ["er", -1, 2], ["as", -1, 3],
    ["eras", 9, 2], ["âmes", -1, 3], ["aises", -1, 4], ["asses", -1, 3], ["antes", -1, 3],
    ["âtes", -1, 3], ["ées", -1, 2], ["ais", -1, 4], ["eais", 17, 2], ["erais", 17, 2],
    ["ions", -1, 1], ["erions", 20, 2], ["assions", 20, 3], ["erons", -1, 2],
    ["ants", -1, 3], ["és", -1, 2], ["ait", -1, 3], ["erait", 26, 2], ["ant", -1, 3],
    ["aIent", -1, 3], ["eraIent", 29, 2], ["èrent", -1, 2], ["assent", -1, 3],
    ["eront", -1, 2], ["ât", -1, 3], ["ez", -1, 2], ["iez", 35, 2], ["eriez", 36, 2],
    ["assiez", 36, 3], ["erez", 35, 2], ["é", -1, 2],
  ];
  const FRENCH_A8 = [
    ["e", -1, 3], ["Ière", 0, 2], ["ière", 0, 2], ["ion", -1, 1], ["Ier", -1, 2], ["ier", -1, 2],
  ];
  const FRENCH_A9 = [
    ["ell", -1, -1], ["eill", -1, -1], ["enn", -1, -1], ["onn", -1, -1], ["ett", -1, -1],
  ];

  class FrenchMachine extends Machine {
    constructor(word) {
      super(word);
      this.pV = 0;
      this.p1 = 0;
      this.p2 = 0;
    }
    inRV() { return this.pV <= this.cursor; }
    inR1() { return this.p1 <= this.cursor; }
    inR2() { return this.p2 <= this.cursor; }
  }

  function frenchElisions(z) {
    z.bra = z.cursor;
    if (!z.inGrouping(FRENCH_ELISION_CHAR) && !z.eqString("qu")) return false;
    if (!z.eqChar("'")) return false;
    z.ket = z.cursor;
    if (z.cursor >= z.limit) return false;
    z.sliceDel();
    return true;
  }

  const FRENCH_DIAERESIS_MARKS = [["ë", "He"], ["ï", "Hi"]];

  // One attempt of the prelude at the cursor: mark u/i/y used as consonants and
  // ë/ï as diaereses with upper-case letters that no suffix table contains.
  function frenchPreludeMarkHere(z) {
    const start = z.cursor;
    if (z.inGrouping(FRENCH_VOWEL)) {
      z.bra = z.cursor;
      const afterVowel = z.cursor;
      if (z.eqChar("u")) {
        z.ket = z.cursor;
        if (z.inGrouping(FRENCH_VOWEL)) { z.sliceFrom("U"); return true; }
      }
      z.cursor = afterVowel;
      if (z.eqChar("i")) {
        z.ket = z.cursor;
        if (z.inGrouping(FRENCH_VOWEL)) { z.sliceFrom("I"); return true; }
      }
      z.cursor = afterVowel;
      if (z.eqChar("y")) { z.ket = z.cursor; z.sliceFrom("Y"); return true; }
    }
    for (const [char, mark] of FRENCH_DIAERESIS_MARKS) {
      z.cursor = start;
      z.bra = z.cursor;
      if (z.eqChar(char)) { z.ket = z.cursor; z.sliceFrom(mark); return true; }
    }
    z.cursor = start;
    z.bra = z.cursor;
    if (z.eqChar("y")) {
      z.ket = z.cursor;
      if (z.inGrouping(FRENCH_VOWEL)) { z.sliceFrom("Y"); return true; }
    }
    z.cursor = start;
    if (!z.eqChar("q")) return false;
    z.bra = z.cursor;
    if (!z.eqChar("u")) return false;
    z.ket = z.cursor;
    z.sliceFrom("U");
    return true;
  }

  function frenchFindPV(z) {
    const start = z.cursor;
    if (z.inGrouping(FRENCH_VOWEL) && z.inGrouping(FRENCH_VOWEL) && z.cursor < z.limit) {
      z.cursor += 1;
      return true;
    }
    z.cursor = start;
    const found = z.findAmong(FRENCH_A0);
    if (found !== 0 && (found !== 1 || z.inGrouping(FRENCH_VOWEL))) return true;
    z.cursor = start;
    if (z.cursor >= z.limit) return false;
    z.cursor += 1;
    if (!z.advanceTo(FRENCH_VOWEL, true)) return false;
    z.cursor += 1;
    return true;
  }

  function frenchMarkRegions(z) {
    z.pV = z.limit;
    z.p1 = z.limit;
    z.p2 = z.limit;
    const start = z.cursor;
    if (frenchFindPV(z)) z.pV = z.cursor;
    z.cursor = start;
    if (z.passVowelThenNonVowel(FRENCH_VOWEL)) {
      z.p1 = z.cursor;
      if (z.passVowelThenNonVowel(FRENCH_VOWEL)) z.p2 = z.cursor;
    }
    z.cursor = start;
  }

  const FRENCH_UNMARK = { 1: "i", 2: "u", 3: "y", 4: "ë", 5: "ï", 6: "" };

  function frenchPostlude(z) {
    for (;;) {
      const saved = z.cursor;
      z.bra = z.cursor;
      const found = z.findAmong(FRENCH_A1);
      z.ket = z.cursor;
      if (found >= 1 && found <= 6) {
        z.sliceFrom(FRENCH_UNMARK[found]);
      } else {
        if (z.cursor >= z.limit) { z.cursor = saved; return; }
        z.cursor += 1;
      }
    }
  }

  // R2 ? delete : <replacement>, the "try" used after several suffixes.
  function deleteInR2Else(z, replacement) {
    if (z.inR2()) z.sliceDel();
    else z.sliceFrom(replacement);
  }

  // On success the caller moves the cursor back to the end of the word, so a
  // "try" that fails half-way just stops (break) without restoring the cursor.
  function frenchStandardSuffix(z) {
    z.ket = z.cursor;
    let found = z.findAmongBackward(FRENCH_A4);
    if (found === 0) return false;
    z.bra = z.cursor;
    switch (found) {
      case 1: if (!z.inR2()) return false; z.sliceDel(); break;
      case 2: // atrice, ateur, ation, then ic
        if (!z.inR2()) return false;
        z.sliceDel();
        z.ket = z.cursor;
        if (!z.eqStringBackward("ic")) break;
        z.bra = z.cursor;
        deleteInR2Else(z, "iqU");
        break;
      case 3: if (!z.inR2()) return false; z.sliceFrom("log"); break;
      case 4: if (!z.inR2()) return false; z.sliceFrom("u"); break;
      case 5: if (!z.inR2()) return false; z.sliceFrom("ent"); break;
      case 6: // ement(s), then iv(at), eus, abl, iqU, ièr
        if (!z.inRV()) return false;
        z.sliceDel();
        z.ket = z.cursor;
        found = z.findAmongBackward(FRENCH_A2);
        if (found === 0) break;
        z.bra = z.cursor;
        if (found === 1) {
          if (!z.inR2()) break;
          z.sliceDel();
          z.ket = z.cursor;
          if (!z.eqStringBackward("at")) break;
          z.bra = z.cursor;
          if (z.inR2()) z.sliceDel();
        } else if (found === 2) {
          if (z.inR2()) z.sliceDel();
          else if (z.inR1()) z.sliceFrom("eux");
        } else if (found === 3) {
          if (z.inR2()) z.sliceDel();
        } else if (z.inRV()) {
          z.sliceFrom("i");
        }
        break;
      case 7: // ité(s), then abil, ic, iv
        if (!z.inR2()) return false;
        z.sliceDel();
        z.ket = z.cursor;
        found = z.findAmongBackward(FRENCH_A3);
        if (found === 0) break;
        z.bra = z.cursor;
        if (found === 1) deleteInR2Else(z, "abl");
        else if (found === 2) deleteInR2Else(z, "iqU");
        else if (z.inR2()) z.sliceDel();
        break;
      case 8: // if, ifs, ive(s), then at, then ic
        if (!z.inR2()) return false;
        z.sliceDel();
        z.ket = z.cursor;
        if (!z.eqStringBackward("at")) break;
        z.bra = z.cursor;
        if (!z.inR2()) break;
        z.sliceDel();
        z.ket = z.cursor;
        if (!z.eqStringBackward("ic")) break;
        z.bra = z.cursor;
        deleteInR2Else(z, "iqU");
        break;
      case 9: z.sliceFrom("eau"); break;
      case 10: if (!z.inR1()) return false; z.sliceFrom("al"); break;
      case 11: if (!z.inGroupingBackward(FRENCH_OUX_ENDING)) return false; z.sliceFrom("ou"); break;
      case 12: // euse(s)
        if (z.inR2()) z.sliceDel();
        else if (z.inR1()) z.sliceFrom("eux");
        else return false;
        break;
      case 13:
        if (!z.inR1() || !z.outGroupingBackward(FRENCH_VOWEL)) return false;
        z.sliceDel();
        break;
      // The last three rewrite the word and then fail on purpose, so that the
      // verb suffixes are still tried on the result.
      case 14: if (z.inRV()) z.sliceFrom("ant"); return false;
      case 15: if (z.inRV()) z.sliceFrom("ent"); return false;
      default: // ment(s) after a vowel in RV
        if (z.inGroupingBackward(FRENCH_VOWEL) && z.inRV()) z.sliceDel();
        return false;
    }
    return true;
  }

  function frenchIVerbSuffix(z) {
    if (z.cursor < z.pV) return false;
    const savedLimit = z.limitBackward;
    z.limitBackward = z.pV;
    z.ket = z.cursor;
    let removed = false;
    if (z.findAmongBackward(FRENCH_A5) !== 0) {
      z.bra = z.cursor;
      if (!z.eqCharBackward("H") && z.outGroupingBackward(FRENCH_VOWEL)) {
        z.sliceDel();
        removed = true;
      }
    }
    z.limitBackward = savedLimit;
    return removed;
  }

  function frenchVerbSuffix(z) {
    if (z.cursor < z.pV) return false;
    const savedLimit = z.limitBackward;
    z.limitBackward = z.pV;
    z.ket = z.cursor;
    let found = z.findAmongBackward(FRENCH_A7);
    if (found === 0) { z.limitBackward = savedLimit; return false; }
    z.bra = z.cursor;
    z.limitBackward = savedLimit;
    if (found === 1) {
      if (!z.inR2()) return false;
      z.sliceDel();
    } else if (found === 2) {
      z.sliceDel();
    } else if (found === 3) {
      const saved = z.fromEnd;
      if (z.eqCharBackward("e") && z.inRV()) z.bra = z.cursor;
      else z.restoreFromEnd(saved);
      z.sliceDel();
    } else {
      const saved = z.fromEnd;
      found = z.findAmongBackward(FRENCH_A6);
      if (found !== 0) {
        if (found !== 1) return false;
        if (z.cursor > z.limitBackward) {
          z.cursor -= 1;
          if (z.cursor <= z.limitBackward) return false;
        }
      }
      z.restoreFromEnd(saved);
      z.sliceDel();
    }
    return true;
  }

  function frenchResidualSuffix(z) {
    let saved = z.fromEnd;
    z.ket = z.cursor;
    if (z.eqCharBackward("s")) {
      z.bra = z.cursor;
      const beforeS = z.fromEnd;
      if (z.eqStringBackward("Hi") || z.outGroupingBackward(FRENCH_KEEP_WITH_S)) {
        z.restoreFromEnd(beforeS);
        z.sliceDel();
      } else {
        z.restoreFromEnd(saved);
      }
    } else {
      z.restoreFromEnd(saved);
    }
    if (z.cursor < z.pV) return false;
    saved = z.limitBackward;
    z.limitBackward = z.pV;
    z.ket = z.cursor;
    const found = z.findAmongBackward(FRENCH_A8);
    if (found === 0) { z.limitBackward = saved; return false; }
    z.bra = z.cursor;
    if (found === 1) {
      if (!z.inR2() || !(z.eqCharBackward("s") || z.eqCharBackward("t"))) {
        z.limitBackward = saved;
        return false;
      }
      z.sliceDel();
    } else if (found === 2) {
      z.sliceFrom("i");
    } else {
      z.sliceDel();
    }
    z.limitBackward = saved;
    return true;
  }

  function frenchUnDouble(z) {
    const saved = z.fromEnd;
    if (z.findAmongBackward(FRENCH_A9) === 0) return;
    z.restoreFromEnd(saved);
    z.ket = z.cursor;
    if (z.cursor <= z.limitBackward) return;
    z.cursor -= 1;
    z.bra = z.cursor;
    z.sliceDel();
  }

  function frenchUnAccent(z) {
    let count = 1;
    while (z.outGroupingBackward(FRENCH_VOWEL)) count -= 1;
    if (count > 0) return;
    z.ket = z.cursor;
    if (!z.eqCharBackward("é") && !z.eqCharBackward("è")) return;
    z.bra = z.cursor;
    z.sliceFrom("e");
  }

  function frenchStem(word) {
    const z = new FrenchMachine(word);
    frenchElisions(z);
    z.cursor = 0;
    z.markEverywhere(frenchPreludeMarkHere);
    z.cursor = 0;
    frenchMarkRegions(z);
    z.limitBackward = z.cursor;
    z.cursor = z.limit;

    // Each step starts from the end of the word (Snowball's "do" and "try").
    let removed = frenchStandardSuffix(z);
    if (!removed) { z.cursor = z.limit; removed = frenchIVerbSuffix(z); }
    if (!removed) { z.cursor = z.limit; removed = frenchVerbSuffix(z); }
    z.cursor = z.limit;
    if (removed) {
      z.ket = z.cursor;
      if (z.eqCharBackward("Y")) { z.bra = z.cursor; z.sliceFrom("i"); }
      else if (z.eqCharBackward("ç")) { z.bra = z.cursor; z.sliceFrom("c"); }
    } else {
      frenchResidualSuffix(z);
    }
    z.cursor = z.limit;
    frenchUnDouble(z);
    z.cursor = z.limit;
    frenchUnAccent(z);
    z.cursor = z.limitBackward;
    frenchPostlude(z);
    return z.current;
  }

  // ---------------------------------------------------------------------------
  // English, Porter2 (english_stemmer.py)
  // ---------------------------------------------------------------------------
  const ENGLISH_AEO = grouping("aeo");
  const ENGLISH_VOWEL = grouping("aeiouy");
  const ENGLISH_VOWEL_WXY = grouping("Yaeiouwxy");
  const ENGLISH_VALID_LI = grouping("cdeghkmnrt");

  const ENGLISH_A0 = [
    ["arsen", -1, -1], ["commun", -1, -1], ["emerg", -1, -1], ["gener", -1, -1],
    ["inter", -1, -1], ["later", -1, -1], ["organ", -1, -1], ["past", -1, -1],
    ["univers", -1, -1],
  ];
  const ENGLISH_A1 = [["'", -1, 1], ["'s'", 0, 1], ["'s", -1, 1]];
  const ENGLISH_A2 = [
    ["ied", -1, 2], ["s", -1, 3], ["ies", 1, 2], ["sses", 1, 1], ["ss", 1, -1], ["us", 1, -1],
  ];
  const ENGLISH_A3 = [["succ", -1, 1], ["proc", -1, 1], ["exc", -1, 1]];
  const ENGLISH_A4 = [
    ["even", -1, 2], ["cann", -1, 2], ["inn", -1, 2], ["earr", -1, 2], ["herr", -1, 2],
    ["out", -1, 2], ["y", -1, 1],
  ];
  const ENGLISH_A5 = [
    ["", -1, -1], ["ed", 0, 2], ["eed", 1, 1], ["ing", 0, 3], ["edly", 0, 2], ["eedly", 4, 1],
    ["ingly", 0, 2],
  ];
  const ENGLISH_A6 = [
    ["", -1, 3], ["bb", 0, 2], ["dd", 0, 2], ["ff", 0, 2], ["gg", 0, 2], ["bl", 0, 1],
    ["mm", 0, 2], ["nn", 0, 2], ["pp", 0, 2], ["rr", 0, 2], ["at", 0, 1], ["tt", 0, 2],
    ["iz", 0, 1],
  ];
  const ENGLISH_A7 = [
    ["anci", -1, 3], ["enci", -1, 2], ["ogi", -1, 14], ["li", -1, 16], ["bli", 3, 12],
    ["abli", 4, 4], ["alli", 3, 8], ["fulli", 3, 9], ["lessli", 3, 15], ["ousli", 3, 10],
    ["entli", 3, 5], ["aliti", -1, 8], ["biliti", -1, 12], ["iviti", -1, 11],
    ["tional", -1, 1], ["ational", 14, 7], ["alism", -1, 8], ["ation", -1, 7],
    ["ization", 17, 6], ["izer", -1, 6], ["ator", -1, 7], ["iveness", -1, 11],
    ["fulness", -1, 9], ["ousness", -1, 10], ["ogist", -1, 13],
  ];
  // Step 2 replacements by result; 14 (ogi after l) and 16 (li) are handled in code.
  const ENGLISH_STEP2 = [
    null, "tion", "ence", "ance", "able", "ent", "ize", "ate", "al", "ful", "ous", "ive", "ble",
    "og", "og", "less",
  ];
  const ENGLISH_A8 = [
    ["icate", -1, 4], ["ative", -1, 6], ["alize", -1, 3], ["iciti", -1, 4], ["ical", -1, 4],
    ["tional", -1, 1], ["ational", 5, 2], ["ful", -1, 5], ["ness", -1, 5],
  ];
  const ENGLISH_STEP3 = [null, "tion", "ate", "al", "ic", ""];
  const ENGLISH_A9 = [
    ["ic", -1, 1], ["ance", -1, 1], ["ence", -1, 1], ["able", -1, 1], ["ible", -1, 1],
    ["ate", -1, 1], ["ive", -1, 1], ["ize", -1, 1], ["iti", -1, 1], ["al", -1, 1],
    ["ism", -1, 1], ["ion", -1, 2], ["er", -1, 1], ["ous", -1, 1], ["ant", -1, 1],
    ["ent", -1, 1], ["ment", 15, 1], ["ement", 16, 1],
  ];
  const ENGLISH_A10 = [["e", -1, 1], ["l", -1, 2]];
  const ENGLISH_A11 = [
    ["andes", -1, -1], ["atlas", -1, -1], ["bias", -1, -1], ["cosmos", -1, -1],
    ["early", -1, 6], ["gently", -1, 4], ["howe", -1, -1], ["idly", -1, 3], ["news", -1, -1],
    ["only", -1, 7], ["singly", -1, 8], ["skies", -1, 2], ["skis", -1, 1], ["sky", -1, -1],
    ["ugly", -1, 5],
  ];
  const ENGLISH_EXCEPTION1 = ["ski", "sky", "idl", "gentl", "ugli", "earli", "onli", "singl"];

  class EnglishMachine extends Machine {
    constructor(word) {
      super(word);
      this.yFound = false;
      this.p1 = 0;
      this.p2 = 0;
    }
    inR1() { return this.p1 <= this.cursor; }
    inR2() { return this.p2 <= this.cursor; }
  }

  function englishPrelude(z) {
    z.yFound = false;
    z.bra = z.cursor;
    if (z.eqChar("'")) { z.ket = z.cursor; z.sliceDel(); }
    z.cursor = 0;
    z.bra = z.cursor;
    if (z.eqChar("y")) { z.ket = z.cursor; z.sliceFrom("Y"); z.yFound = true; }
    z.cursor = 0;
    z.markEverywhere(englishMarkConsonantY);
    z.cursor = 0;
  }

  // A y after a vowel is a consonant: mark it Y so that no vowel test matches it.
  function englishMarkConsonantY(z) {
    if (!z.inGrouping(ENGLISH_VOWEL)) return false;
    z.bra = z.cursor;
    if (!z.eqChar("y")) return false;
    z.ket = z.cursor;
    z.sliceFrom("Y");
    z.yFound = true;
    return true;
  }

  function englishMarkRegions(z) {
    z.p1 = z.limit;
    z.p2 = z.limit;
    const start = z.cursor;
    // A few prefixes (ENGLISH_A0) are R1 themselves, whatever follows them.
    let found = z.findAmong(ENGLISH_A0) !== 0;
    if (!found) {
      z.cursor = start;
      found = z.passVowelThenNonVowel(ENGLISH_VOWEL);
    }
    if (found) {
      z.p1 = z.cursor;
      if (z.passVowelThenNonVowel(ENGLISH_VOWEL)) z.p2 = z.cursor;
    }
    z.cursor = start;
  }

  function englishShortSyllable(z) {
    const saved = z.fromEnd;
    if (z.outGroupingBackward(ENGLISH_VOWEL_WXY) && z.inGroupingBackward(ENGLISH_VOWEL) &&
        z.outGroupingBackward(ENGLISH_VOWEL)) return true;
    z.restoreFromEnd(saved);
    if (z.outGroupingBackward(ENGLISH_VOWEL) && z.inGroupingBackward(ENGLISH_VOWEL) &&
        z.cursor <= z.limitBackward) return true;
    z.restoreFromEnd(saved);
    return z.eqStringBackward("past");
  }

  function englishStep1a(z) {
    const saved = z.fromEnd;
    z.ket = z.cursor;
    if (z.findAmongBackward(ENGLISH_A1) === 0) z.restoreFromEnd(saved);
    else { z.bra = z.cursor; z.sliceDel(); }
    z.ket = z.cursor;
    const found = z.findAmongBackward(ENGLISH_A2);
    if (found === 0) return;
    z.bra = z.cursor;
    if (found === 1) {
      z.sliceFrom("ss");
    } else if (found === 2) {
      if (z.cursor - 2 < z.limitBackward) z.sliceFrom("ie");
      else { z.cursor -= 2; z.sliceFrom("i"); }
    } else if (found === 3) {
      if (z.cursor <= z.limitBackward) return;
      z.cursor -= 1;
      if (!z.retreatToMember(ENGLISH_VOWEL)) return;
      z.cursor -= 1;
      z.sliceDel();
    }
  }

  // The first branch of Step 1b's "or": true when it settled the word.
  function englishStep1bSpecialCases(z, found) {
    if (found === 1) { // eed, eedly
      const saved = z.fromEnd;
      if (z.inR1()) {
        const beforeStem = z.fromEnd;
        const keep = z.findAmongBackward(ENGLISH_A3) !== 0 && z.cursor <= z.limitBackward;
        if (!keep) { z.restoreFromEnd(beforeStem); z.sliceFrom("ee"); }
      }
      z.restoreFromEnd(saved);
      return true;
    }
    if (found === 2) return false; // ed, edly, ingly
    if (found === 3) { // ing
      found = z.findAmongBackward(ENGLISH_A4);
      if (found === 0) return false;
      if (found === 1) {
        const saved = z.fromEnd;
        if (!z.outGroupingBackward(ENGLISH_VOWEL) || z.cursor > z.limitBackward) return false;
        z.restoreFromEnd(saved);
        z.bra = z.cursor;
        z.sliceFrom("ie");
      } else if (z.cursor > z.limitBackward) {
        return false;
      }
    }
    return true;
  }

  function englishStep1b(z) {
    z.ket = z.cursor;
    let found = z.findAmongBackward(ENGLISH_A5);
    z.bra = z.cursor;
    const saved = z.fromEnd;
    if (englishStep1bSpecialCases(z, found)) return;
    z.restoreFromEnd(saved);
    const beforeVowelTest = z.fromEnd;
    if (!z.retreatToMember(ENGLISH_VOWEL)) return;
    z.restoreFromEnd(beforeVowelTest);
    z.sliceDel();
    z.ket = z.cursor;
    z.bra = z.cursor;
    const beforeEnding = z.fromEnd;
    found = z.findAmongBackward(ENGLISH_A6);
    if (found === 1) { // at, bl, iz
      z.sliceFrom("e");
      return;
    } else if (found === 2) { // double consonant
      const saved2 = z.fromEnd;
      if (z.inGroupingBackward(ENGLISH_AEO) && z.cursor <= z.limitBackward) return;
      z.restoreFromEnd(saved2);
    } else {
      if (z.cursor !== z.p1) return;
      const saved3 = z.fromEnd;
      if (!englishShortSyllable(z)) return;
      z.restoreFromEnd(saved3);
      z.sliceFrom("e");
      return;
    }
    z.restoreFromEnd(beforeEnding);
    z.ket = z.cursor;
    if (z.cursor <= z.limitBackward) return;
    z.cursor -= 1;
    z.bra = z.cursor;
    z.sliceDel();
  }

  function englishStep1c(z) {
    z.ket = z.cursor;
    if (!z.eqCharBackward("y") && !z.eqCharBackward("Y")) return;
    z.bra = z.cursor;
    if (!z.outGroupingBackward(ENGLISH_VOWEL)) return;
    if (z.cursor <= z.limitBackward) return;
    z.sliceFrom("i");
  }

  function englishStep2(z) {
    z.ket = z.cursor;
    const found = z.findAmongBackward(ENGLISH_A7);
    if (found === 0) return;
    z.bra = z.cursor;
    if (!z.inR1()) return;
    if (found === 14 && !z.eqCharBackward("l")) return;
    if (found === 16) {
      if (!z.inGroupingBackward(ENGLISH_VALID_LI)) return;
      z.sliceDel();
      return;
    }
    z.sliceFrom(ENGLISH_STEP2[found]);
  }

  function englishStep3(z) {
    z.ket = z.cursor;
    const found = z.findAmongBackward(ENGLISH_A8);
    if (found === 0) return;
    z.bra = z.cursor;
    if (!z.inR1()) return;
    if (found === 6) {
      if (!z.inR2()) return;
      z.sliceDel();
      return;
    }
    z.sliceFrom(ENGLISH_STEP3[found]);
  }

  function englishStep4(z) {
    z.ket = z.cursor;
    const found = z.findAmongBackward(ENGLISH_A9);
    if (found === 0) return;
    z.bra = z.cursor;
    if (!z.inR2()) return;
    if (found === 2 && !z.eqCharBackward("s") && !z.eqCharBackward("t")) return;
    z.sliceDel();
  }

  function englishStep5(z) {
    z.ket = z.cursor;
    const found = z.findAmongBackward(ENGLISH_A10);
    if (found === 0) return;
    z.bra = z.cursor;
    if (found === 1) {
      if (!z.inR2()) {
        if (!z.inR1()) return;
        const saved = z.fromEnd;
        if (englishShortSyllable(z)) return;
        z.restoreFromEnd(saved);
      }
      z.sliceDel();
    } else {
      if (!z.inR2() || !z.eqCharBackward("l")) return;
      z.sliceDel();
    }
  }

  function englishException1(z) {
    z.bra = z.cursor;
    const found = z.findAmong(ENGLISH_A11);
    if (found === 0) return false;
    z.ket = z.cursor;
    if (z.cursor < z.limit) return false;
    if (found > 0) z.sliceFrom(ENGLISH_EXCEPTION1[found - 1]);
    return true;
  }

  function englishUnmarkY(z) {
    z.bra = z.cursor;
    if (!z.eqChar("Y")) return false;
    z.ket = z.cursor;
    z.sliceFrom("y");
    return true;
  }

  const ENGLISH_STEPS = [
    englishStep1a, englishStep1b, englishStep1c, englishStep2, englishStep3, englishStep4,
    englishStep5,
  ];

  function englishStem(word) {
    const z = new EnglishMachine(word);
    if (englishException1(z)) return z.current;
    z.cursor = 0;
    if (z.limit < 3) return z.current; // words of one or two letters stay as they are
    englishPrelude(z);
    englishMarkRegions(z);
    z.limitBackward = z.cursor;
    for (const step of ENGLISH_STEPS) {
      z.cursor = z.limit; // every step starts from the end of the word
      step(z);
    }
    z.cursor = z.limitBackward;
    if (z.yFound) z.markEverywhere(englishUnmarkY);
    return z.current;
  }

  // ---------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------

  // Python indexes strings by code point, JavaScript by UTF-16 unit. Characters
  // outside the BMP are swapped for private-use placeholders (absent from the
  // word; like the originals, in no grouping and above every table character),
  // so positions and lengths count the same as in Python.
  const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

  function stemByCodePoint(word, stem) {
    if (!SURROGATE_PAIR.test(word)) return stem(word);
    const placeholders = new Map();
    const originals = new Map();
    let next = 0xe000;
    let masked = "";
    for (const char of word) {
      if (char.length === 2 && SURROGATE_PAIR.test(char)) {
        let placeholder = placeholders.get(char);
        if (placeholder === undefined) {
          do placeholder = String.fromCharCode(next++); while (word.includes(placeholder));
          placeholders.set(char, placeholder);
          originals.set(placeholder, char);
        }
        masked += placeholder;
      } else {
        masked += char;
      }
    }
    let result = "";
    for (const char of stem(masked)) result += originals.get(char) || char;
    return result;
  }

  const CACHE_SIZE = 20000;

  function cached(stem) {
    const cache = new Map();
    return function (word) {
      word = String(word);
      let result = cache.get(word);
      if (result === undefined) {
        result = stemByCodePoint(word, stem);
        if (cache.size >= CACHE_SIZE) cache.clear();
        cache.set(word, result);
      }
      return result;
    };
  }

  return Object.freeze({
    french: cached(frenchStem),
    english: cached(englishStem),
    snowballVersion: "3.1.1",
  });
});
