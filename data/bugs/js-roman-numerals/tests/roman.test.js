'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { toRoman, fromRoman } = require('../src/roman.js');

test('toRoman', () => {
  assert.equal(toRoman(1994), 'MCMXCIV');
  assert.equal(toRoman(3), 'III');
});

test('fromRoman reads subtractive and repeated numerals', () => {
  assert.equal(fromRoman('mcmxciv'), 1994);
  assert.equal(fromRoman('XIV'), 14);
  assert.equal(fromRoman('XXVIII'), 28);
});

test('round trip', () => {
  for (let n = 1; n < 400; n++) assert.equal(fromRoman(toRoman(n)), n);
});

test('invalid numerals', () => {
  assert.throws(() => fromRoman('IIII'), SyntaxError);
  assert.throws(() => fromRoman('12'), SyntaxError);
  assert.throws(() => toRoman(0), RangeError);
});
