// typos.js: typo corrections and prefix expansions (museumxtd_search/analysis/typos.py).

/** allowed_edits(): how many edits a correction of `word` may make. */
function allowedEdits(word) {
  const length = codePointLength(word);
  if (length < rules().correction_min_letters) return 0;
  return length <= rules().one_edit_up_to ? 1 : 2;
}

/** edit_distance(): optimal string alignment, or limit + 1 once it exceeds limit. */
function editDistance(first, second, limit) {
  const a = codePoints(first);
  const b = codePoints(second);
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previousPrevious = [];
  let previous = [];
  for (let j = 0; j <= b.length; j++) previous.push(j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array(b.length + 1).fill(0);
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, previousPrevious[j - 2] + 1);
      }
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[b.length];
}

/** same_start(): same first letter, or the first two letters swapped. */
function sameStart(word, candidate) {
  const [first, second] = word; // code points, as Python indexes them
  const [otherFirst, otherSecond] = candidate;
  return first === otherFirst ||
    (second !== undefined && otherFirst === second && otherSecond === first);
}

/**
 * best_correction(): the closest vocabulary word keeping the first letter (sameStart;
 * smallest distance, then most notes, then code point order), or null. `vocabulary`
 * yields [folded word, notes].
 */
function bestCorrection(word, vocabulary) {
  const limit = allowedEdits(word);
  if (limit === 0) return null;
  const length = codePointLength(word);
  let best = null;
  for (const [candidate, frequency] of vocabulary) {
    if (candidate === word || Math.abs(codePointLength(candidate) - length) > limit ||
        !sameStart(word, candidate)) continue;
    const distance = editDistance(word, candidate, limit);
    if (distance > limit) continue;
    if (best === null || distance < best[0] ||
        (distance === best[0] && (frequency > best[1] ||
          (frequency === best[1] && compareCodePoints(candidate, best[2]) < 0)))) {
      best = [distance, frequency, candidate];
    }
  }
  return best ? best[2] : null;
}

/** prefix_expansions(): the words starting with `prefix`, most notes first, then A-Z. */
function prefixExpansions(prefix, vocabulary) {
  const matches = [];
  for (const [word, frequency] of vocabulary) {
    if (word.startsWith(prefix)) matches.push([frequency, word]);
  }
  matches.sort((x, y) => (y[0] - x[0]) || compareCodePoints(x[1], y[1]));
  return matches.slice(0, rules().prefix_expansions).map((item) => item[1]);
}
