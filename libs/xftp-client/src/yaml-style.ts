// How upstream's YAML library (Haskell `yaml`, `Data.Yaml.Internal`) types and quotes scalars, so
// that descriptions written here are byte-identical to upstream's and parse to the same values.
// Writing: `defaultStringStyle` single-quotes the empty string, the YAML 1.1 booleans/nulls in
// `specialStrings` and anything `textToScientific` reads as a number; other strings stay plain.
// Reading: `textToValue` turns plain (and literal block) scalars into null, booleans or numbers by
// the same rules; quoted and folded scalars are always strings. The `yaml` package parses with its
// failsafe schema (every scalar a string) and this module applies those rules instead of YAML 1.2's.
import {
  Document,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
} from 'yaml';
import type { Node } from 'yaml';
import { FileDescriptionError } from './errors.ts';

/** A parsed YAML value as upstream's `Data.Yaml` (aeson `Value`) sees it. */
export type YamlValue = null | boolean | number | string | YamlValue[] | { [k: string]: YamlValue };

const SPECIAL = new Set(
  'y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL ~ *'.split(
    ' ',
  ),
);

// `textToScientific`: `0x` hex, `0o` octal, or attoparsec's `scientific` (sign, digits, optional
// fraction that may be empty, optional exponent), all of the text.
const NUMERIC = /^(?:0x[0-9a-fA-F]+|0o[0-7]+|[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)$/;

/** Upstream `isSpecialString`: a plain scalar with this text would not read back as a string. */
export function isSpecialString(s: string): boolean {
  return SPECIAL.has(s) || NUMERIC.test(s);
}

/** A scalar node styled as upstream's encoder styles a string (`stringScalar defaultStringStyle`). */
export function stringNode(s: string): Scalar<string> {
  const n = new Scalar(s);
  n.type =
    s === '' || isSpecialString(s)
      ? Scalar.QUOTE_SINGLE
      : s.includes('\n')
        ? Scalar.BLOCK_LITERAL
        : Scalar.PLAIN;
  return n;
}

/** A plain integer scalar (aeson `Number`). */
export function integerNode(n: number): Scalar<string> {
  if (!Number.isSafeInteger(n)) throw new RangeError('YAML integer out of range');
  const s = new Scalar(String(n));
  s.type = Scalar.PLAIN;
  return s;
}

/** A block mapping with keys in the given order (upstream's encoder sorts keys; callers pass them sorted). */
export function mapNode(entries: readonly (readonly [string, Node])[]): YAMLMap {
  const m = new YAMLMap();
  for (const [k, v] of entries) m.items.push(new Pair(stringNode(k), v));
  return m;
}

/** A block sequence (empty: `[]`, as libyaml writes it). */
export function seqNode(items: readonly Node[]): YAMLSeq {
  const s = new YAMLSeq();
  s.items.push(...items);
  return s;
}

/**
 * Text of a document as libyaml writes it for upstream: no document markers, sequences not indented
 * under their key, two-space indent, no line folding (libyaml breaks plain scalars only at spaces,
 * which no description value has), single quotes when quoting is needed.
 */
export function renderYaml(contents: Node): string {
  const doc = new Document(null, { schema: 'failsafe' });
  doc.contents = contents;
  return doc.toString({ indent: 2, indentSeq: false, lineWidth: 0, singleQuote: true });
}

// upstream `textToValue` for an untyped plain scalar
function resolvePlain(t: string): YamlValue {
  if (t === 'null' || t === 'Null' || t === 'NULL' || t === '~' || t === '') return null;
  const like = (ref: string): boolean =>
    t === ref || t === ref.toUpperCase() || t === ref[0]?.toUpperCase() + ref.slice(1);
  if (['y', 'yes', 'on', 'true'].some(like)) return true;
  if (['n', 'no', 'off', 'false'].some(like)) return false;
  if (NUMERIC.test(t)) {
    if (t.startsWith('0x')) return Number(BigInt(t));
    if (t.startsWith('0o')) return Number(BigInt(`0o${t.slice(2)}`));
    return Number(t);
  }
  return t;
}

const STR_TAG = 'tag:yaml.org,2002:str';

/**
 * Parses one YAML document into a {@link YamlValue} as upstream's `Data.Yaml.decodeEither'` would:
 * one document only, string keys only, a repeated key keeps its last value.
 */
export function parseYaml(text: string): YamlValue {
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false, prettyErrors: false });
  const err = doc.errors[0];
  if (err !== undefined)
    throw new FileDescriptionError(`invalid YAML: ${err.message}`, { cause: err });
  // Each node is converted once, so aliases cannot blow up the work ("billion laughs").
  const seen = new Map<unknown, YamlValue>();
  const toValue = (n: unknown): YamlValue => {
    if (n === null || n === undefined) return null;
    const done = seen.get(n);
    if (done !== undefined) return done;
    const v = convert(n);
    seen.set(n, v);
    return v;
  };
  const convert = (n: unknown): YamlValue => {
    if (isAlias(n)) return toValue(n.resolve(doc));
    if (isScalar(n)) {
      const t = String(n.value);
      const isString =
        n.type === Scalar.QUOTE_SINGLE ||
        n.type === Scalar.QUOTE_DOUBLE ||
        n.type === Scalar.BLOCK_FOLDED ||
        n.tag === STR_TAG;
      return isString ? t : resolvePlain(t);
    }
    if (isSeq(n)) return n.items.map(toValue);
    if (isMap(n)) {
      const o: { [k: string]: YamlValue } = {};
      for (const { key, value } of n.items) {
        const k = isAlias(key) ? key.resolve(doc) : key;
        if (!isScalar(k)) throw new FileDescriptionError('Non-string keys are not supported');
        // defineProperty: a key named `__proto__` must stay an ordinary field
        Object.defineProperty(o, String(k.value), {
          value: toValue(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return o;
    }
    throw new FileDescriptionError('unsupported YAML node');
  };
  return toValue(doc.contents);
}
