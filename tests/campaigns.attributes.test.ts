// The candidate loop checks attribute blocks through typed arrays (UnitAttributes) instead of the
// profiles. It must agree with attributeBlock on every pair, including absent values and agencies
// related through region or hierarchy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeBlock, UnitAttributes, type DocProfile } from '../pipeline/lib/campaignLinking.js';

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 3 });

const profileAttributes = fc.record({
  years: maybe(fc.tuple(fc.integer({ min: 2015, max: 2024 }), fc.integer({ min: 0, max: 3 })).map(([lo, span]) => [lo, lo + span] as const)),
  nameYear: maybe(fc.integer({ min: 2018, max: 2022 })),
  month: maybe(fc.integer({ min: 1, max: 12 })),
  duration: maybe(fc.constantFrom(0, 1, 3, 3.4, 4, 6, 12, 13)),
  agency: maybe(fc.constantFrom('Ministry of Public Security', 'Zhejiang police', 'Guangdong police', 'CAC', '')),
  agencyRegion: maybe(fc.constantFrom('CN-ZJ', 'CN-GD')),
  agencyHierarchy: maybe(fc.constantFrom('public-security', 'cyberspace')),
});

describe('UnitAttributes.blocked', () => {
  it('agrees with attributeBlock on every pair of random profiles', () => {
    fc.assert(
      fc.property(fc.array(profileAttributes, { minLength: 1, maxLength: 24 }), (attrs) => {
        const profiles = attrs.map((a, i) => ({ ...a, doc_id: `doc_${i}` }) as unknown as DocProfile);
        const units = new UnitAttributes(profiles);
        for (let i = 0; i < profiles.length; i++) {
          for (let j = 0; j < profiles.length; j++) {
            expect(units.blocked(i, j), `${JSON.stringify(attrs[i])} vs ${JSON.stringify(attrs[j])}`).toBe(attributeBlock(profiles[i]!, profiles[j]!) !== null);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
