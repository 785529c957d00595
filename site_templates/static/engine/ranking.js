// ranking.js: how results are ordered (museumxtd_search/engine/ranking.py): more
// units matched first, then notes whose title is the query, then score times the
// note's boost, then path (document numbers follow paths).

/** Orders ranking rows [doc, units matched, 0 when the title is the query, score]. */
function compareRows(x, y) {
  return (y[1] - x[1]) || (x[2] - y[2]) ||
    (x[3] > y[3] ? -1 : x[3] < y[3] ? 1 : 0) || (x[0] - y[0]);
}

/**
 * The first `count` rows in `compareRows` order, without sorting them all: one
 * pass keeps a sorted shortlist (a full sort when the shortlist would be long).
 */
function firstRows(rows, count) {
  if (count <= 0) return [];
  if (count > 64) return rows.sort(compareRows).slice(0, count);
  const best = [];
  for (const row of rows) {
    if (best.length === count && compareRows(row, best[count - 1]) >= 0) continue;
    let at = best.length === count ? count - 1 : best.length;
    while (at > 0 && compareRows(row, best[at - 1]) < 0) {
      best[at] = best[at - 1];
      at -= 1;
    }
    best[at] = row;
  }
  return best;
}
