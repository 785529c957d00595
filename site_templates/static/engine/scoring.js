// scoring.js: how a score is computed (museumxtd_search/engine/scoring.py), in the
// order declared there: a clause adds its leaves left to right, a unit its clauses,
// the query its units and then the proximity bonus (the sum of its phrases); a phrase
// adds its words' scores left to right, then multiplies by its weight.

/**
 * A leaf's matches as {docs, scores}, parallel arrays in posting order. A term
 * scores its BM25F score times its weight; a phrase (its words in order, each 1..slop
 * positions after the previous one) the sum of its words' scores, added left to
 * right, times its weight. `memo` shares them within one query.
 */
function leafScores(index, leaf, memo) {
  const memoKey = leaf.field + "\u0000" + leaf.slop + "\u0000" + leaf.weight + "\u0000" +
    leaf.words.join("\u0000");
  let found = memo.get(memoKey);
  if (found) return found;
  found = { docs: [], scores: [] };
  memo.set(memoKey, found);
  const lists = leaf.words.map((word) => index.postings(leaf.field, word));
  if (lists.some((list) => !list)) return found;
  const idfs = lists.map((list) => index.idf(list));
  if (lists.length === 1) {
    const list = lists[0];
    const idfValue = idfs[0];
    const weight = leaf.weight;
    found.docs = new Int32Array(list.length);
    found.scores = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      found.docs[i] = list[i][0];
      const score = index.termScore(leaf.field, idfValue, list[i]);
      found.scores[i] = weight === 1 ? score : score * weight;
    }
    return found;
  }
  const indexes = lists.map((list) => index.postingIndex(list));
  const postings = new Array(lists.length);
  for (const first of lists[0]) {
    const doc = first[0];
    let all = true;
    for (let i = 0; i < indexes.length && all; i++) {
      postings[i] = i === 0 ? first : indexes[i].get(doc);
      all = postings[i] !== undefined;
    }
    if (!all || !phraseOccurs(postings, leaf.slop)) continue;
    // The words' scores added left to right, then boosted (engine/scoring.py).
    let sum = index.termScore(leaf.field, idfs[0], postings[0]);
    for (let i = 1; i < postings.length; i++) {
      sum += index.termScore(leaf.field, idfs[i], postings[i]);
    }
    found.docs.push(doc);
    found.scores.push(leaf.weight === 1 ? sum : sum * leaf.weight);
  }
  return found;
}

// Two position buffers reused by every phrase check (phrases run synchronously).
const positionBuffers = [new Int32Array(256), new Int32Array(256)];

function positionBuffer(which, size) {
  if (positionBuffers[which].length < size) positionBuffers[which] = new Int32Array(size * 2);
  return positionBuffers[which];
}

/**
 * Whether positions p1 < p2 < ... of the words exist with 1 <= p(i+1) - p(i) <=
 * slop. Postings are [doc, tf, length, p0, d1, d2, ...]: positions are decoded
 * as they are read, into reused buffers (phrases check thousands of notes).
 */
function phraseOccurs(postings, slop) {
  const first = postings[0];
  let reachable = positionBuffer(0, first.length);
  let reachableCount = 0;
  let position = 0;
  for (let i = 3; i < first.length; i++) {
    position += first[i];
    reachable[reachableCount++] = position;
  }
  for (let word = 1; word < postings.length && reachableCount; word++) {
    const posting = postings[word];
    const kept = positionBuffer(word % 2, posting.length);
    let keptCount = 0;
    let j = 0;
    position = 0;
    for (let i = 3; i < posting.length; i++) {
      position += posting[i];
      while (j < reachableCount && reachable[j] < position - slop) j += 1;
      if (j < reachableCount && reachable[j] <= position - 1) kept[keptCount++] = position;
    }
    reachable = kept;
    reachableCount = keptCount;
  }
  return reachableCount > 0;
}

/** Marks (1) in `marks`, one byte per note, the notes matching any of `leaves`. */
function markDocs(index, leaves, memo, marks) {
  for (const leaf of leaves) {
    for (const doc of leafScores(index, leaf, memo).docs) marks[doc] = 1;
  }
  return marks;
}

/**
 * The query's scores, added in the declared order, for the notes `kept(doc)` lets
 * through: {scores (one slot per note), unitsMatched (per note), touched (the notes
 * reached, in the order first reached)}. `unitClauses[u][c]` are the leaves of clause
 * c of unit u (only the first `counted` count in unitsMatched: the others are a
 * query's choices, which every kept note satisfies); `proximity` the bonus phrases. A slot that a part does not reach adds
 * nothing: each sum starts from 0, and 0 + x is x.
 */
function queryScores(index, unitClauses, proximity, memo, kept, counted = unitClauses.length) {
  const count = index.docCount;
  const scores = new Float64Array(count);
  const seen = new Uint8Array(count);
  const unitsMatched = new Int32Array(count);
  const touched = [];
  const partSums = new Float64Array(count);
  const leafSums = new Float64Array(count);
  const inPart = new Uint8Array(count);
  const inLeaves = new Uint8Array(count);
  // Sum, part by part, of `parts` whose each is the sum of its leaves: the notes reached.
  const sumOfSums = (parts) => {
    const reached = [];
    for (const leaves of parts) {
      const reachedHere = [];
      for (const leaf of leaves) {
        const found = leafScores(index, leaf, memo);
        const docs = found.docs;
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i];
          if (!kept(doc)) continue;
          if (!inLeaves[doc]) {
            inLeaves[doc] = 1;
            reachedHere.push(doc);
          }
          leafSums[doc] += found.scores[i];
        }
      }
      for (const doc of reachedHere) {
        if (!inPart[doc]) {
          inPart[doc] = 1;
          reached.push(doc);
        }
        partSums[doc] += leafSums[doc];
        leafSums[doc] = 0;
        inLeaves[doc] = 0;
      }
    }
    return reached;
  };
  const addToScores = (reached, isUnit) => {
    for (const doc of reached) {
      if (!seen[doc]) {
        seen[doc] = 1;
        touched.push(doc);
      }
      scores[doc] += partSums[doc];
      if (isUnit) unitsMatched[doc] += 1;
      partSums[doc] = 0;
      inPart[doc] = 0;
    }
  };
  unitClauses.forEach((clauses, number) => addToScores(sumOfSums(clauses), number < counted));
  // The bonus is one more part of the query, its phrases its leaves.
  if (proximity.length) addToScores(sumOfSums([proximity]), false);
  return { scores, unitsMatched, touched };
}
