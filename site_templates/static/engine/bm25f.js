// bm25f.js: the BM25F formula (museumxtd_search/engine/bm25f.py), written with the
// same operations in the same order, so both engines give the same floats.

/** idf = ln(N / (df + 1)) + 1. */
function idf(docCount, docFrequency) {
  return Math.log(docCount / (docFrequency + 1)) + 1;
}

/** idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))). */
function termScore(idfValue, tf, length, average) {
  const k1 = rules().bm25.k1;
  const b = rules().bm25.b;
  return idfValue * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / average)));
}
