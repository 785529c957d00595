// client-files.js: the files of the client index (museumxtd_search/site/client_index.py,
// docs/client-index.md): where a word or term lives, and the files fetched so far.

const ASCII_LETTER_OR_DIGIT = /^[A-Za-z0-9]$/;

/**
 * shard_key(term, depth): the words shard of a folded word, title key or tag key:
 * its first `depth` folded letters or digits, each other character (and a missing
 * one) written "_".
 */
function shardKey(term, depth = 1) {
  const folded = Array.from(fold(firstPoints(term, depth)).toLowerCase()).slice(0, depth);
  let result = "";
  for (let i = 0; i < depth; i++) {
    result += i < folded.length && ASCII_LETTER_OR_DIGIT.test(folded[i]) ? folded[i] : "_";
  }
  return result;
}

/**
 * term_bucket(term, buckets): the posting bucket of a term or exact word, FNV-1a
 * 32-bit of its UTF-8 bytes modulo `buckets` (a lone surrogate counts as U+FFFD,
 * as TextEncoder writes it; the index holds none).
 */
function termBucket(term, buckets) {
  let hash = 0x811c9dc5;
  const mix = (byte) => {
    hash = Math.imul(hash ^ byte, 0x01000193);
  };
  for (let i = 0; i < term.length; i++) {
    let code = term.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < term.length ? term.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x80) {
      mix(code);
    } else if (code < 0x800) {
      mix(0xc0 | (code >> 6));
      mix(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      mix(0xe0 | (code >> 12));
      mix(0x80 | ((code >> 6) & 0x3f));
      mix(0x80 | (code & 0x3f));
    } else {
      mix(0xf0 | (code >> 18));
      mix(0x80 | ((code >> 12) & 0x3f));
      mix(0x80 | ((code >> 6) & 0x3f));
      mix(0x80 | (code & 0x3f));
    }
  }
  return (hash >>> 0) % buckets;
}

// Python's base64.b85encode alphabet (RFC 1924): packed data files are written in it.
const BASE85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
const BASE85_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE85.length; i++) BASE85_VALUES[BASE85.charCodeAt(i)] = i;

// A group of base 85 digits is one big-endian 32-bit word: one digit more than its bytes.
const WORD_BYTES = Uint32Array.BYTES_PER_ELEMENT;
const WORD_DIGITS = WORD_BYTES + 1;

/**
 * b85decode(text): the bytes of a string of base 85 digits, a group of digits per
 * word, a last group of n + 1 digits for n bytes (padded with the highest digit, as
 * Python reads it).
 */
function decodeBase85(text) {
  const padding = (WORD_DIGITS - (text.length % WORD_DIGITS)) % WORD_DIGITS;
  const size = ((text.length + padding) / WORD_DIGITS) * WORD_BYTES;
  const bytes = new Uint8Array(size);
  const words = new DataView(bytes.buffer);
  const highest = BASE85.length - 1;
  for (let i = 0, at = 0; i < text.length; i += WORD_DIGITS, at += WORD_BYTES) {
    let word = 0;
    for (let j = i; j < i + WORD_DIGITS; j++) {
      const code = j < text.length ? text.charCodeAt(j) : -1;
      const value = code < 0 ? highest : code < BASE85_VALUES.length ? BASE85_VALUES[code] : -1;
      if (value < 0) throw new Error("MXSearch: bad base 85 digit at " + j);
      word = word * BASE85.length + value;
    }
    if (word > 0xffffffff) throw new Error("MXSearch: base 85 group out of range at " + i);
    words.setUint32(at, word);
  }
  return bytes.subarray(0, size - padding);
}

/**
 * The data of a data file (search_files.py): its JSON as is, or a string, which is
 * the JSON packed (raw deflate, then base 85 digits), inflated by the browser's (or
 * Node's) DecompressionStream. Always a Promise.
 */
function unpackData(payload) {
  if (typeof payload !== "string") return Promise.resolve(payload);
  let inflating;
  try {
    inflating = new DecompressionStream("deflate-raw"); // Chrome 103, Firefox 113, Safari 16.4
  } catch (error) {
    return Promise.reject(new Error("this browser cannot unpack the search index ("
      + error.message + ")"));
  }
  const stream = new Blob([decodeBase85(payload)]).stream().pipeThrough(inflating);
  return new Response(stream).text().then(JSON.parse);
}

/**
 * The data of a data file's text, MXSearchData("name",<data>);: what sits between the
 * first comma and the last parenthesis, unpacked. A Promise.
 */
function parseDataFile(text) {
  return unpackData(JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")"))));
}

/**
 * decode_postings(flat, positional): a posting list as written (client_index.py
 * Postings: per note its gap from the previous note, tf, field length, then in a
 * positional field its tf positions) as [[doc, tf, length, positions...], ...].
 */
function decodePostings(flat, positional) {
  const list = [];
  let doc = 0;
  for (let at = 0; at < flat.length;) {
    const width = positional ? 3 + flat[at + 1] : 3;
    doc += flat[at];
    const posting = flat.slice(at, at + width);
    posting[0] = doc;
    list.push(posting);
    at += width;
  }
  return list;
}

const EMPTY_WORDS = { words: {}, spellings: {}, keys: {}, tags: {} };
const EMPTY_BUCKET = {};

/**
 * One loaded manifest and the files fetched so far: words shards ("words-<k>")
 * and posting buckets ("post-<n>"). Everything here is synchronous: callers
 * `await index.load(names)` before looking words or terms up.
 */
class IndexView {
  constructor(manifest, file) {
    if (manifest.format !== FORMAT) {
      throw new Error("MXSearch: client index format " + manifest.format + ", expected " + FORMAT);
    }
    useRules(manifest.rules);
    this.manifest = manifest;
    this.file = file;
    this.docCount = manifest.doc_count;
    this.averageLengths = new Map(Object.entries(manifest.avg_lengths));
    this.boosts = manifest.boosts || {};
    this.depth = manifest.shard_depth || 1;
    this.bucketCount = manifest.buckets;
    this.filterBuckets = manifest.filter_buckets;
    this.fragmentsPerFile = manifest.fragments_per_file;
    this.wordsFiles = manifest.shards.map((name) => "words-" + name);
    this.available = new Set(this.wordsFiles);
    this.wordsFileOf = new Map();
    this.postingsFileOf = new Map();
    this.loaded = new Map();
    this.pending = new Map();
    this.postingIndexes = new WeakMap();
    this.decodedPostings = new WeakMap();
  }

  /** "fragments/<k>": the file holding note `doc`'s fragment (fragmentIn picks it). */
  fragmentFile(doc) {
    return "fragments/" + Math.floor(doc / this.fragmentsPerFile);
  }

  /** Note `doc`'s fragment in its loaded fragment file `data`. */
  fragmentIn(data, doc) {
    return data[doc % this.fragmentsPerFile];
  }

  /** "words-<k>": the words shard of a folded word, title key or tag key. */
  wordsFile(word) {
    let name = this.wordsFileOf.get(word);
    if (name === undefined) {
      name = "words-" + shardKey(word, this.depth);
      if (this.wordsFileOf.size > 100000) this.wordsFileOf.clear();
      this.wordsFileOf.set(word, name);
    }
    return name;
  }

  /**
   * "post-<n>": the posting bucket of a term or exact word, or of a filter's term
   * (holding filter_term_mark) among the filter buckets after them (posting_bucket).
   */
  postingsFile(term) {
    let name = this.postingsFileOf.get(term);
    if (name === undefined) {
      name = "post-" + (term.includes(rules().filter_term_mark) ? this.bucketCount + termBucket(term, this.filterBuckets)
        : termBucket(term, this.bucketCount));
      if (this.postingsFileOf.size > 100000) this.postingsFileOf.clear();
      this.postingsFileOf.set(term, name);
    }
    return name;
  }

  /**
   * The words shards holding every folded word that starts with `prefix` (itself
   * folded and lowercase): one shard, or every shard starting with the prefix's
   * letters when the prefix is shorter than a shard name ("" -> every shard).
   */
  prefixFiles(prefix) {
    const letters = Math.min(codePointLength(fold(firstPoints(prefix, this.depth))), this.depth);
    if (letters === this.depth) return [this.wordsFile(prefix)];
    const start = "words-" + shardKey(prefix, this.depth).slice(0, letters);
    return this.wordsFiles.filter((name) => name.startsWith(start));
  }

  /** Fetch the files `names` (words shards that exist, any bucket), once each. */
  load(names) {
    const waits = [];
    for (const name of new Set(names)) {
      if (this.loaded.has(name)) continue;
      if (name.startsWith("words-") && !this.available.has(name)) continue;
      let wait = this.pending.get(name);
      if (!wait) {
        wait = this.file(name).then((data) => {
          this.loaded.set(name, data);
          this.pending.delete(name);
        }, (error) => {
          this.pending.delete(name);
          throw error;
        });
        this.pending.set(name, wait);
      }
      waits.push(wait);
    }
    return Promise.all(waits);
  }

  /** Every word of the garden with its number of notes, in one file (typo fixes). */
  loadAllWords() {
    return this.load(["vocabulary"]);
  }

  /** The loaded words shard of `word` (empty when absent or not loaded). */
  wordsShard(word) {
    return this.loaded.get(this.wordsFile(word)) || EMPTY_WORDS;
  }

  /** Notes with the exact title key `titleKey` (its words shard loaded). */
  keyNotes(titleKey) {
    return own(this.wordsShard(titleKey).keys, titleKey) || [];
  }

  /** Notes with the tag key `tagKey` (its words shard loaded). */
  tagNotes(tagKey) {
    return own(this.wordsShard(tagKey).tags, tagKey) || [];
  }

  /** The note's search_boost (1 unless the manifest lists it). */
  boost(doc) {
    return own(this.boosts, String(doc)) || 1.0;
  }

  /** Notes containing the folded word (the "words" field's doc frequency). */
  wordNotes(word) {
    return own(this.wordsShard(word).words, word) || 0;
  }

  /**
   * [[folded word, notes], ...] of the given words shards, or of the whole garden
   * when omitted (loadAllWords() first).
   */
  vocabulary(names) {
    if (names === undefined) {
      return Object.entries((this.loaded.get("vocabulary") || EMPTY_WORDS).words);
    }
    const result = [];
    for (const name of names) {
      const vocabulary = (this.loaded.get(name) || EMPTY_WORDS).words;
      for (const word in vocabulary) {
        if (hasOwn.call(vocabulary, word)) result.push([word, vocabulary[word]]);
      }
    }
    return result;
  }

  /**
   * display_forms.get(folded): the garden spelling of a folded word (its most
   * frequent accented spelling), or undefined. Load wordsFile(folded) first.
   */
  displayForm(folded) {
    return own(this.wordsShard(folded).spellings, folded);
  }

  /**
   * [[doc, tf, length, positions...], ...] of `term` in `field` ("exact" for an
   * exact word), or undefined. Load postingsFile(term) first. The file holds each
   * list flat and gap-coded (decodePostings); it is decoded once, on first use.
   */
  postings(field, term) {
    const flat = own(own(this.loaded.get(this.postingsFile(term)) || EMPTY_BUCKET, field), term);
    if (flat === undefined) return undefined;
    let list = this.decodedPostings.get(flat);
    if (!list) {
      list = decodePostings(flat, rules().positional.includes(field));
      this.decodedPostings.set(flat, list);
    }
    return list;
  }

  /** doc -> posting, built once per posting list (for phrases). */
  postingIndex(list) {
    let index = this.postingIndexes.get(list);
    if (!index) {
      index = new Map(list.map((posting) => [posting[0], posting]));
      this.postingIndexes.set(list, index);
    }
    return index;
  }

  /** The BM25F score of one posting [doc, tf, length, ...] of `field`. */
  termScore(field, idfValue, posting) {
    return termScore(idfValue, posting[1], posting[2], this.averageLengths.get(field) || 1);
  }

  /** The idf of a term whose posting list in one field is `list`. */
  idf(list) {
    return idf(this.docCount, list.length);
  }
}
