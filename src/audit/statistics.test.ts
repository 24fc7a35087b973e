import { describe, expect, it } from 'vitest';
import {
  binomialLowerTail,
  binomialUpperTail,
  casesToDecide,
  mcnemarExact,
  pairedDifference,
  percentile,
  wilson,
} from './statistics.js';

// Every expected value below was printed by test/fixtures/audit/expected-statistics.py with scipy 1.17.1
// (scipy.stats.binomtest and its Wilson proportion_ci; the cases-needed figures by a brute-force scan over n),
// not by the code under test.

describe('Wilson interval', () => {
  it.each([
    [582, 600, 0.9530792576730232, 0.980940743374098],
    [540, 600, 0.8733923087771032, 0.9215183304119361],
    [39, 40, 0.8711863103652591, 0.9955731684973186],
    [0, 10, 0, 0.27753279986288926],
    [10, 10, 0.7224672001371109, 1],
    [97, 100, 0.9154806357094724, 0.9897454759759611],
  ])('%i of %i', (k, n, low, high) => {
    const w = wilson(k, n);
    expect(w.low).toBeCloseTo(low, 12);
    expect(w.high).toBeCloseTo(high, 12);
  });
});

describe('exact binomial test against the bar', () => {
  it.each([
    [582, 600, 0.95, 0.01127700631521027, 0.9937945598165202],
    [540, 600, 0.95, 0.9999998090167298, 4.159380997457972e-7],
    [39, 40, 0.95, 0.39906406512321524, 0.8714878434348969],
  ])('%i of %i against %f', (k, n, p, greater, less) => {
    expect(binomialUpperTail(k, n, p)).toBeCloseTo(greater, 12);
    expect(binomialLowerTail(k, n, p) / less).toBeCloseTo(1, 9);
  });
});

describe('McNemar exact test', () => {
  it.each([
    [18, 0, 7.62939453125e-6],
    [25, 7, 0.0021024015732109547],
    [3, 5, 0.7265625],
    [60, 0, 1.734723475976807e-18],
    [1, 1, 1],
    [0, 0, 1],
  ])('b=%i c=%i', (b, c, p) => {
    expect(mcnemarExact(b, c) / p).toBeCloseTo(1, 9);
  });
});

describe('paired difference for the non-inferiority margin', () => {
  it('is the paired Wald interval of c−b over n', () => {
    const d = pairedDifference(25, 7, 600);
    expect(d.difference).toBeCloseTo(-0.03, 12);
    expect(d.low).toBeCloseTo(-0.04832214010569947, 12);
    expect(d.high).toBeCloseTo(-0.011677859894300528, 12);
  });
});

describe('cases needed to decide', () => {
  it.each([
    [39 / 40, 0.95, 292],
    [0.96, 0.95, 1825],
    [0.93, 0.95, 457],
  ])('rate %f against %f', (rate, required, n) => {
    expect(casesToDecide(rate, required, 40)).toBe(n);
  });
  it('says nothing can decide a rate equal to the requirement', () => {
    expect(casesToDecide(0.95, 0.95, 100)).toBeNull();
  });
  it('returns the current count when already decided', () => {
    expect(casesToDecide(0.97, 0.95, 600)).toBe(600);
  });
});

it('percentile interpolates', () => {
  expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
  expect(percentile([10, 20, 30, 40, 50], 0.95)).toBeCloseTo(48, 12);
});
