import { describe, expect, it } from 'vitest';
import { compareNames } from '../../src/screening/matcher.ts';

const THRESHOLD = 0.8;
const score = (a: string, b: string) => compareNames('organisation', a, b).score;

describe("industry words of Chinese, Japanese and Korean company names meet their English registrations' words", () => {
  it('precision, electric, mining: the native word is the English one', () => {
    expect(score('雾山精密机械股份有限公司', 'Wushan Precision Machinery Co., Ltd.')).toBeGreaterThanOrEqual(THRESHOLD);
    expect(score('대한정밀 주식회사', 'Daehan Precision Co., Ltd.')).toBeGreaterThanOrEqual(THRESHOLD);
    // electric and mining are rigour's symbols; their Chinese (电器 "electrical appliances") and Korean forms are Remit's
    expect(score('正泰电器股份有限公司', 'Zhengtai Electric Co., Ltd.')).toBeGreaterThanOrEqual(THRESHOLD);
    expect(score('대한전기 주식회사', 'Daehan Electric Co., Ltd.')).toBeGreaterThanOrEqual(THRESHOLD);
    expect(score('대한광업 주식회사', 'Daehan Mining Co., Ltd.')).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('another industry word is another company (sister companies are named by what each does)', () => {
    expect(score('华强电子有限公司', 'Huaqiang Precision Co., Ltd.')).toBeLessThan(THRESHOLD);
    expect(score('紫金矿业集团股份有限公司', 'Zijin Electric Group Co., Ltd.')).toBeLessThan(THRESHOLD);
  });
});
